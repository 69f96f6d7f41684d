"""Bounded memo tables for pure symbolic work that analyses repeat.

The same method on many problems derives the same iteration matrix, the same
closed form and the same stability conditions again and again; the same
eigenvalues come back in many spectra. A :class:`Memo` remembers such results
in this process, keyed by the exact inputs (SymPy objects compare structurally
and with their assumptions, so ``x`` and a positive ``x`` are different keys).
Only results are stored, never failures or time-outs, and only immutable values
(SymPy expressions, tuples, immutable matrices), so no caller can change what
another one gets. Each table holds at most ``size`` entries (least recently used
go first).

>>> import sympy as sp
>>> squares = Memo("squares", 2)
>>> @squares
... def square(x):
...     return sp.expand((x + 1) ** 2)
>>> square(sp.Symbol("a")), square(sp.Symbol("a")), squares.hits
(a**2 + 2*a + 1, a**2 + 2*a + 1, 1)
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from symopt.errors import DomainError

__all__ = ["MAX_MEMO_SIZE", "Memo"]

F = TypeVar("F", bound=Callable[..., Any])
#: The largest table allowed.
MAX_MEMO_SIZE = 100_000
_MISSING = object()


class Memo:
    """A thread-safe table of at most ``size`` results, least recently used dropped first.

    >>> table = Memo("demo", 8)
    >>> table.get(("k", 1)) is None, table.put(("k", 1), 42), table.get(("k", 1))
    (True, 42, 42)
    >>> Memo("bad", 0)
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: memo size must be a whole number in [1, 100000], got 0
    """

    def __init__(self, name: str, size: int = 512):
        if isinstance(size, bool) or not isinstance(size, int) or \
                not 1 <= size <= MAX_MEMO_SIZE:
            raise DomainError(f"memo size must be a whole number in [1, {MAX_MEMO_SIZE}], "
                              f"got {size!r}")
        self.name, self.size = name, size
        self.hits = self.misses = 0
        self._table: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The stored value for ``key`` (and mark it recently used), else ``default``."""
        with self._lock:
            value = self._table.get(key, _MISSING)
            if value is _MISSING:
                self.misses += 1
                return default
            self.hits += 1
            self._table.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> Any:
        """Store ``value`` under ``key`` and return it."""
        with self._lock:
            self._table[key] = value
            self._table.move_to_end(key)
            while len(self._table) > self.size:
                self._table.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry (the counters too)."""
        with self._lock:
            self._table.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._table)

    def __call__(self, fn: F) -> F:
        """Decorate a pure function whose positional arguments are hashable.

        The key is the arguments with their types (``2`` and ``Integer(2)`` differ).
        """
        @functools.wraps(fn)
        def memoised(*args: Any) -> Any:
            key = tuple((type(a), a) for a in args)
            value = self.get(key, _MISSING)
            if value is _MISSING:
                value = self.put(key, fn(*args))
            return value

        memoised.memo = self  # type: ignore[attr-defined]
        return memoised  # type: ignore[return-value]
