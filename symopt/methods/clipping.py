"""Gradient clipping by the global norm, as a chain transform (optax's ``clip_by_global_norm``).

u ← u · min(1, c/‖u‖): an update longer than c is scaled back to length c, a
shorter one passes unchanged, and the direction is kept. Written per coordinate
as u / max(1, ‖u‖/c) with ‖u‖² = ``coordinate_sum(u²)`` (a reduction the kernels
compute before the elementwise update, as for the projection onto a ball); it is
defined at u = 0 (no division by the norm), like optax's and torch's
``clip_grad_norm_`` up to their ε.

Put before ``scale_by_learning_rate`` it bounds every step: ‖x' − x‖ = α·min(‖g‖, c) ≤ αc,
whatever the gradient.

References: Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent
neural networks", Algorithm 1; optax's ``clip_by_global_norm``.

>>> from symopt.methods.base import chain, scale_by_learning_rate
>>> clipped = chain("clipped GD", clip_by_global_norm(), scale_by_learning_rate())
>>> clipped.rule(max_norm=1).x_next
-alpha*g/Max(1, sqrt(coordinate_sum(g**2))) + x
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from symopt.methods.base import (
    POSITIVE,
    Context,
    Hyperparameter,
    Method,
    Transform,
    chain,
    coordinate_sum,
    scale_by_learning_rate,
)
from symopt.symbols import symbol

__all__ = ["MAX_NORM", "clip_by_global_norm", "clipped_gradient_descent"]

#: The clipping threshold c (optax's and torch's ``max_norm``).
MAX_NORM = symbol("max_norm", positive=True)


def clip_by_global_norm(max_norm: sp.Expr | float | int | str = MAX_NORM) -> Transform:
    """u ← u / max(1, ‖u‖/c): rescale the whole update to norm at most c.

    ``max_norm`` is the symbol c (it stays a hyperparameter, default 1) or a
    positive number (checked and fixed). The norm is taken over every coordinate
    (:func:`~symopt.methods.base.coordinate_sum`), so the direction is kept; the
    per-coordinate clip to [−c, c] is a different transform (it changes the direction).

    >>> u, state = clip_by_global_norm(2).apply(symbol("g"), {}, Context())
    >>> u
    g/Max(1, sqrt(coordinate_sum(g**2))/2)
    >>> u.subs(coordinate_sum(symbol("g")**2), 25).subs(symbol("g"), 3)  # ‖(3, 4)‖ = 5 → 2
    6/5
    """
    declared = Hyperparameter(MAX_NORM, POSITIVE, sp.S.One, "clipping threshold c on ‖u‖",
                              aliases=("c", "clip"))
    if isinstance(max_norm, sp.Symbol):
        c = max_norm
        hyperparameters: tuple[Hyperparameter, ...] = (
            declared if c == MAX_NORM else Hyperparameter(c, POSITIVE, sp.S.One,
                                                          "clipping threshold c on ‖u‖"),)
    else:
        c, hyperparameters = declared.check(max_norm), ()

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        norm = sp.sqrt(coordinate_sum(u**2))
        return u / sp.Max(1, norm / c), {}

    return Transform("clip_by_global_norm", apply, hyperparameters,
                     latex=r"u \,/\, \max(1, \|u\|/c)")


def clipped_gradient_descent(max_norm: sp.Expr | float | int | str = MAX_NORM,
                             rate: object = None) -> Method:
    """Gradient descent on the clipped gradient: x ← x − α g / max(1, ‖g‖/c).

    >>> clipped_gradient_descent(1, rate="1/10").rule().x_next
    -g/(10*Max(1, sqrt(coordinate_sum(g**2)))) + x
    """
    return chain("clipped GD", clip_by_global_norm(max_norm), scale_by_learning_rate(rate),
                 reference="Pascanu, Mikolov & Bengio (2013), Algorithm 1",
                 conventions="clipping by the global norm (all coordinates), before the step "
                 "size; u / max(1, ‖u‖/c) is defined at u = 0")
