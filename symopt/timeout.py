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

Starting a worker per call costs a fork (~10 ms) and leaves every cache cold.
Inside :func:`reuse_workers`, calls from the same thread run one after another
on one long-lived forked worker instead; the limit still holds per call: a call
past its limit kills the worker (the next call gets a fresh one).

>>> with reuse_workers():
...     run_with_timeout(sum, [1, 2], seconds=5), run_with_timeout(max, [1, 2], seconds=5)
(3, 2)
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from symopt.errors import DomainError, SymoptError, SymoptTimeoutError

__all__ = ["DEFAULT_SECONDS", "MAX_CALLS_PER_WORKER", "MAX_SECONDS", "check_seconds",
           "reuse_workers", "run_with_timeout"]

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


def _die_with(parent: int) -> None:
    """In a forked worker: be killed when the parent dies (Linux), so that a parent killed
    at its own limit (a catalogue entry) leaves no worker running unbounded behind it."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _start(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, Callable[[], None]]:
    """Start the worker: a receiving connection and a function that stops and reaps it.

    Where ``fork`` exists the worker is forked directly (``os.fork``), not through
    ``multiprocessing.Process``: a daemonic process (a ``multiprocessing.Pool`` or a
    dask worker) may not start ``Process`` children, and running the work in place
    there would leave it without a limit.
    """
    if hasattr(os, "fork"):
        read_fd, write_fd = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (coverage does not follow it)
            os.close(read_fd)
            _die_with(parent)
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


#: Calls one reused worker runs before it is replaced (bounds what its caches hold).
MAX_CALLS_PER_WORKER = 500


def _serve(conn: Connection) -> None:  # pragma: no cover - runs in the forked child
    """The loop of a reused worker: run each pickled call it is sent, send the outcome."""
    global _IN_WORKER
    _IN_WORKER = True
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not message:
            return
        try:
            fn, args, kwargs = pickle.loads(message)
        except BaseException as exc:  # report every failure to the parent
            outcome: tuple = ("error", SymoptError(f"the call could not be read: {exc}"), "")
        else:
            outcome = _outcome(fn, args, kwargs)
        try:
            conn.send(outcome)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            conn.send(("error", SymoptError(f"result could not be returned: {exc}"), ""))


class _ReusedWorker:
    """One forked worker process that runs many calls, one at a time."""

    def __init__(self) -> None:
        parent_end, child_end = mp.Pipe(duplex=True)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (coverage does not follow it)
            parent_end.close()
            _die_with(parent)
            try:
                _serve(child_end)
            finally:
                os._exit(0)
        child_end.close()
        self.pid, self.conn, self.calls = pid, parent_end, 0

    def call(self, message: bytes, limit: float, name: str) -> tuple:
        """Send one pickled call and wait for its outcome at most ``limit`` seconds."""
        self.calls += 1
        try:
            self.conn.send_bytes(message)
            finished = self.conn.poll(limit)
            outcome = self.conn.recv() if finished else None
        except (EOFError, OSError):
            raise SymoptError(f"{name} stopped without a result (the worker was killed or "
                              "crashed)") from None
        if not finished:
            raise SymoptTimeoutError(f"{name} did not finish within {limit:g} s")
        return outcome

    def stop(self) -> None:
        """Kill the worker and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.conn.close()


_REUSE = threading.local()


@contextlib.contextmanager
def reuse_workers() -> Iterator[None]:
    """Within this block, time-limited calls from this thread share one forked worker.

    Each call still has its own limit: a call past it kills the worker and
    raises :class:`~symopt.errors.SymoptTimeoutError`, and the next call forks a
    fresh one. Calls run one at a time, so they never run side by side in one
    process; what a call leaves behind in the worker is SymPy's and symopt's
    caches of pure results, which is why reusing it is faster. A call whose
    function or arguments cannot be pickled gets a worker of its own, as
    outside the block. After :data:`MAX_CALLS_PER_WORKER` calls the worker is
    replaced. Blocks nest; the worker stops when the outermost block ends.

    >>> with reuse_workers():
    ...     run_with_timeout(pow, 2, 5, seconds=5)
    32
    """
    outer = getattr(_REUSE, "depth", 0)
    _REUSE.depth = outer + 1
    try:
        yield
    finally:
        _REUSE.depth = outer
        if not outer:
            worker = getattr(_REUSE, "worker", None)
            _REUSE.worker = None
            if worker is not None:
                worker.stop()


def _run_reused(fn: Callable[..., Any], args: tuple, kwargs: dict,
                limit: float) -> tuple | None:
    """The outcome of the call on this thread's reused worker, or None when it cannot go
    there (no :func:`reuse_workers` block, or the call does not pickle)."""
    if not getattr(_REUSE, "depth", 0) or not hasattr(os, "fork"):
        return None
    try:
        message = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a lambda, a closure, an open file: a worker of its own
        return None
    worker = getattr(_REUSE, "worker", None)
    if worker is not None and worker.calls >= MAX_CALLS_PER_WORKER:
        worker.stop()
        worker = None
    if worker is None:
        worker = _REUSE.worker = _ReusedWorker()
    try:
        return worker.call(message, limit, getattr(fn, "__name__", "work"))
    except BaseException:  # a limit, a dead worker, an interrupt: never reuse it
        _REUSE.worker = None
        worker.stop()
        raise


def run_with_timeout(fn: Callable[..., T], *args: Any, seconds: float | None = None,
                     **kwargs: Any) -> T:
    """Call ``fn(*args, **kwargs)`` in a worker process with a time limit.

    Raises :class:`~symopt.errors.SymoptTimeoutError` when the limit passes (the
    worker is killed) and re-raises any exception the function raised.
    ``seconds=None`` uses :data:`DEFAULT_SECONDS`; ``seconds=0`` runs the function
    in this process without a limit (for callers already inside a limit; never
    reachable from files or the command line). Negative, NaN, infinite or
    values above :data:`MAX_SECONDS` are refused. Called inside another worker,
    the function runs in place under that worker's limit. Inside
    :func:`reuse_workers` the call runs on this thread's long-lived worker.
    """
    if seconds == 0 and not isinstance(seconds, bool):
        return fn(*args, **kwargs)
    limit = check_seconds(DEFAULT_SECONDS if seconds is None else seconds,
                          "SYMOPT_TIMEOUT" if seconds is None else "time limit")
    if _IN_WORKER:
        # Inside a worker started here, the enclosing worker's limit already bounds
        # this work, so nested calls run in place.
        return fn(*args, **kwargs)
    outcome = _run_reused(fn, args, kwargs, limit)
    if outcome is not None:
        return _result(outcome)
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
    return _result(outcome)


def _result(outcome: tuple) -> Any:
    if outcome[0] == "ok":
        return outcome[1]
    raise outcome[1]
