"""A KKT solution as a checked derivation (symopt.derivation): every equality verified.

The Lagrangian is a definition; each ∂L/∂xₖ is an equation checked against the
definition; the four conditions are stated as the conditions they are; for each
active set, each KKT point is substituted into every equation of its system
(each substitution is an equality the derivation verifies), its sign conditions
are proved (or implied by the parameter condition of the case), and rejected
solutions and unknown cases are given with the reason.

>>> from symopt import Problem
>>> from symopt.kkt import solve_kkt
>>> d = kkt_derivation(solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0))
>>> d.results["x"], d.results["lambda"]
(1, 2)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import sympy as sp

from symopt.kkt.solve import KKTPoint, KKTResult

if TYPE_CHECKING:
    from symopt.derivation import Derivation

__all__ = ["kkt_derivation"]


def _tex(expr: object) -> str:
    from symopt.printing import latex

    return latex(expr)


def _where(values: Mapping[sp.Symbol, sp.Expr]) -> str:
    return ", ".join(f"{_tex(k)} = {_tex(v)}" for k, v in values.items())


def _at(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """``expr`` evaluated at the values, written as a substitution (the reader sees them)."""
    used = [k for k in values if expr.has(k)]
    if not used:
        return expr
    return sp.Subs(expr, tuple(used), tuple(values[k] for k in used))


def kkt_derivation(result: KKTResult, *, title: str | None = None) -> Derivation:
    """The Lagrangian, the KKT conditions, the case analysis and the solution, checked.

    Returns a :class:`symopt.derivation.Derivation` (render with ``to_latex()``,
    ``to_markdown()``); ``results`` holds the unique KKT point's coordinates and
    multipliers by name.

    >>> from symopt import Problem
    >>> from symopt.kkt import solve_kkt
    >>> d = kkt_derivation(solve_kkt(Problem("x**2 + y**2", constraints=["x + y = 2"]),
    ...                               timeout=0))
    >>> d.results
    {'x': 1, 'y': 1, 'nu': -2}
    """
    from symopt.derivation import Derivation

    c = result.conditions
    constraints = [f"{_tex(g)} \\le 0" for g in c.inequalities]
    constraints += [f"{_tex(h)} = 0" for h in c.equalities]
    d = Derivation(
        title or "KKT conditions and their solution",
        intro=f"Minimise $f = {_tex(c.objective)}$"
        + (" subject to $" + r",\ ".join(constraints) + "$." if constraints else "."),
    )
    multipliers = c.ineq_multipliers + c.eq_multipliers
    L = sp.Function("L")(*c.variables, *multipliers)
    d.define(L, c.lagrangian, "Lagrangian $L = f + \\sum_i \\lambda_i g_i + \\sum_j \\nu_j h_j$")
    for v, s in zip(c.variables, c.stationarity):
        d.equation(sp.Derivative(L, v), s, f"differentiate $L$ with respect to ${_tex(v)}$")
    for s in c.stationarity:
        d.assume(sp.Eq(s, 0, evaluate=False), "stationarity")
    for g in c.inequalities:
        d.assume(sp.Le(g, 0, evaluate=False), "primal feasibility")
    for h in c.equalities:
        d.assume(sp.Eq(h, 0, evaluate=False), "primal feasibility")
    for lam in c.ineq_multipliers:
        d.assume(sp.Ge(lam, 0, evaluate=False), "dual feasibility")
    for lam, g in zip(c.ineq_multipliers, c.inequalities):
        d.assume(sp.Eq(lam * g, 0, evaluate=False), "complementary slackness")

    for case in result.cases:
        active = ("\\{" + ", ".join(f"g_{{{i + 1}}}" for i in case.active) + "\\}"
                  if case.active else r"\emptyset")
        inactive = [c.ineq_multipliers[i] for i in range(len(c.inequalities))
                    if i not in case.active]
        zero = (", with $" + ", ".join(f"{_tex(m)} = 0" for m in inactive) + "$"
                if inactive else "")
        d.note(f"Case: active set ${active}${zero}.")
        for point in case.points:
            _point_steps(d, result, point, case.equations)
        for rejected in case.rejected:
            d.note(f"The solution ${_where(rejected.values)}$ is rejected: "
                   f"{_violations(rejected, c)}.")
        if case.status == "no solution" and not case.rejected:
            d.note("The system has no solution.")
        if case.status == "unknown":
            d.note(f"Unknown: {_plain(case.reason)}.")
    if result.convex.value is True:
        d.note("The problem is convex ($f$ and every $g_i$ convex, every $h_j$ affine), so "
               "every KKT point is a global minimizer.")
    for note in result.notes:
        d.note(_plain(note) + ".")
    d.note(_conclusion(result))
    if len(result.points) == 1 and result.points[0].condition == sp.true:
        only = result.points[0]
        for k, v in {**only.point, **only.multipliers}.items():
            d.result(k.name, v)
    return d


def _point_steps(d, result: KKTResult, point: KKTPoint, equations) -> None:
    c = result.conditions
    values = {**point.point, **point.multipliers}
    free = [m for m, v in point.multipliers.items() if v == m]
    shown = {k: v for k, v in values.items() if k not in free}
    when = "" if point.condition == sp.true else f" (when ${_tex(point.condition)}$)"
    any_multiplier = (", any $" + ", ".join(f"{_tex(m)} \\ge 0" for m in free)
                      + "$ (the multiplier is not unique)" if free else "")
    d.note(f"Solution ${_where(shown)}${any_multiplier}{when}; substituted into the system:")
    for e in equations:
        d.equation(_at(e, shown), sp.S.Zero, "substitute the solution")
    relations = [(sp.Lt(_at(c.inequalities[i], point.point), 0, evaluate=False),
                  sp.Lt(sp.simplify(c.inequalities[i].subs(point.point)), 0, evaluate=False),
                  "inactive: strictly feasible")
                 for i in range(len(c.inequalities)) if i not in point.active]
    relations += [(sp.Ge(values[c.ineq_multipliers[i]], 0, evaluate=False),
                   sp.Ge(values[c.ineq_multipliers[i]], 0, evaluate=False), "dual feasibility")
                  for i in point.active if c.ineq_multipliers[i] not in free]
    for shown_relation, evaluated, why in relations:
        if point.condition == sp.true:
            d.inequality(shown_relation, why)
        else:
            d.implies(point.condition, evaluated, f"{why}, under the case's condition")
    d.note(f"KKT point{when}: {_kind_text(point)}; {_licq_text(point)}.")


def _kind_text(point: KKTPoint) -> str:
    kind, M = point.kind.value, point.kind.evidence.get("reduced_hessian")
    if kind is None or M is None:
        return _plain(point.kind.reason if kind is None else str(point.kind))
    if M.rows == 0:
        return f"strict local {kind} (the critical cone is $\\{{0\\}}$)"
    on_cone = f"$\\nabla^2_{{xx}} L$ on the critical cone is ${_tex(M)}$"
    if kind == "neither":
        return (f"neither a minimum nor a maximum ({on_cone}: it has directions of both "
                "signs there)")
    definite = "positive" if kind == "minimum" else "negative"
    return f"strict local {kind} ({on_cone}, {definite} definite)"


def _licq_text(point: KKTPoint) -> str:
    J = point.licq.evidence.get("gradients")
    if J is None:
        return "LICQ: " + _plain(point.licq.reason)
    holds = {True: "holds", False: "fails"}.get(point.licq.value, "undecided")
    return f"LICQ {holds} (active constraint gradients ${_tex(J)}$)"


def _conclusion(result: KKTResult) -> str:
    c = result.conditions
    if not result.points:
        return "Conclusion: the problem has no KKT point" + (
            "." if result.complete else " among the cases that could be decided.")
    if result.convex.value is True and result.complete and not any(p.free for p in
                                                                    result.points):
        parts = [f"{_tex(sp.Symbol(v.name + 'star'))} = {_tex(result.global_minimizer(v))}"
                 for v in c.variables]
        parts += [f"{_tex(m)}^* = {_tex(result.global_minimizer(m))}"
                  for m in c.ineq_multipliers + c.eq_multipliers]
        return "Conclusion: the global minimizer is $" + r",\ ".join(parts) + "$."
    kinds = "; ".join(
        f"${_where(p.point)}$: "
        + ("global minimum" if p.global_minimum.value is True else p.kind.value or "unknown")
        + ("" if p.condition == sp.true else f" (when ${_tex(p.condition)}$)")
        for p in result.points
    )
    return f"Conclusion: KKT points {kinds}." + (
        "" if result.complete else " Some cases could not be decided (see above).")


def _violations(rejected, c) -> str:
    parts = []
    for kind, i, value in rejected.failed:
        if kind == "inactive":
            parts.append(f"$g_{{{i + 1}}} = {_tex(value)}$ is not $< 0$")
        elif kind == "dual":
            parts.append(f"${_tex(c.ineq_multipliers[i])} = {_tex(value)} < 0$")
        else:
            parts.append(f"a denominator ${_tex(value)}$ vanishes")
    return ", ".join(parts) or _plain(rejected.reason)


def _plain(text: str) -> str:
    """Reasons from the solver in prose: strip characters pdflatex cannot typeset."""
    from symopt.derivation import text_to_latex
    from symopt.errors import SymoptError

    text = text.replace("$", "")
    replacements = {"ᵢ": "_i", "ⱼ": "_j", "ₓ": "_x", "ᵀ": "^T", "∈": " in ",
                    "≡": " identically "}
    for a, b in replacements.items():
        text = text.replace(a, b)
    kept = []
    for char in text:
        try:
            text_to_latex(char)
            kept.append(char)
        except SymoptError:  # a character pdflatex cannot typeset
            kept.append("?")
    return "".join(kept).replace("∇²L", "$\\nabla^2 L$")
