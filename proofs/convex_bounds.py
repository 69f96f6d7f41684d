"""Convexity and the convergence bounds of gradient descent.

Seed 003 defines convexity and concludes there is "only one global minimum" and that
gradient descent finds it reliably — both need more than convexity. Seed 002 states
the O(1/T) bound for convex L-smooth functions and the (1 − 1/κ)ᵀ bound for strongly
convex ones, and its comparison table calls GD's convergence "Linear O(1/T)". The
class bounds are proved by potential certificates (:mod:`symopt.guarantees.lyapunov`,
verified exactly for symbolic L, μ, α and N); the proofs on quadratics
(:mod:`symopt.analysis.bounds`) and exact runs are kept as extra evidence only.
"""

import sympy as sp

from symopt import Problem
from symopt.analysis import analyze
from symopt.analysis.bounds import convex_smooth_gd, strongly_convex_gd
from symopt.catalogue import Outcome, claim, guarantee, iterate
from symopt.guarantees import smooth_convex, smooth_strongly_convex
from symopt.guarantees.lyapunov import N, certify_bound
from symopt.methods import gradient_descent
from symopt.symbols import symbol, symbols

x1, x2 = symbols("x1 x2")
lam = sp.Symbol("lambda", nonnegative=True)


@claim("003-convexity-def", basis="exact", seed="003", where="Convexity",
       quote="f(λx₁ + (1−λ)x₂) ≤ λf(x₁) + (1−λ)f(x₂)",
       stated="x² satisfies the definition; symopt proves it convex",
       perturbed={"objective": "x**3"})
def convexity_definition(objective="x**2"):
    """For f = x² the gap is λ(1 − λ)(x₁ − x₂)² ≥ 0 on λ ∈ [0, 1]."""
    problem = Problem(objective)
    (v,) = problem.variables
    f = sp.Lambda(v, problem.objective)  # the definition's f
    gap = sp.factor(lam * f(x1) + (1 - lam) * f(x2) - f(lam * x1 + (1 - lam) * x2))
    stated = lam * (1 - lam) * (x1 - x2) ** 2
    convex = problem.convexity()
    outcome = Outcome.compare(stated, gap, f"symopt: {convex}.")
    return outcome if convex.value is True else Outcome.check(False, gap, convex.reason)


@claim("003-unique-minimum", basis="counterexample", seed="003", where="Convexity",
       quote="This ensures: Only one global minimum.",
       stated="a convex function has exactly one global minimizer", expect=False,
       note="convexity makes every local minimum global and the minimizers a convex set; "
       "uniqueness needs strict convexity, existence needs more (eˣ has no minimizer)",
       perturbed={"flat": "x**2 + y**2", "growing": "exp(x) + exp(-x)"})
def unique_minimum(flat="x**2", growing="exp(x)"):
    """f(x, y) = x² is convex with minimizers {(0, y)}; eˣ is convex with none. (Strictly
    convex, coercive examples refute nothing: the verdict is then unknown.)"""
    flat = Problem(flat, variables=["x", "y"])
    convex = flat.convexity().value is True
    solutions = sp.solve(list(flat.gradient), list(flat.variables), dict=True)
    free = set(flat.variables) - set(solutions[0]) if solutions else set()
    exp = Problem(growing)
    exp_convex = exp.convexity().value is True
    exp_points = sp.solveset(exp.gradient[0], exp.variables[0], sp.S.Reals)
    refuted = (convex and bool(free)) or (exp_convex and exp_points == sp.EmptySet)
    return Outcome.check(False if refuted else None,
                         r"\arg\min x^2 = \{(0, y) : y \in \mathbb{R}\},\ "
                         r"\arg\min e^x = \emptyset",
                         f"x² on ℝ²: ∇f = 0 ⇔ {solutions[0]}, {sorted(map(str, free))} free; "
                         f"eˣ: convex, ∇f = 0 has solutions {exp_points}.")


@claim("003-gd-finds-it", basis="counterexample", seed="003", where="Convexity",
       quote="Gradient descent will find it reliably (no traps).",
       stated="on a convex function GD always reaches the minimum", expect=False,
       note="true with a minimizer and a step 0 < α < 2/L (then GD converges on a convex "
       "L-smooth f); any larger step diverges even on x²", perturbed={"alpha": "0.5"})
def gd_finds_it(alpha="1.5"):
    """GD on the convex x² with α = 1.5: x ← −2x diverges. (A step that converges refutes
    nothing: the verdict is then unknown.)"""
    path = [p[0] for p in iterate(Problem("x**2"), gradient_descent(), [1], 10, alpha=alpha)]
    reaches = abs(path[-1]) < 1
    return Outcome.check(None if reaches else False,
                         r"x_k = (-2)^k x_0 \text{ for } \alpha = 1.5 > 2/L = 1",
                         f"iterates {[str(v) for v in path[:6]]} …",
                         {"x_k": [float(v) for v in path]})


def _bowl_family():
    """Convex L-smooth test problems: ½Σλᵢxᵢ² with 0 < λᵢ ≤ L = 1."""
    lambdas = [1, sp.Rational(1, 3), sp.Rational(1, 20), sp.Rational(1, 400)]
    names = sp.symbols("y1:5", real=True)
    return Problem(sum(val * v**2 for val, v in zip(lambdas, names)) / 2, variables=names)


def _class_verdict(found, extra: str, refute=None) -> tuple[bool | None, str]:
    """The verdict from a potential certificate; quadratics only as labelled extra evidence.

    Without a certificate, ``refute()`` (an instance of the statement at numbers, checked by
    performance estimation) may give exact points of the class that break it: false.
    """
    if found.value is not None:
        return True, f"{found.reason}. {extra}"
    if refute is not None:
        instance = refute()
        if instance.verdict == "false":
            return False, f"no certificate ({found.reason}); {instance.evidence} {extra}"
    return None, f"no certificate: {found.reason}. {extra}"


@claim("002-convex-bound", basis="certificate",
       seed="002", where="Convex Case — Guaranteed Convergence",
       quote="For a convex, L-smooth function with minimum J*, with step size α ≤ 1/L: … This is "
       "O(1/T) convergence", stated="J(θ_T) − J* ≤ ‖θ₀ − θ*‖²/(2αT)",
       perturbed={"denominator": 8})
def convex_bound(denominator=2):
    """For every L-smooth convex f and 0 < α ≤ 1/L, by the potential 2αk(f_k − f*) + ‖x_k − x*‖²
    (a certificate verified exactly with symbolic L, α, k, N); on quadratics per eigen-direction
    and an exact 60-step run at α = 1/L as extra evidence. Stated with 8 for 2 it is false:
    at N = 1, α = 1/L the worst case over the class is LR²/6 > LR²/8 (Drori & Teboulle 2014),
    shown by exact points of the class."""
    alpha, T = symbol("alpha"), symbol("T")
    stated = (1 / (denominator * alpha * T)).subs(T, N)
    found = certify_bound(smooth_convex("L"), "gd", "function_gap", "distance", stated)
    quadratic = convex_smooth_gd()
    problem = _bowl_family()
    path = iterate(problem, gradient_descent(), [1, 1, 1, 1], 60, alpha=1)
    f = [problem.objective.subs(dict(zip(problem.variables, p))) for p in path]
    run_ok = all(f[T] <= sp.Rational(4, denominator * T) for T in range(1, 61))
    holds, evidence = _class_verdict(
        found, f"Extra evidence, on quadratics only: {quadratic.name} — {quadratic.proof}; "
        f"exact run (‖x₀‖² = 4, α = 1/L = 1): f(x_T) ≤ 4/({denominator}T) for every T ≤ 60: "
        f"{run_ok}.",
        lambda: guarantee(f"L*R**2/({denominator}*N)", function_class="smooth_convex", L=1,
                          method="gd", hyperparameters={"alpha": "1/L"}, N=1,
                          measure="function_gap", initial="distance"))
    return Outcome.check(holds if run_ok else False,
                         r"f(x_N) - f^* \le \frac{\|x_0 - x^*\|^2}{2\alpha N}"
                         r"\ \text{for every } f \in \mathcal{F}_{0,L},\ 0 < \alpha \le 1/L",
                         evidence,
                         {"T·(f(x_T) − f*)": [float(T * val) for T, val in enumerate(f)]})


@claim("002-strong-bound", basis="certificate",
       seed="002", where="Strongly Convex Case — Exponential Convergence",
       quote="If J is additionally μ-strongly convex … gradient descent converges linearly",
       stated="J(θ_T) − J* ≤ (1 − 1/κ)ᵀ (J(θ₀) − J*) with α = 1/L",
       perturbed={"shrink": 3})
def strong_bound(shrink=1):
    """For every L-smooth μ-strongly convex f and α = 1/L, by the one-step certificate
    f_{k+1} − f* ≤ (1 − μ/L)(f_k − f*) and induction (verified exactly with symbolic L, μ, N);
    the proof on quadratics and an exact run on ½(w₁² + 4w₂²) (κ = 4) as extra evidence.
    Stated as (1 − 3/κ)ᵀ it is false: on the quadratic μx²/2 one step gives (1 − 1/κ)² > 1 − 3/κ
    (κ = 4: 9/16 > 1/4), shown by exact points of the class."""
    kappa, T = symbol("kappa"), symbol("T")
    stated = ((1 - shrink / kappa) ** T).subs({kappa: symbol("L") / symbol("mu"), T: N})
    found = certify_bound(smooth_strongly_convex("L", "mu"), "gd", "function_gap",
                          "function_gap", stated, alpha="1/L")
    quadratic = strongly_convex_gd()
    bowl = Problem("(w1**2 + 4*w2**2)/2")
    path = iterate(bowl, gradient_descent(), [1, 1], 30, alpha=sp.Rational(1, 4))
    f = [bowl.objective.subs(dict(zip(bowl.variables, p))) for p in path]
    ratio = 1 - sp.Rational(shrink, 4)
    run_ok = all(f[T] <= ratio**T * f[0] for T in range(31))
    holds, evidence = _class_verdict(
        found, f"Extra evidence, on quadratics only: {quadratic.name} — {quadratic.proof}; "
        f"exact run: f(x_T)/f(x_0) ≤ ({ratio})^T for T ≤ 30: {run_ok}.",
        lambda: guarantee(f"(1 - {shrink}*mu/L)**N*Delta", function_class="smooth_strongly_convex",
                          L=4, mu=1, method="gd", hyperparameters={"alpha": "1/L"}, N=1,
                          measure="function_gap", initial="function_gap"))
    return Outcome.check(holds if run_ok else False,
                         r"f(x_N) - f^* \le (1 - \mu/L)^N (f(x_0) - f^*) = (1 - 1/\kappa)^N "
                         r"(f(x_0) - f^*)\ \text{for every } f \in \mathcal{F}_{\mu,L}",
                         evidence,
                         {"f(x_T)/f(x_0)": [float(val / f[0]) for val in f],
                          "(3/4)^T": [0.75**T for T in range(31)]})


@claim("002-gd-linear-1-over-T", basis="counterexample",
       seed="002", where="Second-Order Methods (table)",
       quote="Gradient Descent | 1st order (∇J) | Linear O(1/T)",
       stated="GD's convergence is 'linear', i.e. O(1/T)", expect=False,
       note="'linear convergence' means a geometric rate ρᵀ (strongly convex case); O(1/T) is "
       "the sublinear rate of the merely convex case — the table conflates them",
       perturbed={"stated_rate": sp.Rational(9, 25) ** sp.Symbol("T", integer=True,
                                                                  nonnegative=True)})
def linear_vs_one_over_t(stated_rate=None, step="2/5"):
    """A rate describes a run when f(x_T) − f* and the rate have a finite positive ratio as
    T → ∞. On the bowl ½(w₁² + 4w₂²) from (1, 1), symopt's closed form per eigenvalue
    (x_T = (1 − αλ)ᵀx₀) gives f(x_T) = ½(1 − α)^{2T} + 2(1 − 4α)^{2T}, which is linear
    (geometric): at α = 2/5 it is (5/2)(9/25)ᵀ, and f(x_T)/(1/T) → 0 for every stable α —
    1/T does not describe linear convergence (it is the convex case's bound,
    002-convex-bound)."""
    T = sp.Symbol("T", integer=True, nonnegative=True)
    stated_rate = 1 / T if stated_rate is None else stated_rate
    bowl = Problem("(w1**2 + 4*w2**2)/2")
    closed = analyze(bowl, "gd", alpha=step).closed_form.value
    named = {sym.name: sym for sym in closed.free_symbols}  # k, x_0, lambda
    terms = [closed.subs({named["k"]: T, named["x_0"]: 1, named["lambda"]: eigenvalue})
             for eigenvalue in (1, 4)]
    f_T = sp.simplify(terms[0] ** 2 / 2 + 2 * terms[1] ** 2)
    path = iterate(bowl, gradient_descent(), [1, 1], 6, alpha=step)
    exact = [bowl.objective.subs(dict(zip(bowl.variables, p_))) for p_ in path]
    agrees = all(f_T.subs(T, j) == exact[j] for j in range(7))
    ratio = sp.limit(f_T / stated_rate, T, sp.oo)
    holds = bool(ratio.is_positive and ratio.is_finite) if agrees else None
    return Outcome.check(holds, r"f(x_T) = " + sp.latex(f_T) + r",\ \lim_{T\to\infty} "
                         r"\frac{f(x_T)}{" + sp.latex(stated_rate) + "} = " + sp.latex(ratio),
                         f"closed form checked against 6 exact GD steps: {agrees}; "
                         f"f(x_T)/({stated_rate}) → {ratio} at α = {step}.")


@claim("003-logreg-convex", basis="exact", seed="003", where="Common Misunderstandings",
       quote="Many classical ML problems (logistic regression, SVMs) are convex",
       stated="the logistic loss is convex", perturbed={"sign": -1})
def logistic_convex(sign=1):
    """ℓ(z) = log(1 + e^{−z}) has ℓ'' = σ(z)(1 − σ(z)) > 0; for every sample x (a symbol; the
    label's sign absorbed in x and b) the loss ℓ(xw + b) has the Hessian ℓ''·[x, 1][x, 1]ᵀ
    in (w, b) — checked symbolically — a PSD rank-one form, so each sample's loss is convex
    and so is their mean. The sample x = 3 is also proved convex by symopt."""
    z = symbol("z")
    loss = Problem(sign * sp.log(1 + sp.exp(-z)), variables=[z])  # sign −1: its negative
    second = sp.simplify(loss.hessian[0, 0])
    xs, ws, bs = symbol("x"), symbol("w"), symbol("b")
    general = sp.hessian(loss.objective.subs(z, xs * ws + bs), (ws, bs))
    rank_one = second.subs(z, xs * ws + bs) * sp.Matrix([[xs**2, xs], [xs, 1]])
    general_ok = sp.simplify(general - rank_one) == sp.zeros(2, 2)
    sample = Problem(f"{sign}*log(1 + exp(-(3*w + b)))", variables=["w", "b"])
    verdicts = [loss.convexity(), sample.convexity()]
    holds = general_ok and all(v.value is True for v in verdicts)
    return Outcome.check(holds, r"\ell''(z) = " + sp.latex(second),
                         f"every sample x: ∇²_(w,b) ℓ(xw + b) = ℓ''·[x, 1][x, 1]ᵀ: {general_ok}; "
                         + "; ".join(str(v) for v in verdicts))


@claim("002-iterations-1-over-eps", basis="exact",
       seed="002", where="Convex Case — Guaranteed Convergence",
       quote="This is O(1/T) convergence — to get ε-accuracy requires O(1/ε) iterations",
       stated="T ≥ ‖θ₀ − θ*‖²/(2αε) steps suffice", perturbed={"power": 2})
def iterations_one_over_eps(power=1):
    """Solving the bound R²/(2αT) ≤ ε for T gives T ≥ R²/(2αε), proportional to 1/ε."""
    R, eps_ = symbols("R epsilon")
    alpha, T = symbol("alpha"), sp.Symbol("T", positive=True)
    solution = sp.solve(sp.Eq(R**2 / (2 * alpha * T), eps_), T)
    stated = R**2 / (2 * alpha * eps_**power)
    outcome = Outcome.compare(stated, solution[0] if solution else sp.nan,
                              "the bound decreases in T, so every T past the root works.")
    return outcome


@claim("002-kappa-slow", basis="exact",
       seed="002", where="Strongly Convex Case — Exponential Convergence",
       quote="When κ is large (ill-conditioned — ravine), the contraction factor (1−1/κ) is "
       "close to 1 → slow convergence", stated="reaching ε takes ≈ κ·ln(1/ε) steps",
       perturbed={"power": 2})
def kappa_slow(power=1):
    """Steps to shrink the gap by ε with factor 1 − 1/κ: T = ln(1/ε)/(−ln(1 − 1/κ)), and
    T/κ → ln(1/ε) as κ → ∞ for every ε > 0 (a symbol), so T grows linearly with κ."""
    kappa, eps_ = symbol("kappa"), sp.Symbol("epsilon", positive=True)
    steps = sp.log(1 / eps_) / (-sp.log(1 - 1 / kappa))
    ratio = sp.limit(steps / kappa**power, kappa, sp.oo)
    table = {k: int(sp.ceiling(steps.subs({kappa: k, eps_: sp.Rational(1, 10**6)})))
             for k in (4, 100, 10000)}
    holds = sp.simplify(ratio - sp.log(1 / eps_)) == 0
    return Outcome.check(holds, r"T(\kappa) = \frac{\ln(1/\epsilon)}{-\ln(1-1/\kappa)} \sim "
                         r"\kappa \ln(1/\epsilon)",
                         f"steps for ε = 10⁻⁶: {table} (κ = 4, 100, 10⁴).")


@claim("004-convex-local-global", basis="exact",
       seed="004", where="§8 Convex vs. Non-convex Optimization",
       quote="Convex: any local minimum is global.",
       stated="every local minimum of a convex function is a global minimum",
       perturbed={"objective": "x**4 - x**3 - 2*x**2 + 3*x"})
def convex_local_global(objective="x**4 + x**2"):
    """The argument, in symbols: if f(y) = f(x) − d with d > 0, convexity bounds f on the
    segment by (1 − t)f(x) + t·f(y) = f(x) − t·d < f(x) for every t ∈ (0, 1], so points
    below f(x) come arbitrarily close to x and x is no local minimum. Illustrated on a
    function symopt proves convex (its only real local minimum is the global one); a
    non-convex f is checked for local minima of different heights instead."""
    t, d, fx = (sp.Symbol(n, positive=True) for n in ("t", "d", "f_x"))
    chord = sp.simplify((1 - t) * fx + t * (fx - d) - fx)
    argument = bool(chord.is_negative)
    problem = Problem(objective)
    convex = problem.convexity()
    minima = [pt for pt in problem.stationary_points()
              if pt.kind == "minimum" and all(c.is_real for c in pt.point.values())]
    heights = sorted({problem.objective.subs(pt.point) for pt in minima})
    if convex.value is True:
        holds = argument and len(heights) <= 1
    else:
        holds = False if len(heights) > 1 else None
    return Outcome.check(holds, r"(1-t)f(x) + t f(y) - f(x) = " + sp.latex(chord)
                         + r" < 0 \text{ when } f(y) = f(x) - d,\ d > 0",
                         f"{objective}: convex — {convex}; real local minima at "
                         f"{[pt.point for pt in minima]} with values {heights}.")


@claim("000-local-minima", basis="numeric", seed="000", where="Common Pitfalls",
       quote="Confusing global vs. local minima: Optimization finds local minima — that doesn’t "
       "always mean it’s the best possible model.",
       stated="gradient descent can settle in a local minimum that is not the global one",
       perturbed={"reaches": "global"})
def gd_local_minimum(reaches="local"):
    """f = x⁴ − x³ − 2x² + 3x has f' = (x − 1)(4x − 3)(x + 1): local minima at x = 1
    (f = 1) and x = −1 (f = −3, the global one), a local maximum at 3/4. From x₀ = 2 with
    α = 1/20, x₁ = 2 − 15/20 = 5/4 and the iterates decrease to 1 (f' > 0 on (1, 2],
    the step never crosses 3/4; near 1 the factor is 1 − αf''(1) = 9/10): GD ends at the
    local minimum of height 1, above the global −3."""
    objective = "x**4 - x**3 - 2*x**2 + 3*x"
    problem = Problem(objective)
    x = problem.variables[0]
    minima = [pt for pt in problem.stationary_points() if pt.kind == "minimum"
              and all(c.is_real for c in pt.point.values())]
    heights = sorted(problem.objective.subs(pt.point) for pt in minima)
    first = iterate(problem, gradient_descent(), [2], 2, alpha="1/20")
    path = iterate(problem, gradient_descent(), [2], 300, numeric=True, alpha="1/20")
    end = path[-1][0]
    nearest = min(minima, key=lambda pt: abs(float(pt.point[x]) - end))
    end_height = problem.objective.subs(nearest.point)
    settled = abs(float(nearest.point[x]) - end) < 1e-9
    if reaches == "local":
        holds = settled and end_height > heights[0]
    else:
        holds = settled and end_height == heights[0]
    return Outcome.check(holds, r"f'(x) = " + sp.latex(sp.factor(problem.gradient[0])),
                         f"local minima {[pt.point for pt in minima]} with values {heights}; "
                         f"GD (α = 1/20) from 2: x₁ = {first[1][0]}, x₂ = {first[2][0]}, "
                         f"x₃₀₀ = {end:.12f} → f = {end_height}, global minimum "
                         f"{heights[0]}.",
                         {"x_k": [p[0] for p in path[:60]]})
