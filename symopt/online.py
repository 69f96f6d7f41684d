"""Online runs: a method on a sequence of losses f_1, f_2, … and its regret.

Online convex optimisation plays x_t, then sees the loss f_t and steps with
∇f_t(x_t). A :class:`LossSequence` is a list of losses repeated periodically
(f_t = losses[(t − 1) mod P]) and an optional feasible box F. The regret after T
rounds is R_T = Σ_{t≤T} f_t(x_t) − min_{x∈F} Σ_{t≤T} f_t(x); it is reported at
the ends of periods (T = kP), where the comparator is k·min_F Σ_p f_p, found
exactly.

Two kinds of evidence, each saying what it is:

- :func:`online_run` — numeric: the method's compiled step (generated from its
  rule) and the losses' compiled gradients, iterated.
- :func:`periodic_regime` — exact, when every loss has a constant gradient
  (linear losses): the method's state in its periodic regime in closed form
  (solved from the rule), the movement per period and the sign of its drift,
  and what follows for the limit of x_t and the average regret.

Reddi, Kale & Kumar (2018), Theorem 1: on F = [−1, 1] with f_t(x) = Cx for
t ≡ 1 (mod 3) and −x otherwise (C > 2), Adam with β₁ = 0, β₂ = 1/(1 + C²)
drifts to x = +1 while the optimum is x = −1:

>>> from symopt.methods import adam
>>> reddi = LossSequence.of(["3*x", "-x", "-x"], feasible=(-1, 1))
>>> method = adam(rate="1/(10*sqrt(t))", bias_correction=False, eps=False,
...               projection=reddi.box)
>>> regime = periodic_regime(reddi, method, beta_1=0, beta_2="1/10")
>>> regime.limit, regime.average_regret, regime.drift[0] > 0
([1], 2/3, True)
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.methods import Method
from symopt.methods.base import G, T, X
from symopt.methods.projected import Box
from symopt.problem import Problem

__all__ = ["MAX_LOSSES", "LossSequence", "OnlineRun", "PeriodicRegime", "online_run",
           "periodic_regime"]

#: Most losses one period may have.
MAX_LOSSES = 1000


@dataclass(frozen=True)
class LossSequence:
    """Losses f_1 … f_P repeated periodically, in the same variables, and a feasible box."""

    losses: tuple[sp.Expr, ...]
    variables: tuple[sp.Symbol, ...]
    lower: sp.Expr | None = None
    upper: sp.Expr | None = None

    @classmethod
    def of(cls, losses: Sequence[object], variables: Sequence[str] | None = None,
           feasible: Sequence[object] | None = None) -> LossSequence:
        """Read losses (text goes through symopt's safe parser) and the box ``(lower, upper)``.

        >>> sequence = LossSequence.of(["3*x", "-x"], feasible=("-1", 1))
        >>> sequence.losses, sequence.lower, sequence.upper
        ((3*x, -x), -1, 1)
        """
        if isinstance(losses, (str, bytes)) or not isinstance(losses, Sequence):
            raise DomainError("losses must be a list of expressions")
        if not 1 <= len(losses) <= MAX_LOSSES:
            raise DomainError(f"give from 1 to {MAX_LOSSES} losses, got {len(losses)}")
        problems = [Problem(str(f) if not isinstance(f, sp.Basic) else f,
                            variables=list(variables) if variables else None) for f in losses]
        names = sorted({v for p in problems for v in p.variables}, key=str)
        if variables is None:
            problems = [Problem(p.objective, variables=names) for p in problems]
        for p in problems:
            if p.parameters:
                raise DomainError(f"the loss {p.objective} has free parameters "
                                  f"{', '.join(map(str, p.parameters))}; give numbers")
        lower = upper = None
        if feasible is not None:
            if isinstance(feasible, (str, bytes)) or len(feasible) != 2:
                raise DomainError("feasible must be [lower, upper]")
            box = Box(*feasible)
            lower, upper = box.lower, box.upper
            if lower is None or upper is None or not (lower.is_number and upper.is_number):
                raise DomainError("feasible must be two numbers [lower, upper]")
        return cls(tuple(p.objective for p in problems), tuple(problems[0].variables),
                   lower, upper)

    @property
    def period(self) -> int:
        """P, the number of losses in one period."""
        return len(self.losses)

    @property
    def box(self) -> Box | None:
        """The feasible box as a projection set (None when unconstrained)."""
        return None if self.lower is None and self.upper is None else Box(self.lower, self.upper)

    def gradients(self) -> list[list[sp.Expr]]:
        """∇f_p for each loss of the period (exact)."""
        return [[sp.diff(f, v) for v in self.variables] for f in self.losses]

    @cached_property
    def comparator(self) -> tuple[sp.Expr, tuple[sp.Expr, ...]]:
        """min_{x∈F} Σ_p f_p(x) and a minimizer, exactly (linear losses, or one variable).

        >>> LossSequence.of(["3*x", "-x", "-x"], feasible=(-1, 1)).comparator
        (-1, (-1,))
        """
        total = sp.expand(sum(self.losses))
        coefficients = [sp.diff(total, v) for v in self.variables]
        if all(not c.free_symbols for c in coefficients):  # linear: a vertex, per coordinate
            point = []
            for c in coefficients:
                bound = self.lower if c > 0 else self.upper if c < 0 else \
                    (self.lower if self.lower is not None else self.upper)
                if bound is None and c != 0:
                    raise UnsupportedError("Σ f_p is unbounded below on the feasible set")
                point.append(bound if bound is not None else sp.S.Zero)
            return total.xreplace(dict(zip(self.variables, point))), tuple(point)
        if len(self.variables) == 1:
            (x,) = self.variables
            interval = sp.Interval(-sp.oo if self.lower is None else self.lower,
                                   sp.oo if self.upper is None else self.upper)
            value = sp.calculus.util.minimum(total, x, interval)
            points = sp.solveset(sp.Eq(total, value), x, interval)
            if value.is_finite and isinstance(points, sp.FiniteSet) and points:
                return value, (min(points, key=sp.default_sort_key),)
        raise UnsupportedError("the comparator min_F Σ f_p is derived exactly only for linear "
                               "losses or one variable, where it is attained")


@dataclass(frozen=True)
class OnlineRun:
    """A numeric online run: ``played[t − 1]`` = x_t, ``losses[t − 1]`` = f_t(x_t), t = 1 … T."""

    played: np.ndarray
    losses: np.ndarray
    #: min_F Σ_p f_p (None when it is not derived: then there is no regret)
    comparator: float | None
    period: int
    method: str = ""
    hyperparameters: dict[str, object] = field(default_factory=dict)

    @property
    def final(self) -> np.ndarray:
        """x_{T+1}, the point after the last step."""
        return self.played[-1]

    @property
    def regret(self) -> np.ndarray:
        """R_{kP} for k = 1 … T // P (regret at the ends of periods)."""
        if self.comparator is None:
            raise UnsupportedError("no regret: the comparator min_F Σ f_p was not derived")
        per_period = self.losses[: len(self.losses) // self.period * self.period]
        totals = np.cumsum(per_period.reshape(-1, self.period).sum(axis=1))
        return totals - self.comparator * np.arange(1, totals.size + 1)

    @property
    def average_regret(self) -> float:
        """R_T / T at the last period end."""
        regret = self.regret
        return float(regret[-1] / (regret.size * self.period)) if regret.size else float("nan")


def online_run(sequence: LossSequence, method: Method, x0: object, steps: int, *,
               backend: str = "numpy", **hyperparameters: object) -> OnlineRun:
    """Play ``method`` on the loss sequence from ``x0`` for ``steps`` rounds (compiled code).

    The step is :func:`symopt.kernels.compile` of the method's rule (with its
    projection, if any); the gradients are compiled from the losses.

    >>> from symopt.methods import gradient_descent
    >>> run = online_run(LossSequence.of(["x**2"]), gradient_descent(), [1.0], 2, alpha=0.25)
    >>> run.played[:, 0], run.regret
    (array([1.  , 0.5 , 0.25]), array([1.  , 1.25]))
    """
    from symopt.kernels import compile as compile_step
    from symopt.kernels import compile_gradient
    from symopt.kernels.run import MAX_STEPS, _check_memory, memory_cap

    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or \
            not 1 <= steps <= MAX_STEPS:
        raise DomainError(f"steps must be a whole number from 1 to {MAX_STEPS}, got {steps!r}")
    steps = int(steps)
    n = len(sequence.variables)
    _check_memory(steps, 1, n, 8, memory_cap())
    try:
        x = np.array(x0, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DomainError("x0 must be a list of numbers") from None
    if x.shape != (n,) or not np.all(np.isfinite(x)):
        raise DomainError(f"x0 must be {n} finite number(s), got {x0!r}")
    step = compile_step(method, backend, np.float64, **hyperparameters)
    compiled = [compile_gradient(Problem(f, variables=list(sequence.variables)))
                for f in sequence.losses]
    played = np.empty((steps + 1, n))
    values = np.empty(steps)
    g = np.empty(n)
    state = step.init_state(x)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            f, grad = compiled[(t - 1) % sequence.period]
            played[t - 1] = x
            values[t - 1] = f(x)
            grad(x, out=g)
            step(x, g, state, t)
        played[steps] = x
    try:
        comparator: float | None = float(sequence.comparator[0])
    except UnsupportedError:
        comparator = None
    return OnlineRun(played, values, comparator, sequence.period,
                     method.name, dict(step.hyperparameters))


@dataclass(frozen=True)
class PeriodicRegime:
    """The exact periodic regime of a method on losses with constant gradients.

    Per coordinate: ``state`` — the state before each phase of a period, ``drift``
    — lim D(t)/S(t) with D the movement over one period started at step t and S
    the total distance moved in it (its sign is where the iterate goes),
    ``settles`` (S(t) → 0), ``accumulates`` (Σ_k S(kP + 1) = ∞), ``limit`` of
    x_t (None with ``reason`` when it does not follow) and ``average_regret``
    lim R_T/T (None when the limit is unknown).
    """

    state: list[list[dict[sp.Symbol, sp.Expr]]]
    drift: list[sp.Expr]
    settles: list[bool]
    accumulates: list[bool]
    limit: list[sp.Expr] | None
    average_regret: sp.Expr | None
    reason: str = ""
    argument: str = ""


def periodic_regime(sequence: LossSequence, method: Method,
                    **hyperparameters: object) -> PeriodicRegime:
    """Derive the periodic regime from the method's rule, exactly (see :class:`PeriodicRegime`).

    The state's periodic orbit solves the P affine state maps composed (a running
    maximum takes the largest value of its argument over the orbit, when the
    transient provably stays below it); the per-phase step is the rule's
    unprojected update on that orbit. The limit then follows by a standard
    averaging argument, stated in ``argument`` and not machine-checked: the
    movement over a period is S(t)(d + o(1)), the transient decays geometrically,
    so with S → 0 and Σ S = ∞ the iterate reaches the bound the drift d points
    to and stays within O(S(t)) of it.

    >>> from symopt.methods import amsgrad
    >>> reddi = LossSequence.of(["3*x", "-x", "-x"], feasible=(-1, 1))
    >>> method = amsgrad(rate="1/(10*sqrt(t))", bias_correction=False, eps=False,
    ...                  projection=reddi.box)
    >>> regime = periodic_regime(reddi, method, beta_1=0, beta_2="1/10")
    >>> regime.drift, regime.limit, regime.average_regret
    ([-1/5], [-1], 0)
    """
    from symopt.kernels.step import split_hyperparameters

    fixed, swept, _ = split_hyperparameters(method, hyperparameters)
    if swept:
        raise DomainError("the periodic regime takes one value per hyperparameter, not a sweep")
    free = replace(method, projection=None)
    rule = free.rule(**{s.name: v for s, v in fixed.items()})
    gradients = sequence.gradients()
    if any(c.free_symbols for gp in gradients for c in gp):
        raise UnsupportedError("a loss has a gradient that depends on x: the periodic regime "
                               "is derived only for losses with constant gradients")
    states, drifts, settles, accumulates, limits = [], [], [], [], []
    reasons: list[str] = []
    for i in range(len(sequence.variables)):
        phases = [gp[i] for gp in gradients]
        orbit = _orbit(method, rule, phases, fixed)
        steps = [sp.simplify(_vanishing_powers(rule.x_next.xreplace(
                     {**orbit[p], G: phases[p], T: T + p}) - X))
                 for p in range(len(phases))]
        if any(X in s.free_symbols for s in steps):
            raise UnsupportedError("the step depends on x itself (weight decay or a look-ahead "
                                   "state): no periodic regime independent of x")
        constants, schedule = _factor(steps)
        weights = [sp.limit(schedule.xreplace({T: T + p}) / schedule, T, sp.oo)
                   for p in range(len(phases))]
        d = sum(c * w for c, w in zip(constants, weights)) / \
            sum(sp.Abs(c) * w for c, w in zip(constants, weights))
        k = sp.Symbol("k", positive=True, integer=True)
        settle = sp.limit(schedule, T, sp.oo) == 0
        tail = sp.limit(k * schedule.xreplace({T: len(phases) * k + 1}), k, sp.oo)
        accumulate = tail == sp.oo or bool(tail.is_positive)
        states.append(orbit)
        drifts.append(d)
        settles.append(settle)
        accumulates.append(accumulate)
        bound = sequence.upper if d.is_positive else sequence.lower if d.is_negative else None
        if d.is_zero or (d.is_positive is None and d.is_negative is None):
            reasons.append(f"coordinate {i + 1}: no drift sign (d = {d})")
        elif not settle:
            reasons.append(f"coordinate {i + 1}: the steps do not vanish (S(t) ↛ 0): x_t keeps "
                           "moving and has no limit")
        elif not accumulate:
            reasons.append(f"coordinate {i + 1}: Σ S(kP + 1) is finite: where x_t stops "
                           "depends on the start")
        elif bound is None:
            reasons.append(f"coordinate {i + 1}: the drift has no bound to stop at: x_t → "
                           f"{'+' if d.is_positive else '-'}∞")
        limits.append(bound)
    limit = None if reasons else limits
    average = None
    if limit is not None:
        at = dict(zip(sequence.variables, limit))
        average = (sum(f.xreplace(at) for f in sequence.losses)
                   - sequence.comparator[0]) / sequence.period
    argument = ("periodic regime of the state solved exactly from the rule (powers βᵗ → 0 "
                "dropped before the limits); drift sign d exact; S(t) → 0 and Σ S = ∞ exact; "
                "the limit follows by the averaging argument (transient decays geometrically, "
                "the movement per period is S(t)(d + o(1))), which symopt states but does not "
                "machine-check")
    return PeriodicRegime(states, drifts, settles, accumulates, limit,
                          sp.simplify(average) if average is not None else None,
                          "; ".join(reasons), argument)


def _factor(steps: Sequence[sp.Expr]) -> tuple[list[sp.Expr], sp.Expr]:
    """Write the step of phase p (taken at time t + p) as c_p·h(t + p), h > 0 the schedule.

    >>> _factor([-3 / sp.sqrt(T), 1 / sp.sqrt(T + 1)])
    ([-3, 1], 1/sqrt(t))
    """
    constants, schedule = [], None
    for p, step in enumerate(steps):
        constant, dependent = sp.factor_terms(step).as_independent(T, as_Add=False)
        here = sp.simplify(dependent.xreplace({T: T - p}))
        if schedule is None:
            schedule = here
            if not schedule.is_positive:
                raise UnsupportedError(f"the step's dependence on t, {schedule}, is not a "
                                       "positive schedule: no drift derived")
        elif sp.simplify(here - schedule) != 0:
            raise UnsupportedError("the steps of the period are not one schedule h(t) times "
                                   "constants: no drift derived")
        constants.append(constant)
    return constants, schedule


def _vanishing_powers(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every bᵗ (a number |b| < 1 to a power growing with t) replaced by its limit 0.

    These are the bias corrections 1 − βᵗ; every limit taken afterwards is of a
    function continuous in them at 0, so dropping them first changes no limit.

    >>> _vanishing_powers(1 / (1 - sp.Rational(9, 10) ** T)), _vanishing_powers(1 - 10 ** -T)
    (1, 1)
    """
    return expr.replace(
        lambda e: e.is_Pow and e.base.is_number and e.exp.has(T) and bool(e.base > 0)
        and sp.limit(e.exp * sp.log(e.base), T, sp.oo) == -sp.oo,
        lambda e: sp.S.Zero)


def _orbit(method: Method, rule, phases: Sequence[sp.Expr],
           fixed: Mapping[sp.Symbol, sp.Expr]) -> list[dict[sp.Symbol, sp.Expr]]:
    """The state before each phase on the periodic orbit, exactly."""
    names = [s.symbol for s in method.state]
    if not names:
        return [{} for _ in phases]
    updates = rule.state_next
    if any(e.has(X, T) for e in updates.values()):
        raise UnsupportedError("the state update depends on x or t: no periodic regime "
                               "derived")
    running = {s: _running_max_argument(s, e) for s, e in updates.items()}
    running = {s: a for s, a in running.items() if a is not None}
    linear = [s for s in names if s not in running]
    unknown = sp.symbols(f"w0:{len(linear)}", real=True)
    current = dict(zip(linear, unknown))
    before = []
    maps = []
    for g in phases:
        before.append(dict(current))
        step = {s: sp.expand(updates[s].xreplace({**current, G: g})) for s in linear}
        maps.append(step)
        current = step
    equations = [current[s] - w for s, w in zip(linear, unknown)]
    if any(sp.Poly(e, *unknown).total_degree() > 1 for e in equations if e.free_symbols):
        raise UnsupportedError("the state maps are not affine: no periodic orbit derived")
    solutions = sp.linsolve(equations, *unknown)
    if not isinstance(solutions, sp.FiniteSet) or len(solutions) != 1 or \
            next(iter(solutions)).free_symbols & set(unknown):
        raise UnsupportedError("no unique periodic orbit: the state grows or drifts without "
                               "bound (e.g. AdaGrad's running sum)")
    solution = dict(zip(unknown, next(iter(solutions))))
    jacobian = sp.Matrix([[sp.diff(current[s], w) for w in unknown] for s in linear])
    if jacobian.shape[0] and not all(abs(e) < 1 for e in jacobian.eigenvals()):
        raise UnsupportedError("the periodic orbit does not attract the state (a period's map "
                               "has an eigenvalue of modulus ≥ 1)")
    orbit = [{s: sp.simplify(v.xreplace(solution)) for s, v in b.items()} for b in before]
    if running:
        _running_max_values(method, updates, running, linear, phases, orbit, fixed)
    return orbit


def _running_max_argument(s: sp.Symbol, update: sp.Expr) -> sp.Expr | None:
    """``e`` when ``update`` is max(s, e) (a running maximum), else None."""
    if isinstance(update, sp.Max) and s in update.args:
        rest = [a for a in update.args if a != s]
        return rest[0] if len(rest) == 1 else sp.Max(*rest)
    return None


def _running_max_values(method: Method, updates: Mapping[sp.Symbol, sp.Expr],
                        running: Mapping[sp.Symbol, sp.Expr], linear: Sequence[sp.Symbol],
                        phases: Sequence[sp.Expr], orbit: list[dict[sp.Symbol, sp.Expr]],
                        fixed: Mapping[sp.Symbol, sp.Expr]) -> None:
    """Fill in running maxima: their limit is the largest value of their argument on the orbit.

    Valid when the transient stays below the orbit: every state map and every
    argument is nondecreasing in the linear state (nonnegative coefficients) and
    the initial state lies below the orbit — then by induction the state stays
    below it, and the running maximum increases to the orbit's largest value.
    """
    start = method.initial_state(sp.S.Zero)
    needed = {w for a in running.values() for w in a.free_symbols if w in linear}
    while True:  # the linear state the arguments depend on, through the updates
        more = {w for s in needed for w in updates[s].free_symbols if w in linear} - needed
        if not more:
            break
        needed |= more
    for s in sorted(needed, key=str):
        for g in phases:
            update = updates[s].xreplace({G: g})
            if any(not sp.diff(update, w).is_nonnegative for w in needed):
                raise UnsupportedError(f"the update of {s} is not monotone in the state: the "
                                       "running maximum's limit is not derived")
        if not (start[s].xreplace(fixed) - orbit[0][s]).is_nonpositive:
            raise UnsupportedError(f"{s} does not start below its periodic orbit")
    for r, argument in running.items():
        if argument.has(*running):
            raise UnsupportedError("a running maximum depends on another running maximum")
        values = [sp.simplify(argument.xreplace({**orbit[p], G: phases[p]}))
                  for p in range(len(phases))]
        for g in phases:
            for w in needed:
                if not sp.diff(argument.xreplace({G: g}), w).is_nonnegative:
                    raise UnsupportedError(f"the argument of {r} is not monotone in {w}")
        top = sp.Max(*values)
        if not (start[r].xreplace(fixed) - top).is_nonpositive:
            raise UnsupportedError(f"{r} starts above its limit")
        for p in range(len(phases)):
            orbit[p][r] = top
