"""Stability regions and behaviour: hand derivations, numpy roots, and compiled runs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symopt.analysis import behaviour, overall, schur_cohn_conditions, stability_region
from symopt.kernels import run
from symopt.methods import get_method
from symopt.symbols import symbol

alpha, beta, L, mu = symbol("alpha"), symbol("beta"), symbol("L"), symbol("mu")
SEED = "0.5*(w1**2 + 4*w2**2)"


def test_schur_cohn_conditions_agree_with_numpy_roots():
    rng = np.random.default_rng(0)
    z = sp.Symbol("z")
    for degree in (1, 2, 3, 4):
        for _ in range(60):
            coeffs = [1.0, *rng.uniform(-1.6, 1.6, degree)]
            exact = [sp.Rational(round(c * 1000), 1000) for c in coeffs]
            conditions = schur_cohn_conditions(sp.Poly(exact, z))
            stable = all(float(c) > 0 for c in conditions)
            radius = max(abs(np.roots([float(c) for c in exact])))
            if abs(radius - 1) > 1e-9:
                assert stable == (radius < 1), (exact, conditions, radius)


def test_gd_regions_match_the_textbook():
    # |1 − αλ| < 1 for λ = 4 (f = 2w², the seed) ⇔ 0 < α < 1/2.
    half = sp.Rational(1, 2)
    assert stability_region(get_method("gd"), [4]).interval == sp.Interval.open(0, half)
    assert stability_region(get_method("gd"), sp.Interval(mu, L)).interval == \
        sp.Interval.open(0, 2 / L)
    assert stability_region(get_method("damped_newton"), [1, 4]).interval == sp.Interval.open(0, 2)


def test_momentum_regions_match_hand_derivations():
    hb = stability_region(get_method("heavy_ball"), sp.Interval(mu, L))
    assert sp.simplify(hb.interval.end - 2 * (1 + beta) / L) == 0
    assert hb.interval.start == 0 and hb.interval.left_open and hb.interval.right_open
    assert hb.others == sp.And(sp.Le(0, beta, evaluate=False), beta < 1)
    # Nesterov by hand: det(zI − T) = z² − (1 + β)(1 − s)z + β(1 − s), s = αλ.
    # Jury: p(1) = s > 0; p(−1) = 1 + (1 + 2β)(1 − s) > 0 ⇔ s < 2(1 + β)/(1 + 2β);
    # |β(1 − s)| < 1 follows for 0 ≤ β < 1 and 0 < s < 2(1+β)/(1+2β).
    nest = stability_region(get_method("nesterov"), sp.Interval(mu, L))
    assert sp.simplify(nest.interval.end - 2 * (1 + beta) / ((1 + 2 * beta) * L)) == 0
    assert not [n for n in nest.notes if n.startswith("also requires")]


def _final_norms(method: str, alphas: list[float], steps: int, **hp) -> np.ndarray:
    trajectory = run(SEED, method, [1.0, 1.0], steps, alpha=np.array(alphas), **hp)
    with np.errstate(over="ignore", invalid="ignore"):  # divergent runs overflow to inf
        return np.nan_to_num(np.linalg.norm(trajectory.final, axis=-1), nan=np.inf)


@pytest.mark.parametrize(
    ("method", "fixed"),
    [("gd", {}), ("heavy_ball", {"beta": 0.5}), ("heavy_ball", {"beta": 0.9}),
     ("nesterov", {"beta": 0.5}), ("nesterov", {"beta": 0.9}), ("heavy_ball_ema", {"beta": 0.8}),
     ("damped_newton", {})],
)
def test_just_inside_converges_and_just_outside_diverges(method, fixed):
    region = stability_region(get_method(method), [1, 4], **fixed)
    bound = float(region.interval.end)
    inside, outside = 0.97 * bound, 1.03 * bound
    assert region.contains(alpha=inside) and not region.contains(alpha=outside)
    norms = _final_norms(method, [inside, outside], 1500, **fixed)
    assert norms[0] < 1e-3
    assert norms[1] > 1e3


def test_momentum_boundary_in_beta():
    # With α fixed the region in β: heavy ball on λ ∈ {1, 4}, α = 0.7 needs β > 0.4.
    region = stability_region(get_method("heavy_ball"), [1, 4], free="beta", alpha="0.7")
    assert region.interval == sp.Interval.open(sp.Rational(2, 5), 1)
    trajectory = run(SEED, "heavy_ball", [1.0, 1.0], 2000, alpha=0.7, beta=np.array([0.43, 0.37]))
    norms = np.linalg.norm(trajectory.final, axis=-1)
    assert norms[0] < 1e-3 and norms[1] > 1e3


def test_seed_004_boundary_alpha_01_on_lambda_20():
    # θ₁² + 10θ₂², gradient (2θ₁, 20θ₂): α = 0.1 gives the factor 1 − 0.1·20 = −1.
    directions = behaviour(get_method("gd"), [2, 20], alpha="0.1")
    assert [d.kind for d in directions] == ["converges monotonically", "boundary"]
    assert directions[1].roots == (-1,)
    trajectory = run("theta1**2 + 10*theta2**2", "gd", [1.0, 1.0], 6, alpha=0.1)
    assert np.allclose(trajectory.iterates[:, 1], [1, -1, 1, -1, 1, -1, 1])
    assert stability_region(get_method("gd"), [2, 20]).contains(alpha=0.1) is False


@pytest.mark.parametrize(
    ("a", "kind"),
    [("0.1", "converges monotonically"), ("0.25", "converges in finitely many steps"),
     ("0.3", "oscillates (converges)"), ("0.45", "oscillates (converges)"),
     ("0.5", "boundary"), ("0.6", "oscillates (diverges)")],
)
def test_behaviour_on_2w2_matches_the_run(a, kind):
    # f = 2w²: factor 1 − 4α; oscillation for 1/4 < α < 1/2 (the seed claim).
    assert overall(behaviour(get_method("gd"), [4], alpha=a)) == kind
    ws = run("2*w**2", "gd", [1.0], 8, alpha=float(a)).iterates[:, 0]
    signs = np.sign(ws[1:4])
    if "oscillates" in kind:
        assert np.all(signs[:-1] * signs[1:] < 0)
    if kind == "converges monotonically":
        assert np.all(np.diff(ws) < 0) and np.all(ws > 0)
    if kind == "converges in finitely many steps":
        assert np.all(ws[1:] == 0)
    if "diverges" in kind:
        assert abs(ws[-1]) > abs(ws[0]) * 2
    if kind == "boundary":
        assert np.allclose(np.abs(ws), 1)


def test_spiralling_momentum_is_reported_and_measured():
    directions = behaviour(get_method("heavy_ball"), [1, 4], alpha="0.5", beta="0.9")
    assert {d.kind for d in directions} == {"spirals (converges)"}
    # Complex roots of radius √β: the measured decay over many steps is √0.9 per step.
    norms = np.linalg.norm(run(SEED, "heavy_ball", [1.0, 1.0], 400, alpha=0.5, beta=0.9)
                           .iterates, axis=-1)
    measured = (norms[400] / norms[200]) ** (1 / 200)
    assert measured == pytest.approx(np.sqrt(0.9), rel=2e-2)


def test_linear_conditions_become_the_sets_sympy_gives():
    # The direct reading of linear inequalities against SymPy's general solver.
    from symopt.analysis.stability import _as_set

    b = sp.Symbol("b", nonnegative=True)
    x = sp.Symbol("x", real=True)
    half = sp.Rational(1, 2)
    conditions = [
        (sp.Gt(1 - b, 0), b), (sp.Ge(3 * b - 1, 0), b), (sp.Lt(b, half), b),
        (sp.Le(2 - 4 * x, 1), x), (sp.Gt(-x, 3), x), (sp.Lt(x / 3 + 1, 0), x),
        (sp.And(sp.Le(0, b, evaluate=False), sp.Lt(b, 1)), b),
        (sp.And(sp.Gt(2 * x + 1, 0), sp.Le(x, 5)), x),
        (sp.Gt(x**2 - 1, 0), x),  # not linear: SymPy's answer
    ]
    for condition, s in conditions:
        assert _as_set(condition, s) == condition.as_set(), condition
