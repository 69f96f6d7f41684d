"""The README's promises: its Python example runs, its commands exist."""

import doctest
import re
from pathlib import Path

from symopt.cli import run

README = Path(__file__).resolve().parents[1] / "README.md"


def test_python_example_runs():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has no Python example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for block in blocks:
        runner.run(parser.get_doctest(block, {}, "README", str(README), 0))
    assert runner.failures == 0 and runner.tries > 0


def test_set_up_commands_are_stated():
    text = README.read_text(encoding="utf-8")
    assert 'pip install -e . && symopt prove' in text
    assert 'pip install -e ".[test]" && pytest' in text


def test_worked_example_command_and_error(capsys):
    assert run(["derive", "0.5*(w1**2 + 4*w2**2)"]) == 0
    out = capsys.readouterr().out
    assert "minimum" in out and "[[1, 0], [0, 4]]" in out
    assert run(["derive", "x + foo(y)"]) == 2
    assert "unknown function 'foo' at position 4" in capsys.readouterr().err
