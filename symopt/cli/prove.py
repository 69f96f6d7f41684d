"""``symopt prove``: check the built-in catalogue of textbook claims."""

from __future__ import annotations

from symopt.cli import app, console
from symopt.cli.derive import problem_facts
from symopt.problem import Problem


@app.command()
def prove() -> None:
    """Run the catalogue on the built-in example ½(w₁² + 4w₂²)."""
    problem = Problem("0.5*(w1**2 + 4*w2**2)")
    for key, value in problem_facts(problem).items():
        console.print(f"{key}: {value}")
