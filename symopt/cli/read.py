"""``symopt parse TEXT --shapes "x=n; X=m x n"``: how symopt reads a formula.

Prints the SymPy value, its LaTeX and the notes on how ambiguous-looking notation
was read (``kt`` as k·t, ``x_i`` as a row of ``X``). ``--shapes`` declares vectors
and matrices (:mod:`symopt.shapes`); with it the formula is read as vector notation.
"""

from __future__ import annotations

import json
from typing import Annotated

import sympy as sp
import typer
from rich.markup import escape

from symopt.cli import app, console


@app.command("parse")
def parse_command(
    text: Annotated[str, typer.Argument(help="A formula: SymPy syntax or LaTeX.")],
    shapes: Annotated[str | None, typer.Option(
        "--shapes", help='Vectors and matrices: "x=n; A=n x n symmetric; X=m x n; '
                         'sigma=logistic".')] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> int:
    """Read TEXT and print its SymPy value, its LaTeX and how it was read."""
    from symopt.shapes import Shapes
    from symopt.vector_input import parse_vector_report

    declared = Shapes.from_option(shapes) if shapes is not None else Shapes()
    report = parse_vector_report(text, declared)
    value = {"value": str(report.value), "latex": sp.latex(report.value),
             "notes": list(report.notes), "shapes": {k: v.describe() for k, v in
                                                     declared.items()}}
    if as_json:
        console.print_json(json.dumps(value))
        return 0
    console.print(f"value: {escape(value['value'])}", soft_wrap=True)
    console.print(f"latex: {escape(value['latex'])}", soft_wrap=True)
    for note in report.notes:
        console.print(f"note:  {escape(note)}", soft_wrap=True)
    return 0
