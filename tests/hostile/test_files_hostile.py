"""Malformed files and paths: one schema check naming the field and the expected type."""

from pathlib import Path

import pytest

from symopt.catalogue import discover
from symopt.claims import load_claims
from symopt.claims.files import check_fields
from symopt.cli import run
from symopt.errors import ParseError, SymoptError

CLAIM = '[[claims]]\nkind = "gradient"\nproblem = {objective = "x**2"}\nstated = "[2*x]"\n'


@pytest.mark.parametrize(("top", "field", "expected"), [
    ('problems = "abc"', "problems", "a table"),
    ("methods = 5", "methods", "a table"),
    ("source = [1, 2]", "source", "text or a table"),
    ("title = 3", "title", "text"),
    ('timeout = "x"', "timeout", "a number"),
])
def test_top_level_fields_of_the_wrong_type_are_named(top, field, expected):
    with pytest.raises(ParseError, match=f"{field} must be {expected}"):
        load_claims(top + "\n" + CLAIM)


@pytest.mark.parametrize(("line", "field", "expected"), [
    ("hyperparameters = [1, 2]", "hyperparameters", "a table"),
    ('expect = "yes"', "expect", "true or false"),
    ("id = 5", "id", "text"),
    ("steps = 1.5", "steps", "a whole number"),
    ("note = []", "note", "text"),
])
def test_claim_fields_of_the_wrong_type_are_an_error_entry(line, field, expected):
    (entry,) = load_claims(CLAIM + line + "\n").entries
    assert entry.claim is None and f"{field} must be {expected}" in entry.error


def test_claims_that_are_not_tables_are_error_entries():
    entries = load_claims("claims = [1, 2]\n").entries
    assert [e.claim for e in entries] == [None, None]


def test_problem_assumptions_of_the_wrong_type():
    text = '[problems.p]\nobjective = "x**2"\nassumptions = "positive"\n' + \
        CLAIM.replace('{objective = "x**2"}', '"p"')
    with pytest.raises(ParseError, match=r"\[problems.p\]: assumptions must be a table"):
        load_claims(text)


def test_the_catalogue_uses_the_same_schema(tmp_path):
    (tmp_path / "a.toml").write_text("source = [1, 2]\n" + CLAIM)
    with pytest.raises(SymoptError, match="source must be text or a table"):
        discover(tmp_path)
    (tmp_path / "a.toml").write_text(CLAIM + "timeout = 0\n")
    with pytest.raises(SymoptError, match="timeout"):
        discover(tmp_path)


def test_check_fields_names_the_table():
    with pytest.raises(ParseError, match="here: kind must be text, got a whole number"):
        check_fields("here", {"kind": 3}, "claim")


def test_invalid_utf8_is_a_clean_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b"\xff\xfe title = 1")
    with pytest.raises(ParseError, match="UTF-8"):
        load_claims(path)


def test_a_file_name_with_a_newline_is_a_path_not_toml(tmp_path, capsys):
    name = str(tmp_path / "a\ntitle = 'x'\n[[claims]]\nkind='gradient'\nstated='1'")
    assert run(["check", name]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["dir", "missing"])
def test_tex_paths_that_cannot_be_written_are_clean_errors(tmp_path, where, capsys):
    path = tmp_path if where == "dir" else tmp_path / "no" / "such" / "a.tex"
    assert run(["derive", "x**2", "--tex", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err


def test_markup_in_an_error_message_is_shown_as_written(tmp_path, capsys):
    path = Path(tmp_path / "m.toml")
    path.write_text('[methods.m]\nname = "gd"\nhyperparameters = [1]\n' + CLAIM)
    assert run(["check", str(path)]) == 2
    assert "[methods.m]" in capsys.readouterr().err
