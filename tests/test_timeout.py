import os
import signal
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


def _spin_and_tell(path):
    with open(path, "w") as out:
        out.write(str(os.getpid()))
    _spin()


def _limited_by_a_long_limit(path):
    run_with_timeout(_spin_and_tell, path, seconds=600)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\nState:\tZ" not in status.read()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc (Linux)")
def test_a_worker_does_not_outlive_its_killed_parent(tmp_path):
    # a catalogue entry runs in a process that is killed at its own limit: the worker it
    # started for a claim must not keep running, unbounded, behind it
    import multiprocessing as mp

    path = tmp_path / "pid"
    parent = mp.get_context("fork").Process(target=_limited_by_a_long_limit, args=(str(path),))
    parent.start()
    deadline = time.monotonic() + 20
    while not (path.exists() and path.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(path.read_text())
    parent.kill()
    parent.join()
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    survived = _alive(pid)
    if survived:  # do not leave it spinning for its whole limit
        os.kill(pid, signal.SIGKILL)
    assert not survived
