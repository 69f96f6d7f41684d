"""The proofs catalogue: the whole run, the runner's machinery, the CLI and the docs site."""

import doctest
import json
import re
import textwrap
from pathlib import Path

import pytest
import sympy as sp

from symopt.catalogue import (
    Outcome,
    claim,
    default_proofs_dir,
    discover,
    iterate,
    run_catalogue,
    same,
    write_pages,
)
from symopt.cli import run
from symopt.errors import SymoptError

ROOT = Path(__file__).resolve().parent.parent
#: Claims symopt cannot decide yet (``expect = "open"``), with the reason; this set only shrinks.
OPEN: dict[str, str] = {}

#: The catalogue covers at least this many seed claims (it grows; never shrinks).
MIN_CLAIMS = 100


@pytest.fixture(scope="module")
def summary():
    return run_catalogue()


@pytest.mark.slow  # the whole catalogue: ~30 s of CPU
def test_every_verdict_is_the_expected_one(summary):
    wrong = [(r.entry.info.id, r.entry.info.expect, r.verdict, r.outcome.evidence[:200])
             for r in summary.results if not r.matches]
    assert not wrong, wrong
    assert summary.ok


@pytest.mark.slow  # the whole catalogue: ~30 s of CPU
def test_the_catalogue_covers_the_seeds(summary):
    counts = summary.counts()
    assert counts["claims"] >= MIN_CLAIMS
    open_claims = {r.entry.info.id for r in summary.results if r.entry.info.expect == "open"}
    assert open_claims <= set(OPEN) and counts["unknown"] == len(open_claims)
    # the texts' known errors are found, e.g. seed 004's GD run and seed 001's slow direction
    wrong = {r.entry.info.id for r in summary.results if r.status == "false-as-expected"}
    assert {"004-gd-theta1", "001-slow-direction", "002-local-min-iff"} <= wrong
    assert set(summary.seeds_covered) == {"000", "001", "002", "003", "004"}


@pytest.mark.slow  # the whole catalogue: ~30 s of CPU
def test_every_false_claim_comes_with_the_correct_value(summary):
    for r in summary.results:
        if r.verdict == "false":
            assert r.outcome.derived or r.outcome.evidence, r.entry.info.id


@pytest.mark.slow  # the whole catalogue: ~30 s of CPU
def test_the_inventory_lists_every_entry(summary):
    inventory = (ROOT / "proofs" / "README.md").read_text(encoding="utf-8")
    missing = [r.entry.info.id for r in summary.results if r.entry.info.id not in inventory]
    assert not missing


@pytest.mark.slow  # the whole catalogue: ~30 s of CPU
def test_pages_are_written_with_plots(summary, tmp_path):
    written = write_pages(summary, tmp_path)
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert f"**{len(summary.results)} claims**" in index
    assert "004-gd-theta1" in index  # listed among the texts' errors
    topics = set(summary.by_topic())
    assert {p.stem for p in written} == topics | {"index"}
    page = (tmp_path / "rate_oscillation.md").read_text(encoding="utf-8")
    assert "## 004-gd-theta1 {#004-gd-theta1}" in page and "$" in page
    pytest.importorskip("matplotlib")
    assert (tmp_path / "img" / "004-gd-theta1.svg").is_file()


@pytest.mark.slow  # the whole catalogue: ~30 s of CPU
def test_every_topic_is_in_the_site_navigation(summary):
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for topic in summary.by_topic():
        assert f"catalogue/{topic}.md" in nav
        assert (ROOT / "docs" / "catalogue" / f"{topic}.md").is_file()


# -- the runner's machinery on a small catalogue of its own --------------------------

ENTRIES = '''
    import time
    import sympy as sp
    from symopt.catalogue import Outcome, claim

    @claim("t-true", seed="000", quote="2 − 0.1·4 = 1.6", stated="1.6")
    def right():
        """A right claim."""
        return Outcome.compare(sp.Rational("1.6"), 2 - sp.Rational(1, 10) * 4)

    @claim("t-false", seed="001", quote="3/5 = 0.5", stated="0.5", expect=False)
    def wrong():
        return Outcome.compare(sp.Rational(1, 2), sp.Rational(3, 5))

    @claim("t-cond", seed="001", quote="1/x > 0", stated="1/x > 0", expect="conditional")
    def conditional():
        x = sp.Symbol("x", positive=True)
        return Outcome.conditional(bool((1 / x).is_positive), 1 / sp.Integer(-1) < 0,
                                   "x > 0", "x = -1")

    @claim("t-raises", seed="002", quote="", stated="")
    def raises():
        raise ValueError("boom")

    @claim("t-slow", seed="003", quote="", stated="", timeout=1)
    def slow():
        time.sleep(60)
'''

CLAIMS = '''
    source = "004_8badbfe8a1fc8269.txt"

    [problems.parabola]
    objective = "(theta - 5)**2"

    [[claims]]
    id = "t-gradient"
    kind = "gradient"
    problem = "parabola"
    stated = "[2*(theta - 5)]"
    source = { quote = "return 2 * (theta - 5)" }
'''


@pytest.fixture()
def small(tmp_path):
    (tmp_path / "entries.py").write_text(textwrap.dedent(ENTRIES), encoding="utf-8")
    (tmp_path / "claims.toml").write_text(textwrap.dedent(CLAIMS), encoding="utf-8")
    return tmp_path


def test_discover_reads_python_and_toml_entries(small):
    entries = discover(small)
    assert [e.info.id for e in entries] == ["t-gradient", "t-true", "t-false", "t-cond",
                                            "t-raises", "t-slow"]
    assert entries[0].info.seed == "004" and entries[0].info.kind == "gradient"
    assert entries[2].info.expect is False


def test_failures_become_verdicts_and_timeouts_stop_the_entry(small):
    summary = run_catalogue(small)
    verdicts = {r.entry.info.id: (r.verdict, r.status) for r in summary.results}
    assert verdicts == {
        "t-gradient": ("true", "true"),
        "t-true": ("true", "true"),
        "t-false": ("false", "false-as-expected"),
        "t-cond": ("conditional", "conditional"),
        "t-raises": ("error", "error"),
        "t-slow": ("timeout", "timeout"),
    }
    slow = next(r for r in summary.results if r.entry.info.id == "t-slow")
    assert slow.seconds < 30
    assert "boom" in next(r for r in summary.results if r.verdict == "error").outcome.evidence
    assert not summary.ok
    assert summary.counts() == {"claims": 6, "true": 2, "false-as-expected": 1,
                                "conditional": 1, "unexpected": 0, "false-unexpected": 0,
                                "true-unexpected": 0, "conditional-unexpected": 0,
                                "unknown": 2}


def test_select_runs_a_subset(small):
    summary = run_catalogue(small, select="t-true")
    assert [r.entry.info.id for r in summary.results] == ["t-true"]
    assert summary.ok


def test_duplicate_ids_are_refused(small):
    (small / "again.py").write_text(textwrap.dedent(ENTRIES), encoding="utf-8")
    with pytest.raises(SymoptError, match="used twice"):
        discover(small)


def test_missing_directory_is_an_error(tmp_path):
    with pytest.raises(SymoptError, match="does not exist"):
        discover(tmp_path / "nowhere")


def test_default_proofs_dir_is_the_repository_catalogue():
    assert default_proofs_dir() == ROOT / "proofs"


def test_prove_command_exit_codes_and_json(small, capsys):
    assert run(["prove", str(small), "-k", "t-true"]) == 0
    assert run(["prove", str(small), "-k", "t-false"]) == 0
    docs = small / "site-pages"
    assert run(["prove", str(small), "--docs", str(docs)]) == 1
    assert (docs / "index.md").is_file() and (docs / "entries.md").is_file()


def test_prove_json_report(small, capsys):
    capsys.readouterr()
    assert run(["prove", str(small), "-k", "t-", "--json", "--no-docs"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["claims"] == 6 and report["ok"] is False
    assert {c["id"]: c["status"] for c in report["claims"]}["t-false"] == "false-as-expected"


def test_prove_writes_pages_to_the_current_directory_and_says_where(small, tmp_path,
                                                                   monkeypatch, capsys):
    work = tmp_path / "elsewhere"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr("symopt.cli.console.width", 400)
    capsys.readouterr()
    assert run(["prove", str(small)]) == 1  # t-raises and t-slow are not as expected
    out = capsys.readouterr().out
    assert (work / "catalogue" / "index.md").is_file()
    assert f"Pages written to {work / 'catalogue'}" in out
    assert "since the process started" in out or "since the command started" in out
    assert "in parallel, so the topics add up to more than the wall time" in out
    assert "a claim several seeds make counts for each" in out
    assert "1 conditional" in out


def test_pages_show_the_condition_and_the_counterexample(small, tmp_path):
    summary = run_catalogue(small, select="t-")
    write_pages(summary, tmp_path / "pages")
    index = (tmp_path / "pages" / "index.md").read_text(encoding="utf-8")
    row = next(line for line in index.splitlines() if line.startswith("| [t-cond]"))
    assert "$x > 0$" in row and "$x = -1$" in row
    page = (tmp_path / "pages" / "entries.md").read_text(encoding="utf-8")
    assert "- **True only if:** $x > 0$" in page
    assert "- **Counterexample outside the condition:** $x = -1$" in page
    assert "right only under a condition it omits" in page


def test_an_unexpected_conditional_is_a_surprise(small):
    (small / "entries.py").write_text(textwrap.dedent('''
        import sympy as sp
        from symopt.catalogue import Outcome, claim

        @claim("t-cond-true", seed="001", quote="", stated="", expect=True)
        def conditional():
            return Outcome.conditional(True, True, "x > 0", "x = -1")
    '''), encoding="utf-8")
    summary = run_catalogue(small, select="t-cond-true")
    assert summary.results[0].status == "unexpected" and not summary.ok
    assert summary.counts()["conditional-unexpected"] == 1


def test_expect_is_checked():
    from symopt.catalogue import claim

    with pytest.raises(SymoptError, match="expect must be"):
        claim("x", seed="000", quote="", stated="", expect="maybe")


def test_prove_bad_directory_is_one_line_exit_2(tmp_path):
    assert run(["prove", str(tmp_path / "nowhere"), "--no-docs"]) == 2


# -- helpers -----------------------------------------------------------------------

def test_same_proves_and_refutes():
    x = sp.Symbol("x", positive=True)
    assert same(sp.sqrt(x**2), x) is True
    assert same(sp.Matrix([x, 1]), sp.Matrix([x, 2])) is False
    outcome = Outcome.compare(x**2, x)
    assert outcome.verdict == "false" and "differ at" in outcome.evidence


def test_iterate_exact_and_numeric_agree():
    from symopt import Problem
    from symopt.methods import heavy_ball

    problem = Problem("x**2 + 3*y**2")
    exact = iterate(problem, heavy_ball(), [1, -2], 12, alpha="0.05", beta="0.9")
    floats = iterate(problem, heavy_ball(), [1, -2], 12, numeric=True, alpha="0.05",
                     beta="0.9")
    # independent reference: the classical heavy-ball recursion by hand
    x, v = [1.0, -2.0], [0.0, 0.0]
    for _ in range(12):
        g = [2 * x[0], 6 * x[1]]
        v = [0.9 * vi - 0.05 * gi for vi, gi in zip(v, g)]
        x = [xi + vi for xi, vi in zip(x, v)]
    assert [float(c) for c in exact[-1]] == pytest.approx(x, rel=1e-12)
    assert floats[-1] == pytest.approx(x, rel=1e-12)


def test_getting_started_examples_run():
    text = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    test = doctest.DocTestParser().get_doctest("\n\n".join(blocks), {}, "getting-started",
                                               "docs/getting-started.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test)
    assert result.attempted > 10 and result.failed == 0


def test_docs_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocs_jupyter")  # the notebooks gallery
    pytest.importorskip("mkdocstrings")  # the API reference
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    build(config)
    page = tmp_path / "site" / "catalogue" / "rate_oscillation" / "index.html"
    assert "arithmatex" in page.read_text(encoding="utf-8")
    # the notebooks were executed: the bowl's analysis shows as a rendered table
    bowl = (tmp_path / "site" / "notebooks" / "bowl" / "index.html").read_text(encoding="utf-8")
    assert "exact on this quadratic" in bowl


def test_an_open_claim_expects_unknown_and_says_why():
    @claim("t-open", seed="000", quote="", stated="", expect="open", note="no proof yet")
    def open_claim():
        return Outcome.unknown("exact for small cases only")

    assert open_claim.__claim__.expected == "unknown"
    with pytest.raises(SymoptError):
        claim("t-open-silent", seed="000", quote="", stated="", expect="open")


def test_plots_drawn_in_parallel_are_the_ones_drawn_one_by_one(tmp_path):
    pytest.importorskip("matplotlib")
    from symopt.catalogue import ClaimInfo, Entry, Result, Summary

    def result(i: int) -> Result:
        info = ClaimInfo(id=f"t-plot{i}", seed="000", quote="q", stated="s")
        series = {"f": [1.0 / (k + i + 1) for k in range(12)], "x": [0.5**k for k in range(12)]}
        outcome = Outcome("true", "", "", series=series)
        return Result(Entry(info, "plots", tmp_path / "plots.toml", lambda: outcome), "true",
                      outcome, 0.0)

    (tmp_path / "plots.toml").write_text('title = "Plots"\n', encoding="utf-8")
    summary = Summary(tuple(result(i) for i in range(5)), 0.0)
    write_pages(summary, tmp_path / "one", jobs=1)
    write_pages(summary, tmp_path / "two", jobs=2)
    for i in range(5):
        one = (tmp_path / "one" / "img" / f"t-plot{i}.svg").read_bytes()
        assert one == (tmp_path / "two" / "img" / f"t-plot{i}.svg").read_bytes()
        assert b"<svg" in one
    assert (tmp_path / "one" / "plots.md").read_text(encoding="utf-8") == \
        (tmp_path / "two" / "plots.md").read_text(encoding="utf-8")
    assert "![numeric run of t-plot3](img/t-plot3.svg)" in \
        (tmp_path / "two" / "plots.md").read_text(encoding="utf-8")
