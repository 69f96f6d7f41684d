"""Reused workers (symopt.timeout.reuse_workers): many calls per fork, each under its limit."""

import os
import threading
import time

import pytest

import symopt.timeout as timeout_module
from symopt.errors import SymoptError, SymoptTimeoutError
from symopt.timeout import reuse_workers, run_with_timeout


def _pid():
    return os.getpid()


def _spin():
    while True:
        pass


def _die():
    os._exit(3)


def _boom():
    raise ValueError("inner failure")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_calls_in_a_block_share_one_worker_that_is_not_this_process():
    with reuse_workers():
        first = run_with_timeout(_pid, seconds=10)
        second = run_with_timeout(_pid, seconds=10)
    assert first == second != os.getpid()
    assert not _alive(first)  # stopped (and reaped) when the block ends


def test_outside_a_block_each_call_has_its_own_worker():
    assert run_with_timeout(_pid, seconds=10) != run_with_timeout(_pid, seconds=10)


def test_a_call_past_its_limit_kills_the_worker_and_the_next_call_gets_a_fresh_one():
    with reuse_workers():
        before = run_with_timeout(_pid, seconds=10)
        start = time.monotonic()
        with pytest.raises(SymoptTimeoutError, match=r"within 0\.5 s"):
            run_with_timeout(_spin, seconds=0.5)
        assert time.monotonic() - start < 5
        assert not _alive(before)
        after = run_with_timeout(_pid, seconds=10)
    assert after != before


def test_a_worker_that_dies_is_an_error_and_is_replaced():
    with reuse_workers():
        before = run_with_timeout(_pid, seconds=10)
        with pytest.raises(SymoptError, match="stopped without a result"):
            run_with_timeout(_die, seconds=10)
        assert run_with_timeout(_pid, seconds=10) != before


def test_errors_are_reraised_and_the_worker_kept():
    with reuse_workers():
        before = run_with_timeout(_pid, seconds=10)
        with pytest.raises(ValueError, match="inner failure"):
            run_with_timeout(_boom, seconds=10)
        assert run_with_timeout(_pid, seconds=10) == before


def test_a_call_that_does_not_pickle_runs_in_a_worker_of_its_own():
    with reuse_workers():
        shared = run_with_timeout(_pid, seconds=10)
        own = run_with_timeout(lambda: os.getpid(), seconds=10)
        assert own not in (shared, os.getpid())
        assert run_with_timeout(_pid, seconds=10) == shared


def test_the_worker_is_replaced_after_its_quota_of_calls(monkeypatch):
    monkeypatch.setattr(timeout_module, "MAX_CALLS_PER_WORKER", 2)
    with reuse_workers():
        pids = [run_with_timeout(_pid, seconds=10) for _ in range(5)]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]


def test_blocks_nest_and_threads_have_their_own_workers():
    found = {}

    def target():
        with reuse_workers():
            found["thread"] = run_with_timeout(_pid, seconds=10)

    with reuse_workers():
        outer = run_with_timeout(_pid, seconds=10)
        with reuse_workers():
            assert run_with_timeout(_pid, seconds=10) == outer
        assert _alive(outer)  # the inner block does not stop the outer block's worker
        thread = threading.Thread(target=target)
        thread.start()
        thread.join(30)
    assert found["thread"] not in (outer, os.getpid())


def test_limits_are_still_validated_in_a_block():
    with reuse_workers():
        with pytest.raises(SymoptError, match="time limit"):
            run_with_timeout(_pid, seconds=float("nan"))
        with pytest.raises(SymoptError, match="time limit"):
            run_with_timeout(_pid, seconds=-1)
