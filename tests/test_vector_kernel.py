"""In-place NumPy kernels of vector gradients (symopt.vector.kernel) against hand-written NumPy."""

import tracemalloc

import numpy as np
import pytest
import sympy as sp
from vector_cases import D

from symopt.errors import DomainError
from symopt.vector import least_squares, logistic, ridge
from symopt.vector.kernel import compile_gradient, compile_vector


def _data(seed, m=7, n=4):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)), rng.standard_normal((n, 1)), rng.standard_normal((m, 1))


def test_least_squares_kernel_is_two_blas_calls_and_a_subtraction():
    kernel = compile_gradient(least_squares(D), D.w)
    X, w, y = _data(0)
    np.testing.assert_allclose(kernel(X=X, w=w, y=y), X.T @ (X @ w - y))
    assert kernel.calls == 3  # matmul(X, w), subtract y, matmul(X.T, r)


def test_ridge_and_logistic_kernels_match_numpy():
    lam = sp.Symbol("lambda", positive=True)
    X, w, y = _data(1, 9, 3)
    ridge_kernel = compile_gradient(ridge(D, lam, mean=True), D.w, {"lambda": 0.3})
    m = X.shape[0]
    np.testing.assert_allclose(ridge_kernel(X=X, w=w, y=y), X.T @ (X @ w - y) / m + 0.3 * w)
    labels = np.sign(y) + (y == 0)
    logistic_kernel = compile_gradient(logistic(D), D.w)
    expected = -(X.T @ (labels / (1 + np.exp(labels * (X @ w))))) / m  # −Σ yᵢσ(−yᵢxᵢᵀw)xᵢ/m
    np.testing.assert_allclose(logistic_kernel(X=X, w=w, y=labels), expected)


def test_kernel_writes_into_out_without_allocating_per_call():
    kernel = compile_gradient(least_squares(D), D.w)
    X, w, y = _data(2, 400, 50)
    out = np.empty((50, 1))
    kernel(out=out, X=X, w=w, y=y)  # plans and allocates its buffers once
    tracemalloc.start()
    for _ in range(20):
        kernel(out=out, X=X, w=w, y=y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 400 * 8  # less than one m-vector over 20 calls
    np.testing.assert_allclose(out, X.T @ (X @ w - y))


def test_shapes_and_names_are_validated():
    kernel = compile_gradient(least_squares(D), D.w)
    X, w, y = _data(3)
    with pytest.raises(DomainError, match="dimension"):
        kernel(X=X, w=w, y=np.ones((X.shape[0] + 1, 1)))
    with pytest.raises(DomainError, match="missing"):
        kernel(X=X, w=w)
    with pytest.raises(DomainError, match="out has shape"):
        kernel(out=np.empty((2, 2)), X=X, w=w, y=y)
    bad = sp.MatrixSymbol("__import__('os')", 2, 1)
    with pytest.raises(DomainError, match="identifier"):
        compile_vector(bad.T * bad)


def test_kernels_compile_gradient_takes_the_vector_form():
    from symopt.kernels import compile_gradient as kernels_gradient

    f, grad = kernels_gradient(least_squares(D), wrt=D.w)
    X, w, y = _data(4)
    np.testing.assert_allclose(grad(X=X, w=w, y=y), X.T @ (X @ w - y))
    r = X @ w - y
    np.testing.assert_allclose(f(X=X, w=w, y=y), 0.5 * r.T @ r)
    with pytest.raises(DomainError, match="wrt"):
        kernels_gradient(least_squares(D))
