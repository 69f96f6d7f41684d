"""Time limits that work from any thread and really stop the work.

Symbolic work (``solve``, ``simplify``, eigenvalues of symbolic matrices) can
take unbounded time. :func:`run_with_timeout` runs a function in a forked worker
process and kills the process when the limit passes, so the limit holds even
when SymPy is deep inside C-level big-integer arithmetic, and from threads other
than the main one (a signal alarm only reaches the main thread).

>>> run_with_timeout(sum, [1, 2, 3], seconds=5)
6
>>> import time
>>> run_with_timeout(time.sleep, 10, seconds=0.5)
Traceback (most recent call last):
...
symopt.errors.SymoptTimeoutError: sleep did not finish within 0.5 s
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import pickle
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from symopt.errors import DomainError, SymoptError, SymoptTimeoutError

__all__ = ["DEFAULT_SECONDS", "MAX_SECONDS", "check_seconds", "run_with_timeout"]

T = TypeVar("T")

#: Longest time limit accepted anywhere, in seconds (one hour).
MAX_SECONDS = 3600.0


def check_seconds(value: object, what: str = "time limit") -> float:
    """A time limit as a float, after checking it is a positive finite number ≤ MAX_SECONDS.

    Zero, negative, NaN, infinite or huge values would switch the limit off (or
    overflow the clock); each is a :class:`~symopt.errors.DomainError`.

    >>> check_seconds(2)
    2.0
    >>> check_seconds(0, "timeout")
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: timeout must be a number of seconds in (0, 3600], got 0
    """
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, (int, float)) \
            or not math.isfinite(number) or not 0 < number <= MAX_SECONDS:
        raise DomainError(f"{what} must be a number of seconds in (0, {MAX_SECONDS:g}], "
                          f"got {value!r}"[:200])
    return float(number)


#: Default limit for one piece of symbolic work, in seconds (environment: SYMOPT_TIMEOUT;
#: an invalid value there is reported when a limit is first needed).
def _default_seconds() -> float:
    try:
        return check_seconds(os.environ.get("SYMOPT_TIMEOUT", "20"), "SYMOPT_TIMEOUT")
    except SymoptError:
        return math.nan  # refused by check_seconds where a limit is needed


DEFAULT_SECONDS: float = _default_seconds()


def _context() -> mp.context.BaseContext:
    # fork starts in milliseconds and inherits the imported SymPy; spawn would
    # re-import everything (about a second) on each call.
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def _worker(conn: Any, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    try:
        result = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # report every failure to the parent
        result = ("error", exc, traceback.format_exc())
    try:
        conn.send(result)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        conn.send(("error", SymoptError(f"result could not be returned: {exc}"), ""))
    finally:
        conn.close()


def run_with_timeout(fn: Callable[..., T], *args: Any, seconds: float | None = None,
                     **kwargs: Any) -> T:
    """Call ``fn(*args, **kwargs)`` in a worker process with a time limit.

    Raises :class:`~symopt.errors.SymoptTimeoutError` when the limit passes (the
    worker is killed) and re-raises any exception the function raised.
    ``seconds=None`` uses :data:`DEFAULT_SECONDS`; ``seconds=0`` runs the function
    in this process without a limit (for callers already inside a limit; never
    reachable from files or the command line). Negative, NaN, infinite or
    values above :data:`MAX_SECONDS` are refused. Called inside another worker,
    the function runs in place under that worker's limit.
    """
    if seconds == 0 and not isinstance(seconds, bool):
        return fn(*args, **kwargs)
    limit = check_seconds(DEFAULT_SECONDS if seconds is None else seconds,
                          "SYMOPT_TIMEOUT" if seconds is None else "time limit")
    if mp.current_process().daemon:
        # Inside a worker (daemonic: it may not start processes) the enclosing
        # worker's limit already bounds this work, so nested calls run in place.
        return fn(*args, **kwargs)
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(sender, fn, args, kwargs), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise SymoptTimeoutError(
                f"{getattr(fn, '__name__', 'work')} did not finish within {limit:g} s"
            )
        try:
            outcome = receiver.recv()
        except EOFError:
            raise SymoptError(
                f"{getattr(fn, '__name__', 'work')} stopped without a result "
                f"(worker exit code {process.exitcode})"
            ) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if outcome[0] == "ok":
        return outcome[1]
    raise outcome[1]
