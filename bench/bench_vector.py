"""Benchmark: the compiled vector gradient Xᵀ(Xw − y) against hand-written NumPy, same run.

Contenders, for each (m, n):

* ``symopt kernel`` — ``symopt.vector.kernel.compile_gradient`` of ½‖Xw − y‖² (two BLAS
  calls and a subtraction into buffers allocated once), writing into ``out``;
* ``hand in-place`` — the same three NumPy calls written by hand with ``out=`` (the baseline);
* ``hand naive`` — ``X.T @ (X @ w - y)`` (allocates two temporaries per call);
* ``logistic kernel`` / ``logistic hand`` — the logistic gradient −Xᵀ(y ∘ σ(−y ∘ Xw))/m.

Each round times every contender once (round-robin, so load from other processes hits
all alike); the median ms/call of ``--repeat`` rounds and the ratio to the hand-written
in-place baseline are printed. Run from the repository root::

    python bench/bench_vector.py
    python bench/bench_vector.py --sizes 2000x500 10000x100 --repeat 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))


def _time(fn, seconds: float = 0.05) -> float:
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return 1e3 * elapsed / calls


def contenders(m: int, n: int, rng: np.random.Generator) -> dict:
    """name → zero-argument callable, all computing their gradient into a preallocated array."""
    from symopt.vector import data_symbols, least_squares, logistic
    from symopt.vector.kernel import compile_gradient

    d = data_symbols()
    X, w, y = rng.standard_normal((m, n)), rng.standard_normal((n, 1)), rng.standard_normal((m, 1))
    labels = np.where(y >= 0, 1.0, -1.0)
    out, r, g = np.empty((n, 1)), np.empty((m, 1)), np.empty((n, 1))
    ls, lg = compile_gradient(least_squares(d), d.w), compile_gradient(logistic(d), d.w)
    t = np.empty((m, 1))

    def hand_in_place():
        np.matmul(X, w, out=r)
        np.subtract(r, y, out=r)
        np.matmul(X.T, r, out=g)

    def hand_naive():
        g[...] = X.T @ (X @ w - y)

    def logistic_hand():
        np.matmul(X, w, out=t)
        np.multiply(t, labels, out=t)
        np.exp(t, out=t)
        np.add(t, 1.0, out=t)
        np.divide(labels, t, out=t)
        np.matmul(X.T, t, out=g)
        np.multiply(g, -1.0 / m, out=g)

    ls(out=out, X=X, w=w, y=y)
    assert np.allclose(out, X.T @ (X @ w - y))
    lg(out=out, X=X, w=w, y=labels)
    logistic_hand()
    assert np.allclose(out, g)
    return {"symopt kernel": lambda: ls(out=out, X=X, w=w, y=y),
            "hand in-place": hand_in_place, "hand naive": hand_naive,
            "logistic kernel": lambda: lg(out=out, X=X, w=w, y=labels),
            "logistic hand": logistic_hand}


def main(argv: list[str] | None = None) -> None:
    """Parse the options, run the contenders round-robin and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["2000x500", "20000x50", "200x20"])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 100:
        parser.error("--repeat must be in [1, 100]")
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    rng = np.random.default_rng(0)
    for size in args.sizes:
        m, n = (int(v) for v in size.lower().split("x"))
        if not (1 <= m <= 10**6 and 1 <= n <= 10**4 and m * n <= 5 * 10**7):
            parser.error(f"size {size} out of range")
        fns = contenders(m, n, rng)
        times: dict[str, list[float]] = {k: [] for k in fns}
        for _ in range(args.repeat):
            for name, fn in fns.items():
                times[name].append(_time(fn))
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"\nm = {m}, n = {n}")
        for name, ms in med.items():
            base = med["logistic hand" if name.startswith("logistic") else "hand in-place"]
            print(f"  {name:16s} {ms:9.4f} ms   ÷hand {ms / base:5.2f}")


if __name__ == "__main__":
    main()
