"""Step-size schedules: hand-computed values, torch.optim.lr_scheduler, use inside methods."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symopt.errors import DomainError
from symopt.methods import adagrad, adam, gradient_descent
from symopt.schedules import (
    SCHEDULES,
    constant,
    cosine,
    cosine_restarts,
    cyclical,
    exponential,
    inverse_time,
    linear,
    linear_warmup,
    step_decay,
)
from symopt.symbols import symbol

T = symbol("t")
R = sp.Rational


def values(schedule, steps):
    return [schedule.subs(T, t) for t in steps]


# -- hand-computed values (t is the 1-based step; the schedule index is t − 1) --


def test_constant():
    assert values(constant(0.1), [1, 7]) == [R(1, 10), R(1, 10)]


def test_step_decay_halves_every_ten_steps():
    eta = step_decay(0.1, 0.5, 10)
    assert values(eta, [1, 10, 11, 20, 21]) == [R(1, 10), R(1, 10), R(1, 20), R(1, 20),
                                                R(1, 40)]


def test_exponential():
    assert values(exponential(1, 0.9), [1, 2, 4]) == [1, R(9, 10), R(729, 1000)]


def test_inverse_time_seed003():
    # seed 003: η_t = η₀/(1 + k t) with its t counting steps taken: 1, 1/1.5, 1/2, 1/3
    assert values(inverse_time(1, 0.5), [1, 2, 3, 5]) == [1, R(2, 3), R(1, 2), R(1, 3)]


def test_cosine_annealing_then_held():
    eta = cosine(1, 4)
    expected = [1, (2 + sp.sqrt(2)) / 4, R(1, 2), (2 - sp.sqrt(2)) / 4, 0, 0, 0]
    assert [sp.simplify(a - b) for a, b in zip(values(eta, range(1, 8)), expected)] == [0] * 7
    assert cosine(1, 4, final=0.1).subs(T, 3) == R(11, 20)


def test_linear_like_torch_defaults():
    eta = linear(3)  # start 1/3, end 1, 5 iterations
    assert values(eta, [1, 2, 6, 10]) == [1, R(7, 5), 3, 3]


def test_linear_warmup_then_cosine():
    eta = linear_warmup(1, 4, then=cosine(1, 10))
    assert values(eta, [1, 2, 3, 4, 5]) == [R(1, 4), R(1, 2), R(3, 4), 1, 1]
    assert sp.simplify(eta.subs(T, 6) - (1 + sp.cos(sp.pi / 10)) / 2) == 0
    assert values(linear_warmup(2, 2), [1, 2, 3, 50]) == [1, 2, 2, 2]


def test_cyclical_triangle():
    assert values(cyclical(1, 3, 2), range(1, 10)) == [1, 2, 3, 2, 1, 2, 3, 2, 1]


@pytest.mark.parametrize(
    "build",
    [
        lambda: constant(0),
        lambda: constant(-0.1),
        lambda: constant(float("nan")),
        lambda: step_decay(0.1, 0, 10),
        lambda: step_decay(0.1, 1.5, 10),
        lambda: step_decay(0.1, 0.5, 2.5),
        lambda: step_decay(0.1, 0.5, 0),
        lambda: exponential(1, -0.1),
        lambda: inverse_time(1, -1),
        lambda: cosine(1, 0),
        lambda: cosine(1, 10, final=2),
        lambda: cosine_restarts(1, 1.5),
        lambda: cyclical(3, 1, 2),
        lambda: linear_warmup(1, 0),
        lambda: linear(1, start_factor=0),
    ],
)
def test_bad_parameters_raise_domain_error(build):
    with pytest.raises(DomainError):
        build()


def test_registry_names():
    assert SCHEDULES["cosine"] is cosine and SCHEDULES["step"] is step_decay


# -- against torch.optim.lr_scheduler --------------------------------------------


def torch_rates(make_scheduler, steps, lr=1.0, optimizer="SGD", **kwargs):
    """The learning rate torch uses at optimizer steps 1..steps (scheduler stepped after each)."""
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = getattr(torch.optim, optimizer)([p], lr=lr, **kwargs)
    scheduler = make_scheduler(torch.optim.lr_scheduler, opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        p.grad = torch.zeros(1)
        opt.step()
        scheduler.step()
    return rates


def assert_matches(schedule, rates):
    ours = [float(v) for v in values(schedule, range(1, len(rates) + 1))]
    assert np.allclose(ours, rates, rtol=1e-9, atol=1e-12)


def test_step_lr():
    rates = torch_rates(lambda s, o: s.StepLR(o, step_size=3, gamma=0.5), 12, lr=0.2)
    assert_matches(step_decay(0.2, 0.5, 3), rates)


def test_exponential_lr():
    rates = torch_rates(lambda s, o: s.ExponentialLR(o, gamma=0.9), 12, lr=0.2)
    assert_matches(exponential(0.2, 0.9), rates)


def test_cosine_annealing_lr():
    rates = torch_rates(lambda s, o: s.CosineAnnealingLR(o, T_max=10, eta_min=0.01), 11,
                        lr=0.2)
    assert_matches(cosine(0.2, 10, final=0.01), rates)


def test_cyclic_lr_triangular():
    rates = torch_rates(
        lambda s, o: s.CyclicLR(o, base_lr=0.1, max_lr=0.5, step_size_up=3,
                                mode="triangular", cycle_momentum=False),
        20, lr=0.1)
    assert_matches(cyclical(0.1, 0.5, 3), rates)


def test_cosine_annealing_warm_restarts():
    rates = torch_rates(lambda s, o: s.CosineAnnealingWarmRestarts(o, T_0=4, eta_min=0.01), 13,
                        lr=0.2)
    assert_matches(cosine_restarts(0.2, 4, final=0.01), rates)


def test_cosine_restarts_by_hand():
    # period 4: k' = 0, 1, 2, 3, 0, ...: 1, (2 + √2)/4, 1/2, (2 − √2)/4, 1
    eta = cosine_restarts(1, 4)
    expected = [1, (2 + sp.sqrt(2)) / 4, R(1, 2), (2 - sp.sqrt(2)) / 4, 1]
    assert [sp.simplify(a - b) for a, b in zip(values(eta, range(1, 6)), expected)] == [0] * 5


def test_linear_lr():
    rates = torch_rates(lambda s, o: s.LinearLR(o, start_factor=0.25, end_factor=0.75,
                                                total_iters=4), 9, lr=0.2)
    assert_matches(linear(0.2, 0.25, 0.75, 4), rates)


def test_linear_warmup_is_linear_lr_from_one_over_w():
    rates = torch_rates(lambda s, o: s.LinearLR(o, start_factor=1 / 5, total_iters=4), 9,
                        lr=0.2)
    assert_matches(linear_warmup(0.2, 5), rates)


# -- schedules as α inside methods (compiled and run) ---------------------------


def compiled_run(method, values_, x0, gradient, steps):
    """Lambdify the rule (identifier names only) and iterate it."""
    rule = method.rule(**{**method.defaults(), **values_})
    names = [s.symbol for s in method.state]
    args = [symbol("x"), symbol("g"), T, *names]
    fx = sp.lambdify(args, rule.x_next, "numpy")
    fs = [sp.lambdify(args, rule.state_next[s], "numpy") for s in names]
    x = np.array(x0, dtype=np.float64)
    state = [np.zeros_like(x) for _ in names]
    for t in range(1, steps + 1):
        g = gradient(x)
        x, state = fx(x, g, t, *state), [f(x, g, t, *state) for f in fs]
    return x


def torch_run(optimizer, kwargs, make_scheduler, x0, gradient, steps):
    torch = pytest.importorskip("torch")
    p = torch.tensor(np.array(x0, dtype=np.float64), requires_grad=True)
    opt = getattr(torch.optim, optimizer)([p], **kwargs)
    scheduler = make_scheduler(torch.optim.lr_scheduler, opt) if make_scheduler else None
    for _ in range(steps):
        p.grad = torch.tensor(gradient(p.detach().numpy()))
        opt.step()
        if scheduler:
            scheduler.step()
    return p.detach().numpy()


def gradient(x):
    return np.array([2.0, 20.0]) * x - 1.0


def test_adam_with_cosine_annealing_matches_torch():
    method = adam(rate=cosine(0.05, 8, final=0.005))
    theirs = torch_run("Adam", {"lr": 0.05},
                       lambda s, o: s.CosineAnnealingLR(o, T_max=8, eta_min=0.005),
                       [5.0, 1.0], gradient, 8)
    # torch's closed form rises after T_max; ours is held — compare the first T_max steps
    ours = compiled_run(method, {}, [5.0, 1.0], gradient, 8)
    assert np.allclose(ours, theirs, rtol=1e-10)


def test_adagrad_lr_decay_is_inverse_time():
    method = adagrad(rate=inverse_time(0.1, 0.05))
    ours = compiled_run(method, {}, [5.0, 1.0], gradient, 15)
    theirs = torch_run("Adagrad", {"lr": 0.1, "lr_decay": 0.05}, None, [5.0, 1.0], gradient,
                       15)
    assert np.allclose(ours, theirs, rtol=1e-10)


def test_gd_with_step_decay_matches_torch_sgd():
    method = gradient_descent(rate=step_decay(0.04, 0.5, 4))
    ours = compiled_run(method, {}, [5.0, 1.0], gradient, 13)
    theirs = torch_run("SGD", {"lr": 0.04}, lambda s, o: s.StepLR(o, step_size=4, gamma=0.5),
                       [5.0, 1.0], gradient, 13)
    assert np.allclose(ours, theirs, rtol=1e-12)


def test_symbolic_schedule_parameters_become_hyperparameters():
    eta0 = symbol("eta")  # positive by the house assumptions, so its domain is (0, ∞)
    method = gradient_descent(rate=exponential(eta0, R(1, 2)))
    assert [h.symbol for h in method.hyperparameters] == [eta0]
    rule = method.rule(eta=R(1, 10))
    assert rule.x_next.subs({T: 2, symbol("g"): 1, symbol("x"): 0}) == -R(1, 20)
    with pytest.raises(DomainError):
        method.rule(eta=0)


def test_gd_on_x_squared_with_inverse_time_exactly():
    # x² from 2, α_t = 1/(1 + (t − 1)): x₁ = 2 − 1·4 = −2, x₂ = −2 − ½·(−4) = 0
    rule = gradient_descent(rate=inverse_time(1, 1)).rule()
    x = sp.Integer(2)
    path = [x]
    for t in (1, 2):
        x = rule.x_next.subs({symbol("x"): x, symbol("g"): 2 * x, T: t})
        path.append(x)
    assert path == [2, -2, 0]
