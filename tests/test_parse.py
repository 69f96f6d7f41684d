"""SymPy-syntax parsing: correctness, exactness, and hostile input."""

import time

import pytest
import sympy as sp

from symopt.errors import ParseError, SymoptError
from symopt.parse import parse_expr, parse_relation
from symopt.symbols import symbol

x, y, theta, w1, w2 = (symbol(n) for n in ("x", "y", "theta", "w1", "w2"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**2 + 4*y**2", x**2 + 4 * y**2),
        ("(theta-5)^2", (theta - 5) ** 2),
        ("0.5*(w1**2 + 4*w2**2)", sp.Rational(1, 2) * (w1**2 + 4 * w2**2)),
        ("2x + 3(y - 1)", 2 * x + 3 * (y - 1)),
        ("(x)(y)", x * y),
        ("exp(-x) * log(y)", sp.exp(-x) * sp.log(y)),
        ("sqrt(x^2 + 1)", sp.sqrt(x**2 + 1)),
        ("max(x, 0)", sp.Max(x, 0)),
        ("1e-8", sp.Rational(1, 10**8)),
        ("θ₀^2 + 10θ₁²", symbol("theta_0") ** 2 + 10 * symbol("theta_1") ** 2),
        ("theta[1]", symbol("theta_1")),
        ("sigmoid(x)", 1 / (1 + sp.exp(-x))),
        ("E**x + pi", sp.exp(x) + sp.pi),
    ],
)
def test_parses_sympy_syntax(text, expected):
    assert sp.simplify(parse_expr(text) - expected) == 0


def test_decimals_are_exact():
    value = parse_expr("0.1")
    assert value == sp.Rational(1, 10) and value.is_Rational


def test_symbols_are_real_and_stable():
    parsed = parse_expr("lambda_min + lambda")
    names = {s.name for s in parsed.free_symbols}
    assert names == {"lambda_min", "lambda"}
    assert all(s.is_real for s in parsed.free_symbols)
    assert symbol("lambda_min") in parsed.free_symbols  # the same object as the house symbol


def test_matrices():
    assert parse_expr("[[2, 0], [0, 4]]") == sp.Matrix([[2, 0], [0, 4]])
    with pytest.raises(ParseError, match="different lengths"):
        parse_expr("[[1, 2], [3]]")


def test_relations():
    assert parse_relation("x >= 1") == sp.Ge(x, 1)
    assert parse_relation("x + y = 1") == sp.Eq(x + y, 1)
    both = parse_expr("0 < a < 1/2", relations=True)
    a = symbol("a")
    assert both == sp.And(sp.Lt(0, a), sp.Lt(a, sp.Rational(1, 2)))
    with pytest.raises(ParseError):
        parse_relation("x + 1")


HOSTILE = [
    "__import__('os').system('touch /tmp/symopt_pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "lambda: __import__('os')",
    "(lambda q: q)(1)",
    "10**10**10",
    "2**99999999",
    "9" * 6000,
    "(" * 500 + "x" + ")" * 500,
    "-" * 4000 + "x",
    "x" + "+x" * 4000,
    "open('/etc/passwd')",
    "eval('1')",
    "exec('import os')",
    "getattr(x, 'y')",
    "[x for x in range(10**9)]",
    "{'a': 1}",
    "'string'",
    "x if x else y",
    "f'{x}'",
    "x; import os",
    "x # comment",
    "x @ y",
    "x & y",
    "x << 2",
    "sqrt(x, evaluate=False)",
    "factorial(10**6)",
    "Symbol('x')",
    "_x + 1",
    "x[__import__('os')]",
    "\x00",
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_quickly(text, tmp_path):
    start = time.process_time()  # CPU time: the parser runs in this process
    with pytest.raises(SymoptError):
        parse_expr(text)
    assert time.process_time() - start < 2.0
    import os

    assert not os.path.exists("/tmp/symopt_pwned")


def test_error_points_at_the_offending_token():
    with pytest.raises(ParseError) as info:
        parse_expr("x**2 + foo(y)")
    assert info.value.position == 7
    assert "foo" in str(info.value)
    assert "^" in str(info.value)


def test_non_string_input():
    with pytest.raises(ParseError):
        parse_expr(3)  # type: ignore[arg-type]


def test_a_long_flat_sum_is_not_refused_as_deep_nesting():
    # Python nests a + b + c … one level per term; a flat chain is read one link at a time.
    names = [f"x{i}" for i in range(600)]
    assert parse_expr(" + ".join(names)) == sp.Add(*(symbol(n) for n in names))
    assert parse_expr(" - ".join(str(i) for i in range(1, 400))) == 1 - sum(range(2, 400))
    assert parse_expr("*".join(["x"] * 300)) == symbol("x") ** 300
    assert parse_expr("a - b - c + d/e/f*g") == (symbol("a") - symbol("b") - symbol("c")
                                                 + symbol("d") * symbol("g")
                                                 / (symbol("e") * symbol("f")))
    with pytest.raises(ParseError, match="nesting deeper"):  # real nesting still counts
        parse_expr("(" * 60 + "x" + ")" * 60)
