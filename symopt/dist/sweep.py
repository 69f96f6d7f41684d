"""Sweeps: a compiled method over a large hyperparameter grid, as a dask array.

The grid is flattened into a batch axis cut into chunks; each chunk is one
batched call of :func:`symopt.kernels.run` (the compiled kernel, no Python loop
over grid points), so a sweep runs on dask's threads or on a dask.distributed
cluster (an active ``Client`` is used). :func:`sweep` returns, per grid point,
the ratio ‖∇f(x_T)‖ / ‖∇f(x_0)‖; :func:`heavy_ball_stability_map` turns it into
an empirical (α, β) stability map of heavy ball on f = λx²/2 and compares it with
the analytic region −1 < β < 1, 0 < αλ < 2(1 + β) (Polyak, 1964).

>>> import numpy as np
>>> ratio = sweep("x**2/2", "gd", [1.0], 50, {"alpha": np.array([0.5, 2.5])}, chunk=1)
>>> (ratio.compute() < 1e-3).tolist()
[True, False]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from symopt.errors import DomainError, SymoptError

__all__ = ["MAX_POINTS", "StabilityMap", "heavy_ball_stability_map", "sweep"]

#: The most grid points one sweep may have.
MAX_POINTS = 10**8


def _chunk_ratio(block: np.ndarray, problem: str, method: str, x0: tuple[float, ...],
                 steps: int, names: tuple[str, ...]) -> np.ndarray:
    """On a worker: run one chunk of grid points (rows of ``block``: the hyperparameters)."""
    from symopt.kernels import run

    values = {name: np.ascontiguousarray(block[:, i]) for i, name in enumerate(names)}
    trajectory = run(problem, method, list(x0), steps, **values)
    with np.errstate(all="ignore"):
        ratio = trajectory.grad_norms[-1] / trajectory.grad_norms[0]
    return np.where(np.isfinite(ratio), ratio, np.inf)


def sweep(problem: str, method: str, x0: Any, steps: int, grid: Mapping[str, Any], *,
          chunk: int = 100_000) -> Any:
    """‖∇f(x_T)‖ / ‖∇f(x_0)‖ at every point of ``grid`` (name → 1-D array of values, all
    the same length; use :func:`numpy.meshgrid` and ``ravel`` for a product grid), as a
    lazy dask array with ``chunk`` points per block (``inf`` where the run overflowed)."""
    try:
        import dask.array as da
    except ImportError:
        raise SymoptError("sweeps need dask: pip install 'symopt[dist]'") from None
    if not grid:
        raise DomainError("the grid names no hyperparameter")
    columns = [np.asarray(v, dtype=np.float64).ravel() for v in grid.values()]
    size = columns[0].size
    if any(c.size != size for c in columns) or not 1 <= size <= MAX_POINTS:
        raise DomainError(f"every grid column must have the same length, 1 to {MAX_POINTS}")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or not 1 <= chunk <= MAX_POINTS:
        raise DomainError(f"chunk must be a whole number from 1 to {MAX_POINTS}, got {chunk!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 10**6:
        raise DomainError(f"steps must be a whole number from 1 to 10**6, got {steps!r}")
    start = tuple(float(v) for v in np.asarray(x0, dtype=np.float64).ravel())
    points = da.from_array(np.stack(columns, axis=1), chunks=(chunk, len(columns)))
    return points.map_blocks(_chunk_ratio, problem, method, start, steps, tuple(grid),
                             drop_axis=1, dtype=np.float64)


@dataclass(frozen=True)
class StabilityMap:
    """An empirical stability map on an (α, β) grid and the analytic region."""

    alpha: np.ndarray
    beta: np.ndarray
    converged: np.ndarray  # (len(beta), len(alpha)) booleans: the run contracted
    analytic: np.ndarray  # the same grid: −1 < β < 1 and 0 < αλ < 2(1 + β)

    @property
    def agreement(self) -> float:
        """The share of grid points where the run and the analytic region agree."""
        return float(np.mean(self.converged == self.analytic))

    @property
    def disagreements(self) -> np.ndarray:
        """(α, β) of the grid points where they disagree."""
        rows, cols = np.nonzero(self.converged != self.analytic)
        return np.stack([self.alpha[cols], self.beta[rows]], axis=1)


def heavy_ball_stability_map(alpha: Any, beta: Any, *, curvature: float = 1.0,
                             steps: int = 2000, tolerance: float = 1e-6,
                             chunk: int = 100_000) -> StabilityMap:
    """Run heavy ball on f = λx²/2 (λ = ``curvature``) at every (α, β) of the grid and
    mark the runs whose gradient shrank below ``tolerance`` (relative) after ``steps``.

    >>> m = heavy_ball_stability_map(np.linspace(0.05, 4.95, 50), np.linspace(0, 0.95, 20))
    >>> m.agreement > 0.97
    True
    """
    a = np.asarray(alpha, dtype=np.float64)
    b = np.asarray(beta, dtype=np.float64)
    if not (np.isfinite(curvature) and curvature > 0):
        raise DomainError(f"curvature must be a finite number > 0, got {curvature!r}")
    grid_a, grid_b = np.meshgrid(a, b)
    ratio = sweep(f"{float(curvature)!r}*x**2/2", "heavy_ball", [1.0], steps,
                  {"alpha": grid_a.ravel(), "beta": grid_b.ravel()}, chunk=chunk)
    converged = (ratio < tolerance).compute().reshape(grid_a.shape)
    analytic = (np.abs(grid_b) < 1) & (grid_a * curvature > 0) & \
        (grid_a * curvature < 2 * (1 + grid_b))
    return StabilityMap(a, b, converged, analytic)
