"""``symopt parse TEXT --shapes ...``: the command-line form of a shape declaration."""

from __future__ import annotations

import json

from symopt.cli import run


def test_parse_with_shapes_prints_the_matrix_expression_and_the_notes(capsys) -> None:
    assert run(["parse", r"X^\top(Xw - y)", "--shapes", "X=m x n; w=n; y=m"]) == 0
    out = capsys.readouterr().out
    assert "value: X.T*(X*w - y)" in out
    assert "'Xw' read as the product X w" in out


def test_parse_json_lists_the_declared_shapes(capsys) -> None:
    assert run(["parse", "x.T*A*x", "--shapes", "x=n, A=n x n symmetric", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["value"] == "(x.T*A*x)[0, 0]"
    assert data["shapes"] == {"x": "n", "A": "n x n symmetric"}


def test_parse_refusals_are_one_line_with_exit_2(capsys) -> None:
    assert run(["parse", r"\|x\|"]) == 2
    err = capsys.readouterr().err
    assert "declare shapes={'x': 'n'}" in err and "Traceback" not in err
    assert run(["parse", "x", "--shapes", "x=10000"]) == 2
    assert "above 1000" in capsys.readouterr().err
    assert run(["parse", "x", "--shapes", "x"]) == 2
    assert "not name=shape" in capsys.readouterr().err
