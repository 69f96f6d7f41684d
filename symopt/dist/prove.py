"""The catalogue (``symopt prove``) on an engine: each catalogue entry is one task.

A task names its entry by the proofs directory and the entry's id; the worker
reads the catalogue itself (once per worker process) and runs the entry under
its time limit with :func:`symopt.catalogue.run_entry`, so the proofs directory
must be at the same path on every worker (on one machine it is).

>>> from symopt.dist import InProcessEngine
>>> from symopt.catalogue import default_proofs_dir
>>> summary = run_catalogue_on(InProcessEngine(), default_proofs_dir(),
...                            select="002-directional")
>>> [(r.entry.info.id, r.verdict) for r in summary.results]
[('002-directional', 'true')]
"""

from __future__ import annotations

import functools
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from symopt.catalogue import ENTRY_SECONDS, Outcome, Result, Summary, discover, run_entry
from symopt.dist.engine import Engine

__all__ = ["run_catalogue_on"]


@functools.lru_cache(maxsize=4)
def _entries(root: str) -> dict[str, Any]:
    return {entry.info.id: entry for entry in discover(root)}


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run(job: tuple[str, str, float | None]) -> tuple[str, Outcome, float, float]:
    """On a worker: run one entry; its verdict, outcome, seconds and CPU seconds."""
    root, ident, seconds = job
    cpu = _cpu()
    result = run_entry(_entries(root)[ident], seconds)
    return result.verdict, result.outcome, result.seconds, _cpu() - cpu


def run_catalogue_on(engine: Engine, directory: Path | str, *, select: str | None = None,
                     seconds: float | None = ENTRY_SECONDS,
                     progress: Callable[[Result], None] | None = None) -> Summary:
    """Run the entries (those whose id or topic contains ``select``) as tasks on
    ``engine``; the :class:`~symopt.catalogue.Summary` lists them in catalogue order.
    An entry whose worker died too often is an ``error``."""
    root = str(Path(directory).resolve())
    entries = [e for e in discover(root)
               if not select or select in e.info.id or select in e.topic]
    start = time.perf_counter()
    results: dict[str, Result] = {}
    cpu = 0.0
    jobs = [(root, entry.info.id, seconds) for entry in entries]
    by_id = {entry.info.id: entry for entry in entries}
    for job, (status, value) in engine.map(_run, jobs):
        entry = by_id[job[1]]
        if status == "ok":
            verdict, outcome, elapsed, used = value
            cpu += used
            result = Result(entry, verdict, outcome, elapsed)
        else:
            result = Result(entry, "error", Outcome("unknown", "", f"error: {value}"), 0.0)
        results[entry.info.id] = result
        if progress is not None:
            progress(result)
    return Summary(tuple(results[e.info.id] for e in entries if e.info.id in results),
                   time.perf_counter() - start, cpu)
