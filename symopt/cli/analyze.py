"""``symopt analyze OBJECTIVE --method NAME``: recurrence, closed form, stability, α*, rate."""

from __future__ import annotations

import json
from typing import Annotated

import sympy as sp
import typer
from rich.table import Table

from symopt.cli import app, console
from symopt.cli.cells import cell
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
    if as_json:
        console.print_json(json.dumps(result.as_dict() | ({"plot": plot} if plot else {})))
        return
    console.print(_table(result, problem))
    console.print(f"[dim]On quadratics: results for this objective{' (its quadratic model at the minimiser)' if result.kind == 'local' else ''}, not guarantees for a function class (see symopt.guarantees).[/dim]")  # noqa: E501
    if plot:
        console.print(f"plot saved to {plot}")


def _shown(value: object) -> object:
    """A finding's value for a cell: SymPy objects stay SymPy (pretty-printed), the
    region its condition, the optimum its hyperparameters and rate."""
    from symopt.analysis.optimal import Optimum
    from symopt.analysis.stability import StabilityRegion

    if isinstance(value, StabilityRegion):
        return value.condition
    if isinstance(value, Optimum):
        return {**{str(k): str(v) for k, v in value.hyperparameters.items()},
                "rate": str(value.rate), "rate in κ": str(value.rate_kappa)}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


def _per_direction(closed: object, eigenvalues: object) -> list[tuple[sp.Expr, sp.Expr]]:
    """The closed form with each of the problem's eigenvalues substituted for λ."""
    from symopt.analysis.linear import LAMBDA

    if not isinstance(closed, sp.Expr) or not isinstance(eigenvalues, list):
        return []
    return [(lam, sp.simplify(closed.subs(LAMBDA, lam))) for lam in eigenvalues]


def _table(result: object, problem: object) -> Table:
    """The analysis as a table: every cell literal text (see :mod:`symopt.cli.cells`)."""
    table = Table(title=cell(f"{result.method.name} on f = {sp.sstr(problem.objective)} "
                             f"({result.kind})"), show_header=False, show_lines=True)
    table.add_column("result", style="bold")
    table.add_column("value")
    table.add_column("why", style="dim")
    for key in ("minimiser", "eigenvalues", "iteration_matrix", "closed_form", "stability",
                "optimal", "rate", "radius", "iterations", "behaviour", "newton_constant"):
        finding = getattr(result, key)
        table.add_row(cell(key.replace("_", " ")), cell(_shown(finding.value)),
                      cell(finding.reason))
        if key == "closed_form":
            for lam, form in _per_direction(finding.value, result.eigenvalues.value):
                table.add_row(cell(f"closed form, λ = {lam}"), cell(form),
                              cell("the general form with this eigenvalue of the problem"))
    for direction in result.directions:
        table.add_row(cell(f"λ = {direction.lam}"), cell(direction.kind),
                      cell(f"spectral radius {sp.sstr(direction.radius)}"))
    return table
