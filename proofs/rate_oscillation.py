"""Convergence rate and oscillation of gradient descent on quadratics.

Seed 001's 1-D example f(w) = 2w² and 2-D bowl ½(w₁² + 4w₂²), seed 002's
quadratic bowl ½aθ², seed 000/003's "too large a learning rate", and seed 004's
ill-conditioned run with gradient [2θ₀, 20θ₁]. Closed forms are proved by
induction on the method's own rule; intervals are solved exactly; each is
confirmed by an exact run.
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
w, w0 = symbols("w w0")
POSITIVE_ALPHA = sp.Interval.open(0, sp.oo)


def _gd_factor(problem: Problem, variable: sp.Symbol) -> sp.Expr:
    """The factor GD multiplies a coordinate by: x_next/x with g = ∂f/∂x (diagonal quadratics)."""
    rule = gradient_descent().rule()
    x, g = symbol("x"), symbol("g")
    index = problem.variables.index(variable)
    grad = problem.gradient[index]
    return sp.simplify(rule.x_next.subs({x: variable, g: grad}) / variable)


def _solve(*conditions) -> sp.Set:
    """{α > 0 : every condition holds}."""
    return sp.Intersection(*[sp.solveset(c, alpha, POSITIVE_ALPHA) for c in conditions])


ONE_D = Problem("2*w**2")
BOWL = Problem("(w1**2 + 4*w2**2)/2")
W1, W2 = BOWL.variables



@claim("001-one-step", basis="exact", seed="001", where="Convergence Analysis in 1D",
       quote="w₁ = w₀ − α(4w₀) = w₀(1 − 4α)", stated="w₁ = w₀(1 − 4α)",
       perturbed={"stated": w0 * (1 - 2 * alpha)})
def one_step(stated=w0 * (1 - 4 * alpha)):
    """One GD step on 2w² from w₀, symbolic α."""
    step = iterate(ONE_D, gradient_descent(), [w0], 1)[1][0]
    return Outcome.compare(stated, step)


@claim("001-closed-form", basis="exact", seed="001", where="Convergence Analysis in 1D",
       quote="w_k = (1 − 4α)^k w₀", stated="w_k = (1 − 4α)ᵏ w₀",
       perturbed={"factor": 1 - 2 * alpha})
def closed_form(factor=1 - 4 * alpha):
    """Induction: the formula holds at k = 0 and one GD step maps w_k to w_{k+1}."""
    k = sp.Symbol("k", integer=True, nonnegative=True)
    stated = factor ** k * w0
    step = iterate(ONE_D, gradient_descent(), [stated], 1)[1][0]
    induction = sp.simplify(step - stated.subs(k, k + 1)) == 0 and stated.subs(k, 0) == w0
    run = [p[0] for p in iterate(ONE_D, gradient_descent(), [3], 6, alpha="0.1")]
    numeric = run == [3 * sp.Rational(3, 5) ** j for j in range(7)]
    return Outcome.check(induction and numeric, stated,
                         "base case k = 0 and step w_{k+1} = (1 − 4α)·w_k proved symbolically; "
                         f"exact run with α = 0.1 from 3: {run[:4]} … = 3·0.6ᵏ.",
                         {"w_k, α = 0.1": [float(v) for v in run]})


@claim("001-stability", basis="exact", seed="001", where="Convergence Condition",
       quote="|1 − 4α| < 1 ⇒ 0 < α < 1/2", stated="0 < α < 1/2",
       perturbed={"stated": sp.Interval.open(0, 1)})
def stability(stated=None):
    """The set of α > 0 with |1 − 4α| < 1, and runs on both sides of 1/2."""
    stated = sp.Interval.open(0, sp.Rational(1, 2)) if stated is None else stated
    derived = _solve(sp.Abs(_gd_factor(ONE_D, ONE_D.variables[0])) < 1)
    inside = iterate(ONE_D, gradient_descent(), [1], 60, alpha="0.49")[-1][0]
    outside = iterate(ONE_D, gradient_descent(), [1], 60, alpha="0.51")[-1][0]
    derivation = gd_derivation(ONE_D)
    holds = (stated == derived == derivation.results["interval"]
             and abs(inside) < 1 < abs(outside))
    return Outcome.check(holds, derived,
                         f"solveset(|1 − 4α| < 1, α > 0) = {derived}; after 60 steps from 1: "
                         f"α = 0.49 gives {float(inside):.3g}, α = 0.51 gives "
                         f"{float(outside):.3g}.").with_derivation(derivation)


@claim("001-rate", basis="exact", seed="001", where="Convergence Rate",
       quote="r(α) = |1 − 4α|", stated="r(α) = |1 − 4α|",
       perturbed={"stated": sp.Abs(1 - 2 * alpha)})
def rate(stated=None):
    """The contraction factor per step is |w_{k+1}/w_k|."""
    stated = sp.Abs(1 - 4 * alpha) if stated is None else stated
    return Outcome.compare(stated, sp.Abs(_gd_factor(ONE_D, ONE_D.variables[0])))


@claim("001-too-large", basis="exact", seed="001 000 003", where="Convergence Rate",
       quote="Too large (α > 1/2): r(α) > 1 → oscillation and divergence",
       stated="for α > 1/2 the iterates change sign and grow", perturbed={"threshold": "1/4"})
def too_large(threshold="1/2"):
    """{α > 0 : 1 − 4α < −1} is (1/2, ∞): the factor is negative and of modulus > 1.

    Seeds 000 ("too large η → overshooting") and 003 ("too large leads to divergence or
    oscillation") say the same qualitatively; on x² (factor 1 − 2η) overshooting starts
    at η > 1/2 and divergence at η > 1.
    """
    factor = _gd_factor(ONE_D, ONE_D.variables[0])
    derived = _solve(factor < -1)
    path = [p[0] for p in iterate(ONE_D, gradient_descent(), [1], 8, alpha="0.6")]
    signs = all(a * b < 0 and abs(b) > abs(a) for a, b in itertools.pairwise(path))
    x2 = Problem("x**2")
    overshoot = _solve(_gd_factor(x2, x2.variables[0]) < 0)
    diverge = _solve(sp.Abs(_gd_factor(x2, x2.variables[0])) > 1)
    holds = (derived == sp.Interval.open(sp.Rational(threshold), sp.oo) and signs
             and overshoot == sp.Interval.open(sp.Rational(1, 2), sp.oo)
             and diverge == sp.Interval.open(1, sp.oo))
    return Outcome.check(holds, derived,
                         f"α = 0.6: {[str(v) for v in path[:4]]} … alternates and grows "
                         f"(factor −7/5). On x²: overshoot for η ∈ {overshoot}, divergence for "
                         f"η ∈ {diverge}.",
                         {"w_k, α = 0.6": [float(v) for v in path]})


@claim("001-too-small", basis="counterexample", seed="001", where="Convergence Rate",
       quote="Too small (α < 1/4): r(α) is close to 1 → slow convergence",
       stated="every α < 1/4 gives r(α) close to 1", expect=False,
       note="right only as α → 0: r(α) = 1 − 4α falls from 1 to 0 on (0, 1/4)",
       perturbed={"below": sp.Rational(1, 100)})
def too_small(below="1/4"):
    """On (0, 1/4) the rate |1 − 4α| takes every value in (0, 1): α = 0.24 gives 0.04.
    "Close to 1" is read generously as r > 1/2 for every α in (0, below)."""
    factor = _gd_factor(ONE_D, ONE_D.variables[0])  # 1 − 4α, positive for α < 1/4
    r = sp.Abs(factor)
    region = sp.Interval.open(0, sp.Rational(below))
    image = sp.imageset(sp.Lambda(alpha, factor), region)
    far = sp.solveset(r <= sp.Rational(1, 2), alpha, region)
    witness = far.inf + (far.sup - far.inf) / 2 if far != sp.EmptySet else None
    return Outcome.check(far == sp.EmptySet, r"r\big(" + sp.latex(region) + r"\big) = "
                         + sp.latex(image),
                         f"α in (0, {below}) with r ≤ 1/2: {far}"
                         + (f"; e.g. α = {witness} gives r = {r.subs(alpha, witness)}, "
                            "fast convergence." if witness is not None else "."))


@claim("001-oscillating-convergence", basis="exact", seed="001", where="Convergence Rate (gap)",
       quote="(not stated: the text skips 1/4 < α < 1/2)",
       stated="for 1/4 < α < 1/2 GD converges while oscillating",
       note="the text's three cases omit this regime", perturbed={"stated": ("0", "1/2")})
def oscillating_convergence(stated=("1/4", "1/2")):
    """{α > 0 : −1 < 1 − 4α < 0} = (1/4, 1/2): the sign alternates and |w| shrinks."""
    factor = _gd_factor(ONE_D, ONE_D.variables[0])
    derived = _solve(factor > -1, factor < 0)
    path = [p[0] for p in iterate(ONE_D, gradient_descent(), [1], 10, alpha="0.4")]
    holds = derived == sp.Interval.open(*(sp.Rational(v) for v in stated)) and all(
        a * b < 0 and abs(b) < abs(a) for a, b in itertools.pairwise(path))
    return Outcome.check(holds, derived, "α = 0.4: factor −3/5, the iterates alternate in sign "
                         "and shrink.", {"w_k, α = 0.4": [float(v) for v in path]})


@claim("001-bowl", basis="instance", seed="001", where="Convergence Analysis in 2D",
       quote="f(w) = ½(w₁² + 4w₂²) = ½ wᵀ diag(1, 4) w", stated="A = diag(1, 4), b = 0",
       perturbed={"diagonal": (1, 2)})
def bowl_matrix(diagonal=(1, 4)):
    """symopt recognises the bowl as the quadratic ½wᵀAw with A = diag(1, 4)."""
    quadratic = BOWL.quadratic
    holds = quadratic.A == sp.diag(*diagonal) and quadratic.b == sp.zeros(2, 1) and quadratic.c == 0
    return Outcome.check(holds, quadratic.A, "A is the (constant) Hessian; b = −∇f(0) = 0.")



@claim("001-bowl-closed-form", basis="exact", seed="001", where="Convergence Analysis in 2D",
       quote="w₁⁽ᵏ⁾ = w₁⁽⁰⁾(1 − α)ᵏ, w₂⁽ᵏ⁾ = w₂⁽⁰⁾(1 − 4α)ᵏ",
       stated="decoupled closed forms (1 − α)ᵏ and (1 − 4α)ᵏ",
       perturbed={"eigenvalues": (1, 2)})
def bowl_closed_form(eigenvalues=(1, 4)):
    """Induction in k: the closed forms hold at k = 0, and one symbolic GD step maps the
    stated point at k to the stated point at k + 1 (k a symbol); four steps from (a, b) as
    a check."""
    a, b = sp.symbols("a b", real=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    stated = [a * (1 - eigenvalues[0] * alpha) ** k, b * (1 - eigenvalues[1] * alpha) ** k]
    step = iterate(BOWL, gradient_descent(), stated, 1)[1]
    induction = all(sp.simplify(s_ - w.subs(k, k + 1)) == 0 for s_, w in zip(step, stated)) and [
        w.subs(k, 0) for w in stated] == [a, b]
    path = iterate(BOWL, gradient_descent(), [a, b], 4)
    holds = induction and all(sp.expand(p[0] - a * (1 - eigenvalues[0] * alpha) ** j) == 0
                              and sp.expand(p[1] - b * (1 - eigenvalues[1] * alpha) ** j) == 0
                              for j, p in enumerate(path))
    return Outcome.check(holds, r"\left(w_1^{(0)}(1-\alpha)^k,\ w_2^{(0)}(1-4\alpha)^k\right)",
                         "every k by induction (base k = 0, step k → k + 1 with symbolic k, "
                         "α, a, b), and four exact steps; the coordinates do not interact "
                         "because the Hessian is diagonal.")


@claim("001-eigenvalues", basis="instance", seed="001", where="Key Insight",
       quote="The eigenvalues of the Hessian are λ₁ = 1 and λ₂ = 4. Each dimension converges "
       "at rate |1 − αλᵢ|", stated="λ = 1, 4; rates |1 − αλᵢ|", perturbed={"stated": [1, 2]})
def eigenvalues(stated=(1, 4)):
    """Eigenvalues of the Hessian and the per-coordinate factors."""
    eig = BOWL.quadratic.eigenvalues
    factors = [_gd_factor(BOWL, W1), _gd_factor(BOWL, W2)]
    holds = eig == list(stated) and all(sp.simplify(f - (1 - alpha * lam)) == 0
                                  for f, lam in zip(factors, eig))
    return Outcome.check(holds, eig, f"GD factors per coordinate: {factors}.")


@claim("001-rate-2d", basis="exact", seed="001", where="The Fundamental Problem",
       quote="r(α) = max{|1 − α|, |1 − 4α|}", stated="r(α) = max{|1 − α|, |1 − 4α|}",
       perturbed={"eigenvalues": (1, 2)})
def rate_2d(eigenvalues=(1, 4)):
    """The spectral radius of the iteration matrix I − αA."""
    M = sp.eye(2) - alpha * BOWL.hessian
    derived = sp.Max(*[sp.Abs(v) for v in M.eigenvals()])
    stated = sp.Max(*[sp.Abs(1 - lam * alpha) for lam in eigenvalues])
    return Outcome.compare(stated, derived,
                           "eigenvalues of I − αA are 1 − α and 1 − 4α.")


@claim("001-slow-direction", basis="exact", seed="001", where="The Fundamental Problem",
       quote="If α < 1/4: The w₂ direction (with larger eigenvalue λ₂=4) converges slowly",
       stated="for α < 1/4 the w₂ direction is the slow one", expect=False,
       note="it is the w₁ direction (λ₁ = 1) that converges slowly; w₂ is the fast one",
       perturbed={"slow": "w1"})
def slow_direction(slow="w2"):
    """For 0 < α < 1/4 compare symopt's two GD factors, 1 − α (w₁) and 1 − 4α (w₂): the
    stated slow direction must have the larger modulus for every such α."""
    region = sp.Interval.open(0, sp.Rational(1, 4))
    w1, w2 = BOWL.variables
    factors = {"w1": _gd_factor(BOWL, w1), "w2": _gd_factor(BOWL, w2)}
    other = "w1" if slow == "w2" else "w2"
    w2_slower = sp.solveset(sp.Abs(factors[slow]) < sp.Abs(factors[other]), alpha, region)
    path = iterate(BOWL, gradient_descent(), [1, 1], 15, alpha="0.1")
    return Outcome.check(
        w2_slower == sp.EmptySet,
        r"\{0<\alpha<\tfrac14 : |1-4\alpha| \ge |1-\alpha|\} = "
        + sp.latex(sp.solveset(sp.Abs(1 - 4 * alpha) >= sp.Abs(1 - alpha), alpha, region))
        + r":\ w_1 \text{ is the slow direction}",
        "for α = 0.1 the factors are 0.9 (w₁) and 0.6 (w₂): after 15 steps "
        f"w₁ = {float(path[-1][0]):.4f}, w₂ = {float(path[-1][1]):.6f}.",
        {"|w₁|": [float(abs(p[0])) for p in path], "|w₂|": [float(abs(p[1])) for p in path]})


@claim("001-w2-diverges", basis="exact", seed="001", where="The Fundamental Problem",
       quote="If α > 1/2: The w₂ direction oscillates and may diverge",
       stated="for α > 1/2, w₂ oscillates and diverges",
       note="it always diverges for α > 1/2 ('may' is too weak); it already oscillates "
       "(converging) for 1/4 < α < 1/2", perturbed={"threshold": "1/4"})
def w2_diverges(threshold="1/2"):
    """{α > 0 : 1 − 4α < −1} = (1/2, ∞), while the w₁ factor 1 − α stays in (−1, 1) until 2."""
    derived = _solve(_gd_factor(BOWL, W2) < -1)
    path = iterate(BOWL, gradient_descent(), [1, 1], 10, alpha="0.55")
    grows = all(abs(b[1]) > abs(a[1]) and a[1] * b[1] < 0 for a, b in itertools.pairwise(path))
    return Outcome.check(derived == sp.Interval.open(sp.Rational(threshold), sp.oo) and grows,
                         derived, "α = 0.55: w₂ factor −1.2 (alternates, grows); w₁ factor 0.45.",
                         {"w₂, α = 0.55": [float(p[1]) for p in path]})



@claim("002-bowl", basis="exact", seed="002", where="The Quadratic Bowl",
       quote="J(θ) = ½aθ² … a geometric sequence multiplied by (1 − αa) each step",
       stated="θ_{t+1} = (1 − αa)θ_t", perturbed={"sign": 1})
def bowl_a_step(sign=-1):
    """GD on ½aθ² with a > 0 (symopt's house rule: a is real; we assume a > 0)."""
    a = sp.Symbol("a", positive=True)
    theta = symbol("theta")
    problem = Problem(a * theta**2 / 2, variables=[theta])
    factor = _gd_factor(problem, problem.variables[0])
    return Outcome.compare(1 + sign * alpha * a, factor)


def _scaled_interval(condition) -> sp.Set:
    s = sp.Symbol("s", positive=True)  # s = αa
    return sp.solveset(condition(1 - s), s, sp.Interval.open(0, sp.oo))


@claim("002-bowl-converges", basis="exact", seed="002", where="The Quadratic Bowl",
       quote="If |1 − αa| < 1 (i.e., α < 2/a): sequence converges to 0",
       stated="0 < α < 2/a converges", perturbed={"bound": 1})
def bowl_a_converges(bound=2):
    """With s = αa > 0: |1 − s| < 1 ⇔ 0 < s < 2."""
    derived = _scaled_interval(lambda f: sp.Abs(f) < 1)
    return Outcome.check(derived == sp.Interval.open(0, bound), r"0 < \alpha a < 2",
                         f"solveset(|1 − s| < 1, s > 0) = {derived} with s = αa.")


@claim("002-bowl-oscillates", basis="exact", seed="002", where="The Quadratic Bowl",
       quote="If |1 − αa| = 1 (i.e., α = 2/a): stuck oscillating between +θ₀ and −θ₀",
       stated="α = 2/a: θ alternates θ₀, −θ₀, …", perturbed={"step_times_a": 1})
def bowl_a_oscillates(step_times_a=2):
    """Four exact steps with α = 2/a from a symbolic θ₀."""
    a = sp.Symbol("a", positive=True)
    theta, theta0 = sp.symbols("theta theta0", real=True)
    problem = Problem(a * theta**2 / 2, variables=[theta])
    path = [p[0] for p in iterate(problem, gradient_descent(), [theta0], 4,
                                  alpha=step_times_a / a)]
    only_boundary = _scaled_interval(lambda f: sp.Eq(sp.Abs(f), 1))
    holds = (path == [theta0, -theta0, theta0, -theta0, theta0]
             and only_boundary == {step_times_a})
    return Outcome.check(holds, path, f"{{s > 0 : |1 − s| = 1}} = {only_boundary} (s = αa).")


@claim("002-bowl-diverges", basis="exact", seed="002", where="The Quadratic Bowl",
       quote="If |1 − αa| > 1 (i.e., α > 2/a): sequence diverges", stated="α > 2/a diverges",
       perturbed={"bound": 1})
def bowl_a_diverges(bound=2):
    """With s = αa > 0: |1 − s| > 1 ⇔ s > 2."""
    derived = _scaled_interval(lambda f: sp.Abs(f) > 1)
    return Outcome.check(derived == sp.Interval.open(bound, sp.oo), r"\alpha a > 2",
                         f"solveset(|1 − s| > 1, s > 0) = {derived}.")


@claim("002-ravine-zigzag", basis="exact", seed="002", where="Problem 3 — Ravines",
       quote="In a ravine, gradient descent oscillates wildly across the narrow dimension",
       stated="the steep coordinate zigzags for 1/λmax < α < 2/λmax while converging",
       note="conditional: with α < 1/λmax there is no zigzag at all",
       perturbed={"stated": ("0", "1/2")})
def ravine_zigzag(stated=("1/4", "1/2")):
    """For every λmax > 0: GD's factor along the steepest eigen-direction is 1 − αλmax (the
    rule on ½λθ², λ a positive symbol), and with s = αλmax it lies in (−1, 0) — sign flips
    and shrinking — exactly for s ∈ (1, 2), i.e. 1/λmax < α < 2/λmax. On the bowl
    (λmax = 4) the w₂ factor 1 − 4α lies in (−1, 0) exactly for α ∈ (1/4, 1/2)."""
    lam = sp.Symbol("lambda", positive=True)
    theta = symbol("theta")
    steep = _gd_factor(Problem(lam * theta**2 / 2, variables=[theta]), theta)
    scaled = sp.simplify(steep.subs(alpha, symbol("s") / lam))
    general = sp.Intersection(_scaled_interval(lambda f: f < 0),
                              _scaled_interval(lambda f: f > -1))
    general_ok = (sp.simplify(scaled - (1 - symbol("s"))) == 0
                  and general == sp.Interval.open(4 * sp.Rational(stated[0]),
                                                  4 * sp.Rational(stated[1])))
    factor = _gd_factor(BOWL, W2)
    derived = _solve(factor < 0, factor > -1)
    path = iterate(BOWL, gradient_descent(), [1, 1], 12, alpha="0.45")
    low, high = (sp.Rational(v) for v in stated)  # 1/λmax and 2/λmax on the bowl
    return Outcome.check(general_ok and derived == sp.Interval.open(low, high),
                         derived, f"every λmax: {{s = αλmax > 0 : −1 < 1 − s < 0}} = {general}. "
                         "Bowl, α = 0.45: w₂ factor −0.8 (zigzag), w₁ factor 0.55 (slow, "
                         "monotone).",
                         {"w₁": [float(p[0]) for p in path], "w₂": [float(p[1]) for p in path]})


RAVINE = Problem("theta_0**2 + 10*theta_1**2")


@claim("004-gd-theta1", basis="instance", seed="004", where="§4 Momentum",
       quote="path_gd = gradient_descent_with_momentum(grad_quad, np.array([5.0, 1.0]), "
       "lr=0.1, beta=0.0)  # no momentum", stated="plain GD with lr = 0.1 converges",
       expect=False,
       note="along θ₁ the factor is 1 − 0.1·20 = −1: θ₁ = 1, −1, 1, … never converges",
       perturbed={"lr": "0.09"})
def gd_theta1(lr="0.1"):
    """Seed 004's 'no momentum' run: gradient [2θ₀, 20θ₁], lr = 0.1, 50 steps from (5, 1).
    It converges when symopt's spectral radius of every direction is below 1."""
    grad_ok = RAVINE.gradient == sp.Matrix([2 * RAVINE.variables[0], 20 * RAVINE.variables[1]])
    radii = [d.radius for d in analyze(RAVINE, "gd", alpha=lr).directions]
    path = iterate(RAVINE, gradient_descent(), ["5.0", "1.0"], 50, alpha=lr)
    theta1 = [p[1] for p in path]
    converges = grad_ok and all(r < 1 for r in radii)
    derived = r"\theta_1^{(k)} = (-1)^k,\ \text{factor } 1 - 0.1\cdot 20 = -1"
    return Outcome.check(converges, derived,
                         f"spectral radii {radii}; "
                         f"exact run: θ₁ = {[str(v) for v in theta1[:5]]} …, θ₁⁽⁵⁰⁾ = "
                         f"{theta1[-1]}; θ₀⁽⁵⁰⁾ = 5·0.8⁵⁰ ≈ {float(path[-1][0]):.2e}.",
                         {"θ₀": [float(p[0]) for p in path], "θ₁": [float(v) for v in theta1]})
