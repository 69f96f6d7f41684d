"""Guarantees over function classes: performance estimation, certificates, counterexamples.

A rate proved on quadratics holds for quadratics. A statement about every
L-smooth (strongly) convex function is decided here: numerically by
performance estimation (the class's interpolation conditions,
:mod:`~symopt.guarantees.pep`), exactly by a certificate (multipliers and a PSD
residual verified by SymPy: :mod:`~symopt.guarantees.exact` for a number of
steps, :mod:`~symopt.guarantees.lyapunov` for symbolic N, L, μ, α), or refuted
by a function of the class on which the compiled method breaks the bound
(:mod:`~symopt.guarantees.counterexample`, :mod:`~symopt.guarantees.functions`).

>>> from symopt.guarantees import smooth_strongly_convex
>>> smooth_strongly_convex("L", "mu").describe()
'L-smooth mu-strongly convex'
"""

from symopt.guarantees.certificate import Certificate
from symopt.guarantees.classes import (
    FunctionClass,
    Oracle,
    smooth,
    smooth_convex,
    smooth_strongly_convex,
)
from symopt.guarantees.counterexample import (
    counterexample_from_points,
    drori_teboulle,
    lessard_recht_packard,
    refute_bound,
)
from symopt.guarantees.functions import PiecewiseQuadratic, huber, interpolant
from symopt.guarantees.linear import linear_recurrence
from symopt.guarantees.lyapunov import certify_bound
from symopt.guarantees.measures import initial_condition, measure
from symopt.guarantees.pep import PEPResult, PerformanceProblem

__all__ = [
    "Certificate",
    "FunctionClass",
    "Oracle",
    "PEPResult",
    "PerformanceProblem",
    "PiecewiseQuadratic",
    "certify_bound",
    "counterexample_from_points",
    "drori_teboulle",
    "huber",
    "initial_condition",
    "interpolant",
    "lessard_recht_packard",
    "linear_recurrence",
    "measure",
    "refute_bound",
    "smooth",
    "smooth_convex",
    "smooth_strongly_convex",
]
