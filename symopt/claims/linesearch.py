r"""The ``line_search`` claim kind: what texts state about exact and backtracking searches.

``measure`` names what is stated (see docs/linesearch.md):

=================== =====================================================================
``step``            the step τ the search takes (at the point ``at``; for the exact search
                    on a quadratic also the closed form τ(x) without ``at``)
``accepted_steps``  a set of steps every one of which the Armijo condition accepts
``step_bound``      a lower bound on the step backtracking accepts (τ ≥ B)
``backtracking``    an upper bound on the number of step reductions of one search
``rate``            a bound c on the per-step ratio (f(x⁺) − f*)/(f(x) − f*)
=================== =====================================================================

Without a problem the statement is about every L-smooth f (μ-strongly convex for
``rate``; ``function_class = "quadratic"`` restricts it to quadratics). Stated
text may use Boyd & Vandenberghe's names (α, β, t, M, m) or Nocedal & Wright's
(c1, rho); ``L``/``M`` is the smoothness constant, ``mu``/``m`` the strong-convexity
constant, ``kappa`` = L/μ. A verdict names what it rests on: an exact proof over
the parameters' region (0 < α < 1, 0 < β < 1, t0 > 0, 0 < μ ≤ L and ``where``), an
exact counterexample (a quadratic, a start, the step taken, checked by a compiled
run too), or numeric evidence (the exact step off quadratics).

>>> from symopt.claims import Claim, check
>>> check(Claim("line_search", "min(1, beta/M)", method="gd_backtracking",
...             measure="step_bound", hyperparameters={"t0": 1},
...             where="alpha <= 1/2")).status
'true'
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from symopt.analysis import linesearch as ls
from symopt.claims.claim import NUMBER_KEYS, Claim, Verdict, register, reject_keys
from symopt.claims.context import Context, note, show
from symopt.claims.equivalence import compare
from symopt.claims.sets import read_region, read_set
from symopt.errors import DomainError, ParseError, UnsupportedError
from symopt.guarantees.positivity import Region, prove_nonnegative
from symopt.methods.linesearch import STEP, line_search_of
from symopt.problem import Problem
from symopt.symbols import canonical_name, symbol

__all__ = ["MEASURES", "check_line_search"]

ALPHA, BETA, T0 = symbol("alpha"), symbol("beta"), symbol("t0")
L, MU = symbol("L"), symbol("mu")
#: What a ``line_search`` claim may state, with the names texts use for it.
MEASURES = {"step": "step", "accepted_steps": "accepted_steps", "armijo_set": "accepted_steps",
            "step_bound": "step_bound", "backtracking": "backtracking",
            "backtracking_steps": "backtracking", "reductions": "backtracking",
            "rate": "rate"}
_ALIASES = {"c1": ALPHA, "c_1": ALPHA, "rho": BETA, "t_0": T0, "M": L, "m": MU,
            "kappa": L / MU}
#: Parameter values tried when a claim is looked for a counterexample (exactly).
_GRID = {ALPHA: (sp.Rational(1, 10), sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(3, 4)),
         BETA: (sp.Rational(1, 10), sp.Rational(1, 2), sp.Rational(4, 5)),
         T0: (sp.S.One, sp.Rational(1, 2), sp.Integer(4)),
         L: (sp.S.One, sp.Integer(10), sp.Integer(100)),
         MU: (sp.Rational(1, 10), sp.S.One, sp.Integer(10))}
#: Most parameter points a counterexample search tries.
MAX_POINTS = 60


@dataclass
class _Setting:
    """The claim's method, search, constants, parameter values and region."""

    ctx: Context

    @cached_property
    def method(self):
        method = self.ctx.method
        if line_search_of(method) is None:
            raise ParseError(f"a 'line_search' claim needs a method with a line search "
                             f"(gd_exact_line_search, gd_backtracking, newton_backtracking), "
                             f"got {method.name!r}")
        return method

    @property
    def search(self):
        return line_search_of(self.method)

    @property
    def newton(self) -> bool:
        return self.method.uses_newton_direction

    @cached_property
    def problem(self) -> Problem | None:
        return self.ctx.problem if self.ctx.claim.problem is not None else None

    @cached_property
    def quadratic(self) -> bool:
        if self.problem is not None:
            return self.problem.quadratic is not None
        return (self.ctx.claim.function_class or "").strip().lower() in ("quadratic",
                                                                          "quadratics")

    @cached_property
    def values(self) -> dict[sp.Symbol, sp.Expr]:
        """Given values of α, β, t0 (hyperparameters) and L, μ (keys or the problem's)."""
        claim = self.ctx.claim
        tables = [claim.hyperparameters, claim.method.hyperparameters if claim.method else {}]
        for key in (k for table in tables for k in table):
            if canonical_name(str(key)) in ("eta", "lr", "gamma", STEP.name):
                raise ParseError(f"{key!r} would be a step size, but a line search chooses "
                                 "the step τ; give alpha, beta (c1, rho) and t0")
        given = {k: v for k, v in self.ctx.hyperparameters.items()}
        if self.search.kind == "backtracking" and T0 not in given:
            given[T0] = sp.S.One
            if MEASURES.get((claim.measure or "").strip().lower()) != "accepted_steps":
                note("t0 = 1, B&V's first step, as none was given")
        for key, sym in (("L", L), ("mu", MU)):
            raw = getattr(claim, key)
            if raw is not None:
                value = self._names(self.ctx.value(raw))
                if not isinstance(value, sp.Expr) or value.is_positive is False or \
                        (value.is_number and not value.is_positive):
                    raise DomainError(f"{key} must be positive, got {raw!r}")
                given[sym] = value
        if self.problem is not None:
            if self.newton and self.quadratic:
                # in the Newton metric a quadratic is ½‖·‖²: both constants are 1
                given.update({L: sp.S.One, MU: sp.S.One})
            else:
                for sym, name in ((L, "L"), (MU, "mu")):
                    constant = self.ctx.constant(name)
                    if constant is not None and sym not in given:
                        given[sym] = constant
        return given

    @cached_property
    def region(self) -> Region:
        relations = [ALPHA > 0, ALPHA < 1, BETA > 0, BETA < 1, T0 > 0, L > 0, MU > 0,
                     MU <= L]
        if self.ctx.claim.where:
            condition = read_region(self.ctx.claim.where, (ALPHA, BETA, T0, L, MU),
                                    self.ctx.local)
            condition = self._names(condition)
            other = condition.free_symbols - {ALPHA, BETA, T0, L, MU}
            if other:
                raise ParseError(f"'where' names {', '.join(sorted(map(str, other)))}; it is "
                                 "a condition on alpha, beta, t0, L (M), mu (m)")
            relations += list(sp.And.make_args(condition))
        fixed = self.values
        return Region([r.xreplace(fixed) for r in relations
                       if r.xreplace(fixed) not in (sp.true, True)])

    def _names(self, expr: sp.Basic) -> sp.Basic:
        taken = set()
        if self.problem is not None:
            taken = {s.name for s in (*self.problem.variables, *self.problem.parameters)}
        mapping = {s: _ALIASES[s.name] for s in expr.free_symbols
                   if s.name in _ALIASES and s.name not in taken}
        by_name = {s.name: s for s in (ALPHA, BETA, T0, L, MU)}
        mapping.update({s: by_name[s.name] for s in expr.free_symbols
                        if s.name in by_name and s != by_name[s.name]})
        return expr.xreplace(mapping)

    def read(self, stated: object) -> sp.Expr:
        """A stated value with the names of B&V and N&W and the given values."""
        return self._names(self.ctx.value(stated)).xreplace(self.values)

    def read_bound(self, stated: object, what: str) -> sp.Expr:
        """A stated bound: an expression in the parameters α, β, t0, L, μ only."""
        if isinstance(stated, bool):
            raise ParseError(f"{what} is a number or an expression, got {stated!r}")
        value = self.read(stated)
        if not isinstance(value, sp.Expr):
            raise ParseError(f"{what} is a number or an expression, got {stated!r}")
        other = value.free_symbols - {ALPHA, BETA, T0, L, MU}
        if other:
            raise ParseError(f"{what} names {', '.join(sorted(map(str, other)))}; it may use "
                             "alpha, beta, t0, L (M), mu (m) and kappa")
        return value

    def needs_constants(self, *which: sp.Symbol) -> None:
        """With a problem, its L (and μ) must be known: else the class bound would be used."""
        if self.problem is None:
            return
        for sym in which:
            value = self.values.get(sym)
            if value is None or value.free_symbols & {L, MU}:
                name = "L (f is L-smooth)" if sym == L else "μ > 0 (f is strongly convex)"
                raise UnsupportedError(f"this claim needs {name} for the problem, and it is "
                                       "not known")

    def with_values(self, expr: sp.Basic) -> sp.Basic:
        return expr.xreplace(self.values)

    def needs_class(self, what: str) -> None:
        if self.newton and not self.quadratic:
            raise UnsupportedError(f"for damped Newton symopt derives {what} on quadratics "
                                   "only (give a quadratic problem); B&V's analysis under a "
                                   "Lipschitz Hessian is not derived")


def _region_text(region: Region) -> str:
    return ", ".join(sp.sstr(r) for r in region.relations) or "(no condition)"


def _at(point: dict) -> str:
    return f"at {_point_text(point)}: " if point else ""


def _point_text(point: dict) -> str:
    return ", ".join(f"{k} = {show(v)}" for k, v in point.items())


def _le(lhs: sp.Expr, rhs: sp.Expr, region: Region) -> bool | None:
    """lhs ≤ rhs at every point of the region (True only with a proof)."""
    lhs, rhs = _lift(lhs, region), _lift(rhs, region)
    if isinstance(rhs, sp.Min) or isinstance(lhs, sp.Max):
        parts = [(lhs, a) for a in rhs.args] if isinstance(rhs, sp.Min) else \
            [(a, rhs) for a in lhs.args]
        return True if all(_le(a, b, region) is True for a, b in parts) else None
    if isinstance(lhs, sp.Min):
        return True if any(_le(a, rhs, region) is True for a in lhs.args) else None
    if isinstance(rhs, sp.Max):
        return True if any(_le(lhs, a, region) is True for a in rhs.args) else None
    found = prove_nonnegative(sp.simplify(rhs - lhs), region)
    return True if found.value is True else None


def _lift(expr: sp.Expr, region: Region) -> sp.Expr:
    """Pull Min and Max to the top: a + c·Min(p, q) = Min(a + cp, a + cq) for c ≥ 0.

    (Max for c ≤ 0), so that :func:`_le` compares the pieces.
    """
    if not isinstance(expr, sp.Expr) or not expr.has(sp.Min, sp.Max) or \
            isinstance(expr, (sp.Min, sp.Max)):
        return expr
    if isinstance(expr, sp.Add):
        inner = [a for a in expr.args if isinstance(_lift(a, region), (sp.Min, sp.Max))]
        if inner:
            lifted = _lift(inner[0], region)
            rest = expr - inner[0]
            return _lift(type(lifted)(*(rest + a for a in lifted.args)), region)
    if isinstance(expr, sp.Mul):
        inner = [a for a in expr.args if isinstance(_lift(a, region), (sp.Min, sp.Max))]
        if inner:
            lifted = _lift(inner[0], region)
            factor = expr / inner[0]
            if prove_nonnegative(factor, region).value is True:
                kind = type(lifted)
            elif prove_nonnegative(-factor, region).value is True:
                kind = sp.Max if isinstance(lifted, sp.Min) else sp.Min
            else:
                return expr
            return _lift(kind(*(factor * a for a in lifted.args), evaluate=False), region)
    return expr


def _points(region: Region, free: set[sp.Symbol], fixed: dict) -> list[dict]:
    """Exact parameter points of the region (the grid, symbols not fixed only)."""
    names = [s for s in (ALPHA, BETA, T0, L, MU) if s in free and s not in fixed]
    points = []
    for combo in itertools.product(*(_GRID[s] for s in names)):
        point = dict(zip(names, combo))
        if _inside(region, point):
            points.append(point)
        if len(points) >= MAX_POINTS:
            break
    return points


def _inside(region: Region, point: dict) -> bool:
    """Whether the point satisfies every relation of the region that it decides."""
    for relation in region.relations:
        truth = relation.xreplace(point)
        if truth is sp.false or truth is False:
            return False
        if truth not in (sp.true, True) and not (truth.free_symbols - set(point)):
            return False
    return True


def _free(*exprs: sp.Basic) -> set[sp.Symbol]:
    return set().union(*(getattr(e, "free_symbols", set()) for e in exprs)) & \
        {ALPHA, BETA, T0, L, MU}


@register("line_search", keys=("problem", "method", "hyperparameters", "measure", "at",
                               "where", "L", "mu", "function_class", "rename", *NUMBER_KEYS))
def check_line_search(claim: Claim) -> Verdict:
    """A statement about a method's line search (``measure``: step, accepted_steps, ...)."""
    measure = MEASURES.get((claim.measure or "").strip().lower())
    if measure is None:
        raise ParseError(f"a 'line_search' claim names its measure: one of "
                         f"{', '.join(sorted(set(MEASURES.values())))}; got {claim.measure!r}")
    unused = {"step": ("where", "L", "mu", "function_class"),
              "accepted_steps": ("mu",), "step_bound": ("at", "mu"),
              "backtracking": ("at", "mu"), "rate": ("at",)}[measure]
    reject_keys(claim, unused, f"about {measure!r}")
    setting = _Setting(Context.of(claim))
    setting.method  # noqa: B018 - checks the method has a line search
    if measure in ("step_bound", "backtracking") and setting.search.kind != "backtracking":
        raise ParseError(f"{measure!r} is about backtracking; {setting.method.name} searches "
                         "exactly")
    checker = {"step": _step, "accepted_steps": _accepted, "step_bound": _step_bound,
               "backtracking": _count, "rate": _rate}[measure]
    try:
        return checker(setting)
    except UnsupportedError as exc:  # a readable claim symopt cannot decide
        return Verdict.unknown(str(exc))


# -- the step at a point ------------------------------------------------------

def _numbers(setting: _Setting, *symbols: sp.Symbol) -> dict[str, sp.Expr]:
    values = {}
    for s in symbols:
        value = setting.values.get(s)
        if value is None or not value.is_number:
            raise ParseError(f"this claim needs a number for {s.name} (hyperparameters)")
        values[s.name] = value
    return values


def _step(setting: _Setting) -> Verdict:
    ctx, claim = setting.ctx, setting.ctx.claim
    problem = setting.problem
    if problem is None:
        raise ParseError("a line_search claim about the 'step' needs a problem")
    stated = setting.read(claim.stated)
    if claim.at is None:
        if setting.search.kind != "exact":
            raise ParseError("the backtracking step is stated at a point: give 'at'")
        found = ls.exact_step(problem, setting.method)
        if not found.known:
            return Verdict.unknown(f"no closed form for the exact step: {found.reason}")
        from symopt.claims.expressions import decide

        return decide(compare(stated, found.value), found.value,
                      f"the exact step τ(x) ({found.reason})")
    point = ctx.point(claim.at)
    start = [point[v] for v in problem.variables]
    numeric = setting.search.kind == "exact" and problem.quadratic is None
    hp = {} if setting.search.kind == "exact" else _numbers(setting, ALPHA, BETA, T0)
    if numeric:
        value = sp.Float(ls.exact_step_numeric(problem, setting.method, start), 15)
        how = "numeric: φ(τ) = f(x + τd) minimised by SciPy's bounded Brent (not a proof)"
    else:
        taken = ls.search(problem, setting.method, start, **hp)
        value = taken.step
        how = ("exact: φ'(τ) = 0 on the quadratic" if setting.search.kind == "exact" else
               f"exact: Armijo tested in exact arithmetic, {taken.reductions} reduction(s)")
    evidence = [how, _run_evidence(problem, setting.method, start, hp, value)]
    result = ctx.numbers(stated, value) if not numeric else _numeric_compare(claim, stated,
                                                                             value)
    shown = f"the step at ({', '.join(show(c) for c in start)})"
    basis = "numeric" if numeric else result.basis
    if result.equal is True:
        return Verdict.true(f"{shown} is {show(value)}", *evidence, correct=show(value),
                            basis=basis)
    if result.equal is False:
        return Verdict.false(f"{shown} is {show(value)}", correct=show(value), basis=basis,
                             counterexample=result.how, evidence=tuple(evidence))
    return Verdict.unknown(f"{shown}: {result.how}", *evidence)


def _numeric_compare(claim: Claim, stated: sp.Expr, value: sp.Expr):
    from symopt.claims.equivalence import compare_numbers

    tolerance = claim.tolerance if claim.tolerance is not None else None
    rel = claim.rel_tolerance if claim.rel_tolerance is not None else \
        (1e-6 if tolerance is None and claim.rounding is None and claim.significant is None
         else None)
    return compare_numbers(stated, value, tolerance=tolerance, rel_tolerance=rel,
                           rounding=claim.rounding, significant=claim.significant)


def _run_evidence(problem: Problem, method, start: list, hp: dict, value: sp.Expr) -> str:
    """The step a compiled run takes from ``start``, beside the derived one."""
    from symopt.kernels.linesearch import run_line_search

    try:
        r = run_line_search(problem, method, [float(c) for c in start], 1,
                            **{k: float(v) for k, v in hp.items()})
    except (TypeError, ValueError, UnsupportedError) as exc:
        return f"no compiled run: {exc}"
    taken = float(r.step_sizes[0])
    agree = abs(taken - float(value)) <= 1e-9 * max(1.0, abs(float(value)))
    return (f"a compiled run from there took τ = {taken:.12g} "
            f"({'agrees' if agree else 'DIFFERS from the derived value: rounding at the '}"
            f"{'' if agree else 'Armijo boundary'})")


# -- the accepted set ---------------------------------------------------------

def _read_steps(setting: _Setting, text: object) -> sp.Set:
    if not isinstance(text, str):
        raise ParseError(f"a set of steps is text such as \"(0, 1/L]\", got {text!r}")
    for name in ("tau", "t", "alpha_k", "eta"):
        try:
            found = read_set(text, symbol(name), setting.ctx.local)
        except ParseError:
            continue
        names = {s: setting._names(s) for s in found.free_symbols}
        found = _as_interval(found.xreplace(names).xreplace(setting.values))
        return found if found.free_symbols else found.intersect(sp.Interval.open(0, sp.oo))
    raise ParseError(f"cannot read {text!r} as a set of steps (an interval, or an "
                     "inequality in t or tau)")


def _as_interval(found: sp.Set) -> sp.Set:
    """An intersection of intervals (``0 < t`` and ``t ≤ b``) as one interval."""
    if not isinstance(found, sp.Intersection) or \
            not all(isinstance(a, sp.Interval) for a in found.args):
        return found
    lows = [a for a in found.args if a.start != -sp.oo]
    highs = [a for a in found.args if a.end != sp.oo]
    if len(lows) > 1 or len(highs) > 1:
        return found
    low = lows[0] if lows else sp.Interval(-sp.oo, sp.oo)
    high = highs[0] if highs else sp.Interval(-sp.oo, sp.oo)
    return sp.Interval(low.start, high.end, low.left_open, high.right_open)


def _accepted(setting: _Setting) -> Verdict:
    claim = setting.ctx.claim
    stated = _read_steps(setting, claim.stated)
    if setting.search.kind != "backtracking":
        raise ParseError("'accepted_steps' is the Armijo set of a backtracking search")
    alpha = setting.values.get(ALPHA, ALPHA)
    problem = setting.problem
    if claim.at is not None:
        if problem is None:
            raise ParseError("'at' needs a problem")
        point = setting.ctx.point(claim.at)
        start = [point[v] for v in problem.variables]
        correct = ls.armijo_set(problem, setting.method, start, alpha)
        return _subset(setting, stated, correct, exact=True,
                       why="solved exactly at the point", witness=None)
    setting.needs_class("the accepted set")
    if not setting.newton:
        setting.needs_constants(L)
    lipschitz = setting.values.get(L, L)
    bound = 2 * (1 - alpha) / lipschitz
    exact = problem is None or problem.quadratic is not None
    why = ("the descent lemma: f(x − τg) ≤ f − τ‖g‖² + Lτ²‖g‖²/2 ≤ f − ατ‖g‖² iff "
           "τ ≤ 2(1 − α)/L; f = Lx²/2 accepts no larger step")
    if setting.newton:
        why = ("on a quadratic f(x − τΔ) = f − τλ² + τ²λ²/2 (λ the Newton decrement), "
               "≤ f − ατλ² iff τ ≤ 2(1 − α)")
    return _subset(setting, stated, sp.Interval.Lopen(0, bound), exact=exact, why=why,
                   witness=lipschitz)


def _subset(setting: _Setting, stated: sp.Set, correct: sp.Set, *, exact: bool, why: str,
            witness) -> Verdict:
    label = "every step in the stated set is accepted"
    shown = show(correct)
    scope = "exactly the set accepted" if exact else "a set accepted"
    if stated.is_empty:
        return Verdict.true(f"{label} (the set is empty)", correct=shown, basis="exact")
    if not stated.free_symbols and not correct.free_symbols:
        inside = stated.is_subset(correct)
        if inside is True:
            return Verdict.true(f"proved exactly: {label}; {shown} is {scope}", why,
                                correct=shown, basis="exact")
        if inside is False and exact:
            outside = (stated - correct)
            sample = outside.sup if outside.sup.is_finite else outside.inf + 1
            return Verdict.false(f"{shown} is {scope}", correct=shown, basis="counterexample",
                                 counterexample=f"τ = {show(sample)} is stated but rejected",
                                 evidence=(why,))
        return Verdict.unknown(f"the stated set is not inside {shown}, {scope}")
    if not isinstance(stated, sp.Interval) or not isinstance(correct, sp.Interval):
        return Verdict.unknown(f"{show(stated)} ⊆ {shown} is not decided (an interval with "
                               "symbolic ends is compared)")
    top, end = stated.end, correct.end
    if _le(top, end, setting.region) is True:
        return Verdict.true(f"proved exactly: {label}; {show(stated)} ⊆ {shown}, {scope}, "
                            f"over the region {_region_text(setting.region)}", why,
                            correct=shown, basis="exact")
    for point in _points(setting.region, _free(top, end), {}):
        t_hi, t_end = top.xreplace(point), end.xreplace(point)
        if t_hi.is_number and t_end.is_number and t_hi > t_end and exact:
            counter = f"at {_point_text(point)}: τ = {show(t_hi)} > {show(t_end)}"
            if witness is not None and not setting.newton and setting.problem is None:
                counter += f"; f = {show(witness.xreplace(point))}·x²/2 from x = 1 rejects it"
            return Verdict.false(f"{shown} is {scope}", correct=shown, counterexample=counter,
                                 evidence=(why,), basis="counterexample")
    return Verdict.unknown(f"{show(stated)} ⊆ {shown} is neither proved nor refuted on the "
                           "region")


# -- bounds on backtracking ---------------------------------------------------

def _step_bound(setting: _Setting) -> Verdict:
    setting.needs_class("the step bound")
    setting.needs_constants(L)
    stated = setting.read_bound(setting.ctx.claim.stated, "a step bound")
    lower = setting.with_values(ls.step_lower_bound(ALPHA, BETA, T0, L))
    why = ("every τ ≤ 2(1 − α)/L is accepted (descent lemma), so either t0 is accepted or the "
           "last rejected step τ/β exceeds 2(1 − α)/L")
    worst = _worst_step(setting)
    if worst is not None:  # every parameter is a number: the worst step is exact
        return _against_worst(setting, stated, worst, "the accepted step is at least",
                              stated_is_lower=True)
    if _le(stated, lower, setting.region) is True:
        return Verdict.true(f"proved exactly: τ ≥ {show(lower)} ≥ {show(stated)} over the "
                            f"region {_region_text(setting.region)}", why,
                            correct=show(lower), basis="exact")
    found = _refute(setting, stated, lower_is_stated=True)
    return found or Verdict.unknown(f"τ ≥ {show(stated)} is neither proved (the proved "
                                    f"bound is {show(lower)}) nor refuted")


def _worst_step(setting: _Setting) -> ls.Search | None:
    values = [setting.values.get(s) for s in (ALPHA, BETA, T0, L)]
    if any(v is None or not getattr(v, "is_number", False) for v in values):
        return None
    return ls.worst_backtracking(*values)


def _against_worst(setting: _Setting, stated: sp.Expr, worst: ls.Search, label: str,
                   stated_is_lower: bool) -> Verdict:
    lipschitz = setting.values[L]
    f = "the quadratic" if setting.newton else f"f = {show(lipschitz)}·x²/2 from x = 1"
    fact = (f"the worst case is τ = {show(worst.step)} after {worst.reductions} reduction(s), "
            f"attained on {f} (every τ ≤ 2(1 − α)/L is accepted, no larger one there)")
    if stated_is_lower:
        holds, value = stated <= worst.step, worst.step
    else:
        holds, value = stated >= worst.reductions, sp.Integer(worst.reductions)
    if holds in (sp.true, True):
        return Verdict.true(f"exact: {label} {show(stated)}; {fact}", correct=show(value),
                            basis="exact")
    if holds in (sp.false, False):
        worse = (f"the accepted step can be as small as {show(value)}" if stated_is_lower
                 else f"backtracking can need {show(value)} reductions")
        return Verdict.false(f"exact: {worse}", correct=show(value), counterexample=fact,
                             basis="counterexample")
    return Verdict.unknown(f"cannot compare {show(stated)} with {show(value)}")


def _refute(setting: _Setting, stated: sp.Expr, lower_is_stated: bool) -> Verdict | None:
    """A parameter point where the worst case of backtracking breaks the stated bound."""
    for point in _points(setting.region, _free(stated) | {ALPHA, BETA, T0, L}, setting.values):
        values = {**setting.values, **point}
        worst = ls.worst_backtracking(values[ALPHA], values[BETA], values[T0], values[L])
        at = sp.simplify(stated.xreplace(point))
        if not at.is_number:
            continue
        broken = at > worst.step if lower_is_stated else at < worst.reductions
        if broken is sp.true or broken is True:
            shown = (f"τ = {show(worst.step)}" if lower_is_stated
                     else f"{worst.reductions} reductions")
            return Verdict.false(
                f"the stated bound fails at {_point_text(point)}", correct=None,
                basis="counterexample",
                counterexample=f"at {_point_text(point)}, f = {show(values[L])}·x²/2 from "
                               f"x = 1: backtracking ends with {shown} (stated: "
                               f"{show(at)})")
    return None


def _count(setting: _Setting) -> Verdict:
    setting.needs_class("the number of reductions")
    setting.needs_constants(L)
    stated = setting.read_bound(setting.ctx.claim.stated, "a number of reductions")
    formula = setting.with_values(ls.backtracking_count_bound(ALPHA, BETA, T0, L))
    worst = _worst_step(setting)
    if worst is not None:
        return _against_worst(setting, stated, worst, "backtracking makes at most",
                              stated_is_lower=False)
    same = compare(sp.Max(0, stated), formula)
    if same.equal is True:
        return Verdict.true("the stated count is (at least 0 and) ⌈log(t0L/(2(1 − α)))/log(1/β)⌉,"
                            " the least j with t0βʲ ≤ 2(1 − α)/L (every such step is accepted)",
                            f"the count formula: {same.how}", correct=show(formula),
                            basis=same.basis)
    found = _refute(setting, stated, lower_is_stated=False)
    return found or Verdict.unknown(f"the count {show(stated)} is neither shown equal to "
                                    f"{show(formula)} nor refuted")


# -- the rate -----------------------------------------------------------------

def _rate(setting: _Setting) -> Verdict:
    stated = setting.read_bound(setting.ctx.claim.stated, "a rate")
    if not setting.newton:
        setting.needs_constants(L, MU)
    region = setting.region
    if setting.newton:
        return _newton_rate(setting, stated)
    if setting.search.kind == "exact":
        tight = setting.with_values(ls.kantorovich_rate(MU, L))
        if setting.quadratic:
            proof = ls.kantorovich_proof()
            upper, why = tight, ("Kantorovich's bound (N&W Theorem 3.3), its steps "
                                 f"{proof.reason}; equality when g has equal weight on the "
                                 "extreme eigenvectors")
            # each step of the proof checked exactly; else the theorem is cited
            basis = "exact" if proof.value is True else "cited"
        else:
            basis = "cited"  # the textbook argument in ``why``, not re-derived here
            upper = setting.with_values(ls.strongly_convex_exact_rate(MU, L))
            why = ("B&V §9.3.1: exact search does at least as well as τ = 1/L, which gives "
                   "f − ‖g‖²/(2L) by the descent lemma, and ‖g‖² ≥ 2μ(f − f*)")
    else:
        tight = None
        basis = "cited"  # B&V's argument in ``why``, not re-derived here
        upper = setting.with_values(ls.backtracking_rate(MU, L, ALPHA, BETA, T0))
        why = ("Armijo f(x⁺) ≤ f − ατ‖g‖², τ ≥ min(t0, 2β(1 − α)/L) and ‖g‖² ≥ "
               "2μ(f − f*) (B&V (9.19) for t0 = 1, α ≤ ½)")
    if _le(upper, stated, region) is True:
        return Verdict.true(f"proved: the ratio is at most {show(upper)} (by the argument in "
                            f"the evidence) ≤ {show(stated)}, exactly over the region "
                            f"{_region_text(region)}", why, correct=show(upper), basis=basis)
    if tight is not None:
        return _against_quadratic(setting, stated, tight, why)
    found = _rate_counterexample(setting, stated)
    return found or Verdict.unknown(f"a ratio ≤ {show(stated)} is neither proved (the proved "
                                    f"bound is {show(upper)}) nor refuted by exact runs on "
                                    "quadratics")


def _witness(setting: _Setting, point: dict) -> Problem | None:
    """The quadratic a counterexample runs on: the claim's problem, else ½(μx² + Ly²)."""
    if setting.problem is not None:
        return setting.problem if setting.problem.quadratic is not None else None
    m, big = (setting.with_values(s).xreplace(point) for s in (MU, L))
    return Problem(f"({show(m)}*x**2 + {show(big)}*y**2)/2")


def _starts(problem: Problem) -> list[list[sp.Expr]]:
    """A few starts x* + v around the minimiser of a quadratic."""
    q = problem.quadratic
    centre = q.A.LUsolve(q.b)
    n = len(problem.variables)
    offsets = []
    for i in range(n):
        unit = [sp.S.Zero] * n
        unit[i] = sp.S.One
        offsets.append(unit)
        for j in range(n):
            for scale in (sp.Rational(1, 100), sp.Rational(1, 10), sp.Rational(1, 3),
                          sp.S.One):
                if j != i:
                    offsets.append([unit[k] + (scale if k == j else 0) for k in range(n)])
    return [[centre[k] + v[k] for k in range(n)] for v in offsets]


def _against_quadratic(setting: _Setting, stated: sp.Expr, tight: sp.Expr,
                       why: str) -> Verdict:
    """Refute a rate below ((L − μ)/(L + μ))², which a quadratic attains."""
    points = [{}] if not _free(stated, tight) else \
        sorted(_points(setting.region, _free(stated, tight), {}),
               key=lambda p: p.get(MU) == p.get(L))  # a start that does not finish at once
    for point in points:
        s, w = stated.xreplace(point), tight.xreplace(point)
        problem = _witness(setting, point)
        if problem is None or not (s.is_number and w.is_number and bool(s < w)):
            continue
        found = ls.kantorovich_witness(problem)
        start = found.value if found.known else _starts(problem)[0]  # μ = L: any start
        ratio = _one_step_ratio(problem, setting.method, start, {})
        return Verdict.false(
            f"on quadratics{'' if setting.quadratic else ' (members of the class)'} the "
            f"worst ratio is {show(tight)}",
            correct=show(tight) if setting.quadratic else None, basis="counterexample",
            counterexample=f"{_at(point)}f = {problem.objective} from {show(start)}"
                           f"{_approx(start)}: one "
                           f"step has ratio {show(ratio)} > {show(s)}"
                           + _run_ratio(problem, setting.method, start, {}),
            evidence=(why,))
    if setting.quadratic:
        return Verdict.unknown(f"the worst ratio is {show(tight)}; the comparison with "
                               f"{show(stated)} is not decided")
    return Verdict.unknown(f"a ratio ≤ {show(stated)} lies between the quadratic worst case "
                           f"{show(tight)} and the proved {show(setting.with_values(1 - MU / L))}"
                           ": not decided here (de Klerk, Glineur & Taylor 2017 show the "
                           "quadratic value is the worst case; symopt does not prove it)")


def _approx(start: list) -> str:
    if all(sp.S(c).is_Rational for c in start):
        return ""
    return " ≈ (" + ", ".join(f"{float(c):.6g}" for c in start) + ")"


def _optimum(problem: Problem) -> sp.Expr:
    q = problem.quadratic
    return problem.objective.xreplace(dict(zip(problem.variables, q.A.LUsolve(q.b))))


def _one_step_ratio(problem: Problem, method, start, hp) -> sp.Expr:
    """(f(x₁) − f*)/(f(x₀) − f*) for one step of an exact run on a quadratic."""
    x1 = ls.exact_run(problem, method, start, 1, **hp)[-1]
    value, best = problem.objective, _optimum(problem)
    f0 = value.xreplace(dict(zip(problem.variables, start))) - best
    return sp.simplify((value.xreplace(dict(zip(problem.variables, x1))) - best) / f0)


def _run_ratio(problem: Problem, method, start, hp) -> str:
    from symopt.kernels.linesearch import run_line_search

    r = run_line_search(problem, method, [float(c) for c in start], 1,
                        **{k: float(v) for k, v in hp.items()})
    best = float(_optimum(problem))
    return f"; a compiled run gives {(r.values[1] - best) / (r.values[0] - best):.12g}"


def _rate_counterexample(setting: _Setting, stated: sp.Expr) -> Verdict | None:
    """Exact one-step runs of GD with backtracking on a quadratic from a few starts.

    On the claim's problem if it has one, else on ½(μx² + Ly²) (fast rational arithmetic,
    the step found then confirmed by the exact run of the method's rule).
    """
    starts = [(1, 0), (1, sp.Rational(1, 100)), (1, sp.Rational(1, 10)), (1, sp.Rational(1, 3)),
              (1, 1), (sp.Rational(1, 3), 1), (0, 1)]
    points = _points(setting.region, {ALPHA, BETA, T0, L, MU} - set(setting.values),
                     setting.values)
    for point in points[:20]:
        v = {**setting.values, **point}
        if not all(getattr(v.get(s), "is_number", False) for s in (ALPHA, BETA, L, MU)):
            continue
        bound = stated.xreplace(v)
        problem = _witness(setting, point)
        if not bound.is_number or problem is None:
            continue
        hp = {"alpha": v[ALPHA], "beta": v[BETA], "t0": v[T0]}
        candidates = _starts(problem)[:12] if setting.problem is not None else starts
        for start in candidates:
            ratio = _one_step_ratio(problem, setting.method, list(start), hp) \
                if setting.problem is not None else _quadratic_ratio(v, start)
            if ratio > bound:
                checked = _one_step_ratio(problem, setting.method, list(start), hp)
                if checked != ratio:  # pragma: no cover - the two exact runs agree
                    continue
                return Verdict.false(
                    "a step of GD with backtracking breaks the stated ratio", correct=None,
                    basis="counterexample",
                    counterexample=f"{_at(point)}f = {problem.objective} from {show(start)} "
                                   f"has ratio {show(ratio)} > {show(bound)}"
                                   + _run_ratio(problem, setting.method, list(start), hp))
    return None


def _quadratic_ratio(v: dict, start) -> sp.Expr:
    """One backtracking GD step on ½(μx² + Ly²) in exact rationals: (f(x⁺) − f*)/(f(x) − f*)."""
    m, big, alpha, beta, t = v[MU], v[L], v[ALPHA], v[BETA], v[T0]
    x, y = sp.S(start[0]), sp.S(start[1])
    gx, gy = m * x, big * y
    f0 = (m * x**2 + big * y**2) / 2
    gg = gx**2 + gy**2
    for _ in range(ls.MAX_BACKTRACKS):
        f1 = (m * (x - t * gx) ** 2 + big * (y - t * gy) ** 2) / 2
        if f1 <= f0 - alpha * t * gg:
            return f1 / f0
        t *= beta
    raise UnsupportedError("backtracking did not stop")  # pragma: no cover


def _newton_rate(setting: _Setting, stated: sp.Expr) -> Verdict:
    if not setting.quadratic:
        raise UnsupportedError("for damped Newton the rate is derived on quadratics only")
    if setting.search.kind == "exact":
        correct, why = sp.S.Zero, "the exact search on a quadratic takes τ = 1: x⁺ = x*"
    else:
        worst = ls.worst_backtracking(*(_numbers(setting, ALPHA, BETA, T0).values()), 1)
        correct = (1 - worst.step) ** 2
        why = (f"on a quadratic every step has τ = {show(worst.step)} (the Armijo set is "
               "(0, 2(1 − α)] at every x) and f(x − τΔ) − f* = (1 − τ)²(f − f*)")
    result = compare(stated, correct) if stated.free_symbols else None
    holds = stated >= correct if result is None else (result.equal is True or None)
    basis = "exact" if result is None else result.basis
    if holds in (True, sp.true):
        return Verdict.true(f"exact: the ratio is {show(correct)} ≤ {show(stated)}", why,
                            correct=show(correct), basis=basis)
    if holds in (False, sp.false):
        return Verdict.false(f"the ratio is exactly {show(correct)}", correct=show(correct),
                             basis="exact",
                             counterexample=why)
    return Verdict.unknown(f"the ratio is {show(correct)}; not compared with {show(stated)}")

