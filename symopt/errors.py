"""The errors symopt raises.

Every failure a user can cause ends in a :class:`SymoptError` subclass whose
message says what was wrong and, for text input, where.

>>> from symopt.errors import ParseError, SymoptError
>>> issubclass(ParseError, SymoptError)
True
>>> print(ParseError("unknown name 'foo'", text="x + foo", position=4))
unknown name 'foo' at position 4
  x + foo
      ^
"""

from __future__ import annotations

__all__ = [
    "CodegenError",
    "DomainError",
    "ParseError",
    "SymoptError",
    "SymoptTimeoutError",
    "UnsupportedError",
]


class SymoptError(Exception):
    """Base class of every error symopt raises on purpose."""


class ParseError(SymoptError, ValueError):
    """Text (SymPy syntax or LaTeX) that symopt cannot read unambiguously.

    ``text`` and ``position`` (0-based, may be ``None``) locate the problem; the
    message shows a caret under the offending character.
    """

    def __init__(self, message: str, *, text: str | None = None, position: int | None = None):
        self.reason = message
        self.text = text
        self.position = position
        super().__init__(self._format())

    def _format(self) -> str:
        if self.text is None or self.position is None:
            return self.reason
        # Show a window of the input around the position, with a caret.
        start = max(0, self.position - 30)
        window = self.text[start : self.position + 30].replace("\n", " ")
        caret = " " * (self.position - start) + "^"
        return f"{self.reason} at position {self.position}\n  {window}\n  {caret}"


class UnsupportedError(SymoptError, NotImplementedError):
    """Input that is well formed but outside what symopt can handle."""


class SolverError(UnsupportedError):
    """Well-formed input that a solver (SymPy) could not finish with: no verdict, not an error
    of the input (a claim gets ``unknown`` with this reason)."""


class DomainError(SymoptError, ValueError):
    """A value outside its admissible domain (e.g. a step size α ≤ 0, β ≥ 1)."""


class CodegenError(SymoptError):
    """Code generation refused an input (e.g. a symbol name that is not an identifier)."""


class SymoptTimeoutError(SymoptError, TimeoutError):
    """Symbolic work that exceeded its time limit and was stopped."""
