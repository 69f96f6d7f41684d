r"""Checkers for what texts say about f at a point or as a whole: one partial derivative,
the kind of a stationary point, strong convexity without a modulus, the Newton decrement
and the decrease of the second-order model.

>>> from symopt.claims import Claim, check
>>> check(Claim("hessian_entry", "-400*x", problem="(1 - x)**2 + 100*(y - x**2)**2",
...             coordinate="x, y")).status
'true'
>>> check(Claim("point_type", "saddle", problem="x**2 - y**2", at="(0, 0)")).status
'true'
"""

from __future__ import annotations

import sympy as sp

from symopt.claims.claim import NUMBER_KEYS, Claim, Verdict, register
from symopt.claims.context import Context, show
from symopt.claims.equivalence import compare
from symopt.claims.expressions import decide
from symopt.errors import ParseError, UnsupportedError
from symopt.symbols import canonical_name

__all__ = ["newton_decrement"]


def _names(claim: Claim) -> list[str]:
    raw = claim.coordinate
    if raw is None:
        raise ParseError(f"a {claim.kind!r} claim names its variables in 'coordinate' "
                         "(\"x\" for ∂f/∂x, \"x, y\" for ∂²f/∂x∂y)")
    if isinstance(raw, str):
        return [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
    if isinstance(raw, (list, tuple)) and all(isinstance(p, str) for p in raw):
        return [p.strip() for p in raw]
    raise ParseError(f"coordinate must name variables, got {raw!r}")


@register("partial_derivative", "gradient_component", "hessian_entry",
          keys=("problem", "coordinate", "at", "rename"))
def check_partial_derivative(claim: Claim) -> Verdict:
    """One gradient component ∂f/∂xᵢ or one Hessian entry ∂²f/∂xᵢ∂xⱼ (``coordinate``)."""
    ctx = Context.of(claim)
    names = _names(claim)
    expected = {"gradient_component": 1, "hessian_entry": 2}.get(claim.kind)
    if expected is not None and len(names) != expected:
        raise ParseError(f"a {claim.kind!r} claim names {expected} variable(s) in "
                         f"'coordinate', got {len(names)}")
    by_name = {v.name: v for v in ctx.problem.variables}
    variables = []
    for name in names:
        canonical = canonical_name(name)
        if canonical not in by_name:
            raise ParseError(f"{name!r} is not a variable of the problem "
                             f"({', '.join(by_name)})")
        variables.append(by_name[canonical])
    correct = sp.diff(ctx.problem.objective, *variables)
    label = ("∂f/∂" + variables[0].name) if len(variables) == 1 else \
        f"∂{'²' if len(variables) == 2 else f'^{len(variables)}'}f/" + \
        "".join(f"∂{v.name}" for v in variables)
    stated = ctx.value(claim.stated)
    if claim.at is not None:
        point = ctx.point(claim.at)
        stated, correct = stated.xreplace(point), correct.xreplace(point)
        label += " at (" + ", ".join(show(v) for v in point.values()) + ")"
    return decide(compare(stated, correct), correct, label)


_TYPES = {
    "saddle": "saddle", "saddle point": "saddle", "a saddle point": "saddle",
    "minimum": "minimum", "local minimum": "minimum", "strict local minimum": "minimum",
    "minimizer": "minimum", "local minimizer": "minimum", "min": "minimum",
    "maximum": "maximum", "local maximum": "maximum", "strict local maximum": "maximum",
    "maximizer": "maximum", "local maximizer": "maximum", "max": "maximum",
    "degenerate": "degenerate", "inconclusive": "degenerate",
}  # fmt: skip


@register("point_type", "critical_point", "stationary_point_type",
          keys=("problem", "at", "rename"))
def check_point_type(claim: Claim) -> Verdict:
    """The kind of the stationary point ``at``: minimum, maximum, saddle or degenerate.

    Read off the signs of the Hessian's eigenvalues there (the second-order test);
    ``degenerate`` is a singular Hessian whose other eigenvalues share a sign, where
    the test is inconclusive.
    """
    ctx = Context.of(claim)
    word = _TYPES.get(str(claim.stated).strip().lower().rstrip("."))
    if word is None:
        raise ParseError(f"a point type is one of minimum, maximum, saddle, degenerate; got "
                         f"{claim.stated!r}")
    if claim.at is None:
        raise ParseError(f"a {claim.kind!r} claim names its point in 'at'")
    problem = ctx.problem
    point = ctx.point(claim.at)
    shown = "(" + ", ".join(show(v) for v in point.values()) + ")"
    gradient = problem.gradient.xreplace(point)
    zero = compare(gradient, sp.zeros(*gradient.shape))
    if zero.equal is False:
        return Verdict.false(f"{shown} is not a stationary point", correct="not stationary",
                             basis=zero.basis,
                             counterexample=f"∇f{shown} = {show(list(gradient))} ≠ 0")
    found = problem.classify(point)
    eigen = ", ".join(show(e) for e in found.hessian_eigenvalues)
    if found.kind == "unknown":
        return Verdict.unknown(f"the signs of the Hessian's eigenvalues at {shown} "
                               f"({eigen or 'not found'}) are not decided")
    evidence = f"∇f{shown} = 0 and ∇²f{shown} has eigenvalues {eigen}"
    if found.kind == word:
        return Verdict.true(f"{shown} is a {word} point: {evidence}", correct=word,
                            basis="exact" if zero.proved else "numeric")
    return Verdict.false(f"{shown} is a {found.kind} point", correct=found.kind, basis="exact",
                         counterexample=evidence)


@register("strongly_convex", keys=("problem",))
def check_strongly_convex(claim: Claim) -> Verdict:
    """Whether f is μ-strongly convex for some μ > 0 (stated true or false)."""
    ctx = Context.of(claim)
    stated = claim.stated
    if isinstance(stated, str):
        stated = {"true": True, "yes": True, "false": False, "no": False}.get(
            stated.strip().lower(), stated)
    if not isinstance(stated, bool):
        raise ParseError(f"a 'strongly_convex' claim states true or false, got "
                         f"{claim.stated!r}")
    problem = ctx.problem
    convex = problem.convexity()
    singular = None
    if convex.known and convex.value is False:
        holds, why = False, f"f is not even convex: {convex.reason}"
    else:
        mu = problem.strong_convexity()
        singular = None if mu.known else _singular_point(problem)
        if singular is not None:
            holds, why = False, (f"∇²f{singular} is singular (det = 0): it has the "
                                 "eigenvalue 0 there, so inf λmin(∇²f) ≤ 0 and no μ > 0 "
                                 "bounds the curvature from below")
        elif not mu.known:
            return Verdict.unknown(f"strong convexity could not be decided: {mu.reason}")
        elif mu.value.is_positive:
            holds, why = True, f"μ = inf λmin(∇²f) = {show(mu.value)} > 0 ({mu.reason})"
        elif mu.value.is_zero:
            holds, why = False, (f"inf λmin(∇²f) = 0 ({mu.reason}): convex, but no μ > 0 "
                                 "bounds the curvature from below")
        else:
            return Verdict.unknown(f"the sign of μ = {show(mu.value)} is not decided")
    correct = "strongly convex" if holds else "not strongly convex"
    if holds == stated:
        return Verdict.true(f"f is {correct}: {why}", correct=correct, basis="exact")
    return Verdict.false(f"f is {correct}", correct=correct, counterexample=why,
                         basis="counterexample" if singular is not None else "exact")


def _singular_point(problem) -> str | None:
    """A point (shown) where ∇²f is singular, from a small grid of rationals, or None."""
    import itertools

    if problem.parameters:
        return None
    hessian = problem.hessian
    grid = [sp.S.Zero, sp.S.One, -sp.S.One, sp.S.Half, -sp.S.Half, sp.Integer(2)]
    for values in itertools.islice(itertools.product(grid, repeat=len(problem.variables)),
                                   400):
        at = hessian.xreplace(dict(zip(problem.variables, values)))
        if all(e.is_number for e in at) and sp.simplify(at.det()) == 0:
            return "(" + ", ".join(show(v) for v in values) + ")"
    return None


def newton_decrement(ctx: Context) -> sp.Expr:
    """λ(x)² = ∇f(x)ᵀ ∇²f(x)⁻¹ ∇f(x) (Boyd & Vandenberghe §9.5.1), at ``at`` if given.

    >>> newton_decrement(Context.of(Claim("newton_decrement", "0", problem="x**2 + 2*y**2")))
    2*(x**2 + 2*y**2)
    """
    problem = ctx.problem
    gradient, hessian = problem.gradient, problem.hessian
    if ctx.claim.at is not None:
        point = ctx.point(ctx.claim.at)
        gradient, hessian = gradient.xreplace(point), hessian.xreplace(point)
    if sp.simplify(hessian.det()) == 0:
        raise UnsupportedError("the Hessian is singular: no Newton step, no decrement")
    return sp.factor(sp.simplify((gradient.T * hessian.LUsolve(gradient))[0, 0])) \
        if sp.count_ops(hessian) < 200 else (gradient.T * hessian.LUsolve(gradient))[0, 0]


@register("newton_decrement", keys=("problem", "at", "rename", *NUMBER_KEYS))
def check_newton_decrement(claim: Claim) -> Verdict:
    """The Newton decrement λ(x) = (∇fᵀ(∇²f)⁻¹∇f)^{1/2} (a stated λ(x)² is named as such)."""
    ctx = Context.of(claim)
    squared = newton_decrement(ctx)
    correct = sp.sqrt(squared)
    stated = ctx.value(claim.stated)
    result = ctx.numbers(stated, correct)
    if result.equal is False and compare(stated, squared).equal is True:
        return Verdict.false(f"the stated value is λ(x)² = {show(squared)}; the decrement is "
                             f"its square root", correct=show(correct), basis=result.basis,
                             counterexample=f"λ(x)² = ∇fᵀ(∇²f)⁻¹∇f = {show(squared)}")
    return decide(result, correct, "λ(x) = (∇fᵀ(∇²f)⁻¹∇f)^{1/2}")


@register("model_decrease", "newton_model_decrease",
          keys=("problem", "at", "rename", *NUMBER_KEYS))
def check_model_decrease(claim: Claim) -> Verdict:
    """f(x) − inf_v f̂(x + v) = ½∇fᵀ(∇²f)⁻¹∇f = λ(x)²/2, the second-order model's decrease.

    f̂ is the second-order model at x; its minimum is attained at the Newton step (for
    a positive definite Hessian, else the infimum is −∞ and the formula only gives
    the decrease to its stationary point).
    """
    ctx = Context.of(claim)
    correct = newton_decrement(ctx) / 2
    stated = ctx.value(claim.stated)
    return decide(ctx.numbers(stated, correct), correct,
                  "f(x) − f̂(x + Δx_nt) = ½∇fᵀ(∇²f)⁻¹∇f")
