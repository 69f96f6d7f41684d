"""Gradients, Hessians, convexity, L and μ in general dimension (symopt.vector).

Expected values are typed from the texts, as NumPy formulas independent of symopt:
Matrix Cookbook (Petersen & Pedersen 2012) eq. (81) ∂xᵀAx/∂x = (Aᵀ + A)x, (84)/(85) for
‖Ax − b‖², Bishop PRML (4.96)–(4.97) for the logistic gradient and Hessian XᵀRX,
d2l.ai §3.1 for least squares (normal equations XᵀXw = Xᵀy).
"""

import numpy as np
import pytest
import sympy as sp
from vector_cases import D

from symopt.errors import UnsupportedError
from symopt.vector import (
    check_gradient,
    check_hessian,
    convexity,
    evaluate,
    gradient,
    hessian,
    least_squares,
    logistic,
    quadratic_form,
    ridge,
    smoothness,
    strong_convexity,
)
from symopt.vector.jacobian import jacobian, tidy

LAM = sp.Symbol("lambda", positive=True)
N = sp.Symbol("n", integer=True, positive=True)
A = sp.MatrixSymbol("A", N, N)
XV = sp.MatrixSymbol("x", N, 1)


def _draws(seed, count=8):
    """(X, w, y) at random dimensions: square, tall, wide and rank-deficient X."""
    rng = np.random.default_rng(seed)
    for k in range(count):
        m, n = int(rng.integers(1, 9)), int(rng.integers(1, 7))
        X = rng.standard_normal((m, n))
        if k % 3 == 2 and min(m, n) > 1:
            r = min(m, n) // 2
            X = rng.standard_normal((m, r)) @ rng.standard_normal((r, n))
        yield X, rng.standard_normal((n, 1)), rng.standard_normal((m, 1)), rng


def _sigma(t):
    return 1 / (1 + np.exp(-t))


def test_least_squares_gradient_and_hessian_match_the_cookbook():
    f = least_squares(D)
    g, H = gradient(f, D.w), hessian(f, D.w)
    for X, w, y, _ in _draws(1):
        data = {"X": X, "w": w, "y": y}
        np.testing.assert_allclose(evaluate(g, data), X.T @ (X @ w - y), atol=1e-10)
        np.testing.assert_allclose(evaluate(H, data), X.T @ X, atol=1e-10)


def test_ridge_gradient_adds_lambda_w():
    g = gradient(ridge(D, LAM), D.w)
    for X, w, y, rng in _draws(2):
        lam = float(rng.uniform(0.1, 3))
        data = {"X": X, "w": w, "y": y, "lambda": lam}
        np.testing.assert_allclose(evaluate(g, data), X.T @ (X @ w - y) + lam * w, atol=1e-10)


def test_quadratic_form_nonsymmetric_a_gives_a_plus_a_transpose():
    f = quadratic_form(A, XV)
    rng = np.random.default_rng(3)
    for _ in range(6):
        n = int(rng.integers(1, 8))
        a, x = rng.standard_normal((n, n)), rng.standard_normal((n, 1))  # not symmetric
        data = {"A": a, "x": x}
        np.testing.assert_allclose(evaluate(gradient(f, XV), data), (a + a.T) @ x, atol=1e-10)
        np.testing.assert_allclose(evaluate(hessian(f, XV), data), a + a.T, atol=1e-10)


def test_logistic_gradient_and_hessian_match_bishop():
    f = logistic(D)
    g, H = gradient(f, D.w), hessian(f, D.w)
    for X, w, _, rng in _draws(4):
        m = X.shape[0]
        y = rng.choice([-1.0, 1.0], size=(m, 1))
        data = {"X": X, "w": w, "y": y}
        margins = y * (X @ w)
        # ±1 labels: ∇ = −(1/m) Σ yᵢ σ(−yᵢ xᵢᵀw) xᵢ; Bishop (4.97) H = Xᵀ R X / m,
        # R = diag(σ(1 − σ)) (y² = 1)
        expected_g = -(X.T @ (y * _sigma(-margins))) / m
        s = _sigma(X @ w).ravel()
        expected_H = X.T @ np.diag(s * (1 - s)) @ X / m
        np.testing.assert_allclose(evaluate(g, data), expected_g, atol=1e-10)
        np.testing.assert_allclose(evaluate(H, data), expected_H, atol=1e-10)


def test_elementwise_layer_agrees_with_sympy_on_polynomial_forms():
    for f in (least_squares(D), ridge(D, LAM, mean=True), quadratic_form(A, XV)):
        w = D.w if f.has(D.w) else XV
        own = tidy(sp.Transpose(jacobian(f, w)).doit())
        for X, wv, y, rng in _draws(5, 4):
            n = wv.shape[0]
            data = {"X": X, "w": wv, "y": y, "lambda": 0.7, "A": rng.standard_normal((n, n)),
                    "x": wv}
            np.testing.assert_allclose(evaluate(own, data), evaluate(f.diff(w), data),
                                       atol=1e-10)


@pytest.mark.parametrize("loss", ["least_squares", "ridge", "logistic"])
def test_gradients_pass_finite_differences_at_random_dimensions(loss):
    f = {"least_squares": least_squares(D, mean=True), "ridge": ridge(D, LAM),
         "logistic": logistic(D)}[loss]
    g = gradient(f, D.w)
    options = {"scalars": [LAM], "signs": ["y"] if loss == "logistic" else []}
    result = check_gradient(f, D.w, g, trials=6, **options)
    assert result.holds, result.detail
    assert check_hessian(f, D.w, hessian(f, D.w), g, trials=4, **options).holds
    deficient = check_gradient(f, D.w, g, trials=4, rank_deficient=["X"], low=2, **options)
    assert deficient.holds, deficient.detail


@pytest.mark.parametrize("wrong", ["transpose", "missing_1_over_m", "sign"])
def test_perturbed_gradients_fail(wrong):
    f = least_squares(D, mean=True)
    X, w, y, m = D.X, D.w, D.y, D.m
    stated = {"transpose": X.T * X * w / m - 2 * X.T * y / m,  # a slip in Xᵀy
              "missing_1_over_m": X.T * (X * w - y),
              "sign": X.T * (y - X * w) / m}[wrong]
    assert check_gradient(f, w, X.T * X * w / m - (y.T * X).T / m, trials=3).holds
    assert not check_gradient(f, w, stated, trials=6).holds


def test_wrong_transpose_fails_at_rectangular_dimensions():
    f = least_squares(D)
    wrong = D.X * (D.X.T * D.w - D.y)  # shapes only agree when m = n
    result = check_gradient(f, D.w, wrong, trials=8)
    assert not result.holds and "sizes" in result.counterexample


def test_torch_autograd_agrees():
    torch = pytest.importorskip("torch")
    for f, labels in ((least_squares(D, mean=True), False), (logistic(D), True)):
        g, H = gradient(f, D.w), hessian(f, D.w)
        for X, w, y, rng in _draws(6, 5):
            m = X.shape[0]
            if labels:
                y = rng.choice([-1.0, 1.0], size=(m, 1))
            Xt, yt = torch.tensor(X), torch.tensor(y)

            def loss(wt, Xt=Xt, yt=yt, labels=labels, m=m):
                if labels:
                    return torch.nn.functional.softplus(-yt * (Xt @ wt)).sum() / m
                return ((Xt @ wt - yt) ** 2).sum() / (2 * m)

            wt = torch.tensor(w, requires_grad=True)
            (auto,) = torch.autograd.grad(loss(wt), wt)
            hess = torch.autograd.functional.hessian(loss, torch.tensor(w))
            n = w.shape[0]
            data = {"X": X, "w": w, "y": y}
            np.testing.assert_allclose(evaluate(g, data), auto.numpy(), atol=1e-10)
            np.testing.assert_allclose(evaluate(H, data), hess.numpy().reshape(n, n),
                                       atol=1e-10)


def test_convexity_from_the_hessian_form():
    assert convexity(least_squares(D), D.w).value is True
    assert convexity(ridge(D, LAM), D.w).value is True
    assert convexity(logistic(D), D.w, signs=["y"]).value is True
    unknown = convexity(logistic(D), D.w)  # labels not declared ±1
    assert not unknown.known and "declare" in unknown.reason
    general = convexity(quadratic_form(A, XV), XV)  # A + Aᵀ: indefinite for some A
    assert not general.known
    concave = convexity(sp.MatMul(-1, *least_squares(D).args), D.w)
    assert not concave.known


def test_smoothness_and_strong_convexity_as_data_expressions():
    ls = least_squares(D, mean=True)
    L, mu = smoothness(ls, D.w).value, strong_convexity(ls, D.w).value
    L_log = smoothness(logistic(D), D.w, signs=["y"]).value
    assert strong_convexity(logistic(D), D.w, signs=["y"]).value == 0
    L_ridge = smoothness(ridge(D, LAM, mean=True), D.w).value
    for X, _, _, _ in _draws(7):
        m, n = X.shape
        data = {"X": X, "lambda": 0.5}
        eig = np.linalg.eigvalsh(X.T @ X)
        np.testing.assert_allclose(evaluate(sp.Identity(1) * L, data), [[eig[-1] / m]])
        expected_mu = 0.0 if np.linalg.matrix_rank(X) < n else eig[0] / m
        np.testing.assert_allclose(evaluate(sp.Identity(1) * mu, data), [[expected_mu]],
                                   atol=1e-10)
        # ‖X‖₂²/(4m) for the logistic loss (the spectral norm, numpy.linalg.norm(X, 2))
        np.testing.assert_allclose(evaluate(sp.Identity(1) * L_log, data),
                                   [[np.linalg.norm(X, 2) ** 2 / (4 * m)]])
        np.testing.assert_allclose(evaluate(sp.Identity(1) * L_ridge, data),
                                   [[eig[-1] / m + 0.5]])


def test_unsupported_forms_are_refused_with_the_node():
    W = sp.MatrixSymbol("W", N, N)
    with pytest.raises(UnsupportedError):
        gradient(W, W)
    with pytest.raises(UnsupportedError, match="matrix that depends"):
        jacobian(sp.OneMatrix(1, N) * (XV * XV.T).applyfunc(sp.exp) * XV, XV)


def test_softmax_cross_entropy_gradient_matches_finite_differences_and_torch():
    from symopt.vector.softmax import Softmax, softmax_cross_entropy

    s = softmax_cross_entropy()
    result = check_gradient(s.loss, s.W, s.gradient, trials=5)
    assert result.holds, result.detail
    wrong = sp.MatMul(1 / s.m, s.X.T, s.Y - Softmax(s.X * s.W))  # the sign of P − Y flipped
    assert not check_gradient(s.loss, s.W, wrong, trials=3).holds
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    for _ in range(4):
        m, n, k = (int(v) for v in rng.integers(1, 7, size=3))
        X, W = rng.standard_normal((m, n)), rng.standard_normal((n, k))
        labels = rng.integers(0, k, size=m)
        Y = np.eye(k)[labels]
        Wt = torch.tensor(W, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(torch.tensor(X) @ Wt, torch.tensor(labels))
        (auto,) = torch.autograd.grad(loss, Wt)
        data = {"X": X, "W": W, "Y": Y}
        np.testing.assert_allclose(evaluate(s.gradient, data), auto.numpy(), atol=1e-10)
        assert evaluate(s.loss, data)[0, 0] == pytest.approx(float(loss.detach()))


def test_normal_equations_of_least_squares_and_ridge():
    from symopt.vector.calculus import normal_equations

    A, b = normal_equations(least_squares(D), D.w)
    assert (A, b) == (D.X.T * D.X, D.X.T * D.y)  # d2l.ai §3.1.1: XᵀXw = Xᵀy
    A, b = normal_equations(ridge(D, LAM), D.w)
    for X, _w, y, _ in _draws(9, 4):
        n = X.shape[1]
        data = {"X": X, "y": y, "lambda": 0.4}
        np.testing.assert_allclose(evaluate(A, data), X.T @ X + 0.4 * np.eye(n))  # Bishop (3.28)
        np.testing.assert_allclose(evaluate(b, data), X.T @ y)
    with pytest.raises(UnsupportedError, match="affine"):
        normal_equations(logistic(D), D.w)


def test_logistic_with_an_offset_gives_bounds_not_exact_constants():
    from symopt.vector.jacobian import elementwise

    t = sp.Dummy("t", real=True)
    b = sp.MatrixSymbol("b", D.m, 1)
    margins = sp.HadamardProduct(D.y, D.X * D.w + b)  # t(0) = y ∘ b ≠ 0
    f = sp.MatMul(1 / D.m, sp.OneMatrix(1, D.m),
                  elementwise(sp.Lambda(t, sp.log(1 + sp.exp(-t))), margins))
    assert convexity(f, D.w, signs=["y"]).value is True
    L = smoothness(f, D.w, signs=["y"])
    assert not L.known and "upper bound" in L.reason
