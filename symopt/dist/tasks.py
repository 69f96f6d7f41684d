"""A claim as one task: plain data in, one JSON-ready record out.

:func:`run_task` is what every engine runs, in this process or on a dask
worker: it checks the claim with :func:`symopt.claims.check` (which forks a
child per claim and kills it at the time limit, so a hung claim ends as
``timeout``), and turns the verdict into a record with the fields of the JSON
Lines output: ``id``, ``file``, ``verdict``, ``summary``, ``evidence``,
``correct``, ``counterexample``, ``worker``, ``seconds``.

>>> from symopt.claims import Claim
>>> [task] = tasks_from_claims([Claim("gradient", "[2*x]", problem="x**2", id="g")])
>>> record = run_task(task)
>>> record["id"], record["verdict"], record["worker"]
('g', 'true', 'local')
>>> record_verdict(record).status
'true'
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symopt.errors import DomainError, SymoptError

__all__ = ["Task", "check_limit", "error_record", "record_verdict", "run_task", "tasks_from_claims",
           "tasks_from_file"]

#: The fields of a verdict that a record keeps (besides id, file, worker, seconds).
_VERDICT_FIELDS = ("kind", "summary", "evidence", "correct", "counterexample", "expect", "note",
                   "basis")


@dataclass(frozen=True)
class Task:
    """One claim to check (or the reason it could not be read), with its time limit.

    ``file`` names where the claim came from (a claims file, a batch of pairs);
    ``(file, id)`` identifies the task in a results file.
    """

    id: str
    file: str
    claim: Any = None
    error: str | None = None
    timeout: float | None = None
    kind: str = ""
    expect: bool | None = None
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """``(file, id)``: what a results file and ``--resume`` go by."""
        return (self.file, self.id)


def check_limit(seconds: float | None, what: str = "timeout") -> float | None:
    """A time limit in seconds: ``None`` (symopt's default) or a finite number > 0.

    >>> check_limit(2.5)
    2.5
    >>> check_limit(0)
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: timeout must be a finite number of seconds > 0, got 0
    """
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or \
            not math.isfinite(seconds) or seconds <= 0:
        raise DomainError(f"{what} must be a finite number of seconds > 0, got {seconds!r}")
    return float(seconds)


def tasks_from_claims(claims: Iterable[Any], *, file: str = "",
                      timeout: float | None = None) -> list[Task]:
    """Tasks for :class:`~symopt.claims.Claim` objects (a claim's own timeout wins).

    >>> from symopt.claims import Claim
    >>> tasks_from_claims([Claim("equal", "1", reference="1", id="one")], timeout=3)[0].timeout
    3.0
    """
    limit = check_limit(timeout)
    tasks, seen = [], set()
    for index, claim in enumerate(claims):
        ident = claim.id or f"claim-{index + 1}"
        if ident in seen:
            tasks.append(Task(ident, file, None, f"duplicate id {ident!r}", kind=claim.kind))
            continue
        seen.add(ident)
        tasks.append(Task(ident, file, claim, None,
                          claim.timeout if claim.timeout is not None else limit,
                          claim.kind, claim.expect, claim.note))
    return tasks


def tasks_from_file(source: str | Path | Any, *, timeout: float | None = None) -> list[Task]:
    """Tasks for every entry of a claims file (a path, or a loaded
    :class:`~symopt.claims.ClaimsFile`), with the limits :func:`~symopt.claims.check_file`
    uses: the claim's ``timeout``, else ``timeout``, else the file's.

    An entry that cannot be read becomes a task carrying its error (reported as
    ``error``; the other claims still run).

    >>> from symopt.claims import load_claims
    >>> loaded = load_claims('''
    ... timeout = 5
    ... [[claims]]
    ... kind = "equal"
    ... stated = "2"
    ... reference = "1 + 1"
    ... ''')
    >>> [(t.id, t.timeout) for t in tasks_from_file(loaded)]
    [('claim-1', 5.0)]
    """
    from symopt.claims import ClaimsFile, load_claims

    loaded = source if isinstance(source, ClaimsFile) else load_claims(Path(source))
    limit = check_limit(timeout)
    if limit is None:
        limit = loaded.timeout
    tasks = []
    for entry in loaded.entries:
        claim = entry.claim
        own = claim.timeout if claim is not None and claim.timeout is not None else limit
        tasks.append(Task(entry.id, os.path.normpath(loaded.path) if loaded.path else "", claim,
                          None if claim is not None else f"cannot read the claim: {entry.error}",
                          own, entry.kind, entry.expect, entry.note))
    return tasks


def _worker_name() -> str:
    """The address of the dask worker running this, or ``local`` (distributed not loaded:
    importing it only to ask would cost a second)."""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return "local"
    try:
        return str(distributed.get_worker().address)
    except ValueError:  # not inside a dask worker
        return "local"


def run_task(task: Task) -> dict[str, Any]:
    """Check the task's claim under its time limit and return its record (never raises
    for a bad claim: an unreadable or malformed claim is an ``error`` record)."""
    from symopt.claims import Verdict, check

    start = time.perf_counter()
    worker = _worker_name()
    if task.claim is None:
        verdict = Verdict("error", task.error or "no claim")
    elif worker != "local" and mp.current_process().daemon:
        verdict = Verdict("error", "this dask worker is daemonic and cannot enforce the time "
                          "limit; start it with DASK_DISTRIBUTED__WORKER__DAEMON=False")
    else:
        try:
            verdict = check(task.claim, timeout=task.timeout)
        except SymoptError as exc:
            verdict = Verdict("error", str(exc).splitlines()[0])
    return _record(task, verdict, worker, time.perf_counter() - start)


def error_record(task: Task, message: str, worker: str = "") -> dict[str, Any]:
    """The record of a task that no worker could finish (e.g. ``error: worker lost``).

    >>> error_record(Task("a", "f.toml"), "error: worker lost")["verdict"]
    'error'
    """
    from symopt.claims import Verdict

    return _record(task, Verdict("error", message), worker, 0.0)


def _record(task: Task, verdict: Any, worker: str, seconds: float) -> dict[str, Any]:
    return {"id": task.id, "file": task.file, "kind": verdict.kind or task.kind,
            "verdict": verdict.status, "summary": verdict.summary,
            "evidence": list(verdict.evidence), "correct": verdict.correct,
            "counterexample": verdict.counterexample,
            "basis": getattr(verdict, "basis", ""),
            "expect": verdict.expect if verdict.expect is not None else task.expect,
            "note": verdict.note or task.note, "worker": worker,
            "seconds": round(seconds, 4)}


def record_verdict(record: dict[str, Any]) -> Any:
    """The :class:`~symopt.claims.Verdict` a record stands for (for the usual reports)."""
    from symopt.claims import Verdict
    from symopt.claims.claim import BASES

    # records written before the basis existed (or with a foreign value) rest on ""
    basis = record.get("basis") if record.get("verdict") in ("true", "false") else ""
    return Verdict(record["verdict"], record.get("summary", ""), record.get("correct"),
                   record.get("counterexample"), tuple(record.get("evidence") or ()),
                   str(record.get("id", "")), str(record.get("kind", "")),
                   record.get("expect"), str(record.get("note") or ""),
                   basis=basis if basis in BASES and not (basis == "counterexample" and
                                                          record["verdict"] == "true") else "")
