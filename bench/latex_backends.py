r"""Measure LaTeX backends on the seed-text case table (tests/latex_cases.py).

For every backend and every case the outcome is one of

* ``correct``  — parsed to the hand-written value (or refused a formula that has none);
* ``refused``  — raised an error on a formula that has a value;
* ``MISPARSE`` — returned a *different* value (or a value for a formula that has none).

Backends: ``symopt`` (symopt.latex.parse_latex), ``latex2sympy2``,
``latex2sympy2_extended``, ``sympy-lark`` and ``sympy-antlr`` (SymPy's own
``parse_latex``). The foreign backends get symopt's normalisation in front
(:func:`normalise`: delimiters stripped, Unicode and spacing folded,
``\lambda_{\min}`` → ``\lambda_{min}``, ``\max\{a, b\}`` → ``\max(a, b)``,
``\dfrac`` → ``\frac``, ...). latex2sympy2 pins an old antlr runtime, so each
backend can run in its own interpreter (a throwaway venv), e.g.::

    python -m venv --system-site-packages /tmp/venv-l2s
    /tmp/venv-l2s/bin/pip install latex2sympy2
    python bench/latex_backends.py --python latex2sympy2=/tmp/venv-l2s/bin/python \
        --python latex2sympy2_extended=/tmp/venv-l2se/bin/python \
        --python sympy-lark=/tmp/venv-lark/bin/python \
        --python sympy-antlr=/tmp/venv-antlr/bin/python --details

Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import sympy as sp  # noqa: E402
from bar import tracked  # noqa: E402
from latex_cases import CASES, REFUSE  # noqa: E402
from sympy.core.function import AppliedUndef  # noqa: E402

from symopt.latex._tokens import tokenize  # noqa: E402
from symopt.symbols import canonical_name  # noqa: E402

BACKENDS = ["symopt", "latex2sympy2", "latex2sympy2_extended", "sympy-lark", "sympy-antlr"]
SECONDS_PER_CASE = 10


# --------------------------------------------------------------------------- normalisation

_SYM_TEXT = {"||": r"\|", "lbrace": r"\{", "rbrace": r"\}", "<=": r"\le", ">=": r"\ge",
             "!=": r"\ne", "*": r"\cdot", "and": r"\wedge"}  # fmt: skip


def normalise(text: str) -> str:
    r"""symopt's front normalisation, re-rendered as plain LaTeX for another parser."""
    tokens = tokenize(text)[:-1]
    out: list[str] = []
    pending_max = 0
    for i, tok in enumerate(tokens):
        previous = tokens[i - 1] if i else None
        if tok.kind == "cmd":
            value = {"dfrac": "frac", "tfrac": "frac", "cfrac": "frac"}.get(tok.value, tok.value)
            # \lambda_{\min} -> \lambda_{min}: the subscript is a name, not the function
            inside_sub = previous is not None and (previous.value in ("_", "{")) and i >= 2 and (
                previous.value == "_" or tokens[i - 2].value == "_")
            piece = value if value in ("min", "max") and inside_sub else "\\" + value
        elif tok.kind == "sym":
            if tok.value == "lbrace" and previous is not None and previous.value in ("max",
                                                                                     "min"):
                piece, pending_max = "(", pending_max + 1
            elif tok.value == "rbrace" and pending_max:
                piece, pending_max = ")", pending_max - 1
            elif tok.value == "^" and i + 1 < len(tokens) and tokens[i + 1].value == "*":
                piece = "^"
            elif tok.value == "*" and previous is not None and previous.value == "^":
                piece = "{*}"
            elif tok.value == "*" and previous is not None and previous.value == "{" and \
                    i >= 2 and tokens[i - 2].value == "^":
                piece = "*"
            else:
                piece = _SYM_TEXT.get(tok.value, tok.value)
            if tok.sized:
                piece = f"\\{tok.sized}" + piece
        else:
            piece = tok.value
        if out and (tok.space or (out[-1][-1:].isalpha() and piece[:1].isalpha())):
            out.append(" ")
        out.append(piece)
    return "".join(out)


# --------------------------------------------------------------------------- backends


def load(name: str) -> Callable[[str, dict], sp.Basic]:
    if name == "symopt":
        from symopt.latex import parse_latex

        return lambda text, local: parse_latex(text, local=local)
    if name == "latex2sympy2":
        from latex2sympy2 import latex2sympy

        return lambda text, local: latex2sympy(normalise(text))
    if name == "latex2sympy2_extended":
        from latex2sympy2_extended import latex2sympy

        return lambda text, local: latex2sympy(normalise(text))
    if name in ("sympy-lark", "sympy-antlr"):
        from sympy.parsing.latex import parse_latex

        backend = name.split("-")[1]
        parse_latex("x", backend=backend)  # ImportError here if lark / antlr are missing
        return lambda text, local: parse_latex(normalise(text), backend=backend)
    raise ValueError(f"unknown backend {name}")


# --------------------------------------------------------------------------- comparison


def _plain_name(name: str) -> str:
    try:
        return canonical_name(name)
    except Exception:
        return name.replace(" ", "").replace("{", "").replace("}", "").replace("\\", "")


def canonical(value: sp.Basic) -> sp.Basic:
    """Assumption-free, canonically named copy (backends name and assume differently)."""
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value.shape[0], value.shape[1], [canonical(e) for e in value])
    if isinstance(value, (sp.Rel, sp.And)):
        return type(value)(*(canonical(a) for a in value.args), evaluate=False)
    if not isinstance(value, sp.Basic):
        return value
    value = value.replace(
        lambda e: isinstance(e, sp.Indexed),
        lambda e: sp.Symbol(_plain_name(f"{e.base.label}_{{{','.join(map(str, e.indices))}}}")),
    )
    value = value.replace(
        lambda e: isinstance(e, AppliedUndef),
        lambda e: sp.Function(_plain_name(e.func.__name__))(*e.args),
    )
    mapping = {s: sp.Symbol(_plain_name(s.name)) for s in value.atoms(sp.Symbol)
               if not isinstance(s, sp.Dummy)}
    return value.xreplace(mapping)


def same(got: sp.Basic, expected: sp.Basic) -> bool:
    if got == expected:
        return True
    if isinstance(expected, sp.MatrixBase) or isinstance(got, sp.MatrixBase):
        return (isinstance(got, sp.MatrixBase) and isinstance(expected, sp.MatrixBase)
                and got.shape == expected.shape and all(map(same, got, expected)))
    if isinstance(expected, sp.And):
        return isinstance(got, sp.And) and len(got.args) == len(expected.args) and all(
            any(same(g, e) for g in got.args) for e in expected.args)
    if isinstance(expected, sp.Rel):
        return type(got) is type(expected) and same(got.lhs, expected.lhs) and same(
            got.rhs, expected.rhs)
    if not (isinstance(got, sp.Expr) and isinstance(expected, sp.Expr)):
        return False
    difference = got - expected
    atoms = difference.atoms(sp.Symbol, AppliedUndef, sp.Derivative, sp.Subs)
    rng = random.Random(1)
    for _ in range(4):
        point = {a: sp.Rational(rng.randint(1, 89), rng.randint(1, 11)) for a in atoms}
        try:
            value = complex(sp.N(difference.xreplace(point), 30))
        except (TypeError, ValueError):
            return False
        if abs(value) > 1e-12:
            return False
    return True


# --------------------------------------------------------------------------- running


def _alarm(signum, frame):
    raise TimeoutError("case took too long")


def run_here(name: str) -> list[dict]:
    parse = load(name)
    signal.signal(signal.SIGALRM, _alarm)
    rows = []
    for case in CASES:
        started = time.perf_counter()
        signal.alarm(SECONDS_PER_CASE)
        try:
            got = parse(case.latex, dict(case.local))
            error = None
        except BaseException as exc:  # any failure of a foreign parser is a refusal
            if isinstance(exc, KeyboardInterrupt):
                raise
            first_line = str(exc).splitlines()[0] if str(exc) else ""
            got, error = None, f"{type(exc).__name__}: {first_line}"
        finally:
            signal.alarm(0)
        seconds = time.perf_counter() - started
        if error is None and not isinstance(got, (sp.Basic, sp.MatrixBase)):
            # e.g. lark's Tree('_ambig', ...) or latex2sympy2's list of solutions: not a
            # SymPy value, so the caller notices; counted as a refusal, not a misparse
            error = f"returned a {type(got).__name__}, not a SymPy object"
        if error is not None:
            outcome = "correct" if case.expected == REFUSE else "refused"
        elif case.expected == REFUSE:
            outcome = "MISPARSE"
        else:
            try:
                agree = same(canonical(got), canonical(case.expected))
                outcome = "correct" if agree else "MISPARSE"
            except Exception as exc:  # a value we cannot even compare is not a correct one
                outcome, error = "MISPARSE", f"uncomparable: {exc}"
        rows.append({"latex": case.latex, "refuse": case.expected == REFUSE, "outcome": outcome,
                     "got": None if got is None else str(got)[:120], "error": error,
                     "seconds": seconds})
    return rows


def run(name: str, python: str | None) -> list[dict] | str:
    if python is None or python == sys.executable:
        try:
            return run_here(name)
        except ImportError as exc:
            return f"not installed ({exc})"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    done = subprocess.run([python, __file__, "--worker", name], capture_output=True, text=True,
                          env=env, timeout=3600)
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}"
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", default=[], metavar="BACKEND=PATH",
                        help="interpreter (e.g. a venv's python) to run a backend in")
    parser.add_argument("--only", action="append", choices=BACKENDS)
    parser.add_argument("--details", action="store_true", help="print every non-correct case")
    parser.add_argument("--worker", choices=BACKENDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_here(args.worker)))
        return 0
    pythons = dict(item.split("=", 1) for item in args.python)
    valued = sum(c.expected != REFUSE for c in CASES)
    print(f"{len(CASES)} cases: {valued} with a value, {len(CASES) - valued} to refuse\n")
    header = (f"{'backend':24}{'value cases:':>13}{'correct':>8}{'refused':>8}{'MISPARSE':>9}"
              f"{'  must-refuse:':>15}{'refused':>8}{'MISPARSE':>9}{'ms/case':>9}")
    print(header)
    print("-" * len(header))
    results = {}
    for name in tracked(args.only or BACKENDS, "backends"):
        rows = run(name, pythons.get(name))
        results[name] = rows
        if isinstance(rows, str):
            print(f"{name:24}{rows}")
            continue
        valued = Counter(r["outcome"] for r in rows if not r["refuse"])
        refuse = Counter(r["outcome"] for r in rows if r["refuse"])
        ms = 1000 * sum(r["seconds"] for r in rows) / len(rows)
        print(f"{name:24}{'':>13}{valued['correct']:>8}{valued['refused']:>8}"
              f"{valued['MISPARSE']:>9}{'':>15}{refuse['correct']:>8}{refuse['MISPARSE']:>9}"
              f"{ms:>9.1f}")
    if args.details:
        for name, rows in results.items():
            if isinstance(rows, str):
                continue
            print(f"\n## {name}")
            for r in rows:
                if r["outcome"] != "correct":
                    detail = r["got"] if r["error"] is None else r["error"]
                    print(f"  {r['outcome']:9} {r['latex'][:60]:62} -> {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
