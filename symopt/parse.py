"""Text → SymPy, safely.

User text never reaches ``eval``: SymPy syntax is tokenised, lightly rewritten
(``^`` → ``**``, implicit multiplication ``2x``, ``=`` → ``==``), parsed by
Python's :mod:`ast` into a syntax tree, and that tree is walked node by node,
building SymPy objects only from a whitelist of operators, functions and
constants. Anything else — attribute access, lambdas, keyword arguments,
unknown functions, names starting with ``_`` — is a :class:`ParseError` that
points at the offending place. Limits on length, nesting depth, literal size
and numeric powers stop inputs like ``10**10**10`` before SymPy evaluates them.

Decimals are read exactly (``0.1`` is ``1/10``): floats only at the numeric edge.

>>> from symopt.parse import parse_expr
>>> parse_expr("0.5*(w1**2 + 4*w2^2)")
w1**2/2 + 2*w2**2
>>> parse_expr("(theta-5)^2").free_symbols
{theta}
>>> parse_expr("2x + 3(y - 1)")
2*x + 3*y - 3
>>> parse_expr("x + __import__('os')")
Traceback (most recent call last):
...
symopt.errors.ParseError: unknown function '__import__' at position 4
  x + __import__('os')
      ^
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import re
import time
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from symopt.errors import ParseError
from symopt.symbols import canonical_name, symbol

__all__ = [
    "EXPONENTIAL",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXACT_DIGITS",
    "MAX_FACTORIAL",
    "MAX_LENGTH",
    "PARSE_SECONDS",
    "exponential_digits",
    "looks_like_latex",
    "parse",
    "parse_deadline",
    "parse_expr",
    "parse_relation",
    "power_digits",
    "rational_digits",
]

#: Longest accepted input, in characters.
MAX_LENGTH = 5000
#: Deepest accepted nesting of parentheses / operators.
MAX_DEPTH = 50
#: Largest number of decimal digits an exact numeric result may have.
MAX_DIGITS = 5000
#: Largest integer whose factorial is computed exactly (3000! has 9131 digits).
MAX_FACTORIAL = 3000
#: Most digits (numerator and denominator) of any exact number built while parsing.
MAX_EXACT_DIGITS = 20_000


#: Longest time parsing one input may take, checked between nodes (every node is bounded
#: by the size guards, so the check comes in time).
PARSE_SECONDS = 10.0


def parse_deadline() -> float:
    """The monotonic-clock time by which a parse that starts now must end.

    >>> parse_deadline() > time.monotonic()
    True
    """
    return time.monotonic() + PARSE_SECONDS


def _sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def _log(z: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    return sp.log(z) if base is None else sp.log(z, base)


def _factorial(n: sp.Expr) -> sp.Expr:
    if n.is_Integer and n > MAX_FACTORIAL:
        raise ValueError(f"factorial argument above {MAX_FACTORIAL}")
    return sp.factorial(n)


#: Functions a user may call, by the names they may write.
FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "sqrt": sp.sqrt, "cbrt": sp.cbrt, "exp": sp.exp, "log": _log, "ln": sp.log,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos,
    "atan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "abs": sp.Abs, "Abs": sp.Abs, "sign": sp.sign, "max": sp.Max, "Max": sp.Max,
    "min": sp.Min, "Min": sp.Min, "floor": sp.floor, "ceiling": sp.ceiling,
    "factorial": _factorial, "sigmoid": _sigmoid,
    "relu": lambda z: sp.Max(0, z), "softplus": lambda z: sp.log(1 + sp.exp(z)),
}  # fmt: skip

#: Constants, by the names they may be written with (SymPy's conventions: ``E``
#: is Euler's number, ``e`` is an ordinary symbol).
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo, "inf": sp.oo}

_UNICODE = {"−": "-", "·": "*", "×": "*", "²": "**2", "³": "**3", "≤": "<=", "≥": ">=", "≠": "!="}

_BINARY: dict[type, Callable[[sp.Basic, sp.Basic], sp.Basic]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_COMPARE: dict[type, Callable[[sp.Basic, sp.Basic], sp.Basic]] = {
    ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne,
}


#: Functions whose value at a number grows like exp of the argument.
EXPONENTIAL = frozenset({"exp", "sinh", "cosh", "tanh", "sigmoid", "softplus"})


def power_digits(base: sp.Basic, exponent: sp.Basic) -> float:
    """About how many digits ``base**exponent`` has when SymPy evaluates it (0: symbolic).

    Any numeric base counts, not only rationals: ``sqrt(10)**(10**9)`` is the
    integer 10**(5·10⁸). Used by both parsers before they build a power.

    >>> power_digits(sp.sqrt(10), sp.Integer(10**9)) > MAX_DIGITS
    True
    >>> power_digits(sp.Symbol("x"), sp.Integer(10**9))
    0.0
    """
    if not (base.is_number and exponent.is_number) or base.is_finite is False \
            or exponent.is_finite is False:
        return 0.0
    return _magnitude(exponent) * _height(base)


def rational_digits(value: object) -> float:
    """Decimal digits of an exact rational's numerator and denominator (0 for anything else).

    Read from the bit lengths, so it is cheap even for a huge number.

    >>> rational_digits(sp.Rational(10**20, 3))
    21.0
    """
    if not isinstance(value, sp.Rational):
        return 0.0
    return float(round((abs(value.p).bit_length() + value.q.bit_length()) * math.log10(2)))


def exponential_digits(argument: sp.Basic) -> float:
    """About how many digits ``exp(argument)`` has (SymPy turns exp(n·log 10) into 10**n).

    >>> exponential_digits(sp.Integer(10**9) * sp.log(10)) > MAX_DIGITS
    True
    """
    if not argument.is_number or argument.is_finite is False:
        return 0.0
    return _magnitude(argument) * math.log10(math.e)


def _magnitude(value: sp.Basic) -> float:
    """|value| as a float (its real and imaginary parts), inf when it cannot be bounded."""
    try:
        return float(abs(sp.N(value, 15)))
    except (TypeError, ValueError, OverflowError):
        return math.inf


def _height(base: sp.Basic) -> float:
    """Decimal digits of ``base`` per unit of exponent: log10 of its size, for any number.

    A rational p/q has log10|p| + log10 q (1.1**n has about 2n digits, not 0.04n);
    a power r**e of a rational has |e| times that; otherwise log10 of the magnitude.
    """
    if base in (0, 1, -1) or base.is_zero:
        return 0.0
    if base.is_Rational:
        return math.log10(abs(base.p)) + math.log10(base.q)
    if base.is_Pow and base.base.is_Rational and base.exp.is_number:
        return _magnitude(base.exp) * _height(base.base)
    if base.is_Mul:
        return sum(_height(factor) for factor in base.args)
    size = _magnitude(base)
    if size == 0 or not math.isfinite(size):
        return 0.0 if size == 0 else math.inf
    return abs(math.log10(size))


def looks_like_latex(text: str) -> bool:
    r"""Whether ``text`` is LaTeX rather than SymPy syntax (a backslash, brace or ``$``).

    >>> looks_like_latex(r"\frac{1}{2} x^2"), looks_like_latex("x**2/2")
    (True, False)
    """
    return bool(re.search(r"[\\{}$]", text))


def parse(text: str, *, local: Mapping[str, sp.Basic] | None = None,
          shapes: Mapping[str, object] | None = None) -> sp.Basic:
    r"""Parse SymPy syntax or LaTeX (detected by :func:`looks_like_latex`).

    ``shapes`` declares vectors and matrices (:mod:`symopt.shapes`); then the text is
    read as vector notation (:func:`symopt.vector_input.parse_vector`).

    >>> parse("x^2 + y^2") == parse(r"x^2 + y^2")
    True
    >>> parse(r"x^\top A x", shapes={"x": "n", "A": "n x n"})
    (x.T*A*x)[0, 0]
    """
    if shapes:
        from symopt.vector_input import parse_vector

        return parse_vector(text, shapes, local=local)
    if looks_like_latex(text):
        from symopt.latex import parse_latex

        return parse_latex(text, local=local)
    return parse_expr(text, local=local)


def parse_expr(
    text: str,
    *,
    local: Mapping[str, sp.Basic] | None = None,
    relations: bool = False,
    builder: type[_Builder] | None = None,
) -> sp.Basic:
    """Parse SymPy syntax into a SymPy object without evaluating any code.

    ``local`` maps names to the objects they stand for (e.g. symbols with
    particular assumptions); other names become canonical symbols
    (:func:`symopt.symbols.symbol`). ``relations=True`` also accepts
    comparisons (``x >= 1``, ``0 < a < 1/2``, ``a = b``). ``builder`` is a
    subclass of the tree walker that builds other objects from the same
    whitelisted syntax (:mod:`symopt.vector_input` builds matrix expressions).

    >>> parse_expr("[[2, 0], [0, 4]]")
    Matrix([
    [2, 0],
    [0, 4]])
    >>> parse_expr("0 < a < 1/2", relations=True)
    (0 < a) & (a < 1/2)
    """
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if not text.strip():
        raise ParseError("empty input")
    source, origin = _rewrite(text)
    _check_depth(source, text, origin)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        offset = (exc.offset or 1) - 1 + (len(source) - len(source.lstrip()))
        raise ParseError(
            "invalid syntax" if exc.msg == "invalid syntax" else f"invalid syntax ({exc.msg})",
            text=text, position=_at(origin, offset, text)
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError("input is nested too deeply or is too large") from None
    walker = (builder or _Builder)(text, origin, local or {}, relations,
                                   len(source) - len(source.lstrip()))
    try:
        return walker.build(tree.body)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError("input is nested too deeply", text=text, position=0) from None
    except (TypeError, ValueError, ArithmeticError, AttributeError, sp.SympifyError) as exc:
        raise ParseError(f"cannot build expression: {exc}", text=text, position=0) from None


def parse_relation(text: str, *, local: Mapping[str, sp.Basic] | None = None) -> sp.Basic:
    """Parse a constraint or condition such as ``x >= 1`` or ``x + y = 1``.

    >>> parse_relation("x >= 1")
    x >= 1
    >>> parse_relation("x + y = 1")
    Eq(x + y, 1)
    """
    if looks_like_latex(text):
        from symopt.latex import parse_latex

        result = parse_latex(text, local=local)
    else:
        result = parse_expr(text, local=local, relations=True)
    if not isinstance(result, (sp.Rel, sp.And)):
        raise ParseError(f"expected a relation such as 'x >= 1', got {result}", text=text)
    return result


_CLOSING = {"(": ")", "[": "]", "{": "}"}


def _check_brackets(source: str, text: str, origin: list[int]) -> None:
    """A plain error for brackets that do not match (before the tokenizer's own words).

    >>> try:
    ...     _check_brackets("(0 < a", "(0 < a", list(range(6)))
    ... except ParseError as exc:
    ...     print(exc.reason)
    '(' is never closed
    """
    stack: list[tuple[str, int]] = []
    for i, char in enumerate(source):
        if char in _CLOSING:
            stack.append((char, i))
        elif char in _CLOSING.values():
            if not stack or _CLOSING[stack[-1][0]] != char:
                raise ParseError(f"{char!r} has no matching opening bracket", text=text,
                                 position=_at(origin, i, text))
            stack.pop()
    if stack:
        char, i = stack[-1]
        raise ParseError(f"{char!r} is never closed", text=text, position=_at(origin, i, text))


def _rewrite(text: str) -> tuple[str, list[int]]:
    """Token-level rewrite; returns the new source and, per character, its origin."""
    pieces = [(_UNICODE.get(char, char), i) for i, char in enumerate(text)]
    # Unicode Greek letters and subscript digits become names (θ₀ → theta_0).
    normalised, origin = "", []
    i = 0
    raw = "".join(p for p, _ in pieces)
    raw_origin = [o for p, o in pieces for _ in p]
    for match in re.finditer(r"[^\x00-\x7f]+(?:[₀-₉]+)?|[A-Za-z_][A-Za-z0-9_]*[₀-₉]+", raw):
        normalised += raw[i : match.start()]
        origin += raw_origin[i : match.start()]
        try:
            replacement = canonical_name(match.group(0))
        except ParseError:
            replacement = match.group(0)
        normalised += replacement
        origin += [raw_origin[match.start()]] * len(replacement)
        i = match.end()
    normalised += raw[i:]
    origin += raw_origin[i:]

    _check_brackets(normalised, text, origin)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(normalised).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
        raise ParseError(f"cannot read the input: {message}", text=text) from None
    out, out_origin = [], []
    previous: tokenize.TokenInfo | None = None
    for index, tok in enumerate(tokens):
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT,
                        tokenize.DEDENT, tokenize.COMMENT):
            if tok.type == tokenize.COMMENT:
                raise ParseError("'#' is not allowed", text=text,
                                 position=_at(origin, tok.start[1], text))
            continue
        if tok.type == tokenize.ERRORTOKEN and not tok.string.isspace():
            raise ParseError(f"unexpected character {tok.string!r}", text=text,
                             position=_at(origin, tok.start[1], text))
        string = tok.string
        if tok.type == tokenize.OP and string == "^":
            string = "**"
        elif tok.type == tokenize.OP and string == "=":
            string = "=="
        elif tok.type == tokenize.NAME and keyword.iskeyword(string) and string == "lambda":
            # 'lambda' as a symbol name (an eigenvalue); the keyword is never needed.
            nxt = tokens[index + 1]
            if not (nxt.type == tokenize.OP and nxt.string not in ("(", "[", ".")) and \
                    nxt.type != tokenize.NEWLINE:
                raise ParseError("lambda expressions are not allowed", text=text,
                                 position=_at(origin, tok.start[1], text))
            string = "lambda__"
        if previous is not None and _implicit_product(previous, tok):
            out.append("*")
            out_origin.append(_at(origin, tok.start[1], text))
        start = tok.start[1]
        if out and previous is not None and previous.end[1] < start:
            out.append(" ")
            out_origin.append(_at(origin, previous.end[1], text))
        out.append(string)
        out_origin += [_at(origin, start, text)] * len(string)
        previous = tok
    source = "".join(out)
    return source, out_origin


def _implicit_product(left: tokenize.TokenInfo, right: tokenize.TokenInfo) -> bool:
    """2x, 2(x), (a)(b), (a)x — products written without '*'."""
    left_ends_value = left.type == tokenize.NUMBER or (
        left.type == tokenize.OP and left.string == ")"
    )
    right_starts_value = right.type in (tokenize.NAME, tokenize.NUMBER) or (
        right.type == tokenize.OP and right.string == "("
    )
    if left.type == tokenize.NUMBER and right.type == tokenize.NUMBER:
        return False
    return left_ends_value and right_starts_value and not keyword.iskeyword(right.string)


def _at(origin: list[int], index: int, text: str) -> int:
    if not origin:
        return 0
    return origin[min(max(index, 0), len(origin) - 1)] if index < len(origin) else len(text)


def _check_depth(source: str, text: str, origin: list[int]) -> None:
    depth = 0
    for i, char in enumerate(source):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"nesting deeper than {MAX_DEPTH} levels", text=text,
                                 position=_at(origin, i, text))
        elif char in ")]}":
            depth -= 1


_ADDITIVE, _MULTIPLICATIVE = (ast.Add, ast.Sub), (ast.Mult, ast.Div)


def _chained(node: ast.BinOp) -> bool:
    """Whether ``node`` continues a chain of the same precedence on its left (a + b + c)."""
    left = node.left
    return isinstance(left, ast.BinOp) and any(
        isinstance(node.op, group) and isinstance(left.op, group)
        for group in (_ADDITIVE, _MULTIPLICATIVE))


@dataclass
class _Builder:
    text: str
    origin: list[int]
    local: Mapping[str, sp.Basic]
    relations: bool
    lead: int
    depth: int = 0
    deadline: float = field(default_factory=parse_deadline)

    def fail(self, message: str, node: ast.AST) -> ParseError:
        col = getattr(node, "col_offset", 0) + self.lead
        return ParseError(message, text=self.text, position=_at(self.origin, col, self.text))

    def build(self, node: ast.AST) -> sp.Basic:
        self.depth += 1
        if self.depth > 4 * MAX_DEPTH:
            raise self.fail(f"expression nested deeper than {4 * MAX_DEPTH} levels", node)
        if time.monotonic() > self.deadline:
            raise self.fail(f"parsing took longer than {PARSE_SECONDS:g} s", node)
        try:
            result = self._build(node)
        finally:
            self.depth -= 1
        if rational_digits(result) > MAX_EXACT_DIGITS:  # a product or sum of large numbers
            raise self.fail(f"number too large to compute exactly (about "
                            f"{rational_digits(result):.3g} digits; the limit is "
                            f"{MAX_EXACT_DIGITS})", node)
        return result

    def _build(self, node: ast.AST) -> sp.Basic:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node.id, node)
        if isinstance(node, ast.BoolOp) and self.relations:
            # "0 < a and a < 1/2", "a < 0 or a > 1"
            parts = [self.condition(self.build(v), node) for v in node.values]
            return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
        if isinstance(node, ast.BinOp) and _chained(node):
            return self.chain(node, lambda a, b, link: _BINARY[type(link.op)](a, b))
        if isinstance(node, ast.BinOp):
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Pow):
                return self.power(left, right, node)
            if isinstance(node.op, (ast.BitAnd, ast.BitOr)) and self.relations:
                # SymPy prints a conjunction as "(0 < a) & (a < 1/2)"
                left, right = self.condition(left, node), self.condition(right, node)
                return sp.And(left, right) if isinstance(node.op, ast.BitAnd) else \
                    sp.Or(left, right)
            op = _BINARY.get(type(node.op))
            if op is None:
                raise self.fail(f"operator {type(node.op).__name__} is not allowed", node)
            return op(left, right)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            raise self.fail(f"operator {type(node.op).__name__} is not allowed", node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            return self.matrix(node)
        if isinstance(node, ast.Subscript):
            return self.subscript(node)
        if isinstance(node, ast.Compare) and self.relations:
            return self.compare(node)
        if isinstance(node, ast.Compare):
            raise self.fail("a comparison ('<', '=', ...) where a value is expected", node)
        if isinstance(node, ast.Attribute):
            raise self.fail("attribute access ('.') is not allowed", node)
        if isinstance(node, ast.Lambda):
            raise self.fail("lambda expressions are not allowed", node)
        kind = type(node).__name__
        raise self.fail(f"{kind} is not allowed here", node)

    def chain(self, node: ast.BinOp, combine: Callable) -> sp.Basic:
        """A left-deep chain a ± b ± c … (or a × b ÷ c …) built one link at a time.

        Python's parser nests a flat sum of n terms n levels deep; building it
        iteratively keeps a long sum within the nesting limit (and the stack).
        """
        links = []
        while isinstance(node, ast.BinOp) and _chained(node):
            links.append(node)
            node = node.left
        value = self.build(node)
        for link in reversed(links):
            if time.monotonic() > self.deadline:
                raise self.fail(f"parsing took longer than {PARSE_SECONDS:g} s", link)
            value = combine(value, self.build(link.right), link)
            if rational_digits(value) > MAX_EXACT_DIGITS:
                raise self.fail(f"number too large to compute exactly (about "
                                f"{rational_digits(value):.3g} digits; the limit is "
                                f"{MAX_EXACT_DIGITS})", link)
        return value

    def number(self, node: ast.Constant) -> sp.Basic:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"literal {value!r} is not a number", node)
        digits = len(str(value)) if isinstance(value, int) else 0
        if digits > MAX_DIGITS:
            raise self.fail(f"integer literal has more than {MAX_DIGITS} digits", node)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.fail("number is too large", node)
            # Read the decimal exactly as written: 0.1 → 1/10, 1e-8 → 1/100000000.
            return sp.Rational(repr(value))
        return sp.Integer(value)

    def name(self, identifier: str, node: ast.AST) -> sp.Basic:
        if identifier == "lambda__":
            identifier = "lambda"
        if identifier.startswith("_"):
            raise self.fail(f"name {identifier!r} is not allowed (leading underscore)", node)
        if identifier in self.local:
            return self.local[identifier]
        if identifier in CONSTANTS:
            return CONSTANTS[identifier]
        if identifier in FUNCTIONS:
            raise self.fail(f"function {identifier!r} used without arguments", node)
        try:
            canonical = canonical_name(identifier)
        except ParseError as exc:
            raise self.fail(exc.reason, node) from None
        if canonical in self.local:
            return self.local[canonical]
        return symbol(canonical)

    def power(self, base: sp.Basic, exponent: sp.Basic, node: ast.AST) -> sp.Basic:
        if base.is_number and exponent.is_number:
            # Estimate the size of the result before SymPy computes it, for any base.
            digits = power_digits(base, exponent)
            if digits > MAX_DIGITS:
                raise self.fail(f"power too large to compute exactly (about {digits:.3g} "
                                f"digits; the limit is {MAX_DIGITS})", node)
        return sp.Pow(base, exponent)

    def call(self, node: ast.Call) -> sp.Basic:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.fail("attribute access ('.') is not allowed", node.func)
            raise self.fail("only named functions can be called", node)
        name = node.func.id
        if node.keywords:
            raise self.fail(f"keyword arguments are not allowed in {name}()", node)
        if name in ("Matrix", "matrix") and len(node.args) == 1:
            return self.matrix(node.args[0])
        function = FUNCTIONS.get(name)
        if function is None:
            if name in self.local and callable(self.local[name]):
                function = self.local[name]
            else:
                raise self.fail(f"unknown function {name!r}", node)
        args = [self.argument(arg, name) for arg in node.args]
        if name in EXPONENTIAL and len(args) == 1:
            digits = exponential_digits(args[0])
            if digits > MAX_DIGITS:
                raise self.fail(f"{name}() of a number this large cannot be computed exactly "
                                f"(about {digits:.3g} digits; the limit is {MAX_DIGITS})", node)
        try:
            return function(*args)
        except TypeError:
            raise self.fail(f"wrong number of arguments for {name}()", node) from None
        except ValueError as exc:
            raise self.fail(f"{name}(): {exc}", node) from None

    def argument(self, node: ast.AST, function: str) -> sp.Basic:
        """An argument of a call to ``function`` (a hook for builders that check kinds)."""
        return self.build(node)

    def matrix(self, node: ast.AST) -> sp.Basic:
        if not isinstance(node, (ast.List, ast.Tuple)):
            raise self.fail("expected a list of rows", node)
        rows = [self.build(item) for item in node.elts]
        if not rows:
            raise self.fail("empty matrix", node)
        if all(isinstance(r, sp.MatrixBase) for r in rows):
            lengths = {r.rows * r.cols for r in rows}
            if len(lengths) != 1:
                raise self.fail("matrix rows have different lengths", node)
            return sp.Matrix([list(r) for r in rows])
        if any(isinstance(r, sp.MatrixBase) for r in rows):
            raise self.fail("mixed rows and scalars in a matrix", node)
        return sp.Matrix(rows)

    def subscript(self, node: ast.Subscript) -> sp.Basic:
        # theta[0] → theta_0: a subscripted name, not indexing.
        index = node.slice
        if not isinstance(node.value, ast.Name) or not (
            (isinstance(index, ast.Constant) and isinstance(index.value, int))
            or isinstance(index, ast.Name)
        ):
            raise self.fail("only name[index] subscripts are allowed", node)
        suffix = str(index.value) if isinstance(index, ast.Constant) else index.id
        return self.name(f"{node.value.id}_{suffix}", node)

    def condition(self, value: sp.Basic, node: ast.AST) -> sp.Basic:
        """``value`` if it is a condition (a relation, or conditions joined); else a plain error."""
        if isinstance(value, (sp.Rel, sp.And, sp.Or)):
            return value
        raise self.fail("'&', '|', 'and' and 'or' join conditions, and this side is not "
                        f"one ({value}); write each condition in parentheses, as in "
                        "(0 < alpha) & (alpha < 1/2)", node)

    def compare(self, node: ast.Compare) -> sp.Basic:
        terms = [self.build(node.left)] + [self.build(c) for c in node.comparators]
        parts = []
        for op, left, right in zip(node.ops, terms, terms[1:]):
            relation = _COMPARE.get(type(op))
            if relation is None:
                raise self.fail(f"comparison {type(op).__name__} is not allowed", node)
            parts.append(relation(left, right, evaluate=False))
        return parts[0] if len(parts) == 1 else sp.And(*parts)
