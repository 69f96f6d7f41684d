"""Benchmark: compiled Adam and SGD-momentum steps against baselines measured in the same run.

For each method, dtype and size n it times one in-place step of

* ``symopt numpy``, ``symopt numba``, ``symopt numexpr`` (kernels generated from the
  symbolic rule),
* a hand-written in-place NumPy step (the baseline; written here only, never in the library),
* torch.optim with ``foreach=True`` and ``fused=True`` (when the CPU build supports it),
* the memory-bandwidth bound: an in-place triad ``np.add(a, b, out=a)`` gives the
  bandwidth, times the bytes the step must touch (Adam reads p, g, m, v and writes
  p, m, v: 7 arrays; SGD-momentum reads p, g, b and writes p, b: 5 arrays),

and prints ms/step (median of ``--repeat`` rounds; each round times every contender
once, round-robin, so that load from other processes affects all alike) and ratios.
Run from the repository root::

    python bench/bench_step.py                 # n = 1e5, 1e6, 1e7; float32 and float64
    python bench/bench_step.py --sizes 1e6 --repeat 5 --methods adam
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

# torch and numba both run OpenMP thread pools whose idle threads spin (busy-wait) for a
# while after each parallel region; in one process they starve each other (torch's fused
# Adam at n = 1e5 measured 24 ms instead of 0.08 ms). Idle threads must sleep instead.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("KMP_BLOCKTIME", "0")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bar import tracked

from symopt.kernels import compile

ADAM = {"alpha": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}
MOMENTUM = {"alpha": 1e-2, "beta": 0.9}
ARRAYS_TOUCHED = {"adam": 7, "sgd_momentum": 5}


def timed_together(steps: dict[str, Callable[[int], None]], repeat: int) -> dict[str, float]:
    """Median seconds per step of each contender, timed round-robin.

    Each round times every contender once (``inner`` steps, ~0.05 s), so that load
    from other processes hits all contenders alike and the ratios stay meaningful.
    """
    inner, t = {}, {}
    for label, step in steps.items():
        step(1)  # warm-up (numba compiles here, torch allocates its state)
        start = time.perf_counter()
        step(2)
        once = max(time.perf_counter() - start, 1e-6)
        inner[label] = max(1, min(50, int(0.05 / once)))
        t[label] = 3
    samples: dict[str, list[float]] = {label: [] for label in steps}
    for _ in range(repeat):
        for label, step in steps.items():
            start = time.perf_counter()
            for _ in range(inner[label]):
                step(t[label])
                t[label] += 1
            samples[label].append((time.perf_counter() - start) / inner[label])
    return {label: statistics.median(values) for label, values in samples.items()}


def triad(n: int, dtype: np.dtype) -> Callable[[int], None]:
    """The in-place triad a ← a + b (reads a, b; writes a: 3 arrays of traffic)."""
    a, b = np.ones(n, dtype), np.full(n, 1e-9, dtype)
    return lambda t: np.add(a, b, out=a)


# -- hand-written in-place NumPy baselines (bench only) ------------------------------


def hand_adam(p, g, m, v, buf, dtype, lr, b1, b2, eps):
    c = dtype.type

    def step(t: int) -> None:
        np.multiply(m, c(b1), out=m)
        np.multiply(g, c(1 - b1), out=buf)
        np.add(m, buf, out=m)
        np.multiply(v, c(b2), out=v)
        np.multiply(g, g, out=buf)
        np.multiply(buf, c(1 - b2), out=buf)
        np.add(v, buf, out=v)
        np.sqrt(v, out=buf)
        np.multiply(buf, c(1 / math.sqrt(1 - b2**t)), out=buf)
        np.add(buf, c(eps), out=buf)
        np.divide(m, buf, out=buf)
        np.multiply(buf, c(-lr / (1 - b1**t)), out=buf)
        np.add(p, buf, out=p)

    return step


def hand_momentum(p, g, b, buf, dtype, lr, beta):
    c = dtype.type

    def step(t: int) -> None:
        np.multiply(b, c(beta), out=b)
        np.add(b, g, out=b)
        np.multiply(b, c(-lr), out=buf)
        np.add(p, buf, out=p)

    return step


# -- the contenders ------------------------------------------------------------------


def symopt_step(method: str, backend: str, dtype, n: int, hp: dict):
    name = "adam" if method == "adam" else "heavy_ball"
    step = compile(name, backend, dtype, **hp)
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(dtype)
    g = rng.standard_normal(n).astype(dtype) * dtype.type(1e-3)
    state = step.init_state(p)
    return lambda t: step(p, g, state, t)


def hand_step(method: str, dtype, n: int):
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(dtype)
    g = rng.standard_normal(n).astype(dtype) * dtype.type(1e-3)
    buf = np.empty_like(p)
    if method == "adam":
        a = ADAM
        return hand_adam(p, g, np.zeros_like(p), np.zeros_like(p), buf, dtype,
                         a["alpha"], a["beta_1"], a["beta_2"], a["epsilon"])
    return hand_momentum(p, g, np.zeros_like(p), buf, dtype, MOMENTUM["alpha"], MOMENTUM["beta"])


def torch_step(method: str, dtype, n: int, mode: str):
    import torch

    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    p = torch.randn(n, dtype=tdtype, requires_grad=True)
    p.grad = torch.randn(n, dtype=tdtype) * 1e-3
    if method == "adam":
        a = ADAM
        opt = torch.optim.Adam([p], lr=a["alpha"], betas=(a["beta_1"], a["beta_2"]),
                               eps=a["epsilon"], **{mode: True})
    else:
        opt = torch.optim.SGD([p], lr=MOMENTUM["alpha"], momentum=MOMENTUM["beta"],
                              **{mode: True})
    try:
        opt.step()
    except (RuntimeError, NotImplementedError) as exc:
        return None, str(exc).splitlines()[0]
    return (lambda t: opt.step()), ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument("--methods", nargs="+", default=["adam", "sgd_momentum"],
                        choices=["adam", "sgd_momentum"])
    parser.add_argument("--repeat", type=int, default=7, help="timings per entry (median)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for numba and torch (default: all cores)")
    args = parser.parse_args(argv)

    try:
        import torch
        if args.threads:
            torch.set_num_threads(args.threads)
        torch_info = f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    except ImportError:
        torch = None
        torch_info = "torch not installed"
    backends = ["numpy"]
    try:
        import numba
        if args.threads:
            numba.set_num_threads(args.threads)
        backends.append("numba")
        numba_info = f"numba {numba.__version__}, {numba.get_num_threads()} threads"
    except ImportError:
        numba_info = "numba not installed"
    try:
        import numexpr
        if args.threads:
            numexpr.set_num_threads(args.threads)
        backends.append("numexpr")
        numba_info += f"; numexpr {numexpr.__version__}"
    except ImportError:
        numba_info += "; numexpr not installed"
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"numpy {np.__version__}; {torch_info}; {numba_info}; "
          f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}; "
          f"load average {os.getloadavg()[0]:.2f}")
    header = (f"{'method':<13}{'dtype':<8}{'n':>9}{'contender':>16}{'ms/step':>10}"
              f"{'÷hand':>8}{'÷fused':>8}{'÷bound':>8}")
    print(header)
    print("-" * len(header))
    for method in tracked(args.methods, "methods"):
        hp = ADAM if method == "adam" else MOMENTUM
        for dtype_name in args.dtypes:
            dtype = np.dtype(dtype_name)
            for size in args.sizes:
                n = int(size)
                steps = {"triad": triad(n, dtype), "hand numpy": hand_step(method, dtype, n)}
                for backend in backends:
                    steps[f"symopt {backend}"] = symopt_step(method, backend, dtype, n, hp)
                if torch is not None:
                    for mode in ("foreach", "fused"):
                        step, why = torch_step(method, dtype, n, mode)
                        if step is None:
                            print(f"# torch {mode} unavailable: {why}")
                        else:
                            steps[f"torch {mode}"] = step
                rows = timed_together(steps, args.repeat)
                bw = 3 * n * dtype.itemsize / rows.pop("triad")
                rows["bandwidth bound"] = ARRAYS_TOUCHED[method] * n * dtype.itemsize / bw
                bound = rows["bandwidth bound"]
                hand, fused = rows["hand numpy"], rows.get("torch fused")
                for label, seconds in rows.items():
                    ratio_fused = f"{seconds / fused:8.2f}" if fused else f"{'-':>8}"
                    print(f"{method:<13}{dtype_name:<8}{n:>9.0e}{label:>16}"
                          f"{seconds * 1e3:10.3f}{seconds / hand:8.2f}{ratio_fused}"
                          f"{seconds / bound:8.2f}")
                print(f"# bandwidth (in-place triad) {bw / 1e9:.1f} GB/s")


if __name__ == "__main__":
    main()
