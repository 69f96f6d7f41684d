"""Gradients and Hessians of scalar matrix expressions, in general dimension.

Where the expression is built from products, sums, transposes and inverses of
matrix symbols (least squares, ridge, quadratic forms), SymPy's matrix
calculus (``MatrixExpr.diff``) gives the result. As soon as a function acts
elementwise, or a Hadamard product or diag appears (logistic and softmax
losses), SymPy 1.14 returns an array contraction it cannot differentiate again
or raises ``NotImplementedError``; those expressions go to the small layer of
:mod:`symopt.vector.jacobian` (its docstring lists the rules).

>>> import sympy as sp
>>> m, n = sp.symbols("m n", integer=True, positive=True)
>>> X, w, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("y", m, 1)
>>> f = (X * w - y).T * (X * w - y) / 2
>>> gradient(f, w), hessian(f, w)
(X.T*(X*w - y), X.T*X)
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from symopt.errors import UnsupportedError
from symopt.vector.jacobian import jacobian, tidy

__all__ = ["MAX_NODES", "gradient", "hessian", "normal_equations", "uses_elementwise"]

#: Largest expression (nodes of its tree) differentiated: the product rule over p factors
#: makes p terms of p factors, so a long product is refused rather than expanded.
MAX_NODES = 5000

_ELEMENTWISE = (ElementwiseApplyFunction, sp.HadamardProduct, DiagMatrix)


def uses_elementwise(expr: sp.Basic) -> bool:
    """Whether ``expr`` has an elementwise function, a Hadamard product or a diag.

    >>> import sympy as sp
    >>> u = sp.MatrixSymbol("u", 3, 1)
    >>> uses_elementwise(u.T * u), uses_elementwise(u.applyfunc(sp.exp))
    (False, True)
    """
    return any(expr.atoms(t) for t in _ELEMENTWISE) or any(
        isinstance(a, _ELEMENTWISE) for a in sp.preorder_traversal(expr))


def _scalar_expr(f: sp.Basic) -> sp.MatrixExpr:
    for nodes, _ in enumerate(sp.preorder_traversal(f), start=1):
        if nodes > MAX_NODES:
            raise UnsupportedError(f"the expression has more than {MAX_NODES} nodes; "
                                   "differentiating it is refused (size limit)")
    if not getattr(f, "is_Matrix", False) or f.shape != (1, 1):
        shape = getattr(f, "shape", "a plain scalar")
        raise UnsupportedError(f"the gradient is taken of a 1×1 matrix expression (a scalar "
                               f"such as uᵀv); got {shape}")
    return f


def _column(w: sp.MatrixSymbol) -> sp.MatrixSymbol:
    if not isinstance(w, sp.MatrixSymbol) or w.shape[1] != 1:
        raise UnsupportedError(f"differentiation in {w}: declare it as a column vector "
                               "(a MatrixSymbol of shape (n, 1))")
    return w


def _via_sympy(f: sp.MatrixExpr, w: sp.MatrixSymbol) -> sp.MatrixExpr | None:
    try:
        result = f.diff(w)
    except (NotImplementedError, ValueError, AttributeError):
        return None
    if not isinstance(result, sp.MatrixExpr) or result.shape != w.shape:
        return None
    return result


def gradient(f: sp.MatrixExpr, w: sp.MatrixSymbol) -> sp.MatrixExpr:
    """∇_w f (a column like ``w``) of a 1×1 matrix expression ``f``.

    >>> import sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> A, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1)
    >>> gradient(x.T * A * x, x)
    A*x + A.T*x
    """
    f, w = _scalar_expr(f), _column(w)
    if not uses_elementwise(f):
        result = _via_sympy(f, w)
        if result is not None:
            return result
    return tidy(sp.Transpose(jacobian(f, w)).doit())


def hessian(f: sp.MatrixExpr, w: sp.MatrixSymbol) -> sp.MatrixExpr:
    """∇²_w f (n×n) of a 1×1 matrix expression ``f``: the Jacobian of its gradient.

    >>> import sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> A, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1)
    >>> hessian(x.T * A * x, x)
    A + A.T
    """
    g = gradient(f, w)
    if not uses_elementwise(g):
        try:
            result = g.diff(w)
        except (NotImplementedError, ValueError, AttributeError):
            result = None
        if isinstance(result, sp.MatrixExpr) and result.shape == (w.shape[0], w.shape[0]):
            return result
    return jacobian(g, w)


def normal_equations(f: sp.MatrixExpr, w: sp.MatrixSymbol) -> tuple[sp.MatrixExpr, sp.MatrixExpr]:
    """``(A, b)`` with ∇f(w) = A w − b exactly, so that ∇f = 0 ⇔ A w = b.

    Raises :class:`~symopt.errors.UnsupportedError` when ∇f is not affine in ``w``.

    >>> import sympy as sp
    >>> m, n = sp.symbols("m n", integer=True, positive=True)
    >>> X, w, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("y", m, 1)
    >>> normal_equations((X * w - y).T * (X * w - y) / 2, w)
    (X.T*X, X.T*y)
    """
    g = sp.expand(gradient(f, w))
    terms = g.args if isinstance(g, sp.MatAdd) else (g,)
    linear: list[sp.MatrixExpr] = []
    constant: list[sp.MatrixExpr] = []
    for term in terms:
        if not term.has(w):
            constant.append(term)
            continue
        scalars = [a for a in term.args if not getattr(a, "is_Matrix", False)] \
            if isinstance(term, sp.MatMul) else []
        mats = [a for a in term.args if getattr(a, "is_Matrix", False)] \
            if isinstance(term, sp.MatMul) else [term]
        if mats[-1] != w or any(a.has(w) for a in mats[:-1]) or any(s.has(w) for s in scalars):
            raise UnsupportedError(f"∇f = {g} is not affine in {w} (the term {term})")
        coefficient = sp.MatMul(*scalars, *mats[:-1]) if mats[:-1] else \
            sp.MatMul(*scalars, sp.Identity(w.shape[0]))
        linear.append(coefficient)
    if not linear:
        raise UnsupportedError(f"∇f = {g} does not depend on {w}")
    A = linear[0] if len(linear) == 1 else sp.MatAdd(*linear)
    b = sp.ZeroMatrix(*w.shape) if not constant else sp.MatMul(-1, sp.MatAdd(*constant))
    return A.doit(), sp.expand(b).doit()
