r"""Shapes and kinds of names: which are vectors, which matrices, which scalars.

Vector notation cannot be read without knowing what each letter is: ``\|x\|`` is
a norm only if ``x`` is a vector, ``x^T`` a transpose only if ``x`` is not a
number. A :class:`Shapes` declares it, in Python, in a claims file
(``[problems.NAME] shapes = {x = "n", A = "n x n symmetric", X = "m x n"}``) or on the
command line (``--shapes "x=n; A=n x n symmetric"``).

A shape is written ``"n"`` (a column vector in ℝⁿ), ``"m x n"`` (a matrix in
ℝ^{m×n}; ``×`` and ``*`` work too), ``"n x n symmetric"`` or ``"scalar"``; ``ℝⁿ``,
``R^n`` and ``R^{m x n}`` are accepted as well. Each dimension is a name (a
positive integer symbol, ``n = Symbol("n", integer=True, positive=True)``) or a
number from 1 to :data:`MAX_EXPLICIT_DIM`: symopt works in *general* dimension,
so a 10⁴-dimensional explicit shape is refused, not expanded. A 1 × 1 shape is
a scalar. A name may instead be declared a function: ``sigma = "logistic"`` makes
``\sigma(z)`` the logistic function 1/(1 + e^(−z)).

Names become SymPy objects: a vector or matrix a
:class:`~sympy.matrices.expressions.MatrixSymbol` of the declared shape, a
scalar the house symbol (:func:`symopt.symbols.symbol`), a dimension name its
positive-integer symbol.

>>> shapes = Shapes.from_mapping({"x": "n", "A": "n x n symmetric", "X": "m x n"})
>>> shapes["A"]
Shape(rows=n, cols=n, symmetric=True)
>>> shapes.value("X").shape, shapes.kind("x"), shapes.kind("lambda")
((m, n), 'vector', 'scalar')
>>> Shapes.from_mapping({"x": "10000"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symopt.errors.ParseError: shape of 'x': explicit dimension 10000 is above 1000; ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import sympy as sp

from symopt.errors import ParseError
from symopt.symbols import canonical_name, is_identifier, symbol

__all__ = ["FUNCTION_KINDS", "MAX_EXPLICIT_DIM", "MAX_NAMES", "Shape", "Shapes", "dimension",
           "logistic", "sum_index_ranges"]

#: Largest explicit (numeric) dimension a shape may have; larger ones must be symbols.
MAX_EXPLICIT_DIM = 1000
#: Most names one declaration may hold.
MAX_NAMES = 200
#: Longest accepted shape text, in characters.
_MAX_SPEC = 200

def logistic(z: sp.Expr) -> sp.Expr:
    """The logistic function σ(z) = 1/(1 + e^(−z)).

    >>> logistic(sp.Integer(0))
    1/2
    """
    return 1 / (1 + sp.exp(-z))


#: Kinds a name may be declared as instead of a shape: ``shapes = {sigma = "logistic"}``.
FUNCTION_KINDS = {"logistic": logistic}

_TIMES = re.compile(r"\s*(?:x|×|\*|\\times)\s*")


def dimension(name: str) -> sp.Symbol:
    """The symbol of a dimension name: a positive integer.

    >>> dimension("n").is_integer, dimension("n").is_positive
    (True, True)
    """
    canonical = canonical_name(name)
    return sp.Symbol(canonical, integer=True, positive=True)


@dataclass(frozen=True)
class Shape:
    """Rows, columns (each a positive integer or a dimension symbol) and symmetry.

    >>> Shape.parse("n").kind, Shape.parse("m x n").kind, Shape.parse("scalar").kind
    ('vector', 'matrix', 'scalar')
    """

    rows: sp.Expr
    cols: sp.Expr
    symmetric: bool = False

    @property
    def kind(self) -> str:
        """``"scalar"``, ``"vector"`` (a column, n × 1) or ``"matrix"``."""
        if self.rows == 1 and self.cols == 1:
            return "scalar"
        return "vector" if self.cols == 1 else "matrix"

    @property
    def dimensions(self) -> set[sp.Symbol]:
        """The dimension symbols this shape uses."""
        return {d for d in (self.rows, self.cols) if isinstance(d, sp.Symbol)}

    @classmethod
    def parse(cls, spec: object, name: str = "?") -> Shape:
        """Read a shape from its text (``"n"``, ``"m x n"``, ``"n x n symmetric"``, ``"scalar"``).

        >>> Shape.parse("R^{m \\\\times n}")
        Shape(rows=m, cols=n, symmetric=False)
        >>> Shape.parse("ℝⁿ")
        Shape(rows=n, cols=1, symmetric=False)
        """
        if isinstance(spec, Shape):
            return spec
        if isinstance(spec, bool) or not isinstance(spec, (str, int)):
            raise ParseError(f"shape of {name!r} must be text such as \"n\" or \"m x n\", "
                             f"not {type(spec).__name__}")
        text = str(spec).strip()
        if len(text) > _MAX_SPEC:
            raise ParseError(f"shape of {name!r} is {len(text)} characters long; the limit is "
                             f"{_MAX_SPEC}")
        symmetric = False
        words = text.split()
        if words and words[-1].lower() == "symmetric":
            symmetric, text = True, " ".join(words[:-1])
        if text.lower() in ("scalar", "real", "r", "ℝ", "1"):
            if symmetric:
                raise ParseError(f"shape of {name!r}: a scalar cannot be declared symmetric")
            return cls(sp.Integer(1), sp.Integer(1))
        text = _strip_space(text)
        parts = [p for p in _TIMES.split(text) if p != ""] if text else []
        if len(parts) not in (1, 2) or len(_TIMES.findall(text)) != len(parts) - 1:
            raise ParseError(f"shape of {name!r}: cannot read {spec!r}; write \"n\" (a vector), "
                             "\"m x n\" (a matrix), \"n x n symmetric\" or \"scalar\"")
        dims = [_dimension(p, name) for p in parts]
        rows, cols = (dims[0], sp.Integer(1)) if len(dims) == 1 else dims
        shape = cls(rows, cols, symmetric)
        if symmetric and rows != cols:
            raise ParseError(f"shape of {name!r}: a symmetric matrix must be square, not "
                             f"{rows} x {cols}")
        return shape

    def describe(self) -> str:
        """The shape as text, as it is declared.

        >>> Shape.parse("n x n symmetric").describe()
        'n x n symmetric'
        """
        if self.kind == "scalar":
            return "scalar"
        text = str(self.rows) if self.kind == "vector" else f"{self.rows} x {self.cols}"
        return text + (" symmetric" if self.symmetric else "")


def _strip_space(text: str) -> str:
    """``ℝⁿ``, ``R^n``, ``R^{m x n}``, ``\\mathbb{R}^{n}`` → the dimensions alone."""
    text = text.replace("ⁿ", "^n").replace("ᵐ", "^m").replace("ᵈ", "^d")
    match = re.fullmatch(r"(?:\\mathbb\{R\}|ℝ|R)\s*\^\s*(?:\{(.*)\}|(\S+))", text)
    if match:
        text = match.group(1) if match.group(1) is not None else match.group(2)
    return text.strip()


def _dimension(text: str, name: str) -> sp.Expr:
    text = text.strip().strip("{}").strip()
    if re.fullmatch(r"[0-9]+", text):
        if len(text) > 12 or int(text) > MAX_EXPLICIT_DIM:
            raise ParseError(f"shape of {name!r}: explicit dimension {text} is above "
                             f"{MAX_EXPLICIT_DIM}; use a dimension name such as n (symopt works "
                             "in general dimension and never expands a shape)")
        if int(text) < 1:
            raise ParseError(f"shape of {name!r}: a dimension must be at least 1, not {text}")
        return sp.Integer(int(text))
    try:
        canonical = canonical_name(text)
    except ParseError:
        canonical = ""
    if not canonical or not is_identifier(canonical):
        raise ParseError(f"shape of {name!r}: {text!r} is not a dimension (a name such as n or "
                         f"a number from 1 to {MAX_EXPLICIT_DIM})")
    return dimension(canonical)


class Shapes(Mapping[str, Shape]):
    """A declaration of shapes, by canonical name (``\\theta`` and ``theta`` are one name).

    >>> s = Shapes.from_mapping({"w": "n", "X": "m x n", "y": "m"})
    >>> sorted(s), sorted(map(str, s.dimensions))
    (['X', 'w', 'y'], ['m', 'n'])
    >>> s.local()["w"].shape
    (n, 1)
    """

    def __init__(self, shapes: Mapping[str, Shape] | None = None,
                 functions: Mapping[str, str] | None = None):
        items = dict(shapes or {})
        self._functions: dict[str, str] = {}
        for name, kind in (functions or {}).items():
            if kind not in FUNCTION_KINDS:
                raise ParseError(f"{name!r}: unknown function kind {kind!r} (known: "
                                 f"{', '.join(sorted(FUNCTION_KINDS))})")
            self._functions[_name(name)] = kind
        if set(self._functions) & {_name(k) for k in items}:
            raise ParseError("a name is declared both as a function and with a shape")
        if len(items) > MAX_NAMES:
            raise ParseError(f"{len(items)} shapes declared; the limit is {MAX_NAMES}")
        self._shapes: dict[str, Shape] = {}
        for name, shape in items.items():
            canonical = _name(name)
            if canonical in self._shapes:
                raise ParseError(f"shape of {canonical!r} declared twice")
            self._shapes[canonical] = Shape.parse(shape, canonical)
        clash = set(self._shapes) & {str(d) for d in self.dimensions}
        if clash:
            first = sorted(clash)[0]
            raise ParseError(f"{first!r} is declared with a shape and also used as a dimension")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object] | None) -> Shapes:
        """Shapes from ``{name: "n" | "m x n" | "n x n symmetric" | "scalar"}`` (a TOML table).

        >>> Shapes.from_mapping({"x": "n"})["x"].kind
        'vector'
        """
        if mapping is None:
            return cls()
        if isinstance(mapping, Shapes):
            return mapping
        if not isinstance(mapping, Mapping):
            raise ParseError(f"shapes must be a table of name = \"shape\", not "
                             f"{type(mapping).__name__}")
        if len(mapping) > MAX_NAMES:
            raise ParseError(f"{len(mapping)} shapes declared; the limit is {MAX_NAMES}")
        functions = {str(k): v for k, v in mapping.items() if isinstance(v, str)
                     and v.strip() in FUNCTION_KINDS}
        return cls({str(k): Shape.parse(v, str(k)) for k, v in mapping.items()
                    if str(k) not in functions}, {k: v.strip() for k, v in functions.items()})

    @classmethod
    def from_option(cls, text: str) -> Shapes:
        """Shapes from a command-line option: ``"x=n; A=n x n symmetric; X=m x n"``.

        >>> Shapes.from_option("x=n; A = n x n symmetric")["A"].symmetric
        True
        """
        if not isinstance(text, str) or len(text) > _MAX_SPEC * 20:
            raise ParseError("--shapes must be text of at most "
                             f"{_MAX_SPEC * 20} characters")
        mapping: dict[str, str] = {}
        for part in (p.strip() for p in re.split(r"[;,]", text)):
            if not part:
                continue
            name, sep, spec = part.partition("=")
            if not sep:
                raise ParseError(f"--shapes: {part!r} is not name=shape (e.g. x=n, X=m x n)")
            if name.strip() in mapping:
                raise ParseError(f"shape of {name.strip()!r} declared twice")
            mapping[name.strip()] = spec.strip()
        return cls.from_mapping(mapping)

    def __getitem__(self, name: str) -> Shape:
        return self._shapes[_name(name)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _name(name, strict=False) in self._shapes

    def __iter__(self) -> Iterator[str]:
        return iter(self._shapes)

    def __len__(self) -> int:
        return len(self._shapes)

    def __repr__(self) -> str:
        body = ", ".join([f"{k}={v.describe()!r}" for k, v in self._shapes.items()] +
                         [f"{k}={v!r}" for k, v in self._functions.items()])
        return f"Shapes({body})"

    @property
    def dimensions(self) -> set[sp.Symbol]:
        """Every dimension symbol used by a declared shape."""
        return set().union(*(s.dimensions for s in self._shapes.values()))

    def kind(self, name: str) -> str:
        """``"vector"``, ``"matrix"`` or ``"scalar"`` (an undeclared name is a scalar here;
        the readers refuse notation that needs a declaration the name lacks)."""
        return self[name].kind if name in self else "scalar"

    def value(self, name: str) -> sp.Basic:
        """The SymPy object a declared name stands for (a MatrixSymbol, or a scalar symbol).

        >>> Shapes.from_mapping({"x": "n"}).value("x")
        x
        """
        shape = self[name]
        canonical = _name(name)
        if shape.kind == "scalar":
            return symbol(canonical)
        return sp.MatrixSymbol(canonical, shape.rows, shape.cols)

    def symmetric(self) -> set[str]:
        """Names declared symmetric."""
        return {k for k, v in self._shapes.items() if v.symmetric}

    def indexed(self, name: str, index: sp.Expr,
                label: str | None = None) -> tuple[sp.Basic, str] | None:
        """What ``name`` subscripted by ``index`` (counted from 1) means, with a note saying so.

        An entry of a declared vector (``y_i`` is ``y[i-1, 0]``); for an undeclared
        lower-case letter whose capital is a declared matrix, a row of that matrix as a
        column vector (``x_i`` is the i-th sample, the i-th row of ``X``); ``None``
        when the subscript is just part of a scalar's name. A declared matrix with one
        subscript is refused (row or column?).

        >>> s = Shapes.from_mapping({"X": "m x n", "y": "m"})
        >>> i = sp.Symbol("i", integer=True, positive=True)
        >>> s.indexed("y", i)[0], s.indexed("x", i)[0].shape
        (y[i - 1, 0], (n, 1))
        """
        canonical = _name(name, strict=False)
        label = str(index) if label is None else label
        if canonical in self._shapes:
            shape = self._shapes[canonical]
            if shape.kind == "scalar":
                return None
            if shape.kind == "matrix":
                raise ParseError(f"'{canonical}' is a {shape.describe()} matrix, so "
                                 f"{canonical}_{label} (a row? a column?) is ambiguous; write "
                                 f"{canonical.lower()}_{label} for the rows of {canonical} "
                                 "(leave the lower-case name undeclared)")
            self._check_index(canonical, index, shape.rows)
            value = self.value(canonical)
            note = f"{canonical}_{label} is entry {label} of the vector {canonical}"
            return value[index - 1, 0], note
        upper = canonical.upper()
        if len(canonical) == 1 and canonical.islower() and upper in self._shapes and \
                self._shapes[upper].kind == "matrix":
            shape = self._shapes[upper]
            self._check_index(canonical, index, shape.rows)
            note = (f"{canonical}_{label} is row {label} of the {shape.describe()} matrix "
                    f"{upper}, as a column vector")
            return self.value(upper)[index - 1, :].T, note
        return None

    def is_data(self, name: str) -> bool:
        """Whether ``name_k`` would index declared data: ``name`` is a declared vector, or an
        undeclared lower-case letter whose capital is a declared matrix (its rows).

        >>> Shapes.from_mapping({"X": "m x n", "w": "n"}).is_data("x")
        True
        """
        canonical = _name(name, strict=False)
        if canonical in self._shapes:
            return self._shapes[canonical].kind != "scalar"
        upper = canonical.upper()
        return len(canonical) == 1 and canonical.islower() and upper in self._shapes and \
            self._shapes[upper].kind == "matrix"

    def ambiguous_subscript(self, base: str, name: str | None, written: str = "") -> str:
        """Why ``x_k`` (or ``x_{k+1}``) is refused when ``x`` indexes declared data.

        >>> print(Shapes.from_mapping({"x": "n"}).ambiguous_subscript("x", "x_k"))
        'x_k': entry k of the declared vector 'x', or a name of its own such as an iterate? \
entries are indexed by a summation index or a number (x_1, \\sum_{k=1}^{n} x_k); declare \
x_k (e.g. shapes={'x_k': 'n'}) for a vector of its own
        """
        canonical = _name(base, strict=False)
        written = name or written
        index = written.partition("_")[2].strip("{}")
        if canonical in self._shapes:
            what = f"entry {index} of the declared vector {canonical!r}"
            rows = self._shapes[canonical].rows
        else:
            what = f"row {index} of the declared matrix {canonical.upper()!r}"
            rows = self._shapes[canonical.upper()].rows
        advice = (f"declare {name} (e.g. shapes={{'{name}': 'n'}}) for a vector of its own"
                  if name else "name each iterate (x_k, x_next) and declare it")
        return (f"'{written}': {what}, or a name of its own such as an iterate? entries are "
                f"indexed by a summation index or a number ({canonical}_1, \\sum_{{k=1}}^{{"
                f"{rows}}} {canonical}_k); {advice}")

    @staticmethod
    def _check_index(name: str, index: sp.Expr, rows: sp.Expr) -> None:
        if index.is_Integer and (index < 1 or (rows.is_Integer and index > rows)):
            raise ParseError(f"{name}_{index} is out of range: indices run from 1 to {rows} "
                             f"(declare {name}_{index} if it is a name of its own, e.g. a "
                             "starting point)")

    def local(self) -> dict[str, object]:
        """Every declared name and every dimension name, mapped to its SymPy object (a
        declared function to a Python function that builds its SymPy value)."""
        names: dict[str, object] = {str(d): d for d in self.dimensions}
        names.update({k: self.value(k) for k in self._shapes})
        names.update({k: FUNCTION_KINDS[v] for k, v in self._functions.items()})
        return names

    @property
    def functions(self) -> dict[str, str]:
        """Names declared as functions, with their kind (``{"sigma": "logistic"}``)."""
        return dict(self._functions)


def _name(name: str, strict: bool = True) -> str:
    try:
        canonical = canonical_name(name)
    except ParseError:
        if not strict:
            return name
        raise ParseError(f"cannot declare a shape for {name!r}: not a name") from None
    return canonical


def sum_index_ranges(uses: list[tuple[str, str, sp.Expr]], name: str, lower: sp.Expr,
                     upper: sp.Expr, dimensions: object) -> tuple[list, str | None]:
    """Check a sum's bounds against the entries its body indexes (``x_i`` of a declared x).

    ``uses`` are ``(written, index name, rows)`` for every indexed entry in the body. Returns
    the uses that belong to an outer sum (another index) and, if the bounds do not fit an
    entry indexed by ``name``, the reason. Both readers (LaTeX ``\\sum`` and the text form's
    ``sum``) check sums here.

    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> sum_index_ranges([("x_i", "i", n), ("y_j", "j", n)], "i", sp.Integer(1), n, {n})
    ([('y_j', 'j', n)], None)
    >>> sum_index_ranges([("x_i", "i", n)], "i", sp.Integer(0), n, {n})[1]
    'x_i needs i from 1 (indices count from 1), not from 0'
    """
    outer = []
    for written, sub, rows in uses:
        if sub != name:
            outer.append((written, sub, rows))
        elif not lower.is_positive:
            return outer, (f"{written} needs {name} from 1 (indices count from 1), not from "
                           f"{lower}")
        elif (upper in dimensions and rows != upper) or \
                (upper.is_Integer and rows.is_Integer and upper > rows):
            return outer, f"the sum runs to {name} = {upper}, but {written} has {rows} entries"
    return outer, None
