"""Online runs over loss sequences: Reddi, Kale & Kumar (2018), Theorem 1, and hand checks.

The paper's example: F = [−1, 1], f_t(x) = Cx for t ≡ 1 (mod 3) and −x otherwise, C > 2,
β₁ = 0, β₂ = 1/(1 + C²), α_t = α/√t, no bias correction, no ε. Adam's iterates go to
x = +1 while Σ_p f_p = (C − 2)x is minimised at x = −1, so the regret per period tends to
(C − 2)·2 and R_T/T → 2(C − 2)/3; AMSGrad goes to −1 (R_T/T → 0).
"""

import numpy as np
import pytest
import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.methods import adagrad, adam, amsgrad, gradient_descent
from symopt.online import LossSequence, online_run, periodic_regime


def reddi(c=3):
    return LossSequence.of([f"{c}*x", "-x", "-x"], feasible=(-1, 1))


def paper_method(factory, sequence, alpha="1/sqrt(t)"):
    return factory(rate=alpha, bias_correction=False, eps=False, projection=sequence.box)


def paper_beta_2(c):
    return sp.Rational(1, 1 + c**2)


def test_comparator_is_minus_one_as_in_the_paper():
    value, point = reddi(3).comparator
    assert point == (-1,) and value == -(3 - 2)  # Σ f_p(−1) = −(C − 2)


@pytest.mark.parametrize("c", [3, 5])
def test_adam_goes_to_plus_one_and_amsgrad_to_minus_one_numerically(c):
    sequence = reddi(c)
    b2 = float(paper_beta_2(c))
    adam_run = online_run(sequence, paper_method(adam, sequence), [0.0], 6000, beta_1=0,
                          beta_2=b2)
    ams_run = online_run(sequence, paper_method(amsgrad, sequence), [0.0], 6000, beta_1=0,
                         beta_2=b2)
    assert np.all(adam_run.played[-300:, 0] > 0.95)
    assert np.all(ams_run.played[-300:, 0] < -0.95)
    # R_T/T → 2(C − 2)/3 for Adam (the paper's linear regret), → 0 for AMSGrad
    assert adam_run.average_regret == pytest.approx(2 * (c - 2) / 3, rel=0.05)
    assert abs(ams_run.average_regret) < 0.05 * 2 * (c - 2) / 3


def test_adam_run_matches_a_hand_written_loop():
    c, b2 = 3, 0.1
    x, v, expected = 0.0, 0.0, []
    for t in range(1, 301):  # Reddi et al.'s Adam, β₁ = 0, typed by hand
        expected.append(x)
        g = c if t % 3 == 1 else -1.0
        v = b2 * v + (1 - b2) * g * g
        x = min(1.0, max(-1.0, x - g / np.sqrt(t) / np.sqrt(v)))
    sequence = reddi(c)
    run = online_run(sequence, paper_method(adam, sequence), [0.0], 300, beta_1=0, beta_2=b2)
    np.testing.assert_allclose(run.played[:300, 0], expected, rtol=1e-12, atol=1e-15)
    losses = [(c if t % 3 == 1 else -1.0) * x for t, x in enumerate(expected, 1)]
    np.testing.assert_allclose(run.losses, losses, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(run.regret[-1], sum(losses) + (c - 2) * 100, rtol=1e-12)


def test_periodic_second_moment_is_the_hand_derived_orbit():
    # v before phase 1 solves v = b³v + (1 − b)(b²C² + b + 1) (the phase-3 value):
    # v₃* = (1 − b)(b²C² + b + 1)/(1 − b³); with C = 3, b = 1/10: 119/111 (by hand).
    sequence = reddi(3)
    regime = periodic_regime(sequence, paper_method(adam, sequence), beta_1=0, beta_2="1/10")
    b, c = sp.Rational(1, 10), 3
    v3 = (1 - b) * (b**2 * c**2 + b + 1) / (1 - b**3)
    orbit = [state[sp.Symbol("v", real=True)] for state in regime.state[0]]
    assert orbit[0] == v3 == sp.Rational(119, 111)
    assert orbit[1] == b * orbit[0] + (1 - b) * c**2
    assert orbit[2] == b * orbit[1] + (1 - b)


@pytest.mark.parametrize("c", [3, 4, 10])
def test_exact_regime_adam_drifts_up_amsgrad_down(c):
    sequence = reddi(c)
    b2 = paper_beta_2(c)
    up = periodic_regime(sequence, paper_method(adam, sequence), beta_1=0, beta_2=b2)
    down = periodic_regime(sequence, paper_method(amsgrad, sequence), beta_1=0, beta_2=b2)
    assert up.drift[0].is_positive and up.limit == [1]
    assert up.average_regret == sp.Rational(2 * (c - 2), 3)
    # AMSGrad: one denominator √v̂ for the whole period, so d = (−C + 2)/(C + 2) exactly
    assert down.drift[0] == sp.Rational(2 - c, c + 2)
    assert down.limit == [-1] and down.average_regret == 0


def test_constant_step_has_no_limit():
    sequence = reddi(3)
    regime = periodic_regime(sequence, paper_method(adam, sequence, alpha="1/10"), beta_1=0,
                             beta_2="1/10")
    assert regime.limit is None and "no limit" in regime.reason


def test_adagrad_running_sum_has_no_periodic_orbit():
    sequence = reddi(3)
    with pytest.raises(UnsupportedError, match="no unique periodic orbit"):
        periodic_regime(sequence, adagrad(rate="1/sqrt(t)"))


def test_losses_with_x_dependent_gradients_get_no_exact_regime():
    with pytest.raises(UnsupportedError, match="constant gradients"):
        periodic_regime(LossSequence.of(["x**2", "-x"], feasible=(-1, 1)), gradient_descent(),
                        alpha=0.1)


def test_limits_are_validated():
    sequence = reddi(3)
    method = paper_method(adam, sequence)
    for steps in (0, -1, 10**9, 2.5, True):
        with pytest.raises(DomainError):
            online_run(sequence, method, [0.0], steps, beta_1=0, beta_2=0.1)
    with pytest.raises(DomainError):
        online_run(sequence, method, [float("nan")], 3, beta_1=0, beta_2=0.1)
    with pytest.raises(DomainError):
        LossSequence.of([])
    with pytest.raises(DomainError):
        LossSequence.of(["x"] * 1001)
    with pytest.raises(DomainError):
        LossSequence.of(["C*x", "-x"], variables=["x"], feasible=(-1, 1))


def hand_drift(c=3, b=0.1):
    """d = Σ c_p/Σ|c_p| with c_p = −g_p/√v_p on the orbit (v after phase p), by hand."""
    v3 = (1 - b) * (b**2 * c**2 + b + 1) / (1 - b**3)
    v1 = b * v3 + (1 - b) * c**2
    v2 = b * v1 + (1 - b)
    steps = [-c / np.sqrt(v1), 1 / np.sqrt(v2), 1 / np.sqrt(v3)]
    return sum(steps) / sum(abs(s) for s in steps)


def test_the_drift_is_the_hand_computed_one():
    sequence = reddi(3)
    regime = periodic_regime(sequence, paper_method(adam, sequence), beta_1=0, beta_2="1/10")
    assert float(regime.drift[0]) == pytest.approx(hand_drift(), rel=1e-12)


def test_torch_form_adam_with_bias_correction_and_eps_drifts_up_too():
    # Bias correction 1/(1 − βᵗ) → 1 and ε = 1e-8 change the drift by ~1e-8 only.
    sequence = reddi(3)
    regime = periodic_regime(sequence, adam(rate="1/(10*sqrt(t))", projection=sequence.box),
                             beta_1=0, beta_2="1/10")
    assert regime.limit == [1]
    assert float(regime.drift[0]) == pytest.approx(hand_drift(), rel=1e-6)


def test_torch_defaults_drift_down():
    # with torch's β₁ = 0.9 the momentum m ≈ mean gradient (C − 2)/3 > 0 keeps every step
    # negative on the orbit, so d = −1 and x_t → −1
    sequence = reddi(3)
    defaults = periodic_regime(sequence, adam(rate="1/(10*sqrt(t))", projection=sequence.box))
    assert defaults.limit == [-1] and float(defaults.drift[0]) == pytest.approx(-1, abs=1e-12)


def test_two_coordinates_each_get_their_own_regime():
    # x sees Reddi's gradients (3, −1, −1): up to +1. y sees (−1, 1, 1): v → 1 on the orbit,
    # so the steps are (+1, −1, −1)·α_t and d = −1/3: down to −1 (by hand). Σ f_p = x + y is
    # minimised at (−1, −1) (value −2); at (1, −1) it is 0: lim R_T/T = 2/3.
    sequence = LossSequence.of(["3*x - y", "-x + y", "-x + y"], feasible=(-1, 1))
    method = paper_method(adam, sequence)
    regime = periodic_regime(sequence, method, beta_1=0, beta_2="1/10")
    assert regime.limit == [1, -1] and regime.average_regret == sp.Rational(2, 3)
    assert sp.simplify(regime.drift[1] + sp.Rational(1, 3)) == 0
    run = online_run(sequence, method, [0.0, 0.0], 3000, beta_1=0, beta_2=0.1)
    np.testing.assert_allclose(run.final, [1, -1], atol=0.05)
