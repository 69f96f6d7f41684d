"""Claims as the cited texts state them, with the numbers the texts print.

Each case quotes its source; the expected values are the texts' own (checked by hand
or with a numpy loop written here, independently of symopt).
"""

import numpy as np
import pytest

from symopt.claims import Claim, ProblemSpec, check

# -- d2l.ai ch. 12 ---------------------------------------------------------------------------


@pytest.mark.parametrize(("eta", "printed", "behaviour"), [
    # §12.3.1: f(x) = x², x₀ = 10, 10 epochs; x₁₀ = 10(1 − 2η)¹⁰
    ("0.2", "0.060466", "converges"),    # "epoch 10, x: 0.060466"
    ("0.05", "3.486784", "converges"),   # "epoch 10, x: 3.486784"
    ("1.1", "61.917364", "diverges"),    # "epoch 10, x: 61.917364"
])
def test_d2l_gradient_descent_in_one_dimension(eta, printed, behaviour):
    assert 10 * (1 - 2 * float(eta)) ** 10 == pytest.approx(float(printed), abs=1e-6)
    claim = {"problem": "x**2", "method": "gd", "hyperparameters": {"eta": eta}, "x0": [10]}
    assert check(Claim("iterate", printed, steps=10, rounding=6, **claim)).status == "true"
    assert check(Claim("iterate", "0.06", steps=10, rounding=6, **claim)).status == "false"
    assert check(Claim("behaviour", behaviour, steps=60, **claim)).status == "true"


def test_d2l_gradient_descent_in_two_dimensions():
    # §12.3.2: f = x₁² + 2x₂², η = 0.1, x₀ = (−5, −2): "epoch 20, x1: -0.057646, x2: -0.000073"
    x = np.array([-5.0, -2.0])
    for _ in range(20):
        x = x - 0.1 * np.array([2 * x[0], 4 * x[1]])
    assert x == pytest.approx([-0.057646, -0.000073], abs=1e-6)
    v = check(Claim("iterate", "(-0.057646, -0.000073)", problem="x1**2 + 2*x2**2",
                    method="gd", hyperparameters={"eta": "0.1"}, x0=[-5, -2], steps=20,
                    rounding=6))
    assert v.status == "true", v


def d2l_momentum(eta, beta, steps=20):
    x, v = np.array([-5.0, -2.0]), np.zeros(2)
    for _ in range(steps):
        g = np.array([0.2 * x[0], 4 * x[1]])
        v = beta * v + g
        x = x - eta * v
    return x


@pytest.mark.parametrize(("eta", "beta", "printed"), [
    # §12.6.1–12.6.2 on f = 0.1x₁² + 2x₂², x₀ = (−5, −2), 20 epochs, v ← βv + g, x ← x − ηv
    ("0.4", "0", "(-0.943467, -0.000073)"),      # "epoch 20, x1: -0.943467, x2: -0.000073"
    ("0.6", "0", "(-0.387814, -1673.365109)"),   # "epoch 20, x1: -0.387814, x2: -1673.365109"
    ("0.6", "0.5", "(0.007188, 0.002553)"),      # "epoch 20, x1: 0.007188, x2: 0.002553"
])
def test_d2l_momentum(eta, beta, printed):
    expected = [float(v) for v in printed.strip("()").split(",")]
    assert d2l_momentum(float(eta), float(beta)) == pytest.approx(expected, abs=1e-6)
    v = check(Claim("iterate", printed, problem="0.1*x1**2 + 2*x2**2", method="heavy_ball",
                    hyperparameters={"eta": eta, "beta": beta}, x0=[-5, -2], steps=20,
                    rounding=6))
    assert v.status == "true", v


def test_d2l_momentum_effective_step():
    # §12.6.2: with a constant gradient the momentum step tends to η/(1 − β)·g
    assert check(Claim("step_limit", "-eta*g/(1 - beta)", method="heavy_ball")).status == "true"


# -- Nocedal & Wright ch. 2–3 ------------------------------------------------------------------

NW_EX22 = "8*x1 + 12*x2 + x1**2 - 2*x2**2"


def test_nocedal_wright_exercise_2_2():
    # ∇f = (8 + 2x₁, 12 − 4x₂) = 0 only at (−4, 3); ∇²f = diag(2, −4): a saddle
    assert check(Claim("stationary_points", "[(-4, 3)]", problem=NW_EX22)).status == "true"
    assert check(Claim("point_type", "saddle", problem=NW_EX22, at="(-4, 3)")).status == "true"
    assert check(Claim("point_type", "minimum", problem=NW_EX22,
                       at="(-4, 3)")).status == "false"
    assert check(Claim("hessian", "[[2, 0], [0, -4]]", problem=NW_EX22)).status == "true"


def test_nocedal_wright_rosenbrock():
    # Exercise 2.1: x* = (1, 1) is the only local minimizer, ∇²f(x*) = [[802, −400], [−400, 200]]
    rosenbrock = "100*(x2 - x1**2)**2 + (1 - x1)**2"
    assert check(Claim("hessian", "[[802, -400], [-400, 200]]", problem=rosenbrock,
                       at="(1, 1)")).status == "true"
    assert check(Claim("point_type", "minimum", problem=rosenbrock, at="(1, 1)")).status == "true"
    assert check(Claim("gradient_component", "200*(x2 - x1**2)", problem=rosenbrock,
                       coordinate="x2")).status == "true"


def test_nocedal_wright_newton_is_quadratic():
    # Theorem 3.5: Newton converges quadratically near a nondegenerate minimizer
    assert check(Claim("convergence_order", "quadratic", problem="exp(x) - 2*x",
                       method="newton", x0=[1], steps=8)).status == "true"
    assert check(Claim("error_constant", "1/2", problem="exp(x) - 2*x",
                       method="newton")).status == "true"


# -- Boyd & Vandenberghe ch. 9 ---------------------------------------------------------------

def test_boyd_vandenberghe_quadratic_example():
    # §9.3.2: f = ½(x₁² + γx₂²), γ = 10: m = 1, M = 10, κ = 10; GD with exact steps has
    # f(x_k) − p* ≤ ((γ − 1)/(γ + 1))^{2k}(…); at α = 2/(m + M) the factor is (κ − 1)/(κ + 1)
    problem = "(x1**2 + 10*x2**2)/2"
    assert check(Claim("strong_convexity", "1", problem=problem)).status == "true"
    assert check(Claim("smoothness", "10", problem=problem)).status == "true"
    assert check(Claim("condition_number", "10", problem=problem)).status == "true"
    assert check(Claim("rate", "9/11", problem=problem, method="gd")).status == "true"
    assert check(Claim("strongly_convex", "true", problem=problem)).status == "true"


def test_boyd_vandenberghe_newton_decrement():
    # §9.5.1: λ(x)² = ∇fᵀ∇²f⁻¹∇f and f(x) − inf f̂ = λ(x)²/2; for f = x − log x at x = 2:
    # f' = 1/2, f'' = 1/4, λ² = (1/4)/(1/4) = 1
    assert check(Claim("newton_decrement", "1", problem="x - log(x)",
                       at="(2,)")).status == "true"
    assert check(Claim("model_decrease", "1/2", problem="x - log(x)",
                       at="(2,)")).status == "true"


# -- Polyak, Nesterov, Goh ---------------------------------------------------------------------

def test_goh_momentum_region_and_rate():
    # Goh (2017): heavy ball on curvature λ converges iff 0 < αλ < 2 + 2β, 0 ≤ β < 1;
    # at Polyak's optimum the rate is (√κ − 1)/(√κ + 1)
    curvature = ProblemSpec("lambda*x**2/2", ("x",), (), {"lambda": "positive"})
    assert check(Claim("stability", "0 <= beta < 1 and 0 < alpha*lambda < 2 + 2*beta",
                       problem=curvature, method="heavy_ball",
                       parameter=("alpha", "beta"))).status == "true"
    assert check(Claim("rate", "(sqrt(kappa) - 1)/(sqrt(kappa) + 1)", method="heavy_ball",
                       spectrum="[mu, L]")).status == "true"


def test_nesterov_gradient_step_rate_on_a_range():
    # Nesterov (2004) Thm 2.1.15 / Polyak §1.4: GD on eigenvalues in [μ, L] contracts by
    # max(|1 − αμ|, |1 − αL|), which is 1 − αμ for α ≤ 2/(μ + L)
    assert check(Claim("rate", "1 - alpha*mu", method="gd", spectrum="[mu, L]",
                       where="0 < alpha <= 2/(L + mu)")).status == "true"
    assert check(Claim("rate", "1 - alpha*mu", method="gd", spectrum="[mu, L]",
                       where="0 < alpha < 2/L")).status == "false"


# -- Kingma & Ba 2015 --------------------------------------------------------------------------

def test_kingma_ba_bias_correction_with_a_constant_gradient():
    # §3: with a constant g, m_t = (1 − β₁ᵗ)g, so m̂_t = g, and the step is −αg/(|g| + ε)
    assert check(Claim("state", {"m": "(1 - beta_1**t)*g"}, method="adam")).status == "true"
    assert check(Claim("step", "-alpha*g/(Abs(g) + epsilon)", method="adam")).status == "true"
