"""Gradient descent and Newton's method on the seed texts' quadratics.

Worked steps of seed 000 (x² from x = 2), seed 004's parabola (θ − 5)², and the
derivation of Newton's step from the second-order Taylor model (seed 001).
Every update is symopt's own rule (``symopt.methods``), run exactly.
"""

import itertools

import sympy as sp

from symopt import Problem, parse
from symopt.catalogue import Outcome, claim, iterate
from symopt.derivations import newton_multivariate, newton_scalar
from symopt.methods import gradient_descent, newton

x, g, alpha = sp.symbols("x g alpha", real=True)
xk, xx = sp.symbols("x_k x", real=True)
f0, f1 = sp.symbols("f0 f1", real=True)
f2 = sp.Symbol("f2", positive=True)


def _floats(path, coordinate=0):
    return [float(p[coordinate]) for p in path]


@claim("gd-rule", basis="exact", seed="000 001 003", stated="x_{next} = x − α·∇f(x)",
       quote="θ_next = θ − η·∇L(θ)  /  x_{k+1} = x_k − α∇f(x_k)  /  θ_{t+1} = θ_t − η∇L(θ_t)",
       perturbed={"stated": "x + alpha*g"})
def gd_rule(stated="x - alpha*g"):
    """The gradient-descent update, as seeds 000, 001 and 003 write it."""
    derived = gradient_descent().rule().x_next
    return Outcome.compare(parse(stated), derived,
                           "symopt's GD is the one-link chain scale_by_learning_rate: "
                           "u = −αg, x' = x + u.")


@claim("000-demo-trajectory", basis="instance", seed="000", where="Python: Gradient Descent Demo",
       quote="x_vals = [2.0]; lr = 0.1; for _ in range(10): x_new = x - lr * df(x)",
       stated="the 10 iterates step toward the minimum 0 of x²", perturbed={"lr": "1.1"})
def demo_trajectory(lr="0.1"):
    """Seed 000's demo: GD on f = x² from 2 with lr = 0.1 moves monotonically to 0."""
    path = [p[0] for p in iterate(Problem("x**2"), gradient_descent(), [2], 10, alpha=lr)]
    closed = [2 * (1 - 2 * sp.Rational(lr)) ** k for k in range(11)]
    holds = path == closed and all(0 < b < a for a, b in itertools.pairwise(path))
    return Outcome.check(holds, r"x_k = 2\cdot 0.8^k,\quad x_{10} = " + sp.latex(path[-1]),
                         f"exact run: x₁₀ = {path[-1]} = {float(path[-1])}; every iterate is "
                         "2·(4/5)ᵏ, positive and decreasing (factor 1 − 2·0.1 = 0.8).",
                         {"GD on x², lr = 0.1": [float(v) for v in path]})




@claim("000-compare", basis="instance", seed="000", where="Compare Steps",
       quote="Newton's Method is more aggressive and goes straight to the minimum in this case",
       stated="from x = 2 on x²: GD → 1.6, Newton → 0 (the minimizer)",
       perturbed={"newton_lands": 1})
def compare_steps(newton_lands=0):
    """Newton lands on the minimizer of any strictly convex quadratic in one step."""
    a = sp.Symbol("a", positive=True)
    b, x0 = sp.symbols("b x0", real=True)
    general = iterate(Problem(a * x**2 / 2 - b * x, variables=[x]), newton(), [x0], 1)[1][0]
    gd = iterate(Problem("x**2"), gradient_descent(), [2], 1, alpha="0.1")[1][0]
    nt = iterate(Problem("x**2"), newton(), [2], 1)[1][0]
    holds = sp.simplify(general - b / a) == 0 and nt == newton_lands and gd == sp.Rational(8, 5)
    return Outcome.check(holds, r"x_{Newton} = b/a \text{ for } \tfrac12 a x^2 - bx",
                         f"GD: 2 → {gd}; Newton: 2 → {nt}. On ½ax² − bx Newton maps any x₀ "
                         f"to {general} = the minimizer.")


@claim("000-newton-faster", basis="instance",
       seed="000", where="Comparing First- and Second-Order Methods",
       quote="Gradient Descent | Slower convergence; Newton's Method | Faster near minimum",
       stated="Newton converges faster than GD (on x²)", perturbed={"faster": "gd"})
def newton_faster(faster="newton"):
    """GD's error shrinks by the factor 0.8 per step; Newton's is 0 after one step."""
    gd = [p[0] for p in iterate(Problem("x**2"), gradient_descent(), [2], 10, alpha="0.1")]
    ratios = {b / a for a, b in itertools.pairwise(gd)}
    nt = [p[0] for p in iterate(Problem("x**2"), newton(), [2], 3)]
    newton_first = max(abs(v) for v in nt[1:]) < min(abs(v) for v in gd[1:4])
    holds = ratios == {sp.Rational(4, 5)} and newton_first == (faster == "newton")
    return Outcome.check(holds, r"e_{k+1}/e_k = 4/5 \text{ (GD)},\quad e_1 = 0 \text{ (Newton)}",
                         "GD converges linearly with ratio 4/5; Newton is exact after one step.",
                         {"GD": [float(v) for v in gd], "Newton": [float(v) for v in nt]})


@claim("000-newton-sympy", basis="exact", seed="000", where="Python: Newton's Method Symbolic (2D)",
       quote="f = x**2 + y**2; theta_next = theta - H.inv() * grad; sp.simplify(theta_next)",
       stated="θ_next = (0, 0) from every (x, y)", perturbed={"stated": (1, 0)})
def newton_sympy_demo(stated=(0, 0)):
    """Seed 000's SymPy demo: the Newton step on x² + y² is the origin from any point."""
    problem = Problem("x**2 + y**2")
    theta = sp.Matrix(problem.variables)
    symbolic = sp.simplify(theta - problem.hessian.inv() * problem.gradient)
    run = iterate(problem, newton(), [3, -7], 1)[1]
    holds = symbolic == sp.Matrix(stated) and run == list(stated)
    return Outcome.check(holds, symbolic.T, f"H = 2I; θ − H⁻¹∇f = θ − θ = 0. Run from (3, −7): "
                         f"{run}.")


@claim("000-newton-rule", basis="exact", seed="000 001", stated="x_{k+1} = x_k − H⁻¹∇f(x_k)",
       quote="θ_next = θ − H⁻¹∇L(θ)  /  x_{k+1} = x_k − H^{-1}(x_k)·∇f(x_k)",
       perturbed={"sign": 1})
def newton_rule(sign=-1):
    """symopt's Newton rule is x − p with p = H⁻¹∇f (per coordinate)."""
    p = sp.Symbol("p", real=True)
    return Outcome.compare(xx + sign * p, newton().rule().x_next,
                           "p is the Newton direction H⁻¹∇f, solved from the Hessian.")


@claim("001-taylor2", basis="exact", seed="001", where="Second-Order Taylor Approximation",
       quote="f(x) ≈ f(x_k) + f'(x_k)(x − x_k) + ½f''(x_k)(x − x_k)²",
       stated="the quadratic model is the 2nd-order Taylor polynomial",
       perturbed={"half": "1"})
def taylor2(half="1/2"):
    """The stated model equals SymPy's order-2 Taylor polynomial of a general (undefined,
    twice differentiable) f at x_k; eˣ, log(1 + x²), x⁴ − 3x and x·sin x as extra checks."""
    h = sp.Symbol("h", real=True)
    checked = []
    for f in (sp.Function("f")(xx), sp.exp(xx), sp.log(1 + xx**2), xx**4 - 3 * xx,
              sp.sin(xx) * xx):
        fd = [f.subs(xx, xk), f.diff(xx).subs(xx, xk), f.diff(xx, 2).subs(xx, xk)]
        model = fd[0] + fd[1] * (xx - xk) + sp.Rational(half) * fd[2] * (xx - xk) ** 2
        series = sp.series(f.subs(xx, xk + h), h, 0, 3).removeO().subs(h, xx - xk)
        checked.append(sp.simplify((model - series).doit()) == 0)
    return Outcome.check(all(checked), r"f(x_k) + f'(x_k)(x-x_k) + \tfrac12 f''(x_k)(x-x_k)^2",
                         "model − series(f, x_k, order 3) simplifies to 0 for a general f "
                         "(SymPy's series of an undefined function), and for eˣ, log(1+x²), "
                         "x⁴ − 3x and x·sin x.")


@claim("001-model-derivative", basis="exact", seed="001", where="Deriving the Newton Step",
       quote="g'(x) = f'(x_k) + f''(x_k)(x − x_k)", stated="g'(x) = f'(x_k) + f''(x_k)(x − x_k)",
       perturbed={"stated": f1 + f2 * (xx - xk) / 2})
def model_derivative(stated=f1 + f2 * (xx - xk)):
    """Derivative of the quadratic model g(x) = f0 + f1(x − x_k) + ½f2(x − x_k)²."""
    model = f0 + f1 * (xx - xk) + f2 * (xx - xk) ** 2 / 2
    return Outcome.compare(stated, sp.diff(model, xx))


@claim("001-newton-1d", basis="counterexample", seed="001", where="Deriving the Newton Step",
       quote="To find the minimum of this quadratic approximation g(x), we set its derivative "
       "to zero … x_{k+1} = x_k − f'(x_k)/f''(x_k)",
       stated="x_{k+1} = x_k − f'(x_k)/f''(x_k) is the minimum of the quadratic model",
       expect="conditional",
       note="g'(x) = 0 gives the Newton point whenever f''(x_k) ≠ 0, but it is the model's "
       "minimum only when f''(x_k) > 0; the text does not say so",
       perturbed={"stated": xk + f1 / sp.Symbol("f2", nonzero=True, real=True)})
def newton_1d(stated=None):
    """Solving g'(x) = 0 gives the Newton step, which is symopt's Newton rule with p = f'/f''.
    It is the model's minimum when g'' = f''(x_k) > 0 (f2 a positive symbol), and its maximum
    when f''(x_k) < 0: on x⁴ − x² at x = 0.1, f'' = −1.88 and symopt's Newton step goes to
    the model's maximiser, raising f."""
    curvature = sp.Symbol("f2", nonzero=True, real=True)
    stated = xk - f1 / curvature if stated is None else stated
    model = f0 + f1 * (xx - xk) + curvature * (xx - xk) ** 2 / 2
    (root,) = sp.solve(sp.diff(model, xx), xx)
    p = sp.Symbol("p", real=True)
    rule = newton().rule().x_next.subs({p: f1 / curvature, xx: xk})
    is_root = sp.simplify(root - stated) == 0 and sp.simplify(rule - root) == 0
    positive = {curvature: f2}  # under the condition: f2 is a positive symbol
    holds_under = is_root and bool(sp.diff(model, xx, 2).subs(positive) > 0)
    problem = Problem("x**4 - x**2")
    x0 = sp.Rational(1, 10)
    (x1,) = iterate(problem, newton(), [x0], 1)[-1]
    second = problem.hessian[0, 0].subs(problem.variables[0], x0)
    f = problem.objective.subs
    v = problem.variables[0]
    fails_outside = (second < 0 and sp.simplify(x1 - stated.subs(
        {xk: x0, f1: problem.gradient[0].subs(v, x0), curvature: second})) == 0
                     and f(v, x1) > f(v, x0))
    return Outcome.conditional(
        holds_under, fails_outside, r"f''(x_k) > 0",
        r"x^4 - x^2,\ x_k = \tfrac{1}{10}:\ f''(x_k) = " + sp.latex(second)
        + r",\ x_{k+1} = " + sp.latex(x1) + r"\ \text{(the model's maximum)}",
        root,
        f"g'(x) = 0 ⇔ x = x_k − f1/f2 (f2 ≠ 0); g'' = f2, so the point is the model's minimum "
        f"only if f2 > 0. On x⁴ − x² from x = 1/10: f'' = {second}, Newton goes to "
        f"{x1} ≈ {float(x1):.5f} and f rises from {f(v, x0)} to {float(f(v, x1)):.3g}."
    ).with_derivation(newton_scalar())


@claim("001-newton-alpha", basis="exact", seed="001", where="Deriving the Newton Step",
       quote="Here α = 1/f''(x_k)", stated="GD with α = 1/f''(x_k) is the Newton step",
       perturbed={"power": 2})
def newton_alpha(power=1):
    """GD's rule with α = 1/f'' equals Newton's rule with p = f'/f''."""
    p = sp.Symbol("p", real=True)
    gd = gradient_descent().rule(alpha=1 / f2**power).x_next
    nt = newton().rule().x_next.subs(p, g / f2)
    return Outcome.compare(gd, nt, "x − g/f'' on both sides.")


@claim("001-newton-nd", basis="exact", seed="001", where="Multivariate Case",
       quote="x_{k+1} = x_k − H^{-1}(x_k)·∇f(x_k)",
       stated="the stationary point of the n-D quadratic model is x_k − H⁻¹∇f",
       perturbed={"sign": 1})
def newton_nd(sign=-1):
    """In every dimension n (SymPy's matrix calculus on n × n and n × 1 matrix symbols):
    ∇_d(gᵀd + ½dᵀHd) = g + ½(H + Hᵀ)d = g + Hd for a symmetric H, which vanishes at
    d = −H⁻¹g (H invertible). In 2-D with a symbolic symmetric H the equations are also
    solved outright."""
    n = sp.Symbol("n", integer=True, positive=True)
    Hn, gn, dn = sp.MatrixSymbol("H", n, n), sp.MatrixSymbol("g", n, 1), sp.MatrixSymbol("d", n, 1)
    gradient = (gn.T * dn + dn.T * Hn * dn / 2).diff(dn).subs(Hn.T, Hn)
    general = sp.expand(gradient.subs(dn, sign * Hn.I * gn))
    stationary = general == sp.ZeroMatrix(n, 1) or general == 0
    a, b, c, g1, g2, d1, d2 = sp.symbols("a b c g1 g2 d1 d2", real=True)
    H = sp.Matrix([[a, b], [b, c]])
    grad = sp.Matrix([g1, g2])
    d = sp.Matrix([d1, d2])
    model = (grad.T * d)[0] + (d.T * H * d)[0] / 2
    solution = sp.solve([sp.diff(model, v) for v in (d1, d2)], [d1, d2], dict=True)[0]
    derived = sp.Matrix([solution[d1], solution[d2]])
    outcome = Outcome.compare(sign * H.inv() * grad, derived,
                              f"every n: ∇_d model = {gradient} (H = Hᵀ), at the stated d: "
                              f"{general}. 2-D: solved with det H = ac − b² ≠ 0.")
    if outcome.verdict == "true" and not stationary:
        outcome = Outcome.check(False, derived, f"in n dimensions the gradient is {general}")
    return outcome.with_derivation(newton_multivariate(2))



@claim("004-parabola-run", basis="instance", seed="004", where="§1",
       quote="theta = 0.0; lr = 0.1; for i in range(20): theta = theta - lr * gradient(theta)",
       stated="GD from 0 with lr = 0.1 converges to the minimizer 5", perturbed={"target": 4})
def parabola_run(target=5):
    """θ_k = 5 − 5·0.8ᵏ: θ₁ = 1, θ₂₀ ≈ 4.94, converging to 5."""
    path = [p[0] for p in iterate(Problem("(theta - 5)**2"), gradient_descent(), [0], 20,
                                  alpha="0.1")]
    closed = [target - target * sp.Rational(4, 5) ** k for k in range(21)]
    holds = path == closed
    return Outcome.check(holds, r"\theta_k = 5 - 5\cdot 0.8^k,\ \theta_{20} \approx "
                         f"{float(path[-1]):.6f}",
                         f"exact run: θ₁ = {path[1]}, θ₂₀ = {float(path[-1]):.8f}; the error "
                         "5 − θ shrinks by 0.8 per step.",
                         {"θ_k": [float(v) for v in path]})
