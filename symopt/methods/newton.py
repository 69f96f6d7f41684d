"""Newton's method and damped Newton, written with the Newton direction p = (∇²f)⁻¹∇f.

Per coordinate the rule reads x ← x − α p; the run loop (or the analysis of a
quadratic, where p = x − x*) supplies p from the problem's Hessian. With a line
search (B&V §9.5: damped Newton with backtracking) the step is x ← x − τ p, τ
chosen by the search at every iteration (:mod:`symopt.methods.linesearch`).

>>> from symopt.methods import newton
>>> newton().rule().x_next
-p + x
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
)
from symopt.methods.linesearch import LineSearch, LineSearchMethod, scale_by_line_search
from symopt.symbols import symbol


def _newton_direction() -> Transform:
    return Transform("newton_direction", lambda u, s, c: (c.p, {}))


def newton() -> Method:
    """Newton's method x ← x − (∇²f)⁻¹∇f."""
    return chain(
        "Newton",
        _newton_direction(),
        Transform("negate", lambda u, s, c: (-u, {})),
        uses_newton_direction=True,
        reference="any optimization text; e.g. Nocedal & Wright, §3.3",
    )


def damped_newton(rate: object = None) -> Method:
    """Damped Newton x ← x − α(∇²f)⁻¹∇f with step α > 0 (default 1); ``rate`` may be α(t).

    >>> damped_newton(rate="1/2").rule().x_next
    -p/2 + x
    """
    alpha = Hyperparameter(symbol("alpha"), POSITIVE, sp.S.One, "damping (step size)",
                           aliases=("lr",))
    return chain(
        "damped Newton",
        _newton_direction(),
        scale_by_learning_rate(rate, hyperparameter=alpha),
        uses_newton_direction=True,
        reference="Boyd & Vandenberghe, §9.5",
    )


def newton_line_search(search: LineSearch) -> LineSearchMethod:
    """Damped Newton x ← x − τ(∇²f)⁻¹∇f with τ chosen by ``search`` (B&V Algorithm 9.5).

    >>> from symopt.methods.linesearch import backtracking
    >>> newton_line_search(backtracking()).rule().x_next
    -p*tau + x
    """
    return LineSearchMethod(f"damped Newton with {search.label}",
                            (_newton_direction(), scale_by_line_search()),
                            uses_newton_direction=True,
                            reference="Boyd & Vandenberghe, §9.5 (Algorithm 9.5)",
                            extra_hyperparameters=search.hyperparameters, line_search=search)
