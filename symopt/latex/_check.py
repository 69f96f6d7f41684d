"""The check after a parse: print with ``sympy.latex``, read back, require the same value.

>>> import sympy as sp
>>> latex_name("alphastar_t"), latex_name("w_1__k"), latex_name("x_i_j")
('\\\\alpha_{t}^{*}', 'w_{1}^{(k)}', 'x_{i,j}')
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

import sympy as sp
from sympy.core.function import AppliedUndef

from symopt.errors import ParseError
from symopt.latex._parser import Parser, symbols_in
from symopt.latex._tokens import tokenize
from symopt.symbols import symbol


def check_round_trip(result: sp.Basic, text: str, local: Mapping[str, sp.Basic] | None) -> bool:
    """Print ``result`` with :func:`sympy.latex`, read it back, and require the same value.

    Derivatives (printed as ``d/dx``, which this parser refuses) are checked as
    opaque stand-ins; a printed form outside the language this parser reads is
    no evidence either way and is skipped. Returns whether the check ran.
    """
    if _has_matrix_expression(result):
        return False  # symbolic vectors: sympy.latex prints forms (A_{0,0}) outside the language
    result = _readable(result, local or {})
    names = {s: latex_name(s.name) for s in symbols_in(result)
             if re.search(r"__|star|prime|_.*_", s.name)}
    try:
        printed = sp.latex(result, symbol_names=names, mul_symbol="dot", imaginary_unit="ri")
        again = Parser(printed, tokenize(printed), dict(local or {}), split=False).parse()
    except (ParseError, TypeError, ValueError, RecursionError):
        return False
    if not _same(result, again):
        raise ParseError(f"internal check failed: the parse {result} prints as {printed!r}, "
                         f"which reads back as {again}; refusing rather than guessing",
                         text=text, position=0)
    return True


def _has_matrix_expression(result: object) -> bool:
    return isinstance(result, sp.Basic) and not isinstance(result, sp.MatrixBase) and \
        bool(result.atoms(sp.MatrixSymbol))


def _readable(result: sp.Basic, local: Mapping[str, object]) -> sp.Basic:
    """Stand-ins for symbols whose printed name would not read back to them.

    A symbol from ``local`` named, say, ``T0`` prints as ``T_{0}``, which reads back as
    the house symbol ``T_0``: it is swapped for a house symbol no input uses; so is
    each derivative ``f'(x)``, since the printer writes it as ``d/dx``.
    """
    swaps: dict[sp.Basic, sp.Basic] = {}
    if isinstance(result, (sp.Basic, sp.MatrixBase)):
        for d in sorted(result.atoms(sp.Derivative, sp.Subs), key=sp.default_sort_key):
            swaps[d] = symbol(f"Omega_{9000 + len(swaps)}")
        result = result.xreplace(swaps) if swaps else result
    for s in symbols_in(result):
        if not isinstance(s, sp.Symbol) or isinstance(s, sp.Dummy) or local.get(s.name) is s:
            continue
        try:
            if symbol(s.name) == s:
                continue
        except ParseError:
            pass
        swaps[s] = symbol(f"Omega_{9000 + len(swaps)}")
    return result.xreplace(swaps) if swaps else result


def latex_name(name: str) -> str:
    """How this parser writes a name with a star, primes, an iterate or a subscript list."""
    name, _, iterate = name.partition("__")
    head, _, sub = name.partition("_")
    stars = primes = 0
    while (match := re.search(r"(star|prime)$", head)) and match.start() > 0:
        stars, primes = stars + (match.group(1) == "star"), primes + (match.group(1) == "prime")
        head = head[: match.start()]
    if "_" in sub:  # x_i_j was written x_{i,j}
        text = sp.latex(sp.Symbol(head)) + "_{" + sub.replace("_", ",") + "}"
    else:
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
