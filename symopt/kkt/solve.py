"""KKT points by enumeration of active sets, each system solved exactly.

For every subset A of the inequality constraints the system

    ∇f + Σ_{i∈A} λᵢ∇gᵢ + Σⱼ νⱼ∇hⱼ = 0,   gᵢ = 0 (i ∈ A),   hⱼ = 0,   λᵢ = 0 (i ∉ A)

is solved with ``sympy.solve`` in a worker process under a time limit. A
solution is a KKT point when it is real, gᵢ < 0 for i ∉ A (so A is exactly the
active set and no point is listed twice) and λᵢ ≥ 0 for i ∈ A. With symbolic
parameters these checks become conditions on the parameters (min x² s.t. x ≥ c:
x* = 0 when c < 0, x* = c with λ* = 2c when c ≥ 0). Every solution is
substituted back and verified before it is reported; a case that cannot be
solved, verified or decided is reported unknown with the reason, never guessed.

For each active set the feasible points where LICQ fails (the active gradients
are linearly dependent) are found as well: a minimizer is either a KKT point or
one of these.

>>> from symopt import Problem
>>> result = solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0)
>>> [(p.point, p.multipliers, p.kind.value) for p in result.points]
[({x: 1}, {lambda: 2}, 'minimum')]
>>> result.points[0].global_minimum.value, result.complete
(True, True)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Literal

import sympy as sp

from symopt.errors import SymoptError, SymoptTimeoutError, UnsupportedError
from symopt.kkt.conditions import KKTConditions, kkt_conditions
from symopt.kkt.second_order import classify, licq
from symopt.problem import Problem
from symopt.result import Finding
from symopt.timeout import DEFAULT_SECONDS, run_with_timeout

__all__ = [
    "MAX_INEQUALITIES",
    "ActiveSetCase",
    "IrregularPoint",
    "KKTPoint",
    "KKTResult",
    "Rejected",
    "solve_kkt",
]

#: More inequalities than this (2^m active sets) is refused rather than run for hours.
MAX_INEQUALITIES = 10

Status = Literal["solved", "no solution", "unknown"]
#: Functions with kinks: the KKT conditions need differentiability.
_NONSMOOTH = (sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside, sp.floor, sp.ceiling,
              sp.Piecewise)
_NOT_ASSESSED: Finding[bool] = Finding.unknown("not assessed")


@dataclass(frozen=True)
class KKTPoint:
    """A KKT point x* with multipliers, valid where ``condition`` (on the parameters) holds.

    ``active`` lists the indices of the active inequalities; ``kind`` is
    'minimum' / 'maximum' (strict, local) / 'neither' or unknown; ``licq`` says
    whether the constraint qualification holds. A multiplier that is left
    symbolic is not unique (LICQ fails); ``condition`` then holds for some value.
    Coordinates in ``free`` are left symbolic: a continuum (e.g. a face of an LP).
    """

    point: dict[sp.Symbol, sp.Expr]
    multipliers: dict[sp.Symbol, sp.Expr]
    active: tuple[int, ...]
    value: sp.Expr
    condition: sp.Basic
    licq: Finding[bool]
    kind: Finding[str]
    global_minimum: Finding[bool] = _NOT_ASSESSED
    #: Coordinates left free: the entry is a continuum of KKT points parametrised by them
    #: (``condition`` then also restricts them).
    free: tuple[sp.Symbol, ...] = ()


@dataclass(frozen=True)
class Rejected:
    """A solution of an active-set system that is not a KKT point, and why."""

    values: dict[sp.Symbol, sp.Expr]
    reason: str
    #: ("inactive", i, gᵢ(x)) for gᵢ(x) ≥ 0 off the active set, ("dual", i, λᵢ) for λᵢ < 0.
    failed: tuple[tuple[str, int, sp.Expr], ...] = ()


@dataclass(frozen=True)
class IrregularPoint:
    """A feasible point where LICQ fails (a minimizer there need not be a KKT point)."""

    point: dict[sp.Symbol, sp.Expr]
    active: tuple[int, ...]
    condition: sp.Basic


@dataclass(frozen=True)
class ActiveSetCase:
    """The outcome for one active set: its KKT points, rejected solutions, irregular points.

    ``complete`` is False when solutions may be missing (an unknown status, a
    non-polynomial system, a search for irregular points that failed).
    """

    active: tuple[int, ...]
    status: Status
    reason: str
    equations: tuple[sp.Expr, ...] = ()
    points: tuple[KKTPoint, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    irregular: tuple[IrregularPoint, ...] = ()
    complete: bool = True
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class KKTResult:
    """Every active set's case, the KKT points and whether the problem is a convex program."""

    def _repr_markdown_(self) -> str:
        """Jupyter display: see :mod:`symopt.display`."""
        from symopt.display import kkt_markdown

        return kkt_markdown(self)

    conditions: KKTConditions
    cases: tuple[ActiveSetCase, ...]
    points: tuple[KKTPoint, ...]
    convex: Finding[bool]
    notes: tuple[str, ...] = field(default=())
    #: False when f or a constraint has kinks (Abs, Max, ...), where KKT does not apply.
    smooth: bool = True

    @property
    def complete(self) -> bool:
        """Whether every active set was solved and decided (no point can be missing)."""
        return self.smooth and all(c.status != "unknown" and c.complete for c in self.cases)

    @property
    def irregular_points(self) -> tuple[IrregularPoint, ...]:
        """Feasible points where LICQ fails, over all active sets."""
        return tuple(p for c in self.cases for p in c.irregular)

    def global_minimizer(self, expr: sp.Expr | None = None) -> sp.Expr:
        """The global minimizer's ``expr`` (default: the first variable) as a Piecewise.

        Only for convex programs with a complete enumeration, where every KKT
        point is a global minimum; pieces follow the case split on parameters.

        >>> from symopt import Problem
        >>> r = solve_kkt(Problem("x**2", ["x"], ["x >= c"]), timeout=0)
        >>> r.global_minimizer()
        Piecewise((0, c < 0), (c, True))
        """
        if self.convex.value is not True or not self.complete:
            raise UnsupportedError(
                "the global minimizer is given only for a convex program with every active "
                f"set decided (convex: {self.convex}; complete: {self.complete})"
            )
        if any(p.free for p in self.points):
            raise UnsupportedError("the minimizers form a continuum: "
                                   + "; ".join(_point(p.point) for p in self.points if p.free))
        target = self.conditions.variables[0] if expr is None else expr
        pieces = [(p.point.get(target, target) if target in p.point
                   else target.subs({**p.point, **p.multipliers}), p.condition)
                  for p in self.points]
        if not pieces:
            raise UnsupportedError("the problem has no KKT point")
        if len({str(v) for v, _ in pieces}) == 1:
            return pieces[0][0]
        return sp.Piecewise(*pieces)

    def summary(self) -> str:
        """A plain-text report: conditions, each case, each KKT point and its kind.

        >>> from symopt import Problem
        >>> print(solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0).summary())
        ... # doctest: +ELLIPSIS
        minimise x**2 over x
          subject to 1 - x <= 0
        Lagrangian: L = lambda*(1 - x) + x**2
        ...
        KKT point (x = 1), multipliers (lambda = 2): f = 1; minimum (...
        convex program: True (...)
        """
        return "\n".join(_summary_lines(self))


def solve_kkt(problem: Problem, *, timeout: float | None = None,
              total: float | None = None) -> KKTResult:
    """Enumerate active sets, solve each KKT system, classify and check every point.

    ``timeout`` (seconds per active set; default the problem's or
    :data:`~symopt.timeout.DEFAULT_SECONDS`; 0 runs in this process without a
    limit). ``total`` bounds the whole enumeration: active sets not started in
    time are reported unknown.

    >>> from symopt import Problem
    >>> r = solve_kkt(Problem("x**2 + y**2", constraints=["x + y = 1"]), timeout=0)
    >>> r.points[0].point, r.points[0].multipliers
    ({x: 1/2, y: 1/2}, {nu: -1})
    """
    conditions = kkt_conditions(problem)
    if len(conditions.inequalities) > MAX_INEQUALITIES:
        raise UnsupportedError(
            f"{len(conditions.inequalities)} inequality constraints: enumerating 2^m active "
            f"sets is limited to m ≤ {MAX_INEQUALITIES}"
        )
    if timeout is None:
        timeout = problem.timeout if problem.timeout is not None else DEFAULT_SECONDS
    deadline = None if total is None else time.monotonic() + total
    cases = []
    for active in conditions.active_sets():
        if deadline is not None and time.monotonic() >= deadline:
            cases.append(ActiveSetCase(active, "unknown", f"not attempted: the total time "
                                       f"limit of {total:g} s was reached", complete=False))
            continue
        cases.append(_run_case(conditions, active, timeout))
    convex = convex_program(problem, conditions)
    exprs = (conditions.objective, *conditions.inequalities, *conditions.equalities)
    smooth = not any(e.has(*_NONSMOOTH) for e in exprs)
    points = [p for case in cases for p in case.points]
    best = _weierstrass(conditions, cases, points, smooth)
    points = [replace(p, global_minimum=_global(p, points, convex, best)) for p in points]
    by_case = iter(points)
    cases = [replace(c, points=tuple(next(by_case) for _ in c.points)) for c in cases]
    notes = []
    if not smooth:
        notes.append("f or a constraint is not differentiable everywhere (Abs, Max, sign, "
                     "...): the KKT conditions hold only where they are differentiable, so "
                     "a minimizer at a kink is not found")
    kkt_points = [{str(k): v for k, v in p.point.items()} for p in points]
    for irregular in (q for c in cases for q in c.irregular):
        if {str(k): v for k, v in irregular.point.items()} not in kkt_points:
            notes.append(
                f"LICQ fails at the feasible point {_point(irregular.point)}, which is not a "
                "KKT point: a minimizer there would not satisfy the KKT conditions"
            )
    if best is not None and not any(p.global_minimum.value is True for p in points):
        where = [_point(q.point) for k in cases for q in k.irregular
                 if sp.simplify(conditions.objective.subs(q.point) - best[0]).is_zero]
        notes.append(f"{best[1]}: the global minimum f = {best[0]} is attained at "
                     f"{', '.join(where)}, where LICQ fails (not a KKT point)")
    return KKTResult(conditions, tuple(cases), tuple(points), convex, tuple(notes), smooth)


def convex_program(problem: Problem, conditions: KKTConditions | None = None) -> Finding[bool]:
    """Whether f and every gᵢ are convex and every hⱼ is affine (then KKT ⇒ global minimum).

    >>> from symopt import Problem
    >>> convex_program(Problem("x**2", constraints=["x >= 1"])).value
    True
    """
    c = conditions or kkt_conditions(problem)
    f = _convexity(problem)
    if not f.known:
        return Finding.unknown(f"convexity of f is unknown: {f.reason}")
    if f.value is False:
        return Finding(False, f"f is not convex: {f.reason}")
    for g in c.inequalities:
        fg = _convexity(Problem(g, variables=c.variables, timeout=problem.timeout))
        if not fg.known:
            return Finding.unknown(f"convexity of the constraint {g} ≤ 0 is unknown: {fg.reason}")
        if fg.value is False:
            return Finding(False, f"the constraint function {g} is not convex: {fg.reason}")
    for h in c.equalities:
        if not _affine(h, c.variables):
            return Finding(False, f"the equality constraint {h} = 0 is not affine")
    return Finding(True, "f is convex, every inequality constraint function is convex and every "
                   "equality constraint is affine: every KKT point is a global minimizer")


def _convexity(problem: Problem) -> Finding[bool]:
    try:
        return problem.convexity()
    except (SymoptError, NotImplementedError, ValueError, TypeError) as exc:
        return Finding.unknown(f"deciding convexity failed: {exc}")


# -- one active set, in a worker process ---------------------------------------

def _run_case(c: KKTConditions, active: tuple[int, ...], timeout: float) -> ActiveSetCase:
    try:
        case = run_with_timeout(_solve_case, c, active, seconds=timeout)
    except SymoptTimeoutError as exc:
        return ActiveSetCase(active, "unknown", f"solving the KKT system timed out ({exc})",
                             complete=False)
    except (SymoptError, NotImplementedError, ValueError, TypeError) as exc:
        return ActiveSetCase(active, "unknown", f"could not solve the KKT system: {exc}",
                             complete=False)
    try:
        irregular, note = run_with_timeout(_irregular_points, c, active, seconds=timeout)
    except (SymoptError, NotImplementedError, ValueError, TypeError) as exc:
        irregular, note = (), f"the search for points where LICQ fails did not finish: {exc}"
    notes = case.notes + ((note,) if note else ())
    return replace(case, irregular=irregular, notes=notes, complete=case.complete and not note)


def _system(c: KKTConditions, active: Sequence[int]) -> tuple[list[sp.Expr], list[sp.Symbol]]:
    lam = c.ineq_multipliers
    inactive = {lam[i]: 0 for i in range(len(lam)) if i not in active}
    equations = [sp.expand(s.subs(inactive)) for s in c.stationarity]
    equations += [c.inequalities[i] for i in active] + list(c.equalities)
    unknowns = list(c.variables) + [lam[i] for i in active] + list(c.eq_multipliers)
    return [e for e in equations if e != 0], unknowns


def _solve_case(c: KKTConditions, active: tuple[int, ...]) -> ActiveSetCase:
    equations, unknowns = _system(c, active)
    polynomial = all(e.is_polynomial(*unknowns) for e in equations)
    if not equations:  # sympy returns [] for an empty system: every point solves it
        return ActiveSetCase(active, "unknown", "every point satisfies the system (∇f ≡ 0 "
                             "with nothing active): the points are not isolated", (),
                             complete=False)
    try:
        solutions = _solve_real(equations, unknowns)
    except NotImplementedError as exc:
        return ActiveSetCase(active, "unknown", f"SymPy cannot solve the KKT system: {exc}",
                             tuple(equations), complete=False)
    points: list[KKTPoint] = []
    rejected: list[Rejected] = []
    unknown: list[str] = []
    lam = c.ineq_multipliers
    for solution in solutions:
        x = {v: sp.simplify(solution.get(v, v)) for v in c.variables}
        if any(val.free_symbols & set(unknowns[len(x):]) for val in x.values()):
            unknown.append(f"the solution {_point(x)} depends on a free multiplier")
            continue
        # Coordinates left free: a continuum of KKT points, parametrised by them.
        free_coords = tuple(v for v in c.variables
                            if any(v in val.free_symbols for val in x.values()))
        values = {**x, **{m: sp.simplify(solution.get(m, m)) for m in unknowns[len(x):]}}
        multipliers = {m: values.get(m, sp.S.Zero) for m in lam + c.eq_multipliers}
        residuals = [sp.simplify(e.subs(values)) for e in equations]
        if not all(r.is_zero for r in residuals):
            unknown.append(f"SymPy's solution {_point(values)} could not be verified")
            continue
        real = _all_real(values.values())
        if real is False:
            rejected.append(Rejected(values, "not real"))
            continue
        if real is None:
            unknown.append(f"cannot decide whether {_point(values)} is real")
            continue
        g_at = {i: sp.simplify(c.inequalities[i].subs(x)) for i in range(len(lam))}
        relations = [(sp.Lt(g_at[i], 0), ("inactive", i, g_at[i]))
                     for i in range(len(lam)) if i not in active]
        relations += [(sp.Ge(multipliers[lam[i]], 0), ("dual", i, multipliers[lam[i]]))
                      for i in active]
        relations += [(sp.Ne(d, 0), ("denominator", -1, d)) for d in _denominators(values, c)]
        free = {m for m in multipliers if multipliers[m] == m}
        verdict = _decide([r for r, _ in relations], free)
        if verdict is None:
            unknown.append(f"cannot decide the signs at {_point(values)}: "
                           f"{[str(r) for r, _ in relations]}")
            continue
        if verdict == sp.false:
            failed = tuple(label for r, label in relations if r == sp.false)
            reason = "; ".join(_violation(label, c) for label in failed) or (
                f"the conditions {[str(r) for r, _ in relations]} cannot hold together")
            rejected.append(Rejected(values, reason, failed))
            continue
        regular = licq(c, x, active)
        if free_coords:
            kind: Finding[str] = Finding.unknown(
                "the KKT points are not isolated: a continuum parametrised by "
                f"{', '.join(map(str, free_coords))}")
        else:
            kind = classify(c, x, multipliers, active, regular)
        points.append(KKTPoint(x, multipliers, active, sp.simplify(c.objective.subs(x)),
                               verdict, regular, kind, free=free_coords))
    notes = () if polynomial else (
        "the system is not polynomial: SymPy's solve may miss solutions",)
    if unknown:
        status: Status = "unknown"
        reason = "; ".join(unknown)
    elif points:
        status, reason = "solved", f"{len(points)} KKT point(s)"
    elif rejected:
        status = "no solution"
        reason = "; ".join(f"{_point(r.values)} rejected ({r.reason})" for r in rejected)
    else:
        status, reason = "no solution", "the system has no solution"
    return ActiveSetCase(active, status, reason, tuple(equations), tuple(points),
                         tuple(rejected), complete=polynomial and not unknown, notes=notes)


def _irregular_points(c: KKTConditions,
                      active: tuple[int, ...]) -> tuple[tuple[IrregularPoint, ...], str]:
    rows = c.constraint_gradients(active)
    if not rows:
        return (), ""
    J = sp.Matrix.vstack(*rows)
    n, k = len(c.variables), J.rows
    equations = [c.inequalities[i] for i in active] + list(c.equalities)
    if k <= n:  # rank < k  ⇔  every k×k minor vanishes
        equations += [J.extract(list(range(k)), list(cols)).det()
                      for cols in combinations(range(n), k)]
    try:
        solutions = _solve_real([sp.expand(e) for e in equations], list(c.variables))
    except NotImplementedError as exc:
        return (), f"SymPy cannot find the points where LICQ fails: {exc}"
    found, notes = [], []
    for solution in solutions:
        x = {v: sp.simplify(solution.get(v, v)) for v in c.variables}
        if any(val.free_symbols & set(c.variables) for val in x.values()):
            notes.append(f"LICQ fails on a continuum of points {_point(x)}")
            continue
        real = _all_real(x.values())
        if real is False:
            continue
        relations = [sp.Lt(c.inequalities[i].subs(x), 0)
                     for i in range(len(c.inequalities)) if i not in active]
        verdict = _decide(relations, set()) if real else None
        if verdict is None:
            notes.append(f"cannot decide whether LICQ fails at {_point(x)}")
        elif verdict != sp.false:
            found.append(IrregularPoint(x, active, verdict))
    return tuple(found), "; ".join(notes)


def _solve_real(equations: list[sp.Expr], unknowns: list[sp.Symbol]) -> list[dict]:
    """``sympy.solve`` over plain real unknowns, keyed by the given symbols.

    A variable named ``t`` or ``eta`` carries house assumptions (integer, positive)
    that would make SymPy drop real solutions; the unknowns are optimization
    variables and multipliers, real and nothing more.
    """
    real = {u: sp.Dummy(u.name, real=True) for u in unknowns}
    back = {d: u for u, d in real.items()}
    solutions = sp.solve([e.xreplace(real) for e in equations], list(real.values()),
                         dict=True)
    return [{back[k]: v.xreplace(back) for k, v in sol.items()} for sol in solutions]


# -- deciding conditions ---------------------------------------------------------

def _decide(relations: Sequence[sp.Basic], exists: set[sp.Symbol]) -> sp.Basic | None:
    """The conjunction simplified: sp.true, sp.false, a condition, or None if undecidable.

    Symbols in ``exists`` are free multipliers: the condition needs some value of them.
    """
    kept = []
    for relation in relations:
        if relation == sp.true:
            continue
        if relation == sp.false:
            return sp.false
        if not relation.free_symbols:
            return None
        kept.append(relation)
    if not kept:
        return sp.true
    free = set().union(*(r.free_symbols for r in kept))
    if len(free) != 1:
        return sp.And(*kept)
    s = free.pop()
    domain = _domain(s)
    solution: sp.Set = domain
    for relation in kept:
        try:
            part = sp.solveset(relation, s, domain)
        except (NotImplementedError, ValueError, TypeError):
            return sp.And(*kept)
        if isinstance(part, sp.ConditionSet):
            return sp.And(*kept)
        solution = sp.Intersection(solution, part)
    if solution is sp.S.EmptySet:
        return sp.false
    if s in exists or solution == domain:
        return sp.true
    return solution.as_relational(s)


def _domain(s: sp.Symbol) -> sp.Set:
    if s.is_positive:
        return sp.Interval.open(0, sp.oo)
    if s.is_nonnegative:
        return sp.Interval(0, sp.oo)
    return sp.S.Reals


def _all_real(values: object) -> bool | None:
    verdict: bool | None = True
    for v in values:  # type: ignore[attr-defined]
        if v.is_real:
            continue
        if v.is_real is False:
            return False
        imag = sp.simplify(sp.im(v))
        if imag.is_zero:
            continue
        if imag.is_zero is False:
            return False
        verdict = None
    return verdict


def _denominators(values: Mapping[sp.Symbol, sp.Expr], c: KKTConditions) -> list[sp.Expr]:
    params = set(c.parameters)
    found = []
    for v in values.values():
        d = sp.denom(sp.together(v))
        if d.free_symbols & params and d not in found:
            found.append(d)
    return found


def _affine(h: sp.Expr, variables: Sequence[sp.Symbol]) -> bool:
    try:
        poly = sp.Poly(h, *variables)
    except sp.PolynomialError:
        return False
    return poly.total_degree() <= 1 and not any(co.has(*variables) for co in poly.coeffs())


def _global(p: KKTPoint, points: Sequence[KKTPoint], convex: Finding[bool],
            best: tuple[sp.Expr, str] | None = None) -> Finding[bool]:
    if convex.value is True:
        return Finding(True, "convex program: every KKT point is a global minimizer")
    if best is not None:
        value, why = best
        if sp.simplify(p.value - value).is_zero:
            return Finding(True, f"{why}; f = {value} is the least value among them")
        return Finding(False, f"{why}; the least value among them is {value} < {p.value}")
    if p.kind.value in ("maximum", "neither"):
        return Finding(False, f"not a local minimum ({p.kind.reason})")
    for q in points:
        if q is p or q.condition != sp.true or p.condition != sp.true:
            continue
        if sp.simplify(q.value - p.value).is_negative:
            return Finding(False, f"f = {q.value} < {p.value} at the KKT point {_point(q.point)}")
    return Finding.unknown("the problem is not known to be a convex program: the KKT conditions "
                           f"alone do not prove a global minimum ({convex.reason})")


def _weierstrass(c: KKTConditions, cases: Sequence[ActiveSetCase], points: Sequence[KKTPoint],
                 smooth: bool) -> tuple[sp.Expr, str] | None:
    """The least candidate value when a global minimizer must be a found candidate.

    On a compact feasible set a continuous f attains its minimum (Weierstrass); the
    minimizer is a KKT point or a point where LICQ fails. When the enumeration of
    both is complete, the least value over them is the global minimum value.
    """
    complete = smooth and all(k.status != "unknown" and k.complete for k in cases)
    irregular = [q for k in cases for q in k.irregular]
    if not complete or c.parameters or any(p.free for p in points):
        return None
    if any(p.condition != sp.true for p in points) or any(
            q.condition != sp.true for q in irregular):
        return None
    bounded = _bounded(c)
    values = [p.value for p in points] + [sp.simplify(c.objective.subs(q.point))
                                          for q in irregular]
    if bounded is None or not values or not all(v.is_real for v in values):
        return None
    best = values[0]
    for v in values[1:]:
        difference = sp.simplify(v - best)
        if difference.is_negative:
            best = v
        elif difference.is_negative is None:
            return None
    return best, (f"the feasible set is compact ({bounded}), so a global minimizer exists, "
                  "and it is a KKT point or a point where LICQ fails: all of them were found")


def _bounded(c: KKTConditions) -> str | None:
    """Why {g ≤ 0, h = 0} is bounded: a constraint with a constant positive definite Hessian
    (a ball or ellipsoid), or lower and upper bounds on every variable; else None."""
    for e in (*c.inequalities, *c.equalities):
        H = sp.hessian(e, c.variables)
        if not H.free_symbols and H.is_positive_definite:
            relation = "<=" if e in c.inequalities else "="
            return f"{{{e} {relation} 0}} is bounded: its Hessian is constant positive definite"
    lower, upper = set(), set()
    for e, kinds in [(g, ("ineq",)) for g in c.inequalities] + [
            (h, ("ineq", "eq")) for h in c.equalities]:
        used = [v for v in c.variables if e.has(v)]
        if len(used) != 1 or not e.is_polynomial(used[0]):
            continue
        slope = sp.Poly(e, used[0])
        if slope.degree() != 1 or not slope.LC().is_number:
            continue
        if "eq" in kinds or slope.LC().is_positive:
            upper.add(used[0])
        if "eq" in kinds or slope.LC().is_negative:
            lower.add(used[0])
    if lower >= set(c.variables) and upper >= set(c.variables):
        return "every variable has a lower and an upper bound"
    return None


# -- text ------------------------------------------------------------------------

def _violation(label: tuple[str, int, sp.Expr], c: KKTConditions) -> str:
    kind, i, value = label
    if kind == "inactive":
        return f"constraint {i + 1} is not strictly satisfied (g{i + 1} = {value})"
    if kind == "dual":
        return f"{c.ineq_multipliers[i]} = {value} < 0 violates dual feasibility"
    return f"{value} = 0 (a denominator)"


def _point(values: Mapping[sp.Symbol, sp.Expr]) -> str:
    return "(" + ", ".join(f"{k} = {v}" for k, v in values.items()) + ")"


def _multipliers(p: KKTPoint) -> str:
    free = [str(m) for m, v in p.multipliers.items() if v == m]
    fixed = {m: v for m, v in p.multipliers.items() if v != m}
    text = _point(fixed)
    if free:
        text += f" with {', '.join(free)} not unique (any value meeting λ ≥ 0)"
    return text


def _summary_lines(r: KKTResult) -> list[str]:
    c = r.conditions
    lines = [f"minimise {c.objective} over {', '.join(map(str, c.variables))}"]
    lines += [f"  subject to {g} <= 0" for g in c.inequalities]
    lines += [f"  subject to {h} = 0" for h in c.equalities]
    lines.append(f"Lagrangian: L = {c.lagrangian}")
    lines.append("stationarity: " + ", ".join(f"{s} = 0" for s in c.stationarity))
    if c.ineq_multipliers:
        lines.append("dual feasibility: " + ", ".join(map(str, c.dual_feasibility)))
        lines.append("complementary slackness: "
                     + ", ".join(f"{m}*({g}) = 0" for m, g in zip(c.ineq_multipliers,
                                                                    c.inequalities)))
    for case in r.cases:
        active = ", ".join(f"g{i + 1}" for i in case.active) or "none"
        lines.append(f"case active = {{{active}}}: {case.status} — {case.reason}")
        lines += [f"  note: {n}" for n in case.notes]
    for p in r.points:
        where = "" if p.condition == sp.true else f" when {p.condition}"
        label = "KKT point"
        if p.free:
            label = "KKT points"
            where = f" for every {', '.join(map(str, p.free))}" + (
                f" with {p.condition}" if p.condition != sp.true else "")
        lines.append(f"{label} {_point(p.point)}, multipliers {_multipliers(p)}{where}: "
                     f"f = {p.value}; {p.kind}; LICQ {p.licq}; global minimum {p.global_minimum}")
    if not r.points:
        lines.append("no KKT point")
    lines.append(f"convex program: {r.convex}")
    lines += [f"note: {n}" for n in r.notes]
    if not r.complete:
        lines.append("incomplete: some active sets could not be decided (see above)")
    return lines
