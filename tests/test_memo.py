"""symopt.memo: bounded, exact-keyed tables of pure results."""

import pytest
import sympy as sp

from symopt.errors import DomainError
from symopt.memo import MAX_MEMO_SIZE, Memo


def test_least_recently_used_entries_go_first():
    table = Memo("t", 2)
    table.put("a", 1)
    table.put("b", 2)
    assert table.get("a") == 1  # a is now the most recent
    table.put("c", 3)
    assert table.get("b") is None and table.get("a") == 1 and table.get("c") == 3
    assert len(table) == 2


def test_keys_are_exact_symbols_with_assumptions_and_types():
    calls = []
    table = Memo("t", 16)

    @table
    def double(x):
        calls.append(x)
        return 2 * x

    x, positive_x = sp.Symbol("x"), sp.Symbol("x", positive=True)
    assert double(x) == 2 * x and double(positive_x) == 2 * positive_x
    double(sp.Integer(2))
    double(2)  # a Python int is another key than Integer(2)
    double(sp.Float(2.0))
    double(x)
    assert calls == [x, positive_x, sp.Integer(2), 2, sp.Float(2.0)]
    assert table.hits == 1


def test_failures_are_not_remembered():
    table = Memo("t", 4)
    calls = []

    @table
    def fail(x):
        calls.append(x)
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError):
            fail(1)
    assert calls == [1, 1] and len(table) == 0


@pytest.mark.parametrize("size", [0, -1, MAX_MEMO_SIZE + 1, 2.5, True, "10"])
def test_sizes_are_validated(size):
    with pytest.raises(DomainError):
        Memo("t", size)
