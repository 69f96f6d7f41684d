"""Adaptive methods: AdaGrad, RMSProp, Adam, AdamW, AMSGrad, NAdam (torch.optim's forms).

Each is a short chain of the transforms in :mod:`symopt.methods.transforms`;
``rate`` replaces the step size α by a number or a schedule α(t)
(see :mod:`symopt.schedules`).

>>> from symopt.methods import adam
>>> adam(rate=0.01).rule(beta_1=0, beta_2=0, epsilon=1).x_next
-g/(100*(Abs(g) + 1)) + x
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from symopt.errors import UnsupportedError
from symopt.methods.base import (
    POSITIVE,
    Hyperparameter,
    Method,
    Transform,
    chain,
    scale_by_learning_rate,
    trace,
)
from symopt.methods.transforms import (
    BETA_1,
    BETA_2,
    EPSILON,
    EPSILON_ROOT,
    add_decayed_weights,
    scale_by_adam,
    scale_by_nadam,
    scale_by_rms,
    scale_by_rss,
)
from symopt.symbols import symbol

if TYPE_CHECKING:
    from symopt.methods.projected import ConvexSet

__all__ = ["adagrad", "adam", "adamw", "amsgrad", "nadam", "rmsprop"]

_EPS_OUTSIDE = "ε outside the square root: x ← x − α m̂/(√v̂ + ε) (torch.optim, Kingma & Ba)"
_BIAS = "m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) with t the 1-based step (t = 1 on the first step)"


def adagrad(rate: object = None, *, weight_decay: bool = False, eps: bool = True,
            eps_root: bool = False) -> Method:
    """AdaGrad, torch.optim.Adagrad: s ← s + g², x ← x − α g/(√s + ε).

    Defaults (torch's): α = 0.01, ε = 1e-10. torch's ``lr_decay`` is the schedule
    ``inverse_time(α, lr_decay)`` passed as ``rate``; ``weight_decay`` adds the
    coupled L2 term λx to the gradient first (torch's ``weight_decay=λ``).
    ``eps`` and ``eps_root`` (optax's names) say where ε sits: ``eps`` outside the
    root (hyperparameter ``epsilon``), ``eps_root`` inside it (``epsilon_root``,
    default 1e-6); d2l.ai's AdaGrad is ``adagrad(eps=False, eps_root=True)``.

    >>> adagrad().rule().state_next
    {s: g**2 + s}
    >>> adagrad(eps=False, eps_root=True).rule().x_next
    -alpha*g/sqrt(epsilon_root + g**2 + s) + x
    """
    return chain(
        "AdaGrad" + _eps_label(eps, eps_root),
        *_l2(weight_decay),
        scale_by_rss(_eps(eps, eps_root)[0], epsilon_root=_eps(eps, eps_root)[1]),
        _learning_rate(rate, "1/100"),
        reference="Duchi, Hazan & Singer (2011); torch.optim.Adagrad"
        + ("; d2l.ai §12.7" if eps_root else ""),
        conventions=f"{_eps_convention(eps, eps_root)}, accumulator starts at 0 "
        "(initial_accumulator_value = 0), lr_decay = 0 unless given as a schedule",
    )


def rmsprop(rate: object = None, *, centered: bool = False, momentum: bool = False,
            weight_decay: bool = False, eps: bool = True, eps_root: bool = False) -> Method:
    """RMSProp, torch.optim.RMSprop: v ← ρv + (1 − ρ)g², x ← x − α g/(√v + ε).

    torch calls the decay ρ ``alpha`` (default 0.99); here it is ``rho``. With
    ``momentum`` the scaled update goes through a buffer b ← βb + u (torch's
    ``momentum=β``); ``centered`` divides by the standard deviation instead;
    ``weight_decay`` adds the coupled L2 term λx to the gradient first.
    ``eps`` / ``eps_root`` put ε outside / inside the root (as for :func:`adagrad`);
    d2l.ai's RMSProp is ``rmsprop(eps=False, eps_root=True)``: g/√(v + ε_root).

    >>> rmsprop().rule().x_next
    -alpha*g/(epsilon + sqrt(g**2*(1 - rho) + rho*v)) + x
    >>> rmsprop(eps=False, eps_root=True).rule().x_next
    -alpha*g/sqrt(epsilon_root + g**2*(1 - rho) + rho*v) + x
    """
    epsilon, epsilon_root = _eps(eps, eps_root)
    transforms = [*_l2(weight_decay), scale_by_rms(epsilon=epsilon, centered=centered,
                                                   epsilon_root=epsilon_root)]
    if momentum:
        transforms.append(trace(symbol("beta"), default=None))
    transforms.append(_learning_rate(rate, "1/100"))
    return chain(
        "RMSProp" + (" (centered)" if centered else "") + (" with momentum" if momentum else "")
        + _eps_label(eps, eps_root),
        *transforms,
        reference="Hinton (2012), Lecture 6e; torch.optim.RMSprop"
        + ("; d2l.ai §12.8" if eps_root else ""),
        conventions="decay ρ (torch's alpha, default 0.99), "
        f"{_eps_convention(eps, eps_root, 'g', 'v')}, average starts at 0, no bias correction",
    )


def adam(rate: object = None, *, weight_decay: bool = False, bias_correction: bool = True,
         eps: bool = True, eps_root: bool = False,
         projection: ConvexSet | None = None) -> Method:
    """Adam with bias correction, torch.optim.Adam: x ← x − α m̂/(√v̂ + ε).

    Defaults (torch's): α = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8. With
    ``weight_decay`` the gradient gets the coupled L2 term λx first (torch's
    ``Adam(weight_decay=λ)``, not AdamW). Options of the same definition:
    ``bias_correction=False`` steps with m/(√v + ε) (Reddi et al.'s Adam);
    ``eps`` / ``eps_root`` put ε outside / inside the root (optax's ``eps`` and
    ``eps_root``: m̂/(√(v̂ + ε_root) + ε), default ε_root = 0); ``projection``
    (a :class:`~symopt.methods.projected.Box`) clips every step to the box — for
    a box this is also Reddi et al.'s √v̂-weighted projection, since it separates
    by coordinate. ``rate`` may be a schedule, e.g. ``"alpha/sqrt(t)"``.

    >>> sorted(adam().defaults().items())
    [('alpha', 1/1000), ('beta_1', 9/10), ('beta_2', 999/1000), ('epsilon', 1/100000000)]
    >>> adam(bias_correction=False, eps=False).rule(beta_1=0, beta_2=0).x_next
    -alpha*g/Abs(g) + x
    """
    return _projected(chain(
        "Adam" + ("" if bias_correction else " (no bias correction)")
        + _eps_label(eps, eps_root),
        *_l2(weight_decay),
        scale_by_adam(*_betas(), *_eps(eps, eps_root)[:1], bias_correction=bias_correction,
                      epsilon_root=_eps(eps, eps_root)[1]),
        _learning_rate(rate, "1/1000"),
        reference="Kingma & Ba (2015), Algorithm 1; torch.optim.Adam"
        + ("" if bias_correction else "; Reddi, Kale & Kumar (2018), §2"),
        conventions=f"{_eps_convention(eps, eps_root, 'm̂', 'v̂')}; "
        + (_BIAS if bias_correction else "no bias correction: m and v are used as they are"),
    ), projection)


def adamw(rate: object = None) -> Method:
    """AdamW, torch.optim.AdamW: x ← x − αλx − α m̂/(√v̂ + ε) (decoupled weight decay).

    torch multiplies the parameters by (1 − αλ) before the Adam step, with the
    same α; the chain adds λx after the Adam scaling. Default λ = 0.01.

    >>> adamw().rule().x_next.has(symbol("lambda_wd"))
    True
    """
    return chain(
        "AdamW",
        scale_by_adam(),
        add_decayed_weights(),
        _learning_rate(rate, "1/1000"),
        reference="Loshchilov & Hutter (2019); torch.optim.AdamW",
        conventions=f"decay applied to the parameters before the step, scaled by α (torch): "
        f"x ← x(1 − αλ) − α m̂/(√v̂ + ε); {_EPS_OUTSIDE}; {_BIAS}",
    )


def amsgrad(rate: object = None, *, bias_correction: bool = True, eps: bool = True,
            eps_root: bool = False, projection: ConvexSet | None = None) -> Method:
    """AMSGrad, torch.optim.Adam(amsgrad=True): v_max ← max(v_max, v), v̂ = v_max/(1 − β₂ᵗ).

    The options are :func:`adam`'s. Reddi, Kale & Kumar's Algorithm 2 is
    ``amsgrad(rate="alpha/sqrt(t)", bias_correction=False, eps=False,
    projection=Box(lower, upper))`` (their β₁ₜ = β₁ constant).

    >>> amsgrad().rule().state_next[symbol("v_max")]
    Max(v_max, beta_2*v + g**2*(1 - beta_2))
    >>> amsgrad(bias_correction=False, eps=False).rule().x_next
    -alpha*(beta_1*m + g*(1 - beta_1))/sqrt(Max(v_max, beta_2*v + g**2*(1 - beta_2))) + x
    """
    return _projected(chain(
        "AMSGrad" + ("" if bias_correction else " (no bias correction)")
        + _eps_label(eps, eps_root),
        scale_by_adam(*_betas(), *_eps(eps, eps_root)[:1], amsgrad=True,
                      bias_correction=bias_correction, epsilon_root=_eps(eps, eps_root)[1]),
        _learning_rate(rate, "1/1000"),
        reference="Reddi, Kale & Kumar (2018); torch.optim.Adam(amsgrad=True)",
        conventions="torch form: the maximum is kept of the raw second moment v"
        + (" and bias-corrected afterwards (v̂ = v_max/(1 − β₂ᵗ)); m̂ is bias-corrected"
           if bias_correction else "; no bias correction (the paper's Algorithm 2)")
        + f"; {_eps_convention(eps, eps_root, 'm̂', 'v̂')}",
    ), projection)


def nadam(rate: object = None, *, weight_decay: bool = False,
          decoupled_weight_decay: bool = False) -> Method:
    """NAdam, torch.optim.NAdam, with its momentum schedule μ_t = β₁(1 − ½·0.96^{tψ}).

    Defaults (torch's): α = 0.002, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, ψ = 0.004.
    ``weight_decay`` adds λx to the gradient (L2, torch's default); with
    ``decoupled_weight_decay`` the parameters decay as in AdamW instead.

    >>> [s.symbol for s in nadam().state]
    [m, v, mu_product]
    """
    return chain(
        "NAdam" + (" (decoupled weight decay)" if decoupled_weight_decay else ""),
        *_l2(weight_decay and not decoupled_weight_decay),
        scale_by_nadam(),
        *([add_decayed_weights(default=0)] if decoupled_weight_decay else []),
        _learning_rate(rate, "2/1000"),
        reference="Dozat (2016); torch.optim.NAdam",
        conventions="torch form: x ← x − α(1 − μ_t)/(1 − Π_t)·g/d "
        "− α μ_{t+1}/(1 − Π_t μ_{t+1})·m/d with d = √(v/(1 − β₂ᵗ)) + ε, "
        "Π_t = μ_1⋯μ_t (state mu_product, starts at 1), "
        "ψ = momentum_decay",
    )


def _betas() -> tuple[sp.Symbol, sp.Symbol]:
    return BETA_1, BETA_2


def _eps(eps: bool, eps_root: bool) -> tuple[sp.Symbol | None, sp.Symbol | None]:
    """The ε outside and the ε inside the root, each a hyperparameter or absent (None)."""
    return (EPSILON if eps else None), (EPSILON_ROOT if eps_root else None)


def _eps_label(eps: bool, eps_root: bool) -> str:
    return {(True, False): "", (False, True): " (ε inside the root)",
            (True, True): " (ε inside and outside the root)",
            (False, False): " (no ε)"}[(eps, eps_root)]


def _eps_convention(eps: bool, eps_root: bool, top: str = "g", second: str = "s") -> str:
    """Where ε sits, in words and as the step's fraction."""
    return {(True, False): f"ε outside the square root, {top}/(√{second} + ε) (torch.optim)",
            (False, True): f"ε inside the square root, {top}/√({second} + ε_root) (d2l.ai)",
            (True, True): f"ε_root inside and ε outside the root, "
                          f"{top}/(√({second} + ε_root) + ε) (optax)",
            (False, False): f"no ε: {top}/√{second} is undefined where {second} = 0",
            }[(eps, eps_root)]


def _projected(method: Method, projection: ConvexSet | None) -> Method:
    """The method with its step clipped to a box (the only sets whose weighted and
    Euclidean projections agree for every diagonal preconditioner)."""
    if projection is None:
        return method
    from dataclasses import replace

    from symopt.methods.projected import Box

    if not isinstance(projection, Box):
        raise UnsupportedError(
            f"an adaptive method projects onto a box only, got a {projection.name}: Reddi et "
            "al.'s projection is weighted by √v̂, which equals the Euclidean one only for "
            "sets that separate by coordinate")
    return replace(method, name=f"{method.name}, projected onto the {projection.name}",
                   projection=projection.project,
                   extra_hyperparameters=projection.hyperparameters,
                   conventions=f"{method.conventions}; x ← clip(x + u) to the box after "
                   "every step")


def _l2(enabled: bool) -> list[Transform]:
    """Coupled L2 regularisation g ← g + λx before the scaling (torch's weight_decay)."""
    return [add_decayed_weights(default=0)] if enabled else []


def _learning_rate(rate: object, default: str) -> Transform:
    """scale_by_learning_rate with torch's default α for this method."""
    hp = Hyperparameter(symbol("alpha"), POSITIVE, sp.Rational(default),
                        "step size (learning rate)", aliases=("lr",))
    return scale_by_learning_rate(rate, hyperparameter=hp)
