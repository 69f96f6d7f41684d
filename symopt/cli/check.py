"""``symopt check FILE.toml [FILE.toml ...]``: check the claims of files (docs/claims-format.md).

Exit code 0 when every claim holds, 1 when any is false (or left undecided:
unknown, timeout), 2 when a file (or a claim in it) cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from symopt.cli import app, console
from symopt.timeout import check_seconds


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Claims files (TOML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="A Markdown table.")] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds per claim.")
    ] = None,
) -> int:
    """Check every claim of claims files: verdict, evidence, correct value, counterexample."""
    from symopt.claims import check_file, load_claims
    from symopt.claims.report import exit_code, summary, to_json, to_markdown, to_table

    if timeout is not None:
        timeout = check_seconds(timeout, "--timeout")
    # A path argument is always a path (never TOML text, even with a newline in its name).
    loaded = [load_claims(Path(path)) for path in paths]  # every file is read before any check
    reports, codes = [], []
    for claims in loaded:
        verdicts = check_file(claims, timeout=timeout)
        codes.append(exit_code(verdicts))
        if as_json:
            reports.append(json.loads(to_json(verdicts, claims.title)))
        elif markdown:
            print(to_markdown(verdicts, claims.title))
        else:
            console.print(to_table(verdicts, claims.title))
            console.print(summary(verdicts))
    if as_json:
        print(json.dumps(reports[0] if len(reports) == 1 else reports, ensure_ascii=False,
                         indent=2))
    return max(codes)
