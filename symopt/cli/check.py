"""``symopt check FILE.toml [FILE.toml ...]``: check the claims of files (docs/claims-format.md).

Claims run one by one in this process, or as tasks on a dask.distributed cluster
(``--workers N``: a local cluster; ``--scheduler tcp://HOST:8786``: a running one;
docs/cluster.md). ``--out results.jsonl`` streams one JSON line per verdict as it
arrives; ``--resume`` skips the claims already there.

Exit code 0 when every claim holds, 1 when any is false (or left undecided:
unknown, timeout), 2 when a file (or a claim in it) cannot be read, 130 when
interrupted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from symopt.cli import app, console, err_console
from symopt.timeout import check_seconds

#: A file with more claims than this lists only the claims that are not true.
TABLE_ROWS = 100


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Claims files (TOML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="A Markdown table.")] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds per claim.")
    ] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Run on a local dask cluster of N worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Run on a running dask scheduler (tcp://HOST:8786).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Stream one JSON line per verdict to this file.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Skip the claims already in --out.")] = False,
) -> int:
    """Check every claim of claims files: verdict, evidence, correct value, counterexample."""
    from symopt.claims import load_claims
    from symopt.claims.report import exit_code, summary, to_json, to_markdown, to_table
    from symopt.dist import open_engine, record_verdict, tasks_from_file
    from symopt.errors import DomainError

    if timeout is not None:
        timeout = check_seconds(timeout, "--timeout")
    if resume and out is None:
        raise DomainError("--resume needs --out (the results file to resume)")
    # A path argument is always a path (never TOML text, even with a newline in its name).
    loaded = [load_claims(Path(path)) for path in paths]  # every file is read before any check
    tasks = [task for claims in loaded for task in tasks_from_file(claims, timeout=timeout)]
    records = _run(tasks, open_engine(workers, scheduler), out, resume, quiet=as_json or markdown)
    by_file: dict[str, list] = {}
    for record in records:
        by_file.setdefault(record["file"], []).append(record_verdict(record))
    reports, codes = [], []
    for claims in loaded:
        verdicts = by_file.get(claims.path, [])
        codes.append(exit_code(verdicts))
        if as_json:
            reports.append(json.loads(to_json(verdicts, claims.title)))
        elif markdown:
            print(to_markdown(verdicts, claims.title))
        else:
            shown = verdicts if len(verdicts) <= TABLE_ROWS else \
                [v for v in verdicts if v.status != "true"]
            if shown:
                console.print(to_table(shown, claims.title if shown is verdicts else
                                       f"{claims.title}: the claims that are not true"))
            console.print(summary(verdicts))
    if as_json:
        print(json.dumps(reports[0] if len(reports) == 1 else reports, ensure_ascii=False,
                         indent=2))
    if len(records) < len(tasks):
        return 1
    return max(codes)


def _run(tasks: list, engine: object, out: Path | None, resume: bool, *,
         quiet: bool, label: str = "checking") -> list[dict]:
    """Run the tasks with a progress bar; on Ctrl-C say what was kept and exit 130."""
    from symopt.dist import run_tasks
    from symopt.dist.progress import VerdictProgress

    try:
        with engine, VerdictProgress(len(tasks), console, label=label,
                                     disable=quiet or not console.is_terminal) as bar:
            return run_tasks(tasks, engine, out=out, resume=resume, progress=bar.update,
                             skipped=bar.resumed)
    except KeyboardInterrupt:
        kept = f"; the verdicts so far are in {out} (--resume finishes the run)" if out else ""
        err_console.print(f"interrupted{kept}")
        raise typer.Exit(130) from None
