"""Benchmark: every method's compiled step beside torch.optim and the bandwidth bound, one run.

For each method of the registry, dtype and size n it times one in-place step of

* ``symopt numpy``, ``symopt numba``, ``symopt numexpr`` (kernels generated from the
  method's symbolic rule) and ``numba 1 thread`` (under ``numba.set_num_threads(1)``
  the kernel runs its ``parallel=False`` variant: what the second core buys),
* torch.optim's fused implementation where torch has one, ``foreach`` otherwise (and
  both with ``--torch-both``),
* for the simplex projection, hand-written ``np.sort``-based code (sort, cumulative sums,
  the last index still positive: the textbook algorithm),
* the memory-bandwidth bound: the arrays the step must read and write
  (:attr:`CompiledStep.traffic`: one pass per reduction, then the update) times their
  size, divided by the machine's bandwidth measured in the same run (the faster of an
  in-place NumPy triad ``a ← a + b`` and the same triad as a parallel numba loop).

Timings are interleaved: each round times every contender once (``inner`` steps, ~0.05 s)
so that load from other processes hits all alike. It prints min and median ms/step, and
ratios *paired by round* (median over rounds of contender ÷ baseline in that round).
Run from the repository root::

    python bench/bench_step.py                      # short: 3 methods, n = 1e6, float32
    python bench/bench_step.py --full               # every method, n = 1e5..1e7, both dtypes
    python bench/bench_step.py --methods all --sizes 1e7 --repeat 7 --markdown
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# torch and numba both run OpenMP thread pools whose idle threads spin (busy-wait) for a
# while after each parallel region; in one process they starve each other (torch's fused
# Adam at n = 1e5 measured 24 ms instead of 0.08 ms). Idle threads must sleep instead.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("KMP_BLOCKTIME", "0")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bar import tracked

from symopt.kernels import compile
from symopt.methods import (
    adagrad,
    adam,
    adamw,
    amsgrad,
    gradient_descent,
    heavy_ball,
    heavy_ball_ema,
    lion,
    nadam,
    nesterov,
    projected_gd,
    rmsprop,
    sign_gd,
)
from symopt.methods.projected import Ball, Box, Simplex


@dataclass(frozen=True)
class Case:
    """A method as compiled here, and torch's equivalent (class name and arguments)."""

    make: Callable[[], object]
    hyperparameters: dict = field(default_factory=dict)
    torch: tuple[str, dict] | None = None
    #: Radius of a projection (the hand-written simplex code needs it).
    radius: float | None = None


LR = 1e-2
CASES: dict[str, Case] = {
    "gd": Case(gradient_descent, {"alpha": LR}, ("SGD", {"lr": LR})),
    "heavy_ball": Case(heavy_ball, {"alpha": LR, "beta": 0.9},
                       ("SGD", {"lr": LR, "momentum": 0.9})),
    "heavy_ball_ema": Case(heavy_ball_ema, {"alpha": LR, "beta": 0.9},
                           ("SGD", {"lr": LR, "momentum": 0.9, "dampening": 0.9})),
    "nesterov": Case(nesterov, {"alpha": LR, "beta": 0.9},
                     ("SGD", {"lr": LR, "momentum": 0.9, "nesterov": True})),
    "adagrad": Case(adagrad, {}, ("Adagrad", {"lr": 1e-2, "eps": 1e-10})),
    "rmsprop": Case(rmsprop, {}, ("RMSprop", {"lr": 1e-2})),
    "rmsprop_centered": Case(lambda: rmsprop(centered=True), {},
                             ("RMSprop", {"lr": 1e-2, "centered": True})),
    "rmsprop_momentum": Case(lambda: rmsprop(momentum=True), {"beta": 0.9},
                             ("RMSprop", {"lr": 1e-2, "momentum": 0.9})),
    "adam": Case(adam, {}, ("Adam", {"lr": 1e-3})),
    "adamw": Case(adamw, {}, ("AdamW", {"lr": 1e-3, "weight_decay": 1e-2})),
    "amsgrad": Case(amsgrad, {}, ("Adam", {"lr": 1e-3, "amsgrad": True})),
    "nadam": Case(nadam, {}, ("NAdam", {"lr": 2e-3})),
    "lion": Case(lion, {}),
    "sign_gd": Case(sign_gd, {"alpha": LR}),
    "projected_box": Case(lambda: projected_gd(Box(-1, 1)), {"alpha": LR}),
    "projected_ball": Case(lambda: projected_gd(Ball(1)), {"alpha": LR}),
    "projected_simplex": Case(lambda: projected_gd(Simplex(1)), {"alpha": LR}, radius=1.0),
}
SHORT = ["heavy_ball", "adam", "projected_ball"]


def timed_together(steps: dict[str, Callable[[int], None]],
                   repeat: int) -> dict[str, list[float]]:
    """Seconds per step of each contender in each round, timed round-robin."""
    inner, t = {}, {}
    for label, step in steps.items():
        step(1)  # warm-up (numba compiles here, torch allocates its state)
        start = time.perf_counter()
        step(2)
        once = max(time.perf_counter() - start, 1e-6)
        inner[label] = max(1, min(200, int(0.05 / once)))
        t[label] = 3
    samples: dict[str, list[float]] = {label: [] for label in steps}
    for _ in range(repeat):
        for label, step in steps.items():
            start = time.perf_counter()
            for _ in range(inner[label]):
                step(t[label])
                t[label] += 1
            samples[label].append((time.perf_counter() - start) / inner[label])
    return samples


def paired(samples: dict[str, list[float]], label: str, baseline: str) -> float:
    """Median over rounds of label's time ÷ baseline's time in the same round."""
    return statistics.median(a / b for a, b in zip(samples[label], samples[baseline]))


# -- bandwidth ------------------------------------------------------------------------


def triad_numpy(n: int, dtype: np.dtype) -> Callable[[int], None]:
    """The in-place triad a ← a + b (reads a, b; writes a: 3 arrays of traffic)."""
    a, b = np.ones(n, dtype), np.full(n, 1e-9, dtype)
    return lambda t: np.add(a, b, out=a)


def triad_numba(n: int, dtype: np.dtype) -> Callable[[int], None] | None:
    """The same triad as a parallel numba loop (both cores), or None without numba."""
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(parallel=True)
    def add(a, b):
        for i in numba.prange(a.size):
            a[i] += b[i]

    a, b = np.ones(n, dtype), np.full(n, 1e-9, dtype)
    return lambda t: add(a, b)


# -- contenders -----------------------------------------------------------------------


def _arrays(n: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(dtype)
    g = (rng.standard_normal(n) * 1e-3).astype(dtype)
    return p, g


def symopt_step(case: Case, backend: str, dtype: np.dtype, n: int, serial: bool = False):
    step = compile(case.make(), backend, dtype, **case.hyperparameters)
    p, g = _arrays(n, dtype)
    state = step.init_state(p)
    if serial:  # one numba thread: the kernel runs its parallel=False variant
        import numba

        def one_thread(t: int) -> None:
            threads = numba.get_num_threads()
            numba.set_num_threads(1)
            try:
                step(p, g, state, t)
            finally:
                numba.set_num_threads(threads)

        return one_thread, step.traffic
    return (lambda t: step(p, g, state, t)), step.traffic


def torch_step(case: Case, dtype: np.dtype, n: int, mode: str):
    """torch.optim's step, or None and the reason when torch cannot run it that way."""
    import torch

    name, kwargs = case.torch
    p = torch.from_numpy(_arrays(n, dtype)[0]).requires_grad_(True)
    p.grad = torch.from_numpy(_arrays(n, dtype)[1])
    try:
        opt = getattr(torch.optim, name)([p], **kwargs, **{mode: True})
        opt.step()
    except (RuntimeError, NotImplementedError, TypeError) as exc:
        return None, str(exc).splitlines()[0]
    return (lambda t: opt.step()), ""


def hand_simplex(dtype: np.dtype, n: int, radius: float, lr: float):
    """Projected GD onto the simplex as textbook NumPy: x ← max(y − τ, 0), τ by a sort."""
    p, g = _arrays(n, dtype)
    index = np.arange(1, n + 1, dtype=dtype)

    def step(t: int) -> None:
        y = p - dtype.type(lr) * g
        u = np.sort(y)[::-1]
        cumulative = np.cumsum(u) - dtype.type(radius)
        rho = np.nonzero(u * index > cumulative)[0][-1]
        tau = cumulative[rho] / (rho + 1)
        np.maximum(y - tau, 0, out=p)

    return step


# -- the run --------------------------------------------------------------------------


def contenders(method: str, dtype: np.dtype, n: int, backends: list[str], torch_modes,
               serial: bool):
    case = CASES[method]
    steps: dict[str, Callable[[int], None]] = {"triad numpy": triad_numpy(n, dtype)}
    numba_triad = triad_numba(n, dtype) if "numba" in backends else None
    if numba_triad is not None:
        steps["triad numba"] = numba_triad
    moved = (0, 0)
    for backend in backends:
        steps[f"symopt {backend}"], moved = symopt_step(case, backend, dtype, n)
    if serial and "numba" in backends:
        steps["numba 1 thread"], _ = symopt_step(case, "numba", dtype, n, serial=True)
    notes = []
    if case.torch is not None and torch_modes:
        for mode in torch_modes:
            step, why = torch_step(case, dtype, n, mode)
            if step is not None:
                steps[f"torch {mode}"] = step
                if len(torch_modes) > 1 and mode == "fused":
                    break
            else:
                notes.append(f"torch {mode}: {why}")
    if case.radius is not None:
        steps["hand np.sort"] = hand_simplex(dtype, n, case.radius, LR)
    return steps, moved, notes


def measure(method: str, dtype: np.dtype, n: int, args, backends, torch_modes) -> dict:
    steps, (reads, writes), notes = contenders(method, dtype, n, backends, torch_modes,
                                               not args.no_serial)
    samples = timed_together(steps, args.repeat)
    nbytes = n * dtype.itemsize
    # Bandwidth per round: the faster triad of that round (3 arrays of traffic).
    triads = [samples.pop(k) for k in ("triad numpy", "triad numba") if k in samples]
    bandwidth = [3 * nbytes / min(round_) for round_ in zip(*triads)]
    samples["bandwidth bound"] = [(reads + writes) * nbytes / bw for bw in bandwidth]
    torch_label = next((k for k in samples if k.startswith("torch fused")), None) or next(
        (k for k in samples if k.startswith("torch")), None)
    rows = []
    for label, values in samples.items():
        rows.append({
            "label": label, "min": min(values), "median": statistics.median(values),
            "bound": paired(samples, label, "bandwidth bound"),
            "torch": paired(samples, label, torch_label) if torch_label else None,
            "sort": paired(samples, label, "hand np.sort") if "hand np.sort" in samples
            else None,
        })
    return {"rows": rows, "bandwidth": statistics.median(bandwidth), "notes": notes,
            "traffic": (reads, writes), "torch": torch_label}


def _ratio(value: float | None) -> str:
    return f"{value:7.2f}" if value is not None else f"{'-':>7}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true",
                        help="every method, n = 1e5 1e6 1e7, float32 and float64, repeat 7")
    parser.add_argument("--sizes", nargs="+", type=float, default=None)
    parser.add_argument("--dtypes", nargs="+", default=None)
    parser.add_argument("--methods", nargs="+", default=None,
                        help=f"'all' or some of: {' '.join(CASES)}")
    parser.add_argument("--repeat", type=int, default=None, help="rounds (default 5; full 7)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for numba, numexpr and torch (default: all cores)")
    parser.add_argument("--torch-both", action="store_true",
                        help="time torch foreach as well as fused")
    parser.add_argument("--no-serial", action="store_true",
                        help="skip the 'numba 1 thread' row (numba.set_num_threads(1))")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = parser.parse_args(argv)
    methods = args.methods or (list(CASES) if args.full else SHORT)
    if methods == ["all"]:
        methods = list(CASES)
    unknown = [m for m in methods if m not in CASES]
    if unknown:
        parser.error(f"unknown methods {unknown}; known: {' '.join(CASES)}")
    sizes = args.sizes or ([1e5, 1e6, 1e7] if args.full else [1e6])
    dtypes = args.dtypes or (["float32", "float64"] if args.full else ["float32"])
    args.repeat = args.repeat or (7 if args.full else 5)
    if args.repeat < 1 or any(not 1 <= s <= 1e9 for s in sizes):
        parser.error("--repeat must be ≥ 1 and sizes between 1 and 1e9")

    info = [f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
            f"numpy {np.__version__}"]
    backends = ["numpy"]
    torch_modes: list[str] = []
    try:
        import torch
        if args.threads:
            torch.set_num_threads(args.threads)
        info.append(f"torch {torch.__version__} ({torch.get_num_threads()} threads)")
        torch_modes = ["foreach", "fused"] if args.torch_both else ["fused", "foreach"]
    except ImportError:
        info.append("torch not installed")
    for name in ("numba", "numexpr"):
        try:
            module = __import__(name)
        except ImportError:
            info.append(f"{name} not installed")
            continue
        if args.threads:
            module.set_num_threads(args.threads)
        threads = module.get_num_threads() if name == "numba" else module.nthreads
        info.append(f"{name} {module.__version__} ({threads} threads)")
        backends.append(name)
    print(f"# {'; '.join(info)}; OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("# ms/step min and median over rounds; ratios paired by round "
          "(÷bound: bandwidth bound, ÷torch: torch fused or foreach, ÷sort: hand np.sort)")
    header = (f"{'method':<18}{'dtype':<8}{'n':>7}  {'contender':<16}{'min ms':>9}"
              f"{'med ms':>9}{'÷bound':>7}{'÷torch':>7}{'÷sort':>7}")
    print(header)
    print("-" * len(header))
    table = []
    for method in tracked(methods, "methods"):
        for dtype_name in dtypes:
            dtype = np.dtype(dtype_name)
            for size in sizes:
                n = int(size)
                result = measure(method, dtype, n, args, backends, torch_modes)
                for row in result["rows"]:
                    print(f"{method:<18}{dtype_name:<8}{n:>7.0e}  {row['label']:<16}"
                          f"{row['min'] * 1e3:9.3f}{row['median'] * 1e3:9.3f}"
                          f"{_ratio(row['bound'])}{_ratio(row['torch'])}{_ratio(row['sort'])}")
                reads, writes = result["traffic"]
                print(f"# bandwidth {result['bandwidth'] / 1e9:.1f} GB/s; the step moves "
                      f"{reads} + {writes} arrays; load {os.getloadavg()[0]:.2f}"
                      + "".join(f"; {note}" for note in result["notes"]))
                table.append((method, dtype_name, n, result))
    if args.markdown:
        print_markdown(table)


def print_markdown(table) -> None:
    """One row per (method, dtype, n): median ms of each contender and the key ratios."""
    print("\n| method | dtype | n | arrays r+w | bound | numpy | numba | numba 1 thread | numexpr "
          "| torch | fastest ÷bound | fastest ÷torch |")
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for method, dtype_name, n, result in table:
        rows = {r["label"]: r for r in result["rows"]}

        def ms(label: str, rows: dict = rows) -> str:
            return f"{rows[label]['median'] * 1e3:.3g}" if label in rows else "-"

        ours = [r for k, r in rows.items() if k.startswith(("symopt", "numba 1 thread"))]
        best = min(ours, key=lambda r: r["median"])
        torch_cell = "-"
        if result["torch"]:
            torch_cell = f"{ms(result['torch'])} ({result['torch'].split()[1]})"
        if "hand np.sort" in rows:
            torch_cell = f"sort {ms('hand np.sort')}"
        vs = best["sort"] if best["sort"] is not None else best["torch"]
        reads, writes = result["traffic"]
        print(f"| {method} | {dtype_name} | 10^{round(np.log10(n))} | {reads}+{writes} | "
              f"{ms('bandwidth bound')} | {ms('symopt numpy')} | {ms('symopt numba')} | "
              f"{ms('numba 1 thread')} | {ms('symopt numexpr')} | {torch_cell} | "
              f"{best['bound']:.2f} ({best['label'].removeprefix('symopt ')}) | "
              f"{'-' if vs is None else f'{vs:.2f}'} |")


if __name__ == "__main__":
    main()
