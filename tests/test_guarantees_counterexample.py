"""Counterexamples: functions of the class on which the compiled method breaks the bound."""

import doctest
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees.classes import smooth, smooth_convex, smooth_strongly_convex
from symopt.guarantees.counterexample import (
    counterexample_from_points,
    counterexample_on_function,
    drori_teboulle,
    exact_run,
    lessard_recht_packard,
    refute_bound,
    worst_huber,
    worst_quadratic,
)
from symopt.guarantees.functions import from_gradient, huber

R = sp.Rational


def _numeric_class_check(f, L, mu, lo=-5.0, hi=5.0):
    """Slopes of f′ between grid points lie in [μ, L] (independent of the exact check)."""
    grid = np.linspace(lo, hi, 2001)
    _, grad = f.numpy()
    slopes = np.diff(grad(grid[:, None])[:, 0]) / np.diff(grid)
    assert float(mu) - 1e-9 <= slopes.min() and slopes.max() <= float(L) + 1e-9


def _worst_quadratic_by_hand(L, Rad, N):
    # max over λ ∈ [0, L] of λ/2 (1 − λ/L)^{2N} R²: d/dλ = 0 at λ = L/(2N + 1)
    L, Rad = sp.S(L), sp.S(Rad)
    return L * Rad**2 / (2 * (2 * N + 1)) * R(2 * N, 2 * N + 1) ** (2 * N)


@pytest.mark.parametrize(("L", "Rad", "N"), [(1, 1, 1), (2, 1, 3), (3, R(1, 2), 5)])
def test_drori_teboulle_huber_breaks_the_worst_quadratic_bound(L, Rad, N):
    L, Rad = sp.S(L), sp.S(Rad)
    ce = drori_teboulle(L, Rad, N)
    claimed = _worst_quadratic_by_hand(L, Rad, N)
    assert ce.bound == claimed
    assert ce.quadratic_worst == claimed            # holds on every quadratic, with equality
    assert ce.measure[-1] == L * Rad**2 / (4 * N + 2)  # Drori & Teboulle 2014
    assert ce.membership.value is True and ce.breaks
    assert ce.verdict.value is False
    _numeric_class_check(ce.function, L, 0)
    # the compiled run is the float image of the exact one
    assert ce.compiled.shape == (N + 1,)
    assert np.allclose(ce.compiled, [float(x) for x in ce.iterates], rtol=0, atol=1e-14)
    # an independent GD loop in floats on the same function
    _, grad = ce.function.numpy()
    x = float(Rad)
    for _ in range(N):
        x -= float(1 / L) * grad(np.array([[x]]))[0, 0]
    assert x == pytest.approx(float(ce.iterates[-1]), abs=1e-14)


def test_drori_teboulle_function_is_the_huber_function_on_0_x0():
    ce = drori_teboulle(1, 1, 4)
    tau = R(1, 9)
    h = huber(1, tau)
    for t in (R(0), R(1, 20), tau, R(1, 2), R(1)):
        assert ce.function.value(t) == h.value(t)
    assert ce.function.value(-2) == 2  # left of x* the interpolant is the upper quadratic x²/2


@pytest.mark.parametrize("N", [1, 2, 4])
def test_the_true_drori_teboulle_bound_is_not_broken(N):
    L, Rad = R(2), R(1)
    true_bound = L * Rad**2 / (4 * N + 2)
    found = refute_bound(smooth_convex(L), "gd", {"alpha": 1 / L}, N, true_bound, Rad)
    assert found.known is False and "does not prove" in found.reason
    tau = Rad / (2 * N + 1)
    ce = counterexample_on_function(smooth_convex(L), "gd", {"alpha": 1 / L}, huber(L, tau),
                                    Rad, N, true_bound)
    assert ce.gap == 0 and not ce.breaks and ce.verdict.known is False


def test_worst_quadratic_and_huber_by_hand():
    lam, value = worst_quadratic(smooth_convex(4), "gd", {"alpha": R(1, 4)}, 2, 1)
    assert lam == R(4, 5) and value == _worst_quadratic_by_hand(4, 1, 2)
    tau, value = worst_huber(smooth_convex(4), "gd", {"alpha": R(1, 4)}, 2, 1)
    assert tau == R(1, 5) and value == R(4, 10)
    # a bound below the worst quadratic is broken by the quadratic itself
    found = refute_bound(smooth_convex(4), "gd", {"alpha": R(1, 4)}, 2, R(1, 10), 1)
    assert found.value.breaks and found.value.function.pieces[0].c == R(4, 5)


def test_an_algebraic_worst_quadratic_is_replaced_by_a_rational_one_that_still_breaks():
    # heavy ball's worst λ after 3 steps is a root of a cubic: compiled code needs a rational λ
    hp = {"alpha": R(1, 2), "beta": R(1, 2)}
    lam, worst = worst_quadratic(smooth_convex(1), "heavy_ball", hp, 3, 1)
    assert not lam.is_rational
    found = refute_bound(smooth_convex(1), "heavy_ball", hp, 3, R(1, 100), 1)
    ce = found.value
    assert ce.breaks and ce.function.pieces[0].c.is_rational
    assert abs(ce.function.pieces[0].c - lam) < R(1, 1000)
    assert ce.agreement < 1e-12 and ce.verdict.value is False
    # the rational quadratic's value is below the exact worst, as it must be
    assert sp.S(ce.measure[-1] - worst) <= 0


def test_counterexample_from_points_refuses_points_outside_the_class():
    with pytest.raises(DomainError, match=r"pair \(0, 1\)"):
        counterexample_from_points(smooth_convex(1), "gd", [(0, 0, 0), (1, 2, 1)],
                                   hyperparameters={"alpha": 1}, steps=1, bound=0)


def test_bad_input():
    with pytest.raises(DomainError, match="nonnegative integer"):
        refute_bound(smooth_convex(1), "gd", {"alpha": 1}, -1, 1)
    with pytest.raises(DomainError, match="unknown measure"):
        worst_quadratic(smooth_convex(1), "gd", {"alpha": 1}, 1, measure="speed")
    with pytest.raises(UnsupportedError, match="convex classes"):
        counterexample_on_function(smooth(1), "gd", {"alpha": 1}, huber(1, 1), 1, 1, 0)
    with pytest.raises(UnsupportedError, match="not a linear first-order method"):
        refute_bound(smooth_convex(1), "adam", {"alpha": R(1, 10)}, 2, 1)
    with pytest.raises(DomainError, match="radius"):
        worst_quadratic(smooth_convex(1), "gd", {"alpha": 1}, 1, radius=0)
    with pytest.raises(DomainError, match="too few"):
        lessard_recht_packard(steps=10)
    shifted = from_gradient((), ((1, -1),))  # minimum at x = 1, not 0
    with pytest.raises(DomainError, match="normalised"):
        counterexample_on_function(smooth_convex(1), "gd", {"alpha": 1}, shifted, 2, 1, 0)


LRP_ALPHA, LRP_BETA = Fraction(4, (5 + 1) ** 2), Fraction(5 - 1, 5 + 1) ** 2


def _lrp_gradient(x):
    return 25 * x if x < 1 else (x + 24 if x < 2 else 25 * x - 24)


def test_lessard_recht_packard_cycle_is_exact_and_in_the_class():
    ce = lessard_recht_packard()
    assert ce.hyperparameters == {"alpha": R(1, 9), "beta": R(4, 9)}
    assert (LRP_ALPHA, LRP_BETA) == (Fraction(1, 9), Fraction(4, 9))
    assert ce.membership.value is True
    _numeric_class_check(ce.function, 25, 1)
    assert ce.returns and ce.cycle.period == 3
    # independent check in the paper's classical form x⁺ = x − α∇f(x) + β(x − x₋), Fractions
    pts = [Fraction(int(p.p), int(p.q)) for p in ce.cycle.points]
    prev, x = pts[-1], pts[0]
    for k in range(6):
        prev, x = x, x - LRP_ALPHA * _lrp_gradient(x) + LRP_BETA * (x - prev)
        assert x == pts[(k + 1) % 3]
    # the torch-form buffer on the orbit is b = (x₋ − x)/α
    assert ce.cycle.states[0]["b"] == R(pts[-1] - pts[0]) / R(1, 9)
    assert ce.verdict.value is False and sp.S(ce.gap) > 0
    assert ce.cycle.distance == min(abs(p) for p in ce.cycle.points)


def test_lessard_recht_packard_compiled_runs_enter_and_stay_on_the_cycle():
    ce = lessard_recht_packard(steps=150)
    cycle = np.array([float(p) for p in ce.cycle.points])
    assert ce.entry_distance < 1e-9
    assert np.min(np.abs(ce.compiled_from_x0[-30:])) > 0.6  # never near x* = 0
    on = ce.compiled_on_cycle
    assert np.allclose(on[: 3 * 40], np.tile(cycle, 40), atol=1e-9)
    # the compiled run agrees with the exact rational run from x0 = 3.07 at rest
    assert ce.agreement < 1e-9
    assert ce.exact_from_x0[0] == R(307, 100)


def test_the_same_heavy_ball_converges_on_quadratics_of_the_class():
    from symopt.kernels import run

    for lam in (1, 13, 25):
        traj = run(f"{lam}*x**2/2", "heavy_ball", [3.07], 150, alpha=R(1, 9), beta=R(4, 9))
        assert abs(traj.iterates[-1, 0]) < 1e-20
    # the refuted claim |x_k| ≤ 2(k + 1)(2/3)^k |x₀| holds on the quadratics λx²/2, λ ∈ [1, 25]
    # (classical form from rest, plain floats)
    k = np.arange(1, 300)
    for lam in np.linspace(1, 25, 481):
        prev = x = 1.0
        worst = 0.0
        for kk in k:
            prev, x = x, x - lam / 9 * x + 4 / 9 * (x - prev)
            worst = max(worst, abs(x) / ((kk + 1) * (2 / 3) ** kk))
        assert worst <= 2


def test_exact_run_state_override_and_errors():
    f = huber(1, 1)
    xs, states = exact_run("heavy_ball", {"alpha": R(1, 2), "beta": R(1, 2)}, f, 3, 2,
                           state0={"b": 2})
    # b₁ = 2/2 + 1 = 2, x₁ = 3 − 1 = 2; b₂ = 1 + 1 = 2, x₂ = 1
    assert xs == [3, 2, 1] and states[-1]["b"] == 2
    with pytest.raises(DomainError, match="no state"):
        exact_run("gd", {"alpha": 1}, f, 3, 1, state0={"b": 1})


def test_larger_constants_are_broken_later():
    small, large = lessard_recht_packard(constant=1), lessard_recht_packard(constant=10**6)
    assert small.broken_at < large.broken_at
    assert large.verdict.value is False
    assert smooth_strongly_convex(25, 1).mu == 1


def test_the_docs_page_examples_run():
    text = (Path(__file__).resolve().parents[1] / "docs" / "guarantees.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if ">>>" in b]
    assert len(blocks) >= 5
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    shared: dict = {}  # one namespace, as in a doctest file
    for k, block in enumerate(blocks):
        test = parser.get_doctest(block, shared, f"guarantees.md[{k}]", "guarantees.md", 0)
        runner.run(test, clear_globs=False)
        shared.update(test.globs)  # DocTest works on a copy
    assert runner.summarize(verbose=False).failed == 0


def test_the_run_from_rest_is_captured_by_the_cycle_exactly():
    ce = lessard_recht_packard()
    cap = ce.capture
    assert cap is not None and 0 < cap.step <= 60
    # one step on a piece with ∇f = 25x + d, torch form in (x, b), by hand:
    # b⁺ = βb + 25x + d, x⁺ = x − αb⁺  →  linear part [[1 − 25α, −αβ], [25, β]]
    a, b = R(1, 9), R(4, 9)
    A = sp.Matrix([[1 - 25 * a, -a * b], [25, b]])
    assert [ce.function.pieces[k].c for k in ce.cycle.pieces] == [25, 25, 25]
    M = A**3
    Q = cap.lyapunov
    assert M.T * Q * M - Q == -sp.eye(2)
    assert Q[0, 0] > 0 and Q.det() > 0
    # the exact rational run (classical form, Fractions) is inside the ellipsoid at cap.step
    prev = x = Fraction(307, 100)
    for _ in range(cap.step):
        prev, x = x, x - LRP_ALPHA * _lrp_gradient(x) + LRP_BETA * (x - prev)
    start = sp.Matrix([ce.cycle.points[0], ce.cycle.states[0]["b"]])
    d = sp.Matrix([R(x.numerator, x.denominator),
                   R(prev - x, 1) / a]) - start          # b = (x₋ − x)/α
    assert (d.T * Q * d)[0, 0] <= cap.radius2
    # states sampled in the ellipsoid stay away from x* for many periods (floats)
    rng = np.random.default_rng(0)
    L_chol = np.linalg.cholesky(np.array(Q.inv(), dtype=float))
    for _ in range(200):
        u = rng.normal(size=2)
        z = np.array(start, dtype=float)[:, 0] + float(sp.sqrt(cap.radius2)) * 0.999 * (
            L_chol @ (u / np.linalg.norm(u)) * rng.uniform() ** 0.5)
        xs_, bs_ = z
        for _ in range(300):
            bs_ = float(b) * bs_ + _lrp_gradient(xs_)
            xs_ = xs_ - float(a) * bs_
            assert abs(xs_) >= float(cap.floor)


@pytest.mark.parametrize("h", [R(1, 2), R(1), R(3, 2)])
def test_huber_and_quadratic_families_give_the_known_gd_worst_case(h):
    # GD with α = h/L: L R²/2 · max(1/(2Nh + 1), (1 − h)^{2N}), the class's worst case for
    # h ≤ 1 (Drori & Teboulle 2014) and their conjecture for 1 < h < 2
    L, N = R(2), 3
    tau, huber_value = worst_huber(smooth_convex(L), "gd", {"alpha": h / L}, N, 1)
    assert tau == R(1, 1) / (2 * N * h + 1) and huber_value == L / (2 * (2 * N * h + 1))
    _, quad_value = worst_quadratic(smooth_convex(L), "gd", {"alpha": h / L}, N, 1)
    # by hand: λ/2 (1 − hλ/L)^{2N} on [0, L] peaks at λ = L/(h(2N + 1)) (when ≤ L) or at λ = L
    interior = L / 2 / (h * (2 * N + 1)) * R(2 * N, 2 * N + 1) ** (2 * N)
    assert quad_value == max(interior, L / 2 * (1 - h) ** (2 * N))
    assert max(huber_value, quad_value) == L / 2 * max(1 / (2 * N * h + 1), (1 - h) ** (2 * N))


@pytest.mark.parametrize("N", [1, 2])
def test_the_huber_worst_case_matches_pepit(N):
    pytest.importorskip("cvxpy")
    examples = pytest.importorskip("PEPit.examples.unconstrained_convex_minimization")
    pepit_value, _ = examples.wc_gradient_descent(L=1, gamma=1, n=N, verbose=-1)
    _, value = worst_huber(smooth_convex(1), "gd", {"alpha": 1}, N, 1)
    assert float(value) == pytest.approx(pepit_value, rel=1e-5)


def test_points_in_the_performance_estimation_layout():
    # (x_k, g_k, f_k) for k = 0..N, then the optimum last; here x₀ < 0 (GD, α = 1, on the
    # Huber function with τ = 1/5 from x₀ = −1)
    h = huber(1, R(1, 5))
    xs = [R(-1), R(-4, 5), R(-3, 5)]
    points = [(x, h.derivative(x), h.value(x)) for x in xs] + [(0, 0, 0)]
    ce = counterexample_from_points(smooth_convex(1), "gd", points,
                                    hyperparameters={"alpha": 1}, steps=2, bound=R(1, 20))
    assert list(ce.iterates) == xs
    assert ce.measure[-1] == R(1, 10) and ce.breaks  # L R²/(4N + 2) with N = 2
    gn = counterexample_on_function(smooth_convex(1), "gd", {"alpha": 1}, h, -1, 2, 0,
                                    measure="min_gradient_norm")
    assert gn.measure == (R(1, 25),) * 3
