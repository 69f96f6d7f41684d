"""``analyze(problem, method)``: everything the linear analysis derives, in one result.

On a quadratic the spectrum of A is used; otherwise the Hessian at a
minimiser (a local analysis). Every entry is a :class:`~symopt.result.Finding`,
so anything that cannot be derived is unknown with its reason.

>>> a = analyze("0.5*(w1**2 + 4*w2**2)", "gd")
>>> a.kind, a.eigenvalues.value
('quadratic', [1, 4])
>>> a.stability.value.interval
Interval.open(0, 1/2)
>>> a.optimal.value.hyperparameters, a.optimal.value.rate
({alpha: 2/5}, 3/5)
>>> analyze("2*w**2", "gd", alpha="0.3").behaviour.value
'oscillates (converges)'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

import sympy as sp

from symopt.analysis.behaviour import DirectionBehaviour, behaviour, overall
from symopt.analysis.linear import LAMBDA, closed_form, linear_recurrence
from symopt.analysis.local import hessian_eigenvalues, minimisers, newton_constant
from symopt.analysis.optimal import (
    Optimum,
    iterations_to_tolerance,
    optimal_hyperparameters,
    worst_rate,
)
from symopt.analysis.stability import StabilityRegion, region_finding
from symopt.errors import UnsupportedError
from symopt.methods import Method, get_method
from symopt.problem import Problem
from symopt.result import Finding

__all__ = ["Analysis", "analyze"]

T = TypeVar("T")


class _Deferred(Generic[T]):
    """A value derived on first use, once (the derivations are pure, so a value is the
    same whenever it is asked for).

    >>> calls = []
    >>> later = _Deferred(lambda: calls.append(1) or 42)
    >>> calls
    []
    >>> later(), later(), calls
    (42, 42, [1])
    """

    __slots__ = ("_fn", "_lock", "_value")

    def __init__(self, fn: Callable[[], T]):
        self._fn: Callable[[], T] | None = fn
        self._value: T | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        with self._lock:
            if self._fn is not None:
                self._value, self._fn = self._fn(), None
        return self._value  # type: ignore[return-value]


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyze`; every derived entry is a Finding.

    ``kind`` is ``"quadratic"`` (exact for every start) or ``"local"`` (the
    quadratic model at ``minimiser``). ``iteration_matrix`` and
    ``closed_form`` are per eigen-direction, in the symbol λ (``lambda``);
    ``rate`` and ``behaviour`` need every hyperparameter to have a value
    (given or optimal: ``rate`` falls back to the optimal rate).

    The costly entries (closed form, stability region, optimum, rate, ...) are
    derived when first read, so a caller pays only for what it uses; the values,
    the repr and :meth:`as_dict` are those of deriving everything at once.
    """

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if type(value) is _Deferred:
            value = value()
            object.__setattr__(self, name, value)
        return value

    def __getstate__(self) -> dict[str, object]:
        """Every entry derived (a copy holds values, never pending work)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def _repr_markdown_(self) -> str:
        """Jupyter display: see :mod:`symopt.display`."""
        from symopt.display import analysis_markdown

        return analysis_markdown(self)

    problem: Problem
    method: Method
    hyperparameters: dict[sp.Symbol, sp.Expr]
    kind: str
    minimiser: Finding[dict]
    eigenvalues: Finding[list]
    iteration_matrix: Finding[sp.Matrix]
    closed_form: Finding[sp.Expr]
    stability: Finding[StabilityRegion]
    optimal: Finding[Optimum]
    rate: Finding[sp.Expr]
    iterations: Finding[sp.Expr]
    behaviour: Finding[str]
    directions: tuple[DirectionBehaviour, ...] = ()
    newton_constant: Finding[sp.Expr] = field(
        default_factory=lambda: Finding.unknown("not a Newton method"))
    #: max over the eigenvalues of ρ(T(λ)) as a function of the free hyperparameters
    #: (e.g. GD's max|1 − αλ|); derived for one-dimensional T only.
    radius: Finding[sp.Expr] = field(
        default_factory=lambda: Finding.unknown("not derived"))

    def as_dict(self) -> dict[str, object]:
        """Plain strings and numbers, for ``--json``.

        >>> analyze("2*w**2", "gd").as_dict()["stability"]["value"]
        '(0 < alpha) & (alpha < 1/2)'
        """
        def show(f: Finding) -> dict[str, object]:
            value = f.value
            if isinstance(value, StabilityRegion):
                value = str(value.condition)
            elif isinstance(value, Optimum):
                value = {"hyperparameters": {str(k): str(v)
                                             for k, v in value.hyperparameters.items()},
                         "rate": str(value.rate), "rate_kappa": str(value.rate_kappa)}
            elif isinstance(value, list):
                value = [str(v) for v in value]
            elif isinstance(value, dict):
                value = {str(k): str(v) for k, v in value.items()}
            elif value is not None:
                value = str(value)
            return {"value": value, "reason": f.reason}

        return {
            "objective": str(self.problem.objective),
            "method": self.method.name,
            "hyperparameters": {str(k): str(v) for k, v in self.hyperparameters.items()},
            "kind": self.kind,
            "minimiser": show(self.minimiser),
            "eigenvalues": show(self.eigenvalues),
            "iteration_matrix": show(self.iteration_matrix),
            "closed_form": show(self.closed_form),
            "stability": show(self.stability),
            "optimal": show(self.optimal),
            "rate": show(self.rate),
            "iterations": show(self.iterations),
            "behaviour": show(self.behaviour),
            "directions": [{"lambda": str(d.lam), "radius": str(d.radius), "kind": d.kind}
                           for d in self.directions],
            "newton_constant": show(self.newton_constant),
            "radius": show(self.radius),
        }


def analyze(problem: Problem | str, method: Method | str, *, epsilon: object = None,
            at: Mapping | None = None, seconds: float | None = None,
            **hyperparameters: object) -> Analysis:
    """Analyse ``method`` on ``problem`` (exactly on a quadratic, else at a minimiser).

    ``hyperparameters`` fix values (others stay symbolic); ``epsilon`` is the
    tolerance for the iteration count (default ε, symbolic); ``at`` picks the
    minimiser for a local analysis (default: the first one found).

    >>> a = analyze("(x - 1)**2*(x + 2)", "newton")
    >>> a.kind, a.minimiser.value, a.newton_constant.value
    ('local', {x: 1}, 1/2)
    """
    problem = Problem(problem) if isinstance(problem, str) else problem
    method = get_method(method) if isinstance(method, str) else method
    if getattr(method, "line_search", None) is not None:
        raise UnsupportedError(f"{method.name} picks its step by a line search at every "
                               "iteration: the linear analysis does not apply (see "
                               "symopt.analysis.linesearch)")
    fixed = method.substitution(hyperparameters)
    if problem.constraints:
        unknown = Finding.unknown("the problem is constrained; this linear analysis covers "
                                  "unconstrained problems (see symopt.kkt)")
        return Analysis(problem, method, fixed, "constrained", unknown, unknown, unknown,
                        unknown, unknown, unknown, unknown, unknown, unknown)
    quadratic = problem.quadratic
    kind = "quadratic" if quadratic is not None else "local"
    eigenvalues, minimiser = _spectrum(problem, quadratic, at)
    matrix = _matrix(method, hyperparameters)
    # The costly entries are derived when first read (see Analysis).
    closed: Any = _Deferred(lambda: closed_form(method, seconds=seconds, **hyperparameters))
    if not eigenvalues.known:
        unknown = Finding.unknown(eigenvalues.reason)
        return Analysis(problem, method, fixed, kind, minimiser, eigenvalues, matrix, closed,
                        unknown, unknown, unknown, unknown, unknown)
    spectrum = eigenvalues.value
    eps = _tolerance(epsilon)
    stability: Any = _Deferred(lambda: _stability(method, spectrum, fixed, hyperparameters))
    # With every value given, the optimum is still worth knowing: free them all.
    every_value_given = bool(fixed) and all(h.symbol in fixed for h in method.hyperparameters)
    optimal: Any = _Deferred(lambda: optimal_hyperparameters(
        method, spectrum, seconds=seconds, **({} if every_value_given else hyperparameters)))
    if matrix.known:
        parts = _Deferred(lambda: _rate_and_behaviour(method, spectrum, fixed,
                                                      hyperparameters, optimal()))
    else:
        unknown = Finding.unknown(matrix.reason)
        parts = _Deferred(lambda: (unknown, [], unknown))
    rate: Any = _Deferred(lambda: parts()[0])
    directions: Any = _Deferred(lambda: tuple(parts()[1]))
    verdict: Any = _Deferred(lambda: parts()[2])
    iterations: Any = _Deferred(lambda: _local_iterations(_iterations(rate(), eps), kind))
    newton: Any = _Deferred(lambda: (
        newton_constant(problem, minimiser.value if minimiser.known else None)
        if method.uses_newton_direction and kind == "local"
        else Finding.unknown("Newton's constant applies to Newton's method on a "
                             "non-quadratic objective (on a quadratic it converges in "
                             "one step)" if kind == "quadratic" or
                             method.uses_newton_direction else "not a Newton method")))
    radius: Any = _Deferred(lambda: _radius(method, spectrum, matrix, hyperparameters))
    return Analysis(problem, method, fixed, kind, minimiser, eigenvalues, matrix, closed,
                    stability, optimal, rate, iterations, verdict, directions, newton, radius)


def _spectrum(problem: Problem, quadratic, at: Mapping | None):
    if quadratic is not None:
        A = quadratic.A
        try:
            values = quadratic.eigenvalues
        except Exception as exc:  # symbolic eigenvalues can fail in SymPy
            return Finding.unknown(f"eigenvalues of A: {exc}"), Finding.unknown(str(exc))
        negative = [v for v in values if v.is_number and v.is_negative]
        if negative:
            minimiser = Finding.unknown(f"A has the negative eigenvalue(s) {negative}: f is "
                                        "unbounded below, there is no minimiser")
        elif A.det() != 0:
            point = dict(zip(problem.variables, A.LUsolve(quadratic.b)))
            minimiser = Finding(point, "x* = A⁻¹b")
        else:
            minimiser = Finding.unknown("A is singular: the minimiser is not unique")
        return Finding(list(values), "eigenvalues of A in f = ½xᵀAx − bᵀx + c"), minimiser
    if at is None:
        found = minimisers(problem)
        if not found.known:
            return Finding.unknown(found.reason), found
        point = found.value[0]
        reason = "the first strict local minimiser"
    else:
        from symopt.methods.base import _exact
        from symopt.symbols import symbol

        # Keys: variables, their names or positions; values through the safe parser.
        point = {}
        for key, value in dict(at).items():
            var = problem.variables[key] if isinstance(key, int) else (
                key if isinstance(key, sp.Symbol) else symbol(str(key)))
            if var not in problem.variables:
                raise UnsupportedError(f"{key!r} is not a variable of {problem.objective}")
            point[var] = _exact(value, str(var))
        reason = "the given point"
    minimiser = Finding(point, reason)
    values = hessian_eigenvalues(problem, point)
    return Finding(values, f"eigenvalues of ∇²f at {point} (local quadratic model)"), minimiser


def _stability(method, spectrum, fixed, hyperparameters) -> Finding[StabilityRegion]:
    """The region in the free hyperparameters; with every value given, the whole region
    and whether the given point lies inside it."""
    if any(h.symbol not in fixed for h in method.hyperparameters) or not fixed:
        return region_finding(method, spectrum, **hyperparameters)
    region = region_finding(method, spectrum)
    if not region.known:
        return region
    inside = region.value.contains(**{k.name: v for k, v in fixed.items()})
    verdict = {True: "inside", False: "outside", None: "undecided"}[inside]
    return Finding(region.value, f"{region.reason}; the given values are {verdict}",
                   {"inside": inside})


def _matrix(method: Method, hyperparameters: dict) -> Finding[sp.Matrix]:
    try:
        recurrence = linear_recurrence(method, **hyperparameters)
    except UnsupportedError as exc:
        return Finding.unknown(str(exc))
    names = ", ".join(map(str, recurrence.variables))
    return Finding(recurrence.matrix, f"Jacobian of one step in ({names}) with g = λx, p = x",
                   {"variables": recurrence.variables, "lambda": LAMBDA})


def _rate_and_behaviour(method, spectrum, fixed, hyperparameters, optimal):
    open_hps = [h for h in method.hyperparameters if h.symbol not in fixed]
    if not open_hps:
        rate = worst_rate(method, spectrum, **hyperparameters)
        try:
            directions = behaviour(method, spectrum, **hyperparameters)
        except UnsupportedError as exc:
            return rate, [], Finding.unknown(str(exc))
        verdict = Finding(overall(directions), "worst kind over the eigen-directions")
        return rate, directions, verdict
    missing = ", ".join(h.symbol.name for h in open_hps)
    verdict = Finding.unknown(f"give a value for {missing} to classify the behaviour")
    if optimal.known:
        return Finding(optimal.value.rate, "the optimal rate (" + missing +
                       " at the minimax values)"), [], verdict
    return Finding.unknown(f"give a value for {missing}: no optimal values were derived "
                           f"({optimal.reason})"), [], verdict


def _radius(method, spectrum, matrix: Finding, hyperparameters) -> Finding[sp.Expr]:
    if not matrix.known:
        return Finding.unknown(matrix.reason)
    if matrix.value.rows != 1:
        return Finding.unknown("the radius of a 2×2 or larger T is a maximum of root "
                               "moduli; it is given per value (rate) and plotted, not as a formula")
    return worst_rate(method, spectrum, **hyperparameters)


def _tolerance(epsilon: object) -> sp.Expr:
    """The tolerance ε of the iteration count: the symbol ε, or the given value (checked)."""
    from symopt.methods.base import _exact
    from symopt.symbols import symbol

    return symbol("epsilon") if epsilon is None else _exact(epsilon, "epsilon")


def _local_iterations(iterations: Finding[sp.Expr], kind: str) -> Finding[sp.Expr]:
    if kind == "local" and iterations.known:
        return Finding(iterations.value, iterations.reason + "; local: for the quadratic "
                       "model at x*, asymptotic for f itself")
    return iterations


def _iterations(rate: Finding, eps: sp.Expr) -> Finding[sp.Expr]:
    if not rate.known:
        return Finding.unknown(rate.reason)
    count = iterations_to_tolerance(rate.value, eps)
    if count == sp.oo:
        return Finding(count, f"the rate {rate.value} is not below 1: no number of steps "
                       "reaches ε")
    return Finding(count, "smallest k with rateᵏ ≤ ε (the error shrinks by the rate per "
                   "step, up to a constant for non-normal T)")
