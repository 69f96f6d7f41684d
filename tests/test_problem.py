"""Problem facts on the seed texts' examples; expected values are from the texts."""

import pytest
import sympy as sp

from symopt import Problem
from symopt.errors import ParseError, UnsupportedError
from symopt.symbols import symbol

x, y = symbol("x"), symbol("y")


def test_paraboloid():  # seed 000: f = x² + y², ∇f = (2x, 2y), H = 2I, minimum at 0
    p = Problem("x^2 + y^2")
    assert p.gradient == sp.Matrix([2 * x, 2 * y])
    assert p.hessian == 2 * sp.eye(2)
    (point,) = p.stationary_points()
    assert point.point == {x: 0, y: 0} and point.kind == "minimum"
    assert p.convexity().value is True


def test_saddle():  # seed 000 / 002: x² − y² has a saddle at the origin
    (point,) = Problem("x**2 - y**2").stationary_points()
    assert point.kind == "saddle"
    assert Problem("x**2 - y**2").convexity().value is False


def test_elongated_bowl():  # seed 001: ½(w₁² + 4w₂²): H = diag(1, 4), L = 4, μ = 1, κ = 4
    p = Problem("0.5*(w1**2 + 4*w2**2)")
    assert p.hessian == sp.diag(1, 4)
    assert p.smoothness().value == 4
    assert p.strong_convexity().value == 1
    assert p.condition_number().value == 4
    q = p.quadratic
    assert q is not None and q.A == sp.diag(1, 4) and q.b == sp.zeros(2, 1) and q.c == 0
    assert q.eigenvalues == [1, 4]


def test_shifted_parabola():  # seed 004: (θ − 5)² has its minimum at θ = 5
    (point,) = Problem("(theta - 5)^2").stationary_points()
    assert point.point == {symbol("theta"): 5} and point.kind == "minimum"


def test_one_dimensional_quadratic():  # seed 001: f = 2w², f'' = 4 so L = μ = 4
    p = Problem("2*w^2")
    assert p.smoothness().value == 4 and p.strong_convexity().value == 4


def test_cubic_has_a_maximum_and_a_minimum():  # by hand: f' = 3x² − 3 = 0 at ±1, f'' = 6x
    kinds = {pt.point[x]: pt.kind for pt in Problem("x**3 - 3*x").stationary_points()}
    assert kinds == {-1: "maximum", 1: "minimum"}


def test_logistic_curvature_bound():  # by hand: (log(1 + eˣ))'' = σ(1 − σ) ≤ 1/4
    p = Problem("log(1 + exp(x))")
    assert p.convexity().value is True
    assert p.smoothness().value == sp.Rational(1, 4)
    assert p.strong_convexity().value == 0
    assert not p.condition_number().known


def test_nonconvex_has_a_witness():
    finding = Problem("x**4 - x**2").convexity()
    assert finding.value is False
    point = finding.evidence["point"]
    assert 12 * point[x] ** 2 - 2 < 0  # f'' = 12x² − 2 is negative there


def test_symbolic_parameters_stay_parameters():
    a = symbol("a")
    p = Problem("a*x**2", variables=["x"])
    assert p.variables == (x,) and p.parameters == (a,)
    assert p.hessian == sp.Matrix([[2 * a]])
    assert not p.convexity().known  # the sign of a is not known


def test_linear_regression_gradient():
    """(1/2m)‖Xw − y‖² has gradient Xᵀ(Xw − y)/m (seed 002), on a symbolic 3×2 data set."""
    m, d = 3, 2
    X = sp.Matrix(m, d, lambda i, j: symbol(f"X_{i}{j}"))
    Y = sp.Matrix(m, 1, lambda i, _: symbol(f"y_{i}"))
    w = sp.Matrix(d, 1, lambda j, _: symbol(f"w_{j}"))
    residual = X * w - Y
    p = Problem((residual.T * residual)[0] / (2 * m), variables=list(w))
    expected = X.T * (X * w - Y) / m
    assert (p.gradient - expected).applyfunc(sp.expand) == sp.zeros(d, 1)


def test_logistic_regression_gradient():
    """Cross-entropy with ŷ = σ(Xw) has gradient Xᵀ(ŷ − y)/m (seed 002)."""
    m, d = 2, 2
    X = sp.Matrix(m, d, lambda i, j: symbol(f"X_{i}{j}"))
    Y = [symbol(f"y_{i}") for i in range(m)]
    w = sp.Matrix(d, 1, lambda j, _: symbol(f"w_{j}"))
    z = X * w
    yhat = [1 / (1 + sp.exp(-z[i])) for i in range(m)]
    loss = -sum(Y[i] * sp.log(yhat[i]) + (1 - Y[i]) * sp.log(1 - yhat[i]) for i in range(m)) / m
    p = Problem(loss, variables=list(w))
    expected = X.T * (sp.Matrix(yhat) - sp.Matrix(Y)) / m
    difference = (p.gradient - expected).applyfunc(sp.simplify)
    assert difference == sp.zeros(d, 1)


def test_constraints_are_normalised():
    p = Problem("x**2", constraints=["x >= 1"])
    (c,) = p.constraints
    assert c.kind == "ineq" and sp.expand(c.expr - (1 - x)) == 0


def test_errors():
    with pytest.raises(ParseError):
        Problem("x**2 +")
    with pytest.raises(UnsupportedError):
        Problem("3")
    with pytest.raises(UnsupportedError):
        Problem("[[1, 2]]")


def test_convexity_reports_unknown_at_its_time_limit():
    p = Problem("exp(x*y*z)*sin(x + y)**2*cosh(z - x)", timeout=0.05)
    finding = p.convexity()
    assert not finding.known and "too long" in finding.reason


# -- degenerate stationary points: a zero eigenvalue decides nothing ---------------------------
# by hand: each Hessian below has a zero eigenvalue at the origin, and along the x-axis the
# objective is t³ (or −t³), which takes both signs near 0, so none is a minimum or maximum.

@pytest.mark.parametrize(("objective", "eigenvalues"), [
    ("x**3", [0]),                      # f'' = 6x = 0 at 0
    ("x**3 + y**2", [0, 2]),            # H = diag(6x, 2)
    ("x**3 - 3*x*y**2", [0, 0]),        # monkey saddle: H = [[6x, −6y], [−6y, −6x]]
    ("-x**3 - y**2", [-2, 0]),          # H = diag(−6x, −2): not a maximum either
])
def test_a_zero_eigenvalue_is_degenerate_not_an_extremum(objective, eigenvalues):
    p = Problem(objective)
    origin = {v: 0 for v in p.variables}
    point = p.classify(origin)
    assert sorted(point.hessian_eigenvalues) == eigenvalues
    assert point.kind == "degenerate"


def test_stationary_points_of_the_monkey_saddle():
    # ∇(x³ − 3xy²) = (3x² − 3y², −6xy) = 0 only at the origin
    (point,) = Problem("x**3 - 3*x*y**2").stationary_points()
    assert point.point == {x: 0, y: 0} and point.kind == "degenerate"
