"""Random claims files: every claim of every kind either gets a verdict within its time
limit or a one-line error; nothing crashes, nothing hangs."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symopt.claims import check_file, load_claims
from symopt.claims.claim import COMMON_KEYS, KEYS, KINDS, load_kinds
from symopt.errors import SymoptError

LIMIT = 3
STATUSES = {"true", "false", "unknown", "error", "timeout"}

load_kinds()
KIND_NAMES = [*sorted(k for k in KINDS if not k.startswith("test_")), "no_such_kind"]

TEXT = st.sampled_from(["1", "0", "1/2", "x**2", "2*x", "[2*x]", "[[2]]", "(0, 1/2)",
                        "0 < alpha < 1/2", "(0 < alpha) & (alpha < 1)", "converges", "oo",
                        "saddle", "true", r"\frac{2}{L + \mu}", "x - alpha*g", "1/t",
                        "(1 - beta_1**t)*g", "((", "alpha <", "", "lambda", "x, y",
                        "-alpha*sign(g)/sqrt(t)", "alpha*(1 - beta_1)/sqrt(1 - beta_2)",
                        "-1/2"])
VALUE = st.one_of(TEXT, st.integers(-3, 3), st.booleans(),
                  st.floats(-2, 2, allow_nan=False, allow_infinity=False),
                  st.lists(TEXT, min_size=0, max_size=3),
                  st.dictionaries(st.sampled_from(["x", "m", "lambda", "alpha", "beta"]), TEXT,
                                  max_size=2))
OPTIONAL = {
    "reference": TEXT, "x0": st.sampled_from([["1"], ["1", "2"], "(1, 1)", [0.5]]),
    "steps": st.integers(0, 5), "spectrum": st.sampled_from(["[1, 4]", ["1", "4"], "[mu, L]"]),
    "parameter": st.sampled_from(["alpha", "beta", ["alpha", "beta"]]),
    "epsilon": st.sampled_from(["1/100", "0.001"]), "at": st.sampled_from(["(1,)", "(1, 1)"]),
    "where": st.sampled_from(["0 < alpha < 1/4", "(0 < alpha) & (alpha < 1/2)", "x > 0",
                              "1 - beta_1 > sqrt(1 - beta_2)"]),
    "coordinate": st.sampled_from(["x", "x, y", "y"]), "tolerance": st.sampled_from([0.01, 0]),
    "rounding": st.integers(0, 3), "significant": st.integers(0, 3),
    "rel_tolerance": st.sampled_from([0.01, 0]), "unknowns": st.just(["x"]),
    "hyperparameters": st.sampled_from([{"alpha": "1/10"}, {"eta": 0.1}, {"beta": "0.9"},
                                        {"epsilon": 0}]),
    "rename": st.just({"eta": "alpha"}), "assumptions": st.just({"c": "positive"}),
    "order": st.sampled_from([1, 2, 3, 0, "two"]),
    "function_class": st.sampled_from(["smooth_convex", "smooth_strongly_convex", "nope"]),
    "L": st.sampled_from(["1", "L", 2]), "mu": st.sampled_from(["1/10", "mu"]),
    "N": st.sampled_from([1, 2, "N"]), "measure": st.sampled_from(["function_gap", "nope"]),
    "initial": st.sampled_from(["distance", "function_gap"]),
    "losses": st.sampled_from([["3*x", "-x", "-x"], ["x**2"], [], ["x", 2], "x"]),
    "feasible": st.sampled_from([[-1, 1], [1, -1], ["a", "b"], [0]]),
    "shapes": st.sampled_from([{"x": "n"}, {"X": "m x n", "w": "n", "y": "m"},
                               {"x": "nope"}, {"A": "n x n symmetric", "x": "n"}]),
}
PROBLEMS = ["x**2", "x**2 + 4*y**2", "x**4 - x**2", "(1 - x)**2 + 100*(y - x**2)**2",
            "lambda*x**2/2"]
METHODS = ["gd", "heavy_ball", "newton", "adam", "nesterov", "adagrad", "rmsprop"]


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"


@st.composite
def claims(draw):
    kind = draw(st.sampled_from(KIND_NAMES))
    entry = {"id": "c", "kind": kind, "stated": draw(VALUE)}
    # mostly keys the kind uses (so that the checkers themselves are reached), now and
    # then any key
    usable = KEYS.get(kind, frozenset()) if draw(st.integers(0, 4)) else set(OPTIONAL) | {
        "problem", "method"}
    if "problem" in usable and draw(st.integers(0, 3)):
        entry["problem"] = "p"
    if "method" in usable and draw(st.integers(0, 3)):
        entry["method"] = draw(st.sampled_from(METHODS))
    keys = sorted(k for k in OPTIONAL if k in usable or k == "assumptions")
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
        entry[key] = draw(OPTIONAL[key])
    problem = draw(st.sampled_from(PROBLEMS))
    return (f'timeout = {LIMIT}\n[problems.p]\nobjective = "{problem}"\n\n[[claims]]\n'
            + "\n".join(f"{k} = {_toml(v)}" for k, v in entry.items()) + "\n")


def test_the_fuzzer_draws_every_key_of_every_kind():
    keys = set().union(*KEYS.values()) - COMMON_KEYS - {"problem", "method", "stated", "kind"}
    assert keys <= set(OPTIONAL), keys - set(OPTIONAL)


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(claims())
def test_random_claims_end_with_a_verdict_or_a_one_line_error(text):
    _check(text)


#: The kinds for a step, its limit and supremum, and the error constant, each with every
#: key it honours (a fixed example each, so that every key of these kinds is reached).
NEW = {
    "step": {"method": "adagrad", "hyperparameters": {"epsilon": 0}, "steps": 2,
             "rename": {"eta": "alpha"}, "stated": "-alpha*sign(g)/sqrt(2)"},
    "step_limit": {"method": "adam", "hyperparameters": {"beta_1": "0.9"},
                   "rename": {"eta": "alpha"}, "stated": "((("},
    "step_bound": {"method": "adam", "hyperparameters": {"beta_1": 0}, "steps": 3,
                   "where": "1 - beta_1 > sqrt(1 - beta_2)", "rename": {"eta": "alpha"},
                   "stated": "alpha"},
    "error_constant": {"problem": "p", "method": "newton", "at": "(1,)", "order": 2,
                       "rename": {"eta": "alpha"}, "rounding": 2, "stated": "0.5"},
}


@pytest.mark.parametrize("kind", sorted(NEW))
def test_the_new_kinds_with_all_their_keys(kind):
    entry = {"id": "c", "kind": kind, **NEW[kind]}
    assert set(entry) - COMMON_KEYS <= KEYS[kind]
    assert KEYS[kind] - COMMON_KEYS - {"hyperparameters"} <= set(entry) | {
        "tolerance", "rel_tolerance", "significant"}
    _check(f'timeout = {LIMIT}\n[problems.p]\nobjective = "x**3/3 - x"\n\n[[claims]]\n'
           + "\n".join(f"{k} = {_toml(v)}" for k, v in entry.items()) + "\n")


def _check(text: str) -> None:
    start = time.monotonic()
    try:
        loaded = load_claims(text)
    except SymoptError as exc:
        assert str(exc).strip(), text
        return
    verdicts = check_file(loaded)
    assert time.monotonic() - start < LIMIT + 15, text
    for v in verdicts:
        assert v.status in STATUSES, (text, v)
        if v.status == "error":
            assert v.summary and "\n" not in v.summary, (text, v.summary)
