r"""Vector notation as input: text or LaTeX → SymPy matrix expressions, given shapes.

``parse_vector(text, shapes)`` reads ``X.T*(X*w - y)``, ``norm(X*w - y)**2/2``,
``x.T*A*x`` (SymPy-like text) or ``\frac{1}{2}\|Xw - y\|^2``, ``X^\top(Xw - y)``,
``x^\top A x`` (LaTeX, detected by a backslash, brace or ``$``) into SymPy matrix
expressions in *symbolic* dimension, with a :class:`~symopt.shapes.Shapes`
declaring which names are vectors and matrices. User text never reaches ``eval``:
the text form goes through :mod:`symopt.parse`'s whitelisting walker, the LaTeX
form through :mod:`symopt.latex`.

What comes back (see :mod:`symopt.vector_ops` for the conventions): declared names
are ``MatrixSymbol``\ s; a 1 × 1 product (``wᵀx``) is the number
``MatrixElement(wᵀx, 0, 0)``; ‖v‖ is ``sqrt`` of that for ``vᵀv``; a sum with
symbolic bounds is an unevaluated ``sympy.Sum`` whose index is a positive integer
symbol; ∇ is an unevaluated :class:`~symopt.vector_ops.Gradient`. Shapes are
checked as the text is read: ``X*w`` with ``X`` m × n needs ``w`` of n rows.

Text form:

* ``A*x``, ``x.T``, ``transpose(x)``, ``norm(v)``, ``A**2`` (square matrices),
  ``+ - * /`` (division by numbers), the scalar functions of :mod:`symopt.parse`
  on numbers (``log(1 + exp(-y_i*w.T*x_i))``);
* ``grad(f, w)``, ``hessian(f, w)`` (unevaluated), ``trace(M)``, ``eigmax(M)``,
  ``eigmin(M)``, ``norm(X, 2)`` (spectral), ``frobenius(X)``;
* ``sum(body, (i, 1, m))`` with symbolic or numeric bounds; inside it ``y_i`` is
  entry i of a declared vector ``y`` and ``x_i`` the i-th row of a declared
  matrix ``X`` (as a column vector), each said in the report.

>>> from symopt.shapes import Shapes
>>> shapes = Shapes.from_mapping({"X": "m x n", "w": "n", "y": "m"})
>>> parse_vector("X.T*(X*w - y)", shapes)
X.T*(X*w - y)
>>> parse_vector("norm(X*w - y)**2/2", shapes)
((w.T*X.T - y.T)*(X*w - y))[0, 0]/2
>>> parse_vector("X*y", shapes)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symopt.errors.ParseError: cannot multiply X (m x n) by y (m x 1): the inner dimensions ...
>>> parse_vector("norm(v)", shapes)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symopt.errors.ParseError: norm of 'v', which has no declared shape: declare it, ...
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp

from symopt import vector_ops
from symopt.errors import ParseError
from symopt.parse import _Builder, _chained, looks_like_latex, parse_expr
from symopt.shapes import Shapes, sum_index_ranges
from symopt.symbols import HOUSE_ASSUMPTIONS
from symopt.vector_ops import (
    add,
    describe_shape,
    divide,
    is_matrix,
    multiply,
    norm,
    power,
    transpose,
)

__all__ = ["MAX_SUM_TERMS", "VectorParse", "parse_vector", "parse_vector_report"]

#: Most terms a sum with *numeric* bounds may have (symbolic bounds are never expanded).
MAX_SUM_TERMS = 10**4


@dataclass(frozen=True)
class VectorParse:
    """A parse and the readings it rests on (``x_i`` as a row of ``X``, ``kt`` as k·t, ...)."""

    value: sp.Basic
    notes: tuple[str, ...] = ()


def parse_vector(text: str, shapes: Shapes | Mapping[str, object] | None = None, *,
                 local: Mapping[str, sp.Basic] | None = None) -> sp.Basic:
    """Read vector notation (text or LaTeX) into SymPy matrix expressions.

    ``local`` maps further names to objects, as for :func:`symopt.parse.parse`; a name
    may not be both in ``local`` and in ``shapes``.

    >>> parse_vector("x.T*A*x", {"x": "n", "A": "n x n symmetric"})
    (x.T*A*x)[0, 0]
    """
    return parse_vector_report(text, shapes, local=local).value


def parse_vector_report(text: str, shapes: Shapes | Mapping[str, object] | None = None, *,
                        local: Mapping[str, sp.Basic] | None = None) -> VectorParse:
    """:func:`parse_vector` with the notes on how ambiguous-looking notation was read.

    >>> r = parse_vector_report("sum(y_i, (i, 1, m))", {"y": "m"})
    >>> r.value, r.notes
    (Sum(y[i - 1, 0], (i, 1, m)), ('y_i is entry i of the vector y',))
    """
    declared = Shapes.from_mapping(shapes)
    if looks_like_latex(text):
        from symopt.latex import parse_latex_report

        return parse_latex_report(text, local=local, shapes=declared)
    notes: list[str] = []
    builder_type = _vector_builder(declared, notes)
    names = declared.local()
    for name, value in (local or {}).items():
        if name in names and names[name] != value:
            raise ParseError(f"'{name}' is both in local and in shapes")
        names[name] = value
    value = parse_expr(text, local=names, relations=True,  # safe: symopt.parse
                       builder=builder_type)
    return VectorParse(value, tuple(dict.fromkeys(notes)))


def _vector_builder(shapes: Shapes, notes: list[str]) -> type[_Builder]:
    """A :class:`symopt.parse._Builder` that builds with :mod:`symopt.vector_ops`."""
    from symopt.latex._names import FUNCTION_LETTERS  # the LaTeX reader imports this module

    @dataclass
    class VectorBuilder(_Builder):
        bound: dict[str, sp.Symbol] = field(default_factory=dict)
        ranges: list[tuple[str, str, sp.Expr]] = field(default_factory=list)  # x_i, i, rows

        def _build(self, node: ast.AST) -> sp.Basic:
            try:
                return self._vector(node)
            except ParseError as exc:
                if exc.text is not None:
                    raise
                raise self.fail(exc.reason, node) from None

        def _vector(self, node: ast.AST) -> sp.Basic:
            if isinstance(node, ast.BinOp) and _chained(node):
                return self.chain(node, lambda a, b, link: self.binary(a, b, link))
            if isinstance(node, ast.BinOp) and isinstance(
                    node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
                left, right = self.build(node.left), self.build(node.right)
                if isinstance(node.op, ast.Pow):
                    return self.power(left, right, node)
                return self.binary(left, right, node)
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                return multiply(sp.Integer(-1), self.build(node.operand))
            if isinstance(node, ast.Attribute):
                if node.attr != "T":
                    raise self.fail("attribute access ('.') is not allowed (only .T, the "
                                    "transpose)", node)
                return self.transpose(self.build(node.value), node.value)
            return _Builder._build(self, node)

        def binary(self, left: sp.Basic, right: sp.Basic, node: ast.BinOp) -> sp.Basic:
            """left + − × ÷ right, shapes checked."""
            if isinstance(node.op, ast.Add):
                return add(left, right)
            if isinstance(node.op, ast.Sub):
                return add(left, multiply(sp.Integer(-1), right))
            if isinstance(node.op, ast.Mult):
                return multiply(left, right)
            return divide(left, right)

        def transpose(self, value: sp.Basic, node: ast.AST) -> sp.Basic:
            if not is_matrix(value) and isinstance(node, ast.Name) and \
                    node.id not in shapes and value.is_Symbol:
                raise self.fail(f"transpose of '{node.id}', which has no declared shape: declare "
                                f"it, e.g. shapes={{\"{node.id}\": \"n\"}}", node)
            return transpose(value)

        def power(self, base: sp.Basic, exponent: sp.Basic, node: ast.AST) -> sp.Basic:
            if is_matrix(base) and isinstance(exponent, sp.Symbol) and exponent.name == "T" \
                    and "T" not in shapes:
                notes.append(f"{base}^T read as the transpose of {base}")
                return transpose(base)
            if is_matrix(base) or is_matrix(exponent):
                return power(base, exponent)
            return _Builder.power(self, base, exponent, node)

        def name(self, identifier: str, node: ast.AST) -> sp.Basic:
            if identifier in self.bound:
                return self.bound[identifier]
            match = re.fullmatch(r"([A-Za-z]+)_([A-Za-z0-9]+)", identifier)
            if match and identifier not in shapes:
                base, sub = match.groups()
                index = self.bound.get(sub) if not sub.isdigit() else sp.Integer(int(sub))
                if index is None and shapes.is_data(base):
                    raise self.fail(shapes.ambiguous_subscript(base, identifier), node)
                if index is not None:
                    found = shapes.indexed(base, index)
                    if found is not None:
                        notes.append(found[1])
                        if not sub.isdigit():
                            self.ranges.append((identifier, sub, _rows(base, shapes)))
                        return found[0]
            if identifier not in self.local and shapes and len(identifier) == 1 and \
                    identifier.isupper() and identifier not in HOUSE_ASSUMPTIONS and \
                    identifier != "E" and identifier not in FUNCTION_LETTERS:
                raise self.fail(f"'{identifier}' has no declared shape, and a capital beside "
                                "vectors is usually a matrix: declare shapes={"
                                f"\"{identifier}\": \"n x n\"}} (a matrix) or "
                                f"{{\"{identifier}\": \"scalar\"}}", node)
            if identifier not in self.local:
                split = _declared_split(identifier, shapes)
                if split:
                    raise self.fail(f"'{identifier}' is not declared, and reads as the product "
                                    f"{'*'.join(split)} of declared names: write "
                                    f"{'*'.join(split)}, or declare '{identifier}'", node)
            return _Builder.name(self, identifier, node)

        def call(self, node: ast.Call) -> sp.Basic:
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name in ("sum", "Sum"):
                return self.sum(node)
            if name in _MATRIX_CALLS and not node.keywords:
                return self.matrix_call(name, node)
            if name in ("norm", "transpose") and not node.keywords:
                if name == "norm" and len(node.args) == 2:
                    order = self.build(node.args[1])
                    if order != 2:
                        raise self.fail("norm(X, 2) is the spectral norm; write frobenius(X) "
                                        "for the Frobenius norm", node)
                    return vector_ops.matrix_norm(self.build(node.args[0]), "2")
                if len(node.args) != 1:
                    raise self.fail(f"{name}() takes one argument", node)
                (arg_node,) = node.args
                arg = self.build(arg_node)
                if name == "transpose":
                    return self.transpose(arg, arg_node)
                if not is_matrix(arg) and isinstance(arg_node, ast.Name) and \
                        arg_node.id not in shapes and not arg.is_number:
                    raise self.fail(
                        f"norm of '{arg_node.id}', which has no declared shape: declare it, "
                        f"e.g. shapes={{\"{arg_node.id}\": \"n\"}} (a vector) or "
                        f"{{\"{arg_node.id}\": \"scalar\"}} (then the norm is |{arg_node.id}|)",
                        node)
                return norm(arg)
            return _Builder.call(self, node)

        def matrix_call(self, name: str, node: ast.Call) -> sp.Basic:
            """grad(f, w), hessian(f, w), trace(M), eigmax(M) (or lambda_max(M)), eigmin(M),
            frobenius(X)."""
            arity = 2 if name in ("grad", "hessian") else 1
            if len(node.args) != arity:
                raise self.fail(f"{name}() takes {arity} argument{'s' * (arity > 1)}", node)
            args = [self.build(a) for a in node.args]
            if name in ("grad", "hessian"):
                expr, variable = args
                if isinstance(expr, sp.Symbol) and expr.name in FUNCTION_LETTERS and \
                        expr.name not in self.local:
                    expr = sp.Function(expr.name, real=True)(variable)
                    notes.append(f"{expr.func} is read as {expr}")
                if isinstance(variable, sp.Symbol) and variable.name in self.local:
                    return sp.Derivative(expr, (variable, 1 if name == "grad" else 2))
                if not isinstance(variable, sp.MatrixSymbol):
                    raise self.fail(f"{name}() is with respect to a declared name, not "
                                    f"{variable}", node)
                node_type = vector_ops.Gradient if name == "grad" else vector_ops.Hessian
                return node_type(expr, variable)
            (value,) = args
            if name == "trace":
                if not is_matrix(value) or value.shape[0] != value.shape[1]:
                    raise self.fail(f"trace of {value}, which is not a square matrix", node)
                return sp.Trace(value)
            if name == "frobenius":
                return vector_ops.matrix_norm(value, "F")
            return vector_ops.eigenvalue(name.rpartition("_")[2] if "_" in name else name[3:],
                                         value)

        def argument(self, node: ast.AST, function: str) -> sp.Basic:
            value = self.build(node)
            if is_matrix(value):
                raise self.fail(f"{function}() of the {describe_shape(value)} "
                                f"{'vector' if 1 in value.shape else 'matrix'} {value}: "
                                "elementwise functions of vectors are not read", node)
            return value

        def compare(self, node: ast.Compare) -> sp.Basic:
            terms = [self.build(node.left)] + [self.build(c) for c in node.comparators]
            if not any(is_matrix(t) for t in terms):
                return _Builder.compare(self, node)
            if len(terms) != 2 or not isinstance(node.ops[0], ast.Eq):
                raise self.fail("vectors and matrices can only be compared with one '='", node)
            left, right = terms
            if is_matrix(left) != is_matrix(right) or left.shape != right.shape:
                raise self.fail(f"'=' between {describe_shape(left)} and "
                                f"{describe_shape(right)}", node)
            return sp.Eq(left, right, evaluate=False)

        def sum(self, node: ast.Call) -> sp.Basic:
            if node.keywords or len(node.args) != 2 or not isinstance(node.args[1], ast.Tuple) \
                    or len(node.args[1].elts) != 3 or \
                    not isinstance(node.args[1].elts[0], ast.Name):
                raise self.fail("write a sum as sum(body, (i, lower, upper))", node)
            index_node, lower_node, upper_node = node.args[1].elts
            name = index_node.id
            if name in self.local or name in self.bound:
                raise self.fail(f"the summation index '{name}' is already a name here", node)
            lower, upper = self.build(lower_node), self.build(upper_node)
            if is_matrix(lower) or is_matrix(upper):
                raise self.fail("the bounds of a sum must be numbers", node)
            index = sp.Symbol(name, integer=True, positive=True) if lower.is_positive else \
                sp.Symbol(name, integer=True)
            self.bound[name] = index
            outer, self.ranges = self.ranges, []
            try:
                body = self.build(node.args[0])
            finally:
                del self.bound[name]
            inner, self.ranges = self.ranges, outer
            outer_uses, problem = sum_index_ranges(inner, name, lower, upper,
                                                   shapes.dimensions)
            if problem:
                raise self.fail(problem, node)
            self.ranges.extend(outer_uses)
            return _sum(body, index, lower, upper, lambda m: self.fail(m, node))

    return VectorBuilder


#: Calls the text form reads on vectors and matrices, besides norm, transpose and sum.
#: ``lambda_max``/``lambda_min`` are how symopt prints the eigenvalue nodes, so its
#: output reads back.
_MATRIX_CALLS = frozenset({"grad", "hessian", "trace", "eigmax", "eigmin", "lambda_max",
                           "lambda_min", "frobenius"})


def _sum(body: sp.Basic, index: sp.Symbol, lower: sp.Expr, upper: sp.Expr, fail) -> sp.Basic:
    """An unevaluated sum, refusing a sum of vectors and a numeric range above the limit."""
    if is_matrix(body):
        raise fail("a sum of vectors or matrices is not read yet; sum numbers (e.g. each "
                   "term's inner product)")
    if lower.is_Integer and upper.is_Integer and upper - lower + 1 > MAX_SUM_TERMS:
        raise fail(f"a sum of more than {MAX_SUM_TERMS} terms")
    return sp.Sum(body, (index, lower, upper))


def _rows(base: str, shapes: Shapes) -> sp.Expr:
    """How many values an indexed name runs over: a vector's entries, a matrix's rows."""
    declared = shapes[base] if base in shapes else shapes[base.upper()]
    return declared.rows


def _declared_split(word: str, shapes: Shapes) -> list[str]:
    """``Xw`` → ``["X", "w"]`` when every letter is a declared vector or matrix name."""
    if len(word) < 2 or not word.isalpha():
        return []
    letters = list(word)
    if all(letter in shapes and shapes.kind(letter) != "scalar" for letter in letters):
        return letters
    return []
