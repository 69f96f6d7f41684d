"""Run tasks on an engine and stream their records to a JSON Lines file.

Each record is written as one line and flushed as soon as it arrives, so an
interrupted run (Ctrl-C, a killed worker, a lost scheduler) keeps every
finished verdict. ``resume=True`` reads the file first and runs only the tasks
whose ``(file, id)`` is not in it; a record is never written twice.

>>> import tempfile, pathlib
>>> from symopt.claims import Claim
>>> from symopt.dist import InProcessEngine, tasks_from_claims
>>> out = pathlib.Path(tempfile.mkdtemp()) / "results.jsonl"
>>> tasks = tasks_from_claims([Claim("equal", "x*x", reference="x**2", id="sq")], file="t")
>>> _ = run_tasks(tasks, InProcessEngine(), out=out)
>>> _ = run_tasks(tasks, InProcessEngine(), out=out, resume=True)  # nothing left to run
>>> len(out.read_text().splitlines())
1
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from symopt.dist.engine import Engine
from symopt.dist.tasks import Task, error_record, run_task
from symopt.errors import ParseError

__all__ = ["ResultsFile", "run_tasks"]

Record = dict[str, Any]


class ResultsFile:
    """A JSON Lines file of records, one per ``(file, id)``, each line flushed when written.

    Without ``resume`` the file is started afresh; with it the records already
    there are kept (:attr:`done`) and an incomplete last line (a run killed
    while writing) is cut off.
    """

    def __init__(self, path: str | Path, *, resume: bool = False) -> None:
        self.path = Path(path)
        self.done: dict[tuple[str, str], Record] = {}
        if resume and self.path.exists():
            self._read()
        self._file = open(self.path, "a" if resume else "w", encoding="utf-8")  # noqa: SIM115

    def _read(self) -> None:
        data = self.path.read_bytes()
        good = 0  # the end of the last complete, valid line
        for number, line in enumerate(data.splitlines(keepends=True), 1):
            try:
                record = json.loads(line) if line.endswith(b"\n") else None
            except ValueError:
                record = None
            if not isinstance(record, dict) or "id" not in record:
                if good + len(line) < len(data):  # not the last line: the file is damaged
                    raise ParseError(f"{self.path}: line {number} is not a result record; "
                                     "repair or remove the file before resuming")
                break
            self.done[(str(record.get("file", "")), str(record["id"]))] = record
            good += len(line)
        if good < len(data):
            with open(self.path, "r+b") as handle:
                handle.truncate(good)

    def write(self, record: Record) -> bool:
        """Append ``record`` unless its ``(file, id)`` is already there; flush the line."""
        key = (str(record.get("file", "")), str(record["id"]))
        if key in self.done:
            return False
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()
        self.done[key] = record
        return True

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> ResultsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unique(tasks: Iterable[Task]) -> list[Task]:
    """Tasks with distinct keys (a repeated id in one file gets a ``#n`` suffix)."""
    from dataclasses import replace

    seen: set[tuple[str, str]] = set()
    unique = []
    for task in tasks:
        n, candidate = 1, task
        while candidate.key in seen:
            n += 1
            candidate = replace(task, id=f"{task.id}#{n}")
        seen.add(candidate.key)
        unique.append(candidate)
    return unique


def run_tasks(tasks: Iterable[Task], engine: Engine, *, out: str | Path | None = None,
              resume: bool = False, progress: Callable[[Record], None] | None = None,
              skipped: Callable[[int], None] | None = None) -> list[Record]:
    """Run the tasks on ``engine`` and return their records in task order.

    Records are written to ``out`` (JSON Lines) as they arrive; with ``resume``
    the tasks already in ``out`` are not run again and their stored records are
    returned. ``skipped(n)`` is told how many were resumed, ``progress(record)``
    is called for each new record. An unreadable claim, a claim whose worker
    died too often (``worker lost``) or that failed on its worker is an
    ``error`` record; the other tasks go on.
    """
    tasks = _unique(tasks)
    results = ResultsFile(out, resume=resume) if out is not None else None
    records: dict[tuple[str, str], Record] = {}
    try:
        todo = tasks
        if results is not None and results.done:
            todo = [t for t in tasks if t.key not in results.done]
            records.update({t.key: results.done[t.key] for t in tasks if t.key in results.done})
        if skipped is not None:
            skipped(len(tasks) - len(todo))

        def finish(record: Record) -> None:
            records[(record["file"], record["id"])] = record
            if results is not None:
                results.write(record)
            if progress is not None:
                progress(record)

        for task in (t for t in todo if t.claim is None):  # no need to ship these
            finish(run_task(task))
        runnable = [t for t in todo if t.claim is not None]
        stream = engine.map(run_task, runnable)
        try:
            for task, (status, value) in stream:
                if status == "ok":
                    finish(value)
                elif status == "lost":
                    finish(error_record(task, f"error: {value}"))
                else:
                    finish(error_record(task, f"the task failed on its worker: {value}"))
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
    finally:
        if results is not None:
            results.close()
    return [records[t.key] for t in tasks if t.key in records]

