"""Optimal hyperparameters: minimise the worst spectral radius over λ ∈ [μ, L].

The derivation is the equioscillation argument: at the optimum the worst
case is attained at both ends of the spectrum with opposite signs, and (for a
degree-d characteristic polynomial) with every root there at the same radius.
So we ask for det(zI − T(μ)) = (z − r)ᵈ and det(zI − T(L)) = (z + r)ᵈ and
solve the coefficient equations for the hyperparameters and r. For GD this is
|1 − αμ| = |1 − αL|, giving α* = 2/(μ + L), r = (κ − 1)/(κ + 1); for heavy
ball the double roots at both ends give Polyak's α*, β*. When the ansatz has
no admissible solution (e.g. Nesterov), the result is unknown, with that reason.

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

from dataclasses import dataclass

import sympy as sp

from symopt.analysis.linear import Z, internal, linear_recurrence, public
from symopt.analysis.stability import Spectrum, spectrum_points
from symopt.errors import UnsupportedError
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
        solutions = run_with_timeout(_equioscillation, recurrence, method, fixed, mu, L,
                                     seconds=seconds)
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
    values, rate = solutions[0]
    values = {k: _tidy(v) for k, v in values.items()}
    rate = _tidy(rate)
    rate_kappa = _tidy(rate.subs(L, KAPPA * mu)) if L.free_symbols else rate
    optimum = Optimum({k: public(v) for k, v in values.items()}, public(rate),
                      public(rate_kappa), public(mu), public(L))
    return Finding(optimum, "equioscillation: the roots of det(zI − T(λ)) all have radius r at "
                   "λ = μ (at +r) and at λ = L (at −r); solving the coefficient equations "
                   "gives the minimax hyperparameters and the rate r")


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
        radii = [sp.simplify(linear_recurrence(method, public(p), **hyperparameters)
                             .spectral_radius()) for p in points]
    except UnsupportedError as exc:
        return Finding.unknown(str(exc))
    value = sp.simplify(sp.Max(*radii)) if radii else sp.S.Zero
    return Finding(value, "largest spectral radius of T(λ) over the eigenvalues")


def iterations_to_tolerance(rate: sp.Expr, epsilon: sp.Expr) -> sp.Expr:
    """Smallest k with rateᵏ ≤ ε: ⌈log ε / log rate⌉ (1 when rate = 0, ∞ when rate ≥ 1).

    >>> iterations_to_tolerance(sp.Rational(1, 2), symbol("epsilon"))
    ceiling(-log(epsilon)/log(2))
    """
    rate, epsilon = sp.sympify(rate), sp.sympify(epsilon)  # safe: SymPy objects, not text
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
    fixed_symbols = set(method.substitution(fixed))
    unknowns = [h for h in method.hyperparameters if h.symbol not in fixed_symbols]
    lam = internal(recurrence.lam)
    poly = internal(recurrence.characteristic_polynomial.as_expr())
    degree = sp.degree(poly, Z)
    r = sp.Symbol("r", nonnegative=True)
    equations = []
    for point, root in ((mu, r), (L, -r)):
        target = sp.Poly(sp.expand((Z - root) ** degree), Z).all_coeffs()
        actual = sp.Poly(sp.expand(poly.subs(lam, point)), Z).all_coeffs()
        equations += [sp.expand(a - t) for a, t in zip(actual, target)]
    equations = [e for e in equations if e != 0]
    symbols = [h.symbol for h in unknowns] + [r]
    solutions = sp.solve(equations, symbols, dict=True) if equations else [{}]
    admissible = []
    for solution in solutions:
        if any(h.symbol not in solution for h in unknowns) or (equations and r not in solution):
            continue
        rate = sp.simplify(solution.get(r, sp.S.Zero))
        values = {h.symbol: sp.simplify(solution[h.symbol]) for h in unknowns}
        if _admissible(values, rate, unknowns, mu, L):
            admissible.append((values, rate))
    return admissible


def _numeric_evidence(method: Method, mu: sp.Expr, L: sp.Expr, fixed: dict) -> dict:
    """A numeric minimax when μ and L are numbers (evidence for an unknown, never a value)."""
    if not (public(mu).is_number and public(L).is_number):
        return {}
    from symopt.analysis.numeric import numeric_minimax

    try:
        return numeric_minimax(method, float(public(mu)), float(public(L)), **fixed)
    except (UnsupportedError, ValueError, ArithmeticError):
        return {}


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


def _terms(expr: sp.Expr) -> int:
    return sum(len(a.args) for a in sp.preorder_traversal(expr) if isinstance(a, sp.Add))


def _admissible(values: dict, rate: sp.Expr, unknowns, mu: sp.Expr, L: sp.Expr) -> bool:
    """Every value in its domain and 0 ≤ r < 1, proved or checked at sample spectra."""
    free = (set(rate.free_symbols) | {s for v in values.values() for s in v.free_symbols})
    samples = [{}] if not free else [
        {mu: sp.Integer(m), L: sp.Integer(m * k)} for m in (1, 3) for k in (2, 5, 50)
    ]
    for sample in samples:
        r = sp.N(rate.subs(sample), 30)
        if not (r.is_real and 0 <= r < 1):
            return False
        for h in unknowns:
            v = sp.N(values[h.symbol].subs(sample), 30)
            if not v.is_real or h.domain.contains(v) is not sp.true:
                return False
    return True
