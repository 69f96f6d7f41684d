"""What a method does along each eigen-direction for given hyperparameter values.

Read off the roots of det(zI − T(λ)): spectral radius below 1 converges (a
positive real dominant root monotonically, a negative one with alternating
sign, complex roots spiralling), equal to 1 is the boundary (the iterate
neither converges nor diverges; a root −1 flips the sign forever), above 1
diverges.

>>> from symopt.methods import gradient_descent
>>> [d.kind for d in behaviour(gradient_descent(), [4], alpha="0.3")]
['oscillates (converges)']
>>> behaviour(gradient_descent(), [20], alpha="0.1")[0].kind
'boundary'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from symopt.analysis.linear import linear_recurrence
from symopt.errors import UnsupportedError
from symopt.methods.base import Method

__all__ = ["DirectionBehaviour", "behaviour", "overall"]

#: Kinds, from best to worst.
KINDS = (
    "converges in finitely many steps",
    "converges monotonically",
    "oscillates (converges)",
    "spirals (converges)",
    "boundary",
    "diverges",
    "oscillates (diverges)",
    "spirals (diverges)",
)


@dataclass(frozen=True)
class DirectionBehaviour:
    """One eigen-direction: its λ, the roots of det(zI − T(λ)), the radius and the kind."""

    lam: sp.Expr
    roots: tuple[sp.Expr, ...]
    radius: sp.Expr
    kind: str


def behaviour(method: Method, eigenvalues: Sequence[object],
              **hyperparameters: object) -> list[DirectionBehaviour]:
    """Classify convergence along each eigen-direction (every hyperparameter given).

    >>> from symopt.methods import heavy_ball
    >>> behaviour(heavy_ball(), [1], alpha="0.5", beta="0.9")[0].kind
    'spirals (converges)'
    """
    results = []
    for lam in eigenvalues:
        recurrence = linear_recurrence(method, lam, **hyperparameters)
        if recurrence.matrix.free_symbols:
            raise UnsupportedError(
                "behaviour needs every hyperparameter; free: "
                f"{sorted(map(str, recurrence.matrix.free_symbols))}"
            )
        roots = tuple(sp.roots(recurrence.characteristic_polynomial, multiple=True))
        radius = sp.simplify(sp.Max(*[sp.Abs(r) for r in roots]))
        results.append(DirectionBehaviour(recurrence.lam, roots, radius, _kind(roots, radius)))
    return results


def overall(directions: Sequence[DirectionBehaviour]) -> str:
    """The worst kind over the directions (what the whole iterate does).

    >>> from symopt.methods import gradient_descent
    >>> overall(behaviour(gradient_descent(), [1, 4], alpha="0.3"))
    'oscillates (converges)'
    """
    return max((d.kind for d in directions), key=KINDS.index)


def _kind(roots: tuple[sp.Expr, ...], radius: sp.Expr) -> str:
    dominant = [r for r in roots if sp.simplify(sp.Abs(r) - radius) == 0]
    if radius == 0:
        return KINDS[0]
    if any(not r.is_real for r in dominant):
        shape = "spirals"
    elif any(r.is_negative for r in dominant):
        shape = "oscillates"
    else:
        shape = "monotone"
    if radius == 1:
        return "boundary"
    if (radius - 1).is_negative:
        return "converges monotonically" if shape == "monotone" else f"{shape} (converges)"
    return "diverges" if shape == "monotone" else f"{shape} (diverges)"
