"""λ_max, λ_min of a symmetric matrix expression, kept unevaluated.

L and μ of a loss in general dimension are expressions in the data such as
λ_max(XᵀX)/m; these two functions name the extreme eigenvalues so that they
print as a textbook writes them and evaluate numerically for explicit data
(``numpy.linalg.eigvalsh``, :mod:`symopt.vector.evaluate`). They are the very
types the LaTeX and text readers build (``\\lambda_{\\max}(X^\\top X)``,
``eigmax(X.T*X)``), defined once in :mod:`symopt.vector_ops`.

>>> import sympy as sp
>>> m, n = sp.symbols("m n", integer=True, positive=True)
>>> X = sp.MatrixSymbol("X", m, n)
>>> sp.latex(lambda_max(X.T * X) / m)
'\\\\frac{\\\\lambda_{\\\\max}\\\\left(X^{T} X\\\\right)}{m}'
"""

from __future__ import annotations

from symopt.vector_ops import lambda_max, lambda_min

__all__ = ["lambda_max", "lambda_min"]
