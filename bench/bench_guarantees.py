"""Benchmark: seconds per numeric PEP and per exact certificate, N = 1 … 10.

For each standard example it builds the performance-estimation problem from the
method's rule (symbolic conditions → cvxpy SDP), solves it (Clarabel), and then
turns the dual into an exact certificate verified by SymPy, timing:

* ``build``   — the symbolic problem (iterates, interpolation conditions),
* ``solve``   — the numeric SDP, coefficient matrices included,
* ``exact``   — rounding the dual, exact correction, exact LDLᵀ and ``Certificate.verify``,

and prints one row per (example, N). Targets: < 2 s numeric and < 10 s exact at
N ≤ 5 on 2 cores. Run from the repository root::

    python bench/bench_guarantees.py               # every example, N = 1 … 10
    python bench/bench_guarantees.py --max-n 5 --examples gd-convex
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from itertools import product

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bar import tracked

from symopt.guarantees import smooth, smooth_convex, smooth_strongly_convex
from symopt.guarantees.exact import certify
from symopt.guarantees.pep import PerformanceProblem

#: name → (class, method, measure, initial, hyperparameters, stated rate or None = tight)
EXAMPLES = {
    "gd-convex": (lambda: smooth_convex(1), "gd", "function_gap", "distance",
                  {"alpha": 1}, None),
    "gd-strongly-convex": (lambda: smooth_strongly_convex(1, "1/10"), "gd", "distance",
                           "distance", {"alpha": 1}, None),
    "heavy-ball": (lambda: smooth_strongly_convex(1, "1/10"), "heavy_ball", "function_gap",
                   "function_gap", {"alpha": "1/2", "beta": "1/2"}, "margin"),
    "nesterov": (lambda: smooth_strongly_convex(1, "1/100"), "nesterov", "function_gap",
                 {"function_gap": 1, "distance": "1/200"}, {"alpha": 1, "beta": "9/11"},
                 "margin"),
    "gd-gradient-norm": (lambda: smooth_convex(1), "gd", "gradient_norm", "distance",
                         {"alpha": 1}, None),
    "gd-nonconvex": (lambda: smooth(1), "gd", "min_gradient_norm", "function_decrease",
                     {"alpha": 1}, None),
}


def run(name: str, n: int) -> tuple[float, float, float, str]:
    make, method, measure, initial, hyper, stated = EXAMPLES[name]
    t0 = time.perf_counter()
    pep = PerformanceProblem(make(), method, n, measure, initial, hyper)
    _ = pep.conditions, pep.measures, pep.initial_expression
    t1 = time.perf_counter()
    result = pep.solve()
    t2 = time.perf_counter()
    # "margin": a stated rate 1 % above the worst case (irrational optimal multipliers)
    rate = None if stated is None else f"{result.multipliers['initial'] * 1.01:.12f}"
    found = certify(pep, rate, result, seconds=60)
    t3 = time.perf_counter()
    outcome = {True: "certified", None: "unknown"}.get(found.value, "refuted")
    return t1 - t0, t2 - t1, t3 - t2, f"{outcome} (worst {result.value:.6g})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-n", type=int, default=10)
    parser.add_argument("--examples", nargs="*", default=list(EXAMPLES))
    args = parser.parse_args()
    if not 1 <= args.max_n <= 30:
        parser.error("--max-n must be between 1 and 30")
    start = time.perf_counter()
    run("gd-convex", 1)  # first use of cvxpy / Clarabel (imports, canonicalisation caches)
    print(f"warm-up (imports, first solve): {time.perf_counter() - start:.2f} s")
    print(f"{'example':20} {'N':>3} {'build s':>8} {'solve s':>8} {'exact s':>8}  outcome")
    cases = list(product(args.examples, range(1, args.max_n + 1)))
    for name, n in tracked(cases, "PEPs"):
        build, solve, exact, outcome = run(name, n)
        print(f"{name:20} {n:>3} {build:8.2f} {solve:8.2f} {exact:8.2f}  {outcome}",
              flush=True)


if __name__ == "__main__":
    main()
