"""Exact one-dimensional piecewise-quadratic functions and the interpolating function of a class.

A counterexample to a statement about every function of a class F_{μ,L} is
one explicit function of the class on which the method breaks the bound. In
one dimension such functions are piecewise quadratic: finitely many
breakpoints b₁ < … < b_{m−1} (rational or algebraic numbers) and on each
interval a quadratic a + b·x + c·x²/2 with exact coefficients.

A C¹ piecewise quadratic whose pieces all have curvature c ∈ [μ, L] is in
F_{μ,L}: its derivative is continuous and piecewise linear with slopes in
[μ, L], so every difference quotient of f′ lies in [μ, L]. That is what
:meth:`PiecewiseQuadratic.membership` checks, exactly.

:func:`interpolant` builds the function of the class through given triples
(xᵢ, gᵢ, fᵢ) — the constructive half of the interpolation theorem (Taylor,
Hendrickx & Glineur, Math. Program. 161, 2017, Thm 4): for μ = 0 the convex
envelope of the upper quadratics qᵢ(x) = fᵢ + gᵢ(x − xᵢ) + (L/2)(x − xᵢ)², which
in one dimension is a chain of parabola arcs joined by common tangent
segments; for any other μ the same construction for F_{0,L−μ} applied to
f − μx²/2, with μx²/2 added back.

>>> from symopt.guarantees.classes import smooth_convex
>>> h = huber(1, 1)                    # x²/2 for |x| ≤ 1, |x| − 1/2 beyond
>>> h.value(3), h.derivative(-2)
(5/2, -1)
>>> h.membership(smooth_convex(1)).value
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import Any

import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees.classes import FunctionClass, Oracle
from symopt.guarantees.classes import _exact as _exact_number
from symopt.result import Finding

__all__ = ["PiecewiseQuadratic", "Quadratic", "from_gradient", "huber", "interpolant"]

#: The variable the functions are written in (for printing and compiling).
X = sp.Symbol("x", real=True)


@dataclass(frozen=True)
class Quadratic:
    """The quadratic a + b·x + c·x²/2: ``c`` is its curvature (second derivative).

    >>> Quadratic(2, -1, 3).value(1), Quadratic(2, -1, 3).derivative(1)
    (3, 1)
    """

    c: sp.Expr
    b: sp.Expr
    a: sp.Expr

    def __post_init__(self) -> None:
        for name in ("c", "b", "a"):
            object.__setattr__(self, name, _exact(getattr(self, name), name))

    def value(self, x: object) -> sp.Expr:
        """a + b·x + c·x²/2 at ``x``."""
        x = _exact(x, "x")
        return sp.expand(self.a + self.b * x + self.c * x**2 / 2)

    def derivative(self, x: object) -> sp.Expr:
        """b + c·x at ``x``."""
        x = _exact(x, "x")
        return sp.expand(self.b + self.c * x)

    def expression(self, x: sp.Symbol = X) -> sp.Expr:
        """The quadratic as an expression in ``x``."""
        return self.a + self.b * x + self.c * x**2 / 2

    def plus_curvature(self, c: sp.Expr) -> Quadratic:
        """This quadratic plus c·x²/2."""
        return Quadratic(self.c + c, self.b, self.a)

    @classmethod
    def through(cls, x0: object, g0: object, f0: object, c: object) -> Quadratic:
        """The quadratic with curvature c, value f0 and slope g0 at x0.

        >>> Quadratic.through(1, 0, 0, 2).expression()
        x**2 - 2*x + 1
        """
        x0, g0, f0, c = (_exact(v, n) for v, n in ((x0, "x0"), (g0, "g0"), (f0, "f0"), (c, "c")))
        return cls(c, g0 - c * x0, f0 - g0 * x0 + c * x0**2 / 2)


def _exact(value: object, name: str) -> sp.Expr:
    """An exact SymPy value: numbers, SymPy expressions, or a rational written as text."""
    if isinstance(value, str):
        from fractions import Fraction

        try:
            return sp.Rational(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise DomainError(f"{name} must be a number, got {value!r}") from None
    try:
        return _exact_number(value, name)
    except sp.SympifyError:
        raise DomainError(f"{name} must be a number or a SymPy expression, "
                          f"got {type(value).__name__}") from None


def _sign(expr: sp.Expr) -> int | None:
    """−1, 0 or 1 when SymPy decides the sign of ``expr`` exactly, else None."""
    expr = sp.nsimplify(expr) if isinstance(expr, sp.Float) else sp.S(expr)
    if expr.is_zero is None and expr.is_number:
        expr = sp.simplify(expr)
    if expr.is_zero:
        return 0
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    return None


@dataclass(frozen=True)
class PiecewiseQuadratic:
    """f(x) = pieces[k](x) on [b_k, b_{k+1}), with b_0 = −∞ and b_m = +∞.

    ``breakpoints`` are strictly increasing exact numbers (or symbols whose
    order SymPy can decide); ``pieces`` has one more entry than
    ``breakpoints``. At a breakpoint the piece on its right is used; for a
    C¹ function the two agree there.

    >>> f = PiecewiseQuadratic((0,), (Quadratic(0, 0, 0), Quadratic(2, 0, 0)))
    >>> f.expression()
    Piecewise((0, x < 0), (x**2, True))
    """

    breakpoints: tuple[sp.Expr, ...]
    pieces: tuple[Quadratic, ...]

    def __post_init__(self) -> None:
        breaks = tuple(_exact(b, "breakpoint") for b in self.breakpoints)
        pieces = tuple(self.pieces)
        if len(pieces) != len(breaks) + 1:
            raise DomainError(f"{len(breaks)} breakpoint(s) need {len(breaks) + 1} pieces, "
                              f"got {len(pieces)}")
        if not all(isinstance(p, Quadratic) for p in pieces):
            raise DomainError("pieces must be Quadratic objects")
        for k in range(len(breaks) - 1):
            if _sign(breaks[k + 1] - breaks[k]) != 1:
                raise DomainError(f"breakpoints must increase strictly; cannot show "
                                  f"{breaks[k]} < {breaks[k + 1]}")
        object.__setattr__(self, "breakpoints", breaks)
        object.__setattr__(self, "pieces", pieces)

    # -- evaluation ---------------------------------------------------------
    def piece_index(self, x: object) -> int:
        """The index of the piece used at ``x`` (a number).

        >>> huber(1, 1).piece_index(1)
        2
        """
        x = _exact(x, "x")
        index = 0
        for b in self.breakpoints:
            sign = _sign(x - b)
            if sign is None:
                raise UnsupportedError(f"cannot decide whether {x} ≥ {b}")
            if sign < 0:
                break
            index += 1
        return index

    def value(self, x: object) -> sp.Expr:
        """f(x), exactly."""
        return self.pieces[self.piece_index(x)].value(x)

    def derivative(self, x: object) -> sp.Expr:
        """f′(x), exactly."""
        return self.pieces[self.piece_index(x)].derivative(x)

    def oracle(self, x: object) -> Oracle:
        """(x, f′(x), f(x)) as an :class:`Oracle`.

        >>> huber(1, 1).oracle(2)
        Oracle(x=2, g=1, f=3/2, name='')
        """
        x = _exact(x, "x")
        return Oracle(x, self.derivative(x), self.value(x))

    def expression(self, x: sp.Symbol = X) -> sp.Expr:
        """f as a SymPy ``Piecewise`` in ``x``."""
        if not self.breakpoints:
            return self.pieces[0].expression(x)
        args = [(p.expression(x), x < b) for p, b in zip(self.pieces, self.breakpoints)]
        return sp.Piecewise(*args, (self.pieces[-1].expression(x), True))

    @cached_property
    def problem(self) -> Any:
        """f as a :class:`symopt.Problem` in the variable ``x`` (for compiled runs)."""
        from symopt.problem import Problem

        return Problem(self.expression(), [X], name="piecewise quadratic")

    def numpy(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        """``(f, grad)`` as compiled NumPy functions of points of shape (..., 1).

        >>> import numpy as np
        >>> f, grad = huber(1, 1).numpy()
        >>> f(np.array([[0.5], [3.0]])), grad(np.array([[3.0]]))
        (array([0.125, 2.5  ]), array([[1.]]))
        """
        from symopt.kernels import compile_gradient

        if self.free_symbols:
            raise DomainError("substitute numbers for "
                              + ", ".join(sorted(s.name for s in self.free_symbols))
                              + " before compiling")
        return compile_gradient(self.problem)

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        """Parameters left in the breakpoints or coefficients."""
        exprs = [*self.breakpoints, *(v for p in self.pieces for v in (p.a, p.b, p.c))]
        return set().union(*(sp.S(e).free_symbols for e in exprs))

    # -- class membership ---------------------------------------------------
    def membership(self, cls: FunctionClass) -> Finding[bool]:
        """Whether f ∈ F_{μ,L}: C¹ at every breakpoint and every curvature in [μ, L].

        False names the first failing breakpoint or piece; unknown names the
        comparison SymPy could not decide.

        >>> from symopt.guarantees.classes import smooth_strongly_convex
        >>> huber(1, 1).membership(smooth_strongly_convex(2, 1)).reason
        'piece 0 on (−∞, -1) has curvature 0 < μ = 1'
        """
        checked: list[str] = []
        for k, b in enumerate(self.breakpoints):
            left, right = self.pieces[k], self.pieces[k + 1]
            for what, jump in (("value", right.value(b) - left.value(b)),
                               ("derivative", right.derivative(b) - left.derivative(b))):
                sign = _sign(sp.simplify(jump))
                if sign is None:
                    return Finding.unknown(f"cannot decide whether the {what} jump "
                                           f"{jump} at x = {b} is zero")
                if sign != 0:
                    return Finding(False, f"the {what} jumps by {sp.simplify(jump)} at x = {b}")
        checked.append(f"value and derivative continuous at {len(self.breakpoints)} "
                       "breakpoint(s)")
        for k, piece in enumerate(self.pieces):
            where = self._interval(k)
            for bound, name, too in ((cls.mu, "μ", piece.c - cls.mu),
                                     (cls.L, "L", cls.L - piece.c)):
                sign = _sign(too)
                if sign is None:
                    return Finding.unknown(f"cannot decide the sign of {too} (curvature "
                                           f"{piece.c} of piece {k} against {name} = {bound})")
                if sign < 0:
                    rel = "<" if name == "μ" else ">"
                    return Finding(False, f"piece {k} on {where} has curvature {piece.c} "
                                          f"{rel} {name} = {bound}")
        checked.append(f"every curvature in [{cls.mu}, {cls.L}]")
        return Finding(True, "exact: " + "; ".join(checked)
                       + " (so f′ is continuous with difference quotients in [μ, L])")

    def _interval(self, k: int) -> str:
        lo = "(−∞" if k == 0 else f"[{self.breakpoints[k - 1]}"
        hi = "∞)" if k == len(self.breakpoints) else f"{self.breakpoints[k]})"
        return f"{lo}, {hi}"

    # -- algebra ------------------------------------------------------------
    def plus_curvature(self, c: object) -> PiecewiseQuadratic:
        """f + c·x²/2 (c may be negative).

        >>> huber(1, 1).plus_curvature(1).pieces[1].expression()
        x**2
        """
        c = _exact(c, "c")
        return PiecewiseQuadratic(self.breakpoints, tuple(p.plus_curvature(c)
                                                          for p in self.pieces))

    def simplified(self) -> PiecewiseQuadratic:
        """The same function with adjacent identical pieces merged.

        >>> q = Quadratic(1, 0, 0)
        >>> PiecewiseQuadratic((0,), (q, q)).simplified().breakpoints
        ()
        """
        breaks, pieces = [], [self.pieces[0]]
        for b, piece in zip(self.breakpoints, self.pieces[1:]):
            if piece == pieces[-1] or all(_sign(getattr(piece, n) - getattr(pieces[-1], n)) == 0
                                          for n in ("a", "b", "c")):
                continue
            breaks.append(b)
            pieces.append(piece)
        return PiecewiseQuadratic(tuple(breaks), tuple(pieces))

    def describe(self) -> str:
        """The pieces in words, one per line.

        >>> print(huber(1, 1).describe())
        x < -1: -x - 1/2
        -1 ≤ x < 1: x**2/2
        x ≥ 1: x - 1/2
        """
        lines = []
        for k, piece in enumerate(self.pieces):
            lo = self.breakpoints[k - 1] if k else None
            hi = self.breakpoints[k] if k < len(self.breakpoints) else None
            where = ("all x" if lo is None and hi is None else
                     f"x < {hi}" if lo is None else
                     f"x ≥ {lo}" if hi is None else f"{lo} ≤ x < {hi}")
            lines.append(f"{where}: {sp.expand(piece.expression())}")
        return "\n".join(lines)


def huber(L: object, tau: object) -> PiecewiseQuadratic:
    """The Huber function: L·x²/2 for |x| ≤ τ, L·τ·|x| − L·τ²/2 beyond (in F_{0,L}).

    >>> huber(2, 1).value(-3)
    5
    """
    L, tau = _exact(L, "L"), _exact(tau, "tau")
    if _sign(tau) != 1 or _sign(L) != 1:
        raise DomainError(f"the Huber function needs L > 0 and τ > 0, got L = {L}, τ = {tau}")
    return PiecewiseQuadratic(
        (-tau, tau),
        (Quadratic(0, -L * tau, -L * tau**2 / 2), Quadratic(L, 0, 0),
         Quadratic(0, L * tau, -L * tau**2 / 2)))


def from_gradient(breakpoints: Sequence[object], slopes: Sequence[tuple[object, object]],
                  at: tuple[object, object] = (0, 0)) -> PiecewiseQuadratic:
    """The function whose derivative is c_k·x + d_k on piece k, with f(at[0]) = at[1].

    ``slopes`` lists (c_k, d_k). The constants of integration make f continuous;
    whether f′ is continuous is left to :meth:`PiecewiseQuadratic.membership`.

    >>> f = from_gradient((1,), ((2, 0), (0, 2)))   # f′ = 2x, then 2
    >>> f.value(0), f.value(3)
    (0, 5)
    """
    breaks = tuple(_exact(b, "breakpoint") for b in breakpoints)
    if len(slopes) != len(breaks) + 1:
        raise DomainError(f"{len(breaks)} breakpoint(s) need {len(breaks) + 1} gradient pieces")
    pieces = [Quadratic(_exact(c, "c"), _exact(d, "d"), 0) for c, d in slopes]
    for k, b in enumerate(breaks):  # match values at each breakpoint, left to right
        gap = pieces[k].value(b) - pieces[k + 1].value(b)
        nxt = pieces[k + 1]
        pieces[k + 1] = Quadratic(nxt.c, nxt.b, nxt.a + gap)
    f = PiecewiseQuadratic(breaks, tuple(pieces))
    shift = _exact(at[1], "f") - f.value(at[0])
    return PiecewiseQuadratic(breaks, tuple(Quadratic(p.c, p.b, p.a + shift) for p in pieces))


def _triple(point: object, k: int) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    if isinstance(point, Oracle):
        values = (point.x, point.g, point.f)
    else:
        try:
            values = tuple(point)  # type: ignore[arg-type]
        except TypeError:
            raise DomainError(f"point {k} must be an Oracle or a triple (x, g, f)") from None
        if len(values) != 3:
            raise DomainError(f"point {k} must be a triple (x, g, f), got {len(values)} entries")
    exact = tuple(_exact(v, f"point {k}") for v in values)
    for v in exact:
        if not v.is_number:
            raise UnsupportedError(f"point {k} has a non-numeric entry {v}; the interpolant "
                                   "is built for numbers")
    return exact  # type: ignore[return-value]


def interpolant(cls: FunctionClass, points: Sequence[object]) -> PiecewiseQuadratic:
    """The function of ``cls`` through the one-dimensional triples (xᵢ, gᵢ, fᵢ), exactly.

    Every ordered pair must satisfy the class's interpolation inequality; the
    first pair that does not is named in the :class:`DomainError`. The result
    is verified before it is returned: it passes through every triple (value
    and derivative) and :meth:`PiecewiseQuadratic.membership` holds.

    >>> from symopt.guarantees.classes import smooth_convex
    >>> f = interpolant(smooth_convex(1), [(0, 0, 0), (3, 1, "5/2")])
    >>> print(f.describe())
    x < 1: x**2/2
    1 ≤ x < 3: x - 1/2
    x ≥ 3: x**2/2 - 2*x + 4
    >>> interpolant(smooth_convex(1), [(0, 0, 0), (1, 2, 1)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: points 0 and 1 violate the interpolation inequality ...: -1 < 0
    """
    L, mu = cls.L, cls.mu
    if not (L.is_number and mu.is_number):
        raise UnsupportedError("the interpolant needs numeric L and μ, got "
                               f"L = {L}, μ = {mu}")
    triples = [_triple(p, k) for k, p in enumerate(points)]
    if not triples:
        raise DomainError("the interpolant needs at least one point")
    oracles = [Oracle(*t) for t in triples]
    for i, j, expr in cls.conditions(oracles):
        sign = _sign(sp.simplify(expr))
        if sign is None:
            raise UnsupportedError(f"cannot decide the sign of the interpolation inequality "
                                   f"between points {i} and {j}: {expr}")
        if sign < 0:
            raise DomainError(f"points {i} and {j} violate the interpolation inequality of "
                              f"{cls.describe()} for the pair ({i}, {j}): "
                              f"{sp.simplify(expr)} < 0")
    # f ∈ F_{μ,L}  ⇔  f − μx²/2 ∈ F_{0,L−μ}
    L0 = L - mu
    reduced = sorted({(x, g - mu * x, f - mu * x**2 / 2) for x, g, f in triples},
                     key=lambda t: t[0])
    unique: list[tuple[sp.Expr, sp.Expr, sp.Expr]] = []
    for t in reduced:  # equal x: the conditions force equal g and f
        if unique and _sign(t[0] - unique[-1][0]) == 0:
            continue
        unique.append(t)
    breaks: list[sp.Expr] = []
    pieces: list[Quadratic] = [Quadratic.through(*unique[0], L0)]
    for (xi, hi, ei), (xj, hj, ej) in pairwise(unique):
        qi, qj = pieces[-1], Quadratic.through(xj, hj, ej, L0)
        width = sp.simplify((xj - xi) - (hj - hi) / L0)
        if _sign(width) == 0:  # the two upper quadratics coincide
            continue
        s = sp.simplify((ej - ei - (hj**2 - hi**2) / (2 * L0)) / width)  # common tangent slope
        r, left = sp.simplify(xi + (s - hi) / L0), sp.simplify(xj + (s - hj) / L0)
        line = Quadratic(0, s, sp.simplify(qi.value(r) - s * r))
        breaks += [r, left]
        pieces += [line, qj]
    # drop pieces of zero length
    kept_breaks: list[sp.Expr] = []
    kept: list[Quadratic] = [pieces[0]]
    for k, b in enumerate(breaks):
        if k + 1 < len(breaks) and _sign(breaks[k + 1] - b) == 0:
            continue  # pieces[k + 1] lives on [b, b)
        kept_breaks.append(b)
        kept.append(pieces[k + 1])
    f = PiecewiseQuadratic(tuple(kept_breaks), tuple(kept)).plus_curvature(mu).simplified()
    _verify(f, cls, triples)
    return f


def _verify(f: PiecewiseQuadratic, cls: FunctionClass,
            triples: Sequence[tuple[sp.Expr, sp.Expr, sp.Expr]]) -> None:
    member = f.membership(cls)
    if member.value is not True:  # pragma: no cover - the construction guarantees it
        raise UnsupportedError(f"the interpolant could not be verified: {member}")
    for k, (x, g, fx) in enumerate(triples):
        if _sign(f.value(x) - fx) != 0 or _sign(f.derivative(x) - g) != 0:
            raise UnsupportedError(  # pragma: no cover - the construction guarantees it
                f"the interpolant misses point {k}: f({x}) = {f.value(x)}, f′ = "
                f"{f.derivative(x)}")
