import json
import subprocess
import sys

from symopt.cli import run


def test_derive_prints_the_facts(capsys):
    assert run(["derive", "x**2 + 4*y**2"]) == 0
    out = capsys.readouterr().out
    assert "minimum" in out and "[[2, 0], [0, 8]]" in out


def test_derive_json(capsys):
    assert run(["derive", "x**2 + 4*y**2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hessian"] == [["2", "0"], ["0", "8"]]
    assert (data["L"]["value"], data["mu"]["value"], data["kappa"]["value"]) == ("8", "2", "4")


def test_bad_input_is_one_line_and_exit_2():
    proc = subprocess.run(
        [sys.executable, "-m", "symopt", "derive", "x**2 + foo(y)"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "unknown function 'foo'" in proc.stderr


def test_unknown_command_exit_2():
    assert run(["no-such-command"]) == 2


def test_derive_table_shows_bracketed_values_verbatim(capsys):
    # '[w_1]' must not be swallowed as rich markup.
    assert run(["derive", r"\frac{1}{2}(w_1^2 + 4 w_2^2)"]) == 0
    out = capsys.readouterr().out
    assert "[[w_1], [4*w_2]]" in out and "[w_1, w_2]" in out
