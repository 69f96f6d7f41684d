"""Benchmark: the symbolic side — import, Problem facts, analyze, a derivation, claims, prove.

Every figure is measured in a fresh interpreter (``python bench/bench_symbolic.py
--part NAME`` runs one part and prints JSON), and the parts run one after the
other in each round, so background load hits them alike. Each figure is reported
as the minimum and the median over the rounds, with the load average before and
after. Parts:

* ``import`` — ``import symopt``, ``import sympy`` and ``from symopt import Problem``
  (what symopt adds to SymPy), timed inside the interpreter;
* ``problem`` — the facts of the seed bowl f = 2w² (seed 001): ∇f, ∇²f, the quadratic
  form, stationary points, convexity, L and μ;
* ``analyze`` — :func:`symopt.analysis.analyze` of every method of the registry on the
  bowl (the first analysis of the method in the process, then again on a new Problem):
  the call alone (the costly entries are derived when first read) and the call with
  every entry read; and the stability region and optimal tuning on the symbolic
  spectrum [μ, L];
* ``derivation`` — the gradient-descent derivation of the bowl, rendered as LaTeX;
* ``claims-file`` — ``check_file`` on examples/claims/seed001.toml;
* ``claims`` — simple corpus claims (:mod:`symopt.corpus`: stability intervals,
  optimal steps, rates, gradients, expansions) per second, checked one after the other
  as ``check_file`` checks them (one reused worker) and, for comparison, with a fresh
  worker per claim; with the CPU seconds spent;
* ``prove`` — ``symopt prove --no-docs --json`` as a subprocess: wall and CPU seconds.

Run from the repository root::

    python bench/bench_symbolic.py                     # 3 rounds, every part
    python bench/bench_symbolic.py --rounds 5 --parts import analyze --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The seed bowl of seed 001: f(w) = 2w².
BOWL = "2*w**2"
PARTS = ("import", "problem", "analyze", "derivation", "claims-file", "claims", "prove")
#: Claims per round of the ``claims`` part.
CORPUS_CLAIMS = 40


def _cpu() -> float:
    """CPU seconds of this process and of its reaped children."""
    own, children = (resource.getrusage(who) for who in
                     (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def part_import() -> dict[str, float]:
    """Import times, each in a fresh interpreter (the figure is taken inside it)."""
    cases = {  # figure: (imported before the clock starts, timed)
        "import symopt": ("", "import symopt"),
        "import sympy": ("", "import sympy"),
        "from symopt import Problem": ("", "from symopt import Problem"),
        "from symopt import Problem, after sympy": ("import sympy", "from symopt import Problem"),
        "import symopt.cli (the command line)": ("", "import symopt.cli"),
    }
    out: dict[str, float] = {}
    for name, (before, timed) in cases.items():
        script = (f"{before or 'pass'}; import time; t = time.perf_counter(); {timed}; "
                  "print(time.perf_counter() - t)")
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                check=True, cwd=ROOT, env=_env())
        out[name] = float(result.stdout.strip())
    return out


def part_problem() -> dict[str, float]:
    from symopt import Problem

    _warm_sympy()
    out = {}
    for label in ("first", "again"):
        p = Problem(BOWL)
        start = time.perf_counter()
        facts = [p.gradient, p.hessian, p.quadratic, p.stationary_points(), p.convexity(),
                 p.smoothness(), p.strong_convexity()]
        assert facts[3][0].kind == "minimum"
        out[f"Problem facts ({label})"] = time.perf_counter() - start
    return out


def _warm_sympy() -> None:
    """Load what SymPy imports on first use (simplify loads sympy.physics.units), so
    that the first figure measures symopt's work rather than a one-time import."""
    import sympy as sp

    sp.simplify(sp.Symbol("a") + 1)


def _methods() -> list[str]:
    """The registry's methods that ``analyze`` takes: a line search picks its step at every
    iteration, which the linear analysis does not cover (symopt.analysis.linesearch does)."""
    from symopt.methods import REGISTRY, LineSearchMethod

    seen, names = set(), []
    for name, build in REGISTRY.items():
        if build in seen:  # "momentum" is heavy_ball under another name
            continue
        seen.add(build)
        if not isinstance(build(), LineSearchMethod):
            names.append(name)
    return names


def part_analyze() -> dict[str, float]:
    import sympy as sp

    from symopt import Problem
    from symopt.analysis import analyze, optimal_hyperparameters, region_finding
    from symopt.methods import get_method
    from symopt.symbols import symbol

    _warm_sympy()
    out = {}
    for name in _methods():
        for label in ("first", "again"):
            # analyze derives its costly entries when they are first read: the call, and
            # the call with every entry read (as_dict), are both timed.
            start = time.perf_counter()
            analysis = analyze(Problem(BOWL), name)
            call = time.perf_counter() - start
            analysis.as_dict()
            out[f"bowl {name} ({label}): call"] = call
            out[f"bowl {name} ({label}): every entry"] = time.perf_counter() - start
    spectrum = sp.Interval(symbol("mu"), symbol("L"))
    for name in ("gd", "heavy_ball", "nesterov", "damped_newton"):
        start = time.perf_counter()
        region_finding(get_method(name), spectrum)
        optimal_hyperparameters(get_method(name), spectrum)
        out[f"[mu, L] {name}: region + optimum"] = time.perf_counter() - start
    return out


def part_derivation() -> dict[str, float]:
    from symopt.derivations import gd_derivation

    _warm_sympy()
    start = time.perf_counter()
    text = gd_derivation(BOWL).to_latex()
    assert "alpha" in text
    return {"gd derivation of the bowl, LaTeX": time.perf_counter() - start}


def part_claims_file() -> dict[str, float]:
    from symopt.claims import check_file

    start = time.perf_counter()
    verdicts = check_file(ROOT / "examples" / "claims" / "seed001.toml")
    return {f"check_file seed001.toml ({len(verdicts)} claims)": time.perf_counter() - start}


def part_claims() -> dict[str, float]:
    from symopt.claims import check, check_file, load_claims
    from symopt.corpus import corpus, to_toml

    claims = corpus(CORPUS_CLAIMS, seed=0)
    loaded = load_claims(to_toml(claims))
    check_file(load_claims(to_toml(corpus(5, seed=99))))  # imports, in this process
    out = {}
    start, cpu = time.perf_counter(), _cpu()
    verdicts = check_file(loaded)
    seconds = time.perf_counter() - start
    wrong = sum((v.status == "true") != c.expect for v, c in zip(verdicts, claims))
    out["claims/s, one reused worker"] = len(claims) / seconds
    out["CPU s per claim, one reused worker"] = (_cpu() - cpu) / len(claims)
    start, cpu = time.perf_counter(), _cpu()
    for c in claims:
        check(c)  # a fresh worker per claim (outside reuse_workers)
    seconds = time.perf_counter() - start
    out["claims/s, a worker per claim"] = len(claims) / seconds
    out["CPU s per claim, a worker per claim"] = (_cpu() - cpu) / len(claims)
    out["verdicts other than the corpus expects"] = wrong
    return out


def part_prove() -> dict[str, float]:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, "-m", "symopt", "prove", "--no-docs", "--json"],
                            capture_output=True, text=True, cwd=ROOT, env=_env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(result.stdout)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"symopt prove wall": wall, "symopt prove CPU": cpu,
            "symopt prove entries not as expected": report["counts"]["unexpected"] +
            report["counts"]["unknown"]}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


RUNNERS = {"import": part_import, "problem": part_problem, "analyze": part_analyze,
           "derivation": part_derivation, "claims-file": part_claims_file,
           "claims": part_claims, "prove": part_prove}


def _run_part(name: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, __file__, "--part", name], capture_output=True,
                            text=True, cwd=ROOT, env=_env())
    if result.returncode:
        raise SystemExit(f"part {name} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.part:  # one part, in this fresh interpreter
        print(json.dumps(RUNNERS[args.part]()))
        return
    if not 1 <= args.rounds <= 100:
        parser.error("--rounds must be in 1..100")
    import sympy

    print(f"# {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}, SymPy {sympy.__version__}; {args.rounds} rounds")
    figures: dict[str, list[float]] = {}
    loads = []
    for r in range(args.rounds):
        before = os.getloadavg()[0]
        for part in args.parts:
            for key, value in _run_part(part).items():
                figures.setdefault(key, []).append(value)
        loads.append((before, os.getloadavg()[0]))
        print(f"# round {r + 1}: load average {before:.1f} at the start, "
              f"{loads[-1][1]:.1f} at the end", flush=True)
    width = max(map(len, figures))
    print(f"{'figure':{width}}  {'min':>9}  {'median':>9}")
    for key, values in figures.items():
        print(f"{key:{width}}  {min(values):9.3f}  {statistics.median(values):9.3f}")
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "loads": loads}, indent=1))


if __name__ == "__main__":
    main()
