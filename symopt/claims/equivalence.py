"""Are two expressions (numbers, vectors, matrices, equations) the same?

First the difference is evaluated at random points that respect the symbols'
assumptions (positive symbols get positive values, integers get integers),
exactly when the point makes it rational and to 60 digits otherwise; a point
where the two sides differ is re-checked at 120 digits and returned as the
counterexample. If no point separates them, a few cheap canonical forms try to
prove the difference is zero; failing that, the sides are reported equal on
numeric evidence, and the evidence says so.

>>> from symopt.claims.equivalence import compare
>>> from symopt.parse import parse_expr
>>> compare(parse_expr("sqrt(1/n)"), parse_expr("1/sqrt(n)")).equal  # safe: symopt.parse
True
>>> r = compare(parse_expr("1 - 1/E"), parse_expr("1 + 1/E"))  # safe: symopt.parse
>>> r.equal, r.how
(False, 'the values differ: 1 - exp(-1) ≈ 0.632120558828558 but exp(-1) + 1 ≈ 1.36787944117144')
"""

from __future__ import annotations

import random
from contextvars import ContextVar
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.evalf import PrecisionExhausted

__all__ = ["Comparison", "compare", "compare_equations", "compare_numbers", "sample_point",
           "set_names", "unify_names"]

#: Functions whose pieces random points must all reach.
_PIECEWISE = (sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.sign, sp.floor, sp.ceiling,
              sp.Heaviside)

DIGITS = 60
CONFIRM_DIGITS = 120
POINTS = 10


@dataclass(frozen=True)
class Comparison:
    """``equal`` is True, False or None (undecided), ``how`` says why.

    ``proved``: equality shown symbolically; ``numeric``: a difference found only
    to floating accuracy (a numerically computed root), not at an exact witness.
    """

    equal: bool | None
    how: str
    point: dict[str, str] = field(default_factory=dict)
    proved: bool = False
    numeric: bool = False

    @property
    def basis(self) -> str:
        """What the outcome rests on (see :data:`symopt.claims.claim.BASES`).

        >>> Comparison(True, "equal at 10 random points").basis
        'numeric'
        >>> Comparison(False, "the values differ at x = 1", {"x": "1"}).basis
        'counterexample'
        """
        if self.equal is True:
            return "exact" if self.proved else "numeric"
        if self.equal is False:
            if self.numeric:
                return "numeric"
            return "counterexample" if self.point else "exact"
        return ""


def _fmt(value: sp.Basic) -> str:
    if isinstance(value, sp.Rational) and max(abs(value.p), value.q).bit_length() > 330:
        return f"≈ {sp.N(value, 15)} (an exact rational too long to print)"
    if isinstance(value, sp.Basic) and value.is_number and not value.is_Rational:
        try:
            return f"{sp.sstr(value)} ≈ {sp.N(value, 15)}"
        except (TypeError, ValueError, ArithmeticError):
            pass
    return sp.sstr(value)


#: Admissible values of hyperparameters (β ∈ [0, 1), ...) while a claim is checked.
_DOMAINS: ContextVar[dict[sp.Symbol, sp.Set] | None] = ContextVar("domains", default=None)


def set_domains(domains: dict[sp.Symbol, sp.Set]) -> None:
    """Sample these symbols inside their domains (a method's hyperparameters)."""
    _DOMAINS.set(dict(domains))


#: The symbol each name stands for while a claim is checked (its stated assumptions).
_NAMES: ContextVar[dict[str, sp.Symbol] | None] = ContextVar("names", default=None)


def set_names(symbols: dict[str, sp.Symbol]) -> None:
    """Read every symbol named like one of these as that symbol (see :func:`unify_names`)."""
    _NAMES.set({s.name: s for s in symbols.values() if isinstance(s, sp.Symbol)})


def unify_names(*objects):
    """The objects with one symbol per name: same-named symbols made the same.

    A name is one symbol everywhere in a claim, whatever assumptions the symbol
    got where it was made (a ``lambda`` declared positive in a problem and the
    house ``lambda`` of the analysis). The symbol of :func:`set_names` wins; among
    others, the one with the most assumptions. Dummies are left alone.

    >>> a, b = sp.Symbol("lam", positive=True), sp.Symbol("lam", real=True)
    >>> unify_names(a + 1, b + 1)
    (lam + 1, lam + 1)
    >>> _[0] == _[1]
    True
    """
    preferred = _NAMES.get() or {}
    by_name: dict[str, list[sp.Symbol]] = {}
    for obj in objects:
        for s in getattr(obj, "free_symbols", ()):
            if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy):
                group = by_name.setdefault(s.name, [])
                if s not in group:
                    group.append(s)
    mapping = {}
    for name, group in by_name.items():
        chosen = preferred.get(name)
        if chosen is None:
            if len(group) < 2:
                continue
            chosen = max(group, key=lambda s: sum(1 for v in s.assumptions0.values() if v))
        mapping.update({s: chosen for s in group if s != chosen})
    if not mapping:
        return objects
    return tuple(o.xreplace(mapping) if hasattr(o, "xreplace") else o for o in objects)


def _inside(domain: sp.Interval, rng: random.Random) -> sp.Expr:
    low, high = domain.start, domain.end
    fraction = sp.Rational(rng.randint(1, 996), 997)
    if low.is_finite and high.is_finite:
        return low + (high - low) * fraction
    scale = sp.Integer(10) ** rng.randint(-2, 2)
    step = scale * sp.Rational(rng.randint(1, 997), 997 - rng.randint(0, 90))
    if low.is_finite:
        return low + step
    if high.is_finite:
        return high - step
    return step if rng.random() < 0.5 else -step


def sample_point(symbols: set[sp.Symbol], rng: random.Random) -> dict[sp.Symbol, sp.Expr]:
    """A random rational point that respects each symbol's assumptions.

    >>> from symopt.symbols import symbol
    >>> p = sample_point({symbol("n"), symbol("x")}, random.Random(0))
    >>> p[symbol("n")].is_integer and p[symbol("n")] > 0
    True
    """
    point: dict[sp.Symbol, sp.Expr] = {}
    for s in sorted(symbols, key=lambda s: s.name):
        domain = (_DOMAINS.get() or {}).get(s)
        if isinstance(domain, sp.Interval) and not s.is_integer:
            point[s] = _inside(domain, rng)
            continue
        if s.is_integer:
            low = 1 if s.is_positive else 0 if s.is_nonnegative else -9
            high = -1 if s.is_negative else 0 if s.is_nonpositive else 12
            if s.is_even or s.is_odd:
                value = sp.Integer(2 * rng.randint(max(low, -4), max(high, 1) // 2 + 1)
                                   + (1 if s.is_odd else 0))
            else:
                if rng.random() < 0.3:  # now and then a large one
                    low, high = (low * 40 if low < 0 else low), (high * 40 if high > 0 else high)
                value = sp.Integer(rng.randint(low, high))
        else:
            # magnitudes from 1/100 to 100, so that piecewise pieces (|1 − 4α|, max)
            # are all visited
            scale = sp.Integer(10) ** rng.randint(-2, 2)
            value = scale * sp.Rational(rng.randint(1, 997), 997 - rng.randint(0, 90))
            if s.is_nonpositive or (not s.is_nonnegative and rng.random() < 0.5):
                value = -value
            if s.is_zero:
                value = sp.S.Zero
        point[s] = value
    return point


def _numeric(value: sp.Basic, digits: int) -> sp.Basic | None:
    """An exact rational or a ``digits``-digit number; None where undefined."""
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not value.is_number:
        return None
    if value.is_Rational:
        return value
    # strict: SymPy must reach the requested accuracy or say so. Without it,
    # cancellation (1 − σ(z) for large z) silently yields garbage digits, and a
    # true claim would be "refuted" at that point.
    try:
        number = sp.N(value, digits, strict=True)
    except PrecisionExhausted:
        try:
            number = sp.N(value, digits, strict=True, maxn=20 * digits)
        except PrecisionExhausted:
            return None  # beyond reach at this point: no evidence either way
    if number.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not number.is_number:
        return None
    return number


def _differ(a: sp.Basic, b: sp.Basic, digits: int) -> bool | None:
    """Whether two numbers differ (None where either is undefined)."""
    if a.is_Rational and b.is_Rational:
        return a != b
    va, vb = _numeric(a, digits), _numeric(b, digits)
    if va is None or vb is None:
        return None
    # The difference itself, to full accuracy where SymPy can reach it: a gap of 1 between
    # two values near e^8103 is far below their 60 digits but is a difference all the same.
    try:
        exact_gap = sp.N(a - b, digits, strict=True)
    except PrecisionExhausted:  # a cancellation to (near) zero: decided relatively below
        exact_gap = None
    if exact_gap is not None and exact_gap.is_number and not exact_gap.has(sp.zoo, sp.nan):
        return bool(exact_gap != 0)
    gap = abs(sp.N(va - vb, digits))
    scale = max(abs(va), abs(vb), sp.S.One)
    return bool(gap > scale * sp.Rational(1, 10) ** (digits - 15))


def _at(expr: sp.Basic, point: dict) -> sp.Basic:
    return expr.xreplace(point) if point else expr


def compare(stated: sp.Basic, correct: sp.Basic, *, points: int = POINTS, seed: int = 2024,
            where: sp.Basic | None = None) -> Comparison:
    """Compare two scalars, vectors or matrices; numeric difference first, then a proof.

    With ``where`` (a condition on the symbols), only points that satisfy it count,
    and equality is claimed only there.

    >>> from symopt.parse import parse_expr as p
    >>> compare(p("1/factorial(2004)"), p("1/factorial(2006)")).equal
    False
    >>> compare(p("[2*x, 20*y]"), p("[2*x, 20*y]")).proved
    True
    >>> compare(p("1 - x"), p("Abs(1 - x)"), where=p("x < 1", relations=True)).equal
    True
    """
    if where is not None and where is not sp.true:
        stated, correct, where = unify_names(stated, correct, where)
        return _compare_where(stated, correct, where, points=points, seed=seed)
    stated, correct = unify_names(stated, correct)
    if isinstance(stated, sp.MatrixBase) or isinstance(correct, sp.MatrixBase):
        return _compare_matrices(stated, correct, points=points, seed=seed)
    stated, correct = sp.sympify(stated), sp.sympify(correct)  # safe: SymPy objects, not text
    symbols = stated.free_symbols | correct.free_symbols
    rng = random.Random(seed)
    tried = 0
    if stated.has(*_PIECEWISE) or correct.has(*_PIECEWISE):
        points *= 4
    for _ in range(points * 3):
        point = sample_point(symbols, rng) if symbols else {}
        a, b = _at(stated, point), _at(correct, point)
        verdict = _differ(a, b, DIGITS)
        if verdict is None:
            continue
        tried += 1
        if verdict and _differ(a, b, CONFIRM_DIGITS):
            where = {s.name: sp.sstr(v) for s, v in point.items()}
            at = f" at {', '.join(f'{k} = {v}' for k, v in where.items())}" if where else ""
            return Comparison(False, f"the values differ{at}: {_fmt(a)} but {_fmt(b)}", where)
        if not symbols or tried >= points:
            break
    if tried == 0:
        return Comparison(None, "neither side could be evaluated at any sample point "
                          "(both undefined there)")
    if _proved_zero(stated - correct):
        return Comparison(True, "the difference simplifies to 0", proved=True)
    if not symbols:
        return Comparison(True, f"equal to {DIGITS} digits")
    return Comparison(True, f"equal at {tried} random points (to {DIGITS} digits) respecting "
                      "the symbols' assumptions; not proved symbolically")


def _compare_where(stated: sp.Basic, correct: sp.Basic, where: sp.Basic, *, points: int,
                   seed: int) -> Comparison:
    """Compare two scalars at random points that satisfy the condition ``where``."""
    if where is sp.false:
        return Comparison(None, "the condition holds nowhere")
    stated, correct = sp.sympify(stated), sp.sympify(correct)  # safe: SymPy objects, not text
    symbols = stated.free_symbols | correct.free_symbols | where.free_symbols
    rng = random.Random(seed)
    points *= 4 if stated.has(*_PIECEWISE) or correct.has(*_PIECEWISE) else 2
    tried = 0
    for _ in range(points * 60):
        point = sample_point(symbols, rng)
        if where.xreplace(point) is not sp.true:
            continue
        a, b = _at(stated, point), _at(correct, point)
        verdict = _differ(a, b, DIGITS)
        if verdict is None:
            continue
        tried += 1
        if verdict and _differ(a, b, CONFIRM_DIGITS):
            where_text = {s.name: sp.sstr(v) for s, v in point.items()}
            at = ", ".join(f"{k} = {v}" for k, v in where_text.items())
            return Comparison(False, f"the values differ at {at} (which satisfies the "
                              f"condition): {_fmt(a)} but {_fmt(b)}", where_text)
        if tried >= points:
            break
    if tried == 0:
        return Comparison(None, f"no sample point satisfies {sp.sstr(where)}")
    if _proved_zero(stated - correct):
        return Comparison(True, "the difference simplifies to 0", proved=True)
    return Comparison(True, f"equal at {tried} random points satisfying {sp.sstr(where)} (to "
                      f"{DIGITS} digits); not proved symbolically")


def _proved_zero(difference: sp.Basic) -> bool:
    if difference.is_zero:
        return True
    for canonical in (sp.expand, sp.cancel, sp.radsimp, sp.powsimp, sp.together):
        try:
            if canonical(difference).is_zero or canonical(difference) == 0:
                return True
        except (TypeError, ValueError, ArithmeticError, NotImplementedError, RecursionError):
            continue
    if sp.count_ops(difference) > 300:
        # simplify on a large expression can take longer than the claim's whole time
        # limit and lose the numeric evidence already gathered
        return False
    try:
        return sp.simplify(difference) == 0
    except (TypeError, ValueError, ArithmeticError, NotImplementedError, RecursionError):
        return False


def _compare_matrices(stated: sp.Basic, correct: sp.Basic, *, points: int, seed: int
                      ) -> Comparison:
    if not (isinstance(stated, sp.MatrixBase) and isinstance(correct, sp.MatrixBase)):
        kind = "a matrix/vector" if isinstance(correct, sp.MatrixBase) else "a scalar"
        return Comparison(False, f"the answer is {kind}: {sp.sstr(correct)}, "
                          f"not {sp.sstr(stated)}")
    if stated.shape != correct.shape:
        return Comparison(False, f"shape {stated.shape} but the answer has shape "
                          f"{correct.shape}: {sp.sstr(correct.tolist())}")
    proved = True
    hows = set()
    for index, (s, c) in enumerate(zip(stated, correct)):
        result = compare(s, c, points=points, seed=seed + index)
        if result.equal is not True:
            i, j = divmod(index, stated.cols)
            place = f"entry ({i + 1}, {j + 1})" if stated.cols > 1 else f"component {i + 1}"
            return Comparison(result.equal, f"{place}: {result.how}", result.point,
                              numeric=result.numeric)
        proved = proved and result.proved
        hows.add(result.how)
    how = "every entry: " + "; ".join(sorted(hows))
    return Comparison(True, how, proved=proved)


def compare_numbers(stated: sp.Basic, correct: sp.Basic, *, tolerance: float | None = None,
                    rel_tolerance: float | None = None, rounding: int | None = None,
                    significant: int | None = None) -> Comparison:
    """Compare a stated number with the correct one under a stated tolerance/rounding.

    >>> compare_numbers(sp.Rational(33, 100), sp.Rational(1, 3), rounding=2).equal
    True
    >>> compare_numbers(sp.Rational(34, 100), sp.Rational(1, 3), rounding=2).equal
    False
    """
    if tolerance is None and rel_tolerance is None and rounding is None and significant is None:
        return compare(stated, correct)
    if not (stated.is_number and correct.is_number):
        return Comparison(None, "a tolerance needs numbers on both sides, got "
                          f"{sp.sstr(stated)} and {sp.sstr(correct)}")
    if correct.is_real is False or stated.is_real is False:
        return compare(stated, correct)
    allowed = []
    if tolerance is not None:
        allowed.append((sp.Rational(repr(float(tolerance))), f"within {tolerance:g}"))
    if rel_tolerance is not None:
        allowed.append((sp.Rational(repr(float(rel_tolerance))) * abs(correct),
                        f"within {rel_tolerance:g} relative"))
    if rounding is not None:
        allowed.append((sp.Rational(1, 2) * sp.Rational(1, 10) ** int(rounding),
                        f"rounded to {int(rounding)} decimals"))
    if significant is not None:
        value = sp.N(abs(correct), 30)
        exponent = sp.floor(sp.log(value, 10)) if value != 0 else 0
        allowed.append((sp.Rational(1, 2) * sp.Integer(10) ** (exponent - int(significant) + 1),
                        f"rounded to {int(significant)} significant digits"))
    gap = abs(stated - correct)
    for bound, label in allowed:
        inside = sp.N(gap - bound, 50)
        if inside <= 0:
            return Comparison(True, f"{sp.sstr(stated)} is {_fmt(correct)} {label}",
                              proved=_sign_certain(gap - bound))
    labels = " / ".join(label for _, label in allowed)
    return Comparison(False, f"the value is {_fmt(correct)}; {sp.sstr(stated)} is not it "
                      f"({labels}; off by {sp.N(gap, 6)})",
                      numeric=not all(_sign_certain(gap - b) for b, _ in allowed))


def _sign_certain(value: sp.Expr) -> bool:
    """Whether the sign of an exact number is decided: rational, or evaluated to full
    accuracy (``strict``) and not zero."""
    if value.is_Rational:
        return True
    try:
        return sp.N(value, 50, strict=True) != 0
    except (PrecisionExhausted, TypeError, ValueError):
        return False


def compare_equations(stated: sp.Basic, correct: sp.Basic,
                      unknowns: tuple[sp.Symbol, ...] | None = None) -> Comparison:
    """Compare two equations as equations: same solution set, not just "both = 0".

    Proportional residuals prove equivalence; otherwise the solution sets for
    the unknowns (default: every free symbol) are compared.

    >>> from symopt.parse import parse_relation as r
    >>> compare_equations(r("2*x = 2"), r("x = 1")).equal
    True
    >>> compare_equations(r("x**2 = 1"), r("x = 1")).equal
    False
    """
    if not (isinstance(stated, sp.Equality) and isinstance(correct, sp.Equality)):
        return Comparison(None, "both sides must be equations")
    stated, correct = unify_names(stated, correct)
    if unknowns:
        unknowns = unify_names(*unknowns)
    rs, rc = stated.lhs - stated.rhs, correct.lhs - correct.rhs
    ratio = sp.cancel(sp.together(rs / rc)) if rc != 0 else None
    if ratio is not None and ratio.is_number and ratio != 0 and ratio.is_finite:
        return Comparison(True, f"the residuals are proportional (factor {sp.sstr(ratio)})",
                          proved=True)
    symbols = sorted(rs.free_symbols | rc.free_symbols, key=lambda s: s.name)
    unknowns = tuple(unknowns) if unknowns else tuple(symbols)
    try:
        ss = sp.solve(rs, list(unknowns), dict=True)
        sc = sp.solve(rc, list(unknowns), dict=True)
    except (NotImplementedError, ValueError, TypeError) as exc:
        return Comparison(None, f"cannot solve the equations: {exc}")
    proved = True
    for solution in ss:
        check = compare(rc.xreplace(solution), sp.S.Zero)
        proved = proved and check.proved
        if check.equal is False:
            return Comparison(False, f"{_pt(solution)} solves the stated equation but not the "
                              f"correct one ({check.how})", {k.name: sp.sstr(v)
                                                             for k, v in solution.items()})
    for solution in sc:
        check = compare(rs.xreplace(solution), sp.S.Zero)
        proved = proved and check.proved
        if check.equal is False:
            return Comparison(False, f"{_pt(solution)} solves the correct equation but not the "
                              f"stated one ({check.how})", {k.name: sp.sstr(v)
                                                            for k, v in solution.items()})
    if not ss and not sc:
        if len(unknowns) == 1:
            numeric = _polynomial_roots(rs, rc, unknowns[0])
            if numeric is not None:
                return numeric
        return Comparison(None, "neither equation could be solved for "
                          f"{', '.join(s.name for s in unknowns)}")
    return Comparison(True, "the solution sets for "
                      f"{', '.join(s.name for s in unknowns)} agree", proved=proved)


def _polynomial_roots(rs: sp.Expr, rc: sp.Expr, x: sp.Symbol) -> Comparison | None:
    """Polynomial equations SymPy cannot solve: compare their roots numerically.

    The other symbols get random rational values; a root of one residual that
    is not a root of the other (to 40 digits) separates the equations.
    """
    rng = random.Random(3)
    others = (rs.free_symbols | rc.free_symbols) - {x}
    for _ in range(3):
        values = sample_point(others, rng)
        for first, second, label in ((rs, rc, "stated"), (rc, rs, "correct")):
            try:
                poly = sp.Poly(sp.together(first.xreplace(values)).as_numer_denom()[0], x)
            except sp.PolynomialError:
                return None
            if poly.degree() < 1 or poly.degree() > 40:
                return None
            for root in poly.nroots(n=50, maxsteps=200):
                value = sp.N(second.xreplace(values).xreplace({x: root}), 50)
                scale = 1 + sum(abs(sp.N(c, 20)) for c in poly.all_coeffs())
                if abs(value) > scale * sp.Float("1e-30", 50):
                    where = {k.name: sp.sstr(v) for k, v in values.items()}
                    at = ", ".join(f"{k} = {v}" for k, v in where.items())
                    other = "correct" if label == "stated" else "stated"
                    return Comparison(False, f"{x} ≈ {sp.N(root, 15)} solves the {label} "
                                      f"equation but not the {other} one"
                                      f"{' (at ' + at + ')' if at else ''}", where,
                                      numeric=True)
    return None


def _pt(solution: dict) -> str:
    return ", ".join(f"{k} = {sp.sstr(v)}" for k, v in solution.items())
