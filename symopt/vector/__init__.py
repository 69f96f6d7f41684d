"""Vector and matrix calculus in general dimension.

Scalar losses written with SymPy matrix expressions of symbolic shape
(``X = MatrixSymbol("X", m, n)``): their gradients and Hessians
(:mod:`~symopt.vector.calculus`, with the elementwise layer of
:mod:`~symopt.vector.jacobian`), convexity, L and μ from the Hessian's form
(:mod:`~symopt.vector.curvature`), numeric checks at random dimensions
(:mod:`~symopt.vector.checks`), finite sums with symbolic bounds
(:mod:`~symopt.vector.sums`) and in-place NumPy kernels
(:mod:`~symopt.vector.kernel`).

>>> from symopt.vector import data_symbols, gradient, least_squares
>>> d = data_symbols()
>>> gradient(least_squares(d), d.w)
X.T*(X*w - y)
"""

from symopt.vector.calculus import gradient, hessian
from symopt.vector.checks import NumericCheck, check_gradient, check_hessian, check_identity
from symopt.vector.curvature import convexity, smoothness, strong_convexity
from symopt.vector.evaluate import evaluate, sample
from symopt.vector.losses import (
    Data,
    data_symbols,
    least_squares,
    logistic,
    quadratic_form,
    ridge,
)
from symopt.vector.spectral import lambda_max, lambda_min

__all__ = [
    "Data",
    "NumericCheck",
    "check_gradient",
    "check_hessian",
    "check_identity",
    "convexity",
    "data_symbols",
    "evaluate",
    "gradient",
    "hessian",
    "lambda_max",
    "lambda_min",
    "least_squares",
    "logistic",
    "quadratic_form",
    "ridge",
    "sample",
    "smoothness",
    "strong_convexity",
]
