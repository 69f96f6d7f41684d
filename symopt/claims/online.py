"""Claims kind ``online``: where a method goes on a sequence of losses, and its regret.

"On F = [−1, 1] with f_t(x) = 3x for t ≡ 1 (mod 3) and −x otherwise, Adam
(β₁ = 0, β₂ = 1/10, α_t = 1/√t) goes to x = +1; AMSGrad goes to −1"
(Reddi, Kale & Kumar 2018, Theorem 1). Keys: ``losses`` (f_1 … f_P, repeated),
``feasible`` ([lower, upper]: every coordinate, and the method projects onto it),
``method`` (its ``options`` and hyperparameters; a value in ``t`` is the step-size
schedule), ``x0``, ``steps`` (the numeric run), ``measure``:

- ``limit`` (default): ``stated`` is lim x_t (a number, or one per coordinate);
- ``average_regret``: ``stated`` is lim R_T/T;
- ``regret``: ``stated`` is ``linear`` (R_T/T ↛ 0) or ``sublinear`` (R_T/T → 0);

and ``tolerance`` (default 0.05) for the numeric agreement.

A verdict rests on two things, and says so: the exact periodic regime
(:func:`symopt.online.periodic_regime`: the state's orbit and the drift's sign,
exact; the limit follows by an averaging argument that is stated, not
machine-checked) and a compiled run. ``true`` / ``false`` need both to agree;
with numbers only (losses whose gradients depend on x) the verdict is
``unknown``, "holds / fails numerically".

>>> from symopt.claims.claim import Claim, MethodSpec, check
>>> adam = MethodSpec("adam", {"alpha": "1/sqrt(t)", "beta_1": 0, "beta_2": "1/10"},
...                   options={"bias_correction": False, "eps": False})
>>> v = check(Claim("online", "-1", method=adam, losses=["3*x", "-x", "-x"],
...                 feasible=[-1, 1], x0=[0], steps=3000))
>>> v.status, v.correct
('false', '1')
"""

from __future__ import annotations

import inspect

import numpy as np
import sympy as sp

from symopt.claims.claim import Claim, Verdict, register
from symopt.claims.context import show
from symopt.claims.text import read_value
from symopt.errors import DomainError, ParseError, UnsupportedError
from symopt.methods import REGISTRY, Method
from symopt.online import LossSequence, OnlineRun, PeriodicRegime, online_run, periodic_regime
from symopt.symbols import symbol

__all__ = ["check_online", "online_method"]

#: The run's default length and numeric tolerance.
DEFAULT_STEPS = 6000
DEFAULT_TOLERANCE = 0.05
MEASURES = ("limit", "average_regret", "regret")
#: Constructor arguments that take a schedule in t, by hyperparameter name.
_SCHEDULED = {"alpha": "rate", "lr": "rate", "eta": "rate", "beta": "momentum",
              "momentum": "momentum"}


def online_method(claim: Claim, sequence: LossSequence) -> tuple[Method, dict[str, sp.Expr]]:
    """The claim's method, built with its options, schedules and the feasible box.

    >>> from symopt.claims.claim import MethodSpec
    >>> spec = MethodSpec("amsgrad", {"alpha": "1/sqrt(t)"}, options={"eps": False})
    >>> sequence = LossSequence.of(["x"], feasible=(-1, 1))
    >>> method, rest = online_method(Claim("online", "-1", method=spec), sequence)
    >>> method.name, rest
    ('AMSGrad (no ε), projected onto the box', {})
    """
    spec = claim.method
    if spec is None:
        raise ParseError("an 'online' claim needs a method")
    key = spec.name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in REGISTRY:
        raise UnsupportedError(f"unknown method {spec.name!r}; known: "
                               f"{', '.join(sorted(REGISTRY))}")
    values = {str(k): read_value(v) if isinstance(v, (str, int, float)) else v
              for k, v in {**spec.hyperparameters, **claim.hyperparameters}.items()}
    arguments: dict[str, object] = {}
    t = symbol("t")
    for name, value in list(values.items()):
        if isinstance(value, sp.Basic) and t in value.free_symbols:
            if name not in _SCHEDULED:
                raise DomainError(f"{name} = {value} depends on the step t; only the step size "
                                  "and the momentum may be schedules")
            arguments[_SCHEDULED[name]] = value
            del values[name]
    from symopt.methods import get_method

    get_method(key, **dict(spec.options))  # validates the options
    arguments.update(spec.options)
    factory = REGISTRY[key]
    accepted = inspect.signature(factory).parameters
    for name in arguments:
        if name not in accepted:
            raise DomainError(f"{spec.name} takes no schedule for its {name}")
    if sequence.box is not None:
        where = next((k for k in ("projection", "constraint_set") if k in accepted), None)
        if where is None:
            raise UnsupportedError(f"{spec.name} has no projection option; an online run on a "
                                   "feasible set needs one (adam, amsgrad; projected_gd for GD)")
        arguments[where] = sequence.box
    return factory(**arguments), values


def _sequence(claim: Claim) -> LossSequence:
    if not isinstance(claim.losses, (list, tuple)):
        raise ParseError("an 'online' claim needs losses = [\"f_1\", \"f_2\", ...]")
    return LossSequence.of(list(claim.losses), feasible=claim.feasible)


def _stated(claim: Claim, measure: str, n: int) -> object:
    if measure == "regret":
        word = str(claim.stated).strip().lower()
        if word not in ("linear", "sublinear"):
            raise ParseError(f"a regret claim states 'linear' or 'sublinear', got {claim.stated!r}")
        return word
    raw = claim.stated if isinstance(claim.stated, (list, tuple)) else [claim.stated]
    values = [read_value(v) if isinstance(v, (str, int, float)) else v for v in raw]
    if measure == "limit" and len(values) == 1 and n > 1:
        values = values * n
    wanted = n if measure == "limit" else 1
    if len(values) != wanted or not all(isinstance(v, sp.Expr) and v.is_number for v in values):
        raise ParseError(f"stated must be {wanted} number(s) for measure {measure!r}, got "
                         f"{claim.stated!r}")
    return values if measure == "limit" else values[0]


def _start(claim: Claim, sequence: LossSequence) -> list[float]:
    n = len(sequence.variables)
    if claim.x0 is None:
        if sequence.lower is None or sequence.upper is None:
            raise ParseError("give x0 (there is no bounded feasible box to start in the middle of)")
        return [float((sequence.lower + sequence.upper) / 2)] * n
    raw = claim.x0 if isinstance(claim.x0, (list, tuple)) else [claim.x0]
    values = [read_value(v) if isinstance(v, (str, int, float)) else v for v in raw]
    if len(values) != n or not all(isinstance(v, sp.Expr) and v.is_number for v in values):
        raise ParseError(f"x0 must be {n} number(s), got {claim.x0!r}")
    return [float(v) for v in values]


def _numeric(measure: str, run: OnlineRun, value: object, tolerance: float) -> tuple[bool, str]:
    """Whether the run agrees with ``value`` (a limit, an average regret or a regret class)."""
    steps = len(run.losses)
    if measure == "limit":
        tail = run.played[-max(run.period, steps // 10):]
        gap = float(np.max(np.abs(tail - np.array([float(v) for v in value]))))
        return gap <= tolerance, (f"compiled run, {steps} steps: x_{steps + 1} = "
                                  f"{np.array2string(run.final, precision=6)}; over the last "
                                  f"{len(tail)} steps |x_t − {_show(value)}| ≤ {gap:.3g}")
    average = run.average_regret
    horizon = run.regret.size * run.period
    text = f"compiled run, {steps} steps: R_T/T = {average:.6g} at T = {horizon}"
    if measure == "average_regret":
        return abs(average - float(value)) <= tolerance, text
    return (average > tolerance) == (value == "linear"), text + f" (linear when > {tolerance:g})"


def _derived(measure: str, regime: PeriodicRegime) -> object:
    if measure == "limit":
        return regime.limit
    if measure == "average_regret":
        return regime.average_regret
    return "linear" if regime.average_regret > 0 else "sublinear"


def _same(measure: str, stated: object, derived: object) -> bool:
    if measure == "regret":
        return stated == derived
    if measure == "limit":
        return all(sp.simplify(a - b) == 0 for a, b in zip(stated, derived))
    return sp.simplify(stated - derived) == 0


def _show(value: object) -> str:
    if isinstance(value, list):
        return show(value[0]) if len(value) == 1 else "(" + ", ".join(map(show, value)) + ")"
    return value if isinstance(value, str) else show(value)


@register("online", keys=("method", "hyperparameters", "losses", "feasible", "x0", "steps",
                          "measure", "tolerance"))
def check_online(claim: Claim) -> Verdict:
    """Check a claim about an online run (see the module docstring)."""
    measure = (claim.measure or "limit").strip().lower()
    if measure not in MEASURES:
        raise ParseError(f"unknown measure {claim.measure!r} for an 'online' claim; known: "
                         f"{', '.join(MEASURES)}")
    tolerance = DEFAULT_TOLERANCE if claim.tolerance is None else float(claim.tolerance)
    if not 0 < tolerance < float("inf"):
        raise DomainError(f"tolerance must be a positive number, got {claim.tolerance!r}")
    sequence = _sequence(claim)
    stated = _stated(claim, measure, len(sequence.variables))
    method, values = online_method(claim, sequence)
    steps = DEFAULT_STEPS if claim.steps is None else claim.steps
    run = online_run(sequence, method, _start(claim, sequence), steps, **values)
    try:
        regime: PeriodicRegime | None = periodic_regime(sequence, method, **values)
        missing = "" if regime.limit is not None else regime.reason
    except UnsupportedError as exc:
        regime, missing = None, str(exc)
    what = {"limit": "lim x_t", "average_regret": "lim R_T/T",
            "regret": "the growth of R_T"}[measure]
    if regime is None or regime.limit is None:
        agrees, numeric = _numeric(measure, run, stated, tolerance)
        verb = "holds" if agrees else "fails"
        return Verdict.unknown(f"{verb} numerically ({numeric}); no exact periodic regime: "
                               f"{missing}", numeric)
    derived = _derived(measure, regime)
    agrees, numeric = _numeric(measure, run, derived, tolerance)
    drift = ", ".join((f"= {show(d)} " if len(show(d)) <= 30 else "") + f"≈ {float(d):.4g}"
                      for d in regime.drift)
    exact = (f"exact periodic regime (orbit solved from the rule): drift per period d "
             f"{drift} (sign exact), steps S(t) → 0 with Σ S = ∞; so {what} = {_show(derived)}"
             f" and lim R_T/T = {show(regime.average_regret)}, by the averaging argument "
             "(stated, not machine-checked)")
    if not agrees:
        return Verdict.unknown(f"the exact periodic regime gives {what} = {_show(derived)} but "
                               f"the compiled run does not agree ({numeric})", exact, numeric)
    # the orbit is solved exactly, but the step from it to the limit is the averaging
    # argument, stated and not machine-checked: the verdict rests on that argument
    if _same(measure, stated, derived):
        return Verdict.true(f"{what} = {_show(derived)}: exact periodic regime (with the "
                            "averaging argument) and the compiled run agree", exact, numeric,
                            correct=_show(derived), basis="cited")
    return Verdict.false(f"{what} is {_show(derived)}, not {_show(stated)}",
                         correct=_show(derived), counterexample=numeric,
                         evidence=(exact, numeric), basis="cited")

