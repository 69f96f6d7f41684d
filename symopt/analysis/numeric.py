"""Numbers from the derived iteration matrix: spectral radii on grids, a numeric minimax.

These evaluate T(λ) — derived symbolically — at floating-point values; they are
evidence and plots, never a replacement for a derivation.

>>> from symopt.analysis import linear_recurrence
>>> from symopt.methods import heavy_ball
>>> best = numeric_minimax(heavy_ball(), 1.0, 4.0)
>>> round(best["alpha"], 3), round(best["beta"], 3), round(best["rate"], 3)
(0.444, 0.111, 0.333)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp

from symopt.methods.base import Method

__all__ = ["numeric_minimax", "radius_grid"]


def radius_grid(matrix: sp.Matrix, symbols: Sequence[sp.Symbol], grids: Sequence[np.ndarray],
                eigenvalues: Sequence[float], lam: sp.Symbol) -> np.ndarray:
    """max over eigenvalues of the spectral radius of T, on a grid of hyperparameter values.

    >>> from symopt.analysis import LAMBDA, linear_recurrence
    >>> from symopt.methods import gradient_descent
    >>> from symopt.symbols import symbol
    >>> T = linear_recurrence(gradient_descent()).matrix
    >>> radius_grid(T, [symbol("alpha")], [np.array([0.25, 0.4])], [1.0, 4.0], LAMBDA)
    array([0.75, 0.6 ])
    """
    return _compiled(matrix, symbols, lam)(grids, eigenvalues)


def _compiled(matrix: sp.Matrix, symbols: Sequence[sp.Symbol], lam: sp.Symbol):
    """A function (grids, eigenvalues) → worst radius, with T compiled once."""
    n = matrix.rows
    # dummify: the generated code sees only generated argument names.
    entries = sp.lambdify([*symbols, lam], list(matrix), "numpy", dummify=True)

    def worst(grids: Sequence[np.ndarray], eigenvalues: Sequence[float]) -> np.ndarray:
        arrays = np.meshgrid(*grids, np.asarray(eigenvalues, dtype=float), indexing="ij")
        shape = arrays[0].shape
        cells = [np.broadcast_to(np.asarray(c, dtype=float), shape) for c in entries(*arrays)]
        T = np.stack(cells, axis=-1).reshape(*shape, n, n)
        with np.errstate(all="ignore"):
            radius = np.abs(np.linalg.eigvals(T)).max(axis=-1)
        return radius.max(axis=-1)

    return worst


def numeric_minimax(method: Method, mu: float, L: float, *, points: int = 201,
                    **fixed: object) -> dict[str, float]:
    """Minimise max over λ ∈ [μ, L] of ρ(T(λ)) numerically (Nelder–Mead from several starts).

    Returns the hyperparameter values by name and the ``rate`` reached.
    """
    from scipy.optimize import minimize

    from symopt.analysis.linear import LAMBDA, linear_recurrence

    matrix = linear_recurrence(method, **fixed).matrix
    free = [h for h in method.hyperparameters if h.symbol in matrix.free_symbols]
    grid = np.linspace(mu, L, points)
    compiled = _compiled(matrix, [h.symbol for h in free], LAMBDA)

    bounds = [_float_bounds(h.domain) for h in free]

    def worst(values: np.ndarray) -> float:
        for (lo, hi), v in zip(bounds, values):
            if not lo < v < hi:
                return 10.0  # outside the domain: worse than any admissible point
        return float(compiled([np.array([v]) for v in values], grid).max())

    best = None
    for scale in (0.5, 1.0, 1.5):
        start = [scale / L if h.symbol.name == "alpha" else 0.5 * scale for h in free]
        found = minimize(worst, start, method="Nelder-Mead",
                         options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 3000})
        if best is None or found.fun < best.fun:
            best = found
    result = {h.symbol.name: float(v) for h, v in zip(free, best.x)}
    result["rate"] = float(best.fun)
    return result


def _float_bounds(domain: sp.Set) -> tuple[float, float]:
    """The open interior of an interval domain as floats (the optimum is interior)."""
    if isinstance(domain, sp.Interval):
        return float(domain.start), float(domain.end)
    return -np.inf, np.inf
