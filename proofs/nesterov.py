"""Nesterov's accelerated gradient: the look-ahead form and the O(1/T²) rate.

Seed 002 writes NAG as v ← βv − α∇J(θ + βv), θ ← θ + v (gradient at the
look-ahead point) and says momentum achieves O(1/T) on convex functions while NAG
achieves the optimal O(1/T²). symopt's ``nesterov`` is torch.optim.SGD's form
(b ← βb + g, x ← x − α(g + βb)); the first entry proves the two are the same
method; the second is the class statement, certified for every T by a potential for the
look-ahead form with β_t = (t − 1)/(t + 2).
"""

import sympy as sp

from symopt import Problem
from symopt.catalogue import Outcome, claim, iterate
from symopt.methods import nesterov
from symopt.symbols import symbol

alpha, beta, g, x, b = (symbol(n) for n in ("alpha", "beta", "g", "x", "b"))


@claim("002-nag-lookahead", basis="exact", seed="002", where="Nesterov Accelerated Gradient (NAG)",
       quote="instead of computing the gradient at the current position, compute it at the "
       "lookahead position (where momentum would take you)",
       stated="v' = βv − α∇J(θ + βv), θ' = θ + v' is Nesterov's method",
       perturbed={"look": 0})
def lookahead(look=1):
    """With y = θ + βv (the look-ahead point) and b = −v/α, the text's step maps (y, v) exactly
    as symopt's torch-form rule maps (x, b); an exact 8-step run on ½(x² + 10y²) agrees."""
    theta, v = symbol("theta"), symbol("v")
    v_new = beta * v - alpha * g  # g is ∇J at the look-ahead point y = θ + βv
    theta_new = theta + v_new
    y_new = theta_new + beta * v_new
    x_next, state = nesterov().step(theta + beta * v, g, {b: -v / alpha}, symbol("t"))
    algebra = (sp.simplify(y_new - x_next) == 0
               and sp.simplify(v_new + alpha * state[b]) == 0)
    problem = Problem("(x**2 + 10*y**2)/2")
    path = iterate(problem, nesterov(), [1, 1], 8, alpha="0.05", beta="0.9")
    # the text's recursion, run as the text writes it (the claim under test)
    th, vel = sp.Matrix([1, 1]), sp.zeros(2, 1)
    a, bt = sp.Rational(1, 20), sp.Rational(9, 10)
    ok = True
    for k in range(1, 9):
        ahead = th + look * bt * vel  # look = 0: the gradient at θ (heavy ball), not ahead
        vel = bt * vel - a * problem.at(problem.gradient, list(ahead))
        th = th + vel
        ok = ok and list(th + bt * vel) == path[k]
    return Outcome.check(algebra and ok, r"y = \theta + \beta v:\ y' = y - (1+\beta)\alpha g "
                         r"+ \beta^2 v\ \text{(both forms)}",
                         "symbolic identity of one step, and 8 exact steps of the text's "
                         "recursion whose look-ahead points equal symopt's Nesterov iterates.")


#: The fast gradient method: β_t = (t − 1)/(t + 2) (t = 1 on the first step) is part of it.
_STEP = "(t - 1)/(t + 2)"
#: Numbers of steps and Huber thresholds τ = j/120 searched for an exact counterexample.
_STEPS, _TAUS = range(1, 9), tuple(sp.Rational(j, 120) for j in range(1, 120))


def _huber_gap(rule, tau, steps):
    """f(x_T) − f* of the method's own rule (L = 1) on the Huber function h_τ(x) = x²/2 for
    |x| ≤ τ and τ|x| − τ²/2 beyond (1-smooth, convex, minimised at 0) from x₀ = 1, exactly.
    The rule's parameters hold y_k, its state z the reported iterate x_k."""
    (z,) = rule.state_next
    y, x = sp.Integer(1), sp.Integer(1)
    for t in range(1, steps + 1):
        at = {rule.x: y, z: x, rule.g: max(-tau, min(tau, y)), rule.t: t}
        y, x = rule.x_next.xreplace(at), rule.state_next[z].xreplace(at)
    return x**2 / 2 if abs(x) <= tau else tau * abs(x) - tau**2 / 2


@claim("002-nag-rate", basis="certificate", seed="002", where="Nesterov Accelerated Gradient (NAG)",
       quote="for convex functions, momentum achieves O(1/T) convergence while NAG achieves the "
       "optimal O(1/T²) rate", stated="NAG: f(x_T) − f* ≤ 2L‖x₀ − x*‖²/(T + 1)² for every "
       "L-smooth convex f and every T",
       note="the theorem (Nesterov 1983) uses α = 1/L and β_t = (t − 1)/(t + 2) in the "
       "look-ahead form the seed writes; an exact potential certificate for every T",
       perturbed={"power": 3})
def nag_rate(constant=2, power=2):
    """The fast gradient method — seed 002's NAG in its look-ahead form,
    ``nesterov(form="lookahead", momentum=(t − 1)/(t + 2))`` with α = 1/L, measured at its
    reported iterate x_T — over every L-smooth convex f with ‖x₀ − x*‖ ≤ R.

    What this rests on: the potential certificate ``fast_gradient_convex``
    (:mod:`symopt.guarantees.lyapunov`; Beck & Teboulle 2009, Lemma 4.1): with
    t_k = (k + 1)/2, φ_k = t_k²(f(x_k) − f*) + (L/2)‖x_k + t_{k+1}(y_k − x_k) − x*‖² does not
    increase for any k ≥ 0 (one exact certificate with multipliers rational in k, read from
    the method's rule), φ_1 ≤ (L/2)R², and f(x_N) − f* ≤ φ_N/t_N², so the bound holds for
    every T ≥ 1 (symbolic T and L). A wrong constant or power is not certified, and is refuted
    by an exact point of the class: the method's rule run exactly on a Huber function,
    2LR²/(T + 1)³ at T = 2 (τ = 1/5: f(x_2) − f* = 1/10 > 2/27), LR²/(T + 1)² at T = 3
    (τ = 2/15: 1/15 > 1/16)."""
    from symopt.guarantees import smooth_convex
    from symopt.guarantees.lyapunov import N, R, certify

    L, T = symbol("L"), symbol("T")
    stated = constant * L * R**2 / (T + 1) ** power
    method = nesterov(form="lookahead", momentum=_STEP)
    proof = certify("fast_gradient_convex", smooth_convex(L), method, stated=stated.subs(T, N))
    found = proof.verify()
    certified = proof.certified_bound().subs(N, T)
    if found.value is True:
        return Outcome.check(True, sp.latex(stated), "Exact potential certificate for every T "
                             "(symbolic T and L), from the look-ahead rule with α = 1/L and β_t = "
                             f"(t − 1)/(t + 2): {found.reason}")
    rule = method.rule(alpha=1)
    for steps in _STEPS:
        bound = stated.subs({L: 1, R: 1, T: steps})
        worst, tau = max((_huber_gap(rule, tau, steps), tau) for tau in _TAUS)
        if worst > bound:
            return Outcome.check(False, sp.latex(certified),
                                 f"Counterexample (exact): at T = {steps}, L = R = 1, the Huber "
                                 f"function with τ = {tau} (1-smooth convex, x* = 0, x₀ = 1) has "
                                 f"f(x_T) − f* = {worst} > {bound}, the rule run exactly in "
                                 f"rationals. The certified bound is {certified}: "
                                 f"{found.reason}")
    return Outcome.unknown(f"the stated bound is not shown ≥ the certified {certified} and no "
                           f"exact counterexample was found for T ≤ {_STEPS[-1]}: "
                           f"{found.reason}")
