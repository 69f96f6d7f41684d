"""Finite sums with symbolic bounds and sums over data (symopt.vector.sums, .datasums).

Expected values: the geometric series Σ_{τ=0}^{t−1} β^τ = (1 − β^t)/(1 − β) (t at β = 1),
Gauss's Σ_{i=1}^{n} i = n(n + 1)/2, Adam's bias correction (Kingma & Ba 2015, §3):
Σ_{i=1}^{t} (1 − β)β^{t−i} = 1 − β^t; the sums over data against explicit Python loops.
"""

import time

import numpy as np
import pytest
import sympy as sp

from symopt.errors import DomainError
from symopt.vector import check_gradient, data_symbols, least_squares
from symopt.vector.datasums import check_vectorised, samples, vectorise
from symopt.vector.sums import finite_sum, proves_closed_form

BETA = sp.Symbol("beta", positive=True)
T = sp.Symbol("t", integer=True, positive=True)
IDX = sp.Symbol("i", integer=True)


def _explicit(term, lower, upper, beta):
    return sum(float(term.subs({IDX: k, BETA: beta, T: upper})) for k in range(lower, upper + 1))


def test_geometric_sum_with_the_beta_one_case():
    value = finite_sum(BETA**IDX, IDX, 0, T - 1).value
    for beta in (sp.Rational(1, 2), sp.Rational(9, 10), 1, 3):
        for t in (1, 2, 7):
            expected = t if beta == 1 else (1 - beta**t) / (1 - beta)
            assert sp.simplify(value.subs({BETA: beta, T: t}) - expected) == 0


def test_adam_bias_correction_weights_sum_to_one_minus_beta_to_the_t():
    term = (1 - BETA) * BETA**(T - IDX)
    assert finite_sum(term, IDX, 1, T).value == 1 - BETA**T
    for beta, t in ((0.9, 5), (0.999, 40), (1.0, 3)):
        assert _explicit(term, 1, t, beta) == pytest.approx(1 - beta**t, abs=1e-12)


def test_arithmetic_sum_and_a_wrong_closed_form():
    n = sp.Symbol("n", integer=True, positive=True)
    assert sp.expand(finite_sum(IDX, IDX, 1, n).value - n * (n + 1) / 2) == 0
    assert not proves_closed_form(IDX, IDX, 1, n**2 / 2, n)
    assert not proves_closed_form(BETA**IDX, IDX, 0, (1 - BETA**n) / (1 - BETA), n)  # off by one


def test_explicit_bounds_are_substituted_in_the_closed_form():
    assert finite_sum(IDX**2, IDX, 1, 10**6).value == 10**6 * (10**6 + 1) * (2 * 10**6 + 1) // 6


def test_a_million_terms_without_closed_form_are_refused_quickly():
    start = time.monotonic()
    with pytest.raises(DomainError, match="1000000 terms"):
        finite_sum(sp.Function("g")(IDX), IDX, 1, 10**6)
    assert time.monotonic() - start < 30
    assert finite_sum(sp.Function("g")(IDX), IDX, 1, 3).value.func is sp.Add
    with pytest.raises(DomainError):
        finite_sum(IDX, IDX, 1, 5, seconds=0)


def test_ten_thousand_dimensional_shapes_are_symbolic_or_refused():
    X = sp.MatrixSymbol("X", 10**4, 10**4)
    w, y = sp.MatrixSymbol("w", 10**4, 1), sp.MatrixSymbol("y", 10**4, 1)
    f = sp.MatMul(sp.Rational(1, 2), sp.Transpose(X * w - y), X * w - y)
    start = time.monotonic()
    from symopt.vector import gradient

    assert gradient(f, w) == X.T * (X * w - y)
    with pytest.raises(DomainError, match="exceeds"):
        check_gradient(f, w, X.T * (X * w - y), trials=1)
    assert time.monotonic() - start < 30


def test_least_squares_gradient_as_a_sum_over_samples():
    d = samples()
    term = d.x_i * (d.x_i.T * d.w - d.y_i)
    assert vectorise(term, d) == d.X.T * (d.X * d.w - d.y)
    assert check_vectorised(term, d.X.T * (d.X * d.w - d.y), d).holds
    assert not check_vectorised(term, d.X.T * (d.X * d.w + d.y), d).holds


def test_gram_matrix_and_loss_sums():
    d = samples()
    assert vectorise(d.x_i * d.x_i.T, d) == d.X.T * d.X
    squared = (d.x_i.T * d.w - d.y_i).T * (d.x_i.T * d.w - d.y_i)
    vectorised = vectorise(squared, d)
    assert check_vectorised(squared, vectorised, d).holds
    # agrees with ‖Xw − y‖² = 2 · least squares
    ls = data_symbols()
    rng = np.random.default_rng(3)
    X, w, y = rng.standard_normal((5, 3)), rng.standard_normal((3, 1)), rng.standard_normal((5, 1))
    from symopt.vector import evaluate

    data = {"X": X, "w": w, "y": y}
    assert evaluate(vectorised, data)[0, 0] == pytest.approx(2 * evaluate(least_squares(ls),
                                                                         data)[0, 0])


def test_logistic_sum_over_samples_is_vectorised_elementwise():
    d = samples()
    t = sp.Dummy("t", real=True)
    phi = sp.Lambda(t, sp.log(1 + sp.exp(-t)))
    term = (d.y_i * d.x_i.T * d.w).applyfunc(phi)
    vectorised = vectorise(term, d)
    assert check_vectorised(term, vectorised, d, signs=("y",)).holds
    weighted = d.x_i * d.y_i * (d.y_i * d.x_i.T * d.w).applyfunc(phi)  # x_i s_i
    assert check_vectorised(weighted, vectorise(weighted, d), d, signs=("y",)).holds


def test_a_huge_product_is_refused_by_size_not_expanded():
    from symopt.errors import UnsupportedError
    from symopt.vector import gradient

    n = sp.Symbol("n", integer=True, positive=True)
    A, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1)
    long = sp.MatMul(x.T, *([A] * 3000), x)
    start = time.monotonic()
    with pytest.raises(UnsupportedError, match="nodes"):
        gradient(long, x)
    assert time.monotonic() - start < 10
