"""Runs of line-search methods: the compiled rule x' = x + τd, τ chosen by the search.

The kernel is the method's compiled rule with the step τ as a per-row input
(:meth:`~symopt.kernels.step.CompiledStep.set_swept`); the search runs here, in
the run loop, because it needs f itself: the compiled objective for the Armijo
test, the compiled Hessian for the exact step on a quadratic
(τ = −∇fᵀd / dᵀ∇²f d), and a numeric 1-D minimisation (SciPy) for the exact step
on any other f — the run then says so (``numeric_search``). The direction d is
read from the kernel itself (one step with τ = 1 on a copy), so the search and
the step use one definition.

>>> from symopt.kernels.linesearch import run_line_search
>>> r = run_line_search("(x**2 + 3*y**2)/2", "gd_exact_line_search", [3.0, 1.0], 2)
>>> r.iterates[-1], r.step_sizes
(array([0.75, 0.25]), array([0.5, 0.5]))
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from symopt.errors import DomainError, UnsupportedError
from symopt.kernels.gradient import compile_gradient, compile_hessian
from symopt.kernels.run import MAX_STEPS, Trajectory, _check_memory, _start, memory_cap
from symopt.kernels.step import _dtype, compile, resolve_method
from symopt.methods import Method
from symopt.methods.linesearch import STEP, line_search_of
from symopt.problem import Problem

__all__ = ["MAX_BACKTRACKS", "LineSearchTrajectory", "run_line_search"]

#: Most step reductions one backtracking search may make in a run.
MAX_BACKTRACKS = 200


@dataclass(frozen=True)
class LineSearchTrajectory(Trajectory):
    """A run with a line search: also the accepted steps and the reductions per step.

    ``step_sizes`` and ``reductions`` have shape (steps, *batch); ``numeric_search``
    is True when the exact step came from a numeric 1-D minimisation.
    """

    step_sizes: np.ndarray = None  # type: ignore[assignment]
    reductions: np.ndarray = None  # type: ignore[assignment]
    numeric_search: bool = False


def run_line_search(problem: Problem | str, method: Method | str, x0: object, steps: int,
                    backend: str = "numpy", dtype: Any = np.float64, *,
                    max_bytes: int | None = None,
                    **hyperparameters: object) -> LineSearchTrajectory:
    """Iterate a line-search method from ``x0`` ((n,) or (B, n)) for ``steps`` steps.

    Hyperparameters are the search's (α, β, t0 for backtracking); τ is chosen by
    the search and cannot be given. The memory cap is that of :func:`symopt.kernels.run`.

    >>> r = run_line_search("5*x**2", "gd_backtracking", [1.0], 1, alpha=0.25, beta=0.5)
    >>> float(r.step_sizes[0]), int(r.reductions[0])
    (0.125, 3)
    """
    problem = problem if isinstance(problem, Problem) else Problem(problem)
    method = resolve_method(method)
    search = line_search_of(method)
    if search is None:
        raise UnsupportedError(f"{method.name} has no line search; use symopt.kernels.run")
    if STEP.name in hyperparameters:
        raise DomainError("τ is chosen by the line search at every step; it cannot be given")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0 \
            or steps > MAX_STEPS:
        raise DomainError(f"steps must be a whole number from 0 to {MAX_STEPS}, got {steps!r}")
    for name, value in hyperparameters.items():
        if np.ndim(value) != 0:
            raise DomainError(f"{name} must be a number (a sweep is not supported with a "
                              "line search)")
    dt = _dtype(dtype)
    n = len(problem.variables)
    start = _start(x0, n, None)
    single = start.ndim == 1
    x = np.array(start.reshape(-1, n), dtype=dt, order="C")
    rows = x.shape[0]
    _check_memory(steps, rows, n, dt.itemsize, memory_cap(max_bytes))
    step = compile(method, backend, dt, batched=True,
                   **{STEP.name: np.ones(rows)}, **hyperparameters)
    values = {k: float(v) for k, v in step.hyperparameters.items() if k != STEP.name}
    f, grad = compile_gradient(problem)
    hessian = compile_hessian(problem) if method.uses_newton_direction or \
        (search.kind == "exact" and problem.quadratic is not None) else None
    numeric = search.kind == "exact" and problem.quadratic is None

    iterates = np.empty((steps + 1, rows, n), dt)
    taus = np.zeros((steps, rows))
    counts = np.zeros((steps, rows), dtype=np.int64)
    g = np.empty_like(x)
    state = step.init_state(x)
    iterates[0] = x
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            grad(x, out=g)
            p = _newton(hessian, x, g, t) if method.uses_newton_direction else None
            d = _direction(step, x, g, state, t, p)
            if search.kind == "backtracking":
                tau, count = _backtrack(f, x, g, d, values)
            elif numeric:
                tau, count = _exact_numeric(f, x, d), np.zeros(rows, np.int64)
            else:
                curvature = np.einsum("bi,bij,bj->b", d, hessian(x), d)
                slope = np.sum(g * d, axis=-1)
                tau = np.where(curvature > 0, -slope / np.where(curvature > 0, curvature, 1), 0)
                count = np.zeros(rows, np.int64)
            taus[t - 1], counts[t - 1] = tau, count
            step.set_swept(STEP.name, tau)
            step(x, g, state, t, p=p)
            iterates[t] = x
        values_f = f(iterates)
        grad_norms = np.linalg.norm(grad(iterates), axis=-1)
    if single:
        iterates, values_f, grad_norms = iterates[:, 0], values_f[:, 0], grad_norms[:, 0]
        taus, counts = taus[:, 0], counts[:, 0]
    return LineSearchTrajectory(iterates, values_f, grad_norms, method.name,
                                {k: v for k, v in step.hyperparameters.items()
                                 if k != STEP.name}, backend, taus, counts, numeric)


def _newton(hessian: Any, x: np.ndarray, g: np.ndarray, t: int) -> np.ndarray:
    try:
        return np.linalg.solve(hessian(x), g[..., None])[..., 0].astype(x.dtype, copy=False)
    except np.linalg.LinAlgError:
        raise UnsupportedError(f"the Hessian is singular at step {t}: no Newton direction "
                               "exists") from None


def _direction(step: Any, x: np.ndarray, g: np.ndarray, state: dict, t: int,
               p: np.ndarray | None) -> np.ndarray:
    """d = x'(τ = 1) − x, from the compiled rule itself (on copies)."""
    trial = x.copy()
    step.set_swept(STEP.name, np.ones(x.shape[0]))
    step(trial, g, {k: v.copy() for k, v in state.items()}, t, p=p)
    return trial - x


def _backtrack(f: Any, x: np.ndarray, g: np.ndarray, d: np.ndarray,
               values: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Armijo backtracking per row: τ = t0βʲ, the least j with sufficient decrease."""
    alpha, beta, t0 = values["alpha"], values["beta"], values["t0"]
    f0 = f(x)
    slope = np.sum(g * d, axis=-1)
    tau = np.full(x.shape[0], t0)
    count = np.zeros(x.shape[0], np.int64)
    for _ in range(MAX_BACKTRACKS + 1):
        rejected = f(x + tau[:, None] * d) > f0 + alpha * tau * slope
        if not rejected.any():
            return tau, count
        tau = np.where(rejected, tau * beta, tau)
        count += rejected
    raise UnsupportedError(f"no step accepted after {MAX_BACKTRACKS} reductions (is d a "
                           "descent direction?)")


def _exact_numeric(f: Any, x: np.ndarray, d: np.ndarray) -> np.ndarray:
    """argmin_{τ>0} f(x + τd) per row, numerically (SciPy)."""
    from symopt.analysis.linesearch import minimise_along

    return np.array([minimise_along(lambda s, r=r: float(f(x[r] + s * d[r])))
                     if np.any(d[r]) else 0.0 for r in range(x.shape[0])])
