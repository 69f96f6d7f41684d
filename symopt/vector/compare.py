"""Exact equality of vector expressions, elementwise functions included.

Two matrix expressions are proved equal when their difference expands to 0
(``sp.expand`` distributes products over sums and collects like terms of
matrix expressions). Elementwise functions are compared first as scalar
functions: φ(t) = e^t/(1 + e^t) and σ(t) = 1/(1 + e^{−t}) are one function
(their difference simplifies to 0), so φ(Xw) is rewritten as σ(Xw) before the
expansion. Anything not shown equal is ``None`` (unknown), never ``False``:
refuting is the numeric check's job (:func:`symopt.vector.checks.check_identity`).

>>> import sympy as sp
>>> from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction as E
>>> m, n = sp.symbols("m n", integer=True, positive=True)
>>> X, w = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1)
>>> t = sp.Dummy("t")
>>> a = X.T * E(sp.Lambda(t, sp.exp(t) / (1 + sp.exp(t))), X * w)
>>> b = X.T * E(sp.Lambda(t, 1 / (1 + sp.exp(-t))), X * w)
>>> equal_exact(a, b)
True
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

__all__ = ["equal_exact", "same_function"]


def same_function(f: sp.Lambda, g: sp.Lambda) -> bool:
    """Whether two one-variable Lambdas are the same function on ℝ (difference simplifies to 0).

    >>> import sympy as sp
    >>> t = sp.Dummy("t")
    >>> same_function(sp.Lambda(t, sp.log(sp.exp(t))), sp.Lambda(t, t))
    True
    """
    (a,) = f.variables
    (b,) = g.variables
    t = sp.Symbol("t", real=True)
    difference = f.expr.xreplace({a: t}) - g.expr.xreplace({b: t})
    return sp.simplify(difference) == 0 or sp.simplify(difference.rewrite(sp.exp)) == 0


def _unify(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    """``b`` with each elementwise function replaced by an equal one of ``a``."""
    mine = {e.function for e in a.atoms(ElementwiseApplyFunction)} | {
        x.function for x in sp.preorder_traversal(a) if isinstance(x, ElementwiseApplyFunction)}
    replacements = {}
    for x in sp.preorder_traversal(b):
        if isinstance(x, ElementwiseApplyFunction) and x.function not in mine:
            for f in mine:
                if same_function(f, x.function):
                    replacements[x.function] = f
                    break
    if not replacements:
        return b

    def swap(e: sp.Basic) -> sp.Basic:
        if isinstance(e, ElementwiseApplyFunction):
            return ElementwiseApplyFunction(replacements.get(e.function, e.function),
                                            swap(e.expr))
        if e.is_Atom or not e.args:
            return e
        return e.func(*[swap(c) for c in e.args])

    return swap(b)


def equal_exact(a: sp.MatrixExpr, b: sp.MatrixExpr) -> bool | None:
    """True when ``a − b`` expands to 0 after unifying equal elementwise functions, else None.

    >>> import sympy as sp
    >>> m, n = sp.symbols("m n", integer=True, positive=True)
    >>> X, w, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("y", m, 1)
    >>> equal_exact(X.T * (X * w - y), X.T * X * w - X.T * y), equal_exact(X.T * y, X.T * (y + y))
    (True, None)
    """
    if getattr(a, "shape", None) != getattr(b, "shape", None):
        return None
    try:
        b = _unify(a, b)
        for difference in (sp.expand(a - b), sp.expand((a - b).doit())):
            if isinstance(difference, sp.ZeroMatrix) or difference == 0:
                return True
    except (TypeError, ValueError, AttributeError, sp.ShapeError, NotImplementedError):
        return None
    return None
