"""Engines that run tasks: one by one in this process, or on a dask.distributed cluster.

An engine maps a function over items and yields ``(item, outcome)`` pairs as
they finish, where ``outcome`` is ``("ok", value)``, ``("lost", reason)`` (the
worker running it died more often than the scheduler allows) or
``("error", reason)`` (the function raised on the worker).

The cluster engine needs worker processes that may fork: a claim's time limit
is a forked child killed at the limit (:func:`symopt.timeout.run_with_timeout`),
and dask's nanny starts daemonic workers by default, in which that limit would
silently not apply. :meth:`DaskEngine.local` therefore starts its workers with
``distributed.worker.daemon: False``, and :meth:`DaskEngine.connect` refuses a
cluster whose workers are daemonic (start them with
``DASK_DISTRIBUTED__WORKER__DAEMON=False``; docs/cluster.md).

>>> engine = InProcessEngine()
>>> list(engine.map(len, ["ab", "c"]))
[('ab', ('ok', 2)), ('c', ('ok', 1))]
"""

from __future__ import annotations

import multiprocessing as mp
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from symopt.errors import DomainError, SymoptError
from symopt.timeout import reuse_workers

__all__ = ["MAX_WORKERS", "RETRIES", "DaskEngine", "Engine", "InProcessEngine", "open_engine"]

#: How many times a task whose worker died is run again before it is reported lost.
RETRIES = 2
#: The largest ``--workers`` accepted for a local cluster.
MAX_WORKERS = 256

Outcome = tuple[str, Any]


class Engine:
    """Runs a function over items; a context manager that frees its resources."""

    name = "engine"

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[Any, Outcome]]:
        """Yield ``(item, outcome)`` for every item, in the order they finish."""
        raise NotImplementedError

    def close(self) -> None:
        """Free the engine's resources (a no-op for the in-process engine)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessEngine(Engine):
    """Runs the items one by one in this process (the default: no cluster).

    >>> [outcome for _, outcome in InProcessEngine().map(abs, [-2])]
    [('ok', 2)]
    """

    name = "1 process"

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[Any, Outcome]]:
        """Yield ``(item, ("ok", fn(item)))`` in order; an exception propagates.

        The items' time-limited work shares one forked worker
        (:func:`symopt.timeout.reuse_workers`): a claim still ends by its own limit, and
        the next one does not pay for a fresh process with cold caches.
        """
        with reuse_workers():
            for item in items:
                yield item, ("ok", fn(item))


def _can_fork() -> bool:
    """On a worker: whether this process may start the time-limited child of a claim."""
    return not mp.current_process().daemon


class DaskEngine(Engine):
    """Runs each item as one task on a dask.distributed cluster.

    Build it with :meth:`local` (a ``LocalCluster`` of ``workers`` processes on
    this machine) or :meth:`connect` (an existing scheduler). A task whose
    worker died is run again by the scheduler, at most :data:`RETRIES` times
    for a local cluster (``distributed.scheduler.allowed-failures``; an existing
    scheduler uses its own setting), then reported as ``("lost", ...)``.
    """

    def __init__(self, client: Any, *, cluster: Any = None, config: Any = None,
                 name: str = "dask") -> None:
        self.client, self.cluster, self._config, self.name = client, cluster, config, name
        self._check_workers()

    @classmethod
    def local(cls, workers: int, *, threads: int = 1) -> DaskEngine:
        """A ``distributed.LocalCluster`` of ``workers`` non-daemonic worker processes."""
        workers = _count(workers, "workers", MAX_WORKERS)
        threads = _count(threads, "threads per worker", 64)
        dask, distributed = _import_dask()
        # Kept for the engine's life: the nanny reads it each time it (re)starts a worker.
        config = dask.config.set({"distributed.worker.daemon": False,
                                  "distributed.scheduler.allowed-failures": RETRIES})
        try:
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=threads,
                                               processes=True, dashboard_address=":0")
            client = distributed.Client(cluster)
        except BaseException:
            config.__exit__(None, None, None)
            raise
        return cls(client, cluster=cluster, config=config,
                   name=f"LocalCluster, {workers} worker{'s' * (workers > 1)}")

    @classmethod
    def connect(cls, address: str, *, timeout: float = 30) -> DaskEngine:
        """Use the running scheduler at ``address`` (``tcp://HOST:8786``)."""
        if not isinstance(address, str) or ":" not in address:
            raise DomainError(f"scheduler address must look like tcp://HOST:8786, got {address!r}")
        _, distributed = _import_dask()
        try:
            client = distributed.Client(address, timeout=timeout)
        except OSError as exc:
            raise SymoptError(f"cannot reach the scheduler at {address}: {exc}") from None
        return cls(client, name=f"scheduler {address}")

    def _check_workers(self) -> None:
        forks = self.client.run(_can_fork)
        daemonic = sorted(address for address, ok in forks.items() if not ok)
        if daemonic:
            self.close()
            raise SymoptError(
                f"dask worker {daemonic[0]} is a daemonic process and cannot enforce the time "
                "limit of a claim; start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False "
                "(see docs/cluster.md)")

    @property
    def workers(self) -> int:
        """How many workers the scheduler has now."""
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[Any, Outcome]]:
        """Submit every item as a task; yield the outcomes as the tasks finish.

        Closing the generator early (Ctrl-C, an error downstream) cancels the
        tasks not yet finished.
        """
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        items = list(items)
        if not items:
            return
        prefix = f"symopt-{getattr(fn, '__name__', 'task')}-{uuid.uuid4().hex[:8]}"
        futures = self.client.map(fn, items, key=[f"{prefix}-{i}" for i in range(len(items))],
                                  pure=False)
        where = {future.key: i for i, future in enumerate(futures)}
        pending = dict(zip(where, futures))
        try:
            for future in as_completed(futures):
                item = items[where[future.key]]
                pending.pop(future.key, None)
                if future.status == "finished":
                    outcome: Outcome = ("ok", future.result())
                elif future.status == "cancelled":
                    raise SymoptError("the tasks were cancelled: the connection to the "
                                      "scheduler was lost")
                else:
                    exc = future.exception()
                    if isinstance(exc, KilledWorker):
                        outcome = ("lost", "worker lost")
                    else:
                        outcome = ("error", f"{type(exc).__name__}: {exc}")
                future.release()
                yield item, outcome
        finally:
            if pending:
                try:
                    self.client.cancel(list(pending.values()))
                except Exception:  # the client may already be gone
                    pass

    def close(self) -> None:
        """Close the client, the local cluster if this engine started it, and its config."""
        for thing in (self.client, self.cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # already closed or unreachable
                    pass
        if self._config is not None:
            self._config.__exit__(None, None, None)
            self._config = None


def _count(value: object, what: str, largest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= largest:
        raise DomainError(f"{what} must be a whole number from 1 to {largest}, got {value!r}")
    return value


def _import_dask() -> tuple[Any, Any]:
    try:
        import dask
        import distributed
    except ImportError:
        raise SymoptError("running on a cluster needs dask.distributed: "
                          "pip install 'symopt[dist]'") from None
    return dask, distributed


def open_engine(workers: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine the options ask for: a local cluster, a scheduler, or this process.

    >>> open_engine().name
    '1 process'
    >>> open_engine(workers=2, scheduler="tcp://localhost:8786")
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: give either a number of workers or a scheduler, not both
    """
    if workers is not None and scheduler is not None:
        raise DomainError("give either a number of workers or a scheduler, not both")
    if scheduler is not None:
        return DaskEngine.connect(scheduler)
    if workers is not None:
        return DaskEngine.local(workers)
    return InProcessEngine()


