"""``symopt derive OBJECTIVE``: gradient, Hessian, stationary points, convexity, L, μ, κ."""

from __future__ import annotations

import json
from typing import Annotated

import sympy as sp
import typer
from rich.table import Table

from symopt.cli import app, console
from symopt.cli.cells import cell
from symopt.errors import SymoptError
from symopt.problem import Problem


def problem_facts(problem: Problem) -> dict[str, object]:
    """The facts ``symopt derive`` reports, as SymPy objects or Findings."""
    facts: dict[str, object] = {
        "objective": problem.objective,
        "variables": list(problem.variables),
        "gradient": problem.gradient,
        "hessian": problem.hessian,
    }
    try:
        facts["stationary_points"] = problem.stationary_points()
    except SymoptError as exc:
        facts["stationary_points"] = f"unknown ({exc})"
    facts["convex"] = problem.convexity()
    facts["L"] = problem.smoothness()
    facts["mu"] = problem.strong_convexity()
    facts["kappa"] = problem.condition_number()
    return facts


def _jsonable(value: object) -> object:
    from symopt.problem import StationaryPoint
    from symopt.result import Finding

    if isinstance(value, Finding):
        return {"value": _jsonable(value.value), "reason": value.reason}
    if isinstance(value, StationaryPoint):
        return {"point": {str(k): str(v) for k, v in value.point.items()}, "kind": value.kind,
                "value": str(value.value)}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, sp.MatrixBase):
        return [[str(e) for e in row] for row in value.tolist()]
    return None if value is None else str(value)


@app.command()
def derive(
    objective: Annotated[str, typer.Argument(help="Objective in SymPy syntax or LaTeX.")],
    variables: Annotated[
        str | None, typer.Option("--vars", help="Comma-separated variables (default: all).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    method: Annotated[
        str | None, typer.Option("--method", help="Derive a method on the objective: gd, "
                                 "heavy_ball (momentum), nesterov, heavy_ball_ema, newton, "
                                 "adam.")
    ] = None,
    latex: Annotated[bool, typer.Option("--latex", help="Checked derivation as LaTeX.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Checked derivation as Markdown.")
    ] = False,
    tex: Annotated[
        str | None, typer.Option("--tex", help="Write a standalone .tex document here.")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also compile --tex with pdflatex.")] = False,
) -> None:
    """Gradient, Hessian, stationary points and their kind, convexity, L, μ and κ.

    With --method, --latex, --markdown or --tex: the derivation, every step checked.
    """
    names = [v.strip() for v in variables.split(",")] if variables else None
    problem = Problem(objective, variables=names)
    if method or latex or markdown or tex or pdf:
        from symopt.cli.derivation_output import print_derivations

        print_derivations(problem, method, latex=latex, markdown=markdown, tex=tex, pdf=pdf,
                          as_json=as_json)
        return
    facts = problem_facts(problem)
    if as_json:
        console.print_json(json.dumps({k: _jsonable(v) for k, v in facts.items()}))
        return
    table = Table(title=cell(f"f = {sp.sstr(problem.objective)}"), show_header=False)
    table.add_column("fact", style="bold")
    table.add_column("value")
    for key, value in facts.items():
        if key == "stationary_points" and isinstance(value, list):
            text = "; ".join(
                f"{ {str(k): v for k, v in pt.point.items()} } {pt.kind}" for pt in value
            ) or "none"
        elif isinstance(value, sp.MatrixBase):
            text = sp.sstr(value.tolist())
        else:
            text = str(value)
        table.add_row(cell(key), cell(text))  # '[w_1]' is data, not rich markup
    console.print(table)
