"""Table cells for the terminal: values shown as the text they are.

rich reads ``[...]`` in a plain string as markup and drops what it takes for a
tag (a matrix's ``[1, 0]`` row vanished). Every command builds its cells here:
:func:`cell` turns any value into a :class:`rich.text.Text` (never parsed as
markup), printing SymPy objects with SymPy's Unicode pretty printer when the
drawing fits the column, and :func:`verdict` colours a status word.

>>> cell("Matrix([[1, 0], [0, 1]])").plain
'Matrix([[1, 0], [0, 1]])'
>>> import sympy as sp
>>> print(cell(sp.Matrix([[1, 0], [0, 2]])).plain)
⎡1  0⎤
⎢    ⎥
⎣0  2⎦
"""

from __future__ import annotations

import json

import sympy as sp
from rich.text import Text

__all__ = ["cell", "verdict"]

#: Widest pretty drawing shown in a cell; wider expressions print on one line.
PRETTY_WIDTH = 56


def cell(value: object, style: str = "", pretty: bool = True, width: int = PRETTY_WIDTH) -> Text:
    """``value`` as literal text for a table cell.

    SymPy expressions and matrices are drawn by ``sympy.pretty`` (Unicode) when
    the drawing is at most ``width`` columns wide, else printed on one line
    (``sympy.sstr``); dicts and lists print as JSON; ``None`` is "unknown".

    >>> cell(None).plain, cell({"alpha": "1/2"}).plain
    ('unknown', '{"alpha": "1/2"}')
    >>> cell(sp.Symbol("alpha") + 1).plain
    'α + 1'
    """
    if value is None:
        text = "unknown"
    elif isinstance(value, (sp.Basic, sp.MatrixBase)):
        text = sp.sstr(value)
        if pretty:
            drawing = sp.pretty(value, use_unicode=True)
            if max(len(line) for line in drawing.splitlines()) <= width:
                text = drawing
    elif isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return Text(text, style=style)


_STYLES = {"true": "green", "false": "red", "false-as-expected": "cyan",
           "conditional": "magenta", "unexpected": "bold red", "unknown": "yellow",
           "error": "bold red", "timeout": "yellow"}


def verdict(word: str, status: str | None = None) -> Text:
    """A verdict word in the colour of its ``status`` (default: the word itself); the
    word is never read as markup.

    >>> verdict("[bold]true").plain
    '[bold]true'
    >>> str(verdict("false", "false-as-expected").style)
    'cyan'
    """
    return Text(word, style=_STYLES.get(status or word, ""))
