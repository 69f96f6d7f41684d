"""Line search: exact steps, the Armijo set, backtracking bounds (values from B&V, N&W, by hand)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symopt.analysis.linesearch import (
    accepted_everywhere,
    armijo_set,
    backtracking_count_bound,
    backtracking_rate,
    direction,
    exact_run,
    exact_step,
    exact_step_numeric,
    kantorovich_proof,
    kantorovich_rate,
    kantorovich_witness,
    search,
    step_lower_bound,
    worst_backtracking,
)
from symopt.errors import ParseError, UnsupportedError
from symopt.guarantees.positivity import prove_nonnegative
from symopt.methods import get_method
from symopt.methods.linesearch import STEP
from symopt.parse import parse_expr
from symopt.problem import Problem

R = sp.Rational


def test_rules_are_one_expression_with_the_step_tau():
    assert get_method("gd_backtracking").rule().x_next == sp.Symbol("x", real=True) - \
        STEP * sp.Symbol("g", real=True)
    assert direction("gd_exact_line_search") == -sp.Symbol("g", real=True)
    assert direction("newton_backtracking") == -sp.Symbol("p", real=True)
    with pytest.raises(UnsupportedError, match="no line search"):
        direction("gd")


@pytest.mark.parametrize("gamma", [R(3), R(1, 10), R(7, 2)])
def test_boyd_vandenberghe_9_3_2_iterates(gamma):
    # B&V §9.3.2: f = ½(x² + γy²) from (γ, 1): x_k = γ((γ−1)/(γ+1))^k, y_k = (−(γ−1)/(γ+1))^k
    q = (gamma - 1) / (gamma + 1)
    points = exact_run(f"(x**2 + {gamma}*y**2)/2", "gd_exact_line_search", [gamma, 1], 4)
    for k, point in enumerate(points):
        assert list(point) == [gamma * q**k, (-q) ** k]


def test_boyd_vandenberghe_9_3_2_symbolic_gamma():
    problem = Problem("(x**2 + gamma*y**2)/2", variables=["x", "y"],
                      local={"gamma": sp.Symbol("gamma", positive=True)})
    (gamma,) = problem.parameters
    q = (gamma - 1) / (gamma + 1)
    points = exact_run(problem, "gd_exact_line_search", [gamma, 1], 2)
    for k, point in enumerate(points):
        assert sp.simplify(point[0] - gamma * q**k) == 0
        assert sp.simplify(point[1] - (-q) ** k) == 0


def test_exact_step_is_g_g_over_g_A_g():
    # N&W (3.25): α = ∇fᵀ∇f / ∇fᵀQ∇f, written here from the matrix, not from symopt
    A = sp.Matrix([[3, 1], [1, 2]])
    b = sp.Matrix([1, -1])
    x, y = sp.symbols("x y", real=True)
    v = sp.Matrix([x, y])
    g = A * v - b
    expected = (g.T * g)[0, 0] / (g.T * A * g)[0, 0]
    found = exact_step("(3*x**2 + 2*x*y + 2*y**2)/2 - x + y", "gd_exact_line_search")
    assert found.known and sp.simplify(found.value - expected) == 0


def test_exact_step_off_quadratics_is_unknown_and_numeric_minimises():
    assert not exact_step("x**4 + y**2", "gd_exact_line_search").known
    # φ(τ) = (1 − 4τ)⁴ + (1 − 2τ)²: its minimiser is the real root of φ'(τ)
    tau = np.polynomial.Polynomial([1, -4]) ** 4 + np.polynomial.Polynomial([1, -2]) ** 2
    roots = [r.real for r in tau.deriv().roots() if abs(r.imag) < 1e-12]
    assert exact_step_numeric("x**4 + y**2", "gd_exact_line_search", [1, 1]) == \
        pytest.approx(min(roots, key=tau), abs=1e-8)


def test_kantorovich_witness_attains_the_rate():
    # A = [[2, 1], [1, 2]] has eigenvalues 1 and 3: ((3 − 1)/(3 + 1))² = 1/4 (N&W Thm 3.3)
    f = "x**2 + x*y + y**2"
    start = kantorovich_witness(f)
    assert start.known
    x1 = exact_run(f, "gd_exact_line_search", start.value, 1)[-1]
    xs, ys = sp.symbols("x y", real=True)
    value = xs**2 + xs * ys + ys**2
    f0 = value.subs({xs: start.value[0], ys: start.value[1]})
    f1 = value.subs({xs: x1[0], ys: x1[1]})
    assert sp.simplify(f1 / f0) == R(1, 4) == kantorovich_rate(1, 3)


def test_armijo_set_at_a_point_by_hand():
    # f = x² + 10y² at (1, 1): g = (2, 20), ‖g‖² = 404, gᵀAg = 8008 with A = diag(2, 20);
    # f(x − τg) − f(x) + ατ‖g‖² = −(1 − α)404τ + 4004τ² ≤ 0 ⇔ τ ≤ (3/4)·404/4004
    assert armijo_set("x**2 + 10*y**2", "gd_backtracking", [1, 1], R(1, 4)) == \
        sp.Interval.Lopen(0, R(303, 4004))


def test_newton_accepts_exactly_up_to_two_times_one_minus_alpha_on_a_quadratic():
    f = "x**2 + 3*x*y + 5*y**2 - x"
    assert armijo_set(f, "newton_backtracking", [1, 2], R(1, 4)) == sp.Interval.Lopen(0, R(3, 2))
    # α ≤ ½: the unit step is accepted and reaches the minimiser (2x + 3y = 1, 3x + 10y = 0)
    points = exact_run(f, "newton_backtracking", [1, 2], 1, alpha=R(1, 2))
    assert list(points[-1]) == [R(10, 11), R(-3, 11)]
    taken = search(f, "newton_backtracking", [1, 2], alpha=R(3, 4), beta=R(1, 2))
    assert taken.step == R(1, 2) and taken.reductions == 1


@pytest.mark.parametrize(("alpha", "beta", "t0", "L", "step", "j"), [
    (R(1, 4), R(1, 2), 1, 12, R(1, 8), 3),    # limit 3/24 = 1/8, reached exactly
    (R(1, 4), R(1, 2), 1, 10, R(1, 8), 3),    # limit 3/20
    (R(1, 2), R(1, 3), 1, 1, 1, 0),           # 1 ≤ 1/L·2(1 − α) = 1: accepted at once
    # limit 9/25 = 0.36; 2·(4/5)^7 ≈ 0.419 > 0.36 ≥ 2·(4/5)^8 ≈ 0.336
    (R(1, 10), R(4, 5), 2, 5, R(131072, 390625), 8),
])
def test_worst_backtracking_by_hand(alpha, beta, t0, L, step, j):
    found = worst_backtracking(alpha, beta, t0, L)
    assert (found.step, found.reductions) == (step, j)
    assert backtracking_count_bound(alpha, beta, t0, L) == j
    assert found.step >= step_lower_bound(alpha, beta, t0, L)
    # f = Lx²/2 attains it
    taken = search(f"{L}*x**2/2", "gd_backtracking", [1], alpha=alpha, beta=beta, t0=t0)
    assert (taken.step, taken.reductions) == (step, j)
    assert sp.Interval.Lopen(0, 2 * (1 - sp.S(alpha)) / L) == accepted_everywhere(alpha, L)


def test_boyd_vandenberghe_bounds_follow_for_alpha_at_most_half():
    alpha, beta, L, m = (sp.Symbol(n, positive=True) for n in ("alpha", "beta", "L", "m"))
    region = (alpha <= R(1, 2), beta < 1, m <= L)
    # t ≥ min(1, β/L) (B&V §9.3.1) is implied by min(1, 2β(1 − α)/L)
    assert prove_nonnegative(2 * beta * (1 - alpha) / L - beta / L, region).value is True
    # ... and not for α near 1: 2β(1 − α)/L < β/L
    assert prove_nonnegative(2 * beta * (1 - alpha) / L - beta / L, (alpha < 1, beta < 1)
                             ).value is False


def test_backtracking_rate_holds_on_exact_runs():
    m, M, alpha, beta = 1, 10, R(1, 4), R(1, 2)
    bound = backtracking_rate(m, M, alpha, beta)
    assert bound == 1 - 2 * m * alpha * min(1, 2 * beta * (1 - alpha) / M) == R(77, 80)
    xs, ys = sp.symbols("x y", real=True)
    f = (xs**2 + 10 * ys**2) / 2
    for start in ([1, 0], [1, R(1, 10)], [1, 1], [R(1, 3), 1], [1, R(1, 100)]):
        x1 = exact_run(f, "gd_backtracking", start, 1, alpha=alpha, beta=beta)[-1]
        ratio = f.subs({xs: x1[0], ys: x1[1]}) / f.subs({xs: start[0], ys: start[1]})
        assert ratio <= bound


def test_newton_armijo_slope_is_minus_the_decrement_squared():
    # B&V §9.5.1: ∇fᵀΔx_nt = −λ(x)²; λ² from the newton_decrement claim kind
    from symopt.analysis.linesearch import _vector
    from symopt.claims import Claim
    from symopt.claims.context import Context
    from symopt.claims.pointwise import newton_decrement

    f = "exp(x) + x*y + y**2"
    problem = Problem(f)
    point = {v: sp.Integer(c) for v, c in zip(problem.variables, (1, 2))}
    gradient, d = _vector(problem, get_method("newton_backtracking"), point)
    squared = newton_decrement(Context.of(Claim("newton_decrement", "0", problem=f,
                                                at="(1, 2)")))
    assert sp.simplify((gradient.T * d)[0, 0] + squared) == 0


def test_damped_newton_with_backtracking_is_affine_invariant():
    # B&V §9.5.1: with x = Ty, the iterates on f(Ty) are T⁻¹ times those on f (exactly)
    f = "x**4 + x*y + 2*y**2 + x"
    T = sp.Matrix([[2, 1], [1, 1]])
    xs, ys = sp.symbols("x y", real=True)
    g = Problem(f).objective.xreplace({xs: 2 * xs + ys, ys: xs + ys})
    start = sp.Matrix([1, -1])
    on_f = exact_run(f, "newton_backtracking", list(start), 3, alpha=R(1, 4), beta=R(1, 2))
    on_g = exact_run(Problem(g, variables=["x", "y"]), "newton_backtracking",
                     list(T.solve(start)), 3, alpha=R(1, 4), beta=R(1, 2))
    for a, b in zip(on_f, on_g):
        assert sp.simplify(a - T * b) == sp.zeros(2, 1)


def test_on_a_quadratic_half_the_decrement_squared_is_the_gap():
    # B&V (9.29): f(x) − inf f̂ = λ²/2; on a quadratic f̂ = f, so λ²/2 = f − f*
    from symopt.claims import Claim, check

    v = check(Claim("model_decrease", "9/2", problem="x**2 + 3*x*y + 5*y**2 - x",
                    at="(1, 2)"))
    # f(1, 2) = 1 + 6 + 20 − 1 = 26, f* = f(10/11, −3/11) = −5/11 (by hand)
    assert v.status == "false" and parse_expr(v.correct) == 26 + R(5, 11)


def test_kantorovich_proof_steps_are_checked():
    found = kantorovich_proof()
    assert found.value is True and "4." in found.reason


def test_worst_backtracking_reads_text_through_symopts_parser():
    # user values never reach sympify: text is read by symopt.parse (exact), code is refused
    assert worst_backtracking("1/4", "1/2", "1", "12") == worst_backtracking(0.25, 0.5, 1, 12)
    with pytest.raises(ParseError):
        worst_backtracking("__import__('os')", "1/2", 1, 12)
