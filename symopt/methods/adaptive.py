"""Adaptive methods: AdaGrad, RMSProp, Adam, AdamW, AMSGrad, NAdam (torch.optim's forms).

Each is a short chain of the transforms in :mod:`symopt.methods.transforms`;
``rate`` replaces the step size α by a number or a schedule α(t)
(see :mod:`symopt.schedules`).

>>> from symopt.methods import adam
>>> adam(rate=0.01).rule(beta_1=0, beta_2=0, epsilon=1).x_next
-g/(100*(Abs(g) + 1)) + x
"""

from __future__ import annotations

import sympy as sp

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
    add_decayed_weights,
    scale_by_adam,
    scale_by_nadam,
    scale_by_rms,
    scale_by_rss,
)
from symopt.symbols import symbol

__all__ = ["adagrad", "adam", "adamw", "amsgrad", "nadam", "rmsprop"]

_EPS_OUTSIDE = "ε outside the square root: x ← x − α m̂/(√v̂ + ε) (torch.optim, Kingma & Ba)"
_BIAS = "m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) with t the 1-based step (t = 1 on the first step)"


def adagrad(rate: object = None, *, weight_decay: bool = False) -> Method:
    """AdaGrad, torch.optim.Adagrad: s ← s + g², x ← x − α g/(√s + ε).

    Defaults (torch's): α = 0.01, ε = 1e-10. torch's ``lr_decay`` is the schedule
    ``inverse_time(α, lr_decay)`` passed as ``rate``; ``weight_decay`` adds the
    coupled L2 term λx to the gradient first (torch's ``weight_decay=λ``).

    >>> adagrad().rule().state_next
    {s: g**2 + s}
    """
    return chain(
        "AdaGrad",
        *_l2(weight_decay),
        scale_by_rss(),
        _learning_rate(rate, "1/100"),
        reference="Duchi, Hazan & Singer (2011); torch.optim.Adagrad",
        conventions="torch form: ε outside the square root, accumulator starts at 0 "
        "(initial_accumulator_value = 0), lr_decay = 0 unless given as a schedule",
    )


def rmsprop(rate: object = None, *, centered: bool = False, momentum: bool = False,
            weight_decay: bool = False) -> Method:
    """RMSProp, torch.optim.RMSprop: v ← ρv + (1 − ρ)g², x ← x − α g/(√v + ε).

    torch calls the decay ρ ``alpha`` (default 0.99); here it is ``rho``. With
    ``momentum`` the scaled update goes through a buffer b ← βb + u (torch's
    ``momentum=β``); ``centered`` divides by the standard deviation instead;
    ``weight_decay`` adds the coupled L2 term λx to the gradient first.

    >>> rmsprop().rule().x_next
    -alpha*g/(epsilon + sqrt(g**2*(1 - rho) + rho*v)) + x
    """
    transforms = [*_l2(weight_decay), scale_by_rms(centered=centered)]
    if momentum:
        transforms.append(trace(symbol("beta"), default=None))
    transforms.append(_learning_rate(rate, "1/100"))
    return chain(
        "RMSProp" + (" (centered)" if centered else "") + (" with momentum" if momentum else ""),
        *transforms,
        reference="Hinton (2012), Lecture 6e; torch.optim.RMSprop",
        conventions="torch form: decay ρ (torch's alpha, default 0.99), ε outside the square "
        "root (default 1e-8), average starts at 0, no bias correction",
    )


def adam(rate: object = None, *, weight_decay: bool = False) -> Method:
    """Adam with bias correction, torch.optim.Adam: x ← x − α m̂/(√v̂ + ε).

    Defaults (torch's): α = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-8. With
    ``weight_decay`` the gradient gets the coupled L2 term λx first (torch's
    ``Adam(weight_decay=λ)``, not AdamW).

    >>> sorted(adam().defaults().items())
    [('alpha', 1/1000), ('beta_1', 9/10), ('beta_2', 999/1000), ('epsilon', 1/100000000)]
    """
    return chain(
        "Adam",
        *_l2(weight_decay),
        scale_by_adam(),
        _learning_rate(rate, "1/1000"),
        reference="Kingma & Ba (2015), Algorithm 1; torch.optim.Adam",
        conventions=f"{_EPS_OUTSIDE}; {_BIAS}",
    )


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


def amsgrad(rate: object = None) -> Method:
    """AMSGrad, torch.optim.Adam(amsgrad=True): v_max ← max(v_max, v), v̂ = v_max/(1 − β₂ᵗ).

    >>> amsgrad().rule().state_next[symbol("v_max")]
    Max(v_max, beta_2*v + g**2*(1 - beta_2))
    """
    return chain(
        "AMSGrad",
        scale_by_adam(amsgrad=True),
        _learning_rate(rate, "1/1000"),
        reference="Reddi, Kale & Kumar (2018); torch.optim.Adam(amsgrad=True)",
        conventions="torch form: the maximum is kept of the raw second moment v and "
        f"bias-corrected afterwards (v̂ = v_max/(1 − β₂ᵗ)); m̂ is bias-corrected; {_EPS_OUTSIDE}",
    )


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


def _l2(enabled: bool) -> list[Transform]:
    """Coupled L2 regularisation g ← g + λx before the scaling (torch's weight_decay)."""
    return [add_decayed_weights(default=0)] if enabled else []


def _learning_rate(rate: object, default: str) -> Transform:
    """scale_by_learning_rate with torch's default α for this method."""
    hp = Hyperparameter(symbol("alpha"), POSITIVE, sp.Rational(default),
                        "step size (learning rate)", aliases=("lr",))
    return scale_by_learning_rate(rate, hyperparameter=hp)
