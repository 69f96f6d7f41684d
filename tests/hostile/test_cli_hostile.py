"""The command line's last line of defence: any exception ends in one line and exit 2."""

import importlib

import pytest

from symopt.cli import run

cli = importlib.import_module("symopt.cli")


@pytest.mark.parametrize("exc", [RuntimeError("boom\nsecond line"), TypeError("undecidable"),
                                 RecursionError(), MemoryError(), KeyError("[bold]x")])
def test_an_unexpected_exception_is_one_line_and_exit_2(monkeypatch, capsys, exc):
    def explode(*args, **kwargs):
        raise exc

    monkeypatch.delenv("SYMOPT_DEBUG", raising=False)
    monkeypatch.setattr(cli, "app", explode)
    assert run(["derive", "x"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in err


def test_symopt_debug_shows_the_traceback(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setenv("SYMOPT_DEBUG", "1")
    monkeypatch.setattr(cli, "app", explode)
    with pytest.raises(RuntimeError):
        run(["derive", "x"])


def test_a_symopt_error_message_is_not_wrapped(capsys):
    long_value = "x" * 150
    assert run(["compile", "gd", "--hp", f"alpha={long_value}"]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1
