"""Plots of counterexamples (matplotlib, Agg backend; the ``plot`` extra).

Every number drawn comes from the counterexample: the exact run and the
compiled run on the function, and the same method run on the worst quadratic
(or on quadratics of the class) for comparison.

>>> import os, tempfile
>>> from symopt.guarantees.counterexample import drori_teboulle
>>> path = os.path.join(tempfile.mkdtemp(), "dt.png")
>>> plot_counterexample(drori_teboulle(1, 1, 3), path) == path
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from symopt.errors import UnsupportedError

__all__ = ["plot_counterexample"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_counterexample(ce: Any, path: str) -> str:
    """Draw a :class:`Counterexample` or :class:`CycleCounterexample` and save it to ``path``."""
    from symopt.guarantees.counterexample import Counterexample, CycleCounterexample

    if isinstance(ce, Counterexample):
        return _plot_bound(ce, path)
    if isinstance(ce, CycleCounterexample):
        return _plot_cycle(ce, path)
    raise UnsupportedError(f"cannot plot a {type(ce).__name__}")


def _curve(function: Any, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    grid = np.linspace(lo, hi, 801)
    value, _ = function.numpy()
    return grid, value(grid[:, None])


def _plot_bound(ce: Any, path: str) -> str:
    from symopt.guarantees.counterexample import reported_run

    plt = _pyplot()
    x0 = float(ce.iterates[0])
    N = len(ce.iterates) - 1
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.3))
    lo, hi = -0.35 * abs(x0), 1.15 * abs(x0)
    grid, values = _curve(ce.function, lo, hi)
    left.plot(grid, values, color="C3", lw=2, label="counterexample f (in the class)")
    xs = np.array([float(x) for x in ce.iterates])
    left.plot(xs, [float(v) for v in ce.measure] if ce.measure_name.startswith("f(")
              else ce.function.numpy()[0](xs[:, None]), "o", color="C3", ms=5,
              label=f"GD iterates on f (compiled run, N = {N})")
    quad_values = None
    if ce.quadratic is not None:
        grid, q = _curve(ce.quadratic, lo, hi)
        lam = ce.quadratic.pieces[0].c
        left.plot(grid, q, color="C0", lw=2, ls="--", label=f"worst quadratic λx²/2, λ = {lam}")
        qx = reported_run(ce.method, ce.hyperparameters, ce.quadratic, ce.iterates[0], N)
        quad_values = [float(ce.quadratic.value(x)) for x in qx]
        left.plot([float(x) for x in qx], quad_values, "s", color="C0", ms=4,
                  label="GD iterates on the quadratic")
    left.set_xlabel("x")
    left.set_ylabel("f(x) − f*")
    left.set_title("worst-case function beside the worst quadratic")
    left.set_ylim(bottom=-0.02 * float(max(ce.measure)), top=1.05 * float(max(ce.measure)))
    left.legend(fontsize=8, loc="upper left")
    ks = np.arange(N + 1)
    right.semilogy(ks, [float(v) for v in ce.measure], "o-", color="C3",
                   label="f(x_k) − f* on the counterexample")
    if quad_values is not None:
        right.semilogy(ks, quad_values, "s--", color="C0", label="f(x_k) − f* on the quadratic")
    right.axhline(float(ce.bound), color="k", lw=1, ls=":",
                  label=f"claimed bound at N = {N}: {float(ce.bound):.4g}")
    right.plot([N], [float(ce.measure[-1])], "*", color="C3", ms=14,
               label=f"f(x_N) − f* = {ce.measure[-1]} (exact)")
    right.set_xlabel("k")
    right.set_title("the bound holds on quadratics, not on the class")
    right.legend(fontsize=8)
    hp = ", ".join(f"{k} = {v}" for k, v in ce.hyperparameters.items())
    fig.suptitle(f"{ce.method.name}, {hp} on {ce.cls.describe()}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plot_cycle(ce: Any, path: str) -> str:
    from symopt.kernels import run

    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    points = np.array([float(p) for p in ce.cycle.points])
    lo, hi = min(points.min(), 0.0) - 1.0, max(points.max(), float(ce.x0)) + 0.6
    grid, values = _curve(ce.function, lo, hi)
    ax = axes[0]
    ax.plot(grid, values, color="C3", lw=2, label="f (in the class)")
    value = ce.function.numpy()[0]
    ax.plot(points, value(points[:, None]), "o", color="k", ms=7,
            label=f"exact {ce.cycle.period}-cycle: " + ", ".join(str(p) for p in
                                                                 ce.cycle.points))
    for b in ce.function.breakpoints:
        ax.axvline(float(b), color="0.7", lw=0.8, ls=":")
    ax.set_xlabel("x")
    ax.set_title("the function and the periodic orbit")
    ax.legend(fontsize=8, loc="upper left")
    ks = np.arange(len(ce.compiled_from_x0))
    show = min(len(ks), 60)
    ax = axes[1]
    ax.plot(ks[:show], ce.compiled_from_x0[:show], "o-", ms=3, color="C3",
            label=f"compiled heavy ball from x₀ = {ce.x0}, at rest")
    for p in points:
        ax.axhline(p, color="k", lw=0.8, ls=":")
    ax.set_xlabel("k")
    ax.set_ylabel("x_k")
    ax.set_title("iterates enter the cycle")
    ax.legend(fontsize=8)
    ax = axes[2]
    ax.semilogy(ks, np.abs(ce.compiled_from_x0), color="C3", label="|x_k − x*| on f")
    hp = {k: v for k, v in ce.hyperparameters.items()}
    for lam, colour in ((ce.cls.mu, "C0"), (ce.cls.L, "C2")):
        traj = run(f"{lam}*x**2/2", ce.method, [float(ce.x0)], len(ks) - 1, **hp)
        ax.semilogy(ks, np.maximum(np.abs(traj.iterates[:, 0]), 1e-300), color=colour, ls="--",
                    label=f"|x_k − x*| on {lam}x²/2")
    bound = float(ce.constant) * (ks + 1.0) ** ce.power * float(ce.rate) ** ks \
        * abs(float(ce.x0))
    ax.semilogy(ks, bound, color="k", ls=":", label=f"claimed {ce._bound_text()}")
    ax.set_ylim(1e-20, 1e3)
    ax.set_xlabel("k")
    ax.set_title("converges on quadratics, not on the class")
    ax.legend(fontsize=8, loc="lower left")
    fig.suptitle(f"{ce.method.name}, {', '.join(f'{k} = {v}' for k, v in hp.items())} on "
                 f"{ce.cls.describe()}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
