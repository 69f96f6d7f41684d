r"""Checker for a bound on a method's step over every gradient sequence: sup |Δ_t|.

Kingma & Ba (2015, §2.1) bound Adam's effective step Δ_t = α·m̂_t/√v̂_t (ε = 0):
|Δ_t| ≤ α(1 − β₁)/√(1 − β₂) when 1 − β₁ > √(1 − β₂), |Δ_t| ≤ α otherwise. Such a
claim is about every sequence g_1, …, g_t and every t, and is decided here from
the method's own rule:

- each state variable is a linear recurrence s_t = A·s_{t−1} + B·u_t with u = g or
  g² from s_0 = 0, so s_{t−1} = Σ_{i<t} B·A^{t−1−i}·u_i;
- the ε-free step is then Δ_t² = (Σ_i l_i g_i)² / Σ_i q_i g_i² (read off the rule),
  and by the Cauchy–Schwarz inequality sup_g Δ_t² = Σ_i l_i²/q_i, attained at
  g_i ∝ l_i/q_i (or ∞ when some q_i = 0 with l_i ≠ 0);
- a stated bound B is proved when B² − sup Δ_t² ≥ 0 is decided for every t ≥ 1 and
  every admissible hyperparameter, and refuted by an explicit gradient sequence on
  which the method's rule, run exactly, takes a step larger than B.

ε > 0 only enlarges the denominator, so the supremum is the same and not attained:
the verdict says when that was checked on the rule.

>>> from symopt.claims import Claim, check
>>> check(Claim("step_bound", "alpha", method="adagrad")).status
'true'
"""

from __future__ import annotations

import itertools

import sympy as sp

from symopt.claims.claim import Claim, Verdict, register
from symopt.claims.context import Context, show
from symopt.errors import ParseError, UnsupportedError

__all__ = ["StepSupremum", "step_supremum"]

#: Steps t tried when a bound is searched for a counterexample.
_TIMES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 100, 160, 250, 400)
#: Values tried for a hyperparameter in [0, 1) (β₁, β₂, ρ) and for one in (0, ∞).
_UNIT = ("0", "1/10", "1/2", "9/10", "99/100", "999/1000", "1/100")
_POSITIVE = ("1", "1/1000", "10")


class StepSupremum:
    """sup over gradient sequences of Δ_t² = Σ_i l_i²/q_i, with the weights that give it.

    ``value`` is the supremum of Δ_t² (a formula in t and the hyperparameters);
    ``last`` = (l_t², q_t) the current gradient's weights, ``past`` = (l², q, A_l, A_q)
    the weights of g_{t−1−j}: l² · A_l^{2j} and q · A_q^j; ``cross`` the sign of
    l_t·l_i.
    """

    def __init__(self, value, last, past, cross, epsilon_note):
        self.value, self.last, self.past = value, last, past
        self.cross, self.epsilon_note = cross, epsilon_note


def _linear_state(update: sp.Expr, k: sp.Symbol, g: sp.Symbol, others: set):
    """(A, B, power) with update = A·k + B·g^power, or None."""
    a = sp.diff(update, k)
    rest = sp.expand(update - a * k)
    if a.free_symbols & (others | {g, k}):
        return None
    for power in (1, 2):
        b = sp.cancel(rest / g**power)
        if not b.free_symbols & (others | {g, k}):
            return a, b, power
    return None


def step_supremum(ctx: Context) -> StepSupremum:
    """sup over all gradient sequences of the ε-free step Δ_t², in closed form in t.

    >>> from symopt.claims.claim import Claim
    >>> step_supremum(Context.of(Claim("step_bound", "0", method="adagrad"))).value
    alpha**2
    """
    from symopt.methods.base import NEWTON_DIRECTION, G, T, X

    method = ctx.method
    if method.uses_newton_direction:
        raise UnsupportedError("a Newton step is not a function of the gradients alone")
    rule = method.rule()
    sub = dict(ctx.hyperparameters)
    eps = [h.symbol for h in method.hyperparameters if h.symbol.name == "epsilon"]
    free_sub = {**sub, **{e: sp.S.Zero for e in eps}}
    start = method.initial_state(X)
    states = set(rule.state_next)
    if any(start[k] != 0 for k in states):
        raise UnsupportedError("the state does not start at 0")
    linear, quadratic = [], []
    for k, update in rule.state_next.items():
        found = _linear_state(update.xreplace(free_sub), k, G, states - {k} | {X, T})
        if found is None:
            raise UnsupportedError(f"the update of {k} is not a linear recurrence in g or g² "
                                   f"({show(update)})")
        (linear if found[2] == 1 else quadratic).append((k, found[0], found[1]))
    if len(linear) > 1 or len(quadratic) > 1:
        raise UnsupportedError("more than one state variable of each kind")
    step = (rule.x_next - X).xreplace(free_sub)
    if step.has(NEWTON_DIRECTION) or X in step.free_symbols:
        raise UnsupportedError("the step depends on more than the gradients")
    numerator, denominator = sp.fraction(sp.cancel(sp.together(sp.expand(step**2))))
    m = linear[0][0] if linear else sp.Dummy("m")
    v = quadratic[0][0] if quadratic else sp.Dummy("v")
    w = sp.Dummy("w")  # g² in the denominator
    den_expr = sp.expand(denominator)
    try:
        num = sp.Poly(sp.expand(numerator), G, m)
        if v in den_expr.free_symbols or quadratic:
            den = sp.Poly(den_expr.xreplace({G**2: w}), w, v)
        else:
            den = sp.Poly(den_expr.xreplace({G**2: w}), w)
    except sp.PolynomialError:
        raise UnsupportedError(f"the ε-free step is not of the form (Σ l_i g_i)/√(Σ q_i g_i²) "
                               f"({show(step)})") from None
    if G in den_expr.xreplace({G**2: w}).free_symbols or \
            any(sum(mon) != 2 for mon in num.monoms()) or \
            any(sum(mon) != 1 for mon in den.monoms()):
        raise UnsupportedError(f"the ε-free step is not of the form (Σ l_i g_i)/√(Σ q_i g_i²) "
                               f"({show(step)})")
    n_g, n_m, n_gm = (num.coeff_monomial(G**2), num.coeff_monomial(m**2),
                      num.coeff_monomial(G * m))
    discriminant = sp.expand(n_gm**2 - 4 * n_g * n_m)
    if discriminant != 0 and sp.expand(sp.powsimp(discriminant, deep=True)) != 0 and \
            sp.simplify(discriminant) != 0:
        raise UnsupportedError("the step's numerator is not the square of one linear form")
    d_g = den.coeff_monomial(w)
    d_v = den.coeff_monomial(v) if len(den.gens) > 1 else sp.S.Zero
    last = (sp.factor(n_g), sp.factor(d_g))
    if linear:
        _, a_m, b_m = linear[0]
    else:
        a_m, b_m = sp.S.Zero, sp.S.Zero
    if quadratic:
        _, a_v, b_v = quadratic[0]
    else:
        a_v, b_v = sp.S.One, sp.S.Zero
    l2 = sp.factor(n_m * b_m**2)
    q = sp.factor(d_v * b_v)
    j = sp.Dummy("j", integer=True, nonnegative=True)
    tail = sp.S.Zero if l2 == 0 else l2 / q * sp.Sum((a_m**2 / a_v) ** j, (j, 0, T - 2)).doit()
    value = last[0] / last[1] + tail
    if not value.has(sp.Piecewise):
        value = sp.factor(value)
    cross = sp.sign(sp.simplify(n_gm)) if n_gm != 0 else sp.S.One
    note = ""
    if eps and eps[0] not in sub:
        note = _epsilon_note(rule, eps[0], sub, X)
    return StepSupremum(value, last, (l2, q, a_m, a_v), cross, note)


def _epsilon_note(rule, eps: sp.Symbol, sub: dict, x: sp.Symbol) -> str:
    """Whether ε > 0 only shrinks the step: Δ_ε = Δ_0·R/(R + ε) with R ≥ 0."""
    with_eps = (rule.x_next - x).xreplace(sub)
    free = with_eps.xreplace({eps: 0})
    try:
        ratio = sp.simplify(with_eps / free)
        r = sp.simplify(eps * ratio / (1 - ratio))
    except (ZeroDivisionError, TypeError, ValueError):
        return ""
    if eps in r.free_symbols or not (r.is_nonnegative or _root_form(r)):
        return ""
    return (f"ε > 0: Δ_ε = Δ_0·R/(R + ε) with R = {show(r)} ≥ 0, so |Δ_ε| < |Δ_0| on every "
            "sequence, and Δ_ε → Δ_0 as the gradients are scaled up: the supremum is the "
            "same for every ε ≥ 0, attained only for ε = 0")


def _root_form(r: sp.Expr) -> bool:
    """R is a product of nonnegative numbers, square roots and |·| (√v̂ in Adam)."""
    factors = sp.Mul.make_args(r)
    return all(f.is_nonnegative or isinstance(f, sp.Abs) or
               (isinstance(f, sp.Pow) and f.exp == sp.S.Half) for f in factors)


def _unit_substitution(ctx: Context, expr: sp.Expr) -> tuple[sp.Expr, dict]:
    """Hyperparameters in [0, 1) written s/(1 + s) (s ≥ 0), others positive dummies."""
    mapping, back = {}, {}
    for h in ctx.method.hyperparameters:
        s = h.symbol
        if s not in expr.free_symbols:
            continue
        if h.domain == sp.Interval.Ropen(0, 1):
            d = sp.Dummy(s.name, nonnegative=True)
            mapping[s], back[d] = d / (1 + d), s
        elif h.domain == sp.Interval.open(0, 1):
            d = sp.Dummy(s.name, positive=True)
            mapping[s], back[d] = d / (1 + d), s
        elif h.domain.is_subset(sp.Interval.open(0, sp.oo)):
            d = sp.Dummy(s.name, positive=True)
            mapping[s], back[d] = d, s
    return expr.xreplace(mapping), back


def _grid(ctx: Context, symbols: set, condition) -> list[dict]:
    """Points of the hyperparameters (in their domains) where ``condition`` holds."""
    names, choices = [], []
    for h in ctx.method.hyperparameters:
        if h.symbol not in symbols:
            continue
        if h.domain.is_subset(sp.Interval(0, 1)):
            values = [sp.Rational(v) for v in _UNIT if sp.Rational(v) in h.domain]
        else:
            values = [sp.Rational(v) for v in _POSITIVE if sp.Rational(v) in h.domain]
        names.append(h.symbol)
        choices.append(values)
    points = []
    for values in itertools.product(*choices):
        point = dict(zip(names, values))
        if condition is sp.true or bool(condition.xreplace(point)) is True:
            points.append(point)
    return points


def _sequence(found: StepSupremum, t: int, point: dict) -> list[sp.Expr]:
    """g_1, …, g_t with g_i ∝ l_i/q_i: the sequence on which |Δ_t| is largest."""
    from symopt.methods.base import T

    point = {**point, T: sp.Integer(t)}
    l2_last, q_last = (e.xreplace(point) for e in found.last)
    l2, q, a_l, a_q = (e.xreplace(point) for e in found.past)
    gs = []
    for i in range(1, t):
        jj = t - 1 - i
        weight_q = q * a_q**jj
        weight_l2 = l2 * a_l ** (2 * jj)
        if weight_l2 == 0:
            gs.append(sp.S.Zero)
            continue
        if weight_q == 0:
            return []
        # l_i/q_i relative to l_t/q_t, with l_i = √(weight_l2)·sign
        gs.append(found.cross.xreplace(point) *
                  sp.sqrt(weight_l2 / l2_last) * q_last / weight_q)
    return [*gs, sp.S.One]


def _run_step(ctx: Context, gradients: list[sp.Expr], point: dict) -> sp.Expr:
    """Δ_t of the method's own rule (ε = 0) on the given gradients, to 60 digits.

    The rule is evaluated with mpmath at 60 digits (its symbols are the method's own
    names, never text from the claim).
    """
    import mpmath

    from symopt.methods.base import NEWTON_DIRECTION, G, T, X

    method, rule = ctx.method, ctx.method.rule()
    values = {**ctx.hyperparameters, **point}
    for h in method.hyperparameters:
        if h.symbol.name == "epsilon":
            values[h.symbol] = sp.S.Zero
    names = list(rule.state_next)
    args = [X, G, T, *names]
    x_next = rule.x_next.xreplace(values)
    updates = [rule.state_next[k].xreplace(values) for k in names]
    if any(e.free_symbols - set(args) for e in (x_next, *updates)) or \
            x_next.has(NEWTON_DIRECTION):
        return sp.Symbol("undetermined")
    step_fn = sp.lambdify(args, x_next - X, modules="mpmath")
    state_fns = [sp.lambdify(args, u, modules="mpmath") for u in updates]
    start = method.initial_state(X)
    with mpmath.workdps(60):
        state = [mpmath.mpf(sp.N(start[k], 60)) for k in names]
        step = mpmath.mpf(0)
        for t, g in enumerate(gradients, start=1):
            at = [mpmath.mpf(0), mpmath.mpf(sp.N(g, 60)), mpmath.mpf(t), *state]
            if t == len(gradients):  # earlier steps (0/0 at g = 0 with ε = 0) are not used
                step = step_fn(*at)
            state = [f(*at) for f in state_fns]
        return sp.Float(step, 60)


@register("step_bound", "step_supremum", keys=("method", "hyperparameters", "steps", "where",
                                               "rename"))
def check_step_bound(claim: Claim) -> Verdict:
    """|Δ_t| ≤ stated for every gradient sequence and every t ≥ 1 (or at t = ``steps``).

    ``where`` restricts the hyperparameters (``"1 - beta_1 > sqrt(1 - beta_2)"``).
    """
    from symopt.claims.derived import _condition
    from symopt.methods.base import T

    ctx = Context.of(claim)
    stated = ctx.value(claim.stated).xreplace(ctx.hyperparameters)
    if isinstance(stated, sp.MatrixBase) or (stated.is_number and stated.is_negative):
        raise ParseError(f"a step bound is one nonnegative expression, got {claim.stated!r}")
    try:
        found = step_supremum(ctx)
    except UnsupportedError as exc:
        unbounded = _one_large_gradient(ctx, stated)
        if unbounded is not None:
            return unbounded
        return Verdict.unknown(f"the supremum of the step over gradient sequences was not "
                               f"derived: {exc}")
    times: tuple[int, ...] = _TIMES
    value = found.value
    where = "every t ≥ 1"
    if claim.steps is not None:
        steps = int(claim.steps)
        if not 1 <= steps <= 10000:
            raise ParseError(f"steps must be between 1 and 10000, got {steps}")
        value, times, where = sp.simplify(value.xreplace({T: steps})), (steps,), f"t = {steps}"
    condition = _condition(ctx, stated, value)
    if condition is sp.false:
        return Verdict.unknown(f"the condition {claim.where!r} excludes the given "
                               "hyperparameters: the claim says nothing about them")
    sup_text = f"sup over gradient sequences of Δ_t² = {show(value)} (Cauchy–Schwarz)"
    evidence = [sup_text, *([f"note: {found.epsilon_note}"] if found.epsilon_note else []),
                "ε = 0: the step Kingma & Ba analyse; a sequence of zeros has no step"]
    symbols = (value.free_symbols | stated.free_symbols) - {T}
    points = _grid(ctx, symbols, condition)
    for point, t in itertools.product(points, times):
        sup2 = value.xreplace(point).xreplace({T: t})
        bound = stated.xreplace(point).xreplace({T: t})
        if not bound.is_number:
            continue
        if sup2.has(sp.zoo, sp.oo, sp.nan):
            # a weight q_i = 0 (β₂ = 0): the step may be unbounded; a run decides
            unbounded = _vanishing_last_gradient(ctx, point, t, bound)
            if unbounded is not None:
                return unbounded
            continue
        if sp.N(sup2 - bound**2, 30) > sp.Float("1e-25", 30) * (1 + sp.N(bound**2, 30)):
            return _refuted(ctx, found, point, t, bound, sup2, evidence)
    limit_text = ""
    if claim.steps is None:
        try:
            from symopt.claims.steps import limit_in_t

            limit = limit_in_t(sp.sqrt(value), ctx)
            limit_text = f"; as t → ∞ it tends to {show(limit)}"
        except (UnsupportedError, NotImplementedError, ValueError, TypeError):
            pass
    gap = stated**2 - value if condition is sp.true else None
    if gap is not None:
        inner, _ = _unit_substitution(ctx, sp.expand(gap))
        for form in (inner, sp.simplify(inner), sp.factor(sp.simplify(inner))):
            if form.is_nonnegative and (stated.is_nonnegative or
                                        _unit_substitution(ctx, stated)[0].is_nonnegative):
                return Verdict.true(f"|Δ_t| ≤ {show(stated)} for every gradient sequence and "
                                    f"{where}: stated² − sup Δ_t² = {show(sp.simplify(gap))} "
                                    f"≥ 0{limit_text}", *evidence,
                                    correct=show(sp.sqrt(value)), basis="exact")
    return Verdict.unknown(f"no gradient sequence breaks |Δ_t| ≤ {show(stated)} at "
                           f"{len(points)} hyperparameter point(s) × {len(times)} value(s) of "
                           f"t, but it is not proved{limit_text}", *evidence)


def _one_large_gradient(ctx: Context, stated: sp.Expr) -> Verdict | None:
    """A first step Δ_1 larger than the bound, for one gradient g_1 = 10ᵏ (or None).

    For methods whose step grows with the gradient (gradient descent, momentum) no
    finite bound holds; the rule itself, run on g_1, shows it.
    """
    from symopt.methods.base import NEWTON_DIRECTION, T, X

    method = ctx.method
    if method.uses_newton_direction or X in (method.rule().x_next - X).free_symbols:
        return None
    symbols = stated.free_symbols | {h.symbol for h in method.hyperparameters}
    condition = sp.true
    if ctx.claim.where:
        from symopt.claims.derived import _condition

        condition = _condition(ctx, stated)
    for point in _grid(ctx, symbols - set(ctx.hyperparameters), condition)[:20]:
        bound = stated.xreplace(point).xreplace({T: 1})
        if not bound.is_number:
            continue
        for k in (1, 3, 6, 12):
            g = sp.Integer(10) ** k
            step = _run_step(ctx, [g], point)
            if step.has(NEWTON_DIRECTION) or not step.is_number:
                return None
            if abs(step) > sp.N(bound, 60):
                at = ", ".join(f"{s} = {show(v)}" for s, v in point.items())
                return Verdict.false(
                    f"the step is not bounded over gradients (at {at})", correct="∞",
                    basis="counterexample",
                    counterexample=f"one gradient g_1 = 10^{k} gives, by the method's rule, "
                    f"Δ_1 = {show(sp.N(step, 10))}, |Δ_1| > {show(sp.N(bound, 10))}")
    return None


def _vanishing_last_gradient(ctx: Context, point: dict, t: int, bound: sp.Expr
                             ) -> Verdict | None:
    """g_1 = … = g_{t−1} = 1, g_t = 10⁻ᵏ: a step beyond the bound when a weight q_i is 0."""
    if t < 2:
        return None
    for k in (1, 3, 6, 12):
        gradients = [sp.S.One] * (t - 1) + [sp.Rational(1, 10**k)]
        step = _run_step(ctx, gradients, point)
        if step.is_number and abs(step) > sp.N(bound, 60):
            at = ", ".join(f"{s} = {show(v)}" for s, v in point.items())
            return Verdict.false(
                f"at {at}, t = {t}: the step is unbounded (a past gradient has weight 0 in "
                "the denominator)", correct="∞", basis="counterexample",
                counterexample=f"{'g_1' if t == 2 else f'g_1 = … = g_{t - 1}'} = 1, "
                f"g_{t} = 10^-{k} give, by the "
                f"method's rule run at 60 digits with ε = 0, Δ_{t} = {show(sp.N(step, 10))}, "
                f"|Δ_{t}| > {show(sp.N(bound, 10))}")
    return None


def _refuted(ctx: Context, found: StepSupremum, point: dict, t: int, bound: sp.Expr,
             sup2: sp.Expr, evidence: list[str]) -> Verdict:
    at = ", ".join(f"{k} = {show(v)}" for k, v in point.items())
    gradients = _sequence(found, t, point)
    sup = sp.sqrt(sup2)
    summary = (f"at {at}, t = {t}: sup |Δ_t| = {show(sp.N(sup, 8))} > {show(sp.N(bound, 8))}")
    if not gradients:
        unbounded = _vanishing_last_gradient(ctx, point, t, bound)
        if unbounded is not None:
            return unbounded
        return Verdict.unknown(summary + "; no sequence was built to show it", *evidence)
    step = _run_step(ctx, gradients, point)
    shown = ", ".join(show(sp.N(g, 6)) for g in gradients[-6:])
    more = "…, " if len(gradients) > 6 else ""
    counter = (f"the gradients g_1, …, g_{t} = {more}{shown} (g_i ∝ l_i/q_i) give, by the "
               f"method's rule run at 60 digits with ε = 0, Δ_{t} = {show(sp.N(step, 10))}, "
               f"|Δ_{t}| > {show(sp.N(bound, 10))}")
    if abs(step) <= sp.N(bound, 60):
        return Verdict.unknown(summary + "; but the sequence built to attain it did not "
                               "break the bound when run", *evidence)
    return Verdict.false(summary, correct=f"sup |Δ_t| = {show(sp.sqrt(found.value))}",
                         counterexample=counter, evidence=tuple(evidence),
                         basis="counterexample")
