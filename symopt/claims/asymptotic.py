r"""Checker for the asymptotic error constant C = lim e_{k+1}/e_k^p of a one-variable iteration.

With e_k = x_k − x*, one step of a stateless method maps x* + e to
x* + C·e^p + O(e^{p+1}): the Taylor series of the method's own rule at the limit
x* gives the order p (the lowest power) and the constant C exactly. For Newton's
method on f with f'(x*) = 0 ≠ f''(x*), C = f'''(x*)/(2f''(x*)) (Nocedal & Wright
§3.3; e_{k+1} = x_{k+1} − x*); for gradient descent, p = 1 and C = 1 − αf''(x*).

Texts define the constant with absolute values, lim |e_{k+1}|/|e_k|^p = |C|
(Nocedal & Wright, Burden & Faires); a stated |C| is accepted and the verdict says
it is the absolute form.

>>> from symopt.claims import Claim, check
>>> v = check(Claim("error_constant", "-1", problem="x - log(x)", method="newton"))
>>> v.status, v.correct
('true', '-1')
"""

from __future__ import annotations

import sympy as sp

from symopt.claims.claim import NUMBER_KEYS, Claim, Verdict, register
from symopt.claims.context import Context, show
from symopt.errors import ParseError, UnsupportedError

__all__ = ["error_expansion"]

#: Terms of the Taylor series of the error map looked at (orders up to this).
_TERMS = 6


def _limit_point(ctx: Context) -> sp.Expr:
    problem = ctx.problem
    x = problem.variables[0]
    if ctx.claim.at is not None:
        return ctx.point(ctx.claim.at)[x]
    points = [p.point[x] for p in problem.stationary_points() if p.point[x].is_real]
    if len(points) != 1:
        raise ParseError(f"f has {len(points)} real stationary points; name the limit x* in "
                         "'at'")
    return points[0]


def error_expansion(ctx: Context) -> tuple[int, sp.Expr, sp.Expr] | None:
    """(p, C, x*) with e_{k+1} = C·e_k^p + O(e_k^{p+1}); None when one step lands on x*.

    >>> from symopt.claims.claim import Claim
    >>> error_expansion(Context.of(Claim("error_constant", "0", problem="exp(x) - 2*x",
    ...                                  method="newton")))
    (2, 1/2, log(2))
    """
    from symopt.methods.base import NEWTON_DIRECTION, G, T, X

    problem, method = ctx.problem, ctx.method
    if len(problem.variables) != 1:
        raise UnsupportedError("the error constant is derived for one variable (for n > 1 "
                               "e_{k+1} ≈ a quadratic form in e_k, not a number)")
    if method.state:
        raise UnsupportedError(f"{method.name} keeps state; the error map of one step is "
                               "derived for methods without state")
    x = problem.variables[0]
    star = _limit_point(ctx)
    f1 = sp.diff(problem.objective, x)
    if sp.simplify(f1.xreplace({x: star})) != 0:
        raise UnsupportedError(f"x* = {show(star)} is not a fixed point: f'(x*) = "
                               f"{show(sp.simplify(f1.xreplace({x: star})))} ≠ 0")
    e = sp.Dummy("e", real=True)
    at = {x: star + e}
    g = f1.xreplace(at)
    values = {X: star + e, G: g, T: sp.Symbol("t")}
    if method.uses_newton_direction:
        f2 = sp.diff(f1, x)
        if sp.simplify(f2.xreplace({x: star})) == 0:
            raise UnsupportedError("f''(x*) = 0: Newton's method converges only linearly "
                                   "there, with no Newton step at x* itself")
        values[NEWTON_DIRECTION] = g / f2.xreplace(at)
    rule = method.rule().x_next.xreplace(ctx.hyperparameters)
    if rule.has(T):
        raise UnsupportedError("the rule depends on the step t (a schedule): no constant")
    error = rule.xreplace(values) - star
    series = sp.series(error, e, 0, _TERMS + 1).removeO()
    series = sp.expand(sp.simplify(series))
    if series == 0:
        return None
    poly = sp.Poly(series, e)
    p = min(m[0] for m in poly.monoms())
    c = sp.simplify(poly.coeff_monomial(e**p))
    if p == 0:
        raise UnsupportedError(f"x* = {show(star)} is not a fixed point of the rule")
    return p, c, star


def _ratios(ctx: Context, star: sp.Expr, p: int) -> str:
    """e_{k+1}/e_k^p of the method's rule at e_k = 10⁻³, 10⁻⁶, 10⁻⁹ (to 60 digits)."""
    from symopt.methods.base import NEWTON_DIRECTION, G, T, X

    problem, method = ctx.problem, ctx.method
    x = problem.variables[0]
    f1 = sp.diff(problem.objective, x)
    f2 = sp.diff(f1, x)
    rule = method.rule().x_next.xreplace(ctx.hyperparameters)
    shown = []
    for k in (3, 6, 9):
        e = sp.Rational(1, 10**k)
        point = star + e
        values = {X: point, G: f1.xreplace({x: point}), T: sp.S.One}
        if method.uses_newton_direction:
            values[NEWTON_DIRECTION] = f1.xreplace({x: point}) / f2.xreplace({x: point})
        after = sp.N(rule.xreplace(values) - star, 60)
        shown.append(f"e = 1e-{k}: e⁺/e^{p} = {show(sp.N(after / e**p, 8))}")
    return "; ".join(shown)


@register("error_constant", "asymptotic_error_constant",
          keys=("problem", "method", "hyperparameters", "at", "order", "rename", *NUMBER_KEYS))
def check_error_constant(claim: Claim) -> Verdict:
    """C = lim e_{k+1}/e_k^p at the limit x* (``at``, or f's one real stationary point).

    ``order`` states p (default: the order found); a p below the true order has
    C = 0, one above it no finite limit.
    """
    ctx = Context.of(claim)
    try:
        found = error_expansion(ctx)
    except UnsupportedError as exc:
        return Verdict.unknown(f"the error constant was not derived: {exc}")
    stated = ctx.value(claim.stated).xreplace(ctx.hyperparameters)
    if found is None:
        return Verdict.unknown("one step lands exactly on x* (e_1 = 0): the ratio "
                               "e_{k+1}/e_k^p is not defined after the first step")
    p, c, star = found
    wanted = p
    if claim.order is not None:
        order = ctx.value(claim.order)
        if not (order.is_integer and order.is_positive):
            raise ParseError(f"order must be a whole number ≥ 1, got {claim.order!r}")
        wanted = int(order)
    basis = (f"one step maps x* + e to x* + ({show(c)})·e^{p} + O(e^{p + 1}) at x* = "
             f"{show(star)} (Taylor series of the rule)")
    if wanted < p:
        correct, basis = sp.S.Zero, basis + f"; the order is {p} > {wanted}, so the limit is 0"
    elif wanted > p:
        result = "no finite limit"
        if c.is_zero is False:
            return Verdict.false(f"e_(k+1)/e_k^{wanted} has {result}: the order is {p}",
                                 correct=result, counterexample=basis, basis="exact")
        return Verdict.unknown(f"cannot tell whether C = {show(c)} is 0")
    else:
        correct = c
    signed = ctx.numbers(stated, correct)
    if signed.equal is True:
        return Verdict.true(f"lim e_(k+1)/e_k^{wanted} = {show(correct)} with e_k = x_k − x*: "
                            f"{basis}", correct=show(correct), basis=signed.basis)
    absolute = ctx.numbers(stated, sp.Abs(correct))
    if absolute.equal is True:
        return Verdict.true(f"lim |e_(k+1)|/|e_k|^{wanted} = {show(sp.Abs(correct))} (the "
                            f"signed limit with e_k = x_k − x* is {show(correct)}): {basis}",
                            correct=show(correct), basis=absolute.basis)
    if signed.equal is None:
        return Verdict.unknown(f"the constant is {show(correct)}: {signed.how}")
    return Verdict.false(f"lim e_(k+1)/e_k^{wanted} = {show(correct)} with e_k = x_k − x* "
                         f"(|·|: {show(sp.Abs(correct))})", correct=show(correct),
                         basis=signed.basis,
                         counterexample=f"{basis}; the rule itself near x*: "
                         f"{_ratios(ctx, star, wanted)}")
