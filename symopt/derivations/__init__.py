"""Derivations the engine produces from Problem and Method objects.

Each builder returns a :class:`~symopt.derivation.Derivation` whose every step
was checked when it was added; :func:`derivations_for` picks the builders for
``symopt derive OBJECTIVE --method NAME``.

>>> from symopt.derivations import gd_derivation
>>> gd_derivation("2*w**2").results["alpha_star"]
1/4
"""

from __future__ import annotations

from symopt.derivation import Derivation
from symopt.derivations.adam import adam_bias_correction
from symopt.derivations.gradient_descent import gd_derivation
from symopt.derivations.momentum import heavy_ball_derivation
from symopt.derivations.newton import newton_multivariate, newton_on_problem, newton_scalar
from symopt.derivations.problem_facts import problem_derivation
from symopt.derivations.regression import (
    linear_regression_gradient,
    logistic_regression_gradient,
)
from symopt.errors import UnsupportedError
from symopt.problem import Problem

__all__ = [
    "METHODS",
    "adam_bias_correction",
    "derivations_for",
    "gd_derivation",
    "heavy_ball_derivation",
    "linear_regression_gradient",
    "logistic_regression_gradient",
    "newton_multivariate",
    "newton_on_problem",
    "newton_scalar",
    "problem_derivation",
]

#: ``--method`` names with a derivation, and the registry name of the method.
METHODS = {
    "gd": "gd", "gradient_descent": "gd",
    "heavy_ball": "heavy_ball", "momentum": "heavy_ball",
    "heavy_ball_ema": "heavy_ball_ema", "nesterov": "nesterov",
    "newton": "newton",
    "adam": "adam",
}


def derivations_for(problem: Problem, method: str | None = None) -> list[Derivation]:
    """The derivations ``symopt derive`` prints for ``problem`` and ``method``.

    Without a method: gradient, Hessian and stationary points. Raises
    :class:`~symopt.errors.UnsupportedError` for a method without a derivation.

    >>> from symopt import Problem
    >>> [d.title for d in derivations_for(Problem("2*w**2"), "gd")]
    ['Gradient descent on $f = 2 w^{2}$']
    """
    if method is None:
        return [problem_derivation(problem)]
    key = method.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in METHODS:
        raise UnsupportedError(f"no derivation for method {method!r}; derivations exist for "
                               f"{', '.join(sorted(METHODS))}")
    name = METHODS[key]
    if name == "gd":
        return [gd_derivation(problem)]
    if name in ("heavy_ball", "heavy_ball_ema", "nesterov"):
        return [heavy_ball_derivation(problem, method=name)]
    if name == "newton":
        general = newton_scalar() if len(problem.variables) == 1 else newton_multivariate()
        return [general, newton_on_problem(problem)]
    return [adam_bias_correction()]
