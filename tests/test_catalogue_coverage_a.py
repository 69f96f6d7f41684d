"""Catalogue entries added for coverage (adaptive curvature, momentum on a plateau, saddle
points): the values each entry rests on, against hand derivations and independent code.

The perturbed claims are run by tests/test_catalogue_perturbed.py.
"""


import math

import numpy as np
import pytest
import sympy as sp

from symopt.catalogue import discover, iterate
from symopt.methods import adagrad, rmsprop

ENTRIES = {e.info.id: e for e in discover()}


# -- 001-adaptive-curvature -------------------------------------------------------

def _adagrad_by_hand(hessian, x0, alpha, steps):
    """AdaGrad with ε = 0 written out in numpy: s ← s + g², x ← x − α g/√s."""
    x, s, path = np.array(x0, float), np.zeros(2), []
    for _ in range(steps):
        grad = hessian @ x
        s += grad**2
        x = x - alpha * grad / np.sqrt(s)
        path.append(x.copy())
    return np.array(path)


def test_adagrad_by_hand_ignores_axis_aligned_curvature_but_not_a_rotated_one():
    unit = _adagrad_by_hand(np.eye(2), [1, 2], 0.1, 200)
    axis = _adagrad_by_hand(np.diag([1.0, 100.0]), [1, 2], 0.1, 200)
    rotated = _adagrad_by_hand(np.array([[50.5, -49.5], [-49.5, 50.5]]), [1, 2], 0.1, 200)
    np.testing.assert_allclose(axis, unit, rtol=1e-12)
    assert np.max(np.abs(rotated - unit)) > 0.1


def test_first_adaptive_step_on_the_rotated_bowl_moves_x_away():
    # by hand: H(1, 2) = (101/2 − 99, −99/2 + 101) = (−97/2, 103/2); AdaGrad's first step is
    # x − α·sign(g), RMSProp's x − α·sign(g)/√(1 − ρ) = x − 10α·sign(g) at ρ = 0.99
    module = ENTRIES["001-adaptive-curvature"].run.__globals__
    rotated, unit = module["CURVED"]["rotated"], module["UNIT_BOWL"]
    assert list(rotated.gradient.subs({v: c for v, c in zip(rotated.variables, (1, 2))})) == [
        sp.Rational(-97, 2), sp.Rational(103, 2)]
    tenth = sp.Rational(1, 10)
    assert iterate(rotated, adagrad(eps=False), [1, 2], 1, alpha=tenth)[-1] == [
        sp.Rational(11, 10), sp.Rational(19, 10)]
    assert iterate(unit, adagrad(eps=False), [1, 2], 1, alpha=tenth)[-1] == [
        sp.Rational(9, 10), sp.Rational(19, 10)]
    assert iterate(rotated, rmsprop(eps=False), [1, 2], 1, alpha=tenth,
                   rho=sp.Rational(99, 100))[-1] == [2, 1]


def test_adaptive_curvature_is_conditional_with_the_rotated_counterexample():
    outcome = ENTRIES["001-adaptive-curvature"].run()
    assert outcome.verdict == "conditional", outcome.evidence
    assert "diagonal" in outcome.condition and "45" in outcome.counterexample
    assert r"\frac{11}{10}" in outcome.counterexample


# -- 004-momentum-plateau ---------------------------------------------------------

def _seed_004_momentum(grad, lr, beta, steps):
    """Seed 004's §4 loop, verbatim in plain Python (β = 0 is its GD)."""
    theta, v, path = 0.0, 0.0, [0.0]
    for _ in range(steps):
        v = beta * v + (1 - beta) * grad
        theta = theta - lr * v
        path.append(theta)
    return path


def test_the_seed_s_momentum_lags_gradient_descent_on_a_plateau():
    momentum = _seed_004_momentum(3.0, 0.1, 0.9, 50)
    gd = _seed_004_momentum(3.0, 0.1, 0.0, 50)
    for T in range(1, 51):
        covered = 0.1 * 3 * (T - 0.9 * (1 - 0.9**T) / 0.1)  # lr·g(T − β(1 − βᵀ)/(1 − β))
        assert -momentum[T] == pytest.approx(covered, rel=1e-12)
        assert -momentum[T] < -gd[T] == pytest.approx(0.3 * T)
    assert -momentum[10] == pytest.approx(0.3 * (10 - 9 * (1 - 0.9**10)))  # ≈ 0.3 · 4.14


def test_classical_momentum_gets_ahead_on_a_plateau_from_the_second_step():
    # v ← βv − lr·g, θ ← θ + v: the steps lr·g(1 + β + … + βᵗ⁻¹)
    theta, v, gd = 0.0, 0.0, 0.0
    for T in range(1, 51):
        v = 0.9 * v - 0.1 * 3.0
        theta += v
        gd -= 0.1 * 3.0
        assert (theta < gd) if T >= 2 else theta == gd
    assert v == pytest.approx(-0.3 / (1 - 0.9), rel=1e-2)  # the step → lr·g/(1 − β)


def test_momentum_plateau_is_false_for_the_seed_s_form_and_true_for_the_classical_one():
    entry = ENTRIES["004-momentum-plateau"]
    assert entry.run().verdict == "false"
    assert entry.run(form="classical").verdict == "true"


# -- 002-saddle-slow, 002-saddle-momentum-escape ------------------------------------

def _saddle_run(y0, alpha, beta, steps):
    """x² − y² by the classical heavy ball of seed 002's §08 (β = 0: GD), in plain Python:
    v ← βv − α∇f, (x, y) ← (x, y) + v. The first k with |y_k| ≥ 1, and the y's."""
    x, y, vx, vy, ys = 1.0, y0, 0.0, 0.0, [y0]
    for _ in range(steps):
        vx, vy = beta * vx - alpha * 2 * x, beta * vy + alpha * 2 * y
        x, y = x + vx, y + vy
        ys.append(y)
    return next((k for k, v in enumerate(ys) if abs(v) >= 1), None), ys


@pytest.mark.parametrize("delta", [1e-3, 1e-6])
def test_gd_leaves_the_saddle_after_log_one_over_delta_steps(delta):
    leave, _ = _saddle_run(delta, 0.1, 0.0, 200)
    assert leave == math.ceil(math.log(1 / delta) / math.log(1.2))  # 38, 76


def test_heavy_ball_leaves_the_saddle_twice_as_fast_off_the_stable_manifold():
    assert sorted(np.roots([1, -(1 + 0.9 + 0.2), 0.9])) == pytest.approx([0.6, 1.5])
    leave, ys = _saddle_run(1e-6, 0.1, 0.9, 60)
    for k in range(40):  # y₀ = δ, y₁ = 1.2δ: yₖ = (2·1.5ᵏ + 0.6ᵏ)δ/3
        assert ys[k] == pytest.approx((2 * 1.5**k + 0.6**k) * 1e-6 / 3, rel=1e-9)
    assert leave == 36 < _saddle_run(1e-6, 0.1, 0.0, 200)[0] == 76
    assert not any(_saddle_run(0.0, 0.1, 0.9, 500)[1])  # on y = 0 it never leaves


def test_the_saddle_entries_verdicts():
    slow = ENTRIES["002-saddle-slow"].run()
    assert slow.verdict == "true" and "(76, 76)" in slow.evidence, slow.evidence
    escape = ENTRIES["002-saddle-momentum-escape"].run()
    assert escape.verdict == "conditional", escape.evidence
    assert r"\delta \ne 0" in escape.condition and "(1, 0)" in escape.counterexample
    assert "GD 76, heavy ball 36" in escape.evidence
