"""The small symbolic transforms the adaptive and sign methods are chained from.

Each function returns a :class:`~symopt.methods.base.Transform` acting on the
incoming update ``u`` (the gradient at the start of a chain), per coordinate.
Hyperparameter arguments take either a symbol (it stays a hyperparameter of the
method, with torch's default) or a number (it is fixed, after a domain check).

>>> from symopt.methods.base import chain, scale_by_learning_rate
>>> from symopt.methods.transforms import scale_by_rss
>>> adagrad = chain("AdaGrad", scale_by_rss(), scale_by_learning_rate())
>>> adagrad.rule().x_next
-alpha*g/(epsilon + sqrt(g**2 + s)) + x
>>> adagrad.rule().state_next
{s: g**2 + s}

A new transform is a name, ``(u, state, ctx) -> (u', new_state)`` and its
hyperparameters and state variables:

>>> from symopt.methods.base import POSITIVE, Hyperparameter, Transform
>>> c = symbol("c", positive=True)
>>> clip = Transform("clip", lambda u, state, ctx: (sp.Max(-c, sp.Min(c, u)), {}),
...                  (Hyperparameter(c, POSITIVE, sp.S.One, "clipping threshold"),))
>>> chain("clipped GD", clip, scale_by_learning_rate()).rule(c=1).x_next
-alpha*Max(-1, Min(1, g)) + x
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from symopt.methods.base import (
    POSITIVE,
    UNIT,
    Context,
    Hyperparameter,
    StateVar,
    Transform,
)
from symopt.symbols import symbol

__all__ = [
    "BETA_1",
    "BETA_2",
    "EPSILON",
    "EPSILON_ROOT",
    "PSI",
    "RHO",
    "WEIGHT_DECAY",
    "add_decayed_weights",
    "bias_correction",
    "ema_update",
    "scale_by_adam",
    "scale_by_lion",
    "scale_by_nadam",
    "scale_by_rms",
    "scale_by_rss",
    "scale_by_sign",
]

BETA_1, BETA_2 = symbol("beta_1"), symbol("beta_2")
EPSILON = symbol("epsilon")
#: ε inside the square root, √(v + ε_root) (optax's ``eps_root``; d2l.ai's AdaGrad/RMSProp ε).
EPSILON_ROOT = symbol("epsilon_root")
RHO = symbol("rho")
#: Weight decay λ; named ``lambda_wd`` so it never collides with an eigenvalue λ.
WEIGHT_DECAY = symbol("lambda_wd")
#: NAdam's momentum decay ψ (torch's ``momentum_decay``).
PSI = symbol("psi")
NONNEGATIVE = sp.Interval(0, sp.oo)
OPEN_UNIT = sp.Interval.open(0, 1)

Param = sp.Expr | float | int


def ema_update(old: sp.Expr, new: sp.Expr, decay: sp.Expr) -> sp.Expr:
    """The exponential moving average step β·old + (1 − β)·new.

    >>> ema_update(symbol("m"), symbol("g"), BETA_1)
    beta_1*m + g*(1 - beta_1)
    """
    return decay * old + (1 - decay) * new


def bias_correction(moment: sp.Expr, decay: sp.Expr, t: sp.Expr) -> sp.Expr:
    """Adam's debiasing moment / (1 − βᵗ) of an EMA started at 0 (t is 1-based).

    >>> bias_correction(symbol("m"), BETA_1, symbol("t"))
    m/(1 - beta_1**t)
    """
    return moment / (1 - decay**t)


_debias = bias_correction


def _hyper(value: Param, default_symbol: sp.Symbol, domain: sp.Set, default: object,
           description: str, aliases: tuple[str, ...] = ()) -> tuple[sp.Expr, tuple]:
    """A hyperparameter's expression and declaration (none when fixed to a number)."""
    hp = Hyperparameter(default_symbol, domain, sp.nsimplify(default), description, aliases)
    if isinstance(value, sp.Symbol):
        if value == default_symbol:
            return value, (hp,)
        return value, (Hyperparameter(value, domain, hp.default, description),)
    return hp.check(value), ()


def _beta1(value: Param, default: object = sp.Rational(9, 10)):
    return _hyper(value, BETA_1, UNIT, default, "decay of the first moment (mean)",
                  ("beta1", "b1"))


def _beta2(value: Param, default: object = sp.Rational(999, 1000)):
    return _hyper(value, BETA_2, UNIT, default, "decay of the second moment (uncentered variance)",
                  ("beta2", "b2"))


def _epsilon(value: Param, default: object = sp.Rational(1, 10**8)):
    return _hyper(value, EPSILON, POSITIVE, default, "added to the denominator for stability",
                  ("eps",))


def _epsilon_root(value: Param | None, default: object = 0):
    """ε inside the root: absent (None), a symbol or a number ≥ 0 (optax's eps_root)."""
    if value is None:
        return sp.S.Zero, ()
    return _hyper(value, EPSILON_ROOT, NONNEGATIVE, default,
                  "added to the second moment inside the square root", ("eps_root",))


def _root(second: sp.Expr, eps: sp.Expr, eps_root: sp.Expr) -> sp.Expr:
    """The denominator √(second + ε_root) + ε."""
    return sp.sqrt(second + eps_root) + eps


def scale_by_adam(beta_1: Param = BETA_1, beta_2: Param = BETA_2, epsilon: Param | None = EPSILON,
                  *, amsgrad: bool = False, bias_correction: bool = True,
                  epsilon_root: Param | None = None) -> Transform:
    """Adam's scaling, torch form: u ← m̂ / (√v̂ + ε) with ε outside the root.

    m ← β₁m + (1 − β₁)u, v ← β₂v + (1 − β₂)u², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
    With ``amsgrad`` (torch's form) v_max ← max(v_max, v) and v̂ = v_max/(1 − β₂ᵗ):
    the maximum is taken of the raw second moments, debiased afterwards.
    ``bias_correction=False`` uses m and v (or v_max) as they are (Reddi et al.'s
    analysis; Kingma & Ba's Algorithm 1 without its debiasing lines).
    ``epsilon_root`` adds ε_root inside the root, √(v̂ + ε_root) + ε (optax's
    ``eps_root``); ``epsilon=None`` drops the ε outside.

    References: Kingma & Ba (2015); Reddi et al. (2018) for AMSGrad.

    >>> u, state = scale_by_adam().apply(symbol("g"), {symbol("m"): 0, symbol("v"): 0},
    ...                                   Context())
    >>> state
    {m: g*(1 - beta_1), v: g**2*(1 - beta_2)}
    >>> scale_by_adam(bias_correction=False, epsilon=None, epsilon_root=EPSILON_ROOT).apply(
    ...     symbol("g"), {symbol("m"): 0, symbol("v"): 0}, Context())[0]
    g*(1 - beta_1)/sqrt(epsilon_root + g**2*(1 - beta_2))
    """
    b1, h1 = _beta1(beta_1)
    b2, h2 = _beta2(beta_2)
    eps, h3 = _epsilon(epsilon) if epsilon is not None else (sp.S.Zero, ())
    eps_root, h4 = _epsilon_root(epsilon_root)
    m, v, v_max = symbol("m"), symbol("v"), symbol("v_max")

    def debias(moment: sp.Expr, decay: sp.Expr, t: sp.Expr) -> sp.Expr:
        return _debias(moment, decay, t) if bias_correction else moment

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        new = {m: ema_update(state[m], u, b1), v: ema_update(state[v], u**2, b2)}
        second = new[v]
        if amsgrad:
            new[v_max] = second = sp.Max(state[v_max], new[v])
        denominator = _root(debias(second, b2, ctx.t), eps, eps_root)
        return debias(new[m], b1, ctx.t) / denominator, new

    state = [StateVar(m, sp.S.Zero, "first moment (EMA of the gradient)"),
             StateVar(v, sp.S.Zero, "second moment (EMA of the squared gradient)")]
    if amsgrad:
        state.append(StateVar(v_max, sp.S.Zero, "running maximum of the second moment"))
    return Transform("scale_by_amsgrad" if amsgrad else "scale_by_adam", apply,
                     h1 + h2 + h3 + h4, tuple(state),
                     r"\hat m_t / (\sqrt{\hat v_t} + \epsilon)")


def scale_by_nadam(beta_1: Param = BETA_1, beta_2: Param = BETA_2, epsilon: Param = EPSILON,
                   momentum_decay: Param = PSI) -> Transform:
    """NAdam's scaling exactly as torch.optim.NAdam computes it.

    With μ_t = β₁(1 − ½·0.96^{tψ}) and the running product Π ← Π·μ_t (Π₀ = 1):
    m ← β₁m + (1 − β₁)u, v ← β₂v + (1 − β₂)u², d = √(v/(1 − β₂ᵗ)) + ε and
    u ← (1 − μ_t)/(1 − Π) · u/d + μ_{t+1}/(1 − Π·μ_{t+1}) · m/d.

    References: Dozat (2016), "Incorporating Nesterov momentum into Adam".

    >>> [h.symbol for h in scale_by_nadam().hyperparameters]
    [beta_1, beta_2, epsilon, psi]
    """
    b1, h1 = _beta1(beta_1)
    b2, h2 = _beta2(beta_2)
    eps, h3 = _epsilon(epsilon, sp.Rational(1, 10**8))
    psi, h4 = _hyper(momentum_decay, PSI, NONNEGATIVE, sp.Rational(4, 1000),
                     "momentum decay ψ of the μ_t schedule", ("momentum_decay",))
    m, v, product = symbol("m"), symbol("v"), symbol("mu_product")

    def mu(t: sp.Expr) -> sp.Expr:
        return b1 * (1 - sp.Rational(1, 2) * sp.Rational(24, 25) ** (t * psi))

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        mu_now, mu_next = mu(ctx.t), mu(ctx.t + 1)
        new = {m: ema_update(state[m], u, b1), v: ema_update(state[v], u**2, b2),
               product: state[product] * mu_now}
        denominator = sp.sqrt(bias_correction(new[v], b2, ctx.t)) + eps
        step = ((1 - mu_now) / (1 - new[product]) * u
                + mu_next / (1 - new[product] * mu_next) * new[m])
        return step / denominator, new

    state = (StateVar(m, sp.S.Zero, "first moment (EMA of the gradient)"),
             StateVar(v, sp.S.Zero, "second moment (EMA of the squared gradient)"),
             StateVar(product, sp.S.One, "running product of the momentum coefficients μ_t"))
    return Transform("scale_by_nadam", apply, h1 + h2 + h3 + h4, state)


def scale_by_rms(decay: Param = RHO, epsilon: Param | None = EPSILON, *,
                 centered: bool = False, epsilon_root: Param | None = None) -> Transform:
    """RMSProp's scaling, torch form: v ← ρv + (1 − ρ)u², u ← u/(√v + ε).

    ``centered`` subtracts the squared mean: u ← u/(√(v − ḡ²) + ε) with
    ḡ ← ρḡ + (1 − ρ)u (torch's ``centered=True``). torch calls ρ ``alpha``.
    ``epsilon_root`` adds ε_root inside the root, u/(√(v + ε_root) + ε) (d2l.ai's
    form with ``epsilon=None``: u/√(v + ε_root)).

    References: Hinton, Lecture 6e of "Neural Networks for Machine Learning" (2012).

    >>> scale_by_rms().apply(symbol("g"), {symbol("v"): 0}, Context())
    (g/(epsilon + sqrt(1 - rho)*Abs(g)), {v: g**2*(1 - rho)})
    """
    rho, h1 = _hyper(decay, RHO, OPEN_UNIT, sp.Rational(99, 100),
                     "decay of the squared-gradient average (torch's alpha)", ("decay",))
    eps, h2 = _epsilon(epsilon) if epsilon is not None else (sp.S.Zero, ())
    eps_root, h3 = _epsilon_root(epsilon_root, sp.Rational(1, 10**6))
    v, mean = symbol("v"), symbol("gbar")

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        new = {v: ema_update(state[v], u**2, rho)}
        variance = new[v]
        if centered:
            new[mean] = ema_update(state[mean], u, rho)
            variance = new[v] - new[mean] ** 2
        return u / _root(variance, eps, eps_root), new

    state = [StateVar(v, sp.S.Zero, "EMA of the squared gradient")]
    if centered:
        state.append(StateVar(mean, sp.S.Zero, "EMA of the gradient"))
    return Transform("scale_by_rms", apply, h1 + h2 + h3, tuple(state))


def scale_by_rss(epsilon: Param | None = EPSILON, *,
                 epsilon_root: Param | None = None) -> Transform:
    """AdaGrad's scaling, torch form: s ← s + u², u ← u/(√s + ε) (ε default 1e-10).

    ``epsilon_root`` adds ε_root inside the root, u/(√(s + ε_root) + ε) (d2l.ai's
    form with ``epsilon=None``: u/√(s + ε_root), default ε_root = 1e-6).

    References: Duchi, Hazan & Singer (2011).

    >>> scale_by_rss().apply(symbol("g"), {symbol("s"): 0}, Context())
    (g/(epsilon + Abs(g)), {s: g**2})
    >>> scale_by_rss(None, epsilon_root=EPSILON_ROOT).apply(symbol("g"), {symbol("s"): 0},
    ...                                                     Context())[0]
    g/sqrt(epsilon_root + g**2)
    """
    eps, h = _epsilon(epsilon, sp.Rational(1, 10**10)) if epsilon is not None \
        else (sp.S.Zero, ())
    eps_root, h2 = _epsilon_root(epsilon_root, sp.Rational(1, 10**6))
    s = symbol("s")

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        total = state[s] + u**2
        return u / _root(total, eps, eps_root), {s: total}

    return Transform("scale_by_rss", apply, h + h2,
                     (StateVar(s, sp.S.Zero, "sum of the squared gradients"),))


def add_decayed_weights(weight_decay: Param = WEIGHT_DECAY,
                        default: object = sp.Rational(1, 100)) -> Transform:
    """u ← u + λx: before an adaptive scaling it is L2 regularisation (torch's
    ``weight_decay`` of Adam); after it, decoupled weight decay (AdamW, Lion).

    >>> add_decayed_weights().apply(symbol("u"), {}, Context())[0]
    lambda_wd*x + u
    """
    lam, h = _hyper(weight_decay, WEIGHT_DECAY, NONNEGATIVE, default, "weight decay λ",
                    ("weight_decay", "wd"))
    return Transform("add_decayed_weights", lambda u, s, c: (u + lam * c.x, {}), h)


def scale_by_sign() -> Transform:
    """u ← sign(u) (sign(0) = 0, as torch.sign).

    >>> scale_by_sign().apply(symbol("g"), {}, Context())
    (sign(g), {})
    """
    return Transform("scale_by_sign", lambda u, s, c: (sp.sign(u), {}))


def scale_by_lion(beta_1: Param = BETA_1, beta_2: Param = BETA_2) -> Transform:
    """Lion's direction: c = β₁m + (1 − β₁)u, u ← sign(c), m ← β₂m + (1 − β₂)u.

    Defaults β₁ = 0.9, β₂ = 0.99 (the paper's).
    References: Chen et al. (2023), "Symbolic Discovery of Optimization Algorithms".

    >>> scale_by_lion().apply(symbol("g"), {symbol("m"): 0}, Context())
    (sign(g*(1 - beta_1)), {m: g*(1 - beta_2)})
    """
    b1, h1 = _beta1(beta_1, sp.Rational(9, 10))
    b2, h2 = _beta2(beta_2, sp.Rational(99, 100))
    m = symbol("m")

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        interpolation = ema_update(state[m], u, b1)
        return sp.sign(interpolation), {m: ema_update(state[m], u, b2)}

    return Transform("scale_by_lion", apply, h1 + h2,
                     (StateVar(m, sp.S.Zero, "momentum (EMA of the gradient)"),))
