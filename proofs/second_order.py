"""Second-order methods: Newton's convergence order, L-BFGS, and "Adam approximates Newton".

Seeds 001 and 002 say Newton's method converges quadratically (digits double) —
true at a nondegenerate minimum, false in general. Seed 004 recommends L-BFGS for
small problems (checked: it reaches Newton's minimiser; seed 002's "superlinear" for
L-BFGS is not checked — the superlinear theory is full BFGS's, limited memory is only
guaranteed R-linear). Seed 002 claims Adam's second moment approximates the
diagonal of the Hessian — it estimates the squared gradient instead. The costs of
seed 002's table "Why GD Instead of the Normal Equation?" are counted exactly: a GD step,
Gauss–Jordan inversion, and the normal equation with the XᵀX it must form.
"""

import itertools

import numpy as np
import sympy as sp

from symopt import Problem
from symopt.analysis import analyze
from symopt.analysis.steady import constant_gradient
from symopt.catalogue import Outcome, claim, iterate, same
from symopt.methods import adam, gradient_descent, newton
from symopt.symbols import symbol


@claim("001-newton-quadratic", basis="exact",
       seed="001 002", where="Advantages: Quadratic Convergence",
       quote="Newton's method exhibits quadratic convergence, meaning the error decreases "
       "quadratically with each iteration  /  the number of correct digits roughly doubles",
       stated="e_{k+1} ≈ C·e_k² near a nondegenerate minimum", perturbed={"order": 3})
def newton_quadratic(order=2):
    """For every f near a nondegenerate minimum x*: with e = x − x*, f'(x* + e) =
    f''·e + (f'''/2)e² + c₃e³ + c₄e⁴ + … (f'' = f''(x*) ≠ 0, the coefficients symbols), Newton's
    error e − f'/f'' has the series (f'''/(2f''))e² + O(e³): order 2 whatever the higher
    terms. On f = (x − 1)²(x + 2) (x* = 1, f''(1) = 6): symopt's Newton constant
    C = f'''/(2f'') = 1/2, and an exact 5-step run from x = 2 shows e_{k+1}/e_k² → 1/2."""
    e = sp.Symbol("e", real=True)
    f2 = sp.Symbol("f2", real=True, nonzero=True)
    f3, c3, c4 = sp.symbols("f3 c3 c4", real=True)
    slope = f2 * e + f3 / 2 * e**2 + c3 * e**3 + c4 * e**4
    error = sp.series(e - slope / sp.diff(slope, e), e, 0, 4).removeO()
    lowest = min(sp.Poly(error, e).monoms())[0]
    general = lowest == order and sp.simplify(error.coeff(e, order) - f3 / (2 * f2)) == 0
    problem = Problem("(x - 1)**2*(x + 2)")
    constant = analyze(problem, "newton").newton_constant
    path = [p[0] for p in iterate(problem, newton(), [2], 5)]
    errors = [abs(v - 1) for v in path]
    ratios = [errors[k + 1] / errors[k] ** order for k in range(4)]
    digits = [float(-sp.log(e, 10)) for e in errors[1:]]
    holds = (general and constant.value == sp.Rational(1, 2)
             and abs(ratios[-1] - sp.Rational(1, 2)) < sp.Rational(1, 1000))
    return Outcome.check(holds, r"e_{k+1}/e_k^2 \to \frac{f'''(x^*)}{2f''(x^*)} = \tfrac12",
                         f"every f with f''(x*) ≠ 0: e_(k+1) = {error} + O(e⁴) (lowest "
                         f"order {lowest}). {constant.reason}. Ratios e_(k+1)/e_k²: "
                         f"{[round(float(r), 6) for r in ratios]}; correct digits "
                         f"{[round(d, 1) for d in digits]} (doubling).",
                         {"log10 error": [float(sp.log(e, 10)) for e in errors[:5]]})


@claim("001-newton-quadratic-always", basis="counterexample",
       seed="001 002", where="Advantages: Quadratic Convergence",
       quote="Newton's method exhibits quadratic convergence", stated="Newton always converges "
       "quadratically", expect=False,
       note="at a degenerate minimum (f''(x*) = 0) Newton is only linear: on x⁴ it contracts "
       "by 2/3 per step", perturbed={"objective": "(x - 1)**2*(x + 2)", "minimum": 1})
def newton_not_always_quadratic(objective="x**4", minimum=0):
    """Newton's map N(x) = x − f'(x)/f''(x) converges quadratically to x* when
    (N(x) − x*)/(x − x*)² stays bounded as x → x*. On f = x⁴, N(x) = 2x/3 and the ratio
    is 2/(3x) → ∞: linear, a counterexample. (Another f whose ratio stays bounded refutes
    nothing: the verdict is then unknown, a special case proves no universal claim.)"""
    problem = Problem(objective)
    (v,) = problem.variables
    step = sp.simplify(v - problem.gradient[0] / problem.hessian[0, 0])
    ratio = sp.limit((step - minimum) / (v - minimum) ** 2, v, minimum, dir="+")
    path = [p[0] for p in iterate(problem, newton(), [minimum + 1], 8)]
    errors = [abs(x - minimum) for x in path]
    quadratic = None if ratio.is_finite else False
    return Outcome.check(quadratic, r"N(x) = " + sp.latex(step) + r",\ \lim_{x\to x^*} "
                         r"\frac{N(x) - x^*}{(x - x^*)^2} = " + sp.latex(ratio),
                         f"exact run from {minimum + 1}: {[str(x) for x in path[:5]]} …; "
                         f"e_(k+1)/e_k = {[str(b / a) for a, b in itertools.pairwise(errors[:5])]}"
                         + (" (linear)." if quadratic is False else
                            " — this f converges quadratically, which refutes nothing."),
                         {"x_k": [float(x) for x in path]})


@claim("002-adam-hessian", basis="counterexample", seed="002", where="Why Adam Approximates Newton",
       quote="Adam's second moment v approximates the diagonal of the Hessian — the curvature "
       "along each parameter axis", stated="v ≈ diag(∇²f)", expect=False,
       note="v is a moving average of g², the squared gradient (an empirical Fisher diagonal), "
       "not of ∇²f; √v ≈ |g| makes Adam's step ≈ α·sign(g), not Newton's H⁻¹g",
       perturbed={"approximates": "squared gradient"})
def adam_hessian(approximates="hessian"):
    """On f = ½ax² at a fixed point x, symopt's steady state of Adam's v is g² = a²x², while
    ∇²f = a; at the minimum v → 0 while the curvature stays a."""
    a = sp.Symbol("a", positive=True)
    x = symbol("x")
    problem = Problem(a * x**2 / 2, variables=[x])
    g = symbol("g")
    v_limit = constant_gradient(adam()).value.limits[symbol("v")].subs(g, problem.gradient[0])
    target = {"hessian": problem.hessian[0, 0], "squared gradient": problem.gradient[0] ** 2}
    verdict = same(v_limit, target[approximates])
    witness = {a: 4, x: sp.Rational(1, 10)}
    return Outcome.check(verdict, r"v \to g^2 = " + sp.latex(v_limit) + r"\ne \nabla^2 f = a",
                         f"at a = 4, x = 0.1: v → {v_limit.subs(witness)} while ∇²f = 4.")


_DATA = np.array([[0.5, 1.0], [1.5, -0.5], [-1.0, 0.5], [2.0, 1.5],
                  [-0.5, -1.5], [1.0, 0.0], [-2.0, 1.0], [0.0, -0.5]])
_LABELS = np.array([1, 1, 0, 1, 0, 0, 0, 1])


def _logistic_problem():
    w1, w2, b = sp.symbols("w1 w2 b", real=True)
    loss = 0
    for (x1, x2), y in zip(_DATA.tolist(), _LABELS.tolist()):
        z = sp.nsimplify(x1) * w1 + sp.nsimplify(x2) * w2 + b
        loss += sp.log(1 + sp.exp(z)) - y * z  # −[y log σ(z) + (1 − y) log(1 − σ(z))]
    return Problem(loss / len(_LABELS), variables=[w1, w2, b])


@claim("004-lbfgs", basis="numeric",
       seed="004", where="§6 Second-Order Methods: Newton and Quasi-Newton",
       quote="L-BFGS: approximates Hessian using past gradients – popular for smaller problems",
       stated="L-BFGS (scipy) minimises a small logistic regression: it reaches Newton's "
       "minimiser",
       note="this checks where L-BFGS ends, not how fast: seed 002's 'Quasi-Newton (L-BFGS) | "
       "Superlinear' is the theory of full BFGS (Dennis–Moré); limited-memory BFGS is only "
       "guaranteed R-linear convergence (Liu & Nocedal, 1989)",
       perturbed={"stated_point": (0.0, 0.0, 0.0)})
def lbfgs_vs_newton(stated_point=None):
    """scipy's L-BFGS-B (with symopt's gradient) and symopt's Newton (10 steps, ‖∇f‖ below
    1e-10) on a non-separable 8-point logistic regression; the claim holds when L-BFGS's
    point is within 1e-6 of the stated minimiser (by default Newton's)."""
    from scipy.optimize import minimize

    problem = _logistic_problem()
    f = sp.lambdify(problem.variables, problem.objective, modules="math", dummify=True)
    grad = sp.lambdify(problem.variables, list(problem.gradient), modules="math", dummify=True)
    result = minimize(lambda w: f(*w), np.zeros(3), jac=lambda w: np.array(grad(*w)),
                      method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15})
    path = iterate(problem, newton(), [0, 0, 0], 10, numeric=True)
    newton_point = np.array(path[-1])
    target = newton_point if stated_point is None else np.array(stated_point, dtype=float)
    gap = float(np.max(np.abs(result.x - target)))
    grad_norm = float(np.linalg.norm(grad(*newton_point)))
    holds = result.success and gap < 1e-6 and grad_norm < 1e-10
    return Outcome.check(holds, r"w^* \approx " + ", ".join(f"{v:.6f}" for v in newton_point),
                         f"L-BFGS-B: {result.nit} iterations; Newton: 10 steps, ‖∇f‖ = "
                         f"{grad_norm:.1e}; max difference from the stated point {gap:.1e}.",
                         {"Newton ‖w_k − w*‖": [float(np.linalg.norm(np.array(p) - newton_point))
                                                for p in path]})


def _gauss_jordan_inverse(A: sp.Matrix) -> tuple[sp.Matrix, int]:
    """A⁻¹ by Gauss–Jordan elimination on [A | I] in exact rationals, and the number of
    multiplications and divisions it performed (row swaps and additions not counted)."""
    n = A.rows
    M = [list(A.row(i)) + [sp.Integer(int(i == j)) for j in range(n)] for i in range(n)]
    ops = 0
    for k in range(n):
        pivot = next(i for i in range(k, n) if M[i][k] != 0)  # partial pivoting: any nonzero
        M[k], M[pivot] = M[pivot], M[k]
        p = M[k][k]
        M[k] = [v / p for v in M[k]]
        ops += 2 * n
        for i in range(n):
            if i != k:
                factor = M[i][k]
                M[i] = [a - factor * b for a, b in zip(M[i], M[k])]
                ops += 2 * n
    return sp.Matrix([row[n:] for row in M]), ops


@claim("002-inversion-cost", basis="instance",
       seed="000 002 004", where="Newton's method / the normal equation",
       quote="requires inverting an n × n matrix — O(n³) cost  /  Hessian inversion is O(n³)",
       stated="inverting an n × n matrix by elimination costs Θ(n³) arithmetic operations "
       "(2n³ multiplications and divisions, counted for n ≤ 8)",
       note="in part: the count is exact for n = 1…8, the general 2n³ is by hand (n pivots of "
       "2n² each) for the textbook algorithm (Gauss–Jordan on [A | I]); O(n³) is an upper "
       "bound for inversion, not a lower one: fast matrix multiplication inverts in O(n^ω), "
       "ω < 2.38",
       perturbed={"power": 2})
def inversion_cost(power=3):
    """Gauss–Jordan inversion of random invertible integer matrices, n = 1…8, in exact
    rationals: each result is checked to be A⁻¹ (A·A⁻¹ = I exactly), and the multiplications
    and divisions are counted. By hand: each of the n pivots divides one row of 2n entries and
    updates n − 1 rows of 2n entries, 2n·n per pivot, so 2n³ in all — Θ(n^power) exactly when
    power = 3."""
    rng = np.random.default_rng(3)
    counts, inverses = {}, True
    for n in range(1, 9):
        while True:
            A = sp.Matrix(rng.integers(-5, 6, size=(n, n)).tolist())
            if A.det() != 0:
                break
        inverse, counts[n] = _gauss_jordan_inverse(A)
        inverses = inverses and A * inverse == sp.eye(n)
    N = sp.Symbol("N", positive=True, integer=True)
    exact = all(c == 2 * n**3 for n, c in counts.items())
    growth = sp.limit(2 * N**3 / N**power, N, sp.oo)
    holds = inverses and exact and bool(growth.is_positive and growth.is_finite)
    return Outcome.check(holds, r"\#\{\times, \div\} = 2n^3,\ \lim \frac{2n^3}{n^" + str(power)
                         + "} = " + sp.latex(growth),
                         f"Gauss–Jordan on [A | I], n = 1…8: A·A⁻¹ = I exactly ({inverses}); "
                         f"multiplications and divisions {counts} (= 2n³: {exact}).")


@claim("001-hessian-cost", basis="exact", seed="001 002", where="The Computational Bottleneck",
       quote="Computing H: Requires O(N²) operations for N parameters  /  O(n²) storage",
       stated="a Hessian has Θ(N²) distinct entries (one second derivative each)",
       note="the inversion's O(N³) is the operation count of an algorithm (Gaussian "
       "elimination, ≈ N³/3 multiplications), not checked here",
       perturbed={"power": 3})
def hessian_cost(power=2):
    """For every N: by the symmetry of second derivatives the distinct entries are the pairs
    i ≤ j, Σ_{i=1}^{N} (N − i + 1) = N(N + 1)/2 of them (summed symbolically), which grows like
    N^power exactly when power = 2. SymPy's Hessian of a generic f(x₁, …, x_N), N = 1…6, has
    that many distinct entries."""
    i, N_ = sp.Symbol("i", integer=True, positive=True), sp.Symbol("N", integer=True,
                                                                  positive=True)
    pairs = sp.factor(sp.summation(N_ - i + 1, (i, 1, N_)))
    counts = {}
    for n in range(1, 7):
        xs = sp.symbols(f"x1:{n + 1}", real=True)
        f = sp.Function("f")(*xs)
        counts[n] = len(set(sp.hessian(f, xs)))
    N = sp.Symbol("N", positive=True, integer=True)
    exact = (sp.simplify(pairs - N_ * (N_ + 1) / 2) == 0
             and all(c == n * (n + 1) // 2 for n, c in counts.items()))
    growth = sp.limit(N * (N + 1) / 2 / N**power, N, sp.oo)
    holds = exact and bool(growth.is_positive and growth.is_finite)
    return Outcome.check(holds, r"\#\{\partial^2 f/\partial x_i \partial x_j\} = "
                         r"\frac{N(N+1)}{2},\ \lim \frac{N(N+1)/2}{N^" + str(power) + "} = "
                         + sp.latex(growth),
                         f"pairs i ≤ j: {pairs}; distinct second derivatives for N = 1…6: "
                         f"{counts}.")


def _gd_step_counted(X: sp.Matrix, y: sp.Matrix, w: sp.Matrix,
                     alpha: sp.Rational) -> tuple[list, int]:
    """One GD step on (1/2m)‖Xw − y‖², w − (α/m)Xᵀ(Xw − y), in exact rationals, and the
    multiplications it performed (the scalar α/m, formed once per step, not counted)."""
    m, n = X.shape
    ops = 0
    residual = []
    for i in range(m):  # r = Xw − y: n products per row
        total = sp.Integer(0)
        for j in range(n):
            total += X[i, j] * w[j]
            ops += 1
        residual.append(total - y[i])
    scale = alpha / m
    new = []
    for j in range(n):  # Xᵀr: m products per coordinate, then one for the update
        total = sp.Integer(0)
        for i in range(m):
            total += X[i, j] * residual[i]
            ops += 1
        new.append(w[j] - scale * total)
        ops += 1
    return new, ops


def _normal_equation_counted(X: sp.Matrix, y: sp.Matrix) -> tuple[sp.Matrix, dict[str, int]]:
    """θ = (XᵀX)⁻¹Xᵀy with each part's multiplications and divisions counted: XᵀX (its
    upper triangle, m each), Xᵀy, the Gauss–Jordan inverse, the product with Xᵀy."""
    m, n = X.shape
    gram = sp.zeros(n, n)
    counts = {"XᵀX": 0, "Xᵀy": 0, "inverse": 0, "product": 0}
    for a in range(n):
        for b in range(a, n):
            gram[a, b] = gram[b, a] = sum(X[i, a] * X[i, b] for i in range(m))
            counts["XᵀX"] += m
    rhs = []
    for a in range(n):
        rhs.append(sum(X[i, a] * y[i] for i in range(m)))
        counts["Xᵀy"] += m
    inverse, counts["inverse"] = _gauss_jordan_inverse(gram)
    theta = []
    for a in range(n):
        theta.append(sum(inverse[a, b] * rhs[b] for b in range(n)))
        counts["product"] += n
    return sp.Matrix(theta), counts


@claim("002-gd-cost-per-iteration", basis="instance",
       seed="002", where="Why GD Instead of the Normal Equation?",
       quote="Cost (n = #features) | O(n³) matrix inversion | O(kn) per iteration",
       stated="one GD step on least squares costs Θ(kn) with k = m samples: linear in n "
       "(2mn + n multiplications, counted for m ≤ 4, n ≤ 6)",
       note="in part: the count is exact for m ≤ 4, n ≤ 6, the general 2mn + n is by hand; "
       "the normal-equation column's O(n³) counts the inversion only; forming XᵀX "
       "takes m·n(n + 1)/2 multiplications more (m n² without the symmetry), so the normal "
       "equation costs Θ(mn² + n³) — for m ≥ n forming XᵀX dominates the inversion. The table "
       "compares one GD step with the whole direct solve; k steps of GD cost Θ(kmn)",
       perturbed={"power": 2})
def gd_cost_per_iteration(power=1):
    """One GD step on J(w) = (1/2m)‖Xw − y‖² computes w − (α/m)Xᵀ(Xw − y). Counted by hand:
    Xw takes mn multiplications, Xᵀr another mn, the update n: 2mn + n, which for a fixed
    number of samples m (the text's k) grows like n^power exactly when power = 1. Counted here
    by an instrumented evaluation for m = 1…4, n = 1…6 (random integer data, exact
    rationals), each step checked equal to symopt's gradient-descent rule on the same
    Problem for a few sizes. Also counted: the normal equation (XᵀX, Xᵀy, Gauss–Jordan
    inverse, product), each solution checked to satisfy XᵀXθ = Xᵀy."""
    rng = np.random.default_rng(17)
    alpha = sp.Rational(1, 10)
    counts, agrees, normal = {}, [], {}
    for m in range(1, 5):
        for n in range(1, 7):
            X = sp.Matrix(rng.integers(-4, 5, size=(m, n)).tolist())
            y = sp.Matrix(rng.integers(-4, 5, size=(m, 1)).tolist())
            w = sp.Matrix(rng.integers(-3, 4, size=(n, 1)).tolist())
            new, counts[m, n] = _gd_step_counted(X, y, w, alpha)
            if (m, n) in ((1, 2), (3, 2), (2, 3)):
                ws = sp.symbols(f"w1:{n + 1}", real=True)
                residual = X * sp.Matrix(ws) - y
                problem = Problem((residual.T * residual)[0] / (2 * m), variables=list(ws))
                agrees.append(iterate(problem, gradient_descent(), list(w), 1,
                                      alpha=alpha)[1] == new)
    for m, n in ((4, 2), (6, 3), (8, 4)):
        while True:
            X = sp.Matrix(rng.integers(-4, 5, size=(m, n)).tolist())
            if (X.T * X).det() != 0:
                break
        y = sp.Matrix(rng.integers(-4, 5, size=(m, 1)).tolist())
        theta, parts = _normal_equation_counted(X, y)
        solved = X.T * X * theta == X.T * y
        normal[m, n] = (sum(parts.values()), parts, solved)
    exact = all(c == 2 * m * n + n for (m, n), c in counts.items())
    N, M = sp.Symbol("n", positive=True, integer=True), sp.Symbol("m", positive=True,
                                                                   integer=True)
    growth = sp.limit((2 * M * N + N) / N**power, N, sp.oo)
    normal_ok = all(total == m * n * (n + 1) // 2 + m * n + 2 * n**3 + n * n and solved
                    for (m, n), (total, _, solved) in normal.items())
    holds = exact and all(agrees) and normal_ok and bool(growth.is_positive and growth.is_finite)
    return Outcome.check(holds, r"\#\{\times\} = 2mn + n,\ \lim_{n\to\infty} \frac{2mn + n}{n^"
                         + str(power) + "} = " + sp.latex(growth),
                         f"one GD step, m = 1…4, n = 1…6: multiplications {counts} (= 2mn + n: "
                         f"{exact}); equal to symopt's GD step at 3 sizes: {all(agrees)}. The "
                         "normal equation, (m, n): total, parts, XᵀXθ = Xᵀy — "
                         + "; ".join(f"{k}: {t}, {p}, {s}" for k, (t, p, s) in normal.items())
                         + " (= mn(n + 1)/2 + mn + 2n³ + n²: forming XᵀX is left out of the "
                         "table's O(n³)).")
