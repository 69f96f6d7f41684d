"""λ_max, λ_min of a symmetric matrix expression, kept unevaluated.

L and μ of a loss in general dimension are expressions in the data such as
λ_max(XᵀX)/m; these two functions name the extreme eigenvalues so that they
print as a textbook writes them and evaluate numerically for explicit data
(``numpy.linalg.eigvalsh``).

>>> import sympy as sp
>>> m, n = sp.symbols("m n", integer=True, positive=True)
>>> X = sp.MatrixSymbol("X", m, n)
>>> sp.latex(lambda_max(X.T * X) / m)
'\\\\frac{\\\\lambda_{\\\\max}\\\\left(X^{T} X\\\\right)}{m}'
"""

from __future__ import annotations

import sympy as sp

__all__ = ["lambda_max", "lambda_min"]


class lambda_max(sp.Function):  # noqa: N801 - reads like the math
    """The largest eigenvalue of a symmetric matrix expression (≥ 0 for a Gram matrix).

    >>> import sympy as sp
    >>> lambda_max(sp.ImmutableMatrix([[2, 0], [0, 5]]))
    5
    """

    is_real = True

    @classmethod
    def eval(cls, M: sp.Basic) -> sp.Expr | None:  # safe: SymPy Function.eval hook
        if isinstance(M, sp.ImmutableMatrix) and M.is_symmetric():
            return sp.Max(*M.eigenvals())
        return None

    def _latex(self, printer: object) -> str:
        return rf"\lambda_{{\max}}\left({printer._print(self.args[0])}\right)"


class lambda_min(sp.Function):  # noqa: N801 - reads like the math
    """The smallest eigenvalue of a symmetric matrix expression (0 if it is singular).

    >>> import sympy as sp
    >>> lambda_min(sp.ImmutableMatrix([[2, 0], [0, 5]]))
    2
    """

    is_real = True

    @classmethod
    def eval(cls, M: sp.Basic) -> sp.Expr | None:  # safe: SymPy Function.eval hook
        if isinstance(M, sp.ImmutableMatrix) and M.is_symmetric():
            return sp.Min(*M.eigenvals())
        return None

    def _latex(self, printer: object) -> str:
        return rf"\lambda_{{\min}}\left({printer._print(self.args[0])}\right)"
