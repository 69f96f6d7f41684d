"""Textbook bounds for gradient descent, proved on quadratics only.

Each bound is reduced to one eigen-direction of a quadratic (curvature λ,
f = λx²/2, g = λx, the step taken from the method's own rule) and the reduced
inequality is proved with SymPy's assumptions, step by step; a step that does
not go through makes the proof unknown, with the step named. Numeric checks on
sampled (also non-quadratic) problems live in the tests.

A proof here holds for quadratics: it is not a proof for every L-smooth
(strongly) convex function, whose worst case is often not a quadratic. The
statements over the class are proved by potential certificates,
:func:`symopt.guarantees.lyapunov.certify` (each :class:`Bound` names its
statement in ``class_certificate``).

>>> [b.class_certificate for b in textbook_bounds()]
['descent', 'convex_rate', 'function_values']
>>> all(b.name.endswith("on quadratics") for b in textbook_bounds())
True
>>> all(b.proof.value for b in textbook_bounds())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symopt.methods import gradient_descent
from symopt.result import Finding
from symopt.symbols import symbol

__all__ = ["Bound", "convex_smooth_gd", "descent_lemma", "strongly_convex_gd",
           "textbook_bounds"]

ALPHA, L, MU, T = symbol("alpha"), symbol("L"), symbol("mu"), symbol("T")
_X = symbol("x")
_LAM = sp.Symbol("lambda", positive=True)


@dataclass(frozen=True)
class Bound:
    """A textbook inequality: its statement, hypotheses and proof on quadratics only.

    ``class_certificate`` names the statement of
    :func:`symopt.guarantees.lyapunov.certify` that proves it for the class.
    """

    name: str
    statement: str
    hypotheses: str
    proof: Finding[bool]
    reference: str = ""
    class_certificate: str = ""


def _step(alpha: sp.Expr) -> sp.Expr:
    """One GD step in a direction of curvature λ, from the method's rule."""
    rule = gradient_descent().rule()
    return rule.x_next.subs({rule.g: _LAM * _X, ALPHA: alpha})


def _prove(steps: list[tuple[str, sp.Expr]]) -> Finding[bool]:
    """Each (claim, expr) asserts expr ≥ 0; all must be decided by SymPy."""
    for claim, expr in steps:
        verdict = sp.factor(sp.simplify(expr)).is_nonnegative
        if verdict is not True:
            return Finding.unknown(f"could not prove {claim} ({expr} ≥ 0)")
    return Finding(True, "on quadratics only: " + "; ".join(claim for claim, _ in steps))


def descent_lemma() -> Bound:
    """f(x − α∇f) ≤ f(x) − α(1 − Lα/2)‖∇f‖² for L-smooth f, any α > 0.

    >>> descent_lemma().proof.value
    True
    """
    delta = sp.Symbol("delta", nonnegative=True)  # L − λ ≥ 0
    f = lambda x: _LAM * x**2 / 2  # noqa: E731
    g = _LAM * _X
    gap = (f(_X) - ALPHA * (1 - L * ALPHA / 2) * g**2) - f(_step(ALPHA))
    proof = _prove([("per direction the slack is α²g²(L − λ)/2 ≥ 0 for λ ≤ L",
                     gap.subs(L, _LAM + delta))])
    return Bound("descent lemma on quadratics",
                 "f(x − α∇f(x)) ≤ f(x) − α(1 − Lα/2)‖∇f(x)‖²",
                 "f a quadratic with curvature ≤ L, α > 0", proof,
                 "Nesterov (2004), Lemma 1.2.3; Bubeck (2015) §3.2", "descent")


def convex_smooth_gd() -> Bound:
    """f(x_T) − f* ≤ ‖x₀ − x*‖²/(2αT) for convex L-smooth quadratics and 0 < α ≤ 1/L.

    Per direction with s = αλ ∈ [0, 1]: λ(1 − s)^{2T}/2 ≤ 1/(2αT) ⇔ T·s(1 − s)^{2T} ≤ 1;
    h(s) = s(1 − s)^{2T} peaks at s* = 1/(2T + 1) (from h′ = 0).

    >>> convex_smooth_gd().proof.reason.split(":")[0]
    'on quadratics only'
    """
    s = sp.Symbol("s", positive=True)
    h = s * (1 - s) ** (2 * T)
    critical = [c for c in sp.solve(sp.diff(h, s), s) if c != 1]
    if critical != [1 / (2 * T + 1)]:
        return Bound("convex L-smooth GD on quadratics", "", "",
                     Finding.unknown(f"critical points {critical}"))
    star = critical[0]
    base = 2 * T / (2 * T + 1)
    peak = sp.simplify(h.subs(s, star))
    steps = [
        ("h(s) = s(1 − s)^(2T) has its only interior critical point at s* = 1/(2T + 1)",
         sp.S.Zero),
        (f"h(s*) = {peak} = s*·b^(2T) with b = 2T/(2T + 1)",
         -sp.Abs(sp.simplify(peak - star * base ** (2 * T)))),
        ("0 ≤ b ≤ 1, so b^(2T) ≤ 1", sp.simplify(1 - base)),
        ("T·s* = T/(2T + 1) ≤ 1/2 < 1", sp.Rational(1, 2) - T * star),
        ("h(0) = 0 and h(1) = 0 at the ends", -sp.Abs(h.subs(s, 1))),
    ]
    proof = _prove(steps)
    return Bound("convex L-smooth GD on quadratics",
                 "f(x_T) − f* ≤ ‖x₀ − x*‖²/(2αT)",
                 "f a convex quadratic with curvature ≤ L, 0 < α ≤ 1/L", proof,
                 "Nesterov (2004), Cor. 2.1.2 (with α = 1/L); Bubeck (2015), Thm 3.3",
                 "convex_rate")


def strongly_convex_gd() -> Bound:
    """f(x_T) − f* ≤ (1 − μ/L)^T (f(x₀) − f*) for quadratics with curvature in [μ, L], α = 1/L.

    >>> strongly_convex_gd().proof.value
    True
    """
    u, v = sp.Symbol("u", nonnegative=True), sp.Symbol("v", nonnegative=True)
    factor = sp.simplify(_step(1 / L) / _X)  # 1 − λ/L from the rule
    # λ = μ + u with L = μ + u + v: μ ≤ λ ≤ L.
    inside = {_LAM: MU + u, L: MU + u + v}
    steps = [
        ("the per-step factor 1 − λ/L is ≥ 0 for λ ≤ L", factor.subs(inside)),
        ("1 − λ/L ≤ 1 − μ/L for λ ≥ μ", (1 - MU / L - factor).subs(inside)),
        ("(1 − λ/L)² ≤ (1 − μ/L)² ≤ 1 − μ/L, so each direction's f-gap shrinks by 1 − μ/L",
         ((1 - MU / L) - factor**2).subs(inside)),
    ]
    return Bound("strongly convex GD on quadratics",
                 "f(x_T) − f* ≤ (1 − μ/L)^T (f(x₀) − f*)",
                 "f a quadratic with curvature in [μ, L], α = 1/L", _prove(steps),
                 "Nesterov (2004), Thm 2.1.15; Bubeck (2015), Thm 3.10", "function_values")


def textbook_bounds() -> list[Bound]:
    """Every bound of this module, proved on quadratics only."""
    return [descent_lemma(), convex_smooth_gd(), strongly_convex_gd()]
