"""Seconds to build and verify each potential certificate (symbolic L, μ, α, N).

Not part of the test run. Each statement of ``symopt.guarantees.lyapunov`` is built from
the method's rule and verified exactly (identity, multipliers ≥ 0 and residual ⪰ 0 on the
parameter region), once with symbolic constants and once with numbers (L = 4, μ = 1).
The sign proofs are cached within a process, so every row runs in a fresh process.

    python bench/bench_potentials.py
"""

from __future__ import annotations

import os
import subprocess
import sys

from bar import tracked

CASES = {
    "descent": ("smooth('L')", "smooth(4)", {}),
    "monotone": ("smooth_convex('L')", "smooth_convex(4)", {}),
    "convex_rate": ("smooth_convex('L')", "smooth_convex(4)", {}),
    "distance": ("smooth_strongly_convex('L', 'mu')", "smooth_strongly_convex(4, 1)", {}),
    "function_values": ("smooth_strongly_convex('L', 'mu')", "smooth_strongly_convex(4, 1)",
                        {"alpha": "1/L"}),
    "min_gradient": ("smooth('L')", "smooth(4)", {}),
    "nesterov_strongly_convex": ("smooth_strongly_convex('L', 'mu')",
                                 "smooth_strongly_convex(4, 1)", {}),
}

_ONE = """
import time
from symopt.guarantees import smooth, smooth_convex, smooth_strongly_convex
from symopt.guarantees.lyapunov import certify
start = time.perf_counter()
proof = certify({name!r}, {cls}, {method!r}, **{hyper!r})
found = proof.verify()
print(found.value, round(time.perf_counter() - start, 2))
"""


def main() -> None:
    """Print one row per statement: seconds with symbolic and with numeric constants."""
    print(f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    print(f"{'statement':28} {'symbolic s':>11} {'numeric s':>10}")
    for name, (symbolic, numeric, hyper) in tracked(CASES.items(), "potentials", len(CASES)):
        method = "nesterov" if name.startswith("nesterov") else "gd"
        row = []
        for cls in (symbolic, numeric):
            values = dict(hyper)
            if cls == numeric and "alpha" in values:
                values["alpha"] = "1/4"
            code = _ONE.format(name=name, cls=cls, method=method, hyper=values)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout.split()
            verdict, seconds = out[0], float(out[1])
            row.append(f"{seconds:.2f}" + ("" if verdict == "True" else f" ({verdict})"))
        print(f"{name:28} {row[0]:>11} {row[1]:>10}")


if __name__ == "__main__":
    main()
