import threading
import time

import pytest

from symopt.errors import SymoptTimeoutError
from symopt.timeout import run_with_timeout


def _spin():
    while True:
        pass


def _boom():
    raise ValueError("inner failure")


def test_returns_result():
    assert run_with_timeout(pow, 2, 10, seconds=5) == 1024


def test_stops_busy_work():
    start = time.perf_counter()
    with pytest.raises(SymoptTimeoutError):
        run_with_timeout(_spin, seconds=0.5)
    assert time.perf_counter() - start < 3


def test_works_outside_the_main_thread():
    outcome = {}

    def target():
        try:
            run_with_timeout(_spin, seconds=0.5)
        except SymoptTimeoutError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(10)
    assert isinstance(outcome.get("error"), SymoptTimeoutError)


def test_reraises_errors():
    with pytest.raises(ValueError, match="inner failure"):
        run_with_timeout(_boom, seconds=5)


def _nested():
    # A worker is daemonic and may not start processes: the inner call runs in place.
    return run_with_timeout(pow, 3, 4, seconds=5)


def test_nested_limits_run_inside_the_outer_worker():
    assert run_with_timeout(_nested, seconds=10) == 81


def _limited_spin(_):
    start = time.perf_counter()
    try:
        run_with_timeout(_spin, seconds=0.5)
    except SymoptTimeoutError:
        return time.perf_counter() - start
    return None


def test_the_limit_holds_inside_a_daemonic_process():
    # A multiprocessing.Pool (or dask) worker is daemonic and may not start
    # multiprocessing children; the limit must hold there too, not run unbounded.
    import multiprocessing as mp

    with mp.get_context("fork").Pool(1) as pool:
        elapsed = pool.map_async(_limited_spin, [0]).get(30)
    assert elapsed == [pytest.approx(0.5, abs=2.5)]
