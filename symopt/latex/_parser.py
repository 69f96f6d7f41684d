"""The grammar: a recursive-descent parser from tokens straight to SymPy objects.

>>> from symopt.latex._tokens import tokenize
>>> text = r"\\left(1 - \\frac{\\mu}{L}\\right)^T"
>>> Parser(text, tokenize(text), {}).parse()
(1 - mu/L)**T
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import sympy as sp

from symopt import vector_ops
from symopt.errors import ParseError
from symopt.latex._names import FONTS, FUNCTIONS, MODIFIERS, NameRules, is_function_name
from symopt.latex._tokens import GREEK_NAMES, MAX_DEPTH, UNSUPPORTED, Tok, describe
from symopt.parse import (
    EXPONENTIAL,
    MAX_DIGITS,
    MAX_EXACT_DIGITS,
    MAX_FACTORIAL,
    PARSE_SECONDS,
    exponential_digits,
    parse_deadline,
    power_digits,
    rational_digits,
)
from symopt.shapes import Shapes, sum_index_ranges
from symopt.symbols import HOUSE_ASSUMPTIONS, canonical_name, symbol
from symopt.vector_ops import is_matrix

#: Most terms a ``\sum`` with numeric bounds may expand to.
MAX_SUM_TERMS = 100
_MATRICES = {"bmatrix", "pmatrix", "matrix", "Bmatrix"}




@dataclass
class Parser(NameRules):
    text: str
    tokens: list[Tok]
    local: dict[str, sp.Basic]
    i: int = 0
    depth: int = 0
    deadline: float = field(default_factory=parse_deadline)
    closers: list[str] = field(default_factory=list)  # open | and || (abs, norm)
    bound: dict[str, sp.Symbol] = field(default_factory=dict)  # \sum indices
    in_subscript: int = 0  # inside x_{...}, where i is an index, not the imaginary unit
    applied: dict[str, int] = field(default_factory=dict)  # function letters used, at pos
    shapes: Shapes = field(default_factory=Shapes)  # declared vectors and matrices
    notes: list[str] = field(default_factory=list)  # how ambiguous-looking notation was read
    ranges: list[tuple[str, str, sp.Expr]] = field(default_factory=list)  # x_i, i, rows of x
    split: bool = True  # read kt as k·t when every letter is known (off for the round trip)

    # -- helpers
    @property
    def tok(self) -> Tok:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Tok:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def advance(self) -> Tok:
        tok = self.tokens[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def fail(self, message: str, tok: Tok | None = None) -> ParseError:
        tok = tok or self.tok
        return ParseError(message, text=self.text, position=tok.pos)

    def is_sym(self, value: str, tok: Tok | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "sym" and tok.value == value

    def expect(self, value: str, what: str) -> Tok:
        if not self.is_sym(value):
            found = self.tok.value or "end of input"
            raise self.fail(f"expected {what}, found {found!r}")
        return self.advance()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > 4 * MAX_DEPTH:
            raise self.fail(f"expression nested deeper than {4 * MAX_DEPTH} levels")
        if time.monotonic() > self.deadline:
            raise self.fail(f"parsing took longer than {PARSE_SECONDS:g} s")

    def local_value(self, name: str) -> sp.Basic | None:
        return self.local.get(name) if name in self.local else self.local.get(canon(name))

    # -- grammar
    def parse(self) -> sp.Basic:
        try:
            if self.split:
                self.split_words()
            result = self.conjunction()
            if self.tok.kind != "eof":
                raise self.fail(f"unexpected {describe(self.tok)}")
            result = indexed_to_symbols(result)
            values = list(result) if isinstance(result, sp.MatrixBase) else [result]
            if any(v.has(sp.zoo, sp.nan) for v in values):
                raise ParseError("the formula divides by zero or has no value (zoo/nan)",
                                 text=self.text, position=0)
            clash = set(self.applied) & {s.name for v in values for s in symbols_in(v)}
            if clash:
                name = sorted(clash)[0]
                raise ParseError(
                    f"'{name}' is used both as a function {name}(...) and as a value; write "
                    f"{name} \\cdot (...) for a product, or pass local={{'{name}': Function}}",
                    text=self.text, position=self.applied[name])
            return result
        except ParseError as exc:
            if exc.text is None:  # from the vector algebra: point at where the parse stopped
                raise self.fail(exc.reason) from None
            raise
        except RecursionError:
            raise ParseError("input is nested too deeply", text=self.text, position=0) from None
        except (TypeError, ValueError, ArithmeticError, AttributeError, LookupError,
                sp.SympifyError, sp.ShapeError) as exc:
            raise self.fail(f"cannot build expression: {exc}") from None

    def split_words(self) -> None:
        """``kt`` → ``k t`` when every letter is a declared or house symbol (said in a note).

        A word that is an argument of a command (``\\mathrm{lr}``, ``\\begin{bmatrix}``) or a
        differential (``dx``) is left alone; so is any other word, which the grammar refuses
        with what to declare.
        """
        out: list[Tok] = []
        for j, tok in enumerate(self.tokens):
            after_command = j >= 2 and self.is_sym("{", self.tokens[j - 1]) and \
                self.tokens[j - 2].kind == "cmd"
            script = (j >= 1 and self.tokens[j - 1].value in ("_", "^")) or (
                j >= 2 and self.is_sym("{", self.tokens[j - 1]) and
                self.is_sym("_", self.tokens[j - 2]))  # a subscript is a name, not a product
            if tok.kind != "word" or len(tok.value) < 2 or after_command or script or \
                    tok.value in self.local or canon(tok.value) in self.local or \
                    (len(tok.value) == 2 and tok.value[0] == "d") or \
                    not all(self.known_letter(c) for c in tok.value):
                out.append(tok)
                continue
            out += [Tok("word", c, tok.pos + k, tok.space if k == 0 else False)
                    for k, c in enumerate(tok.value)]
            self.notes.append(f"'{tok.value}' read as the product {' '.join(tok.value)} (each "
                              "letter is a declared or house symbol; no name "
                              f"'{tok.value}' is declared)")
        self.tokens = out

    def known_letter(self, letter: str) -> bool:
        """A letter declared in ``local``/``shapes``, or one of the house symbols (k, n, t, ...)."""
        return letter in self.local or (letter in HOUSE_ASSUMPTIONS and letter not in "ei")

    def conjunction(self) -> sp.Basic:
        """Conditions joined by ``\\wedge``, ``\\land`` or ``\\text{and}``."""
        first = self.relation()
        if not self.is_sym("and"):
            return first
        parts = [first]
        while self.is_sym("and"):
            tok = self.advance()
            parts.append(self.relation())
            if not all(isinstance(p, (sp.Rel, sp.And)) for p in parts[-2:]):
                raise self.fail("'and' must join conditions such as x > 0", tok)
        flat = [a for p in parts for a in (p.args if isinstance(p, sp.And) else (p,))]
        return sp.And(*flat, evaluate=False)

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
            if is_matrix(left) or is_matrix(right):
                if op.value != "=":
                    raise self.fail("vectors and matrices can only be compared with '='", op)
                if is_matrix(left) != is_matrix(right) or left.shape != right.shape:
                    raise self.fail(f"'=' between {vector_ops.describe_shape(left)} and "
                                    f"{vector_ops.describe_shape(right)}", op)
                parts.append(sp.Eq(left, right, evaluate=False))
            elif isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
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
                terms = [sign * self.term()]
            else:
                terms = [self.term()]
            while self.is_sym("+") or self.is_sym("-"):
                sign = -1 if self.advance().value == "-" else 1
                terms.append(sign * self.term())
            if len(terms) == 1:
                return terms[0]
            if any(is_matrix(t) for t in terms):
                result = terms[0]
                for right in terms[1:]:
                    result = vector_ops.add(result, right)
                return result
            if any(isinstance(t, sp.MatrixBase) for t in terms):
                result = terms[0]
                for right in terms[1:]:
                    result = result + right
                return result
            number = sp.S.Zero  # exact numbers summed one by one, each sum checked
            for t in terms:
                if isinstance(t, sp.Rational):
                    number += t
                    self.check_digits(rational_digits(number))
            return sp.Add(number, *(t for t in terms if not isinstance(t, sp.Rational)))
        finally:
            self.depth -= 1

    def term(self) -> sp.Basic:
        seen_bar = last_bar = _plain_bar(self.tok)
        result = self.unary()
        divided = False
        while True:
            tok = self.tok
            if self.is_sym("*"):
                self.advance()
                last_bar = _plain_bar(self.tok)
                result, divided = multiply(result, self.unary()), False
            elif self.is_sym("/"):
                self.advance()
                last_bar = _plain_bar(self.tok)
                right = self.unary()
                if isinstance(right, sp.MatrixBase) or is_matrix(right):
                    raise self.fail("cannot divide by a matrix", tok)
                result, divided = vector_ops.divide(result, right), True
            elif self.starts_factor(tok):
                if divided:
                    raise self.fail("ambiguous 'a/b c': write \\frac{a}{b c} or \\frac{a}{b} c",
                                    tok)
                bar = _plain_bar(tok)
                if bar and seen_bar and not last_bar:
                    # |a|b|c| is |a|·b·|c| or |a·|b|·c|: only sized bars tell
                    raise self.fail("ambiguous bars: write \\left| ... \\right| (or \\lvert "
                                    "... \\rvert) for each absolute value", tok)
                seen_bar, last_bar = seen_bar or bar, bar
                result = multiply(result, self.postfix())
            else:
                return result
            self.check_digits(rational_digits(result), tok)

    def check_digits(self, digits: float, tok: Tok | None = None) -> None:
        """Refuse an exact number above MAX_EXACT_DIGITS digits."""
        if digits > MAX_EXACT_DIGITS:
            raise self.fail(f"number too large to compute exactly (about {digits:.3g} digits; "
                            f"the limit is {MAX_EXACT_DIGITS})", tok)

    def unary(self) -> sp.Basic:
        if self.is_sym("-") or self.is_sym("+"):
            self.enter()
            try:
                sign = -1 if self.advance().value == "-" else 1
                return sign * self.unary()
            finally:
                self.depth -= 1
        return self.postfix()

    def starts_factor(self, tok: Tok) -> bool:
        """Whether ``tok`` starts an implicitly multiplied factor."""
        if tok.kind in ("num", "word"):
            previous = self.tokens[self.i - 1]
            if tok.kind == "num" and previous.kind == "num":
                raise self.fail("two numbers in a row (write \\cdot between them)", tok)
            if tok.kind == "num" and previous.kind == "word":
                raise self.fail(f"ambiguous '{previous.value}{tok.value}': write "
                                f"{previous.value}_{tok.value} or {tok.value}{previous.value}",
                                previous)
            if tok.kind == "num" and previous.kind == "cmd" and previous.value in GREEK_NAMES:
                raise self.fail(f"ambiguous '\\{previous.value} {tok.value}': write "
                                f"\\{previous.value}_{tok.value} or {tok.value}\\{previous.value}",
                                previous)
            return True
        if tok.kind == "cmd":
            return tok.value not in ("end",) and tok.value != "\\"
        if tok.kind == "sym":
            if tok.value in ("(", "[", "{", "lceil", "lfloor") and tok.sized != "right":
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
                nxt = self.tok
                if name.base in ("Delta", "delta") and name.canonical() == name.base and (
                        nxt.kind == "word" or self.is_sym("(") or (nxt.kind == "cmd" and (
                            nxt.value in GREEK_NAMES | MODIFIERS | FONTS))):
                    # Δx is "the change in x", not Δ·x (and Δx/Δt would cancel)
                    shown = nxt.value if nxt.kind != "cmd" else "\\" + nxt.value
                    raise self.fail(f"ambiguous '\\{name.base} {shown}': a change or a product? "
                                    f"write \\{name.base}_{{...}} for a name or "
                                    f"\\{name.base} \\cdot ... for a product", start)
                latin = len(name.base) == 1 and name.base.isascii()
                if (name.bold or latin) and self.is_sym("^") and \
                        self.after_caret_is("T", "top", "intercal") and not is_matrix(value):
                    shown = name.canonical()
                    raise self.fail("^T on a Latin or bold name is ambiguous (transpose or "
                                    f"power?): declare its shape (shapes={{'{shown}': 'n'}} or "
                                    f"'m x n') for a transpose, or give the matrix with bmatrix",
                                    self.tok)
            else:
                value = self.primary()
            return self.powers(value, start)
        finally:
            self.depth -= 1

    def powers(self, value: sp.Basic, start: Tok) -> sp.Basic:
        while True:
            tok = self.tok
            if self.is_sym("^"):
                self.advance()
                if self.script_is("T") and (isinstance(value, sp.MatrixBase) or is_matrix(value)):
                    self.skip_script()
                    value = value.T
                    continue
                if self.script_is("top", "intercal"):
                    if not (isinstance(value, sp.MatrixBase) or is_matrix(value)):
                        raise self.fail("transpose (^\\top) of a non-matrix", tok)
                    self.skip_script()
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
                if value.is_Integer and value > MAX_FACTORIAL:
                    raise self.fail(f"factorial argument above {MAX_FACTORIAL}", tok)
                value = sp.factorial(value)
            else:
                return value

    def power(self, base: sp.Basic, exponent: sp.Basic, tok: Tok) -> sp.Basic:
        if isinstance(exponent, sp.MatrixBase) or is_matrix(exponent):
            raise self.fail("a matrix cannot be an exponent", tok)
        if is_matrix(base):
            try:
                return vector_ops.power(base, exponent)
            except ParseError as exc:
                raise self.fail(exc.reason, tok) from None
        if isinstance(base, sp.MatrixBase):
            if not (exponent.is_Integer and base.is_square):
                raise self.fail("only integer powers of square matrices are allowed", tok)
            if abs(exponent) > 100:
                raise self.fail("matrix power above 100", tok)
            return base**exponent
        digits = power_digits(base, exponent)
        if digits > MAX_DIGITS:
            raise self.fail(f"power too large to compute exactly (about {digits:.3g} digits; "
                            f"the limit is {MAX_DIGITS})", tok)
        if exponent.is_Integer and abs(exponent) > 10**6:
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
        if tok.kind == "cmd" and (tok.value in GREEK_NAMES or tok.value in ("infty", "pi")):
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
                            f"found {describe(self.tok)}")
        self.advance()
        return value

    def raw_word(self, what: str) -> str:
        """The text of a braced group of letters/digits, e.g. ``{bmatrix}`` or ``{\\min}``."""
        self.expect("{", f"'{{' after {what}")
        parts = []
        while not self.is_sym("}"):
            tok = self.advance()
            if tok.kind in ("word", "num") or (tok.kind == "cmd" and tok.value in GREEK_NAMES | {
                    "min", "max"}) or (tok.kind == "sym" and tok.value in ","):
                parts.append(tok.value if tok.value != "," else "_")
            elif tok.kind == "sym" and tok.value == "*" and what == "\\begin":
                parts.append("*")
            else:
                raise self.fail(f"unexpected {describe(tok)} in {what}", tok)
        self.advance()
        if not parts:
            raise self.fail(f"empty {what}")
        return "".join(parts)

    # -- names

    def close(self, open_tok: Tok, value: str) -> None:
        tok = self.tok
        if not self.is_sym(value):
            raise self.fail(f"expected {value!r} to close {open_tok.value!r} opened at "
                            f"position {open_tok.pos}, found {describe(tok)}")
        if (open_tok.sized == "left") != (tok.sized == "right"):
            raise self.fail("\\left ... \\right (and \\lvert ... \\rvert) must pair", tok)
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
            raise self.fail(f"unexpected {describe(tok)}", tok)
        if tok.kind == "sym":
            return self.bracketed(tok)
        if tok.kind == "cmd":
            return self.command(tok)
        raise self.fail(f"unexpected {describe(tok)}", tok)

    def checked_exponent(self, caret: Tok) -> sp.Basic:
        exponent = self.script()
        if isinstance(exponent, sp.MatrixBase) or is_matrix(exponent):
            raise self.fail("a matrix cannot be an exponent", caret)
        if exponent.is_number and exponent.is_real and exponent > 10**4:
            raise self.fail("exponent too large", caret)
        return exponent

    def bracketed(self, tok: Tok) -> sp.Basic:
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
                if isinstance(inner, sp.MatrixBase) or is_matrix(inner):
                    raise self.fail("|M| of a matrix is ambiguous (determinant or norm?)", tok)
                return sp.Abs(inner)
            return self.norm(inner, tok)
        if value in ("lceil", "lfloor"):
            self.advance()
            saved, self.closers = self.closers, []
            inner = self.expr()
            self.closers = saved
            self.close(tok, "r" + value[1:])
            if isinstance(inner, sp.MatrixBase) or is_matrix(inner):
                raise self.fail(f"\\{value} of a matrix is not supported", tok)
            return sp.ceiling(inner) if value == "lceil" else sp.floor(inner)
        if value == "lbrace":
            raise self.fail("braces \\{ \\} are only allowed in \\max\\{...\\} / \\min\\{...\\}",
                            tok)
        raise self.fail(f"unexpected {describe(tok)}", tok)

    def norm(self, inner: sp.Basic, tok: Tok) -> sp.Basic:
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
        if is_matrix(inner):
            try:
                if 1 not in inner.shape and order is not None:
                    frobenius = isinstance(order, sp.Symbol) and order.name == "F"
                    if not (frobenius or order == 2):
                        raise self.fail(f"matrix norm of order {order} is not read; \\|X\\|_2 "
                                        "(spectral) and \\|X\\|_F (Frobenius) are", tok)
                    return vector_ops.matrix_norm(inner, "F" if frobenius else "2")
                if order not in (None, 2):
                    raise self.fail(f"the norm of order {order} of a symbolic vector is not "
                                    "read; \\|v\\| and \\|v\\|_2 (Euclidean) are", tok)
                return vector_ops.norm(inner)
            except ParseError as exc:
                raise self.fail(exc.reason, tok) from None
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
                f"norm of {names}, which is not declared as a vector or a scalar: declare "
                f"shapes={{'{first}': 'n'}} (a vector in ℝⁿ), or pass local={{'{first}': "
                f"Matrix([...])}} (explicit entries) or shapes={{'{first}': 'scalar'}} "
                f"(then ‖{first}‖ = |{first}|)",
                text=self.text, position=tok.pos)
        return sp.Abs(inner)

    def command(self, tok: Tok) -> sp.Basic:
        name = tok.value
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            self.advance()
            if self.starts_derivative():
                return self.derivative(tok)
            numerator, denominator = self.frac_arguments(tok)
            if isinstance(denominator, sp.MatrixBase) or is_matrix(denominator):
                raise self.fail("cannot divide by a matrix", tok)
            return vector_ops.divide(numerator, denominator)
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
        if name in FUNCTIONS:
            return self.function(tok)
        if name in ("mathrm", "text", "operatorname"):
            word = self.peek(2).value
            self.i += 4
            if word == "e":
                return sp.E
            if word == "i":
                return sp.I
            return self.function(Tok("cmd", word, tok.pos), advance=False)
        if name == "sum":
            return self.sum(tok)
        if name == "nabla":
            return self.nabla(tok)
        if name == "begin":
            return self.matrix(tok)
        if name in UNSUPPORTED:
            raise self.fail(UNSUPPORTED[name], tok)
        if name in MODIFIERS | FONTS:
            raise self.fail(f"\\{name} must decorate a single name", tok)
        if name in ("end", "\\"):
            raise self.fail(f"unexpected \\{name}", tok)
        raise self.fail(f"unknown command \\{name}", tok)

    def frac_arguments(self, tok: Tok) -> tuple[sp.Basic, sp.Basic]:
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

    def starts_with_d(self) -> bool:
        """Whether the argument starts with a differential ``d`` (``{d x}``, ``\\mathrm{d}``)."""
        last = len(self.tokens) - 1
        j = self.i + 1 if self.is_sym("{") else self.i
        first, after = self.tokens[min(j, last)], self.tokens[min(j + 1, last)]
        if first.kind == "word" and first.value[:1] == "d" and len(first.value) <= 2:
            return not self.is_sym("_", after)  # d_1 is a name
        return first.kind == "cmd" and first.value in ("mathrm", "text", "operatorname") and \
            self.tokens[min(j + 2, last)].value == "d"

    def starts_derivative(self) -> bool:
        """``\\frac{\\partial ...}{\\partial ...}`` or ``\\frac{d ...}{d ...}`` at the cursor."""
        if not self.is_sym("{"):
            return False
        if self.peek().kind == "cmd" and self.peek().value == "partial":
            return True
        if not self.starts_with_d():
            return False
        depth, j = 0, self.i
        while j < len(self.tokens) - 1:  # the denominator must start with d too
            depth += self.is_sym("{", self.tokens[j]) - self.is_sym("}", self.tokens[j])
            j += 1
            if depth == 0:
                break
        saved, self.i = self.i, j
        try:
            return self.starts_with_d()
        finally:
            self.i = saved

    def derivative(self, tok: Tok) -> sp.Basic:
        """``\\frac{\\partial^2 f}{\\partial x_1 \\partial x_2}``, ``\\frac{d}{dx}(...)``,
        ``\\frac{df}{dx}``: an unevaluated :class:`sympy.Derivative`.

        A bare function letter on top (``\\partial f``) is the function of the variables
        below (``f(x_1, x_2)``; of ``x`` itself when they are entries of a declared vector
        ``x``), said in a note. With nothing on top, the operand is the one factor that
        follows (``\\frac{d}{dx}\\left(...\\right)``, ``\\frac{d}{dx} x^2``); more factors are
        refused rather than guessed.
        """
        open_tok = self.expect("{", "'{'")
        partial = self.tok.kind == "cmd" and self.tok.value == "partial"
        mark = "\\partial" if partial else "d"
        order, operand = self.differential(partial, top=True)
        self.expect("}", f"'}}' after the numerator of {mark}")
        self.expect("{", f"'{{' before the denominator of {mark}")
        variables: list[tuple[sp.Basic, int]] = []
        while not self.is_sym("}"):
            if self.tok.kind == "eof":
                raise self.fail("unclosed denominator", open_tok)
            count, variable = self.differential(partial, top=False)
            variables.append((variable, count))
        self.advance()
        total = sum(c for _, c in variables)
        if order != total:
            raise self.fail(f"the order on top ({order}) differs from the variables below "
                            f"({total})", tok)
        for variable, _ in variables:
            if is_matrix(variable):
                raise self.fail(f"a derivative by the vector {variable}: write \\nabla_"
                                f"{{{variable}}} for the gradient", tok)
            if not (isinstance(variable, sp.Symbol) or variable.is_Symbol or
                    type(variable).__name__ == "MatrixElement"):
                raise self.fail(f"cannot differentiate by {variable}", tok)
        if operand is None:
            start = self.tok
            if not self.starts_factor(start):
                raise self.fail("the derivative needs something to differentiate", start)
            operand = self.postfix()
            if self.starts_factor(self.tok) and not self.next_is_function():
                raise self.fail("ambiguous extent of the derivative: write \\frac{d}{dx}"
                                "\\left( ... \\right) around everything it applies to", self.tok)
        operand = self.as_function_of(operand, [v for v, _ in variables])
        for variable, _ in variables:
            if not operand.has(getattr(variable, "parent", variable)):
                raise self.fail(f"{operand} does not depend on {variable} as written, so the "
                                "derivative would be 0: write the dependence (f(x)), or declare "
                                f"a function (local={{'{operand}': Function('{operand}')}})", tok)
        if is_matrix(operand) or isinstance(operand, sp.MatrixBase):
            raise self.fail("derivatives of vectors or matrices are not read; differentiate a "
                            "number", tok)
        return sp.Derivative(operand, *[(v, c) for v, c in variables])

    def differential(self, partial: bool, top: bool) -> tuple[int, sp.Basic | None]:
        """``\\partial^2 f`` / ``d f`` (top: order and operand) or ``\\partial x_1^2`` /
        ``dx`` (below: order and variable)."""
        tok = self.tok
        if partial:
            if not (tok.kind == "cmd" and tok.value == "partial"):
                raise self.fail("expected \\partial", tok)
            self.advance()
        elif tok.kind == "word" and tok.value[0] == "d":
            if len(tok.value) == 2:  # dx, df: split off the d
                self.tokens[self.i] = Tok("word", tok.value[1], tok.pos + 1)
            else:
                self.advance()
        elif tok.kind == "cmd" and tok.value in ("mathrm", "text", "operatorname"):
            self.i += 4  # \mathrm{d}
        else:
            raise self.fail("expected d", tok)
        order = 1
        if self.is_sym("^"):
            caret = self.advance()
            order = self.script()
            if not (order.is_Integer and 1 <= order <= 10):
                raise self.fail("the order of a derivative must be an integer from 1 to 10",
                                caret)
            order = int(order)
        if top:
            if self.is_sym("}"):
                return order, None
            return order, self.expr()
        name = self.name_atom()
        if name is None:
            raise self.fail("expected the variable of differentiation", self.tok)
        variable = self.finish_name(name, call=False)
        if self.is_sym("^"):
            caret = self.advance()
            power = self.script()
            if not (power.is_Integer and 1 <= power <= 10):
                raise self.fail("the order of a derivative must be an integer from 1 to 10",
                                caret)
            order = int(power)
        return order, variable

    def as_function_of(self, operand: sp.Basic, variables: list[sp.Basic]) -> sp.Basic:
        """A bare function letter (``f``, ``J``, ``\\mathcal{L}``) of ``variables``."""
        if not (isinstance(operand, sp.Symbol) and is_function_name(operand.name)) or \
                operand.name in self.local:
            return operand
        arguments: list[sp.Basic] = []
        for v in variables:
            parent = v.parent if type(v).__name__ == "MatrixElement" else v
            if parent not in arguments:
                arguments.append(parent)
        function = sp.Function(operand.name, real=True)(*arguments)
        self.notes.append(f"{operand.name} is read as {function}")
        self.applied.setdefault(operand.name, 0)
        return function

    def nabla(self, tok: Tok) -> sp.Basic:
        """``\\nabla f(x)``, ``\\nabla_w J``, ``\\nabla_\\theta L(\\theta)``: the gradient of one
        factor; a :class:`~symopt.vector_ops.Gradient` for a declared vector or matrix,
        a :class:`sympy.Derivative` for a declared number."""
        self.advance()
        variable, order = None, 1
        for _ in range(2):  # \nabla^2_w, \nabla_w^2
            if self.is_sym("^") and order == 1:
                caret = self.advance()
                if self.script() != 2:
                    raise self.fail("\\nabla^k is read for k = 2 (the Hessian) only", caret)
                order = 2
            elif self.is_sym("_") and variable is None:
                self.advance()
                variable = self.script()
        start = self.tok
        name = self.name_atom()
        if name is not None:
            operand = self.finish_name(name)
        elif self.is_sym("(") or self.is_sym("[") or (self.is_sym("{") and not start.sized):
            operand = self.primary()
        else:
            raise self.fail("\\nabla of what? write \\nabla f(x), \\nabla_w J or \\nabla_w "
                            "\\left( ... \\right)", start)
        if variable is None:
            variable = self.gradient_variable(operand, start)
        if not (is_matrix(variable) or isinstance(variable, sp.Symbol)):
            raise self.fail(f"\\nabla_{{{variable}}}: the variable must be a declared name", tok)
        operand = self.as_function_of(operand, [variable])
        if is_matrix(operand) or isinstance(operand, sp.MatrixBase):
            raise self.fail("\\nabla of a vector (a Jacobian) is not read", tok)
        if isinstance(variable, sp.MatrixSymbol):
            try:
                value = (vector_ops.Gradient if order == 1 else vector_ops.Hessian)(operand,
                                                                                   variable)
            except ParseError as exc:
                raise self.fail(exc.reason, tok) from None
        elif variable.name in self.local or variable in self.local.values():
            value = sp.Derivative(operand, (variable, order))
        else:
            raise self.fail(self.declare_message(variable), tok)
        return self.powers(value, tok)

    def gradient_variable(self, operand: sp.Basic, start: Tok) -> sp.Basic:
        """The variable of ``\\nabla f(x)``: the one argument of the application."""
        args = getattr(operand, "args", ())
        if not (hasattr(operand, "func") and type(operand.func).__name__ == "UndefinedFunction"
                and len(args) == 1):
            raise self.fail("\\nabla without a subscript needs one function of one variable, "
                            "e.g. \\nabla f(x); otherwise write \\nabla_x ...", start)
        (variable,) = args
        if isinstance(variable, sp.MatrixSymbol):
            return variable
        if isinstance(variable, sp.Symbol) and (variable.name in self.local or
                                                variable in self.local.values()):
            return variable
        raise self.fail(self.declare_message(variable), start)

    def declare_message(self, variable: sp.Basic) -> str:
        return (f"\\nabla by '{variable}', which has no declared shape: the gradient of a "
                f"function of a vector or the derivative of a function of a number? declare "
                f"shapes={{'{variable}': 'n'}} (a vector) or {{'{variable}': 'scalar'}}")

    def argument(self, tok: Tok) -> sp.Basic:
        """A command argument: a braced group or a single token (TeX rules)."""
        if self.is_sym("{"):
            return self.group()
        current = self.tok
        if current.kind == "num" and len(current.value) == 1:
            return self.single_digit()
        if current.kind in ("word", "cmd") and (len(current.value) == 1 or current.kind == "cmd"):
            if current.kind == "cmd" and current.value not in GREEK_NAMES | {"pi", "infty"}:
                raise self.fail(f"\\{tok.value} needs braced arguments here", current)
            return self.postfix_atom_only()
        raise self.fail(f"\\{tok.value} needs an argument in braces", current)

    def function(self, tok: Tok, advance: bool = True) -> sp.Basic:
        name = tok.value
        if advance:
            self.advance()
        if name not in FUNCTIONS:
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
            # \log x, \sin 2x, \exp \frac{a}{b}: one factor, after an optional number;
            # \log x y (log(xy) or y log x?) is refused
            arg = self.postfix()
            if arg.is_Number and self.starts_factor(self.tok) and not self.next_is_function():
                arg = multiply(arg, self.postfix())
            if self.starts_factor(self.tok) and not self.next_is_function():
                raise self.fail(f"ambiguous argument of \\{name}: write \\{name}(...) around "
                                "it", self.tok)
        else:
            raise self.fail(f"\\{name} needs an argument", tok)
        if isinstance(arg, sp.MatrixBase) or is_matrix(arg):
            raise self.fail(f"\\{name} of a vector or matrix is not supported (elementwise "
                            "functions are not read)", tok)
        if name in EXPONENTIAL and exponential_digits(arg) > MAX_DIGITS:
            raise self.fail(f"\\{name} of a number this large cannot be computed exactly "
                            f"(about {exponential_digits(arg):.3g} digits)", tok)
        value = sp.log(arg, base) if base is not None else FUNCTIONS[name](arg)
        return value if power is None else value**power

    def next_is_function(self) -> bool:
        return self.tok.kind == "cmd" and (self.tok.value in FUNCTIONS or self.tok.value in
                                           ("max", "min", "sum"))

    def extremum(self, tok: Tok, advanced: bool = False) -> sp.Basic:
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
        if any(isinstance(a, sp.MatrixBase) or is_matrix(a) for a in args):
            raise self.fail(f"\\{tok.value} of matrices is not supported", tok)
        return (sp.Max if tok.value == "max" else sp.Min)(*args)

    def sum(self, tok: Tok) -> sp.Basic:
        self.advance()
        if not self.is_sym("_"):
            raise self.fail("\\sum needs bounds: \\sum_{i=1}^{n}", tok)
        self.advance()
        self.expect("{", "'{' after \\sum_")
        index_tok = self.advance()
        if not ((index_tok.kind == "word" and len(index_tok.value) == 1) or (
                index_tok.kind == "cmd" and index_tok.value in GREEK_NAMES - {"pi"})):
            raise self.fail("the summation index must be one letter", index_tok)
        self.expect("=", "'=' in the summation bounds")
        lower = self.expr()
        self.expect("}", "'}' after the lower bound")
        self.expect("^", "an upper bound ^{...} for \\sum")
        upper = self.script()
        symbolic = not (lower.is_Integer and upper.is_Integer)
        if is_matrix(lower) or is_matrix(upper) or isinstance(lower, sp.MatrixBase) or \
                isinstance(upper, sp.MatrixBase):
            raise self.fail("the bounds of \\sum must be numbers", tok)
        if not symbolic and upper - lower + 1 > MAX_SUM_TERMS:
            raise self.fail(f"\\sum with more than {MAX_SUM_TERMS} terms (numeric bounds are "
                            "expanded; give a symbolic upper bound such as n)", tok)
        name = index_tok.value
        if symbolic:
            if name in self.local or name in self.bound:
                raise self.fail(f"the summation index '{name}' is already a name here",
                                index_tok)
            index = sp.Symbol(name, integer=True, positive=True) if lower.is_positive else \
                sp.Symbol(name, integer=True)
        else:
            index = sp.Dummy(name, integer=True)
        saved = self.bound.get(name)
        self.bound[name] = index
        outer, self.ranges = self.ranges, []
        try:
            body = self.unary()
            while self.tok.kind != "eof" and (self.is_sym("*") or self.is_sym("/") or
                                              self.starts_factor(self.tok)):
                if self.is_sym("*"):
                    self.advance()
                    body = multiply(body, self.unary())
                elif self.is_sym("/"):
                    self.advance()
                    body = vector_ops.divide(body, self.unary())
                else:
                    body = multiply(body, self.postfix())
        finally:
            if saved is None:
                del self.bound[name]
            else:
                self.bound[name] = saved
            inner, self.ranges = self.ranges, outer
        outer_uses, problem = sum_index_ranges(inner, name, lower, upper,
                                               self.shapes.dimensions)
        if problem:
            raise self.fail(problem, tok)
        self.ranges.extend(outer_uses)
        if isinstance(body, sp.MatrixBase) or is_matrix(body):
            raise self.fail("\\sum of vectors or matrices is not supported", tok)
        if symbolic:
            return sp.Sum(body, (index, lower, upper))
        terms = [indexed_to_symbols(body.xreplace({index: sp.Integer(v)}))
                 for v in range(int(lower), int(upper) + 1)]
        return sp.Add(*terms)

    def matrix(self, tok: Tok) -> sp.Basic:
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
                raise self.fail(f"unexpected {describe(self.tok)} in a matrix")
        self.closers = saved
        end_tok = self.advance()
        if self.raw_word("\\end") != env:
            raise self.fail(f"\\end does not match \\begin{{{env}}}", end_tok)
        if len({len(r) for r in rows}) != 1 or not rows[0]:
            raise self.fail("matrix rows have different lengths", tok)
        if any(isinstance(e, sp.MatrixBase) or is_matrix(e) for r in rows for e in r):
            raise self.fail("nested matrices are not supported", tok)
        return sp.Matrix(rows)


def _plain_bar(tok: Tok) -> bool:
    return tok.kind == "sym" and tok.value in ("|", "||") and not tok.sized


def canon(name: str) -> str:
    try:
        return canonical_name(name)
    except ParseError:
        return name


def multiply(left: sp.Basic, right: sp.Basic) -> sp.Basic:
    if is_matrix(left) or is_matrix(right):
        return vector_ops.multiply(left, right)
    product = left * right
    if isinstance(product, sp.MatrixBase) and product.shape == (1, 1) and \
            isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase):
        return product[0, 0]  # a row times a column is a number (xᵀAx)
    return product


def indexed_to_symbols(value: sp.Basic) -> sp.Basic:
    """``Indexed(x, 2)`` → the symbol ``x_2`` (after a sum is expanded, or for ``x_{1+1}``)."""
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(indexed_to_symbols)
    if not isinstance(value, sp.Basic):
        return value
    mapping = {}
    for item in value.atoms(sp.Indexed):
        if all(i.is_Integer and i >= 0 for i in item.indices):
            label = str(item.base.label)
            mapping[item] = symbol(label + "_" + "_".join(str(i) for i in item.indices))
    return value.xreplace(mapping) if mapping else value


def symbols_in(value: sp.Basic) -> set[sp.Symbol]:
    if isinstance(value, sp.MatrixBase):
        return set().union(*(e.free_symbols for e in value)) if value else set()
    return value.free_symbols if isinstance(value, sp.Basic) else set()
