"""PEP worst cases reproduce PEPit's own examples (run here as the independent reference)."""

from math import sqrt

import pytest

pytest.importorskip("cvxpy")
pytest.importorskip("PEPit")

import sympy as sp

from symopt.errors import SymoptError, UnsupportedError
from symopt.guarantees import smooth, smooth_convex, smooth_strongly_convex
from symopt.guarantees.pep import PerformanceProblem

REL = 1e-6
#: PEPit picks SCS by default (about 1e-5 accurate); both sides use an interior-point solver.
CLARABEL = "CLARABEL"


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL * max(abs(b), 1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_gd_convex_matches_pepit_and_drori_teboulle(n):
    from PEPit.examples.unconstrained_convex_minimization import wc_gradient_descent

    ours = PerformanceProblem(smooth_convex(1), "gd", n, "function_gap", "distance",
                              hyperparameters={"alpha": 1}).solve()
    theirs, theory = wc_gradient_descent(L=1, gamma=1, n=n, verbose=-1, solver=CLARABEL)
    assert close(ours.value, theirs)
    assert close(ours.value, 1 / (4 * n + 2))  # L R²/(4N + 2), Drori & Teboulle 2014
    assert theory == pytest.approx(1 / (4 * n + 2))
    assert ours.duality_gap < 1e-7


def _pepit_gd(cls_kind, L, mu, gamma, n, metric):
    """GD written directly in PEPit's API (distance / gradient-norm metrics)."""
    from PEPit import PEP
    from PEPit.functions import SmoothConvexFunction, SmoothStronglyConvexFunction

    problem = PEP()
    if cls_kind == "strong":
        func = problem.declare_function(SmoothStronglyConvexFunction, mu=mu, L=L)
    else:
        func = problem.declare_function(SmoothConvexFunction, L=L)
    xs = func.stationary_point()
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - xs) ** 2 <= 1)
    x = x0
    for _ in range(n):
        x = x - gamma * func.gradient(x)
    problem.set_performance_metric((x - xs) ** 2 if metric == "distance"
                                   else func.gradient(x) ** 2)
    return problem.solve(verbose=0, solver=CLARABEL)


@pytest.mark.parametrize("n, gamma", [(1, 1.0), (3, 1.0), (2, 1.5), (4, 0.5)])
def test_gd_strongly_convex_distance(n, gamma):
    L, mu = 1.0, 0.1
    ours = PerformanceProblem(smooth_strongly_convex(1, "1/10"), "gd", n, "distance",
                              "distance", hyperparameters={"alpha": gamma}).solve()
    rate = max(abs(1 - gamma * mu), abs(1 - gamma * L)) ** (2 * n)
    assert close(ours.value, rate)
    assert close(ours.value, _pepit_gd("strong", L, mu, gamma, n, "distance"))


@pytest.mark.parametrize("n", [1, 3])
def test_gd_convex_gradient_norm(n):
    ours = PerformanceProblem(smooth_convex(1), "gd", n, "gradient_norm", "distance",
                              hyperparameters={"alpha": 1}).solve()
    assert close(ours.value, _pepit_gd("convex", 1.0, 0.0, 1.0, n, "gradient"))


@pytest.mark.parametrize("n", [1, 2, 4])
def test_heavy_ball_matches_pepit(n):
    from PEPit.examples.unconstrained_convex_minimization import wc_heavy_ball_momentum

    mu, L, alpha = 0.1, 1.0, 0.5
    beta = sqrt((1 - alpha * mu) * (1 - L * alpha))
    ours = PerformanceProblem(smooth_strongly_convex(1, "1/10"), "heavy_ball", n,
                              "function_gap", "function_gap",
                              hyperparameters={"alpha": alpha, "beta": beta}).solve()
    theirs, _ = wc_heavy_ball_momentum(mu=mu, L=L, alpha=alpha, beta=beta, n=n, verbose=-1,
                                       solver=CLARABEL)
    assert close(ours.value, theirs)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_nesterov_matches_pepit_fast_gradient(n):
    """Torch-form Nesterov whose last step has β = 0 outputs the fast gradient method's x_N."""
    from PEPit.examples.unconstrained_convex_minimization import (
        wc_accelerated_gradient_strongly_convex,
    )

    mu, L = 0.01, 1.0  # √κ = 1/10, β = (1 − √κ)/(1 + √κ) = 9/11
    from symopt.methods import nesterov
    from symopt.symbols import symbol

    beta = sp.Piecewise((sp.Rational(9, 11), symbol("t") < n), (0, True))
    ours = PerformanceProblem(smooth_strongly_convex(1, "1/100"), nesterov(momentum=beta), n,
                              "function_gap", {"function_gap": 1, "distance": sp.Rational(1, 200)},
                              hyperparameters={"alpha": 1}).solve()
    theirs, _ = wc_accelerated_gradient_strongly_convex(mu=mu, L=L, n=n, verbose=-1,
                                                        solver=CLARABEL)
    assert close(ours.value, theirs)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_nonconvex_gd_matches_pepit(n):
    from PEPit.examples.nonconvex_optimization import wc_gradient_descent

    ours = PerformanceProblem(smooth(1), "gd", n, "min_gradient_norm", "function_decrease",
                              hyperparameters={"alpha": 1}).solve()
    theirs, _ = wc_gradient_descent(L=1, gamma=1, n=n, verbose=-1, solver=CLARABEL)
    assert close(ours.value, theirs)
    assert close(ours.value, 4 / (3 * n))  # 4/3 · L/N (Taylor 2017; Abbaszadehpeivasti et al.)


def test_dual_residual_is_psd_and_labels_are_conditions():
    import numpy as np

    r = PerformanceProblem(smooth_convex(1), "gd", 2, "function_gap", "distance",
                           hyperparameters={"alpha": 1}).solve()
    assert np.linalg.eigvalsh(r.residual).min() > -1e-7
    assert set(r.multipliers) >= {"initial", "measure(0)", "interp(0,*)", "interp(*,2)"}
    assert abs(r.multipliers["initial"] - 1 / 10) < 1e-7


def test_bad_input_is_a_symopt_error():
    with pytest.raises(SymoptError):
        PerformanceProblem(smooth_convex(1), "gd", -1, "function_gap", "distance",
                           hyperparameters={"alpha": 1})
    with pytest.raises(UnsupportedError, match="not linear"):
        PerformanceProblem(smooth_convex(1), "adam", 2, "function_gap", "distance")
    with pytest.raises(UnsupportedError, match="no minimizer"):
        PerformanceProblem(smooth(1), "gd", 2, "function_gap", "distance",
                           hyperparameters={"alpha": 1})
    with pytest.raises(UnsupportedError, match="symbolic"):
        PerformanceProblem(smooth_convex(1), "gd", 2, "function_gap", "distance").solve()
    with pytest.raises(SymoptError):
        smooth_strongly_convex(1, 2)
