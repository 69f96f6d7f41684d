"""``symopt kkt``: KKT points of a constrained problem, with the case analysis.

``symopt kkt "x**2" --subject-to "x >= 1"`` prints the Lagrangian, the conditions,
each active set's outcome and every KKT point with its multipliers, kind, LICQ
and whether it is the global minimum; ``--latex`` / ``--markdown`` print the
same as a checked derivation, ``--json`` as data.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from symopt.cli import app, console
from symopt.errors import UnsupportedError
from symopt.kkt import KKTResult, solve_kkt
from symopt.problem import Problem
from symopt.result import Finding
from symopt.timeout import check_seconds


def _finding(f: Finding) -> dict:
    return {"value": None if f.value is None else str(f.value), "reason": f.reason}


def _mapping(values: dict) -> dict:
    return {str(k): str(v) for k, v in values.items()}


def kkt_json(result: KKTResult) -> dict:
    """The result as JSON-ready data (strings for expressions, 1-based constraint numbers).

    >>> from symopt import Problem
    >>> data = kkt_json(solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0))
    >>> data["points"][0]["point"], data["points"][0]["multipliers"], data["complete"]
    ({'x': '1'}, {'lambda': '2'}, True)
    """
    c = result.conditions
    return {
        "objective": str(c.objective),
        "variables": [str(v) for v in c.variables],
        "parameters": [str(p) for p in c.parameters],
        "inequalities": [f"{g} <= 0" for g in c.inequalities],
        "equalities": [f"{h} = 0" for h in c.equalities],
        "lagrangian": str(c.lagrangian),
        "stationarity": [f"{s} = 0" for s in c.stationarity],
        "cases": [
            {
                "active": [i + 1 for i in case.active],
                "status": case.status,
                "reason": case.reason,
                "rejected": [{"values": _mapping(r.values), "reason": r.reason}
                             for r in case.rejected],
                "notes": list(case.notes),
            }
            for case in result.cases
        ],
        "points": [
            {
                "point": _mapping(p.point),
                "multipliers": _mapping(p.multipliers),
                "active": [i + 1 for i in p.active],
                "value": str(p.value),
                "condition": str(p.condition),
                "kind": _finding(p.kind),
                "licq": _finding(p.licq),
                "global_minimum": _finding(p.global_minimum),
            }
            for p in result.points
        ],
        "irregular_points": [{"point": _mapping(q.point), "condition": str(q.condition)}
                             for q in result.irregular_points],
        "convex": _finding(result.convex),
        "complete": result.complete,
        "notes": list(result.notes),
    }


@app.command()
def kkt(
    objective: Annotated[
        str, typer.Argument(help="Objective to minimise (SymPy syntax or LaTeX).")
    ],
    subject_to: Annotated[
        list[str] | None,
        typer.Option("--subject-to", "-s", help="A constraint such as 'x >= 1' (repeatable)."),
    ] = None,
    variables: Annotated[
        str | None,
        typer.Option("--vars", help="Comma-separated variables; other symbols are parameters."),
    ] = None,
    latex: Annotated[bool, typer.Option("--latex", help="Checked derivation as LaTeX.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Checked derivation as Markdown.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds per active set.")
    ] = None,
) -> None:
    """Lagrangian, KKT conditions, active-set cases, KKT points and their kind."""
    if sum((latex, markdown, as_json)) > 1:
        raise UnsupportedError("choose one of --latex, --markdown and --json")
    names = [v.strip() for v in variables.split(",")] if variables else None
    problem = Problem(objective, variables=names, constraints=subject_to or ())
    result = solve_kkt(problem, timeout=None if timeout is None else check_seconds(timeout,
                                                                                  "--timeout"))
    if as_json:
        console.print_json(json.dumps(kkt_json(result)))
        return
    if latex or markdown:
        from symopt.kkt.derivation import kkt_derivation

        derivation = kkt_derivation(result)
        text = derivation.to_latex() if latex else derivation.to_markdown()
        print(text)
        print(("% " if latex else "") + derivation.summary())
        return
    for line in result.summary().splitlines():
        console.print(line, markup=False, soft_wrap=True)
