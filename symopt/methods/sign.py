"""Sign methods: sign gradient descent and Lion.

>>> from symopt.methods import lion, sign_gd
>>> sign_gd().rule().x_next
-alpha*sign(g) + x
>>> lion().rule().state_next
{m: beta_2*m + g*(1 - beta_2)}
"""

from __future__ import annotations

import sympy as sp

from symopt.methods.base import POSITIVE, Hyperparameter, Method, chain, scale_by_learning_rate
from symopt.methods.transforms import add_decayed_weights, scale_by_lion, scale_by_sign
from symopt.symbols import symbol

__all__ = ["lion", "sign_gd"]


def sign_gd(rate: object = None) -> Method:
    """Sign gradient descent x ← x − α sign(∇f) (signSGD without momentum).

    >>> sign_gd(rate=0.5).step(3, -2, {}, 1)[0]
    7/2
    """
    return chain(
        "sign GD",
        scale_by_sign(),
        scale_by_learning_rate(rate),
        reference="Bernstein et al. (2018), signSGD",
        conventions="sign(0) = 0",
    )


def lion(rate: object = None) -> Method:
    """Lion: c = β₁m + (1 − β₁)g, x ← x − α(sign(c) + λx), m ← β₂m + (1 − β₂)g.

    Defaults: α = 1e-4, β₁ = 0.9, β₂ = 0.99, λ = 0 (the paper tunes λ per task).

    >>> lion().rule().x_next
    -alpha*(lambda_wd*x + sign(beta_1*m + g*(1 - beta_1))) + x
    """
    alpha = Hyperparameter(symbol("alpha"), POSITIVE, sp.Rational(1, 10**4),
                           "step size (learning rate)", aliases=("lr",))
    return chain(
        "Lion",
        scale_by_lion(),
        add_decayed_weights(default=0),
        scale_by_learning_rate(rate, hyperparameter=alpha),
        reference="Chen et al. (2023), Symbolic Discovery of Optimization Algorithms, Program 1",
        conventions="decoupled weight decay scaled by α (x ← x − αλx), as in the paper; "
        "the momentum m is updated with β₂ after c is formed with β₁; sign(0) = 0",
    )
