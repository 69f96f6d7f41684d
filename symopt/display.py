"""Rich display in Jupyter: results as Markdown with rendered math.

Jupyter calls ``_repr_markdown_`` on the last value of a cell; the result types
of symopt (:class:`~symopt.Problem`, :class:`~symopt.analysis.Analysis`,
:class:`~symopt.derivation.Derivation`, :class:`~symopt.claims.Verdict`,
:class:`~symopt.kkt.KKTResult`) delegate to the functions here, so a notebook
shows a table with LaTeX cells instead of a SymPy string. Nothing here derives
anything new: a display never starts symbolic work that could run long (a
Problem shows its gradient and Hessian, not its stationary points).

>>> from symopt import Problem
>>> print(problem_markdown(Problem("x**2 + 4*y**2")))  # doctest: +NORMALIZE_WHITESPACE
**Problem** minimise $x^{2} + 4 y^{2}$ over $\\left( x, \\  y\\right)$
<BLANKLINE>
|  |  |
|---|---|
| $\\nabla f$ | $\\left[\\begin{matrix}2 x\\\\8 y\\end{matrix}\\right]$ |
| $\\nabla^2 f$ | $\\left[\\begin{matrix}2 & 0\\\\0 & 8\\end{matrix}\\right]$ |
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sympy as sp

from symopt.errors import SymoptError
from symopt.result import Finding

__all__ = [
    "analysis_markdown",
    "derivation_markdown",
    "finding_markdown",
    "kkt_markdown",
    "math",
    "problem_markdown",
    "verdict_markdown",
]

#: Larger matrices are summarised by their shape: a 30×30 Hessian does not help in a cell.
MAX_MATRIX_SIDE = 8


def math(value: Any) -> str:
    """``value`` as inline Markdown math (``$…$``); strings stay text.

    >>> math(sp.Rational(1, 2)), math("a note | with a bar")
    ('$\\\\frac{1}{2}$', 'a note \\\\| with a bar')
    """
    if isinstance(value, str):
        return _cell(value)
    if isinstance(value, sp.MatrixBase) and max(value.shape) > MAX_MATRIX_SIDE:
        return f"{value.shape[0]}×{value.shape[1]} matrix"
    if isinstance(value, dict):
        return ", ".join(f"${sp.latex(k)} = {sp.latex(v)}$" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(math(v) for v in value) + "]"
    try:
        return f"${sp.latex(value)}$"
    except Exception:  # an odd value is shown as text: a display never breaks a notebook
        return _cell(str(value))


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: Iterable[tuple[str, str]], header: tuple[str, str] = ("", "")) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines)


def finding_markdown(finding: Finding) -> str:
    """One Finding as a cell: the value in math, or *unknown* — with its reason.

    >>> finding_markdown(Finding(sp.Integer(4), "largest eigenvalue"))
    '$4$ — largest eigenvalue'
    >>> finding_markdown(Finding.unknown("not constant"))
    '*unknown* — not constant'
    """
    shown = math(finding.value) if finding.known else "*unknown*"
    return f"{shown} — {_cell(finding.reason)}" if finding.reason else shown


def problem_markdown(problem: Any) -> str:
    """A Problem: objective, variables, constraints, ∇f and ∇²f."""
    head = (f"**Problem** minimise {math(problem.objective)} over "
            f"${sp.latex(sp.Tuple(*problem.variables))}$")
    rows = []
    if problem.constraints:
        shown = [math(sp.Le(c.expr, 0) if c.kind == "ineq" else sp.Eq(c.expr, 0))
                 for c in problem.constraints]
        rows.append(("subject to", ", ".join(shown)))
    for label, attribute in ((r"$\nabla f$", "gradient"), (r"$\nabla^2 f$", "hessian")):
        try:
            rows.append((label, math(getattr(problem, attribute))))
        except SymoptError as exc:
            rows.append((label, f"*unknown* — {_cell(str(exc))}"))
    return head + "\n\n" + _table(rows)


def analysis_markdown(analysis: Any) -> str:
    """An Analysis: every derived entry with the reason it holds (or is unknown)."""
    scope = ("exact on this quadratic (every start)" if analysis.kind == "quadratic"
             else "the quadratic model at the minimiser (local)")
    head = (f"**{analysis.method.name}** on {math(analysis.problem.objective)} — {scope}")
    rows = [(name.replace("_", " "), finding_markdown(_plain(getattr(analysis, name))))
            for name in ("minimiser", "eigenvalues", "iteration_matrix", "closed_form",
                         "stability", "optimal", "rate", "iterations", "behaviour")]
    return head + "\n\n" + _table(rows, ("", "derived"))


def _plain(finding: Finding) -> Finding:
    """A stability region shown as its condition, an optimum as its values and rate."""
    value = finding.value
    if hasattr(value, "condition") and hasattr(value, "interval"):  # StabilityRegion
        return Finding(value.condition, finding.reason)
    if hasattr(value, "hyperparameters") and hasattr(value, "rate"):  # Optimum
        shown = {**value.hyperparameters, sp.Symbol(r"\text{rate}"): value.rate}
        return Finding(shown, finding.reason)
    return finding


def derivation_markdown(derivation: Any) -> str:
    """A Derivation, each derived step marked ✓ (proved), ≈ (checked numerically) or ?."""
    from symopt.derivation.render import to_markdown

    marks = {"symbolic": "✓", "exact": "✓", "numeric": "≈"}
    lines = to_markdown(derivation).splitlines()
    out = []
    for line in lines:
        if line.startswith("**") and line[2:].split(".", 1)[0].isdigit():
            step = derivation.steps[int(line[2:].split(".", 1)[0]) - 1]
            if step.kind not in ("definition", "assumption", "note"):
                mark = marks.get(step.method, "?") if step.verified else "?"
                line = f"{mark} {line}"
        out.append(line)
    return "\n".join(out)


#: What each basis of a verdict means, as a display says it.
BASIS_WORDS = {
    "exact": "exact — a symbolic proof",
    "certificate": "certificate — over the function class",
    "numeric": "numeric — evidence, not a proof",
    "counterexample": "counterexample — a concrete witness",
    "cited": "cited — an argument stated, not machine-checked",
}


def verdict_markdown(verdict: Any) -> str:
    """A Verdict: status, what it rests on, summary, the correct value and the counterexample.

    >>> from symopt.claims import Verdict
    >>> print(verdict_markdown(Verdict.true("equal at 10 random points", basis="numeric")))
    **Claim** (claim)
    <BLANKLINE>
    |  |  |
    |---|---|
    | verdict | **✅ true** |
    | rests on | numeric — evidence, not a proof |
    | why | equal at 10 random points |
    """
    badge = {"true": "✅ true", "false": "❌ false"}.get(verdict.status, f"⚠️ {verdict.status}")
    title = f" `{verdict.claim_id}`" if verdict.claim_id else ""
    rows = [("verdict", f"**{badge}**")]
    basis = getattr(verdict, "basis", "")
    if basis:
        rows.append(("rests on", _cell(BASIS_WORDS.get(basis, basis))))
    rows.append(("why", _cell(verdict.summary)))
    if verdict.correct:
        rows.append(("correct value", f"`{_cell(verdict.correct)}`"))
    if verdict.counterexample:
        rows.append(("counterexample", _cell(verdict.counterexample)))
    rows += [("evidence", _cell(e)) for e in verdict.evidence]
    return f"**Claim**{title} ({verdict.kind or 'claim'})\n\n" + _table(rows)


def kkt_markdown(result: Any) -> str:
    """A KKTResult: one row per KKT point (point, multipliers, value, kind, LICQ)."""
    head = f"**KKT points** — convex program: {finding_markdown(result.convex)}"
    lines = ["| point | multipliers | f | kind | LICQ | where |", "|---|---|---|---|---|---|"]
    for p in result.points:
        where = "" if p.condition is sp.true else math(p.condition)
        lines.append(f"| {math(p.point)} | {math(p.multipliers)} | {math(p.value)} | "
                     f"{_cell(str(p.kind.value or 'unknown'))} | "
                     f"{_cell(str(p.licq.value if p.licq.known else 'unknown'))} | {where} |")
    if not result.points:
        lines.append("| *none* | | | | | |")
    tail = ("" if result.complete
            else "\n\n*Some active sets were not decided: points may be missing.*")
    return head + "\n\n" + "\n".join(lines) + tail
