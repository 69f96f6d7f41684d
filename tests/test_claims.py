"""Claim kinds against hand-derived answers (each derivation is written in the test)."""

import pytest
import sympy as sp

from symopt.claims import Claim, ProblemSpec, check
from symopt.errors import ParseError, SymoptError

BOWL = "0.5*(w1**2 + 4*w2**2)"  # seed 001: eigenvalues 1 and 4
SEED004 = "theta_0**2 + 10*theta_1**2"  # seed 004: gradient [2θ₀, 20θ₁]


def status(claim: Claim) -> str:
    return check(claim, timeout=60).status


# -- seed 004: plain GD with α = 0.1 does not converge along θ₁ ---------------------------

def test_seed004_gd_does_not_converge_along_theta1():
    # θ₁ ← θ₁ − 0.1·20θ₁ = −θ₁: from θ₁ = 1 the iterates are 1, −1, 1, ... forever;
    # θ₀ ← (1 − 0.1·2)θ₀ = 0.8θ₀ converges.
    v = check(Claim("behaviour", "converges", problem=SEED004, method="gd",
                    hyperparameters={"alpha": 0.1}, x0=["5.0", "1.0"], steps=50,
                    expect=False))
    assert v.status == "false"
    assert v.correct == "oscillates: theta_0 converges, theta_1 oscillates"
    assert v.as_expected is True
    assert "theta_1" in v.counterexample and "-1, 1" in v.counterexample
    assert "along the eigenvalue 20 the factor per step is -1" in v.counterexample
    assert any("spectral radius 1" in e for e in v.evidence)
    holds = check(Claim("behaviour", "oscillates", problem=SEED004, method="gd",
                        hyperparameters={"alpha": 0.1}, x0=[5, 1], steps=50))
    assert holds.status == "true"
    theta0 = check(Claim("behaviour", "converges", problem=SEED004, method="gd",
                         hyperparameters={"alpha": 0.1}, x0=[5, 1], coordinate="theta_0"))
    assert theta0.status == "true"


def test_seed004_heavy_ball_ema_converges():
    # EMA momentum v ← 0.9v + 0.1g, θ ← θ − 0.1v. Along λ = 20: the characteristic polynomial
    # of (x, v) is z² − (1.9 − 0.2)z + 0.9 = z² − 1.7z + 0.9; |roots|² = 0.9 < 1: converges.
    v = check(Claim("behaviour", "converges", problem=SEED004, method="heavy_ball_ema",
                    hyperparameters={"alpha": 0.1, "beta": 0.9}, x0=[5, 1], steps=400))
    assert v.status == "true"


# -- runs --------------------------------------------------------------------------------

def test_iterate_and_value_exact_and_rounded():
    gd = {"method": "gd", "hyperparameters": {"alpha": "0.1"}, "problem": "x**2", "x0": [2]}
    # x₁ = 2 − 0.1·4 = 1.6 (seed 000); x₁₀ = 2·0.8¹⁰ = 0.2147483648; f(x₁) = 2.56
    assert status(Claim("iterate", 1.6, steps=1, **gd)) == "true"
    assert status(Claim("iterate", "8/5", steps=1, **gd)) == "true"
    assert status(Claim("iterate", "0.2147483648", steps=10, **gd)) == "true"
    assert status(Claim("iterate", "0.21", steps=10, rounding=2, **gd)) == "true"
    assert status(Claim("iterate", "0.22", steps=10, rounding=2, **gd)) == "false"
    assert status(Claim("iterate", "0.2147", steps=10, significant=4, **gd)) == "true"
    assert status(Claim("iterate", "0.2", steps=10, tolerance=0.02, **gd)) == "true"
    assert status(Claim("value", "2.56", steps=1, **gd)) == "true"
    wrong = check(Claim("iterate", 1.2, steps=1, **gd))
    assert wrong.status == "false" and wrong.correct == "8/5"


def test_newton_step_on_quadratic_lands_on_minimizer():
    # seed 000: f = x², x₀ = 2: x₁ = 2 − f'(2)/f''(2) = 2 − 4/2 = 0.
    assert status(Claim("iterate", "0", problem="x**2", method="newton", x0=[2], steps=1)) \
        == "true"


# -- expressions -------------------------------------------------------------------------

def test_gradient_and_hessian():
    assert status(Claim("gradient", "[2*theta_0, 20*theta_1]", problem=SEED004)) == "true"
    wrong = check(Claim("gradient", "[2*theta_0, 10*theta_1]", problem=SEED004))
    assert wrong.status == "false" and "component 2" in wrong.counterexample
    assert status(Claim("hessian", "[[2, 0], [0, 20]]", problem=SEED004)) == "true"
    assert status(Claim("hessian", "[[2, 0], [0, 10]]", problem=SEED004)) == "false"
    # seed 001: f(w) = 2w², f'(w) = 4w; at w = 3: 12
    assert status(Claim("gradient", "4w", problem="2*w**2")) == "true"
    assert status(Claim("gradient", "12", problem="2*w**2", at=[3])) == "true"


def test_update_rule_as_written():
    assert status(Claim("update", r"$x_{k+1} = x_k - \alpha \nabla f(x_k)$", method="gd")) \
        == "true"
    assert status(Claim("update", "θ_{t+1} = θ_t - η ∇L(θ_t)", method="gd",
                        rename={"eta": "alpha"})) == "true"
    assert status(Claim("update", r"x_k + \alpha \nabla f(x_k)", method="gd")) == "false"
    # seed 001: w₁ = w₀ − α·4w₀ = w₀(1 − 4α)
    assert status(Claim("update", "w*(1 - 4*alpha)", problem="2*w**2", method="gd")) == "true"
    assert status(Claim("update", "w*(1 - 2*alpha)", problem="2*w**2", method="gd")) == "false"


def test_equal_and_equation_kinds():
    # closed form of GD on 2w²: w_k = (1 − 4α)^k w₀, i.e. the k-fold product of the factor
    assert status(Claim("equal", "(1 - 4*alpha)**k*w_0",
                        reference="w_0*(1 - 4*alpha)**k")) == "true"
    assert status(Claim("equation", "x**2 + 2*x = -1", reference="(x + 1)**2 = 0")) == "true"
    assert status(Claim("equation", "x**2 = 1", reference="x = 1")) == "false"


def test_inequality_kind_refutes_seed001_slow_direction():
    # seed 001 says for α < 1/4 the w₂ direction (λ = 4) is the slow one, i.e.
    # |1 − 4α| > |1 − α|. For 0 < α < 1/4 both factors are positive and 1 − 4α < 1 − α.
    v = check(Claim("inequality", "abs(1 - 4*alpha) > abs(1 - alpha)",
                    where="0 < alpha < 1/4", expect=False))
    assert v.status == "false" and v.as_expected is True
    assert status(Claim("inequality", "abs(1 - 4*alpha) < abs(1 - alpha)",
                        where="0 < alpha < 1/4")) == "true"
    # (a + b)² ≤ 2(a² + b²): the gap is (a − b)² ≥ 0; but not strictly (a = b)
    assert status(Claim("inequality", "(a + b)**2 <= 2*(a**2 + b**2)")) == "true"
    v = check(Claim("inequality", "(a + b)**2 < 2*(a**2 + b**2)"))
    assert v.status == "false" and "both sides equal" in v.counterexample


def test_stationary_points_minimizer_minimum():
    # x³ − 3x: f' = 3x² − 3 = 0 at x = ±1
    assert status(Claim("stationary_points", "[(-1), (1)]", problem="x**3 - 3*x")) == "true"
    v = check(Claim("stationary_points", "[(1)]", problem="x**3 - 3*x"))
    assert v.status == "false" and "(-1)" in v.counterexample
    assert status(Claim("minimizer", "5", problem="(theta - 5)**2")) == "true"
    assert status(Claim("minimizer", "0", problem="(theta - 5)**2")) == "false"
    assert status(Claim("minimum", "0", problem="(theta - 5)**2")) == "true"
    assert status(Claim("stationary_points", ["(0, 0)"], problem="x**2 - y**2")) == "true"


# -- derived quantities ------------------------------------------------------------------

def test_constants_of_the_bowl():
    # ½(w₁² + 4w₂²): Hessian diag(1, 4): L = 4, μ = 1, κ = 4
    assert status(Claim("smoothness", "4", problem=BOWL)) == "true"
    assert status(Claim("strong_convexity", "$\\mu = 1$", problem=BOWL)) == "true"
    v = check(Claim("condition_number", "2", problem=BOWL))
    assert v.status == "false" and v.correct == "4"
    assert status(Claim("convex", True, problem=BOWL)) == "true"
    v = check(Claim("convex", True, problem="x**4 - x**2"))  # f'' = 12x² − 2 < 0 at 0
    assert v.status == "false"


def test_optimal_step_and_rate():
    # α* = 2/(λmin + λmax) = 2/5 = 0.4; rate (4 − 1)/(4 + 1) = 3/5
    assert status(Claim("optimal_step", "0.4", problem=BOWL, method="gd")) == "true"
    assert status(Claim("optimal_step", r"$\alpha^* = \frac{2}{5}$", problem=BOWL,
                        method="gd")) == "true"
    v = check(Claim("optimal_step", "1/4", problem=BOWL, method="gd"))
    # at α = 1/4 the factors are 3/4 and 0: worst rate 3/4 > 3/5
    assert v.status == "false" and "3/4" in v.counterexample
    assert status(Claim("rate", "3/5", problem=BOWL, method="gd")) == "true"
    # GD with α = 0.1 on x²: factor |1 − 0.2| = 0.8
    assert status(Claim("rate", "0.8", problem="x**2", method="gd",
                        hyperparameters={"alpha": 0.1})) == "true"


def test_rate_in_kappa():
    # GD with α* = 2/(μ + L) on [μ, L]: r = |1 − α*μ| = (L − μ)/(L + μ) = (κ − 1)/(κ + 1)
    for stated in ("(kappa - 1)/(kappa + 1)", "(L - mu)/(L + mu)"):
        assert status(Claim("rate", stated, method="gd", spectrum="[mu, L]")) == "true"
    # the rate of GD with step 1/L, and heavy ball's rate, are not GD's optimal rate
    for stated in ("(kappa - 1)/kappa", "(sqrt(kappa) - 1)/(sqrt(kappa) + 1)"):
        v = check(Claim("rate", stated, method="gd", spectrum="[mu, L]"))
        assert v.status == "false" and v.correct == "(L - mu)/(L + mu)", (stated, v)


def test_stability_interval_and_counterexample_run():
    # GD on 2w²: w ← (1 − 4α)w converges iff |1 − 4α| < 1 iff 0 < α < 1/2
    for text in ["(0, 1/2)", r"0 < \alpha < \frac12", r"\alpha \in \left(0, \frac{1}{2}\right)",
                 "alpha < 1/2"]:
        assert status(Claim("stability", text, problem="2*w**2", method="gd")) == "true", text
    v = check(Claim("stability", "(0, 1/2]", problem="2*w**2", method="gd"))
    assert v.status == "false" and v.correct == "(0, 1/2)"
    assert "alpha = 1/2" in v.counterexample and "does not converge" in v.counterexample
    v = check(Claim("stability", "(0, 1)", problem="2*w**2", method="gd"))
    assert v.status == "false" and "diverges" in v.counterexample  # α = 3/4: factor −2
    v = check(Claim("stability", "(0, 1/4)", problem="2*w**2", method="gd"))
    assert v.status == "false" and "converges" in v.counterexample  # α = 3/8 works too


def test_stability_with_symbolic_endpoint():
    # f = (a/2)x² with a > 0: converges iff 0 < α < 2/a (seed 002)
    spec = ProblemSpec("a/2*x**2", ("x",), assumptions={"a": "positive"})
    assert status(Claim("stability", "0 < alpha < 2/a", problem=spec, method="gd")) == "true"
    v = check(Claim("stability", "0 < alpha < 1/a", problem=spec, method="gd"))
    assert v.status == "false"


def test_fixed_point_of_momentum_state():
    # torch-form heavy ball b ← βb + g with a constant g: b* = βb* + g ⇒ b* = g/(1 − β)
    assert status(Claim("fixed_point", "g/(1 - beta)", method="heavy_ball")) == "true"
    assert status(Claim("fixed_point", "g", method="heavy_ball")) == "false"
    # fixed point of GD on (θ − 5)²: θ* = 5
    assert status(Claim("fixed_point", ["5"], problem="(theta - 5)**2", method="gd")) == "true"


def test_kkt_point():
    # min x² s.t. x ≥ 1: L = x² − λ(x − 1): 2x = λ, x = 1 active ⇒ λ = 2 ≥ 0 (seed 004)
    spec = ProblemSpec("x**2", constraints=("x >= 1",))
    assert status(Claim("kkt", {"x": "1", "lambda": "2"}, problem=spec)) == "true"
    v = check(Claim("kkt", {"x": "1", "lambda": "1"}, problem=spec))
    assert v.status == "false" and "lambda" in v.counterexample


# -- input errors ------------------------------------------------------------------------

def test_bad_input_is_a_symopt_error():
    with pytest.raises(ParseError):
        check(Claim("equal", "x + foo(y)", reference="x"))
    with pytest.raises(SymoptError):
        check(Claim("no_such_kind", "1"))
    with pytest.raises(SymoptError):
        check(Claim("gradient", "[2*x]"))  # no problem


def test_verdict_strings_are_exact():
    v = check(Claim("equal", "0.4", reference="2/5"))
    assert v.status == "true" and sp.Rational(v.correct) == sp.Rational(2, 5)


def test_closed_form_by_induction():
    # seed 001: w_k = (1 − 4α)^k w₀ on f = 2w² (w ← w − α·4w); the bowl, per coordinate
    assert status(Claim("closed_form", "(1 - 4*alpha)**k*w_0", problem="2*w**2",
                        method="gd")) == "true"
    v = check(Claim("closed_form", "(1 - 2*alpha)**k*w_0", problem="2*w**2", method="gd"))
    assert v.status == "false" and v.counterexample.startswith("k = 1")
    assert v.correct == "w_0*(1 - 4*alpha)**k"
    bowl = ProblemSpec("(w1**2 + 4*w2**2)/2")
    assert status(Claim("closed_form", "[w1_0*(1 - alpha)**k, w2_0*(1 - 4*alpha)**k]",
                        problem=bowl, method="gd")) == "true"


def test_rate_as_a_function_of_the_step():
    # seed 001: r(α) = |1 − 4α| in 1-D, max{|1 − α|, |1 − 4α|} on the bowl
    assert status(Claim("rate", "|1 - 4α|", problem="2*w**2", method="gd")) == "true"
    bowl = ProblemSpec("(w1**2 + 4*w2**2)/2")
    assert status(Claim("rate", "max(abs(1 - alpha), abs(1 - 4*alpha))", problem=bowl,
                        method="gd")) == "true"
    # dropping the slow direction is wrong for small α: at α = 1/10, 0.9 vs 0.6
    v = check(Claim("rate", "abs(1 - 4*alpha)", problem=bowl, method="gd"))
    assert v.status == "false"


def test_iterations_to_epsilon():
    # α* = 2/5 on the bowl: rate 3/5; (3/5)^k ≤ 10⁻⁶ ⇔ k ≥ ln 10⁶ / ln(5/3) ≈ 27.05 ⇒ 28
    bowl = ProblemSpec("(w1**2 + 4*w2**2)/2")
    assert status(Claim("iterations", "28", problem=bowl, method="gd",
                        hyperparameters={"alpha": "2/5"}, epsilon="1e-6")) == "true"
    assert status(Claim("iterations", "27", problem=bowl, method="gd",
                        hyperparameters={"alpha": "2/5"}, epsilon="1e-6")) == "false"


@pytest.mark.slow
def test_heavy_ball_stability_and_optimum():
    # heavy ball (torch form) on λ: z² − (1 + β − αλ)z + β; Jury: 0 ≤ β < 1, 0 < αλ < 2(1 + β).
    # On x² + y² (λ = 2): 0 < α < 1 + β.
    both = ["alpha", "beta"]
    assert status(Claim("stability", "0 <= beta < 1 and 0 < alpha < 1 + beta",
                        problem="x**2 + y**2", method="heavy_ball", parameter=both)) == "true"
    v = check(Claim("stability", "0 <= beta < 1 and 0 < alpha < 1", problem="x**2 + y**2",
                    method="heavy_ball", parameter=both))
    assert v.status == "false" and "correct region but not the stated one" in v.counterexample
    assert status(Claim("stability", "(0, 1.9)", problem="x**2", method="heavy_ball",
                        hyperparameters={"beta": 0.9})) == "true"
    # Polyak on λ ∈ {1, 4}: β* = ((√4 − 1)/(√4 + 1))² = 1/9, α* = 4/(1 + 2)² = 4/9
    assert status(Claim("optimal_step", {"alpha": "4/9", "beta": "1/9"},
                        problem="(w1**2 + 4*w2**2)/2", method="heavy_ball")) == "true"


def test_names_as_texts_write_them():
    # η is the step size; L is the problem's smoothness constant (f = 2w²: L = 4, so 2/L = 1/2)
    assert status(Claim("stability", r"0 < \eta < \frac{2}{L}", problem="2*w**2",
                        method="gd")) == "true"
    assert status(Claim("stability", r"0 < \eta < \frac{1}{L}", problem="2*w**2",
                        method="gd")) == "false"
    assert status(Claim("rate", r"r(\eta) = |1 - 4\eta|", problem="2*w**2", method="gd")) \
        == "true"
    assert status(Claim("update", r"\theta - \eta \nabla L(\theta)", method="gd")) == "true"
    # α* = 2/(μ + L) with μ = 1, L = 4 on the bowl; rate (κ − 1)/(κ + 1) = 3/5 with κ = 4
    bowl = "(w1**2 + 4*w2**2)/2"
    assert status(Claim("optimal_step", r"\alpha^* = \frac{2}{\mu + L}", problem=bowl,
                        method="gd")) == "true"
    assert status(Claim("rate", r"\frac{\kappa - 1}{\kappa + 1}", problem=bowl,
                        method="gd")) == "true"
    # no x0 for a behaviour claim: a generic start (1, ..., 1)
    assert status(Claim("behaviour", "converges", problem="x**2", method="gd",
                        hyperparameters={"alpha": 0.1})) == "true"


def test_claims_about_a_spectrum():
    # GD on eigenvalues in [μ, L]: α* = 2/(μ + L) (equal |1 − αμ| = |αL − 1|), rate
    # (L − μ)/(L + μ) = (κ − 1)/(κ + 1); stable for 0 < α < 2/L.
    on = {"method": "gd", "spectrum": "[mu, L]"}
    assert status(Claim("optimal_step", r"\alpha^* = \frac{2}{\mu + L}", **on)) == "true"
    assert status(Claim("optimal_step", r"\frac{1}{L}", **on)) == "false"
    assert status(Claim("rate", r"\frac{\kappa - 1}{\kappa + 1}", **on)) == "true"
    assert status(Claim("stability", r"0 < \alpha < \frac{2}{L}", **on)) == "true"
    v = check(Claim("stability", r"0 < \alpha \le \frac{2}{L}", **on))
    assert v.status == "false" and "does not converge" in v.counterexample
    # a list of eigenvalues
    assert status(Claim("optimal_step", "2/5", method="gd", spectrum=["1", "4"])) == "true"


@pytest.mark.slow
def test_polyak_heavy_ball_on_a_spectrum():
    # Polyak's heavy ball: α* = 4/(√L + √μ)², β* = ((√κ − 1)/(√κ + 1))²
    assert status(Claim("optimal_step", {
        "alpha": r"\frac{4}{(\sqrt{L} + \sqrt{\mu})^2}",
        "beta": r"\left(\frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}\right)^2"},
        method="heavy_ball", spectrum="[mu, L]")) == "true"


def test_first_steps_with_a_constant_gradient():
    # Adam, first step: m = (1 − β₁)g, v = (1 − β₂)g², m̂ = g, v̂ = g²: x − αg/(|g| + ε);
    # "x − α·sign(g)" (seed 002) is right only up to ε.
    assert status(Claim("update", "x - alpha*g/(abs(g) + epsilon)", method="adam",
                        steps=1)) == "true"
    assert status(Claim("update", "x - alpha*sign(g)", method="adam", steps=1)) == "false"
    # heavy ball (torch form), two steps: b₁ = g, b₂ = (1 + β)g: x − αg − α(1 + β)g
    assert status(Claim("update", "x - alpha*g - alpha*(1 + beta)*g", method="heavy_ball",
                        steps=2)) == "true"


def test_kkt_equality_multiplier_sign_conventions():
    # min x² + y² s.t. x + y = 1: x = y = 1/2; 2x + ν = 0 ⇒ ν = −1 with L = f + νh,
    # ν = 1 with L = f − νh: either sign is a correct answer
    spec = ProblemSpec("x**2 + y**2", constraints=("x + y = 1",))
    for value in ("1", "-1"):
        assert status(Claim("kkt", {"x": "1/2", "y": "1/2", "lambda": value},
                            problem=spec)) == "true"
    assert status(Claim("kkt", {"x": "1/2", "y": "1/2", "lambda": "2"}, problem=spec)) \
        == "false"


def test_constrained_minimizer_and_minimum():
    # min (x − 2)² + (y − 1)² s.t. x + y ≤ 1: the projection of (2, 1) onto x + y = 1 is
    # (2, 1) − ((2 + 1 − 1)/2)(1, 1) = (1, 0); the minimum is 1 + 1 = 2
    spec = ProblemSpec("(x - 2)**2 + (y - 1)**2", constraints=("x + y <= 1",))
    assert status(Claim("minimizer", "(1, 0)", problem=spec)) == "true"
    v = check(Claim("minimizer", "(2, 1)", problem=spec))
    assert v.status == "false" and "violates" in v.counterexample
    assert status(Claim("minimum", "2", problem=spec)) == "true"


def test_objective_written_as_a_definition_and_hyperparameter_domains():
    # "f(x) = ½x²" is the objective ½x²; Newton lands on 0 in one step
    assert status(Claim("iterate", "0", problem=r"$f(x) = \frac{1}{2}x^2$", method="newton",
                        x0=[7], steps=1)) == "true"
    # RMSProp's first step: s = (1 − ρ)g², x − αg/(√s + ε). A wrong claim is refuted at a
    # point inside ρ's domain [0, 1), where both sides are real.
    v = check(Claim("update", r"x - \frac{\alpha g}{\sqrt{(1 - \rho) g^2}}", method="rmsprop",
                    steps=1))
    assert v.status == "false" and "I" not in v.counterexample
    assert status(Claim("update", r"x - \frac{\alpha g}{\sqrt{(1 - \rho) g^2} + \epsilon}",
                        method="rmsprop", steps=1)) == "true"


def test_projected_gd_on_the_seed004_constraint():
    # min x² s.t. x ≥ 1 (seed 004): from x₀ = 0, x ← max(1, 0.8x) reaches 1 at the first step
    # and stays; 1 is a fixed point (0.8 < 1 is projected back), 0 is not (it moves to 1).
    hp = {"alpha": 0.1, "lower": 1, "upper": 100}
    assert status(Claim("iterate", "1", problem="x**2", method="projected_gd",
                        hyperparameters=hp, x0=[0], steps=50)) == "true"
    assert status(Claim("fixed_point", ["1"], problem="x**2", method="projected_gd",
                        hyperparameters=hp)) == "true"
    v = check(Claim("fixed_point", ["0"], problem="x**2", method="projected_gd",
                    hyperparameters=hp))
    assert v.status == "false" and "gives (1)" in v.counterexample


def test_slow_runs_are_decided_by_the_spectral_radius():
    # GD on x² multiplies x by 1 − 2α: α = 0.00025 → 0.9995 (converges, slowly);
    # α = 1.0001 → −1.0002 (diverges, slowly); 200 steps alone cannot tell either from a
    # bounded oscillation.
    assert status(Claim("behaviour", "converges", problem="x**2", method="gd",
                        hyperparameters={"alpha": "0.00025"})) == "true"
    assert status(Claim("behaviour", "diverges", problem="x**2", method="gd",
                        hyperparameters={"alpha": "1.0001"})) == "true"


def test_minimizers_first_and_second_order():
    # x⁴ + y² is convex with ∇f(0, 0) = 0: a global minimizer although the Hessian
    # diag(0, 2) is singular (seed 002's "only if all eigenvalues are positive" is wrong)
    assert status(Claim("minimizer", "(0, 0)", problem="x**4 + y**2")) == "true"
    assert status(Claim("local_minimizer", "(0, 0)", problem="x**4 + y**2")) == "true"
    # x² − y²: a saddle (eigenvalues 2, −2)
    v = check(Claim("minimizer", "(0, 0)", problem="x**2 - y**2"))
    assert v.status == "false" and "-2" in v.counterexample
    # x³ − 3x: f'' = 6x; x = 1 local min, x = −1 local max
    assert status(Claim("local_minimizer", "1", problem="x**3 - 3*x")) == "true"
    assert status(Claim("local_minimizer", "-1", problem="x**3 - 3*x")) == "false"


@pytest.mark.parametrize(("objective", "point", "lower"), [
    ("x**3", "0", "(-1/10)"),
    ("x**3 + y**2", "(0, 0)", "(-1/10, 0)"),
    ("x**3 - 3*x*y**2", "(0, 0)", "(-1/10, 0)"),
    ("-x**4", "0", "(1/10)"),
])
def test_degenerate_points_that_are_not_local_minimizers(objective, point, lower):
    # by hand: along the x-axis f(t, 0) − f(0) = t³ (or −t⁴), negative for small t < 0
    # (or every t ≠ 0), so the origin is not a local minimizer although ∇f = 0 there and
    # the Hessian has no negative eigenvalue to show it
    for kind in ("local_minimizer", "minimizer"):
        v = check(Claim(kind, point, problem=objective))
        assert v.status == "false", (kind, objective, v)
    v = check(Claim("local_minimizer", point, problem=objective))
    assert v.counterexample.startswith(f"f{lower} <"), v


def test_degenerate_local_minimizers_stay_true_or_unknown():
    # x⁴ + y² ≥ 0 = f(0, 0): a minimizer; (y − x²)(y − 2x²) has a minimum at 0 on every line
    # through 0 but is negative at (x, 3x²/2): no line shows it, so unknown (not true)
    assert status(Claim("local_minimizer", "(0, 0)", problem="x**4 + y**2")) == "true"
    assert status(Claim("local_minimizer", "(0, 0)",
                        problem="(y - x**2)*(y - 2*x**2)")) == "unknown"


def test_exact_runs_match_torch_optim():
    # the claims' runs apply the method's symbolic rule; torch.optim is an independent
    # implementation of the same methods (defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8)
    torch = pytest.importorskip("torch")
    from symopt.claims.context import Context
    from symopt.claims.numeric import run, with_defaults

    cases = [("adam", torch.optim.Adam, {"lr": 0.1}, {"alpha": "0.1"}),
             ("heavy_ball", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9},
              {"alpha": "0.05", "beta": "0.9"}),
             ("nesterov", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True},
              {"alpha": "0.05", "beta": "0.9"})]
    for name, optimizer, kwargs, hyper in cases:
        claim = Claim("iterate", "0", problem="x**2 + 3*y**2", method=name,
                      hyperparameters=hyper, x0=[1, -2], steps=5)
        ctx = Context.of(claim)
        ours = run(ctx.problem, ctx.method, with_defaults(ctx), ctx.x0(), 5).iterates[-1]
        p = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
        opt = optimizer([p], **kwargs)
        for _ in range(5):
            opt.zero_grad()
            (p[0] ** 2 + 3 * p[1] ** 2).backward()
            opt.step()
        assert [float(v) for v in ours] == pytest.approx(p.detach().tolist(), rel=1e-12), name


def test_trajectory():
    # GD on x², α = 0.1: x ← 0.8x from 2: 2, 1.6, 1.28, 1.024
    gd = {"problem": "x**2", "method": "gd", "hyperparameters": {"alpha": 0.1}, "x0": [2]}
    assert status(Claim("trajectory", "2, 1.6, 1.28, 1.024", **gd)) == "true"
    v = check(Claim("trajectory", [2, 1.6, 1.3], **gd))
    assert v.status == "false" and v.counterexample.startswith("step 2")
    # seed 002: on x² + xy + y² from (1, 1), α = 0.1, GD gives (0.7, 0.7); updating θ₁ first
    # and then θ₂ with the new θ₁ would give (0.7, 0.73) — that is not gradient descent
    pair = {"problem": "x**2 + x*y + y**2", "method": "gd",
            "hyperparameters": {"alpha": 0.1}, "x0": [1, 1]}
    assert status(Claim("trajectory", ["(1, 1)", "(0.7, 0.7)"], **pair)) == "true"
    assert status(Claim("trajectory", ["(1, 1)", "(0.7, 0.73)"], **pair)) == "false"


def test_region_with_a_symbolic_curvature():
    # heavy ball on (a/2)(x² + y²), a > 0: Jury on z² − (1 + β − αa)z + β:
    # 0 ≤ β < 1 and 0 < αa < 2(1 + β)
    spec = ProblemSpec("a/2*(x**2 + y**2)", ("x", "y"), assumptions={"a": "positive"})
    both = ["alpha", "beta"]
    assert status(Claim("stability", "0 <= beta < 1 and 0 < alpha < 2*(1 + beta)/a",
                        problem=spec, method="heavy_ball", parameter=both)) == "true"
    assert status(Claim("stability", "0 <= beta < 1 and 0 < alpha < 2/a",
                        problem=spec, method="heavy_ball", parameter=both)) == "false"


def test_points_written_as_equations():
    # x² + xy + y² − 3x: 2x + y = 3, x + 2y = 0 ⇒ (2, −1)
    f = "x**2 + x*y + y**2 - 3*x"
    assert status(Claim("minimizer", r"$x^* = 2, y^* = -1$", problem=f)) == "true"
    assert status(Claim("minimizer", "x = 2 and y = -1", problem=f)) == "true"
    assert status(Claim("minimizer", "(x, y) = (2, 1)", problem=f)) == "false"


def test_hessian_eigenvalues():
    # ½(w₁² + 4w₂²): Hessian diag(1, 4) (seed 001: λ₁ = 1, λ₂ = 4)
    bowl = "(w1**2 + 4*w2**2)/2"
    assert status(Claim("eigenvalues", "1, 4", problem=bowl)) == "true"
    assert status(Claim("hessian_eigenvalues", [4, 1], problem=bowl)) == "true"
    v = check(Claim("eigenvalues", "1, 2", problem=bowl))
    assert v.status == "false" and "det" in v.counterexample
    assert status(Claim("eigenvalues", "[1]", problem=bowl)) == "false"


def test_behaviour_kinds_with_true_or_false():
    # GD on x² with α = 1: x ← −x, bounded and never converging
    gd = {"problem": "x**2", "method": "gd", "hyperparameters": {"alpha": 1}}
    assert status(Claim("converges", True, **gd)) == "false"
    assert status(Claim("converges", False, **gd)) == "true"
    assert status(Claim("diverges", False, **gd)) == "true"
    assert status(Claim("oscillates", True, **gd)) == "true"
    assert status(Claim("behaviour", "does not converge", **gd)) == "true"


def test_gd_with_one_over_L_on_a_spectrum():
    # α = 1/L on λ ∈ [μ, L]: factors 1 − λ/L ∈ [0, 1 − μ/L]: rate 1 − μ/L = 1 − 1/κ
    on = {"method": "gd", "spectrum": "[mu, L]", "hyperparameters": {"alpha": "1/L"}}
    assert status(Claim("rate", "1 - mu/L", **on)) == "true"
    assert status(Claim("rate", "1 - 1/kappa", **on)) == "true"
    assert status(Claim("rate", "1 - 2*mu/L", **on)) == "false"


def test_rate_in_the_claims_own_hyperparameters():
    # Polyak's heavy ball on ½(x² + 4y²) (λ ∈ {1, 4}) with α = 4/9, β = 1/9: both directions
    # have a double root √β = 1/3. On x² + 4y² (λ ∈ {2, 8}) the same α is too large:
    # αλ = 32/9 > 2(1 + β) = 20/9.
    hb = {"method": "heavy_ball", "hyperparameters": {"alpha": "4/9", "beta": "1/9"}}
    assert status(Claim("rate", "sqrt(beta)", problem="x**2/2 + 2*y**2", **hb)) == "true"
    assert status(Claim("rate", "sqrt(beta)", problem="x**2 + 4*y**2", **hb)) == "false"


def test_state_with_a_constant_gradient():
    # Adam, constant g: m_t = β₁m_{t−1} + (1 − β₁)g from m₀ = 0 gives m_t = (1 − β₁ᵗ)g
    # (so m̂_t = g: seed 002's bias correction), v_t = (1 − β₂ᵗ)g²
    assert status(Claim("state", {"m": "(1 - beta_1**t)*g", "v": "(1 - beta_2**t)*g**2"},
                        method="adam")) == "true"
    assert status(Claim("state", {"m": "(1 - beta_1**(t - 1))*g",
                                  "v": "(1 - beta_2**t)*g**2"}, method="adam")) == "false"
    assert status(Claim("state", {"m": "(1 - beta_1**3)*g"}, method="adam", steps=3)) \
        == "true"
    # AdaGrad: G_t = t g²; heavy ball (torch form): b_t = (1 − βᵗ)g/(1 − β)
    assert status(Claim("state", "t*g**2", method="adagrad")) == "true"
    assert status(Claim("state", "(1 - beta**t)/(1 - beta)*g", method="heavy_ball")) == "true"


def test_convergence_order():
    # Newton on f with f''(x*) ≠ 0 is quadratic: e_{k+1} ≈ (f'''/2f'')e_k². On x⁴ (f''(0) = 0)
    # the Newton map is x − 4x³/12x² = (2/3)x: linear (seed 001's claim is conditional).
    # GD on a quadratic is linear (ratio max|1 − αλ| = 0.8 here).
    newton = {"method": "newton"}
    assert status(Claim("convergence_order", "quadratic", problem="x**2 + x**3/3 + x**4",
                        x0=["1/2"], **newton)) == "true"
    assert status(Claim("convergence_order", "quadratic", problem="exp(x) - 2*x", x0=[1],
                        **newton)) == "true"
    v = check(Claim("convergence_order", "quadratic", problem="x**4", x0=[1], **newton))
    assert v.status == "false" and v.correct == "linear"
    assert status(Claim("convergence_order", "linear", problem="x**2 + 4*y**2", method="gd",
                        hyperparameters={"alpha": 0.1}, x0=[1, 1])) == "true"


def test_global_minimizer_without_convexity():
    """Hand-checked: Rosenbrock's f ≥ 0 with f(1, 1) = 0; x³ − 3x has a local minimum at 1
    but f(−10) = −970 < f(1) = −2, and it is unbounded below; x³ − 3x has two stationary
    points, written as a flat list for one variable."""
    from symopt.claims import Claim, ProblemSpec, check

    rosenbrock = ProblemSpec("(1 - x)**2 + 100*(y - x**2)**2")
    assert check(Claim("minimizer", "(1, 1)", problem=rosenbrock)).status == "true"
    cubic = ProblemSpec("x**3 - 3*x")
    verdict = check(Claim("minimizer", "1", problem=cubic))
    assert verdict.status == "false" and "unbounded below" in verdict.correct
    assert check(Claim("stationary_points", "[1, -1]", problem=cubic)).status == "true"
    assert check(Claim("stationary_points", "[1]", problem=cubic)).status == "false"


def test_oscillating_convergence_reads_as_oscillates():
    """Hand-checked: GD on 2w² with α = 0.3 has factor 1 − 4·0.3 = −0.2 (seed 001 calls
    1/4 < α < 1/2 oscillating); with α = 0.1 the factor 0.6 is a monotone approach."""
    from symopt.claims import Claim, MethodSpec, ProblemSpec, check

    problem = ProblemSpec("2*w**2")
    def behaviour(alpha, stated):
        method = MethodSpec("gd", hyperparameters={"alpha": alpha})
        return check(Claim("behaviour", stated, problem=problem, method=method, x0="1")).status

    assert behaviour("0.3", "oscillates") == "true"
    assert behaviour("0.3", "converges") == "true"
    assert behaviour("0.1", "oscillates") == "false"
    assert behaviour("0.6", "diverges") == "true"


def test_state_induction_on_the_variables_it_reads():
    """By hand: Adam's m_t = β₁m_{t−1} + (1 − β₁)g from m_0 = 0 is (1 − β₁ᵗ)g for a constant g;
    its update reads only m, so no formula for v is needed. (1 − β₁^{t+1})g is wrong at t = 1."""
    from symopt.claims import Claim, MethodSpec, check

    adam = MethodSpec("adam")
    assert check(Claim("state", {"m": "(1 - beta_1**t)*g"}, method=adam)).status == "true"
    assert check(Claim("state", {"m": "(1 - beta_1**(t+1))*g"}, method=adam)).status == "false"
