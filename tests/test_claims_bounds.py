"""Bounds on a method's step over every gradient sequence (Kingma & Ba 2015, §2.1).

Hand derivation (ε = 0, bias-corrected Adam, state from 0): with a_i = β₁^{t−i} and
b_i = β₂^{t−i},

    Δ_t = α (1 − β₁)/(1 − β₁ᵗ) · Σ a_i g_i / √((1 − β₂)/(1 − β₂ᵗ) · Σ b_i g_i²),

so by Cauchy–Schwarz sup_g |Δ_t| = α (1 − β₁)/(1 − β₁ᵗ) · √((1 − β₂ᵗ)/(1 − β₂)) ·
√(Σ_{j<t} (β₁²/β₂)ʲ), attained at g_i = (β₁/β₂)^{t−i}. For β₁ = 0.9, β₂ = 0.999 it
tends to α·(0.1/√0.001)/√(1 − 0.81/0.999) ≈ 7.27α, above the paper's α(1 − β₁)/√(1 − β₂)
≈ 3.16α: the paper's first bound is broken by that sequence (checked below with
numpy, independently of symopt). With β₁ = 0 the sum is 1 and the bound
α/√(1 − β₂) holds. AdaGrad: |Δ_t| = α|g_t|/√(Σ g_i²) ≤ α; RMSProp: v_t ≥ (1 − ρ)g_t²,
so |Δ_t| ≤ α/√(1 − ρ), attained at t = 1.
"""

import math

import numpy as np
import pytest

from symopt.claims import Claim, check

PAPER_FIRST = "alpha*(1 - beta_1)/sqrt(1 - beta_2)"


def adam_step(gradients, alpha, beta_1, beta_2):
    m = v = 0.0
    t = len(gradients)
    for g in gradients:
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
    return -alpha * (m / (1 - beta_1**t)) / math.sqrt(v / (1 - beta_2**t))


def test_the_papers_first_bound_is_broken_by_a_gradient_sequence():
    beta_1, beta_2, t = 0.9, 0.999, 250
    sequence = [(beta_1 / beta_2) ** (t - i) for i in range(1, t + 1)]
    step = adam_step(sequence, 1.0, beta_1, beta_2)
    assert abs(step) > (1 - beta_1) / math.sqrt(1 - beta_2)  # 3.42 > 3.16
    v = check(Claim("step_bound", PAPER_FIRST, method="adam",
                    hyperparameters={"beta_1": "0.9", "beta_2": "0.999"}), timeout=60)
    assert v.status == "false", v
    assert "g_i ∝ l_i/q_i" in v.counterexample and "ε = 0" in v.counterexample


def test_the_papers_bounds_with_their_conditions_are_refuted():
    v = check(Claim("step_bound", PAPER_FIRST, method="adam",
                    where="1 - beta_1 > sqrt(1 - beta_2)"), timeout=60)
    assert v.status == "false", v
    v = check(Claim("step_bound", "alpha", method="adam",
                    where="1 - beta_1 <= sqrt(1 - beta_2)"), timeout=60)
    assert v.status == "false", v
    # the witness it names (β₁ = 1/10, β₂ = 1/100, t = 2, g = (10, 1)) by hand with numpy
    assert abs(adam_step([10.0, 1.0], 1.0, 0.1, 0.01)) == pytest.approx(1.2920609, rel=1e-6)


def test_the_supremum_tends_to_the_cauchy_schwarz_value():
    beta_1, beta_2 = 0.9, 0.999
    limit = (1 - beta_1) / math.sqrt(1 - beta_2) / math.sqrt(1 - beta_1**2 / beta_2)
    t = 20000
    sequence = [(beta_1 / beta_2) ** (t - i) for i in range(1, t + 1)]
    assert abs(adam_step(sequence, 1.0, beta_1, beta_2)) == pytest.approx(limit, rel=1e-6)
    # symopt's supremum at t = 250 is the numpy step on the same sequence
    v = check(Claim("step_bound", "3", method="adam", steps=250,
                    hyperparameters={"alpha": 1, "beta_1": "0.9", "beta_2": "0.999"}),
              timeout=60)
    t = 250
    sequence = [(beta_1 / beta_2) ** (t - i) for i in range(1, t + 1)]
    assert v.status == "false", v
    assert f"{abs(adam_step(sequence, 1.0, beta_1, beta_2)):.6f}" in v.summary.replace(
        "sup |Δ_t| = ", "")


@pytest.mark.parametrize(("method", "hyper", "stated", "status"), [
    ("adam", {"beta_1": 0}, "alpha/sqrt(1 - beta_2)", "true"),
    ("adam", {"beta_1": 0}, "alpha", "false"),
    ("adagrad", {}, "alpha", "true"),
    ("adagrad", {}, "alpha/2", "false"),
    ("rmsprop", {}, "alpha/sqrt(1 - rho)", "true"),
])
def test_bounds_that_hold_are_proved_for_every_t(method, hyper, stated, status):
    v = check(Claim("step_bound", stated, method=method, hyperparameters=hyper), timeout=60)
    assert v.status == status, v
    if status == "true":
        assert any("ε > 0" in e for e in v.evidence)


def test_a_bound_at_one_step():
    # t = 1: Δ_1 = −α·sign(g) for Adam, whatever β₁, β₂
    assert check(Claim("step_bound", "alpha", method="adam", steps=1),
                 timeout=60).status == "true"


@pytest.mark.slow
def test_torch_adam_breaks_the_papers_bound_on_the_same_sequence():
    torch = pytest.importorskip("torch")
    beta_1, beta_2, t = 0.9, 0.999, 250
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1.0, betas=(beta_1, beta_2), eps=0.0)
    before = 0.0
    for i in range(1, t + 1):
        before = p.item()
        p.grad = torch.tensor([(beta_1 / beta_2) ** (t - i)], dtype=torch.float64)
        opt.step()
    assert abs(p.item() - before) > (1 - beta_1) / np.sqrt(1 - beta_2)


@pytest.mark.parametrize("method", ["gd", "heavy_ball"])
def test_a_step_that_grows_with_the_gradient_has_no_bound(method):
    # Δ_1 = −αg: one gradient g_1 = 10 already steps 10α
    v = check(Claim("step_bound", "alpha", method=method), timeout=60)
    assert v.status == "false" and v.correct == "∞", v
    assert "g_1 = 10^1" in v.counterexample


def test_without_a_second_moment_memory_the_step_is_unbounded():
    # β₂ = 0: v̂_t = g_t², so Δ_2 = α m̂_2/|g_2| with m̂_2 = (β₁(1 − β₁)g_1 + (1 − β₁)g_2)/(1 − β₁²);
    # β₁ = 9/10, g = (1, 10⁻³): m̂_2 = (0.09 + 0.0001)/0.19 = 0.474210…, Δ_2 = −474.21…
    v = check(Claim("step_bound", "100*alpha", method="adam",
                    hyperparameters={"beta_1": "0.9", "beta_2": 0}), timeout=60)
    assert v.status == "false" and v.correct == "∞", v
    assert "g_1 = 1, g_2 = 10^-3" in v.counterexample and "-474.2105263" in v.counterexample
