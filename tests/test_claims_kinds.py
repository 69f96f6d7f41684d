"""Claim kinds the texts use: one partial derivative, the type of a stationary point,
strong convexity without a modulus, the Newton decrement and model decrease (Boyd &
Vandenberghe §9.5), sums over a schedule (Robbins–Monro).

Expected values are hand derivations written next to each case.
"""

import pytest

from symopt.claims import Claim, check
from symopt.errors import ParseError

ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"


@pytest.mark.parametrize(("kind", "coordinate", "stated", "at", "status"), [
    # ∂f/∂x = −2(1 − x) − 400x(y − x²)
    ("gradient_component", "x", "-2*(1 - x) - 400*x*(y - x**2)", None, "true"),
    ("gradient_component", "y", "200*(y - x**2)", None, "true"),
    ("gradient_component", "y", "200*y", None, "false"),
    # ∂²f/∂x∂y = −400x; ∂²f/∂x² = 2 − 400y + 1200x², 802 at (1, 1)
    ("hessian_entry", "x, y", "-400*x", None, "true"),
    ("hessian_entry", ["y", "x"], "-400*x", None, "true"),
    ("hessian_entry", "x, x", "802", "(1, 1)", "true"),
    ("hessian_entry", "x, x", "800", "(1, 1)", "false"),
])
def test_one_partial_derivative(kind, coordinate, stated, at, status):
    v = check(Claim(kind, stated, problem=ROSENBROCK, coordinate=coordinate, at=at))
    assert v.status == status, v


def test_a_hessian_entry_names_two_variables():
    with pytest.raises(ParseError, match="2 variable"):
        check(Claim("hessian_entry", "0", problem=ROSENBROCK, coordinate="x"))
    with pytest.raises(ParseError, match="not a variable"):
        check(Claim("gradient_component", "0", problem=ROSENBROCK, coordinate="z"))


@pytest.mark.parametrize(("objective", "at", "stated", "status"), [
    ("x**2 - y**2", "(0, 0)", "saddle", "true"),              # eigenvalues 2, −2
    ("x**2 - y**2", "(0, 0)", "minimum", "false"),
    ("x**2 + y**2", "(0, 0)", "local minimum", "true"),        # 2, 2
    ("-x**2 - 3*y**2", "(0, 0)", "maximum", "true"),           # −2, −6
    ("x**2 + y**4", "(0, 0)", "degenerate", "true"),           # 2, 0: test inconclusive
    ("x**2 + y**4", "(0, 0)", "minimum", "false"),
    ("x**3 - 3*x + y**2", "(1, 0)", "minimum", "true"),        # f_xx = 6x = 6, f_yy = 2
    ("x**3 - 3*x + y**2", "(-1, 0)", "saddle", "true"),        # f_xx = −6, f_yy = 2
    ("x**3 - 3*x + y**2", "(0, 0)", "saddle", "false"),        # ∇f = (−3, 0) ≠ 0
])
def test_the_type_of_a_stationary_point(objective, at, stated, status):
    v = check(Claim("point_type", stated, problem=objective, at=at))
    assert v.status == status, v


@pytest.mark.parametrize(("objective", "stated", "status"), [
    ("x**2 + 4*y**2", True, "true"),        # λmin(∇²f) = 2 > 0
    ("x**4", True, "false"),                # f'' = 12x² → inf 0: convex, not strongly
    ("x**4", False, "true"),
    ("x**2 - y**2", "true", "false"),        # not convex at all
    ("exp(x)", "no", "true"),               # f'' = eˣ > 0 but inf 0
])
def test_strongly_convex_without_a_modulus(objective, stated, status):
    v = check(Claim("strongly_convex", stated, problem=objective))
    assert v.status == status, v


def test_newton_decrement_and_model_decrease():
    # f = x² + 2y²: ∇f = (2x, 4y), ∇²f = diag(2, 4): λ² = 4x²/2 + 16y²/4 = 2x² + 4y²
    problem = "x**2 + 2*y**2"
    assert check(Claim("newton_decrement", "sqrt(2*x**2 + 4*y**2)",
                       problem=problem)).status == "true"
    v = check(Claim("newton_decrement", "2*x**2 + 4*y**2", problem=problem))
    assert v.status == "false" and "λ(x)²" in v.summary
    # the second-order model decreases by λ²/2 = x² + 2y² (all of f: the model is exact)
    assert check(Claim("model_decrease", "x**2 + 2*y**2", problem=problem)).status == "true"
    # f = eˣ − x at x = 1: f' = e − 1, f'' = e: λ² = (e − 1)²/e
    assert check(Claim("newton_decrement", "(E - 1)/sqrt(E)", problem="exp(x) - x",
                       at="(1,)")).status == "true"
    assert check(Claim("model_decrease", "(E - 1)**2/(2*E)", problem="exp(x) - x",
                       at="(1,)")).status == "true"


@pytest.mark.parametrize(("term", "stated", "status"), [
    # Robbins–Monro with α_t = 1/t: Σ α_t = ∞ and Σ α_t² = π²/6 < ∞
    ("1/t", "oo", "true"), ("1/t**2", "finite", "true"), ("1/t**2", "pi**2/6", "true"),
    ("1/t", "finite", "false"), ("1/t**2", "oo", "false"),
    # α_t = 1/√t: Σ α_t² = Σ 1/t = ∞, so it is not a Robbins–Monro schedule
    ("(1/sqrt(t))**2", "finite", "false"),
    # telescoping: Σ 1/(t(t + 1)) = 1
    ("1/(t*(t + 1))", "1", "true"), ("1/(t*(t + 1))", "2", "false"),
    ("-1/t", "oo", "false"),
])
def test_sums_over_a_schedule(term, stated, status):
    v = check(Claim("series", stated, reference=term))
    assert v.status == status, v


def test_a_schedule_with_a_constant_of_unknown_sign():
    # Σ α₀/t diverges to ∞ only for α₀ > 0
    assert check(Claim("series", "oo", reference="alpha_0/t")).status == "unknown"
    assert check(Claim("series", "oo", reference="alpha_0/t",
                       assumptions={"alpha_0": "positive"})).status == "true"


@pytest.mark.parametrize(("objective", "stated", "status"), [
    # ∇²(x² + y⁴) = diag(2, 12y²) is singular on y = 0: λmin = 0 there, so no μ > 0 works
    ("x**2 + y**4", "false", "true"),
    ("x**2 + y**4", "true", "false"),
    # ∇²(x⁴ + x²y² + y⁴) vanishes at the origin
    ("x**4 + x**2*y**2 + y**4", "true", "false"),
])
def test_strong_convexity_refuted_where_the_hessian_is_singular(objective, stated, status):
    v = check(Claim("strongly_convex", stated, problem=objective))
    assert v.status == status, v
