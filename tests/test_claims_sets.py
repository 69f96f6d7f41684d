"""Intervals and regions as people write them, compared as sets."""

import pytest
import sympy as sp

from symopt.claims import compare_sets, read_region, read_set
from symopt.claims.sets import compare_regions, pick
from symopt.errors import ParseError
from symopt.symbols import symbol, symbols

A = symbol("alpha")
HALF = sp.Rational(1, 2)


@pytest.mark.parametrize("text, expected", [
    ("(0, 1/2)", sp.Interval.open(0, HALF)),
    ("(0, 1/2]", sp.Interval.Lopen(0, HALF)),
    ("[0, 1/2)", sp.Interval.Ropen(0, HALF)),
    ("]0, 1/2[", sp.Interval.open(0, HALF)),
    ("(0, 0.5)", sp.Interval.open(0, HALF)),
    (r"0 < \alpha < \frac12", sp.Interval.open(0, HALF)),
    (r"0 < \alpha \leq \frac{1}{2}", sp.Interval.Lopen(0, HALF)),
    ("0 < alpha <= 1/2", sp.Interval.Lopen(0, HALF)),
    ("0 < α ≤ 1/2", sp.Interval.Lopen(0, HALF)),
    (r"$\alpha \in \left(0, \frac{1}{2}\right)$", sp.Interval.open(0, HALF)),
    (r"\alpha > 0 \text{ and } \alpha < 1/2", sp.Interval.open(0, HALF)),
    ("alpha > 0, alpha < 1/2", sp.Interval.open(0, HALF)),
    (r"[0, \infty)", sp.Interval(0, sp.oo)),
    ("(0, 1) ∪ (2, 3]", sp.Union(sp.Interval.open(0, 1), sp.Interval.Lopen(2, 3))),
    ("abs(1 - 4*alpha) < 1", sp.Interval.open(0, HALF)),
])
def test_read_set(text, expected):
    assert read_set(text, A) == expected


def test_symbolic_endpoints():
    L = symbol("L")
    assert read_set(r"0 < \alpha < \frac{2}{L}", A) == sp.Interval.open(0, 2 / L)
    result, _ = compare_sets(read_set("(0, 2/L)", A), sp.Interval.open(0, 2 / L))
    assert result.equal
    result, witness = compare_sets(read_set("(0, 1/L)", A), sp.Interval.open(0, 2 / L))
    assert result.equal is False and witness["in_stated"] is False


def test_bad_intervals_are_parse_errors():
    for text in ["(0, 1, 2", "", "0 <", "alpha"]:
        with pytest.raises(ParseError):
            read_set(text, A)


def test_open_and_closed_ends_differ():
    result, witness = compare_sets(sp.Interval(0, HALF), sp.Interval.open(0, HALF))
    assert result.equal is False and witness["value"] in (0, HALF)
    result, witness = compare_sets(sp.Interval.open(0, 1), sp.Interval.open(0, HALF))
    assert result.equal is False and witness["value"] == sp.Rational(3, 4)


def test_pick():
    assert pick(sp.Interval.open(1, 3)) == 2
    assert pick(sp.FiniteSet(5)) == 5
    assert pick(sp.EmptySet) is None


def test_regions():
    a, b = symbols("alpha beta")
    # heavy ball on one eigenvalue λ: 0 ≤ β < 1, 0 < αλ < 2(1 + β); with λ = 1
    correct = sp.And(b >= 0, b < 1, a > 0, a < 2 * (1 + b))
    stated = read_region("0 <= beta < 1 and 0 < alpha < 2 + 2*beta", (a, b))
    box = {a: (0, 4), b: (0, 1)}
    assert compare_regions(stated, correct, (a, b), box).equal
    wrong = read_region("0 <= beta < 1 and 0 < alpha < 2", (a, b))
    assert compare_regions(wrong, correct, (a, b), box).equal is False
