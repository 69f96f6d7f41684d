"""Nesterov's accelerated gradient: the look-ahead form and the O(1/T²) rate.

Seed 002 writes NAG as v ← βv − α∇J(θ + βv), θ ← θ + v (gradient at the
look-ahead point) and says momentum achieves O(1/T) on convex functions while NAG
achieves the optimal O(1/T²). symopt's ``nesterov`` is torch.optim.SGD's form
(b ← βb + g, x ← x − α(g + βb)); the first entry proves the two are the same
method; the second is the class statement, which symopt checks exactly for small T only.
"""

import sympy as sp

from symopt import Problem
from symopt.catalogue import Outcome, claim, guarantee, iterate
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


#: The fast gradient method as symopt defines it: β_t = (t − 1)/(t + 2) is part of the method.
_STEP = "(t - 1)/(t + 2)"
#: Numbers of steps with an exact certificate, and with a numeric worst case only.
_EXACT, _NUMERIC = (1, 2, 3, 4), (5, 6, 7, 8, 10)


def _nag_at(stated, steps):
    """The class statement at N = ``steps``, L = 1 (every L by scaling f → f/L), checked by
    performance estimation: an exact certificate (true) or exact points of the class (false)."""
    return guarantee(stated, function_class="smooth_convex", L=1, method="nesterov",
                     hyperparameters={"alpha": "1/L", "beta": _STEP}, N=steps,
                     measure="function_gap", initial="distance", timeout=120)


def _worst(steps):
    """The numeric worst case of f(x_N) − f* over 1-smooth convex f with ‖x₀ − x*‖ ≤ 1."""
    from symopt.guarantees import PerformanceProblem, smooth_convex

    t = symbol("t")
    problem = PerformanceProblem(smooth_convex(1), nesterov(momentum=(t - 1) / (t + 2)), steps,
                                 "function_gap", "distance", hyperparameters={"alpha": 1})
    return problem.solve().value


@claim("002-nag-rate", seed="002", where="Nesterov Accelerated Gradient (NAG)",
       quote="for convex functions, momentum achieves O(1/T) convergence while NAG achieves the "
       "optimal O(1/T²) rate", stated="NAG: f(x_T) − f* ≤ 2L‖x₀ − x*‖²/(T + 1)² for every "
       "L-smooth convex f and every T",
       note="the theorem (Nesterov 1983) uses α = 1/L and β_t = (t − 1)/(t + 2); symopt has no "
       "potential certificate for every T for this rule yet: exact certificates for T ≤ 4, the "
       "numeric worst case beyond — unknown for the class statement, not true",
       expect="open", timeout=300, perturbed={"power": 3})
def nag_rate(constant=2, power=2):
    """symopt's ``nesterov(momentum=(t − 1)/(t + 2))`` with α = 1/L, measured at its iterate
    x_T (the stored point), over every L-smooth convex f with ‖x₀ − x*‖ ≤ R.

    What this rests on: exact certificates (rational multipliers and a PSD residual verified
    by SymPy) for T = 1, …, 4 at L = 1 (the statement is invariant under f → f/L); the numeric
    worst case (performance estimation) for a few larger T; no potential for every T. So the
    class statement is **unknown**, not true. A wrong constant or power is refuted by exact
    points of the class: 2LR²/(T + 1)³ at T = 2 (worst case 0.0889 > 2/27), LR²/(T + 1)² at
    T = 5 (worst case 0.0297 > 1/36). On quadratics only (a labelled extra): the family
    ½Σλᵢxᵢ², λ ∈ {1, 10⁻¹, …, 10⁻⁴}, stays under the bound for T ≤ 200 while GD crosses it.

    Why the textbook potential does not carry over: with the schedule inside the momentum
    buffer (b ← β_t b + g, x ← x − α(g + β_t b)) the stored point is not the textbook's
    x_k + ((t_k − 1)/t_{k+1})(x_k − x_{k−1}). In a potential A_k(f(x_k) − f*) + (L/2)‖z_k − x*‖²
    + d_k‖αb_k‖² over symopt's state (p, b) with z_k = p_k + c_k·αb_k, the cross term ⟨p, b⟩ of
    one step meets no interpolation inequality (they pair a gradient with a point), so it must
    vanish by itself: c_{k+1} = β_k + c_k/β_k with β_k = k/(k + 3). Its only solution growing
    linearly starts at c₁ = −(3/2)(10 − π²) ≈ −0.196 (a series in 1/(j + 3)²; c_k involves the
    trigamma function ψ′(k + 3)), not a rational function of k. A rational potential needs a
    distance weight that decreases with k instead (numerically, a chain of one-step SDPs with
    A_k = k(k + 3)/4 is feasible for k ≤ 20, the weight falling from 1/2 to about 0.48; since
    N(N + 3) ≥ (N + 1)² it would give the bound at the last gradient step
    p_{N−1} − ∇f(p_{N−1})/L, not yet at the stored point); its closed form is left open."""
    L, R, T = symbol("L"), sp.Symbol("R", nonnegative=True), symbol("N")
    stated = constant * L * R**2 / (T + 1) ** power
    text = str(stated)
    worst = {n: _worst(n) for n in (*_EXACT, *_NUMERIC)}
    bound = {n: float(stated.subs({L: 1, R: 1, T: n})) for n in worst}
    broken = [n for n in worst if worst[n] > bound[n] * (1 + 1e-6)]
    numbers = ", ".join(f"T = {n}: {worst[n]:.5f} ≤ {bound[n]:.5f}" if n not in broken
                        else f"T = {n}: {worst[n]:.5f} > {bound[n]:.5f}" for n in worst)
    if broken:
        refuted = _nag_at(text, broken[0])
        if refuted.verdict == "false":
            return Outcome.check(False, sp.latex(stated.subs(T, broken[0])),
                                 f"numeric worst cases (L = R = 1): {numbers}. At T = "
                                 f"{broken[0]}: {refuted.evidence}")
        return Outcome.unknown(f"the numeric worst case exceeds the bound ({numbers}) but no "
                               f"exact counterexample was found: {refuted.evidence}")
    exact = {n: _nag_at(text, n) for n in _EXACT}
    if any(o.verdict != "true" for o in exact.values()):
        return Outcome.unknown("an exact certificate is missing at T = "
                               + ", ".join(str(n) for n, o in exact.items() if o.verdict != "true")
                               + f"; numeric worst cases: {numbers}")
    quadratics = _quadratic_family_holds(constant, power)
    return Outcome("unknown", r"f(x_T) - f^* \le \frac{2L\|x_0 - x^*\|^2}{(T+1)^2}\ "
                   r"\text{for } T \le 4 \text{ (exact certificates)}",
                   "Not decided for every T: symopt has no potential certificate for this rule "
                   "and every T. What is shown: exact certificates for T = "
                   f"{', '.join(map(str, _EXACT))} (L = 1; every L by scaling f → f/L) — "
                   + "; ".join(o.evidence[:o.evidence.find(" on every")] for o in exact.values())
                   + f" Numeric worst case (performance estimation, L = R = 1): {numbers}; the "
                   "ratio worst/bound grows with T (see the series), so small T say nothing about "
                   "every T. Extra evidence, on quadratics only: "
                   f"{quadratics}",
                   {"worst case × (T + 1)²/2": [worst[n] * (n + 1) ** 2 / 2 for n in worst]})


def _gap(problem, path):
    f = sp.lambdify(problem.variables, problem.objective, modules="math", dummify=True)
    return [f(*p) for p in path]


def _quadratic_family_holds(constant, power):
    """On f = ½Σλᵢxᵢ² with λ ∈ {1, 10⁻¹, …, 10⁻⁴} (L = 1, x₀ = 1): NAG under the stated bound
    for T ≤ 200, GD under its O(1/T) bound L‖x₀‖²/(2T) but crossing the 1/T² bound."""
    lambdas = [sp.Rational(1, 10**i) for i in range(5)]
    names = sp.symbols("x1:6", real=True)
    problem = Problem(sum(lam * v**2 for lam, v in zip(lambdas, names)) / 2, variables=names)
    t = symbol("t")
    start = [1] * 5
    fast_gradient = nesterov(momentum=(t - 1) / (t + 2))  # β_t is part of the method
    nag = _gap(problem, iterate(problem, fast_gradient, start, 200, numeric=True, alpha=1))
    gd = _gap(problem, iterate(problem, gradient_descent(), start, 200, numeric=True, alpha=1))
    radius = 5.0  # ‖x₀ − x*‖²
    nag_ok = all(gap <= constant * radius / (T + 1) ** power for T, gap in enumerate(nag))
    gd_ok = all(gap <= radius / (2 * T) for T, gap in enumerate(gd) if T)
    gd_crosses = any(gap > constant * radius / (T + 1) ** power for T, gap in enumerate(gd))
    return (f"NAG under the bound for T ≤ 200: {nag_ok}; GD under R²/(2αT): {gd_ok} and above "
            f"the NAG bound somewhere: {gd_crosses} (T = 200: NAG T²·gap = "
            f"{nag[-1] * 200**2:.2f}, GD T²·gap = {gd[-1] * 200**2:.1f}).")
