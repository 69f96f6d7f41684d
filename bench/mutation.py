"""A small mutation check: plant one known bug at a time and see whether the tests notice.

Each mutant is a (file, old snippet, new snippet) replacement in one of the core
modules — the optimal step, the equivalence engine, stationary-point
classification, the methods, the kernel code generator, the LaTeX reader. The
repository's files are copied once to a temporary directory; for each mutant the
snippet is replaced there (it must occur exactly once, so a stale mutant is an
error, not a silent pass), the tests chosen for that module run with ``CI`` set
(Hypothesis derandomised), and the file is restored. A mutant is *killed* when a
test fails or the run times out, *survived* when every test passes. Each test
selection first runs once unmutated and must pass.

Not part of the pytest run (it runs pytest about 25 times). Usage::

    python bench/mutation.py                 # every mutant; a table and the score
    python bench/mutation.py --list          # names only
    python bench/mutation.py --only optimal-sorted equivalence-one-point

The score and the survivors of the last recorded run are in docs/testing.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bar import tracked

ROOT = Path(__file__).resolve().parent.parent

OPTIMAL = ("tests/test_analysis_optimal.py",)
EQUIVALENCE = ("tests/test_claims_equivalence.py",)
PROBLEM = ("tests/test_problem.py", "tests/test_claims.py", "-k",
           "problem or minimizer or degenerate or convex or stationary or saddle or kind")
METHODS = ("tests/test_methods.py", "tests/test_torch_crosscheck.py", "-k",
           "not numba and not numexpr")
KERNELS = ("tests/test_kernels.py", "tests/test_torch_crosscheck.py", "-k",
           "not numba and not numexpr")
LATEX = ("tests/test_latex.py", "tests/test_claims_robust.py", "-k", "latex or imaginary")


@dataclass(frozen=True)
class Mutant:
    """One planted bug: replace ``old`` by ``new`` in ``path``, run ``tests``."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTANTS = [
    # -- analysis/optimal.py
    Mutant("optimal-sorted", "symopt/analysis/optimal.py",
           "mu, L = min(points, key=float), max(points, key=float)",
           "mu, L = points[0], points[-1]", OPTIMAL),
    Mutant("optimal-floor-iterations", "symopt/analysis/optimal.py",
           "k = sp.ceiling(sp.simplify(", "k = sp.floor(sp.simplify(", OPTIMAL),
    Mutant("optimal-worst-is-min", "symopt/analysis/optimal.py",
           "value = sp.simplify(sp.Max(*radii))", "value = sp.simplify(sp.Min(*radii))",
           OPTIMAL),
    Mutant("optimal-same-sign-ends", "symopt/analysis/optimal.py",
           "sp.Poly(sp.expand((Z + r) ** degree), Z)", "sp.Poly(sp.expand((Z - r) ** degree), Z)",
           OPTIMAL),
    # -- claims/equivalence.py
    Mutant("equivalence-one-point", "symopt/claims/equivalence.py",
           "if not symbols or tried >= points:", "if not symbols or tried >= 1:", EQUIVALENCE),
    Mutant("equivalence-no-extra-points-for-pieces", "symopt/claims/equivalence.py",
           "        points *= 4", "        points *= 1", EQUIVALENCE),
    Mutant("equivalence-loose-tolerance", "symopt/claims/equivalence.py",
           "sp.Rational(1, 10) ** (digits - 15)", "sp.Rational(1, 10) ** (digits - 50)",
           EQUIVALENCE),
    Mutant("equivalence-never-negative", "symopt/claims/equivalence.py",
           "if s.is_nonpositive or (not s.is_nonnegative and rng.random() < 0.5):",
           "if s.is_nonpositive:", EQUIVALENCE),
    Mutant("equivalence-undefined-is-equal", "symopt/claims/equivalence.py",
           'return Comparison(None, "neither side could be evaluated',
           'return Comparison(True, "neither side could be evaluated', EQUIVALENCE),
    # -- problem.py: classification of stationary points
    Mutant("problem-minimum-with-zero", "symopt/problem.py",
           "if all(s > 0 for s in signs):", "if all(s >= 0 for s in signs):", PROBLEM),
    Mutant("problem-maximum-with-zero", "symopt/problem.py",
           "if all(s < 0 for s in signs):", "if all(s <= 0 for s in signs):", PROBLEM),
    Mutant("problem-saddle-one-sign", "symopt/problem.py",
           "if any(s > 0 for s in signs) and any(s < 0 for s in signs):",
           "if any(s < 0 for s in signs):", PROBLEM),
    Mutant("problem-convex-strict-minors", "symopt/problem.py",
           "if all(s is not None and s >= 0 for s in signs):",
           "if all(s is not None and s > 0 for s in signs):", PROBLEM),
    # -- methods
    Mutant("methods-ema-without-damping", "symopt/methods/gradient.py",
           "new = beta * state[buffer] + (1 - beta) * u", "new = beta * state[buffer] + u",
           (*METHODS, "tests/test_proofs_seed_code.py")),
    Mutant("methods-bias-correction-off-by-one", "symopt/methods/transforms.py",
           "return moment / (1 - decay**t)", "return moment / (1 - decay**(t + 1))", METHODS),
    Mutant("methods-adam-epsilon-inside-root", "symopt/methods/transforms.py",
           "denominator = sp.sqrt(bias_correction(second, b2, ctx.t)) + eps",
           "denominator = sp.sqrt(bias_correction(second, b2, ctx.t) + eps)", METHODS),
    Mutant("methods-nesterov-without-beta", "symopt/methods/base.py",
           "return (u + beta * new if nesterov else new)", "return (u + new if nesterov else new)",
           METHODS),
    # -- kernels code generation (numpy backend)
    Mutant("kernels-overwrite-live-array", "symopt/kernels/numpy_backend.py",
           "if target is not None and free(target, k):", "if target is not None:", KERNELS),
    Mutant("kernels-drop-copies", "symopt/kernels/numpy_backend.py",
           'body += [f"np.copyto({target}, {buffer})" for target, buffer in copies]',
           "body += []", KERNELS),
    Mutant("kernels-sign-as-signbit", "symopt/kernels/numpy_backend.py",
           'sp.Abs: "absolute", sp.sign: "sign",', 'sp.Abs: "absolute", sp.sign: "signbit",',
           KERNELS),
    # -- latex
    Mutant("latex-bare-i-is-a-variable", "symopt/latex/_names.py",
           'if tok.value == "i" and not (', 'if tok.value == "i" and False and not (', LATEX),
    Mutant("latex-log-base-10", "symopt/latex/_parser.py",
           "value = sp.log(arg, base) if base is not None else FUNCTIONS[name](arg)",
           "value = sp.log(arg, base) if base is not None else (sp.log(arg, 10) if name == "
           '"log" else FUNCTIONS[name](arg))', LATEX),
    Mutant("latex-sum-misses-last-term", "symopt/latex/_parser.py",
           "for v in range(int(lower), int(upper) + 1)]", "for v in range(int(lower), int(upper))]",
           LATEX),
    Mutant("latex-no-round-trip-check", "symopt/latex/_check.py",
           "if not _same(result, again):", "if not _same(result, again) and False:", LATEX),
]


def copy_repository(target: Path) -> None:
    """The tracked files as they are on disk now (edits included), nothing else."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run_tests(copy: Path, tests: tuple[str, ...], timeout: float) -> tuple[str, float, str]:
    """('passed' | 'failed' | 'timeout' | 'error', seconds, last output line)."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               "-o", "addopts=", "-m", "not slow", *tests]
    env = {**os.environ, "PYTHONPATH": str(copy), "CI": "1"}
    start = time.monotonic()
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - start, ""
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    outcome = {0: "passed", 1: "failed"}.get(done.returncode, "error")
    return outcome, time.monotonic() - start, lines[-1] if lines else done.stderr[-200:]


def apply(copy: Path, mutant: Mutant) -> str:
    """Plant the mutant in the copy; returns the original text of the file."""
    path = copy / mutant.path
    text = path.read_text()
    if text.count(mutant.old) != 1:
        raise SystemExit(f"{mutant.name}: the snippet occurs {text.count(mutant.old)} times "
                         f"in {mutant.path} (expected once): update the mutant")
    path.write_text(text.replace(mutant.old, mutant.new))
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="run only these mutants (by name)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds per test run (a timeout counts as killed)")
    args = parser.parse_args(argv)
    if not 0 < args.timeout <= 3600:
        parser.error("--timeout must be in (0, 3600] seconds")
    mutants = MUTANTS
    if args.only:
        unknown = set(args.only) - {m.name for m in MUTANTS}
        if unknown:
            parser.error(f"unknown mutants: {', '.join(sorted(unknown))}")
        mutants = [m for m in MUTANTS if m.name in args.only]
    if args.list:
        for m in mutants:
            print(f"{m.name:42} {m.path}")
        return 0
    with tempfile.TemporaryDirectory(prefix="symopt-mutation-") as tmp:
        copy = Path(tmp)
        copy_repository(copy)
        for m in mutants:  # every snippet must be found before anything runs
            (copy / m.path).write_text(apply(copy, m))
        for tests in dict.fromkeys(m.tests for m in mutants):
            outcome, seconds, last = run_tests(copy, tests, args.timeout)
            print(f"baseline {' '.join(tests)}: {outcome} ({seconds:.0f} s) {last}", flush=True)
            if outcome != "passed":
                print("the unmutated tests must pass first", file=sys.stderr)
                return 2
        results = []
        for m in tracked(mutants, "mutants"):
            original = apply(copy, m)
            try:
                outcome, seconds, last = run_tests(copy, m.tests, args.timeout)
            finally:
                (copy / m.path).write_text(original)
            status = {"failed": "killed", "timeout": "killed (timeout)",
                      "passed": "SURVIVED"}.get(outcome, "error")
            results.append((m, status))
            print(f"{m.name:42} {status:17} {seconds:5.0f} s  {last}", flush=True)
    killed = sum(status.startswith("killed") for _, status in results)
    print(f"\nscore: {killed}/{len(results)} killed")
    for m, status in results:
        if not status.startswith("killed"):
            print(f"  {status}: {m.name} ({m.path}: {m.old!r} → {m.new!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
