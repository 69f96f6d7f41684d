"""Convergence analysis: iteration matrices, closed forms, stability regions, optimal rates.

Everything is derived from a method's symbolic rule (:mod:`symopt.methods`):
on a quadratic each eigen-direction with eigenvalue λ evolves by a linear map
T(λ); its characteristic polynomial gives the closed form, the Schur–Cohn
stability region and, by equioscillation, the minimax hyperparameters.

>>> from symopt.analysis import analyze
>>> a = analyze("0.5*(w1**2 + 4*w2**2)", "heavy_ball")
>>> a.optimal.value.hyperparameters
{beta: 1/9, alpha: 4/9}
"""

from symopt.analysis.behaviour import DirectionBehaviour, behaviour, overall
from symopt.analysis.bounds import Bound, textbook_bounds
from symopt.analysis.core import Analysis, analyze
from symopt.analysis.linear import (
    LAMBDA,
    X0,
    K,
    LinearRecurrence,
    closed_form,
    linear_recurrence,
)
from symopt.analysis.local import hessian_eigenvalues, minimisers, newton_constant
from symopt.analysis.numeric import numeric_minimax, radius_grid
from symopt.analysis.optimal import (
    Optimum,
    iterations_to_tolerance,
    optimal_hyperparameters,
    worst_rate,
)
from symopt.analysis.stability import (
    StabilityRegion,
    region_finding,
    schur_cohn_conditions,
    stability_conditions,
    stability_region,
)
from symopt.analysis.steady import SteadyState, constant_gradient

__all__ = [
    "LAMBDA",
    "X0",
    "Analysis",
    "Bound",
    "DirectionBehaviour",
    "K",
    "LinearRecurrence",
    "Optimum",
    "StabilityRegion",
    "SteadyState",
    "analyze",
    "behaviour",
    "closed_form",
    "constant_gradient",
    "hessian_eigenvalues",
    "iterations_to_tolerance",
    "linear_recurrence",
    "minimisers",
    "newton_constant",
    "numeric_minimax",
    "optimal_hyperparameters",
    "overall",
    "radius_grid",
    "region_finding",
    "schur_cohn_conditions",
    "stability_conditions",
    "stability_region",
    "textbook_bounds",
    "worst_rate",
]
