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

import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from symopt.errors import ParseError
from symopt.symbols import GREEK, HOUSE_ASSUMPTIONS, canonical_name, symbol

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "MAX_SUM_TERMS", "parse_latex"]

#: Longest accepted input, in characters.
MAX_LENGTH = 5000
#: Deepest accepted nesting (braces, parentheses, scripts, unary signs).
MAX_DEPTH = 50
#: Most terms a ``\sum`` with numeric bounds may expand to.
MAX_SUM_TERMS = 100
#: Largest number of decimal digits an exact numeric power may have.
MAX_DIGITS = 5000

_GREEK = set(GREEK) | {"ell"}
_UNICODE_CMD = {
    **dict(zip("αβγδεϵζηθικλμνξπρστφϕχψωΓΔΘΛΞΠΣΦΨΩ", (
        "alpha beta gamma delta varepsilon epsilon zeta eta theta iota kappa lambda mu nu xi pi "
        "rho sigma tau varphi phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega"
    ).split())),
    "∞": "infty", "∇": "nabla", "∂": "partial", "∑": "sum", "∏": "prod", "∫": "int",
    "≤": "le", "≥": "ge", "≠": "ne", "·": "cdot", "⋅": "cdot", "×": "times", "√": "sqrt",
    "≈": "approx", "→": "to", "∈": "in", "±": "pm",
}  # fmt: skip
_UNICODE_SYM = {"−": "-", "–": "-", "‖": "||", "′": "'", "∗": "*", "∣": "|"}
_SUPERSCRIPT = {"²": "2", "³": "3"}
_DIGITS = "0123456789"
_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")

_SPACING = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "limits",
            "nolimits", "enspace", "thinspace", "medspace", "thickspace"}  # fmt: skip
_SIZERS = {"big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
           "Biggl", "Biggr", "left", "right"}  # fmt: skip
_RELATIONS = {"lt": "<", "gt": ">", "le": "<=", "leq": "<=", "leqslant": "<=", "ge": ">=",
              "geq": ">=", "geqslant": ">=", "ne": "!=", "neq": "!="}  # fmt: skip
_DELIMITERS = {"{": "lbrace", "}": "rbrace", "lbrace": "lbrace", "rbrace": "rbrace",
               "|": "||", "Vert": "||", "lVert": "||", "rVert": "||", "vert": "|",
               "lvert": "|", "rvert": "|"}  # fmt: skip
_FORBIDDEN = {
    "input", "include", "def", "edef", "gdef", "xdef", "let", "newcommand", "renewcommand",
    "providecommand", "DeclareMathOperator", "write", "immediate", "openout", "openin", "read",
    "catcode", "csname", "endcsname", "expandafter", "usepackage", "documentclass", "special",
    "directlua", "input@path", "loop", "repeat", "jobname", "makeatletter", "begingroup",
}  # fmt: skip
_UNSUPPORTED = {
    "nabla": "the gradient operator \\nabla is not supported (symopt derives gradients itself)",
    "partial": "partial derivatives (\\partial) are not supported",
    "int": "integrals are not supported",
    "prod": "products (\\prod) are not supported",
    "lim": "limits are not supported",
    "mathbb": "blackboard-bold sets and operators (\\mathbb{E}, \\mathbb{R}) are not supported",
    "in": "set membership (\\in) is not supported",
    "to": "arrows (\\to) are not supported", "rightarrow": "arrows are not supported",
    "Rightarrow": "implications are not supported", "implies": "implications are not supported",
    "approx": "approximate equality (\\approx) is not supported",
    "gg": "'much greater than' (\\gg) has no exact meaning",
    "ll": "'much less than' (\\ll) has no exact meaning",
    "sim": "\\sim is not supported", "propto": "\\propto is not supported",
    "pm": "\\pm is ambiguous (two values)", "mp": "\\mp is ambiguous (two values)",
    "cdots": "ellipses are not supported", "ldots": "ellipses are not supported",
    "dots": "ellipses are not supported", "vdots": "ellipses are not supported",
    "forall": "quantifiers are not supported", "exists": "quantifiers are not supported",
    "argmin": "argmin is not supported", "argmax": "argmax is not supported",
    "langle": "inner products (\\langle) are not supported",
    "mathcal": "calligraphic names (\\mathcal) are not supported",
    "wedge": "write a chain such as 0 < a < 1 instead of \\wedge",
    "land": "write a chain such as 0 < a < 1 instead of \\land",
    "ast": "\\ast is only allowed as a superscript (x^\\ast)",
    "star": "\\star is only allowed as a superscript (x^\\star)",
}  # fmt: skip

_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "exp": sp.exp, "ln": sp.log, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "arcsin": sp.asin, "arccos": sp.acos,
    "arctan": sp.atan, "sign": sp.sign, "sgn": sp.sign, "abs": sp.Abs,
    "sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "relu": lambda z: sp.Max(0, z),
    "softplus": lambda z: sp.log(1 + sp.exp(z)),
}  # fmt: skip
#: Names written as ``\operatorname{...}``/``\text{...}`` that mean a function above.
_NAMED_FUNCTIONS = set(_FUNCTIONS) | {"max", "min"}
#: Single letters that conventionally name a function: ``f(x)`` is an application.
FUNCTION_LETTERS = frozenset("fghFGHJLr")
#: Greek letters that are often functions (σ = sigmoid, φ, ψ): ``\sigma(z)`` is refused.
_AMBIGUOUS_GREEK = frozenset({"sigma", "phi", "varphi", "psi", "Phi", "Psi"})
_AMBIGUOUS_LETTERS = {
    "O": "big-O notation O(...) is not supported",
    "E": "an expectation E(...) is not supported (or write E \\cdot (...) for a product)",
    "P": "a probability P(...) is not supported (or write P \\cdot (...) for a product)",
}
_MODIFIERS = {"hat", "widehat", "bar", "overline", "tilde", "widetilde", "dot", "ddot", "vec",
              "check", "breve"}  # fmt: skip
_FONTS = {"mathbf", "boldsymbol", "bm", "mathit", "mathsf", "mathrm", "text", "textrm",
          "textit", "operatorname", "mathnormal"}  # fmt: skip
_MATRICES = {"bmatrix", "pmatrix", "matrix", "Bmatrix"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # num | word | cmd | sym | eof
    value: str
    pos: int
    space: bool = False  # whitespace (or a spacing command) right before it
    sized: str = ""  # "left" / "right" for \left( \right), "" otherwise


def parse_latex(text: str, *, local: Mapping[str, sp.Basic] | None = None) -> sp.Basic:
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
    tokens = _tokenize(text)
    result = _Parser(text, tokens, dict(local or {})).parse()
    _check_round_trip(result, text, local)
    return result


# --------------------------------------------------------------------------- tokens


def _strip_delimiters(text: str) -> tuple[int, int]:
    """The span of ``text`` inside ``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        body = text[start:end]
        if len(body) >= len(left) + len(right) and body.startswith(left) and body.endswith(right):
            return start + len(left), end - len(right)
    return start, end


def _tokenize(text: str) -> list[_Tok]:
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input is {len(text)} characters long; the limit is {MAX_LENGTH}")
    start, end = _strip_delimiters(text)
    raw: list[_Tok] = []
    i, space = start, False
    while i < end:
        char = text[i]
        if char.isspace() or char == "~":
            space, i = True, i + 1
            continue
        if char == "%":
            raise ParseError("'%' (a TeX comment) is not allowed", text=text, position=i)
        if char == "$":
            raise ParseError("unexpected '$' inside the formula", text=text, position=i)
        if char == "\\":
            match = re.compile(r"\\([A-Za-z]+|.)", re.S).match(text, i, end)
            if match is None:
                raise ParseError("lone backslash at the end", text=text, position=i)
            raw.append(_Tok("cmd", match.group(1), i, space))
            i, space = match.end(), False
            continue
        if char in _DIGITS or (char == "." and i + 1 < end and text[i + 1] in _DIGITS):
            match = re.compile(r"[0-9]*\.?[0-9]+").match(text, i, end)
            raw.append(_Tok("num", match.group(0), i, space))
            i, space = match.end(), False
            continue
        if char == "|" and i + 1 < end and text[i + 1] == "|":
            raise ParseError("ambiguous '||': write \\| for a norm or | | for nested bars",
                             text=text, position=i)
        if char.isascii() and char.isalpha():
            match = re.compile(r"[A-Za-z]+").match(text, i, end)
            raw.append(_Tok("word", match.group(0), i, space))
            i, space = match.end(), False
            continue
        if char in "₀₁₂₃₄₅₆₇₈₉":
            match = re.compile("[₀-₉]+").match(text, i, end)
            raw.append(_Tok("sym", "_", i, space))
            raw.append(_Tok("num", match.group(0).translate(_SUBSCRIPT), i))
            i, space = match.end(), False
            continue
        if char in _SUPERSCRIPT:
            raw.append(_Tok("sym", "^", i, space))
            raw.append(_Tok("num", _SUPERSCRIPT[char], i))
        elif char in _UNICODE_CMD:
            raw.append(_Tok("cmd", _UNICODE_CMD[char], i, space))
        elif char in _UNICODE_SYM:
            raw.append(_Tok("sym", _UNICODE_SYM[char], i, space))
        elif char in "+-*/^_()[]{}=<>,|'!&":
            raw.append(_Tok("sym", char, i, space))
        else:
            raise ParseError(f"unexpected character {char!r}", text=text, position=i)
        i, space = i + 1, False
    return _normalise(raw, text, end)


def _normalise(raw: list[_Tok], text: str, end: int) -> list[_Tok]:
    """Drop spacing, fold sized delimiters and named relations into plain symbols."""
    out: list[_Tok] = []
    depth, space, i = 0, False, 0
    while i < len(raw):
        tok = raw[i]
        space = space or tok.space
        if tok.kind == "cmd" and tok.value in _SPACING:
            space, i = True, i + 1
            continue
        if tok.kind == "cmd" and tok.value in _FORBIDDEN:
            raise ParseError(f"command \\{tok.value} is not allowed (symopt reads math only; "
                             "nothing is executed)", text=text, position=tok.pos)
        if tok.kind == "cmd" and tok.value in _SIZERS:
            if i + 1 >= len(raw):
                raise ParseError(f"\\{tok.value} without a delimiter", text=text, position=tok.pos)
            delim = raw[i + 1]
            value = delim.value if delim.kind == "sym" else _DELIMITERS.get(delim.value)
            if delim.kind == "cmd" and delim.value in ("langle", "rangle"):
                raise ParseError(_UNSUPPORTED["langle"], text=text, position=delim.pos)
            if value not in {"(", ")", "[", "]", "|", "||", ".", "lbrace", "rbrace"}:
                raise ParseError(f"\\{tok.value} must be followed by a delimiter", text=text,
                                 position=delim.pos)
            sized = {"left": "left", "right": "right"}.get(tok.value, "")
            if value == ".":
                raise ParseError(r"invisible delimiters (\left. \right.) are not supported",
                                 text=text, position=tok.pos)
            tok = _Tok("sym", value, tok.pos, space, sized)
            i += 1
        elif tok.kind == "cmd" and tok.value in _DELIMITERS:
            tok = _Tok("sym", _DELIMITERS[tok.value], tok.pos, space)
        elif tok.kind == "cmd" and tok.value in _RELATIONS:
            tok = _Tok("sym", _RELATIONS[tok.value], tok.pos, space)
        elif tok.kind == "cmd" and tok.value in ("cdot", "times"):
            tok = _Tok("sym", "*", tok.pos, space)
        elif tok.kind == "cmd" and tok.value == "div":
            tok = _Tok("sym", "/", tok.pos, space)
        elif tok.space != space:
            tok = _Tok(tok.kind, tok.value, tok.pos, space, tok.sized)
        if (tok.kind == "sym" and tok.value in "([{") or tok.sized == "left":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"nesting deeper than {MAX_DEPTH} levels", text=text,
                                 position=tok.pos)
        elif (tok.kind == "sym" and tok.value in ")]}") or tok.sized == "right":
            depth -= 1
        out.append(tok)
        space, i = False, i + 1
    if not out:
        raise ParseError("empty input")
    out.append(_Tok("eof", "", end, space))
    return out


# --------------------------------------------------------------------------- parser


@dataclass
class _Name:
    """A name being assembled: base (canonical), modifiers, subscript, star, primes."""

    base: str
    pos: int
    bold: bool = False
    sub: str | None = None
    index: sp.Expr | None = None  # compound subscript (x_{k+1}) or a bound sum index
    star: bool = False
    primes: int = 0
    iterate: str | None = None  # w^{(k)}

    def canonical(self) -> str:
        name = self.base + ("star" if self.star else "") + "prime" * self.primes
        if self.sub is not None:
            name += "_" + self.sub
        if self.iterate is not None:
            name += "__" + self.iterate
        return name


@dataclass
class _Parser:
    text: str
    tokens: list[_Tok]
    local: dict[str, sp.Basic]
    i: int = 0
    depth: int = 0
    closers: list[str] = field(default_factory=list)  # open | and || (abs, norm)
    bound: dict[str, sp.Symbol] = field(default_factory=dict)  # \sum indices
    applied: dict[str, int] = field(default_factory=dict)  # function letters used, at pos

    # -- helpers
    @property
    def tok(self) -> _Tok:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> _Tok:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def advance(self) -> _Tok:
        tok = self.tokens[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def fail(self, message: str, tok: _Tok | None = None) -> ParseError:
        tok = tok or self.tok
        return ParseError(message, text=self.text, position=tok.pos)

    def is_sym(self, value: str, tok: _Tok | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "sym" and tok.value == value

    def expect(self, value: str, what: str) -> _Tok:
        if not self.is_sym(value):
            found = self.tok.value or "end of input"
            raise self.fail(f"expected {what}, found {found!r}")
        return self.advance()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > 4 * MAX_DEPTH:
            raise self.fail(f"expression nested deeper than {4 * MAX_DEPTH} levels")

    def local_value(self, name: str) -> sp.Basic | None:
        return self.local.get(name) if name in self.local else self.local.get(_canon(name))

    # -- grammar
    def parse(self) -> sp.Basic:
        try:
            result = self.relation()
            if self.tok.kind != "eof":
                raise self.fail(f"unexpected {_describe(self.tok)}")
            result = _indexed_to_symbols(result)
            values = list(result) if isinstance(result, sp.MatrixBase) else [result]
            if any(v.has(sp.zoo, sp.nan) for v in values):
                raise ParseError("the formula divides by zero or has no value (zoo/nan)",
                                 text=self.text, position=0)
            clash = set(self.applied) & {s.name for v in values for s in _symbols_in(v)}
            if clash:
                name = sorted(clash)[0]
                raise ParseError(
                    f"'{name}' is used both as a function {name}(...) and as a value; write "
                    f"{name} \\cdot (...) for a product, or pass local={{'{name}': Function}}",
                    text=self.text, position=self.applied[name])
            return result
        except ParseError:
            raise
        except RecursionError:
            raise ParseError("input is nested too deeply", text=self.text, position=0) from None
        except (TypeError, ValueError, ArithmeticError, AttributeError, sp.SympifyError,
                sp.ShapeError) as exc:
            raise self.fail(f"cannot build expression: {exc}") from None

    def relation(self) -> sp.Basic:
        terms, ops = [self.expr()], []
        while self.tok.kind == "sym" and self.tok.value in ("=", "<", ">", "<=", ">=", "!="):
            ops.append(self.advance())
            terms.append(self.expr())
        if not ops:
            return terms[0]
        make = {"=": sp.Eq, "<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge, "!=": sp.Ne}
        parts = []
        for op, left, right in zip(ops, terms, terms[1:]):
            if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
                if op.value != "=":
                    raise self.fail("matrices can only be compared with '='", op)
                parts.append(sp.Eq(sp.ImmutableMatrix(left), sp.ImmutableMatrix(right),
                                   evaluate=False))
            else:
                parts.append(make[op.value](left, right, evaluate=False))
        return parts[0] if len(parts) == 1 else sp.And(*parts, evaluate=False)

    def expr(self) -> sp.Basic:
        self.enter()
        try:
            if self.is_sym("+") or self.is_sym("-"):
                sign = -1 if self.advance().value == "-" else 1
                result = sign * self.term()
            else:
                result = self.term()
            while self.is_sym("+") or self.is_sym("-"):
                op = self.advance()
                right = self.term()
                result = result + right if op.value == "+" else result - right
            return result
        finally:
            self.depth -= 1

    def term(self) -> sp.Basic:
        result = self.unary()
        divided = False
        while True:
            tok = self.tok
            if self.is_sym("*"):
                self.advance()
                result, divided = _multiply(result, self.unary()), False
            elif self.is_sym("/"):
                self.advance()
                right = self.unary()
                if isinstance(right, sp.MatrixBase):
                    raise self.fail("cannot divide by a matrix", tok)
                result, divided = result / right, True
            elif self.starts_factor(tok):
                if divided:
                    raise self.fail("ambiguous 'a/b c': write \\frac{a}{b c} or \\frac{a}{b} c",
                                    tok)
                result = _multiply(result, self.postfix())
            else:
                return result

    def unary(self) -> sp.Basic:
        if self.is_sym("-") or self.is_sym("+"):
            self.enter()
            try:
                sign = -1 if self.advance().value == "-" else 1
                return sign * self.unary()
            finally:
                self.depth -= 1
        return self.postfix()

    def starts_factor(self, tok: _Tok) -> bool:
        """Whether ``tok`` starts an implicitly multiplied factor."""
        if tok.kind in ("num", "word"):
            previous = self.tokens[self.i - 1]
            if tok.kind == "num" and previous.kind == "num":
                raise self.fail("two numbers in a row (write \\cdot between them)", tok)
            if tok.kind == "num" and previous.kind == "word":
                raise self.fail(f"ambiguous '{previous.value}{tok.value}': write "
                                f"{previous.value}_{tok.value} or {tok.value}{previous.value}",
                                previous)
            return True
        if tok.kind == "cmd":
            return tok.value not in ("end",) and tok.value != "\\"
        if tok.kind == "sym":
            if tok.value in ("(", "[", "{") and tok.sized != "right":
                return True
            if tok.value in ("|", "||") and tok.sized != "right":
                return tok.value not in self.closers
        return False

    def postfix(self) -> sp.Basic:
        self.enter()
        try:
            start = self.tok
            name = self.name_atom()
            if name is not None:
                value = self.finish_name(name)
                latin = len(name.base) == 1 and name.base.isascii()
                if (name.bold or latin) and self.is_sym("^") and \
                        self.after_caret_is("T", "top", "intercal"):
                    raise self.fail("^T on a Latin or bold name is ambiguous (transpose or "
                                    "power?); symopt has no symbolic matrices: give the matrix "
                                    "with bmatrix", self.tok)
            else:
                value = self.primary()
            return self.powers(value, start)
        finally:
            self.depth -= 1

    def powers(self, value: sp.Basic, start: _Tok) -> sp.Basic:
        while True:
            tok = self.tok
            if self.is_sym("^"):
                self.advance()
                if self.script_is("T") and isinstance(value, sp.MatrixBase):
                    self.advance()
                    value = value.T
                    continue
                if self.script_is("top"):
                    if not isinstance(value, sp.MatrixBase):
                        raise self.fail("transpose (^\\top) of a non-matrix", tok)
                    self.advance()
                    value = value.T
                    continue
                if self.script_is("*", "ast", "star", "prime", "'"):
                    raise self.fail("a star or prime must follow a name", tok)
                exponent = self.script()
                value = self.power(value, exponent, tok)
                if self.is_sym("^"):
                    raise self.fail("double superscript: write {a^b}^c or a^{b^c}", self.tok)
            elif self.is_sym("_"):
                raise self.fail("a subscript must follow a name", tok)
            elif self.is_sym("'"):
                raise self.fail("a prime must follow a name or a function", tok)
            elif self.is_sym("!"):
                self.advance()
                if value.is_Integer and value > 1000:
                    raise self.fail("factorial argument above 1000", tok)
                value = sp.factorial(value)
            else:
                return value

    def power(self, base: sp.Basic, exponent: sp.Basic, tok: _Tok) -> sp.Basic:
        if isinstance(exponent, sp.MatrixBase):
            raise self.fail("a matrix cannot be an exponent", tok)
        if isinstance(base, sp.MatrixBase):
            if not (exponent.is_Integer and base.is_square):
                raise self.fail("only integer powers of square matrices are allowed", tok)
            if abs(exponent) > 100:
                raise self.fail("matrix power above 100", tok)
            return base**exponent
        if base.is_number and exponent.is_number and base.is_Rational and exponent.is_Rational:
            size = abs(math.log10(abs(float(base)))) if base not in (0, 1, -1) else 0.0
            if size * abs(float(exponent)) > MAX_DIGITS:
                raise self.fail("power too large to compute exactly", tok)
        elif exponent.is_Integer and abs(exponent) > 10**6:
            raise self.fail("exponent too large", tok)
        return sp.Pow(base, exponent)

    # -- scripts
    def script_is(self, *values: str) -> bool:
        """Whether the script at the cursor is exactly one of ``values`` (braced or not)."""
        tok = self.tok
        if self.is_sym("{"):
            inner, close = self.peek(), self.peek(2)
            if not self.is_sym("}", close):
                return False
            tok = inner
        return tok.value in values and tok.kind in ("sym", "cmd", "word")

    def skip_script(self) -> None:
        if self.is_sym("{"):
            self.i += 3
        else:
            self.advance()

    def script(self) -> sp.Basic:
        """A superscript or subscript argument: a braced group or one token."""
        tok = self.tok
        if self.is_sym("{"):
            return self.group()
        if tok.kind == "num":
            if len(tok.value) > 1:
                raise self.fail(f"ambiguous script '{tok.value}': write {{{tok.value}}} "
                                f"or {tok.value[0]} {tok.value[1:]}", tok)
            return self.single_digit()
        if tok.kind == "word":
            if len(tok.value) > 1:
                raise self.fail(f"ambiguous script '{tok.value}': write {{{tok.value}}}", tok)
            return self.postfix_atom_only()
        if tok.kind == "cmd" and (tok.value in _GREEK or tok.value in ("infty", "pi")):
            return self.postfix_atom_only()
        raise self.fail("a script must be a braced group or a single character", tok)

    def single_digit(self) -> sp.Basic:
        return sp.Integer(self.advance().value)

    def postfix_atom_only(self) -> sp.Basic:
        name = self.name_atom(scripts=False)
        if name is not None:
            return self.finish_name(name, call=False)
        return self.primary()

    def group(self) -> sp.Basic:
        open_tok = self.expect("{", "'{'")
        if self.is_sym("}"):
            raise self.fail("empty group", open_tok)
        saved, self.closers = self.closers, []
        value = self.relation()
        self.closers = saved
        if not self.is_sym("}"):
            raise self.fail(f"expected '}}' to close the group opened at {open_tok.pos}, "
                            f"found {_describe(self.tok)}")
        self.advance()
        return value

    def raw_word(self, what: str) -> str:
        """The text of a braced group of letters/digits, e.g. ``{bmatrix}`` or ``{\\min}``."""
        self.expect("{", f"'{{' after {what}")
        parts = []
        while not self.is_sym("}"):
            tok = self.advance()
            if tok.kind in ("word", "num") or (tok.kind == "cmd" and tok.value in _GREEK | {
                    "min", "max"}) or (tok.kind == "sym" and tok.value in ","):
                parts.append(tok.value if tok.value != "," else "_")
            elif tok.kind == "sym" and tok.value == "*" and what == "\\begin":
                parts.append("*")
            else:
                raise self.fail(f"unexpected {_describe(tok)} in {what}", tok)
        self.advance()
        if not parts:
            raise self.fail(f"empty {what}")
        return "".join(parts)

    # -- names
    def name_atom(self, scripts: bool = True) -> _Name | None:
        """Read a name (letter, Greek, hat/bar/..., bold) with its scripts, if one is here."""
        tok = self.tok
        if tok.kind == "word":
            if len(tok.value) > 1:
                raise self.fail(f"ambiguous '{tok.value}': write {' '.join(tok.value)} for a "
                                f"product or \\mathrm{{{tok.value}}} for one name", tok)
            if tok.value == "e" and not self.is_sym("_", self.peek()):
                return None  # Euler's number (e^{x}) or refused in primary
            self.advance()
            name = _Name(tok.value, tok.pos)
        elif tok.kind == "cmd" and tok.value in _GREEK and tok.value != "pi":
            self.advance()
            name = _Name(tok.value, tok.pos)
        elif tok.kind == "cmd" and tok.value in _MODIFIERS:
            self.advance()
            self.expect("{", f"'{{' after \\{tok.value}")
            inner = self.name_atom(scripts=False)
            if inner is None:
                raise self.fail(f"\\{tok.value} must decorate a name", tok)
            if self.is_sym("_"):
                self.advance()
                inner.sub = self.sub_text()
            self.expect("}", f"'}}' to close \\{tok.value}")
            modifier = {"widehat": "hat", "overline": "bar", "widetilde": "tilde"}.get(
                tok.value, tok.value)
            inner.base += modifier
            name = inner
        elif tok.kind == "cmd" and tok.value in _FONTS:
            if self.is_sym("{", self.peek()) and self.peek(2).kind == "word" and \
                    self.is_sym("}", self.peek(3)):
                word = self.peek(2).value
                if word in _NAMED_FUNCTIONS and tok.value in ("mathrm", "text", "operatorname"):
                    return None  # \operatorname{sign}(x): a function, read in primary
                if word == "e" and tok.value in ("mathrm", "text"):
                    return None
                self.i += 4
                name = _Name(word, tok.pos, bold=tok.value in ("mathbf", "boldsymbol", "bm"))
            elif self.is_sym("{", self.peek()) and self.is_sym("}", self.peek(3)) and \
                    self.peek(2).kind == "cmd" and self.peek(2).value in _GREEK:
                name = _Name(self.peek(2).value, tok.pos, bold=True)
                self.i += 4
            elif self.is_sym("{", self.peek()) and self.peek(2).kind == "cmd" and \
                    self.peek(2).value in _MODIFIERS:
                self.i += 2
                name = self.name_atom(scripts=False)
                self.expect("}", f"'}}' to close \\{tok.value}")
                if name is None:
                    raise self.fail(f"\\{tok.value} must contain a name", tok)
                name.bold = True
            else:
                raise self.fail(f"\\{tok.value} must contain one name, e.g. \\{tok.value}{{x}}",
                                tok)
        else:
            return None
        if scripts:
            self.name_scripts(name)
        return name

    def name_scripts(self, name: _Name) -> None:
        while True:
            tok = self.tok
            if self.is_sym("_"):
                if name.sub is not None or name.index is not None:
                    raise self.fail("double subscript", tok)
                self.advance()
                bound = self.bound_index()
                if bound is not None:
                    name.index = bound
                elif self.simple_subscript():
                    name.sub = self.sub_text()
                else:
                    name.index = self.script()
            elif self.is_sym("'"):
                self.advance()
                name.primes += 1
            elif self.is_sym("^") and self.after_caret_is("*", "ast", "star"):
                if name.star:
                    raise self.fail("double star", tok)
                self.advance()
                self.skip_script()
                name.star = True
            elif self.is_sym("^") and self.after_caret_is("prime"):
                self.advance()
                self.skip_script()
                name.primes += 1
            elif self.is_sym("^") and self.is_sym("{", self.peek()) and \
                    self.is_sym("(", self.peek(2)):
                # w^{(k)}: the k-th iterate, not a power
                self.i += 3
                parts = []
                while self.tok.kind in ("word", "num") or (
                        self.tok.kind == "cmd" and self.tok.value in _GREEK):
                    parts.append(self.advance().value)
                if not parts or not self.is_sym(")"):
                    raise self.fail("an iterate index w^{(k)} must be a name or a number")
                self.advance()
                self.expect("}", "'}' to close the iterate index")
                if name.iterate is not None:
                    raise self.fail("double iterate index", tok)
                name.iterate = "".join(parts)
            else:
                return

    def after_caret_is(self, *values: str) -> bool:
        self.i += 1
        try:
            return self.script_is(*values)
        finally:
            self.i -= 1

    def bound_index(self) -> sp.Symbol | None:
        tok = self.tok
        braced = self.is_sym("{") and self.is_sym("}", self.peek(2))
        inner = self.peek() if braced else tok
        if inner.kind == "word" and inner.value in self.bound:
            self.i += 3 if braced else 1
            return self.bound[inner.value]
        return None

    def simple_subscript(self) -> bool:
        """A subscript that is a name (``_1``, ``_{\\min}``, ``_{i,j}``), not an expression."""
        if not self.is_sym("{"):
            tok = self.tok
            return (tok.kind == "word" and len(tok.value) == 1) or (
                tok.kind == "num" and len(tok.value) == 1) or (
                tok.kind == "cmd" and tok.value in _GREEK | _FONTS | {"min", "max"})
        j = self.i + 1
        while j < len(self.tokens):
            tok = self.tokens[j]
            if self.is_sym("}", tok):
                return j > self.i + 1
            if tok.kind in ("word", "num") or self.is_sym(",", tok) or (
                    tok.kind == "cmd" and tok.value in _GREEK | {"min", "max"} | _FONTS):
                if tok.kind == "word" and tok.value in self.bound:
                    return False
                j += 1
                if tok.kind == "cmd" and tok.value in _FONTS:
                    if not (self.is_sym("{", self.tokens[j]) and self.tokens[j + 1].kind ==
                            "word" and self.is_sym("}", self.tokens[j + 2])):
                        return False
                    j += 3
                continue
            return False
        return False

    def sub_text(self) -> str:
        if not self.is_sym("{"):
            tok = self.advance()
            if tok.kind == "cmd" and tok.value in _FONTS:
                self.i -= 1
                return self.raw_font()
            if tok.kind == "word" and len(tok.value) > 1:
                raise self.fail(f"ambiguous subscript '{tok.value}': write _{{{tok.value}}}", tok)
            if tok.kind == "num" and len(tok.value) > 1:
                raise self.fail(f"ambiguous subscript '{tok.value}': write _{{{tok.value}}}", tok)
            return tok.value
        self.advance()
        parts = []
        while not self.is_sym("}"):
            tok = self.tok
            if tok.kind == "cmd" and tok.value in _FONTS:
                parts.append(self.raw_font())
                continue
            self.advance()
            parts.append("_" if tok.value == "," else tok.value)
        self.advance()
        return "".join(parts)

    def raw_font(self) -> str:
        self.advance()
        self.expect("{", "'{'")
        word = self.advance()
        self.expect("}", "'}'")
        return word.value

    def finish_name(self, name: _Name, call: bool = True) -> sp.Basic:
        canonical = name.canonical()
        local = self.local_value(canonical)
        if canonical in self.bound:
            return self.bound[canonical]
        opens_call = self.is_sym("(") or (self.is_sym("{") and self.is_sym("(", self.peek()))
        is_function = (
            call
            and opens_call
            and name.index is None
            and (
                (local is None and name.base in FUNCTION_LETTERS)
                or isinstance(local, sp.FunctionClass)
                or (local is not None and callable(local) and not isinstance(local, sp.Basic))
            )
        )
        power = None
        if call and self.is_sym("^") and name.index is None and self.is_function_power(name):
            power_tok = self.advance()
            power = (self.script(), power_tok)
        if is_function or power is not None:
            return self.apply_function(name, local, power)
        if call and opens_call and local is None and name.sub is None and \
                name.base in _AMBIGUOUS_LETTERS:
            raise self.fail(_AMBIGUOUS_LETTERS[name.base], self.tok)
        if call and opens_call and local is None and \
                name.base in _AMBIGUOUS_GREEK and name.primes == 0:
            raise self.fail(f"ambiguous '\\{name.base}(...)': a function (e.g. the sigmoid) or "
                            f"a product? write \\{name.base} \\cdot (...) or "
                            "\\operatorname{sigmoid}(...)", self.tok)
        if name.primes and call and self.is_sym("("):
            raise self.fail(f"'{canonical}(' : a derivative of a function that is not one of "
                            f"{''.join(sorted(FUNCTION_LETTERS))}", self.tok)
        if name.index is not None:
            base = _Name(name.base, name.pos, star=name.star, primes=name.primes,
                         iterate=name.iterate).canonical()
            value = self.local_value(base)
            if value is None:
                value = sp.IndexedBase(base, **HOUSE_ASSUMPTIONS.get(base, {"real": True}))
            elif not isinstance(value, sp.IndexedBase):
                raise self.fail(f"'{base}' is declared in local, so it cannot be indexed")
            return value[name.index]
        if local is not None:
            return local
        try:
            return symbol(canonical)
        except ParseError as exc:
            raise ParseError(exc.reason, text=self.text, position=name.pos) from None

    def is_function_power(self, name: _Name) -> bool:
        """``H^{-1}(x)``: a power written between a function letter and its argument."""
        if name.base not in FUNCTION_LETTERS or name.primes:
            return False
        j = self.i + 1
        if self.is_sym("{", self.tokens[j]):
            depth = 0
            while j < len(self.tokens) - 1:
                if self.is_sym("{", self.tokens[j]):
                    depth += 1
                elif self.is_sym("}", self.tokens[j]):
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
        nxt = self.tokens[j + 1]
        return self.is_sym("(", nxt) and not nxt.space

    def apply_function(self, name: _Name, local: sp.Basic | None,
                       power: tuple[sp.Basic, _Tok] | None) -> sp.Basic:
        canonical = _Name(name.base, name.pos, star=name.star, sub=name.sub).canonical()
        function = local if local is not None else sp.Function(canonical, real=True)
        if local is None:
            self.applied.setdefault(canonical, name.pos)
        braced = self.is_sym("{")
        if braced:
            self.advance()
        args = self.call_arguments()
        if braced:
            self.expect("}", "'}' after the function's arguments")
        if name.primes:
            if len(args) != 1:
                raise self.fail("a derivative f'(x) needs exactly one argument")
            if not isinstance(function, sp.FunctionClass):
                raise self.fail(f"cannot differentiate '{canonical}'")
            (arg,) = args
            if isinstance(arg, sp.Symbol):
                value = sp.Derivative(function(arg), (arg, name.primes))
            else:
                dummy = sp.Dummy("u", real=True)
                value = sp.Subs(sp.Derivative(function(dummy), (dummy, name.primes)), dummy, arg)
        else:
            value = function(*args)
        if power is not None:
            value = self.power(value, power[0], power[1])
        return value

    def call_arguments(self) -> list[sp.Basic]:
        open_tok = self.expect("(", "'('")
        saved, self.closers = self.closers, []
        args = [self.expr()]
        while self.is_sym(","):
            self.advance()
            args.append(self.expr())
        self.closers = saved
        self.close(open_tok, ")")
        return args

    def close(self, open_tok: _Tok, value: str) -> None:
        tok = self.tok
        if not self.is_sym(value):
            raise self.fail(f"expected {value!r} to close {open_tok.value!r} opened at "
                            f"position {open_tok.pos}, found {_describe(tok)}")
        if (open_tok.sized == "left") != (tok.sized == "right"):
            raise self.fail("\\left and \\right must be used in pairs", tok)
        self.advance()

    # -- primaries
    def primary(self) -> sp.Basic:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return sp.Rational(tok.value) if "." in tok.value else sp.Integer(tok.value)
        if tok.kind == "word":
            if tok.value == "e":
                if self.is_sym("^", self.peek()):
                    self.advance()
                    caret = self.advance()
                    return sp.exp(self.checked_exponent(caret))
                raise self.fail("ambiguous 'e': write e^{...} or \\exp for the exponential, "
                                "\\mathrm{e} for Euler's number, e_k for a variable", tok)
            raise self.fail(f"unexpected {_describe(tok)}", tok)
        if tok.kind == "sym":
            return self.bracketed(tok)
        if tok.kind == "cmd":
            return self.command(tok)
        raise self.fail(f"unexpected {_describe(tok)}", tok)

    def checked_exponent(self, caret: _Tok) -> sp.Basic:
        exponent = self.script()
        if isinstance(exponent, sp.MatrixBase):
            raise self.fail("a matrix cannot be an exponent", caret)
        if exponent.is_number and exponent.is_real and exponent > 10**4:
            raise self.fail("exponent too large", caret)
        return exponent

    def bracketed(self, tok: _Tok) -> sp.Basic:
        value = tok.value
        if value in ("(", "["):
            self.advance()
            saved, self.closers = self.closers, []
            inner = self.expr()
            self.closers = saved
            self.close(tok, ")" if value == "(" else "]")
            return inner
        if value == "{":
            return self.group()
        if value in ("|", "||"):
            self.advance()
            self.closers.append(value)
            inner = self.expr()
            self.closers.pop()
            self.close(tok, value)
            if value == "|":
                if isinstance(inner, sp.MatrixBase):
                    raise self.fail("|M| of a matrix is ambiguous (determinant or norm?)", tok)
                return sp.Abs(inner)
            return self.norm(inner, tok)
        if value == "lbrace":
            raise self.fail("braces \\{ \\} are only allowed in \\max\\{...\\} / \\min\\{...\\}",
                            tok)
        raise self.fail(f"unexpected {_describe(tok)}", tok)

    def norm(self, inner: sp.Basic, tok: _Tok) -> sp.Basic:
        order = None
        if self.is_sym("_"):
            self.advance()
            order = self.script()
        if isinstance(inner, sp.MatrixBase):
            entries = list(inner)
            if order in (None, 2):
                return sp.sqrt(sum(sp.Abs(e) ** 2 for e in entries))
            if order == 1:
                return sum(sp.Abs(e) for e in entries)
            if order == sp.oo:
                return sp.Max(*(sp.Abs(e) for e in entries))
            raise self.fail(f"unsupported norm order {order}", tok)
        undeclared = sorted(
            s.name for s in inner.free_symbols if s.name not in self.local
            and not any(v == s for v in self.local.values() if isinstance(v, sp.Basic))
        )
        if undeclared or not inner.free_symbols:
            if not inner.free_symbols and inner.is_number:
                return sp.Abs(inner)
            names = ", ".join(repr(n) for n in undeclared)
            first = undeclared[0]
            raise ParseError(
                f"norm of {names}, which is not declared as a vector or a scalar: pass "
                f"local={{'{first}': Matrix([...])}} (vector) or local={{'{first}': "
                f"symbol('{first}')}} (scalar, then ‖{first}‖ = |{first}|)",
                text=self.text, position=tok.pos)
        return sp.Abs(inner)

    def command(self, tok: _Tok) -> sp.Basic:
        name = tok.value
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            self.advance()
            numerator, denominator = self.frac_arguments(tok)
            if isinstance(denominator, sp.MatrixBase):
                raise self.fail("cannot divide by a matrix", tok)
            return numerator / denominator
        if name == "sqrt":
            self.advance()
            index = None
            if self.is_sym("["):
                open_tok = self.advance()
                index = self.expr()
                self.close(open_tok, "]")
            radicand = self.argument(tok)
            if index is None:
                return sp.sqrt(radicand)
            if index.is_number and not (index.is_Integer and 1 < index <= 100):
                raise self.fail("\\sqrt[n] needs an integer n between 2 and 100 or a symbol",
                                tok)
            return sp.root(radicand, index)
        if name == "infty":
            self.advance()
            return sp.oo
        if name == "pi":
            self.advance()
            return sp.pi
        if name in ("max", "min"):
            return self.extremum(tok)
        if name in _FUNCTIONS:
            return self.function(tok)
        if name in ("mathrm", "text", "operatorname"):
            word = self.peek(2).value
            self.i += 4
            if word == "e":
                return sp.E
            return self.function(_Tok("cmd", word, tok.pos), advance=False)
        if name == "sum":
            return self.sum(tok)
        if name == "begin":
            return self.matrix(tok)
        if name in _UNSUPPORTED:
            raise self.fail(_UNSUPPORTED[name], tok)
        if name in _MODIFIERS | _FONTS:
            raise self.fail(f"\\{name} must decorate a single name", tok)
        if name in ("end", "\\"):
            raise self.fail(f"unexpected \\{name}", tok)
        raise self.fail(f"unknown command \\{name}", tok)

    def frac_arguments(self, tok: _Tok) -> tuple[sp.Basic, sp.Basic]:
        current = self.tok
        if current.kind == "num" and not self.is_sym("{") and len(current.value) == 2 and \
                current.value.isdigit():
            # \frac12: TeX reads two one-digit arguments
            self.advance()
            return sp.Integer(current.value[0]), sp.Integer(current.value[1])
        if current.kind == "num" and len(current.value) > 2:
            raise self.fail(f"ambiguous '\\frac{current.value}': write \\frac{{..}}{{..}}",
                            current)
        return self.argument(tok), self.argument(tok)

    def argument(self, tok: _Tok) -> sp.Basic:
        """A command argument: a braced group or a single token (TeX rules)."""
        if self.is_sym("{"):
            return self.group()
        current = self.tok
        if current.kind == "num" and len(current.value) == 1:
            return self.single_digit()
        if current.kind in ("word", "cmd") and (len(current.value) == 1 or current.kind == "cmd"):
            if current.kind == "cmd" and current.value not in _GREEK | {"pi", "infty"}:
                raise self.fail(f"\\{tok.value} needs braced arguments here", current)
            return self.postfix_atom_only()
        raise self.fail(f"\\{tok.value} needs an argument in braces", current)

    def function(self, tok: _Tok, advance: bool = True) -> sp.Basic:
        name = tok.value
        if advance:
            self.advance()
        if name not in _FUNCTIONS:
            if name in ("max", "min"):
                return self.extremum(tok, advanced=True)
            raise self.fail(f"unknown function '{name}'", tok)
        base = None
        if name == "log" and self.is_sym("_"):
            self.advance()
            base = self.script()
        power = None
        if self.is_sym("^"):
            # \sin^2 x is (\sin x)^2; \sin^{-1} (arcsin or 1/sin?) is refused
            caret = self.advance()
            power = self.script()
            if not (power.is_Integer and 1 < power <= 100):
                raise self.fail(f"a power on \\{name} must be an integer from 2 to 100 "
                                f"(\\{name}^{{-1}} is ambiguous)", caret)
        if self.is_sym("_"):
            raise self.fail(f"subscript on \\{name}", self.tok)
        if self.is_sym("(") or (self.is_sym("{") and self.is_sym("(", self.peek())):
            braced = self.is_sym("{")
            if braced:
                self.advance()
            args = self.call_arguments()
            if braced:
                self.expect("}", "'}'")
            elif self.is_sym("^"):
                raise self.fail(f"ambiguous power after \\{name}(...): write "
                                f"{{\\{name}(...)}}^{{..}} or \\{name}((...)^{{..}})", self.tok)
            if len(args) != 1:
                raise self.fail(f"\\{name} takes one argument", tok)
            (arg,) = args
        elif self.is_sym("{"):
            arg = self.group()
        elif self.starts_factor(self.tok):
            # \log x, \sin 2x, \exp \frac{a}{b}: the argument runs to the next operator
            arg = self.postfix()
            while self.starts_factor(self.tok) and not (
                    self.tok.kind == "cmd" and (self.tok.value in _FUNCTIONS or self.tok.value in
                                                ("max", "min", "sum"))):
                arg = _multiply(arg, self.postfix())
        else:
            raise self.fail(f"\\{name} needs an argument", tok)
        if isinstance(arg, sp.MatrixBase):
            raise self.fail(f"\\{name} of a matrix is not supported", tok)
        value = sp.log(arg, base) if base is not None else _FUNCTIONS[name](arg)
        return value if power is None else value**power

    def extremum(self, tok: _Tok, advanced: bool = False) -> sp.Basic:
        if not advanced:
            self.advance()
        if self.is_sym("_"):
            raise self.fail(f"\\{tok.value}_{{...}} (an optimisation problem) is not supported;"
                            f" write \\{tok.value}\\{{a, b\\}}", self.tok)
        open_tok = self.tok
        if self.is_sym("(") or self.is_sym("lbrace") or self.is_sym("["):
            closing = {"(": ")", "lbrace": "rbrace", "[": "]"}[open_tok.value]
            self.advance()
            saved, self.closers = self.closers, []
            args = [self.expr()]
            while self.is_sym(","):
                self.advance()
                args.append(self.expr())
            self.closers = saved
            self.close(open_tok, closing)
        else:
            raise self.fail(f"\\{tok.value} needs its arguments in (...) or \\{{...\\}}", open_tok)
        if any(isinstance(a, sp.MatrixBase) for a in args):
            raise self.fail(f"\\{tok.value} of matrices is not supported", tok)
        return (sp.Max if tok.value == "max" else sp.Min)(*args)

    def sum(self, tok: _Tok) -> sp.Basic:
        self.advance()
        if not self.is_sym("_"):
            raise self.fail("\\sum needs bounds: \\sum_{i=1}^{n}", tok)
        self.advance()
        self.expect("{", "'{' after \\sum_")
        index_tok = self.advance()
        if index_tok.kind != "word" or len(index_tok.value) != 1:
            raise self.fail("the summation index must be one letter", index_tok)
        self.expect("=", "'=' in the summation bounds")
        lower = self.expr()
        self.expect("}", "'}' after the lower bound")
        self.expect("^", "an upper bound ^{...} for \\sum")
        upper = self.script()
        if not (lower.is_Integer and upper.is_Integer):
            raise self.fail("\\sum with symbolic bounds is not supported; give numeric bounds",
                            tok)
        if upper - lower + 1 > MAX_SUM_TERMS:
            raise self.fail(f"\\sum with more than {MAX_SUM_TERMS} terms", tok)
        index = sp.Dummy(index_tok.value, integer=True)
        name = index_tok.value
        saved = self.bound.get(name)
        self.bound[name] = index
        try:
            body = self.unary()
            while self.tok.kind != "eof" and (self.is_sym("*") or self.is_sym("/") or
                                              self.starts_factor(self.tok)):
                if self.is_sym("*"):
                    self.advance()
                    body = _multiply(body, self.unary())
                elif self.is_sym("/"):
                    self.advance()
                    body = body / self.unary()
                else:
                    body = _multiply(body, self.postfix())
        finally:
            if saved is None:
                del self.bound[name]
            else:
                self.bound[name] = saved
        if isinstance(body, sp.MatrixBase):
            raise self.fail("\\sum of matrices is not supported", tok)
        if name not in {s.name for s in body.free_symbols if isinstance(s, sp.Dummy)} and \
                index not in body.free_symbols:
            pass  # a constant summand is fine: \sum_{i=1}^{3} 1 = 3
        terms = [_indexed_to_symbols(body.xreplace({index: sp.Integer(v)}))
                 for v in range(int(lower), int(upper) + 1)]
        return sp.Add(*terms)

    def matrix(self, tok: _Tok) -> sp.Basic:
        self.advance()
        env = self.raw_word("\\begin")
        if env not in _MATRICES:
            raise self.fail(f"environment '{env}' is not supported (only "
                            f"{', '.join(sorted(_MATRICES))})", tok)
        rows: list[list[sp.Basic]] = [[]]
        saved, self.closers = self.closers, []
        while True:
            if self.tok.kind == "cmd" and self.tok.value == "end":
                break
            rows[-1].append(self.expr())
            if self.is_sym("&"):
                self.advance()
            elif self.tok.kind == "cmd" and self.tok.value == "\\":
                self.advance()
                if self.tok.kind == "cmd" and self.tok.value == "end":
                    break
                rows.append([])
            elif not (self.tok.kind == "cmd" and self.tok.value == "end"):
                raise self.fail(f"unexpected {_describe(self.tok)} in a matrix")
        self.closers = saved
        end_tok = self.advance()
        if self.raw_word("\\end") != env:
            raise self.fail(f"\\end does not match \\begin{{{env}}}", end_tok)
        if len({len(r) for r in rows}) != 1 or not rows[0]:
            raise self.fail("matrix rows have different lengths", tok)
        if any(isinstance(e, sp.MatrixBase) for r in rows for e in r):
            raise self.fail("nested matrices are not supported", tok)
        return sp.Matrix(rows)


# --------------------------------------------------------------------------- helpers


def _canon(name: str) -> str:
    try:
        return canonical_name(name)
    except ParseError:
        return name


def _describe(tok: _Tok) -> str:
    if tok.kind == "eof":
        return "end of input"
    if tok.kind == "cmd":
        return f"\\{tok.value}"
    return repr(tok.value)


def _multiply(left: sp.Basic, right: sp.Basic) -> sp.Basic:
    product = left * right
    if isinstance(product, sp.MatrixBase) and product.shape == (1, 1) and \
            isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase):
        return product[0, 0]  # a row times a column is a number (xᵀAx)
    return product


def _indexed_to_symbols(value: sp.Basic) -> sp.Basic:
    """``Indexed(x, 2)`` → the symbol ``x_2`` (after a sum is expanded, or for ``x_{1+1}``)."""
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(_indexed_to_symbols)
    if not isinstance(value, sp.Basic):
        return value
    mapping = {}
    for item in value.atoms(sp.Indexed):
        if all(i.is_Integer and i >= 0 for i in item.indices):
            label = str(item.base.label)
            mapping[item] = symbol(label + "_" + "_".join(str(i) for i in item.indices))
    return value.xreplace(mapping) if mapping else value


# --------------------------------------------------------------------------- the check


def _check_round_trip(result: sp.Basic, text: str, local: Mapping[str, sp.Basic] | None) -> None:
    """Print ``result`` with :func:`sympy.latex`, read it back, and require the same value.

    A printed form outside the language this parser reads (e.g. a Derivative) is
    no evidence either way and is skipped.
    """
    if isinstance(result, sp.Basic) and result.has(sp.Derivative, sp.Subs):
        return  # printed as d/dx, which this parser refuses
    names = {s: _latex_name(s.name) for s in _symbols_in(result)
             if re.search(r"__|star|prime", s.name)}
    try:
        printed = sp.latex(result, symbol_names=names)
        again = _Parser(printed, _tokenize(printed), dict(local or {})).parse()
    except (ParseError, TypeError, ValueError, RecursionError):
        return
    if not _same(result, again):
        raise ParseError(f"internal check failed: the parse {result} prints as {printed!r}, "
                         f"which reads back as {again}; refusing rather than guessing",
                         text=text, position=0)


def _symbols_in(value: sp.Basic) -> set[sp.Symbol]:
    if isinstance(value, sp.MatrixBase):
        return set().union(*(e.free_symbols for e in value)) if value else set()
    return value.free_symbols if isinstance(value, sp.Basic) else set()


def _latex_name(name: str) -> str:
    """How this parser writes a name with a star, primes or an iterate index."""
    name, _, iterate = name.partition("__")
    head, _, sub = name.partition("_")
    stars = primes = 0
    while (match := re.search(r"(star|prime)$", head)) and match.start() > 0:
        stars, primes = stars + (match.group(1) == "star"), primes + (match.group(1) == "prime")
        head = head[: match.start()]
    text = sp.latex(sp.Symbol(head + ("_" + sub if sub else "")))
    text += "^{*}" * stars + "'" * primes
    return text + ("^{(" + iterate + ")}" if iterate else "")


def _same(a: sp.Basic, b: sp.Basic) -> bool:
    if a == b:
        return True
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
        return a.shape == b.shape and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (sp.Rel, sp.And)) or isinstance(b, (sp.Rel, sp.And)):
        if type(a) is not type(b) or len(a.args) != len(b.args):
            return False
        return all(_same(x, y) for x, y in zip(a.args, b.args))
    if not (isinstance(a, sp.Expr) and isinstance(b, sp.Expr)):
        return False
    return _numerically_equal(a, b)


def _numerically_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Equal at a few random points (to 20 digits); exact structural equality failed."""
    atoms = (a - b).atoms(sp.Symbol, sp.Indexed, AppliedUndef, sp.Derivative, sp.Subs)
    atoms = {t for t in atoms if not isinstance(t, sp.Number)}
    rng = random.Random(0)
    for _ in range(3):
        point = {t: sp.Rational(rng.randint(1, 97), rng.randint(1, 13)) for t in atoms}
        try:
            va = sp.N(a.xreplace(point), 30)
            vb = sp.N(b.xreplace(point), 30)
        except (TypeError, ValueError, ArithmeticError):
            return False
        if va.free_symbols or vb.free_symbols:
            return False
        if va == vb:
            continue
        diff = abs(complex(va) - complex(vb))
        if not diff <= 1e-20 * (1 + abs(complex(va))):
            return False
    return True
