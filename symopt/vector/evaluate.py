"""Numeric values of matrix expressions, and random data of random dimensions.

A matrix expression is evaluated by walking its tree with NumPy (no generated
source: names of the user's symbols never reach ``exec``). Elementwise scalar
functions are lambdified over one generated argument name after their other
symbols have been given numbers. :func:`sample` draws dimensions and data:
Gaussian entries, optionally a rank-deficient (low-rank) or ±1-valued matrix,
symmetric matrices where declared.

>>> import numpy as np, sympy as sp
>>> m, n = sp.symbols("m n", integer=True, positive=True)
>>> X, w = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1)
>>> evaluate(X.T * X * w, {"X": np.eye(2), "w": np.ones((2, 1))})
array([[1.],
       [1.]])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from symopt.errors import DomainError, UnsupportedError

__all__ = ["MAX_DIMENSION", "MAX_ENTRIES", "dimensions", "evaluate", "sample"]

#: Largest dimension :func:`sample` draws or accepts for one axis.
MAX_DIMENSION = 2000
#: Largest number of entries of one sampled or evaluated array.
MAX_ENTRIES = 10**6


def dimensions(expr: sp.Basic) -> list[sp.Symbol]:
    """The symbols that appear in the shapes of the matrix symbols of ``expr``, sorted by name.

    >>> import sympy as sp
    >>> m, n = sp.symbols("m n", integer=True, positive=True)
    >>> dimensions(sp.MatrixSymbol("X", m, n).T * sp.MatrixSymbol("y", m, 1))
    [m, n]
    """
    found: set[sp.Symbol] = set()
    for M in expr.atoms(sp.MatrixSymbol):
        for d in M.shape:
            found |= sp.sympify(d).free_symbols  # safe: shapes are SymPy objects
    return sorted(found, key=lambda s: s.name)


def _size(value: sp.Basic, sizes: Mapping[sp.Symbol, int]) -> int:
    number = sp.sympify(value).xreplace(  # safe: shapes are SymPy objects
        {k: sp.Integer(v) for k, v in sizes.items()})
    if not number.is_Integer or number < 1:
        raise DomainError(f"the dimension {value} is not fixed by {dict(sizes)}")
    if number > MAX_DIMENSION:
        raise DomainError(f"the dimension {value} = {number} exceeds {MAX_DIMENSION}; "
                          "explicit shapes that large are refused")
    return int(number)


def _shape(M: sp.MatrixExpr, sizes: Mapping[sp.Symbol, int]) -> tuple[int, int]:
    rows, cols = (_size(d, sizes) for d in M.shape)
    if rows * cols > MAX_ENTRIES:
        raise DomainError(f"{M} would have {rows * cols} entries (more than {MAX_ENTRIES})")
    return rows, cols


def sample(expr: sp.Basic, rng: np.random.Generator, *, sizes: Mapping[sp.Symbol, int] | None
           = None, low: int = 1, high: int = 6, rank_deficient: Iterable[str] = (),
           signs: Iterable[str] = (), symmetric: Iterable[str] = (),
           scalars: Iterable[sp.Symbol] = ()) -> tuple[dict[sp.Symbol, int], dict[str, Any]]:
    """Random dimensions in [low, high] (unless given) and random data for ``expr``'s symbols.

    Matrix symbols named in ``rank_deficient`` get rank ⌊min(shape)/2⌋ (so rank < n),
    those in ``signs`` entries ±1, those in ``symmetric`` symmetric values;
    scalar ``scalars`` get a positive value in [0.5, 2].

    >>> import numpy as np, sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> sizes, data = sample(sp.MatrixSymbol("w", n, 1), np.random.default_rng(0), sizes={n: 3})
    >>> data["w"].shape
    (3, 1)
    """
    if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high
            <= MAX_DIMENSION):
        raise DomainError(f"dimensions must be integers with 1 ≤ low ≤ high ≤ {MAX_DIMENSION}")
    sizes = dict(sizes or {})
    for d in dimensions(expr):
        sizes.setdefault(d, int(rng.integers(low, high + 1)))
    deficient, pm, sym = set(rank_deficient), set(signs), set(symmetric)
    data: dict[str, Any] = {}
    for M in sorted(expr.atoms(sp.MatrixSymbol), key=lambda s: s.name):
        rows, cols = _shape(M, sizes)
        if M.name in pm:
            value = rng.choice([-1.0, 1.0], size=(rows, cols))
        elif M.name in deficient:
            rank = min(rows, cols) // 2
            value = rng.standard_normal((rows, rank)) @ rng.standard_normal((rank, cols))
        else:
            value = rng.standard_normal((rows, cols))
        if M.name in sym:
            value = (value + value.T) / 2
        data[M.name] = value
    for s in scalars:
        data[s.name] = float(rng.uniform(0.5, 2.0))
    return sizes, data


def _scalar(value: sp.Basic, data: Mapping[str, Any], sizes: Mapping[sp.Symbol, int]) -> float:
    from symopt.vector.spectral import lambda_max, lambda_min

    spectra = {}
    for f in value.atoms(lambda_max, lambda_min):
        eigenvalues = np.linalg.eigvalsh(_eval(f.args[0], data, sizes))
        spectra[f] = sp.Float(eigenvalues[-1] if isinstance(f, lambda_max) else eigenvalues[0])
    value = sp.sympify(value).xreplace(spectra)  # safe: SymPy objects
    numbers = {s: sp.Integer(sizes[s]) if s in sizes else sp.Float(data[s.name])
               for s in value.free_symbols if s in sizes or s.name in data}
    result = sp.sympify(value).xreplace(numbers)  # safe: SymPy objects
    if result.free_symbols:
        raise DomainError(f"no value for {sorted(map(str, result.free_symbols))} in {value}")
    return float(result)


def _apply(function: sp.Lambda, data: Mapping[str, Any], sizes: Mapping[sp.Symbol, int]):
    (d,) = function.variables
    z = sp.Dummy("z")
    body = function.expr.xreplace({d: z})
    others = body.free_symbols - {z}
    body = body.xreplace({s: sp.Float(_scalar(s, data, sizes)) for s in others})
    return sp.lambdify(z, body, "numpy")  # safe: one generated argument, numbers, functions


def evaluate(expr: sp.Basic, data: Mapping[str, Any],
             sizes: Mapping[sp.Symbol, int] | None = None) -> np.ndarray:
    """The value of ``expr`` (a matrix expression) for the arrays in ``data`` (by symbol name).

    Dimension symbols that the arrays fix are read from them.

    >>> import numpy as np, sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> w = sp.MatrixSymbol("w", n, 1)
    >>> float(evaluate(w.T * w / 2, {"w": np.array([[3.0], [4.0]])})[0, 0])
    12.5
    """
    sizes = dict(sizes or {})
    for M in expr.atoms(sp.MatrixSymbol):
        value = np.asarray(data[M.name], dtype=float)
        for d, k in zip(M.shape, value.shape):
            d = sp.sympify(d)  # safe: shapes are SymPy objects
            if d.is_Symbol:
                sizes.setdefault(d, int(k))
    return np.asarray(_eval(expr, data, sizes), dtype=float)


def _eval(e: sp.Basic, data: Mapping[str, Any], sizes: Mapping[sp.Symbol, int]):
    if not getattr(e, "is_Matrix", False):
        return _scalar(e, data, sizes)
    if isinstance(e, sp.MatrixSymbol):
        return np.asarray(data[e.name], dtype=float).reshape(_shape(e, sizes))
    if isinstance(e, sp.Identity):
        return np.eye(_size(e.shape[0], sizes))
    if isinstance(e, sp.ZeroMatrix):
        return np.zeros(_shape(e, sizes))
    if isinstance(e, sp.OneMatrix):
        return np.ones(_shape(e, sizes))
    if isinstance(e, sp.MatMul):
        result: Any = 1.0
        for a in e.args:
            value = _eval(a, data, sizes)
            result = result * value if np.ndim(value) == 0 or np.ndim(result) == 0 \
                else result @ value
        return result
    if isinstance(e, sp.MatAdd):
        return sum(_eval(a, data, sizes) for a in e.args)
    if isinstance(e, sp.Transpose):
        return _eval(e.arg, data, sizes).T
    if isinstance(e, sp.Inverse):
        return np.linalg.inv(_eval(e.arg, data, sizes))
    if isinstance(e, sp.HadamardProduct):
        result = 1.0
        for a in e.args:
            result = result * _eval(a, data, sizes)
        return result
    if isinstance(e, sp.HadamardPower):
        return _eval(e.base, data, sizes) ** _scalar(e.exp, data, sizes)
    if isinstance(e, ElementwiseApplyFunction):
        return _apply(e.function, data, sizes)(_eval(e.expr, data, sizes))
    if isinstance(e, DiagMatrix):
        return np.diag(_eval(e.args[0], data, sizes).ravel())
    from symopt.vector.softmax import LogSumExp, Softmax

    if isinstance(e, (Softmax, LogSumExp)):
        return e.numeric(_eval(e.args[0], data, sizes))
    if isinstance(e, sp.MatPow) and e.exp.is_Integer:
        return np.linalg.matrix_power(_eval(e.base, data, sizes), int(e.exp))
    raise UnsupportedError(f"no numeric evaluation for {type(e).__name__} ({e})")
