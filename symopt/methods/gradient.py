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
    X,
    _domain_of,
    chain,
    scale_by_learning_rate,
    trace,
)
from symopt.symbols import symbol

__all__ = ["LOOKAHEAD_ITERATE", "ema", "gradient_descent", "heavy_ball", "heavy_ball_ema",
           "lookahead_momentum", "nesterov"]

BETA = symbol("beta")
#: State of Nesterov's look-ahead form that holds the reported iterate x_k.
LOOKAHEAD_ITERATE = symbol("z")


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


def lookahead_momentum(beta: sp.Expr = BETA, *,
                       default: sp.Expr | None = None) -> Transform:
    """Nesterov's look-ahead: z ← x + u, u ← u + β(x + u − z) (after the gradient step u).

    The parameters x hold the look-ahead point y_k (where the gradient is taken)
    and the state z the reported iterate x_k: x_{k+1} = y_k + u (u = −α∇f(y_k))
    and y_{k+1} = x_{k+1} + β(x_{k+1} − x_k).

    >>> lookahead_momentum().apply(symbol("u"), {LOOKAHEAD_ITERATE: symbol("z")}, Context())
    (beta*(u + x - z) + u, {z: u + x})
    """
    if isinstance(beta, sp.Symbol):
        declared: tuple[Hyperparameter, ...] = (
            Hyperparameter(beta, UNIT, default, "momentum coefficient", aliases=("momentum",)),)
    else:
        declared = tuple(Hyperparameter(s, _domain_of(s), None, "schedule parameter")
                         for s in sorted(beta.free_symbols - {symbol("t")}, key=str))

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        reported = ctx.x + u
        return u + beta * (reported - state[LOOKAHEAD_ITERATE]), {LOOKAHEAD_ITERATE: reported}

    return Transform("lookahead_momentum", apply, declared,
                     (StateVar(LOOKAHEAD_ITERATE, X, "the reported iterate x_k (x holds the "
                               "look-ahead point y_k)"),))


def nesterov(rate: sp.Expr | None = None, momentum: object = None, *,
             form: str = "torch") -> Method:
    """Nesterov momentum in torch's form or in the look-ahead form (``form="lookahead"``).

    ``form="torch"`` (torch.optim.SGD(nesterov=True)): b ← βb + ∇f, x ← x − α(∇f + βb);
    the reported iterate is the parameter x, where the gradient is taken.

    ``form="lookahead"`` (Sutskever et al. 2013; Goh 2017):
    y_k = x_k + β(x_k − x_{k−1}), x_{k+1} = y_k − α∇f(y_k), with x_{−1} = x_0. The
    parameters hold y_k (the gradient is always taken at the parameters) and the
    state ``z`` holds the reported iterate x_k.

    The two are one sequence in two coordinates: torch's (p_k, b_k) and the
    look-ahead form's (y_k, x_k) satisfy y_k = p_k and x_k = p_k + αβ b_k (for
    constant α, β); :func:`symopt.methods.forms.nesterov_forms` proves it from both
    rules. ``rate`` and ``momentum`` may be schedules α(t), β(t), e.g. the fast
    gradient method's β_t = (t − 1)/(t + 2) — in the look-ahead form: with a schedule
    the torch form is another method (β_t acts inside the buffer), and the map above
    holds for constant α, β only.

    >>> nesterov(momentum="(t - 1)/(t + 2)").rule(alpha=1).state_next
    {b: b*(t - 1)/(t + 2) + g}
    >>> rule = nesterov(form="lookahead").rule()
    >>> rule.x_next, rule.state_next
    (-alpha*g + beta*(-alpha*g + x - z) + x, {z: -alpha*g + x})
    """
    if form == "torch":
        return chain(
            "Nesterov",
            trace(_momentum(momentum), nesterov=True, default=sp.Rational(9, 10)),
            scale_by_learning_rate(rate),
            reference="Nesterov (1983); Sutskever et al. (2013); "
            "torch.optim.SGD(nesterov=True)",
            conventions="torch form: the parameters are the point where the gradient is "
            "taken; buffer b ← βb + g",
        )
    if form == "lookahead":
        return chain(
            "Nesterov (look-ahead form)",
            scale_by_learning_rate(rate),
            lookahead_momentum(_momentum(momentum), default=sp.Rational(9, 10)),
            reference="Nesterov (1983); Sutskever et al. (2013), eq. (3)–(4); "
            "Goh, 'Why momentum really works' (2017)",
            conventions="the parameters hold the look-ahead point y_k, where the gradient is "
            "taken; the state z is the reported iterate x_k; x_{−1} = x_0 (z starts at x_0)",
            reported=LOOKAHEAD_ITERATE,
        )
    raise DomainError(f"unknown Nesterov form {form!r}; use 'torch' or 'lookahead'")
