"""A progress bar for a benchmark's main loop: rich, transient, off when stdout is no terminal.

Rows a benchmark prints inside the loop appear above the bar (rich redirects stdout while
the bar is shown), so a redirected run (``> results.txt``) is unchanged.

>>> list(tracked(range(3), "demo"))
[0, 1, 2]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import track

__all__ = ["tracked"]

T = TypeVar("T")


def tracked(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items`` while a bar labelled ``label`` counts them (``total`` if not sized).

    >>> sum(tracked([1, 2, 3], "adding"))
    6
    """
    console = Console()
    yield from track(items, description=label, total=total, console=console, transient=True,
                     disable=not console.is_terminal)
