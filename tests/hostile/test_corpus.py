"""The hostile corpus through the command line, each input in its own process under a wall
limit and a memory limit: exit 0 with the right answer, or exit 2 with one error line and no
traceback (docs/security.md). The smoke subset runs in the fast suite, all under -m slow."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_corpus import CASES, Case

pytest.importorskip("resource")
import resource

#: Wall limit per input: SYMOPT_TIMEOUT is set to 5 s, a command runs a few pieces of work.
WALL_SECONDS = 90
#: Address-space limit per input (numba and torch reserve more than they use).
MEMORY_BYTES = 3 * 2**30
ROOT = Path(__file__).resolve().parents[2]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _run(case: Case, tmp_path: Path) -> tuple[subprocess.CompletedProcess, float]:
    for name, content in case.files.items():
        target = tmp_path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    argv = [a.replace("{dir}", str(tmp_path)) for a in case.argv]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SYMOPT_TIMEOUT": "5", "COLUMNS": "200",
           "NO_COLOR": "1"}
    env.pop("SYMOPT_DEBUG", None)
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "symopt", *argv], capture_output=True,
                          text=True, errors="replace", cwd=tmp_path, env=env,
                          preexec_fn=_limits, timeout=WALL_SECONDS, check=False)
    return done, time.monotonic() - start


def _assert_clean(case: Case, done: subprocess.CompletedProcess) -> None:
    out, err = done.stdout, done.stderr
    assert "Traceback" not in out + err, err[-2000:]
    expect = case.expect
    if expect == "error":
        assert done.returncode == 2, (done.returncode, out[-500:], err[-500:])
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines, "exit 2 without a message"
        errors = [line for line in lines if line.lstrip("│ ").lower().startswith("error")]
        assert len(errors) == 1, err
        if lines[0].startswith("error:"):  # a SymoptError: one line, a parse error's caret
            assert len(lines) <= 3, err
        return
    kind, *rest = expect
    if kind == "ok":
        assert done.returncode == 0, (out[-500:], err[-500:])
        assert rest[0] in out, out[-2000:]
    else:
        codes, text = rest
        assert done.returncode in codes, (done.returncode, err[-500:])
        assert text in out + err


def _check(case: Case, tmp_path: Path) -> None:
    done, seconds = _run(case, tmp_path)
    assert seconds < WALL_SECONDS
    _assert_clean(case, done)
    assert not (tmp_path / "PWNED").exists()


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 200
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c.smoke], ids=lambda c: c.id)
def test_smoke(case, tmp_path):
    _check(case, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if not c.smoke], ids=lambda c: c.id)
def test_corpus(case, tmp_path):
    _check(case, tmp_path)
