"""``symopt verify REFERENCE ANSWER`` and ``symopt verify --batch pairs.jsonl``.

Compares a candidate answer with a reference (SymPy syntax or LaTeX) with
symopt's equivalence checker: ``equal``, ``not equal`` with a counterexample, or
``unknown`` with the reason. A batch (JSON Lines ``{"id", "reference",
"answer"}`` per line, or CSV with those columns) runs on the same engine as
``symopt check`` (``--workers``, ``--scheduler``, ``--out``, ``--resume``).

Exit code for one pair: 0 equal, 1 not equal, 3 unknown (or timeout), 2 bad
input. For a batch: 0 when every pair is equal, 1 otherwise, 2 when a pair
cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from symopt.cli import app, console
from symopt.cli.cells import cell

_STYLE = {"true": "green", "false": "bold red", "unknown": "yellow", "timeout": "yellow",
          "error": "magenta"}


@app.command()
def verify(
    reference: Annotated[str | None, typer.Argument(help="The reference answer.")] = None,
    answer: Annotated[str | None, typer.Argument(help="The candidate answer.")] = None,
    batch: Annotated[Path | None, typer.Option(
        "--batch", help="Pairs to check: JSON Lines or CSV (id, reference, answer).")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Seconds per pair.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per pair.")] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Run on a local dask cluster of N worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Run on a running dask scheduler (tcp://HOST:8786).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Stream one JSON line per pair to this file.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Skip the pairs already in --out.")] = False,
) -> int:
    """Is ANSWER equal to REFERENCE? Equal, not equal (with a counterexample) or unknown."""
    from symopt.cli.check import _run
    from symopt.dist import open_engine, read_pairs
    from symopt.dist.verify import VERDICT_WORDS, pair_task
    from symopt.errors import DomainError

    if (batch is None) == (reference is None or answer is None) or \
            (batch is not None and reference is not None):
        raise DomainError("give either REFERENCE and ANSWER, or --batch FILE")
    if resume and out is None:
        raise DomainError("--resume needs --out (the results file to resume)")
    if batch is not None:
        tasks = read_pairs(batch, timeout=timeout)
    else:
        tasks = [pair_task({"id": "answer", "reference": reference, "answer": answer},
                           timeout=timeout)]
    records = _run(tasks, open_engine(workers, scheduler), out, resume,
                   quiet=as_json or batch is None, label="verifying")
    for record in records:
        record["result"] = VERDICT_WORDS.get(record["verdict"], record["verdict"])
    if as_json:
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
    elif batch is None:
        _print_one(records[0])
    else:
        _print_table(records)
    if len(records) < len(tasks):
        return 1
    statuses = {r["verdict"] for r in records}
    if batch is None:
        return {"true": 0, "false": 1, "error": 2}.get(records[0]["verdict"], 3)
    return 2 if "error" in statuses else 0 if statuses <= {"true"} else 1


def _detail(record: dict) -> str:
    lines = [record.get("summary") or ""]
    if record["verdict"] == "false" and record.get("counterexample"):
        lines.append(f"counterexample: {record['counterexample']}")
    return "\n".join(lines + list(record.get("evidence") or ()))


def _print_one(record: dict) -> None:
    style = _STYLE.get(record["verdict"], "")
    basis = f" ({record['basis']})" if record.get("basis") else ""
    console.print(f"[{style}]{record['result']}{basis}[/]: {escape(_detail(record))}")


def _print_table(records: list[dict]) -> None:
    table = Table(show_lines=False)
    for column in ("id", "result", "evidence"):
        table.add_column(column, overflow="fold")
    for record in records:
        style = _STYLE.get(record["verdict"], "")
        basis = f"\n{record['basis']}" if record.get("basis") else ""
        table.add_row(cell(record["id"]), cell(f"{record['result']}{basis}", style),
                      cell(_detail(record)))  # ids and details are data, not rich markup
    console.print(table)
    counts: dict[str, int] = {}
    for record in records:
        counts[record["result"]] = counts.get(record["result"], 0) + 1
    console.print(f"{len(records)} pairs: " + ", ".join(f"{n} {w}" for w, n in counts.items()))
