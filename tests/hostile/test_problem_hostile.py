"""Problem: silent wrong answers and malformed arguments (expected values by hand)."""

import pytest
import sympy as sp

from symopt import Problem
from symopt.errors import SymoptError, UnsupportedError


@pytest.mark.parametrize("objective", ["sin(x)*cos(y)", "cos(x)", "sin(x) + y**2"])
def test_a_periodic_gradient_is_reported_as_infinitely_many_stationary_points(objective):
    with pytest.raises(UnsupportedError, match="infinitely many"):
        Problem(objective).stationary_points()


def test_a_polynomial_keeps_its_finite_list():
    # d/dx (x^4 - x^2) = 4x^3 - 2x = 0 at 0 and ±1/√2.
    points = {pt.point[sp.Symbol("x", real=True)] for pt in Problem("x**4 - x**2")
              .stationary_points()}
    assert points == {0, sp.sqrt(2) / 2, -sp.sqrt(2) / 2}


@pytest.mark.parametrize("name", ["t", "alpha", "n", "k", "L"])
def test_an_objective_variable_is_real_whatever_the_house_name(name):
    p = Problem(f"({name} - 0.5)**2")
    (v,) = p.variables
    assert v.is_real and v.is_positive is None and v.is_integer is None
    # (v − 1/2)² has its minimum at 1/2, f'' = 2.
    assert [pt.point[v] for pt in p.stationary_points()] == [sp.Rational(1, 2)]
    assert p.strong_convexity().value == 2


def test_parameters_keep_their_house_assumptions():
    p = Problem("L*x**2", variables=["x"])
    assert p.parameters[0].is_positive


def test_a_declared_variable_keeps_its_assumptions():
    t = sp.Symbol("t", positive=True)
    p = Problem("(t - 1)**2", local={"t": t})
    assert p.variables == (t,)


@pytest.mark.parametrize("objective", [None, [1, 2], object(), b"x**2"])
def test_an_objective_that_is_not_text_or_an_expression_is_refused(objective):
    with pytest.raises(SymoptError):
        Problem(objective)


@pytest.mark.parametrize("variables", [5, "x", [1, 2], [None]])
def test_malformed_variables_are_refused(variables):
    with pytest.raises(SymoptError):
        Problem("x**2", variables=variables)


def test_stationary_points_of_many_variables_are_refused_by_size():
    xs = sp.symbols("x1:1001", real=True)
    p = Problem(sp.Add(*(x**2 for x in xs)), variables=list(xs))
    with pytest.raises(UnsupportedError, match="1000 variables"):
        p.stationary_points()


def test_a_dense_quartic_in_200_variables_is_refused_by_size_quickly():
    import time

    xs = sp.symbols("x1:201", real=True)
    p = Problem(sum(xs) ** 4, variables=list(xs), timeout=5)
    start = time.monotonic()
    with pytest.raises(UnsupportedError, match="200 variables"):
        _ = p.hessian
    finding = p.convexity()
    assert not finding.known and "200 variables" in finding.reason
    assert not p.smoothness().known
    assert time.monotonic() - start < 2


def test_principal_minors_are_not_enumerated_for_many_variables():
    xs = sp.symbols("x1:13", real=True)
    finding = Problem(sum(xs) ** 4, variables=list(xs), timeout=10).convexity()
    assert not finding.known and "4095 principal minors" in finding.reason


def test_a_large_expansion_is_not_attempted_when_testing_for_a_quadratic():
    xs = sp.symbols("x1:150", real=True)
    assert Problem(sum(xs) ** 4, variables=list(xs), timeout=5).quadratic is None


@pytest.mark.parametrize("exc", [TypeError("undecidable set membership"), ValueError("x")])
def test_a_solver_exception_is_unsupported_not_a_crash(monkeypatch, exc):
    from symopt.problem import _solve_gradient

    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr(sp, "solve", fail)
    x = sp.Symbol("x", real=True)
    with pytest.raises(UnsupportedError, match="cannot solve"):
        _solve_gradient(sp.Matrix([x]), [x])
