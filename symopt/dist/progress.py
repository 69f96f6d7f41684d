"""A rich progress bar for many verdicts: done / total, rate, ETA and counts per verdict.

>>> import io
>>> from rich.console import Console
>>> with VerdictProgress(3, Console(file=io.StringIO()), label="checking") as bar:
...     bar.resumed(1)
...     bar.update({"verdict": "true"})
...     bar.update({"verdict": "false"})
>>> bar.counts
{'true': 1, 'false': 1}
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["VerdictProgress"]

_ORDER = ("true", "false", "unknown", "timeout", "error")
_STYLE = {"true": "green", "false": "red", "unknown": "yellow", "timeout": "yellow",
          "error": "magenta"}


class VerdictProgress:
    """Progress of a run of ``total`` tasks; :meth:`update` takes each new record."""

    def __init__(self, total: int, console: Console, *, label: str = "checking",
                 disable: bool = False) -> None:
        self.counts: dict[str, int] = {}
        self._new = 0
        self._started = time.perf_counter()
        self._progress = Progress(
            TextColumn(f"[bold]{label}[/]"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), TextColumn("{task.fields[counts]}"),
            console=console, transient=True, disable=disable)
        self._task = self._progress.add_task("", total=total, rate="", counts="")

    def __enter__(self) -> VerdictProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def resumed(self, count: int) -> None:
        """``count`` tasks were already done (``--resume``): they do not count in the rate."""
        self._progress.update(self._task, advance=count)

    def update(self, record: dict[str, Any]) -> None:
        """Count one finished record."""
        status = str(record.get("verdict", "error"))
        self.counts[status] = self.counts.get(status, 0) + 1
        self._new += 1
        elapsed = time.perf_counter() - self._started
        rate = f"{self._new / elapsed:.1f}/s" if elapsed > 0 else ""
        counts = " ".join(f"[{_STYLE.get(s, '')}]{self.counts[s]} {s}[/]"
                          for s in (*_ORDER, *sorted(set(self.counts) - set(_ORDER)))
                          if s in self.counts)
        self._progress.update(self._task, advance=1, rate=rate, counts=counts)
