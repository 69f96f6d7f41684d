"""The line_search claim kind: textbook statements (B&V ch. 9, N&W ch. 3) and perturbed ones."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symopt.claims import Claim, check
from symopt.errors import ParseError, SymoptError


def _status(stated, **keys):
    return check(Claim("line_search", stated, **keys))


BT = {"method": "gd_backtracking"}


@pytest.mark.parametrize(("stated", "status"), [
    ("min(1, beta/M)", "true"),      # B&V §9.3.1 (t0 = 1, α ≤ ½)
    ("min(1, 2*beta/M)", "false"),   # a wrong constant
    ("min(1, 1/M)", "false"),        # the β dropped
])
def test_step_bound(stated, status):
    v = _status(stated, measure="step_bound", where="alpha <= 1/2",
                hyperparameters={"t0": 1}, **BT)
    assert v.status == status, v.summary
    if status == "false":
        assert "x²/2 from x = 1" in v.counterexample


def test_step_bound_needs_alpha_at_most_half():
    # 2β(1 − α)/M < β/M for α > ½: at α = 3/4, β = 1/2, M = 10 the search ends at 1/32 < 1/20
    v = _status("min(1, beta/M)", measure="step_bound", **BT)
    assert v.status == "false"


@pytest.mark.parametrize(("stated", "where", "status"), [
    ("0 < t <= 1/M", "alpha <= 1/2", "true"),     # B&V §9.3.1
    ("0 < t <= 1/M", None, "false"),              # α = 3/4 rejects t = 1/M
    ("(0, 2*(1 - alpha)/L]", None, "true"),
    ("(0, 2*(1 - alpha)/L + 1/100]", None, "false"),
])
def test_accepted_steps_on_every_smooth_function(stated, where, status):
    v = _status(stated, measure="accepted_steps", where=where, **BT)
    assert v.status == status, v.summary


def test_accepted_steps_at_a_point_by_hand():
    # x² + 10y² at (1, 1), α = 1/4: −(3/4)·404t + 4004t² ≤ 0 ⇔ t ≤ 303/4004
    keys = dict(measure="accepted_steps", problem="x**2 + 10*y**2", at="(1, 1)",
                hyperparameters={"alpha": "1/4"}, **BT)
    assert _status("(0, 303/4004]", **keys).status == "true"
    assert _status("(0, 303/4000]", **keys).status == "false"


@pytest.mark.parametrize(("stated", "status"), [(3, "true"), (4, "true"), (2, "false")])
def test_number_of_reductions(stated, status):
    # N&W's names: c₁ = 1/4, ρ = 1/2; 2(1 − c₁)/L = 3/20 is reached after 1, ½, ¼, ⅛
    v = _status(stated, measure="backtracking", hyperparameters={"c1": "1/4", "rho": "1/2"},
                L=10, **BT)
    assert v.status == status
    assert v.correct == "3"


@pytest.mark.parametrize(("stated", "cls", "status"), [
    ("((kappa - 1)/(kappa + 1))**2", "quadratic", "true"),    # N&W Theorem 3.3
    ("((kappa - 1)/(kappa + 1))**4", "quadratic", "false"),
    ("1 - m/M", None, "true"),                                # B&V (9.18)
    ("1 - 2*m/M", None, "false"),
])
def test_exact_line_search_rates(stated, cls, status):
    v = _status(stated, measure="rate", method="gd_exact_line_search", function_class=cls)
    assert v.status == status, v.summary
    if status == "false":
        assert "compiled run" in v.counterexample


def test_backtracking_rate_wrong_constant_flips():
    keys = dict(measure="rate", hyperparameters={"alpha": "1/4", "beta": "1/2"}, mu=1, L=10,
                **BT)
    # B&V (9.19): 1 − min(2mα, 2βαm/M) = 1 − min(1/2, 1/40) = 39/40
    assert _status("39/40", **keys).status == "true"
    v = _status("1/2", **keys)
    assert v.status == "false" and "ratio 63/88" in v.counterexample


def test_exact_step_from_boyd_vandenberghe_example():
    # B&V §9.3.2, γ = 10, x⁽⁰⁾ = (10, 1): g = (10, 10), t = gᵀg/gᵀAg = 200/1100
    keys = dict(measure="step", method="gd_exact_line_search", problem="(x**2 + 10*y**2)/2",
                at="(10, 1)")
    v = _status("2/11", **keys)
    assert v.status == "true" and any("compiled run" in e for e in v.evidence)
    assert _status("1/5", **keys).status == "false"


def test_exact_step_off_quadratics_is_numeric():
    keys = dict(measure="step", method="gd_exact_line_search", problem="x**4 + y**2",
                at="(1, 1)")
    v = _status("0.35439", rounding=5, **keys)
    assert v.status == "true" and "numeric" in " ".join(v.evidence)
    assert _status("0.36", rounding=2, **keys).status == "false"


def test_newton_on_a_quadratic():
    keys = dict(method="newton_backtracking", problem="x**2 + 3*x*y + 5*y**2 - x")
    assert _status(0, measure="rate", hyperparameters={"alpha": "1/4", "beta": "1/2"},
                   **keys).status == "true"
    # α = 3/4: the accepted set is (0, 1/2], every step takes τ = 1/2, ratio (1 − ½)² = ¼
    assert _status("(0, 1]", measure="accepted_steps", hyperparameters={"alpha": "3/4"},
                   **keys).status == "false"
    assert _status("1/4", measure="rate", hyperparameters={"alpha": "3/4", "beta": "1/2"},
                   **keys).status == "true"
    assert _status("1/5", measure="rate", hyperparameters={"alpha": "3/4", "beta": "1/2"},
                   **keys).status == "false"


def test_unreadable_claims_are_errors():
    with pytest.raises(ParseError, match="measure"):
        check(Claim("line_search", "1", **BT))
    with pytest.raises(ParseError, match="line search"):
        check(Claim("line_search", "1", method="gd", measure="rate"))
    for key in ("tau", "lr", "eta"):  # a step size: B&V's α is not torch's lr
        with pytest.raises(ParseError, match="chooses the step"):
            check(Claim("line_search", "1", measure="rate", hyperparameters={key: 1}, **BT))
    with pytest.raises(SymoptError, match="does not use the key"):
        check(Claim("line_search", "1", measure="rate", x0=[1], **BT))


def test_trajectory_claims_run_the_search_exactly():
    # B&V §9.3.2 with γ = 10 from (10, 1): x_k = 10(9/11)^k, y_k = (−9/11)^k
    keys = dict(problem="(x**2 + 10*y**2)/2", method="gd_exact_line_search", x0=[10, 1])
    good = ["(10, 1)", "(90/11, -9/11)", "(810/121, 81/121)"]
    assert check(Claim("trajectory", good, **keys)).status == "true"
    bad = ["(10, 1)", "(90/11, -9/11)", "(810/121, -81/121)"]
    assert check(Claim("trajectory", bad, **keys)).status == "false"


TEXTS = ["1", "0", "1/2", "min(1, beta/M)", "((", "x**2", "0 < t <= 1/L", "(0, 1]",
         "1 - m/M", "kappa", "true", "[1, 2]", ""]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries(
    {"stated": st.one_of(st.sampled_from(TEXTS), st.integers(-2, 5), st.booleans()),
     "measure": st.sampled_from(["step", "accepted_steps", "step_bound", "backtracking",
                                 "rate", "nonsense"]),
     "method": st.sampled_from(["gd_exact_line_search", "gd_backtracking",
                                "newton_backtracking", "gd"])},
    optional={"problem": st.sampled_from(["x**2 + 4*y**2", "x**4 + y**2", "x**2 - y**2"]),
              "at": st.sampled_from(["(1, 1)", "(0, 0)", "(1,)"]),
              "where": st.sampled_from(["alpha <= 1/2", "x > 0", "(("]),
              "hyperparameters": st.sampled_from([{"alpha": "1/4", "beta": "1/2"},
                                                  {"c1": "0.9"}, {"alpha": 0}, {"tau": 1}]),
              "L": st.sampled_from([10, "L", "-1"]),
              "function_class": st.sampled_from(["quadratic", "smooth"])}))
def test_random_line_search_claims_end_in_a_verdict_or_a_one_line_error(keys):
    try:
        v = check(Claim("line_search", **keys), timeout=15)
    except SymoptError as exc:
        assert str(exc).strip()
        return
    assert v.status in ("true", "false", "unknown", "timeout"), v


def test_rate_on_a_given_problem_is_refuted_on_that_problem():
    # A = [[2, 1], [1, 4]]: eigenvalues 3 ± √2, ((2√2)/6)² = 2/9 (N&W Theorem 3.3)
    keys = dict(measure="rate", method="gd_exact_line_search",
                problem="x**2 + x*y + 2*y**2 - y")
    assert _status("2/9", **keys).status == "true"
    v = _status("3 - 2*sqrt(2)", **keys)
    assert v.status == "false" and v.counterexample.startswith("f = x**2 + x*y + 2*y**2 - y")


def test_a_problem_without_known_constants_is_unknown_not_a_class_claim():
    v = _status("1", measure="rate", problem="x**4 - x**2", **BT)
    assert v.status == "unknown" and "not known" in v.summary
