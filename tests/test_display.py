"""Jupyter display: each result type renders as Markdown with the derived values as math."""

import sympy as sp

from symopt import Problem
from symopt.analysis import analyze
from symopt.claims import Claim, check
from symopt.derivations import gd_derivation
from symopt.display import math
from symopt.kkt import solve_kkt
from symopt.result import Finding


def test_problem_shows_gradient_and_hessian():
    shown = Problem("x**2 + 4*y**2")._repr_markdown_()
    # ∇f = (2x, 8y), ∇²f = diag(2, 8) by hand
    assert r"\begin{matrix}2 x\\8 y\end{matrix}" in shown
    assert r"\begin{matrix}2 & 0\\0 & 8\end{matrix}" in shown


def test_large_matrices_are_summarised():
    assert math(sp.eye(20)) == "20×20 matrix"


def test_analysis_shows_each_finding_with_its_reason():
    shown = analyze("2*w**2", "gd")._repr_markdown_()
    # GD on 2w² (λ = 4): converges iff 0 < α < 1/2, α* = 1/4
    assert r"\alpha < \frac{1}{2}" in shown
    assert r"\alpha = \frac{1}{4}" in shown
    assert "exact on this quadratic" in shown
    assert "*unknown* — give a value for alpha" in shown


def test_local_analysis_says_it_is_local():
    shown = analyze("x**4/4 + x**2", "gd")._repr_markdown_()
    assert "local" in shown


def test_false_verdict_shows_correct_value_and_counterexample():
    shown = check(Claim("gradient", "[2*x, 2*y]", problem="x**2 + 2*y**2"))._repr_markdown_()
    assert "false" in shown and "4*y" in shown and "counterexample" in shown


def test_derivation_marks_every_derived_step():
    derivation = gd_derivation("2*w**2")
    shown = derivation._repr_markdown_()
    derived = [s for s in derivation.steps if s.kind not in ("definition", "assumption", "note")]
    marks = sum(shown.count(f"{m} **") for m in ("✓", "≈", "?"))
    assert marks == len(derived) > 3


def test_kkt_result_lists_points_with_multipliers():
    # min x² s.t. x ≥ 1: x* = 1, λ* = 2 (from 2x − λ = 0)
    shown = solve_kkt(Problem("x**2", ["x"], ["x >= 1"]))._repr_markdown_()
    assert "$x = 1$" in shown and r"$\lambda = 2$" in shown


def test_finding_and_bars_in_text_are_escaped():
    assert Finding.unknown("a | b")._repr_markdown_() == r"*unknown* — a \| b"
