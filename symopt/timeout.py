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

import contextlib
import math
import multiprocessing as mp
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
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


#: True inside a worker started here: nested limits run in place under its limit.
_IN_WORKER = False


def _outcome(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple:
    global _IN_WORKER
    _IN_WORKER = True
    try:
        return ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # report every failure to the parent
        return ("error", exc, traceback.format_exc())


def _send(conn: Any, result: tuple) -> None:
    try:
        conn.send(result)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        conn.send(("error", SymoptError(f"result could not be returned: {exc}"), ""))
    finally:
        conn.close()


def _worker(conn: Any, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    _send(conn, _outcome(fn, args, kwargs))


def _start(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, Callable[[], None]]:
    """Start the worker: a receiving connection and a function that stops and reaps it.

    Where ``fork`` exists the worker is forked directly (``os.fork``), not through
    ``multiprocessing.Process``: a daemonic process (a ``multiprocessing.Pool`` or a
    dask worker) may not start ``Process`` children, and running the work in place
    there would leave it without a limit.
    """
    if hasattr(os, "fork"):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (coverage does not follow it)
            os.close(read_fd)
            try:
                _send(Connection(write_fd, readable=False), _outcome(fn, args, kwargs))
            finally:
                os._exit(0)
        os.close(write_fd)

        def stop() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

        return Connection(read_fd, writable=False), stop
    receiver, sender = mp.get_context("spawn").Pipe(duplex=False)
    process = mp.get_context("spawn").Process(target=_worker, args=(sender, fn, args, kwargs),
                                              daemon=True)
    process.start()
    sender.close()

    def stop_process() -> None:
        if process.is_alive():
            process.kill()
        process.join()

    return receiver, stop_process


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
    if _IN_WORKER:
        # Inside a worker started here, the enclosing worker's limit already bounds
        # this work, so nested calls run in place.
        return fn(*args, **kwargs)
    receiver, stop = _start(fn, args, kwargs)
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
                "(the worker was killed or crashed)"
            ) from None
    finally:
        stop()
        receiver.close()
    if outcome[0] == "ok":
        return outcome[1]
    raise outcome[1]
