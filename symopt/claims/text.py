r"""Stated answers as people write them → SymPy, through :mod:`symopt.parse` only.

A stated answer may be a TOML number (``0.1`` is read from its decimal text,
exactly), a string in SymPy syntax or LaTeX, with or without ``$`` delimiters
and a leading ``name =`` (``$\alpha^* = \frac{2}{L+\mu}$``), or an array
(a vector or a matrix).

>>> from symopt.claims.text import read_value
>>> read_value(0.4)
2/5
>>> read_value("alpha^* = 2/(L + mu)")
2/(L + mu)
>>> read_value(["1", 2.5])
Matrix([
[  1],
[5/2]])
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import sympy as sp

from symopt.errors import ParseError
from symopt.parse import parse_expr
from symopt.symbols import canonical_name, symbol

__all__ = ["Local", "approximate_decimals", "assumption_symbols", "clean", "drop_name",
           "read_point", "read_relation", "read_value"]

#: Names → objects used while parsing (symbols with stated assumptions).
Local = Mapping[str, sp.Basic]

_DELIMITERS = [("$$", "$$"), ("$", "$"), (r"\(", r"\)"), (r"\[", r"\]")]
_WORDS = {"positive", "negative", "nonnegative", "nonpositive", "integer", "real", "nonzero",
          "rational", "finite", "even", "odd", "prime"}


def clean(text: str) -> str:
    r"""Strip math delimiters, surrounding space and a final full stop.

    >>> clean(r"  $\frac{1}{2}$. ")
    '\\frac{1}{2}'
    """
    text = text.strip()
    changed = True
    while changed:
        changed = False
        for left, right in _DELIMITERS:
            if len(text) >= len(left) + len(right) and text.startswith(left) and \
                    text.endswith(right):
                text = text[len(left) : len(text) - len(right)].strip()
                changed = True
        if text.endswith(".") and not re.search(r"\d\.$", text):
            text, changed = text[:-1].rstrip(), True
    return text


def _parse(text: str, local: Local | None, relations: bool = False) -> sp.Basic:
    from symopt.parse import looks_like_latex

    if looks_like_latex(text):
        try:
            from symopt.latex import parse_latex
        except ImportError:
            raise ParseError("LaTeX input needs symopt.latex, which is not available",
                             text=text) from None
        return parse_latex(text, local=local)
    text = plain_unicode(text)
    # |a| as people write it (not nested): abs(a)
    text = re.sub(r"\|([^|]+)\|", r"abs(\1)", text)
    return parse_expr(text, local=local, relations=relations)  # safe: symopt.parse


_FRACTIONS = {"½": "(1/2)", "⅓": "(1/3)", "⅔": "(2/3)", "¼": "(1/4)", "¾": "(3/4)",
              "⅕": "(1/5)", "⅛": "(1/8)", "∞": "oo", "π": "pi"}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵏᵗⁿ", "0123456789-ktn")


def plain_unicode(text: str) -> str:
    """Unicode math people type (½, √2, x², αᵏ, 1/κ⁻¹, ∞) in SymPy syntax.

    >>> plain_unicode("½x² + √(y) − 3ᵏ")
    '(1/2)x**(2) + sqrt(y) − 3**(k)'
    """
    for char, replacement in _FRACTIONS.items():
        text = text.replace(char, replacement)
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵏᵗⁿ]+",
                  lambda m: f"**({m.group(0).translate(_SUPERSCRIPTS)})", text)
    text = re.sub(r"√\s*(\([^()]*\)|[A-Za-z0-9_.]+)",
                  lambda m: f"sqrt({m.group(1).strip('()')})", text)
    return text


def drop_name(text: str) -> str:
    r"""The answer after the last ``=``: texts label answers and show their working.

    ``alpha^* = 2/(L+mu)`` → ``2/(L+mu)``; ``\frac{2}{1 + 4} = \frac{2}{5} = 0.4`` → ``0.4``.
    """
    parts = re.split(r"(?<![<>!=:])=(?!=)|≈|\\approx\b", text)
    if len(parts) < 2 or not parts[-1].strip():
        return text
    return parts[-1].strip()


def approximate_decimals(stated: object) -> int | None:
    r"""Decimals of an answer marked approximate (``≈ 0.667``, ``\approx 1.41``), else None.

    >>> approximate_decimals("r ≈ 0.667"), approximate_decimals("0.667")
    (3, None)
    """
    if not isinstance(stated, str) or not re.search(r"≈|\\approx\b", stated):
        return None
    answer = re.split(r"≈|\\approx\b", clean(stated))[-1]
    match = re.fullmatch(r"\s*[-+]?\d*\.(\d+)\s*", answer)
    return len(match.group(1)) if match else None


def read_value(stated: object, local: Local | None = None, *, keep_name: bool = False
               ) -> sp.Basic:
    """A stated number, expression, vector or matrix as an exact SymPy object.

    >>> read_value("[[2, 0], [0, 20]]").shape
    (2, 2)
    >>> read_value("$L = 4$")
    4
    """
    if isinstance(stated, bool):
        raise ParseError(f"expected a number or an expression, got {stated!r}")
    if isinstance(stated, int):
        return sp.Integer(stated)
    if isinstance(stated, float):
        if stated != stated or stated in (float("inf"), float("-inf")):
            raise ParseError(f"expected a finite number, got {stated!r}")
        return sp.Rational(repr(stated))
    if isinstance(stated, (list, tuple)):
        if not stated:
            raise ParseError("empty list")
        items = [read_value(item, local) for item in stated]
        if all(isinstance(i, sp.MatrixBase) for i in items):
            if len({i.shape for i in items}) != 1:
                raise ParseError("matrix rows have different lengths")
            return sp.Matrix([list(i) for i in items])
        if any(isinstance(i, sp.MatrixBase) for i in items):
            raise ParseError("mixed rows and scalars in a matrix")
        return sp.Matrix(items)
    if not isinstance(stated, str):
        raise ParseError(f"expected a number, an expression or a list, got {stated!r}")
    text = clean(stated)
    if not keep_name:
        text = drop_name(text)
    value = _parse(text, local)
    if isinstance(value, (sp.Rel, sp.And, sp.Or)):
        raise ParseError(f"expected a value, got the relation {stated!r}", text=stated)
    if isinstance(value, sp.Matrix) and value.rows == 1 and value.cols > 1:
        value = value.T
    return value


def read_relation(stated: str, local: Local | None = None) -> sp.Basic:
    """A stated equation or inequality (``=`` and ``==`` both mean equality).

    >>> read_relation("2x = 2")
    Eq(2*x, 2)
    """
    if not isinstance(stated, str):
        raise ParseError(f"expected a relation as text, got {stated!r}")
    text = clean(stated)
    value = _parse(text, local, relations=True)
    if not isinstance(value, (sp.Rel, sp.And, sp.Or)):
        raise ParseError(f"expected a relation such as 'x = 1' or 'x <= 1', got {stated!r}",
                         text=stated)
    return value


def read_point(stated: object, variables: tuple[sp.Symbol, ...], local: Local | None = None
               ) -> dict[sp.Symbol, sp.Expr]:
    """A point as a table ``{x = 1}``, an array in variable order or text ``"(1, 0)"``.

    >>> x, y = symbol("x"), symbol("y")
    >>> read_point("(1, 0)", (x, y))
    {x: 1, y: 0}
    >>> read_point({"y": 2, "x": "1/2"}, (x, y))
    {x: 1/2, y: 2}
    >>> read_point("x = 1, y = -1", (x, y)), read_point("(x, y) = (2, 3)", (x, y))
    ({x: 1, y: -1}, {x: 2, y: 3})
    """
    if isinstance(stated, Mapping):
        by_name = {v.name: v for v in variables}
        point = {}
        for key, value in stated.items():
            name = canonical_name(str(key))
            if name not in by_name and name.endswith("star") and name[:-4] in by_name:
                name = name[:-4]  # x^* names the variable x at the point
            if name not in by_name:
                raise ParseError(f"point names {key!r}, which is not a variable "
                                 f"({', '.join(by_name)})")
            point[by_name[name]] = read_value(value, local)
        missing = [v.name for v in variables if v not in point]
        if missing:
            raise ParseError(f"point misses the variables {missing}")
        return {v: point[v] for v in variables}
    if isinstance(stated, str) and re.search(r"(?<![<>!=])=(?!=)", stated):
        # "x = 1, y = 2" (or "(x, y) = (1, 2)" read as its right-hand side)
        text = clean(stated).strip()
        parts = [p for p in re.split(r",|;|\\quad|\band\b", text) if p.strip()]
        pairs = [re.split(r"(?<![<>!=])=(?!=)", p) for p in parts]
        if all(len(pair) == 2 and pair[0].strip() for pair in pairs):
            names = [pair[0].strip().strip("$") for pair in pairs]
            if all(re.fullmatch(r"\\?[A-Za-z][A-Za-z0-9_{}\\^*']*", n) for n in names):
                return read_point({n: pair[1].strip().strip("$")
                                   for n, pair in zip(names, pairs)}, variables, local)
        stated = drop_name(text)
    if isinstance(stated, str):
        text = clean(stated).strip()
        if text.startswith("(") and text.endswith(")"):
            text = "[" + text[1:-1] + "]"
        elif not text.startswith("["):
            text = "[" + text + "]"
        value = read_value(text, local)
    else:
        value = read_value(list(stated) if isinstance(stated, (list, tuple)) else [stated],
                           local)
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    if len(entries) != len(variables):
        raise ParseError(f"point {stated!r} has {len(entries)} coordinates; the problem has "
                         f"{len(variables)} variables ({', '.join(v.name for v in variables)})")
    return dict(zip(variables, entries))


def assumption_symbols(assumptions: Mapping[str, object] | None) -> dict[str, sp.Symbol]:
    """Symbols with stated assumptions, from ``{n = "positive"}``-style tables.

    A value is a word (``"positive"``), a list of words or a table of flags.

    >>> assumption_symbols({"n": "positive", "m": ["positive", "integer"]})["m"].is_integer
    True
    """
    local: dict[str, sp.Symbol] = {}
    for raw, spec in (assumptions or {}).items():
        if isinstance(spec, str):
            flags = {w.strip(): True for w in re.split(r"[,\s]+", spec) if w.strip()}
        elif isinstance(spec, (list, tuple)):
            flags = {str(w).strip(): True for w in spec}
        elif isinstance(spec, Mapping):
            flags = {str(k): bool(v) for k, v in spec.items()}
        else:
            raise ParseError(f"assumptions for {raw!r} must be a word, a list or a table")
        unknown = set(flags) - _WORDS
        if unknown:
            raise ParseError(f"unknown assumption {sorted(unknown)[0]!r} for {raw!r}; "
                             f"use {', '.join(sorted(_WORDS))}")
        if not any(k in flags for k in ("real", "rational", "integer")) and \
                flags.get("real", True):
            flags["real"] = True
        name = canonical_name(str(raw))
        try:
            local[name] = symbol(name, **flags)
        except (ValueError, TypeError) as exc:
            raise ParseError(f"inconsistent assumptions for {raw!r}: {exc}") from None
    return local
