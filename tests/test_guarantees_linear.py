"""The linear recurrence read off a method's rule(), checked against hand derivations."""

import pytest
import sympy as sp

from symopt.errors import SymoptError, UnsupportedError
from symopt.guarantees.linear import linear_recurrence
from symopt.methods import gradient_descent, nesterov

x0, g0, g1, g2 = sp.symbols("x0 g0 g1 g2")
alpha, beta = sp.Rational(1, 3), sp.Rational(1, 2)


def test_gd_unrolls_to_x0_minus_alpha_sum_of_gradients():
    xs = linear_recurrence("gd", alpha=alpha).unroll(3, x0, [g0, g1, g2])
    assert xs[3] == x0 - alpha * (g0 + g1 + g2)


def test_heavy_ball_matches_polyak_form():
    # Polyak: x_{k+1} = x_k − α g_k + β (x_k − x_{k−1}), x_{−1} = x_0
    xs = linear_recurrence("heavy_ball", alpha=alpha, beta=beta).unroll(3, x0, [g0, g1, g2])
    prev, cur, expected = x0, x0, [x0]
    for g in (g0, g1, g2):
        prev, cur = cur, cur - alpha * g + beta * (cur - prev)
        expected.append(sp.expand(cur))
    assert xs == expected


def test_heavy_ball_ema_is_heavy_ball_with_scaled_step():
    # v ← βv + (1 − β)g, x ← x − αv  is heavy ball with step α(1 − β)
    ema = linear_recurrence("heavy_ball_ema", alpha=alpha, beta=beta).unroll(3, x0, [g0, g1, g2])
    hb = linear_recurrence("heavy_ball", alpha=alpha * (1 - beta), beta=beta).unroll(
        3, x0, [g0, g1, g2])
    assert ema == hb


def test_nesterov_torch_form_is_look_ahead_form():
    # y_{k+1} = x_{k+1} + β(x_{k+1} − x_k), x_{k+1} = y_k − α∇f(y_k), y_0 = x_0
    xs = linear_recurrence("nesterov", alpha=alpha, beta=beta).unroll(3, x0, [g0, g1, g2])
    x, y, expected = x0, x0, [x0]
    for g in (g0, g1, g2):
        x_new = y - alpha * g
        x, y = x_new, x_new + beta * (x_new - x)
        expected.append(sp.expand(y))
    assert xs == expected


def test_schedules_substitute_t_equal_k_plus_one():
    # a schedule is part of the method's definition, never a hyperparameter value
    xs = linear_recurrence(gradient_descent(rate="1/(t + 1)")).unroll(2, x0, [g0, g1])
    assert xs[2] == x0 - g0 / 2 - g1 / 3
    rec = linear_recurrence(nesterov(momentum="(t - 1)/(t + 2)"), alpha=1)
    assert rec.parameters == set()
    # β_1 = 0: the first step is a plain gradient step
    assert rec.unroll(1, x0, [g0])[1] == x0 - g0


def test_symbolic_hyperparameters_are_kept():
    rec = linear_recurrence("gd")
    assert {s.name for s in rec.parameters} == {"alpha"}


@pytest.mark.parametrize("name, reason", [
    ("adam", "state v is not linear in the gradient"),
    ("rmsprop", "not linear in the gradient"),
    ("adagrad", "not linear in the gradient"),
    ("amsgrad", "not linear"),
    ("sign_gd", "not linear in the gradient"),
    ("lion", "not linear"),
    ("newton", "Hessian"),
    ("projected_gd", "projects"),
])
def test_nonlinear_methods_are_refused_with_the_reason(name, reason):
    with pytest.raises(UnsupportedError, match=reason):
        linear_recurrence(name)


def test_bad_hyperparameters_and_steps():
    with pytest.raises(SymoptError):
        linear_recurrence("gd", alpha=-1)
    with pytest.raises(SymoptError):
        linear_recurrence("gd", alpha=1).unroll(-1, x0, [])
