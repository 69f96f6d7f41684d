"""Optimizers, each written once as a symbolic update rule.

>>> from symopt.methods import get_method
>>> get_method("gd").rule(alpha=0.1).x_next
-g/10 + x
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from symopt.errors import UnsupportedError
from symopt.methods.adaptive import adagrad, adam, adamw, amsgrad, nadam, rmsprop
from symopt.methods.base import (
    Context,
    Hyperparameter,
    Method,
    StateVar,
    Transform,
    UpdateRule,
    chain,
    coordinate_sum,
    scale,
    scale_by_learning_rate,
    trace,
)
from symopt.methods.gradient import ema, gradient_descent, heavy_ball, heavy_ball_ema, nesterov
from symopt.methods.newton import damped_newton, newton
from symopt.methods.projected import projected_gd
from symopt.methods.sign import lion, sign_gd

#: Methods by the names the CLI and claims files use.
REGISTRY: dict[str, Callable[[], Method]] = {
    "gd": gradient_descent,
    "heavy_ball": heavy_ball,
    "momentum": heavy_ball,
    "heavy_ball_ema": heavy_ball_ema,
    "nesterov": nesterov,
    "nesterov_lookahead": partial(nesterov, form="lookahead"),
    "newton": newton,
    "damped_newton": damped_newton,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
    "adamw": adamw,
    "amsgrad": amsgrad,
    "nadam": nadam,
    "lion": lion,
    "sign_gd": sign_gd,
    "projected_gd": projected_gd,
}


def get_method(name: str) -> Method:
    """The method registered under ``name`` (case and ``-``/space insensitive)."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in REGISTRY:
        raise UnsupportedError(f"unknown method {name!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[key]()


__all__ = [
    "REGISTRY",
    "Context",
    "Hyperparameter",
    "Method",
    "StateVar",
    "Transform",
    "UpdateRule",
    "adagrad",
    "adam",
    "adamw",
    "amsgrad",
    "chain",
    "coordinate_sum",
    "damped_newton",
    "ema",
    "get_method",
    "gradient_descent",
    "heavy_ball",
    "heavy_ball_ema",
    "lion",
    "nadam",
    "nesterov",
    "newton",
    "projected_gd",
    "rmsprop",
    "scale",
    "scale_by_learning_rate",
    "sign_gd",
    "trace",
]
