"""Tokens of LaTeX math: each with its kind, text and position in the input.

The tokenizer strips math delimiters, folds Unicode (θ, −, ·, ≤, ², θ₀) into the
commands they stand for, drops spacing commands, turns ``\\left(`` / ``\\right)``
into sized delimiters and named relations (``\\le``) into symbols, and refuses
TeX's programming commands and over-deep nesting before any parsing happens.

>>> [t.value for t in tokenize(r"$\\frac{1}{2} θ \\le x$")]
['frac', '{', '1', '}', '{', '2', '}', 'theta', '<=', 'x', '']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symopt.errors import ParseError
from symopt.symbols import GREEK

#: Longest accepted input, in characters.
MAX_LENGTH = 5000
#: Deepest accepted nesting (braces, parentheses, scripts, unary signs).
MAX_DEPTH = 50

GREEK_NAMES = set(GREEK) | {"ell"}
_UNICODE_CMD = {
    **dict(zip("αβγδεϵζηθικλμνξπρστφϕχψωΓΔΘΛΞΠΣΦΨΩ", (
        "alpha beta gamma delta epsilon epsilon zeta eta theta iota kappa lambda mu nu xi pi "
        "rho sigma tau phi phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega"
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
UNSUPPORTED = {
    "partial": "\\partial is read only in \\frac{\\partial f}{\\partial x}",
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
    "mathcal": "\\mathcal names one capital letter, e.g. \\mathcal{L}",
    "ast": "\\ast is only allowed as a superscript (x^\\ast)",
    "star": "\\star is only allowed as a superscript (x^\\star)",
}  # fmt: skip


@dataclass(frozen=True)
class Tok:
    kind: str  # num | word | cmd | sym | eof
    value: str
    pos: int
    space: bool = False  # whitespace (or a spacing command) right before it
    sized: str = ""  # "left" / "right" for \left( \right), "" otherwise




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


def tokenize(text: str) -> list[Tok]:
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input is {len(text)} characters long; the limit is {MAX_LENGTH}")
    start, end = _strip_delimiters(text)
    raw: list[Tok] = []
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
            raw.append(Tok("cmd", match.group(1), i, space))
            i, space = match.end(), False
            continue
        if char in _DIGITS or (char == "." and i + 1 < end and text[i + 1] in _DIGITS):
            match = re.compile(r"[0-9]*\.?[0-9]+").match(text, i, end)
            raw.append(Tok("num", match.group(0), i, space))
            i, space = match.end(), False
            continue
        if char == "|" and i + 1 < end and text[i + 1] == "|":
            raise ParseError("ambiguous '||': write \\| for a norm or | | for nested bars",
                             text=text, position=i)
        if char.isascii() and char.isalpha():
            match = re.compile(r"[A-Za-z]+").match(text, i, end)
            raw.append(Tok("word", match.group(0), i, space))
            i, space = match.end(), False
            continue
        if char in "₀₁₂₃₄₅₆₇₈₉":
            match = re.compile("[₀-₉]+").match(text, i, end)
            raw.append(Tok("sym", "_", i, space))
            raw.append(Tok("num", match.group(0).translate(_SUBSCRIPT), i))
            i, space = match.end(), False
            continue
        if char in _SUPERSCRIPT:
            raw.append(Tok("sym", "^", i, space))
            raw.append(Tok("num", _SUPERSCRIPT[char], i))
        elif char in _UNICODE_CMD:
            raw.append(Tok("cmd", _UNICODE_CMD[char], i, space))
        elif char in _UNICODE_SYM:
            raw.append(Tok("sym", _UNICODE_SYM[char], i, space))
        elif char in "+-*/^_()[]{}=<>,|'!&":
            raw.append(Tok("sym", char, i, space))
        else:
            raise ParseError(f"unexpected character {char!r}", text=text, position=i)
        i, space = i + 1, False
    return _normalise(raw, text, end)


def _normalise(raw: list[Tok], text: str, end: int) -> list[Tok]:
    """Drop spacing, fold sized delimiters and named relations into plain symbols."""
    out: list[Tok] = []
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
            value = delim.value if delim.kind == "sym" else _DELIMITERS.get(delim.value,
                                                                             delim.value)
            if delim.kind == "cmd" and delim.value in ("langle", "rangle"):
                raise ParseError(UNSUPPORTED["langle"], text=text, position=delim.pos)
            if value not in {"(", ")", "[", "]", "|", "||", ".", "lbrace", "rbrace", "lceil",
                             "rceil", "lfloor", "rfloor"}:
                raise ParseError(f"\\{tok.value} must be followed by a delimiter", text=text,
                                 position=delim.pos)
            sized = {"left": "left", "right": "right"}.get(tok.value, "")
            if value == ".":
                raise ParseError(r"invisible delimiters (\left. \right.) are not supported",
                                 text=text, position=tok.pos)
            tok = Tok("sym", value, tok.pos, space, sized)
            i += 1
        elif tok.kind == "cmd" and tok.value in _DELIMITERS:
            # \lvert ... \rvert pair like \left| ... \right|
            sized = {"l": "left", "r": "right"}.get(tok.value[0], "") if tok.value[1:] in (
                "vert", "Vert") else ""
            tok = Tok("sym", _DELIMITERS[tok.value], tok.pos, space, sized)
        elif tok.kind == "cmd" and tok.value in _RELATIONS:
            tok = Tok("sym", _RELATIONS[tok.value], tok.pos, space)
        elif tok.kind == "cmd" and tok.value in ("lceil", "rceil", "lfloor", "rfloor"):
            tok = Tok("sym", tok.value, tok.pos, space)
        elif tok.kind == "cmd" and tok.value in ("wedge", "land"):
            tok = Tok("sym", "and", tok.pos, space)
        elif tok.kind == "cmd" and tok.value in ("text", "textrm", "mathrm") and \
                [(t.kind, t.value) for t in raw[i + 1 : i + 4]] == [
                    ("sym", "{"), ("word", "and"), ("sym", "}")]:
            tok = Tok("sym", "and", tok.pos, space)  # \text{ and } between conditions
            i += 3
        elif tok.kind == "cmd" and tok.value in ("cdot", "times"):
            tok = Tok("sym", "*", tok.pos, space)
        elif tok.kind == "cmd" and tok.value == "div":
            tok = Tok("sym", "/", tok.pos, space)
        elif tok.space != space:
            tok = Tok(tok.kind, tok.value, tok.pos, space, tok.sized)
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
    out.append(Tok("eof", "", end, space))
    return out


def describe(tok: Tok) -> str:
    if tok.kind == "eof":
        return "end of input"
    if tok.kind == "cmd":
        return f"\\{tok.value}"
    return repr(tok.value)
