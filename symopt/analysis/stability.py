"""Stability regions: where every root of det(zI − T(λ)) lies in the open unit disc.

The conditions are the Schur–Cohn (Jury) conditions on the characteristic
polynomial, written as exact polynomial inequalities in the hyperparameters.
For a monic z + a₀: |a₀| < 1; for z² + a₁z + a₀: |a₀| < 1 and |a₁| < 1 + a₀,
i.e. 1 − a₀ > 0, 1 + a₁ + a₀ > 0, 1 − a₁ + a₀ > 0. Higher degrees use the
Schur–Cohn reduction p ↦ (aₙp − a₀p*)/z (Rouché: same number of roots in the
disc, minus the one at 0, when |a₀| < |aₙ|).

A region is then reduced to an interval in one hyperparameter (the step size
when the method has one) given the others.

>>> from symopt.methods import gradient_descent, heavy_ball
>>> stability_region(gradient_descent(), [4]).condition
(0 < alpha) & (alpha < 1/2)
>>> import sympy as sp
>>> from symopt.symbols import symbol
>>> L, mu = symbol("L"), symbol("mu")
>>> stability_region(gradient_descent(), sp.Interval(mu, L)).interval
Interval.open(0, 2/L)
>>> region = stability_region(heavy_ball(), [1, 4])
>>> region.interval, region.others
(Interval.open(0, (beta + 1)/2), (0 <= beta) & (beta < 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp

from symopt.analysis.linear import LAMBDA, Z, internal, linear_recurrence, public
from symopt.errors import UnsupportedError
from symopt.memo import Memo
from symopt.methods.base import Method
from symopt.result import Finding
from symopt.symbols import symbol

__all__ = [
    "Spectrum",
    "StabilityRegion",
    "schur_cohn_conditions",
    "spectrum_points",
    "stability_conditions",
    "stability_region",
]

#: Eigenvalues of the Hessian: a list (each one checked) or an interval [μ, L].
Spectrum = Sequence[object] | sp.Interval


@dataclass(frozen=True)
class StabilityRegion:
    """The hyperparameters for which the method converges (spectral radius < 1).

    ``condition`` is the whole region as an exact boolean; ``free`` the
    hyperparameter it is solved for, ``interval`` its admissible values given
    the others and ``others`` the conditions on the remaining hyperparameters.
    ``notes`` records what was assumed (e.g. directions with λ = 0 left out).
    """

    condition: sp.Basic
    free: sp.Symbol | None = None
    interval: sp.Set | None = None
    others: sp.Basic = sp.true
    notes: tuple[str, ...] = field(default=())

    def contains(self, **values: object) -> bool | None:
        """Whether the given hyperparameter values lie in the region (None: undecided).

        >>> from symopt.methods import gradient_descent
        >>> stability_region(gradient_descent(), [20]).contains(alpha=0.1)
        False
        """
        from symopt.methods.base import _exact

        subs = {symbol(k): _exact(v, k) for k, v in values.items()}
        decided = self.condition.subs(subs)
        if decided.free_symbols:
            return None
        return bool(decided.simplify())


def schur_cohn_conditions(poly: sp.Poly) -> list[sp.Expr]:
    """Expressions that must all be > 0 for every root of ``poly`` to satisfy |z| < 1.

    >>> z, a = sp.symbols("z a")
    >>> schur_cohn_conditions(sp.Poly(z + a, z))
    [1 - a, a + 1]
    >>> schur_cohn_conditions(sp.Poly(z**2 - z + a, z))
    [1 - a, a, a + 2]
    """
    coeffs = poly.all_coeffs()
    lead = coeffs[0]
    if lead == 0 or poly.degree() < 1:
        return []
    monic = [sp.expand(c / lead) for c in coeffs]
    if poly.degree() == 1:
        a0 = monic[1]
        return [sp.expand(1 - a0), sp.expand(1 + a0)]
    if poly.degree() == 2:
        a1, a0 = monic[1], monic[2]
        return [sp.expand(1 - a0), sp.expand(1 + a1 + a0), sp.expand(1 - a1 + a0)]
    # Schur–Cohn step: |a0| < |an| and the reduced polynomial is stable.
    z = poly.gen
    an, a0 = coeffs[0], coeffs[-1]
    reversed_poly = sp.Poly(list(reversed(coeffs)), z)
    reduced = sp.Poly(sp.cancel((an * poly - a0 * reversed_poly).as_expr() / z), z)
    return [sp.expand(an**2 - a0**2), *schur_cohn_conditions(reduced)]


def spectrum_points(spectrum: Spectrum) -> tuple[list[sp.Expr], list[str]]:
    """The eigenvalues whose conditions decide stability, and notes on what was left out.

    Zero eigenvalues are left out: along a null direction of A the iterate
    does not move (x_k = x₀ there), which no step size changes.
    """
    from symopt.methods.base import _exact

    if isinstance(spectrum, sp.Interval):
        # Coefficients of det(zI − T) are affine in λ for these methods and the
        # Schur-stable set of degree ≤ 2 is convex, so the endpoints decide.
        points = [spectrum.start, spectrum.end]
        notes = ["every λ in [μ, L] is covered by its endpoints (affine coefficients, "
                 "convex Schur–Cohn region)"]
    else:
        points, notes = [], []
        for value in spectrum:
            number = _exact(value, "eigenvalue")
            if number not in points:
                points.append(number)
    kept = [internal(p) for p in points if not sp.simplify(p).is_zero]
    if len(kept) < len(points):
        notes.append("λ = 0 left out: the iterate does not move along the null space of A")
    return kept, notes


def stability_conditions(method: Method, spectrum: Spectrum,
                         **hyperparameters: object) -> list[sp.Expr]:
    """Every expression that must be > 0 for convergence on ``spectrum`` (internal λ > 0)."""
    points, _ = spectrum_points(spectrum)
    recurrence = linear_recurrence(method, **hyperparameters)
    return list(_conditions(recurrence.characteristic_polynomial.as_expr(), tuple(points),
                            isinstance(spectrum, sp.Interval)))


@Memo("stability conditions")
def _conditions(characteristic: sp.Expr, points: tuple, interval: bool) -> tuple:
    """The Schur–Cohn conditions at each point (remembered: a method meets the same
    eigenvalues in many problems)."""
    poly = sp.Poly(internal(characteristic), Z)
    if interval and (
            poly.degree() > 2 or any(sp.degree(c, _lam()) > 1 for c in poly.all_coeffs())):
            raise UnsupportedError(
                "endpoint conditions only decide an interval spectrum for degree ≤ 2 "
                "with coefficients affine in λ; give the eigenvalues"
            )
    conditions: list[sp.Expr] = []
    for lam in points:
        for c in schur_cohn_conditions(sp.Poly(poly.as_expr().subs(_lam(), lam), Z)):
            c = sp.factor(c)
            if c not in conditions:
                conditions.append(c)
    return tuple(conditions)


def stability_region(method: Method, spectrum: Spectrum, *, free: str | None = None,
                     **hyperparameters: object) -> StabilityRegion:
    """The exact region of convergence of ``method`` on a quadratic with this spectrum.

    Hyperparameters given as values are fixed; the others stay symbolic and
    their domains (α > 0, 0 ≤ β < 1, ...) are part of the region. ``free``
    names the hyperparameter to solve for (default: the step size α).

    >>> from symopt.methods import damped_newton
    >>> stability_region(damped_newton(), [1, 4]).interval
    Interval.open(0, 2)
    """
    points, notes = spectrum_points(spectrum)
    if not points:
        raise UnsupportedError("the spectrum has no nonzero eigenvalue")
    conditions = stability_conditions(method, spectrum, **hyperparameters)
    fixed = set(method.substitution(hyperparameters))
    open_hps = [h for h in method.hyperparameters if h.symbol not in fixed]
    if not open_hps:
        decided = sp.And(*[c > 0 for c in conditions])
        return StabilityRegion(public(decided), notes=tuple(notes))
    by_name = {h.symbol.name: h for h in open_hps}
    if free is not None and free not in by_name:
        raise UnsupportedError(f"{free!r} is not a free hyperparameter of {method.name}")
    chosen = by_name[free] if free else by_name.get("alpha", open_hps[0])
    ends = (spectrum.start, spectrum.end) if isinstance(spectrum, sp.Interval) and \
        isinstance(spectrum.end, sp.Symbol) else None
    return _region(tuple(conditions), tuple(open_hps), chosen, ends, tuple(notes))


@Memo("stability region")
def _region(conditions: tuple, open_hps: tuple, chosen, ends: tuple | None,
            notes: tuple) -> StabilityRegion:
    """The region solved for ``chosen`` (remembered: the same conditions recur)."""
    x = chosen.symbol
    # Signs are decided with each other hyperparameter written inside its domain.
    inside = _domain_substitution([h for h in open_hps if h is not chosen])
    if ends is not None:
        # λ ranges over [a, b]: b = a + gap with gap ≥ 0 lets SymPy order a and b.
        inside[internal(ends[1])] = internal(ends[0]) + sp.Dummy("gap", positive=True)
    domain = chosen.domain
    uppers = [(domain.end, bool(domain.right_open))] if domain.end != sp.oo else []
    lowers = [(domain.start, bool(domain.left_open))] if domain.start != -sp.oo else []
    residual, others = [], []
    for c in conditions:
        if not c.has(x):
            others.append(sp.Gt(c, 0))
            continue
        poly = sp.Poly(sp.expand(c), x)
        if poly.degree() == 1:
            slope, offset = poly.all_coeffs()
            bound = sp.factor(-offset / slope)
            sign = _sign(slope, inside)
            if sign is not None:
                (lowers if sign > 0 else uppers).append((bound, True))
                continue
        residual.append(c)
    upper = _tightest(uppers, "upper", inside)
    lower = _tightest(lowers, "lower", inside)
    residual = [r for r in residual
                if not _implied(r, x, lower and lower[0], upper and upper[0], inside)]
    interval = sp.Interval(lower[0] if lower else -sp.oo, upper[0] if upper else sp.oo,
                           lower[1] if lower else True, upper[1] if upper else True)
    for hp in open_hps:
        if hp is not chosen:
            others.append(_relational(hp.domain, hp.symbol))
    others_condition = _reduce_others(others)
    pieces = [_relational(interval, x), others_condition, *[sp.Gt(r, 0) for r in residual]]
    condition = sp.And(*pieces)
    return StabilityRegion(public(condition), x, public(interval), public(others_condition),
                           tuple(notes) + tuple(f"also requires {public(r)} > 0"
                                                for r in residual))


def region_finding(method: Method, spectrum: Spectrum, **hyperparameters: object
                   ) -> Finding[StabilityRegion]:
    """:func:`stability_region` as a Finding (unknown, with the reason, when not derivable)."""
    try:
        region = stability_region(method, spectrum, **hyperparameters)
    except UnsupportedError as exc:
        return Finding.unknown(str(exc))
    return Finding(region, "Schur–Cohn (Jury) conditions on det(zI − T(λ)) for every λ in "
                   "the spectrum" + "".join(f"; {n}" for n in region.notes))


def _lam() -> sp.Symbol:
    return internal(LAMBDA)


def _domain_substitution(hyperparameters: list) -> dict[sp.Symbol, sp.Expr]:
    """Write each hyperparameter with a half-open interval domain [a, b) as a + (b − a)v/(1 + v).

    With v ≥ 0 the assumptions system then knows both β ≥ a and β < b.
    """
    substitution = {}
    for hp in hyperparameters:
        domain = hp.domain
        if isinstance(domain, sp.Interval) and domain.end != sp.oo and domain.right_open:
            v = sp.Dummy(f"v_{hp.symbol.name}", nonnegative=not domain.left_open,
                         positive=domain.left_open or None)
            substitution[hp.symbol] = domain.start + (domain.end - domain.start) * v / (1 + v)
    return substitution


def _sign(expr: sp.Expr, inside: dict) -> int | None:
    value = sp.factor(sp.simplify(expr.subs(inside)))
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    return None


def _ordered(a: sp.Expr, b: sp.Expr, inside: dict) -> bool:
    """Whether a ≥ b is proved (with the hyperparameter domains and spectrum order)."""
    return bool(sp.factor(sp.simplify((a - b).subs(inside))).is_nonnegative)


def _tightest(bounds: list[tuple[sp.Expr, bool]], side: str, inside: dict
              ) -> tuple[sp.Expr, bool] | None:
    """The tightest of (bound, strict) pairs; Min/Max of those that cannot be ordered."""
    kept: list[tuple[sp.Expr, bool]] = []
    for b, strict in bounds:
        tighter = (lambda p, q: _ordered(q, p, inside)) if side == "upper" else (
            lambda p, q: _ordered(p, q, inside))
        same = [k for k in kept if sp.simplify(k[0] - b) == 0]
        if same:
            kept = [(k, s or strict) if k is same[0][0] else (k, s) for k, s in kept]
            continue
        if any(tighter(k, b) for k, _ in kept):
            continue
        kept = [(k, s) for k, s in kept if not tighter(b, k)]
        kept.append((b, strict))
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    pick = sp.Min if side == "upper" else sp.Max
    return pick(*[k for k, _ in kept]), all(s for _, s in kept)


def _implied(residual: sp.Expr, x: sp.Symbol, lower: sp.Expr | None,
             upper: sp.Expr | None, inside: dict) -> bool:
    """Whether ``residual > 0`` follows from lower < x < upper (it is monotone in x)."""
    poly = sp.Poly(sp.expand(residual), x)
    if poly.degree() != 1:
        return False
    slope = sp.simplify(poly.all_coeffs()[0].subs(inside))
    end = upper if slope.is_nonpositive else lower if slope.is_nonnegative else None
    if end is None or end.has(sp.oo, -sp.oo):
        return False
    return bool(sp.factor(sp.simplify(residual.subs(x, end).subs(inside))).is_positive)


def _relational(interval: sp.Set, x: sp.Symbol) -> sp.Basic:
    """``interval`` as inequalities in x, kept even when x's assumptions imply them."""
    if not isinstance(interval, sp.Interval):
        return interval.as_relational(x)
    pieces = []
    if interval.start != -sp.oo:
        pieces.append((sp.Lt if interval.left_open else sp.Le)(interval.start, x, evaluate=False))
    if interval.end != sp.oo:
        pieces.append((sp.Lt if interval.right_open else sp.Le)(x, interval.end, evaluate=False))
    return sp.And(*pieces)


def _reduce_others(conditions: list[sp.Basic]) -> sp.Basic:
    """Combine conditions on the other hyperparameters; univariate ones become sets."""
    by_symbol: dict[sp.Symbol, sp.Set] = {}
    rest = []
    for cond in conditions:
        if cond in (sp.true, True):
            continue
        if cond in (sp.false, False):
            return sp.false
        symbols = cond.free_symbols
        if len(symbols) == 1:
            (s,) = symbols
            try:
                as_set = _as_set(cond, s)
            except (NotImplementedError, TypeError):
                rest.append(cond)
                continue
            by_symbol[s] = by_symbol.get(s, sp.S.Reals).intersect(as_set)
        else:
            rest.append(cond)
    pieces = [_relational(as_set, s) for s, as_set in by_symbol.items()]
    return sp.And(*pieces, *rest)


_INEQUALITIES = (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)


def _as_set(condition: sp.Basic, s: sp.Symbol) -> sp.Set:
    """``condition.as_set()`` for a condition in ``s`` alone, read off directly when it is
    an inequality linear in s with rational coefficients (or an And of those); SymPy's
    general solver takes 10–100 ms for each.

    >>> b = sp.Symbol("b", nonnegative=True)
    >>> _as_set(sp.Gt(1 - b, 0), b), _as_set(sp.Ge(3 * b - 1, 0), b)
    (Interval.open(-oo, 1), Interval(1/3, oo))
    """
    if isinstance(condition, sp.And):
        return sp.Intersection(*[_as_set(c, s) for c in condition.args])
    if isinstance(condition, _INEQUALITIES):
        difference = sp.expand(condition.lhs - condition.rhs)
        slope, offset = difference.coeff(s, 1), difference.coeff(s, 0)
        if slope.is_Rational and offset.is_Rational and slope != 0 and \
                difference == sp.expand(slope * s + offset):
            root = -offset / slope
            strict = isinstance(condition, (sp.StrictGreaterThan, sp.StrictLessThan))
            above = isinstance(condition, (sp.StrictGreaterThan, sp.GreaterThan)) == (slope > 0)
            return sp.Interval(root, sp.oo, strict, True) if above else \
                sp.Interval(-sp.oo, root, True, strict)
    return condition.as_set()
