"""Hostile and huge vector input: shapes of 10⁴ explicit dimensions, 10⁶-term sums, long
products, deep norms and random token soup end in a ParseError (or a value) quickly and in
bounded memory — never a hang, never another exception."""

from __future__ import annotations

import contextlib
import time
import tracemalloc

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symopt.errors import ParseError
from symopt.shapes import Shape, Shapes
from symopt.vector_input import parse_vector

SHAPES = {"X": "m x n", "w": "n", "y": "m", "A": "n x n symmetric", "x": "n"}
FUZZ = settings(derandomize=True, max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

HOSTILE = [
    "sum(y_i, (i, 1, 10**6))",
    r"\sum_{i=1}^{1000000} y_i",
    r"\sum_{i=1}^{10^{100}} y_i",
    "sum(y_i, (i, 1, 10**100))",
    "A**(10**9)*x",
    r"A^{1000000} x",
    "x.T*" + "A*" * 1500 + "x",
    "norm(" * 60 + "x" + ")" * 60,
    r"\|" * 40 + "x" + r"\|" * 40,
    "X" * 4000,
    r"\nabla_w " * 300 + "J",
    r"\frac{\partial^{10} f}{" + r"\partial x_1" * 10 + "}",
    "x" + ".T" * 2000,
    "(" * 49 + "x" + ")" * 49 + ".T" * 1000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:30])
def test_hostile_vector_input_ends_quickly_in_bounded_memory(text: str) -> None:
    tracemalloc.start()
    start = time.monotonic()
    try:
        parse_vector(text, SHAPES)
    except ParseError:
        pass
    finally:
        elapsed = time.monotonic() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < 5, elapsed
    assert peak < 200 * 2**20, peak


@pytest.mark.parametrize("spec", ["10000", "10000 x 10000", "1000 x 1001", "9" * 5000,
                                  "n x " * 100, "R^{" * 50])
def test_huge_or_broken_shapes_are_refused_quickly(spec: str) -> None:
    start = time.monotonic()
    with pytest.raises(ParseError):
        Shape.parse(spec, "x")
    assert time.monotonic() - start < 1


def test_a_symbolic_sum_is_never_expanded() -> None:
    start = time.monotonic()
    value = parse_vector(r"\sum_{i=1}^{m} (w^\top x_i - y_i)^2", {"X": "m x n", "w": "n",
                                                                 "y": "m"})
    assert time.monotonic() - start < 2
    assert isinstance(value, sp.Sum) and len(value.args[0].atoms()) < 50


def test_too_many_declarations_are_refused() -> None:
    with pytest.raises(ParseError, match="the limit is"):
        Shapes.from_option("; ".join(f"x_{k}=n" for k in range(300)))


_TEXT_TOKENS = ["X", "w", "y", "A", "x", "n", "m", "*", "+", "-", "/", "(", ")", ".T", "**2",
                "norm(", "sum(", ", (i, 1, m))", "y_i", "x_i", "1", "2", "exp(", "log(", "=",
                "<", ",", "i"]
_LATEX_TOKENS = [r"\|", "X", "w", "y", "A", "x", r"^\top", "^T", "^2", "_2", r"\nabla", "_w",
                 r"\frac{\partial f}{\partial x_1}", r"\frac{d}{dx}", r"\sum_{i=1}^{m}", "y_i",
                 "x_i", "(", ")", "{", "}", "+", "-", r"\left(", r"\right)", "f(x)", "J",
                 r"\mathcal{L}", r"\sigma(", "kt", "=", r"\cdot", "1", r"\log"]


@FUZZ
@given(st.lists(st.sampled_from(_TEXT_TOKENS), min_size=1, max_size=25))
def test_random_text_is_a_value_or_a_parse_error(tokens: list[str]) -> None:
    with contextlib.suppress(ParseError):
        parse_vector("".join(tokens), SHAPES)


@FUZZ
@given(st.lists(st.sampled_from(_LATEX_TOKENS), min_size=1, max_size=25))
def test_random_latex_is_a_value_or_a_parse_error(tokens: list[str]) -> None:
    with contextlib.suppress(ParseError):
        parse_vector("$" + " ".join(tokens) + "$", SHAPES)
