"""``symopt prove``: run the catalogue of machine-checked seed claims.

Shows progress, prints a summary (claims, true, false as expected, unexpected,
unknown, time per topic and the slowest entries), writes the generated pages
to ``docs/catalogue/`` and exits 0 when every verdict matches its ``expect``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from symopt.catalogue import ENTRY_SECONDS, Result, Summary, discover, run_catalogue
from symopt.cli import app, console

_STYLE = {"true": "green", "false-as-expected": "cyan", "unexpected": "bold red"}


@app.command()
def prove(
    proofs: Annotated[
        Path | None, typer.Argument(help="The proofs/ directory (default: the repository's).")
    ] = None,
    select: Annotated[
        str | None, typer.Option("--select", "-k", help="Only ids or topics containing this.")
    ] = None,
    docs: Annotated[
        Path | None,
        typer.Option("--docs", help="Where to write the generated pages "
                     "(default: docs/catalogue next to proofs/)."),
    ] = None,
    no_docs: Annotated[bool, typer.Option("--no-docs", help="Do not write pages.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds per entry (0: no limit, in-process)."
                                           )] = ENTRY_SECONDS,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Entries run at once "
                                             "(default: the CPUs, at most 4).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Run on a local dask cluster of N worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Run on a running dask scheduler (tcp://HOST:8786).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="One row per claim.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report.")] = False,
) -> int:
    """Check every claim of the seed texts; exit 0 when each verdict is the expected one."""
    from symopt.catalogue import default_proofs_dir

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

    if not (no_docs or select):
        from symopt.catalogue import write_pages

        target = docs if docs is not None else root.resolve().parent / "docs" / "catalogue"
        write_pages(summary, target)
    if as_json:
        console.print_json(json.dumps(_json(summary)))
    else:
        _print(summary, verbose)
    return 0 if summary.ok else 1


def _print(summary: Summary, verbose: bool) -> None:
    bad = [r for r in summary.results if not r.matches]
    rows = summary.results if verbose else tuple(bad)
    if rows:
        table = Table(title="claims" if verbose else "claims whose verdict is not the expected one")
        for column in ("id", "expect", "verdict", "seconds", "evidence"):
            table.add_column(column, overflow="fold")
        for r in rows:
            style = _STYLE.get(r.status, "yellow")
            table.add_row(r.entry.info.id, "true" if r.entry.info.expect else "false",
                          f"[{style}]{r.verdict}[/]", f"{r.seconds:.2f}",
                          escape((r.outcome.evidence or "")[:300]))
        console.print(table)
    topics = Table(title="time per topic")
    topics.add_column("topic")
    topics.add_column("claims", justify="right")
    topics.add_column("seconds", justify="right")
    topics.add_column("slowest entry")
    for topic, results in summary.by_topic().items():
        slowest = max(results, key=lambda r: r.seconds)
        topics.add_row(topic, str(len(results)), f"{sum(r.seconds for r in results):.2f}",
                       f"{slowest.entry.info.id} ({slowest.seconds:.2f} s)")
    console.print(topics)
    slowest = sorted(summary.results, key=lambda r: -r.seconds)[:5]
    console.print("slowest entries: " + ", ".join(
        f"{r.entry.info.id} {r.seconds:.1f} s" for r in slowest) + " (-v: every entry)")
    counts = summary.counts()
    seeds = ", ".join(f"{seed}: {n}" for seed, n in summary.seeds_covered.items())
    console.print(
        f"[bold]{counts['claims']} claims[/] checked in {summary.seconds:.1f} s "
        f"({summary.cpu_seconds:.1f} s CPU) — "
        f"[green]{counts['true']} true[/], [cyan]{counts['false-as-expected']} false as "
        f"expected[/] (the text is wrong), [red]{counts['false-unexpected']} false "
        f"unexpectedly, {counts['true-unexpected']} true unexpectedly[/], "
        f"[yellow]{counts['unknown']} unknown[/]. Claims per seed: {seeds}."
    )
    console.print("[bold green]every verdict is the expected one[/]" if summary.ok
                  else "[bold red]some verdicts are not the expected ones[/]")


def _json(summary: Summary) -> dict[str, object]:
    return {
        "counts": summary.counts(),
        "seconds": round(summary.seconds, 3),
        "cpu_seconds": round(summary.cpu_seconds, 3),
        "ok": summary.ok,
        "seeds": summary.seeds_covered,
        "claims": [
            {
                "id": r.entry.info.id, "topic": r.entry.topic, "seed": r.entry.info.seed,
                "expect": r.entry.info.expect, "verdict": r.verdict, "status": r.status,
                "derived": r.outcome.derived, "evidence": r.outcome.evidence,
                "seconds": round(r.seconds, 3),
            }
            for r in summary.results
        ],
    }
