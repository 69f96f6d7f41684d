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
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symopt.errors import DomainError, UnsupportedError
from symopt.kernels.gradient import compile_gradient, compile_hessian
from symopt.kernels.step import _dtype, compile, resolve_method
from symopt.methods import Method
from symopt.problem import Problem

__all__ = ["MAX_MEMORY_BYTES", "MAX_STEPS", "Trajectory", "memory_cap", "run"]

#: Most steps one run may take (the loop is in Python: about 10 µs a step).
MAX_STEPS = 1_000_000
#: Default cap on the memory one run may allocate, in bytes (2 GiB); the environment
#: variable SYMOPT_MAX_MEMORY_MB or the ``max_bytes`` argument of :func:`run` change it.
MAX_MEMORY_BYTES = 2 * 2**30


def memory_cap(max_bytes: object = None) -> int:
    """The memory cap in bytes: ``max_bytes``, else SYMOPT_MAX_MEMORY_MB, else 2 GiB.

    >>> memory_cap(10**6)
    1000000
    >>> memory_cap(0)
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: max_bytes must be a positive whole number of bytes, got 0
    """
    what = "max_bytes"
    if max_bytes is None:
        env = os.environ.get("SYMOPT_MAX_MEMORY_MB")
        if env is None:
            return MAX_MEMORY_BYTES
        what = "SYMOPT_MAX_MEMORY_MB"
        try:
            max_bytes = int(env) * 2**20
        except ValueError:
            max_bytes = env
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, numbers.Integral) \
            or max_bytes <= 0:
        raise DomainError(f"{what} must be a positive whole number of bytes, got {max_bytes!r}")
    return int(max_bytes)


def _check_memory(steps: int, rows: int, n: int, itemsize: int, cap: int) -> None:
    """Refuse a run whose arrays would need more than ``cap`` bytes, before allocating."""
    # iterates (steps+1)·rows·n; values and gradient norms (steps+1)·rows; and about
    # eight arrays of rows·n for x, g, the state, the work buffers and the start.
    need = ((steps + 1) * rows * (n + 2) + 8 * rows * n) * max(itemsize, 8)
    if need > cap:
        raise DomainError(f"this run needs about {need / 2**30:.3g} GiB ({steps} steps, "
                          f"{rows} row(s) of {n} variable(s)); the cap is {cap / 2**30:.3g} GiB "
                          "(max_bytes= or SYMOPT_MAX_MEMORY_MB)")


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
    shape = getattr(x0, "shape", None)
    if isinstance(shape, tuple) and (len(shape) not in (0, 1, 2) or (shape and shape[-1] != n)):
        raise DomainError(f"x0 must have shape ({n},) or (B, {n}) for {n} variable(s), "
                          f"got {shape}")
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
        data: dict[str, object] | None = None, max_bytes: int | None = None,
        **hyperparameters: object) -> Trajectory:
    """Iterate ``method`` on ``problem`` from ``x0`` for ``steps`` steps.

    The iterates are the parameters, or the state a method reports
    (``Method.reported``: Nesterov's look-ahead form records x_k, its state ``z``).

    ``x0`` has shape (n,) or (B, n) (B starting points); hyperparameters may be
    1-D arrays of length B (a sweep), run as one batched call; ``data`` gives
    per-coordinate arrays of the rule (see :func:`~symopt.kernels.compile`).
    Everything is checked before any computation, the memory the run needs
    included: above ``max_bytes`` (default :func:`memory_cap`) it is refused.
    A method with a line search runs in :func:`symopt.kernels.linesearch.run_line_search`.

    >>> traj = run("x**2", "gd", [2.0], 3, alpha=[0.1, 0.5])
    >>> traj.iterates.shape, traj.final[:, 0]
    ((4, 2, 1), array([1.024, 0.   ]))
    """
    problem = problem if isinstance(problem, Problem) else Problem(problem)
    method = resolve_method(method)
    if getattr(method, "line_search", None) is not None:  # τ is chosen at every step
        from symopt.kernels.linesearch import run_line_search

        if data is not None:
            raise DomainError("data is not supported with a line search")
        return run_line_search(problem, method, x0, steps, backend, dtype, max_bytes=max_bytes,
                               **hyperparameters)
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0 \
            or steps > MAX_STEPS:
        raise DomainError(f"steps must be a whole number from 0 to {MAX_STEPS}, got {steps!r}")
    steps = int(steps)
    cap = memory_cap(max_bytes)
    dt = _dtype(dtype)
    n = len(problem.variables)
    sweep = [np.ndim(v) for v in hyperparameters.values() if not isinstance(v, str)]
    shape = getattr(x0, "shape", None)
    if isinstance(shape, tuple) and len(shape) == 2:  # an array: its size before any copy
        _check_memory(steps, int(shape[0]), n, dt.itemsize, cap)
    start = _start(x0, n, None)
    batched = start.ndim == 2 or any(d >= 1 for d in sweep)
    step = compile(method, backend, dt, batched=batched, data=data, **hyperparameters)
    start = _start(x0, n, step.batch) if step.batch else start
    _check_memory(steps, int(np.prod(start.shape[:-1], dtype=np.int64)), n, dt.itemsize, cap)
    f, grad = compile_gradient(problem)
    hessian = compile_hessian(problem) if method.uses_newton_direction else None

    x = np.array(start, dtype=dt, order="C")  # a writable, contiguous copy
    iterates = np.empty((steps + 1, *x.shape), dt)
    grad_norms = np.empty((steps + 1, *x.shape[:-1]), dt)
    g = np.empty_like(x)
    state = step.init_state(x)
    with np.errstate(all="ignore"):
        grad(x, out=g)
        for t in range(steps + 1):
            if t:
                p = _newton_direction(hessian, x, g, t) if hessian is not None else None
                step(x, g, state, t, p=p)
                grad(x, out=g)
            # the iterate the method reports (Nesterov's look-ahead form: x_k, not y_k)
            point = method.reported_iterate(x, state)
            iterates[t] = point
            grad_norms[t] = np.linalg.norm(g if point is x else grad(point), axis=-1)
        values = f(iterates)
    return Trajectory(iterates, values, grad_norms, method.name, dict(step.hyperparameters),
                      backend)


def _newton_direction(hessian: Any, x: np.ndarray, g: np.ndarray, t: int) -> np.ndarray:
    try:
        return np.linalg.solve(hessian(x), g[..., None])[..., 0].astype(x.dtype, copy=False)
    except np.linalg.LinAlgError:
        raise UnsupportedError(f"the Hessian is singular at step {t}: no Newton direction "
                               "exists") from None
