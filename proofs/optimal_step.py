"""The optimal step size α* = 2/(λmin + λmax), the optimal rate and the condition number.

Seed 001's equalisation argument and its worked numbers on ½(w₁² + 4w₂²), seed
002's definitions of L and κ. symopt derives α* by equioscillation from the GD
rule (:func:`symopt.analysis.analyze`); the exact runs confirm the rate.
"""

import itertools

import sympy as sp

from symopt import Problem
from symopt.analysis import analyze
from symopt.catalogue import Outcome, claim, iterate
from symopt.derivations import gd_derivation
from symopt.methods import gradient_descent
from symopt.symbols import symbol, symbols

alpha = symbol("alpha")
lmin, lmax = symbols("lambda_min lambda_max")
BOWL = Problem("(w1**2 + 4*w2**2)/2")


@claim("001-rate-optimal-1d", basis="instance", seed="001", where="Convergence Rate",
       quote="Optimal (α = 1/4): r(α) = 0 → fastest convergence",
       stated="α* = 1/4 on 2w², r(α*) = 0", perturbed={"stated": "1/2"})
def optimal_1d(stated="1/4"):
    """On f = 2w² the optimum is α = 1/4: one step reaches the minimizer."""
    result = analyze("2*w**2", "gd")
    optimum = result.optimal.value
    one_step = iterate(Problem("2*w**2"), gradient_descent(), [7], 1, alpha=sp.Rational(stated))
    holds = (optimum.hyperparameters[alpha] == sp.Rational(stated) and optimum.rate == 0
             and one_step[1] == [0])
    return Outcome.check(holds, r"\alpha^* = " + sp.latex(optimum.hyperparameters[alpha])
                         + r",\ r = " + sp.latex(optimum.rate),
                         f"{result.optimal.reason}. Run from 7 with α = 1/4: {one_step[1][0]}.")


@claim("001-alpha-star", basis="exact", seed="001", where="Finding the Optimal Learning Rate",
       quote="1 − α*λmin = −(1 − α*λmax)  ⇒  α* = 2/(λmin + λmax)",
       stated="α* = 2/(λmin + λmax)", perturbed={"stated": 1 / (lmin + lmax)})
def alpha_star_formula(stated=2 / (lmin + lmax)):
    """Solve the equalisation equation; it minimises max|1 − αλ| over [λmin, λmax]."""
    (solution,) = sp.solve(sp.Eq(1 - alpha * lmin, -(1 - alpha * lmax)), alpha)
    # At α*, both end-point factors have modulus (λmax − λmin)/(λmax + λmin); moving α
    # up or down increases one of them, so α* is the minimax step.
    r = sp.simplify(1 - solution * lmin)
    balanced = sp.simplify(r + (1 - solution * lmax)) == 0
    outcome = Outcome.compare(stated, solution, "solve(1 − αλmin = −(1 − αλmax), α); both "
                              f"end factors then have modulus {r}.")
    return outcome if balanced else Outcome.check(False, solution, "the factors do not balance")


@claim("001-alpha-star-value", basis="instance",
       seed="001", where="Finding the Optimal Learning Rate",
       quote="α* = 2/(1 + 4) = 2/5 = 0.4", stated="α* = 0.4", perturbed={"stated": "0.5"})
def alpha_star_value(stated="0.4"):
    """symopt's optimal step for GD on the bowl, by equioscillation from the rule."""
    optimum = analyze(BOWL, "gd").optimal
    derived = optimum.value.hyperparameters[alpha]
    grid = [sp.Rational(k, 100) for k in range(1, 50)]
    radius = {a: max(abs(1 - a), abs(1 - 4 * a)) for a in grid}
    best = min(radius, key=radius.get)
    derivation = gd_derivation(BOWL)
    outcome = Outcome.compare(sp.Rational(stated), derived,
                              f"{optimum.reason}. Grid check over α = 0.01…0.49: the smallest "
                              f"max(|1 − α|, |1 − 4α|) is at α = {best}.")
    if best != sp.Rational(2, 5) or derivation.results["alpha_star"] != derived:
        return Outcome.check(False, best, "grid or derivation disagrees")
    return outcome.with_derivation(derivation)


@claim("001-rate-star", basis="instance", seed="001", where="Finding the Optimal Learning Rate",
       quote="r(α*) = (λmax − λmin)/(λmax + λmin) = (4 − 1)/(4 + 1) = 3/5",
       stated="r(α*) = 3/5", perturbed={"stated": "4/5"})
def rate_star(stated="3/5"):
    """The optimal rate, symbolically and on the bowl, and an exact run at α = 2/5."""
    general = sp.simplify(sp.Abs(1 - 2 / (lmin + lmax) * lmin))
    stated_general = (lmax - lmin) / (lmax + lmin)
    general_ok = sp.simplify(general.subs({lmin: 1, lmax: 4}) - sp.Rational(3, 5)) == 0
    optimum = analyze(BOWL, "gd").optimal.value
    path = iterate(BOWL, gradient_descent(), [1, 1], 8, alpha=sp.Rational(2, 5))
    ratios = {abs(b[i] / a[i]) for a, b in itertools.pairwise(path) for i in range(2)}
    kappa = sp.Rational(4)
    value = sp.Rational(stated)
    holds = (general_ok and optimum.rate == value and ratios == {value}
             and (kappa - 1) / (kappa + 1) == value)
    return Outcome.check(holds, r"r(\alpha^*) = " + sp.latex(stated_general) + r" = \tfrac35",
                         "symopt's optimum rate is 3/5 = (κ − 1)/(κ + 1) with κ = 4; exact run "
                         "at α = 2/5 from (1, 1): both coordinates shrink by exactly 3/5 per "
                         "step (w₁ factor +3/5, w₂ factor −3/5).",
                         {"|w₁|": [float(abs(p[0])) for p in path],
                          "|w₂|": [float(abs(p[1])) for p in path]})


@claim("001-convex-needed", basis="counterexample",
       seed="001", where="Finding the Optimal Learning Rate",
       quote="For a quadratic, convex function, the optimal learning rate α* balances the "
       "convergence of all dimensions", stated="α* = 2/(λmin + λmax) makes GD converge, every "
       "direction at the same rate, on every convex quadratic", expect="conditional",
       note="needs λmin > 0 (strong convexity): with λmin = 0, α* = 2/λmax puts the steep "
       "direction exactly on the stability boundary (factor −1)",
       perturbed={"stated_step": 1 / (lmin + lmax)})
def convex_needed(stated_step=None):
    """GD's factor along λ is 1 − αλ, linear in λ, so its largest modulus over [λmin, λmax]
    is at an end. With 0 < λmin ≤ λmax (symbols) and α = 2/(λmin + λmax) the two ends are
    ±(λmax − λmin)/(λmax + λmin): balanced, and below 1 in modulus. Outside (λmin = 0):
    f = 2w₂² in (w₁, w₂) has eigenvalues 0 and 4, the formula gives α = 1/2 and w₂
    alternates ±1 for ever (w₁ never moves)."""
    stated_step = 2 / (lmin + lmax) if stated_step is None else stated_step
    m, big = sp.Symbol("m", positive=True), sp.Symbol("d", nonnegative=True)
    inside = {lmin: m, lmax: m + big}  # 0 < λmin ≤ λmax
    ends = [sp.simplify((1 - stated_step * lam).subs(inside)) for lam in (lmin, lmax)]
    balanced = sp.simplify(ends[0] + ends[1]) == 0
    below_one = sp.simplify(1 - ends[0]).is_positive and sp.simplify(1 + ends[0]).is_positive
    holds_under = bool(balanced and below_one)
    flat = Problem("2*w2**2 + 0*w1", variables=["w1", "w2"])
    eig = flat.quadratic.eigenvalues
    step = stated_step.subs({lmin: min(eig), lmax: max(eig)})
    path = iterate(flat, gradient_descent(), [1, 1], 6, alpha=step)
    w2 = [p[1] for p in path]
    fails_outside = min(eig) == 0 and abs(w2[-1]) == abs(w2[0]) != 0
    return Outcome.conditional(
        holds_under, fails_outside, r"\lambda_{\min} > 0\ \text{(strongly convex)}",
        r"2w_2^2 \text{ in } (w_1, w_2):\ \lambda = 0, 4,\ \alpha^* = "
        + sp.latex(step) + r",\ w_2 = " + ", ".join(str(v) for v in w2[:4]) + r", \dots",
        r"1 - \alpha^*\lambda \in \{" + ", ".join(sp.latex(e) for e in ends) + r"\}",
        f"ends of the factor 1 − αλ for 0 < λmin = m ≤ λmax = m + d: {ends} (balanced: "
        f"{balanced}, modulus below 1: {bool(below_one)}). λmin = 0: eigenvalues {eig}, GD "
        f"with α = {step}: w₂ = {[str(v) for v in w2]} — it never converges.",
        {"w₂": [float(v) for v in w2]})


@claim("002-L-eigen", basis="instance", seed="002", where="Mathematical Condition for Convergence",
       quote="where L = max eigenvalue of the Hessian ∇²J (the curvature)",
       stated="symopt's L is the sup of the Hessian's largest eigenvalue: 4 on the bowl, 1/4 "
       "on log(1 + eˣ)",
       note="in part: the two examples are checked, not the general fact behind the "
       "definition — that for a C² J with ∇²J ⪰ 0 this sup is the Lipschitz constant of ∇J "
       "(mean-value theorem); without convexity that constant is sup max|λ|, not sup λ_max",
       perturbed={"which": "smallest"})
def smoothness(which="largest"):
    """L of the bowl (4) and of the softplus log(1 + eˣ) (sup f'' = 1/4 at x = 0)."""
    bowl = BOWL.smoothness()
    softplus = Problem("log(1 + exp(x))").smoothness()
    quarter = softplus.known and sp.simplify(softplus.value - sp.Rational(1, 4)) == 0
    stated = {"largest": max, "smallest": min}[which](BOWL.quadratic.eigenvalues)
    holds = bowl.value == stated and quarter
    return Outcome.check(holds, r"L_{bowl} = 4,\ L_{softplus} = \tfrac14",
                         f"bowl: {bowl.reason}; softplus: f'' = σ(1 − σ) ≤ 1/4 — {softplus}.")


@claim("002-one-over-L-fits", basis="exact",
       seed="002", where="Mathematical Condition for Convergence",
       quote="Intuitively: 1/L is the step size that exactly 'fits' the curvature of the loss "
       "landscape",
       stated="on a quadratic, α = 1/L removes the steepest direction's error in one step",
       perturbed={"scale": 2})
def one_over_l_fits(scale=1):
    """On every quadratic the GD factor of the eigen-direction with λ = L is 1 − αL (the rule
    on ½Lθ², L a positive symbol), 0 at α = 1/L: that error is gone after one step. On the
    bowl (L = 4): α = 1/4 clears w₂, and the flatter direction shrinks by 1 − μ/L = 3/4."""
    L_sym, theta = sp.Symbol("L", positive=True), symbol("theta")
    steep = Problem(L_sym * theta**2 / 2, variables=[theta])
    after = iterate(steep, gradient_descent(), [1], 1, alpha=1 / (scale * L_sym))[1][0]
    cleared = after == 0
    L = BOWL.smoothness().value
    path = iterate(BOWL, gradient_descent(), [1, 1], 3, alpha=1 / (scale * L))
    holds = cleared and all(p[1] == 0 for p in path[1:]) and path[1][0] == 1 - 1 / (scale * L)
    return Outcome.check(holds, r"1 - \tfrac1L\cdot L = 0,\ 1 - \tfrac{\mu}{L} = \tfrac34",
                         "every L > 0: one step on ½Lθ² from 1 with α = 1/L gives "
                         f"{after}; bowl, exact run from (1, 1) with α = 1/L = {1 / L}: "
                         f"{[[str(c) for c in p] for p in path]}.")
