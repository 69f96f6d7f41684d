"""Iteration matrices and closed forms, checked by hand derivation and numeric runs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symopt.analysis import LAMBDA, X0, K, closed_form, linear_recurrence
from symopt.errors import UnsupportedError
from symopt.kernels import run
from symopt.methods import get_method
from symopt.symbols import symbol

alpha, beta = symbol("alpha"), symbol("beta")
lam = LAMBDA


def test_iteration_matrices_match_hand_derivations():
    # GD: x' = x − αλx.
    assert linear_recurrence(get_method("gd")).matrix == sp.Matrix([[1 - alpha * lam]])
    # Heavy ball (torch): b' = βb + λx, x' = x − α(βb + λx).
    hb = sp.Matrix([[1 - alpha * lam, -alpha * beta], [lam, beta]])
    assert (linear_recurrence(get_method("heavy_ball")).matrix - hb).applyfunc(sp.expand) == \
        sp.zeros(2)
    # Nesterov (torch): b' = βb + λx, x' = x − α(λx + βb') = x − αλ(1 + β)x − αβ²b.
    nest = sp.Matrix([[1 - alpha * lam * (1 + beta), -alpha * beta**2], [lam, beta]])
    assert (linear_recurrence(get_method("nesterov")).matrix - nest).applyfunc(sp.expand) == \
        sp.zeros(2)
    # Damped Newton on a quadratic: p = x − x*, so x' = (1 − α)x for every λ.
    assert linear_recurrence(get_method("damped_newton")).matrix == sp.Matrix([[1 - alpha]])
    assert linear_recurrence(get_method("newton")).matrix == sp.Matrix([[0]])


def test_seed_closed_form_gd_on_2w2():
    # f = 2w², f' = 4w: w_k = (1 − 4α)^k w₀ (the issue's example).
    value = closed_form(get_method("gd"), lam=4).value
    assert sp.simplify(value - (1 - 4 * alpha) ** K * X0) == 0
    general = closed_form(get_method("gd")).value
    assert sp.simplify(general - (1 - alpha * lam) ** K * X0) == 0


def test_heavy_ball_symbolic_closed_form_satisfies_the_recurrence():
    # Independent check: x_{k+2} = (1 + β − αλ)x_{k+1} − βx_k, x₀, x₁ = (1 − αλ)x₀.
    value = closed_form(get_method("heavy_ball")).value
    point = {alpha: sp.Rational(1, 3), beta: sp.Rational(1, 5), lam: 2, X0: 1}
    xs = [complex(sp.N(value.subs(point).subs(K, k), 30)) for k in range(6)]
    a, b = sp.Rational(1, 3), sp.Rational(1, 5)
    expected = [1.0, float(1 - a * 2)]
    for _ in range(4):
        expected.append(float((1 + b - a * 2) * expected[-1] - b * expected[-2]))
    assert np.allclose([x.real for x in xs], expected, rtol=1e-12)
    assert max(abs(x.imag) for x in xs) < 1e-20


@pytest.mark.parametrize("method", ["heavy_ball", "heavy_ball_ema", "nesterov",
                                    "nesterov_lookahead"])
def test_general_closed_form_reproduces_the_powers_of_T(method):
    # The closed form in symbolic λ, α, β (fitted by Cramer's rule) against x_k = (Tᵏs₀)₀
    # computed exactly at a sample point with distinct roots.
    value = closed_form(get_method(method)).value
    recurrence = linear_recurrence(get_method(method))
    point = {alpha: sp.Rational(1, 3), beta: sp.Rational(1, 5), lam: 2, X0: 1}
    T = recurrence.matrix.subs(point)
    s = sp.Matrix(recurrence.initial).subs(point)
    for k in range(6):
        assert abs(complex(sp.N(value.subs(point).subs(K, k) - s[0], 30))) < 1e-25
        s = T * s


def _closed_iterates(method: str, eigen: list, steps: int, x0: np.ndarray, **hp) -> np.ndarray:
    """x_k from the per-direction closed forms, on a diagonal quadratic (minimiser 0)."""
    out = np.empty((steps + 1, len(eigen)))
    for i, lam_i in enumerate(eigen):
        form = closed_form(get_method(method), lam=lam_i, **hp).value.subs(X0, 1)
        for k in range(steps + 1):
            value = complex(sp.N(form.subs(K, k), 30))
            assert abs(value.imag) <= 1e-12 * max(1.0, abs(value.real))
            out[k, i] = value.real * x0[i]
    return out


@pytest.mark.parametrize(
    ("method", "hp"),
    [
        ("gd", {"alpha": "0.3"}),
        ("heavy_ball", {"alpha": "0.4", "beta": "0.5"}),
        ("heavy_ball", {"alpha": "4/9", "beta": "1/9"}),  # the minimax point: double roots
        ("heavy_ball_ema", {"alpha": "0.5", "beta": "0.7"}),
        ("nesterov", {"alpha": "0.2", "beta": "0.9"}),
        ("damped_newton", {"alpha": "0.7"}),
    ],
)
def test_closed_form_iterates_equal_the_compiled_run(method, hp):
    x0 = np.array([1.0, -2.0])
    steps = 25
    trajectory = run("0.5*(w1**2 + 4*w2**2)", method, x0, steps, **hp)
    closed = _closed_iterates(method, [1, 4], steps, x0, **hp)
    scale = np.maximum(np.abs(trajectory.iterates), 1e-300)
    mask = np.abs(trajectory.iterates) > 1e-250
    assert np.all(np.abs(closed - trajectory.iterates)[mask] / scale[mask] < 1e-10)


def test_closed_form_on_a_rotated_quadratic():
    # A = R diag(1, 3) Rᵀ with a 45° rotation; minimiser (1, −1) (b = A x*).
    x0 = np.array([2.0, 0.5])
    steps = 15
    trajectory = run("w1**2 + w2**2 - w1*w2 - 3*w1 + 3*w2", "gd", x0, steps, alpha="0.3")
    eigvals, vectors = np.linalg.eigh(np.array([[2.0, -1.0], [-1.0, 2.0]]))
    assert np.allclose(eigvals, [1, 3])
    star = np.array([1.0, -1.0])
    offsets = vectors.T @ (x0 - star)
    for k in range(steps + 1):
        factors = [float(closed_form(get_method("gd"), lam=lv, alpha="0.3").value
                         .subs({X0: 1, K: k})) for lv in (1, 3)]
        expected = star + vectors @ (np.array(factors) * offsets)
        assert np.allclose(trajectory.iterates[k], expected, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(("method", "hp", "hand"), [
    # torch's Nesterov at α = 1/λ: b₁ = λx₀, x₁ = x₀ − (λx₀ + βλx₀)/λ = −βx₀, then b₂ = 0, x₂ = 0
    ("nesterov", {"alpha": "1/4", "beta": "1/2"}, [1, sp.Rational(-1, 2), 0, 0, 0]),
    # heavy ball with β = 0 at α = 1/λ: one step to the minimiser
    ("heavy_ball", {"alpha": "1/4", "beta": "0"}, [1, 0, 0, 0, 0]),
])
def test_a_nilpotent_iteration_has_a_closed_form_without_free_coefficients(method, hp, hand):
    # the double root 0: (c + c′k)0ᵏ cannot hold x₁ = −βx₀; the closed form must
    value = closed_form(get_method(method), lam=4, **hp).value
    assert value.free_symbols <= {X0, K}
    assert [value.subs({X0: 1, K: k}) for k in range(5)] == hand


def test_nonlinear_methods_have_no_iteration_matrix():
    with pytest.raises(UnsupportedError, match="depends on the step counter"):
        linear_recurrence(get_method("adam"))
    with pytest.raises(UnsupportedError, match="not linear"):
        linear_recurrence(get_method("sign_gd"))
    assert not closed_form(get_method("adagrad")).known
