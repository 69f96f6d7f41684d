"""λ_max, λ_min: one type for the readers and the calculus. Expected values are the
textbook ones (L = λ_max(XᵀX)/m for the mean squared error, the 2 × 2 eigenvalues by the
quadratic formula) or NumPy's ``eigvalsh``."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp
from vector_cases import DATA, D, X, m

from symopt.claims.vector import read_constant
from symopt.latex import parse_latex
from symopt.shapes import Shapes
from symopt.vector import lambda_max as calculus_max
from symopt.vector import lambda_min as calculus_min
from symopt.vector import least_squares, smoothness, strong_convexity
from symopt.vector_input import parse_vector
from symopt.vector_ops import EigMax, EigMin, SpectralNorm, lambda_max, lambda_min


def test_one_type_under_every_name() -> None:
    assert calculus_max is lambda_max is EigMax
    assert calculus_min is lambda_min is EigMin


def test_the_readers_build_what_the_calculus_derives() -> None:
    mse = least_squares(D, mean=True)  # (1/2m)‖Xw − y‖²: L = λ_max(XᵀX)/m, μ = λ_min(XᵀX)/m
    assert parse_vector("eigmax(X.T*X)/m", DATA) == smoothness(mse, D.w).value
    assert parse_vector("eigmin(X.T*X)/m", DATA) == strong_convexity(mse, D.w).value
    assert parse_latex(r"\frac{\lambda_{\max}(X^\top X)}{m}", shapes=DATA) == \
        smoothness(mse, D.w).value


def test_printing() -> None:
    value = parse_latex(r"\lambda_{\min}(X^\top X)", shapes=DATA)
    assert str(value) == "lambda_min(X.T*X)"
    assert sp.latex(value) == r"\lambda_{\min}\left(X^{T} X\right)"
    assert sp.latex(lambda_max(X.T * X) / m) == \
        r"\frac{\lambda_{\max}\left(X^{T} X\right)}{m}"


@pytest.mark.parametrize("text", [r"\frac{\|X\|_2^2}{4m}", "norm(X, 2)**2/(4*m)",
                                  "norm2(X)**2/(4*m)", r"\frac{\lambda_{\max}(X^\top X)}{4m}"])
def test_constants_read_in_lambda_max(text: str) -> None:
    # ‖X‖₂² = λ_max(XᵀX): every spelling is the same constant
    assert read_constant(text, Shapes.from_mapping(DATA)) == lambda_max(X.T * X) / (4 * m)


def test_spectral_norm_rewrites_to_lambda_max() -> None:
    assert SpectralNorm(X).rewrite(lambda_max) == sp.sqrt(lambda_max(X.T * X))


def test_explicit_rational_matrix_is_exact() -> None:
    rng = np.random.default_rng(3)
    for side in (1, 3, 5):
        B = rng.integers(-5, 6, size=(side, side))
        S = B + B.T
        M = sp.ImmutableMatrix(S.tolist()) / 3
        expected = np.linalg.eigvalsh(S / 3)
        assert float(lambda_max(M)) == pytest.approx(expected[-1])
        assert float(lambda_min(M)) == pytest.approx(expected[0])


def test_symbolic_two_by_two_by_the_quadratic_formula() -> None:
    a, b, c = sp.symbols("a b c", real=True)
    M = sp.ImmutableMatrix([[a, b], [b, c]])
    root = sp.sqrt((a - c) ** 2 + 4 * b**2)
    for values in ({a: 1, b: 2, c: -3}, {a: 0, b: 1, c: 0}, {a: 5, b: 0, c: 2}):
        assert sp.simplify(lambda_max(M).subs(values) - ((a + c + root) / 2).subs(values)) == 0
        assert sp.simplify(lambda_min(M).subs(values) - ((a + c - root) / 2).subs(values)) == 0


def test_what_is_not_solved_stays_unevaluated_and_quick() -> None:
    s = sp.symbols("s0:16", real=True)
    symbolic = sp.ImmutableMatrix(4, 4, lambda i, j: s[4 * min(i, j) + max(i, j)])
    large = sp.ImmutableMatrix(9, 9, lambda i, j: sp.Rational(1, i + j + 1))  # Hilbert
    unsymmetric = sp.ImmutableMatrix([[1, 2], [3, 4]])
    start = time.perf_counter()
    for M in (symbolic, large, unsymmetric):
        assert isinstance(lambda_max(M), lambda_max)
        assert isinstance(lambda_min(M), lambda_min)
    text = "eigmax(Matrix([" + ", ".join(
        "[" + ", ".join(f"s{4 * min(i, j) + max(i, j)}" for j in range(4)) + "]"
        for i in range(4)) + "])*1)"
    assert isinstance(parse_vector(text, {"x": "n"}), lambda_max)
    assert time.perf_counter() - start < 5
