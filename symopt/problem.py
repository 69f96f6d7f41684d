"""Problem: an objective over variables, optionally constrained.

A :class:`Problem` gives the symbolic facts a textbook derives first: the
gradient and Hessian, the stationary points and their kind, convexity, the
smoothness constant L, the strong-convexity constant μ and κ = L/μ. Quadratics
½xᵀAx − bᵀx + c are recognised and expose A, b, c and the spectrum of A.

Work that can blow up (solving ∇f = 0, eigenvalues of symbolic matrices) runs
under a time limit and reports unknown rather than hanging.

>>> from symopt import Problem
>>> p = Problem("0.5*(w1**2 + 4*w2**2)")
>>> p.gradient.T
Matrix([[w1, 4*w2]])
>>> p.hessian
Matrix([
[1, 0],
[0, 4]])
>>> p.smoothness().value, p.strong_convexity().value, p.condition_number().value
(4, 1, 4)
>>> [(pt.point, pt.kind) for pt in p.stationary_points()]
[({w1: 0, w2: 0}, 'minimum')]
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import sympy as sp

from symopt.errors import ParseError, SymoptTimeoutError, UnsupportedError
from symopt.memo import Memo
from symopt.parse import parse, parse_relation
from symopt.result import Finding
from symopt.symbols import canonical_name, symbol
from symopt.timeout import check_seconds, run_with_timeout

__all__ = [
    "MAX_HESSIAN_VARIABLES",
    "MAX_MINOR_VARIABLES",
    "MAX_SOLVE_VARIABLES",
    "Constraint",
    "Problem",
    "Quadratic",
    "StationaryPoint",
]

#: Most variables whose Hessian is built (n² entries).
MAX_HESSIAN_VARIABLES = 100
#: Most variables for which ∇f = 0 is solved symbolically.
MAX_SOLVE_VARIABLES = 50
#: Most variables for which every principal minor of a non-constant Hessian is formed (2ⁿ − 1).
MAX_MINOR_VARIABLES = 8

#: The assumptions SymPy derives from real=True alone.
_REAL = sp.Symbol("r", real=True).assumptions0

Kind = Literal["minimum", "maximum", "saddle", "degenerate", "unknown"]


@dataclass(frozen=True)
class Quadratic:
    """f(x) = ½ xᵀAx − bᵀx + c with A symmetric."""

    A: sp.Matrix
    b: sp.Matrix
    c: sp.Expr

    @cached_property
    def eigenvalues(self) -> list[sp.Expr]:
        """Eigenvalues of A with multiplicity, ascending when they can be ordered."""
        values = list(_eigenvalues_within(self.A))
        try:
            return sorted(values, key=lambda v: float(v))
        except TypeError:
            return values


@dataclass(frozen=True)
class Constraint:
    """``expr <= 0`` (kind ``"ineq"``) or ``expr == 0`` (kind ``"eq"``)."""

    expr: sp.Expr
    kind: Literal["ineq", "eq"]
    text: str = ""

    @classmethod
    def from_relation(cls, relation: sp.Basic | str) -> Constraint:
        """Normalise ``x >= 1``, ``x + y = 1``, ... to g(x) ≤ 0 or h(x) = 0.

        >>> Constraint.from_relation("x >= 1")
        Constraint(expr=1 - x, kind='ineq', text='x >= 1')
        """
        text = relation if isinstance(relation, str) else str(relation)
        rel = parse_relation(relation) if isinstance(relation, str) else relation
        if isinstance(rel, sp.Eq):
            return cls(sp.expand(rel.lhs - rel.rhs), "eq", text)
        if isinstance(rel, (sp.Le, sp.Lt)):
            return cls(sp.expand(rel.lhs - rel.rhs), "ineq", text)
        if isinstance(rel, (sp.Ge, sp.Gt)):
            return cls(sp.expand(rel.rhs - rel.lhs), "ineq", text)
        raise ParseError(f"unsupported constraint {text!r}: use <=, >= or =")


@dataclass(frozen=True)
class StationaryPoint:
    """A solution of ∇f = 0 with the kind read off the Hessian's eigenvalues there."""

    point: dict[sp.Symbol, sp.Expr]
    kind: Kind
    hessian_eigenvalues: tuple[sp.Expr, ...]
    value: sp.Expr


class Problem:
    """An optimization problem: minimise ``objective`` over ``variables``.

    ``objective`` is a SymPy expression or text (SymPy syntax or LaTeX).
    ``variables`` defaults to every free symbol of the objective, in natural
    order (w2 before w10); pass them to keep other symbols as parameters.
    ``constraints`` are relations or text such as ``"x >= 1"``.

    >>> Problem("x**2 - y**2").stationary_points()[0].kind
    'saddle'
    >>> Problem("a*x**2", variables=["x"]).parameters
    (a,)
    """

    def _repr_markdown_(self) -> str:
        """Jupyter display: see :mod:`symopt.display`."""
        from symopt.display import problem_markdown

        return problem_markdown(self)

    def __init__(
        self,
        objective: sp.Expr | str,
        variables: Sequence[sp.Symbol | str] | None = None,
        constraints: Iterable[sp.Basic | str | Constraint] = (),
        *,
        local: Mapping[str, sp.Basic] | None = None,
        timeout: float | None = None,
        name: str | None = None,
    ):
        self.source = objective if isinstance(objective, str) else None
        if isinstance(objective, str):
            expr = parse(objective, local=local)
        else:
            try:
                expr = sp.sympify(objective, strict=True)  # safe: strict refuses strings
            except sp.SympifyError:
                raise UnsupportedError("the objective must be text or a SymPy expression, got "
                                       f"{type(objective).__name__}") from None

        if isinstance(expr, sp.MatrixBase) or not isinstance(expr, sp.Expr):
            raise UnsupportedError(f"the objective must be a scalar expression, got {expr!r}")
        self.objective: sp.Expr = expr
        self.constraints: tuple[Constraint, ...] = tuple(
            c if isinstance(c, Constraint) else Constraint.from_relation(c) for c in constraints
        )
        free = set(expr.free_symbols).union(*(c.expr.free_symbols for c in self.constraints))
        if variables is None:
            chosen = sorted(free, key=_natural_key)
        else:
            by_name = {s.name: s for s in free}
            if not isinstance(variables, (str, sp.Basic)) and isinstance(variables, Iterable):
                variables = list(variables)
            if not isinstance(variables, list) \
                    or not all(isinstance(v, (str, sp.Symbol)) for v in variables):
                raise UnsupportedError("variables must be a list of names or symbols, got "
                                       f"{variables!r}"[:200])
            chosen = []
            for v in variables:
                if isinstance(v, sp.Symbol):
                    chosen.append(v)
                else:
                    chosen.append(by_name.get(canonical_name(v), symbol(v)))
        if not chosen:
            raise UnsupportedError(f"the objective {expr} has no variables")
        if len(set(chosen)) != len(chosen):
            raise UnsupportedError("variables are repeated")
        parameters = tuple(sorted(free - set(chosen), key=_natural_key))
        if isinstance(objective, str):
            chosen = self._real_variables(chosen, variables, local)
        self.variables: tuple[sp.Symbol, ...] = tuple(chosen)
        self.parameters: tuple[sp.Symbol, ...] = parameters
        # 0 runs the work in place (for callers already inside a limit); others are checked.
        self.timeout = timeout if timeout is None or (timeout == 0 and not isinstance(
            timeout, bool)) else check_seconds(timeout, "timeout")
        self.name = name or (self.source or str(expr))

    def _real_variables(self, chosen: list[sp.Symbol], given: Sequence | None,
                        local: Mapping[str, sp.Basic] | None) -> list[sp.Symbol]:
        """Variables read from text are real, whatever the house assumptions of their name.

        ``t`` is a positive integer as a step counter, but in the objective
        ``(t - 0.5)**2`` it is the real unknown. Symbols the caller declared (in
        ``local`` or as Symbol objects in ``variables``) keep their assumptions.
        """
        declared = set((local or {}).values())
        declared |= {v for v in given or () if isinstance(v, sp.Symbol)}
        renaming = {v: sp.Symbol(v.name, real=True) for v in chosen
                    if v not in declared and v.assumptions0 != _REAL}
        renaming = {v: r for v, r in renaming.items() if r != v}
        if renaming:
            self.objective = self.objective.xreplace(renaming)
            self.constraints = tuple(Constraint(c.expr.xreplace(renaming), c.kind, c.text)
                                     for c in self.constraints)
        return [renaming.get(v, v) for v in chosen]

    def __repr__(self) -> str:
        vars_ = ", ".join(map(str, self.variables))
        cons = f", constraints={[c.text for c in self.constraints]}" if self.constraints else ""
        return f"Problem({self.objective}, variables=({vars_}){cons})"

    # -- derivatives ---------------------------------------------------------
    @cached_property
    def gradient(self) -> sp.Matrix:
        """∇f as a column vector (built under the problem's time limit)."""
        grad = _remembered(_gradient, self.objective, self.variables, seconds=self.timeout)
        if grad.has(sp.Derivative):
            raise UnsupportedError(f"cannot differentiate {self.objective} in closed form")
        return grad

    @cached_property
    def hessian(self) -> sp.Matrix:
        """∇²f, symmetric (refused above MAX_HESSIAN_VARIABLES; built under the time limit)."""
        n = len(self.variables)
        if n > MAX_HESSIAN_VARIABLES:
            raise UnsupportedError(f"the Hessian in {n} variables has {n * n} entries; the limit "
                                   f"is {MAX_HESSIAN_VARIABLES} variables")
        return _remembered(sp.hessian, self.objective, self.variables, seconds=self.timeout)

    def at(self, expr: sp.Basic, point: Mapping[sp.Symbol, sp.Expr] | Sequence) -> sp.Basic:
        """Substitute a point (mapping or sequence in variable order) into ``expr``.

        >>> p = Problem("x**2 + y**2")
        >>> p.at(p.gradient, [1, 2]).T
        Matrix([[2, 4]])
        """
        if not isinstance(point, Mapping):
            values = list(point)
            if len(values) != len(self.variables):
                raise UnsupportedError(
                    f"point has {len(values)} coordinates; the problem has "
                    f"{len(self.variables)} variables"
                )
            point = dict(zip(self.variables, values))
        return expr.subs(point)

    # -- quadratics ----------------------------------------------------------
    @cached_property
    def quadratic(self) -> Quadratic | None:
        """The form ½xᵀAx − bᵀx + c when f is a polynomial of degree ≤ 2, else None.

        >>> Problem("(theta - 5)**2").quadratic
        Quadratic(A=Matrix([[2]]), b=Matrix([[10]]), c=25)
        """
        try:
            if not _remembered(_at_most_quadratic, self.objective, self.variables,
                               seconds=self.timeout):
                return None
        except SymoptTimeoutError:
            return None  # expanding the objective took too long: not recognised
        zero = dict.fromkeys(self.variables, 0)
        A = self.hessian.applyfunc(sp.expand)
        b = -self.gradient.subs(zero).applyfunc(sp.expand)
        c = sp.expand(self.objective.subs(zero))
        return Quadratic(A, b, c)

    # -- stationary points ---------------------------------------------------
    def stationary_points(self) -> list[StationaryPoint]:
        """Solutions of ∇f = 0 with their kind, under the problem's time limit.

        Raises :class:`~symopt.errors.SymoptTimeoutError` when solving takes too
        long and :class:`~symopt.errors.UnsupportedError` when SymPy cannot
        solve the system (the solution set may be infinite or transcendental).

        >>> [pt.point for pt in Problem("(theta - 5)**2").stationary_points()]
        [{theta: 5}]
        """
        n = len(self.variables)
        if n > MAX_SOLVE_VARIABLES:
            raise UnsupportedError(f"solving ∇f = 0 in {n} variables is refused; the limit is "
                                   f"{MAX_SOLVE_VARIABLES} variables")
        solutions = run_with_timeout(
            _solve_gradient, self.gradient, self.variables, seconds=self.timeout
        )
        points = []
        for solution in solutions:
            if set(solution) != set(self.variables):
                raise UnsupportedError(
                    "∇f = 0 has a continuum of solutions "
                    f"({solution}); stationary points are not isolated"
                )
            if not all(_is_real(v) for v in solution.values()):
                continue
            points.append(self.classify(solution))
        return points

    def classify(self, point: Mapping[sp.Symbol, sp.Expr]) -> StationaryPoint:
        """Kind of a stationary point from the signs of the Hessian's eigenvalues."""
        H = self.hessian.subs(point)
        try:
            eigen = _eigenvalues_within(H, self.timeout)
        except SymoptTimeoutError:
            eigen = ()
        kind = _kind(eigen) if eigen else "unknown"
        value = self.objective.subs(point)
        with contextlib.suppress(SymoptTimeoutError):  # else the value unsimplified
            value = run_with_timeout(sp.simplify, value, seconds=self.timeout)
        return StationaryPoint(dict(point), kind, tuple(eigen), value)

    # -- convexity and constants --------------------------------------------
    def convexity(self) -> Finding[bool]:
        """Whether f is convex on ℝⁿ, proved or refuted; unknown with a reason otherwise.

        >>> Problem("x**2 + y**2").convexity().value
        True
        >>> Problem("x**4 - x**2").convexity().value
        False
        """
        try:
            H = self.hessian
        except SymoptTimeoutError as exc:
            return Finding.unknown(f"building the Hessian took too long: {exc}")
        except UnsupportedError as exc:
            return Finding.unknown(f"no Hessian: {exc}")
        try:
            return run_with_timeout(_convexity, H, self.variables, self.parameters,
                                    seconds=self.timeout)
        except SymoptTimeoutError as exc:
            return Finding.unknown(f"deciding the sign of the Hessian took too long: {exc}")

    def smoothness(self) -> Finding[sp.Expr]:
        """L = sup over x of the largest Hessian eigenvalue (for a convex f).

        >>> Problem("2*w**2").smoothness().value
        4
        """
        return self._curvature_bound("max")

    def strong_convexity(self) -> Finding[sp.Expr]:
        """μ = inf over x of the smallest Hessian eigenvalue (0 when merely convex).

        >>> Problem("x**2 + 4*y**2").strong_convexity().value
        2
        """
        return self._curvature_bound("min")

    def condition_number(self) -> Finding[sp.Expr]:
        """κ = L/μ when both are known and μ > 0.

        >>> Problem("0.5*(w1**2 + 4*w2**2)").condition_number().value
        4
        """
        L, mu = self.smoothness(), self.strong_convexity()
        if not (L.known and mu.known):
            return Finding.unknown(L.reason if not L.known else mu.reason)
        if mu.value.is_zero:
            return Finding.unknown("μ = 0: the problem is not strongly convex, κ is infinite")
        return Finding(sp.simplify(L.value / mu.value), "κ = L/μ")

    def _curvature_bound(self, which: Literal["min", "max"]) -> Finding[sp.Expr]:
        try:
            H = self.hessian
        except SymoptTimeoutError as exc:
            return Finding.unknown(f"building the Hessian took too long: {exc}")
        except UnsupportedError as exc:
            return Finding.unknown(f"no Hessian: {exc}")
        if H.free_symbols & set(self.variables):
            if len(self.variables) == 1:
                return _extremum_1d(H[0, 0], self.variables[0], which, self.timeout)
            return Finding.unknown("the Hessian is not constant; bounding its eigenvalues over "
                                   "ℝⁿ is not supported for several variables")
        try:
            eigen = _eigenvalues_within(H, self.timeout)
        except SymoptTimeoutError as exc:
            return Finding.unknown(str(exc))
        pick = sp.Max if which == "max" else sp.Min
        value = sp.simplify(pick(*eigen))
        if isinstance(value, (sp.Max, sp.Min)):
            return Finding.unknown(f"cannot order the eigenvalues {list(eigen)}")
        if which == "min" and _sign(value) is not None and _sign(value) < 0:
            return Finding.unknown(f"f is not convex (smallest Hessian eigenvalue {value})")
        label = "largest" if which == "max" else "smallest"
        return Finding(value, f"{label} eigenvalue of the constant Hessian")


# -- helpers (module level so that worker processes can run them) -----------

def _natural_key(s: sp.Symbol) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s.name))


def _convexity(H: sp.Matrix, variables: Sequence[sp.Symbol],
               parameters: Sequence[sp.Symbol]) -> Finding[bool]:
    """Convexity from the Hessian (run in a worker: minors of big Hessians can blow up)."""
    if not H.free_symbols & set(variables):
        eigen = _eigenvalues(H)
        signs = [_sign(e) for e in eigen]
        if all(s is not None and s >= 0 for s in signs):
            return Finding(True, "the Hessian is constant and positive semidefinite "
                           f"(eigenvalues {list(eigen)})")
        if any(s is not None and s < 0 for s in signs):
            return Finding(False, f"the Hessian has a negative eigenvalue ({list(eigen)})")
        return Finding.unknown(f"the signs of the Hessian's eigenvalues {list(eigen)} "
                               "depend on the parameters")
    # Sylvester's criterion for semidefiniteness: every principal minor ≥ 0.
    n = H.rows
    if n > MAX_MINOR_VARIABLES:
        return Finding.unknown(f"the Hessian is not constant and has {2**n - 1} principal minors "
                               f"in {n} variables; they are formed for at most "
                               f"{MAX_MINOR_VARIABLES} variables")
    minors = _principal_minors(H)
    decided = [_nonnegative(m) for m in minors]
    if all(d is True for d in decided):
        return Finding(True, "every principal minor of the Hessian is nonnegative "
                       "for all real values of the variables")
    witness = _negative_curvature_point(H, variables, parameters)
    if witness is not None:
        return Finding(False, f"the Hessian is not positive semidefinite at {witness}",
                       {"point": witness})
    return Finding.unknown("could not decide the sign of the Hessian's principal minors")


#: Most terms the expansion of an objective may have when it is tested for being quadratic.
MAX_EXPANDED_TERMS = 100_000


def _expanded_terms(expr: sp.Expr) -> int:
    """An upper bound on the number of terms of ``expand(expr)`` (without expanding).

    >>> _expanded_terms(sp.sympify("(a + b + c)**2"))  # safe: a literal in an example
    6
    """
    from math import comb

    if expr.is_Add:
        return sum(_expanded_terms(a) for a in expr.args)
    if expr.is_Mul:
        total = 1
        for a in expr.args:
            total = min(total * _expanded_terms(a), 10**18)
        return total
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        k = _expanded_terms(expr.base)
        if k == 1:
            return 1
        if expr.exp > 1000 or k > 10**6:
            return 10**18
        return min(comb(k + int(expr.exp) - 1, int(expr.exp)), 10**18)
    return 1


def _at_most_quadratic(objective: sp.Expr, variables: Sequence[sp.Symbol]) -> bool:
    if _expanded_terms(objective) > MAX_EXPANDED_TERMS:
        return False  # refused by size: its expansion would not fit
    try:
        poly = sp.Poly(objective, *variables)
    except sp.PolynomialError:
        return False
    return poly.total_degree() <= 2 and not any(c.has(*variables) for c in poly.coeffs())


def _gradient(objective: sp.Expr, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    return sp.Matrix([sp.diff(objective, v) for v in variables])


def _solve_gradient(gradient: sp.Matrix, variables: Sequence[sp.Symbol]) -> list[dict]:
    try:
        solutions = sp.solve(list(gradient), list(variables), dict=True)
    except (NotImplementedError, TypeError, ValueError) as exc:
        # TypeError: SymPy's "undecidable set membership" on some transcendental systems.
        raise UnsupportedError(f"SymPy cannot solve ∇f = 0: {exc}") from None
    if not solutions and all(g.is_zero for g in gradient):
        raise UnsupportedError("∇f is identically zero: every point is stationary")
    if solutions:
        period = _period(gradient, variables)
        if period is not None:
            v, length = period
            shown = ", ".join(str(sol) for sol in solutions[:4])
            raise UnsupportedError(
                f"∇f = 0 has infinitely many solutions: ∇f is periodic in {v} with period "
                f"{length}, so each solution repeats (SymPy lists {len(solutions)} in one "
                f"period, e.g. {shown})"
            )
    return solutions


def _period(gradient: sp.Matrix, variables: Sequence[sp.Symbol]) -> tuple | None:
    """A variable in which ∇f is periodic, with the period; None when there is none."""
    from sympy.calculus.util import lcim, periodicity

    for v in variables:
        if not any(g.has(v) for g in gradient):
            continue
        periods = [periodicity(g, v) for g in gradient]
        if any(p is None for p in periods):
            continue
        nonzero = [p for p in periods if p != 0]
        length = lcim(nonzero) if len(nonzero) > 1 else nonzero[0]
        if length is not None and length.is_positive:
            return v, length
    return None


#: Eigenvalues by matrix: the same Hessians recur across problems and analyses.
_EIGENVALUES = Memo("eigenvalues")
#: ∇f, ∇²f and the quadratic test by (function, objective, variables): the claims of a
#: file share their problems, and each claim builds its own Problem.
_FACTS = Memo("problem facts")


def _remembered(fn, objective: sp.Expr, variables: tuple, *, seconds: float | None):
    """``fn(objective, variables)`` under the time limit, remembered once found
    (matrices are stored immutable and handed out as fresh copies)."""
    key = (fn.__module__, fn.__qualname__, objective, variables)
    value = _FACTS.get(key)
    if value is None:
        value = run_with_timeout(fn, objective, variables, seconds=seconds)
        value = _FACTS.put(key, sp.ImmutableMatrix(value)
                           if isinstance(value, sp.MatrixBase) else value)
    return sp.Matrix(value) if isinstance(value, sp.MatrixBase) else value


def _eigenvalues_within(H: sp.Matrix, seconds: float | None = None) -> tuple[sp.Expr, ...]:
    """:func:`_eigenvalues` under the time limit, remembered once found."""
    key = sp.ImmutableMatrix(H)
    values = _EIGENVALUES.get(key)
    if values is None:
        values = _EIGENVALUES.put(key, run_with_timeout(_eigenvalues, H, seconds=seconds))
    return values


def _eigenvalues(H: sp.Matrix) -> tuple[sp.Expr, ...]:
    values: list[sp.Expr] = []
    for value, multiplicity in H.eigenvals().items():
        values += [sp.simplify(value)] * multiplicity
    return tuple(values)


def _is_real(value: sp.Expr) -> bool:
    return value.is_real is not False


def _sign(value: sp.Expr) -> int | None:
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    if value.is_zero:
        return 0
    return None


def _kind(eigen: Sequence[sp.Expr]) -> Kind:
    signs = [_sign(e) for e in eigen]
    if any(s is None for s in signs):
        return "unknown"
    if all(s > 0 for s in signs):
        return "minimum"
    if all(s < 0 for s in signs):
        return "maximum"
    if any(s > 0 for s in signs) and any(s < 0 for s in signs):
        return "saddle"
    return "degenerate"


def _principal_minors(H: sp.Matrix) -> list[sp.Expr]:
    from itertools import combinations

    n = H.rows
    return [
        sp.factor(sp.simplify(H.extract(list(idx), list(idx)).det()))
        for size in range(1, n + 1)
        for idx in combinations(range(n), size)
    ]


def _nonnegative(expr: sp.Expr) -> bool | None:
    if expr.is_nonnegative:
        return True
    # Sums of squares and other forms that the assumptions system reads directly.
    return sp.simplify(expr).is_nonnegative


def _negative_curvature_point(H: sp.Matrix, variables: Sequence[sp.Symbol],
                              parameters: Sequence[sp.Symbol]) -> dict | None:
    """A rational point where H has a negative eigenvalue, verified exactly."""
    if parameters:
        return None
    grid = [sp.Rational(k, 4) for k in range(-12, 13)]
    import itertools

    candidates = itertools.islice(itertools.product(grid, repeat=len(variables)), 4000)
    for values in candidates:
        point = dict(zip(variables, values))
        M = H.subs(point)
        if not all(entry.is_real for entry in M):
            continue
        minors = _principal_minors(M)
        if any(m.is_negative for m in minors):
            return point
    return None


def _extremum_1d(second: sp.Expr, x: sp.Symbol, which: str,
                 timeout: float | None) -> Finding[sp.Expr]:
    from sympy.calculus.util import maximum, minimum

    fn = maximum if which == "max" else minimum
    try:
        value = run_with_timeout(fn, second, x, sp.S.Reals, seconds=timeout)
    except (SymoptTimeoutError, NotImplementedError, ValueError) as exc:
        return Finding.unknown(f"could not bound f'' over the reals: {exc}")
    if value is None or value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return Finding.unknown(f"f'' is unbounded over the reals ({which} = {value})")
    value = sp.simplify(value)
    if which == "min" and _sign(value) is not None and _sign(value) < 0:
        return Finding.unknown(f"f is not convex (inf f'' = {value})")
    return Finding(value, f"{'sup' if which == 'max' else 'inf'} of f'' over the reals")
