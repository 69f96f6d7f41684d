"""Size guards of the parsers and validation of every time limit (house rule: limits are
validated and cannot be switched off by input)."""

import math
import time

import pytest
import sympy as sp

from symopt import Problem
from symopt.claims import check_file, load_claims
from symopt.errors import DomainError, ParseError, SymoptError
from symopt.parse import parse
from symopt.timeout import MAX_SECONDS, check_seconds, run_with_timeout

HUGE = [
    "sqrt(10)**(10**9)",  # 10**(5*10**8)
    "exp(10**9*log(10))",  # SymPy rewrites it to 10**(10**9)
    "cbrt(2)**(3*10**9)",  # 2**(10**9)
    "E**(10**9*log(10))",
    "1.0000001**(10**9)",  # a rational base near 1 still has ~7e9-digit terms
    "(10**(1/2))**(10**9)",
    "sinh(10**9*log(10))",
    r"\sqrt{10}^{10^9}",
    r"\exp(10^9 \ln 10)",
    r"\sqrt[3]{2}^{3 \cdot 10^9}",
]


@pytest.mark.parametrize("text", HUGE)
def test_results_too_large_to_compute_are_refused_quickly(text):
    start = time.monotonic()
    with pytest.raises(ParseError, match=r"large|too"):
        parse(text)
    assert time.monotonic() - start < 2


@pytest.mark.parametrize(("text", "expected"), [
    ("sqrt(2)**100", 2**50), ("2**10", 1024), ("(1/2)**3", sp.Rational(1, 8)), ("exp(0)", 1),
])
def test_small_powers_are_still_exact(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["x**(10**9)", "exp(x)", "exp(-1000)", "2**(10**9*x)"])
def test_symbolic_powers_are_not_refused(text):
    parse(text)


@pytest.mark.parametrize("value", [0, -1, -0.0, math.nan, math.inf, -math.inf, 1e9,
                                   MAX_SECONDS * 2, True, None, "x", "nan", [1]])
def test_invalid_time_limits_are_refused(value):
    with pytest.raises(DomainError):
        check_seconds(value)


@pytest.mark.parametrize("value", [0.01, 1, 20, MAX_SECONDS, "5"])
def test_valid_time_limits_pass(value):
    assert 0 < check_seconds(value) <= MAX_SECONDS


@pytest.mark.parametrize("value", [-1, math.nan, math.inf, 1e9])
def test_run_with_timeout_refuses_a_limit_that_would_switch_itself_off(value):
    with pytest.raises(DomainError):
        run_with_timeout(sum, [1], seconds=value)


@pytest.mark.parametrize("value", [-1, math.nan, math.inf, 1e9])
def test_problem_refuses_an_invalid_time_limit(value):
    with pytest.raises(DomainError):
        Problem("x**2", timeout=value)


CLAIM = '[[claims]]\nkind = "gradient"\nproblem = {objective = "x**2"}\nstated = "[2*x]"\n'


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e9", '"x"', "true"])
def test_a_claims_file_timeout_is_validated(value):
    with pytest.raises(SymoptError, match="timeout"):
        load_claims(f"timeout = {value}\n" + CLAIM)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e9"])
def test_a_claim_timeout_is_validated(value):
    (entry,) = load_claims(CLAIM + f"timeout = {value}\n").entries
    assert entry.claim is None and "timeout" in entry.error


@pytest.mark.parametrize("value", [0, -1, math.nan, 1e9])
def test_check_file_refuses_an_invalid_timeout(value):
    with pytest.raises(DomainError):
        check_file(load_claims(CLAIM), timeout=value)


@pytest.mark.parametrize("text", [
    "*".join(["9**5000"] * 150) + "*x",  # each power is small, the product is not
    "*".join(["factorial(3000)"] * 100),
    " + ".join([r"\frac{1}{3^{4000}}", r"\frac{1}{7^{4000}}", r"\frac{1}{11^{4000}}",
                r"\frac{1}{13^{4000}}"]),  # coprime denominators: the sum's digits add up
])
def test_products_and_sums_of_large_numbers_are_refused(text):
    with pytest.raises(ParseError, match="too large"):
        parse(text)


@pytest.mark.parametrize("text", [r"\frac{1}{2004!} - \frac{1}{2006!}",
                                  "1/factorial(2004) - 1/factorial(2006)"])
def test_large_factorials_stay_exact(text):
    # 1/2004! − 1/2006! = (2006·2005 − 1)/2006!
    assert parse(text) == sp.Rational(2006 * 2005 - 1, sp.factorial(2006))


@pytest.mark.parametrize("text", ["x**2 + y", r"\frac{1}{2} x^2"])
def test_parsing_stops_at_its_deadline(monkeypatch, text):
    import importlib

    module = importlib.import_module("symopt.parse")  # the module, not the function
    monkeypatch.setattr(module, "PARSE_SECONDS", -1.0)  # already past
    with pytest.raises(ParseError, match="took longer"):
        parse(text)


@pytest.mark.parametrize("value", [-1, math.nan, math.inf, 1e9])
def test_the_catalogue_refuses_an_invalid_time_limit(value, tmp_path):
    from symopt.catalogue import run_catalogue

    with pytest.raises(DomainError):
        run_catalogue(tmp_path, seconds=value)
