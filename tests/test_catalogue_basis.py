"""Every catalogue entry says what its verdict rests on, and no claim about a class is
called true from a special case.

The bases are those of :data:`symopt.catalogue.BASES`: ``exact`` (a symbolic proof in
general), ``certificate`` (over a function class), ``numeric`` (floating runs or
sampling), ``instance`` (the text's own example, checked exactly), ``counterexample`` and
``cited``. A claim whose ``stated`` text quantifies over a class ("every", "for all",
"any", "always") and which the catalogue expects to be true must rest on a proof
(``exact``, ``certificate``) or a literature result, never on one instance or on
floating-point runs — unless it is listed below with the reason.
"""

import json
import re
import textwrap

import pytest

from symopt.catalogue import BASES, Outcome, claim, discover, run_catalogue, write_pages
from symopt.cli import run
from symopt.errors import SymoptError

ENTRIES = discover()

#: Words by which a stated claim speaks of a whole class.
QUANTIFIER = re.compile(r"\b(every|for all|any|always|whatever)\b", re.IGNORECASE)

#: True claims quantifying over a class that rest on an instance or on numbers, each with
#: the reason it may (this list stays short).
SPECIAL_CASE_ALLOWED: dict[str, str] = {
    # "every 10 epochs" is the schedule's period, not a class: the text's own example
    "002-step-decay": "the text's example (γ = 1/2, period 10), checked exactly",
}


def test_every_entry_declares_a_basis():
    missing = [e.info.id for e in ENTRIES if e.info.basis not in BASES]
    assert not missing, missing


def test_no_claim_about_a_class_is_true_from_a_special_case():
    offending = [
        (e.info.id, e.info.basis, e.info.stated) for e in ENTRIES
        if e.info.expected == "true" and QUANTIFIER.search(e.info.stated)
        and e.info.basis in ("instance", "numeric") and e.info.id not in SPECIAL_CASE_ALLOWED
    ]
    assert not offending, offending


def test_the_allowed_special_cases_exist_and_still_need_the_exception():
    by_id = {e.info.id: e.info for e in ENTRIES}
    for identifier in SPECIAL_CASE_ALLOWED:
        info = by_id[identifier]
        assert QUANTIFIER.search(info.stated) and info.basis in ("instance", "numeric")


def test_a_wrong_or_conditional_verdict_rests_on_something_that_can_show_it():
    # a refutation is a witness or a proof; a literature citation alone refutes nothing
    cited_refutations = [e.info.id for e in ENTRIES
                         if e.info.expected in ("false", "conditional") and e.info.basis == "cited"]
    assert not cited_refutations


def test_an_unknown_basis_is_refused():
    with pytest.raises(SymoptError, match="basis must be one of"):
        claim("t-bad", seed="000", quote="", stated="", basis="hunch")
    with pytest.raises(SymoptError, match="basis must be one of"):
        Outcome.check(True).with_basis("proof")


PROOFS = '''
    import sympy as sp
    from symopt.catalogue import Outcome, claim

    @claim("b-instance", seed="000", quote="2 − 0.1·4 = 1.6", stated="x₁ = 1.6",
           basis="instance")
    def step():
        return Outcome.compare(sp.Rational("1.6"), 2 - sp.Rational(1, 10) * 4)

    @claim("b-override", seed="001", quote="", stated="(x + 1)² = x² + 2x + 1",
           basis="instance")
    def identity():
        x = sp.Symbol("x")
        return Outcome.compare((x + 1)**2, x**2 + 2*x + 1).with_basis("exact")
'''


@pytest.fixture()
def small(tmp_path):
    directory = tmp_path / "proofs"
    directory.mkdir()
    (directory / "entries.py").write_text(textwrap.dedent(PROOFS), encoding="utf-8")
    return directory


def test_the_outcome_may_name_its_own_basis(small):
    results = {r.entry.info.id: r for r in run_catalogue(small, seconds=0).results}
    assert results["b-instance"].basis == "instance"
    assert results["b-override"].basis == "exact"  # the outcome's own, not the entry's


def test_pages_show_what_each_verdict_rests_on(small, tmp_path):
    write_pages(run_catalogue(small, seconds=0), tmp_path / "pages")
    page = (tmp_path / "pages" / "entries.md").read_text(encoding="utf-8")
    assert f"- **Rests on:** instance — {BASES['instance']}" in page
    assert f"- **Rests on:** exact — {BASES['exact']}" in page
    index = (tmp_path / "pages" / "index.md").read_text(encoding="utf-8")
    row = next(line for line in index.splitlines() if line.startswith("| [b-instance]"))
    assert row.rstrip().endswith("| instance |")
    assert (f"What the verdicts rest on: 1 exact ({BASES['exact']}), 1 instance "
            f"({BASES['instance']}).") in index


def test_prove_reports_the_basis(small, capsys, monkeypatch):
    capsys.readouterr()
    assert run(["prove", str(small), "--json", "--no-docs"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {c["id"]: c["basis"] for c in report["claims"]} == {"b-instance": "instance",
                                                               "b-override": "exact"}
    monkeypatch.setattr("symopt.cli.console.width", 300)
    assert run(["prove", str(small), "-v", "--no-docs"]) == 0
    out = capsys.readouterr().out
    assert "basis" in out and "instance" in out


def test_a_claims_file_entry_rests_on_what_its_kind_decides():
    kinds = {e.info.kind: e.info.basis for e in ENTRIES if e.info.kind != "python"}
    assert kinds["gradient"] == "exact" and kinds["iterate"] == "instance"

