"""Projected GD: symbolic projections vs independent formulas, fixed points = KKT points,
runs from several starts converge to the KKT point (and agree with scipy)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import minimize

from symopt import Problem
from symopt.errors import DomainError
from symopt.kkt import solve_kkt
from symopt.methods import coordinate_sum, get_method
from symopt.methods.projected import (
    NORMAL,
    Ball,
    Box,
    HalfSpace,
    Simplex,
    projected_gd,
    simplex_threshold,
)
from symopt.symbols import symbol

X, G, ALPHA = symbol("x"), symbol("g"), symbol("alpha")
RNG = np.random.default_rng(0)


# -- a small evaluator of a per-coordinate rule (test-only; the kernels compile it) --

def compile_rule(expr: sp.Expr):
    """A per-coordinate rule as a function of arrays: reductions first, then elementwise."""
    plan = []

    def lower(e: sp.Expr) -> sp.Expr:
        if not e.args:
            return e
        args = [lower(a) for a in e.args]
        if isinstance(e, (coordinate_sum, simplex_threshold)):
            d = sp.Dummy()
            plan.append((d, type(e), [numeric(a) for a in args]))
            return d
        return e.func(*args)

    final = numeric(lower(expr))

    def apply(env: dict) -> np.ndarray:
        env = dict(env)
        shape = env[X].shape
        for d, kind, (arg, *rest) in plan:
            values = np.broadcast_to(arg(env), shape)
            env[d] = (np.sum(values) if kind is coordinate_sum
                      else bisection_threshold(values, float(rest[0](env))))
        return np.broadcast_to(final(env), shape).astype(float)

    return apply


def evaluate(expr: sp.Expr, env: dict) -> np.ndarray:
    return compile_rule(expr)(env)


def numeric(e: sp.Expr):
    symbols = sorted(e.free_symbols, key=str)
    fn = sp.lambdify(symbols, e, "numpy")
    return lambda env: fn(*[env[s] for s in symbols])


def bisection_threshold(y: np.ndarray, r: float) -> float:
    """τ with Σ max(y − τ, 0) = r by bisection (independent of the library's sort)."""
    lo, hi = float(y.min()) - r, float(y.max())
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.maximum(y - mid, 0).sum() > r else (lo, mid)
    return (lo + hi) / 2


def project(constraint_set, y: np.ndarray, data: dict | None = None) -> np.ndarray:
    rule = projected_gd(constraint_set).rule(alpha=1)  # x − 1·g with g = 0 is y itself
    return evaluate(rule.x_next, {X: y, G: np.zeros_like(y), **(data or {})})


def run(method, grad, x0, steps, **hp):
    rule = method.rule(**{k: v for k, v in hp.items() if not isinstance(v, np.ndarray)})
    data = {NORMAL: hp["a"]} if "a" in hp else {}
    step = compile_rule(rule.x_next)
    x = np.array(x0, dtype=float)
    for _ in range(steps):
        x = step({X: x, G: grad(x), **data})
    return x


# -- projections against textbook formulas ---------------------------------------

def test_box_projection_is_clip():
    y = RNG.normal(size=7) * 3
    assert project(Box(-1, 2), y) == pytest.approx(np.clip(y, -1, 2))
    assert project(Box(lower=0), y) == pytest.approx(np.maximum(y, 0))


def test_ball_projection_scales_onto_the_sphere():
    y = RNG.normal(size=5) * 3
    expected = y * min(1.0, 2.0 / np.linalg.norm(y))  # radius 2
    assert project(Ball(2), y) == pytest.approx(expected)
    inside = y / np.linalg.norm(y)
    assert project(Ball(2), inside) == pytest.approx(inside)
    symbolic = projected_gd(Ball()).rule(alpha=1, r=2).x_next
    assert evaluate(symbolic, {X: y, G: np.zeros_like(y)}) == pytest.approx(expected)


def test_half_space_projection():
    a, b = np.array([1.0, -2.0, 0.5]), 1.0
    y = np.array([3.0, -1.0, 2.0])  # aᵀy = 6 > 1
    expected = y - a * (a @ y - b) / (a @ a)
    got = project(HalfSpace(1), y, {NORMAL: a})
    assert got == pytest.approx(expected) and a @ got == pytest.approx(b)
    feasible = np.array([0.0, 1.0, 0.0])
    assert project(HalfSpace(1), feasible, {NORMAL: a}) == pytest.approx(feasible)


@pytest.mark.parametrize("radius", [1.0, 2.5])
def test_simplex_projection_against_scipy(radius):
    y = RNG.normal(size=6)
    got = project(Simplex(radius), y)
    res = minimize(lambda v: np.sum((v - y) ** 2), np.full(6, radius / 6), method="SLSQP",
                   bounds=[(0, None)] * 6,
                   constraints=[{"type": "eq", "fun": lambda v: v.sum() - radius}],
                   options={"ftol": 1e-14})
    assert got == pytest.approx(res.x, abs=1e-6)
    assert got.sum() == pytest.approx(radius) and got.min() >= 0


def test_simplex_threshold_numeric_matches_bisection():
    for _ in range(20):
        y, r = RNG.normal(size=9) * 2, float(RNG.uniform(0.1, 3))
        assert float(simplex_threshold.numeric(y, r)) == pytest.approx(bisection_threshold(y, r))
    batch = RNG.normal(size=(4, 5))
    taus = simplex_threshold.numeric(batch, 1.0)
    assert taus == pytest.approx([bisection_threshold(row, 1.0) for row in batch])


def test_registry_and_domains():
    rule = get_method("projected_gd").rule(alpha="0.1", lower=0, upper=1)
    assert rule.x_next == sp.Min(1, sp.Max(0, X - G / 10))
    with pytest.raises(DomainError):
        Box(2, 1)
    with pytest.raises(DomainError):
        Ball(-1)
    with pytest.raises(DomainError):
        projected_gd(Ball()).rule(r=0)


# -- fixed points are the KKT points ---------------------------------------------

def test_box_fixed_points_are_kkt_points_symbolically():
    # min (x − 3)² on [0, 1]: KKT point x* = 1 (λ = 4). Fixed points of P(x − α·2(x − 3)):
    problem = Problem("(x - 3)**2", constraints=["x >= 0", "x <= 1"])
    kkt = [pt.point[X] for pt in solve_kkt(problem, timeout=0).points]
    assert kkt == [1]
    for alpha in (sp.Rational(1, 10), sp.Rational(1, 2), 2):
        update = projected_gd(Box(0, 1)).rule(alpha=alpha).x_next.subs(G, 2 * (X - 3))
        fixed = sp.solveset(sp.Eq(X, update.rewrite(sp.Piecewise)), X, sp.S.Reals)
        assert fixed == sp.FiniteSet(*kkt)


def test_seed_004_projected_gd():
    # The seed's loop: x ← max(x − 0.1·2x, 1) from x = 0 reaches x* = 1, the KKT point.
    method = projected_gd(Box(lower=1))
    kkt = solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0).points[0].point[X]
    for x0 in (0.0, 5.0, -3.0):
        assert run(method, lambda v: 2 * v, [x0], 50, alpha=0.1) == pytest.approx([float(kkt)])


def test_ball_fixed_point_and_runs_match_kkt():
    # min (x − 2)² + (y − 2)² on the unit disc: by hand x = y = 2/(1 + λ), ‖x‖ = 1 →
    # λ = 2√2 − 1, x* = (1/√2, 1/√2).
    y_ = symbol("y")
    problem = Problem("(x - 2)**2 + (y - 2)**2", constraints=["x**2 + y**2 <= 1"])
    [pt] = solve_kkt(problem, timeout=0).points
    assert sp.simplify(pt.point[X] - 1 / sp.sqrt(2)) == 0
    assert sp.simplify(pt.point[y_] - 1 / sp.sqrt(2)) == 0
    assert sp.simplify(pt.multipliers[symbol("lambda")] - (2 * sp.sqrt(2) - 1)) == 0
    star = np.array([float(pt.point[X]), float(pt.point[y_])])
    method = projected_gd(Ball(1))

    def grad(v):
        return 2 * (v - 2)

    for alpha in (0.05, 0.3, 0.9):  # a fixed point for every step size
        rule = method.rule(alpha=alpha)
        assert evaluate(rule.x_next, {X: star, G: grad(star)}) == pytest.approx(star)
    not_kkt = np.array([1.0, 0.0])  # feasible but not a KKT point: it moves
    assert not np.allclose(evaluate(method.rule(alpha=0.3).x_next,
                                    {X: not_kkt, G: grad(not_kkt)}), not_kkt)
    for x0 in ([0.0, 0.0], [-3.0, 1.0], [0.5, -0.5], [5.0, 5.0]):
        assert run(method, grad, x0, 200, alpha=0.2) == pytest.approx(star, abs=1e-10)
    res = minimize(lambda v: np.sum((v - 2) ** 2), np.zeros(2), method="SLSQP",
                   constraints=[{"type": "ineq", "fun": lambda v: 1 - v @ v}])
    assert res.x == pytest.approx(star, abs=1e-6)


def test_half_space_run_matches_kkt():
    # min (x − 1)² + (y − 2)² s.t. x + y ≤ 1: by hand λ = 2, x* = (0, 1).
    problem = Problem("(x - 1)**2 + (y - 2)**2", constraints=["x + y <= 1"])
    [pt] = solve_kkt(problem, timeout=0).points
    star = np.array([float(v) for v in pt.point.values()])
    assert star == pytest.approx([0.0, 1.0]) and pt.multipliers == {symbol("lambda"): 2}
    target = np.array([1.0, 2.0])
    method = projected_gd(HalfSpace(1))
    for alpha in (0.1, 0.5, 2.0):  # the KKT point is a fixed point for every step size
        rule = method.rule(alpha=alpha)
        data = {X: star, G: 2 * (star - target), NORMAL: np.ones(2)}
        assert evaluate(rule.x_next, data) == pytest.approx(star, abs=1e-12)
    for x0 in ([0.0, 0.0], [3.0, -4.0], [-1.0, 5.0]):
        got = run(method, lambda v: 2 * (v - target), x0, 100, alpha=0.25, a=np.ones(2))
        assert got == pytest.approx(star, abs=1e-10)


def test_simplex_run_matches_kkt():
    # min (x − 1)² + y² + (z + 1)² on the probability simplex. By hand, at (1, 0, 0) (x > 0
    # inactive): 2(x − 1) + ν = 0 → ν = 0; λ_y = 2y + ν = 0, λ_z = 2(z + 1) + ν = 2 ≥ 0.
    problem = Problem("(x - 1)**2 + y**2 + (z + 1)**2",
                      constraints=["x >= 0", "y >= 0", "z >= 0", "x + y + z = 1"])
    r = solve_kkt(problem, timeout=0)
    [pt] = r.points
    star = np.array([float(v) for v in pt.point.values()])
    assert star == pytest.approx([1.0, 0.0, 0.0])
    lam = [pt.multipliers[m] for m in r.conditions.ineq_multipliers]
    assert lam == [0, 0, 2] and pt.multipliers[symbol("nu")] == 0
    target = np.array([1.0, 0.0, -1.0])
    method = projected_gd(Simplex(1))
    for alpha in (0.1, 0.5, 2.0):  # the KKT point is a fixed point for every step size
        fixed = evaluate(method.rule(alpha=alpha).x_next, {X: star, G: 2 * (star - target)})
        assert fixed == pytest.approx(star, abs=1e-12)
    other = np.array([0.5, 0.5, 0.0])  # feasible, not a KKT point: it moves
    assert not np.allclose(evaluate(method.rule(alpha=0.5).x_next,
                                    {X: other, G: 2 * (other - target)}), other)
    for x0 in ([1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0], [4.0, -2.0, 0.5]):
        got = run(method, lambda v: 2 * (v - target), x0, 100, alpha=0.3)
        assert got == pytest.approx(star, abs=1e-10)


# -- compiled by the kernels, like every other method -----------------------------

@pytest.fixture(scope="module")
def ball_and_box_kkt():
    ball = Problem("(x - 2)**2 + (y - 2)**2", constraints=["x**2 + y**2 <= 1"])
    box = Problem("(x - 2)**2 + (y - 2)**2", constraints=["x >= 0", "x <= 1", "y >= 0", "y <= 1"])
    [on_ball] = solve_kkt(ball, timeout=0).points
    [on_box] = solve_kkt(box, timeout=0).points
    return on_ball, on_box


@pytest.mark.parametrize("x0", [[0.0, 0.0], [-3.0, 1.0], [5.0, 5.0]])
def test_compiled_runs_converge_to_kkt_points(x0, ball_and_box_kkt):
    from symopt.kernels import run as compiled_run

    on_ball, on_box = ball_and_box_kkt
    f = Problem("(x - 2)**2 + (y - 2)**2")
    traj = compiled_run(f, projected_gd(Ball()), np.array(x0), 200, alpha=0.2, r=1)
    expected = [float(v) for v in on_ball.point.values()]
    assert traj.iterates[-1] == pytest.approx(expected, abs=1e-10)
    assert on_box.point == {X: 1, symbol("y"): 1}  # by hand: the corner (1, 1), λ = 2 on x, y ≤ 1
    traj = compiled_run(f, projected_gd(), np.array(x0), 100, alpha=0.2, lower=0, upper=1)
    assert traj.iterates[-1] == pytest.approx([1.0, 1.0], abs=1e-12)


def test_compiled_seed_004():
    from symopt.kernels import run as compiled_run

    traj = compiled_run(Problem("x**2"), get_method("projected_gd"), np.array([0.0]), 50,
                        alpha=0.1, lower=1, upper=10)
    assert traj.iterates[-1] == pytest.approx([1.0])  # the seed's loop: x* = 1


def test_compiled_half_space_and_simplex_runs_converge_to_kkt_points():
    # The kernels take the half-space normal as per-coordinate data and compute τ as a
    # reduction; their runs end at the KKT points found symbolically (values by hand in
    # test_half_space_run_matches_kkt and test_simplex_run_matches_kkt).
    from symopt.kernels import run as compiled_run

    f = Problem("(x - 1)**2 + (y - 2)**2")
    for x0 in ([0.0, 0.0], [3.0, -4.0]):
        traj = compiled_run(f, projected_gd(HalfSpace(1)), np.array(x0), 100, alpha=0.25,
                            data={"a": np.ones(2)})
        assert traj.iterates[-1] == pytest.approx([0.0, 1.0], abs=1e-10)
    g = Problem("(x - 1)**2 + y**2 + (z + 1)**2")
    for x0 in ([1 / 3, 1 / 3, 1 / 3], [4.0, -2.0, 0.5]):
        traj = compiled_run(g, projected_gd(Simplex(1)), np.array(x0), 100, alpha=0.3)
        assert traj.iterates[-1] == pytest.approx([1.0, 0.0, 0.0], abs=1e-10)
