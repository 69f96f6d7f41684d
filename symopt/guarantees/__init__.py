"""Guarantees over function classes: performance estimation, certificates, counterexamples.

A rate proved on quadratics holds for quadratics. A statement about every
L-smooth (strongly) convex function is decided here: numerically by
performance estimation (the class's interpolation conditions), exactly by a
certificate (multipliers and a PSD residual verified by SymPy), or refuted by a
function of the class on which the compiled method breaks the bound.

>>> from symopt.guarantees import smooth_strongly_convex
>>> smooth_strongly_convex("L", "mu").describe()
'L-smooth mu-strongly convex'
"""

from symopt.guarantees.classes import (
    FunctionClass,
    Oracle,
    smooth,
    smooth_convex,
    smooth_strongly_convex,
)

__all__ = ["FunctionClass", "Oracle", "smooth", "smooth_convex", "smooth_strongly_convex"]
