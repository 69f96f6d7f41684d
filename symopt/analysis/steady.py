"""Steady states under a constant gradient: closed-form state, step and their limits.

With g constant, a state variable whose update is affine in itself,
s ← a·s + c (a, c free of x and t), is solved exactly:
sₜ = aᵗs₀ + c(1 − aᵗ)/(1 − a) (or s₀ + c·t when a = 1). The step xₜ − xₜ₋₁ then
follows from the rule with the states at step t − 1; its limit t → ∞ uses
aᵗ → 0 for a hyperparameter with domain [0, 1) (or a number |a| < 1). A
state that is not affine in itself (a max, a t-dependent factor) makes the
result unknown, with that reason.

>>> from symopt.methods import adam, heavy_ball
>>> hb = constant_gradient(heavy_ball()).value
>>> hb.limits, hb.step_limit
({b: -g/(beta - 1)}, alpha*g/(beta - 1))
>>> constant_gradient(adam()).value.step
-alpha*g/(epsilon + Abs(g))
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symopt.memo import Memo
from symopt.methods.base import Method
from symopt.result import Finding

__all__ = ["SteadyState", "constant_gradient"]


@dataclass(frozen=True)
class SteadyState:
    """Under a constant gradient g: the states after t steps, the t-th step and limits.

    ``step`` is xₜ − xₜ₋₁ (the classical velocity), ``effective_rate`` is
    −step/g (the learning rate the method effectively applies at step t).
    """

    states: dict[sp.Symbol, sp.Expr]
    limits: dict[sp.Symbol, sp.Expr]
    step: sp.Expr
    step_limit: sp.Expr
    effective_rate: sp.Expr


def constant_gradient(method: Method, **hyperparameters: object) -> Finding[SteadyState]:
    """Closed-form states and step of ``method`` when the gradient is a constant g.

    >>> from symopt.methods import adagrad
    >>> constant_gradient(adagrad()).value.effective_rate
    alpha/(epsilon + sqrt(t)*Abs(g))
    """
    rule = method.rule(**hyperparameters)
    found = _steady(rule.x_next, tuple(rule.state_next.items()), rule.x, rule.g, rule.t,
                    tuple((v.symbol, v.init) for v in method.state),
                    frozenset(_contracting(method, hyperparameters)))
    # A fresh Finding: the remembered one is never handed out to be changed.
    value = found.value
    if value is not None:
        value = SteadyState(dict(value.states), dict(value.limits), value.step,
                            value.step_limit, value.effective_rate)
    return Finding(value, found.reason, dict(found.evidence))


@Memo("constant gradient")
def _steady(x_next: sp.Expr, state_next: tuple, x: sp.Symbol, g: sp.Symbol, t: sp.Symbol,
            state: tuple, contracting: frozenset) -> Finding[SteadyState]:
    """The steady state of one update rule (remembered: the same rule is asked often)."""
    state_next = dict(state_next)
    states: dict[sp.Symbol, sp.Expr] = {}
    previous: dict[sp.Symbol, sp.Expr] = {}
    for s, s0 in state:
        update = sp.expand(state_next[s])
        if update.has(x) or update.has(*[o for o, _ in state if o != s]):
            return Finding.unknown(f"the update of {s} ({state_next[s]}) involves x or "
                                   "other states; no closed form under a constant gradient")
        poly = _affine(update, s)
        if poly is None or poly[0].has(t) or poly[1].has(t):
            return Finding.unknown(f"the update of {s}, {s} ← {state_next[s]}, is not "
                                   "affine in itself with constant coefficients; no closed "
                                   "form under a constant gradient")
        a, c = poly
        # a = 1 accumulates (AdaGrad); otherwise a geometric sum.
        value = s0 + c * t if a == 1 else a**t * s0 + c * (1 - a**t) / (1 - a)
        states[s] = sp.simplify(value)
        previous[s] = states[s].subs(t, t - 1)
    step = _simplify_powers(sp.powsimp((x_next - x).subs(previous)), t, contracting)
    limits = {s: _limit(v, t, contracting) for s, v in states.items()}
    step_limit = sp.simplify(_vanish(step, t, contracting))
    if step_limit.has(t):
        step_limit = sp.limit(step, t, sp.oo)
    effective = sp.simplify(-step / g)
    return Finding(SteadyState(states, limits, step, step_limit, effective),
                   "each state solved from s ← a·s + c with g constant; the step uses the "
                   "states at t − 1; limits take aᵗ → 0 for 0 ≤ a < 1")


def _affine(update: sp.Expr, s: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    try:
        poly = sp.Poly(update, s)
    except sp.PolynomialError:
        return None
    if poly.degree() > 1:
        return None
    coeffs = poly.all_coeffs()
    return (coeffs[0], coeffs[1]) if len(coeffs) == 2 else (sp.S.Zero, coeffs[0])


def _contracting(method: Method, hyperparameters: dict) -> set[sp.Expr]:
    """Bases known to lie in [0, 1): hyperparameters with that domain, or such numbers."""
    fixed = method.substitution(hyperparameters)
    bases: set[sp.Expr] = set()
    for hp in method.hyperparameters:
        domain = hp.domain
        if isinstance(domain, sp.Interval) and domain.start >= 0 and domain.end <= 1 \
                and domain.right_open:
            bases.add(fixed.get(hp.symbol, hp.symbol))
    return bases


def _simplify_powers(expr: sp.Expr, t: sp.Symbol, contracting: set[sp.Expr]) -> sp.Expr:
    """Simplify knowing 1 − aᵗ > 0 for contracting a and t ≥ 1 (e.g. √(1 − β₂ᵗ) cancels)."""
    gaps, back = {}, {}
    for base in contracting:
        if base.is_number:
            continue
        gap = sp.Dummy(f"gap_{base}", positive=True)
        gaps[base**t] = 1 - gap
        back[gap] = 1 - base**t
    simplified = sp.simplify(sp.factor(sp.simplify(expr.subs(gaps))))
    return sp.simplify(simplified.subs(back))


def _limit(expr: sp.Expr, t: sp.Symbol, contracting: set[sp.Expr]) -> sp.Expr:
    value = sp.simplify(_vanish(expr, t, contracting))
    return sp.limit(value, t, sp.oo) if value.has(t) else value


def _vanish(expr: sp.Expr, t: sp.Symbol, contracting: set[sp.Expr]) -> sp.Expr:
    """Replace aᵗ⁺ᶜ by 0 for contracting bases a (the t → ∞ limit of those powers)."""
    def is_decaying(e: sp.Basic) -> bool:
        if not (isinstance(e, sp.Pow) and e.exp.has(t)):
            return False
        base = e.base
        known = base in contracting or (base.is_number and abs(base) < 1)
        return known and sp.limit(e.exp, t, sp.oo) == sp.oo
    return expr.replace(is_decaying, lambda e: sp.S.Zero)
