"""Terminal output: every command prints bracketed values as text, never as rich markup.

rich reads ``[...]`` in a plain string as a style tag and drops it; a matrix's second row
``[lambda, beta]`` vanished that way. Expected values are the hand-derived objects
(heavy ball's per-eigenvalue matrix [[1 − αλ, −αβ], [λ, β]] in its (x, b) state, where
b' = βb + g; the gradient of x² + 3y is (2x, 3)).
"""

import re
import textwrap

import pytest
import sympy as sp

from symopt.cli import console, run
from symopt.cli.cells import cell, verdict


@pytest.fixture()
def wide(monkeypatch):
    """A console wide enough that no cell wraps (the checks read whole values)."""
    monkeypatch.setattr(console, "width", 400)


def test_cell_keeps_brackets_and_draws_sympy_objects():
    assert cell("Matrix([[1, 0], [lambda, beta]])").plain == "Matrix([[1, 0], [lambda, beta]])"
    assert cell("[bold]x[/]").plain == "[bold]x[/]"
    drawing = cell(sp.Matrix([[1, 2], [3, 4]])).plain.splitlines()
    assert drawing[0].startswith("⎡1") and drawing[-1].startswith("⎣3")
    long = sp.Add(*sp.symbols("a0:40"))
    assert "\n" not in cell(long).plain  # too wide to draw: one line
    assert verdict("[red]false").plain == "[red]false"


def test_analyze_prints_both_rows_of_the_heavy_ball_matrix(capsys):
    assert run(["analyze", "0.5*(w1**2 + 4*w2**2)", "--method", "heavy_ball"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"⎡-α⋅λ \+ 1\s+-α⋅β⎤", out)
    assert re.search(r"⎣\s*λ\s+β\s*⎦", out)  # the second row, once lost as markup


def test_analyze_shows_the_closed_form_per_eigenvalue(capsys):
    assert run(["analyze", "2*w**2", "--method", "gd"]) == 0
    out = capsys.readouterr().out
    assert "closed form, λ = 4" in out
    assert "x₀⋅(1 - 4⋅α)" in out  # w_k = (1 − 4α)^k w₀, the exponent drawn above


def test_derive_prints_the_gradient_as_a_list(capsys):
    assert run(["derive", "x**2 + 3*y"]) == 0
    assert "[[2*x], [3]]" in capsys.readouterr().out


def test_check_prints_the_correct_value_with_its_brackets(tmp_path, capsys, wide):
    claims = tmp_path / "claims.toml"
    claims.write_text(textwrap.dedent('''
        [problems.p]
        objective = "x**2 + 3*y"

        [[claims]]
        id = "wrong-gradient"
        kind = "gradient"
        problem = "p"
        stated = "[2*x, 0]"
    '''), encoding="utf-8")
    assert run(["check", str(claims)]) == 1
    out = capsys.readouterr().out
    assert "correct: Matrix([[2*x], [3]])" in out  # "[3]" was read as a tag


def test_kkt_prints_matrices_as_text(capsys):
    assert run(["kkt", "x**2 + y**2", "--subject-to", "x + y >= 1"]) == 0
    assert "[[-1, -1]]" in capsys.readouterr().out  # the active constraint's gradient


def test_prove_prints_evidence_with_brackets(tmp_path, capsys, wide):
    (tmp_path / "entries.py").write_text(textwrap.dedent('''
        import sympy as sp
        from symopt.catalogue import Outcome, claim

        @claim("t-brackets", seed="000", quote="", stated="", expect=False)
        def brackets():
            return Outcome.check(False, "", "iterates [1, -1] and [bold]not markup[/]")
    '''), encoding="utf-8")
    assert run(["prove", str(tmp_path), "-v", "--no-docs"]) == 0
    out = capsys.readouterr().out
    assert "iterates [1, -1] and [bold]not markup[/]" in out


def test_verify_batch_prints_ids_with_brackets(tmp_path, capsys, wide):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"id": "q[1]", "reference": "2*x", "answer": "x + x"}\n'
                     '{"id": "[bold]q2[/]", "reference": "x**2", "answer": "x*x"}\n',
                     encoding="utf-8")
    run(["verify", "--batch", str(pairs)])
    out = capsys.readouterr().out
    assert "q[1]" in out and "[bold]q2[/]" in out
