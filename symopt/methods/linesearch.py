"""Line search as part of a method's one definition: exact and backtracking (Armijo).

A line-search method scales its direction by a step ``τ`` that the search picks
anew at every iteration: the last link of its chain is :func:`scale_by_line_search`
(u ← −τ u) and the method carries a :class:`LineSearch` that says how τ is chosen.
τ is declared as an input of the rule (like a hyperparameter, without a default):
a compiled step takes it as a value per row, which the run sets at every iteration.
The rule stays one SymPy expression, ``x' = x − τ g`` for gradient descent and
``x' = x − τ p`` for damped Newton; the search direction ``d = ∂x'/∂τ`` and
everything about the search (the exact step on a quadratic, the Armijo set, the
bounds of :mod:`symopt.analysis.linesearch`) are derived from it.

The step is written ``tau`` because ``t`` is symopt's step counter; Boyd &
Vandenberghe write it t, Nocedal & Wright α_k. The backtracking parameters use
Boyd & Vandenberghe's names, α (sufficient decrease) and β (shrink factor), with
Nocedal & Wright's ``c1`` and ``rho`` accepted as aliases, and ``t0`` the first
step tried (N&W's ᾱ).

>>> from symopt.methods.linesearch import gradient_descent_line_search, backtracking
>>> method = gradient_descent_line_search(backtracking())
>>> method.rule().x_next
-g*tau + x
>>> [h.symbol.name for h in method.hyperparameters]
['tau', 'alpha', 'beta', 't0']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy as sp

from symopt.methods.base import POSITIVE, Hyperparameter, Method, Transform
from symopt.symbols import symbol

__all__ = ["STEP", "LineSearch", "LineSearchMethod", "backtracking", "exact",
           "gradient_descent_line_search", "line_search_of", "scale_by_line_search"]

#: The step the line search accepts at the current iteration (B&V's t, N&W's α_k).
STEP = symbol("tau")
#: τ as an input of the rule: a compiled step takes it like a hyperparameter, and a run
#: (:func:`symopt.kernels.linesearch.run_line_search`) sets it anew at every iteration.
STEP_INPUT = Hyperparameter(STEP, POSITIVE, None,
                            "the step the line search accepts (set by the search at every "
                            "iteration, not by the user)")

#: Armijo's sufficient-decrease parameter: 0 < α < 1 (B&V take α < 1/2).
ARMIJO = Hyperparameter(symbol("alpha"), sp.Interval.open(0, 1), sp.Rational(1, 4),
                        "sufficient-decrease parameter of the Armijo condition",
                        aliases=("c1", "c_1"))
#: The factor a rejected step is multiplied by: 0 < β < 1.
SHRINK = Hyperparameter(symbol("beta"), sp.Interval.open(0, 1), sp.Rational(1, 2),
                        "backtracking factor", aliases=("rho",))
#: The first step tried at every iteration (B&V: 1).
FIRST = Hyperparameter(symbol("t0"), POSITIVE, sp.S.One, "first step tried",
                       aliases=("t_0", "alpha0", "alpha_0", "alphabar"))


@dataclass(frozen=True)
class LineSearch:
    """How the step τ is chosen along the direction d = ∂x'/∂τ.

    ``exact``: τ = argmin_{τ>0} f(x + τd) (B&V §9.2, N&W §3.3). ``backtracking``:
    τ = t0·βʲ for the least j ≥ 0 with f(x + τd) ≤ f(x) + ατ∇f(x)ᵀd (B&V Algorithm
    9.2, N&W Algorithm 3.1).
    """

    kind: Literal["exact", "backtracking"]
    hyperparameters: tuple[Hyperparameter, ...] = ()
    reference: str = ""

    @property
    def label(self) -> str:
        """A short name, e.g. ``backtracking (Armijo) line search``."""
        return "exact line search" if self.kind == "exact" else \
            "backtracking (Armijo) line search"


def exact() -> LineSearch:
    """Exact line search: the step minimises f along the search direction.

    >>> exact().label
    'exact line search'
    """
    return LineSearch("exact", (), "Boyd & Vandenberghe §9.2; Nocedal & Wright §3.3")


def backtracking() -> LineSearch:
    """Backtracking line search with the Armijo condition, parameters α, β and t0.

    >>> [h.symbol.name for h in backtracking().hyperparameters]
    ['alpha', 'beta', 't0']
    """
    return LineSearch("backtracking", (ARMIJO, SHRINK, FIRST),
                      "Boyd & Vandenberghe Algorithm 9.2; Nocedal & Wright Algorithm 3.1")


@dataclass(frozen=True)
class LineSearchMethod(Method):
    """A method whose step τ is chosen by a line search at every iteration."""

    line_search: LineSearch | None = None


def scale_by_line_search() -> Transform:
    """u ← −τ u, with τ the step the line search accepts (not a hyperparameter).

    >>> from symopt.methods.base import Context
    >>> scale_by_line_search().apply(symbol("g"), {}, Context())[0]
    -g*tau
    """
    return Transform("scale_by_line_search", lambda u, s, c: (-STEP * u, {}), (STEP_INPUT,),
                     latex=r"u \leftarrow -\tau_k u")


def gradient_descent_line_search(search: LineSearch | None = None) -> LineSearchMethod:
    """Gradient descent x ← x − τ∇f(x) with τ chosen by ``search`` (default: exact).

    >>> gradient_descent_line_search().name
    'GD with exact line search'
    """
    search = search or exact()
    return LineSearchMethod(f"GD with {search.label}", (scale_by_line_search(),),
                            reference=search.reference,
                            extra_hyperparameters=search.hyperparameters, line_search=search)


def line_search_of(method: Method) -> LineSearch | None:
    """The method's line search, or None for a method with a fixed step.

    >>> from symopt.methods import gradient_descent
    >>> line_search_of(gradient_descent()) is None
    True
    """
    return getattr(method, "line_search", None)
