"""Shape declarations: Python, TOML-style tables and the command-line option."""

from __future__ import annotations

import pytest
import sympy as sp
from vector_cases import DATA, LEAST_SQUARES_FILE, m, n

from symopt.errors import ParseError
from symopt.shapes import MAX_EXPLICIT_DIM, Shape, Shapes, dimension


@pytest.mark.parametrize(("spec", "rows", "cols", "symmetric", "kind"), [
    ("n", n, 1, False, "vector"),
    ("m x n", m, n, False, "matrix"),
    ("m×n", m, n, False, "matrix"),
    ("m * n", m, n, False, "matrix"),
    ("n x n symmetric", n, n, True, "matrix"),
    ("ℝⁿ", n, 1, False, "vector"),
    ("R^n", n, 1, False, "vector"),
    ("R^{m x n}", m, n, False, "matrix"),
    (r"\mathbb{R}^{m \times n}", m, n, False, "matrix"),
    ("3", 3, 1, False, "vector"),
    ("2 x 3", 2, 3, False, "matrix"),
    ("scalar", 1, 1, False, "scalar"),
    ("1 x 1", 1, 1, False, "scalar"),
])
def test_shape_texts(spec, rows, cols, symmetric, kind) -> None:
    shape = Shape.parse(spec, "a")
    assert (shape.rows, shape.cols, shape.symmetric, shape.kind) == (rows, cols, symmetric, kind)


@pytest.mark.parametrize(("spec", "message"), [
    ("10000", "above 1000"),
    (f"{MAX_EXPLICIT_DIM + 1} x 2", "above 1000"),
    ("9" * 40, "above 1000"),
    ("0", "at least 1"),
    ("m x n symmetric", "must be square"),
    ("scalar symmetric", "cannot be declared symmetric"),
    ("n x", "cannot read"),
    ("x n", "cannot read"),
    ("n x n x n", "cannot read"),
    ("", "cannot read"),
    ("__import__('os')", "not a dimension"),
    ("n-1", "not a dimension"),
    ("n" * 300, "characters long"),
])
def test_bad_shapes_are_refused_with_the_reason(spec: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        Shape.parse(spec, "a")


def test_shape_values_are_matrix_symbols_with_positive_integer_dimensions() -> None:
    shapes = Shapes.from_mapping({"X": "m x n", "w": "n", "alpha": "scalar"})
    assert shapes.value("X") == sp.MatrixSymbol("X", m, n)
    assert shapes.value("w") == sp.MatrixSymbol("w", n, 1)
    assert shapes.value(r"\alpha").is_positive  # the house symbol
    assert dimension("m").is_integer and dimension("m").is_positive
    local = shapes.local()
    assert local["n"] == n and local["m"] == m and local["X"].shape == (m, n)


def test_names_are_canonical_and_unique() -> None:
    shapes = Shapes.from_mapping({r"\theta": "n"})
    assert "theta" in shapes and r"\theta" in shapes
    with pytest.raises(ParseError, match="declared twice"):
        Shapes({"theta": Shape.parse("n"), r"\theta": Shape.parse("n")})
    with pytest.raises(ParseError, match="also used as a dimension"):
        Shapes.from_mapping({"n": "scalar", "x": "n"})
    with pytest.raises(ParseError, match="not a name"):
        Shapes.from_mapping({"x-y": "n"})


def test_option_form() -> None:
    shapes = Shapes.from_option("X=m x n; w=n, y = m")
    assert sorted(shapes) == ["X", "w", "y"] and shapes["y"].rows == m
    with pytest.raises(ParseError, match="not name=shape"):
        Shapes.from_option("X m x n")
    with pytest.raises(ParseError, match="declared twice"):
        Shapes.from_option("x=n; x=m")


def test_table_form_is_validated() -> None:
    with pytest.raises(ParseError, match="must be a table"):
        Shapes.from_mapping(["x"])  # type: ignore[arg-type]
    with pytest.raises(ParseError, match="must be text"):
        Shapes.from_mapping({"x": 2.5})
    with pytest.raises(ParseError, match="the limit is"):
        Shapes.from_mapping({f"x_{i}": "n" for i in range(1000)})


def test_indexed_data() -> None:
    shapes = Shapes.from_mapping({"X": "m x n", "y": "m", "z": "3"})
    i = sp.Symbol("i", integer=True, positive=True)
    X, y = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("y", m, 1)
    assert shapes.indexed("y", i)[0] == y[i - 1, 0]
    assert shapes.indexed("x", i)[0] == X[i - 1, :].T
    assert shapes.indexed("w", i) is None  # no X-like matrix named W: an ordinary name
    with pytest.raises(ParseError, match=r"a row\? a column"):
        shapes.indexed("X", i)
    with pytest.raises(ParseError, match="out of range"):
        shapes.indexed("z", sp.Integer(4))


def test_claims_files_declare_shapes_per_problem() -> None:
    from symopt.claims.files import load_claims

    text = LEAST_SQUARES_FILE
    (entry,) = load_claims(text).entries
    assert entry.claim.problem.shapes == DATA
    bad = text.replace('y = "m"}', 'y = "10000"}')
    with pytest.raises(ParseError, match=r"\[problems.ls\] shapes: .*above 1000"):
        load_claims(bad)
    with pytest.raises(ParseError, match="shapes must be a table"):
        load_claims(text.replace('shapes = {X = "m x n", w = "n", y = "m"}', 'shapes = "n"'))
