r"""The algebra both vector readers build with: shape-checked products, sums, powers,
transposes and norms of SymPy matrix expressions in symbolic dimension.

The common currency is SymPy's matrix expressions (``MatrixSymbol``, ``Transpose``,
``MatMul``, ``MatAdd``) with positive-integer dimension symbols. Two conventions:

* **A 1 × 1 product is a number.** ``wᵀx`` and ``xᵀAx`` are scalars, written
  ``MatrixElement(wᵀx, 0, 0)`` built *unevaluated* (SymPy's own ``(wᵀx)[0, 0]``
  expands into an index sum ``Sum(w[i, 0]*x[i, 0], ...)`` and loses the matrix
  form). :func:`scalar_of` builds it, :func:`matrix_of` gives the product back.
  Note: SymPy 1.14 differentiates such an element with respect to a
  ``MatrixSymbol`` *wrongly* (to 0); derivatives go through ``symopt.vector``.
* **‖v‖ is ``sqrt(MatrixElement(vᵀv, 0, 0))``**, so ‖v‖² is exactly ``MatrixElement(vᵀv, 0, 0)``.

Derivatives the text asks for (``\nabla f(x)``, ``\nabla_w J``) are :class:`Gradient`
nodes, left unevaluated for the calculus side (``sympy.Derivative`` by a matrix would
silently evaluate to 0 on ``doit``).

>>> import sympy as sp
>>> n, m = sp.symbols("n m", integer=True, positive=True)
>>> X, w, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("y", m, 1)
>>> multiply(X.T, add(multiply(X, w), -y))
X.T*(X*w - y)
>>> power(norm(add(multiply(X, w), -y)), sp.Integer(2))
((w.T*X.T - y.T)*(X*w - y))[0, 0]
>>> multiply(w, w)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symopt.errors.ParseError: cannot multiply w (n x 1) by w (n x 1): the inner dimensions 1 and ...
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from symopt.errors import ParseError

__all__ = [
    "EigMax",
    "EigMin",
    "Gradient",
    "Hessian",
    "SpectralNorm",
    "add",
    "describe_shape",
    "divide",
    "eigenvalue",
    "is_matrix",
    "lambda_max",
    "lambda_min",
    "matrix_norm",
    "matrix_of",
    "multiply",
    "norm",
    "power",
    "require_scalar",
    "scalar_of",
    "transpose",
]

#: Largest integer power of a square matrix expression.
MAX_MATRIX_POWER = 100


def is_matrix(value: object) -> bool:
    """Whether ``value`` is a matrix expression (a vector or a matrix, not a number).

    >>> import sympy as sp
    >>> is_matrix(sp.MatrixSymbol("x", 3, 1)), is_matrix(sp.Symbol("x"))
    (True, False)
    """
    return isinstance(value, sp.MatrixExpr) and not isinstance(value, MatrixElement)


def describe_shape(value: sp.Basic) -> str:
    """``"m x n"`` for a matrix expression, ``"scalar"`` otherwise.

    >>> import sympy as sp
    >>> describe_shape(sp.MatrixSymbol("X", 2, sp.Symbol("n")))
    '2 x n'
    """
    if not is_matrix(value):
        return "scalar"
    rows, cols = value.shape
    return f"{rows} x {cols}"


def _named(value: sp.Basic) -> str:
    return f"{value} ({describe_shape(value)})"


def scalar_of(product: sp.MatrixExpr) -> sp.Expr:
    """The number a 1 × 1 matrix expression stands for, kept in matrix form.

    >>> import sympy as sp
    >>> w = sp.MatrixSymbol("w", sp.Symbol("n", integer=True, positive=True), 1)
    >>> scalar_of(w.T * w)
    (w.T*w)[0, 0]
    """
    if product.shape != (1, 1):
        raise ParseError(f"{_named(product)} is not 1 x 1")
    coefficient = sp.Integer(1)
    if isinstance(product, sp.MatMul):  # -y_i wᵀx_i: the number (-y_i)·(wᵀx_i)
        factors = product.args
        scalars = [f for f in factors if not is_matrix(f)]
        if scalars and len(scalars) < len(factors):
            coefficient = sp.Mul(*scalars)
            product = sp.MatMul(*(f for f in factors if is_matrix(f))).doit(deep=False)
    return coefficient * MatrixElement(product, sp.Integer(0), sp.Integer(0))


def matrix_of(value: sp.Expr) -> sp.MatrixExpr | None:
    """The 1 × 1 product a scalar made by :func:`scalar_of` stands for (else ``None``).

    >>> import sympy as sp
    >>> w = sp.MatrixSymbol("w", 3, 1)
    >>> matrix_of(scalar_of(w.T * w))
    w.T*w
    """
    if isinstance(value, MatrixElement) and value.parent.shape == (1, 1):
        return value.parent
    return None


def _symbolic(value: sp.Basic) -> sp.Basic:
    """An explicit matrix as a matrix expression (so it mixes with symbolic ones)."""
    return sp.ImmutableMatrix(value) if isinstance(value, sp.MatrixBase) else value


def multiply(left: sp.Basic, right: sp.Basic) -> sp.Basic:
    """``left · right`` with the inner dimensions checked; a 1 × 1 result is a number."""
    left, right = _symbolic(left), _symbolic(right)
    if is_matrix(left) and is_matrix(right):
        if sp.simplify(left.shape[1] - right.shape[0]) != 0:
            raise ParseError(f"cannot multiply {_named(left)} by {_named(right)}: the inner "
                             f"dimensions {left.shape[1]} and {right.shape[0]} differ")
        product = sp.MatMul(left, right).doit(deep=False)
        return scalar_of(product) if product.shape == (1, 1) else product
    if is_matrix(left) or is_matrix(right):
        return sp.MatMul(left, right).doit(deep=False)
    return left * right


def add(left: sp.Basic, right: sp.Basic) -> sp.Basic:
    """``left + right``, refusing a vector plus a number or a sum of different shapes."""
    left, right = _symbolic(left), _symbolic(right)
    if is_matrix(left) != is_matrix(right):
        matrix, number = (left, right) if is_matrix(left) else (right, left)
        if number == 0:
            return matrix
        raise ParseError(f"cannot add {_named(matrix)} and the number {number}: write the "
                         "number times a vector of ones (declare it) if that is meant")
    if is_matrix(left):
        if any(sp.simplify(a - b) != 0 for a, b in zip(left.shape, right.shape)):
            raise ParseError(f"cannot add {_named(left)} and {_named(right)}: different shapes")
        return sp.MatAdd(left, right).doit(deep=False)
    return left + right


def divide(left: sp.Basic, right: sp.Basic) -> sp.Basic:
    """``left / right`` for a number ``right``; dividing by a vector or matrix is refused."""
    if is_matrix(right):
        raise ParseError(f"cannot divide by {_named(right)}")
    return multiply(left, 1 / right) if is_matrix(left) else left / right


def power(base: sp.Basic, exponent: sp.Basic) -> sp.Basic:
    """``base ** exponent``; a square matrix to an integer power, never a vector squared."""
    if is_matrix(exponent):
        raise ParseError(f"{_named(exponent)} cannot be an exponent")
    if not is_matrix(base):
        return sp.Pow(base, exponent)
    rows, cols = base.shape
    if cols == 1 or rows == 1:
        raise ParseError(f"power of the vector {_named(base)}: write x^T x or \\|x\\|^2 for the "
                         "squared norm (an elementwise square is not supported)")
    if sp.simplify(rows - cols) != 0:
        raise ParseError(f"power of the non-square matrix {_named(base)}")
    if not (exponent.is_Integer and 0 < abs(exponent) <= MAX_MATRIX_POWER):
        raise ParseError(f"a matrix power must be a nonzero integer up to {MAX_MATRIX_POWER} "
                         f"in size, not {exponent}")
    return sp.MatPow(base, exponent)


def transpose(value: sp.Basic) -> sp.Basic:
    """The transpose of a vector or matrix (a number is refused: ``^T`` on it is a power)."""
    if not is_matrix(value):
        raise ParseError(f"transpose of the number {value}: declare it as a vector or a "
                         "matrix if it is one")
    return value.T


def norm(value: sp.Basic) -> sp.Expr:
    """The Euclidean norm of a vector (‖v‖ = sqrt(vᵀv)), |v| of a number.

    Matrix norms are refused: the spectral and the Frobenius norm are both written ‖X‖.
    """
    if not is_matrix(value):
        return sp.Abs(value)
    rows, cols = value.shape
    if cols == 1:
        return sp.sqrt(scalar_of(sp.MatMul(value.T, value).doit(deep=False)))
    if rows == 1:
        return sp.sqrt(scalar_of(sp.MatMul(value, value.T).doit(deep=False)))
    raise ParseError(f"norm of the matrix {_named(value)}: the spectral norm or the Frobenius "
                     "norm? write \\|X\\|_2 or \\|X\\|_F")


def matrix_norm(value: sp.MatrixExpr, order: str) -> sp.Expr:
    """‖X‖_2 (:class:`SpectralNorm`) or ‖X‖_F (``sqrt(trace(XᵀX))``) of a matrix.

    >>> import sympy as sp
    >>> X = sp.MatrixSymbol("X", 3, 2)
    >>> matrix_norm(X, "F"), matrix_norm(X, "2")
    (sqrt(Trace(X.T*X)), SpectralNorm(X))
    """
    if not is_matrix(value) or 1 in value.shape:
        raise ParseError(f"a matrix norm of {_named(value)}, which is not a matrix")
    if order == "F":
        return sp.sqrt(sp.Trace(value.T * value))
    if order == "2":
        return SpectralNorm(value)
    raise ParseError(f"matrix norm of order {order} is not read (‖X‖_2 and ‖X‖_F are)")


class SpectralNorm(sp.Function):
    """‖X‖₂, the largest singular value of a matrix expression (unevaluated).

    >>> import sympy as sp
    >>> X = sp.MatrixSymbol("X", 3, 2)
    >>> SpectralNorm(X).is_nonnegative, SpectralNorm(X).rewrite(lambda_max)
    (True, sqrt(lambda_max(X.T*X)))
    """

    nargs = 1
    is_real = True
    is_nonnegative = True

    def _eval_rewrite_as_lambda_max(self, M: sp.MatrixExpr, **hints: object) -> sp.Expr:
        """‖M‖₂ = √λ_max(MᵀM): ``SpectralNorm(M).rewrite(lambda_max)``."""
        return sp.sqrt(lambda_max(sp.MatMul(M.T, M).doit()))

    def _latex(self, printer: object) -> str:
        return rf"\left\|{printer._print(self.args[0])}\right\|_{{2}}"


#: Largest side of an explicit symmetric matrix of rational numbers whose λ_max, λ_min is
#: computed exactly (as a root of its characteristic polynomial). Other explicit matrices are
#: solved up to 2 × 2; larger ones stay unevaluated (a symbolic 4 × 4 does not finish).
MAX_EXACT_EIGEN_SIDE = 8


def _exact_spectrum(M: sp.Basic) -> list[sp.Expr] | None:
    """The eigenvalues of an explicit symmetric matrix small enough to solve exactly."""
    if not (isinstance(M, sp.ImmutableMatrix) and M.is_square and M.is_symmetric()):
        return None
    side = M.shape[0]
    if side <= MAX_EXACT_EIGEN_SIDE and all(e.is_Rational for e in M):
        return M.charpoly().real_roots()  # all real: M is symmetric
    if side <= 2:
        return list(M.eigenvals())
    return None


class _ExtremeEigenvalue(sp.Function):
    """λ_max or λ_min (``end``) of a symmetric matrix expression: real, one argument."""

    nargs = 1
    is_real = True
    end: str

    @classmethod
    def eval(cls, M: sp.Basic) -> sp.Expr | None:  # safe: SymPy Function.eval hook
        spectrum = _exact_spectrum(M)
        if spectrum is None:
            return None
        return (sp.Max if cls.end == "max" else sp.Min)(*spectrum)

    def _latex(self, printer: object) -> str:
        return rf"\lambda_{{\{self.end}}}\left({printer._print(self.args[0])}\right)"


class lambda_max(_ExtremeEigenvalue):  # noqa: N801 - reads like the math
    """λ_max, the largest eigenvalue of a symmetric matrix expression (unevaluated).

    The readers make it from ``\\lambda_{\\max}(X^\\top X)`` and ``eigmax(X.T*X)``, the
    calculus from a Hessian's Gram term (:func:`symopt.vector.smoothness`); a small explicit
    symmetric matrix evaluates exactly.

    >>> import sympy as sp
    >>> X = sp.MatrixSymbol("X", 3, 2)
    >>> lambda_max(X.T * X).is_real, lambda_max(sp.ImmutableMatrix([[2, 0], [0, 5]]))
    (True, 5)
    """

    end = "max"


class lambda_min(_ExtremeEigenvalue):  # noqa: N801 - reads like the math
    """λ_min, the smallest eigenvalue of a symmetric matrix expression (unevaluated).

    >>> import sympy as sp
    >>> lambda_min(sp.ImmutableMatrix([[2, 0], [0, 5]]))
    2
    """

    end = "min"


#: The names the readers' λ_max, λ_min had before they were one type with the calculus's.
EigMax, EigMin = lambda_max, lambda_min


def eigenvalue(which: str, value: sp.Basic) -> sp.Expr:
    """λ_max / λ_min (``which`` is ``"max"`` or ``"min"``) of a square matrix expression."""
    if not is_matrix(value) or sp.simplify(value.shape[0] - value.shape[1]) != 0:
        raise ParseError(f"λ_{which} of {_named(value)}, which is not a square matrix")
    return {"max": lambda_max, "min": lambda_min}[which](value)


def require_scalar(value: sp.Basic, what: str) -> sp.Basic:
    """``value`` if it is a number; a plain error naming ``what`` needs one otherwise."""
    if is_matrix(value):
        raise ParseError(f"{what} of {_named(value)}: elementwise functions of vectors are not "
                         "read; write a sum over the entries")
    return value


class _DerivativeNode(sp.MatrixExpr):
    """An unevaluated derivative of a scalar ``expr`` with respect to a matrix ``variable``:
    the part :class:`Gradient` and :class:`Hessian` share (the two arguments and ``str``)."""

    @property
    def expr(self) -> sp.Basic:
        """The scalar being differentiated."""
        return self.args[0]

    @property
    def variable(self) -> sp.MatrixSymbol:
        """The declared vector or matrix it is differentiated by."""
        return self.args[1]

    def _sympystr(self, printer: object) -> str:
        name = type(self).__name__
        return f"{name}({printer._print(self.expr)}, {printer._print(self.variable)})"


class Hessian(_DerivativeNode):
    """∇² of a scalar ``expr`` with respect to a column vector ``variable``, unevaluated;
    an n × n matrix expression.

    >>> import sympy as sp
    >>> w = sp.MatrixSymbol("w", sp.Symbol("n", integer=True, positive=True), 1)
    >>> Hessian(sp.Function("f")(w), w).shape
    (n, n)
    """

    def __new__(cls, expr: sp.Basic, variable: sp.MatrixExpr) -> Hessian:
        if is_matrix(expr):
            raise ParseError(f"Hessian of {_named(expr)}: a Hessian is of a number")
        if not isinstance(variable, sp.MatrixSymbol) or variable.shape[1] != 1:
            raise ParseError(f"a Hessian is with respect to a declared vector, not {variable}")
        return super().__new__(cls, sp.sympify(expr, strict=True), variable)  # safe: strict

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return (self.variable.shape[0], self.variable.shape[0])

    def _latex(self, printer: object) -> str:
        return rf"\nabla^{{2}}_{{{printer._print(self.variable)}}} {printer._print(self.expr)}"


class Gradient(_DerivativeNode):
    """∇ of a scalar ``expr`` with respect to a vector or matrix ``variable``, unevaluated.

    Its shape is the variable's. The calculus side (``symopt.vector``) evaluates it.

    >>> import sympy as sp
    >>> w = sp.MatrixSymbol("w", sp.Symbol("n", integer=True, positive=True), 1)
    >>> g = Gradient(sp.Function("f")(w), w)
    >>> g.shape, g.expr, g.variable
    ((n, 1), f(w), w)
    """

    def __new__(cls, expr: sp.Basic, variable: sp.MatrixExpr) -> Gradient:
        if is_matrix(expr):
            raise ParseError(f"gradient of {_named(expr)}: a gradient is of a number")
        if not isinstance(variable, sp.MatrixSymbol):
            raise ParseError(f"a gradient is with respect to a declared vector or matrix, not "
                             f"{variable}")
        return super().__new__(cls, sp.sympify(expr, strict=True), variable)  # safe: strict

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.variable.shape

    def _latex(self, printer: object) -> str:
        return rf"\nabla_{{{printer._print(self.variable)}}} {printer._print(self.expr)}"
