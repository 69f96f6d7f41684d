"""Nesterov's accelerated gradient: the look-ahead form and the O(1/T²) rate.

Seed 002 writes NAG as v ← βv − α∇J(θ + βv), θ ← θ + v (gradient at the
look-ahead point) and says momentum achieves O(1/T) on convex functions while NAG
achieves the optimal O(1/T²). symopt's ``nesterov`` is torch.optim.SGD's form
(b ← βb + g, x ← x − α(g + βb)); the first entry proves the two are the same
method, the second checks the rates on a family of convex quadratics.
"""

import sympy as sp

from symopt import Problem
from symopt.catalogue import Outcome, claim, iterate
from symopt.methods import gradient_descent, nesterov
from symopt.symbols import symbol

alpha, beta, g, x, b = (symbol(n) for n in ("alpha", "beta", "g", "x", "b"))


@claim("002-nag-lookahead", seed="002", where="Nesterov Accelerated Gradient (NAG)",
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


def _gap(problem, path):
    f = sp.lambdify(problem.variables, problem.objective, modules="math", dummify=True)
    return [f(*p) for p in path]


@claim("002-nag-rate", seed="002", where="Nesterov Accelerated Gradient (NAG)",
       quote="for convex functions, momentum achieves O(1/T) convergence while NAG achieves the "
       "optimal O(1/T²) rate", stated="NAG: f(x_T) − f* ≤ 2L‖x₀ − x*‖²/(T + 1)²; plain GD only "
       "O(1/T)", note="the theorem (Nesterov 1983) uses α = 1/L and β_t = (t − 1)/(t + 2); it is "
       "checked here numerically on a family of convex quadratics, where it separates the rates",
       perturbed={"fast": "gd"})
def nag_rate(fast="nag"):
    """On f = ½Σλᵢxᵢ² with λ ∈ {1, 10⁻¹, …, 10⁻⁴} (L = 1, x₀ = 1): NAG stays under the
    O(1/T²) bound for T ≤ 200, GD stays under its O(1/T) bound L‖x₀‖²/(2T) but crosses the
    1/T² bound."""
    lambdas = [sp.Rational(1, 10**i) for i in range(5)]
    names = sp.symbols("x1:6", real=True)
    problem = Problem(sum(lam * v**2 for lam, v in zip(lambdas, names)) / 2, variables=names)
    t = symbol("t")
    start = [1] * 5
    fast_gradient = nesterov(momentum=(t - 1) / (t + 2))  # β_t is part of the method
    nag = _gap(problem, iterate(problem, fast_gradient, start, 200, numeric=True, alpha=1))
    gd = _gap(problem, iterate(problem, gradient_descent(), start, 200, numeric=True, alpha=1))
    radius = 5.0  # ‖x₀ − x*‖²
    runs = {"nag": nag, "gd": gd}
    slow = runs["gd" if fast == "nag" else "nag"]
    nag_ok = all(gap <= 2 * radius / (T + 1) ** 2 for T, gap in enumerate(runs[fast]))
    gd_ok = all(gap <= radius / (2 * T) for T, gap in enumerate(slow) if T)
    gd_crosses = any(gap > 2 * radius / (T + 1) ** 2 for T, gap in enumerate(slow))
    holds = nag_ok and gd_ok and gd_crosses
    return Outcome.check(holds, r"T^2 (f(x_T) - f^*) \le 2L\|x_0 - x^*\|^2 = 10",
                         f"T = 200: NAG gap {nag[-1]:.2e} (T²·gap = {nag[-1] * 200**2:.2f}), "
                         f"GD gap {gd[-1]:.2e} (T²·gap = {gd[-1] * 200**2:.1f} > 10).",
                         {"T²·gap NAG": [gap * T**2 for T, gap in enumerate(nag)],
                          "T²·gap GD": [gap * T**2 for T, gap in enumerate(gd)]})
