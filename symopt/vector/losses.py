"""The textbook losses as SymPy matrix expressions with symbolic dimensions.

X ∈ ℝ^{m×n} (m samples, n features), w ∈ ℝⁿ, y ∈ ℝ^m; every loss is a 1×1
matrix expression, so that :func:`symopt.vector.calculus.gradient` applies.

* least squares ½‖Xw − y‖², or the mean (1/2m)‖Xw − y‖² (``mean=True``);
* ridge: least squares + (λ/2)‖w‖²;
* quadratic form xᵀAx;
* logistic (labels y ∈ {−1, 1}^m): (1/m) 1ᵀ log(1 + exp(−y ∘ Xw)).

>>> d = data_symbols()
>>> least_squares(d)
(1/2)*(X*w - y).T*(X*w - y)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symopt.vector.jacobian import elementwise

__all__ = ["Data", "data_symbols", "least_squares", "logistic", "logistic_phi", "quadratic_form",
           "ridge"]


@dataclass(frozen=True)
class Data:
    """Dimension symbols m, n and the matrix symbols X (m×n), w (n×1), y (m×1)."""

    m: sp.Symbol
    n: sp.Symbol
    X: sp.MatrixSymbol
    w: sp.MatrixSymbol
    y: sp.MatrixSymbol


def data_symbols(X: str = "X", w: str = "w", y: str = "y") -> Data:
    """Fresh data symbols with positive integer dimensions m and n.

    >>> data_symbols().X.shape
    (m, n)
    """
    m, n = sp.symbols("m n", integer=True, positive=True)
    return Data(m, n, sp.MatrixSymbol(X, m, n), sp.MatrixSymbol(w, n, 1),
                sp.MatrixSymbol(y, m, 1))


def least_squares(d: Data, *, mean: bool = False) -> sp.MatrixExpr:
    """½‖Xw − y‖² (or (1/2m)‖Xw − y‖² with ``mean``).

    >>> least_squares(data_symbols(), mean=True)
    (1/(2*m))*(X*w - y).T*(X*w - y)
    """
    r = d.X * d.w - d.y
    scale = 1 / (2 * d.m) if mean else sp.Rational(1, 2)
    return sp.MatMul(scale, sp.Transpose(r), r)


def ridge(d: Data, lam: sp.Symbol, *, mean: bool = False) -> sp.MatrixExpr:
    """Least squares + (λ/2)‖w‖².

    >>> lam = sp.Symbol("lambda", positive=True)
    >>> ridge(data_symbols(), lam)
    (lambda/2)*w.T*w + (1/2)*(X*w - y).T*(X*w - y)
    """
    return sp.MatAdd(least_squares(d, mean=mean), sp.MatMul(lam / 2, d.w.T, d.w))


def quadratic_form(A: sp.MatrixSymbol, x: sp.MatrixSymbol) -> sp.MatrixExpr:
    """xᵀAx.

    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> quadratic_form(sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1))
    x.T*A*x
    """
    return x.T * A * x


def logistic_phi() -> sp.Lambda:
    """φ(t) = log(1 + e^{−t}), the logistic loss of the margin t = yᵢ xᵢᵀw.

    >>> logistic_phi()(0)
    log(2)
    """
    t = sp.Dummy("t", real=True)
    return sp.Lambda(t, sp.log(1 + sp.exp(-t)))


def logistic(d: Data) -> sp.MatrixExpr:
    """(1/m) 1ᵀ log(1 + exp(−y ∘ Xw)) = (1/m) Σᵢ log(1 + exp(−yᵢ xᵢᵀw)), y ∈ {−1, 1}^m.

    >>> logistic(data_symbols()).shape
    (1, 1)
    """
    margins = sp.HadamardProduct(d.y, d.X * d.w)
    return sp.MatMul(1 / d.m, sp.OneMatrix(1, d.m), elementwise(logistic_phi(), margins))
