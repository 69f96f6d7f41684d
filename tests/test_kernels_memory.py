"""Compiled steps allocate nothing per step, and say how much memory they must move."""

import tracemalloc

import numpy as np
import pytest
import sympy as sp

from symopt.kernels import compile
from symopt.methods import (
    REGISTRY,
    Transform,
    adam,
    chain,
    get_method,
    projected_gd,
    rmsprop,
    scale_by_learning_rate,
)
from symopt.methods.base import X
from symopt.methods.projected import Ball, Box, Simplex

N = 250_000  # float64: 2 MB per array; a full-size temporary would be 100× the limit


def _backend(name):
    if name != "numpy":
        pytest.importorskip(name)
    return name


def _clip():
    """u if |u| ≤ 1 and x > 0, else 2u unless x > 1, else 0: a Piecewise reading x."""
    rule = Transform("clip", lambda u, s, c: (
        sp.Piecewise((u, (sp.Abs(u) <= 1) & (X > 0)), (2 * u, ~(X > 1)), (0, True)), {}))
    return chain("clipped", rule, scale_by_learning_rate())


ELEMENTWISE = [name for name in REGISTRY if not get_method(name).uses_newton_direction
               and name not in ("momentum", "projected_gd")]
CASES = {name: (lambda name=name: get_method(name)) for name in ELEMENTWISE}
CASES.update({
    "rmsprop_centered": lambda: rmsprop(centered=True),
    "rmsprop_momentum": lambda: rmsprop(momentum=True),
    "box": lambda: projected_gd(Box(-1, 1)),
    "ball": lambda: projected_gd(Ball(1)),
    "simplex": lambda: projected_gd(Simplex(1)),
    "piecewise": _clip,
})
# tau: the step a line search chooses, an input of the compiled step (the search itself
# runs in the run loop, not in the kernel)
VALUES = {"alpha": 0.01, "beta": 0.9, "tau": 0.01}
FAST = ["ball", "simplex", "piecewise"]  # Adam: tests/test_kernels.py


def _peak(step, steps: int = 4) -> tuple[int, int]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(N)
    g = rng.standard_normal(N)
    state = step.init_state(x)
    step(x, g, state, 1)  # numba compiles on the first call
    tracemalloc.start()
    try:
        for t in range(2, 2 + steps):
            step(x, g, state, t)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, x.nbytes


def _compiled(name: str, backend: str):
    method = CASES[name]()
    names = {h.symbol.name for h in method.hyperparameters}
    values = {k: v for k, v in VALUES.items() if k in names}
    return compile(method, _backend(backend), **values)


@pytest.mark.parametrize("backend", ["numpy", "numba", "numexpr"])
@pytest.mark.parametrize("name", FAST)
def test_no_allocation_per_step(name, backend):
    peak, nbytes = _peak(_compiled(name, backend))
    assert peak < nbytes / 100, f"{name} on {backend}: peak {peak} bytes over 4 steps"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["numpy", "numba", "numexpr"])
@pytest.mark.parametrize("name", [n for n in CASES if n not in FAST])
def test_no_allocation_per_step_every_method(name, backend):
    peak, nbytes = _peak(_compiled(name, backend))
    assert peak < nbytes / 100, f"{name} on {backend}: peak {peak} bytes over 4 steps"


@pytest.mark.parametrize("backend", ["numpy", "numba", "numexpr"])
def test_piecewise_reading_x_written_without_allocation_is_right(backend):
    step = _compiled("piecewise", backend)
    x = np.array([0.5, -1.0, 2.0, 0.5, 3.0, 0.2])
    g = np.array([0.5, 2.0, 0.3, 3.0, 3.0, -0.9])
    # By hand, coordinate by coordinate: u = g; first piece needs |g| ≤ 1 and x > 0,
    # second x ≤ 1, else 0; then x ← x − 0.01·u.
    u = np.array([0.5, 4.0, 0.3, 6.0, 0.0, -0.9])
    want = x - 0.01 * u
    step(x, g, {}, 1)
    np.testing.assert_allclose(x, want, rtol=1e-15)


def _tau_by_bisection(y, radius):
    lo, hi = y.min() - radius, y.max()
    for _ in range(200):
        tau = (lo + hi) / 2
        lo, hi = (tau, hi) if np.maximum(y - tau, 0).sum() > radius else (lo, tau)
    return (lo + hi) / 2


@pytest.mark.parametrize("backend", ["numpy", "numba", "numexpr"])
def test_simplex_with_ties_and_equal_values(backend):
    """Ties (rounded values), all-equal rows and tiny radii against bisection on τ."""
    rng = np.random.default_rng(5)
    rows = [np.round(rng.standard_normal(40) * 3), np.full(17, 2.5),
            np.abs(rng.standard_normal(50)) * 1e3, rng.standard_normal(1)]
    for radius in (1e-3, 1.0, 50.0):
        step = compile(projected_gd(Simplex(radius)), _backend(backend), alpha=1.0)
        for y in rows:
            x = y.copy()
            step(x, np.zeros_like(x), {}, 1)
            want = np.maximum(y - _tau_by_bisection(y, radius), 0)
            np.testing.assert_allclose(x, want, atol=1e-12 * max(1.0, np.abs(y).max()))
            assert x.sum() == pytest.approx(radius, rel=1e-12)


def test_traffic_counts_the_arrays_a_step_must_move():
    # By hand: GD reads x, g and writes x; Adam reads x, g, m, v and writes x, m, v;
    # centered RMSProp keeps v and the mean gradient (4 reads, 3 writes); the ball
    # projection reads x, g once for the norm and again for the update.
    assert compile("gd", alpha=0.1).traffic == (2, 1)
    assert compile(adam()).traffic == (4, 3)
    assert compile(rmsprop(centered=True)).traffic == (4, 3)
    assert compile(projected_gd(Ball(1)), alpha=0.1).traffic == (4, 1)
    assert compile(projected_gd(Box(0, 1)), alpha=0.1).traffic == (2, 1)
