"""Method variants as options of the one definition, each against an independent reference.

References are hand-written NumPy steps typed here from the texts (d2l.ai §12.7–12.8 for ε
inside the root, optax's scale_by_adam for eps_root, Reddi, Kale & Kumar 2018 Algorithm 2
for AMSGrad without bias correction and with projection) and torch.optim where torch has
the variant.
"""

import numpy as np
import pytest
import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.kernels import compile
from symopt.methods import adagrad, adam, amsgrad, rmsprop
from symopt.methods.projected import Ball, Box
from symopt.symbols import symbol

RNG = np.random.default_rng(7)
A = RNG.normal(size=(12, 4))
B = RNG.normal(size=12)
X0 = RNG.normal(size=4)
STEPS = 40


def gradient(x):
    """∇ of ½‖Ax − b‖²."""
    return A.T @ (A @ x - B)


def compiled_run(method, steps=STEPS, x0=X0, grad=gradient, backend="numpy", **values):
    step = compile(method, backend, **values)
    x = np.array(x0, dtype=float)
    state = step.init_state(x)
    for t in range(1, steps + 1):
        step(x, grad(x), state, t)
    return x


def reference_run(update, state, steps=STEPS, x0=X0, grad=gradient):
    x = np.array(x0, dtype=float)
    for t in range(1, steps + 1):
        x = update(x, grad(x), state, t)
    return x


# -- ε inside the square root (d2l.ai) ---------------------------------------------------


def test_adagrad_with_eps_inside_the_root_is_d2ls_step():
    eta, eps = 0.1, 1e-6

    def d2l(x, g, state, t):  # d2l.ai §12.7: s ← s + g², x ← x − η g/√(s + ε)
        state["s"] = state["s"] + g**2
        return x - eta * g / np.sqrt(state["s"] + eps)

    expected = reference_run(d2l, {"s": np.zeros(4)})
    got = compiled_run(adagrad(eps=False, eps_root=True), alpha=eta, epsilon_root=eps)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_rmsprop_with_eps_inside_the_root_is_d2ls_step():
    eta, gamma, eps = 0.01, 0.9, 1e-6

    def d2l(x, g, state, t):  # d2l.ai §12.8: s ← γs + (1 − γ)g², x ← x − η g/√(s + ε)
        state["s"] = gamma * state["s"] + (1 - gamma) * g**2
        return x - eta * g / np.sqrt(state["s"] + eps)

    expected = reference_run(d2l, {"s": np.zeros(4)})
    got = compiled_run(rmsprop(eps=False, eps_root=True), alpha=eta, rho=gamma,
                       epsilon_root=eps)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_adam_with_eps_inside_and_outside_is_optaxs_step():
    lr, b1, b2, eps, eps_root = 0.05, 0.8, 0.95, 1e-3, 1e-2

    def optax_adam(x, g, state, t):  # optax.scale_by_adam(b1, b2, eps, eps_root)
        state["mu"] = b1 * state["mu"] + (1 - b1) * g
        state["nu"] = b2 * state["nu"] + (1 - b2) * g**2
        mu_hat = state["mu"] / (1 - b1**t)
        nu_hat = state["nu"] / (1 - b2**t)
        return x - lr * mu_hat / (np.sqrt(nu_hat + eps_root) + eps)

    expected = reference_run(optax_adam, {"mu": np.zeros(4), "nu": np.zeros(4)})
    method = adam(eps_root=True)
    for backend in ("numpy", "numexpr"):
        got = compiled_run(method, backend=backend, alpha=lr, beta_1=b1, beta_2=b2, epsilon=eps,
                           epsilon_root=eps_root)
        np.testing.assert_allclose(got, expected, rtol=1e-11)


def test_eps_placement_appears_in_the_rule_exactly():
    s, g, e = symbol("s"), symbol("g"), symbol("epsilon_root")
    rule = adagrad(eps=False, eps_root=True).rule(alpha=1)
    assert sp.simplify(rule.x_next - (symbol("x") - g / sp.sqrt(s + g**2 + e))) == 0
    inside = adagrad(eps_root=True).rule(alpha=1, epsilon_root=0)
    outside = adagrad().rule(alpha=1)
    assert sp.simplify(inside.x_next - outside.x_next) == 0


def test_eps_root_defaults_are_d2ls_and_optaxs():
    assert adagrad(eps=False, eps_root=True).defaults()["epsilon_root"] == sp.Rational(1, 10**6)
    assert rmsprop(eps=False, eps_root=True).defaults()["epsilon_root"] == sp.Rational(1, 10**6)
    assert adam(eps_root=True).defaults()["epsilon_root"] == 0
    assert "epsilon" not in adagrad(eps=False, eps_root=True).defaults()


def test_eps_root_is_checked_and_aliased():
    method = adam(eps_root=True)
    assert method.substitution({"eps_root": 0.5}) == {symbol("epsilon_root"): sp.Rational(1, 2)}
    with pytest.raises(DomainError):
        method.rule(epsilon_root=-1)


def test_eps_outside_options_still_match_torch():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    try:
        for method, values, optimizer, options in [
            (adagrad(eps_root=True), {"alpha": 0.1, "epsilon": 1e-3, "epsilon_root": 0},
             torch.optim.Adagrad, {"lr": 0.1, "eps": 1e-3}),
            (rmsprop(eps_root=True), {"alpha": 0.01, "rho": 0.9, "epsilon": 1e-3,
                                      "epsilon_root": 0},
             torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.9, "eps": 1e-3}),
        ]:
            p = torch.tensor(X0, requires_grad=True)
            opt = optimizer([p], **options)
            for _ in range(STEPS):
                opt.zero_grad()
                p.grad = torch.tensor(gradient(p.detach().numpy()))
                opt.step()
            np.testing.assert_allclose(compiled_run(method, **values), p.detach().numpy(),
                                       rtol=1e-10)
    finally:
        torch.set_default_dtype(torch.float32)


# -- Adam without bias correction, AMSGrad/Adam with projection, α/√t ------------------------


def test_adam_without_bias_correction_is_the_raw_moment_step():
    lr, b1, b2, eps = 0.05, 0.8, 0.95, 1e-3

    def raw(x, g, state, t):  # Kingma & Ba Algorithm 1 without the two debiasing lines
        state["m"] = b1 * state["m"] + (1 - b1) * g
        state["v"] = b2 * state["v"] + (1 - b2) * g**2
        return x - lr * state["m"] / (np.sqrt(state["v"]) + eps)

    expected = reference_run(raw, {"m": np.zeros(4), "v": np.zeros(4)})
    got = compiled_run(adam(bias_correction=False), alpha=lr, beta_1=b1, beta_2=b2, epsilon=eps)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_first_step_without_bias_correction_is_scaled_by_the_betas():
    # m₁ = (1 − β₁)g, v₁ = (1 − β₂)g²: the step is α(1 − β₁)/√(1 − β₂)·sign(g), by hand.
    rule = adam(bias_correction=False, eps=False).rule(alpha=1, beta_1="1/2", beta_2="3/4")
    step = rule.x_next.subs({symbol("m"): 0, symbol("v"): 0, symbol("g"): 5}) - symbol("x")
    assert sp.simplify(step + 1) == 0  # (1/2)/√(1/4) = 1


def test_amsgrad_is_reddis_algorithm_2_with_projection_and_decaying_step():
    alpha, b1, b2, lo, hi = 0.3, 0.5, 0.9, -0.2, 0.4

    def reddi(x, g, state, t):  # Algorithm 2 (β₁ₜ = β₁), F = [lo, hi]ⁿ, α_t = α/√t
        state["m"] = b1 * state["m"] + (1 - b1) * g
        state["v"] = b2 * state["v"] + (1 - b2) * g**2
        state["vhat"] = np.maximum(state["vhat"], state["v"])
        return np.clip(x - alpha / np.sqrt(t) * state["m"] / np.sqrt(state["vhat"]), lo, hi)

    start = np.clip(X0, lo, hi)
    expected = reference_run(reddi, {k: np.zeros(4) for k in ("m", "v", "vhat")}, x0=start)
    method = amsgrad(rate="alpha/sqrt(t)", bias_correction=False, eps=False,
                     projection=Box(lo, hi))
    got = compiled_run(method, x0=start, alpha=alpha, beta_1=b1, beta_2=b2)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.all((got >= lo) & (got <= hi)) and np.any(got == hi) | np.any(got == lo)


def test_projected_adam_with_symbolic_bounds_takes_them_as_hyperparameters():
    method = adam(projection=Box(symbol("lower"), symbol("upper")))
    names = {h.symbol.name for h in method.hyperparameters}
    assert {"lower", "upper"} <= names
    x_next = method.rule(lower=-1, upper=1, alpha=10, epsilon="1/10").x_next
    big = x_next.subs({symbol("m"): 0, symbol("v"): 0, symbol("g"): -1, symbol("t"): 1,
                       symbol("x"): 0})
    assert sp.simplify(big) == 1  # x + 10/1.1 lands far above 1: clipped to 1


def test_adaptive_projection_refuses_sets_that_do_not_separate():
    with pytest.raises(UnsupportedError, match="box only"):
        amsgrad(projection=Ball(1))


def test_adam_with_inverse_sqrt_schedule_matches_torch_lambda_lr():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    try:
        p = torch.tensor(X0, requires_grad=True)
        opt = torch.optim.Adam([p], lr=0.05, betas=(0.8, 0.95), eps=1e-3)
        # torch's t-th step uses λ(t − 1) when the scheduler steps after each step
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 1 / np.sqrt(k + 1))
        for _ in range(STEPS):
            opt.zero_grad()
            p.grad = torch.tensor(gradient(p.detach().numpy()))
            opt.step()
            sched.step()
    finally:
        torch.set_default_dtype(torch.float32)
    got = compiled_run(adam(rate="alpha/sqrt(t)"), alpha=0.05, beta_1=0.8, beta_2=0.95,
                       epsilon=1e-3)
    np.testing.assert_allclose(got, p.detach().numpy(), rtol=1e-10)


def test_a_hyperparameter_value_never_names_the_step_counter():
    with pytest.raises(DomainError, match="names the update's variable"):
        adam().rule(alpha="1/sqrt(t)")


# -- Nesterov: torch's form and the look-ahead form ---------------------------------------


def test_nesterov_forms_are_one_sequence_proved_from_both_rules():
    from symopt.methods.forms import nesterov_forms

    proof = nesterov_forms()
    assert proof.proved
    assert proof.mapping[symbol("z")] == symbol("x") + symbol("alpha") * symbol("beta") * \
        symbol("b")


def test_a_wrong_map_between_the_nesterov_forms_is_refuted():
    from symopt.methods import nesterov
    from symopt.methods.forms import change_of_variables

    x, z, b, alpha = symbol("x"), symbol("z"), symbol("b"), symbol("alpha")
    wrong = change_of_variables(nesterov(), nesterov(form="lookahead"), {x: x, z: x + alpha * b})
    assert not wrong.proved
    assert wrong.step_residuals[z] != 0


def test_lookahead_nesterov_reports_sutskevers_x_and_torchs_parameter_is_its_y():
    from symopt.methods import get_method

    alpha, beta = 0.01, 0.9
    # Sutskever et al. (2013) / Goh (2017), typed by hand: y_k = x_k + β(x_k − x_{k−1}),
    # x_{k+1} = y_k − α∇f(y_k), x_{−1} = x_0.
    xs, ys = [X0.copy()], []
    previous = X0.copy()
    for _ in range(STEPS):
        y = xs[-1] + beta * (xs[-1] - previous)
        ys.append(y)
        previous = xs[-1]
        xs.append(y - alpha * gradient(y))
    step = compile(get_method("nesterov_lookahead"), alpha=alpha, beta=beta)
    torch_form = compile("nesterov", alpha=alpha, beta=beta)
    p, q = X0.copy(), X0.copy()
    state, torch_state = step.init_state(p), torch_form.init_state(q)
    for k in range(STEPS):
        np.testing.assert_allclose(p, ys[k] if k else X0, rtol=1e-12)
        step(p, gradient(p), state, k + 1)
        torch_form(q, gradient(q), torch_state, k + 1)
        np.testing.assert_allclose(state["z"], xs[k + 1], rtol=1e-11)
        # the map: x_k = p_k + αβ b_k (torch's state), y_k = p_k
        np.testing.assert_allclose(q + alpha * beta * torch_state["b"], xs[k + 1], rtol=1e-11)
        np.testing.assert_allclose(q, p, rtol=1e-11)


def test_torch_sgd_nesterov_parameter_is_the_lookahead_point():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    try:
        p = torch.tensor(X0, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.01, momentum=0.9, nesterov=True)
        for _ in range(STEPS):
            opt.zero_grad()
            p.grad = torch.tensor(gradient(p.detach().numpy()))
            opt.step()
    finally:
        torch.set_default_dtype(torch.float32)
    from symopt.methods import nesterov

    step = compile(nesterov(form="lookahead"), alpha=0.01, beta=0.9)
    x = X0.copy()
    state = step.init_state(x)
    for t in range(1, STEPS + 1):
        step(x, gradient(x), state, t)
    np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-10)


def test_unknown_nesterov_form_is_refused():
    from symopt.methods import nesterov

    with pytest.raises(DomainError, match="lookahead"):
        nesterov(form="sutskever")


def test_a_run_of_the_lookahead_form_records_the_reported_iterate():
    from symopt.kernels import run

    # f = x²/2, α = 1/4, β = 1/2, x₀ = 1, by hand: y₀ = x₀ = 1, x₁ = 1 − 1/4 = 3/4,
    # y₁ = 3/4 + (1/2)(3/4 − 1) = 5/8, x₂ = 5/8 − 5/32 = 15/32.
    traj = run("x**2/2", "nesterov_lookahead", [1.0], 2, alpha=0.25, beta=0.5)
    np.testing.assert_allclose(traj.iterates[:, 0], [1, 3 / 4, 15 / 32], rtol=1e-15)
    np.testing.assert_allclose(traj.grad_norms, [1, 3 / 4, 15 / 32], rtol=1e-15)
    torch_form = run("x**2/2", "nesterov", [1.0], 2, alpha=0.25, beta=0.5)
    np.testing.assert_allclose(torch_form.iterates[1, 0], 5 / 8, rtol=1e-15)  # y₁


def test_both_nesterov_forms_have_the_same_rate_on_a_quadratic():
    from symopt.analysis import analyze
    from symopt.methods import nesterov

    # λ = 1, α = 1/4, β = 1/2: z² − (1 + β)(1 − αλ)z + β(1 − αλ) = z² − 9z/8 + 3/8 has
    # complex roots of modulus √(3/8) = √6/4 (by hand)
    for form in ("torch", "lookahead"):
        result = analyze("x**2/2", nesterov(form=form), alpha="1/4", beta="1/2")
        assert sp.simplify(result.rate.value - sp.sqrt(6) / 4) == 0


def test_a_trajectory_claim_about_the_lookahead_form_is_about_x_k():
    from symopt.claims.claim import Claim, MethodSpec, check

    # by hand (f = x²/2, α = 1/4, β = 1/2, x₀ = 1): x₁ = 3/4, x₂ = 15/32; y₁ = 5/8 is not x₁
    spec = MethodSpec("nesterov", {"alpha": "1/4", "beta": "1/2"}, options={"form": "lookahead"})
    good = check(Claim("trajectory", ["1", "3/4", "15/32"], problem="x**2/2", method=spec,
                       x0=[1]))
    bad = check(Claim("trajectory", ["1", "5/8", "15/32"], problem="x**2/2", method=spec,
                      x0=[1]))
    assert good.status == "true", good.summary
    assert bad.status == "false"
