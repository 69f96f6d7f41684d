"""Exact sign proofs over a parameter region: ``expr ≥ 0`` (or ``> 0``) for all L, μ, α allowed.

A certificate's multipliers and residual depend on the class constants and the
step size; they are valid only if they are nonnegative (PSD) over the region
the statement is made for, e.g. ``0 < μ < L, 0 < α ≤ 1/L``. This module proves
that, exactly, with a sufficient test:

1. The region is **parametrised by nonnegative symbols**: each parameter, taken
   in an order in which its bounds depend only on earlier ones, is written as
   ``a + t`` (a lower bound a), ``b − t`` (an upper bound b) or
   ``(a + b·t)/(1 + t)`` (both), with a new symbol ``t ≥ 0`` (``t > 0`` when
   the bound is strict); a closed interval ``a ≤ s ≤ b`` is covered by that map
   and the end point ``s = b`` separately. Every point of the region is the
   image of such ``t`` (the image may be larger, which keeps the proof sound).
2. The expression, rewritten in the new symbols and put over a common
   denominator, is **factored**; a factor with an even power is ≥ 0 and a
   factor whose polynomial coefficients all have one sign has that sign for
   nonnegative arguments. This decides the sign of numerator and denominator.
3. Otherwise SymPy's assumptions are asked; otherwise sample points of the
   region are evaluated exactly: a point where the expression is negative
   (checked to satisfy every relation of the region) makes the answer false,
   with the point as witness. Anything else is unknown, with the reason.

The test is sufficient, not necessary: "unknown" does not mean false.

>>> import sympy as sp
>>> L, mu, alpha = sp.symbols("L mu alpha", positive=True)
>>> prove_nonnegative(2 - alpha * L, (alpha < 2 / L,)).value
True
>>> prove_nonnegative(1 - alpha * L, (alpha < 2 / L,)).value
False
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, permutations

import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees.classes import as_expr
from symopt.result import Finding

__all__ = ["Region", "prove_nonnegative", "prove_positive", "prove_psd"]

#: At most this many parameter orders are tried (each gives one parametrisation).
MAX_ORDERS = 24
#: Matrices up to this size get every principal minor checked symbolically (2ⁿ − 1 minors).
MAX_MINOR_SIZE = 7
#: Sample points tried when looking for a point where the sign fails.
SAMPLES = 40
#: Polynomials with more terms than this are not sign-checked (unknown instead of slow).
MAX_TERMS = 4000

_SAMPLE_VALUES = tuple(sp.Rational(p, q) for p, q in ((1, 1), (1, 3), (3, 1), (1, 10), (10, 1),
                                                       (2, 1), (1, 2), (1, 100), (100, 1)))


@dataclass(frozen=True)
class _Bound:
    value: sp.Expr
    strict: bool


@dataclass(frozen=True)
class _Piece:
    """One parametrisation: original symbol → expression in new symbols ≥ 0 (or > 0)."""

    substitution: dict[sp.Symbol, sp.Expr]
    variables: tuple[sp.Symbol, ...]
    strict: frozenset[sp.Symbol]

    def describe(self) -> str:
        parts = [f"{s} = {sp.sstr(e)}" for s, e in self.substitution.items() if e != s]
        signs = ", ".join(f"{v} {'>' if v in self.strict else '≥'} 0" for v in self.variables)
        return "; ".join(parts) + (f" with {signs}" if signs else "")


class Region:
    """A parameter region: relations such as ``0 < mu``, ``mu < L``, ``alpha <= 1/L`` (all hold).

    Equalities ``Eq(alpha, 1/L)`` substitute the symbol. The symbols' own
    assumptions (``positive=True``, ``integer=True``) add their bounds.

    >>> a, L = sp.symbols("alpha L", positive=True)
    >>> Region((a <= 1 / L,)).contains({a: sp.Rational(1, 2), L: 1})
    True
    """

    def __init__(self, relations: Iterable[sp.Basic] = ()):
        flat: list[sp.Basic] = []
        for rel in relations:
            rel = sp.S(rel) if isinstance(rel, bool) else rel
            flat.extend(rel.args if isinstance(rel, sp.And) else (rel,))
        self.relations: tuple[sp.Basic, ...] = tuple(flat)
        self.equalities: dict[sp.Symbol, sp.Expr] = {}
        self.inequalities: list[tuple[sp.Expr, sp.Expr, bool]] = []  # small < (≤) big
        for rel in self.relations:
            if rel is sp.true:
                continue
            if rel is sp.false:
                raise DomainError("the region is empty (a relation is False)")
            if isinstance(rel, sp.Eq):
                lhs, rhs = rel.lhs, rel.rhs
                if not isinstance(lhs, sp.Symbol):
                    lhs, rhs = rhs, lhs
                if not isinstance(lhs, sp.Symbol) or lhs in rhs.free_symbols:
                    raise UnsupportedError(f"region equality {rel} must set one symbol")
                self.equalities[lhs] = rhs
            elif isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
                self.inequalities.append((rel.lhs, rel.rhs, isinstance(rel, sp.StrictLessThan)))
            elif isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
                self.inequalities.append(
                    (rel.rhs, rel.lhs, isinstance(rel, sp.StrictGreaterThan)))
            else:
                raise UnsupportedError(f"region relation {rel} is not <, ≤, >, ≥ or =")

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        """The parameters the region constrains."""
        out: set[sp.Symbol] = set()
        for rel in self.relations:
            out |= rel.free_symbols
        return out

    def contains(self, point: dict[sp.Symbol, sp.Expr]) -> bool | None:
        """Whether ``point`` (exact values) satisfies every relation and symbol assumption."""
        for symbol, value in point.items():
            value = sp.S(value)
            if symbol.is_positive and not value.is_positive:
                return False
            if symbol.is_nonnegative and not value.is_nonnegative:
                return False
            if symbol.is_integer and not value.is_integer:
                return False
        for rel in self.relations:
            truth = rel.subs(point)
            if truth not in (sp.true, sp.false):
                return None
            if truth is sp.false:
                return False
        return True

    def __repr__(self) -> str:
        return f"Region({', '.join(map(str, self.relations))})"

    # -- parametrisation --------------------------------------------------

    def _bounds_in_order(self, order: Sequence[sp.Symbol]):
        """Per symbol, its lower and upper bounds in earlier symbols; None if the order fails."""
        position = {s: i for i, s in enumerate(order)}
        lower: dict[sp.Symbol, list[_Bound]] = {s: [] for s in order}
        upper: dict[sp.Symbol, list[_Bound]] = {s: [] for s in order}
        for small, big, strict in self.inequalities:
            small, big = small.subs(self.equalities), big.subs(self.equalities)
            symbols = (small.free_symbols | big.free_symbols) & set(order)
            if not symbols:
                continue  # a numeric relation: checked by contains(), not a bound
            last = max(symbols, key=position.__getitem__)
            diff = sp.expand(big - small)  # > 0 (≥ 0), must be linear in `last`
            coeff = sp.cancel(diff.diff(last))
            if last in coeff.free_symbols:
                return None
            rest = sp.expand(diff - coeff * last)
            if last in rest.free_symbols:
                return None
            if coeff.is_positive:  # coeff*last + rest > 0  ⇔  last > −rest/coeff
                lower[last].append(_Bound(sp.simplify(-rest / coeff), strict))
            elif coeff.is_negative:
                upper[last].append(_Bound(sp.simplify(-rest / coeff), strict))
            else:
                return None
        for s in order:
            if not lower[s]:
                if s.is_integer and s.is_positive:
                    lower[s].append(_Bound(sp.S.One, False))
                elif s.is_integer and s.is_nonnegative:
                    lower[s].append(_Bound(sp.S.Zero, False))
                elif s.is_positive:
                    lower[s].append(_Bound(sp.S.Zero, True))
                elif s.is_nonnegative:
                    lower[s].append(_Bound(sp.S.Zero, False))
            lower[s] = self._tightest(lower[s], s, order, +1)
            upper[s] = self._tightest(upper[s], s, order, -1)
            if lower[s] is None or upper[s] is None:
                return None
        return lower, upper

    def _tightest(self, bounds: list[_Bound], s: sp.Symbol, order,
                  sign: int) -> list[_Bound] | None:
        """The one bound implied-tightest among several (others are then redundant), or None.

        For lower bounds (sign +1) the largest, for upper bounds the smallest,
        proved on the relations between the symbols before ``s``.
        """
        if len(bounds) <= 1:
            return bounds
        earlier = set(order[: list(order).index(s)])
        sub = Region([r for r in self.relations
                      if isinstance(r, sp.Eq) or (r.free_symbols and r.free_symbols <= earlier)])
        for b in bounds:
            if all(c is b or prove_nonnegative(sign * (b.value - c.value), sub).value is True
                   for c in bounds):
                return [b]
        return None

    def pieces(self, symbols: Iterable[sp.Symbol]) -> list[list[_Piece]]:
        """Parametrisations of the region over ``symbols``, one list of pieces per order tried."""
        params = sorted((set(symbols) | self.free_symbols) - set(self.equalities), key=str)
        out: list[list[_Piece]] = []
        seen: set[str] = set()
        for order in permutations(params):
            bounds = self._bounds_in_order(order)
            if bounds is None:
                continue
            pieces = self._pieces_for(order, *bounds)
            key = "|".join(p.describe() for p in pieces)
            if key in seen:
                continue
            seen.add(key)
            out.append(pieces)
            if len(out) >= MAX_ORDERS:
                break
        return out

    def _pieces_for(self, order, lower, upper) -> list[_Piece]:
        pieces = [_Piece({}, (), frozenset())]
        for s in order:
            t = sp.Dummy(f"t_{s}", nonnegative=True)
            grown: list[_Piece] = []
            for piece in pieces:
                sub = piece.substitution
                lo = lower[s][0] if lower[s] else None
                hi = upper[s][0] if upper[s] else None
                lo_v = lo.value.subs(sub) if lo else None
                hi_v = hi.value.subs(sub) if hi else None
                options: list[tuple[sp.Expr, bool]] = []  # (expression, t strict)
                if lo is None and hi is None:
                    grown.append(_Piece({**sub, s: s}, piece.variables, piece.strict))
                    continue
                if hi is None:
                    options.append((lo_v + t, lo.strict))
                elif lo is None:
                    options.append((hi_v - t, hi.strict))
                elif hi.strict:  # a ≤ s < b or a < s < b: (a + b t)/(1 + t)
                    options.append(((lo_v + hi_v * t) / (1 + t), lo.strict))
                else:  # a (≤/<) s ≤ b: (a t + b)/(1 + t), plus a ≤ s end point if closed
                    options.append(((lo_v * t + hi_v) / (1 + t), False))
                    if not lo.strict:
                        options.append((lo_v, None))  # type: ignore[arg-type]
                for expr, strict in options:
                    new = {k: v for k, v in sub.items()}
                    new[s] = expr
                    if strict is None:
                        grown.append(_Piece(new, piece.variables, piece.strict))
                    else:
                        grown.append(_Piece(new, (*piece.variables, t),
                                            piece.strict | ({t} if strict else set())))
            pieces = grown
        return [
            _Piece({**p.substitution,
                    **{k: v.subs(p.substitution) for k, v in self.equalities.items()}},
                   p.variables, p.strict)
            for p in pieces
        ]


def _as_region(region: Region | Iterable[sp.Basic]) -> Region:
    return region if isinstance(region, Region) else Region(region)


def _exact(value: sp.Expr) -> sp.Expr:
    """The same number with every Float replaced by its exact binary value.

    (``nsimplify`` would guess a "nicer" number: 141421356237/10¹¹ becomes √2,
    1/3 + 10⁻¹² becomes 1/3 — a proof about another matrix.)

    >>> _exact(sp.Float(0.5) * sp.Symbol("a"))
    a/2
    """
    floats = value.atoms(sp.Float)
    return value.xreplace({f: sp.Rational(f) for f in floats}) if floats else value


def _number_sign(value: sp.Expr) -> int | None:
    value = _exact(value)
    if value.is_zero:
        return 0
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    return None


def _coefficient_signs(poly: sp.Poly) -> set[int] | None:
    signs = {_number_sign(c) for c in poly.coeffs()}
    if None in signs:
        return None
    signs.discard(0)
    return signs  # type: ignore[return-value]


def _even_in(poly: sp.Poly, free: set[sp.Symbol]) -> bool:
    """Whether every monomial has an even power of each free (sign-unknown) variable."""
    idx = [i for i, v in enumerate(poly.gens) if v in free]
    return all(m[i] % 2 == 0 for m in poly.monoms() for i in idx)


def _poly_sign(expr: sp.Expr, variables: Sequence[sp.Symbol], strict_vars: frozenset,
               free: set[sp.Symbol]) -> tuple[int, bool] | None:
    """(sign, strict) of a polynomial, variables ≥ 0 (``free`` ones real); None if undecided.

    The whole polynomial is tried first, then its irreducible factors: a factor
    with an even power is ≥ 0, an odd one needs coefficients of one sign (and
    even powers of the free variables).
    """
    gens = list(variables) + sorted(free, key=str)
    if not gens:
        s = _number_sign(expr)
        return None if s is None else (s, s != 0)
    expanded = sp.expand(expr)
    if len(sp.Add.make_args(expanded)) > MAX_TERMS:
        return None
    whole = sp.Poly(expanded, *gens)
    if whole.is_zero:
        return 0, False
    best: tuple[int, bool] | None = None
    for constant, factors in ((sp.S.One, [(expanded, 1)]), sp.factor_list(expanded, *gens)):
        found = _factors_sign(constant, factors, gens, strict_vars, free)
        if found is not None and (best is None or found[1]):
            best = found
        if best is not None and best[1]:
            break
    return best


def _factors_sign(constant, factors, gens, strict_vars, free) -> tuple[int, bool] | None:
    """(sign, strict) of constant·Π factorᵖ for nonnegative gens, or None if undecided."""
    sign = _number_sign(sp.S(constant))
    if sign is None:
        return None
    strict = sign != 0
    for factor, power in factors:
        poly = sp.Poly(factor, *gens)
        fs = _coefficient_signs(poly)
        if fs is None:
            return None
        if power % 2 == 0 and (len(fs) != 1 or not _even_in(poly, free)):
            strict = False  # the square of a factor of unknown sign: ≥ 0, may vanish
            continue
        if len(fs) != 1 or not _even_in(poly, free):
            return None
        (s,) = fs
        sign *= s**power
        has_constant = poly.as_dict().get((0,) * len(gens), 0) != 0
        if not (has_constant or poly.free_symbols <= set(strict_vars)):
            strict = False
    return sign, strict


def _piece_sign(expr: sp.Expr, piece: _Piece) -> tuple[int, bool] | None:
    try:
        rewritten = sp.together(expr.subs(piece.substitution))
        num, den = sp.fraction(sp.cancel(rewritten))
        free = (num.free_symbols | den.free_symbols) - set(piece.variables)
        if any(not s.is_real for s in free):
            return None
        ns = _poly_sign(num, piece.variables, piece.strict, free)
        ds = _poly_sign(den, piece.variables, piece.strict, free)
    except (sp.PolynomialError, sp.GeneratorsNeeded, sp.CoercionFailed):
        return None  # not a rational function of the parameters
    if ns is None or ds is None or not ds[1]:
        return None  # mixed signs, or a denominator that may vanish
    return ns[0] * ds[0], ns[1]


def _find_violation(expr: sp.Expr, region: Region, strict: bool,
                    orders: list[list[_Piece]]) -> dict | None:
    """An exact point of the region where expr < 0 (≤ 0 when strict), or None."""
    rng = random.Random(12)
    candidates = [p for pieces in orders[:2] for p in pieces]
    for _ in range(SAMPLES):
        if not candidates:
            break
        piece = rng.choice(candidates)
        values = {v: rng.choice(_SAMPLE_VALUES if v in piece.strict
                                else (sp.S.Zero, *_SAMPLE_VALUES)) for v in piece.variables}
        for v in set().union(*(e.free_symbols for e in piece.substitution.values())):
            if v not in values:  # a real parameter with no bound
                values[v] = rng.choice(_SAMPLE_VALUES) * rng.choice((1, -1))
        point = {s: _exact(e.subs(values)) for s, e in piece.substitution.items()}
        if any(not v.is_number for v in point.values()):
            continue
        value = expr.subs(point)
        if not value.is_number or value.has(sp.zoo, sp.nan):
            continue
        s = _number_sign(value)
        if s is None or s > 0 or (s == 0 and not strict):
            continue
        if region.contains(point) is True:
            return {"point": point, "value": value}
    return None


def prove_nonnegative(expr: sp.Expr, region: Region | Iterable[sp.Basic] = (), *,
                      strict: bool = False) -> Finding[bool]:
    """Whether ``expr ≥ 0`` (``> 0`` when ``strict``) at every point of the region, exactly.

    True only with a proof (the reason names it), False only with an exact
    point of the region where it fails (in ``evidence["point"]``), else unknown.

    >>> L, mu = sp.symbols("L mu", positive=True)
    >>> prove_nonnegative((L - mu) / (L + mu), (mu < L,)).value
    True
    >>> f = prove_nonnegative(mu - L / 2, (mu < L,))
    >>> f.value, f.evidence["point"][mu] < f.evidence["point"][L] / 2
    (False, True)
    """
    region = _as_region(region)
    return _prove_nonnegative(as_expr(expr), region.relations, strict)


@lru_cache(maxsize=4096)
def _prove_nonnegative(expr: sp.Expr, relations: tuple[sp.Basic, ...],
                       strict: bool) -> Finding[bool]:
    region = Region(relations)
    want = "> 0" if strict else "≥ 0"
    if expr.is_number:
        s = _number_sign(expr)
        if s is None:
            return Finding.unknown(f"the sign of the number {expr} is undecided")
        ok = s > 0 or (s == 0 and not strict)
        return Finding(ok, f"{expr} {want if ok else ('< 0' if s < 0 else '= 0')} (exact number)")
    orders = region.pieces(expr.free_symbols)
    for pieces in orders:
        signs = [_piece_sign(expr, p) for p in pieces]
        if all(sg is not None and (sg[0] > 0 or (sg[0] == 0 and not strict))
               and (sg[1] or not strict) for sg in signs):
            how = " | ".join(p.describe() for p in pieces)
            where = "on the region" if region.relations else "for the symbols' signs"
            return Finding(True, f"{want} {where} (nonnegative parametrisation; numerator and "
                                 "denominator factors with one-sign coefficients)",
                           {"parametrisation": how})
    assumed = expr.is_positive if strict else expr.is_nonnegative
    if assumed and not region.relations:
        return Finding(True, f"{want} by SymPy's assumptions on the symbols")
    witness = _find_violation(expr, region, strict, orders)
    if witness is not None:
        point = ", ".join(f"{k} = {v}" for k, v in witness["point"].items())
        return Finding(False, f"not {want} on the region: equals {witness['value']} at {point}",
                       witness)
    reason = ("no parametrisation of the region (bounds must be linear in one symbol each, "
              "at most one lower and one upper bound)" if not orders else
              "the coefficients after every parametrisation tried have mixed signs")
    return Finding.unknown(f"could not prove {expr} {want} on {region}: {reason}")


def prove_positive(expr: sp.Expr, region: Region | Iterable[sp.Basic] = ()) -> Finding[bool]:
    """Whether ``expr > 0`` on the region (see :func:`prove_nonnegative`).

    >>> a = sp.Symbol("alpha", positive=True)
    >>> prove_positive(a * (1 - a), (a < 1,)).value
    True
    """
    return prove_nonnegative(expr, region, strict=True)


def _exact_ldl_psd(matrix: sp.Matrix) -> Finding[bool]:
    """PSD of a matrix of exact numbers by symmetric elimination (LDLᵀ with zero-pivot rows)."""
    a = sp.Matrix(matrix)
    labels = list(range(a.rows))
    pivots: list[sp.Expr] = []
    while a.rows:
        d = a[0, 0]
        s = _number_sign(d)
        if s is None:
            return Finding.unknown(f"the sign of pivot {d} is undecided")
        if s < 0:
            return Finding(False, f"not PSD: LDLᵀ pivot {d} < 0 at basis entry {labels[0]}",
                           {"pivot": d, "index": labels[0]})
        if s == 0:
            nonzero = [j for j in range(1, a.rows) if not a[0, j].is_zero]
            if nonzero:
                j = nonzero[0]
                return Finding(False, "not PSD: a zero diagonal entry with a nonzero entry in its "
                                      f"row (the 2×2 minor of entries {labels[0]}, {labels[j]} is "
                                      f"{-a[0, j] ** 2} < 0)", {"index": (labels[0], labels[j])})
        else:
            a = a - a[:, 0] * a[0, :] / d
        pivots.append(d)
        a = a[1:, 1:]
        labels.pop(0)
    return Finding(True, f"PSD by exact LDLᵀ: pivots {', '.join(map(str, pivots))} ≥ 0 "
                         "(a zero pivot only with a zero row)", {"pivots": pivots})


def prove_psd(matrix: sp.Matrix, region: Region | Iterable[sp.Basic] = ()) -> Finding[bool]:
    """Whether the symmetric ``matrix`` is positive semidefinite at every point of the region.

    Numbers: exact LDLᵀ (rational arithmetic; a zero pivot needs a zero row).
    Symbols: every principal minor ≥ 0 on the region by :func:`prove_nonnegative`
    (all of them, so a singular PSD matrix is recognised); a minor proved
    negative somewhere refutes.

    >>> prove_psd(sp.Matrix([[2, 1], [1, 1]])).value
    True
    >>> prove_psd(sp.Matrix([[1, 2], [2, 1]])).value
    False
    >>> L = sp.Symbol("L", positive=True)
    >>> prove_psd(sp.Matrix([[L, 1], [1, 1 / L]])).value
    True
    """
    matrix = sp.Matrix(matrix)
    if matrix.rows != matrix.cols:
        raise DomainError(f"a PSD test needs a square matrix, got {matrix.shape}")
    if not (matrix - matrix.T).is_zero_matrix:
        asym = (matrix - matrix.T).applyfunc(sp.simplify)
        if not asym.is_zero_matrix:
            return Finding(False, "the matrix is not symmetric")
    keep = [i for i in range(matrix.rows) if any(not sp.simplify(e).is_zero for e in matrix.row(i))]
    matrix = matrix.extract(keep, keep)
    if matrix.rows == 0:
        return Finding(True, "the zero matrix is PSD")
    if all(e.is_number for e in matrix):
        return _exact_ldl_psd(matrix.applyfunc(_exact))
    region = _as_region(region)
    n = matrix.rows
    if n > MAX_MINOR_SIZE:
        return Finding.unknown(f"a symbolic {n}×{n} matrix has {2 ** n - 1} principal minors; "
                               f"at most {MAX_MINOR_SIZE}×{MAX_MINOR_SIZE} is checked")
    unknown: list[str] = []
    for size in range(1, n + 1):
        for idx in combinations(range(n), size):
            minor = sp.factor(sp.cancel(matrix.extract(list(idx), list(idx)).det()))
            found = prove_nonnegative(minor, region)
            if found.value is False:
                return Finding(False, f"not PSD on the region: principal minor {idx} = {minor} "
                                      f"({found.reason})", {"minor": idx, **found.evidence})
            if found.value is None:
                unknown.append(f"minor {idx} = {minor}: {found.reason}")
    if unknown:
        return Finding.unknown("could not prove every principal minor ≥ 0: " + "; ".join(unknown))
    return Finding(True, f"PSD: all {2 ** n - 1} principal minors of the {n}×{n} matrix "
                         "≥ 0 on the region (nonnegative parametrisation, one-sign coefficients)")
