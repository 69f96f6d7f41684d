"""The method library: definitions, domains, seed examples and numeric cross-checks.

Expected values come from the seed texts (seeds 000–004), hand derivations
written here, torch.optim, and the Lion paper's pseudo-code (written out below).
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.methods import (
    REGISTRY,
    Transform,
    adagrad,
    adam,
    adamw,
    amsgrad,
    chain,
    get_method,
    gradient_descent,
    heavy_ball,
    heavy_ball_ema,
    lion,
    nadam,
    newton,
    rmsprop,
    scale_by_learning_rate,
    sign_gd,
)
from symopt.methods.base import trace
from symopt.methods.transforms import add_decayed_weights, scale_by_adam, scale_by_rss
from symopt.symbols import symbol

X, G, T = symbol("x"), symbol("g"), symbol("t")
R = sp.Rational


# -- helpers -------------------------------------------------------------------


def unroll(method, values, x0, gradient, steps, newton_direction=None):
    """Exact iterates: substitute numbers into the symbolic rule, coordinate by coordinate."""
    rule = method.rule(**values)
    x = [sp.nsimplify(v) for v in x0]
    states = [method.initial_state(v) for v in x]
    path = [list(x)]
    for t in range(1, steps + 1):
        g = gradient(x)
        p = newton_direction(x) if newton_direction else [0] * len(x)
        new_x, new_states = [], []
        for xi, gi, pi, state in zip(x, g, p, states):
            env = {X: xi, G: gi, T: t, rule.p: pi, **state}
            new_x.append(rule.x_next.xreplace(env))
            new_states.append({k: v.xreplace(env) for k, v in rule.state_next.items()})
        x, states = new_x, new_states
        path.append(list(x))
    return path


def compiled(method, values):
    """The rule as NumPy functions (x, g, t, *state) → x', state' (names are identifiers)."""
    rule = method.rule(**values)
    names = [s.symbol for s in method.state]
    args = [X, G, T, *names]
    fx = sp.lambdify(args, rule.x_next, "numpy")
    fs = [sp.lambdify(args, rule.state_next[s], "numpy") for s in names]

    def run(x0, gradient, steps):
        x = np.array(x0, dtype=np.float64)
        state = [np.full_like(x, float(s.init)) for s in method.state]
        for t in range(1, steps + 1):
            g = gradient(x)
            x, state = (np.broadcast_to(fx(x, g, t, *state), x.shape).astype(np.float64),
                        [np.broadcast_to(f(x, g, t, *state), x.shape) for f in fs])
        return x

    return run


def torch_run(optimizer, kwargs, x0, gradient, steps, scheduler=None):
    torch = pytest.importorskip("torch")
    p = torch.tensor(np.asarray(x0, dtype=np.float64), requires_grad=True)
    opt = optimizer([p], **kwargs)
    sched = scheduler(opt) if scheduler else None
    for _ in range(steps):
        p.grad = torch.tensor(gradient(p.detach().numpy()))
        opt.step()
        if sched:
            sched.step()
    return p.detach().numpy()


RNG = np.random.default_rng(7)
_M = RNG.normal(size=(4, 4))
A = _M @ _M.T + np.eye(4)
B = RNG.normal(size=4)
X0 = RNG.normal(size=4)


def quadratic_gradient(x):
    return A @ x - B


@pytest.fixture
def float64_torch():
    # NAdam keeps its μ product in torch's default dtype: make that float64.
    torch = pytest.importorskip("torch")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(old)


# -- definitions ---------------------------------------------------------------

NAMES = ["gd", "momentum", "heavy_ball", "heavy_ball_ema", "nesterov", "newton",
         "damped_newton", "adagrad", "rmsprop", "adam", "adamw", "amsgrad", "nadam", "lion",
         "sign_gd"]


@pytest.mark.parametrize("name", NAMES)
def test_registry_builds_each_method(name):
    method = get_method(name)
    names = [s.symbol for s in method.state]
    assert len(names) == len(set(names))
    assert method.reference
    rule = method.rule()
    assert set(rule.state_next) == set(names)
    assert all(s.init.is_number for s in method.state)


def test_registry_is_forgiving_about_spelling_and_strict_about_names():
    assert get_method("AdamW").name == "AdamW"
    assert get_method("sign-gd").name == "sign GD"
    with pytest.raises(UnsupportedError, match="unknown method 'adamax'"):
        get_method("adamax")


@pytest.mark.parametrize("name", [n for n in NAMES if n != "newton"])
def test_every_factory_accepts_a_rate(name):
    rate = sp.Rational(1, 10) / T
    rule = REGISTRY[name](rate=rate).rule()
    assert rule.x_next.has(T)
    assert symbol("alpha") not in rule.x_next.free_symbols


@pytest.mark.parametrize(
    ("optimizer", "method", "names"),
    [
        ("Adam", adam, {"lr": "alpha", "eps": "epsilon"}),
        ("AdamW", adamw, {"lr": "alpha", "eps": "epsilon", "weight_decay": "lambda_wd"}),
        ("NAdam", nadam, {"lr": "alpha", "eps": "epsilon", "momentum_decay": "psi"}),
        ("RMSprop", rmsprop, {"lr": "alpha", "eps": "epsilon", "alpha": "rho"}),
        ("Adagrad", adagrad, {"lr": "alpha", "eps": "epsilon"}),
    ],
)
def test_defaults_are_torchs(optimizer, method, names):
    torch = pytest.importorskip("torch")
    signature = inspect.signature(getattr(torch.optim, optimizer)).parameters
    defaults = method().defaults()
    for torch_name, ours in names.items():
        assert float(defaults[ours]) == pytest.approx(signature[torch_name].default, rel=1e-12)
    if "betas" in signature:
        b1, b2 = signature["betas"].default
        assert (float(defaults["beta_1"]), float(defaults["beta_2"])) == (b1, b2)


def test_lion_defaults_are_the_papers():
    defaults = lion().defaults()
    assert (defaults["beta_1"], defaults["beta_2"], defaults["lambda_wd"]) == (
        R(9, 10), R(99, 100), 0)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("adam", {"alpha": 0}),
        ("adam", {"alpha": -0.1}),
        ("adam", {"beta_1": 1}),
        ("adam", {"beta_2": 1.5}),
        ("adam", {"beta_1": -0.1}),
        ("adam", {"epsilon": 0}),
        ("adam", {"alpha": float("nan")}),
        ("adam", {"epsilon": float("inf")}),
        ("adam", {"alpha": sp.nan}),
        ("adam", {"gamma": 0.1}),
        ("adamw", {"weight_decay": -0.01}),
        ("rmsprop", {"rho": 1}),
        ("rmsprop", {"rho": 0}),
        ("adagrad", {"eps": 0}),
        ("nadam", {"psi": -1}),
        ("lion", {"beta_2": 1}),
        ("momentum", {"beta": 1}),
        ("gd", {"alpha": "-2"}),
        ("gd", {"alpha": "-L"}),
        ("adam", {"beta_1": "1 + beta"}),
        ("gd", {"alpha": True}),
    ],
)
def test_bad_hyperparameters_raise_domain_error_before_work(name, values):
    with pytest.raises(DomainError):
        get_method(name).rule(**values)


@pytest.mark.parametrize("rate", [0, -1, float("nan"), "-1/10", "-L", 1 + 2 * sp.I])
def test_bad_rates_raise_domain_error(rate):
    with pytest.raises(DomainError):
        adam(rate=rate)


def test_aliases_name_the_same_hyperparameter():
    a = adamw().rule(lr=0.01, eps=1e-6, weight_decay=0.1, beta1=0.5, beta2=0.5)
    b = adamw().rule(alpha=0.01, epsilon=1e-6, lambda_wd=0.1, beta_1=0.5, beta_2=0.5)
    assert a == b
    assert heavy_ball().rule(momentum=0.5) == heavy_ball().rule(beta=0.5)


def test_beta_symbols_match_what_the_parser_reads():
    from symopt.parse import parse

    hp = {h.symbol for h in adam().hyperparameters}
    assert parse("beta_1") in hp and parse("epsilon") in hp


# -- seed examples (values from the seed texts) ----------------------------


def test_seed000_gd_on_x_squared_from_2_gives_1_6():
    # seed 000: x_next = 2 − 0.1·4 = 1.6
    path = unroll(gradient_descent(), {"alpha": 0.1}, [2], lambda x: [2 * x[0]], 1)
    assert path[1] == [R(8, 5)]


def test_seed000_gd_demo_ten_steps():
    # seed 000's demo loop: x ← x − 0.1·2x from 2, i.e. x_k = 2·(4/5)^k
    path = unroll(gradient_descent(), {"lr": 0.1}, [2], lambda x: [2 * x[0]], 10)
    assert [p[0] for p in path] == [2 * R(4, 5) ** k for k in range(11)]


def test_seed001_gd_on_2w_squared_closed_form():
    # seed 001: w_{k} = (1 − 4α)^k w₀; α = 1/4 reaches 0 in one step, α = 1/2 oscillates
    alpha, w0 = symbol("alpha"), symbol("w_0")
    path = unroll(gradient_descent(), {}, [w0], lambda x: [4 * x[0]], 3)
    assert all(sp.expand(p[0] - (1 - 4 * alpha) ** k * w0) == 0 for k, p in enumerate(path))
    assert unroll(gradient_descent(), {"alpha": R(1, 4)}, [3], lambda x: [4 * x[0]], 1)[1] == [0]
    half = unroll(gradient_descent(), {"alpha": R(1, 2)}, [3], lambda x: [4 * x[0]], 2)
    assert [p[0] for p in half] == [3, -3, 3]


def test_seed001_optimal_step_on_the_elongated_bowl():
    # seed 001: f = ½(w₁² + 4w₂²), α* = 2/(1 + 4) = 2/5: both axes contract by 3/5 per step
    path = unroll(gradient_descent(), {"alpha": R(2, 5)}, [1, 1], lambda w: [w[0], 4 * w[1]], 4)
    assert path == [[R(3, 5) ** k, R(-3, 5) ** k] for k in range(5)]


def test_seed000_newton_on_x_squared_reaches_0_in_one_step():
    # seed 000: x − f'(x)/f''(x) = 2 − 4/2 = 0; p = f'/f''
    path = unroll(newton(), {}, [2], lambda x: [2 * x[0]], 1,
                  newton_direction=lambda x: [2 * x[0] / 2])
    assert path[1] == [0]


def test_seed004_gd_on_theta_minus_5_squared():
    # seed 004: θ ← θ − 0.1·2(θ − 5) from 0; by hand θ_k − 5 = (1 − 0.2)^k (θ₀ − 5)
    path = unroll(gradient_descent(), {"lr": 0.1}, [0], lambda x: [2 * (x[0] - 5)], 20)
    assert path[1] == [1] and path[2] == [R(9, 5)]
    assert all(p[0] == 5 - 5 * R(4, 5) ** k for k, p in enumerate(path))


def _seed004_momentum(gradient, init, lr, beta, steps):
    """Seed 004's gradient_descent_with_momentum, verbatim (the independent reference)."""
    theta = init
    v = 0
    path = [theta]
    for _ in range(steps):
        g = gradient(theta)
        v = beta * v + (1 - beta) * g
        theta = theta - lr * v
        path.append(theta)
    return path


def _seed004_grad_quad(theta):
    return np.array([2 * theta[0], 20 * theta[1]])


def test_seed004_momentum_example_first_steps_by_hand():
    # θ₀ = (5, 1), ∇ = (2θ₀, 20θ₁), α = 0.1, β = 0.9 (EMA form)
    # step 1: g = (10, 20), v = (1, 2), θ = (4.9, 0.8)
    # step 2: g = (9.8, 16), v = (0.9 + 0.98, 1.8 + 1.6) = (1.88, 3.4), θ = (4.712, 0.46)
    path = unroll(heavy_ball_ema(), {"alpha": 0.1, "beta": 0.9}, [5, 1],
                  lambda x: [2 * x[0], 20 * x[1]], 2)
    assert path[1] == [R(49, 10), R(4, 5)]
    assert path[2] == [R(4712, 1000), R(46, 100)]


@pytest.mark.parametrize("beta", [0.9, 0.0])
def test_seed004_momentum_example_50_steps(beta):
    expected = np.array(_seed004_momentum(_seed004_grad_quad, np.array([5.0, 1.0]), 0.1, beta,
                                          50))
    path = unroll(heavy_ball_ema(), {"alpha": 0.1, "beta": beta}, [5, 1],
                  lambda x: [2 * x[0], 20 * x[1]], 50)
    assert np.allclose(np.array(path, dtype=float), expected, rtol=1e-12, atol=1e-12)


def test_seed004_plain_gd_oscillates_on_the_stiff_axis():
    # β = 0: θ₁ ← θ₁ − 0.1·20θ₁ = −θ₁ (α = 2/a, seed 002's |1 − αa| = 1 case)
    path = unroll(heavy_ball_ema(), {"alpha": 0.1, "beta": 0}, [5, 1],
                  lambda x: [2 * x[0], 20 * x[1]], 4)
    assert [p[1] for p in path] == [1, -1, 1, -1, 1]


def test_seed002_heavy_ball_steady_state_velocity():
    # seed 002: constant g ⇒ v* = −α g/(1 − β); torch form v = −α b with b* = βb* + g
    beta, alpha = symbol("beta"), symbol("alpha")
    b = symbol("b")
    (fixed,) = sp.solve(sp.Eq(b, heavy_ball().rule().state_next[b]), b)
    assert sp.simplify(-alpha * fixed - (-alpha * G / (1 - beta))) == 0


def test_seed002_adam_first_bias_corrected_moment_is_the_gradient():
    # seed 002/004: m₀ = 0 ⇒ m₁ = (1 − β₁)g and m̂₁ = m₁/(1 − β₁) = g exactly,
    # v̂₁ = g², so the first step is α g/(|g| + ε) — "roughly ±α".
    b1 = symbol("beta_1")
    x1, state = adam().step(X, G, adam().initial_state(), 1)
    assert sp.simplify(state[symbol("m")] / (1 - b1) - G) == 0
    alpha, eps = symbol("alpha"), symbol("epsilon")
    assert sp.simplify(x1 - (X - alpha * G / (sp.Abs(G) + eps))) == 0


def test_adam_bias_correction_identity_for_a_constant_gradient():
    # Unrolling m_t = β₁m_{t−1} + (1 − β₁)g from 0 gives (1 − β₁ᵗ)g, so m̂_t = g;
    # likewise v̂_t = g²: every step is α g/(|g| + ε).
    b1, b2 = symbol("beta_1"), symbol("beta_2")
    alpha, eps = symbol("alpha"), symbol("epsilon")
    method = adam()
    x, state = X, method.initial_state()
    numbers = {b1: R(1, 2), b2: R(1, 3)}
    for t in range(1, 7):
        x_new, state = method.step(x, G, state, t)
        m, v = state[symbol("m")], state[symbol("v")]
        assert sp.expand(m - (1 - b1**t) * G) == 0
        assert sp.cancel(m / (1 - b1**t)) == G
        assert sp.cancel(v / (1 - b2**t)) == G**2
        step = sp.simplify((x_new - x).subs(numbers))
        assert sp.simplify(step + alpha * G / (sp.Abs(G) + eps)) == 0
        x = x_new
    # and for symbolic t: the closed form satisfies the recurrence
    m_prev = (1 - b1 ** (T - 1)) * G
    _, new = method.step(X, G, {symbol("m"): m_prev, symbol("v"): 0}, T)
    assert sp.simplify(new[symbol("m")] - (1 - b1**T) * G) == 0


def test_lion_first_step_is_a_sign_step():
    # c = β₁·0 + (1 − β₁)g ⇒ sign(c) = sign(g): x₁ = x₀ − α(sign(g) + λx₀)
    values = {"alpha": R(1, 10), "lambda_wd": R(1, 2), "beta_1": R(9, 10), "beta_2": R(1, 2)}
    path = unroll(lion(), values, [2, -3],
                  lambda x: [R(5), R(-1, 7)], 1)
    assert path[1] == [2 - R(1, 10) * (1 + 1), -3 - R(1, 10) * (-1 - R(3, 2))]


def test_sign_gd_steps_by_alpha():
    path = unroll(sign_gd(), {"alpha": R(1, 4)}, [1, -1, 0], lambda x: x, 2)
    assert path[2] == [R(1, 2), R(-1, 2), 0]


# -- compiled rules against independent implementations ------------------------


TORCH_CASES = [
    ("adam", adam(), {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3},
     "Adam", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3}),
    ("adam_l2", adam(weight_decay=True),
     {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3, "lambda_wd": 0.2},
     "Adam", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3, "weight_decay": 0.2}),
    ("adamw", adamw(),
     {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3, "lambda_wd": 0.1},
     "AdamW", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3, "weight_decay": 0.1}),
    ("amsgrad", amsgrad(), {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3},
     "Adam", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3, "amsgrad": True}),
    ("nadam", nadam(),
     {"alpha": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3, "psi": 0.3},
     "NAdam", {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-3, "momentum_decay": 0.3}),
    ("nadam_defaults", nadam(), {}, "NAdam", {}),
    ("rmsprop", rmsprop(), {"alpha": 0.01, "rho": 0.9, "epsilon": 1e-3},
     "RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-3}),
    ("rmsprop_centered_momentum", rmsprop(centered=True, momentum=True),
     {"alpha": 0.01, "rho": 0.9, "epsilon": 1e-3, "beta": 0.5},
     "RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-3, "centered": True, "momentum": 0.5}),
    ("adagrad", adagrad(), {"alpha": 0.1, "epsilon": 1e-3},
     "Adagrad", {"lr": 0.1, "eps": 1e-3}),
    ("adagrad_l2", adagrad(weight_decay=True), {"alpha": 0.1, "epsilon": 1e-3, "wd": 0.3},
     "Adagrad", {"lr": 0.1, "eps": 1e-3, "weight_decay": 0.3}),
    ("rmsprop_l2", rmsprop(weight_decay=True), {"alpha": 0.01, "rho": 0.9, "wd": 0.3},
     "RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.3}),
    ("nadam_l2", nadam(weight_decay=True), {"alpha": 0.05, "wd": 0.3},
     "NAdam", {"lr": 0.05, "weight_decay": 0.3}),
    ("nadam_decoupled", nadam(decoupled_weight_decay=True), {"alpha": 0.05, "wd": 0.3},
     "NAdam", {"lr": 0.05, "weight_decay": 0.3, "decoupled_weight_decay": True}),
    ("momentum", heavy_ball(), {"alpha": 0.02, "beta": 0.9},
     "SGD", {"lr": 0.02, "momentum": 0.9}),
    ("nesterov", get_method("nesterov"), {"alpha": 0.02, "beta": 0.9},
     "SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
]


@pytest.mark.parametrize(("label", "method", "values", "optimizer", "kwargs"), TORCH_CASES,
                         ids=[c[0] for c in TORCH_CASES])
def test_rule_matches_torch_step_for_step(float64_torch, label, method, values, optimizer,
                                          kwargs):
    defaults = {k: float(v) for k, v in method.defaults().items()}
    run = compiled(method, {**defaults, **values})
    for steps in (1, 2, 30):
        ours = run(X0, quadratic_gradient, steps)
        theirs = torch_run(getattr(float64_torch.optim, optimizer), kwargs, X0,
                           quadratic_gradient, steps)
        assert np.allclose(ours, theirs, rtol=1e-10, atol=1e-12), (label, steps)


def _lion_paper(x, gradient, steps, lr, beta1, beta2, wd):
    """Chen et al. (2023), Program 1 / Algorithm 2, in NumPy."""
    m = np.zeros_like(x)
    for _ in range(steps):
        g = gradient(x)
        update = np.sign(beta1 * m + (1 - beta1) * g)
        x = x - lr * (update + wd * x)
        m = beta2 * m + (1 - beta2) * g
    return x


def test_lion_matches_the_papers_pseudocode():
    run = compiled(lion(), {"alpha": 0.01, "beta_1": 0.9, "beta_2": 0.99, "lambda_wd": 0.1})
    for steps in (1, 3, 40):
        expected = _lion_paper(X0.copy(), quadratic_gradient, steps, 0.01, 0.9, 0.99, 0.1)
        assert np.allclose(run(X0, quadratic_gradient, steps), expected, rtol=1e-12)


def test_sign_gd_matches_a_hand_loop():
    run = compiled(sign_gd(), {"alpha": 0.01})
    x = X0.copy()
    for _ in range(20):
        x = x - 0.01 * np.sign(quadratic_gradient(x))
    assert np.allclose(run(X0, quadratic_gradient, 20), x, rtol=1e-12)


# -- defining a new method -----------------------------------------------------


def test_a_user_defined_method_in_a_few_lines():
    # AdaGrad with a momentum buffer, from existing parts: s ← s + g², b ← βb + g/(√s + ε)
    adagrad_momentum = chain("AdaGrad + momentum", scale_by_rss(), trace(symbol("beta")),
                             scale_by_learning_rate())
    path = unroll(adagrad_momentum, {"alpha": 1, "beta": R(1, 2), "epsilon": 1}, [3],
                  lambda x: [R(3)], 2)
    # by hand: s₁ = 9, b₁ = 3/4, x₁ = 9/4; s₂ = 18, b₂ = 3/8 + 3/(√18 + 1)
    assert path[1] == [R(9, 4)]
    assert sp.simplify(path[2][0] - (R(9, 4) - R(3, 8) - 3 / (sp.sqrt(18) + 1))) == 0
    # clipped GD: a custom transform with its own hyperparameter
    from symopt.methods.base import POSITIVE, Hyperparameter

    c = symbol("c", positive=True)
    clip = Transform("clip", lambda u, s, ctx: (sp.Max(-c, sp.Min(c, u)), {}),
                     (Hyperparameter(c, POSITIVE, sp.S.One),))
    clipped = chain("clipped GD", clip, scale_by_learning_rate())
    path = unroll(clipped, {"alpha": 1, "c": 1}, [5], lambda x: [2 * x[0]], 2)
    assert path[1:] == [[4], [3]]


def test_state_names_must_be_unique():
    twice = chain("double Adam", scale_by_adam(), scale_by_adam(), scale_by_learning_rate())
    with pytest.raises(ValueError, match="defined twice"):
        twice.rule()


def test_decoupled_decay_scales_the_parameters_by_one_minus_alpha_lambda():
    # torch AdamW: x ← x(1 − αλ) then the Adam step; the chain adds λx after the scaling.
    alpha, lam = symbol("alpha"), symbol("lambda_wd")
    decay_only = chain("decay", add_decayed_weights(), scale_by_learning_rate())
    assert sp.expand(decay_only.rule().x_next.subs(G, 0) - X * (1 - alpha * lam)) == 0
    plain = adam().rule().x_next
    assert sp.expand(adamw().rule().x_next - plain + alpha * lam * X) == 0


def test_fixed_hyperparameters_leave_the_method():
    method = chain("Adam, β fixed", scale_by_adam(beta_1=0.5, beta_2=0.5),
                   scale_by_learning_rate())
    assert {h.symbol.name for h in method.hyperparameters} == {"epsilon", "alpha"}
    with pytest.raises(DomainError):
        scale_by_adam(beta_1=1)


def test_nadam_mu_schedule_is_torchs():
    # μ_t = β₁(1 − ½·0.96^{tψ}); Π₁ = μ₁ after the first step
    _, state = nadam().step(X, G, nadam().initial_state(), 1)
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** (1 * 0.004))
    numbers = {symbol("beta_1"): R(9, 10), symbol("psi"): R(4, 1000)}
    value = state[symbol("mu_product")].subs(numbers)
    assert math.isclose(float(value), mu1, rel_tol=1e-15)
    assert nadam().initial_state()[symbol("mu_product")] == 1


def test_the_examples_in_docs_methods_md_run():
    import doctest
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "methods.md"
    result = doctest.testfile(str(page), module_relative=False)
    assert result.failed == 0 and result.attempted > 10


def test_ema_heavy_ball_is_not_torch_sgd_with_dampening(float64_torch):
    # Documented difference: torch starts the buffer at the first gradient, undamped
    # (x₁ = x₀ − αg₀), while the EMA form starts at 0 (x₁ = x₀ − α(1 − β)g₀).
    g0 = quadratic_gradient(X0)
    theirs = torch_run(float64_torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "dampening": 0.8},
                       X0, quadratic_gradient, 1)
    ours = compiled(heavy_ball_ema(), {"alpha": 0.05, "beta": 0.8})(X0, quadratic_gradient, 1)
    assert np.allclose(theirs, X0 - 0.05 * g0, rtol=1e-12)
    assert np.allclose(ours, X0 - 0.05 * 0.2 * g0, rtol=1e-12)


# -- random hyperparameters against torch (exhaustive: CI) ------------------------

RANDOM_CASES = {
    "adam": ("Adam", lambda h: {"lr": h["alpha"], "betas": (h["beta_1"], h["beta_2"]),
                                "eps": h["epsilon"]}),
    "adamw": ("AdamW", lambda h: {"lr": h["alpha"], "betas": (h["beta_1"], h["beta_2"]),
                                  "eps": h["epsilon"], "weight_decay": h["lambda_wd"]}),
    "amsgrad": ("Adam", lambda h: {"lr": h["alpha"], "betas": (h["beta_1"], h["beta_2"]),
                                   "eps": h["epsilon"], "amsgrad": True}),
    "nadam": ("NAdam", lambda h: {"lr": h["alpha"], "betas": (h["beta_1"], h["beta_2"]),
                                  "eps": h["epsilon"], "momentum_decay": h["psi"]}),
    "rmsprop": ("RMSprop", lambda h: {"lr": h["alpha"], "alpha": h["rho"], "eps": h["epsilon"]}),
    "adagrad": ("Adagrad", lambda h: {"lr": h["alpha"], "eps": h["epsilon"]}),
    "momentum": ("SGD", lambda h: {"lr": h["alpha"], "momentum": h["beta"]}),
    "nesterov": ("SGD", lambda h: {"lr": h["alpha"], "momentum": h["beta"], "nesterov": True}),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RANDOM_CASES))
def test_random_hyperparameters_match_torch(float64_torch, name):
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    method = get_method(name)
    optimizer, torch_kwargs = RANDOM_CASES[name]
    symbols_ = [h.symbol for h in method.hyperparameters]
    rule = method.rule()
    names = [s.symbol for s in method.state]
    args = [X, G, T, *names, *symbols_]
    fx = sp.lambdify(args, rule.x_next, "numpy")
    fs = [sp.lambdify(args, rule.state_next[s], "numpy") for s in names]
    unit = st.floats(0.0, 0.999)
    momentum = st.floats(0.01, 0.999)  # torch refuses Nesterov with β = 0
    draws = {"alpha": st.floats(1e-3, 0.1), "beta": momentum, "beta_1": unit, "beta_2": unit,
             "epsilon": st.floats(1e-8, 1e-1), "lambda_wd": st.floats(0.0, 0.5),
             "psi": st.floats(0.0, 1.0), "rho": st.floats(0.01, 0.999)}

    @hypothesis.settings(max_examples=25, deadline=None, derandomize=True)
    @hypothesis.given(st.fixed_dictionaries({s.name: draws[s.name] for s in symbols_}),
                      st.integers(1, 20))
    def check(values, steps):
        x = X0.copy()
        state = [np.full_like(x, float(s.init)) for s in method.state]
        hp = [values[s.name] for s in symbols_]
        for t in range(1, steps + 1):
            g = quadratic_gradient(x)
            x, state = (np.broadcast_to(fx(x, g, t, *state, *hp), x.shape),
                        [np.broadcast_to(f(x, g, t, *state, *hp), x.shape) for f in fs])
        theirs = torch_run(getattr(float64_torch.optim, optimizer), torch_kwargs(values), X0,
                           quadratic_gradient, steps)
        assert np.allclose(x, theirs, rtol=1e-9, atol=1e-11)

    check()


def test_numpy_scalar_hyperparameters_are_read_exactly():
    g, x = symbol("g"), symbol("x")
    assert gradient_descent().rule(alpha=np.float64(0.1)).x_next == x - g / 10
    assert gradient_descent().rule(alpha=np.float32(0.5)).x_next == x - g / 2
