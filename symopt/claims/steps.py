r"""Checkers for a method's step with a constant gradient g: the step Δ_t = x_t − x_{t−1}
as a formula in t (or after ``steps`` steps), and its limit as t → ∞.

The step is derived from the method's own rule: each state variable in closed form
(solved as a recurrence and verified by induction, as ``state`` claims are), put
into the update at step t.

>>> from symopt.claims import Claim, check
>>> check(Claim("step", "-alpha*sign(g)/sqrt(t)", method="adagrad",
...             hyperparameters={"epsilon": 0})).status
'true'
>>> v = check(Claim("step_limit", "-alpha*g", method="heavy_ball"))
>>> v.status, v.correct
('false', 'alpha*g/(beta - 1)')
"""

from __future__ import annotations

import sympy as sp

from symopt.claims.claim import Claim, Verdict, register
from symopt.claims.context import Context, show
from symopt.claims.equivalence import compare
from symopt.claims.expressions import decide, state_closed_form
from symopt.errors import ParseError, UnsupportedError

__all__ = ["constant_gradient_step", "limit_in_t", "unrolled_step"]


def unrolled_step(ctx: Context, steps: int) -> sp.Expr:
    """Δ at step ``steps`` (x_t − x_{t−1}) with a constant g, by applying the rule ``steps`` times.

    >>> from symopt.claims.claim import Claim
    >>> unrolled_step(Context.of(Claim("step", "0", method="heavy_ball")), 2)
    -alpha*g*(beta + 1)
    """
    from symopt.methods.base import G, T, X

    if not 1 <= steps <= 50:
        raise ParseError(f"steps must be between 1 and 50, got {steps}")
    method = ctx.method
    if method.uses_newton_direction:
        raise UnsupportedError("a Newton step needs a problem, not a constant gradient")
    rule, state = method.rule(), method.initial_state(X)
    step = sp.S.Zero
    for t in range(1, steps + 1):
        values = {X: X, G: G, T: sp.Integer(t), **state}
        step = rule.x_next.xreplace(values) - X
        state = {k: v.xreplace(values) for k, v in rule.state_next.items()}
    sub = ctx.hyperparameters
    return sp.simplify(step.xreplace(sub) if sub else step)


def constant_gradient_step(ctx: Context) -> sp.Expr | None:
    """Δ_t = x_t − x_{t−1} with a constant g, as a formula in t (None when not derived).

    Each state variable is put in closed form (:func:`state_closed_form`, verified by
    induction) and the update is read at step t from the state after t − 1 steps.

    >>> from symopt.claims.claim import Claim
    >>> constant_gradient_step(Context.of(Claim("step", "0", method="heavy_ball_ema")))
    alpha*g*(beta**t - 1)
    """
    from symopt.methods.base import T, X

    method = ctx.method
    if method.uses_newton_direction:
        raise UnsupportedError("a Newton step needs a problem, not a constant gradient")
    rule, start = method.rule(), method.initial_state(X)
    previous: dict[sp.Symbol, sp.Expr] = {}
    for k in rule.state_next:
        formula = state_closed_form(ctx, k)
        if formula is None:
            return None
        if compare(formula.xreplace({T: sp.S.Zero}), start[k]).equal is not True:
            return None  # the closed form does not give the initial state at t = 0
        previous[k] = formula.xreplace({T: T - 1})
    step = rule.x_next.xreplace(previous).xreplace(ctx.hyperparameters) - X
    return _tidy(sp.simplify(sp.powsimp(sp.expand(step), deep=True)))


def _tidy(expr: sp.Expr) -> sp.Expr:
    """−g(β₁ᵗ − 1)… as the texts write it: g(1 − β₁ᵗ)."""
    factored = sp.powsimp(sp.factor(expr))
    return factored if sp.count_ops(factored) <= sp.count_ops(expr) else sp.powsimp(expr)


@register("step", "step_at_t", keys=("method", "hyperparameters", "steps", "rename"))
def check_step(claim: Claim) -> Verdict:
    """The step Δ_t = x_t − x_{t−1} with a constant gradient g: a formula in t, or after ``steps``.

    A formula is compared with the derived Δ_t for every step t ≥ 1 and every g
    (AdaGrad with ε = 0: Δ_t = −α g/√(t g²) = −α·sign(g)/√t).
    """
    from symopt.methods.base import T

    ctx = Context.of(claim)
    stated = ctx.value(claim.stated)
    if claim.steps is not None:
        steps = int(claim.steps)
        correct = unrolled_step(ctx, steps)
        return decide(compare(stated.xreplace({T: sp.Integer(steps)}), correct), correct,
                      f"the step x_{steps} − x_{steps - 1} with a constant g (rule applied "
                      f"{steps} time(s) from the method's initial state)")
    correct = constant_gradient_step(ctx)
    if correct is None:
        return Verdict.unknown(f"the state of {ctx.method.name} with a constant g was not put in "
                               "closed form, so Δ_t is not derived as a formula in t")
    verdict = decide(compare(stated, correct), correct,
                     "Δ_t = x_t − x_{t−1} with a constant g, for every t ≥ 1 (the state in "
                     "closed form, verified by induction)")
    if verdict.status == "false":
        for t in range(1, 6):
            early = unrolled_step(ctx, t)
            at = stated.xreplace({T: sp.Integer(t)})
            if compare(at, early).equal is False:
                from dataclasses import replace

                return replace(verdict, counterexample=f"t = {t}: the rule applied {t} "
                               f"time(s) gives Δ = {show(early)}, the formula {show(at)}")
    return verdict


def limit_in_t(expr: sp.Expr, ctx: Context) -> sp.Expr:
    """lim_{t→∞} of an expression in t and the method's hyperparameters, within their domains.

    A hyperparameter in [0, 1) (β, β₁, ρ) is written β = s/(1 + s) with s > 0 so that
    βᵗ → 0 is known, and β = 0 is taken separately; a Piecewise results when the two
    disagree.

    >>> from symopt.claims.claim import Claim
    >>> from symopt.parse import parse_expr
    >>> ctx = Context.of(Claim("step_limit", "0", method="heavy_ball_ema"))
    >>> limit_in_t(parse_expr("-alpha*g*(1 - beta**t)"), ctx)  # safe: symopt.parse
    -alpha*g
    """
    from symopt.methods.base import T

    if T not in expr.free_symbols:
        return expr
    n = sp.Dummy("t", positive=True)
    expr = expr.xreplace({T: n})
    unit, positive = {}, {}
    for h in ctx.method.hyperparameters:
        s = h.symbol
        if s not in expr.free_symbols:
            continue
        if h.domain.is_subset(sp.Interval(0, 1)) and h.domain.sup == 1 and 1 not in h.domain:
            unit[s] = (sp.Dummy(f"{s.name}_s", positive=True), 0 in h.domain)
        elif h.domain.is_subset(sp.Interval.open(0, sp.oo)):
            positive[s] = sp.Dummy(s.name, positive=True)
    back = {d: s / (1 - s) for s, (d, _) in unit.items()}
    back.update({d: s for s, d in positive.items()})
    result = _vanishing_powers(expr, n, unit)
    if result is None:
        inner = expr.xreplace({**{s: d / (1 + d) for s, (d, _) in unit.items()}, **positive})
        found = sp.limit(inner, n, sp.oo)
        if found.has(sp.Limit):
            raise UnsupportedError(f"SymPy could not take lim_(t→∞) of {show(expr)}")
        result = sp.simplify(found.xreplace(back))
    for s, (_, zero) in unit.items():
        if not zero:
            continue
        at_zero = sp.limit(expr.xreplace({s: 0}).xreplace(
            {o: d for o, d in positive.items()}), n, sp.oo).xreplace(back)
        if compare(sp.simplify(at_zero), result.xreplace({s: 0})).equal is not True:
            result = sp.Piecewise((at_zero, sp.Eq(s, 0)), (result, True))
    return result


def _vanishing_powers(expr: sp.Expr, n: sp.Symbol, unit: dict) -> sp.Expr | None:
    """The limit when t enters only through powers βᵗ⁺ᶜ of hyperparameters 0 < β < 1.

    Each such power is z·β^c with z = βᵗ → 0⁺; the limit is then one in z at 0 from
    the right (continuous in z for the rules of symopt's methods). None when t appears
    otherwise, or the limit in z is not found.
    """
    powers = {}
    for p in expr.atoms(sp.Pow):
        if p.base in unit and n in p.exp.free_symbols:
            coefficient, rest = sp.expand(p.exp).as_independent(n, as_Add=True)
            slope = sp.simplify(rest / n)
            if not (slope.is_number and slope.is_positive):
                return None
            z = sp.Dummy(f"{p.base.name}_t", positive=True)
            powers[p] = (z, p.base**coefficient * z**slope)
    replaced = expr.xreplace({p: v for p, (_, v) in powers.items()})
    if n in replaced.free_symbols or not powers:
        return None
    for z, _ in powers.values():
        replaced = sp.limit(replaced, z, 0, "+")
        if replaced.has(sp.Limit) or replaced.has(sp.nan, sp.zoo):
            return None
    return sp.simplify(replaced)


@register("step_limit", "limit_of_step", keys=("method", "hyperparameters", "rename"))
def check_step_limit(claim: Claim) -> Verdict:
    """lim_{t→∞} Δ_t of the step with a constant gradient g (AdaGrad: 0; Adam: −αg/(|g| + ε))."""
    ctx = Context.of(claim)
    step = constant_gradient_step(ctx)
    if step is None:
        return Verdict.unknown(f"the state of {ctx.method.name} with a constant g was not put in "
                               "closed form, so Δ_t is not derived as a formula in t")
    correct = limit_in_t(step, ctx)
    stated = ctx.value(claim.stated)
    return decide(compare(stated, correct), correct,
                  f"lim_(t→∞) Δ_t with a constant g, Δ_t = {show(step)} (the state in closed "
                  "form, verified by induction)")
