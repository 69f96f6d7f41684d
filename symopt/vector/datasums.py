"""Sums over the samples of a data set, as vectorised matrix expressions.

A per-sample term is a matrix expression in a sample ``x_i`` (n×1, the i-th
row of X as a column) and its target ``y_i`` (1×1, the i-th entry of y);
scalars are 1×1 expressions, so (x_iᵀw − y_i) x_i is written
``x_i * (x_i.T * w - y_i)``. :func:`vectorise` rewrites Σ_{i=1}^{m} of it
without the index:

* Σᵢ s_i = 1ᵀ s, Σᵢ x_i s_i = Xᵀ s, Σᵢ x_i s_i x_iᵀ = Xᵀ diag(s) X,

where the vector s of the per-sample scalars is built by x_iᵀv ↦ Xv, y_i ↦ y,
products of per-sample scalars ↦ Hadamard products and φ(·) ↦ φ elementwise.
The rewrite is checked against the explicit loop over the samples by
:func:`check_vectorised` at random dimensions.

>>> d = samples()
>>> vectorise(d.x_i * (d.x_i.T * d.w - d.y_i), d)
X.T*(X*w - y)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from symopt.errors import UnsupportedError
from symopt.vector.checks import NumericCheck, _trials
from symopt.vector.evaluate import evaluate, sample

__all__ = ["Samples", "check_vectorised", "samples", "vectorise"]


@dataclass(frozen=True)
class Samples:
    """m samples: rows x_i of X (m×n), entries y_i of y, and the weights w (n×1)."""

    m: sp.Symbol
    n: sp.Symbol
    X: sp.MatrixSymbol
    y: sp.MatrixSymbol
    w: sp.MatrixSymbol
    x_i: sp.MatrixSymbol
    y_i: sp.MatrixSymbol


def samples() -> Samples:
    """Symbols for sums over m samples with n features.

    >>> samples().x_i.shape
    (n, 1)
    """
    m, n = sp.symbols("m n", integer=True, positive=True)
    return Samples(m, n, sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("y", m, 1),
                   sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("x_i", n, 1),
                   sp.MatrixSymbol("y_i", 1, 1))


def _per_sample(e: sp.Basic, d: Samples) -> bool:
    return e.has(d.x_i) or e.has(d.y_i)


def _split(e: sp.MatrixExpr) -> tuple[sp.Expr, list[sp.MatrixExpr]]:
    if isinstance(e, sp.MatMul):
        return (sp.Mul(*[a for a in e.args if not getattr(a, "is_Matrix", False)]),
                [a for a in e.args if getattr(a, "is_Matrix", False)])
    return sp.Integer(1), [e]


def _scalar_groups(mats: list[sp.MatrixExpr]) -> list[list[sp.MatrixExpr]]:
    """Consecutive factors whose products are 1×1 (a product of per-sample scalars)."""
    groups: list[list[sp.MatrixExpr]] = []
    current: list[sp.MatrixExpr] = []
    for a in mats:
        if not current and a.shape[0] != 1:
            return [mats]
        current.append(a)
        if a.shape[1] == 1:
            groups.append(current)
            current = []
    return groups if not current else [mats]


def _vector(s: sp.MatrixExpr, d: Samples) -> sp.MatrixExpr:
    """The m×1 vector of the per-sample 1×1 expression ``s``."""
    if not _per_sample(s, d):
        return sp.MatMul(sp.OneMatrix(d.m, 1), s)
    if s == d.y_i:
        return d.y
    if isinstance(s, sp.Transpose):
        return _vector(s.arg, d)
    if isinstance(s, sp.MatAdd):
        return sp.MatAdd(*[_vector(a, d) for a in s.args])
    if isinstance(s, ElementwiseApplyFunction):
        return ElementwiseApplyFunction(s.function, _vector(s.expr, d))
    if isinstance(s, sp.HadamardPower):
        return sp.HadamardPower(_vector(s.base, d), s.exp)
    if isinstance(s, sp.MatMul):
        c, mats = _split(s)
        if len(mats) == 1:
            inner = _vector(mats[0], d)
            return sp.MatMul(c, inner) if c != 1 else inner
        if len(mats) >= 2 and mats[0] == d.x_i.T and not _per_sample(sp.MatMul(*mats[1:]), d):
            return sp.MatMul(c, d.X, *mats[1:])
        if len(mats) >= 2 and mats[-1] == d.x_i and not _per_sample(sp.MatMul(*mats[:-1]), d):
            return sp.MatMul(c, d.X, sp.Transpose(sp.MatMul(*mats[:-1])).doit())
        groups = _scalar_groups(mats)
        if len(groups) > 1:
            vectors = [_vector(g[0] if len(g) == 1 else sp.MatMul(*g), d) for g in groups]
            inner = sp.HadamardProduct(*vectors)
            return sp.MatMul(c, inner) if c != 1 else inner
    raise UnsupportedError(f"cannot vectorise the per-sample expression {s}")


def vectorise(term: sp.MatrixExpr, d: Samples) -> sp.MatrixExpr:
    """Σ_{i=1}^{m} ``term`` without the index (1×1, n×1 or n×n terms).

    >>> d = samples()
    >>> vectorise(d.x_i * d.x_i.T, d)
    X.T*X
    """
    return _vectorise(term, d).doit()


def _vectorise(term: sp.MatrixExpr, d: Samples) -> sp.MatrixExpr:
    if isinstance(term, sp.MatAdd):
        return sp.MatAdd(*[_vectorise(a, d) for a in term.args])
    if not _per_sample(term, d):
        return sp.MatMul(d.m, term)
    if term.shape == (1, 1):
        return sp.MatMul(sp.OneMatrix(1, d.m), _vector(term, d))
    c, mats = _split(term)
    if term.shape[1] == 1 and mats[0] == d.x_i:
        s = sp.MatMul(*mats[1:]) if len(mats) > 1 else sp.OneMatrix(1, 1)
        if len(mats) == 1:
            return sp.MatMul(c, d.X.T, sp.OneMatrix(d.m, 1))
        return sp.MatMul(c, d.X.T, _vector(s, d))
    if mats[0] == d.x_i and mats[-1] == d.x_i.T:
        middle = mats[1:-1]
        if not middle:
            return sp.MatMul(c, d.X.T, d.X)
        return sp.MatMul(c, d.X.T, DiagMatrix(_vector(sp.MatMul(*middle), d)), d.X)
    raise UnsupportedError(f"cannot vectorise the sum of {term}: write it as s_i, x_i s_i or "
                           "x_i s_i x_iᵀ with s_i a per-sample scalar")


def check_vectorised(term: sp.MatrixExpr, vectorised: sp.MatrixExpr, d: Samples, *,
                     trials: int = 10, seed: int = 0, signs: tuple[str, ...] = ()
                     ) -> NumericCheck:
    """The explicit loop Σᵢ term(x_i, y_i) against ``vectorised`` at random dimensions.

    >>> d = samples()
    >>> check_vectorised(d.x_i * (d.x_i.T * d.w - d.y_i), d.X.T * (d.X * d.w - d.y), d).holds
    True
    """
    rng = np.random.default_rng(seed)
    for trial in range(_trials(trials)):
        sizes, data = sample(sp.Tuple(d.X, d.y, d.w, vectorised), rng, signs=signs)
        loop = 0.0
        for i in range(sizes[d.m]):
            row = {**data, "x_i": data["X"][i].reshape(-1, 1),
                   "y_i": data["y"][i].reshape(1, 1)}
            loop = loop + evaluate(term, row, sizes)
        value = evaluate(vectorised, data, sizes)
        if np.shape(value) != np.shape(loop) or not np.allclose(value, loop, atol=1e-9):
            return NumericCheck(False, trial + 1, f"at m = {sizes[d.m]}, n = {sizes[d.n]} the "
                                f"loop gives {np.round(loop, 6).tolist()}, {vectorised} gives "
                                f"{np.round(value, 6).tolist()}",
                                {k: np.round(v, 4).tolist() for k, v in data.items()})
    return NumericCheck(True, trials, f"Σᵢ {term} = {vectorised}: equal to the explicit loop "
                        f"over the samples at {trials} random dimensions (float64)")
