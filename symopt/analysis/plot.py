"""Plots of an analysis (matplotlib, Agg backend): spectral radius, stability region, trajectory.

Numbers come from the derived iteration matrix T(λ) (compiled with generated
argument names) and from a compiled run of the method; nothing is re-derived
here.

>>> import tempfile, os
>>> from symopt.analysis import analyze
>>> path = os.path.join(tempfile.mkdtemp(), "gd.png")
>>> plot_analysis(analyze("0.5*(w1**2 + 4*w2**2)", "gd"), path) == path
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import sympy as sp

from symopt.analysis.numeric import radius_grid
from symopt.errors import SymoptError, UnsupportedError

__all__ = ["plot_analysis"]


def plot_analysis(analysis, path: str, *, steps: int = 60, x0: Sequence[float] | None = None
                  ) -> str:
    """Draw ρ against α (and the (α, β) region for momentum) and a run's error; save to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from symopt.analysis.linear import LAMBDA, linear_recurrence

    if not (analysis.iteration_matrix.known and analysis.eigenvalues.known):
        raise UnsupportedError("nothing to plot: " + (analysis.iteration_matrix.reason
                                                      if not analysis.iteration_matrix.known
                                                      else analysis.eigenvalues.reason))
    method = analysis.method
    eigen = [float(v) for v in analysis.eigenvalues.value if float(v) > 0]
    if not eigen:
        raise UnsupportedError("nothing to plot: no positive eigenvalue")
    values = _plot_values(analysis)
    # The symbolic T(λ) (the analysis may hold it with the given values substituted).
    matrix = linear_recurrence(method).matrix.subs(
        {k: v for k, v in values.items() if k.name not in ("alpha", "beta")})
    names = [h.symbol.name for h in method.hyperparameters]
    panels = 1 + ("alpha" in names) + ({"alpha", "beta"} <= set(names))
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.2))
    axes = np.atleast_1d(axes)
    panel = 0
    alpha_sym = next((h.symbol for h in method.hyperparameters if h.symbol.name == "alpha"), None)
    beta_sym = next((h.symbol for h in method.hyperparameters if h.symbol.name == "beta"), None)
    if alpha_sym is not None:
        ax = axes[panel]
        panel += 1
        alphas = np.linspace(1e-4, 2.4 / min(max(eigen), 1e12) * (1 + float(values.get(
            beta_sym, 0))), 600)
        fixed = matrix.subs({beta_sym: values[beta_sym]}) if beta_sym in values else matrix
        rho = radius_grid(fixed, [alpha_sym], [alphas], eigen, LAMBDA)
        ax.plot(alphas, rho, color="C0", lw=2)
        ax.axhline(1, color="C3", ls="--", lw=1, label="ρ = 1 (stability boundary)")
        ax.fill_between(alphas, 0, 1, where=rho < 1, color="C2", alpha=0.12, label="converges")
        if alpha_sym in values:
            a = float(values[alpha_sym])
            ax.axvline(a, color="k", lw=1, ls=":", label=f"α = {a:.4g}")
        label = f", β = {float(values[beta_sym]):.3g}" if beta_sym in values else ""
        ax.set(xlabel="step size α", ylabel="worst spectral radius ρ(T(λ))",
               title=f"{method.name}: ρ against α{label}", ylim=(0, 1.6))
        ax.legend(loc="upper left", fontsize=8)
    if alpha_sym is not None and beta_sym is not None:
        ax = axes[panel]
        panel += 1
        alphas = np.linspace(1e-4, 4.2 / max(eigen), 240)
        betas = np.linspace(0, 0.999, 200)
        rho = radius_grid(matrix, [alpha_sym, beta_sym], [alphas, betas], eigen, LAMBDA)
        shown = np.where(rho < 1, rho, np.nan)
        image = ax.pcolormesh(alphas, betas, shown.T, cmap="viridis", vmin=0, vmax=1,
                              shading="auto")
        ax.contour(alphas, betas, rho.T, levels=[1.0], colors="C3", linewidths=1.5)
        fig.colorbar(image, ax=ax, label="ρ (white: diverges)")
        if alpha_sym in values and beta_sym in values:
            ax.plot(float(values[alpha_sym]), float(values[beta_sym]), "r*", ms=12,
                    label="chosen / optimal")
            ax.legend(loc="upper right", fontsize=8)
        ax.set(xlabel="step size α", ylabel="momentum β",
               title="stability region in (α, β)")
    _plot_trajectory(axes[panel], analysis, values, steps, x0)
    fig.tight_layout()
    try:
        if Path(path).is_dir():
            raise IsADirectoryError(21, "Is a directory")
        fig.savefig(path, dpi=110)
    except (OSError, ValueError) as exc:  # a path that cannot be written, an unknown format
        raise SymoptError(f"cannot write the plot to {str(path)!r}: "
                          f"{getattr(exc, 'strerror', None) or exc}") from None
    finally:
        plt.close(fig)
    return path


def _plot_values(analysis) -> dict[sp.Symbol, sp.Expr]:
    """Given values, else the optimal ones, else the method's defaults."""
    values = dict(analysis.hyperparameters)
    if analysis.optimal.known:
        for k, v in analysis.optimal.value.hyperparameters.items():
            values.setdefault(k, v)
    for h in analysis.method.hyperparameters:
        if h.symbol not in values and h.default is not None:
            values[h.symbol] = h.default
    return {k: v for k, v in values.items() if not getattr(v, "free_symbols", set())}


def _plot_trajectory(ax, analysis, values, steps: int, x0) -> None:
    from symopt.kernels import run

    problem = analysis.problem
    n = len(problem.variables)
    star = analysis.minimiser.value if analysis.minimiser.known else None
    start = np.asarray(x0, dtype=float) if x0 is not None else (
        np.array([float(star[v]) for v in problem.variables]) + 1.0 if star else np.ones(n))
    hp = {k.name: float(v) for k, v in values.items()}
    missing = [h.symbol.name for h in analysis.method.hyperparameters if h.symbol.name not in hp]
    if missing:
        ax.text(0.5, 0.5, f"no values for {', '.join(missing)}", ha="center",
                transform=ax.transAxes)
        return
    trajectory = run(problem, analysis.method, start, steps, **hp)
    centre = np.array([float(star[v]) for v in problem.variables]) if star else 0.0
    with np.errstate(all="ignore"):
        errors = np.linalg.norm(trajectory.iterates - centre, axis=-1)
    errors = np.where(errors > 0, errors, np.nan)  # an exact hit has no place on a log axis
    ks = np.arange(steps + 1)
    ax.semilogy(ks, errors, "o-", ms=3, label="‖x_k − x*‖ (compiled run)")
    rate = _rate_for(analysis, values)
    if rate is not None and 0 < rate:
        ax.semilogy(ks, errors[0] * rate**ks, "--", color="C3", label=f"ρᵏ, ρ = {rate:.4g}")
    text = ", ".join(f"{k} = {v:.4g}" for k, v in hp.items())
    ax.set(xlabel="iteration k", ylabel="distance to the minimiser", title=f"run: {text}")
    ax.legend(fontsize=8)


def _rate_for(analysis, values) -> float | None:
    from symopt.analysis.optimal import worst_rate

    hp = {k.name: v for k, v in values.items()}
    try:
        found = worst_rate(analysis.method, analysis.eigenvalues.value, **hp)
    except Exception:  # a plot without the reference line is still useful
        return None
    return float(found.value) if found.known and found.value.is_number else None
