r"""LaTeX → SymPy, safely and without silent misparses.

symopt reads LaTeX with its own small recursive-descent parser (chosen by
measurement over latex2sympy2, latex2sympy2_extended and SymPy's own parsers;
see ``docs/parsing.md``). The text is cut into tokens — each remembering its
position — and a grammar of *math only* builds SymPy objects directly. Nothing
is ever executed: there is no TeX engine, no macro expansion and no ``eval``;
``\input``, ``\def`` and every unknown command are a :class:`ParseError`.

A wrong parse is worse than an error, so the parser refuses what it cannot
read unambiguously (``x^23``, ``xy``, ``x2``, ``\sigma(z)``, ``\|x\|`` of an
undeclared name, ...) and checks what it read: every token must be consumed,
and the result, printed back with :func:`sympy.latex`, must read back to the
same value.

Conventions (documented in ``docs/parsing.md``): names go through
:func:`symopt.symbols.symbol` (so ``\lambda_{\min}`` is ``lambda_min``, with the
house assumptions); ``\log`` is the natural log; ``e^{x}`` is ``exp(x)``;
``x_{k+1}`` is ``Indexed(x, k + 1)``; ``w^{(k)}`` is the symbol ``w__k`` (an
iterate, not a power); ``f(x)`` is an application for the function letters
``f g h F G H J L r`` and a product otherwise (``\alpha(4w_0)``).

>>> from symopt.latex import parse_latex
>>> parse_latex(r"\frac{1}{2}(w_1^2 + 4 w_2^2)")
w_1**2/2 + 2*w_2**2
>>> parse_latex(r"$\alpha^* = \frac{2}{\lambda_{\min}+\lambda_{\max}}$")
Eq(alphastar, 2/(lambda_max + lambda_min))
>>> parse_latex(r"0 < \alpha < \frac12")
(0 < alpha) & (alpha < 1/2)
>>> parse_latex(r"\left(1 - \frac{\mu}{L}\right)^T")
(1 - mu/L)**T
>>> parse_latex(r"\input{/etc/passwd}")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symopt.errors.ParseError: command \input is not allowed (symopt reads math only; ...) at position 0
  \input{/etc/passwd}
  ^
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import sympy as sp

from symopt.errors import ParseError
from symopt.latex._check import check_round_trip
from symopt.latex._names import FUNCTION_LETTERS
from symopt.latex._parser import MAX_SUM_TERMS, Parser
from symopt.latex._tokens import MAX_DEPTH, MAX_LENGTH, tokenize
from symopt.shapes import Shapes
from symopt.symbols import canonical_name
from symopt.vector_input import VectorParse

__all__ = ["FUNCTION_LETTERS", "MAX_DEPTH", "MAX_LENGTH", "MAX_SUM_TERMS", "parse_latex",
           "parse_latex_report"]


def parse_latex(text: str, *, local: Mapping[str, sp.Basic] | None = None,
                shapes: Shapes | Mapping[str, object] | None = None) -> sp.Basic:
    r"""Parse LaTeX math into a SymPy object, refusing anything ambiguous.

    ``local`` maps names (plain or LaTeX, e.g. ``"x"`` or ``r"\theta"``) to the
    objects they stand for: a Matrix for a named vector (then ``\|x\|`` is its
    Euclidean norm), a symbol with other assumptions, or a SymPy function class
    (then ``q(x)`` is an application). Relations come back unevaluated
    (``sp.Eq``, ``sp.Le``, ...); a chain ``0 < a < 1`` is an ``sp.And``.

    >>> parse_latex(r"\max\{|1 - \alpha|, |1 - 4\alpha|\}")
    Max(Abs(alpha - 1), Abs(4*alpha - 1))
    >>> parse_latex(r"\log x + \log_{10} 100")
    log(x) + 2
    >>> parse_latex(r"\|x\|^2", local={"x": sp.Matrix(sp.symbols("a b", real=True))})
    a**2 + b**2
    >>> parse_latex(r"\|x\|^2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symopt.errors.ParseError: norm of 'x', which is not declared as a vector or a scalar: ...
      \|x\|^2
      ^
    """
    return parse_latex_report(text, local=local, shapes=shapes).value


def parse_latex_report(text: str, *, local: Mapping[str, sp.Basic] | None = None,
                       shapes: Shapes | Mapping[str, object] | None = None) -> VectorParse:
    r""":func:`parse_latex` with the notes on how ambiguous-looking notation was read.

    ``shapes`` (a :class:`~symopt.shapes.Shapes` or a table such as ``{"x": "n"}``)
    declares vectors and matrices in symbolic dimension: then ``x^\top A x``,
    ``\|Xw - y\|^2`` and ``X^\top(Xw - y)`` are matrix expressions
    (:mod:`symopt.vector_input`).

    >>> report = parse_latex_report(r"\frac{\eta_0}{1 + kt}")
    >>> report.value
    eta_0/(k*t + 1)
    >>> print(report.notes[0])  # doctest: +ELLIPSIS
    'kt' read as the product k t (each letter is a declared or house symbol; ...)
    """
    tokens = tokenize(text)
    declared = Shapes.from_mapping(shapes)
    names = _local_names(local)
    for name, value in declared.local().items():
        if name in names and names[name] != value:
            raise ParseError(f"'{name}' is both in local and in shapes")
        names[name] = value
    parser = Parser(text, tokens, names, shapes=declared)
    result = parser.parse()
    check_round_trip(result, text, names)
    return VectorParse(result, tuple(dict.fromkeys(parser.notes)))


def _local_names(local: Mapping[str, object] | None) -> dict[str, object]:
    """``local`` under canonical names (``r"\theta"`` → ``theta``), with numbers made exact."""
    names: dict[str, object] = {}
    for key, value in (local or {}).items():
        allowed = isinstance(value, (int, float, sp.Basic, sp.MatrixBase)) or callable(value)
        if isinstance(value, bool) or not allowed:
            raise ParseError(f"local[{key!r}] must be a SymPy object, a number or a function, "
                             f"not {type(value).__name__}")
        if isinstance(value, int):
            value = sp.Integer(value)
        elif isinstance(value, float):
            value = sp.Rational(repr(value))
        names[key] = value
        with contextlib.suppress(ParseError):  # a key that is no name only matches itself
            names.setdefault(canonical_name(key), value)
    return names
