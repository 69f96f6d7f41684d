"""Jacobians of vector expressions with elementwise functions, Hadamard products and diag.

SymPy's matrix calculus (``MatrixExpr.diff``) is right for products, sums and
transposes of matrix symbols — ½‖Xw − y‖², xᵀAx, their Hessians — and
:mod:`symopt.vector.calculus` uses it there. It falls short as soon as a
function acts elementwise: ``1ᵀ exp(Xw)`` differentiates to an
``ArrayContraction`` that cannot be differentiated again (no Hessian), and
``log(1 + exp(−y ∘ Xw))`` raises ``NotImplementedError`` (SymPy 1.14). The
logistic and softmax losses are exactly of that form, so this module is a
small layer of its own, with five rules on column vectors (J(u) = ∂u/∂w, so
that du = J(u) dw):

* J(w) = I, J(c) = 0 for c free of w, J is linear (sums, constant factors);
* J(A u) = A J(u) for A free of w; J(uᵀ t) = tᵀ J(u) for t free of w (product
  rule over the factors of a product otherwise);
* J(u ∘ v) = diag(v) J(u) + diag(u) J(v);
* J(φ(u)) = diag(φ'(u)) J(u) for φ applied elementwise (φ' by SymPy, scalar),
  and J(u^∘k) = k diag(u^∘(k−1)) J(u) for a Hadamard power;
* J(diag(u) t) = diag(t) J(u).

The result is tidied (diag(a) diag(b) = diag(a ∘ b), diag(a) 1 = a,
diag(a) v = a ∘ v) so that ∇ of the logistic loss reads Xᵀ(y ∘ φ'(z)) / m and
its Hessian Xᵀ diag(·) X / m. Anything else (a matrix that depends on w, a
scalar factor that depends on w outside a 1×1 product) raises
:class:`~symopt.errors.UnsupportedError` with the node — never a guess.

>>> import sympy as sp
>>> n = sp.Symbol("n", integer=True, positive=True)
>>> w = sp.MatrixSymbol("w", n, 1)
>>> jacobian(w.applyfunc(sp.exp), w)
DiagMatrix(Lambda(_d, exp(_d)).(w))
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from symopt.errors import UnsupportedError

__all__ = ["depends_on", "elementwise", "jacobian", "tidy"]


def depends_on(expr: sp.Basic, w: sp.MatrixSymbol) -> bool:
    """Whether ``expr`` contains the matrix symbol ``w``.

    >>> import sympy as sp
    >>> w = sp.MatrixSymbol("w", 3, 1)
    >>> depends_on(2 * w.T * w, w), depends_on(sp.Identity(3), w)
    (True, False)
    """
    return expr.has(w)


def elementwise(function: sp.Lambda, u: sp.MatrixExpr) -> sp.MatrixExpr:
    """φ applied entry by entry to ``u`` (SymPy's ``ElementwiseApplyFunction``).

    >>> import sympy as sp
    >>> d = sp.Dummy("d")
    >>> elementwise(sp.Lambda(d, sp.log(d)), sp.MatrixSymbol("u", 2, 1)).shape
    (2, 1)
    """
    return ElementwiseApplyFunction(function, u)


def _derivative(function: sp.Lambda, order: int = 1) -> sp.Lambda:
    (d,) = function.variables
    return sp.Lambda(d, sp.factor(sp.diff(function.expr, d, order)))


def _is_scalar(expr: sp.Basic) -> bool:
    return not getattr(expr, "is_Matrix", False)


def _column(expr: sp.MatrixExpr) -> sp.MatrixExpr:
    """A 1×r row as the r×1 column of its transpose (transposes pushed inside)."""
    return sp.Transpose(expr).doit()


def _columns(w: sp.MatrixSymbol) -> sp.Expr:
    return w.shape[0]


def jacobian(u: sp.MatrixExpr, w: sp.MatrixSymbol) -> sp.MatrixExpr:
    """J(u) = ∂u/∂w (k×n) of a column (or 1×1) expression ``u`` in the column ``w`` (n×1).

    >>> import sympy as sp
    >>> m, n = sp.symbols("m n", integer=True, positive=True)
    >>> X, w, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("y", m, 1)
    >>> jacobian(X * w - y, w)
    X
    """
    if w.shape[1] != 1:
        raise UnsupportedError(f"differentiation in {w} of shape {w.shape}: only column "
                               "vectors are handled by the elementwise layer")
    if u.shape[1] != 1:
        raise UnsupportedError(f"{u} has shape {u.shape}: the elementwise layer takes column "
                               "vectors and 1×1 expressions")
    return tidy(_jac(u, w))


def _zero(u: sp.MatrixExpr, w: sp.MatrixSymbol) -> sp.MatrixExpr:
    return sp.ZeroMatrix(u.shape[0], _columns(w))


def _jac(u: sp.MatrixExpr, w: sp.MatrixSymbol) -> sp.MatrixExpr:
    if not depends_on(u, w):
        return _zero(u, w)
    if u == w:
        return sp.Identity(_columns(w))
    if isinstance(u, sp.MatAdd):
        return sp.MatAdd(*[_jac(a, w) for a in u.args])
    if isinstance(u, sp.MatMul):
        return _jac_product(u, w)
    if isinstance(u, sp.Transpose) and u.shape == (1, 1):
        return _jac(u.arg, w)
    if isinstance(u, sp.HadamardProduct):
        terms = []
        for i, factor in enumerate(u.args):
            if depends_on(factor, w):
                rest = [a for j, a in enumerate(u.args) if j != i]
                other = rest[0] if len(rest) == 1 else sp.HadamardProduct(*rest)
                terms.append(sp.MatMul(DiagMatrix(other), _jac(factor, w)))
        return sp.MatAdd(*terms)
    if isinstance(u, sp.HadamardPower) and not depends_on(u.exp, w):
        power = sp.HadamardPower(u.base, u.exp - 1)
        return sp.MatMul(u.exp, DiagMatrix(power), _jac(u.base, w))
    if isinstance(u, ElementwiseApplyFunction):
        inner = u.expr
        derivative = ElementwiseApplyFunction(_derivative(u.function), inner)
        return sp.MatMul(DiagMatrix(derivative), _jac(inner, w))
    raise UnsupportedError(f"no differentiation rule for {type(u).__name__} ({u}) in {w}")


def _jac_product(u: sp.MatMul, w: sp.MatrixSymbol) -> sp.MatrixExpr:
    scalars = [a for a in u.args if _is_scalar(a)]
    factors = [a for a in u.args if not _is_scalar(a)]
    if any(depends_on(s, w) for s in scalars):
        raise UnsupportedError(f"a scalar factor of {u} depends on {w}")
    coefficient = sp.Mul(*scalars)
    terms = []
    for j, factor in enumerate(factors):
        if not depends_on(factor, w):
            continue
        prefix = factors[:j]
        tail = factors[j + 1:]
        if not tail:
            if factor.shape[1] != 1:
                raise UnsupportedError(f"{factor} in {u} is a matrix that depends on {w}")
            inner = _jac(factor, w)
        else:
            t = tail[0] if len(tail) == 1 else sp.MatMul(*tail)
            inner = _factor_times_tail(factor, t, w, u)
        terms.append(sp.MatMul(coefficient, *prefix, inner))
    return sp.MatAdd(*terms)


def _factor_times_tail(factor: sp.MatrixExpr, tail: sp.MatrixExpr, w: sp.MatrixSymbol,
                       whole: sp.MatrixExpr) -> sp.MatrixExpr:
    """J(F t) for t held constant, F the factor that depends on w."""
    if factor.shape[0] == 1:  # a row: F t = tᵀ Fᵀ
        return sp.MatMul(sp.Transpose(tail).doit(), _jac(_column(factor), w))
    if isinstance(factor, DiagMatrix):
        return sp.MatMul(DiagMatrix(tail), _jac(factor.args[0], w))
    if factor.shape[1] == 1 and tail.shape == (1, 1):  # a column times a 1×1 constant
        return sp.MatMul(tail, _jac(factor, w))
    raise UnsupportedError(f"{factor} in {whole} is a matrix that depends on {w}")


# -- tidying ------------------------------------------------------------------

def _hadamard(a: sp.MatrixExpr, b: sp.MatrixExpr) -> sp.MatrixExpr:
    if isinstance(a, sp.OneMatrix):
        return b
    if isinstance(b, sp.OneMatrix):
        return a
    args = [f for x in (a, b) for f in (x.args if isinstance(x, sp.HadamardProduct) else (x,))]
    return sp.HadamardProduct(*args)


def _tidy_product(args: list[sp.Basic]) -> list[sp.Basic]:
    out: list[sp.Basic] = []
    for a in args:
        if isinstance(a, sp.Transpose) and isinstance(a.arg, DiagMatrix):
            a = a.arg
        if isinstance(a, sp.Identity):
            continue
        out.append(a)
        changed = True
        while changed and len(out) >= 2:
            changed = False
            left, right = out[-2], out[-1]
            if isinstance(left, DiagMatrix) and isinstance(right, DiagMatrix):
                out[-2:] = [DiagMatrix(_hadamard(left.args[0], right.args[0]))]
                changed = True
    # diag(a) v = a ∘ v for a column v (read right to left)
    i = len(out) - 2
    while i >= 0:
        if isinstance(out[i], DiagMatrix) and not _is_scalar(out[i + 1]) \
                and out[i + 1].shape[1] == 1 and i + 1 == len(out) - 1:
            out[i:] = [_hadamard(out[i].args[0], out[i + 1])]
        i -= 1
    return out


def tidy(expr: sp.Basic) -> sp.Basic:
    """Fold diag(a) diag(b) = diag(a ∘ b), diag(a) v = a ∘ v, drop identities and zeros.

    >>> import sympy as sp
    >>> a, b = sp.MatrixSymbol("a", 3, 1), sp.MatrixSymbol("b", 3, 1)
    >>> tidy(DiagMatrix(a) * DiagMatrix(b) * sp.OneMatrix(3, 1))
    HadamardProduct(a, b)
    """
    if not isinstance(expr, sp.Basic) or expr.is_Atom or _is_scalar(expr):
        return expr
    if isinstance(expr, ElementwiseApplyFunction):
        return ElementwiseApplyFunction(expr.function, tidy(expr.expr))
    if isinstance(expr, sp.HadamardPower) and expr.exp == 1:
        return tidy(expr.base)
    args = [tidy(a) for a in expr.args]
    if isinstance(expr, sp.MatMul):
        args = [b for a in args for b in (a.args if isinstance(a, sp.MatMul) else (a,))]
        if any(isinstance(a, sp.ZeroMatrix) for a in args):
            return sp.ZeroMatrix(*expr.shape)
        folded = _tidy_product(args)
        matrices = [a for a in folded if not _is_scalar(a)]
        if not matrices:
            return sp.Identity(expr.shape[0]) * sp.Mul(*folded)
        return sp.MatMul(*folded).doit(deep=False) if len(folded) > 1 else folded[0]
    if isinstance(expr, sp.MatAdd):
        kept = [a for a in args if not isinstance(a, sp.ZeroMatrix)]
        if not kept:
            return sp.ZeroMatrix(*expr.shape)
        return sp.MatAdd(*kept).doit(deep=False) if len(kept) > 1 else kept[0]
    if isinstance(expr, sp.Transpose):
        inner = args[0]
        if isinstance(inner, DiagMatrix):
            return inner
        return sp.Transpose(inner).doit(deep=False)
    return expr.func(*args)
