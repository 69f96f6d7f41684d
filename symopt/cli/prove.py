"""``symopt prove``: run the catalogue of machine-checked seed claims.

Shows progress, prints a summary (claims, true, false as expected, conditional,
unexpected, unknown, time per topic and the slowest entries), writes the
generated pages to the directory given by ``--docs`` (default: ``catalogue/``
in the current directory), says where, and exits 0 when every verdict matches
its ``expect``.

The ``*.py`` files of the proofs directory are imported, so their code runs (as
pytest runs test files); the ``*.toml`` files are data. docs/security.md says more.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from symopt.catalogue import ENTRY_SECONDS, Result, Summary, discover, run_catalogue
from symopt.cli import app, console
from symopt.cli.cells import cell, verdict
from symopt.timeout import check_seconds

#: Where the pages go without --docs: this folder of the current directory.
DEFAULT_PAGES = "catalogue"


@app.command()
def prove(
    proofs: Annotated[
        Path | None, typer.Argument(help="The proofs/ directory (default: the repository's). "
                                    "Its *.py files are imported and run, like pytest "
                                    "does: give only a directory you trust.")
    ] = None,
    select: Annotated[
        str | None, typer.Option("--select", "-k", help="Only ids or topics containing this.")
    ] = None,
    docs: Annotated[
        Path | None,
        typer.Option("--docs", help="Where to write the generated pages (default: "
                     f"{DEFAULT_PAGES}/ in the current directory; the repository's site "
                     "uses docs/catalogue)."),
    ] = None,
    no_docs: Annotated[bool, typer.Option("--no-docs", help="Do not write pages.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds per entry (a positive number, at "
                                           "most 3600).")] = ENTRY_SECONDS,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Entries run at once "
                                             "(default: the CPUs, at most 4).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Run on a local dask cluster of N worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Run on a running dask scheduler (tcp://HOST:8786).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="One row per claim.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report.")] = False,
) -> int:
    """Check every claim of the seed texts; exit 0 when each verdict is the expected one.

    PROOFS/*.py files are imported (their code runs, as with pytest); only the
    TOML files are read as data. Run it on directories you trust.
    """
    from symopt.catalogue import default_proofs_dir

    timeout = check_seconds(timeout, "--timeout")
    started = time.perf_counter()
    root = proofs if proofs is not None else default_proofs_dir()
    total = len(discover(root)) if not select else None
    with Progress(
        TextColumn("[bold]proving[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console, transient=True,
        disable=as_json or not console.is_terminal,
    ) as bar:
        task = bar.add_task("", total=total)

        def advance(result: Result) -> None:
            bar.update(task, advance=1, description=result.entry.info.id)

        if workers is None and scheduler is None:
            summary = run_catalogue(root, select=select, seconds=timeout, jobs=jobs,
                                    progress=advance)
        else:  # each entry one task on a dask cluster (docs/cluster.md)
            from symopt.dist import open_engine
            from symopt.dist.prove import run_catalogue_on

            with open_engine(workers, scheduler) as engine:
                summary = run_catalogue_on(engine, root, select=select, seconds=timeout,
                                           progress=advance)

    written: Path | None = None
    if not (no_docs or select):
        from symopt.catalogue import write_pages

        written = (docs if docs is not None else Path.cwd() / DEFAULT_PAGES).resolve()
        write_pages(summary, written, jobs=jobs)
    wall = _since_start(started)
    if as_json:
        console.print_json(json.dumps(_json(summary, wall, written)))
    else:
        _print(summary, verbose, wall, written)
    return 0 if summary.ok else 1


def _since_start(command_started: float) -> tuple[float, str]:
    """Seconds since the process started (interpreter and imports included), read from
    /proc; elsewhere the seconds since the command started. With what was measured."""
    import os

    try:
        with open("/proc/self/stat", encoding="ascii") as stat, \
                open("/proc/uptime", encoding="ascii") as uptime:
            ticks = int(stat.read().rpartition(")")[2].split()[19])
            up = float(uptime.read().split()[0])
        return up - ticks / os.sysconf("SC_CLK_TCK"), "since the process started"
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - command_started, "since the command started"


def _print(summary: Summary, verbose: bool, wall: tuple[float, str],
           written: Path | None) -> None:
    bad = [r for r in summary.results if not r.matches]
    rows = summary.results if verbose else tuple(bad)
    if rows:
        table = Table(title="claims" if verbose else "claims whose verdict is not the expected one")
        for column in ("id", "expect", "verdict", "basis", "seconds", "evidence"):
            table.add_column(column, overflow="fold")
        for r in rows:
            table.add_row(cell(r.entry.info.id), cell(r.entry.info.expected),
                          verdict(r.verdict, r.status), cell(r.basis or "—"),
                          cell(f"{r.seconds:.2f}"), cell((r.outcome.evidence or "")[:300]))
        console.print(table)
    topics = Table(title="time per topic")
    topics.add_column("topic")
    topics.add_column("claims", justify="right")
    topics.add_column("seconds", justify="right")
    topics.add_column("slowest entry")
    for topic, results in summary.by_topic().items():
        slowest = max(results, key=lambda r: r.seconds)
        topics.add_row(cell(topic), cell(str(len(results))),
                       cell(f"{sum(r.seconds for r in results):.2f}"),
                       cell(f"{slowest.entry.info.id} ({slowest.seconds:.2f} s)"))
    console.print(topics)
    console.print(f"(seconds: each entry's own time, summed per topic; {summary.workers} "
                  f"worker{'s run' if summary.workers > 1 else ' runs'} the entries"
                  + (" in parallel, so the topics add up to more than the wall time)"
                     if summary.workers > 1 else ")"), markup=False)
    slowest = sorted(summary.results, key=lambda r: -r.seconds)[:5]
    console.print(cell("slowest entries: " + ", ".join(
        f"{r.entry.info.id} {r.seconds:.1f} s" for r in slowest) + " (-v: every entry)"))
    counts = summary.counts()
    seeds = ", ".join(f"{seed}: {n}" for seed, n in summary.seeds_covered.items())
    seconds, measured = wall
    console.print(
        f"[bold]{counts['claims']} claims[/] — "
        f"[green]{counts['true']} true[/], [cyan]{counts['false-as-expected']} false as "
        f"expected[/] (the text is wrong), [magenta]{counts['conditional']} conditional[/] "
        f"(true only under a condition the text omits), [red]{counts['false-unexpected']} "
        f"false unexpectedly, {counts['true-unexpected']} true unexpectedly, "
        f"{counts['conditional-unexpected']} conditional unexpectedly[/], "
        f"[yellow]{counts['unknown']} unknown[/].", highlight=False)
    console.print(
        f"Time: {seconds:.1f} s wall clock {measured} (start-up, discovery, "
        f"{'the entries and the pages' if written else 'the entries'}); the entries ran "
        f"{summary.seconds:.1f} s on {summary.workers} worker"
        f"{'s' if summary.workers > 1 else ''}, {summary.cpu_seconds:.1f} s of CPU.",
        markup=False)
    console.print(f"Claims per seed (a claim several seeds make counts for each, so these add "
                  f"up to more than {counts['claims']}): {seeds}.", markup=False)
    if written is not None:
        console.print(f"Pages written to {written}", markup=False, soft_wrap=True)
    console.print("[bold green]every verdict is the expected one[/]" if summary.ok
                  else "[bold red]some verdicts are not the expected ones[/]")


def _json(summary: Summary, wall: tuple[float, str], written: Path | None) -> dict[str, object]:
    return {
        "counts": summary.counts(),
        "seconds": round(wall[0], 3),
        "seconds_measured": wall[1],
        "entries_seconds": round(summary.seconds, 3),
        "cpu_seconds": round(summary.cpu_seconds, 3),
        "workers": summary.workers,
        "pages": str(written) if written is not None else None,
        "ok": summary.ok,
        "seeds": summary.seeds_covered,
        "claims": [
            {
                "id": r.entry.info.id, "topic": r.entry.topic, "seed": r.entry.info.seed,
                "expect": r.entry.info.expected, "verdict": r.verdict, "status": r.status,
                "basis": r.basis, "derived": r.outcome.derived, "condition": r.outcome.condition,
                "counterexample": r.outcome.counterexample, "evidence": r.outcome.evidence,
                "seconds": round(r.seconds, 3),
            }
            for r in summary.results
        ],
    }
