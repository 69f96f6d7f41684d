r"""Checkers for expression claims: equal, equation, inequality, gradient, Hessian, update,
closed form, state, stationary points, (local) minimizer and minimum value.

>>> from symopt.claims import Claim, check
>>> check(Claim("equation", "x**2 + 2*x = -1", reference="(x + 1)**2 = 0")).status
'true'
>>> check(Claim("update", r"x_k - \eta \nabla f(x_k)", method="gd",
...             rename={"eta": "alpha"})).status
'true'
"""

from __future__ import annotations

import random
import re

import sympy as sp

from symopt.claims.claim import NUMBER_KEYS, Claim, Verdict, register, reject_keys
from symopt.claims.context import Context, show
from symopt.claims.equivalence import (
    Comparison,
    _sign_certain,
    compare,
    compare_equations,
    sample_point,
)
from symopt.claims.text import clean, read_relation
from symopt.errors import ParseError, SymoptError, UnsupportedError
from symopt.methods.base import NEWTON_DIRECTION
from symopt.symbols import symbol

__all__ = ["decide", "update_text"]


def decide(result: Comparison, correct: object, what: str) -> Verdict:
    """Turn a comparison with the correct value into a verdict."""
    if result.equal is True:
        return Verdict.true(f"{what}: {result.how}", correct=show(correct), basis=result.basis)
    if result.equal is False:
        return Verdict.false(f"{what} is {show(correct)}", correct=show(correct),
                             basis=result.basis,
                             counterexample=result.how)
    return Verdict.unknown(f"{what}: {result.how}")


@register("equal", "expression", "identity",
          keys=("reference", "problem", "spectrum", "method", "rename", *NUMBER_KEYS))
def check_equal(claim: Claim) -> Verdict:
    """The stated expression equals ``reference`` (for every value the assumptions allow)."""
    ctx = Context.of(claim)
    if claim.reference is None:
        raise ParseError(f"an {claim.kind!r} claim needs a reference expression")
    stated, correct = ctx.value(claim.stated), ctx.value(claim.reference)
    return decide(ctx.numbers(stated, correct), correct, "the value")


@register("equation",
          keys=("reference", "unknowns", "rename"))
def check_equation(claim: Claim) -> Verdict:
    """Two equations with the same solution set (not merely both rearranged to 0)."""
    ctx = Context.of(claim)
    if claim.reference is None:
        raise ParseError("an 'equation' claim needs a reference equation")
    stated = ctx.renamed(read_relation(claim.stated, ctx.local))
    correct = ctx.renamed(read_relation(claim.reference, ctx.local))
    unknowns = tuple(ctx.value(u) for u in claim.unknowns) if claim.unknowns else None
    return decide(compare_equations(stated, correct, unknowns), correct, "the equation")


@register("inequality", "bound",
          keys=("where", "rename"))
def check_inequality(claim: Claim) -> Verdict:
    """A bound holding for every value the assumptions (and ``where``) allow."""
    ctx = Context.of(claim)
    relation = ctx.renamed(read_relation(claim.stated, ctx.local))
    if not isinstance(relation, (sp.Lt, sp.Le, sp.Gt, sp.Ge)):
        raise ParseError(f"expected one inequality, got {claim.stated!r}")
    gap = sp.expand(relation.lhs - relation.rhs) if isinstance(relation, (sp.Gt, sp.Ge)) \
        else sp.expand(relation.rhs - relation.lhs)
    strict = isinstance(relation, (sp.Lt, sp.Gt))
    symbols = sorted(gap.free_symbols, key=lambda s: s.name)
    condition = _where(claim, ctx, symbols)
    if condition is sp.true:
        # the gap in forms whose sign the assumptions decide: (a − b)², α·(…)², …
        for form in (sp.simplify(gap), sp.factor(gap)):
            if form.is_positive or (not strict and form.is_nonnegative):
                return Verdict.true(f"{relation} holds: the gap {form} is "
                                    f"{'positive' if strict else 'nonnegative'} under the "
                                    "assumptions", basis="exact")
    if len(symbols) == 1:
        verdict = _univariate(relation, symbols[0], condition)
        if verdict is not None:
            return verdict
    rng = random.Random(5)
    tried = 0
    for _ in range(400):
        point = sample_point(set(symbols), rng)
        if condition is not sp.true and condition.xreplace(point) is not sp.true:
            continue
        value = gap.xreplace(point)
        number = value if value.is_Rational else sp.N(value, 50)
        if not number.is_real:
            continue
        tried += 1
        if number < 0 or (strict and number == 0):
            where = ", ".join(f"{k} = {v}" for k, v in point.items())
            # a rational gap, or one evaluated to full accuracy: the witness is checked
            certain = value.is_Rational or _sign_certain(value)
            return Verdict.false(f"{relation} fails at {where}", correct=None,
                                 basis="counterexample" if certain else "numeric",
                                 counterexample=f"at {where}: {show(relation.lhs.xreplace(point))}"
                                 f" vs {show(relation.rhs.xreplace(point))}")
        if tried >= 60:
            break
    if strict and condition is sp.true and symbols:
        # a strict bound fails where the gap vanishes (a = b in (a − b)² > 0)
        witness = _zero_of(gap, symbols, rng)
        if witness is not None:
            where = ", ".join(f"{k} = {show(v)}" for k, v in witness.items())
            return Verdict.false(f"{relation} fails at {where}", correct=None,
                                 basis="counterexample",
                                 counterexample=f"at {where} both sides equal "
                                 f"{show(sp.simplify(relation.lhs.xreplace(witness)))}")
    return Verdict.unknown(f"no counterexample at {tried} random points, but not proved")


def _zero_of(gap: sp.Expr, symbols: list[sp.Symbol], rng: random.Random) -> dict | None:
    """A point (respecting the assumptions) where ``gap`` is exactly 0, if one is found."""
    first, rest = symbols[0], symbols[1:]
    try:
        roots = sp.solve(gap, first)
    except (NotImplementedError, ValueError, TypeError):
        return None
    for root in roots[:4]:
        for _ in range(5):
            point = sample_point(set(rest), rng)
            value = sp.simplify(root.xreplace(point))
            if not value.is_real or (first.is_positive and not value.is_positive) or \
                    (first.is_integer and not value.is_integer):
                continue
            point[first] = value
            if sp.simplify(gap.xreplace(point)) == 0:
                return {s: point[s] for s in symbols}
    return None


def _where(claim: Claim, ctx: Context, symbols: list[sp.Symbol]) -> sp.Basic:
    if not claim.where:
        return sp.true
    from symopt.claims.sets import read_region

    return read_region(claim.where, tuple(symbols), ctx.local)


def _univariate(relation: sp.Basic, x: sp.Symbol, condition: sp.Basic) -> Verdict | None:
    from sympy.solvers.inequalities import solve_univariate_inequality

    from symopt.claims.sets import pick

    domain = sp.S.Reals
    if x.is_positive:
        domain = sp.Interval.open(0, sp.oo)
    elif x.is_nonnegative:
        domain = sp.Interval(0, sp.oo)
    if condition is not sp.true:
        domain = domain.intersect(condition.as_set())
    plain = sp.Dummy(x.name, real=True)
    try:
        holds = solve_univariate_inequality(relation.xreplace({x: plain}), plain,
                                            relational=False)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if x.is_integer:
        return None
    violations = sp.Complement(domain, holds)
    if violations.is_empty:
        return Verdict.true(f"{relation} holds for every {x} in {domain} (solved exactly)",
                            basis="exact")
    witness = pick(violations)
    if witness is None or violations.is_empty is None:
        return None
    return Verdict.false(f"{relation} fails for {x} in {show(violations)}", correct=show(holds),
                         basis="counterexample",
                         counterexample=f"{x} = {show(witness)}: "
                         f"{show(relation.lhs.subs(x, witness))} vs "
                         f"{show(relation.rhs.subs(x, witness))}")


def _vector(value: sp.Basic, n: int) -> sp.Basic:
    if not isinstance(value, sp.MatrixBase) and n == 1:
        return sp.Matrix([value])
    return value


def _at(ctx: Context, stated: sp.Basic, correct: sp.Basic) -> tuple[sp.Basic, sp.Basic, str]:
    if ctx.claim.at is None:
        return stated, correct, ""
    point = ctx.point(ctx.claim.at)
    label = ", ".join(f"{k} = {show(v)}" for k, v in point.items())
    return stated.subs(point), correct.subs(point), f" at {label}"


def _derivative(claim: Claim, attribute: str, label: str) -> Verdict:
    ctx = Context.of(claim)
    correct = getattr(ctx.problem, attribute)
    stated = _vector(ctx.value(claim.stated), len(ctx.problem.variables))
    stated, correct, where = _at(ctx, stated, correct)
    return decide(compare(stated, correct), correct, f"{label}{where}")


@register("gradient",
          keys=("problem", "at", "rename"))
def check_gradient(claim: Claim) -> Verdict:
    """The stated gradient (a vector in the problem's variables)."""
    return _derivative(claim, "gradient", "∇f")


@register("hessian",
          keys=("problem", "at", "rename"))
def check_hessian(claim: Claim) -> Verdict:
    """The stated Hessian (a matrix in the problem's variables)."""
    return _derivative(claim, "hessian", "∇²f")


_ITERATE = r"(?:x|w|theta|\\theta|θ)"
_GRADIENT = re.compile(
    r"\\nabla(?:_\{?\\?[A-Za-z]+\}?)?\s*\\?[A-Za-z]+(?:_\{?[A-Za-z]\}?)?\s*"
    r"(?:\\left\(.*?\\right\)|\([^()]*\))?"
    r"|∇\s*[A-Za-z]+\s*(?:\([^()]*\))?"
    r"|\b[fJL]'\s*\([^()]*\)"
    r"|\bgrad\s*\([^()]*\)")


def update_text(text: str) -> str:
    r"""Normalise a written update rule to the per-coordinate symbols ``x``, ``g``.

    >>> update_text(r"$x_{k+1} = x_k - \alpha \nabla f(x_k)$")
    'x - \\alpha g'
    >>> update_text("θ_{t+1} = θ_t - η ∇L(θ_t)")
    'x - η*g'
    """
    body = clean(text)
    parts = re.split(r"\\leftarrow|←|:=|(?<![<>!=])=(?!=)", body)
    body = parts[-1].strip() if len(parts) > 1 else body
    body = _GRADIENT.sub(" g ", body)
    body = re.sub(rf"{_ITERATE}_\{{?\s*(?:k|t|n)\s*\}}?", " x ", body)
    body = re.sub(r"\s+", " ", body).strip()
    if "\\" not in body:
        # plain text: juxtaposed names multiply ("η g"), as they do in LaTeX
        body = re.sub(r"(?<=[\w)])\s+(?=[\w(])", "*", body)
    return body


@register("update",
          keys=("method", "problem", "hyperparameters", "steps", "rename"))
def check_update(claim: Claim) -> Verdict:
    """The next iterate: per coordinate in x, g (and state), or in the problem's variables."""
    if claim.problem is not None:
        reject_keys(claim, ("steps",), "about a problem (the step from the current point)")
    ctx = Context.of(claim)
    method = ctx.method
    rule = method.rule()
    substitution = ctx.hyperparameters
    text = update_text(claim.stated) if isinstance(claim.stated, str) else claim.stated
    stated = ctx.value(text)
    if claim.problem is None:
        allowed = {rule.x, rule.g, rule.t, rule.p, *rule.state_next,
                   *(h.symbol for h in method.hyperparameters)}
        strangers = stated.free_symbols - allowed
        if len(strangers) == 1 and rule.x not in stated.free_symbols:
            # θ ← θ − η∇L(θ): the one unknown name is the iterate
            stated = stated.xreplace({strangers.pop(): rule.x})
    if claim.problem is None and claim.steps is not None:
        return _constant_gradient(ctx, stated, int(claim.steps), substitution)
    if claim.problem is None:
        correct = rule.x_next.xreplace(substitution) if substitution else rule.x_next
        if method.uses_newton_direction:
            note = "p is the Newton direction (∇²f)⁻¹∇f per coordinate"
        else:
            note = "g is the gradient, per coordinate"
        result = compare(stated, correct)
        verdict = decide(result, correct, f"the update x⁺ ({note})")
        return verdict
    problem = ctx.problem
    stated = _vector(stated, len(problem.variables))
    correct = sp.Matrix(_first_step(ctx, substitution))
    return decide(compare(stated, correct), correct, "the next iterate")


def _first_step(ctx: Context, substitution: dict) -> list[sp.Expr]:
    """One step from the current point (the problem's variables), initial state."""
    problem, method = ctx.problem, ctx.method
    gradient = list(problem.gradient)
    if method.uses_newton_direction:
        hessian = problem.hessian
        if hessian.det() == 0:
            raise UnsupportedError("the Hessian is singular: no Newton step")
        direction = list(hessian.LUsolve(problem.gradient))
    else:
        direction = [NEWTON_DIRECTION] * len(gradient)
    result = []
    for var, g, p in zip(problem.variables, gradient, direction):
        state = method.initial_state(var)
        x_next, _ = method.step(var, g, state, sp.S.One, p)
        result.append(sp.simplify(x_next.xreplace(substitution) if substitution else x_next))
    return result


@register("stationary_points",
          keys=("problem", "rename"))
def check_stationary_points(claim: Claim) -> Verdict:
    """The stated list of stationary points equals the solutions of ∇f = 0."""
    ctx = Context.of(claim)
    problem = ctx.problem
    stated_raw = claim.stated
    if isinstance(stated_raw, str):
        inner = clean(stated_raw).strip()
        if len(problem.variables) == 1 and inner.startswith("[") and inner.endswith("]"):
            inner = inner[1:-1]  # one variable: "[1, -1]" lists two points, not one
        stated_raw = [] if inner in ("[]", "{}", "none", "") else _split_points(inner)
    stated = [ctx.point(p) for p in stated_raw]
    correct = [pt.point for pt in problem.stationary_points()]
    shown = "[" + "; ".join(_pt(p) for p in correct) + "]"
    for p in stated:
        if not any(_same_point(p, q) for q in correct):
            grad = problem.at(problem.gradient, p)
            return Verdict.false(f"the stationary points are {shown}", correct=shown,
                                 basis="counterexample",
                                 counterexample=f"∇f{_pt(p)} = {show(list(grad))} ≠ 0")
    for q in correct:
        if not any(_same_point(p, q) for p in stated):
            return Verdict.false(f"the stationary points are {shown}", correct=shown,
                                 basis="counterexample",
                                 counterexample=f"{_pt(q)} is stationary (∇f = 0) but "
                                 "not stated")
    exact = all(any(_same_point(p, q, proved=True) for p in stated) for q in correct)
    return Verdict.true(f"∇f = 0 exactly at {shown}", correct=shown,
                        basis="exact" if exact else "numeric")


def _split_points(text: str) -> list[str]:
    from symopt.claims.sets import _split_top

    if text.startswith("[") and text.endswith("]") and text[1:].lstrip().startswith(("(", "[")):
        text = text[1:-1]
    return [p.strip() for p in _split_top(text, [",", ";"]) if p.strip()]


def _pt(point: dict) -> str:
    return "(" + ", ".join(show(v) for v in point.values()) + ")"


def _same_point(a: dict, b: dict, *, proved: bool = False) -> bool:
    """Equal coordinates (``proved``: equal symbolically, not only at sample points)."""
    results = [compare(a[k], b[k]) for k in b]
    return all(r.equal is True and (r.proved or not proved) for r in results)


@register("minimizer",
          keys=("problem", "rename"))
def check_minimizer(claim: Claim) -> Verdict:
    """The stated point is the global minimizer.

    Proved by ∇f = 0 with convexity, or by f − f(x*) ≥ 0 read off the objective (a sum
    of squares); refuted by ∇f ≠ 0, a saddle or maximum, or a point with a lower value.
    """
    ctx = Context.of(claim)
    problem = ctx.problem
    stated = ctx.point(claim.stated)
    if problem.constraints:
        return _constrained_minimizer(ctx, stated)
    grad = problem.at(problem.gradient, stated)
    zero = compare(grad, sp.zeros(*grad.shape))
    stationary = zero.equal
    if stationary is False:
        correct = _minimizers_text(problem)
        return Verdict.false(f"{_pt(stated)} is not a minimizer" +
                             (f"; the minimizer is {correct}" if correct else ""),
                             correct=correct or None, basis=zero.basis,
                             counterexample=f"∇f{_pt(stated)} = {show(list(grad))} ≠ 0: "
                             "f decreases along −∇f from there")
    if stationary is None:
        return Verdict.unknown(f"cannot evaluate ∇f at {_pt(stated)}")
    convex = problem.convexity()
    if convex.value is True:
        return Verdict.true(f"∇f{_pt(stated)} = 0 and f is convex ({convex.reason}), so "
                            f"{_pt(stated)} is a global minimizer", correct=_pt(stated),
                            basis=zero.basis)
    value = problem.objective.xreplace(stated)
    raw = problem.objective - value
    # As written first: a sum of squares is recognised before simplify expands it.
    gap = next((g for g in (raw, sp.factor(raw)) if g.is_nonnegative), None)
    if gap is not None:
        return Verdict.true(f"∇f{_pt(stated)} = 0 and f − f{_pt(stated)} = {show(gap)} ≥ 0 for "
                            "all real values, so it is a global minimizer", correct=_pt(stated),
                            basis=zero.basis)
    kind = problem.classify(stated)
    if kind.kind in ("saddle", "maximum"):
        return Verdict.false(f"{_pt(stated)} is a {kind.kind}, not a minimizer",
                             correct=_minimizers_text(problem) or None, basis="exact",
                             counterexample=f"the Hessian at {_pt(stated)} has eigenvalues "
                             f"{', '.join(show(e) for e in kind.hessian_eigenvalues)}")
    lower = _lower_point(problem, value)
    if lower is not None:
        below = show(problem.objective.xreplace(lower))
        return Verdict.false(f"{_pt(stated)} is not a global minimizer",
                             correct=_global_minimum_text(problem), basis="counterexample",
                             counterexample=f"f{_pt(lower)} = {below} < f{_pt(stated)} = "
                             f"{show(value)}")
    return Verdict.unknown(f"{_pt(stated)} is stationary ({kind.kind}); f is not known to be "
                           f"convex ({convex.reason}), so global optimality is not proved")


@register("local_minimizer",
          keys=("problem", "rename"))
def check_local_minimizer(claim: Claim) -> Verdict:
    """The stated point is a local minimizer (second-order test; convexity when degenerate)."""
    ctx = Context.of(claim)
    problem = ctx.problem
    if problem.constraints:
        return Verdict.unknown("a constrained local minimizer is a 'kkt' claim")
    stated = ctx.point(claim.stated)
    grad = problem.at(problem.gradient, stated)
    zero = compare(grad, sp.zeros(*grad.shape))
    if zero.equal is False:
        return Verdict.false(f"{_pt(stated)} is not stationary", correct=None, basis=zero.basis,
                             counterexample=f"∇f{_pt(stated)} = {show(list(grad))} ≠ 0")
    kind = problem.classify(stated)
    eigen = ", ".join(show(e) for e in kind.hessian_eigenvalues)
    if kind.kind == "minimum":
        return Verdict.true(f"∇f = 0 and the Hessian's eigenvalues {eigen} are positive: a "
                            "strict local minimizer", correct=_pt(stated),
                            basis=zero.basis or "numeric")
    if kind.kind in ("saddle", "maximum"):
        return Verdict.false(f"{_pt(stated)} is a {kind.kind}", correct=kind.kind, basis="exact",
                             counterexample=f"the Hessian at {_pt(stated)} has eigenvalues "
                             f"{eigen}")
    if problem.convexity().value is True:
        return Verdict.true(f"∇f = 0 and f is convex (Hessian eigenvalues {eigen} there): a "
                            "global, hence local, minimizer", correct=_pt(stated),
                            basis=zero.basis or "numeric")
    descent = _descent_along_a_line(problem, stated)
    if descent is not None:
        direction, (c, k), near = descent
        return Verdict.false(f"{_pt(stated)} is not a local minimizer: along the direction "
                             f"d = {_pt(direction)}, f(x* + t·d) − f(x*) = ({show(c)})·t^{k} + "
                             "higher powers of t, which is negative for small t of one sign",
                             correct=None, basis="counterexample",
                             counterexample=f"f{_pt(near)} < f{_pt(stated)}")
    return Verdict.unknown(f"the second-order test is inconclusive at {_pt(stated)} "
                           f"(Hessian eigenvalues {eigen})")


def _descent_along_a_line(problem, stated: dict
                          ) -> tuple[dict, tuple[sp.Expr, int], dict] | None:
    """A line through a degenerate stationary point on which f decreases, or None.

    Along x* + t·d, f(x* + t·d) − f(x*) = c·tᵏ + O(tᵏ⁺¹) for the lowest power k with
    c ≠ 0 (a Taylor series in t; f without piecewise pieces). k odd, or k even with
    c < 0, makes f lower than f(x*) for all small t of one sign: not a local minimizer.
    Directions tried: the axes and their pairwise sums and differences. Returns
    (d, (c, k), a point with t = ±1/10ʲ where f is exactly below f(x*)).
    """
    import itertools

    from symopt.claims.equivalence import _PIECEWISE

    if problem.parameters or problem.objective.has(*_PIECEWISE):
        return None
    t = sp.Dummy("t", real=True)
    n = len(problem.variables)
    axes = [tuple(int(i == j) for j in range(n)) for i in range(n)]
    pairs = [tuple(a + s * b for a, b in zip(u, v)) for u, v in itertools.combinations(axes, 2)
             for s in (1, -1)]
    value = problem.objective.xreplace(stated)
    for d in axes + pairs[:40]:
        line = {x: stated[x] + t * c for x, c in zip(problem.variables, d)}
        phi = problem.objective.xreplace(line) - value
        try:
            series = sp.series(phi, t, 0, 7).removeO()
        except (ValueError, TypeError, NotImplementedError, ArithmeticError):
            continue
        poly = sp.Poly(sp.expand(series), t) if series.is_polynomial(t) else None
        if poly is None or poly.is_zero:
            continue
        k = min(m[0] for m in poly.monoms())
        c = poly.coeff_monomial(t**k)
        if not c.is_number or not (k % 2 == 1 or c.is_negative):
            continue
        sign = -1 if k % 2 == 1 and c.is_positive else 1  # where c·tᵏ < 0
        for j in range(1, 13):
            near = {x: v.xreplace({t: sign * sp.Rational(1, 10**j)}) for x, v in line.items()}
            if (problem.objective.xreplace(near) - value).is_negative:
                return dict(zip(problem.variables, d)), (c, k), near
    return None


def _global_minimum_text(problem) -> str | None:
    """'none: f is unbounded below' when that is proved (one variable), else None."""
    if len(problem.variables) != 1 or problem.parameters:
        return None
    from sympy.calculus.util import minimum

    from symopt.timeout import run_with_timeout

    try:
        low = run_with_timeout(minimum, problem.objective, problem.variables[0], sp.S.Reals,
                               seconds=10)
    except (SymoptError, NotImplementedError, ValueError):
        return None
    return "none: f is unbounded below (inf f = −∞)" if low == -sp.oo else None


def _lower_point(problem, value: sp.Expr) -> dict | None:
    """A rational point where f is exactly below ``value`` (a small grid search), or None."""
    if problem.parameters or not value.is_number:
        return None
    import itertools

    grid = [sp.Rational(k, 2) for k in range(-20, 21)]
    for values in itertools.islice(itertools.product(grid, repeat=len(problem.variables)), 2000):
        point = dict(zip(problem.variables, values))
        below = problem.objective.xreplace(point) - value
        if below.is_number and below.is_negative:
            return point
    return None


def _minimizers_text(problem) -> str:
    """The strict local minimizers, when SymPy finds them (empty text otherwise)."""
    try:
        minima = [pt for pt in problem.stationary_points() if pt.kind == "minimum"]
    except (UnsupportedError, NotImplementedError, ValueError, TypeError):
        return ""
    return "; ".join(_pt(m.point) for m in minima)


@register("minimum", "minimum_value",
          keys=("problem", "rename", *NUMBER_KEYS))
def check_minimum(claim: Claim) -> Verdict:
    """The stated minimum value of f (unconstrained, convex f)."""
    ctx = Context.of(claim)
    problem = ctx.problem
    if problem.constraints:
        best = _global_kkt(ctx)
        if isinstance(best, Verdict):
            return best
        correct = best.value
        return decide(ctx.numbers(ctx.value(claim.stated), correct), correct,
                      f"min f subject to the constraints = f{_pt(best.point)}")
    minima = [pt for pt in problem.stationary_points() if pt.kind == "minimum"]
    convex = problem.convexity()
    if len(minima) != 1 or convex.value is not True:
        return Verdict.unknown("the global minimum is only derived for convex f with one "
                               f"minimizer ({convex.reason})")
    correct = minima[0].value
    stated = ctx.value(claim.stated)
    return decide(ctx.numbers(stated, correct), correct,
                  f"min f = f{_pt(minima[0].point)}")


@register("closed_form",
          keys=("problem", "method", "hyperparameters", "x0", "reference", "rename", *NUMBER_KEYS))
def check_closed_form(claim: Claim) -> Verdict:
    """x_k as a formula in k and x₀, proved by induction on the method's rule.

    Without a problem, ``reference`` is required and the claim is an ``equal`` claim.
    """
    if claim.problem is None:
        reject_keys(claim, ("method", "hyperparameters", "x0"),
                    "without a problem (a formula compared with its reference)")
        return check_equal(claim)
    reject_keys(claim, ("reference", *NUMBER_KEYS), "about a problem (proved by induction)")
    ctx = Context.of(claim)
    problem, method = ctx.problem, ctx.method
    if method.state:
        kept = ", ".join(s.symbol.name for s in method.state)
        return Verdict.unknown("closed forms are proved by induction for methods without "
                               f"state; {method.name} keeps {kept}")
    k = symbol("k")
    n = len(problem.variables)
    if claim.x0 is not None:
        start = [ctx.value(v) for v in (claim.x0 if isinstance(claim.x0, (list, tuple))
                                        else [claim.x0])]
    else:
        start = [symbol(f"{v.name}_0") for v in problem.variables]
    if len(start) != n:
        raise ParseError(f"x0 has {len(start)} entries; the problem has {n} variables")
    formula = _vector(ctx.value(claim.stated), n)
    if not isinstance(formula, sp.MatrixBase) or formula.shape != (n, 1):
        raise ParseError(f"the closed form must give {n} coordinate(s)")
    substitution = ctx.hyperparameters
    refuted = _early_iterates(ctx, formula, start, k, substitution)
    if refuted is not None:
        return refuted
    current = list(formula)
    following = _step_from(ctx, current, None, substitution, k)
    result = compare(sp.Matrix(following), formula.xreplace({k: k + 1}))
    if result.equal is True:
        # a proof when both the base case and the step are proved, not only sampled
        base = compare(formula.xreplace({k: sp.S.Zero}), sp.Matrix(start))
        return Verdict.true("by induction on k: the formula gives x₀ at k = 0 and one step "
                            f"maps its value at k to its value at k + 1 ({result.how})",
                            "the first 6 iterates agree exactly",
                            basis="exact" if result.proved and base.proved else "numeric")
    return decide(result, None, "the induction step x_k → x_{k+1}")


def _early_iterates(ctx: Context, formula: sp.Matrix, start: list, k: sp.Symbol,
                    substitution: dict, steps: int = 6) -> Verdict | None:
    """Compare the formula with the first iterates; a refutation, or None when they agree.

    The first two are compared as formulas in the start. Later iterates of a
    non-linear rule (Newton on a quartic) grow too fast to build symbolically, so
    from k = 2 on they are exact runs from a random rational start (and random values
    of any open hyperparameter).
    """
    n = len(start)
    iterates = [sp.Matrix(start)]
    point: dict = {}
    for step in range(steps):
        if step == 2:
            others = (formula.free_symbols | set().union(*(v.free_symbols for v in start))) \
                - {k}
            point = sample_point(others, random.Random(13))
            iterates = [sp.Matrix([v.xreplace(point) for v in start])]
            for t in range(1, step + 1):
                iterates.append(sp.Matrix(_step_from(ctx, list(iterates[-1]), t,
                                                     substitution)).xreplace(point))
        at = formula.xreplace({k: sp.Integer(step), **point})
        result = compare(at, iterates[-1])
        if result.equal is False:
            iterate = iterates[-1].applyfunc(
                lambda e: sp.factor(sp.cancel(e)) if sp.count_ops(e) < 400 else e)
            shown = show(iterate if n > 1 else iterate[0])
            where = (" from " + ", ".join(f"{s} = {show(v)}" for s, v in point.items())
                     if point else "")
            return Verdict.false(f"x_{step} = {shown}{where}", correct=_closed_form(ctx, start),
                                 basis=result.basis,
                                 counterexample=f"k = {step}: the formula gives "
                                 f"{show(at if n > 1 else at[0])}, {step} step(s){where} give "
                                 f"{shown} ({result.how})")
        following = _step_from(ctx, list(iterates[-1]), step + 1, substitution)
        iterates.append(sp.Matrix(following).xreplace(point) if point else
                        sp.Matrix(following))
    return None


def _closed_form(ctx: Context, start: list) -> str | None:
    """x_k per coordinate from the linear analysis (diagonal quadratics with minimizer 0)."""
    quadratic = ctx.problem.quadratic
    if quadratic is None or not quadratic.A.is_diagonal() or any(b != 0 for b in quadratic.b):
        return None
    try:
        from symopt.analysis import LAMBDA, X0, analyze

        found = analyze(ctx.problem, ctx.method,
                        **{k.name: v for k, v in ctx.hyperparameters.items()}).closed_form
    except (ImportError, UnsupportedError, NotImplementedError, ValueError, TypeError):
        return None
    if not found.known:
        return None
    forms = [found.value.xreplace({LAMBDA: quadratic.A[i, i], X0: x0})
             for i, x0 in enumerate(start)]
    return show(forms[0] if len(forms) == 1 else sp.Matrix(forms))


def _step_from(ctx: Context, x: list, t: int | None, substitution: dict,
               k: sp.Symbol | None = None) -> list[sp.Expr]:
    """One step of the claim's method from the point ``x`` (expressions)."""
    from symopt.methods.base import G, T, X

    problem, method = ctx.problem, ctx.method
    point = dict(zip(problem.variables, x))
    gradient = [e.xreplace(point) for e in problem.gradient]
    if method.uses_newton_direction:
        direction = list(problem.hessian.xreplace(point).LUsolve(sp.Matrix(gradient)))
    else:
        direction = [sp.S.Zero] * len(x)
    rule = method.rule()
    step_count = sp.Integer(t) if t is not None else k + 1
    out = []
    for xi, gi, pi in zip(x, gradient, direction):
        value = rule.x_next.xreplace({X: xi, G: gi, T: step_count, NEWTON_DIRECTION: pi})
        out.append(value.xreplace(substitution) if substitution else value)
    return out


def _constant_gradient(ctx: Context, stated: sp.Expr, steps: int, substitution: dict
                       ) -> Verdict:
    """x after ``steps`` steps from x with the state at its start and a constant gradient g."""
    from symopt.methods.base import G, T, X

    if not 1 <= steps <= 50:
        raise ParseError(f"steps must be between 1 and 50 for a symbolic update, got {steps}")
    method = ctx.method
    if method.uses_newton_direction:
        raise UnsupportedError("an unrolled Newton step needs a problem")
    rule = method.rule()
    x, state = X, method.initial_state(X)
    for t in range(1, steps + 1):
        values = {X: x, G: G, T: sp.Integer(t), **state}
        x, state = (rule.x_next.xreplace(values),
                    {k: v.xreplace(values) for k, v in rule.state_next.items()})
    correct = sp.simplify(x.xreplace(substitution) if substitution else x)
    return decide(compare(stated, correct), correct,
                  f"x after {steps} step(s) from x with a constant gradient g (state "
                  "initialised as the method does)")


def _global_kkt(ctx: Context):
    """The global minimizer of a convex program among its KKT points (or a Verdict why not)."""
    from symopt.kkt import solve_kkt

    result = solve_kkt(ctx.problem, timeout=0)
    if result.convex.value is not True or not result.complete:
        return Verdict.unknown("the constrained minimizer is derived for convex programs with "
                               f"every active set decided (convex: {result.convex})")
    points = [p for p in result.points if not getattr(p, "free", ())]
    if len(points) != 1 or points[0].condition not in (sp.true, True):
        return Verdict.unknown(f"{len(result.points)} KKT points (or a case split on the "
                               "parameters); state the point with its multipliers instead")
    return points[0]


def _constrained_minimizer(ctx: Context, stated: dict) -> Verdict:
    best = _global_kkt(ctx)
    if isinstance(best, Verdict):
        return best
    shown = _pt(best.point)
    if _same_point(stated, best.point):
        exact = _same_point(stated, best.point, proved=True)
        return Verdict.true(f"{shown} is the KKT point of a convex program (multipliers "
                            f"{show(best.multipliers)}), hence the global minimizer",
                            correct=shown, basis="exact" if exact else "numeric")
    feasible = all(
        (c.expr.xreplace(stated) == 0) if c.kind == "eq" else bool(c.expr.xreplace(stated) <= 0)
        for c in ctx.problem.constraints)
    value = ctx.problem.objective.xreplace(stated)
    why = (f"f{_pt(stated)} = {show(value)} > f{shown} = {show(best.value)}" if feasible
           else f"{_pt(stated)} violates a constraint")
    return Verdict.false(f"the constrained minimizer is {shown}", correct=shown,
                         basis="counterexample", counterexample=why)


@register("state",
          keys=("method", "hyperparameters", "steps", "rename"))
def check_state(claim: Claim) -> Verdict:
    """A method's state with a constant gradient g: after ``steps`` steps, or as a formula in t.

    ``stated`` is a table (``{m = "(1 - beta_1**t)*g"}``) or, for one state variable, a
    value. Without ``steps`` the formula in t is proved by induction: it holds at t = 1
    and one step maps its value at t to its value at t + 1.
    """
    from symopt.methods.base import G, T, X

    ctx = Context.of(claim)
    method, rule = ctx.method, ctx.method.rule()
    names = {s.name: s for s in rule.state_next}
    if not names:
        return Verdict.unknown(f"{method.name} keeps no state")
    if isinstance(claim.stated, dict):
        stated = {}
        for key, value in claim.stated.items():
            name = str(key).strip()
            if name not in names:
                raise ParseError(f"{key!r} is not a state variable of {method.name} "
                                 f"({', '.join(names)})")
            stated[names[name]] = ctx.value(value)
    elif len(names) == 1:
        stated = {next(iter(names.values())): ctx.value(claim.stated)}
    else:
        raise ParseError(f"give the state as a table of {', '.join(names)}")
    sub = ctx.hyperparameters
    state = method.initial_state(X)
    if claim.steps is not None:
        steps = int(claim.steps)
        if not 1 <= steps <= 50:
            raise ParseError(f"steps must be between 1 and 50, got {steps}")
        for t in range(1, steps + 1):
            values = {X: X, G: G, T: sp.Integer(t), **state}
            state = {k: v.xreplace(values) for k, v in rule.state_next.items()}
        proved = True
        for k, v in stated.items():
            correct = sp.simplify(state[k].xreplace(sub))
            result = compare(v, correct)
            if result.equal is not True:
                return decide(result, correct, f"{k} after {steps} step(s), constant g")
            proved = proved and result.proved
        return Verdict.true(f"after {steps} step(s) with a constant g: "
                            f"{show({k: state[k].xreplace(sub) for k in stated})}",
                            basis="exact" if proved else "numeric")
    t = T
    first = {k: v.xreplace({X: X, G: G, T: sp.S.One, **state}) for k, v in rule.state_next.items()}
    proved = True
    for k, v in stated.items():
        result = compare(v.xreplace({t: sp.S.One}), first[k].xreplace(sub))
        proved = proved and result.proved
        if result.equal is not True:
            return _state_refuted(decide(result, first[k].xreplace(sub), f"{k} at t = 1"),
                                  ctx, k)
    # The stated variables must be closed under "its update reads": Adam's m alone is
    # enough (its update reads only m and g), its v needs no formula.
    needed, frontier = set(stated), list(stated)
    while frontier:
        for dep in rule.state_next[frontier.pop()].free_symbols & set(rule.state_next):
            if dep not in needed:
                needed.add(dep)
                frontier.append(dep)
    if needed != set(stated):
        missing = ", ".join(sorted(s.name for s in needed - set(stated)))
        return Verdict.unknown(f"the induction also needs a formula for {missing} (the stated "
                               "state's update reads it)")
    current = {k: v for k, v in stated.items()}
    for k in stated:
        expr = rule.state_next[k]
        following = expr.xreplace({X: X, G: G, T: t + 1, **current}).xreplace(sub)
        result = compare(following, stated[k].xreplace({t: t + 1}))
        proved = proved and result.proved
        if result.equal is not True:
            return _state_refuted(decide(result, None, f"the induction step for {k} "
                                         "(t → t + 1)"), ctx, k)
    # an induction whose base or step only agrees at sample points is numeric evidence
    return Verdict.true("by induction on t: the formula holds at t = 1 and one step with a "
                        "constant g maps it at t to it at t + 1",
                        basis="exact" if proved else "numeric")


def _state_refuted(verdict: Verdict, ctx: Context, k: sp.Symbol) -> Verdict:
    """A refuted state formula, with the closed form in t as the correct value when found."""
    if verdict.status != "false":
        return verdict
    formula = state_closed_form(ctx, k)
    if formula is None:
        return verdict
    from dataclasses import replace

    return replace(verdict, summary=f"with a constant g, {k}_t = {show(formula)} (solved as a "
                   "recurrence, verified by induction)", correct=show(formula))


def state_closed_form(ctx: Context, k: sp.Symbol) -> sp.Expr | None:
    """The state variable ``k`` after t steps with a constant gradient g, in closed form.

    Found by :func:`sympy.rsolve` for an update that reads only ``k`` itself (an EMA,
    a running sum) and verified by induction as a stated formula would be; None otherwise.

    >>> from symopt.claims.claim import Claim
    >>> from symopt.symbols import symbol
    >>> ctx = Context.of(Claim("state", "0", method="adam"))
    >>> state_closed_form(ctx, symbol("m"))
    g*(1 - beta_1**t)
    """
    from symopt.methods.base import G, T, X

    method, rule, sub = ctx.method, ctx.method.rule(), ctx.hyperparameters
    update = rule.state_next[k].xreplace(sub)
    if (update.free_symbols & set(rule.state_next)) - {k} or update.has(sp.Max, sp.Min):
        return None
    y = sp.Function("y")
    start = method.initial_state(X)[k]
    try:
        solved = sp.rsolve(y(T) - update.xreplace({k: y(T - 1)}), y(T), {y(0): start})
    except (NotImplementedError, ValueError, TypeError):
        return None
    if solved is None:
        return None
    formula = sp.factor(sp.simplify(solved))
    coefficient, factors = formula.as_coeff_mul()
    sums = [f for f in factors if f.is_Add]
    if coefficient.is_negative and sums:
        # −g(β₁ᵗ − 1) reads g(1 − β₁ᵗ) in the texts
        rest = list(factors)
        rest.remove(sums[0])
        formula = sp.Mul(-coefficient, *rest, -sums[0])
    first = update.xreplace({k: start, X: X, G: G, T: sp.S.One})
    step = update.xreplace({k: formula, T: T + 1})
    if compare(formula.xreplace({T: sp.S.One}), first).equal is not True or \
            compare(step, formula.xreplace({T: T + 1})).equal is not True:
        return None
    return formula
