"""Numeric runs: the memory a run needs is estimated and capped before anything is allocated."""

import numpy as np
import pytest

from symopt.errors import DomainError
from symopt.kernels import run
from symopt.kernels.run import MAX_STEPS, memory_cap


def test_a_trillion_steps_are_refused_at_once():
    with pytest.raises(DomainError, match="steps"):
        run("x**2", "gd", [1.0], 10**12, alpha=0.1)


def test_a_billion_row_start_is_refused_before_it_is_copied():
    x0 = np.broadcast_to(np.float64(1.0), (10**9, 1))  # a view: no memory yet
    with pytest.raises(DomainError, match="GiB"):
        run("x**2", "gd", x0, 1, alpha=0.1)


def test_the_cap_is_configurable():
    # 1000 steps of one coordinate: (1001·3 + 8)·8 bytes ≈ 24 kB.
    run("x**2", "gd", [1.0], 1000, alpha=0.1, max_bytes=10**6)
    with pytest.raises(DomainError, match="cap"):
        run("x**2", "gd", [1.0], 1000, alpha=0.1, max_bytes=10**4)


def test_the_cap_from_the_environment(monkeypatch):
    monkeypatch.setenv("SYMOPT_MAX_MEMORY_MB", "1")
    assert memory_cap() == 2**20
    monkeypatch.setenv("SYMOPT_MAX_MEMORY_MB", "lots")
    with pytest.raises(DomainError):
        memory_cap()


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "1G"])
def test_an_invalid_cap_is_refused(value):
    with pytest.raises(DomainError):
        memory_cap(value)


@pytest.mark.parametrize("steps", [-1, 2.5, MAX_STEPS + 1, True, "10"])
def test_invalid_step_counts_are_refused(steps):
    with pytest.raises(DomainError):
        run("x**2", "gd", [1.0], steps, alpha=0.1)
