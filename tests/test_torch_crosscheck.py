"""Compiled kernels against torch.optim, step for step (and Lion against its paper).

The hyperparameter conventions mapped here are documented in docs/kernels.md:
symopt α, β₁, β₂, ε, λ = torch lr, betas, eps, weight_decay; RMSProp's decay ρ is
torch's ``alpha``; NAdam's ψ is torch's ``momentum_decay``; heavy ball / Nesterov
use torch.optim.SGD's buffer form b ← βb + g (dampening 0).
"""

import numpy as np
import pytest

from symopt.kernels import compile
from symopt.methods import (
    adagrad,
    adam,
    adamw,
    amsgrad,
    get_method,
    heavy_ball,
    lion,
    nadam,
    rmsprop,
)

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(11)
N_DATA, N = 30, 8
A = RNG.normal(size=(N_DATA, N))
B = RNG.normal(size=N_DATA)
X0 = RNG.normal(size=N)
STEPS = 50


def least_squares_gradient(x):
    """∇ of ½‖Ax − b‖²."""
    return A.T @ (A @ x - B)


CASES = [
    ("adam", adam, {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3},
     "Adam", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3}),
    ("adam_defaults", adam, {}, "Adam", {}),
    ("adamw", adamw, {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3,
                      "lambda_wd": 0.1},
     "AdamW", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3, "weight_decay": 0.1}),
    ("amsgrad", amsgrad, {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3},
     "Adam", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3, "amsgrad": True}),
    ("nadam", nadam, {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3,
                      "psi": 0.3},
     "NAdam", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3, "momentum_decay": 0.3}),
    ("rmsprop", rmsprop, {"alpha": 0.01, "rho": 0.9, "epsilon": 1e-3},
     "RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-3}),
    ("adagrad", adagrad, {"alpha": 0.1, "epsilon": 1e-3}, "Adagrad", {"lr": 0.1, "eps": 1e-3}),
    ("sgd_momentum", heavy_ball, {"alpha": 0.01, "beta": 0.9},
     "SGD", {"lr": 0.01, "momentum": 0.9}),
    ("nesterov", lambda: get_method("nesterov"), {"alpha": 0.01, "beta": 0.9},
     "SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
]


@pytest.fixture
def torch64():
    # NAdam keeps its μ product in torch's default dtype: make that float64.
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(old)


def torch_path(optimizer, kwargs, steps, scheduler=None):
    p = torch.tensor(X0.copy(), requires_grad=True)
    opt = optimizer([p], **kwargs)
    sched = scheduler(opt) if scheduler else None
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        p.grad = torch.tensor(least_squares_gradient(p.detach().numpy()))
        opt.step()
        if sched:
            sched.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def compiled_path(step, steps):
    x = X0.copy()
    state = step.init_state(x)
    path = [x.copy()]
    for t in range(1, steps + 1):
        step(x, least_squares_gradient(x), state, t)
        path.append(x.copy())
    return np.array(path)


def _backend(name):
    if name != "numpy":
        pytest.importorskip(name)
    return name


@pytest.mark.parametrize("backend", ["numpy", "numba", "numexpr"])
@pytest.mark.parametrize(("label", "factory", "values", "optimizer", "kwargs"), CASES,
                         ids=[c[0] for c in CASES])
def test_compiled_step_matches_torch_optim(torch64, backend, label, factory, values,
                                           optimizer, kwargs):
    step = compile(factory(), _backend(backend), np.float64, **values)
    ours = compiled_path(step, STEPS)
    theirs = torch_path(getattr(torch64.optim, optimizer), kwargs, STEPS)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12, err_msg=label)


def test_schedule_matches_torch_exponential_lr(torch64):
    """α_t = 0.05·0.9^(t−1) (symopt's t is 1-based; torch's scheduler steps after each step)."""
    from symopt.schedules import exponential

    step = compile(adam(rate=exponential(0.05, 0.9)))
    ours = compiled_path(step, STEPS)
    theirs = torch_path(torch64.optim.Adam, {"lr": 0.05}, STEPS,
                        lambda opt: torch64.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9))
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_float32_compiled_adam_tracks_torch_float32():
    step = compile(adam(), "numpy", np.float32, alpha=0.01)
    x = X0.astype(np.float32)
    state = step.init_state(x)
    p = torch.tensor(X0.astype(np.float32), requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.01)
    for t in range(1, 21):
        g = least_squares_gradient(x.astype(np.float64)).astype(np.float32)
        step(x, g, state, t)
        p.grad = torch.tensor(least_squares_gradient(p.detach().numpy().astype(np.float64))
                              .astype(np.float32))
        opt.step()
    np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-4, atol=1e-5)


def _lion_paper(x, steps, lr, beta1, beta2, wd):
    """Chen et al. (2023), Symbolic Discovery of Optimization Algorithms, Program 1."""
    m = np.zeros_like(x)
    path = [x.copy()]
    for _ in range(steps):
        g = least_squares_gradient(x)
        update = beta1 * m + (1 - beta1) * g  # interpolate
        update = np.sign(update) + wd * x  # sign update plus decoupled weight decay
        x = x - lr * update
        m = beta2 * m + (1 - beta2) * g  # momentum update
        path.append(x.copy())
    return np.array(path)


@pytest.mark.parametrize("backend", ["numpy", "numba", "numexpr"])
def test_lion_matches_the_paper_pseudocode(backend):
    step = compile(lion(), _backend(backend), alpha=0.01, beta_1=0.9, beta_2=0.99,
                   lambda_wd=0.1)
    np.testing.assert_allclose(compiled_path(step, STEPS),
                               _lion_paper(X0.copy(), STEPS, 0.01, 0.9, 0.99, 0.1),
                               rtol=1e-12, atol=1e-14)
