"""Numeric runs: iterate a compiled method on a compiled problem.

Only compiled code runs in the loop: the step generated from the method's rule,
the gradient generated from the problem (and, for Newton-type methods, the
Newton direction p = ∇²f(x)⁻¹∇f(x) from the compiled Hessian). A leading batch
axis makes a sweep of step sizes or starting points one call.

>>> from symopt.kernels import run
>>> run("x**2", "gd", [2.0], 1, alpha=0.1).iterates[:, 0]
array([2. , 1.6])
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symopt.errors import DomainError, UnsupportedError
from symopt.kernels.gradient import compile_gradient, compile_hessian
from symopt.kernels.step import _dtype, compile, resolve_method
from symopt.methods import Method
from symopt.problem import Problem

__all__ = ["Trajectory", "run"]


@dataclass(frozen=True)
class Trajectory:
    """A run: ``iterates`` (steps+1, *batch, n), ``values`` and ``grad_norms`` (steps+1, *batch)."""

    iterates: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    method: str = ""
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    backend: str = "numpy"

    @property
    def final(self) -> np.ndarray:
        """The last iterate."""
        return self.iterates[-1]

    @property
    def steps(self) -> int:
        """Number of steps taken."""
        return self.iterates.shape[0] - 1


def _start(x0: object, n: int, batch: int | None) -> np.ndarray:
    try:
        start = np.array(x0, dtype=np.float64)
    except (TypeError, ValueError):
        raise DomainError("x0 must be an array of numbers") from None
    if start.ndim == 0 and n == 1:
        start = start.reshape(1)
    if start.ndim not in (1, 2) or start.shape[-1] != n:
        raise DomainError(f"x0 must have shape ({n},) or (B, {n}) for {n} variable(s), "
                          f"got {start.shape}")
    if not np.all(np.isfinite(start)):
        raise DomainError("x0 contains NaN or infinite values")
    if batch is not None:
        if start.ndim == 2 and start.shape[0] != batch:
            raise DomainError(f"x0 has {start.shape[0]} rows but the sweep has {batch} values")
        start = np.broadcast_to(start, (batch, n))
    return start


def run(problem: Problem | str, method: Method | str, x0: object, steps: int,
        backend: str = "numpy", dtype: Any = np.float64, *,
        data: dict[str, object] | None = None, **hyperparameters: object) -> Trajectory:
    """Iterate ``method`` on ``problem`` from ``x0`` for ``steps`` steps.

    ``x0`` has shape (n,) or (B, n) (B starting points); hyperparameters may be
    1-D arrays of length B (a sweep), run as one batched call; ``data`` gives
    per-coordinate arrays of the rule (see :func:`~symopt.kernels.compile`).
    Everything is checked before any computation.

    >>> traj = run("x**2", "gd", [2.0], 3, alpha=[0.1, 0.5])
    >>> traj.iterates.shape, traj.final[:, 0]
    ((4, 2, 1), array([1.024, 0.   ]))
    """
    problem = problem if isinstance(problem, Problem) else Problem(problem)
    method = resolve_method(method)
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise DomainError(f"steps must be a nonnegative integer, got {steps!r}")
    dt = _dtype(dtype)
    n = len(problem.variables)
    sweep = [np.ndim(v) for v in hyperparameters.values() if not isinstance(v, str)]
    start = _start(x0, n, None)
    batched = start.ndim == 2 or any(d >= 1 for d in sweep)
    step = compile(method, backend, dt, batched=batched, data=data, **hyperparameters)
    start = _start(x0, n, step.batch) if step.batch else start
    f, grad = compile_gradient(problem)
    hessian = compile_hessian(problem) if method.uses_newton_direction else None

    x = np.array(start, dtype=dt, order="C")  # a writable, contiguous copy
    iterates = np.empty((steps + 1, *x.shape), dt)
    grad_norms = np.empty((steps + 1, *x.shape[:-1]), dt)
    g = np.empty_like(x)
    state = step.init_state(x)
    iterates[0] = x
    with np.errstate(all="ignore"):
        grad(x, out=g)
        grad_norms[0] = np.linalg.norm(g, axis=-1)
        for t in range(1, steps + 1):
            p = _newton_direction(hessian, x, g, t) if hessian is not None else None
            step(x, g, state, t, p=p)
            iterates[t] = x
            grad(x, out=g)
            grad_norms[t] = np.linalg.norm(g, axis=-1)
        values = f(iterates)
    return Trajectory(iterates, values, grad_norms, method.name, dict(step.hyperparameters),
                      backend)


def _newton_direction(hessian: Any, x: np.ndarray, g: np.ndarray, t: int) -> np.ndarray:
    try:
        return np.linalg.solve(hessian(x), g[..., None])[..., 0].astype(x.dtype, copy=False)
    except np.linalg.LinAlgError:
        raise UnsupportedError(f"the Hessian is singular at step {t}: no Newton direction "
                               "exists") from None
