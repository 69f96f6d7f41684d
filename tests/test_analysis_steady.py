"""Steady states under a constant gradient, against compiled runs and torch.optim."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symopt.analysis import constant_gradient
from symopt.kernels import run
from symopt.methods import get_method
from symopt.symbols import symbol

alpha, beta, beta_1, t, g = (symbol(n) for n in ("alpha", "beta", "beta_1", "t", "g"))
LINEAR = "3*x"  # f = 3x: the gradient is the constant g = 3


def _steps(method: str, steps: int, **hp) -> np.ndarray:
    return np.diff(run(LINEAR, method, [0.0], steps, **hp).iterates[:, 0])


def _evaluate(expr: sp.Expr, **values) -> list[float]:
    subs = {symbol(k): sp.nsimplify(v) for k, v in values.items()}
    return [float(expr.subs(subs).subs({g: 3, t: k})) for k in range(1, 31)]


def test_heavy_ball_classical_velocity():
    # Classical form: v* = −αg/(1 − β) is the limit of x_t − x_{t−1}; torch buffer b* = g/(1 − β).
    found = constant_gradient(get_method("heavy_ball")).value
    assert sp.simplify(found.step_limit - (-alpha * g / (1 - beta))) == 0
    assert sp.simplify(found.limits[symbol("b")] - g / (1 - beta)) == 0
    measured = _steps("heavy_ball", 30, alpha=0.1, beta=0.9)
    assert np.allclose(measured, _evaluate(found.step, alpha=0.1, beta=0.9), rtol=1e-12)
    long = _steps("heavy_ball", 400, alpha=0.1, beta=0.9)
    assert long[-1] == pytest.approx(-0.1 * 3 / (1 - 0.9), rel=1e-12)


def test_heavy_ball_ema_form_steady_state_is_g():
    found = constant_gradient(get_method("heavy_ball_ema")).value
    assert found.limits == {symbol("v"): g}
    measured = _steps("heavy_ball_ema", 30, alpha=0.1, beta=0.9)
    assert np.allclose(measured, _evaluate(found.step, alpha=0.1, beta=0.9), rtol=1e-12)


def test_adam_bias_corrected_moment_is_g_for_every_t():
    found = constant_gradient(get_method("adam")).value
    m_t = found.states[symbol("m")]
    assert sp.simplify(m_t / (1 - beta_1**t) - g) == 0  # m̂_t = g exactly
    eps = symbol("epsilon")
    assert sp.simplify(found.step - (-alpha * g / (sp.Abs(g) + eps))) == 0
    measured = _steps("adam", 30, alpha=0.1, epsilon=0.5)
    assert np.allclose(measured, -0.1 * 3 / (3 + 0.5), rtol=1e-12)


def test_adam_and_adagrad_steps_match_torch():
    torch = pytest.importorskip("torch")
    for name, optimizer, hp in (
        ("adam", lambda p: torch.optim.Adam([p], lr=0.1, eps=0.5), {"alpha": 0.1, "epsilon": 0.5}),
        ("adagrad", lambda p: torch.optim.Adagrad([p], lr=0.1, eps=0.5),
         {"alpha": 0.1, "epsilon": 0.5}),
    ):
        found = constant_gradient(get_method(name)).value
        p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = optimizer(p)
        xs = [0.0]
        for _ in range(30):
            opt.zero_grad()
            (3 * p).sum().backward()
            opt.step()
            xs.append(float(p.detach()[0]))
        assert np.allclose(np.diff(xs), _evaluate(found.step, **hp), rtol=1e-12), name


def test_adagrad_and_rmsprop_effective_steps():
    adagrad = constant_gradient(get_method("adagrad")).value
    eps = symbol("epsilon")
    assert sp.simplify(adagrad.effective_rate - alpha / (sp.sqrt(t) * sp.Abs(g) + eps)) == 0
    assert np.allclose(_steps("adagrad", 30, alpha=0.1, epsilon=0.5),
                       _evaluate(adagrad.step, alpha=0.1, epsilon=0.5), rtol=1e-12)
    rmsprop = constant_gradient(get_method("rmsprop")).value
    assert sp.simplify(rmsprop.step_limit - (-alpha * g / (sp.Abs(g) + eps))) == 0
    assert np.allclose(_steps("rmsprop", 30, alpha=0.1, rho=0.9, epsilon=0.5),
                       _evaluate(rmsprop.step, alpha=0.1, rho=0.9, epsilon=0.5), rtol=1e-12)


def test_no_closed_form_is_unknown_with_the_reason():
    amsgrad = constant_gradient(get_method("amsgrad"))
    assert not amsgrad.known and "v_max" in amsgrad.reason
    nadam = constant_gradient(get_method("nadam"))
    assert not nadam.known and "mu_product" in nadam.reason
