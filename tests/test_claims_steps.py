"""A method's step with a constant gradient g, as a formula in t, and its limit.

Expected values are hand derivations, written out beside each case:

- AdaGrad (s₀ = 0, s_t = t g²): Δ_t = −α g/(√(t g²) + ε); with ε = 0 that is
  −α·sign(g)/√t (d2l.ai §12.7), which tends to 0.
- Adam (Kingma & Ba 2015, Algorithm 1) with a constant g: m_t = (1 − β₁ᵗ)g and
  v_t = (1 − β₂ᵗ)g², so m̂_t = g, v̂_t = g² and Δ_t = −α g/(|g| + ε) at every t.
- Heavy ball b_t = β b_{t−1} + g: b_t = g(1 − βᵗ)/(1 − β), Δ_t = −α b_t → −α g/(1 − β)
  (Goh, "Why momentum really works": the effective step α/(1 − β)).
- RMSProp v_t = (1 − ρᵗ)g²: Δ_t = −α g/(√(1 − ρᵗ)|g| + ε) → −α g/(|g| + ε).
"""

import numpy as np
import pytest

from symopt.claims import Claim, check


@pytest.mark.parametrize(("method", "hyper", "stated", "status"), [
    ("adagrad", {"epsilon": 0}, "-alpha*sign(g)/sqrt(t)", "true"),
    ("adagrad", {"epsilon": 0}, "-alpha*g/sqrt(t*g**2)", "true"),
    ("adagrad", {"epsilon": 0}, "-alpha/sqrt(t)", "false"),          # wrong for g < 0
    ("adagrad", {"epsilon": 0}, "-alpha*sign(g)/t", "false"),        # 1/t, not 1/√t
    ("adagrad", {}, "-alpha*g/(sqrt(t)*Abs(g) + epsilon)", "true"),
    ("adam", {}, "-alpha*g/(Abs(g) + epsilon)", "true"),
    ("adam", {"epsilon": 0}, "-alpha*sign(g)", "true"),
    ("adam", {}, "-alpha*(1 - beta_1**t)*g/(Abs(g) + epsilon)", "false"),  # bias not corrected
    ("heavy_ball", {}, "-alpha*g*(1 - beta**t)/(1 - beta)", "true"),
    ("heavy_ball", {}, "-alpha*g*(1 - beta**(t + 1))/(1 - beta)", "false"),
    ("rmsprop", {}, "-alpha*g/(sqrt(1 - rho**t)*Abs(g) + epsilon)", "true"),
])
def test_the_step_at_a_symbolic_t(method, hyper, stated, status):
    v = check(Claim("step", stated, method=method, hyperparameters=hyper))
    assert v.status == status, v


def test_a_wrong_step_formula_is_refuted_at_the_first_step_that_differs():
    # Δ_1 = −α g/|g|: the formula −α/√t agrees for g > 0 only
    v = check(Claim("step", "-alpha/sqrt(t)", method="adagrad", hyperparameters={"epsilon": 0}))
    assert v.status == "false" and "t = 1" in v.counterexample


def test_the_step_after_a_number_of_steps():
    # heavy ball: b_1 = g, b_2 = βg + g, Δ_2 = −α(1 + β)g
    assert check(Claim("step", "-alpha*(1 + beta)*g", method="heavy_ball",
                       steps=2)).status == "true"
    assert check(Claim("step", "-alpha*g", method="heavy_ball", steps=2)).status == "false"
    # AdaGrad at t = 4 with α = 1/2, ε = 0: −(1/2)·sign(g)/2
    assert check(Claim("step", "-sign(g)/4", method="adagrad", steps=4,
                       hyperparameters={"alpha": "1/2", "epsilon": 0})).status == "true"


def test_adagrad_step_formula_agrees_with_a_numpy_run():
    alpha, g = 0.3, -1.7
    s, steps = 0.0, []
    for _ in range(9):
        s += g * g
        steps.append(-alpha * g / np.sqrt(s))
    t = np.arange(1, 10)
    assert np.allclose(steps, -alpha * np.sign(g) / np.sqrt(t))


@pytest.mark.parametrize(("method", "stated", "status"), [
    ("adagrad", "0", "true"),
    ("adagrad", "-alpha*g", "false"),
    ("adam", "-alpha*g/(Abs(g) + epsilon)", "true"),
    ("heavy_ball", "-alpha*g/(1 - beta)", "true"),
    ("heavy_ball", "-alpha*g", "false"),
    ("heavy_ball_ema", "-alpha*g", "true"),
    ("rmsprop", "-alpha*g/(Abs(g) + epsilon)", "true"),
    ("gd", "-alpha*g", "true"),
])
def test_the_limit_of_the_step(method, stated, status):
    v = check(Claim("step_limit", stated, method=method))
    assert v.status == status, v


def test_the_limit_of_the_step_with_given_values():
    # heavy ball with α = 1/10, β = 9/10: the step tends to −g/10/(1/10) = −g
    v = check(Claim("step_limit", "-g", method="heavy_ball",
                    hyperparameters={"alpha": "0.1", "beta": "0.9"}))
    assert v.status == "true", v


def test_the_step_size_alpha_over_root_t_for_a_positive_gradient():
    # issue 13's "AdaGrad with a constant gradient: step α/√t" is Δ_t = −α/√t when g > 0
    hyper = {"epsilon": 0}
    assert check(Claim("step", "-alpha/sqrt(t)", method="adagrad", hyperparameters=hyper,
                       assumptions={"g": "positive"})).status == "true"
    assert check(Claim("step", "-alpha/sqrt(t)", method="adagrad", hyperparameters=hyper,
                       assumptions={"g": "negative"})).status == "false"
