"""``symopt analyze OBJECTIVE --method NAME``: recurrence, closed form, stability, α*, rate."""

from __future__ import annotations

import json
from typing import Annotated

import sympy as sp
import typer
from rich.table import Table

from symopt.cli import app, console
from symopt.errors import DomainError


def _hyperparameters(pairs: list[str]) -> dict[str, str]:
    """``["alpha=0.1", "beta=0.9"]`` → ``{"alpha": "0.1", ...}`` (values parsed later, safely)."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise DomainError(f"--hp expects NAME=VALUE, got {pair!r}")
        values[name.strip()] = value.strip()
    return values


@app.command()
def analyze(
    objective: Annotated[str, typer.Argument(help="Objective in SymPy syntax or LaTeX.")],
    method: Annotated[str, typer.Option("--method", "-m", help="Method name, e.g. gd.")],
    hp: Annotated[list[str] | None, typer.Option(
        "--hp", help="Hyperparameter value NAME=VALUE (repeatable); others stay symbolic.")] = None,
    variables: Annotated[
        str | None, typer.Option("--vars", help="Comma-separated variables (default: all).")
    ] = None,
    epsilon: Annotated[str | None, typer.Option(
        "--eps", help="Tolerance for the iteration count (default: symbolic ε).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    plot: Annotated[str | None, typer.Option(
        "--plot", help="Save ρ(α), the (α, β) region and a run to this PNG.")] = None,
) -> None:
    """Iteration matrix, closed form, stability region, optimal hyperparameters and rate."""
    from symopt.analysis import analyze as run_analysis
    from symopt.problem import Problem

    names = [v.strip() for v in variables.split(",")] if variables else None
    problem = Problem(objective, variables=names)
    result = run_analysis(problem, method, epsilon=epsilon, **_hyperparameters(hp or []))
    if plot:
        from symopt.analysis.plot import plot_analysis

        plot_analysis(result, plot)
    facts = result.as_dict()
    if as_json:
        console.print_json(json.dumps(facts | ({"plot": plot} if plot else {})))
        return
    table = Table(title=f"{facts['method']} on f = {sp.sstr(problem.objective)} "
                  f"({facts['kind']})", show_header=False)
    table.add_column("result", style="bold")
    table.add_column("value")
    table.add_column("why", style="dim")
    for key in ("minimiser", "eigenvalues", "iteration_matrix", "closed_form", "stability",
                "optimal", "rate", "radius", "iterations", "behaviour", "newton_constant"):
        entry = facts[key]
        value = entry["value"]
        shown = "unknown" if value is None else (
            json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value)
        table.add_row(key.replace("_", " "), shown, entry["reason"])
    for direction in facts["directions"]:
        table.add_row(f"λ = {direction['lambda']}", direction["kind"],
                      f"spectral radius {direction['radius']}")
    console.print(table)
    console.print(f"[dim]On quadratics: results for this objective{' (its quadratic model at the minimiser)' if facts['kind'] == 'local' else ''}, not guarantees for a function class (see symopt.guarantees).[/dim]")  # noqa: E501
    if plot:
        console.print(f"plot saved to {plot}")
