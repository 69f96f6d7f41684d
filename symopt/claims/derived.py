r"""Checkers for derived quantities: L, μ, κ, convexity, the optimal step, the rate, the
fixed point, iterations to ε, stability intervals and regions, KKT points.

Values come from :class:`symopt.problem.Problem`, :func:`symopt.analysis.analyze`
and :func:`symopt.kkt.solve_kkt`; a false stability interval is refuted with a
step size inside it and a numeric run of the method with that step.

>>> from symopt.claims import Claim, check
>>> check(Claim("optimal_step", r"$\alpha^* = \frac{2}{5}$", problem="0.5*(w1**2 + 4*w2**2)",
...             method="gd")).status
'true'
>>> v = check(Claim("stability", "0 < alpha <= 1/2", problem="2*w**2", method="gd"))
>>> v.status, v.correct
('false', '(0, 1/2)')
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symopt.claims.claim import NUMBER_KEYS, Claim, Verdict, register
from symopt.claims.context import Context, show
from symopt.claims.equivalence import Comparison, compare, unify_names
from symopt.claims.expressions import decide
from symopt.claims.sets import compare_regions, compare_sets, read_region, read_set
from symopt.claims.text import read_value
from symopt.errors import ParseError, SymoptError, UnsupportedError
from symopt.result import Finding
from symopt.symbols import canonical_name, symbol

__all__ = ["analysis_of", "spectrum_of"]


def _finding(ctx: Context, finding: Finding, what: str, stated: sp.Basic | None = None
             ) -> Verdict:
    if not finding.known:
        return Verdict.unknown(f"{what} could not be derived: {finding.reason}")
    correct = finding.value
    if stated is None:
        stated = ctx.value(ctx.claim.stated)
        if ctx.claim.method is not None:
            stated = stated.xreplace(ctx.hyperparameters)
    ordered_stated, ordered_correct = _ordered(ctx, stated, correct)
    return decide(ctx.numbers(ordered_stated, ordered_correct), correct,
                  f"{what} ({finding.reason})")


def _ordered(ctx: Context, *exprs: sp.Basic) -> list[sp.Basic]:
    """With a spectrum [μ, L] of symbols, write L = μ + gap (gap > 0) so that random
    points respect μ < L (|1 − μ/L| is 1 − μ/L only there)."""
    exprs = unify_names(*exprs)
    if not isinstance(ctx.claim.spectrum, str):
        return list(exprs)
    spectrum = spectrum_of(ctx)
    start, end = spectrum.start, spectrum.end
    if not (isinstance(end, sp.Symbol) and end not in start.free_symbols) or start.is_number:
        return list(exprs)
    gap = sp.Symbol(f"{end.name}_minus_{start}", positive=True)
    return [e.xreplace({end: start + gap}) for e in exprs]


@register("smoothness", "L", "lipschitz_gradient",
          keys=("problem", "at", "rename", *NUMBER_KEYS))
def check_smoothness(claim: Claim) -> Verdict:
    """L, the largest Hessian eigenvalue over ℝⁿ (or at the point ``at``)."""
    ctx = Context.of(claim)
    if claim.at is not None:
        return _finding(ctx, local_constant(ctx, "L"), "L at the point")
    return _finding(ctx, ctx.problem.smoothness(), "L")


@register("strong_convexity", "mu",
          keys=("problem", "at", "rename", *NUMBER_KEYS))
def check_strong_convexity(claim: Claim) -> Verdict:
    """μ, the smallest Hessian eigenvalue over ℝⁿ (or at the point ``at``)."""
    ctx = Context.of(claim)
    if claim.at is not None:
        return _finding(ctx, local_constant(ctx, "mu"), "μ at the point")
    return _finding(ctx, ctx.problem.strong_convexity(), "μ")


@register("condition_number", "kappa",
          keys=("problem", "at", "rename", *NUMBER_KEYS))
def check_condition_number(claim: Claim) -> Verdict:
    """κ = L/μ over ℝⁿ, or κ(∇²f(x)) at the point ``at``."""
    ctx = Context.of(claim)
    if claim.at is not None:
        return _finding(ctx, local_constant(ctx, "kappa"), "κ at the point")
    return _finding(ctx, ctx.problem.condition_number(), "κ")


def local_constant(ctx: Context, which: str) -> Finding:
    """L, μ or κ of the Hessian at the claim's point ``at``.

    L is the largest eigenvalue of ∇²f(x) and μ the smallest; κ = λmax/λmin when
    ∇²f(x) is positive definite. Where it is not, L is read as the spectral norm
    max |λ| and κ as the matrix condition number max |λ| / min |λ| (what
    ``numpy.linalg.cond`` computes), and the reason says so.

    >>> c = Context.of(Claim("condition_number", "0", problem="x**4 + y**2", at="(1, 1)"))
    >>> local_constant(c, "kappa").value
    6
    """
    point = ctx.point(ctx.claim.at)
    hessian = ctx.problem.hessian.xreplace(point)
    where = "(" + ", ".join(show(v) for v in point.values()) + ")"
    eigen: list[sp.Expr] = []
    for value, multiplicity in hessian.eigenvals().items():
        eigen += [sp.simplify(value)] * multiplicity
    shown = ", ".join(show(e) for e in eigen)
    high, low = sp.Max(*eigen), sp.Min(*eigen)
    if isinstance(high, sp.Max) or isinstance(low, sp.Min):
        return Finding.unknown(f"cannot order the eigenvalues {shown} of ∇²f{where}")
    basis = f"the eigenvalues of ∇²f{where} = {show(hessian)}: {shown}"
    definite = low.is_positive
    if which == "mu":
        return Finding(low, f"the smallest of {basis}")
    norm = sp.Max(*(abs(e) for e in eigen))
    if which == "L":
        if low.is_nonnegative:
            return Finding(high, f"the largest of {basis}")
        return Finding(norm, f"∇²f{where} is indefinite, L is read as max |λ| over {basis}")
    if definite:
        return Finding(sp.simplify(high / low), f"λmax/λmin of {basis}")
    smallest = sp.Min(*(abs(e) for e in eigen))
    if smallest.is_zero:
        return Finding.unknown(f"∇²f{where} is singular ({basis}): κ is infinite")
    if definite is None and not smallest.is_positive:
        return Finding.unknown(f"cannot decide the signs of {basis}")
    return Finding(sp.simplify(norm / smallest), f"∇²f{where} is not positive definite, κ is "
                   f"read as the matrix condition number max |λ| / min |λ| of {basis}")


def stated_convexity(claim: Claim) -> bool:
    """A 'convex' claim's statement as a bool (true/yes/convex, false/no/nonconvex)."""
    stated = claim.stated
    if isinstance(stated, str):
        stated = {"true": True, "yes": True, "convex": True, "false": False, "no": False,
                  "nonconvex": False, "not convex": False}.get(stated.strip().lower(), stated)
    if not isinstance(stated, bool):
        raise ParseError(f"a 'convex' claim states true or false, got {claim.stated!r}")
    return stated


@register("convex",
          keys=("problem",))
def check_convex(claim: Claim) -> Verdict:
    """Whether f is convex on ℝⁿ (stated true or false)."""
    ctx = Context.of(claim)
    stated = stated_convexity(claim)
    finding = ctx.problem.convexity()
    if not finding.known:
        return Verdict.unknown(f"convexity could not be decided: {finding.reason}")
    correct = "convex" if finding.value else "not convex"
    if finding.value == stated:
        return Verdict.true(f"f is {correct}: {finding.reason}", correct=correct, basis="exact")
    witness = finding.evidence.get("point")
    return Verdict.false(f"f is {correct}", correct=correct,
                         basis="counterexample" if witness else "exact",
                         counterexample=(f"the Hessian has a negative eigenvalue at "
                                         f"{show(witness)}" if witness else finding.reason))


@register("eigenvalues", "hessian_eigenvalues",
          keys=("problem", "at", "rename"))
def check_eigenvalues(claim: Claim) -> Verdict:
    """The Hessian's eigenvalues (at ``at`` when it is not constant), as a multiset."""
    ctx = Context.of(claim)
    problem = ctx.problem
    hessian = problem.hessian
    if claim.at is not None:
        hessian = hessian.xreplace(ctx.point(claim.at))
    raw = claim.stated
    if isinstance(raw, str):
        from symopt.claims.sets import _split_top
        from symopt.claims.text import clean

        body = clean(raw).strip().strip("{}[]()")
        raw = [p for p in _split_top(body, [",", ";"]) if p.strip()]
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ParseError("eigenvalues are stated as a list")
    stated = [ctx.value(v) for v in raw]
    correct: list[sp.Expr] = []
    for value, multiplicity in hessian.eigenvals().items():
        correct += [sp.simplify(value)] * multiplicity
    shown = ", ".join(show(v) for v in correct)
    remaining = list(correct)
    proved = True
    for value in stated:
        results = ((c, compare(value, c)) for c in remaining)
        match, result = next(((c, r) for c, r in results if r.equal is True), (None, None))
        if match is None:
            det = sp.simplify((hessian - value * sp.eye(hessian.rows)).det())
            return Verdict.false(f"the eigenvalues are {shown}", correct=shown,
                                 basis="counterexample",
                                 counterexample=f"{show(value)} is not an eigenvalue of "
                                 f"{show(hessian)} (det(H − {show(value)}I) = {show(det)})")
        proved = proved and result.proved
        remaining.remove(match)
    if remaining:
        return Verdict.false(f"the eigenvalues are {shown}", correct=shown, basis="exact",
                             counterexample=f"{', '.join(show(v) for v in remaining)} missing")
    return Verdict.true(f"the eigenvalues of {show(hessian)} are {shown}", correct=shown,
                        basis="exact" if proved else "numeric")


def analysis_of(ctx: Context, *, epsilon: object = None, free: tuple[str, ...] = ()):
    """:func:`symopt.analysis.analyze` of the claim's problem and method.

    ``free`` names hyperparameters to leave symbolic even when the method spec
    gives them a value (a stability or optimal-step claim is about them).
    """
    try:
        from symopt.analysis import analyze
    except ImportError as exc:
        raise UnsupportedError(f"this claim needs symopt.analysis ({exc})") from None
    values = {k.name: v for k, v in ctx.hyperparameters.items() if k.name not in free}
    if ctx.claim.spectrum is not None:
        return _on_spectrum(ctx, spectrum_of(ctx), epsilon, values)
    return analyze(ctx.problem, ctx.method, epsilon=epsilon, **values)


def spectrum_of(ctx: Context) -> sp.Interval | list[sp.Expr]:
    """The claim's spectrum: an array lists eigenvalues, text ``"[mu, L]"`` is an interval.

    >>> spectrum_of(Context.of(Claim("rate", "0", method="gd", spectrum="[mu, L]")))
    Interval(mu, L)
    """
    raw = ctx.claim.spectrum
    if isinstance(raw, (list, tuple)):
        values = [read_value(v, ctx.local) for v in raw]
        if not values or any(isinstance(v, sp.MatrixBase) for v in values):
            raise ParseError("spectrum must list numbers or expressions")
        return values
    if not isinstance(raw, str):
        raise ParseError(f"spectrum must be a list of eigenvalues or an interval, got {raw!r}")
    region = read_set(raw, symbol("lambda"), ctx.local)
    if not isinstance(region, sp.Interval):
        raise ParseError(f"spectrum {raw!r} is not one interval")
    return region


@dataclass(frozen=True)
class _OnSpectrum:
    """What :func:`analysis_of` gives for a spectrum stated without a problem."""

    eigenvalues: Finding
    stability: Finding
    optimal: Finding
    rate: Finding
    iterations: Finding
    minimiser: Finding


def _on_spectrum(ctx: Context, spectrum, epsilon: object, values: dict) -> _OnSpectrum:
    from symopt.analysis import (
        iterations_to_tolerance,
        optimal_hyperparameters,
        region_finding,
        worst_rate,
    )

    method = ctx.method
    eigen = Finding(spectrum, "the stated eigenvalues") if isinstance(spectrum, list) else \
        Finding.unknown("the spectrum is an interval")
    stability = region_finding(method, spectrum, **values)
    optimal = optimal_hyperparameters(method, spectrum, **values)
    fixed = set(method.substitution(values))
    if all(h.symbol in fixed for h in method.hyperparameters):
        rate = worst_rate(method, spectrum, **values)
        if not rate.known and not method.state and isinstance(spectrum, sp.Interval):
            # one factor 1 − αλ (or the like), linear in λ: |·| is worst at an end
            ends = worst_rate(method, [spectrum.start, spectrum.end], **values)
            if ends.known:
                rate = Finding(ends.value, "the factor is linear in λ, so the worst case over "
                               "[μ, L] is at an end")
    elif optimal.known:
        rate = Finding(optimal.value.rate, "the optimal rate (hyperparameters at the minimax "
                       "values)")
    else:
        rate = Finding.unknown(optimal.reason)
    if rate.known:
        eps = symbol("epsilon") if epsilon is None else epsilon
        iterations = Finding(iterations_to_tolerance(rate.value, eps),
                             "smallest k with rateᵏ ≤ ε")
    else:
        iterations = Finding.unknown(rate.reason)
    return _OnSpectrum(eigen, stability, optimal, rate, iterations,
                       Finding.unknown("no problem was given, only a spectrum"))


def _parameters(claim: Claim) -> tuple[sp.Symbol, ...]:
    names = claim.parameter or "alpha"
    names = (names,) if isinstance(names, str) else tuple(names)
    return tuple(symbol(n) for n in names)


def _method_symbol(ctx: Context, name: str) -> sp.Symbol:
    for hp in ctx.method.hyperparameters:
        if hp.symbol.name == canonical_name(name):
            return hp.symbol
    raise ParseError(f"{ctx.method.name} has no hyperparameter {name!r}; it has "
                     f"{', '.join(h.symbol.name for h in ctx.method.hyperparameters)}")


@register("optimal_step", "optimal_hyperparameters", "optimal_learning_rate",
          keys=("problem", "spectrum", "method", "hyperparameters", "parameter", "rename",
                *NUMBER_KEYS))
def check_optimal_step(claim: Claim) -> Verdict:
    """α* (or a table of optimal hyperparameters) minimising the worst-case rate."""
    ctx = Context.of(claim)
    if isinstance(claim.stated, dict):
        stated = {_method_symbol(ctx, k): ctx.value(v) for k, v in claim.stated.items()}
    else:
        stated = {_method_symbol(ctx, claim.parameter if isinstance(claim.parameter, str)
                                 else "alpha"): ctx.value(claim.stated)}
    analysis = analysis_of(ctx, free=tuple(s.name for s in stated))
    if not analysis.optimal.known:
        return Verdict.unknown(f"the optimal hyperparameters could not be derived: "
                               f"{analysis.optimal.reason}")
    optimum = analysis.optimal.value
    proved = True
    for sym, value in stated.items():
        correct = optimum.hyperparameters.get(sym)
        if correct is None:
            return Verdict.unknown(f"{sym} is not among the optimised hyperparameters "
                                   f"{show(optimum.hyperparameters)}")
        result = ctx.numbers(*_ordered(ctx, value, correct))
        if result.equal is None:
            return Verdict.unknown(f"{sym}: {result.how}")
        if result.equal is False:
            return _refute_optimum(ctx, stated, optimum, sym, correct, result)
        proved = proved and result.proved
    return Verdict.true(f"{show(optimum.hyperparameters)} minimise the worst-case rate "
                        f"(rate {show(optimum.rate)})", f"worst-case rate at the optimum: "
                        f"{show(optimum.rate)}", correct=show(optimum.hyperparameters),
                        basis="exact" if proved else "numeric")


def _refute_optimum(ctx: Context, stated: dict, optimum, sym: sp.Symbol, correct: sp.Expr,
                    result: Comparison) -> Verdict:
    counter = result.how
    if all(v.is_number for v in stated.values()) and (ctx.claim.problem is None or
                                                      not ctx.problem.parameters):
        try:
            from symopt.analysis import worst_rate

            eigen = analysis_of(ctx, free=tuple(s.name for s in stated)).eigenvalues
            values = {**{k.name: v for k, v in optimum.hyperparameters.items()},
                      **{k.name: v for k, v in stated.items()}}
            rate = worst_rate(ctx.method, eigen.value, **values)
            if rate.known:
                counter = (f"at the stated {show(stated)} the worst-case rate is "
                           f"{show(rate.value)}, above the optimum's {show(optimum.rate)}")
        except (SymoptError, ImportError, TypeError, ValueError):
            pass
    return Verdict.false(f"{sym}* = {show(correct)}", correct=show(optimum.hyperparameters),
                         basis=result.basis, counterexample=counter)


@register("rate", "convergence_rate",
          keys=("problem", "spectrum", "method", "hyperparameters", "where", "rename",
                *NUMBER_KEYS))
def check_rate(claim: Claim) -> Verdict:
    """The contraction factor per step (given hyperparameters, else the optimal ones).

    With ``where`` (``"0 < alpha*lambda < 1"``) the stated rate is claimed only for
    the values that satisfy the condition (``1 − αλ`` for ``|1 − αλ|``).
    """
    ctx = Context.of(claim)
    analysis = analysis_of(ctx)
    # β in "√β" means the claim's β when the claim gives it a value
    stated = ctx.value(claim.stated).xreplace(ctx.hyperparameters)
    condition = _condition(ctx, stated)
    if condition is sp.false:
        return Verdict.unknown(f"the condition {claim.where!r} excludes the given "
                               "hyperparameters: the claim says nothing about them")
    given = f" where {condition}" if condition is not sp.true else ""
    open_hps = {h.symbol for h in ctx.method.hyperparameters} - set(ctx.hyperparameters)
    if stated.free_symbols & open_hps:
        # a rate as a function of the hyperparameters, e.g. r(α) = |1 − 4α|
        from symopt.analysis import worst_rate

        eigen, why = _rate_eigenvalues(ctx, analysis)
        if eigen is None:
            return Verdict.unknown(f"the rate as a function of "
                                   f"{', '.join(sorted(s.name for s in open_hps))} was not "
                                   f"derived: {why}")
        values = {k.name: v for k, v in ctx.hyperparameters.items()}
        found = worst_rate(ctx.method, eigen, **values)
        if not found.known:
            return Verdict.unknown(f"the rate could not be derived: {found.reason}")
        stated, correct, condition = _ordered(ctx, stated, found.value, condition)
        return decide(compare(stated, correct, where=condition),
                      found.value, f"the rate r({', '.join(sorted(s.name for s in open_hps))})"
                      f"{given} ({found.reason}{why})")
    if not analysis.rate.known:
        return Verdict.unknown(f"the rate could not be derived: {analysis.rate.reason}")
    correct = analysis.rate.value
    kappa = symbol("kappa")
    if kappa in stated.free_symbols and analysis.optimal.known and \
            "optimal" in analysis.rate.reason:
        correct = analysis.optimal.value.rate_kappa
    if condition is not sp.true:
        stated, ordered, condition = _ordered(ctx, stated, correct, condition)
        return decide(compare(stated, ordered, where=condition), correct,
                      f"the rate{given} ({analysis.rate.reason})")
    return decide(ctx.numbers(*_ordered(ctx, stated, correct)), correct,
                  f"the rate ({analysis.rate.reason})")


def _rate_eigenvalues(ctx: Context, analysis) -> tuple[list | None, str]:
    """The eigenvalues over which a rate in open hyperparameters is the worst case.

    Over an interval [μ, L] that is its two ends when one step multiplies each
    eigen-direction by a factor linear in λ (a method without state whose update is
    linear in g: |1 − αλ| is convex in λ, so its maximum is at an end).
    """
    if analysis.eigenvalues.known:
        return analysis.eigenvalues.value, ""
    spectrum = ctx.claim.spectrum
    if not isinstance(spectrum, str):
        return None, analysis.eigenvalues.reason
    from symopt.methods.base import G

    method = ctx.method
    if method.state or method.uses_newton_direction or \
            sp.diff(method.rule().x_next, G, 2) != 0:
        return None, ("over an interval of eigenvalues the worst case is taken at its ends only "
                      "for methods without state whose step is linear in g; list the "
                      "eigenvalues instead")
    interval = spectrum_of(ctx)
    return [interval.start, interval.end], ("; the factor is linear in λ, so the worst case "
                                            "over the interval is at an end")


def _condition(ctx: Context, *exprs: sp.Basic) -> sp.Basic:
    """The claim's ``where`` as a condition, with the claim's names and hyperparameter values."""
    if not ctx.claim.where:
        return sp.true
    symbols = set().union(*(e.free_symbols for e in exprs))
    symbols |= {h.symbol for h in ctx.method.hyperparameters}
    condition = read_region(ctx.claim.where, tuple(sorted(symbols, key=lambda s: s.name)),
                            ctx.local)
    condition = ctx.resolve(condition).xreplace(ctx.hyperparameters)
    if isinstance(condition, sp.Basic):
        return condition
    return sp.sympify(condition, strict=True)  # safe: strict; read_region gives a bool here


@register("iterations",
          keys=("problem", "spectrum", "method", "hyperparameters", "epsilon", "rename",
                *NUMBER_KEYS))
def check_iterations(claim: Claim) -> Verdict:
    """The number of steps to reach ``epsilon`` (rate^k ≤ ε)."""
    ctx = Context.of(claim)
    epsilon = ctx.value(claim.epsilon) if claim.epsilon is not None else None
    analysis = analysis_of(ctx, epsilon=epsilon)
    return _finding(ctx, analysis.iterations, "the number of iterations")


@register("fixed_point", "steady_state",
          keys=("problem", "method", "hyperparameters", "rename"))
def check_fixed_point(claim: Claim) -> Verdict:
    """The fixed point: of x on a problem (the minimiser), or of the state for constant g."""
    ctx = Context.of(claim)
    if claim.problem is not None and not ctx.method.state:
        return _stateless_fixed_point(ctx)
    if claim.problem is not None:
        analysis = analysis_of(ctx)
        if not analysis.minimiser.known:
            return Verdict.unknown(f"no fixed point derived: {analysis.minimiser.reason}")
        correct = analysis.minimiser.value
        stated = ctx.point(claim.stated)
        proved = True
        for k, v in correct.items():
            result = compare(stated[k], v)
            if result.equal is not True:
                return decide(result, sp.Matrix(list(correct.values())),
                              f"the fixed point ({k})")
            proved = proved and result.proved
        return Verdict.true("x* = x*⁺ at the minimiser "
                            f"{show(correct)} ({analysis.minimiser.reason})",
                            correct=show(correct), basis="exact" if proved else "numeric")
    rule = ctx.method.rule()
    substitution = ctx.hyperparameters
    state = list(rule.state_next)
    if not state:
        return Verdict.unknown(f"{ctx.method.name} has no state: its fixed points are the "
                               "stationary points of a problem")
    equations = [sp.Eq(s, e.xreplace(substitution)) for s, e in rule.state_next.items()]
    solutions = sp.solve(equations, state, dict=True)
    if len(solutions) != 1:
        return Verdict.unknown(f"the state equations have {len(solutions)} solutions")
    correct = solutions[0]
    if isinstance(claim.stated, dict):
        stated = {symbol(k): ctx.value(v) for k, v in claim.stated.items()}
    elif len(state) == 1:
        stated = {state[0]: ctx.value(claim.stated)}
    else:
        raise ParseError("give the fixed point as a table of state variables "
                         f"({', '.join(map(str, state))})")
    proved = True
    for k, v in stated.items():
        if k not in correct:
            raise ParseError(f"{k} is not a state variable of {ctx.method.name}")
        result = compare(v, correct[k])
        if result.equal is not True:
            return decide(result, correct[k], f"the steady state {k}* (constant g)")
        proved = proved and result.proved
    return Verdict.true(f"the steady state for a constant gradient g is {show(correct)}",
                        correct=show(correct), basis="exact" if proved else "numeric")


def _stateless_fixed_point(ctx: Context) -> Verdict:
    """x is a fixed point iff one step from x returns x (exactly, for these values)."""
    from symopt.claims.expressions import _step_from

    stated = ctx.point(ctx.claim.stated)
    point = [stated[v] for v in ctx.problem.variables]
    after = _step_from(ctx, point, 1, ctx.hyperparameters)
    result = compare(sp.Matrix(after), sp.Matrix(point))
    shown = "(" + ", ".join(show(v) for v in point) + ")"
    if result.equal is True:
        return Verdict.true(f"one step of {ctx.method.name} from {shown} returns {shown} "
                            f"({result.how})", correct=shown, basis=result.basis)
    if result.equal is None:
        return Verdict.unknown(result.how)
    moved = "(" + ", ".join(show(sp.simplify(v)) for v in after) + ")"
    correct = None
    if ctx.method.projection is None and not ctx.problem.constraints:
        analysis = analysis_of(ctx)
        if analysis.minimiser.known:
            correct = show(analysis.minimiser.value)
    return Verdict.false(f"{shown} is not a fixed point" +
                         (f"; the fixed point is {correct}" if correct else ""),
                         correct=correct, basis=result.basis,
                         counterexample=f"one step from {shown} gives {moved}")


@register("stability", "stability_interval", "stability_region", "learning_rate_range",
          keys=("problem", "spectrum", "method", "hyperparameters", "parameter", "x0", "rename"))
def check_stability(claim: Claim) -> Verdict:
    """The set of hyperparameter values for which the iteration converges."""
    ctx = Context.of(claim)
    parameters = tuple(_method_symbol(ctx, p.name) for p in _parameters(claim))
    analysis = analysis_of(ctx, free=tuple(p.name for p in parameters))
    if not analysis.stability.known:
        return Verdict.unknown(f"the stability region could not be derived: "
                               f"{analysis.stability.reason}")
    region = analysis.stability.value
    if not isinstance(claim.stated, str):
        raise ParseError("a stability claim states an interval or inequalities as text")
    if len(parameters) > 1 or region.free not in parameters or region.interval is None:
        return _stability_region(ctx, parameters, region, analysis)
    x = parameters[0]
    domain = _domain(ctx, x)
    stated = sp.Intersection(_read_step_set(ctx, claim.stated, x), domain)
    correct = sp.Intersection(region.interval, domain)
    note = f" (given {region.others})" if region.others is not sp.true else ""
    result, witness = compare_sets(stated, correct)
    shown = show(region.interval)
    if result.equal is True:
        return Verdict.true(f"{x} ∈ {shown}{note}: {result.how}",
                            *(f"note: {n}" for n in region.notes), correct=shown,
                            basis=result.basis)
    if result.equal is None:
        return Verdict.unknown(result.how)
    return Verdict.false(f"the iteration converges exactly for {x} ∈ {shown}{note}",
                         correct=shown, basis="counterexample",
                         counterexample=_demonstrate(ctx, x, witness, result))


def _read_step_set(ctx: Context, text: str, x: sp.Symbol) -> sp.Set:
    """The stated set, with η / lr / γ read as the step size when the method's is α."""
    local = dict(ctx.local)
    hyper = {h.symbol.name for h in ctx.method.hyperparameters}
    if x.name == "alpha":
        for alias in ("eta", "lr", "gamma"):
            if alias not in hyper:
                local.setdefault(alias, x)
    return ctx.resolve(read_set(text, x, local))


def _domain(ctx: Context, x: sp.Symbol) -> sp.Set:
    for hp in ctx.method.hyperparameters:
        if hp.symbol == x:
            return hp.domain
    return sp.S.Reals


def _demonstrate(ctx: Context, x: sp.Symbol, witness: dict, result: Comparison) -> str:
    """A numeric run at the witness value, showing what the stated set gets wrong."""
    value = witness["value"]
    parameters = witness.get("parameters") or {}
    text = f"{x} = {show(value)}: {result.how}"
    try:
        from symopt.claims.numeric import classify, run

        problem = _spectrum_problem(ctx, parameters) if ctx.claim.spectrum is not None \
            else ctx.problem
        if problem.parameters and set(problem.parameters) - set(parameters):
            return text
        if parameters:
            from symopt.problem import Problem

            problem = Problem(problem.objective.xreplace(parameters),
                              variables=list(problem.variables))
        hyper = {**ctx.hyperparameters, x: value}
        x0 = ctx.x0() if ctx.claim.x0 is not None else dict.fromkeys(problem.variables,
                                                                     sp.S.One)
        if problem.quadratic is not None and ctx.claim.x0 is None:
            minimiser = problem.quadratic.A.LUsolve(problem.quadratic.b) \
                if problem.quadratic.A.det() != 0 else sp.zeros(len(x0), 1)
            x0 = {v: m + 1 for v, m in zip(problem.variables, minimiser)}
        steps = 60
        path = run(problem, ctx.method, hyper, x0, steps)
        kinds = {v.name: classify(path.coordinate(i), path.blew_up)
                 for i, v in enumerate(path.variables)}
        last = path.iterates[-1]
        overall = "diverges" if "diverges" in kinds.values() else \
            "does not converge" if "oscillates" in kinds.values() else "converges"
        from symopt.claims.numeric import _brief

        shown = ", ".join(_brief(v) for v in last)
        text += (f"; a run with {x} = {show(value)} from {show(list(x0.values()))} "
                 f"{overall} (x_{len(path.iterates) - 1} = ({shown}))")
    except (SymoptError, ArithmeticError, TypeError, ValueError) as exc:
        text += f" (no numeric run: {exc})"
    return text


def _spectrum_problem(ctx: Context, parameters: dict | None = None):
    """½ Σ λᵢ xᵢ² over the stated eigenvalues (or the ends of the stated interval).

    With ``parameters`` (values of some endpoint symbols), a lone symbolic end of an
    interval is set to half (or twice) the other, so that a run is possible.
    """
    from symopt.problem import Problem

    spectrum = spectrum_of(ctx)
    points = list(spectrum) if isinstance(spectrum, list) else [spectrum.start, spectrum.end]
    if parameters:
        points = [p.xreplace(parameters) for p in points]
        if not isinstance(spectrum, list):
            low, high = points
            if high.is_number and not low.is_number:
                points = [high / 2, high]
            elif low.is_number and not high.is_number:
                points = [low, 2 * low]
    variables = [symbol(f"x_{i + 1}") for i in range(len(points))]
    objective = sum(lam * v**2 for lam, v in zip(points, variables)) / 2
    return Problem(objective, variables=variables)


def _stability_region(ctx: Context, parameters: tuple[sp.Symbol, ...], region, analysis
                      ) -> Verdict:
    import random

    from symopt.claims.equivalence import sample_point
    from symopt.claims.sets import _simple_point

    stated = ctx.resolve(read_region(ctx.claim.stated, parameters, ctx.local))
    stated, correct = unify_names(stated, region.condition)
    free = (stated.free_symbols | correct.free_symbols) - set(parameters)
    # symbols other than the hyperparameters (L, a, ...) are compared at simple values
    # (a witness that reads well) and at random ones: agreement at L = 1 and L = 2
    # alone is a special case, not evidence for every L
    rng = random.Random(17)
    trials = [_simple_point(free, 0), _simple_point(free, 1),
              *(sample_point(free, rng) for _ in range(3))] if free else [{}]
    agreed = []
    for values in trials:
        box = {}
        for p in parameters:
            domain = _domain(ctx, p)
            high = domain.sup if domain.sup.is_finite else _alpha_bound(analysis, values)
            box[p] = (max(domain.inf, 0) if domain.inf.is_finite else -high, high)
        result = compare_regions(stated.xreplace(values), correct.xreplace(values),
                                 parameters, box)
        at = f" (at {', '.join(f'{k} = {v}' for k, v in values.items())})" if values else ""
        if result.equal is False:
            return Verdict.false(f"the iteration converges exactly where {correct}",
                                 correct=str(correct), basis=result.basis,
                                 counterexample=result.how + at)
        if result.equal is None:
            return Verdict.unknown(result.how + at)
        agreed.append(result.how + at)
    # agreement at grid points of a box (and at a few values of the other symbols)
    if len(agreed) == 1:
        return Verdict.true(f"the region is {correct}: {agreed[0]}", correct=str(correct),
                            basis="numeric")
    names = ", ".join(sorted(s.name for s in free))
    return Verdict.true(f"the region is {correct}: the regions agree at random points of the "
                        f"box at {len(agreed)} values of {names} (2 simple, the rest random)",
                        *agreed, correct=str(correct), basis="numeric")


def _alpha_bound(analysis, values: dict | None = None) -> sp.Expr:
    eigen = analysis.eigenvalues.value if analysis.eigenvalues.known else []
    eigen = [sp.sympify(e).xreplace(values or {}) for e in eigen]  # safe: SymPy objects
    positive = [e for e in eigen if e.is_number and e.is_positive]
    return 8 / min(positive) if positive else sp.Integer(10)


@register("kkt",
          keys=("problem", "rename"))
def check_kkt(claim: Claim) -> Verdict:
    """A stated KKT point with its multipliers (``{x = .., lambda = ..}``).

    Multipliers of inequalities are λ ≥ 0 (L = f + Σλᵢgᵢ with gᵢ ≤ 0, the same sign
    in every convention); an equality's multiplier ν has a sign that depends on the
    text's convention (f + νh or f − νh), so either sign is accepted, with a note.
    A stated multiplier name the solver does not use (``lambda`` for an equality's
    ``nu``) is matched to the one multiplier left unnamed.
    """
    ctx = Context.of(claim)
    try:
        from symopt.kkt import solve_kkt
    except ImportError as exc:
        raise UnsupportedError(f"KKT claims need symopt.kkt ({exc})") from None
    if not isinstance(claim.stated, dict):
        raise ParseError("a 'kkt' claim states a table: variables and multipliers")
    result = solve_kkt(ctx.problem, timeout=0)
    stated = {canonical_name(str(k)): ctx.value(v) for k, v in claim.stated.items()}
    refuted = _no_multipliers(result, stated)
    if refuted is not None:
        return refuted
    equality = {m.name for m in result.conditions.eq_multipliers}
    points = []
    for p in result.points:
        values = {**{k.name: v for k, v in p.point.items()},
                  **{k.name: v for k, v in p.multipliers.items()}}
        points.append(values)
    if not points:
        return Verdict.unknown("no KKT point was found" +
                               ("" if result.complete else " (the enumeration is incomplete)"))
    names = set(points[0])
    stated = {(k[:-4] if k not in names and k.endswith("star") and k[:-4] in names else k): v
              for k, v in stated.items()}  # x^*, λ^* name x, λ at the point
    unknown = [k for k in stated if k not in names]
    unnamed = [k for k in names if k not in stated and k not in
               {v.name for v in ctx.problem.variables}]
    if len(unknown) == 1 and len(unnamed) == 1:
        stated[unnamed[0]] = stated.pop(unknown[0])
    elif unknown:
        raise ParseError(f"{unknown[0]!r} is neither a variable nor a multiplier; the "
                         f"KKT points name {', '.join(sorted(names))}")
    shown = "; ".join(show(pt) for pt in points)
    undecided = False
    for values in points:
        flipped = []
        proved = True
        for k, v in stated.items():
            same = compare(v, values[k])
            if same.equal is True:
                proved = proved and same.proved
                continue
            opposite = compare(v, -values[k]) if k in equality else same
            if k in equality and opposite.equal is True:
                proved = proved and opposite.proved
                flipped.append(k)
                continue
            undecided = undecided or same.equal is None or opposite.equal is None
            break
        else:
            note = (f" (the sign of {', '.join(flipped)} follows the convention L = f − νh)"
                    if flipped else "")
            return Verdict.true(f"a KKT point with multipliers: {show(values)}{note}",
                                correct=shown, basis="exact" if proved else "numeric")
    if not result.complete or undecided:
        # The stated point may be a KKT point the enumeration did not reach, or one that
        # could not be told apart from a found one: not a refutation.
        why = ("the enumeration of active sets is incomplete" if not result.complete
               else "a stated value could not be compared with a found one")
        return Verdict.unknown(f"the stated point is not among the KKT points found ({shown}), "
                               f"but {why}")
    mismatch = next(k for k in stated if compare(stated[k], points[0][k]).equal is not True)
    return Verdict.false(f"the KKT points are {shown}", correct=shown, basis="exact",
                         counterexample=f"{mismatch} = {show(stated[mismatch])} but the KKT "
                         f"point has {mismatch} = {show(points[0][mismatch])}")


def _no_multipliers(result, stated: dict[str, sp.Expr]) -> Verdict | None:
    """False when the stated point is infeasible or has no valid multipliers, else None.

    At the stated x* (every variable given, numbers), the inactive inequalities get
    λᵢ = 0 and stationarity ∇f + Σ λᵢ∇gᵢ + Σ νⱼ∇hⱼ = 0 is a linear system in the
    rest: no solution, or a unique one with some λᵢ < 0, means x* is not a KKT point
    (at a point where LICQ fails the system often has no solution).
    """
    conditions = result.conditions
    names = {v.name: v for v in conditions.variables}
    given = {n: stated.get(n, stated.get(f"{n}star")) for n in names}  # x or x^*
    if any(value is None for value in given.values()):
        return None
    point = {v: given[n] for n, v in names.items()}
    if not all(v.is_number for v in point.values()):
        return None
    shown = "(" + ", ".join(show(v) for v in point.values()) + ")"
    correct = "; ".join(show({**{k.name: v for k, v in p.point.items()},
                              **{k.name: v for k, v in p.multipliers.items()}})
                        for p in result.points) or "no KKT point"
    for g, text in zip(conditions.inequalities, conditions.texts or [None] * 99):
        value = sp.simplify(g.xreplace(point))
        if value.is_positive:
            return Verdict.false(f"{shown} is not feasible", correct=correct,
                                 basis="counterexample",
                                 counterexample=f"the constraint {text or f'{g} <= 0'} "
                                 f"fails there ({show(value)} > 0)")
    for h in conditions.equalities:
        value = sp.simplify(h.xreplace(point))
        if value.is_zero is False:
            return Verdict.false(f"{shown} is not feasible", correct=correct,
                                 basis="counterexample",
                                 counterexample=f"the constraint {h} = 0 fails there "
                                 f"({show(value)} ≠ 0)")
    values = [sp.simplify(g.xreplace(point)) for g in conditions.inequalities]
    if any(v.is_zero is None for v in values):
        return None
    inactive = {lam: 0 for lam, v in zip(conditions.ineq_multipliers, values) if not v.is_zero}
    unknowns = [lam for lam in conditions.ineq_multipliers if lam not in inactive]
    unknowns += list(conditions.eq_multipliers)
    equations = [e.xreplace(point).xreplace(inactive) for e in conditions.stationarity]
    solutions = sp.linsolve(equations, unknowns) if unknowns else \
        (sp.FiniteSet(()) if all(sp.simplify(e).is_zero for e in equations) else sp.EmptySet)
    gradient = [show(sp.diff(conditions.objective, v).xreplace(point))
                for v in conditions.variables]
    if solutions is sp.EmptySet:
        active = ", ".join(lam.name for lam in unknowns) or "none"
        return Verdict.false(
            f"{shown} is not a KKT point: no multipliers exist there", correct=correct,
            basis="exact",
            counterexample=f"∇f{shown} = [{', '.join(gradient)}] is not a combination of the "
            f"active constraints' gradients (multipliers {active}): the stationarity "
            "equations have no solution (a point where LICQ fails can be a minimizer "
            "without being a KKT point)")
    solution = next(iter(solutions))
    found = dict(zip(unknowns, solution))
    negative = [lam for lam in conditions.ineq_multipliers
                if lam in found and found[lam].is_number and found[lam].is_negative]
    if negative:
        return Verdict.false(
            f"{shown} is not a KKT point: its multipliers would be {show(found)}",
            correct=correct, basis="exact",
            counterexample=f"{negative[0].name} = {show(found[negative[0]])}"
            " < 0, and an inequality's multiplier must be ≥ 0")
    return None
