"""Projected gradient descent x ← P_C(x − α∇f(x)) with symbolic projections.

Each feasible set C gives its Euclidean projection P_C as a per-coordinate
SymPy expression of the unconstrained point y (written, like every rule, in the
per-coordinate symbols; sums over coordinates are :func:`coordinate_sum`
reductions that kernels compute before the elementwise update):

========================  ==================================  =====================================
set                       P_C(y), per coordinate              symbols
========================  ==================================  =====================================
box [l, u]ⁿ               min(max(y, l), u)                   ``lower``, ``upper`` (or numbers)
ball ‖x‖ ≤ r              y / max(1, ‖y‖/r)                   ``r``; ‖y‖² = coordinate_sum(y²)
half-space aᵀx ≤ b        y − a·max(0, aᵀy − b)/‖a‖²          ``b``; ``a`` is per-coordinate data
simplex x ≥ 0, Σx = r     max(y − τ, 0)                       ``r``; τ = simplex_threshold(y, r)
========================  ==================================  =====================================

The half-space normal ``a`` is a vector, so it enters the per-coordinate rule
as the *data symbol* ``a`` (coordinate i of the rule reads aᵢ) and aᵀy, ‖a‖²
are coordinate sums; the kernels take the array as per-coordinate data
(``data={"a": array}``). The simplex threshold τ solves Σᵢ max(yᵢ − τ, 0) = r;
it needs a sort, so it is no closed per-coordinate formula: it is the reduction
node :class:`simplex_threshold`, whose numeric value
:meth:`simplex_threshold.numeric` defines (Held, Wolfe & Crowder 1974; Duchi et
al. 2008) and which kernels compute before the elementwise update.

>>> from symopt.methods.projected import Box, projected_gd
>>> projected_gd(Box(lower=1)).rule(alpha="0.1").x_next
Max(1, -g/10 + x)
>>> projected_gd(Ball()).rule().x_next
(-alpha*g + x)/Max(1, sqrt(coordinate_sum((-alpha*g + x)**2))/r)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from symopt.errors import DomainError
from symopt.methods.base import (
    POSITIVE,
    Hyperparameter,
    Method,
    chain,
    coordinate_sum,
    scale_by_learning_rate,
)
from symopt.symbols import symbol

__all__ = [
    "Ball",
    "Box",
    "ConvexSet",
    "HalfSpace",
    "Simplex",
    "projected_gd",
    "simplex_threshold",
]

#: Per-coordinate data symbol of the half-space normal (coordinate i reads aᵢ).
NORMAL = symbol("a")


class simplex_threshold(sp.Function):  # noqa: N801 - reads like the math
    """τ(y, r): the unique τ with Σᵢ max(yᵢ − τ, 0) = r (a reduction over coordinates).

    ``simplex_threshold(y, r)`` takes the per-coordinate expression y and the
    radius r, like :func:`~symopt.methods.base.coordinate_sum` takes its summand.

    >>> import numpy as np
    >>> float(simplex_threshold.numeric(np.array([0.5, 1.5, -1.0]), 1.0))
    0.5
    """

    nargs = 2
    is_real = True

    @staticmethod
    def numeric(y: np.ndarray, radius: float) -> np.floating:
        """Numeric τ over the last axis (sort, cumulative sums; the last index still positive)."""
        u = -np.sort(-np.asarray(y, dtype=float), axis=-1)
        cumulative = np.cumsum(u, axis=-1) - radius
        index = np.arange(1, u.shape[-1] + 1)
        positive = u - cumulative / index > 0
        rho = u.shape[-1] - 1 - np.argmax(positive[..., ::-1], axis=-1)
        return np.take_along_axis(cumulative, rho[..., None], axis=-1)[..., 0] / (rho + 1)


@dataclass(frozen=True)
class ConvexSet:
    """A closed convex set with a symbolic Euclidean projection."""

    name: str = field(init=False, default="set")

    @property
    def hyperparameters(self) -> tuple[Hyperparameter, ...]:
        """Scalar parameters of the set that are symbols (given to ``Method.rule``)."""
        return ()

    def project(self, y: sp.Expr) -> sp.Expr:
        """P_C(y), per coordinate."""
        raise NotImplementedError

    def constraints(self, variables: list[sp.Symbol]) -> list[sp.Basic]:
        """The set as relations in explicit variables (for a :class:`~symopt.Problem`)."""
        raise NotImplementedError


def _bound(value: object, name: str) -> sp.Expr | None:
    if value is None:
        return None
    if isinstance(value, sp.Symbol):
        return value
    from symopt.methods.base import _exact

    number = _exact(value, name)
    if not (number.is_real and number.is_finite):
        raise DomainError(f"{name} must be a finite real number or a symbol, got {number}")
    return number


def _positive_radius(value: object) -> sp.Expr:
    r = _bound(value, "radius")
    if r is None or (r.is_number and not r.is_positive):
        raise DomainError(f"the radius must be positive, got {r}")
    return r


def _symbolic(value: sp.Expr | None, domain: sp.Set, description: str,
              default: sp.Expr | None = None) -> tuple[Hyperparameter, ...]:
    if isinstance(value, sp.Symbol):
        return (Hyperparameter(value, domain, default, description),)
    return ()


@dataclass(frozen=True)
class Box(ConvexSet):
    """{x : l ≤ xᵢ ≤ u for every i}; a bound may be a number, a symbol or None (absent).

    >>> Box(0, 1).project(symbol("y"))
    Min(1, Max(0, y))
    """

    lower: object = None
    upper: object = None
    name: str = field(init=False, default="box")

    def __post_init__(self) -> None:
        lo, hi = _bound(self.lower, "lower"), _bound(self.upper, "upper")
        if lo is not None and hi is not None and (lo > hi) == sp.true:
            raise DomainError(f"empty box: lower {lo} > upper {hi}")
        object.__setattr__(self, "lower", lo)
        object.__setattr__(self, "upper", hi)

    @property
    def hyperparameters(self) -> tuple[Hyperparameter, ...]:
        return _symbolic(self.lower, sp.Reals, "lower bound of every coordinate") + _symbolic(
            self.upper, sp.Reals, "upper bound of every coordinate"
        )

    def project(self, y: sp.Expr) -> sp.Expr:
        if self.lower is not None:
            y = sp.Max(y, self.lower)
        if self.upper is not None:
            y = sp.Min(y, self.upper)
        return y

    def constraints(self, variables: list[sp.Symbol]) -> list[sp.Basic]:
        """The bounds on each variable.

        >>> Box(0, 1).constraints([symbol("x")])
        [x >= 0, x <= 1]
        """
        out: list[sp.Basic] = []
        for v in variables:
            if self.lower is not None:
                out.append(sp.Ge(v, self.lower))
            if self.upper is not None:
                out.append(sp.Le(v, self.upper))
        return out


@dataclass(frozen=True)
class Ball(ConvexSet):
    """{x : ‖x‖₂ ≤ r}, centred at the origin; r a positive number or symbol (default ``r``).

    >>> Ball(2).constraints([symbol("x"), symbol("y")])
    [x**2 + y**2 <= 4]
    """

    radius: object = symbol("r")
    name: str = field(init=False, default="ball")

    def __post_init__(self) -> None:
        object.__setattr__(self, "radius", _positive_radius(self.radius))

    @property
    def hyperparameters(self) -> tuple[Hyperparameter, ...]:
        return _symbolic(self.radius, POSITIVE, "radius of the ball", sp.S.One)

    def project(self, y: sp.Expr) -> sp.Expr:
        return y / sp.Max(1, sp.sqrt(coordinate_sum(y**2)) / self.radius)

    def constraints(self, variables: list[sp.Symbol]) -> list[sp.Basic]:
        return [sp.Le(sum(v**2 for v in variables), self.radius**2)]


@dataclass(frozen=True)
class HalfSpace(ConvexSet):
    """{x : aᵀx ≤ b}; ``a`` is per-coordinate data (the symbol ``a``), b a number or symbol.

    >>> HalfSpace(1).project(symbol("y"))
    -a*Max(0, coordinate_sum(a*y) - 1)/coordinate_sum(a**2) + y
    """

    offset: object = symbol("b")
    name: str = field(init=False, default="half-space")

    def __post_init__(self) -> None:
        object.__setattr__(self, "offset", _bound(self.offset, "offset"))

    @property
    def hyperparameters(self) -> tuple[Hyperparameter, ...]:
        return _symbolic(self.offset, sp.Reals, "offset b of aᵀx ≤ b")

    def project(self, y: sp.Expr) -> sp.Expr:
        excess = sp.Max(0, coordinate_sum(NORMAL * y) - self.offset)
        return y - NORMAL * excess / coordinate_sum(NORMAL**2)

    def constraints(self, variables: list[sp.Symbol],
                    normal: list[sp.Expr] | None = None) -> list[sp.Basic]:
        """``normal`` gives the numbers aᵢ (required: a is data, not part of the rule)."""
        if normal is None or len(normal) != len(variables):
            raise DomainError("give the normal a as one number per variable")
        return [sp.Le(sum(sp.nsimplify(a) * v for a, v in zip(normal, variables)), self.offset)]


@dataclass(frozen=True)
class Simplex(ConvexSet):
    """{x : xᵢ ≥ 0, Σxᵢ = r}; r positive (default 1). Uses the τ reduction (needs a sort).

    >>> Simplex(1).project(symbol("y"))
    Max(0, y - simplex_threshold(y, 1))
    """

    radius: object = sp.S.One
    name: str = field(init=False, default="simplex")

    def __post_init__(self) -> None:
        object.__setattr__(self, "radius", _positive_radius(self.radius))

    @property
    def hyperparameters(self) -> tuple[Hyperparameter, ...]:
        return _symbolic(self.radius, POSITIVE, "sum of the coordinates", sp.S.One)

    def project(self, y: sp.Expr) -> sp.Expr:
        return sp.Max(y - simplex_threshold(y, self.radius), 0)

    def constraints(self, variables: list[sp.Symbol]) -> list[sp.Basic]:
        return [sp.Ge(v, 0) for v in variables] + [sp.Eq(sum(variables), self.radius)]


def projected_gd(constraint_set: ConvexSet | None = None, rate: object = None) -> Method:
    """Projected gradient descent x ← P_C(x − α∇f(x)); default C is the box [lower, upper]ⁿ.

    The fixed points x = P_C(x − α∇f(x)) (any α > 0) are exactly the KKT points of
    min f over C.

    >>> projected_gd().rule(alpha=1, lower=0, upper=1).x_next
    Min(1, Max(0, -g + x))
    """
    feasible = constraint_set if constraint_set is not None else Box(symbol("lower"),
                                                                     symbol("upper"))
    return chain(
        f"projected gradient descent ({feasible.name})",
        scale_by_learning_rate(rate),
        projection=feasible.project,
        extra_hyperparameters=feasible.hyperparameters,
        reference="Goldstein (1964); Levitin & Polyak (1966); Beck, First-Order Methods, §10",
        conventions="Euclidean projection after a full gradient step; "
        "half-space normal a is per-coordinate data",
    )
