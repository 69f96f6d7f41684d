"""From the parsed form of vector notation to the 1×1 matrix form of this package.

:func:`symopt.vector_input.parse_vector` returns a scalar such as ½‖Xw − y‖² as the
number ``MatrixElement(M, 0, 0)`` of a 1×1 product, with ``log``/``exp`` on such
numbers and data sums ``Sum(…, (i, 1, m))`` whose terms use ``y[i − 1, 0]`` and the
row slice ``X[i − 1:i, :]``. The calculus here works on 1×1 *matrix* expressions
(so that ``MatrixExpr.diff`` and the elementwise layer apply); :func:`as_matrix`
converts: M[0, 0] ↦ M, sums and products of such numbers ↦ MatAdd / MatMul,
f(·) ↦ f elementwise on the 1×1 argument, powers ↦ Hadamard powers, and a data
sum ↦ its vectorised form (:func:`symopt.vector.datasums.vectorise`: Σᵢ s_i = 1ᵀ s).

>>> from symopt.vector_input import parse_vector
>>> shapes = {"X": "m x n", "w": "n", "y": "m"}
>>> as_matrix(parse_vector("norm(X*w - y)**2/2", shapes))
(1/2)*((w.T*X.T - y.T)*(X*w - y))
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.matrices.expressions.slice import MatrixSlice

from symopt.errors import UnsupportedError
from symopt.vector.datasums import Samples, vectorise

__all__ = ["as_matrix", "as_vector"]


def _has_matrix(e: sp.Basic) -> bool:
    return bool(e.atoms(sp.MatrixSymbol))


def as_vector(expr: sp.Basic) -> sp.MatrixExpr:
    """A parsed vector or matrix result (``X.T*(X*w - y)``) as it is, a scalar as 1×1.

    >>> import sympy as sp
    >>> as_vector(sp.MatrixSymbol("w", 3, 1)).shape
    (3, 1)
    """
    if getattr(expr, "is_Matrix", False):
        return expr
    return as_matrix(expr)


def as_matrix(expr: sp.Basic) -> sp.MatrixExpr:
    """The 1×1 matrix expression of a parsed scalar (see the module docstring).

    >>> from symopt.vector_input import parse_vector
    >>> as_matrix(parse_vector("log(1 + x.T*x)", {"x": "n"}))
    Lambda(_d, log(_d + 1)).(x.T*x)
    """
    if getattr(expr, "is_Matrix", False):
        if expr.shape != (1, 1):
            raise UnsupportedError(f"{expr} is not a scalar (shape {expr.shape})")
        return expr
    if not _has_matrix(expr):
        return sp.MatMul(expr, sp.Identity(1)) if expr != 1 else sp.Identity(1)
    if isinstance(expr, MatrixElement):
        parent = expr.parent
        if parent.shape == (1, 1):
            return parent.doit()
        raise UnsupportedError(f"the entry {expr} of {parent} ({parent.shape}) is not a "
                               "1×1 product")
    if isinstance(expr, sp.Add):
        return sp.MatAdd(*[as_matrix(a) for a in expr.args])
    if isinstance(expr, sp.Mul):
        scalars = [a for a in expr.args if not _has_matrix(a)]
        mats = [as_matrix(a) for a in expr.args if _has_matrix(a)]
        return sp.MatMul(*scalars, *mats)
    if isinstance(expr, sp.Pow) and expr.exp == 1:
        return as_matrix(expr.base)
    if isinstance(expr, (sp.Pow, sp.Function)) and not isinstance(expr, sp.Sum):
        d = sp.Dummy("d", real=True)
        body, core = _peel(expr, d)
        if body.is_Pow and body.base == d:  # SymPy would make φ(d) = d^k a matrix power
            return sp.HadamardPower(as_matrix(core), body.exp)
        return ElementwiseApplyFunction(sp.Lambda(d, body), as_matrix(core))
    if isinstance(expr, sp.Sum):
        return _data_sum(expr)
    raise UnsupportedError(f"no matrix form for {type(expr).__name__} ({expr})")


def _peel(e: sp.Basic, d: sp.Dummy) -> tuple[sp.Expr, sp.Basic]:
    """e = body(core) with body a scalar function of d built from constants, +, ·, powers
    and functions, and core the innermost part that combines several vector terms."""
    if isinstance(e, sp.Add):
        inner = [a for a in e.args if _has_matrix(a)]
        if len(inner) == 1:
            body, core = _peel(inner[0], d)
            return sp.Add(*[a for a in e.args if not _has_matrix(a)], body), core
    if isinstance(e, sp.Mul):
        scalars = [a for a in e.args if not _has_matrix(a)]
        inner = [a for a in e.args if _has_matrix(a)]
        if scalars:
            rest = inner[0] if len(inner) == 1 else sp.Mul(*inner)
            body, core = _peel(rest, d) if len(inner) == 1 else (d, rest)
            return sp.Mul(*scalars) * body, core
    if isinstance(e, sp.Pow) and not _has_matrix(e.exp):
        body, core = _peel(e.base, d)
        return body**e.exp, core
    if isinstance(e, sp.Function) and len(e.args) == 1 and not isinstance(e, sp.Sum):
        body, core = _peel(e.args[0], d)
        return e.func(body), core
    return d, e


def _data_sum(s: sp.Sum) -> sp.MatrixExpr:
    (index, lower, upper), *more = s.limits
    if more or lower != 1:
        raise UnsupportedError(f"only sums over the samples i = 1…m are vectorised: {s}")
    rows = {a.parent for a in s.function.atoms(MatrixSlice)}
    entries = {a.parent for a in s.function.atoms(MatrixElement)
               if isinstance(a.parent, sp.MatrixSymbol) and a.parent.shape[1] == 1
               and a.i == index - 1}
    if len(rows) > 1 or len(entries) > 1:
        raise UnsupportedError(f"a sum over the rows of several matrices or the entries of "
                               f"several vectors is not vectorised: {s}")
    X = rows.pop() if rows else None
    y = entries.pop() if entries else None
    m = upper
    n = X.shape[1] if X is not None else sp.Integer(1)
    x_i, y_i = sp.MatrixSymbol("x_i", n, 1), sp.MatrixSymbol("y_i", 1, 1)
    Xs = X if X is not None else sp.MatrixSymbol("X", m, n)
    ys = y if y is not None else sp.MatrixSymbol("y", m, 1)
    if Xs.shape[0] != m or ys.shape[0] != m:
        raise UnsupportedError(f"the sum runs to {m}, the data have {Xs.shape[0]} rows")
    replacements = {}
    for a in s.function.atoms(MatrixSlice):
        if a.rowslice[:2] == (index - 1, index) and a.colslice[0] == 0:
            replacements[a] = x_i.T
    for a in s.function.atoms(MatrixElement):
        if a.parent == ys and a.i == index - 1:
            replacements[a] = y_i[0, 0]
    body = s.function.xreplace(replacements)
    if body.has(index):
        raise UnsupportedError(f"the index {index} remains in {body} after reading x_i and y_i")
    term = as_matrix(body)
    samples = Samples(m, n, Xs, ys, sp.MatrixSymbol("w", n, 1), x_i, y_i)
    return vectorise(term, samples)
