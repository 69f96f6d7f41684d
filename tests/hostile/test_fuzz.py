"""Fuzzing (hypothesis, derandomised): the parsers, the claims-file reader and compile names.

The property is the house promise: a result, or a SymoptError; never another exception,
never generated source carrying a name that was not checked, and no hang.
"""

from __future__ import annotations

import keyword
import re
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symopt.claims import load_claims
from symopt.errors import SymoptError
from symopt.kernels import compile
from symopt.methods.base import Hyperparameter, StateVar, Transform, chain
from symopt.parse import parse, parse_relation

FUZZ = settings(derandomize=True, max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
#: Longest a single parse may take (the size guards bound every step).
PARSE_SECONDS = 5

TEXT_TOKENS = ["x", "y", "t", "alpha", "theta_1", "2", "0.5", "10", "1e9", "**", "^", "*", "/",
               "+", "-", "(", ")", "[", "]", ",", "=", "<=", "sqrt", "exp", "log", "sin",
               "factorial", "cbrt", "pi", "E", "oo", "nan", "inf", "__import__", ".", "'",
               "lambda", ":", "abs", "max", "relu", " ", "9**9", "10**10", "I", "zoo"]
LATEX_TOKENS = [r"\frac", "{", "}", "x", "y", "^", "_", "2", "10", r"\sqrt", "[", "]",
                r"\exp", r"\ln", r"\sum", r"\prod", r"\left(", r"\right)", r"\alpha", r"\cdot",
                r"\input", r"\def", r"\mathrm", r"\operatorname", "(", ")", "+", "-", "=",
                r"\leq", r"\|", "|", "!", "&", r"\\", r"\begin{bmatrix}", r"\end{bmatrix}",
                "$", r"\infty", r"\pi", "e", " ", "9", r"\sin", r"\max"]


def _parses_cleanly(text: str, relation: bool = False) -> None:
    start = time.monotonic()
    try:
        result = (parse_relation if relation else parse)(text)
    except SymoptError:
        pass
    else:
        assert isinstance(result, (sp.Basic, sp.MatrixBase))
    assert time.monotonic() - start < PARSE_SECONDS, text


@FUZZ
@given(st.lists(st.sampled_from(TEXT_TOKENS), max_size=25).map("".join))
def test_text_built_from_tokens_parses_or_is_refused(text):
    _parses_cleanly(text)


@FUZZ
@given(st.text(max_size=60))
def test_arbitrary_text_parses_or_is_refused(text):
    _parses_cleanly(text)


@FUZZ
@given(st.lists(st.sampled_from(LATEX_TOKENS), max_size=25).map(" ".join))
def test_latex_built_from_tokens_parses_or_is_refused(text):
    _parses_cleanly(text)


@FUZZ
@given(st.lists(st.sampled_from([*TEXT_TOKENS, "<", ">=", "!="]), max_size=20).map("".join))
def test_relations_parse_or_are_refused(text):
    _parses_cleanly(text, relation=True)


# -- the claims-file reader -------------------------------------------------------------------

_KEYS = ["title", "source", "timeout", "problems", "methods", "claims", "kind", "stated",
         "problem", "method", "hyperparameters", "expect", "steps", "id", "objective",
         "variables", "assumptions", "x0", "frobnicate"]
_VALUES = st.one_of(
    st.sampled_from(['"x**2"', '"[2*x]"', '"gradient"', '"__import__(\'os\')"', "0", "-1",
                     "nan", "inf", "1e9", "true", "[1, 2]", '["x"]', "{}", '{a = 1}',
                     '{objective = "x**2"}', '"p"', "1.5", '""', '"\\u0000"']),
    st.integers(-10**20, 10**20).map(str),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"\\'), max_size=10)
    .map(lambda s: f'"{s}"'),
)


@st.composite
def _claims_text(draw) -> str:
    lines = [f"{draw(st.sampled_from(_KEYS))} = {draw(_VALUES)}"
             for _ in range(draw(st.integers(0, 3)))]
    for _ in range(draw(st.integers(0, 2))):
        lines.append(draw(st.sampled_from(["[problems.p]", "[methods.m]", "[[claims]]"])))
        lines += [f"{draw(st.sampled_from(_KEYS))} = {draw(_VALUES)}"
                  for _ in range(draw(st.integers(0, 4)))]
    return "\n".join(lines) + "\n"


@FUZZ
@given(_claims_text())
def test_claims_files_load_or_are_refused(text):
    try:
        loaded = load_claims(text if "\n" in text else text + "\n")
    except SymoptError:
        return
    for entry in loaded.entries:
        assert (entry.claim is None) == (entry.error is not None)


# -- names that reach generated source --------------------------------------------------------

_NAMES = st.one_of(
    st.sampled_from(["x", "g", "t", "p", "np", "print", "_w", "__import__", "lambda", "m",
                     "os.system", "a b", "a;b", "x\ny", "é", "ℓ", "None", "True", "b", "v"]),
    st.text(max_size=12),
)


@FUZZ
@given(state=_NAMES, hyper=_NAMES, backend=st.sampled_from(["numpy", "numexpr"]))
def test_compile_names_are_checked(state, hyper, backend):
    pytest.importorskip(backend)
    if not state or not hyper:
        return
    s, h = sp.Symbol(state, real=True), sp.Symbol(hyper, positive=True)
    transform = Transform("fuzz", lambda u, st_, c: (-h * (u + st_[s]), {s: st_[s] + u}),
                          (Hyperparameter(h, sp.Interval.open(0, sp.oo)),), (StateVar(s),))
    try:
        step = compile(chain("fuzz", transform), backend, **{hyper: 0.5})
    except SymoptError:
        return
    for word in re.findall(r"[A-Za-z_]\w*", step.source):
        assert word not in (state, hyper) or (word.isidentifier()
                                              and not keyword.iskeyword(word))
    x, g = np.array([1.0, 2.0]), np.array([1.0, 1.0])
    st_ = step.init_state(x)
    step(x, g, st_, 1)
    # u = g; s ← 0 + g = 1; x ← x − ½(g + 0) = x − ½
    np.testing.assert_allclose(x, [0.5, 1.5])


@FUZZ
@given(value=st.one_of(st.sampled_from(["x", "g", "np", "nan", "inf", "1/10**400", "10**400"]),
                       st.text(max_size=15)))
def test_compile_hyperparameter_text_is_a_number_or_refused(value):
    try:
        step = compile("gd", alpha=value)
    except SymoptError:
        return
    alpha = float(step.hyperparameters["alpha"])
    assert np.isfinite(alpha) and alpha > 0
    x, g = np.array([1.0]), np.array([1.0])
    step(x, g, step.init_state(x), 1)
    np.testing.assert_allclose(x, [1.0 - alpha])
