"""KKT: textbook examples solved by hand (expected values written here), checked against
scipy.optimize.minimize from several starts and, for convex problems, against cvxpy."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import minimize

from symopt import Problem
from symopt.kkt import kkt_conditions, lagrangian, solve_kkt
from symopt.symbols import symbol

x, y, c = symbol("x"), symbol("y"), symbol("c")
lam, lam1, lam2, nu = symbol("lambda"), symbol("lambda_1"), symbol("lambda_2"), symbol("nu")

STARTS_1D = [np.array([v]) for v in (-3.0, 0.2, 1.7, 5.0)]
STARTS_2D = [np.array(v) for v in ((0.0, 0.0), (3.0, -1.0), (-2.0, 2.5), (1.0, 1.0))]


def scipy_minima(fun, constraints, starts, method="SLSQP"):
    """Local minimizers found by scipy (inequalities as fun(x) >= 0, scipy's convention)."""
    found = []
    for x0 in starts:
        res = minimize(fun, x0, method=method, constraints=constraints,
                       options={"ftol": 1e-12, "maxiter": 500} if method == "SLSQP" else {})
        assert res.success, res.message
        found.append(res.x)
    return found


def as_array(point, variables):
    return np.array([float(point[v]) for v in variables])


# -- seed 004: min x² s.t. x ≥ 1 → x* = 1, λ* = 2 ------------------------------------

def test_seed_004_lagrangian_and_conditions():
    # By hand: g = 1 − x ≤ 0, L = x² + λ(1 − x), ∂L/∂x = 2x − λ.
    p = Problem("x**2", constraints=["x >= 1"])
    assert sp.expand(lagrangian(p) - (x**2 + lam * (1 - x))) == 0
    cond = kkt_conditions(p)
    assert cond.stationarity == (2 * x - lam,)
    assert cond.dual_feasibility == (sp.Ge(lam, 0, evaluate=False),)
    assert cond.complementary_slackness == (sp.Eq(lam * (1 - x), 0, evaluate=False),)


def test_seed_004_solution():
    # Inactive: x = 0 violates x ≥ 1. Active: x = 1, 2·1 − λ = 0 → λ = 2 ≥ 0.
    r = solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0)
    assert [(pt.point, pt.multipliers) for pt in r.points] == [({x: 1}, {lam: 2})]
    pt = r.points[0]
    assert pt.kind.value == "minimum" and pt.licq.value is True
    assert pt.global_minimum.value is True and r.convex.value is True and r.complete
    assert r.cases[0].status == "no solution" and r.cases[1].status == "solved"
    for found in scipy_minima(lambda v: v[0] ** 2,
                              [{"type": "ineq", "fun": lambda v: v[0] - 1}], STARTS_1D):
        assert found == pytest.approx([1.0], abs=1e-7)


def test_seed_004_against_cvxpy():
    # symopt's KKT point and multiplier against cvxpy's primal and dual solution
    cp = pytest.importorskip("cvxpy")
    (pt,) = solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0).points
    v = cp.Variable()
    con = v >= 1
    cp.Problem(cp.Minimize(cp.square(v)), [con]).solve()
    assert float(pt.point[x]) == pytest.approx(v.value, abs=1e-6)
    assert float(pt.multipliers[lam]) == pytest.approx(con.dual_value, abs=1e-5)


# -- two variables, one active and one inactive constraint --------------------------

@pytest.mark.filterwarnings("ignore:delta_grad == 0.0")  # trust-constr on a linear constraint
def test_one_active_one_inactive():
    # min (x−2)² + (y−1)² s.t. x + y ≤ 2, x ≥ 0. Projecting (2, 1) onto x + y = 2 gives
    # (2, 1) − ½(1, 1) = (3/2, 1/2); ∇f = (−1, −1) = −λ₁(1, 1) → λ₁ = 1; x ≥ 0 inactive.
    p = Problem("(x-2)**2 + (y-1)**2", constraints=["x + y <= 2", "x >= 0"])
    r = solve_kkt(p, timeout=0)
    assert len(r.points) == 1
    pt = r.points[0]
    assert pt.point == {x: sp.Rational(3, 2), y: sp.Rational(1, 2)}
    assert pt.multipliers == {lam1: 1, lam2: 0}
    assert pt.active == (0,) and pt.kind.value == "minimum"
    assert pt.global_minimum.value is True and r.complete

    def f(v):
        return (v[0] - 2) ** 2 + (v[1] - 1) ** 2

    cons = [{"type": "ineq", "fun": lambda v: 2 - v[0] - v[1]},
            {"type": "ineq", "fun": lambda v: v[0]}]
    for found in scipy_minima(f, cons, STARTS_2D):
        assert found == pytest.approx([1.5, 0.5], abs=1e-6)
    for found in scipy_minima(f, cons, STARTS_2D[:2], method="trust-constr"):
        assert found == pytest.approx([1.5, 0.5], abs=1e-4)


def test_one_active_one_inactive_against_cvxpy():
    # symopt's KKT point, multipliers and active set against cvxpy's primal and duals
    cp = pytest.importorskip("cvxpy")
    p = Problem("(x-2)**2 + (y-1)**2", constraints=["x + y <= 2", "x >= 0"])
    (pt,) = solve_kkt(p, timeout=0).points
    v = cp.Variable(2)
    constraints = [v[0] + v[1] <= 2, v[0] >= 0]
    cp.Problem(cp.Minimize(cp.sum_squares(v - np.array([2.0, 1.0]))), constraints).solve()
    assert as_array(pt.point, (x, y)) == pytest.approx(v.value, abs=1e-6)
    duals = [con.dual_value for con in constraints]
    assert as_array(pt.multipliers, (lam1, lam2)) == pytest.approx(duals, abs=1e-5)
    assert pt.active == tuple(i for i, d in enumerate(duals) if d > 1e-6)


# -- equality-constrained quadratic: closed-form multiplier -----------------------

def test_equality_constrained_quadratic():
    # min ½xᵀQx s.t. aᵀx = b with Q = diag(2, 4), a = (1, 1), b = 3.
    # Stationarity Qx + νa = 0 → x = −νQ⁻¹a; aᵀx = b → ν = −b/(aᵀQ⁻¹a) = −3/(3/4) = −4,
    # x = 4·(1/2, 1/4) = (2, 1).
    r = solve_kkt(Problem("x**2 + 2*y**2", constraints=["x + y = 3"]), timeout=0)
    assert [(pt.point, pt.multipliers) for pt in r.points] == [({x: 2, y: 1}, {nu: -4})]
    assert r.points[0].kind.value == "minimum" and r.points[0].global_minimum.value is True
    cons = [{"type": "eq", "fun": lambda v: v[0] + v[1] - 3}]
    for found in scipy_minima(lambda v: v[0] ** 2 + 2 * v[1] ** 2, cons, STARTS_2D):
        assert found == pytest.approx([2.0, 1.0], abs=1e-6)
    cp = pytest.importorskip("cvxpy")
    v = cp.Variable(2)
    eq = v[0] + v[1] == 3
    cp.Problem(cp.Minimize(v[0] ** 2 + 2 * v[1] ** 2), [eq]).solve()
    assert v.value == pytest.approx([2.0, 1.0], abs=1e-6)
    assert abs(eq.dual_value) == pytest.approx(4.0, abs=1e-5)  # cvxpy's sign convention differs


def test_equality_multiplier_matches_numeric_stationarity():
    # At scipy's minimizer, solve ∇f + ν∇h = 0 for ν by least squares (finite differences).
    res = minimize(lambda v: v[0] ** 2 + 2 * v[1] ** 2, np.array([0.0, 0.0]), method="SLSQP",
                   constraints=[{"type": "eq", "fun": lambda v: v[0] + v[1] - 3}])
    grad_f = np.array([2 * res.x[0], 4 * res.x[1]])
    nu_numeric = np.linalg.lstsq(np.array([[1.0], [1.0]]), -grad_f, rcond=None)[0][0]
    r = solve_kkt(Problem("x**2 + 2*y**2", constraints=["x + y = 3"]), timeout=0)
    assert float(r.points[0].multipliers[nu]) == pytest.approx(nu_numeric, abs=1e-6)


# -- LICQ fails ------------------------------------------------------------------------

def test_licq_fails_no_kkt_point():
    # min x s.t. x² ≤ 0: the only feasible point x = 0 is the minimizer, but g'(0) = 0 so
    # stationarity 1 + 2λx = 0 has no solution there: no KKT point, LICQ fails at 0.
    r = solve_kkt(Problem("x", constraints=["x**2 <= 0"]), timeout=0)
    assert r.points == ()
    assert [q.point for q in r.irregular_points] == [{x: 0}]
    assert any("LICQ fails" in n and "x = 0" in n for n in r.notes)
    assert "no KKT point" in r.summary()


def test_licq_fails_cusp():
    # Kuhn–Tucker's cusp: min −x s.t. y ≤ (1 − x)³, y ≥ 0. The minimizer is (1, 0), where both
    # active gradients (0, 1) and (0, −1) are parallel; stationarity needs −1 = 0 there.
    p = Problem("-x", constraints=["y <= (1 - x)**3", "y >= 0"])
    r = solve_kkt(p, timeout=0)
    assert r.points == ()
    assert {tuple(q.point.values()) for q in r.irregular_points} == {(1, 0)}
    cons = [{"type": "ineq", "fun": lambda v: (1 - v[0]) ** 3 - v[1]},
            {"type": "ineq", "fun": lambda v: v[1]}]
    with pytest.warns(UserWarning):  # scipy: the objective is linear (delta_grad == 0)
        res = minimize(lambda v: -v[0], np.array([0.0, 0.5]), method="trust-constr",
                       constraints=cons)
    assert res.x == pytest.approx([1.0, 0.0], abs=2e-2)  # scipy approaches the cusp (1, 0)


def test_licq_fails_multiplier_not_unique():
    # min x² s.t. x³ ≥ 0: at x = 0 the gradient of the constraint vanishes; 2x − 3λx² = 0
    # holds for every λ, so the multiplier is not unique, and x = 0 is still a strict minimum.
    r = solve_kkt(Problem("x**2", constraints=["x**3 >= 0"]), timeout=0)
    [pt] = r.points
    assert pt.point == {x: 0} and pt.multipliers == {lam: lam}
    assert pt.licq.value is False and "LICQ fails" in pt.licq.reason
    assert pt.kind.value == "minimum"
    assert "not unique" in r.summary()


# -- non-convex: KKT points that are not minima ------------------------------------------

def test_nonconvex_kkt_point_is_a_maximum():
    # min −x² on [−1, 2]: x = 0 (λ = 0) is a KKT point and a strict local maximum;
    # x = −1 (λ₁ = 2) and x = 2 (λ₂ = 4) are local minima, x = 2 the global one (f = −4).
    r = solve_kkt(Problem("-x**2", constraints=["x >= -1", "x <= 2"]), timeout=0)
    by_x = {pt.point[x]: pt for pt in r.points}
    assert set(by_x) == {0, -1, 2}
    assert by_x[0].kind.value == "maximum" and by_x[0].global_minimum.value is False
    assert by_x[-1].kind.value == "minimum" and by_x[-1].multipliers[lam1] == 2
    assert by_x[-1].global_minimum.value is False  # f(2) = −4 < −1
    assert by_x[2].kind.value == "minimum" and by_x[2].multipliers[lam2] == 4
    assert r.convex.value is False
    cons = [{"type": "ineq", "fun": lambda v: v[0] + 1},
            {"type": "ineq", "fun": lambda v: 2 - v[0]}]
    found = scipy_minima(lambda v: -v[0] ** 2, cons, STARTS_1D)
    minima = {float(k) for k, pt in by_x.items() if pt.kind.value == "minimum"}
    for point in found:  # every start ends at one of the local minima, never at x = 0
        assert min(abs(point[0] - m) for m in minima) < 1e-6


def test_nonconvex_saddle_kkt_point():
    # min x² − y² s.t. y ≤ 1: (0, 0) is a KKT point (λ = 0) with ∇²f = diag(2, −2): neither.
    # (0, 1) with λ = 2: the critical cone is {d_y = 0}, dᵀ∇²L d = 2d_x² > 0: local minimum.
    r = solve_kkt(Problem("x**2 - y**2", constraints=["y <= 1"]), timeout=0)
    by_point = {tuple(pt.point.values()): pt for pt in r.points}
    assert by_point[(0, 0)].kind.value == "neither"
    assert by_point[(0, 1)].kind.value == "minimum" and by_point[(0, 1)].multipliers == {lam: 2}
    assert by_point[(0, 1)].global_minimum.known is False  # f is unbounded below as y → −∞
    res = minimize(lambda v: v[0] ** 2 - v[1] ** 2, np.array([0.3, 0.5]), method="SLSQP",
                   constraints=[{"type": "ineq", "fun": lambda v: 1 - v[1]}])
    assert res.x == pytest.approx([0.0, 1.0], abs=1e-6)


# -- symbolic parameters: case split -----------------------------------------------------

def test_parametric_case_split():
    # min x² s.t. x ≥ c. Inactive: x = 0 needs c − 0 < 0. Active: x = c, λ = 2c ≥ 0.
    r = solve_kkt(Problem("x**2", variables=["x"], constraints=["x >= c"]), timeout=0)
    cases = {pt.condition: (pt.point[x], pt.multipliers.get(lam, 0)) for pt in r.points}
    assert cases == {sp.Lt(c, 0): (0, 0), sp.Le(0, c): (c, 2 * c)}
    assert all(pt.global_minimum.value is True for pt in r.points)
    minimizer = r.global_minimizer()
    for value in (-1.5, 0.0, 0.5, 2.0):
        res = minimize(lambda v: v[0] ** 2, np.array([3.0]), method="SLSQP",
                       constraints=[{"type": "ineq", "fun": lambda v, cv=value: v[0] - cv}])
        assert float(minimizer.subs(c, value)) == pytest.approx(res.x[0], abs=1e-7)


def test_parametric_positive_parameter():
    # With c declared positive only the active case remains.
    cp_ = symbol("c", positive=True)
    p = Problem(x**2, variables=[x], constraints=[sp.Ge(x, cp_)])
    r = solve_kkt(p, timeout=0)
    assert [(pt.point, pt.multipliers, pt.condition) for pt in r.points] == [
        ({x: cp_}, {lam: 2 * cp_}, sp.true)
    ]


# -- unknown, never wrong --------------------------------------------------------------

def test_unsolvable_system_is_unknown_with_reason():
    # cos x + x = 0 has no closed form: the case is unknown, nothing is guessed.
    r = solve_kkt(Problem("sin(x) + x**2/2", constraints=["x >= -10"]), timeout=20)
    assert not r.complete
    inactive = r.cases[0]
    assert inactive.status == "unknown" and inactive.reason
    assert all(pt.point[x] == -10 for pt in r.points) or r.points == ()


def test_timeout_is_unknown_with_reason():
    p = Problem("x**12 + 3*x**7*y**5 - y**11 + x*y", constraints=["x**2 + y**3 <= 7"])
    r = solve_kkt(p, timeout=0.05)
    assert not r.complete
    assert any(case.status == "unknown" and "timed out" in case.reason for case in r.cases)


def test_non_polynomial_marked_incomplete():
    # exp(x) − 2x: the solution log 2 is found and verified, but solve is not complete
    # on non-polynomial systems, so the result says so.
    r = solve_kkt(Problem("exp(x) - 2*x", constraints=["x <= 5"]), timeout=20)
    assert [pt.point for pt in r.points] == [{x: sp.log(2)}]
    assert r.points[0].kind.value == "minimum"
    assert not r.complete
    for found in scipy_minima(lambda v: np.exp(v[0]) - 2 * v[0],
                              [{"type": "ineq", "fun": lambda v: 5 - v[0]}], STARTS_1D):
        assert found[0] == pytest.approx(np.log(2), abs=1e-5)


def test_too_many_inequalities_refused():
    from symopt.errors import UnsupportedError

    cons = [f"x >= {k}" for k in range(11)]
    with pytest.raises(UnsupportedError, match="active"):
        solve_kkt(Problem("x**2", constraints=cons), timeout=0)


def test_constraint_without_variable_refused():
    from symopt.errors import UnsupportedError

    with pytest.raises(UnsupportedError, match="no variable"):
        kkt_conditions(Problem("x**2", variables=["x"], constraints=["c >= 0"]))


# -- every KKT point of a small random family agrees with scipy ------------------------

@pytest.mark.parametrize("center", [(2, 1), (-1, 3), (0, 0), (3, 3)])
def test_projection_onto_triangle_matches_scipy(center):
    # min ‖(x, y) − center‖² over the triangle x ≥ 0, y ≥ 0, x + y ≤ 2 (convex: one KKT point).
    a, b = center
    p = Problem(f"(x - {a})**2 + (y - {b})**2", constraints=["x >= 0", "y >= 0", "x + y <= 2"])
    r = solve_kkt(p, timeout=0)
    assert len(r.points) == 1 and r.complete and r.points[0].global_minimum.value is True
    expected = as_array(r.points[0].point, (x, y))

    def f(v):
        return (v[0] - a) ** 2 + (v[1] - b) ** 2

    cons = [{"type": "ineq", "fun": lambda v: v[0]}, {"type": "ineq", "fun": lambda v: v[1]},
            {"type": "ineq", "fun": lambda v: 2 - v[0] - v[1]}]
    for found in scipy_minima(f, cons, STARTS_2D):
        assert found == pytest.approx(expected, abs=1e-6)
    # Multipliers: ∇f + Σλᵢ∇gᵢ = 0 at the point, checked numerically with the test's own ∇.
    mult = [float(r.points[0].multipliers[m]) for m in r.conditions.ineq_multipliers]
    grad_f = 2 * (expected - np.array(center, dtype=float))
    grads_g = np.array([[-1.0, 0.0], [0.0, -1.0], [1.0, 1.0]])
    assert grad_f + grads_g.T @ np.array(mult) == pytest.approx([0.0, 0.0], abs=1e-12)
    assert min(mult) >= 0


# -- derivation and CLI -------------------------------------------------------------

def test_derivation_is_checked_and_complete():
    from symopt.kkt.derivation import kkt_derivation

    d = kkt_derivation(solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0))
    assert (d.results["x"], d.results["lambda"]) == (1, 2)
    checked = [s for s in d.steps if s.kind in ("equation", "inequality", "implication")]
    assert checked and all(s.verified is True for s in checked)
    latex = d.to_latex()
    assert "x^{*} = 1" in latex and r"\lambda^* = 2" in latex
    assert not re.search(r"(?<!\\)lambda|\*\*|sqrt\(", latex)  # no raw SymPy names


def test_derivation_case_split_is_checked():
    from symopt.kkt.derivation import kkt_derivation

    d = kkt_derivation(solve_kkt(Problem("x**2", ["x"], ["x >= c"]), timeout=0))
    implications = [s for s in d.steps if s.kind == "implication"]
    assert len(implications) == 2 and all(s.verified is True for s in implications)
    assert r"\text{for}\: c < 0" in d.to_latex()


def test_cli_text(capsys):
    from symopt.cli import run

    assert run(["kkt", "x**2", "--subject-to", "x >= 1"]) == 0
    out = capsys.readouterr().out
    assert "KKT point (x = 1), multipliers (lambda = 2)" in out and "global minimum True" in out


def test_cli_json_latex_constraint(capsys):
    import json

    from symopt.cli import run

    assert run(["kkt", "x^2 + y^2", "-s", r"x + y \ge 2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # By hand: the projection of 0 onto x + y ≥ 2 is (1, 1); 2x − λ = 0 → λ = 2.
    assert [(p["point"], p["multipliers"]) for p in data["points"]] == [
        ({"x": "1", "y": "1"}, {"lambda": "2"})
    ]
    assert data["complete"] is True and data["convex"]["value"] == "True"


def test_cli_latex(capsys):
    from symopt.cli import run

    assert run(["kkt", "x**2", "--subject-to", "x >= 1", "--latex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(r"\begin{align*}") and r"\lambda^* = 2" in out
    assert "Checked by symopt" in out and "stated, not verified" not in out


def test_cli_bad_input_exit_2():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "symopt", "kkt", "x**2", "-s", "x >== 1"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.strip()


def test_the_examples_in_docs_kkt_md_run():
    import doctest
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "kkt.md"
    result = doctest.testfile(str(page), module_relative=False)
    assert result.failed == 0 and result.attempted > 10


def test_lp_face_is_a_continuum_of_kkt_points():
    # min x + y s.t. x, y ≥ 0, x + y ≥ 1: every point of the segment x + y = 1 is optimal
    # (f = 1); inside the segment only g3 is active, with λ₃ = 1 from ∇f = λ₃(1, 1).
    from symopt.kkt.derivation import kkt_derivation

    r = solve_kkt(Problem("x + y", constraints=["x >= 0", "y >= 0", "x + y >= 1"]), timeout=0)
    assert r.complete and r.convex.value is True
    [face] = [pt for pt in r.points if pt.free]
    assert face.free == (y,) and face.point == {x: 1 - y, y: y}
    assert face.condition == sp.And(sp.Lt(0, y), sp.Lt(y, 1))
    assert face.multipliers[symbol("lambda_3")] == 1 and face.value == 1
    assert face.kind.known is False and "continuum" in face.kind.reason
    vertices = sorted(tuple(pt.point.values()) for pt in r.points if not pt.free)
    assert vertices == [(0, 1), (1, 0)]
    assert all(pt.global_minimum.value is True for pt in r.points)
    res = minimize(lambda v: v[0] + v[1], np.array([2.0, 3.0]), method="SLSQP",
                   bounds=[(0, None), (0, None)],
                   constraints=[{"type": "ineq", "fun": lambda v: v[0] + v[1] - 1}])
    assert res.fun == pytest.approx(1.0) and res.x.sum() == pytest.approx(1.0)
    checked = [s for s in kkt_derivation(r).steps if s.kind in ("equation", "implication")]
    assert checked and all(s.verified is True for s in checked)


def test_house_assumptions_of_variable_names_do_not_drop_solutions():
    # `t` is a positive integer and `eta` positive by the house rules; as optimization
    # variables they are real: min (t − 1/2)² s.t. t ≤ 3 has t* = 1/2, min (η + 1)² has η* = −1.
    p = Problem("(t - 1/2)**2", constraints=["t <= 3"])
    (t,) = p.variables
    assert [pt.point for pt in solve_kkt(p, timeout=0).points] == [{t: sp.Rational(1, 2)}]
    p = Problem("(eta + 1)**2", constraints=["eta <= 3"])
    (eta,) = p.variables
    assert [pt.point for pt in solve_kkt(p, timeout=0).points] == [{eta: -1}]
    assert {t.name, eta.name} == {"t", "eta"} and t.is_real and eta.is_positive is None


@pytest.mark.parametrize("seed", range(4))
def test_random_convex_qps_against_cvxpy(seed):
    # min ½xᵀQx + qᵀx s.t. Ax ≤ b, Q positive definite, integer data: the KKT point and its
    # multipliers agree with cvxpy's primal and dual solution.
    cp = pytest.importorskip("cvxpy")
    rng = np.random.default_rng(seed)
    M = rng.integers(-2, 3, size=(2, 2))
    Q = M @ M.T + np.eye(2, dtype=int)
    q = rng.integers(-4, 5, size=2)
    A = rng.integers(-3, 4, size=(3, 2))
    b = rng.integers(0, 4, size=3)  # x = 0 is feasible
    xs = sp.Matrix([x, y])
    f = sp.Rational(1, 2) * (xs.T * sp.Matrix(Q) * xs)[0] + (sp.Matrix(q).T * xs)[0]
    constraints = [sp.Le((sp.Matrix(A[i]).T * xs)[0], int(b[i])) for i in range(3)
                   if any(A[i])]
    r = solve_kkt(Problem(f, variables=[x, y], constraints=constraints), timeout=0)
    assert r.complete and r.convex.value is True and len(r.points) == 1
    [pt] = r.points

    v = cp.Variable(2)
    rows = [i for i in range(3) if any(A[i])]
    cons = [A[i] @ v <= b[i] for i in rows]
    cp.Problem(cp.Minimize(0.5 * cp.quad_form(v, Q) + q @ v), cons).solve()
    assert [float(pt.point[s]) for s in (x, y)] == pytest.approx(v.value, abs=1e-5)
    duals = [float(pt.multipliers[m]) for m in r.conditions.ineq_multipliers]
    assert duals == pytest.approx([float(con.dual_value) for con in cons], abs=1e-4)


def test_kkt_derivations_compile_with_pdflatex(tmp_path):
    import os
    import shutil

    from symopt.derivation import compile_pdf
    from symopt.kkt.derivation import kkt_derivation

    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI (.ci/system-deps installs it)")
        pytest.skip("pdflatex is not installed here")
    problems = [Problem("x**2", ["x"], ["x >= c"]), Problem("x**2 - y**2", constraints=["y <= 1"]),
                Problem("x", constraints=["x**2 <= 0"]),
                Problem("sin(x) + x**2/2", constraints=["x >= -10"])]
    for i, p in enumerate(problems):
        pdf, log = compile_pdf(kkt_derivation(solve_kkt(p, timeout=10)).to_tex(),
                               tmp_path / f"kkt{i}.pdf")
        assert pdf.exists() and not log


def test_nonsmooth_problem_is_flagged_incomplete():
    # min max(x, 0) + x² on x ≥ −1: the minimizer x = 0 is a kink, not a KKT point.
    r = solve_kkt(Problem("max(x, 0) + x**2", constraints=["x >= -1"]), timeout=10)
    assert r.points == () and not r.complete and not r.smooth
    assert any("not differentiable" in n for n in r.notes)
    res = minimize(lambda v: max(v[0], 0) + v[0] ** 2, np.array([0.7]), method="SLSQP",
                   constraints=[{"type": "ineq", "fun": lambda v: v[0] + 1}])
    assert res.x[0] == pytest.approx(0.0, abs=1e-3)  # a kink: SLSQP is only approximate


def test_two_parameters_case_split_against_scipy():
    # min (x − a)² + (y − b)² s.t. x + y ≤ 1. By hand: (a, b) itself when a + b < 1; else the
    # projection (a, b) − ((a + b − 1)/2)(1, 1) with λ = a + b − 1 (from 2(x − a) + λ = 0).
    a, b = symbol("a"), symbol("b")
    r = solve_kkt(Problem("(x - a)**2 + (y - b)**2", ["x", "y"], ["x + y <= 1"]), timeout=0)
    by_condition = {pt.condition: pt for pt in r.points}
    inside, boundary = by_condition[sp.Lt(a + b - 1, 0)], by_condition[sp.Ge(a + b - 1, 0)]
    assert inside.point == {x: a, y: b}
    shift = (a + b - 1) / 2
    assert all(sp.simplify(boundary.point[v] - (p - shift)) == 0 for v, p in ((x, a), (y, b)))
    assert sp.simplify(boundary.multipliers[lam] - (a + b - 1)) == 0
    for av, bv in ((0.1, 0.2), (2.0, 1.0), (-1.0, 3.5)):
        values = {a: av, b: bv}
        [pt] = [p for p in r.points if bool(p.condition.subs(values))]
        expected = [float(pt.point[v].subs(values)) for v in (x, y)]
        for found in scipy_minima(lambda v, av=av, bv=bv: (v[0] - av) ** 2 + (v[1] - bv) ** 2,
                                  [{"type": "ineq", "fun": lambda v: 1 - v[0] - v[1]}],
                                  STARTS_2D):
            assert found == pytest.approx(expected, abs=1e-6)


def test_total_time_limit_marks_the_rest_unknown():
    p = Problem("x**2 + y**2", constraints=["x >= 1", "y >= 1", "x + y <= 5"])
    r = solve_kkt(p, timeout=0, total=0)
    assert r.points == () and not r.complete
    assert all("total time limit" in case.reason for case in r.cases)


def test_global_minimum_on_a_compact_nonconvex_set():
    # min xy on the disc x² + y² ≤ 2 (f not convex). By hand: the interior point (0, 0) is a
    # saddle; on the circle (y, x) + 2λ(x, y) = 0 gives (±1, ∓1) with λ = 1/2, f = −1, and
    # (1, 1), (−1, −1) with λ = −1/2 < 0 (rejected). The disc is compact: the least value wins.
    r = solve_kkt(Problem("x*y", constraints=["x**2 + y**2 <= 2"]), timeout=0)
    by_point = {tuple(pt.point.values()): pt for pt in r.points}
    assert set(by_point) == {(0, 0), (-1, 1), (1, -1)}
    assert by_point[(-1, 1)].global_minimum.value is True
    assert by_point[(1, -1)].global_minimum.value is True
    assert by_point[(0, 0)].global_minimum.value is False
    assert "compact" in by_point[(1, -1)].global_minimum.reason
    found = scipy_minima(lambda v: v[0] * v[1],
                         [{"type": "ineq", "fun": lambda v: 2 - v @ v}],
                         [np.array(p) for p in ((0.5, 0.1), (-1.0, -0.2), (0.3, -0.9))])
    assert min(v[0] * v[1] for v in found) == pytest.approx(-1.0, abs=1e-6)


def test_global_minimum_on_the_circle():
    # min x + y on x² + y² = 1: ν = ±1/√2 at ∓(1/√2, 1/√2); the circle is compact.
    r = solve_kkt(Problem("x + y", constraints=["x**2 + y**2 = 1"]), timeout=0)
    by_x = {pt.point[x]: pt for pt in r.points}
    low, high = by_x[-sp.sqrt(2) / 2], by_x[sp.sqrt(2) / 2]
    assert low.global_minimum.value is True and low.kind.value == "minimum"
    assert high.global_minimum.value is False and high.kind.value == "maximum"
    for found in scipy_minima(lambda v: v[0] + v[1],
                              [{"type": "eq", "fun": lambda v: v @ v - 1}],
                              [np.array([1.0, 0.0]), np.array([-0.3, 0.8])]):
        assert found == pytest.approx([-np.sqrt(0.5)] * 2, abs=1e-6)


def test_global_minimum_at_a_point_where_licq_fails():
    r = solve_kkt(Problem("x", constraints=["x**2 <= 0"]), timeout=0)
    assert any("global minimum f = 0 is attained at (x = 0)" in n for n in r.notes)
