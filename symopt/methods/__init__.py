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
from symopt.methods.clipping import clip_by_global_norm, clipped_gradient_descent
from symopt.methods.gradient import ema, gradient_descent, heavy_ball, heavy_ball_ema, nesterov
from symopt.methods.linesearch import (
    LineSearch,
    LineSearchMethod,
    backtracking,
    exact,
    gradient_descent_line_search,
)
from symopt.methods.newton import damped_newton, newton, newton_line_search
from symopt.methods.projected import projected_gd
from symopt.methods.sign import lion, sign_gd

#: Methods by the names the CLI and claims files use.
REGISTRY: dict[str, Callable[[], Method]] = {
    "gd": gradient_descent,
    "clipped_gd": clipped_gradient_descent,
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
    "gd_exact_line_search": lambda: gradient_descent_line_search(exact()),
    "gd_backtracking": lambda: gradient_descent_line_search(backtracking()),
    "newton_backtracking": lambda: newton_line_search(backtracking()),
    "damped_newton_backtracking": lambda: newton_line_search(backtracking()),
    "newton_exact_line_search": lambda: newton_line_search(exact()),
}


def get_method(name: str, **options: object) -> Method:
    """The method registered under ``name`` (case and ``-``/space insensitive).

    ``options`` are the constructor's keyword-only switches (``bias_correction``,
    ``eps``, ``eps_root``, ``form``, ...), each true/false or a word.

    >>> get_method("adagrad", eps=False, eps_root=True).rule().x_next
    -alpha*g/sqrt(epsilon_root + g**2 + s) + x
    """
    import inspect

    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in REGISTRY:
        raise UnsupportedError(f"unknown method {name!r}; known: {', '.join(sorted(REGISTRY))}")
    factory = REGISTRY[key]
    if options:
        parameters = inspect.signature(factory).parameters.values()
        allowed = sorted(p.name for p in parameters if p.kind is p.KEYWORD_ONLY and
                         isinstance(p.default, (bool, str)) and p.name not in ("rate",))
        for option, value in options.items():
            if option not in allowed:
                raise UnsupportedError(f"{name} has no option {option!r}; its options: "
                                       f"{', '.join(allowed) or 'none'}")
            if not isinstance(value, (bool, str)):
                raise UnsupportedError(f"option {option} of {name} must be true/false or a "
                                       f"word, got {value!r}")
    return factory(**options)


__all__ = [
    "REGISTRY",
    "Context",
    "Hyperparameter",
    "LineSearch",
    "LineSearchMethod",
    "Method",
    "StateVar",
    "Transform",
    "UpdateRule",
    "adagrad",
    "adam",
    "adamw",
    "amsgrad",
    "backtracking",
    "chain",
    "clip_by_global_norm",
    "clipped_gradient_descent",
    "coordinate_sum",
    "damped_newton",
    "ema",
    "exact",
    "get_method",
    "gradient_descent",
    "gradient_descent_line_search",
    "heavy_ball",
    "heavy_ball_ema",
    "lion",
    "nadam",
    "nesterov",
    "newton",
    "newton_line_search",
    "projected_gd",
    "rmsprop",
    "scale",
    "scale_by_learning_rate",
    "sign_gd",
    "trace",
]
