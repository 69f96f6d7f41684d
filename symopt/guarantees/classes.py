"""Function classes and their interpolation conditions, written once, symbolically.

A statement about "every L-smooth convex f" quantifies over a class of
functions. Performance estimation replaces the class by finitely many
inequalities between the points a method visits: a set of triples
``(xᵢ, gᵢ, fᵢ)`` is *interpolable* by a function of the class exactly when every
pair satisfies the class's interpolation inequality (Taylor, Hendrickx &
Glineur, "Smooth strongly convex interpolation and exact worst-case performance
of first-order methods", Math. Program. 161, 2017, Thm 4 and Thm 3.10).

Vectors are written as SymPy symbols and their inner products as products:
``g*(x1 - x0)`` stands for ⟨g, x₁ − x₀⟩. Every expression built here is a
quadratic form in the vector symbols plus a linear form in the function values,
and a quadratic polynomial in commuting symbols determines its symmetric
coefficient matrix uniquely, so an identity or a PSD proof in these symbols is
one in every dimension (the Gram matrix of the vectors takes the place of the
products).

>>> from symopt.guarantees.classes import Oracle, smooth_convex
>>> import sympy as sp
>>> x, g, f = sp.symbols("x g f", real=True)
>>> star = Oracle.optimum()
>>> smooth_convex(1).inequality(Oracle(x, g, f), star)  # f − f* − ‖g‖²/(2L) ≥ 0
f - g**2/2
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import permutations

import sympy as sp

from symopt.errors import DomainError

__all__ = [
    "FunctionClass",
    "Oracle",
    "smooth",
    "smooth_convex",
    "smooth_strongly_convex",
]


@dataclass(frozen=True)
class Oracle:
    """What a first-order oracle returns at one point: x, ∇f(x) and f(x).

    ``x`` and ``g`` are vector expressions (symbols standing for vectors, their
    products for inner products); ``f`` is a scalar expression.
    """

    x: sp.Expr
    g: sp.Expr
    f: sp.Expr
    name: str = ""

    @classmethod
    def optimum(cls) -> Oracle:
        """A minimizer x* taken as the origin, with ∇f(x*) = 0 and f* = 0.

        >>> Oracle.optimum().g
        0
        """
        return cls(sp.S.Zero, sp.S.Zero, sp.S.Zero, "*")


def as_expr(value: object) -> sp.Expr:
    """An expression: text through symopt's safe parser, never SymPy's eval.

    >>> as_expr("L/2") == sp.Symbol("L", positive=True) / 2
    True
    """
    if isinstance(value, str):
        from symopt.parse import parse

        return parse(value)  # type: ignore[return-value]
    return value if isinstance(value, sp.Basic) else sp.sympify(value, strict=True)  # safe: strict


def _exact(value: object, name: str) -> sp.Expr:
    import math

    if isinstance(value, bool):
        raise DomainError(f"{name} must be a number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DomainError(f"{name} must be finite, got {value!r}")
        value = sp.Rational(repr(value))
    expr = as_expr(value)
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise DomainError(f"{name} must be finite, got {expr}")
    return expr


@dataclass(frozen=True)
class FunctionClass:
    """The class F_{μ,L}: L-smooth functions with curvature at least μ (−L ≤ μ < L).

    μ = 0 is "L-smooth convex", μ > 0 "L-smooth μ-strongly convex" and μ = −L
    "L-smooth" (nonconvex, every curvature in [−L, L]). Use the constructors
    :func:`smooth_convex`, :func:`smooth_strongly_convex` and :func:`smooth`.
    """

    name: str
    L: sp.Expr
    mu: sp.Expr

    def __post_init__(self) -> None:
        L, mu = self.L, self.mu
        if L.is_positive is False or (L.is_number and not L.is_positive):
            raise DomainError(f"L must be positive, got L = {L}")
        for fails, text in ((mu - L, "μ < L"), (-L - mu, "μ ≥ −L")):
            # fails ≥ 0 means the requirement is violated
            if fails.is_nonnegative is True or (fails.is_number and not fails.is_negative):
                if text == "μ ≥ −L" and fails == 0:
                    continue  # μ = −L: the smooth (nonconvex) class
                raise DomainError(
                    f"{self.name} needs {text}; got L = {L}, μ = {mu}"
                    + (" (μ = L leaves only the quadratics L‖x − c‖²/2 + const)"
                       if text == "μ < L" and fails == 0 else "")
                )

    @property
    def convex(self) -> bool | None:
        """Whether every member is convex (μ ≥ 0)."""
        return sp.S(self.mu).is_nonnegative

    @property
    def has_minimizer(self) -> bool:
        """Whether the statements use a minimizer x* (convex classes) or only f_* = inf f."""
        return self.convex is True

    def inequality(self, i: Oracle, j: Oracle) -> sp.Expr:
        """The interpolation inequality for the ordered pair (i, j), as ``expr ≥ 0``.

        f_i ≥ f_j + ⟨g_j, x_i − x_j⟩ + 1/(2(1 − μ/L)) (‖g_i − g_j‖²/L + μ‖x_i − x_j‖²
        − 2(μ/L)⟨g_j − g_i, x_j − x_i⟩).

        >>> x, g, f = sp.symbols("x g f", real=True)
        >>> smooth_strongly_convex(2, 1).inequality(Oracle.optimum(), Oracle(x, g, f))
        -f - g**2/2 + 2*g*x - x**2
        """
        L, mu = self.L, self.mu
        dx, dg = i.x - j.x, i.g - j.g
        curvature = (dg * dg / L + mu * dx * dx - 2 * (mu / L) * (j.g - i.g) * (j.x - i.x))
        return i.f - j.f - j.g * dx - curvature / (2 * (1 - mu / L))

    def conditions(self, points: Sequence[Oracle]) -> Iterator[tuple[int, int, sp.Expr]]:
        """Every interpolation inequality ``(i, j, expr)`` between distinct points.

        >>> x, g, f = sp.symbols("x g f", real=True)
        >>> len(list(smooth_convex(1).conditions([Oracle.optimum(), Oracle(x, g, f)])))
        2
        """
        for i, j in permutations(range(len(points)), 2):
            yield i, j, self.inequality(points[i], points[j])

    def describe(self) -> str:
        """The class in words.

        >>> smooth_strongly_convex("L", "mu").describe()
        'L-smooth mu-strongly convex'
        """
        return self.name


def smooth_convex(L: object) -> FunctionClass:
    """L-smooth convex functions (μ = 0).

    >>> smooth_convex(1).mu
    0
    """
    return FunctionClass(f"{L}-smooth convex", _parameter(L, "L"), sp.S.Zero)


def smooth_strongly_convex(L: object, mu: object) -> FunctionClass:
    """L-smooth μ-strongly convex functions (0 < μ < L).

    >>> smooth_strongly_convex(1, 2)
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: 1-smooth 2-strongly convex needs μ < L; got L = 1, μ = 2
    """
    L_, mu_ = _parameter(L, "L"), _parameter(mu, "mu")
    if mu_.is_positive is False or (mu_.is_number and not mu_.is_positive):
        raise DomainError(f"μ must be positive for a strongly convex class, got μ = {mu_}")
    return FunctionClass(f"{L}-smooth {mu}-strongly convex", L_, mu_)


def smooth(L: object) -> FunctionClass:
    """L-smooth functions, not necessarily convex (curvature in [−L, L], μ = −L).

    >>> smooth(1).convex
    False
    """
    L_ = _parameter(L, "L")
    return FunctionClass(f"{L}-smooth", L_, -L_)


def _parameter(value: object, name: str) -> sp.Expr:
    """A class constant: a positive number or a symbol (strings name house symbols)."""
    if isinstance(value, str) and value.isidentifier():
        from symopt.symbols import symbol

        return symbol(value)
    if isinstance(value, str):
        from symopt.parse import parse

        return parse(value)  # type: ignore[return-value]
    return _exact(value, name)
