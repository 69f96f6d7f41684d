"""Regression tests for wrong verdicts and unreadable conditions.

Expected regions are the textbook ones: heavy ball on a curvature λ converges iff
0 ≤ β < 1 and 0 < αλ < 2(1 + β) (Polyak 1964; Goh, "Why momentum really works",
2017); gradient descent iff 0 < αλ < 2.
"""

import pytest

from symopt.claims import Claim, ProblemSpec, check
from symopt.errors import ParseError
from symopt.parse import parse_expr

CURVATURE = ProblemSpec("lambda*x**2/2", ("x",), (), {"lambda": "positive"})
SCALED = ProblemSpec("c*x**2/2", ("x",), (), {"c": "positive"})


@pytest.mark.parametrize("stated", [
    "0 <= beta < 1 and 0 < alpha < (2 + 2*beta)/lambda",
    "0 <= beta < 1 and 0 < alpha*lambda < 2 + 2*beta",
    r"0 \le \beta < 1, \quad 0 < \alpha\lambda < 2(1 + \beta)",
])
def test_a_region_stated_with_lambda_is_the_analysis_region(stated):
    # 'lambda' declared positive in the problem and the analysis's own 'lambda' are
    # one symbol: the region is the same set
    v = check(Claim("stability", stated, problem=CURVATURE, method="heavy_ball",
                    parameter=("alpha", "beta")))
    assert v.status == "true", v


def test_a_wrong_region_with_lambda_names_one_lambda():
    v = check(Claim("stability", "0 <= beta < 1 and 0 < alpha < 2/lambda", problem=CURVATURE,
                    method="heavy_ball", parameter=("alpha", "beta")))
    assert v.status == "false"
    assert v.counterexample.count("lambda =") <= 1, v.counterexample


def test_gd_interval_with_a_declared_curvature():
    v = check(Claim("stability", "0 < alpha < 2/lambda", problem=CURVATURE, method="gd"))
    assert v.status == "true", v
    v = check(Claim("stability", "0 < alpha < 1/lambda", problem=CURVATURE, method="gd"))
    assert v.status == "false", v


@pytest.mark.parametrize("stated", ["0 < alpha < (2 + 2*beta)/c",
                                    "0 < alpha*c < 2 + 2*beta"])
def test_an_interval_written_multiplied_out_is_read_like_the_divided_one(stated):
    v = check(Claim("stability", stated, problem=SCALED, method="heavy_ball"))
    assert v.status == "true", v


# -- conditions joined with &, and, \land ----------------------------------------------

@pytest.mark.parametrize("stated", ["(0 < alpha) & (alpha < 1/2)",
                                    "0 < alpha and alpha < 1/2",
                                    r"0 < \alpha \land \alpha < \frac{1}{2}"])
def test_conditions_joined_as_sympy_prints_them(stated):
    # GD on 2w² (f'' = 4) converges iff |1 − 4α| < 1, i.e. 0 < α < 1/2
    assert check(Claim("stability", stated, problem="2*w**2", method="gd")).status == "true"


def test_a_where_condition_joined_with_ampersand():
    v = check(Claim("inequality", "alpha*(1 - alpha) <= 1/4",
                    where="(0 < alpha) & (alpha < 1)"))
    assert v.status == "true", v


def test_conditions_parse_to_conjunctions():
    expected = parse_expr("0 < alpha < 1/2", relations=True)
    assert parse_expr("(0 < alpha) & (alpha < 1/2)", relations=True) == expected
    assert parse_expr("0 < alpha and alpha < 1/2", relations=True) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("(0 < alpha", "'(' is never closed"),
    ("alpha < 1/2)", "')' has no matching opening bracket"),
    ("0 < alpha & alpha < 1/2", "write each condition in parentheses"),
])
def test_unreadable_conditions_say_what_is_wrong(text, message):
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_expr(text, relations=True)


def test_a_solver_failure_is_unknown_with_the_reason_not_an_error():
    v = check(Claim("stability", "alpha*(alpha - beta) < 1", problem=SCALED,
                    method="heavy_ball"))
    assert v.status == "unknown" and "could not finish" in v.summary


# -- KKT claims at points without multipliers -------------------------------------------

def test_a_kkt_claim_where_no_multipliers_exist_is_false():
    # min x + y over the intersection of two unit discs centred at (±1, 0): the only feasible
    # point (0, 0) has ∇f = (1, 1) and active gradients (−2, 0), (2, 0): no λ solves
    # (1, 1) + λ₁(−2, 0) + λ₂(2, 0) = 0 (LICQ fails there), so it is not a KKT point.
    problem = ProblemSpec("x + y", ("x", "y"),
                          ("(x - 1)**2 + y**2 <= 1", "(x + 1)**2 + y**2 <= 1"))
    v = check(Claim("kkt", {"x": 0, "y": 0, "lambda_1": 1, "lambda_2": 1}, problem=problem))
    assert v.status == "false" and "no multipliers" in v.summary, v


def test_a_kkt_claim_whose_multiplier_would_be_negative_is_false():
    # min x² s.t. x ≤ 1 at x = 1: 2x + λ = 0 gives λ = −2 < 0; the KKT point is x = 0, λ = 0
    v = check(Claim("kkt", {"x": 1, "lambda": 2}, problem=ProblemSpec("x**2", None,
                                                                      ("x <= 1",))))
    assert v.status == "false" and "-2" in v.counterexample, v


def test_an_infeasible_kkt_point_is_false():
    v = check(Claim("kkt", {"x": 0, "lambda": 0}, problem=ProblemSpec("x**2", None,
                                                                      ("x >= 1",))))
    assert v.status == "false" and "not feasible" in v.summary


def test_a_kkt_point_missing_from_an_incomplete_enumeration_is_not_refuted(monkeypatch):
    # min −x² s.t. x² ≤ 1: −2x + 2λx = 0 gives (0, λ = 0) and x = ±1 with λ = 1 (by hand).
    # If the enumeration found only some of them and says it is incomplete, the stated
    # (−1, 1) is not refuted: unknown, with the reason.
    import symopt.kkt

    solve = symopt.kkt.solve_kkt

    class Partial:
        complete = False

        def __init__(self, result):
            self._result = result
            self.points = [p for p in result.points
                           if all(v != -1 for v in p.point.values())]

        def __getattr__(self, name):
            return getattr(self._result, name)

    monkeypatch.setattr(symopt.kkt, "solve_kkt", lambda *a, **k: Partial(solve(*a, **k)))
    problem = ProblemSpec("-x**2", None, ("x**2 <= 1",))
    v = check(Claim("kkt", {"x": -1, "lambda": 1}, problem=problem))
    assert v.status == "unknown" and "incomplete" in v.summary, v
    monkeypatch.setattr(symopt.kkt, "solve_kkt", solve)
    assert check(Claim("kkt", {"x": -1, "lambda": 1}, problem=problem)).status == "true"


# -- a false state formula gets the closed form ------------------------------------------

@pytest.mark.parametrize(("method", "stated", "name", "closed_form"), [
    # Kingma & Ba §3: with a constant gradient, m_t = (1 − β₁ᵗ) g
    ("adam", {"m": "(1 - beta_1**(t + 1))*g"}, "m", "(1 - beta_1**t)*g"),
    # AdaGrad's sum of squares: s_t = t g²
    ("adagrad", "t*g", "s", "t*g**2"),
    # heavy ball's buffer b_t = g(1 + β + … + β^{t−1}) = g(1 − βᵗ)/(1 − β)
    ("heavy_ball", "t*g", "b", "g*(1 - beta**t)/(1 - beta)"),
])
def test_a_false_state_formula_gets_the_closed_form(method, stated, name, closed_form):
    v = check(Claim("state", stated, method=method))
    assert v.status == "false"
    assert (parse_expr(v.correct) - parse_expr(closed_form)).simplify() == 0, v.correct
    assert check(Claim("state", {name: closed_form}, method=method)).status == "true"


# -- hyperparameter names and ε = 0 ------------------------------------------------------

@pytest.mark.parametrize("key", ["eta", "η", "lr", "alpha"])
def test_eta_as_a_hyperparameter_key_is_alpha(key):
    # GD on 2w² from w = 1 with step 0.1: w₁ = 1 − 0.1·4 = 0.6
    v = check(Claim("iterate", "0.6", problem="2*w**2", method="gd", x0=[1], steps=1,
                    hyperparameters={key: "0.1"}))
    assert v.status == "true", v


def test_a_step_size_given_twice_is_an_error():
    with pytest.raises(ParseError, match="twice"):
        check(Claim("iterate", "0.6", problem="2*w**2", method="gd", x0=[1], steps=1,
                    hyperparameters={"eta": "0.1", "alpha": "0.2"}))


def test_adam_without_epsilon_first_step_is_alpha_sign_g():
    # Kingma & Ba §2.1: with ε = 0 the first bias-corrected step is α·ĝ/|ĝ| = α·sign(g)
    v = check(Claim("update", "x - alpha*sign(g)", method="adam", steps=1,
                    hyperparameters={"epsilon": 0}))
    assert v.status == "true", v
    assert any("undefined where g = 0" in e for e in v.evidence)


# -- Newton closed forms on non-quadratic objectives end, with a verdict -----------------

def test_newton_closed_form_on_a_homogeneous_quartic():
    # f homogeneous of degree 4: ∇²f(x)·x = 3∇f(x) (Euler), so Newton's step is
    # x − x/3 = (2/3)x and x_k = (2/3)^k x_0. The iterates of a non-quadratic rule grow
    # too fast to build symbolically: this ran past its time limit before.
    import time

    start = time.monotonic()
    v = check(Claim("closed_form", "[(2/3)**k*x_0, (2/3)**k*y_0]",
                    problem="x**4 + x**2*y**2 + y**4", method="newton"), timeout=120)
    assert v.status == "true", v
    assert time.monotonic() - start < 120
    v = check(Claim("closed_form", "[(1/2)**k*x_0, (2/3)**k*y_0]",
                    problem="x**4 + x**2*y**2 + y**4", method="newton"), timeout=120)
    assert v.status == "false", v


def test_a_closed_form_wrong_only_from_k_3_is_refuted_by_an_exact_run():
    # GD on x²: x_k = (1 − 2α)^k x_0; adding k(k − 1)(k − 2) changes nothing for k ≤ 2
    v = check(Claim("closed_form", "(1 - 2*alpha)**k*x_0 + k*(k - 1)*(k - 2)",
                    problem="x**2", method="gd"))
    assert v.status == "false" and v.counterexample.startswith("k = 3"), v
