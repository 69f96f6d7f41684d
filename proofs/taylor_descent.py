"""Why a gradient step decreases the loss: the Taylor argument, and how large α may be.

Seed 002 says each step decreases J by about α‖∇J‖² (first order), that the loss
never increases for small enough α, and that α is "bounded above by 1/L for
convergence in the convex case". The first two are right; the bound 1/L is
sufficient, not necessary: GD converges on every L-smooth convex quadratic for
0 < α < 2/L. Its "guaranteed descent on convex functions" for batch GD holds only under
that step condition (x² with α = 3/2 is a counterexample); seed 004's gradient clipping
bounds every step by αc.
"""

import itertools

import sympy as sp

from symopt import Problem
from symopt.analysis import analyze
from symopt.analysis.bounds import descent_lemma
from symopt.catalogue import Outcome, claim, iterate
from symopt.guarantees import smooth
from symopt.guarantees.lyapunov import certify
from symopt.guarantees.positivity import prove_nonnegative, prove_positive
from symopt.methods import gradient_descent
from symopt.symbols import symbol, symbols

alpha = symbol("alpha")
x, y = symbols("x y")


def _after_step(problem: Problem, point, step):
    """f after one GD step of size ``step`` from ``point`` (the method's own rule)."""
    new = iterate(problem, gradient_descent(), point, 1, alpha=step)[1]
    return problem.objective.subs(dict(zip(problem.variables, new)))


@claim("002-taylor-decrease", basis="exact",
       seed="002", where="Derivation from Taylor Expansion",
       quote="The Taylor expansion shows that each step decreases J by approximately α‖∇J‖²",
       stated="J(θ − α∇J) = J(θ) − α‖∇J‖² + O(α²)", perturbed={"coefficient": 2})
def taylor_decrease(coefficient=1):
    """d/dα J(θ − α∇J(θ)) at α = 0 equals −‖∇J‖² for a general differentiable J(x, y) (an
    undefined function; the step's direction p, q is fixed, then set to ∇J), and for
    J = x⁴ + xy + eʸ at a symbolic point (stated with 2α‖∇J‖² the first-order term is
    wrong)."""
    F = sp.Function("J")
    a, b = sp.symbols("x y", real=True)
    p, q = sp.symbols("p q", real=True)
    gradient = sp.Matrix([F(a, b).diff(a), F(a, b).diff(b)])
    along = sp.diff(F(a - alpha * p, b - alpha * q), alpha).subs(alpha, 0).doit()
    general = sp.simplify(along.subs({p: gradient[0], q: gradient[1]})
                          + coefficient * (gradient.T * gradient)[0]) == 0
    problem = Problem("x**4 + x*y + exp(y)")
    grad = problem.gradient
    moved = problem.objective.subs({v: v - alpha * gi for v, gi in zip(problem.variables, grad)},
                                   simultaneous=True)
    slope = sp.diff(moved, alpha).subs(alpha, 0)
    outcome = Outcome.compare(-coefficient * (grad.T * grad)[0], slope,
                              "the first-order coefficient of the step's effect on J is "
                              "∇J·(−∇J) = −‖∇J‖², for a general J (chain rule) and for "
                              "x⁴ + xy + eʸ.")
    if outcome.verdict == "true" and not general:
        return Outcome.check(False, along, "for a general J the first-order term differs")
    return outcome


@claim("002-descent-method", basis="certificate",
       seed="002", where="Derivation from Taylor Expansion",
       quote="gradient descent is a descent method, meaning the loss never increases (for "
       "sufficiently small α and smooth J)",
       stated="for 0 < α < 2/L every GD step decreases an L-smooth J (unless ∇J = 0)",
       perturbed={"upper": 3})
def descent_method(upper=2):
    """For every L-smooth f, the descent lemma f(x − αg) ≤ f − α(1 − Lα/2)‖g‖² (a certificate
    from the class's interpolation inequality, verified exactly with symbolic L, α) and
    α(1 − Lα/2) > 0 on 0 < α < 2/L. Extra evidence on a quadratic: on the bowl (L = 4),
    α = 0.49 decreases f from 40 points, α = 0.6 increases it from (0, 1). Stated up to 3/L
    it is false: the guaranteed decrease α(1 − Lα/2)‖g‖² is negative for α > 2/L."""
    lemma = certify("descent", smooth("L"), "gd")
    proved = lemma.verify()
    L = symbol("L")
    positive = prove_positive(alpha * (1 - L * alpha / 2), (alpha < upper / L,))
    quadratic = descent_lemma()
    bowl = Problem("(w1**2 + 4*w2**2)/2")
    points = [(sp.Rational(i, 3), sp.Rational(j, 2)) for i in range(-3, 4)
              for j in range(-3, 3) if (i, j) != (0, 0)]
    decreases = all(_after_step(bowl, p, sp.Rational("0.49")) < bowl.objective.subs(
        dict(zip(bowl.variables, p))) for p in points)
    before = bowl.objective.subs(dict(zip(bowl.variables, (0, 1))))
    after = _after_step(bowl, (0, 1), sp.Rational("0.6"))
    if positive.value is False:
        # the lemma no longer guarantees a decrease; a step of the stated range that
        # increases f on the bowl (L = 4) refutes the statement
        holds = False if sp.Rational(3, 5) < sp.Rational(upper, 4) and after > before else None
    elif proved.value is not True or positive.value is not True:
        holds = None
    else:
        holds = True if decreases else None  # a failing exact run would contradict the proof
    return Outcome.check(holds, r"f(x-\alpha g) \le f(x) - \alpha(1 - L\alpha/2)\|g\|^2,\ "
                         r"\alpha(1 - L\alpha/2) > 0 \text{ for } 0 < \alpha < 2/L",
                         f"descent lemma for every L-smooth f: {proved.reason}; "
                         f"α(1 − Lα/2) > 0 on 0 < α < {upper}/L: {positive.reason}. Extra "
                         f"evidence, on quadratics only: {quadratic.name} — "
                         f"{quadratic.proof.reason}; exact: α = 0.49 < 2/L decreases f from all "
                         f"{len(points)} sample points; α = 0.6 > 2/L "
                         f"takes f from {before} to {after}.")


@claim("002-bound-1-over-L", basis="counterexample", seed="002", where="The Full Mental Model",
       quote="The learning rate α controls step size — bounded above by 1/L for convergence in "
       "the convex case", stated="convergence needs α ≤ 1/L", expect=False,
       note="1/L is a safe choice, not a bound: the exact condition on quadratics is α < 2/L",
       perturbed={"multiple": 2})
def bound_one_over_l(multiple=1):
    """"Convergence needs α ≤ c/L" holds when no step above c/L converges. On the bowl (L = 4)
    GD's stability interval is (0, 1/2) = (0, 2/L): α = 0.4 > 1/L converges, so c = 1 is wrong;
    c = 2 is right (α ≥ 2/L does not converge on the bowl, nor on Lx²/2 for any L)."""
    analysis = analyze("(w1**2 + 4*w2**2)/2", "gd")
    interval = analysis.stability.value.interval
    stated = sp.Rational(multiple, 4)  # c/L with L = 4
    needed = sp.simplify(interval.sup - stated) <= 0  # every converging α is ≤ c/L
    path = iterate(Problem("(w1**2 + 4*w2**2)/2"), gradient_descent(), [1, 1], 40, alpha="0.4")
    converges = max(abs(v) for v in path[-1]) < sp.Rational(1, 10**8)
    if needed:
        holds, why = True, f"no α > {stated} converges"
    else:
        holds = None if not (stated < sp.Rational(2, 5) and converges) else False
        why = (f"counterexample: α = 0.4 > c/L = {stated} converges — after 40 steps max|w| = "
               f"{float(max(abs(v) for v in path[-1])):.2e} (it is the optimal α*)")
    return Outcome.check(holds, r"0 < \alpha < 2/L = " + sp.latex(interval),
                         f"{analysis.stability.reason}: {interval}; stated bound c/L = {stated}: "
                         f"{why}.", {"|w₂|, α = 0.4": [float(abs(p[1])) for p in path]})


@claim("002-mental-model-decrease", basis="counterexample",
       seed="002", where="The Full Mental Model",
       quote="valid because the Taylor expansion guarantees a decrease of α‖∇J‖² per step",
       stated="each step decreases J by (at least) α‖∇J‖²", expect=False,
       note="α‖∇J‖² is only the first-order term; the guaranteed decrease for L-smooth J is "
       "α(1 − Lα/2)‖∇J‖² (descent lemma), smaller than α‖∇J‖²",
       perturbed={"curvature": 1})
def mental_model_decrease(curvature=0):
    """"Each step decreases J by at least α(1 − c·Lα/2)‖∇J‖²" (the text: c = 0). On the bowl from
    (0, 1) with α = 0.4: α‖g‖² = 6.4 but J drops by 1.28 only, so c = 0 is wrong. With c = 1 it
    is the descent lemma, a certificate for every L-smooth J (verified exactly)."""
    L = symbol("L")
    lemma = certify("descent", smooth("L"), "gd").verify()
    stated = alpha * (1 - curvature * L * alpha / 2)
    implied = prove_nonnegative(alpha * (1 - L * alpha / 2) - stated, (alpha > 0,))
    bowl = Problem("(w1**2 + 4*w2**2)/2")
    point = (0, 1)
    g = bowl.at(bowl.gradient, point)
    before = bowl.objective.subs(dict(zip(bowl.variables, point)))
    after = _after_step(bowl, point, sp.Rational(2, 5))
    promised = stated.subs({alpha: sp.Rational(2, 5), L: 4}) * (g.T * g)[0]
    if lemma.value is True and implied.value is True:
        holds, why = True, f"the stated decrease is at most the descent lemma's: {lemma.reason}"
    else:
        holds = False if before - after < promised else None
        why = (f"on the bowl (L = 4) from (0, 1), α = 0.4: promised {promised}, actual decrease "
               f"{before - after} (= α(1 − 4α/2)‖g‖², the descent-lemma value)")
    return Outcome.check(holds, r"\Delta J = \alpha\|g\|^2 - \tfrac{\alpha^2}{2} g^\top H g", why)


@claim("002-batch-guaranteed-descent", basis="counterexample",
       seed="002", where="Batch Gradient Descent (BGD)",
       quote="Pros: Exact gradient — smooth convergence, guaranteed descent on convex functions, "
       "stable loss curve", stated="every batch-GD step decreases a convex loss",
       expect="conditional",
       note="descent needs a step condition the sentence leaves out: for L-smooth f, "
       "0 < α < 2/L (the certificate of 002-descent-method); convexity alone gives none — on the "
       "convex x² with α = 3/2 one step quadruples the loss, and a convex f that is not L-smooth "
       "(x⁴, 004-gradient-clipping) has no fixed α that descends from every start",
       perturbed={"upper": 4})
def batch_guaranteed_descent(upper=2):
    """Under the condition: the descent lemma of 002-descent-method, f(x − αg) ≤ f −
    α(1 − Lα/2)‖g‖² for every L-smooth f (the same certificate, verified exactly with
    symbolic L, α), and α(1 − Lα/2) > 0 on 0 < α < 2/L: every step with g ≠ 0 decreases f,
    convex or not. Outside it, by hand: f = x² is convex with L = 2, and α = 3/2 ≥ 2/L gives
    x₁ = x₀ − (3/2)(2x₀) = −2x₀, f(x₁) = 4x₀² = 4f(x₀): the loss rises (x₀ = 1: 1 → 4 → 16).
    (``upper``: the stated condition 0 < α < upper/L.)"""
    L = symbol("L")
    lemma = certify("descent", smooth("L"), "gd").verify()
    positive = prove_positive(alpha * (1 - L * alpha / 2), (alpha < upper / L,))
    square = Problem("x**2")
    convex, smoothness = square.convexity(), square.smoothness()
    step = sp.Rational(3, 2)
    path = iterate(square, gradient_descent(), [1], 3, alpha=step)
    losses = [square.objective.subs(square.variables[0], p[0]) for p in path]
    rises = convex.value is True and all(b > a for a, b in itertools.pairwise(losses))
    inside = step < upper / smoothness.value
    if lemma.value is True and positive.value is True:
        holds_under = True
    elif positive.value is False and inside and rises:
        holds_under = False  # a convex f and a step inside the stated condition: f rises
    else:
        holds_under = None
    fails_outside = rises and not inside
    return Outcome.conditional(
        holds_under, fails_outside, r"f\ L\text{-smooth},\ 0 < \alpha < 2/L",
        r"f = x^2\ (\text{convex}, L = 2),\ \alpha = \tfrac32:\ f(x_k) = "
        + ", ".join(str(v) for v in losses) + r", \dots",
        r"f(x - \alpha g) \le f(x) - \alpha(1 - L\alpha/2)\|g\|^2",
        f"descent lemma for every L-smooth f: {lemma.reason}; α(1 − Lα/2) > 0 on "
        f"0 < α < {upper}/L: {positive.reason}. f = x²: convex ({convex.reason}), L = "
        f"{smoothness.value}; GD with α = 3/2 from x₀ = 1: x = {[str(p[0]) for p in path]}, "
        f"f = {[str(v) for v in losses]} (4f each step).",
        {"f(x_k), α = 3/2": [float(v) for v in losses]})


def _exact_path(problem: Problem, method, x0, steps: int, **hyperparameters) -> list[list]:
    """Exact iterates of a rule that may hold coordinate sums (``coordinate_sum``): each sum is
    evaluated over the coordinates, then the rule coordinate by coordinate (as
    ``symopt.catalogue.iterate`` does for rules without sums)."""
    from symopt.methods.base import G, T, X, coordinate_sum

    rule = method.rule(**hyperparameters)
    xs = [sp.nsimplify(v) for v in x0]
    path = [xs]
    for t in range(1, steps + 1):
        grad = problem.at(problem.gradient, xs)
        values = [{X: x, G: grad[i], T: sp.Integer(t)} for i, x in enumerate(xs)]
        sums = {e: sum(e.args[0].xreplace(v) for v in values)
                for e in rule.x_next.atoms(coordinate_sum)}
        x_next = rule.x_next.xreplace(sums)
        xs = [x_next.xreplace(v) for v in values]
        path.append(xs)
    return path


@claim("004-gradient-clipping", basis="exact", seed="004", where="§9 Practical Tips for Training",
       quote="Gradient clipping: prevent exploding gradients",
       stated="with g clipped to norm c (g ↦ g·min(1, c/‖g‖)) every step has norm ≤ αc, "
       "whatever the gradient", note="clipping bounds the step, not the gradient: ‖∇f‖ can still "
       "be large, the step taken from it cannot (seed 004's conclusion: 'if it diverges, clip "
       "gradients or reduce LR')", perturbed={"factor": "1/2"})
def gradient_clipping(factor="1"):
    """symopt's ``clipped_gradient_descent`` (the transform ``clip_by_global_norm`` chained
    before the step size): x ← x − αg/max(1, ‖g‖/c). By hand its step has norm
    α‖g‖/max(1, ‖g‖/c) = α·min(‖g‖, c) ≤ αc for every g — checked on the rule with ‖g‖ = N a
    symbol, in both cases N = c(1 − d) ≤ c and N = c(1 + d) > c. (``factor``: the stated
    bound factor·αc.) A run on f = x⁴ (convex, not L-smooth) from x₀ = 10 with α = 0.1: plain
    GD, by hand x₁ = 10 − 0.1·4·10³ = −390, x₂ = −390 + 0.4·390³ = 23727210, explodes;
    clipped GD (c = 1) moves by exactly 0.1 while |f'| = 4|x|³ ≥ 1 (x = 9.9, 9.8, …), then
    follows x ← x − 0.4x³, which for 0 < x ≤ 1 stays in (0, x): it decreases to its only
    fixed point, 0."""
    from symopt.kernels import run
    from symopt.methods.base import G, X, coordinate_sum
    from symopt.methods.clipping import MAX_NORM, clipped_gradient_descent

    method = clipped_gradient_descent()
    update = method.rule().x_next - X
    N, d = sp.Symbol("N", nonnegative=True), sp.Symbol("d", nonnegative=True)
    per_g = update / G  # the same factor on every coordinate
    step_norm = sp.Abs(per_g).subs(coordinate_sum(G**2), N**2) * N  # ‖−αg·s‖ = α s ‖g‖
    bound = sp.Rational(factor) * alpha * MAX_NORM
    below = sp.factor((bound - step_norm).subs(N, MAX_NORM * (1 - d)))
    above = sp.factor((bound - step_norm).subs(N, MAX_NORM * (1 + d)))
    cases = [prove_nonnegative(gap, (d <= 1,) if k == 0 else ())
             for k, gap in enumerate((below, above))]
    holds = all(c.value is True for c in cases) or (
        False if any(c.value is False for c in cases) else None)

    quartic = Problem("x**4")
    plain = iterate(quartic, gradient_descent(), [10], 3, alpha=sp.Rational(1, 10))
    clipped = _exact_path(quartic, method, [10], 5, alpha=sp.Rational(1, 10), max_norm=1)
    xv = quartic.variables[0]
    contracts = prove_positive(1 - sp.Rational(2, 5) * xv**2, (xv > 0, xv <= 1))
    trajectory = run(quartic, method, [10.0], 400, alpha=0.1, max_norm=1).iterates[:, 0]
    settles = bool((sp.Rational(str(trajectory[-1])) < sp.Rational(1, 10))
                   and all(b < a for a, b in itertools.pairwise(trajectory.tolist())))
    explodes = [abs(p[0]) for p in plain] == sorted(abs(p[0]) for p in plain)
    evidence_ok = explodes and contracts.value is True and settles
    if holds is True and not evidence_ok:
        holds = None  # a run contradicting the proof would need a look, not a verdict
    return Outcome.check(holds, r"\|x_{k+1} - x_k\| = \alpha \min(\|g\|, c) \le \alpha c",
                         f"step norm on the rule: {step_norm}; bound − step for ‖g‖ = c(1 − d): "
                         f"{below} ({cases[0].reason}); for ‖g‖ = c(1 + d): {above} "
                         f"({cases[1].reason}). f = x⁴, α = 0.1: plain GD x = "
                         f"{[str(p[0]) for p in plain]} (explodes: {explodes}); clipped GD "
                         f"(c = 1, exact) x = {[str(p[0]) for p in clipped]}; below |x| = 4^(−1/3) "
                         f"the step x − 0.4x³ keeps 0 < x' < x ({contracts.reason}); 400 "
                         f"clipped steps (compiled kernel): decreasing to {trajectory[-1]:.4f}.",
                         {"clipped GD x_k": trajectory.tolist()})
