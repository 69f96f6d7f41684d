"""``symopt check FILE.toml``: check the claims of a file (docs/claims-format.md).

Exit code 0 when every claim holds, 1 when any is false (or left undecided:
unknown, timeout), 2 when the file (or a claim in it) cannot be read.
"""

from __future__ import annotations

from typing import Annotated

import typer

from symopt.cli import app, console


@app.command()
def check(
    path: Annotated[str, typer.Argument(help="A claims file (TOML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="A Markdown table.")] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds per claim.")
    ] = None,
) -> int:
    """Check every claim of a claims file: verdict, evidence, correct value, counterexample."""
    from symopt.claims import check_file, load_claims
    from symopt.claims.report import exit_code, summary, to_json, to_markdown, to_table

    loaded = load_claims(path)
    verdicts = check_file(loaded, timeout=timeout)
    if as_json:
        print(to_json(verdicts, loaded.title))
    elif markdown:
        print(to_markdown(verdicts, loaded.title))
    else:
        console.print(to_table(verdicts, loaded.title))
        console.print(summary(verdicts))
    return exit_code(verdicts)
