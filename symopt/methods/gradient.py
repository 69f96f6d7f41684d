"""First-order methods without adaptive scaling: GD, heavy ball, Nesterov.

>>> from symopt.methods import heavy_ball_ema
>>> heavy_ball_ema().rule().x_next
-alpha*(beta*v + g*(1 - beta)) + x
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from symopt.errors import DomainError
from symopt.methods.base import (
    UNIT,
    Context,
    Hyperparameter,
    Method,
    StateVar,
    Transform,
    chain,
    scale_by_learning_rate,
    trace,
)
from symopt.symbols import symbol

__all__ = ["ema", "gradient_descent", "heavy_ball", "heavy_ball_ema", "nesterov"]

BETA = symbol("beta")


def gradient_descent(rate: sp.Expr | None = None) -> Method:
    """Gradient descent x ← x − α∇f(x); ``rate`` may be a schedule α(t).

    >>> gradient_descent().rule().x_next
    -alpha*g + x
    """
    return chain(
        "gradient descent",
        scale_by_learning_rate(rate),
        reference="Cauchy (1847); any optimization text",
    )


def heavy_ball(rate: sp.Expr | None = None, momentum: object = None) -> Method:
    """Polyak's heavy ball, torch.optim.SGD form: b ← βb + ∇f, x ← x − αb.

    Equivalent to the classical form v ← βv − α∇f, x ← x + v with v = −αb
    (for a constant α). ``rate`` and ``momentum`` may be schedules α(t), β(t).

    >>> heavy_ball().rule().state_next
    {b: b*beta + g}
    """
    return chain(
        "heavy ball",
        trace(_momentum(momentum), default=sp.Rational(9, 10)),
        scale_by_learning_rate(rate),
        reference="Polyak (1964); torch.optim.SGD(momentum=β, dampening=0)",
        conventions="buffer b = βb + g (torch form); classical v = −αb",
    )


def _momentum(momentum: object) -> sp.Expr:
    """The momentum coefficient: the hyperparameter β, or a given value or schedule β(t)."""
    if momentum is None:
        return BETA
    from symopt.methods.base import _exact

    value = _exact(momentum, "momentum")
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise DomainError(f"the momentum must be finite, got {value}")
    return value


def ema(beta: sp.Symbol = BETA, *, name: str = "v", default: sp.Expr | None = None,
        description: str = "exponential moving average") -> Transform:
    """Exponential moving average v ← βv + (1 − β)u; the update becomes v."""
    buffer = symbol(name)
    hp = Hyperparameter(beta, UNIT, default, "decay of the moving average")

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        new = beta * state[buffer] + (1 - beta) * u
        return new, {buffer: new}

    return Transform("ema", apply, (hp,), (StateVar(buffer, sp.S.Zero, description),))


def heavy_ball_ema(rate: sp.Expr | None = None) -> Method:
    """Momentum in EMA form: v ← βv + (1 − β)∇f, x ← x − αv."""
    return chain(
        "heavy ball (EMA form)",
        ema(BETA, default=sp.Rational(9, 10)),
        scale_by_learning_rate(rate),
        reference="e.g. Goodfellow et al., Deep Learning, §8.3.2 (EMA variant)",
    )


def nesterov(rate: sp.Expr | None = None, momentum: object = None) -> Method:
    """Nesterov momentum, torch.optim.SGD(nesterov=True) form: b ← βb + ∇f, x ← x − α(∇f + βb).

    Equivalent to the look-ahead form y = x + β(x − x₋), x⁺ = y − α∇f(y) after
    a change of variables. ``rate`` and ``momentum`` may be schedules α(t), β(t),
    e.g. the fast gradient method's β_t = (t − 1)/(t + 2).

    >>> nesterov(momentum="(t - 1)/(t + 2)").rule(alpha=1).state_next
    {b: b*(t - 1)/(t + 2) + g}
    """
    return chain(
        "Nesterov",
        trace(_momentum(momentum), nesterov=True, default=sp.Rational(9, 10)),
        scale_by_learning_rate(rate),
        reference="Nesterov (1983); Sutskever et al. (2013); torch.optim.SGD(nesterov=True)",
    )
