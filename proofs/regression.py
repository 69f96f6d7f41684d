"""Linear regression's normal equation, mini-batch gradients and epochs.

The gradients of the regression losses are in ``regression.toml`` (claims format);
this file checks the normal equation θ = (XᵀX)⁻¹Xᵀy (seed 002), that mini-batch
and single-sample gradients are unbiased estimates of the full gradient (seeds 002
and 003), and the number of updates per epoch (seed 002's prose and table, seed
004's loop).
"""

import itertools
import math

import sympy as sp

from symopt import Problem
from symopt.catalogue import Outcome, claim, iterate
from symopt.methods import gradient_descent

X = sp.Matrix([[1, 2], [3, -1], [0, 1], [2, 2]])
Y = sp.Matrix([1, 0, 2, -1])


@claim("002-normal-equation", seed="002", where="Why Can't We Just Solve It Directly?",
       quote="The normal equation θ = (XᵀX)⁻¹Xᵀy", stated="θ = (XᵀX)⁻¹Xᵀy minimises ‖Xθ − y‖²",
       perturbed={"transpose_y": False})
def normal_equation(transpose_y=True):
    """symopt's stationary point of ‖Xθ − y‖² for a fixed 4×2 X equals the formula; GD with
    α < 2/L converges to it (exact run, 300 steps, floats)."""
    theta = sp.symbols("theta1 theta2", real=True)
    residual = X * sp.Matrix(theta) - Y
    problem = Problem((residual.T * residual)[0], variables=theta)
    (point,) = problem.stationary_points()
    formula = (X.T * X).inv() * (X.T * Y if transpose_y else X[:2, :].T * Y[:2, :])
    derived = sp.Matrix([point.point[v] for v in theta])
    L = problem.smoothness().value
    path = iterate(problem, gradient_descent(), [0, 0], 300, numeric=True, alpha=1 / L)
    close = max(abs(a - float(b)) for a, b in zip(path[-1], formula)) < 1e-9
    outcome = Outcome.compare(formula, derived, f"{point.kind} at {point.point}; GD with "
                              f"α = 1/L = {1 / L} reaches {[round(v, 10) for v in path[-1]]}.",
                              {"θ₁": [p[0] for p in path], "θ₂": [p[1] for p in path]})
    return outcome if close else Outcome.check(False, derived, "GD did not reach it")


def _batch_mean(grads, batch):
    return sum(grads[i] for i in batch) / len(batch)


@claim("002-minibatch-unbiased", seed="002 003", where="Mini-Batch Gradient Descent",
       quote="Gradient estimate is a sample mean — by the law of large numbers, it's a good "
       "approximation of the true gradient", stated="E[mini-batch gradient] = full gradient "
       "(for B = 1: seed 003's SGD step ∇L_i)", perturbed={"divide_by": "m"})
def minibatch_unbiased(divide_by="B"):
    """Averaging the batch mean over all C(m, B) equally likely batches gives the full mean,
    for symbolic per-sample gradients g₁…g₆ and every B = 1…6."""
    grads = sp.symbols("g1:7", real=True)
    full = sum(grads) / len(grads)
    ok = True
    for size in range(1, 7):
        batches = list(itertools.combinations(range(6), size))
        means = [_batch_mean(grads, bt) if divide_by == "B" else sum(grads[i] for i in bt) / 6
                 for bt in batches]
        expectation = sum(means) / len(batches)
        ok = ok and sp.simplify(expectation - full) == 0
    return Outcome.check(ok, r"\mathbb{E}_{\mathcal B}\Big[\tfrac1B\sum_{i\in\mathcal B} g_i\Big]"
                         r" = \tfrac1m\sum_i g_i",
                         "exact for m = 6 and every batch size (uniform sampling without "
                         "replacement); B = 1 is SGD.")


@claim("002-epoch-ceil", seed="002 004", where="Batch, Stochastic & Mini-Batch GD",
       quote="With mini-batch GD and batch size B, one epoch consists of ⌈m/B⌉ gradient updates",
       stated="⌈m/B⌉ updates per epoch (seed 004: m = 1000, B = 32); SGD makes m, batch "
       "GD 1", perturbed={"rounding": "floor"})
def epoch_ceil(rounding="ceil"):
    """Seed 004's loop `for i in range(0, len(X), batch_size)` makes ⌈1000/32⌉ = 32 updates."""
    counts = {(m, b): len(range(0, m, b)) for m in (1000, 1024, 7) for b in (1, 3, 32, 64)}
    counts[(1000, 1000)] = len(range(0, 1000, 1000))  # batch GD: one update per epoch
    rounded = {"ceil": math.ceil, "floor": math.floor}[rounding]
    holds = all(n == rounded(m / b) for (m, b), n in counts.items())
    return Outcome.check(holds, r"\lceil 1000/32 \rceil = 32",
                         f"loop counts {counts} all equal ⌈m/B⌉.")


@claim("002-epoch-table", seed="002", where="Batch, Stochastic & Mini-Batch GD (table)",
       quote="Mini-Batch GD | 32–512 | m/B", stated="m/B updates per epoch", expect=False,
       note="only when B divides m; the prose's ⌈m/B⌉ is right (m = 1000, B = 32: 32 updates, "
       "not 31.25)", perturbed={"rounded_up": True})
def epoch_table(rounded_up=False):
    """The updates of one epoch are the batches the loop ``range(0, m, B)`` starts; m/B is
    not even an integer for seed 004's m = 1000, B = 32. The stated count is compared with
    the loop for every m ≤ 300 and B ≤ 64 (numeric evidence; ``rounded_up``: ⌈m/B⌉)."""
    def stated(m, b):
        return sp.ceiling(sp.Rational(m, b)) if rounded_up else sp.Rational(m, b)

    wrong = [(m, b) for m in range(1, 301) for b in range(1, 65)
             if stated(m, b) != len(range(0, m, b))]
    actual = len(range(0, 1000, 32))
    return Outcome.check(not wrong, sp.Integer(actual),
                         f"m = 1000, B = 32: stated {stated(1000, 32)}, the loop makes {actual} "
                         f"updates; the stated count differs from the loop for {len(wrong)} of "
                         f"the 19200 pairs m ≤ 300, B ≤ 64.")


@claim("002-sgd-oscillates", seed="002", where="Stochastic Gradient Descent (SGD)",
       quote="High variance — loss curve is noisy. May never fully converge — oscillates around "
       "minimum", stated="SGD with a constant step keeps oscillating around the minimizer",
       perturbed={"behaviour": "converges"})
def sgd_oscillates(behaviour="oscillates"):
    """f(x) = ½[(x − 1)² + (x + 1)²]/2 (minimizer 0) by single-sample steps on the two samples
    in turn, with the constant α = 0.1: x ← x − α(x ∓ 1) settles on the 2-cycle
    ±α/(2 − α) ≈ ±0.0526 instead of 0. With α_t → 0 it would converge. (``behaviour``:
    the stated one, "oscillates" on the 2-cycle or "converges" to 0.)"""
    alpha = sp.Rational(1, 10)
    samples = [Problem("(x - 1)**2/2"), Problem("(x + 1)**2/2")]
    x = sp.Integer(3)
    path = [x]
    for step in range(200):
        x = iterate(samples[step % 2], gradient_descent(), [x], 1, alpha=alpha)[1][0]
        path.append(x)
    cycle = alpha / (2 - alpha)
    on_cycle = abs(abs(path[-1]) - cycle) < sp.Rational(1, 10**4) and path[-1] != 0
    holds = on_cycle if behaviour == "oscillates" else abs(path[-1]) < sp.Rational(1, 10**4)
    return Outcome.check(holds, r"x \to \pm\frac{\alpha}{2-\alpha} = \pm\tfrac{1}{19}",
                         f"after 200 single-sample steps x = {float(path[-1]):.6f}, "
                         f"{float(path[-2]):.6f}; the full-gradient minimizer is 0.",
                         {"x_k": [float(v) for v in path]})


@claim("004-normalization-conditioning", seed="004", where="§9 Practical Tips for Training",
       quote="Normalization: batch norm, layer norm improve conditioning",
       stated="normalising the features lowers the condition number of the least-squares "
       "Hessian", note="checked for feature standardisation on linear least squares, the "
       "simplest instance of the claim", perturbed={"lowers": False})
def normalization_conditioning(lowers=True):
    """Least squares with one feature on a scale of 1 and one on a scale of 100: κ(XᵀX)
    before and after dividing each column by its norm."""
    raw = sp.Matrix([[1, 100], [2, -300], [-1, 200], [3, 100]])
    scaled = raw * sp.diag(*[1 / raw[:, j].norm() for j in range(2)])
    kappas = []
    for X_ in (raw, scaled):
        theta = sp.symbols("theta1 theta2", real=True)
        residual = X_ * sp.Matrix(theta)
        problem = Problem((residual.T * residual)[0] / 2, variables=theta)
        kappas.append(sp.nsimplify(problem.condition_number().value))
    holds = (kappas[1] < kappas[0]) == lowers
    return Outcome.check(holds, r"\kappa_{raw} \approx " + f"{float(kappas[0]):.0f}"
                         + r",\ \kappa_{normalised} \approx " + f"{float(kappas[1]):.2f}",
                         f"κ(XᵀX) = {float(kappas[0]):.1f} → {float(kappas[1]):.3f}; GD's "
                         "optimal rate (κ − 1)/(κ + 1) improves accordingly.")


@claim("004-minibatch-run", seed="004", where="§2 Gradient Descent Variants",
       quote="theta = np.zeros(10); lr = 0.01; batch_size = 32 … for epoch in range(100): … "
       "plt.title('Mini‑batch GD Convergence')",
       stated="the text's mini-batch GD converges to the least-squares fit",
       perturbed={"lr": 1.0})
def minibatch_run(lr=0.01):
    """The text's script as written (NumPy's seed 42, shuffled batches of 32, 100 epochs),
    with symopt's compiled GD step on the text's ``mse_gradient``: the full-data MSE ends
    within 2% of the least-squares minimum (from ``numpy.linalg.lstsq``, independent of the
    run)."""
    import numpy as np

    from symopt.kernels import compile as compile_step

    rng = np.random.RandomState(42)  # np.random.seed(42): the legacy global generator
    X_ = rng.randn(1000, 10)
    y_ = X_ @ np.array([1.5, -2.0, 0.5, 0, 0, 0, 0, 0, 0, 3.0]) + 0.1 * rng.randn(1000)
    step = compile_step("gd", alpha=lr)
    theta = np.zeros(10)
    state = step.init_state(theta)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(100):
            idx = rng.permutation(len(X_))
            Xs, ys = X_[idx], y_[idx]
            for i in range(0, len(X_), 32):
                Xb, yb = Xs[i:i + 32], ys[i:i + 32]
                step(theta, (2 / len(Xb)) * Xb.T @ (Xb @ theta - yb), state, epoch + 1)
            losses.append(float(np.mean((X_ @ theta - y_) ** 2)))
    best = float(np.mean((X_ @ np.linalg.lstsq(X_, y_, rcond=None)[0] - y_) ** 2))
    holds = bool(np.isfinite(losses[-1]) and losses[-1] <= 1.02 * best)
    return Outcome.check(holds, r"\mathrm{MSE}_{100} \approx " + f"{losses[-1]:.5f}"
                         + r",\ \min_\theta \mathrm{MSE} = " + f"{best:.5f}",
                         f"full-data MSE after epochs 1, 10, 100: {losses[0]:.4g}, "
                         f"{losses[9]:.4g}, {losses[-1]:.5g}; least squares {best:.5f}.",
                         {"MSE": losses})


@claim("004-linreg-convex", seed="004 003", where="§8 Convex vs. Non-convex Optimization "
       "(seed 004); Common Misunderstandings (seed 003: \"logistic regression, SVMs\")",
       quote="Many classic models (linear regression, SVM) are convex.",
       stated="the least-squares loss ‖Xθ − y‖² and the SVM objective (mean hinge loss "
       "max(0, 1 − yᵢθᵀxᵢ) + λ‖θ‖²) are convex in θ",
       perturbed={"sign": -1})
def linreg_convex(sign=1, hinge="max"):
    """The Hessian of ‖Xθ − y‖² is 2XᵀX, and vᵀ(2XᵀX)v = 2‖Xv‖² ≥ 0 for every v: shown for a
    symbolic 3×2 X (the identity holds entry by entry), and symopt proves the loss convex
    for the fixed X of this file. The SVM objective is a sum of λ‖θ‖² (convex) and hinge
    terms h(1 − yᵢθᵀxᵢ), h(u) = max(0, u), of an affine function of θ; h is convex because
    h(λu + (1 − λ)v) ≤ λh(u) + (1 − λ)h(v) for λ ∈ [0, 1], shown exactly in every case of the
    signs of u, v and λu + (1 − λ)v. (With min(0, u) in place of max the inequality fails,
    at u = 1, v = −1, λ = 1/2.)"""
    entries = sp.symbols("a1:7", real=True)
    Xs = sp.Matrix(3, 2, entries)
    theta = sp.symbols("theta1 theta2", real=True)
    ys = sp.Matrix(sp.symbols("y1:4", real=True))
    residual = Xs * sp.Matrix(theta) - ys
    problem = Problem(sign * (residual.T * residual)[0], variables=theta)
    v = sp.Matrix(sp.symbols("v1 v2", real=True))
    quadratic_form = sp.expand((v.T * problem.hessian * v)[0])
    squares = sign * 2 * ((Xs * v).T * (Xs * v))[0]  # ± twice a sum of squares
    identity = sp.expand(quadratic_form - squares) == 0
    fixed = Problem(sign * ((X * sp.Matrix(theta) - Y).T * (X * sp.Matrix(theta) - Y))[0],
                    variables=theta).convexity()
    least_squares = identity and squares.is_nonnegative is True and fixed.value is True
    svm, svm_text = _hinge_convex(sp.Max if hinge == "max" else sp.Min)
    holds = least_squares and svm if least_squares is False or svm is not None else None
    return Outcome.check(holds, r"\nabla^2 \|X\theta - y\|^2 = 2X^TX,\ v^T(2X^TX)v = "
                         r"2\|Xv\|^2 \ge 0;\ \max(0, u) \text{ convex}",
                         f"symbolic 3×2 X: vᵀ∇²f v − 2‖Xv‖² expands to 0 ({identity}); fixed "
                         f"X: {fixed}. SVM: {svm_text}")


def _hinge_convex(outer):
    """Whether h(u) = outer(0, u) is convex: λh(u) + μh(v) − h(λu + μv) ≥ 0 for λ, μ ≥ 0
    (λ + μ = 1 is not even needed), case by case on the signs of u, v and λu + μv, each
    outer(0, ·) resolved by its case; a case not shown ≥ 0 is checked at exact numbers."""
    U, V, lam, mu = sp.symbols("U V lambda mu", nonnegative=True)
    z = sp.Symbol("z", real=True)
    h = sp.Lambda(z, outer(0, z))
    for su, sv, sw in itertools.product((1, -1), repeat=3):
        u, v = su * U, sv * V
        keep = [(sign > 0) == (outer is sp.Max) for sign in (su, sv, sw)]  # outer(0, x) = x
        gap = sp.expand(lam * (u if keep[0] else 0) + mu * (v if keep[1] else 0)
                        - ((lam * u + mu * v) if keep[2] else 0))
        if gap.is_nonnegative is not True:
            broken = h(0) > (h(1) + h(-1)) / 2
            return (False if broken else None,
                    f"case u {'≥' if su > 0 else '≤'} 0, v {'≥' if sv > 0 else '≤'} 0, "
                    f"λu + μv {'≥' if sw > 0 else '≤'} 0: the gap {gap} is not ≥ 0; at u = 1, "
                    f"v = −1, λ = μ = 1/2: h(0) = {h(0)} > (h(1) + h(−1))/2 = "
                    f"{(h(1) + h(-1)) / 2}: {broken}.")
    return True, ("λh(u) + μh(v) − h(λu + μv) ≥ 0 in all 8 sign cases (exact), so each hinge "
                  "term is convex in θ and so is their mean plus λ‖θ‖².")
