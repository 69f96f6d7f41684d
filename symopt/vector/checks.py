"""Numeric evidence for vector identities, gradients and Hessians at random dimensions.

Each check draws random dimensions (so that rectangular shapes m ≠ n and
m < n occur) and random data, evaluates both sides with
:func:`symopt.vector.evaluate.evaluate`, and compares them in float64: an
identity directly, a gradient against central finite differences of the
objective, a Hessian against finite differences of the gradient. It is
numeric evidence, not a proof; a :class:`NumericCheck` says how many trials
at which dimensions, and the first mismatch is a counterexample.

>>> import sympy as sp
>>> m, n = sp.symbols("m n", integer=True, positive=True)
>>> X, w, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1), sp.MatrixSymbol("y", m, 1)
>>> f = (X * w - y).T * (X * w - y) / 2
>>> check_gradient(f, w, X.T * (X * w - y)).holds
True
>>> check_gradient(f, w, X * (X.T * w - y)).holds   # wrong transposes: shapes differ
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from symopt.errors import DomainError
from symopt.vector.evaluate import evaluate, sample

__all__ = ["NumericCheck", "check_gradient", "check_hessian", "check_identity"]

#: Largest number of random trials one check may take.
MAX_TRIALS = 1000


@dataclass(frozen=True)
class NumericCheck:
    """Whether a vector statement held at ``trials`` random draws, with the first failure."""

    holds: bool
    trials: int
    detail: str
    counterexample: dict = field(default_factory=dict)


def _trials(trials: int) -> int:
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise DomainError(f"trials must be an integer in [1, {MAX_TRIALS}], got {trials!r}")
    return trials


def _close(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    if a.shape != b.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return bool(np.all(np.abs(a - b) <= tol * scale))


def _shape_of(expr: sp.MatrixExpr, sizes: Mapping[sp.Symbol, int]) -> tuple:
    return tuple(int(sp.sympify(d).xreplace(  # safe: shapes are SymPy objects
        {k: sp.Integer(v) for k, v in sizes.items()})) for d in expr.shape)


def _run(exprs: list[sp.Basic], compare, trials: int, seed: int, options: Mapping,
         what: str) -> NumericCheck:
    rng = np.random.default_rng(seed)
    whole = sp.Tuple(*exprs)
    seen = []
    for trial in range(_trials(trials)):
        sizes, data = sample(whole, rng, **options)
        seen.append(tuple(sizes[d] for d in sorted(sizes, key=lambda s: s.name)))
        problem = compare(sizes, data)
        if problem:
            shown = {k: np.round(v, 4).tolist() if hasattr(v, "tolist") else v
                     for k, v in data.items()}
            return NumericCheck(False, trial + 1, f"{what} fails at dimensions "
                                f"{ {str(k): v for k, v in sizes.items()} }: {problem}",
                                {"sizes": {str(k): v for k, v in sizes.items()}, **shown})
    names = [d.name for d in sorted({d for e in exprs for d in _dims(e)}, key=lambda s: s.name)]
    return NumericCheck(True, trials, f"{what} holds at {trials} random draws (float64); "
                        f"dimensions ({', '.join(names)}) drawn: {sorted(set(seen))}")


def _dims(e: sp.Basic) -> set:
    from symopt.vector.evaluate import dimensions

    return set(dimensions(e))


def check_identity(lhs: sp.MatrixExpr, rhs: sp.MatrixExpr, *, trials: int = 20, seed: int = 0,
                   tol: float = 1e-9, **options) -> NumericCheck:
    """``lhs = rhs`` at random dimensions and data (``options`` as for ``sample``).

    >>> import sympy as sp
    >>> m, n = sp.symbols("m n", integer=True, positive=True)
    >>> X, v = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("v", n, 1)
    >>> check_identity((X * v).T * (X * v), v.T * X.T * X * v).holds
    True
    """
    def compare(sizes, data):
        a, b = evaluate(lhs, data, sizes), evaluate(rhs, data, sizes)
        if not _close(a, b, tol):
            return f"{lhs} = {np.round(a, 6).tolist()} but {rhs} = {np.round(b, 6).tolist()}"
        return ""

    return _run([lhs, rhs], compare, trials, seed, options, f"{lhs} = {rhs}")


def _point_data(data: dict, w: sp.MatrixSymbol, point: np.ndarray) -> dict:
    return {**data, w.name: point}


def _finite_gradient(f: sp.MatrixExpr, w: sp.MatrixSymbol, data: dict, sizes, h: float):
    base = np.asarray(data[w.name], dtype=float)
    out = np.zeros_like(base)
    for k in range(base.size):
        step = np.zeros_like(base)
        step.flat[k] = h
        up = evaluate(f, _point_data(data, w, base + step), sizes)
        down = evaluate(f, _point_data(data, w, base - step), sizes)
        out.flat[k] = float((up - down).item()) / (2 * h)
    return out


def check_gradient(f: sp.MatrixExpr, w: sp.MatrixSymbol, stated: sp.MatrixExpr, *,
                   trials: int = 10, seed: int = 0, tol: float = 1e-5,
                   **options) -> NumericCheck:
    """``stated`` against central differences of ``f`` in ``w`` (step 1e-6, relative ``tol``).

    A stated gradient whose shape differs from ``w`` at the drawn dimensions fails.
    """
    def compare(sizes, data):
        try:
            value = evaluate(stated, data, sizes)
        except ValueError as exc:  # shapes that do not multiply at these dimensions
            return f"the stated gradient cannot be evaluated ({exc})"
        numeric = _finite_gradient(f, w, data, sizes, 1e-6)
        if not _close(value, numeric, tol):
            return (f"stated {np.round(value, 6).tolist()}, finite differences "
                    f"{np.round(numeric, 6).tolist()}")
        return ""

    return _run([f, stated], compare, trials, seed, options, f"∇_{w} {f} = {stated}")


def check_hessian(f: sp.MatrixExpr, w: sp.MatrixSymbol, stated: sp.MatrixExpr,
                  gradient: sp.MatrixExpr, *, trials: int = 10, seed: int = 0,
                  tol: float = 1e-5, **options) -> NumericCheck:
    """``stated`` against central differences of ``gradient`` (itself checked separately)."""
    def compare(sizes, data):
        try:
            value = evaluate(stated, data, sizes)
        except ValueError as exc:
            return f"the stated Hessian cannot be evaluated ({exc})"
        base = np.asarray(data[w.name], dtype=float)
        columns = []
        for k in range(base.size):
            step = np.zeros_like(base)
            step.flat[k] = 1e-6
            up = evaluate(gradient, _point_data(data, w, base + step), sizes)
            down = evaluate(gradient, _point_data(data, w, base - step), sizes)
            columns.append(((up - down) / 2e-6).ravel())
        numeric = np.array(columns).T
        if not _close(value, numeric, tol):
            return (f"stated {np.round(value, 6).tolist()}, finite differences "
                    f"{np.round(numeric, 6).tolist()}")
        return ""

    return _run([f, stated, gradient], compare, trials, seed, options, f"∇²_{w} {f} = {stated}")
