"""Benchmark: claims per second on one process and on LocalClusters of 1 and 2 workers.

Checks the same slice of the generated corpus (:mod:`symopt.corpus`) three ways —
in this process (:class:`~symopt.dist.InProcessEngine`) and on a
``distributed.LocalCluster`` of 1 and of 2 worker processes
(:meth:`~symopt.dist.DaskEngine.local`) — and prints claims/s, the ratios to the
single process, the cluster start-up time, and the scheduler overhead per task
(a no-op task mapped over many items on the 1-worker cluster). Every engine is
warmed up (imports, SymPy caches) on a few claims first, and all three run the same
slices in rounds, one after the other, so that background load hits them alike;
the verdicts must be identical. Run from the repository root::

    python bench/bench_dist.py                      # 3 rounds of 20 claims, seed 0
    python bench/bench_dist.py --rounds 5 --claims 40 --noop 1000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bar import tracked

from symopt.corpus import corpus
from symopt.dist import DaskEngine, InProcessEngine, run_tasks, tasks_from_claims


def _noop(item: int) -> int:
    return item


def _timed(tasks: list, engine: object) -> tuple[float, list]:
    start = time.perf_counter()
    records = run_tasks(tasks, engine)
    return time.perf_counter() - start, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20, help="claims per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noop", type=int, default=500, help="no-op tasks for the overhead")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds per claim (generous: a loaded machine must not time out)")
    args = parser.parse_args()

    import dask
    import distributed

    claims = corpus(4 + args.rounds * args.claims, seed=args.seed)
    warm = tasks_from_claims(claims[:4], file="warm", timeout=args.timeout)
    rounds = [tasks_from_claims(claims[4 + r * args.claims: 4 + (r + 1) * args.claims],
                                file=f"round {r}", timeout=args.timeout)
              for r in range(args.rounds)]
    print(f"# {os.cpu_count()} CPUs, Python {platform.python_version()}, dask {dask.__version__}, "
          f"distributed {distributed.__version__}, load average {os.getloadavg()[0]:.1f} at start;"
          f" {args.rounds} rounds of {args.claims} corpus claims (seed {args.seed})")
    engines, startup = {"1 process": InProcessEngine()}, {}
    try:
        for workers in (1, 2):
            start = time.perf_counter()
            name = f"LocalCluster, {workers} worker{'s' * (workers > 1)}"
            engines[name] = DaskEngine.local(workers)
            startup[name] = time.perf_counter() - start
        for engine in engines.values():
            run_tasks(warm, engine)  # imports and caches, in every worker
        rates: dict[str, list[float]] = {name: [] for name in engines}
        verdicts: dict[str, list[str]] = {name: [] for name in engines}
        for tasks in tracked(rounds, "rounds"):  # round-robin: load hits every engine alike
            for name, engine in engines.items():
                seconds, records = _timed(tasks, engine)
                rates[name].append(len(tasks) / seconds)
                verdicts[name] += [(r["id"], r["verdict"]) for r in records]
        one = engines["LocalCluster, 1 worker"]
        list(one.map(_noop, list(range(20))))  # warm
        start = time.perf_counter()
        list(one.map(_noop, list(range(args.noop))))
        overhead = (time.perf_counter() - start) / args.noop
    finally:
        for engine in engines.values():
            engine.close()

    base = statistics.median(rates["1 process"])
    print("| engine | claims/s (median of rounds) | rounds | × 1 process | start-up (s) |")
    print("| --- | --- | --- | --- | --- |")
    for name, values in rates.items():
        rate = statistics.median(values)
        print(f"| {name} | {rate:.2f} | {', '.join(f'{v:.2f}' for v in values)} | "
              f"{rate / base:.2f} | {startup[name]:.1f} |" if name in startup else
              f"| {name} | {rate:.2f} | {', '.join(f'{v:.2f}' for v in values)} | 1.00 | |")
    print(f"scheduler overhead per task (no-op, 1 worker, {args.noop} tasks): "
          f"{overhead * 1e3:.1f} ms")
    reference = verdicts["1 process"]
    differ = {name: [a for a, b in zip(v, reference) if a != b] for name, v in verdicts.items()}
    print(f"verdicts identical across engines: {not any(differ.values())} "
          f"{ {k: v for k, v in differ.items() if v} or ''}; load average at end "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
