"""Exact certificates and counterexamples from the numeric PEP, checked independently."""

import pytest

pytest.importorskip("cvxpy")

import sympy as sp

from symopt.guarantees import smooth, smooth_convex, smooth_strongly_convex
from symopt.guarantees.exact import certify, counterexample
from symopt.guarantees.pep import PerformanceProblem


def gd_convex(n):
    return PerformanceProblem(smooth_convex(1), "gd", n, "function_gap", "distance",
                              hyperparameters={"alpha": 1})


@pytest.mark.parametrize("n", [1, 2, 3])
def test_gd_convex_tight_certificate_is_drori_teboulle(n):
    found = certify(gd_convex(n))
    assert found.value is True
    cert = found.evidence["certificate"]
    x0 = cert.basis[0]
    assert sp.simplify(cert.bound - x0**2 / (4 * n + 2)) == 0  # L R²/(4N + 2), L = 1
    assert cert.verify().value is True
    assert all(lam >= 0 for lam, _, _ in cert.multipliers)


def test_gd_strongly_convex_tight_and_loose_rates():
    pep = PerformanceProblem(smooth_strongly_convex(1, "1/10"), "gd", 2, "distance", "distance",
                             hyperparameters={"alpha": 1})
    assert certify(pep, sp.Rational(9, 10) ** 4).value is True  # (1 − μ/L)^{2N}
    assert certify(pep, "7/10").value is True
    assert certify(pep, "6/10").value is False


def test_heavy_ball_loose_rate_certified_with_margin():
    pep = PerformanceProblem(smooth_strongly_convex(1, "1/10"), "heavy_ball", 2, "function_gap",
                             "function_gap", hyperparameters={"alpha": "1/2", "beta": "1/2"})
    found = certify(pep, "4/5")
    assert found.value is True
    assert found.evidence["certificate"].verify().value is True


def test_nonconvex_gd_min_gradient_certificate():
    pep = PerformanceProblem(smooth(1), "gd", 2, "min_gradient_norm", "function_decrease",
                             hyperparameters={"alpha": 1})
    assert certify(pep, sp.Rational(4, 6)).value is True  # 4/3 · L/N


def test_gd_convex_counterexample_to_the_worst_quadratic_rate():
    # the worst quadratic after one step: max_λ λ(1 − λ)²/2 = 2/27 < 1/6 (the class's worst case)
    rate = sp.Rational(2, 27)
    found = counterexample(gd_convex(1), rate)
    assert found.value is False
    cex = found.evidence["counterexample"]
    assert cex.dimension == 1
    (x0,), (g0,), f0 = cex.points[0]
    (x1,), (g1,), f1 = cex.points[1]
    assert x1 == x0 - g0  # the method's step, α = 1
    pts = [(x0, g0, f0), (x1, g1, f1), (0, 0, 0)]
    for xi, gi, fi in pts:  # smooth convex interpolation (Taylor et al. 2017, Thm 4), L = 1
        for xj, gj, fj in pts:
            assert fi - fj - gj * (xi - xj) - (gi - gj) ** 2 / 2 >= 0
    assert f1 > rate * x0**2
    assert cex.one_dimensional()[-1] == (0, 0, 0)  # x* with f* = 0, ready for an interpolant
    assert cex.iterates == ((x0,), (x1,))


def test_true_statement_has_no_counterexample():
    assert counterexample(gd_convex(1), "1/5").value is None
