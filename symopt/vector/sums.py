"""Finite sums with symbolic bounds, exact and checked by induction, and bounded in size.

:func:`finite_sum` asks SymPy for the closed form S(b) of Σ_{i=a}^{b} f(i) with a
symbolic upper bound, then *proves* it by induction, independently of how SymPy
found it: S(a − 1) = 0 (the empty sum) and S(k) − S(k − 1) = f(k) for every k,
simplified to 0. A closed form that SymPy returns as a ``Piecewise`` (the
geometric sum at β = 1) is proved branch by branch. Without a closed form, a
sum with explicit bounds is added term by term only up to :data:`MAX_TERMS`
terms; a longer one is refused (never a hang), and all symbolic work runs
under :func:`symopt.timeout.run_with_timeout`.

>>> import sympy as sp
>>> beta = sp.Symbol("beta", positive=True)
>>> t = sp.Symbol("t", integer=True, positive=True)
>>> tau = sp.Symbol("tau", integer=True)
>>> finite_sum(beta**tau, tau, 0, t - 1).value
Piecewise((t, Eq(beta, 1)), ((1 - beta**t)/(1 - beta), True))
"""

from __future__ import annotations

import sympy as sp

from symopt.errors import DomainError
from symopt.result import Finding
from symopt.timeout import check_seconds, run_with_timeout

__all__ = ["MAX_TERMS", "finite_sum", "proves_closed_form"]

#: Most terms of a sum with explicit bounds that are ever added one by one.
MAX_TERMS = 10_000


def _is_zero(expr: sp.Expr) -> bool:
    return sp.simplify(sp.expand(sp.powsimp(expr))) == 0


def proves_closed_form(term: sp.Expr, index: sp.Symbol, lower: sp.Expr, closed: sp.Expr,
                       upper: sp.Symbol) -> bool:
    """Whether S = ``closed`` (a function of ``upper``) satisfies S(lower − 1) = 0 and
    S(k) − S(k − 1) = term(k) — the induction that proves Σ_{index=lower}^{upper} term = S.

    >>> import sympy as sp
    >>> i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
    >>> proves_closed_form(i, i, 1, n * (n + 1) / 2, n), proves_closed_form(i, i, 1, n**2 / 2, n)
    (True, False)
    """
    if isinstance(closed, sp.Piecewise):
        return _piecewise(term, index, lower, closed, upper)
    k = sp.Dummy("k", integer=True)
    empty = closed.subs(upper, lower - 1)
    step = closed.subs(upper, k) - closed.subs(upper, k - 1) - term.subs(index, k)
    return _is_zero(empty) and _is_zero(step)


def _piecewise(term: sp.Expr, index: sp.Symbol, lower: sp.Expr, closed: sp.Piecewise,
               upper: sp.Symbol) -> bool:
    for value, condition in closed.args:
        if condition is sp.true:
            if not proves_closed_form(term, index, lower, value, upper):
                return False
            continue
        if not isinstance(condition, sp.Eq) or not condition.lhs.is_Symbol:
            return False
        fixed = {condition.lhs: condition.rhs}
        if not proves_closed_form(term.subs(fixed), index, lower, value.subs(fixed), upper):
            return False
    return True


def _count(lower: sp.Expr, upper: sp.Expr) -> int | None:
    count = sp.sympify(upper - lower + 1)  # safe: SymPy objects
    return int(count) if count.is_Integer else None


def _closed(term: sp.Expr, index: sp.Symbol, lower: sp.Expr, upper: sp.Expr):
    explicit = _count(lower, upper)
    # A fresh symbolic top, even when the bound is a number or a symbol the term uses
    # (Adam's Σ_{i=1}^{t} β^{t−i}): the induction is over the top alone, t stays fixed.
    top = sp.Dummy("N", integer=True)
    closed = sp.summation(term, (index, lower, top))
    if closed.has(sp.Sum):
        if explicit is None:
            return None, "SymPy finds no closed form"
        if explicit > MAX_TERMS:
            raise DomainError(f"the sum has {explicit} terms and no closed form; sums of "
                              f"more than {MAX_TERMS} explicit terms are refused")
        return sp.Add(*[term.subs(index, lower + j) for j in range(max(explicit, 0))]), \
            f"added term by term ({explicit} terms)"
    closed = sp.piecewise_fold(sp.powsimp(closed))
    if not isinstance(closed, sp.Piecewise):
        closed = sp.simplify(closed)
    proved = proves_closed_form(term, index, lower, closed, top)
    closed = closed.subs(top, upper)
    closed = sp.piecewise_fold(closed) if closed.has(sp.Piecewise) else sp.simplify(closed)
    how = ("proved by induction: S(a − 1) = 0 and S(k) − S(k − 1) = f(k)" if proved
           else "SymPy's closed form; the induction check did not simplify to 0")
    return closed, how, proved


def finite_sum(term: sp.Expr, index: sp.Symbol, lower: sp.Expr, upper: sp.Expr, *,
               seconds: float = 20.0) -> Finding[sp.Expr]:
    """Σ_{index=lower}^{upper} term, exact (unknown with the reason when not proved).

    >>> import sympy as sp
    >>> beta = sp.Symbol("beta", positive=True)
    >>> t = sp.Symbol("t", integer=True, positive=True)
    >>> i = sp.Symbol("i", integer=True)
    >>> finite_sum((1 - beta) * beta**(t - i), i, 1, t).value   # Adam's bias correction
    1 - beta**t
    >>> finite_sum(sp.Function("g")(i), i, 1, 10**6)
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: the sum has 1000000 terms and no closed form; sums of more ...
    """
    seconds = check_seconds(seconds)
    if not isinstance(index, sp.Symbol):
        raise DomainError(f"the summation index must be a symbol, got {index!r}")
    result = run_with_timeout(_closed, term, index, lower, upper, seconds=seconds)
    if result[0] is None:
        return Finding.unknown(f"Σ_{{{index}={lower}}}^{{{upper}}} {term}: {result[1]}")
    if len(result) == 2:
        return Finding(result[0], result[1])
    closed, how, proved = result
    if not proved:
        return Finding.unknown(f"{how}: {closed} is not certified", candidate=closed)
    return Finding(closed, how)
