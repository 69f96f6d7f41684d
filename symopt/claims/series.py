r"""Sums over a schedule: Σ_{t≥1} a_t is infinite, finite, or a stated value.

The Robbins–Monro conditions on step sizes — Σ α_t = ∞ and Σ α_t² < ∞ — are two such
claims about the schedule's term (``reference``).

>>> from symopt.claims import Claim, check
>>> check(Claim("series", "oo", reference="1/t")).status
'true'
>>> v = check(Claim("series", "oo", reference="1/t**2"))
>>> v.status, v.correct
('false', 'pi**2/6')
"""

from __future__ import annotations

import sympy as sp

from symopt.claims.claim import NUMBER_KEYS, Claim, Verdict, register
from symopt.claims.context import Context, show
from symopt.claims.expressions import decide
from symopt.claims.text import clean
from symopt.errors import ParseError

__all__ = ["series_index"]

_INFINITE = {"oo", "infinity", "∞", r"\infty", "+oo", "diverges", "divergent", "infinite",
             "= oo", "= ∞", r"= \infty"}
_FINITE = {"converges", "convergent", "finite", "< oo", "< ∞", r"< \infty", "<oo", "<∞"}
_INDICES = ("t", "k", "n", "i", "s")


def series_index(term: sp.Expr) -> sp.Symbol:
    """The summation index of a term: ``t`` (or ``k``, ``n``, ...), or its one symbol.

    >>> from symopt.parse import parse_expr
    >>> series_index(parse_expr("alpha_0/sqrt(t)"))  # safe: symopt.parse
    t
    """
    free = sorted(term.free_symbols, key=lambda s: s.name)
    for name in _INDICES:
        for s in free:
            if s.name == name:
                return s
    if len(free) == 1:
        return free[0]
    raise ParseError(f"cannot tell the summation index of {term} (name it t)")


@register("series", "sum", "schedule_sum", keys=("reference", "rename", *NUMBER_KEYS))
def check_series(claim: Claim) -> Verdict:
    """Σ_{t≥1} of the term ``reference``: ``oo`` (diverges), ``finite`` or a value."""
    ctx = Context.of(claim)
    if claim.reference is None:
        raise ParseError("a 'series' claim gives the term a_t of Σ_{t≥1} a_t as 'reference'")
    term = ctx.value(claim.reference)
    index = series_index(term)
    n = sp.Dummy("t", integer=True, positive=True)
    # a factor free of t (α₀ in α₀/t) does not change convergence unless it is 0
    coefficient, rest = term.xreplace({index: n}).as_independent(n, as_Add=False)
    assumed = ""
    if coefficient.is_zero is None:
        assumed = f" (for {show(coefficient)} ≠ 0)"
    elif coefficient.is_zero:
        coefficient, rest = sp.S.One, sp.S.Zero
    series = sp.Sum(rest, (n, 1, sp.oo))
    text = clean(str(claim.stated)).strip().lower() if not isinstance(claim.stated, bool) \
        else str(claim.stated)
    convergent = series.is_convergent()
    label = f"Σ_(t≥1) {show(term.xreplace({index: sp.Symbol('t')}))}{assumed}"
    if convergent not in (True, False):
        return Verdict.unknown(f"whether {label} converges is not decided")
    # the limit of a divergent sum of terms of one sign: ∞, −∞, or ±∞ by the factor's sign
    limit = None
    if rest.is_nonnegative:
        limit = "∞" if coefficient.is_positive else "−∞" if coefficient.is_negative else "±∞"
    correct_word = "finite" if convergent else (limit or "divergent")
    if text in _INFINITE or text in _FINITE:
        holds = (text in _FINITE) == bool(convergent)
        why = f"{label} {'converges' if convergent else 'diverges'} (SymPy's convergence tests)"
        if text in _INFINITE and not convergent and text not in ("diverges", "divergent"):
            if limit == "±∞":
                return Verdict.unknown(f"{why} to ±∞ by the sign of {show(coefficient)}: to ∞ "
                                       "when it is positive (declare it so in assumptions)")
            holds = limit == "∞"
            if limit:
                why += f" to {limit}"
        if convergent:
            value = coefficient * series.doit()
            if not value.has(sp.Sum):
                why += f"; its value is {show(value)}"
                correct_word = show(value)
        if holds:
            return Verdict.true(why, correct=correct_word, basis="exact")
        return Verdict.false(why, correct=correct_word, counterexample=why, basis="exact")
    stated = ctx.value(claim.stated)
    if not convergent:
        return Verdict.false(f"{label} diverges", correct=correct_word, basis="exact",
                             counterexample=f"{label} diverges (SymPy's convergence tests); "
                             f"it has no finite value such as {show(stated)}")
    value = coefficient * series.doit()
    if value.has(sp.Sum):
        return Verdict.unknown(f"{label} converges, but its value was not found in closed form")
    return decide(ctx.numbers(stated, value), value, label)
