"""Reports of verdicts: a rich table, JSON, Markdown.

>>> from symopt.claims.claim import Verdict
>>> v = Verdict.false("α* = 2/5", correct="2/5", counterexample="at α = 1/2 the rate is 1",
...                   basis="counterexample")
>>> print(to_markdown([v]).splitlines()[2])
| claim |  | **false** | counterexample | α* = 2/5 | 2/5 | at α = 1/2 the rate is 1 |
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table

from symopt.claims.claim import Verdict

__all__ = ["as_dict", "exit_code", "summary", "to_json", "to_markdown", "to_table"]

_STYLE = {"true": "green", "false": "bold red", "unknown": "yellow", "error": "magenta",
          "timeout": "yellow"}


def exit_code(verdicts: Sequence[Verdict]) -> int:
    """0 when every claim holds; 1 when any is false (or undecided: unknown, timeout);
    2 when any could not be read.

    >>> exit_code([Verdict.true("ok", basis="exact")]), exit_code([Verdict.unknown("?")])
    (0, 1)
    """
    if any(v.status == "error" for v in verdicts):
        return 2
    if all(v.status == "true" for v in verdicts):
        return 0
    return 1


def _expected(v: Verdict) -> str:
    if v.expect is None:
        return ""
    if v.as_expected is None:
        return f"expected {'true' if v.expect else 'false'}"
    if v.as_expected:
        return "as expected" if v.expect else "the text is wrong here, as expected"
    return "NOT as expected"


def summary(verdicts: Sequence[Verdict]) -> str:
    """One line: how many claims of each status (and how many were as expected).

    >>> summary([Verdict.true("a", basis="exact"), Verdict.unknown("b")])
    '2 claims: 1 true, 1 unknown'
    """
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    order = ["true", "false", "unknown", "timeout", "error"]
    parts = [f"{counts[s]} {s}" for s in order if s in counts]
    line = f"{len(verdicts)} claims: " + ", ".join(parts)
    judged = [v for v in verdicts if v.as_expected is not None]
    if judged:
        line += f"; {sum(v.as_expected for v in judged)}/{len(judged)} as expected"
    return line


def _detail(v: Verdict) -> str:
    lines = [v.summary]
    if v.status == "false":
        if v.correct:
            lines.append(f"correct: {v.correct}")
        if v.counterexample:
            lines.append(f"counterexample: {v.counterexample}")
    lines += list(v.evidence)
    expected = _expected(v)
    if expected:
        lines.append(f"→ {expected}")
    return "\n".join(lines)


def to_table(verdicts: Sequence[Verdict], title: str = "") -> Table:
    """A rich table: claim, kind, verdict (with what it rests on), evidence / correct value.

    >>> to_table([Verdict.true("the difference simplifies to 0", basis="exact")]).row_count
    1
    >>> from rich.console import Console
    >>> console = Console(width=60)
    >>> with console.capture() as shown:
    ...     console.print(to_table([Verdict.true("x_0 = Matrix([[x_0], [y_0]])", basis="numeric")]))
    >>> "Matrix([[x_0], [y_0]])" in shown.get(), "numeric" in shown.get()
    (True, True)
    """
    from symopt.cli.cells import cell  # every cell literal text: '[2*x]' is not markup

    table = Table(title=title or None, show_lines=True)
    table.add_column("claim", style="bold", overflow="fold")
    table.add_column("kind")
    table.add_column("verdict")
    table.add_column("evidence / correct value", overflow="fold")
    for v in verdicts:
        verdict = cell(v.status, style=_STYLE.get(v.status, ""))
        if v.basis:  # on its own line: the column stays as narrow as "counterexample"
            verdict.append(f"\n{v.basis}", style="dim")
        table.add_row(cell(v.claim_id or "-"), cell(v.kind), verdict, cell(_detail(v)))
    return table


def as_dict(v: Verdict) -> dict[str, object]:
    """A verdict as plain JSON data (``basis``: what a decided verdict rests on, else "").

    >>> as_dict(Verdict.unknown("no reason"))["status"]
    'unknown'
    >>> as_dict(Verdict.true("equal at 10 random points", basis="numeric"))["basis"]
    'numeric'
    """
    return {"id": v.claim_id, "kind": v.kind, "status": v.status, "summary": v.summary,
            "basis": v.basis, "correct": v.correct, "counterexample": v.counterexample,
            "evidence": list(v.evidence), "expect": v.expect, "as_expected": v.as_expected,
            "note": v.note}


def to_json(verdicts: Sequence[Verdict], title: str = "") -> str:
    """The report as JSON: the title, a summary and one object per claim.

    >>> json.loads(to_json([Verdict.true("ok", basis="exact")], "t"))["summary"]
    '1 claims: 1 true'
    """
    return json.dumps({"title": title, "summary": summary(verdicts),
                       "claims": [as_dict(v) for v in verdicts]}, ensure_ascii=False, indent=2)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", "<br>")


def to_markdown(verdicts: Sequence[Verdict], title: str = "") -> str:
    """The report as a Markdown table."""
    lines = [f"## {title}", ""] if title else []
    lines += ["| claim | kind | verdict | rests on | evidence | correct | counterexample |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for v in verdicts:
        status = f"**{v.status}**" if v.status == "false" else v.status
        evidence = "\n".join(p for p in [v.summary, *v.evidence, _expected(v)] if p)
        lines.append(f"| {_cell(v.claim_id or 'claim')} | {_cell(v.kind)} | {status} | "
                     f"{v.basis} | {_cell(evidence)} | {_cell(v.correct)} | "
                     f"{_cell(v.counterexample)} |")
    lines += ["", summary(verdicts)]
    return "\n".join(lines)
