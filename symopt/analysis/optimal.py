"""Optimal hyperparameters: minimise the worst spectral radius over λ ∈ [μ, L].

The derivation is the equioscillation argument: at the optimum the worst
case is attained at both ends of the spectrum with opposite signs. First we
ask for every root at radius r at both ends, det(zI − T(μ)) = (z − r)ᵈ and
det(zI − T(L)) = (z + r)ᵈ (GD: |1 − αμ| = |1 − αL|, α* = 2/(μ + L),
r = (κ − 1)/(κ + 1); heavy ball: double roots at both ends, Polyak's α*, β*).
When that has no admissible solution we keep the full multiplicity at μ and
only ask −r to be a root at L, the others inside radius r (Nesterov:
α* = 4/(3L + μ), r = 1 − 2/√(3κ + 1), as in Lessard, Recht & Packard 2016).
Every solution is checked: values in their domains, 0 ≤ r < 1 and no λ inside
[μ, L] with a larger radius (on a grid of λ, at sample spectra when μ, L are
symbols). Without an admissible solution the result is unknown with that
reason, and for numbers a numeric minimax is attached as evidence.

>>> from symopt.methods import gradient_descent, heavy_ball
>>> best = optimal_hyperparameters(gradient_descent(), [1, 4]).value
>>> best.hyperparameters, best.rate
({alpha: 2/5}, 3/5)
>>> import sympy as sp
>>> from symopt.symbols import symbol
>>> best = optimal_hyperparameters(heavy_ball(), sp.Interval(symbol("mu"), symbol("L"))).value
>>> best.hyperparameters[symbol("alpha")]
4/(sqrt(L) + sqrt(mu))**2
>>> best.rate_kappa
(sqrt(kappa) - 1)/(sqrt(kappa) + 1)
>>> iterations_to_tolerance(sp.Rational(3, 5), sp.Rational(1, 10**6))
28
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from symopt.analysis.linear import LAMBDA, LinearRecurrence, Z, internal, linear_recurrence, public
from symopt.analysis.stability import Spectrum, spectrum_points
from symopt.errors import UnsupportedError
from symopt.memo import Memo
from symopt.methods.base import Method
from symopt.result import Finding
from symopt.symbols import symbol
from symopt.timeout import run_with_timeout

__all__ = ["Optimum", "iterations_to_tolerance", "optimal_hyperparameters", "worst_rate"]

KAPPA = symbol("kappa")


@dataclass(frozen=True)
class Optimum:
    """Minimax hyperparameters, the rate they achieve (in μ, L and in κ = L/μ)."""

    hyperparameters: dict[sp.Symbol, sp.Expr]
    rate: sp.Expr
    rate_kappa: sp.Expr
    mu: sp.Expr
    L: sp.Expr
    #: The hyperparameters with L = κμ (only for a symbolic spectrum).
    hyperparameters_kappa: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)


def optimal_hyperparameters(method: Method, spectrum: Spectrum, *, seconds: float | None = None,
                            **fixed: object) -> Finding[Optimum]:
    """Hyperparameters minimising max over λ ∈ [μ, L] of the spectral radius of T(λ).

    ``spectrum`` is an interval [μ, L] or eigenvalues (their smallest and
    largest nonzero ones are used). Hyperparameters in ``fixed`` are held.
    """
    points, _ = spectrum_points(spectrum)
    if not points:
        return Finding.unknown("the spectrum has no nonzero eigenvalue")
    if isinstance(spectrum, sp.Interval):
        mu, L = points
    else:
        try:
            mu, L = min(points, key=float), max(points, key=float)
        except TypeError:
            return Finding.unknown("cannot order symbolic eigenvalues "
                                   f"{[public(p) for p in points]}; give an interval [μ, L]")
    if any(p.is_number and p.is_negative for p in (public(mu), public(L))):
        return Finding.unknown(f"the spectrum has a negative eigenvalue ({public(mu)}): "
                               "there is no minimiser to converge to, so no minimax tuning")
    try:
        recurrence = linear_recurrence(method, **fixed)
        fixed_symbols = set(method.substitution(fixed))
        key = (recurrence.characteristic_polynomial.as_expr(), recurrence.lam,
               tuple(h for h in method.hyperparameters if h.symbol not in fixed_symbols), mu, L)
        found = _SOLUTIONS.get(key)
        if found is None:  # only finished solves are remembered
            found = _SOLUTIONS.put(key, tuple(
                (tuple(values.items()), rate, ansatz) for values, rate, ansatz in
                run_with_timeout(_equioscillation, recurrence, method, fixed, mu, L,
                                 seconds=seconds)))
        solutions = [(dict(values), rate, ansatz) for values, rate, ansatz in found]
    except UnsupportedError as exc:
        return Finding.unknown(str(exc))
    except Exception as exc:  # a time limit or a SymPy failure
        return Finding.unknown(f"solving the equioscillation equations failed: {exc}")
    if not solutions:
        reason = ("the equioscillation ansatz det(zI − T(μ)) = (z − r)ᵈ, det(zI − T(L)) = "
                  f"(z + r)ᵈ has no admissible solution for {method.name}; no closed-form "
                  "minimax derived")
        evidence = _numeric_evidence(method, mu, L, fixed)
        if evidence:
            shown = ", ".join(f"{k} ≈ {v:.6g}" for k, v in evidence.items())
            reason += f" (numeric minimax, evidence only: {shown})"
        return Finding.unknown(reason, numeric=evidence)
    values, rate, ansatz = solutions[0]
    values = {k: _tidy(v) for k, v in values.items()}
    rate = _tidy(rate)
    symbolic = bool(L.free_symbols)
    rate_kappa = _tidy_kappa(rate.subs(L, KAPPA * mu)) if symbolic else rate
    in_kappa = {k: public(_tidy_kappa(v.subs(L, KAPPA * mu))) for k, v in values.items()} \
        if symbolic else {}
    optimum = Optimum({k: public(v) for k, v in values.items()}, public(rate),
                      public(rate_kappa), public(mu), public(L), in_kappa)
    return Finding(optimum, f"equioscillation at the ends of [μ, L]: {ansatz}; solving the "
                   "coefficient equations gives the minimax hyperparameters and the rate r "
                   "(admissibility and no worse interior λ checked"
                   f"{' at sample spectra' if symbolic else ''})", {"ansatz": ansatz})


def worst_rate(method: Method, spectrum: Spectrum, **hyperparameters: object) -> Finding[sp.Expr]:
    """max over the given eigenvalues of the spectral radius of T(λ) (exact).

    >>> from symopt.methods import gradient_descent
    >>> worst_rate(gradient_descent(), [1, 4], alpha="2/5").value
    3/5
    """
    if isinstance(spectrum, sp.Interval):
        return Finding.unknown("the worst rate over an interval needs the eigenvalues; "
                               "the spectral radius need not peak at the endpoints")
    points, _ = spectrum_points(spectrum)
    try:
        radii = tuple(_radius(sp.ImmutableMatrix(
            linear_recurrence(method, public(p), **hyperparameters).matrix)) for p in points)
    except UnsupportedError as exc:
        return Finding.unknown(str(exc))
    value = _largest(radii) if radii else sp.S.Zero
    return Finding(value, "largest spectral radius of T(λ) over the eigenvalues")


@Memo("spectral radius")
def _radius(matrix: sp.ImmutableMatrix) -> sp.Expr:
    """ρ(T), simplified (remembered: the same T(λ) recurs across problems)."""
    return sp.simplify(LinearRecurrence(matrix, (), (), LAMBDA).spectral_radius())


@Memo("largest radius")
def _largest(radii: tuple) -> sp.Expr:
    return sp.simplify(sp.Max(*radii))


def iterations_to_tolerance(rate: sp.Expr, epsilon: sp.Expr) -> sp.Expr:
    """Smallest k with rateᵏ ≤ ε: ⌈log ε / log rate⌉ (1 when rate = 0, ∞ when rate ≥ 1).

    >>> iterations_to_tolerance(sp.Rational(1, 2), symbol("epsilon"))
    ceiling(-log(epsilon)/log(2))
    """
    from symopt.methods.base import _exact

    # Text goes through symopt's safe parser; numbers become exact.
    return _iterations(_exact(rate, "rate"), _exact(epsilon, "epsilon"))


@Memo("iterations")
def _iterations(rate: sp.Expr, epsilon: sp.Expr) -> sp.Expr:
    if rate.is_zero:
        return sp.S.One
    if (rate - 1).is_nonnegative:
        return sp.oo
    k = sp.ceiling(sp.simplify(sp.expand_log(sp.log(epsilon) / sp.log(rate), force=True)))
    if k.is_number:
        k = sp.Integer(k)
        # ceiling of an exact ratio of logs: confirm with exact arithmetic.
        while k > 0 and rate ** (k - 1) <= epsilon:
            k -= 1
    return k


def _equioscillation(recurrence, method: Method, fixed: dict, mu: sp.Expr, L: sp.Expr):
    """Admissible (values, rate, ansatz) solutions, the stronger ansatz first."""
    fixed_symbols = set(method.substitution(fixed))
    unknowns = [h for h in method.hyperparameters if h.symbol not in fixed_symbols]
    lam = internal(recurrence.lam)
    poly = internal(recurrence.characteristic_polynomial.as_expr())
    degree = sp.degree(poly, Z)
    r = sp.Symbol("r", nonnegative=True)
    at_mu = [sp.expand(a - t) for a, t in zip(
        sp.Poly(sp.expand(poly.subs(lam, mu)), Z).all_coeffs(),
        sp.Poly(sp.expand((Z - r) ** degree), Z).all_coeffs())]
    full_at_L = [sp.expand(a - t) for a, t in zip(
        sp.Poly(sp.expand(poly.subs(lam, L)), Z).all_coeffs(),
        sp.Poly(sp.expand((Z + r) ** degree), Z).all_coeffs())]
    root_at_L = [sp.expand(poly.subs({lam: L, Z: -r}))]
    symbols = [h.symbol for h in unknowns] + [r]
    single = mu == L  # (z − r)ᵈ = (z + r)ᵈ forces r = 0: solve the smaller system
    if single:
        at_mu, full_at_L, root_at_L = ([sp.expand(e.subs(r, 0)) for e in part]
                                       for part in (at_mu, full_at_L, root_at_L))
        symbols = symbols[:-1]
    check = _interior_check(poly, lam, [h.symbol for h in unknowns], mu, L)
    for name, equations in ((STRONG, at_mu + full_at_L), (WEAK, at_mu + root_at_L)):
        equations = [e for e in equations if e != 0]
        if single:  # the two halves coincide once r = 0
            equations = list(dict.fromkeys(equations))
        solutions = sp.solve(equations, symbols, dict=True) if equations else [{}]
        if single:
            solutions = [{**solution, r: sp.S.Zero} for solution in solutions]
        admissible = []
        for solution in solutions:
            ansatz = name
            free = [h for h in unknowns if h.symbol not in solution]
            if free and mu == L:
                # One eigenvalue: the equations may leave a hyperparameter free (Nesterov at
                # α = 1/λ has rate 0 for every β); show one admissible value and say so.
                solution = {**solution, **{h.symbol: _representative(h) for h in free}}
                ansatz = (f"{name}; {', '.join(str(public(h.symbol)) for h in free)} free (the "
                        "equations hold for every value; the smallest admissible one shown)")
                free = []
            if free or (equations and r not in solution):
                continue
            rate = sp.simplify(solution.get(r, sp.S.Zero))
            values = {h.symbol: sp.simplify(solution[h.symbol]) for h in unknowns}
            if _admissible(values, rate, unknowns, mu, L, check):
                admissible.append((values, rate, ansatz))
        if admissible:
            return admissible
    return []


def _representative(hyperparameter) -> sp.Expr:
    """The smallest value in a hyperparameter's domain if it has one, else its default."""
    domain = hyperparameter.domain
    low = getattr(domain, "inf", None)
    if low is not None and low.is_finite and domain.contains(low) is sp.true:
        return low
    return hyperparameter.default if hyperparameter.default is not None else sp.S.Zero


#: Admissible equioscillation solutions by (det(zI − T), λ, free hyperparameters, μ, L).
_SOLUTIONS = Memo("equioscillation")

STRONG = ("every root of det(zI − T(λ)) sits at +r for λ = μ and at −r for λ = L")
WEAK = ("every root sits at +r for λ = μ and −r is a root for λ = L (the other roots "
        "inside radius r)")


def _numeric_evidence(method: Method, mu: sp.Expr, L: sp.Expr, fixed: dict) -> dict:
    """A numeric minimax when μ and L are numbers (evidence for an unknown, never a value)."""
    if not (public(mu).is_number and public(L).is_number):
        return {}
    from symopt.analysis.numeric import numeric_minimax

    try:
        low, high = float(public(mu)), float(public(L))
        key = (sp.ImmutableMatrix(linear_recurrence(method, **fixed).matrix),
               method.hyperparameters, low, high)
        found = _EVIDENCE.get(key)
        if found is None:
            found = _EVIDENCE.put(key, tuple(numeric_minimax(method, low, high,
                                                             **fixed).items()))
        return dict(found)
    except (UnsupportedError, ValueError, ArithmeticError):
        return {}


#: Numeric minimax evidence by (T, hyperparameters, μ, L).
_EVIDENCE = Memo("numeric minimax")


def _tidy(expr: sp.Expr) -> sp.Expr:
    """Simplify with each positive symbol written as a square (clears √L, √μ, √κ)."""
    expr = sp.simplify(expr)
    positive = [s for s in expr.free_symbols if s.is_positive]
    if not positive or not expr.has(sp.Pow):
        return expr
    roots = {s: sp.Symbol(f"sqrt_{s.name}", positive=True) for s in positive}
    squared = sp.factor(sp.cancel(expr.subs({s: r**2 for s, r in roots.items()})))
    back = squared.subs({r: sp.sqrt(s) for s, r in roots.items()})
    return back if _terms(back) <= _terms(expr) else expr


def _tidy_kappa(expr: sp.Expr) -> sp.Expr:
    """Simplify in κ, writing √(aκ + b) as a positive q (so (3κ − 4√(3κ+1) + 5)/(3(κ − 1))
    becomes (√(3κ+1) − 2)/(√(3κ+1) + 2))."""
    expr = _tidy(expr)
    for power in list(expr.atoms(sp.Pow)):
        base = power.base
        if power.exp != sp.S.Half or not base.has(KAPPA):
            continue
        try:
            a, b = sp.Poly(base, KAPPA).all_coeffs()
        except (ValueError, sp.PolynomialError):
            continue
        q = sp.Symbol("q", positive=True)
        candidate = sp.factor(sp.simplify(expr.subs(KAPPA, (q**2 - b) / a)))
        candidate = candidate.subs(q, power)
        if _terms(candidate) < _terms(expr) or len(str(candidate)) < len(str(expr)):
            expr = candidate
    return expr


def _terms(expr: sp.Expr) -> int:
    return sum(len(a.args) for a in sp.preorder_traversal(expr) if isinstance(a, sp.Add))


def _interior_check(poly: sp.Expr, lam: sp.Symbol, hps: list[sp.Symbol], mu: sp.Expr,
                    L: sp.Expr):
    """A numeric test: max over λ ∈ [μ, L] of the root radius is at most r (a grid of λ)."""
    import numpy as np

    coefficients = sp.Poly(poly, Z).all_coeffs()
    # dummify: the generated code sees only generated argument names. The coefficients
    # are polynomials in λ and the hyperparameters: the math module evaluates them, without
    # the ~0.2 s lambdify spends importing NumPy's namespaces the first time.
    evaluate = sp.lambdify([*hps, lam], coefficients, "math", dummify=True)

    def worst(values: dict, low: float, high: float) -> float:
        args = [float(values[h]) for h in hps]
        radii = [max(abs(np.roots(np.array(evaluate(*args, x), dtype=float))), default=0.0)
                 for x in np.linspace(low, high, 81)]
        return max(radii)

    return worst


def _admissible(values: dict, rate: sp.Expr, unknowns, mu: sp.Expr, L: sp.Expr,
                worst_interior) -> bool:
    """Values in their domains, 0 ≤ r < 1, and no λ in [μ, L] worse than r.

    With symbolic μ, L these are checked at sample spectra (μ, κμ).
    """
    symbolic = bool(mu.free_symbols | L.free_symbols)
    samples = [{}] if not symbolic else [
        {mu: sp.Integer(m), L: sp.Integer(m * k)} for m in (1, 3) for k in (2, 5, 50)
    ]
    for sample in samples:
        r = sp.N(rate.subs(sample), 30)
        if not (r.is_real and 0 <= r < 1):
            return False
        numbers = {}
        for h in unknowns:
            v = sp.N(values[h.symbol].subs(sample), 30)
            if not v.is_real or h.domain.contains(v) is not sp.true:
                return False
            numbers[h.symbol] = v
        low, high = float(mu.subs(sample)), float(L.subs(sample))
        # A double root is found by np.roots only to ~1e-8: compare with that slack.
        if worst_interior(numbers, low, high) > float(r) + 1e-6:
            return False
    return True
