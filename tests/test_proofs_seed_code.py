"""The seed texts' own code, transcribed, against the catalogue's runs of symopt's rules.

Each test runs a snippet as the text wrote it (plain Python/NumPy — the independent
reference) and compares with symopt's symbolic rule iterated by the catalogue.
"""

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import approx_fprime, minimize_scalar

from symopt import Problem
from symopt.catalogue import iterate
from symopt.methods import gradient_descent, heavy_ball_ema, newton
from symopt.methods.projected import Box, projected_gd


def test_seed000_gd_demo():
    f_prime = lambda x: 2 * x  # noqa: E731 - the text's df
    x_vals, lr = [2.0], 0.1
    for _ in range(10):
        x_vals.append(x_vals[-1] - lr * f_prime(x_vals[-1]))
    ours = [p[0] for p in iterate(Problem("x**2"), gradient_descent(), [2], 10, alpha="0.1")]
    assert [float(v) for v in ours] == pytest.approx(x_vals, rel=1e-14)
    assert float(ours[1]) == 1.6  # "x_next = 1.6"


def test_seed000_newton_sympy_demo():
    x, y = sp.symbols("x y")
    f = x**2 + y**2
    grad = sp.Matrix([sp.diff(f, var) for var in (x, y)])
    H = sp.hessian(f, (x, y))
    theta_next = sp.simplify(sp.Matrix([x, y]) - H.inv() * grad)
    assert theta_next == sp.zeros(2, 1)
    assert iterate(Problem("x**2 + y**2"), newton(), [3, -7], 1)[1] == [0, 0]


def test_seed001_closed_form_and_optimal_step():
    for alpha in (0.1, 0.25, 0.4, 0.49, 0.55):
        w = 1.0
        for _ in range(7):
            w = w - alpha * 4 * w
        ours = iterate(Problem("2*w**2"), gradient_descent(), [1], 7, alpha=alpha)[-1][0]
        assert float(ours) == pytest.approx(w) == pytest.approx((1 - 4 * alpha) ** 7)
    best = minimize_scalar(lambda a: max(abs(1 - a), abs(1 - 4 * a)), bounds=(0, 0.5),
                           method="bounded", options={"xatol": 1e-10})
    assert best.x == pytest.approx(0.4, abs=1e-6) and best.fun == pytest.approx(0.6, abs=1e-6)


def test_seed004_parabola_loop():
    theta, lr, trajectory = 0.0, 0.1, [0.0]
    for _ in range(20):
        theta = theta - lr * 2 * (theta - 5)
        trajectory.append(theta)
    ours = [p[0] for p in iterate(Problem("(theta - 5)**2"), gradient_descent(), [0], 20,
                                  alpha="0.1")]
    assert [float(v) for v in ours] == pytest.approx(trajectory, rel=1e-13)


def _seed004_momentum(gradient, init, lr=0.01, beta=0.9, steps=50):
    theta, v, path = init, 0, [init]
    for _ in range(steps):
        g = gradient(theta)
        v = beta * v + (1 - beta) * g
        theta = theta - lr * v
        path.append(theta)
    return np.array(path)


def test_seed004_momentum_and_gd_paths():
    grad_quad = lambda theta: np.array([2 * theta[0], 20 * theta[1]])  # noqa: E731
    problem = Problem("theta_0**2 + 10*theta_1**2")
    for beta in (0.9, 0.0):
        text = _seed004_momentum(grad_quad, np.array([5.0, 1.0]), lr=0.1, beta=beta)
        ours = np.array(iterate(problem, heavy_ball_ema(), [5, 1], 50, numeric=True,
                                alpha=0.1, beta=beta))
        assert ours == pytest.approx(text, rel=1e-12, abs=1e-12)
    gd = _seed004_momentum(grad_quad, np.array([5.0, 1.0]), lr=0.1, beta=0.0)
    assert np.all(np.abs(gd[:, 1]) == 1.0)  # θ₁ never converges (004-gd-theta1)


def test_seed004_projected_loop():
    x, lr, xs = 0.0, 0.1, [0.0]
    for _ in range(50):
        x = max(x - lr * 2 * x, 1)
        xs.append(x)
    ours = [p[0] for p in iterate(Problem("x**2"), projected_gd(Box(lower=1)), [0], 50,
                                  alpha="0.1")]
    assert [float(v) for v in ours] == xs


def test_seed_gradient_formulas_against_finite_differences():
    # the texts' gradient formulas, symopt's ∇f of the same losses written out over the data,
    # and scipy's finite differences must agree
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=6)
    labels = (rng.random(6) < 0.5).astype(float)
    theta = rng.normal(size=3)
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    t = sp.symbols("t1:4", real=True)
    scores = [sum(float(X[i, j]) * t[j] for j in range(3)) for i in range(len(y))]

    def mean_squares(v):
        return np.mean((X @ v - y) ** 2)

    def half_mse(v):
        return np.sum((X @ v - y) ** 2) / (2 * len(y))

    def log_loss(v):
        p = sigmoid(X @ v)
        return -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))

    symbolic = {
        mean_squares: sum((s - float(b)) ** 2 for s, b in zip(scores, y)) / len(y),
        half_mse: sum((s - float(b)) ** 2 for s, b in zip(scores, y)) / (2 * len(y)),
        log_loss: -sum(float(c) * sp.log(1 / (1 + sp.exp(-s)))
                       + (1 - float(c)) * sp.log(1 - 1 / (1 + sp.exp(-s)))
                       for s, c in zip(scores, labels)) / len(y),
    }
    # seed 004 §2: (2/m) Xᵀ(Xθ − y); seed 002: (1/m) Xᵀ(ŷ − y) for MSE/2; seed 004 §6 logistic
    texts = {mean_squares: 2 / len(y) * X.T @ (X @ theta - y),
             half_mse: X.T @ (X @ theta - y) / len(y),
             log_loss: X.T @ (sigmoid(X @ theta) - labels) / len(y)}
    at = dict(zip(t, theta))
    for loss, objective in symbolic.items():
        gradient = Problem(objective, variables=list(t)).gradient
        ours = np.array([float(g.xreplace(at)) for g in gradient])
        assert ours == pytest.approx(approx_fprime(theta, loss, 1e-7), abs=1e-5), loss.__name__
        assert ours == pytest.approx(texts[loss], rel=1e-10), loss.__name__
