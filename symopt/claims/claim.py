"""Claims (a stated answer about a problem and a method) and their verdicts.

:func:`check` runs the kind's checker in a worker process under a time limit
(:func:`symopt.timeout.run_with_timeout`): it works from any thread and the
work really stops at the limit. Bad input raises a
:class:`~symopt.errors.SymoptError`; everything else ends in a :class:`Verdict`.

>>> from symopt.claims import Claim, check
>>> check(Claim("equal", "sqrt(1/n)", reference="1/sqrt(n)")).status
'true'
>>> v = check(Claim("gradient", "[2*x, 2*y]", problem="x**2 + 2*y**2"))
>>> v.status, v.correct
('false', 'Matrix([[2*x], [4*y]])')
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, Literal

from symopt import timeout as _timeout
from symopt.errors import (
    ParseError,
    SolverError,
    SymoptError,
    SymoptTimeoutError,
    UnsupportedError,
)

__all__ = ["BASES", "COMMON_KEYS", "KEYS", "KINDS", "NUMBER_KEYS", "Basis", "Claim", "MethodSpec",
           "ProblemSpec", "Status", "Verdict", "check", "check_keys", "given_keys", "load_kinds",
           "reject_keys"]

Status = Literal["true", "false", "unknown", "error", "timeout"]

#: What a decided verdict rests on ("" for unknown, error and timeout):
#: ``exact`` a symbolic proof (a difference simplifies to 0, identical sets, induction,
#: an exact solve or an exact run), ``certificate`` a certificate over a function class
#: (a PEP/SDP dual, a potential), ``numeric`` evidence at sample points or from floating
#: runs (not a proof), ``counterexample`` a false verdict with a concrete witness checked
#: exactly, ``cited`` a stated source taken on trust.
Basis = Literal["exact", "certificate", "numeric", "counterexample", "cited", ""]
BASES: tuple[str, ...] = ("exact", "certificate", "numeric", "counterexample", "cited")


@dataclass(frozen=True)
class ProblemSpec:
    """An objective (text), its variables, constraints and symbol assumptions."""

    objective: str
    variables: tuple[str, ...] | None = None
    constraints: tuple[str, ...] = ()
    assumptions: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""
    shapes: Mapping[str, str] = field(default_factory=dict)  # symopt.shapes: {"x": "n", ...}


@dataclass(frozen=True)
class MethodSpec:
    """A method of :mod:`symopt.methods` by name, with (some) hyperparameter values."""

    name: str
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""
    #: the constructor's switches (``bias_correction = false``, ``form = "lookahead"``)
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """A stated answer of a given ``kind`` (see docs/claims-format.md).

    ``problem`` and ``method`` may be given as specs or as plain text (an
    objective) and a method name. Everything is plain data, so that a claim
    can be sent to a worker process.
    """

    kind: str
    stated: Any
    problem: ProblemSpec | str | None = None
    method: MethodSpec | str | None = None
    id: str = ""
    reference: Any = None
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    assumptions: Mapping[str, Any] = field(default_factory=dict)
    x0: Any = None
    steps: int | None = None
    spectrum: Any = None
    parameter: str | tuple[str, ...] | None = None
    epsilon: Any = None
    at: Any = None
    where: str | None = None
    coordinate: str | None = None
    unknowns: tuple[str, ...] | None = None
    rename: Mapping[str, str] = field(default_factory=dict)
    tolerance: float | None = None
    rel_tolerance: float | None = None
    #: error_constant claims: p in lim e_{k+1}/e_k^p (default: the order found)
    order: int | str | None = None
    rounding: int | None = None
    significant: int | None = None
    expect: bool | None = None
    source: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    timeout: float | None = None
    #: guarantee claims: the class (TOML key ``class``), its constants, steps, measure, start
    function_class: str | None = None
    L: Any = None
    mu: Any = None
    N: Any = None
    measure: str | None = None
    initial: Any = None
    #: online claims: the losses f_1 … f_P (repeated periodically) and the feasible box
    losses: Any = None
    feasible: Any = None
    #: vector notation without a problem (an ``equal`` claim): name → shape
    shapes: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.problem, str):
            object.__setattr__(self, "problem", ProblemSpec(self.problem))
        if isinstance(self.method, str):
            object.__setattr__(self, "method", MethodSpec(self.method))
        if isinstance(self.parameter, list):
            object.__setattr__(self, "parameter", tuple(self.parameter))


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a claim.

    ``status`` is ``true`` (``summary`` and ``evidence`` say how it was shown),
    ``false`` (``correct`` is the right answer, ``counterexample`` a concrete
    witness), ``unknown`` (``summary`` is the reason), ``error`` (the claim
    could not be read) or ``timeout``. ``basis`` says what a true or false
    verdict rests on (one of :data:`BASES`; empty otherwise): a true verdict
    never rests on a counterexample, and an undecided one rests on nothing.

    >>> Verdict.true("the difference simplifies to 0", basis="exact").basis
    'exact'
    >>> Verdict.true("equal at 10 random points", basis="counterexample")
    Traceback (most recent call last):
    ...
    ValueError: a true verdict cannot rest on 'counterexample'
    """

    def _repr_markdown_(self) -> str:
        """Jupyter display: see :mod:`symopt.display`."""
        from symopt.display import verdict_markdown

        return verdict_markdown(self)

    status: Status
    summary: str
    correct: str | None = None
    counterexample: str | None = None
    evidence: tuple[str, ...] = ()
    claim_id: str = ""
    kind: str = ""
    expect: bool | None = None
    note: str = ""
    basis: Basis = ""

    def __post_init__(self) -> None:
        # "" on a decided verdict only for records written before the basis existed;
        # the constructors below always name one
        if self.basis and self.basis not in BASES:
            raise ValueError(f"unknown basis {self.basis!r}; one of {', '.join(BASES)}")
        if self.status == "true" and self.basis == "counterexample":
            raise ValueError("a true verdict cannot rest on 'counterexample'")
        if self.status not in ("true", "false") and self.basis:
            raise ValueError(f"an undecided verdict ({self.status}) rests on nothing, "
                             f"not {self.basis!r}")

    @classmethod
    def true(cls, summary: str, *evidence: str, basis: Basis,
             correct: str | None = None) -> Verdict:
        """The claim holds, shown by ``basis`` (exact, certificate, numeric or cited)."""
        if not basis:
            raise ValueError("a true verdict says what it rests on")
        return cls("true", summary, correct=correct, evidence=tuple(evidence), basis=basis)

    @classmethod
    def false(cls, summary: str, *, basis: Basis, correct: str | None,
              counterexample: str | None, evidence: tuple[str, ...] = ()) -> Verdict:
        """The claim is wrong: the correct value, a concrete counterexample and the basis."""
        if not basis:
            raise ValueError("a false verdict says what it rests on")
        return cls("false", summary, correct=correct, counterexample=counterexample,
                   evidence=evidence, basis=basis)

    @classmethod
    def unknown(cls, reason: str, *evidence: str) -> Verdict:
        """Neither proved nor refuted, with the reason."""
        return cls("unknown", reason, evidence=tuple(evidence))

    @property
    def holds(self) -> bool | None:
        """True / False for a decided claim, None otherwise."""
        return {"true": True, "false": False}.get(self.status)

    @property
    def as_expected(self) -> bool | None:
        """Whether the verdict matches the catalogue's ``expect`` (None if not decided)."""
        if self.expect is None or self.holds is None:
            return None
        return self.holds == self.expect


#: Checkers by claim kind; filled in by the modules that implement them.
KINDS: dict[str, Callable[[Claim], Verdict]] = {}

#: Keys every claim may carry: what it states, where it comes from, how long it may take.
COMMON_KEYS = frozenset({"kind", "stated", "id", "expect", "source", "note", "timeout",
                         "assumptions"})
#: Keys of a number compared under a stated tolerance or rounding.
NUMBER_KEYS = ("tolerance", "rel_tolerance", "rounding", "significant")
#: The keys each kind honours, beyond :data:`COMMON_KEYS`.
KEYS: dict[str, frozenset[str]] = {}


def register(*kinds: str, keys: Iterable[str] = ()
             ) -> Callable[[Callable[[Claim], Verdict]], Callable[[Claim], Verdict]]:
    """Register a checker under one or more kind names, with the keys it honours."""

    def decorate(fn: Callable[[Claim], Verdict]) -> Callable[[Claim], Verdict]:
        for kind in kinds:
            KINDS[kind] = fn
            KEYS[kind] = COMMON_KEYS | frozenset(keys)
        return fn

    return decorate


def given_keys(claim: Claim) -> list[str]:
    """The keys a claim was given (the fields that differ from their defaults).

    >>> given_keys(Claim("gradient", "[2*x]", problem="x**2", at="(1,)"))
    ['kind', 'stated', 'problem', 'at']
    """
    given = []
    for f in fields(claim):
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        value = getattr(claim, f.name)
        if (f.default is MISSING and f.default_factory is MISSING) or value != default:
            given.append(f.name)
    return given


def check_keys(claim: Claim) -> None:
    """Raise a :class:`~symopt.errors.ParseError` naming a key the claim's kind does not use.

    Every kind honours or rejects each key it is given: a key silently ignored
    would check another claim than the one stated (κ at a point checked as the
    global κ).

    >>> check_keys(Claim("condition_number", "4", problem="x**2", where="x > 0"))
    Traceback (most recent call last):
    ...
    symopt.errors.ParseError: a 'condition_number' claim does not use the key 'where' (its ...
    """
    load_kinds()
    if claim.kind not in KINDS:
        raise UnsupportedError(f"unknown claim kind {claim.kind!r}; known: "
                               f"{', '.join(sorted(KINDS))}")
    allowed = KEYS[claim.kind]
    for key in given_keys(claim):
        if key not in allowed:
            own = ", ".join(sorted(allowed - COMMON_KEYS)) or "none beyond the common ones"
            raise ParseError(f"a {claim.kind!r} claim does not use the key {key!r} "
                             f"(its keys: {own})")
    if claim.problem is not None and claim.spectrum is not None:
        raise ParseError(f"a {claim.kind!r} claim takes a problem or a spectrum, not both")


def reject_keys(claim: Claim, keys: Iterable[str], reason: str) -> None:
    """Raise a :class:`~symopt.errors.ParseError` if the claim gives one of ``keys``.

    For keys a kind honours only in some forms (``reference`` of a ``closed_form``
    without a problem).

    >>> reject_keys(Claim("closed_form", "x_0", problem="x**2", x0=[1]), ["reference"], "")
    """
    given = set(given_keys(claim))
    for key in keys:
        if key in given:
            raise ParseError(f"a {claim.kind!r} claim {reason} does not use the key {key!r}")


def load_kinds() -> None:
    """Import the checkers (and what they use) once, before workers are forked.

    >>> load_kinds(); "gradient" in KINDS and "at" in KEYS["gradient"]
    True
    """
    import importlib

    from symopt.claims import (  # noqa: F401 - registration
        asymptotic,
        bounds,
        derived,
        expressions,
        guarantee,
        linesearch,
        numeric,
        online,
        pointwise,
        series,
        steps,
        vector,
    )

    for optional in ("symopt.analysis", "symopt.kkt", "symopt.latex"):
        try:
            importlib.import_module(optional)
        except ImportError:
            continue


def _run(claim: Claim) -> Verdict:
    """Check in this process (inside a worker, nested time limits run in place)."""
    load_kinds()
    from symopt.claims.context import take_notes
    from symopt.claims.equivalence import set_domains, set_names

    set_domains({})
    set_names({})
    take_notes()
    checker = KINDS.get(claim.kind)
    if checker is None:
        raise UnsupportedError(f"unknown claim kind {claim.kind!r}; known: "
                               f"{', '.join(sorted(KINDS))}")
    verdict = _verdict(checker, claim)
    notes = tuple(f"note: {n}" for n in take_notes() if f"note: {n}" not in verdict.evidence)
    return replace(verdict, evidence=(*verdict.evidence, *notes)) if notes else verdict


def _verdict(checker: Callable[[Claim], Verdict], claim: Claim) -> Verdict:
    try:
        return checker(claim)
    except SolverError as exc:
        return Verdict.unknown(f"a solver could not finish: {exc}")
    except SymoptError:
        raise
    except (RecursionError, MemoryError) as exc:
        return Verdict.unknown(f"the computation exhausted resources ({type(exc).__name__})")
    except Exception as exc:  # SymPy raises many kinds of errors on odd input
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return Verdict.unknown(f"SymPy failed ({type(exc).__name__}: {exc}) in "
                               f"{last.name}; no verdict")


def check(claim: Claim, *, timeout: float | None = None) -> Verdict:
    """Check one claim within ``timeout`` seconds (default: the claim's, else symopt's).

    >>> check(Claim("equal", "1 - 1/E", reference="1 + 1/E")).status
    'false'
    """
    limit = timeout if timeout is not None else claim.timeout
    if limit is None:
        limit = _timeout.DEFAULT_SECONDS
    check_keys(claim)
    try:
        verdict = _timeout.run_with_timeout(_run, claim, seconds=limit)
    except SymoptTimeoutError:
        verdict = Verdict("timeout", f"no verdict within {limit:g} s; the work was stopped")
    return replace(verdict, claim_id=claim.id, kind=claim.kind, expect=claim.expect,
                   note=claim.note)
