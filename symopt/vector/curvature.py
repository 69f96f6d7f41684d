"""Convexity, L and μ of a loss from the form of its Hessian, in general dimension.

The Hessian (from :mod:`symopt.vector.calculus`) is read as a sum of terms of
three shapes, each with a scalar coefficient c free of w:

* c·I — PSD iff c ≥ 0, eigenvalue c;
* c·BᵀB (a Gram form) — PSD when c ≥ 0, since vᵀBᵀBv = ‖Bv‖² ≥ 0;
* c·Bᵀ diag(d) B — PSD when c ≥ 0 and every entry of d is ≥ 0; the entries
  are d_i = φ(t_i) times labels, and with φ's infimum and supremum over ℝ
  (SymPy, exact) c·inf φ·BᵀB ⪯ c·Bᵀ diag(d) B ⪯ c·sup φ·BᵀB.

Hence L = Σ c·(sup φ)·λ_max(BᵀB) + c_I and μ = Σ c·(inf φ)·λ_min(BᵀB) + c_I
(one Gram term; with several, a sum of λ_max is only an upper bound and is
reported as unknown). L is exact when the supremum of φ is attained at t = 0,
i.e. at w = 0 for the losses here, where the Hessian is c·φ(0)·BᵀB. Labels y
appear squared in d; their values must be declared ±1 (``signs``), otherwise
the supremum is unknown. Anything else (A + Aᵀ for a general A) is reported
unknown with the reason.

>>> import sympy as sp
>>> m, n = sp.symbols("m n", integer=True, positive=True)
>>> X, w, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("y", m, 1)
>>> f = (X * w - y).T * (X * w - y) / (2 * m)
>>> smoothness(f, w).value, strong_convexity(f, w).value, convexity(f, w).value
(lambda_max(X.T*X)/m, lambda_min(X.T*X)/m, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sympy as sp
from sympy.calculus.util import maximum, minimum
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from symopt.errors import UnsupportedError
from symopt.result import Finding
from symopt.vector.calculus import hessian
from symopt.vector.jacobian import jacobian
from symopt.vector.spectral import lambda_max, lambda_min

__all__ = ["HessianTerm", "convexity", "equal_linear", "hessian_terms", "smoothness",
           "strong_convexity"]


@dataclass(frozen=True)
class HessianTerm:
    """One term c·Bᵀ diag(d) B (``kind`` "gram", d = None: c·BᵀB), c·I ("identity"), or other."""

    kind: str  # "identity", "gram", "weighted", "other"
    coefficient: sp.Expr
    B: sp.MatrixExpr | None = None
    weights: sp.MatrixExpr | None = None
    expr: sp.MatrixExpr | None = None


def _split(term: sp.MatrixExpr) -> tuple[sp.Expr, list[sp.MatrixExpr]]:
    if isinstance(term, sp.MatMul):
        scalars = [a for a in term.args if not getattr(a, "is_Matrix", False)]
        return sp.Mul(*scalars), [a for a in term.args if getattr(a, "is_Matrix", False)]
    return sp.Integer(1), [term]


def _classify(term: sp.MatrixExpr) -> HessianTerm:
    c, mats = _split(term)
    if len(mats) == 1 and isinstance(mats[0], sp.Identity):
        return HessianTerm("identity", c, expr=term)
    half = len(mats) // 2
    middle = mats[half] if len(mats) % 2 else None
    left, right = mats[:half], mats[(len(mats) + 1) // 2:]
    if left and (middle is None or isinstance(middle, DiagMatrix)):
        B = right[0] if len(right) == 1 else sp.MatMul(*right)
        L = left[0] if len(left) == 1 else sp.MatMul(*left)
        if sp.Transpose(B).doit() == L:
            if middle is None:
                return HessianTerm("gram", c, B, expr=term)
            return HessianTerm("weighted", c, B, middle.args[0], expr=term)
    return HessianTerm("other", c, expr=term)


def hessian_terms(H: sp.MatrixExpr) -> list[HessianTerm]:
    """The terms of ``H`` classified as c·I, c·BᵀB, c·Bᵀ diag(d) B or other.

    >>> import sympy as sp
    >>> X = sp.MatrixSymbol("X", 4, 3)
    >>> sorted(t.kind for t in hessian_terms(X.T * X + 2 * sp.Identity(3)))
    ['gram', 'identity']
    """
    terms = H.args if isinstance(H, sp.MatAdd) else (H,)
    return [_classify(t) for t in terms]


@dataclass(frozen=True)
class _Range:
    low: sp.Expr | None
    high: sp.Expr | None
    at_zero: sp.Expr | None
    reason: str
    phi: sp.Expr | None = None
    t: sp.Symbol | None = None
    arguments: tuple = ()


def _weight_range(d: sp.MatrixExpr, signs: set[str]) -> _Range:
    """inf, sup over ℝ (and value at 0) of one entry of the weight vector d."""
    factors = d.args if isinstance(d, sp.HadamardProduct) else (d,)
    t = sp.Dummy("t", real=True)
    phi = sp.Integer(1)
    labels: dict[str, int] = {}
    for f in factors:
        if isinstance(f, ElementwiseApplyFunction):
            (v,) = f.function.variables
            phi *= f.function.expr.xreplace({v: t})
        elif isinstance(f, sp.MatrixSymbol):
            labels[f.name] = labels.get(f.name, 0) + 1
        else:
            return _Range(None, None, None, f"the weight factor {f} is not an elementwise "
                          "function of the data or a label vector")
    for name, power in labels.items():
        if name not in signs:
            return _Range(None, None, None, f"the weights contain the labels {name}; declare "
                          f"their values (e.g. {name} ∈ {{−1, 1}}^m) to bound them")
        if power % 2:
            return _Range(None, None, None, f"the weights contain an odd power of the ±1 "
                          f"labels {name}, whose sign varies")
    if phi.free_symbols - {t}:
        return _Range(None, None, None, f"the weight function {phi} has other symbols")
    high = maximum(phi, t, sp.S.Reals)
    low = minimum(phi, t, sp.S.Reals)
    arguments = tuple(f.expr for f in factors if isinstance(f, ElementwiseApplyFunction))
    return _Range(low, high, sp.simplify(phi.xreplace({t: 0})),
                  f"entries of diag(·) are φ(t) = {phi} (labels ±1 squared), "
                  f"inf φ = {low}, sup φ = {high} over t ∈ ℝ", phi, t, arguments)


def _vanish_at_zero(arguments: tuple, w: sp.MatrixSymbol) -> bool:
    """Whether every argument t(w) of φ is 0 at w = 0 (then so is t(sw) → ±∞ linear in s)."""
    return all(equal_linear(a, w) for a in arguments)


def equal_linear(a: sp.MatrixExpr, w: sp.MatrixSymbol) -> bool:
    """Whether the column ``a`` is linear in ``w``: zero at w = 0, Jacobian free of w.

    >>> import sympy as sp
    >>> X, w, y = sp.MatrixSymbol("X", 4, 3), sp.MatrixSymbol("w", 3, 1), sp.MatrixSymbol("y", 4, 1)
    >>> equal_linear(sp.HadamardProduct(y, X * w), w), equal_linear(X * w - y, w)
    (True, False)
    """
    value = a.xreplace({w: sp.ZeroMatrix(*w.shape)}).doit()
    if not (isinstance(value, sp.ZeroMatrix) or value == 0):
        return False
    try:
        return not jacobian(a, w).has(w)
    except UnsupportedError:
        return False


def _nonnegative(c: sp.Expr) -> bool | None:
    return sp.sympify(c).is_nonnegative  # safe: SymPy objects


def convexity(f: sp.MatrixExpr, w: sp.MatrixSymbol, *, signs: Iterable[str] = ()
              ) -> Finding[bool]:
    """Whether ``f`` is convex in ``w``, read from its Hessian's form (True, or unknown).

    >>> import sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> A, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1)
    >>> convexity(x.T * A * x, x).known
    False
    """
    H = hessian(f, w)
    reasons = []
    for term in hessian_terms(H):
        if term.kind == "other":
            return Finding.unknown(f"the Hessian {H} has the term {term.expr}, which is not "
                                   "of the form c·I, c·BᵀB or c·Bᵀ diag(d) B; its sign is "
                                   "not decided")
        sign = _nonnegative(term.coefficient)
        if sign is False:
            return Finding.unknown(f"the coefficient {term.coefficient} of {term.expr} is "
                                   "negative: that term is ⪯ 0, and the sum is not shown ⪰ 0 "
                                   "(it is not, unless the term vanishes)")
        if sign is None:
            return Finding.unknown(f"the sign of the coefficient {term.coefficient} of "
                                   f"{term.expr} is not known")
        if term.kind == "identity":
            reasons.append(f"{term.coefficient}·I ⪰ 0")
        elif term.kind == "gram":
            reasons.append(f"{term.expr} is a Gram form: vᵀBᵀBv = ‖Bv‖² ≥ 0 with B = {term.B}")
        else:
            rng = _weight_range(term.weights, set(signs))
            if rng.low is None:
                return Finding.unknown(rng.reason)
            if _nonnegative(rng.low) is not True:
                return Finding.unknown(f"the weights of {term.expr} can be negative ({rng.reason})")
            reasons.append(f"{term.expr}: Bᵀ D B with D diagonal ⪰ 0 ({rng.reason}), B = {term.B}")
    return Finding(True, f"∇²f = {H} ⪰ 0 for every w: " + "; ".join(reasons), {"hessian": H})


def _extreme(f: sp.MatrixExpr, w: sp.MatrixSymbol, signs: Iterable[str], which: str
             ) -> Finding[sp.Expr]:
    H = hessian(f, w)
    terms = hessian_terms(H)
    shift = sp.Integer(0)
    grams = []
    for term in terms:
        if term.kind == "identity":
            shift += term.coefficient
        elif term.kind in ("gram", "weighted"):
            grams.append(term)
        else:
            return Finding.unknown(f"the Hessian {H} has the term {term.expr}, not of the form "
                                   "c·I, c·BᵀB or c·Bᵀ diag(d) B")
    if len(grams) > 1:
        return Finding.unknown(f"the Hessian {H} has {len(grams)} Gram terms; the extreme "
                               "eigenvalue of their sum is not the sum of theirs")
    if not grams:
        return Finding(shift, f"∇²f = {H} = {shift}·I")
    (term,) = grams
    if _nonnegative(term.coefficient) is not True:
        return Finding.unknown(f"the sign of {term.coefficient} is not known")
    gram = sp.MatMul(sp.Transpose(term.B).doit(), term.B)
    eig = lambda_max(gram) if which == "L" else lambda_min(gram)
    if term.kind == "gram":
        return Finding(term.coefficient * eig + shift,
                       f"∇²f = {H} is constant; its {'largest' if which == 'L' else 'smallest'}"
                       f" eigenvalue", {"hessian": H})
    rng = _weight_range(term.weights, set(signs))
    if rng.low is None or rng.high is None:
        return Finding.unknown(rng.reason)
    if _nonnegative(rng.low) is not True:
        return Finding.unknown(f"the weights can be negative ({rng.reason})")
    linear = _vanish_at_zero(rng.arguments, w)
    if which == "L":
        if rng.high == sp.oo:
            return Finding.unknown(f"the weights are unbounded ({rng.reason}): not L-smooth")
        exact = linear and sp.simplify(rng.high - rng.at_zero) == 0
        how = ("exact: attained at w = 0, where ∇²f = c·φ(0)·BᵀB" if exact
               else "an upper bound: the margins are not shown linear in w, or sup φ is not "
               "φ(0), so the bound is not shown attained")
        value = term.coefficient * rng.high * eig + shift
        if not exact:
            return Finding.unknown(f"L ≤ {value} ({how}); the smallest L is not derived")
        return Finding(value, f"sup_w λ_max(∇²f) with {rng.reason}; {how}", {"hessian": H})
    value = term.coefficient * rng.low * eig + shift
    constant = not rng.phi.has(rng.t)
    ends = linear and all(sp.simplify(sp.limit(rng.phi, rng.t, end) - rng.low) == 0
                          for end in (sp.oo, -sp.oo))
    if not (constant or ends):
        return Finding.unknown(f"μ ≥ {value} ({rng.reason}); whether every weight comes close "
                               "to inf φ at once is not derived")
    return Finding(value, f"inf_w λ_min(∇²f) with {rng.reason}: along w = s·v (t linear in w) "
                   "every weight tends to inf φ as s → ∞, whichever sign tᵢ takes",
                   {"hessian": H})


def smoothness(f: sp.MatrixExpr, w: sp.MatrixSymbol, *, signs: Iterable[str] = ()
               ) -> Finding[sp.Expr]:
    """L = sup_w λ_max(∇²f(w)) as an expression in the data (unknown with the reason).

    >>> import sympy as sp
    >>> from symopt.vector.losses import data_symbols, logistic
    >>> d = data_symbols()
    >>> smoothness(logistic(d), d.w, signs=["y"]).value
    lambda_max(X.T*X)/(4*m)
    """
    return _extreme(f, w, signs, "L")


def strong_convexity(f: sp.MatrixExpr, w: sp.MatrixSymbol, *, signs: Iterable[str] = ()
                     ) -> Finding[sp.Expr]:
    """μ = inf_w λ_min(∇²f(w)) (0 for a rank-deficient Gram matrix; unknown with the reason).

    >>> import sympy as sp
    >>> from symopt.vector.losses import data_symbols, logistic
    >>> d = data_symbols()
    >>> strong_convexity(logistic(d), d.w, signs=["y"]).value
    0
    """
    return _extreme(f, w, signs, "mu")
