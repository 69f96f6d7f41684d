"""The proofs catalogue: discover, run and summarise the machine-checked seed claims.

The catalogue lives in ``proofs/`` at the repository root. Each topic is a file:

* ``proofs/<topic>.py`` — PEPit-style entries: module-level functions decorated
  with :func:`claim`, whose docstring states the claim as the text does and
  which derive the answer with symopt, run the method numerically and return an
  :class:`Outcome` (``true``, ``false`` with the correct value, ``conditional``
  — true only under a condition the text omits, with the condition and a
  counterexample outside it — or ``unknown`` with the reason);
* ``proofs/<topic>.toml`` — claims files in the format of docs/claims-format.md,
  checked by :mod:`symopt.claims`.

Every claim records the verdict the catalogue *expects* (the text right, wrong,
or right only under a condition); the catalogue passes when every verdict
matches its expectation. An entry may name ``perturbed`` arguments: the claim
stated wrongly (a wrong constant, a wrong direction), on which its verdict must
change — a check that cannot fail proves nothing.

>>> from symopt.catalogue import Outcome
>>> Outcome.compare(sp.Rational(2, 5), sp.Rational(4, 10), "α* = 2/(λmin+λmax)").verdict
'true'
>>> Outcome.compare(sp.Integer(3), sp.Rational(2, 5)).derived
'\\\\frac{2}{5}'
"""

from __future__ import annotations

import importlib.util
import inspect
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import sympy as sp

from symopt.errors import SymoptError
from symopt.memo import Memo
from symopt.timeout import check_seconds, reuse_workers

__all__ = [
    "BASES",
    "ClaimInfo",
    "Outcome",
    "Result",
    "Summary",
    "claim",
    "default_proofs_dir",
    "discover",
    "guarantee",
    "iterate",
    "run_catalogue",
]

Verdict = Literal["true", "false", "conditional", "unknown", "error", "timeout"]
Expect = Literal[True, False, "conditional", "open"]

#: What a verdict may rest on, and what each means (shown on the pages and by ``symopt prove``).
BASES: dict[str, str] = {
    "exact": "a symbolic proof in general",
    "certificate": "a certificate over a function class",
    "numeric": "floating-point runs or sampling",
    "instance": "the text's own worked example or run, checked exactly",
    "counterexample": "a concrete witness against the claim (or outside its condition)",
    "cited": "a literature result restated",
}

#: Seconds one catalogue entry may take before it is stopped and reported as a timeout.
ENTRY_SECONDS = 60.0


@dataclass(frozen=True)
class Outcome:
    """What a check found: the verdict, the value symopt derives and the evidence.

    ``derived`` is LaTeX (rendered as math in the docs); ``evidence`` is prose
    or Markdown (the derivation steps, the numeric run); ``series`` holds
    numeric runs (name → values) that the docs plot. A ``conditional``
    outcome also names the ``condition`` the text omits and a
    ``counterexample`` outside it (both LaTeX). ``basis`` (one of :data:`BASES`)
    says what the verdict rests on when it differs from the basis its entry
    declares in :func:`claim` (empty: the entry's).
    """

    verdict: Literal["true", "false", "conditional", "unknown"]
    derived: str = ""
    evidence: str = ""
    series: Mapping[str, Sequence[float]] = field(default_factory=dict)
    derivation: str = ""
    condition: str = ""
    counterexample: str = ""
    basis: str = ""

    def with_basis(self, basis: str) -> Outcome:
        """The same outcome resting on ``basis`` (one of :data:`BASES`).

        >>> Outcome.check(True).with_basis("exact").basis
        'exact'
        """
        from dataclasses import replace

        return replace(self, basis=_check_basis(basis, "Outcome"))

    def with_derivation(self, derivation: Any) -> Outcome:
        """The same outcome with a checked :class:`~symopt.derivation.Derivation` attached
        (rendered as Markdown on the catalogue page)."""
        from dataclasses import replace

        return replace(self, derivation=derivation.to_markdown())

    @classmethod
    def check(cls, holds: bool | None, derived: object = "", evidence: str = "",
              series: Mapping[str, Sequence[float]] | None = None) -> Outcome:
        """``true``/``false`` from a decided condition; ``None`` is unknown.

        >>> Outcome.check(1 < 2, sp.Integer(1), "1 < 2").verdict
        'true'
        """
        verdict = "unknown" if holds is None else ("true" if holds else "false")
        return cls(verdict, _latex(derived), evidence, dict(series or {}))

    @classmethod
    def conditional(cls, holds_under: bool | None, fails_outside: bool | None,
                    condition: object, counterexample: object, derived: object = "",
                    evidence: str = "",
                    series: Mapping[str, Sequence[float]] | None = None) -> Outcome:
        """A claim the text states without a condition it needs.

        ``holds_under``: whether the claim was proved under ``condition``;
        ``fails_outside``: whether ``counterexample`` (outside the condition)
        was shown to break it. Both proved: ``conditional``. The claim broken
        under the condition too: ``false``. No counterexample (``False``): the
        condition was not needed, ``true``. Anything undecided: ``unknown``.

        >>> Outcome.conditional(True, True, "f'' > 0", "x^4 - x^2 at x = 0.1").verdict
        'conditional'
        >>> Outcome.conditional(False, True, "f'' > 0", "x^4").verdict
        'false'
        """
        if holds_under is False:
            verdict = "false"
        elif holds_under is None or fails_outside is None:
            verdict = "unknown"
        else:
            verdict = "conditional" if fails_outside else "true"
        return cls(verdict, _latex(derived), evidence, dict(series or {}),
                   condition=_latex(condition), counterexample=_latex(counterexample))

    @classmethod
    def unknown(cls, reason: str) -> Outcome:
        """Not decided, with the reason."""
        return cls("unknown", "", reason)

    @classmethod
    def compare(cls, stated: sp.Basic, derived: sp.Basic, evidence: str = "",
                series: Mapping[str, Sequence[float]] | None = None) -> Outcome:
        """Compare a stated expression with the derived one (:func:`same`)."""
        holds = same(stated, derived)
        if holds is False:
            witness = _difference_witness(stated, derived)
            if witness:
                evidence = f"{evidence} They differ at {witness}.".strip()
        return cls.check(holds, derived, evidence, series)


def same(a: sp.Basic, b: sp.Basic, samples: int = 12) -> bool | None:
    """Whether two expressions (or matrices) are equal: simplification, then sampling.

    Sampling evaluates both sides to 30 digits at random rationals respecting
    positive/nonnegative/integer assumptions: a difference is a proof of
    inequality; agreement at every sample (at least 8) is accepted as equality.

    >>> x = sp.Symbol("x", real=True)
    >>> same((x + 1)**2, x**2 + 2*x + 1), same(x**2, x)
    (True, False)
    """
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        a, b = sp.Matrix(a), sp.Matrix(b)
        if a.shape != b.shape:
            return False
        verdicts = [same(p, q, samples) for p, q in zip(a, b)]
        if any(v is False for v in verdicts):
            return False
        return True if all(v is True for v in verdicts) else None
    difference = sp.simplify(sp.expand(a - b))
    if difference == 0:
        return True
    if difference.is_number and difference.is_comparable:
        return False
    agreed = 0
    for point in _sample_points(a, b, samples):
        try:
            value = sp.N(difference.subs(point), 30)
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if not value.is_real:
            continue
        if abs(value) > sp.Float("1e-20", 30):
            return False
        agreed += 1
    return True if agreed >= min(8, samples) else None


def _sample_value(s: sp.Symbol, rng: random.Random) -> sp.Rational:
    if s.is_integer:
        return sp.Integer(rng.randint(1, 9))
    value = sp.Rational(rng.randint(1, 97), rng.randint(1, 13))
    if s.is_positive or s.is_nonnegative:
        return value
    return value if rng.random() < 0.5 else -value


def _sample_points(a: sp.Basic, b: sp.Basic, count: int) -> list[dict[sp.Symbol, sp.Rational]]:
    free = sorted((a.free_symbols | b.free_symbols), key=str)
    rng = random.Random(1847)  # Cauchy's year: reproducible witnesses
    return [{s: _sample_value(s, rng) for s in free} for _ in range(count)]


def _difference_witness(a: sp.Basic, b: sp.Basic) -> dict[sp.Symbol, sp.Rational] | None:
    """A point (in the free symbols) where ``a`` and ``b`` differ, found by sampling."""
    for point in _sample_points(a, b, 12):
        try:
            value = sp.N((a - b).subs(point), 30)
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if value.is_real and abs(value) > sp.Float("1e-20", 30):
            return point
    return None


def _latex(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, sp.Basic):
        return sp.latex(value)
    if isinstance(value, (list, tuple)):
        return r"\left(" + ", ".join(_latex(v) for v in value) + r"\right)"
    return str(value)


# -- declaring entries ----------------------------------------------------------

@dataclass(frozen=True)
class ClaimInfo:
    """Where a claim comes from and what the catalogue expects of it."""

    id: str
    seed: str
    quote: str
    stated: str
    expect: Expect = True
    where: str = ""
    note: str = ""
    kind: str = "python"
    timeout: float | None = None
    perturbed: Mapping[str, Any] | None = None
    basis: str = ""

    @property
    def expected(self) -> str:
        """The expected verdict: ``true``, ``false``, ``conditional`` or, for a claim symopt
        cannot decide yet (``expect = "open"``, the reason in ``note``), ``unknown``."""
        if self.expect == "conditional":
            return "conditional"
        if self.expect == "open":
            return "unknown"
        return "true" if self.expect else "false"


def claim(id: str, *, seed: str, quote: str, stated: str, expect: Expect = True,
          where: str = "", note: str = "", timeout: float | None = None,
          perturbed: Mapping[str, Any] | None = None, basis: str = "",
          ) -> Callable[[Callable[..., Outcome]], Callable[..., Outcome]]:
    """Mark a function of a ``proofs/*.py`` file as a catalogue entry.

    ``seed`` is the seed number (``"001"``; several separated by spaces),
    ``quote`` the text's words, ``stated`` the claim in short, ``expect`` the
    expected verdict (``True``: the text is right, ``False``: wrong,
    ``"conditional"``: right only under a condition it omits, ``"open"``: symopt cannot
    decide it yet — the entry says what it does show, ``note`` why it stops), ``timeout`` this
    entry's own limit in seconds. ``perturbed`` are keyword arguments of the
    entry that state the claim wrongly (or, for a wrong text, rightly): called
    with them, the entry must reach another verdict. ``basis`` says what the
    verdict rests on (one of :data:`BASES`): ``"exact"``, ``"certificate"``,
    ``"numeric"``, ``"instance"`` (true only when the claim itself is about that
    instance), ``"counterexample"`` or ``"cited"``.

    >>> @claim("doc-1", seed="000", quote="2 - 0.1*4 = 1.6", stated="x₁ = 1.6",
    ...        perturbed={"stated": sp.Rational(17, 10)}, basis="instance")
    ... def step(stated=sp.Rational(16, 10)):
    ...     return Outcome.compare(stated, 2 - sp.Rational(1, 10) * 4)
    >>> step.__claim__.id, step().verdict, step(**step.__claim__.perturbed).verdict
    ('doc-1', 'true', 'false')
    """
    if basis:
        _check_basis(basis, f"claim {id!r}")
    if expect not in (True, False, "conditional", "open"):
        raise SymoptError(f"claim {id!r}: expect must be True, False, 'conditional' or 'open', "
                          f"not {expect!r}")
    if expect == "open" and not note:
        raise SymoptError(f"claim {id!r}: an open claim says in its note why it is not decided")

    def mark(fn: Callable[..., Outcome]) -> Callable[..., Outcome]:
        fn.__claim__ = ClaimInfo(id, seed, quote, stated, expect, where, note,  # type: ignore[attr-defined]
                                 timeout=timeout,
                                 perturbed=dict(perturbed) if perturbed is not None else None,
                                 basis=basis)
        return fn

    return mark


def _check_basis(basis: str, owner: str) -> str:
    if basis not in BASES:
        raise SymoptError(f"{owner}: basis must be one of {', '.join(BASES)}, not {basis!r}")
    return basis


# -- numeric evidence: run a method's own symbolic rule -------------------------

def iterate(problem: Any, method: Any, x0: Sequence[object], steps: int,
            numeric: bool = False, **hyperparameters: object) -> list[list[Any]]:
    """Iterates x₀, …, x_steps of ``method`` on ``problem``: exact, or in floats.

    The method's symbolic rule is applied coordinate by coordinate (with the
    Newton direction solved from the Hessian when the method uses it); exact
    inputs give exact iterates. ``numeric=True`` lambdifies the rule and the
    gradient (every name replaced by a generated dummy) and iterates in floats,
    for long runs.

    >>> from symopt import Problem
    >>> from symopt.methods import gradient_descent
    >>> [x[0] for x in iterate(Problem("x**2"), gradient_descent(), [2], 2, alpha="0.1")]
    [2, 8/5, 32/25]
    >>> iterate(Problem("x**2"), gradient_descent(), [2], 2, numeric=True, alpha="0.1")[-1]
    [1.28]
    """
    from symopt.methods.base import NEWTON_DIRECTION, G, T, X

    rule = method.rule(**hyperparameters)
    if numeric:
        return _iterate_numeric(problem, method, rule, x0, steps)
    xs = [_exact_number(v) for v in x0]
    states = [method.initial_state(x) for x in xs]
    path = [list(xs)]
    variables = problem.variables
    for t in range(1, steps + 1):
        point = dict(zip(variables, xs))
        grad = problem.gradient.xreplace(point)
        direction = (problem.hessian.xreplace(point).LUsolve(grad)
                     if method.uses_newton_direction else grad)
        new_xs, new_states = [], []
        for i, x in enumerate(xs):
            values = {X: x, G: grad[i], T: sp.Integer(t), NEWTON_DIRECTION: direction[i],
                      **states[i]}
            new_xs.append(sp.expand(rule.x_next.xreplace(values)))
            new_states.append({k: sp.expand(v.xreplace(values))
                               for k, v in rule.state_next.items()})
        xs, states = new_xs, new_states
        path.append(list(xs))
    return path


def _iterate_numeric(problem: Any, method: Any, rule: Any, x0: Sequence[object],
                     steps: int) -> list[list[float]]:
    from symopt.methods.base import NEWTON_DIRECTION, G, T, X

    names = [s.symbol for s in method.state]
    args = (X, G, T, NEWTON_DIRECTION, *names)
    update = _lambdified(args, (rule.x_next, *[rule.state_next[n] for n in names]), "math")
    variables = tuple(problem.variables)
    gradient = _lambdified(variables, tuple(problem.gradient), "math")
    hessian = (_lambdified(variables, sp.ImmutableMatrix(problem.hessian), "numpy")
               if method.uses_newton_direction else None)
    xs = [float(_exact_number(v)) for v in x0]
    states = [[float(method.initial_state(x)[n]) for n in names] for x in xs]
    path = [list(xs)]
    for t in range(1, steps + 1):
        grad = gradient(*xs)
        direction = (np.linalg.solve(np.array(hessian(*xs), dtype=float), np.array(grad))
                     if hessian is not None else grad)
        results = [update(x, grad[i], t, float(direction[i]), *states[i])
                   for i, x in enumerate(xs)]
        xs = [float(r[0]) for r in results]
        states = [[float(v) for v in r[1:]] for r in results]
        path.append(list(xs))
    return path


@Memo("catalogue lambdify", 256)
def _lambdified(args: tuple, exprs: Any, module: str) -> Callable:
    """``lambdify`` of ``exprs`` (a tuple or an immutable matrix), remembered: entries run
    the same rules on the same problems. Dummified: the generated source only ever sees
    generated names."""
    exprs = list(exprs) if isinstance(exprs, tuple) else exprs
    return sp.lambdify(list(args), exprs, modules=module, dummify=True)


def _exact_number(value: object) -> sp.Expr:
    """A start value as an exact SymPy number: 0.1 and "0.1" are 1/10; expressions pass."""
    if isinstance(value, sp.Basic):
        return value  # type: ignore[return-value]
    if isinstance(value, float):
        return sp.Rational(repr(value))
    if isinstance(value, str):
        from symopt.parse import parse

        return parse(value)  # type: ignore[return-value]
    return sp.Integer(value) if isinstance(value, int) else sp.Rational(str(value))


# -- discovery -------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One runnable claim: its metadata, topic and how to check it."""

    info: ClaimInfo
    topic: str
    path: Path
    run: Callable[[], Outcome]


def default_proofs_dir() -> Path:
    """``proofs/`` next to the installed package (the repository root), else in the cwd."""
    candidates = [Path(__file__).resolve().parent.parent / "proofs", Path.cwd() / "proofs"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise SymoptError(
        f"no proofs/ directory found (looked in {', '.join(map(str, candidates))}); "
        "pass its path explicitly"
    )


def discover(directory: Path | str | None = None) -> list[Entry]:
    """Every entry of the catalogue, in file order then definition order."""
    root = Path(directory) if directory is not None else default_proofs_dir()
    if not root.is_dir():
        raise SymoptError(f"proofs directory {str(root)!r} does not exist")
    entries: list[Entry] = []
    for path in sorted(root.iterdir()):
        if path.suffix == ".py" and not path.name.startswith("_"):
            entries += _python_entries(path)
        elif path.suffix == ".toml":
            entries += _toml_entries(path)
    ids = [e.info.id for e in entries]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise SymoptError(f"claim ids used twice in {root}: {', '.join(repeated)}")
    return entries


def _python_entries(path: Path) -> list[Entry]:
    name = f"symopt_proofs_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SymoptError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise SymoptError(f"{path.name} failed to load: {type(exc).__name__}: {exc}") from exc
    functions = [f for _, f in inspect.getmembers(module, inspect.isfunction)
                 if hasattr(f, "__claim__") and f.__module__ == name]
    functions.sort(key=lambda f: f.__code__.co_firstlineno)
    return [Entry(f.__claim__, path.stem, path, f) for f in functions]


def _toml_entries(path: Path) -> list[Entry]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SymoptError(f"{path.name} is not a valid TOML file: {exc}") from exc
    from symopt.claims.files import check_fields

    check_fields(path.name, data, "file")
    default_seed = str(data.get("source", ""))[:3]
    entries = []
    for index, raw in enumerate(data.get("claims", [])):
        check_fields(f"{path.name}: [[claims]] {index + 1}", raw, "claim")
        source = raw.get("source", {})
        source = {"quote": source} if isinstance(source, str) else source
        info = ClaimInfo(
            id=str(raw.get("id", f"{path.stem}-{index}")),
            seed=str(source.get("seed", default_seed))[:3],
            quote=str(source.get("quote", "")),
            stated=_stated_text(raw.get("stated", "")),
            expect=bool(raw.get("expect", True)),
            where=str(source.get("where", "")),
            note=str(raw.get("note", "")),
            kind=str(raw.get("kind", "")),
            timeout=check_seconds(raw["timeout"], f"{path.name}: timeout") if "timeout" in raw
            else None,
            basis=_TOML_BASIS.get(str(raw.get("kind", "")), ""),
        )
        entries.append(Entry(info, path.stem, path, _TomlClaim(path, info.id)))
    return entries


#: What a claims-file kind rests on: the formula kinds derive symbolically from the
#: claim's own expression; the others decide the text's problem, exactly.
_TOML_BASIS = {"gradient": "exact", "hessian": "exact", "guarantee": "certificate",
               "iterate": "instance", "behaviour": "instance", "minimizer": "instance",
               "stationary_points": "instance", "kkt": "instance", "convex": "instance",
               "condition_number": "instance", "optimal_step": "instance", "rate": "instance",
               "stability": "instance"}


def _stated_text(stated: object) -> str:
    if isinstance(stated, Mapping):
        return ", ".join(f"{k} = {v}" for k, v in stated.items())
    return str(stated)


@dataclass(frozen=True)
class _TomlClaim:
    """Checks one claim of a claims file with :mod:`symopt.claims` (picklable).

    Called with ``stated=`` it checks the same claim with another stated value
    (how the tests perturb a claims-file entry).
    """

    path: Path
    id: str

    def __call__(self, stated: object = None) -> Outcome:
        from dataclasses import replace

        from symopt.claims import Verdict, check, load_claims

        loaded = load_claims(self.path)
        entry = next(e for e in loaded.entries if e.id == self.id)
        if entry.claim is None:
            return _outcome_from_verdict(Verdict("error", f"cannot read the claim: {entry.error}"))
        limit = entry.claim.timeout if entry.claim.timeout is not None else loaded.timeout
        claimed = entry.claim if stated is None else replace(entry.claim, stated=stated)
        return _outcome_from_verdict(check(claimed, timeout=limit))


def guarantee(stated: str, timeout: float = 60, **keys: object) -> Outcome:
    """A class statement at numbers (``N``, ``L``, …) checked by the claims kind ``guarantee``.

    ``keys`` are those of a ``guarantee`` claim (``function_class``, ``L``, ``method``,
    ``hyperparameters``, ``N``, ``measure``, ``initial``): true rests on an exact
    certificate, false on exact points of the class breaking ``stated``.

    >>> guarantee("L*R**2/(8*N)", function_class="smooth_convex", L=1, method="gd",
    ...           hyperparameters={"alpha": "1/L"}, N=1, measure="function_gap",
    ...           initial="distance").verdict   # the worst case is L R²/6
    'false'
    """
    from symopt.claims import Claim, check

    return _outcome_from_verdict(check(Claim("guarantee", stated, **keys), timeout=timeout))


def _outcome_from_verdict(verdict: Any) -> Outcome:
    """An :class:`Outcome` from a :class:`symopt.claims.Verdict`."""
    status = verdict.status if verdict.status in ("true", "false") else "unknown"
    parts = [verdict.summary, *verdict.evidence]
    if verdict.counterexample:
        parts.append(f"Counterexample: {verdict.counterexample}.")
    if verdict.status in ("error", "timeout"):
        parts.insert(0, f"[{verdict.status}]")
    derived = verdict.correct or ""
    basis = getattr(verdict, "basis", "")
    return Outcome(status, _math_text(derived), " ".join(p for p in parts if p),
                   basis=basis if isinstance(basis, str) and basis in BASES else "")


def _math_text(text: str) -> str:
    """A value from the claims engine (SymPy text) as LaTeX; words stay words."""
    if not text:
        return ""
    known = {"sqrt", "exp", "log", "sin", "cos", "tan", "Abs", "sign", "Max", "Min", "oo",
             "pi", "Interval", "Union", "Matrix", "lambda", "theta", "alpha", "beta",
             "gamma", "epsilon", "kappa", "sigma", "rho", "eta", "mu", "floor", "ceiling"}
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    if not words <= known:
        return _latex_text(text)
    try:
        from symopt.parse import parse

        return sp.latex(parse(text))
    except Exception:  # not an expression (an interval in words, a list): show it as text
        return _latex_text(text)


def _latex_text(text: str) -> str:
    for char in "\\{}_^$&%#~":
        text = text.replace(char, " " if char in "\\~^" else "\\" + char)
    return r"\text{" + text + "}"


# -- running ----------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """An entry's verdict, how long it took and whether it matches ``expect``."""

    entry: Entry
    verdict: Verdict
    outcome: Outcome
    seconds: float

    @property
    def basis(self) -> str:
        """What the verdict rests on (:data:`BASES`): the outcome's own, else the entry's."""
        return self.outcome.basis or self.entry.info.basis

    @property
    def matches(self) -> bool:
        """Whether the verdict is the one the catalogue expects."""
        return self.verdict == self.entry.info.expected

    @property
    def status(self) -> str:
        """``true``, ``false-as-expected``, ``conditional``, ``unexpected`` or the unknown
        kind."""
        if self.verdict in ("true", "false", "conditional"):
            if not self.matches:
                return "unexpected"
            return "false-as-expected" if self.verdict == "false" else self.verdict
        return self.verdict


def _worker(conn: Any, run: Callable[[], Outcome]) -> None:
    try:
        result: tuple = ("ok", run())
    except BaseException as exc:  # report every failure to the parent
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    except Exception as exc:  # an unpicklable outcome
        conn.send(("error", f"the outcome could not be returned: {exc}"))
    finally:
        conn.close()


class _Running:
    """One entry running in a forked, non-daemonic worker (entries may start their own
    time-limited workers, which a daemonic process may not), killed at its limit."""

    def __init__(self, entry: Entry, seconds: float):
        import multiprocessing as mp

        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        own = entry.info.timeout
        self.entry, self.seconds = entry, min(seconds, own) if own else seconds
        self.receiver, sender = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_worker, args=(sender, entry.run), daemon=False)
        self.started = time.perf_counter()
        self.process.start()
        sender.close()

    def expired(self) -> bool:
        return time.perf_counter() - self.started > self.seconds

    def result(self) -> Result:
        """Collect the outcome (or the timeout) and stop the worker."""
        try:
            if self.receiver.poll(0):
                try:
                    status, value = self.receiver.recv()
                except EOFError:
                    status, value = "error", ("the worker stopped without a result (exit code "
                                              f"{self.process.exitcode})")
            else:
                status, value = "timeout", f"stopped after {self.seconds:g} s"
        finally:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.receiver.close()
        return _result(self.entry, status, value, time.perf_counter() - self.started)


def _result(entry: Entry, status: str, value: Any, seconds: float) -> Result:
    verdict: Verdict
    if status == "ok" and isinstance(value, Outcome):
        outcome, verdict = value, value.verdict
    elif status == "ok":
        outcome = Outcome("unknown", "", f"returned {type(value).__name__}, not an Outcome")
        verdict = "error"
    else:
        outcome, verdict = Outcome("unknown", "", str(value)), status  # type: ignore[assignment]
    return Result(entry, verdict, outcome, seconds)


def run_entry(entry: Entry, seconds: float | None = ENTRY_SECONDS) -> Result:
    """Run one entry under a time limit; failures become ``error``/``timeout`` verdicts.

    ``seconds`` of ``None`` or ``0`` runs the entry in this process, without a limit.
    """
    if seconds:
        running = _Running(entry, check_seconds(seconds, "seconds"))
        running.receiver.poll(running.seconds)
        return running.result()
    start = time.perf_counter()
    try:
        status, value = "ok", entry.run()
    except Exception as exc:  # an entry's failure must not stop the catalogue
        status, value = "error", f"{type(exc).__name__}: {exc}"
    return _result(entry, status, value, time.perf_counter() - start)


def _serve(conn: Any, entries: list[Entry]) -> None:
    """A worker: run the entries it is sent (by index) until told to stop.

    One worker runs many entries, so SymPy's caches stay warm between them; the
    time-limited work inside the entries runs on one reused worker of its own.
    """
    with reuse_workers():
        while True:
            index = conn.recv()
            if index is None:
                break
            try:
                message: tuple = (index, "ok", entries[index].run())
            except BaseException as exc:  # report every failure to the parent
                message = (index, "error", f"{type(exc).__name__}: {exc}")
            try:
                conn.send(message)
            except Exception as exc:  # an unpicklable outcome
                conn.send((index, "error", f"the outcome could not be returned: {exc}"))
    conn.close()


class _Worker:
    def __init__(self, entries: list[Entry]):
        import multiprocessing as mp

        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.conn, child = ctx.Pipe()
        # not daemonic: entries start their own time-limited workers
        self.process = ctx.Process(target=_serve, args=(child, entries), daemon=False)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0
        self.limit = 0.0

    def send(self, index: int, limit: float) -> None:
        self.index, self.started, self.limit = index, time.perf_counter(), limit
        self.conn.send(index)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def stop(self, kill: bool = False) -> None:
        if not kill and self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                kill = True
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _run_parallel(entries: list[Entry], seconds: float, jobs: int,
                  progress: Callable[[Result], None] | None) -> list[Result]:
    """Run entries on ``jobs`` long-lived workers; an entry past its limit is stopped by
    killing its worker (a fresh one takes its place). Results come in catalogue order."""
    from multiprocessing.connection import wait

    pending = list(range(len(entries)))
    results: dict[int, Result] = {}
    workers = [_Worker(entries) for _ in range(min(jobs, len(entries)))]

    def finish(index: int, status: str, value: Any, elapsed: float) -> None:
        results[index] = _result(entries[index], status, value, elapsed)
        if progress is not None:
            progress(results[index])

    try:
        while len(results) < len(entries):
            for worker in workers:
                if worker.index is None and pending:
                    index = pending.pop(0)
                    own = entries[index].info.timeout
                    worker.send(index, min(seconds, own) if own else seconds)
            busy = [w for w in workers if w.index is not None]
            ready = wait([w.conn for w in busy], timeout=0.1)
            for position, worker in enumerate(workers):
                if worker.index is None:
                    continue
                if worker.conn in ready:
                    try:
                        index, status, value = worker.conn.recv()
                    except EOFError:  # the worker died (e.g. killed by the OS)
                        index, status, value = worker.index, "error", (
                            f"the worker stopped without a result (exit code "
                            f"{worker.process.exitcode})")
                        worker.stop(kill=True)
                        workers[position] = _Worker(entries)
                    finish(index, status, value, worker.elapsed())
                    worker.index = None
                elif worker.elapsed() > worker.limit:
                    finish(worker.index, "timeout", f"stopped after {worker.limit:g} s",
                           worker.elapsed())
                    worker.stop(kill=True)
                    workers[position] = _Worker(entries)
    finally:
        for worker in workers:
            worker.stop()
    return [results[i] for i in range(len(entries))]


@dataclass(frozen=True)
class Summary:
    """Counts and times of a catalogue run."""

    results: tuple[Result, ...]
    seconds: float
    cpu_seconds: float = 0.0
    workers: int = 1

    def count(self, status: str) -> int:
        """How many results have this :attr:`Result.status`."""
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        """Whether every verdict matches its ``expect``."""
        return all(r.matches for r in self.results)

    @property
    def seeds_covered(self) -> dict[str, int]:
        """Claims checked per seed file."""
        counts: dict[str, int] = {}
        for r in self.results:
            for seed in r.entry.info.seed.split():
                counts[seed] = counts.get(seed, 0) + 1
        return dict(sorted(counts.items()))

    def by_topic(self) -> dict[str, list[Result]]:
        """Results grouped by topic (file stem), in catalogue order."""
        groups: dict[str, list[Result]] = {}
        for r in self.results:
            groups.setdefault(r.entry.topic, []).append(r)
        return groups

    def counts(self) -> dict[str, int]:
        """The summary line: claims, true, false as expected, conditional as expected,
        unexpected (split by the verdict reached), unknown (with errors and timeouts)."""
        unknown = sum(r.verdict in ("unknown", "error", "timeout") for r in self.results)
        surprises = [r for r in self.results if r.status == "unexpected"]
        return {
            "claims": len(self.results),
            "true": self.count("true"),
            "false-as-expected": self.count("false-as-expected"),
            "conditional": self.count("conditional"),
            "unexpected": len(surprises),
            "false-unexpected": sum(r.verdict == "false" for r in surprises),
            "true-unexpected": sum(r.verdict == "true" for r in surprises),
            "conditional-unexpected": sum(r.verdict == "conditional" for r in surprises),
            "unknown": unknown,
        }


def run_catalogue(
    directory: Path | str | None = None,
    *,
    select: str | None = None,
    seconds: float | None = ENTRY_SECONDS,
    jobs: int | None = None,
    progress: Callable[[Result], None] | None = None,
) -> Summary:
    """Run every entry (or those whose id or topic contains ``select``).

    Entries run in forked workers, ``jobs`` at a time (default: the number of
    CPUs, at most 4), each stopped after ``seconds``; ``seconds=0`` runs them one
    by one in this process. ``progress`` is called after each entry (the CLI
    advances its bar there). The summary's ``seconds`` is the wall time of the
    entries' run only (no start-up, no pages).
    """
    import os

    if seconds:
        seconds = check_seconds(seconds, "seconds")
    entries = _selected(discover(directory), select)
    start, cpu = time.perf_counter(), _cpu_seconds()
    workers = 1
    if seconds:
        workers = max(1, min(jobs if jobs is not None else min(4, os.cpu_count() or 1),
                             len(entries) or 1))
        results = _run_parallel(entries, seconds, workers, progress)
    else:
        results = []
        for entry in entries:
            results.append(run_entry(entry, 0))
            if progress is not None:
                progress(results[-1])
    return Summary(tuple(results), time.perf_counter() - start, _cpu_seconds() - cpu, workers)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished workers (wall time depends on the load)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _selected(entries: Iterable[Entry], select: str | None) -> list[Entry]:
    if not select:
        return list(entries)
    return [e for e in entries if select in e.info.id or select in e.topic]


# -- generated documentation pages ------------------------------------------------

_MARK = {"true": "✅ true", "false-as-expected": "❌ false (as expected: the text is wrong)",
         "conditional": "◐ conditional (true only under a condition the text omits)",
         "unexpected": "⚠️ unexpected", "unknown": "❔ unknown", "error": "⚠️ error",
         "timeout": "⏱ timeout"}


def _cell_math(latex: str) -> str:
    """LaTeX as math inside a Markdown table cell (a bar would end the cell)."""
    return "$" + latex.replace("\\|", "\\Vert ").replace("|", "\\vert ") + "$"


def write_pages(summary: Summary, directory: Path | str, *, jobs: int | None = None
                ) -> list[Path]:
    """Write ``index.md`` and one page per topic (with plots of the numeric runs).

    Pages are deterministic (no timings), so regenerating them only changes
    what the claims say. Plots need matplotlib (the ``plot`` extra); without it
    the pages list the runs' last values instead. The plots are drawn by ``jobs``
    forked processes at once (default: the CPUs, at most 4).
    """
    out = Path(directory)
    (out / "img").mkdir(parents=True, exist_ok=True)
    plots = _draw_plots(summary.results, out / "img", jobs)
    written = [out / "index.md"]
    counts = summary.counts()
    lines = [
        "# The catalogue of checked claims",
        "",
        "Every claim, formula and worked number of the five seed texts, checked by symopt "
        "(generated by `symopt prove`; see `proofs/README.md` for the hand-derived inventory).",
        "",
        f"**{counts['claims']} claims**: {counts['true']} true, "
        f"{counts['false-as-expected']} false as expected (the text is wrong and the page "
        f"gives the correct value), {counts['conditional']} conditional (true only under a "
        f"condition the text omits; the page gives the condition and a counterexample "
        f"outside it), {counts['unexpected']} unexpected, {counts['unknown']} unknown.",
        "",
        f"What the verdicts rest on: {_basis_counts(summary.results)}.",
        "",
        "| topic | claims | true | false (text wrong) | conditional | other |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for topic, results in summary.by_topic().items():
        true = sum(r.status == "true" for r in results)
        false = sum(r.status == "false-as-expected" for r in results)
        conditional = sum(r.status == "conditional" for r in results)
        title = _topic_intro(results)[0]
        lines.append(f"| [{title}]({topic}.md) | {len(results)} | {true} | {false} | "
                     f"{conditional} | {len(results) - true - false - conditional} |")
    lines += ["", "## Where the seed texts are wrong", "",
              "| claim | seed | the text says | correct |", "| --- | --- | --- | --- |"]
    for r in summary.results:
        if r.status == "false-as-expected":
            info = r.entry.info
            correct = _cell_math(r.outcome.derived) if r.outcome.derived else _escape(info.note)
            lines.append(f"| [{info.id}]({r.entry.topic}.md#{_anchor(info.id)}) | {info.seed} | "
                         f"{_escape(info.stated)} | {correct} |")
    lines += ["", "## Where the seed texts omit a condition", "",
              "| claim | seed | the text says | true only if | counterexample outside it |",
              "| --- | --- | --- | --- | --- |"]
    for r in summary.results:
        if r.status == "conditional":
            info = r.entry.info
            lines.append(f"| [{info.id}]({r.entry.topic}.md#{_anchor(info.id)}) | {info.seed} | "
                         f"{_escape(info.stated)} | {_cell_math(r.outcome.condition)} | "
                         f"{_cell_math(r.outcome.counterexample)} |")
    lines += ["", "## By seed text", "",
              "Every checked claim, in the order of the seed it comes from (a claim made by "
              "several seeds is listed under each, so the seeds' counts add up to more than "
              "the number of claims).", ""]
    for seed in summary.seeds_covered:
        lines += [f"### Seed {seed}", "", "| claim | the text says | verdict | rests on |",
                  "| --- | --- | --- | --- |"]
        for r in summary.results:
            info = r.entry.info
            if seed in info.seed.split():
                link = f"[{info.id}]({r.entry.topic}.md#{_anchor(info.id)})"
                lines.append(f"| {link} | {_escape(_short(info.quote))} | "
                             f"{_MARK.get(r.status, r.status)} | {r.basis or '—'} |")
        lines.append("")
    (out / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for topic, results in summary.by_topic().items():
        path = out / f"{topic}.md"
        path.write_text(_topic_page(topic, results, out / "img", plots), encoding="utf-8")
        written.append(path)
    return written


def _basis_counts(results: Sequence[Result]) -> str:
    """``79 exact (a symbolic proof in general), 36 instance (…), …`` in :data:`BASES` order."""
    counts = {basis: sum(r.basis == basis for r in results) for basis in BASES}
    parts = [f"{n} {basis} ({BASES[basis]})" for basis, n in counts.items() if n]
    undeclared = sum(not r.basis for r in results)
    if undeclared:
        parts.append(f"{undeclared} undeclared")
    return ", ".join(parts) or "nothing yet"


_EXPECTED = {"true": "the text is right", "false": "the text is wrong",
             "conditional": "the text is right only under a condition it omits",
             "unknown": "open — symopt cannot decide it yet (see the note)"}


def _title(topic: str) -> str:
    return topic.replace("_", " ").capitalize()


def _anchor(identifier: str) -> str:
    return identifier.lower()


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _escape(text: str) -> str:
    """Prose (quotes, evidence with SymPy output) as literal Markdown on one line: no
    emphasis from ``*``/``_``, no math from ``$``, no HTML, no table breaks."""
    for char in "\\`*_$|[]":
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _topic_intro(results: list[Result]) -> tuple[str, str]:
    """The page title and introduction: a module's docstring, or a claims file's title."""
    first = results[0].entry
    if first.path.suffix == ".py":
        module = sys.modules.get(f"symopt_proofs_{first.path.stem}")
        doc = (inspect.getdoc(module) or "") if module is not None else ""
        title, _, rest = doc.partition("\n\n")  # the first paragraph is the title
        return " ".join(title.split()).rstrip(".") or _title(first.topic), rest.strip()
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    data = tomllib.loads(first.path.read_text(encoding="utf-8"))
    return str(data.get("title", _title(first.topic))), ""


def _topic_page(topic: str, results: list[Result], images: Path,
                plots: Mapping[str, Path | None]) -> str:
    title, intro = _topic_intro(results)
    files = sorted({f"`proofs/{r.entry.path.name}`" for r in results})
    lines = [f"# {title}", "", intro, "", f"Source: {', '.join(files)}.", ""]
    for r in results:
        info = r.entry.info
        lines += [
            f"## {info.id} {{#{_anchor(info.id)}}}",
            "",
            f"**Seed {info.seed}**{' — ' + info.where if info.where else ''}: "
            f"“{_escape(info.quote)}”",
            "",
            f"- **Claim:** {_escape(info.stated)}",
            f"- **Expected:** {_EXPECTED[info.expected]}",
            f"- **Verdict:** {_MARK.get(r.status, r.status)}",
        ]
        if r.basis:
            lines.append(f"- **Rests on:** {r.basis} — {BASES[r.basis]}")
        if r.outcome.derived:
            label = "correct value" if r.verdict == "false" else "symopt derives"
            lines.append(f"- **{label[0].upper() + label[1:]}:** ${r.outcome.derived}$")
        if r.outcome.condition:
            lines.append(f"- **True only if:** ${r.outcome.condition}$")
        if r.outcome.counterexample:
            lines.append(f"- **Counterexample outside the condition:** "
                         f"${r.outcome.counterexample}$")
        if info.kind != "python":
            lines.append(f"- **Checked as:** a `{info.kind}` claim of the claims format")
        doc = inspect.getdoc(r.entry.run) if inspect.isfunction(r.entry.run) else ""
        if doc:
            lines += ["", " ".join(_escape(line) for line in doc.splitlines())]
        if r.outcome.evidence:
            lines += ["", f"**Evidence.** {_escape(r.outcome.evidence)}"]
        if info.note:
            lines += ["", f"*Note.* {_escape(info.note)}"]
        if r.outcome.derivation:
            body = r.outcome.derivation.replace("### ", "**", 1).replace("\n", "**\n", 1)
            lines += ["", '??? abstract "Checked derivation (symopt.derivations)"', ""]
            lines += [f"    {line}" if line else "" for line in body.splitlines()]
        if r.outcome.series:
            image = plots.get(info.id)
            if image is None and (images / f"{info.id}.svg").is_file():
                image = images / f"{info.id}.svg"  # runs are deterministic: the plot stands
            if image is not None:
                lines += ["", f"![numeric run of {info.id}](img/{image.name})"]
            else:
                finals = ", ".join(f"{k}: {v[-1]:.6g}" for k, v in r.outcome.series.items())
                lines += ["", f"Numeric run (last values): {finals}."]
        lines.append("")
    return "\n".join(lines)


def _draw_plots(results: Sequence[Result], images: Path, jobs: int | None
                ) -> dict[str, Path | None]:
    """The plot of each numeric run by entry id (None without matplotlib), drawn by up to
    ``jobs`` forked processes (matplotlib is imported once, before the fork)."""
    import multiprocessing as mp
    import os

    todo = [(r.entry.info.id, dict(r.outcome.series), images)
            for r in results if r.outcome.series]
    if not todo or not _pyplot():
        return {identifier: None for identifier, _, _ in todo}
    workers = min(len(todo), jobs if jobs is not None else min(4, os.cpu_count() or 1))
    if workers > 1 and "fork" in mp.get_all_start_methods():
        with mp.get_context("fork").Pool(workers) as pool:
            paths = pool.starmap(_plot, todo, chunksize=1)
    else:
        paths = [_plot(*job) for job in todo]
    return {identifier: path for (identifier, _, _), path in zip(todo, paths)}


def _pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, or None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def _plot(identifier: str, series: Mapping[str, Sequence[float]], images: Path) -> Path | None:
    plt = _pyplot()
    if plt is None:
        return None
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "symopt"
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for name, values in series.items():
        ax.plot(range(len(values)), list(values), marker=".", label=name)
    ax.set_xlabel("step k")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title(identifier, fontsize="small")
    fig.tight_layout()
    path = images / f"{identifier}.svg"
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    return path
