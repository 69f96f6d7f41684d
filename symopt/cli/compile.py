"""``symopt compile METHOD``: print the kernel generated from a method's symbolic rule.

``symopt compile adam --hp alpha=0.01 --backend numba --dtype float32`` prints the
source that :func:`symopt.kernels.compile` executes (in-place NumPy ufunc calls,
or the fused numba loop); hyperparameters not given take the method's defaults.
"""

from __future__ import annotations

from typing import Annotated

import typer

from symopt.cli import app
from symopt.errors import DomainError


def _hyperparameters(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise DomainError(f"--hp expects NAME=VALUE (e.g. alpha=0.001), got {pair!r}")
        values[name.strip()] = value.strip()  # parsed by the safe parser, domain-checked
    return values


@app.command("compile")
def compile_command(
    method: Annotated[str, typer.Argument(help="Method name, e.g. adam, heavy_ball, nesterov.")],
    backend: Annotated[str, typer.Option(help="numpy (default) or numba.")] = "numpy",
    dtype: Annotated[str, typer.Option(help="float64 (default) or float32.")] = "float64",
    hp: Annotated[
        list[str] | None, typer.Option("--hp", help="Hyperparameter NAME=VALUE (repeatable).")
    ] = None,
) -> None:
    """Print the step function generated from METHOD's symbolic update rule."""
    from symopt.kernels import compile as compile_method

    step = compile_method(method, backend, dtype, **_hyperparameters(hp or []))
    values = ", ".join(f"{k} = {v}" for k, v in step.hyperparameters.items())
    typer.echo(f"# {step.method.name}, backend {backend}, {step.dtype.name}"
               + (f": {values}" if values else ""))
    typer.echo(step.source.rstrip())
