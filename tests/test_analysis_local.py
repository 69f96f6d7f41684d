"""Local analysis at a minimiser and Newton's constant, checked against compiled runs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symopt.analysis import analyze, newton_constant
from symopt.kernels import run
from symopt.problem import Problem
from symopt.symbols import symbol

alpha, x = symbol("alpha"), symbol("x")
CUBIC = "(x - 1)**2*(x + 2)"  # x³ − 3x + 2: f''(1) = 6, f'''(1) = 6, minimiser 1


def test_newton_constant_matches_hand_values():
    # C = |f'''/(2f'')| at x*: 6/12 for the cubic; e^x − 2x at log 2: 2/(2·2).
    assert newton_constant(Problem(CUBIC)).value == sp.Rational(1, 2)
    assert newton_constant(Problem("exp(x) - 2*x")).value == sp.Rational(1, 2)
    assert newton_constant(Problem("x**4/4 + x**2/2")).value == 0
    assert not newton_constant(Problem("x**2 + y**2 + x**4")).known


def test_newton_converges_quadratically_with_the_derived_constant():
    a = analyze(CUBIC, "newton")
    assert a.kind == "local" and a.minimiser.value == {x: 1}
    errors = np.abs(run(CUBIC, "newton", [1.2], 4).iterates[:, 0] - 1)
    ratios = errors[1:4] / errors[:3] ** 2
    assert ratios[-1] == pytest.approx(float(a.newton_constant.value), rel=2e-2)
    errors = np.abs(run("exp(x) - 2*x", "newton", [1.0], 4).iterates[:, 0] - np.log(2))
    assert errors[3] / errors[2] ** 2 == pytest.approx(0.5, rel=2e-2)


def test_local_gd_rate_and_stability_interval():
    # Local linear rate max|1 − αλ| with λ = f''(1) = 6, kept symbolic in α.
    assert sp.simplify(analyze(CUBIC, "gd").radius.value - sp.Abs(1 - 6 * alpha)) == 0
    a = analyze(CUBIC, "gd", alpha="0.1")
    assert a.eigenvalues.value == [6]
    assert a.stability.value.interval == sp.Interval.open(0, sp.Rational(1, 3))
    assert a.rate.value == sp.Rational(2, 5)  # |1 − 0.1·6|
    errors = np.abs(run(CUBIC, "gd", [1.001], 10, alpha=0.1).iterates[:, 0] - 1)
    assert errors[10] / errors[9] == pytest.approx(0.4, rel=1e-3)
    inside = np.abs(run(CUBIC, "gd", [1.001], 400, alpha=0.32).iterates[-1, 0] - 1)
    outside = run(CUBIC, "gd", [1.001], 400, alpha=0.35).iterates[:, 0]
    assert inside < 1e-12
    assert np.nanmax(np.abs(outside - 1)) > 0.1  # leaves the neighbourhood of x*


def test_local_analysis_in_two_variables():
    # ∇f = (4x³ + 2x + y, 4y + x) vanishes only at 0; H(0) = [[2, 1], [1, 4]], λ = 3 ± √2.
    a = analyze("x**4 + x**2 + 2*y**2 + x*y", "gd")
    lo, hi = 3 - sp.sqrt(2), 3 + sp.sqrt(2)
    assert [sp.simplify(v) for v in a.eigenvalues.value] == [lo, hi]
    best = a.optimal.value
    assert sp.simplify(best.hyperparameters[alpha] - sp.Rational(1, 3)) == 0
    assert sp.simplify(best.rate - sp.sqrt(2) / 3) == 0
    norms = np.linalg.norm(run("x**4 + x**2 + 2*y**2 + x*y", "gd", [0.01, 0.01], 200,
                               alpha=1 / 3).iterates, axis=-1)
    assert (norms[200] / norms[100]) ** (1 / 100) == pytest.approx(np.sqrt(2) / 3, rel=1e-3)


def test_saddles_and_adaptive_methods_are_unknown_with_reasons():
    # f = x² − y²: A = diag(2, −2); GD's factor along y is 1 + 2α > 1 for every α > 0.
    a = analyze("x**2 - y**2", "gd")
    assert not a.minimiser.known and "negative eigenvalue" in a.minimiser.reason
    assert a.stability.value.condition == sp.false
    assert not a.optimal.known
    diverging = run("x**2 - y**2", "gd", [0.0, 1e-3], 50, alpha=0.01).iterates[:, 1]
    assert np.all(np.diff(np.abs(diverging)) > 0)
    adam = analyze("x**2 + y**2", "adam")
    assert not adam.iteration_matrix.known and "step counter" in adam.rate.reason


def test_choosing_the_minimiser_and_safe_text():
    # f = x⁴ − 2x² has minima at ±1 with f'' = 12x² − 4 = 8: GD's local interval 0 < α < 1/4.
    for point in ({"x": "-1"}, {x: 1}, {0: 1}):
        a = analyze("x**4 - 2*x**2", "gd", at=point)
        assert a.eigenvalues.value == [8]
        assert a.stability.value.interval == sp.Interval.open(0, sp.Rational(1, 4))
    errors = np.abs(run("x**4 - 2*x**2", "gd", [-1.001], 8, alpha=0.1).iterates[:, 0] + 1)
    assert errors[8] / errors[7] == pytest.approx(abs(1 - 0.1 * 8), rel=1e-2)
    from symopt.errors import ParseError

    with pytest.raises(ParseError):
        analyze("x**4 - 2*x**2", "gd", at={"x": "__import__('os')"})


def test_constrained_problems_are_not_analysed_as_unconstrained():
    a = analyze(Problem("x**2 + y**2", constraints=["x + y >= 1"]), "gd")
    assert a.kind == "constrained" and not a.stability.known and "constrained" in a.rate.reason
