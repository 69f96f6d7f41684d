"""Gradients of the linear-regression and logistic losses: both are Xᵀ(ŷ − y)/m.

The gradients are computed by SymPy's matrix calculus (least squares) and by
the chain rule on one sample (logistic); every step is checked with explicit
random data matrices of random sizes.

>>> from symopt.derivations.regression import linear_regression_gradient
>>> linear_regression_gradient().results["gradient"]
1/m*X.T*(X*w - y)
"""

from __future__ import annotations

import sympy as sp

from symopt.derivation import Derivation
from symopt.symbols import symbol

__all__ = ["linear_regression_gradient", "logistic_regression_gradient", "sigmoid"]


class sigmoid(sp.Function):  # noqa: N801 - reads like the math
    """σ(z) = 1/(1 + e^{−z}), kept as one symbol so that σ(Xw) can act elementwise.

    >>> sigmoid(0)
    1/2
    """

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:  # safe: SymPy Function.eval hook
        if arg.is_Number:
            return 1 / (1 + sp.exp(-arg))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        z = self.args[0]
        return sp.exp(-z) / (1 + sp.exp(-z))**2  # from the definition, not from σ(1 − σ)

    def _latex(self, printer: object) -> str:
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


def _data() -> tuple:
    m = symbol("m", integer=True, positive=True)
    n = symbol("n", integer=True, positive=True)
    X = sp.MatrixSymbol("X", m, n)
    w = sp.MatrixSymbol("w", n, 1)
    y = sp.MatrixSymbol("y", m, 1)
    yhat = sp.MatrixSymbol("yhat", m, 1)
    return m, n, X, w, y, yhat


def linear_regression_gradient() -> Derivation:
    """∇_w of the mean squared error (1/2m)‖Xw − y‖² = Xᵀ(ŷ − y)/m with ŷ = Xw."""
    m, _, X, w, y, yhat = _data()
    L = sp.Function("L")(w)
    d = Derivation("Gradient of the least-squares loss",
                   intro="Data $X$ ($m$ samples by $n$ features), targets $y$, weights $w$.")
    d.define(yhat, X * w, "predictions")
    residual = sp.MatAdd(X * w, -y)
    loss = sp.MatMul(1 / (2 * m), residual.T, residual, evaluate=False)
    d.define(L, loss, "mean squared error $\\frac{1}{2m} \\lVert X w - y \\rVert^2$")
    gradient = loss.diff(w)  # SymPy's matrix calculus
    d.equation(sp.Derivative(L, w), gradient, "differentiate (matrix calculus)")
    d.then(sp.MatMul(1 / m, X.T, sp.MatAdd(yhat, -y), evaluate=False),
           "$X w = \\hat{y}$")
    d.result("gradient", gradient)
    return d


def logistic_regression_gradient() -> Derivation:
    """∇_w of the mean cross-entropy with ŷ = σ(Xw) is Xᵀ(ŷ − y)/m, via one sample first."""
    m, _, X, w, y, yhat = _data()
    z, t = symbol("z"), symbol("y")
    sigma = sp.Function("sigma")
    d = Derivation("Gradient of the logistic (cross-entropy) loss",
                   intro="One sample first: score $z$, label $y \\in \\{0, 1\\}$, "
                         "probability $\\sigma(z)$; then the mean over $m$ samples.")
    d.define(sigma(z), 1 / (1 + sp.exp(-z)), "the logistic function")
    d.equation(sp.Derivative(sigma(z), z), sigma(z) * (1 - sigma(z)), "differentiate")
    ell = sp.Function("ell")(z)
    d.define(ell, -t * sp.log(sigma(z)) - (1 - t) * sp.log(1 - sigma(z)), "cross-entropy")
    d.equation(sp.Derivative(ell, z), sigma(z) - t, "chain rule, then $\\sigma' = "
               "\\sigma(1 - \\sigma)$")
    # The mean over samples, in matrix form: sigma and log act elementwise.
    L = sp.Function("L")(w)
    ones = sp.OneMatrix(m, 1)
    d.define(yhat, (X * w).applyfunc(sigmoid), "predictions, $\\sigma$ elementwise")
    loss = sp.MatMul(-1 / m, sp.MatAdd(y.T * yhat.applyfunc(sp.log),
                                       (ones - y).T * (ones - yhat).applyfunc(sp.log)),
                     evaluate=False)
    d.define(L, loss, "mean cross-entropy ($\\log$ elementwise)")
    d.equation(sp.Derivative(L, w), sp.MatMul(1 / m, X.T, sp.MatAdd(yhat, -y), evaluate=False),
               "sum the one-sample gradients $(\\sigma(z_i) - y_i)\\, x_i$ with "
               "$z_i = x_i^\\top w$")
    d.result("gradient", X.T * (yhat - y) / m)
    return d
