"""Newton's asymptotic error constant lim e_{k+1}/e_k² = f'''(x*)/(2f''(x*)) (Nocedal &
Wright §3.3, with e_k = x_k − x*), and the linear constant 1 − αf''(x*) of gradient
descent. Expected values by hand:

- f = x − log x: f' = 1 − 1/x, x* = 1, f'' = 1/x² = 1, f''' = −2/x³ = −2: C = −1.
  Directly: Newton x⁺ = 2x − x², so e⁺ = 2(1 + e) − (1 + e)² − 1 = −e².
- f = eˣ − 2x: x* = log 2, f'' = f''' = 2: C = 1/2.
- f = x³/3 − x: f'' = 2x, f''' = 2: C = 1/2 at x* = 1 (a minimum), −1/2 at x* = −1.
"""

import math

import pytest

from symopt.claims import Claim, check


@pytest.mark.parametrize(("objective", "at", "stated", "status"), [
    ("x - log(x)", None, "-1", "true"),
    ("x - log(x)", None, "1", "true"),          # lim |e_{k+1}|/|e_k|² = |C|
    ("x - log(x)", None, "2", "false"),
    ("exp(x) - 2*x", None, "1/2", "true"),
    ("exp(x) - 2*x", None, "1", "false"),
    ("x**3/3 - x", "(1,)", "1/2", "true"),
    ("x**3/3 - x", "(-1,)", "-1/2", "true"),
    ("x**3/3 - x", "(-1,)", "1/4", "false"),
])
def test_newtons_error_constant(objective, at, stated, status):
    v = check(Claim("error_constant", stated, problem=objective, method="newton", at=at))
    assert v.status == status, v


def test_a_wrong_constant_shows_the_ratios_of_the_rule_near_x_star():
    v = check(Claim("error_constant", "2", problem="exp(x) - 2*x", method="newton"))
    assert v.status == "false" and v.correct == "1/2"
    assert "e = 1e-9: e⁺/e^2 = 0.5" in v.counterexample


def test_the_constant_agrees_with_a_float_newton_run():
    # Newton on eˣ − 2x in floats: e_{k+1}/e_k² → 1/2
    x, star = 1.0, math.log(2)
    ratios = []
    for _ in range(4):
        nxt = x - (math.exp(x) - 2) / math.exp(x)
        ratios.append((nxt - star) / (x - star) ** 2)
        x = nxt
    assert ratios[-1] == pytest.approx(0.5, abs=1e-3)


def test_the_order_changes_the_limit():
    # Newton is quadratic here: e_{k+1}/e_k → 0, e_{k+1}/e_k³ has no finite limit
    assert check(Claim("error_constant", "0", problem="x**3/3 - x", method="newton",
                       at="(1,)", order=1)).status == "true"
    v = check(Claim("error_constant", "1/2", problem="x**3/3 - x", method="newton",
                    at="(1,)", order=3))
    assert v.status == "false" and v.correct == "no finite limit"


def test_gradient_descent_has_a_linear_constant():
    # x⁺ − x* = (1 − αf''(x*))e + O(e²), f'' = 2 at x* = 1
    assert check(Claim("error_constant", "1 - 2*alpha", problem="x**3/3 - x", method="gd",
                       at="(1,)")).status == "true"
    assert check(Claim("error_constant", "1 - alpha", problem="x**3/3 - x", method="gd",
                       at="(1,)")).status == "false"


def test_what_is_not_derived_says_why():
    v = check(Claim("error_constant", "0", problem="x**2 + y**2", method="newton"))
    assert v.status == "unknown" and "one variable" in v.summary
    v = check(Claim("error_constant", "0", problem="x**2", method="newton"))
    assert v.status == "unknown" and "lands exactly" in v.summary
