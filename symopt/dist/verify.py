"""Answer checking at scale: is a candidate answer equal to the reference?

:func:`verify` compares two expressions (SymPy syntax or LaTeX, as graders
receive them) with symopt's equivalence checker (a claim of kind ``equal``):
``true`` (equal, with what it rests on), ``false`` (not equal, with a
counterexample) or ``unknown`` (with the reason). :func:`read_pairs` reads a
batch (JSON Lines or CSV with columns ``id``, ``reference``, ``answer``) and
:func:`verify_many` checks it on any engine, streaming records like
``symopt check``.

>>> verify(r"\\frac{1}{\\sqrt{n}}", "sqrt(1/n)").status
'true'
>>> v = verify("x + 1", "x + 2")
>>> v.status, v.counterexample.startswith("the values differ")
('false', True)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from symopt.dist.engine import Engine, InProcessEngine
from symopt.dist.tasks import Task, check_limit
from symopt.errors import ParseError

__all__ = ["VERDICT_WORDS", "pair_task", "read_pairs", "verify", "verify_many"]

#: How a verdict reads for a pair of answers.
VERDICT_WORDS = {"true": "equal", "false": "not equal", "unknown": "unknown",
                 "timeout": "unknown (timeout)", "error": "error"}
#: The most pairs one batch file may hold.
MAX_PAIRS = 1_000_000


def _claim(reference: object, answer: object, ident: str,
           assumptions: Mapping[str, Any] | None = None) -> Any:
    from symopt.claims import Claim

    for name, value in (("reference", reference), ("answer", answer)):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ParseError(f"{name} must be text or a number, got {value!r}")
    return Claim("equal", str(answer), reference=str(reference), id=ident,
                 assumptions=dict(assumptions or {}))


def verify(reference: str, answer: str, *, timeout: float | None = None,
           assumptions: Mapping[str, Any] | None = None) -> Any:
    """Whether ``answer`` equals ``reference``: a :class:`~symopt.claims.Verdict`.

    ``assumptions`` are per-symbol (``{"n": "positive"}``, as in claims files).

    >>> verify("1/3", "0.333").status
    'false'
    """
    from symopt.claims import check

    return check(_claim(reference, answer, "answer", assumptions), timeout=check_limit(timeout))


def pair_task(pair: Mapping[str, Any], *, file: str = "", index: int = 0,
              timeout: float | None = None) -> Task:
    """The task for one pair ``{"id", "reference", "answer"[, "assumptions"]}``; a
    malformed pair becomes a task carrying the error.

    >>> pair_task({"reference": "2", "answer": "1 + 1"}, index=4).id
    'pair-5'
    >>> pair_task({"answer": "1"}).error
    "pair-1: missing 'reference'"
    """
    limit = check_limit(timeout)
    ident = str(pair.get("id") or f"pair-{index + 1}") if isinstance(pair, Mapping) else \
        f"pair-{index + 1}"
    try:
        if not isinstance(pair, Mapping):
            raise ParseError("a pair must be an object with reference and answer")
        for key in ("reference", "answer"):
            if pair.get(key) in (None, ""):
                raise ParseError(f"missing {key!r}")
        assumptions = pair.get("assumptions") or {}
        if not isinstance(assumptions, Mapping):
            raise ParseError("assumptions must be an object")
        claim = _claim(pair["reference"], pair["answer"], ident, assumptions)
    except ParseError as exc:
        return Task(ident, file, None, f"{ident}: {exc}", kind="equal")
    return Task(ident, file, claim, None, limit, "equal")


def read_pairs(path: str | Path, *, timeout: float | None = None) -> list[Task]:
    """The tasks of a batch file: JSON Lines (one object per line) or CSV (a header row
    naming ``reference`` and ``answer``, optionally ``id``), by the file's suffix.
    A malformed line is a task carrying its error; the others still run."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParseError(f"cannot read {path}: {exc.strerror or exc}") from None
    rows: list[Any] = []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or not {"reference", "answer"} <= set(reader.fieldnames):
            raise ParseError(f"{path}: the CSV header must name the columns reference and answer")
        rows = list(reader)
    else:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                rows.append({"id": f"line-{number}", "_error": f"not JSON ({exc.msg})"})
    if len(rows) > MAX_PAIRS:
        raise ParseError(f"{path} has {len(rows)} pairs; at most {MAX_PAIRS} per batch")
    tasks = []
    for index, row in enumerate(rows):
        if isinstance(row, Mapping) and "_error" in row:
            tasks.append(Task(row["id"], str(path), None, f"{row['id']}: {row['_error']}",
                              kind="equal"))
        else:
            tasks.append(pair_task(row, file=str(path), index=index, timeout=timeout))
    return tasks


def verify_many(tasks: list[Task], engine: Engine | None = None, *,
                out: str | Path | None = None, resume: bool = False,
                progress: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Check a batch of pairs on ``engine`` (default: this process); records in order.

    >>> records = verify_many([pair_task({"id": "q1", "reference": "x**2", "answer": "x*x"})])
    >>> [(r["id"], VERDICT_WORDS[r["verdict"]]) for r in records]
    [('q1', 'equal')]
    """
    from symopt.dist.stream import run_tasks

    return run_tasks(tasks, engine if engine is not None else InProcessEngine(), out=out,
                     resume=resume, progress=progress)
