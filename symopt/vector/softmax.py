"""Softmax cross-entropy in general dimension: m samples, n features, k classes.

The loss of weights W ∈ ℝ^{n×k} on data X ∈ ℝ^{m×n} with one-hot labels
Y ∈ {0, 1}^{m×k} is (1/m) Σᵢ [log Σ_c exp(zᵢ_c) − Σ_c Yᵢ_c zᵢ_c], Z = XW. Softmax
acts on *rows*, which neither SymPy's matrix calculus nor the elementwise layer
of :mod:`symopt.vector.jacobian` (columns, entry by entry) express, so this
module derives the gradient in two exact steps and keeps two small matrix
nodes for the result:

1. one sample, k symbolic: ∂/∂z_j [log Σ_c e^{z_c} − Σ_c Y_c z_c] = e^{z_j}/Σ_c e^{z_c} − Y_j,
   by SymPy on indexed sums with a symbolic number of classes (Kronecker deltas);
2. the chain rule through z = Wᵀxᵢ: ∂ℓᵢ/∂W = xᵢ(pᵢ − yᵢ)ᵀ, and the sum over samples
   Σᵢ xᵢ(pᵢ − yᵢ)ᵀ = Xᵀ(P − Y), P = softmax(XW) row by row.

So ∇_W = (1/m) Xᵀ(softmax(XW) − Y) (Bishop (4.109)); :class:`Softmax` and
:class:`LogSumExp` evaluate numerically (:mod:`symopt.vector.evaluate`) so that
finite differences and torch check the result at random m, n, k.

>>> s = softmax_cross_entropy()
>>> s.gradient
1/m*X.T*(-Y + softmax(X*W))
>>> s.score_derivative
exp(z[j])/Sum(exp(z[c]), (c, 1, k)) - Y[j]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from symopt.errors import SolverError

__all__ = ["LogSumExp", "Softmax", "SoftmaxCrossEntropy", "softmax_cross_entropy"]


class _RowFunction(sp.MatrixExpr):
    """A function of each row of a matrix expression, printed ``label(Z)`` (an upright
    operator name in LaTeX); its values come from ``numeric``."""

    label: str

    def __new__(cls, arg: sp.MatrixExpr) -> _RowFunction:
        return sp.Basic.__new__(cls, arg)

    def _latex(self, printer: object) -> str:
        return rf"\operatorname{{{self.label}}}\left({printer._print(self.args[0])}\right)"

    def _sympystr(self, printer: object) -> str:
        return f"{self.label}({printer._print(self.args[0])})"


class Softmax(_RowFunction):
    """softmax applied to each row of a matrix expression (same shape).

    >>> Z = sp.MatrixSymbol("Z", 3, 4)
    >>> Softmax(Z).shape
    (3, 4)
    """

    label = "softmax"

    @property
    def shape(self) -> tuple:
        return self.args[0].shape

    @staticmethod
    def numeric(Z: np.ndarray) -> np.ndarray:
        """Row-wise softmax, shifted by the row maximum for stability."""
        e = np.exp(Z - Z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


class LogSumExp(_RowFunction):
    """log Σ_c exp(Z_ic) of each row i: an m×1 column.

    >>> LogSumExp(sp.MatrixSymbol("Z", 3, 4)).shape
    (3, 1)
    """

    label = "logsumexp"

    @property
    def shape(self) -> tuple:
        return (self.args[0].shape[0], sp.Integer(1))

    @staticmethod
    def numeric(Z: np.ndarray) -> np.ndarray:
        """Row-wise log Σ exp, shifted by the row maximum for stability."""
        top = Z.max(axis=1, keepdims=True)
        return top + np.log(np.exp(Z - top).sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class SoftmaxCrossEntropy:
    """The symbols, the loss (1×1), its gradient in W and the one-sample derivative."""

    m: sp.Symbol
    n: sp.Symbol
    k: sp.Symbol
    X: sp.MatrixSymbol
    W: sp.MatrixSymbol
    Y: sp.MatrixSymbol
    loss: sp.MatrixExpr
    gradient: sp.MatrixExpr
    score_derivative: sp.Expr


def _score_derivative(k: sp.Symbol) -> sp.Expr:
    z, Y = sp.IndexedBase("z", real=True), sp.IndexedBase("Y", real=True)
    c = sp.Symbol("c", integer=True)
    j = sp.Symbol("j", integer=True, positive=True)
    ell = sp.log(sp.Sum(sp.exp(z[c]), (c, 1, k))) - sp.Sum(Y[c] * z[c], (c, 1, k))
    derivative = sp.diff(ell, z[j]).doit()
    inside = {sp.Le(j, k): True}  # j is a class: 1 ≤ j ≤ k
    derivative = derivative.replace(
        lambda e: isinstance(e, sp.Piecewise),
        lambda e: next(v for v, cond in e.args if cond in inside or cond is sp.true))
    expected = sp.exp(z[j]) / sp.Sum(sp.exp(z[c]), (c, 1, k)) - Y[j]
    if sp.simplify(derivative - expected) != 0:
        raise SolverError(f"the one-sample derivative came out as {derivative}")
    return expected


def softmax_cross_entropy() -> SoftmaxCrossEntropy:
    """The loss and its gradient (1/m) Xᵀ(softmax(XW) − Y), derived as the module says."""
    m, n, k = sp.symbols("m n k", integer=True, positive=True)
    X, W, Y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("W", n, k), sp.MatrixSymbol("Y", m, k)
    Z = X * W
    loss = sp.MatMul(1 / m, sp.MatAdd(sp.OneMatrix(1, m) * LogSumExp(Z),
                                      -sp.OneMatrix(1, m) * sp.HadamardProduct(Y, Z)
                                      * sp.OneMatrix(k, 1)))
    derivative = _score_derivative(k)
    gradient = sp.MatMul(1 / m, X.T, sp.MatAdd(Softmax(Z), -Y))
    return SoftmaxCrossEntropy(m, n, k, X, W, Y, loss, gradient, derivative)
