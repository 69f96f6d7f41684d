"""A derived value that may be unknown, with the reason either way.

symopt never guesses: anything it cannot derive is reported as unknown, and
the reason says why (a time limit, an undecidable sign, an unsupported form).

>>> from symopt.result import Finding
>>> Finding(4, "largest eigenvalue of the Hessian").value
4
>>> f = Finding.unknown("the Hessian is not constant")
>>> f.known, f.reason
(False, 'the Hessian is not constant')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["Finding"]

T = TypeVar("T")


@dataclass(frozen=True)
class Finding(Generic[T]):
    """``value`` with the ``reason`` it holds; ``value is None`` means unknown."""

    value: T | None
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def unknown(cls, reason: str, **evidence: Any) -> Finding[T]:
        """An unknown result, with the reason it could not be derived."""
        return cls(None, reason, evidence)

    @property
    def known(self) -> bool:
        """Whether a value was derived."""
        return self.value is not None

    def __bool__(self) -> bool:
        # A tri-state must not silently become False in an `if`.
        raise TypeError("a Finding may be unknown: test .known or .value explicitly")

    def __str__(self) -> str:
        return f"{self.value} ({self.reason})" if self.known else f"unknown ({self.reason})"

    def _repr_markdown_(self) -> str:
        """Jupyter display: the value as math, with its reason (see :mod:`symopt.display`)."""
        from symopt.display import finding_markdown

        return finding_markdown(self)
