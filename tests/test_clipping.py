"""Clipping by the global norm: hand values, torch's clip_grad_norm_, the compiled kernel."""

import numpy as np
import pytest
import sympy as sp

from symopt.errors import DomainError
from symopt.kernels import compile, run
from symopt.methods.base import Context, coordinate_sum
from symopt.methods.clipping import MAX_NORM, clip_by_global_norm, clipped_gradient_descent
from symopt.symbols import symbol

G = symbol("g")


def _clip(vector, max_norm):
    """The transform's per-coordinate update, evaluated exactly on a whole vector."""
    u, _ = clip_by_global_norm(max_norm).apply(G, {}, Context())
    total = sum(sp.nsimplify(v) ** 2 for v in vector)
    return [u.subs(coordinate_sum(G**2), total).subs(G, sp.nsimplify(v)) for v in vector]


def test_by_hand():
    # ‖(3, 4)‖ = 5 > 2: scaled by 2/5 to (6/5, 8/5); ‖(1, 1)‖ = √2 < 2: unchanged; 0 stays 0
    assert _clip([3, 4], 2) == [sp.Rational(6, 5), sp.Rational(8, 5)]
    assert _clip([1, 1], 2) == [1, 1]
    assert _clip([0, 0], 2) == [0, 0]


def test_symbolic_threshold_is_a_hyperparameter():
    method = clipped_gradient_descent()
    assert MAX_NORM in [h.symbol for h in method.hyperparameters]
    assert method.rule(c=3).x_next == method.rule(max_norm=3).x_next
    assert clipped_gradient_descent(2).hyperparameters[0].symbol == symbol("alpha")


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "-2"])
def test_bad_threshold_raises(bad):
    with pytest.raises(DomainError):
        clip_by_global_norm(bad)


def test_matches_torch_clip_grad_norm():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for scale in (0.1, 1.0, 30.0):
        g = rng.standard_normal(5) * scale
        p = torch.nn.Parameter(torch.zeros(5, dtype=torch.float64))
        p.grad = torch.tensor(g)
        torch.nn.utils.clip_grad_norm_([p], max_norm=1.5)
        ours = [float(v) for v in _clip(g.tolist(), sp.Rational(3, 2))]
        # torch divides by ‖g‖ + 1e-6: agreement to that relative size
        assert np.allclose(ours, p.grad.numpy(), rtol=1e-5, atol=1e-12)


def test_the_compiled_step_clips_every_row_by_its_own_norm():
    step = compile(clipped_gradient_descent(1), alpha=1, batched=True)
    x = np.zeros((2, 2))
    g = np.array([[3.0, 4.0], [0.3, 0.4]])
    step(x, g, step.init_state(x), 1)
    assert np.allclose(x, [[-0.6, -0.8], [-0.3, -0.4]])


def test_clipped_gd_on_x4_moves_by_alpha_c_per_step():
    # f = x⁴ from 10, α = 1/10, c = 1: |f'| = 4x³ ≥ 1 while x ≥ 4^(-1/3) ≈ 0.63, so
    # x_k = 10 − k/10 until then (94 steps), and afterwards plain GD x ← x − 0.4x³ (< 1 step)
    path = run("x**4", clipped_gradient_descent(1), [10.0], 120, alpha=0.1).iterates[:, 0]
    assert np.allclose(path[:94], 10 - np.arange(94) / 10)
    assert np.all(np.diff(path) < 0) and 0 < path[-1] < 0.4


def test_the_linear_analysis_says_why_it_does_not_apply():
    from symopt.analysis import analyze

    # x ← x − αg/max(1, ‖g‖/c) couples the coordinates through ‖g‖: no iteration matrix
    analysis = analyze("x**2 + 4*y**2", clipped_gradient_descent(1))
    assert analysis.stability.value is None
    assert "sum over all coordinates" in analysis.stability.reason
