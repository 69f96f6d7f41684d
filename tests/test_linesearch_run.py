"""Runs of line-search methods: the compiled rule against exact runs and by-hand searches."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symopt.analysis.linesearch import exact_run
from symopt.errors import DomainError, UnsupportedError
from symopt.kernels import run
from symopt.kernels.linesearch import run_line_search


@pytest.mark.parametrize("gamma", [3.0, 0.1, 10.0])
def test_exact_line_search_run_follows_boyd_vandenberghe_9_3_2(gamma):
    r = run(f"(x**2 + {gamma}*y**2)/2", "gd_exact_line_search", [gamma, 1.0], 12)
    q = (gamma - 1) / (gamma + 1)
    k = np.arange(13)
    np.testing.assert_allclose(r.iterates[:, 0], gamma * q**k, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(r.iterates[:, 1], (-q) ** k, rtol=1e-12, atol=1e-300)
    assert not r.numeric_search


def _backtracking_by_hand(f, grad, x, steps, alpha, beta, t0=1.0):
    points, taus = [np.array(x, float)], []
    for _ in range(steps):
        x = points[-1]
        g = grad(x)
        t = t0
        while f(x - t * g) > f(x) - alpha * t * g @ g:
            t *= beta
        taus.append(t)
        points.append(x - t * g)
    return np.array(points), np.array(taus)


def test_backtracking_run_matches_a_hand_written_loop():
    def f(v):
        return np.log(np.exp(v[0] + 3 * v[1] - 0.1) + np.exp(v[0] - 3 * v[1] - 0.1)
                      + np.exp(-v[0] - 0.1))

    def grad(v):
        a, b, c = (np.exp(v[0] + 3 * v[1] - 0.1), np.exp(v[0] - 3 * v[1] - 0.1),
                   np.exp(-v[0] - 0.1))
        return np.array([a + b - c, 3 * a - 3 * b]) / (a + b + c)

    # B&V's example (9.20) in R²
    objective = "log(exp(x + 3*y - 0.1) + exp(x - 3*y - 0.1) + exp(-x - 0.1))"
    r = run(objective, "gd_backtracking", [-1.0, 1.0], 15, alpha=0.1, beta=0.7)
    points, taus = _backtracking_by_hand(f, grad, [-1.0, 1.0], 15, 0.1, 0.7)
    np.testing.assert_allclose(r.iterates, points, rtol=1e-10)
    np.testing.assert_allclose(r.step_sizes, taus)
    # B&V: p* = f at x* = (−½ log 2, 0), p* = log(2√2) − 0.1
    assert r.values[-1] - (np.log(2 * np.sqrt(2)) - 0.1) < 1e-6


def test_compiled_runs_agree_with_exact_runs():
    cases = [("x**2 + 10*y**2", "gd_backtracking", {"alpha": "1/4", "beta": "1/2"}),
             ("x**2 + x*y + 2*y**2 - y", "gd_exact_line_search", {}),
             ("x**2 + 3*x*y + 5*y**2 - x", "newton_backtracking", {"alpha": "7/10"})]
    for objective, method, hp in cases:
        exact = exact_run(objective, method, [1, 2], 4, **hp)
        numeric = run(objective, method, [1.0, 2.0], 4,
                      **{k: float(sp.Rational(v)) for k, v in hp.items()})
        want = np.array([[float(c) for c in p] for p in exact])
        np.testing.assert_allclose(numeric.iterates, want, rtol=1e-12, atol=1e-14)


def test_newton_with_backtracking_takes_unit_steps_near_the_minimiser():
    # B&V §9.5.3: near x*, damped Newton with α < ½ takes the full step
    r = run("exp(x) + exp(-x) + y**4 + y**2", "newton_backtracking", [2.0, 1.0], 8,
            alpha=0.25, beta=0.5)
    assert r.step_sizes[-1] == 1.0
    assert r.grad_norms[-1] < 1e-12


def test_exact_search_off_quadratics_is_numeric_and_labelled():
    r = run_line_search("x**4 + y**2", "gd_exact_line_search", [1.0, 1.0], 1)
    assert r.numeric_search
    # φ(τ) = (1 − 4τ)⁴ + (1 − 2τ)²: φ'(τ) = 0 at the real root near 0.35439
    tau = r.step_sizes[0]
    assert abs(-16 * (1 - 4 * tau) ** 3 - 4 * (1 - 2 * tau)) < 1e-6


def test_batch_of_starts_and_limits():
    r = run("x**2 + 4*y**2", "gd_backtracking", np.array([[1.0, 1.0], [2.0, 0.0]]), 3)
    assert r.iterates.shape == (4, 2, 2) and r.step_sizes.shape == (3, 2)
    with pytest.raises(DomainError, match="chosen by the line search"):
        run_line_search("x**2", "gd_backtracking", [1.0], 2, tau=0.1)
    with pytest.raises(DomainError, match="outside its domain"):
        run("x**2", "gd_backtracking", [1.0], 2, alpha=1.5)
    with pytest.raises(DomainError, match="steps"):
        run("x**2", "gd_backtracking", [1.0], -1)
    with pytest.raises(UnsupportedError, match="no line search"):
        run_line_search("x**2", "gd", [1.0], 1)


@pytest.mark.parametrize("backend", ["numexpr", "numba"])
def test_other_backends_take_the_step_per_row(backend):
    pytest.importorskip(backend)
    starts = np.array([[1.0, 1.0], [2.0, -1.0]])
    want = run("x**2 + 4*y**2", "gd_backtracking", starts, 4, alpha=0.3, beta=0.6)
    got = run("x**2 + 4*y**2", "gd_backtracking", starts, 4, backend=backend, alpha=0.3,
              beta=0.6)
    np.testing.assert_allclose(got.iterates, want.iterates, rtol=1e-12)
    np.testing.assert_array_equal(got.reductions, want.reductions)
