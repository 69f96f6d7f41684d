"""Names in LaTeX: letters, Greek, hats and bold, with subscripts, stars, primes,
iterate indices — and the function letters whose ``f(x)`` is an application.

>>> from symopt.latex import parse_latex
>>> parse_latex(r"\\hat{m}_t + \\alpha^* + w_1^{(k)}")
alphastar + mhat_t + w_1__k
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from symopt import vector_ops
from symopt.errors import ParseError
from symopt.latex._tokens import GREEK_NAMES, Tok
from symopt.symbols import HOUSE_ASSUMPTIONS, symbol
from symopt.vector_ops import is_matrix

FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "exp": sp.exp, "ln": sp.log, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "arcsin": sp.asin, "arccos": sp.acos,
    "arctan": sp.atan, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "sign": sp.sign,
    "sgn": sp.sign, "abs": sp.Abs,
    "sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "relu": lambda z: sp.Max(0, z),
    "softplus": lambda z: sp.log(1 + sp.exp(z)),
}  # fmt: skip
#: Names written as ``\operatorname{...}``/``\text{...}`` that mean a function above.
NAMED_FUNCTIONS = set(FUNCTIONS) | {"max", "min"}
#: Words that make ``\text{...}`` prose rather than a name.
_PROSE = frozenset({"and", "or", "for", "if", "iff", "where", "with", "when", "otherwise", "all",
                    "such", "that", "st", "is", "the", "of", "then", "else", "as", "at", "to",
                    "in", "on", "by", "not", "so", "hence", "thus", "let", "fixed", "constant"})
#: Single letters that conventionally name a function: ``f(x)`` is an application.
FUNCTION_LETTERS = frozenset("fghFGHJLr")
#: Calligraphic capitals (``\\mathcal{L}`` → the name ``Lcal``, as SymPy prints it): names of
#: functions such as a Lagrangian, so ``\\mathcal{L}(x, \\lambda)`` is an application.
CALLIGRAPHIC = frozenset(c + "cal" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def is_function_name(base: str) -> bool:
    """A letter whose ``f(x)`` is an application: the function letters and calligraphic ones."""
    return base in FUNCTION_LETTERS or base in CALLIGRAPHIC
#: Greek letters that are often functions (σ = sigmoid, φ, ψ): ``\sigma(z)`` is refused.
_AMBIGUOUS_GREEK = frozenset({"sigma", "phi", "varphi", "psi", "Phi", "Psi"})
_AMBIGUOUS_LETTERS = {
    "O": "big-O notation O(...) is not supported",
    "E": "an expectation E(...) is not supported (or write E \\cdot (...) for a product)",
    "P": "a probability P(...) is not supported (or write P \\cdot (...) for a product)",
}
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
MODIFIERS = {"hat", "widehat", "bar", "overline", "tilde", "widetilde", "dot", "ddot", "vec",
              "check", "breve"}  # fmt: skip
FONTS = {"mathbf", "boldsymbol", "bm", "mathit", "mathsf", "mathrm", "text", "textrm",
          "textit", "operatorname", "mathnormal"}  # fmt: skip


@dataclass
class Name:
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


class NameRules:
    """The part of the grammar that reads names and applies function letters."""

    def name_atom(self, scripts: bool = True, decorated: bool = False) -> Name | None:
        """Read a name (letter, Greek, hat/bar/..., bold) with its scripts, if one is here."""
        tok = self.tok
        if tok.kind == "word":
            if len(tok.value) > 1 and tok.value in self.local:
                self.advance()  # a declared multi-letter name: the name, never a product
                name = Name(tok.value, tok.pos)
                if scripts:
                    self.name_scripts(name)
                return name
            if len(tok.value) > 1:
                unknown = sorted({c for c in tok.value if not self.known_letter(c)})
                declare = f", or declare {', '.join(unknown)} (shapes or local) to read it as " \
                    "a product" if unknown else ""
                raise self.fail(f"ambiguous '{tok.value}': write {' '.join(tok.value)} for a "
                                f"product or \\mathrm{{{tok.value}}} for one name{declare}", tok)
            if tok.value == "e" and not self.is_sym("_", self.peek()):
                return None  # Euler's number (e^{x}) or refused in primary
            if tok.value == "i" and not (decorated or self.in_subscript or "i" in self.bound
                                         or self.is_sym("_", self.peek())
                                         or self.local_value("i") is not None):
                raise self.fail("ambiguous 'i': the imaginary unit or a variable? write "
                                "\\mathrm{i} for the imaginary unit, i_k or another letter for "
                                "a variable (an index x_i, x_{i+1}, \\sum_{i=1} is fine)", tok)
            self.advance()
            name = Name(tok.value, tok.pos)
        elif tok.kind == "cmd" and tok.value in GREEK_NAMES and tok.value != "pi":
            self.advance()
            name = Name(tok.value, tok.pos)
        elif self.is_sym("{") and self.is_sym("}", self.peek(2)) and \
                self.is_sym("_", self.peek(3)) and (
                    (self.peek().kind == "word" and len(self.peek().value) == 1) or (
                        self.peek().kind == "cmd" and self.peek().value in GREEK_NAMES)):
            # {x}_{k+1}: a braced name with a subscript (as sympy.latex prints x[k + 1])
            inner = self.peek()
            self.i += 3
            name = Name(inner.value, inner.pos)
        elif tok.kind == "cmd" and tok.value == "mathcal" and self.is_sym("{", self.peek()) and \
                self.peek(2).kind == "word" and self.peek(2).value in _CAPITALS and \
                self.is_sym("}", self.peek(3)):
            name = Name(self.peek(2).value + "cal", tok.pos)
            self.i += 4
        elif tok.kind == "cmd" and tok.value in MODIFIERS:
            self.advance()
            self.expect("{", f"'{{' after \\{tok.value}")
            inner = self.name_atom(scripts=False, decorated=True)
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
        elif tok.kind == "cmd" and tok.value in FONTS:
            if self.is_sym("{", self.peek()) and self.peek(2).kind == "word" and \
                    self.is_sym("}", self.peek(3)):
                word = self.peek(2).value
                if word in NAMED_FUNCTIONS and tok.value in ("mathrm", "text", "operatorname"):
                    return None  # \operatorname{sign}(x): a function, read in primary
                if word in ("e", "i") and tok.value in ("mathrm", "text"):
                    return None  # Euler's number, the imaginary unit: read in primary
                if tok.value == "operatorname":
                    raise self.fail(f"unknown function '{word}'", tok)
                if word.lower() in _PROSE or self.peek(2).space or self.peek(3).space:
                    raise self.fail(f"\\{tok.value}{{{word}}} reads as prose, not as a name; "
                                    "leave words out of the formula", tok)
                opens = self.peek(4)
                if len(word) > 1 and (self.is_sym("(", opens) or self.is_sym("{", opens)):
                    raise self.fail(f"ambiguous '\\{tok.value}{{{word}}}(': a function or a "
                                    f"product? write \\{tok.value}{{{word}}} \\cdot (...) for "
                                    "a product", tok)
                self.i += 4
                name = Name(word, tok.pos, bold=tok.value in ("mathbf", "boldsymbol", "bm"))
            elif self.is_sym("{", self.peek()) and self.is_sym("}", self.peek(3)) and \
                    self.peek(2).kind == "cmd" and self.peek(2).value in GREEK_NAMES:
                name = Name(self.peek(2).value, tok.pos, bold=True)
                self.i += 4
            elif self.is_sym("{", self.peek()) and self.peek(2).kind == "cmd" and \
                    self.peek(2).value in MODIFIERS:
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

    def name_scripts(self, name: Name) -> None:
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
                    self.in_subscript += 1
                    try:
                        name.index = self.script()
                    finally:
                        self.in_subscript -= 1
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
                        self.tok.kind == "cmd" and self.tok.value in GREEK_NAMES):
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
                tok.kind == "cmd" and tok.value in GREEK_NAMES | FONTS | {"min", "max"})
        j = self.i + 1
        while j < len(self.tokens):
            tok = self.tokens[j]
            if self.is_sym("}", tok):
                return j > self.i + 1
            if tok.kind in ("word", "num") or self.is_sym(",", tok) or (
                    tok.kind == "cmd" and tok.value in GREEK_NAMES | {"min", "max"} | FONTS):
                if tok.kind == "word" and tok.value in self.bound:
                    return False
                j += 1
                if tok.kind == "cmd" and tok.value in FONTS:
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
            if tok.kind == "cmd" and tok.value in FONTS:
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
            if tok.kind == "eof":
                raise self.fail("unclosed subscript", tok)
            if tok.kind == "cmd" and tok.value in FONTS:
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

    def finish_name(self, name: Name, call: bool = True) -> sp.Basic:
        canonical = name.canonical()
        local = self.local_value(canonical)
        if canonical in self.bound:
            return self.bound[canonical]
        opens_call = self.is_sym("(") or (self.is_sym("{") and self.is_sym("(", self.peek()))
        if call and opens_call and local is None and is_function_name(name.base) and \
                (name.sub is not None or name.index is not None) and not name.primes:
            # g_t(1 - β) is a gradient times a factor; f_i(x) is a function
            raise self.fail(f"ambiguous '{canonical}(...)': a function or a product? write "
                            f"{canonical} \\cdot (...) for a product, or pass "
                            f"local={{'{canonical}': Function('{canonical}')}}", self.tok)
        if call and self.is_sym("(") and local is None and self.shapes and \
                canonical in ("lambda_max", "lambda_min", "sigma_max"):
            return self.spectral(canonical)
        is_function = (
            call
            and opens_call
            and name.index is None
            and (
                (local is None and is_function_name(name.base))
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
            if self.defines_function(name):
                self.notes.append(f"\\{name.base}(...) = ... is read as the definition of a "
                                  f"function {canonical}")
                return self.apply_function(name, sp.Function(canonical, real=True), None)
            raise self.fail(f"ambiguous '\\{name.base}(...)': a function (e.g. the sigmoid) or "
                            f"a product? declare it (shapes={{'{canonical}': 'logistic'}} for "
                            f"the logistic function), define it (\\{name.base}(z) = ...), or "
                            f"write \\{name.base} \\cdot (...) or \\operatorname{{sigmoid}}(...)",
                            self.tok)
        if name.primes and call and self.is_sym("("):
            raise self.fail(f"'{canonical}(' : a derivative of a function that is not one of "
                            f"{''.join(sorted(FUNCTION_LETTERS))}", self.tok)
        if self.shapes and local is None and canonical in _CAPITALS and \
                canonical not in HOUSE_ASSUMPTIONS and not is_function_name(canonical):
            raise self.fail(f"'{canonical}' has no declared shape, and a capital beside "
                            f"vectors is usually a matrix: declare shapes={{'{canonical}': "
                            f"'n x n'}} (a matrix) or {{'{canonical}': 'scalar'}}",
                            self.tokens[self.i - 1])
        if name.bold and local is None and self.shapes and canonical not in self.bound:
            raise self.fail(f"the bold name '{canonical}' has no declared shape: declare "
                            f"shapes={{'{canonical}': 'n'}} (a vector), 'm x n' (a matrix) or "
                            "'scalar'", self.tokens[self.i - 1])
        data = self.data_entry(name) if local is None or name.index is not None else None
        if data is not None:
            return data
        if name.index is not None:
            base = Name(name.base, name.pos, star=name.star, primes=name.primes,
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

    def spectral(self, canonical: str) -> sp.Basic:
        """``\\lambda_{\\max}(X^\\top X)``, ``\\sigma_{\\max}(X)`` of a matrix; else a product."""
        open_tok = self.tok
        args = self.call_arguments()
        if len(args) == 1 and is_matrix(args[0]):
            try:
                if canonical == "sigma_max":
                    return vector_ops.matrix_norm(args[0], "2")
                return vector_ops.eigenvalue(canonical[-3:], args[0])
            except ParseError as exc:
                raise ParseError(exc.reason, text=self.text, position=open_tok.pos) from None
        if len(args) != 1:
            raise self.fail(f"{canonical}(...) takes one matrix", open_tok)
        return vector_ops.multiply(symbol(canonical), args[0])

    def defines_function(self, name: Name) -> bool:
        """Whether the formula is ``\\sigma(z) = ...``: a function defined on one plain name."""
        first = self.tokens[0]
        if first.pos != name.pos or not self.is_sym("("):
            return False
        inner, close, equals = self.peek(), self.peek(2), self.peek(3)
        plain = (inner.kind == "word" and len(inner.value) == 1) or (
            inner.kind == "cmd" and inner.value in GREEK_NAMES)
        return plain and self.is_sym(")", close) and self.is_sym("=", equals)

    def data_entry(self, name: Name) -> sp.Basic | None:
        """``y_i``, ``x_i``, ``x_1`` as an entry of a declared vector or a row of a declared
        matrix (see :meth:`symopt.shapes.Shapes.indexed`), or ``None`` for a plain name."""
        if not self.shapes or name.star or name.primes or name.iterate is not None:
            return None
        index = name.index if name.index is not None else \
            sp.Integer(name.sub) if name.sub is not None and name.sub.isdigit() else None
        bound = [k for k, v in self.bound.items() if v == index] if index is not None else []
        if (name.sub is not None or name.index is not None) and not bound and \
                not (index is not None and index.is_Integer) and self.shapes.is_data(name.base):
            raise ParseError(self.shapes.ambiguous_subscript(
                name.base, name.canonical() if name.index is None else None,
                f"{name.base}_{{{index}}}"), text=self.text, position=name.pos)
        if index is None:
            return None
        label = bound[0] if bound else str(index)
        try:
            found = self.shapes.indexed(name.base, index, label)
        except ParseError as exc:
            raise ParseError(exc.reason, text=self.text, position=name.pos) from None
        if found is None:
            return None
        value, note = found
        self.notes.append(note)
        if bound:
            rows = (self.shapes[name.base] if name.base in self.shapes else
                    self.shapes[name.base.upper()]).rows
            self.ranges.append((f"{name.base}_{label}", label, rows))
        return value

    def is_function_power(self, name: Name) -> bool:
        """``H^{-1}(x)``: a power written between a function letter and its argument."""
        if not is_function_name(name.base) or name.primes or name.sub is not None:
            return False  # g_t^2 (1 - β) is a product
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
        nxt, after = self.tokens[j + 1], self.tokens[min(j + 2, len(self.tokens) - 1)]
        return self.is_sym("(", nxt) or (self.is_sym("{", nxt) and self.is_sym("(", after))

    def apply_function(self, name: Name, local: sp.Basic | None,
                       power: tuple[sp.Basic, Tok] | None) -> sp.Basic:
        canonical = Name(name.base, name.pos, star=name.star, sub=name.sub).canonical()
        function = local if local is not None else sp.Function(canonical, real=True)
        if local is None:
            self.applied.setdefault(canonical, name.pos)
        braced = self.is_sym("{")
        if braced:
            self.advance()
        args = self.call_arguments()
        if braced:
            self.expect("}", "'}' after the function's arguments")
        if any(is_matrix(a) for a in args) and not isinstance(function, sp.FunctionClass):
            raise self.fail(f"{canonical}(...) of a vector or matrix: elementwise functions are "
                            "not read; write a sum over the entries", self.tokens[self.i - 1])
        if name.primes and any(is_matrix(a) for a in args):
            raise self.fail(f"{canonical}'(...) of a vector: write \\nabla {canonical}(...) "
                            "for the gradient", self.tokens[self.i - 1])
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
