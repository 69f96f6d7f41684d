"""Numeric runs: seed examples (values from the seed texts or derived by hand), sweeps, errors."""

import numpy as np
import pytest

from symopt.errors import DomainError, UnsupportedError
from symopt.kernels import Trajectory, run
from symopt.problem import Problem


def test_gd_on_x_squared_one_step_seed():
    """Seed: x = 2, α = 0.1, f = x²: x₁ = 2 − 0.1·4 = 1.6."""
    traj = run("x**2", "gd", [2.0], 1, alpha=0.1)
    assert isinstance(traj, Trajectory)
    np.testing.assert_allclose(traj.iterates[:, 0], [2.0, 1.6], rtol=1e-15)
    np.testing.assert_allclose(traj.values, [4.0, 2.56], rtol=1e-15)
    np.testing.assert_allclose(traj.grad_norms, [4.0, 3.2], rtol=1e-15)


def test_gd_on_theta_minus_5_squared_seed():
    """Seed 004: θ₀ = 0, lr = 0.1 on (θ − 5)²; by hand θ_k − 5 = 0.8ᵏ(θ₀ − 5)."""
    traj = run("(theta - 5)**2", "gd", [0.0], 20, alpha=0.1)
    k = np.arange(21)
    np.testing.assert_allclose(traj.iterates[:, 0], 5 - 5 * 0.8**k, rtol=1e-13)


def test_newton_on_x_squared_reaches_zero_in_one_step():
    traj = run("x**2", "newton", [3.0], 1)
    assert traj.iterates[1, 0] == 0.0


def test_newton_on_a_nonquadratic_in_two_variables():
    """Newton on f = eˣ − x + y²: by hand x' = x − (eˣ − 1)/eˣ, y' = 0."""
    traj = run("exp(x) - x + y**2", "newton", [1.0, 2.0], 2)
    x1 = 1 - (np.e - 1) / np.e
    np.testing.assert_allclose(traj.iterates[1], [x1, 0.0], atol=1e-15)
    np.testing.assert_allclose(traj.iterates[2, 0], x1 - (np.exp(x1) - 1) / np.exp(x1))


def test_momentum_seed_on_the_elongated_bowl():
    """∇ = [2θ₀, 20θ₁], α = 0.1, heavy ball β = 0.9 from (1, 1); by hand (torch form b ← βb + g):
    step 1: b = (2, 20), θ = (0.8, −1); step 2: b = (0.9·2 + 1.6, 0.9·20 − 20) = (3.4, −2),
    θ = (0.8 − 0.34, −1 + 0.2) = (0.46, −0.8)."""
    traj = run("theta0**2 + 10*theta1**2", "heavy_ball", [1.0, 1.0], 2, alpha=0.1, beta=0.9)
    np.testing.assert_allclose(traj.iterates[1], [0.8, -1.0], rtol=1e-14)
    np.testing.assert_allclose(traj.iterates[2], [0.46, -0.8], rtol=1e-14)


def test_adam_first_step_is_alpha_times_sign():
    """Bias correction: m̂₁ = g, v̂₁ = g², so x₁ = x₀ − α g/(|g| + ε) ≈ x₀ − α sign(g)."""
    traj = run("x**2 + y**2", "adam", [1.0, -3.0], 1, alpha=0.01, epsilon=1e-8)
    np.testing.assert_allclose(traj.iterates[1], [1 - 0.01 * 2 / (2 + 1e-8),
                                                  -3 + 0.01 * 6 / (6 + 1e-8)], rtol=1e-15)


def test_a_sweep_of_fifty_step_sizes_is_one_call_matching_fifty_runs():
    problem = Problem("0.5*(w1**2 + 4*w2**2)")
    alphas = np.linspace(0.01, 0.6, 50)
    sweep = run(problem, "heavy_ball", [1.0, 1.0], 30, alpha=alphas, beta=0.5)
    assert sweep.iterates.shape == (31, 50, 2)
    assert sweep.values.shape == sweep.grad_norms.shape == (31, 50)
    for i in range(50):
        single = run(problem, "heavy_ball", [1.0, 1.0], 30, alpha=float(alphas[i]), beta=0.5)
        np.testing.assert_allclose(sweep.iterates[:, i], single.iterates, rtol=1e-12)
        np.testing.assert_allclose(sweep.values[:, i], single.values, rtol=1e-12)
    # GD-like stability on the bowl: α > 2(1 + β)/L = 0.75 diverges; all of these converge.
    assert np.all(sweep.grad_norms[-1] < sweep.grad_norms[0])


def test_a_batch_of_starting_points():
    X0 = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, -1.0]])
    traj = run("x**2 + y**2", "gd", X0, 1, alpha=0.25)
    np.testing.assert_allclose(traj.iterates[1], X0 / 2)


def test_diverging_runs_record_inf_without_warnings():
    traj = run("x**2", "gd", [1.0], 2000, alpha=[0.1, 1.5])
    assert traj.values[-1, 0] < 1e-100 and not np.isfinite(traj.values[-1, 1])


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_backends_and_float32_agree(backend):
    if backend == "numba":
        pytest.importorskip("numba")
    a = run("x**2 + 4*y**2", "adam", [1.0, 1.0], 20, alpha=0.05)
    b = run("x**2 + 4*y**2", "adam", [1.0, 1.0], 20, backend=backend, dtype=np.float32,
            alpha=0.05)
    assert b.iterates.dtype == np.float32
    np.testing.assert_allclose(b.iterates, a.iterates, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (([float("nan")], 3), {"alpha": 0.1}, DomainError, "NaN"),
        (([1.0, 2.0], 3), {"alpha": 0.1}, DomainError, r"shape \(1,\)"),
        (([1.0], -1), {"alpha": 0.1}, DomainError, "whole number from 0"),
        (([1.0], 3), {"alpha": 0}, DomainError, "outside its domain"),
        (([[1.0], [2.0]], 3), {"alpha": [0.1, 0.2, 0.3]}, DomainError, "3 values"),
        ((["a"], 3), {"alpha": 0.1}, DomainError, "numbers"),
        (([1.0], 3), {"alpha": 0.1, "backend": "gpu"}, UnsupportedError, "unknown backend"),
    ],
)
def test_bad_input_raises_before_any_computation(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        run("x**2", "gd", *args, **kwargs)


def test_singular_hessian_is_reported():
    with pytest.raises(UnsupportedError, match="singular"):
        run("x**4", "newton", [0.0], 1)


@pytest.mark.parametrize("backend", ["numba", "numexpr"])
def test_sweeps_from_one_starting_point_on_the_fast_backends(backend):
    pytest.importorskip(backend)
    alphas = np.linspace(0.01, 0.5, 5)
    fast = run("x**2 + y**2", "heavy_ball", [1.0, -1.0], 10, backend=backend, alpha=alphas)
    reference = run("x**2 + y**2", "heavy_ball", [1.0, -1.0], 10, alpha=alphas)
    np.testing.assert_allclose(fast.iterates, reference.iterates, rtol=1e-13)
