"""Claims files (TOML) and ``symopt check``: reports, exit codes, per-claim failures."""

import json
import time
from pathlib import Path

import pytest

from symopt.claims import check_file, load_claims
from symopt.claims.claim import KINDS, Verdict, register
from symopt.cli import run
from symopt.errors import ParseError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "claims"

GOOD = '''
title = "bowl"
[problems.bowl]
objective = "0.5*(w1**2 + 4*w2**2)"
[methods.gd]
name = "gd"
[[claims]]
id = "L"
kind = "smoothness"
problem = "bowl"
stated = "4"
[[claims]]
id = "alpha-star"
kind = "optimal_step"
problem = "bowl"
method = "gd"
stated = "$\\\\alpha^* = \\\\frac{2}{\\\\lambda_{\\\\min} + \\\\lambda_{\\\\max}}$"
assumptions = { lambda_min = "positive" }
'''


def write(tmp_path, text, name="claims.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_doc_example_parses_and_checks():
    # the complete example of docs/claims-format.md is examples/claims/seed004.toml
    doc = (EXAMPLES.parent.parent / "docs" / "claims-format.md").read_text(encoding="utf-8")
    example = doc.split("## A complete example (seed 004)")[1].split("```toml")[1]
    example = example.split("```")[0]
    assert example.strip() == (EXAMPLES / "seed004.toml").read_text(encoding="utf-8").strip()
    verdicts = {v.claim_id: v for v in check_file(EXAMPLES / "seed004.toml")}
    assert verdicts["004-gd-theta1-converges"].status == "false"
    assert verdicts["004-gd-theta1-converges"].as_expected is True
    assert all(v.as_expected is not False for v in verdicts.values())


@pytest.mark.slow
def test_every_example_file_is_as_expected():
    for path in sorted(EXAMPLES.glob("*.toml")):
        for v in check_file(path):
            assert v.status in ("true", "false"), (path.name, v.claim_id, v.summary)
            assert v.as_expected is not False, (path.name, v.claim_id, v.summary)


def test_formula_answers_use_the_problem_constants(tmp_path):
    # α* = 2/(λmin + λmax) stated about the bowl: λmin = 1, λmax = 4 are the bowl's, so the
    # formula is 2/5, the optimal step. With λmin a symbol of the problem it would not be.
    verdicts = check_file(write(tmp_path, GOOD))
    assert [v.status for v in verdicts] == ["true", "true"]
    wrong = GOOD.replace("\\\\lambda_{\\\\min} + ", "")
    assert [v.status for v in check_file(write(tmp_path, wrong, "wrong.toml"))] == \
        ["true", "false"]


def test_cli_exit_codes_and_formats(tmp_path, capsys):
    ok = write(tmp_path, GOOD.split("[[claims]]\nid = \"alpha-star\"")[0], "ok.toml")
    assert run(["check", ok]) == 0
    assert "smoothness" in capsys.readouterr().out
    bad = write(tmp_path, GOOD.replace('stated = "4"', 'stated = "2"'), "bad.toml")
    assert run(["check", bad, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["claims"][0]["status"] == "false" and data["claims"][0]["correct"] == "4"
    assert run(["check", bad, "--markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("## bowl") and "| L | smoothness | **false** |" in out
    assert run(["check", write(tmp_path, "claims = [", "broken.toml")]) == 2
    assert run(["check", str(tmp_path / "missing.toml")]) == 2


def test_one_unreadable_claim_does_not_stop_the_others(tmp_path):
    text = GOOD + '''
[[claims]]
id = "typo"
kind = "smoothness"
problem = "bowl"
stated = "4 +* 1"
[[claims]]
id = "unknown-key"
kind = "smoothness"
problem = "bowl"
stated = "4"
tolerence = 0.1
[[claims]]
id = "last"
kind = "strong_convexity"
problem = "bowl"
stated = "1"
'''
    verdicts = {v.claim_id: v for v in check_file(write(tmp_path, text))}
    assert verdicts["typo"].status == "error" and "syntax" in verdicts["typo"].summary
    assert verdicts["unknown-key"].status == "error"
    assert "tolerence" in verdicts["unknown-key"].summary
    assert verdicts["last"].status == "true"


def _sleep_forever(claim):
    Path(claim.stated).write_text(str(__import__("os").getpid()))
    time.sleep(120)
    return Verdict.true("never", basis="exact")


def test_a_claim_that_times_out_is_reported_and_the_rest_checked(tmp_path):
    register("test_sleep")(_sleep_forever)
    try:
        pid_file = tmp_path / "pid"
        text = f'''
timeout = 1
[problems.p]
objective = "x**2"
[[claims]]
id = "slow"
kind = "test_sleep"
stated = "{pid_file}"
[[claims]]
id = "fast"
kind = "gradient"
problem = "p"
stated = "[2*x]"
'''
        start = time.monotonic()
        verdicts = check_file(write(tmp_path, text))
        assert time.monotonic() - start < 30
        assert [v.status for v in verdicts] == ["timeout", "true"]
    finally:
        KINDS.pop("test_sleep", None)


def test_structure_errors_are_parse_errors(tmp_path):
    with pytest.raises(ParseError):
        load_claims(write(tmp_path, "title = 'x'\n"))
    with pytest.raises(ParseError):
        load_claims(write(tmp_path, "[problems.p]\nobjectiv = 'x'\n[[claims]]\nkind='L'\n"
                                    "stated='1'\n"))


def test_option_types_are_checked(tmp_path):
    text = GOOD.replace('stated = "4"', 'stated = "4"\nsteps = "many"')
    verdicts = check_file(write(tmp_path, text))
    assert verdicts[0].status == "error" and "steps" in verdicts[0].summary


def test_cli_several_files(tmp_path, capsys):
    ok = write(tmp_path, GOOD.split("[[claims]]\nid = \"alpha-star\"")[0], "ok.toml")
    bad = write(tmp_path, GOOD.replace('stated = "4"', 'stated = "2"'), "bad.toml")
    assert run(["check", ok, bad, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["summary"] for d in data] == ["1 claims: 1 true", "2 claims: 1 true, 1 false"]
