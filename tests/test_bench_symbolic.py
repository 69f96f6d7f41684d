"""bench/bench_symbolic.py runs, and what it relies on holds: import symopt stays light."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "bench_symbolic.py"


def _python(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def test_import_symopt_loads_neither_sympy_nor_numpy_nor_the_command_line():
    result = _python("-c", "import sys, symopt; print(sorted(m for m in ('sympy', 'numpy', "
                     "'scipy', 'rich', 'typer', 'symopt.problem') if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_exported_names_still_resolve_and_submodules_do_not_hide_functions():
    script = ("import symopt.parse, symopt.symbols, symopt\n"
              "from symopt import Problem, parse, symbols, solve_kkt, Derivation\n"
              "print(callable(parse), callable(symbols), symopt.parse is parse,"
              " Problem('x**2').gradient.T.tolist())")
    result = _python("-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True [[2*x]]"


def test_the_derivation_part_prints_its_figure_as_json():
    result = _python(str(BENCH), "--part", "derivation")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(figures) == ["gd derivation of the bowl, LaTeX"]
    assert 0 < figures["gd derivation of the bowl, LaTeX"] < 120


@pytest.mark.parametrize("rounds", ["0", "101"])
def test_rounds_are_validated(rounds):
    result = _python(str(BENCH), "--rounds", rounds)
    assert result.returncode == 2 and "--rounds" in result.stderr


def test_each_method_of_the_registry_is_benchmarked_once():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_symbolic
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from symopt.methods import REGISTRY, LineSearchMethod

    names = bench_symbolic._methods()
    # every method analyze takes, once; a line search picks its step per iteration and has
    # its own analysis (symopt.analysis.linesearch)
    analysable = {build for build in REGISTRY.values() if not isinstance(build(), LineSearchMethod)}
    assert len(names) == len(set(map(REGISTRY.get, names))) == len(analysable)
