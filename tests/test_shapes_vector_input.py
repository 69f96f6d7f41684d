"""Vector notation as text: expected values built independently with SymPy's matrix
expressions, and numeric checks against NumPy at random dimensions and data."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement
from vector_cases import DATA, X, m, n, w, y

from symopt.errors import ParseError
from symopt.vector import lambda_max
from symopt.vector_input import parse_vector, parse_vector_report
from symopt.vector_ops import Gradient, Hessian, SpectralNorm

A, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1)
i = sp.Symbol("i", integer=True, positive=True)
lam = sp.Symbol("lambda", real=True)
SHAPES = {**DATA, "A": "n x n symmetric", "x": "n"}


def element(product: sp.MatrixExpr) -> sp.Expr:
    return MatrixElement(product, 0, 0)


@pytest.mark.parametrize(("text", "expected"), [
    ("X.T*(X*w - y)", X.T * (X * w - y)),
    ("transpose(X)*(X*w - y)", X.T * (X * w - y)),
    ("norm(X*w - y)**2/2", element((X * w - y).T * (X * w - y)) / 2),
    ("norm(w)", sp.sqrt(element(w.T * w))),
    ("x.T*A*x", element(x.T * A * x)),
    ("w.T*x", element(w.T * x)),
    ("w.T*x + 1", element(w.T * x) + 1),
    ("A**2*x", A**2 * x),
    ("2*w - x", 2 * w - x),
    ("-w", -w),
    ("X*w/m", X * w / m),
    ("lambda*norm(w)**2/2 + norm(X*w - y)**2/(2*m)",
     lam * element(w.T * w) / 2 + element((X * w - y).T * (X * w - y)) / (2 * m)),
    ("sum(y_i, (i, 1, m))", sp.Sum(y[i - 1, 0], (i, 1, m))),
    ("x^T*A*x", element(x.T * A * x)),
    ("X.T*X*w = X.T*y", sp.Eq(X.T * X * w, X.T * y, evaluate=False)),
    ("grad(norm(X*w - y)**2/2, w)",
     Gradient(element((X * w - y).T * (X * w - y)) / 2, w)),
    ("grad(J, w)", Gradient(sp.Function("J", real=True)(w), w)),
    ("hessian(x.T*A*x, x)", Hessian(element(x.T * A * x), x)),
    ("eigmax(X.T*X)/m", lambda_max(X.T * X) / m),
    ("lambda_max(X.T*X)/m", lambda_max(X.T * X) / m),  # the printed form reads back
    ("norm(X, 2)**2/(4*m)", SpectralNorm(X) ** 2 / (4 * m)),
    ("frobenius(X)**2", sp.Trace(X.T * X)),
    ("trace(A)", sp.Trace(A)),
])
def test_text_forms(text: str, expected: sp.Basic) -> None:
    assert parse_vector(text, SHAPES) == expected


def test_the_eigenvalue_nodes_print_in_a_form_the_reader_reads_back() -> None:
    for text in ("eigmax(X.T*X)/m", "eigmin(X.T*X)"):
        value = parse_vector(text, SHAPES)
        assert parse_vector(str(value), SHAPES) == value


@pytest.mark.parametrize(("text", "message"), [
    ("X*y", "inner dimensions n and m differ"),
    ("w + y", "different shapes"),
    ("w + 1", "cannot add"),
    ("w**2", "power of the vector"),
    ("X**2", "non-square"),
    ("A**n", "matrix power must be a nonzero integer"),
    ("exp(w)", "elementwise functions"),
    ("log(X*w)", "elementwise functions"),
    ("1/w", "cannot divide"),
    ("norm(v)", r'declare it, e.g. shapes=\{"v": "n"\}'),
    ("v.T", r'declare it, e.g. shapes=\{"v": "n"\}'),
    ("Xw", "reads as the product X\\*w"),
    ("w.foo", "only .T"),
    ("w.T.__class__", "only .T"),
    ("sum(w, (i, 1, n))", "sum of vectors"),
    ("sum(y_i, (i, 1, n))", "runs to i = n, but y_i has m entries"),
    ("sum(y_i, (i, 0, m))", "indices count from 1"),
    ("sum(y_i, (i, 1, 10**7))", "more than"),
    ("sum(y_i, (w, 1, m))", "already a name"),
    ("sum(y_i)", "sum\\(body, \\(i, lower, upper\\)\\)"),
    ("norm(X)", "spectral norm or the Frobenius"),
    ("norm(X, 1)", "frobenius"),
    ("trace(X)", "not a square matrix"),
    ("eigmin(X)", "not a square matrix"),
    ("grad(w, w)", "a gradient is of a number"),
    ("grad(J, 2)", "declared name"),
    ("x.T*B*x", r'declare shapes=\{"B": "n x n"\}'),
    ("x < 1", "compared with one '='"),
    ("w = y", "'=' between n x 1 and m x 1"),
    ("__import__('os').system('true')", "unknown function|not allowed"),
])
def test_text_refusals_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_vector(text, SHAPES)


def test_data_rows_and_entries_are_reported() -> None:
    report = parse_vector_report("sum(log(1 + exp(-y_i*w.T*x_i)), (i, 1, m))/m", DATA)
    row = X[i - 1, :].T
    expected = sp.Sum(sp.log(1 + sp.exp(-y[i - 1, 0] * element(w.T * row))), (i, 1, m)) / m
    assert report.value == expected
    assert "x_i is row i of the m x n matrix X, as a column vector" in report.notes
    assert "y_i is entry i of the vector y" in report.notes
    # the same with the parentheses written differently
    assert parse_vector("sum(log(1 + exp(-y_i*(w.T*x_i))), (i, 1, m))/m", DATA) == expected


def _evaluate(expr: sp.Basic, dims: dict, arrays: dict) -> np.ndarray:
    """``expr`` at explicit dimensions and data, by SymPy, as floats."""
    concrete = expr.xreplace(dims)
    swaps = {}
    for name, array in arrays.items():
        shape = array.shape if array.ndim == 2 else (array.shape[0], 1)
        swaps[sp.MatrixSymbol(name, *shape)] = sp.ImmutableMatrix(array.reshape(shape))
    value = concrete.xreplace(swaps).doit()
    return np.array(sp.N(value), dtype=float)


@pytest.mark.parametrize("seed", range(3))
def test_values_match_numpy_at_random_shapes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, cols = (int(v) for v in rng.integers(1, 5, 2))
    Xv = rng.integers(-3, 4, (rows, cols))
    if seed == 2:  # rank-deficient: a repeated column
        Xv[:, -1] = Xv[:, 0]
    wv, yv = rng.integers(-3, 4, cols), rng.integers(-3, 4, rows)
    data = {"X": Xv, "w": wv, "y": yv}
    dims = {m: rows, n: cols}
    Xf, wf, yf = (a.astype(float) for a in (Xv, wv, yv))
    residual = Xf @ wf - yf
    assert np.allclose(_evaluate(parse_vector("X.T*(X*w - y)", DATA), dims, data).ravel(),
                       Xf.T @ residual)
    assert np.isclose(_evaluate(parse_vector("norm(X*w - y)**2/2", DATA), dims, data),
                      residual @ residual / 2)
    logistic = np.mean(np.log1p(np.exp(-yf * (Xf @ wf))))
    got = _evaluate(parse_vector("sum(log(1 + exp(-y_i*w.T*x_i)), (i, 1, m))/m", DATA),
                    dims, data)
    assert np.isclose(got, logistic)


def test_a_subscript_on_declared_data_is_an_index_or_refused() -> None:
    with pytest.raises(ParseError, match="row i of the declared matrix 'X'"):
        parse_vector("w.T*x_i", DATA)  # i is no summation index here
    with pytest.raises(ParseError, match=r"declare x_k \(e.g. shapes"):
        parse_vector("x_k - 2*x", {"x": "n"})
    x_k = sp.MatrixSymbol("x_k", n, 1)
    assert parse_vector("x_k - 2*x", {"x": "n", "x_k": "n"}) == x_k - 2 * x
    assert parse_vector("x_1 + x_2", {"x": "n"}) == x[0, 0] + x[1, 0]
    # a number subscript of a shape with explicit size is range-checked
    with pytest.raises(ParseError, match="out of range"):
        parse_vector("x_4", {"x": "3"})


def test_explicit_matrices_mix_with_symbolic_ones() -> None:
    got = parse_vector(r"\begin{bmatrix} 1 & 2 \end{bmatrix} v", {"v": "2"})
    v = sp.MatrixSymbol("v", 2, 1)
    assert got.parent.shape == (1, 1)
    assert sp.expand(got.parent.as_explicit()[0, 0]) == v[0, 0] + 2 * v[1, 0]


def test_the_general_parser_takes_shapes_and_local_names() -> None:
    from symopt.parse import parse

    c = sp.Symbol("c", positive=True)
    expected = c * element(w.T * w)
    assert parse("c*norm(w)**2", shapes={"w": "n"}, local={"c": c}) == expected
    assert parse(r"c\|w\|^2", shapes={"w": "n"}, local={"c": c}) == expected
    with pytest.raises(ParseError, match="both in local and in shapes"):
        parse("w", shapes={"w": "n"}, local={"w": c})
