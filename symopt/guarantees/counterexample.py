"""Counterexamples: a function of the class on which the compiled method breaks the bound.

A class statement "for every f ∈ F_{μ,L}, after N steps from ‖x₀ − x*‖ ≤ R the
measure is at most B" is false as soon as one function of the class breaks it.
Here that function is explicit (a one-dimensional piecewise quadratic, checked
to be in the class exactly), the method is run twice on it — exactly, with its
symbolic ``rule()`` in rationals, and as the compiled kernel
(:mod:`symopt.kernels`) in floats — and the exact measure exceeds B.

Functions are normalised so that x* = 0 and f* = 0 (the optimum of
:class:`~symopt.guarantees.classes.Oracle`); the interpolant through the
optimum (0, 0, 0) is.

Two statements that hold on every quadratic and fail on the class:

* Drori & Teboulle (Math. Program. 145, 2014): gradient descent with α = 1/L on
  L-smooth convex f has worst case f(x_N) − f* = L R²/(4N + 2), attained by a
  Huber function; the worst quadratic gives only max_λ λ/2 (1 − λ/L)^{2N} R².
  :func:`drori_teboulle`.
* Lessard, Recht & Packard (SIAM J. Optim. 26, 2016, §4.6): heavy ball tuned
  for quadratics (α = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))²) converges at rate
  (√κ − 1)/(√κ + 1) on every quadratic of F_{μ,L} but cycles on a piecewise
  quadratic of F_{1,25}. :func:`lessard_recht_packard`.

>>> from symopt.guarantees.classes import smooth_convex
>>> ce = refute_bound(smooth_convex(1), "gd", {"alpha": 1}, 1, bound="1/8").value
>>> ce.measure[-1], ce.bound, ce.breaks
(1/6, 1/8, True)
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees.classes import FunctionClass, smooth_convex, smooth_strongly_convex
from symopt.guarantees.functions import (
    PiecewiseQuadratic,
    Quadratic,
    _exact,
    _sign,
    _triple,
    from_gradient,
    huber,
    interpolant,
)
from symopt.methods import Method
from symopt.result import Finding

__all__ = [
    "MEASURES",
    "Capture",
    "Counterexample",
    "Cycle",
    "counterexample_from_points",
    "cycle_counterexample",
    "drori_teboulle",
    "exact_run",
    "lessard_recht_packard",
    "refute_bound",
    "reported_run",
    "worst_huber",
    "worst_quadratic",
]

#: Performance measures at a point x (x* = 0, f* = 0), by name (the names of
#: performance estimation); ``min_gradient_norm`` is the running minimum of the last.
MEASURES = {
    "function_gap": ("f(x_N) − f*", lambda f, x: f.value(x)),
    "distance": ("‖x_N − x*‖²", lambda f, x: x**2),
    "gradient_norm": ("‖∇f(x_N)‖²", lambda f, x: f.derivative(x) ** 2),
    "min_gradient_norm": ("min_k ‖∇f(x_k)‖²", lambda f, x: f.derivative(x) ** 2),
}

#: The largest number of steps a counterexample run takes (exact arithmetic grows with it).
MAX_STEPS = 10_000


def _method(method: Method | str) -> Method:
    from symopt.kernels.step import resolve_method

    return resolve_method(method)


def _steps(steps: object) -> int:
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise DomainError(f"the number of steps N must be a nonnegative integer, got {steps!r}")
    if steps > MAX_STEPS:
        raise DomainError(f"N = {steps} is above the limit of {MAX_STEPS} steps")
    return int(steps)


def _measure(name: str) -> tuple[str, Any]:
    if name not in MEASURES:
        raise DomainError(f"unknown measure {name!r}; known: {', '.join(MEASURES)}")
    return MEASURES[name]


def exact_run(method: Method | str, hyperparameters: Mapping[str, object],
              function: PiecewiseQuadratic, x0: object, steps: int,
              state0: Mapping[str, object] | None = None
              ) -> tuple[list[sp.Expr], list[dict[str, sp.Expr]]]:
    """The method's symbolic ``rule()`` iterated exactly on ``function`` from ``x0``.

    Returns the iterates x₀…x_N and the state after each step (by state name).
    ``state0`` overrides the method's initial state (e.g. a heavy-ball buffer).

    >>> xs, _ = exact_run("gd", {"alpha": "1/2"}, huber(1, 1), 3, 2)
    >>> xs
    [3, 5/2, 2]
    """
    method = _method(method)
    steps = _steps(steps)
    rule = method.rule(**dict(hyperparameters))
    x = _exact(x0, "x0")
    state = {s.name: v for s, v in method.initial_state(x).items()}
    for name, value in (state0 or {}).items():
        if name not in state:
            raise DomainError(f"{method.name} has no state {name!r}; it has {sorted(state)}")
        state[name] = _exact(value, name)
    symbols = {s.name: s for s in rule.state_next}
    xs, states = [x], [dict(state)]
    for t in range(1, steps + 1):
        subs = {rule.x: x, rule.g: function.derivative(x), rule.t: sp.Integer(t)}
        subs.update({symbols[n]: v for n, v in state.items()})
        x, state = (rule.x_next.xreplace(subs),
                    {s.name: e.xreplace(subs) for s, e in rule.state_next.items()})
        if not x.is_number:
            raise UnsupportedError(f"the exact run left symbols in x_{t} = {x}")
        xs.append(x)
        states.append(dict(state))
    return xs, states


def reported_run(method: Method | str, hyperparameters: Mapping[str, object],
                 function: PiecewiseQuadratic, x0: object, steps: int) -> list[sp.Expr]:
    """The iterates x₀…x_N the method reports (``Method.reported``), run exactly.

    For most methods these are the parameters of :func:`exact_run`; Nesterov's
    look-ahead form reports its state z while the gradient is taken at y_k.

    >>> from symopt.methods import nesterov
    >>> fgm = nesterov(form="lookahead", momentum="(t - 1)/(t + 2)")
    >>> reported_run(fgm, {"alpha": 1}, huber(1, 1), 3, 2)       # y₂ = 3/4 is not reported
    [3, 2, 1]
    """
    method = _method(method)
    xs, states = exact_run(method, hyperparameters, function, x0, steps)
    return [method.reported_iterate(x, s) for x, s in zip(xs, states)]


def _compiled_run(method: Method, hyperparameters: Mapping[str, object],
                  function: PiecewiseQuadratic, x0: sp.Expr, steps: int,
                  state0: Mapping[str, sp.Expr] | None = None) -> np.ndarray:
    """The reported x₀…x_N from the compiled step and the compiled gradient (floats)."""
    from symopt.kernels import compile, run

    hp = {k: _exact(v, k) for k, v in hyperparameters.items()}
    if not state0:
        return run(function.problem, method, [float(x0)], steps, **hp).iterates[:, 0]
    step = compile(method, **hp)
    _, grad = function.numpy()
    x = np.array([float(x0)])
    state = step.init_state(x)
    for name, value in state0.items():
        state[name][:] = float(value)
    g = np.empty_like(x)
    out = [method.reported_iterate(x, state)[0]]
    for t in range(1, steps + 1):
        grad(x, out=g)
        step(x, g, state, t)
        out.append(method.reported_iterate(x, state)[0])
    return np.array(out)


@dataclass(frozen=True)
class Counterexample:
    """A function of the class, an exact run of the method on it and the broken bound.

    ``measure`` holds the exact measure at x₀…x_N, ``gap`` = measure(x_N) −
    bound (positive: the bound is broken), ``compiled`` the compiled method's
    float iterates and ``agreement`` their largest deviation from the exact
    ones. ``quadratic_worst`` is the worst value over the quadratics of the class
    (when computed), reached by ``quadratic``: a bound at or above it holds on
    every quadratic.
    """

    statement: str
    cls: FunctionClass
    function: PiecewiseQuadratic
    membership: Finding[bool]
    method: Method
    hyperparameters: dict[str, sp.Expr]
    iterates: tuple[sp.Expr, ...]
    measure: tuple[sp.Expr, ...]
    measure_name: str
    bound: sp.Expr
    compiled: np.ndarray
    agreement: float
    quadratic_worst: sp.Expr | None = None
    quadratic: PiecewiseQuadratic | None = None

    @property
    def gap(self) -> sp.Expr:
        """measure(x_N) − bound, exactly."""
        return self.measure[-1] - self.bound

    @property
    def breaks(self) -> bool:
        """Whether the exact measure exceeds the bound (decided exactly)."""
        return _sign(self.gap) == 1

    @property
    def verdict(self) -> Finding[bool]:
        """False (the statement) when the function is in the class and the bound is broken."""
        if self.membership.value is not True:
            return Finding.unknown(f"the function is not shown to be in the class: "
                                   f"{self.membership}")
        if not self.breaks:
            return Finding.unknown(f"this function does not break the bound: "
                                   f"{self.measure_name} = {self.measure[-1]} ≤ {self.bound}")
        return Finding(False, "false — counterexample: " + self.describe())

    def describe(self) -> str:
        """What the counterexample shows, in words."""
        N = len(self.iterates) - 1
        text = (f"{self.method.name} with {_fmt(self.hyperparameters)} on a function of "
                f"{self.cls.describe()} ({self.membership.reason}); from x₀ = {self.iterates[0]}, "
                f"after N = {N} steps {self.measure_name} = {self.measure[-1]} "
                + (f"> {self.bound} by {self.gap}" if self.breaks else f"≤ {self.bound}")
                + f" (exact run of the method's rule; the compiled run agrees to "
                  f"{self.agreement:.1e})")
        if self.quadratic_worst is not None:
            holds = _sign(self.bound - self.quadratic_worst) != -1
            text += (f"; the worst quadratic of the class gives {self.quadratic_worst}"
                     + (", so the bound holds on every quadratic" if holds else ""))
        return text


def _fmt(hp: Mapping[str, sp.Expr]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in hp.items())


def _checked_optimum(function: PiecewiseQuadratic, cls: FunctionClass) -> Finding[bool]:
    if cls.convex is not True:
        raise UnsupportedError("counterexamples are built for convex classes (x* and f* exist)")
    member = function.membership(cls)
    if function.value(0) != 0 or function.derivative(0) != 0:
        raise DomainError("the function must be normalised to x* = 0, f* = 0 (f(0) = f′(0) = 0)")
    return member


def counterexample_on_function(cls: FunctionClass, method: Method | str,
                               hyperparameters: Mapping[str, object],
                               function: PiecewiseQuadratic, x0: object, steps: int,
                               bound: object, measure: str = "function_gap", *,
                               statement: str = "",
                               quadratic_worst: sp.Expr | None = None,
                               quadratic: PiecewiseQuadratic | None = None) -> Counterexample:
    """Run ``method`` exactly and compiled on ``function`` ∈ ``cls`` and compare with ``bound``.

    >>> ce = counterexample_on_function(smooth_convex(1), "gd", {"alpha": 1}, huber(1, 1), 2,
    ...                                 1, bound=1)
    >>> ce.measure, ce.breaks
    ((3/2, 1/2), False)
    """
    method_ = _method(method)
    steps = _steps(steps)
    name, at = _measure(measure)
    bound_ = _exact(bound, "bound")
    member = _checked_optimum(function, cls)
    hp = {k: _exact(v, k) for k, v in hyperparameters.items()}
    xs = reported_run(method_, hp, function, x0, steps)
    values = tuple(at(function, x) for x in xs)
    if measure == "min_gradient_norm":
        values = tuple(min(values[:k + 1], key=float) for k in range(len(values)))
    compiled = _compiled_run(method_, hp, function, xs[0], steps)
    exact = np.array([float(x) for x in xs])
    agreement = float(np.max(np.abs(compiled - exact)) / max(1.0, np.max(np.abs(exact))))
    statement = statement or (f"for every f in {cls.describe()}, {method_.name} with "
                              f"{_fmt(hp)} gives {name} ≤ {bound_} after {steps} steps")
    return Counterexample(statement, cls, function, member, method_, hp, tuple(xs), values,
                          name, bound_, compiled, agreement, quadratic_worst, quadratic)


def counterexample_from_points(cls: FunctionClass, method: Method | str,
                               points: Sequence[object], *,
                               hyperparameters: Mapping[str, object], steps: int,
                               bound: object, measure: str = "function_gap",
                               x0: object = None, statement: str = "",
                               quadratic_worst: sp.Expr | None = None,
                               quadratic: PiecewiseQuadratic | None = None) -> Counterexample:
    """The interpolating function of ``cls`` through 1-D ``points``, and the method run on it.

    ``points`` are triples (x, g, f) or :class:`Oracle` objects, e.g. the
    rationalised primal of a performance-estimation problem; the optimum
    (0, 0, 0) is added when missing. ``x0`` defaults to the first point that is
    not the optimum.

    >>> ce = counterexample_from_points(smooth_convex(1), "gd", [(0, 0, 0), (1, "1/3", "5/18")],
    ...                                 hyperparameters={"alpha": 1}, steps=1, bound="1/8")
    >>> ce.measure[-1], ce.breaks
    (1/6, True)
    """
    optimum = (sp.S.Zero, sp.S.Zero, sp.S.Zero)
    triples = [_triple(p, k) for k, p in enumerate(points)]
    if not triples:
        raise DomainError("counterexample_from_points needs at least one point")
    if x0 is None:
        starts = [t[0] for t in triples if t != optimum]
        if not starts:
            raise DomainError("every point is the optimum; give x0")
        x0 = starts[0]
    if optimum not in triples:
        triples.insert(0, optimum)
    function = interpolant(cls, triples)
    return counterexample_on_function(cls, method, hyperparameters, function, x0, steps, bound,
                                      measure, statement=statement,
                                      quadratic_worst=quadratic_worst, quadratic=quadratic)


def _symbolic_run(method: Method, hp: Mapping[str, sp.Expr], gradient: Any, x0: sp.Expr,
                  steps: int) -> tuple[list[sp.Expr], list[sp.Expr]]:
    """The points x₀…x_N where the gradient is taken, with g = gradient(x) (an expression
    in a parameter), and the iterates the method reports (``Method.reported``).

    Only for methods linear in the iterate, state and gradient (the worst cases
    below maximise polynomials in the parameter); others are refused with the
    reason :func:`symopt.guarantees.linear.recurrence_of` gives.
    """
    from symopt.guarantees.linear import recurrence_of

    recurrence_of(method, hp)  # raises UnsupportedError for Adam, sign methods, Newton, …
    if _sign(x0) != 1:
        raise DomainError(f"the radius R = |x₀ − x*| must be positive, got {x0}")
    rule = method.rule(**dict(hp))
    x = x0
    state = dict(method.initial_state(x0))
    xs, reported = [x], [method.reported_iterate(x, state)]
    for t in range(1, steps + 1):
        subs = {rule.x: x, rule.g: gradient(x), rule.t: sp.Integer(t), **state}
        x, state = (sp.expand(rule.x_next.xreplace(subs)),
                    {s: sp.expand(e.xreplace(subs)) for s, e in rule.state_next.items()})
        xs.append(x)
        reported.append(method.reported_iterate(x, state))
    return xs, reported


def _maximize(expr: sp.Expr, var: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """max of the polynomial ``expr`` over [lo, hi], exactly: (argmax, max)."""
    candidates = [lo, hi]
    derivative = sp.Poly(sp.diff(expr, var), var)
    if not derivative.is_zero:
        candidates += [r for r in sp.real_roots(derivative)
                       if _sign(r - lo) == 1 and _sign(hi - r) == 1]
    best = max(candidates, key=lambda c: (expr.subs(var, c)).evalf(50))
    value = expr.subs(var, best)
    for c in candidates:  # confirm the choice exactly
        if _sign(expr.subs(var, c) - value) == 1:  # pragma: no cover - evalf(50) suffices
            raise UnsupportedError("could not order the candidate maxima exactly")
    return best, value


def worst_quadratic(cls: FunctionClass, method: Method | str,
                    hyperparameters: Mapping[str, object], steps: int, radius: object = 1,
                    measure: str = "function_gap") -> tuple[sp.Expr, sp.Expr]:
    """The worst quadratic λx²/2 (λ ∈ [μ, L]) of the class from x₀ = R: (λ*, worst measure).

    The method's rule is unrolled exactly with g = λx; for a method whose
    iteration is diagonal in the eigenbasis (every method here starting from a
    zero state) this is also the worst over quadratics in any dimension with
    ‖x₀ − x*‖ = R.

    >>> worst_quadratic(smooth_convex(1), "gd", {"alpha": 1}, 1)
    (1/3, 2/27)
    """
    method_ = _method(method)
    steps = _steps(steps)
    _, at = _measure(measure)
    if measure == "min_gradient_norm":
        raise UnsupportedError("the worst quadratic is computed for measures at x_N; "
                               "min_k ‖∇f(x_k)‖² is not one")
    lam = sp.Symbol("lambda", real=True)
    hp = {k: _exact(v, k) for k, v in hyperparameters.items()}
    R = _exact(radius, "radius")
    _, xs = _symbolic_run(method_, hp, lambda x: lam * x, R, steps)
    quad = PiecewiseQuadratic((), (Quadratic(lam, 0, 0),))
    value = sp.expand(at(quad, xs[-1]))
    lo = cls.mu if _sign(cls.mu) == 1 else sp.S.Zero
    return _maximize(value, lam, lo, cls.L)


def _rational_near(cls: FunctionClass, method: Method | str,
                   hyperparameters: Mapping[str, object], steps: int, R: sp.Expr, measure: str,
                   lam: sp.Expr, bound: sp.Expr) -> sp.Expr:
    """A rational λ ∈ [μ, L] near the algebraic λ* whose quadratic still breaks ``bound`` when
    λ*'s does (else the closest of the tried approximations)."""
    _, at = _measure(measure)
    lo = cls.mu if _sign(cls.mu) == 1 else sp.S.Zero
    candidate = lam
    for digits in (4, 8, 16, 32, 64):
        candidate = sp.Rational(str(sp.N(lam, digits)))
        candidate = min(max(candidate, lo), cls.L)
        quad = PiecewiseQuadratic((), (Quadratic(candidate, 0, 0),))
        xs = reported_run(method, hyperparameters, quad, R, steps)
        if _sign(at(quad, xs[-1]) - bound) == 1:
            break
    return candidate


def worst_huber(cls: FunctionClass, method: Method | str, hyperparameters: Mapping[str, object],
                steps: int, radius: object = 1) -> tuple[sp.Expr, sp.Expr]:
    """The worst Huber function of F_{0,L} for f(x_N) − f* from x₀ = R: (τ*, worst value).

    On huber(L, τ) every iterate with x ≥ τ sees the gradient Lτ, so the run is
    the rule unrolled with g = Lτ; f(x_N) = Lτ·x_N − Lτ²/2 (x_N the reported
    iterate) is maximised over the τ for which every point the gradient is taken
    at, and x_N, stay at or above τ (exactly).

    >>> worst_huber(smooth_convex(1), "gd", {"alpha": 1}, 1)   # τ = R/(2N + 1)
    (1/3, 1/6)
    """
    method_ = _method(method)
    steps = _steps(steps)
    if _sign(cls.mu) != 0:
        raise UnsupportedError("the Huber family is in F_{0,L} only (μ = 0)")
    tau = sp.Symbol("tau", positive=True)
    hp = {k: _exact(v, k) for k, v in hyperparameters.items()}
    R, L = _exact(radius, "radius"), cls.L
    points, reported = _symbolic_run(method_, hp, lambda x: L * tau, R, steps)
    xs = [*points[:-1], reported[-1]]
    top = R
    for x in xs:  # x_k(τ) − τ ≥ 0 is linear in τ and holds at τ = 0
        slope = sp.Poly(x - tau, tau).coeff_monomial(tau)
        if _sign(slope) == -1:
            top = sp.Min(top, sp.simplify(-(x - tau).subs(tau, 0) / slope))
    value = sp.expand(L * tau * xs[-1] - L * tau**2 / 2)
    return _maximize(value, tau, sp.S.Zero, top)


def refute_bound(cls: FunctionClass, method: Method | str, hyperparameters: Mapping[str, object],
                 steps: int, bound: object, radius: object = 1,
                 measure: str = "function_gap") -> Finding[Counterexample]:
    """Look for a function of ``cls`` on which ``method`` breaks ``bound`` after N steps.

    The claim: for every f ∈ cls and ‖x₀ − x*‖ ≤ R, measure(x_N) ≤ bound. Tried
    in order: the worst quadratic λx²/2 of the class, then (convex class,
    function value) the worst Huber function, reached through its points and
    :func:`interpolant`. Unknown when neither breaks the bound — which is no
    proof that it holds.

    >>> refute_bound(smooth_convex(1), "gd", {"alpha": 1}, 1, bound="1/6").known
    False
    """
    steps = _steps(steps)
    bound_ = _exact(bound, "bound")
    R = _exact(radius, "radius")
    lam, q_value = worst_quadratic(cls, method, hyperparameters, steps, R, measure)
    if not lam.is_rational:  # an algebraic λ*: a rational λ close to it (compiled code needs it)
        lam = _rational_near(cls, method, hyperparameters, steps, R, measure, lam, bound_)
    statement = (f"for every f in {cls.describe()} and |x₀ − x*| ≤ {R}, {_method(method).name} "
                 f"with {_fmt({k: _exact(v, k) for k, v in hyperparameters.items()})} gives "
                 f"{_measure(measure)[0]} ≤ {bound_} after N = {steps} steps")
    quadratic = PiecewiseQuadratic((), (Quadratic(lam, 0, 0),))
    if _sign(q_value - bound_) == 1:
        ce = counterexample_on_function(cls, method, hyperparameters, quadratic, R, steps, bound_,
                                        measure, statement=statement, quadratic_worst=q_value,
                                        quadratic=quadratic)
        return Finding(ce, "broken already by the quadratic λx²/2 with λ = " + str(lam))
    if measure == "function_gap" and _sign(cls.mu) == 0:
        tau, h_value = worst_huber(cls, method, hyperparameters, steps, R)
        if _sign(h_value - bound_) == 1:
            h = huber(cls.L, tau)
            xs, reported = _symbolic_run(_method(method), {k: _exact(v, k) for k, v in
                                                           hyperparameters.items()},
                                         h.derivative, R, steps)
            points = [h.oracle(x) for x in (*xs[:-1], reported[-1])]
            ce = counterexample_from_points(cls, method, points, hyperparameters=hyperparameters,
                                            steps=steps, bound=bound_, measure=measure, x0=R,
                                            statement=statement, quadratic_worst=q_value,
                                            quadratic=quadratic)
            return Finding(ce, f"holds on every quadratic (worst {q_value}) but is broken by "
                               f"the interpolant through the iterates on huber(L, τ = {tau})")
    return Finding.unknown(
        f"neither the worst quadratic ({q_value}) nor the worst Huber function breaks the "
        "bound; this does not prove that it holds", quadratic_worst=q_value)


def drori_teboulle(L: object = 1, radius: object = 1, steps: int = 5) -> Counterexample:
    """GD with α = 1/L on F_{0,L}: the worst quadratic's value as a claimed bound, refuted.

    The claim f(x_N) − f* ≤ max_{λ∈[0,L]} λ/2 (1 − λ/L)^{2N} R² = L R²/(2(2N+1))
    · (2N/(2N+1))^{2N} holds on every quadratic; the Huber function with
    τ = R/(2N + 1) reaches L R²/(4N + 2) (Drori & Teboulle 2014).

    >>> ce = drori_teboulle(1, 1, 2)
    >>> ce.bound, ce.measure[-1]
    (128/3125, 1/10)
    """
    L_, R = _exact(L, "L"), _exact(radius, "radius")
    steps = _steps(steps)
    if steps < 1:
        raise DomainError("the Drori–Teboulle example needs N ≥ 1")
    claimed = L_ * R**2 / (2 * (2 * steps + 1)) * sp.Rational(2 * steps, 2 * steps + 1) ** (
        2 * steps)
    found = refute_bound(smooth_convex(L_), "gd", {"alpha": 1 / L_}, steps, claimed, R)
    if not found.known:  # pragma: no cover - the theorem says it is found
        raise UnsupportedError(found.reason)
    return found.value


# -- cycles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cycle:
    """An exact periodic orbit of the method on the function: states returning after ``period``.

    ``points`` are the iterates x on the orbit, ``states`` the method's state
    at each, ``pieces`` the piece of the function each point lies on.
    """

    points: tuple[sp.Expr, ...]
    states: tuple[dict[str, sp.Expr], ...]
    pieces: tuple[int, ...]

    @property
    def period(self) -> int:
        """The number of steps after which the orbit repeats."""
        return len(self.points)

    @property
    def distance(self) -> sp.Expr:
        """min |x − x*| over the orbit (x* = 0): the iterates never get closer."""
        return min((abs(p) for p in self.points), key=lambda v: float(v))


def _detect_period(xs: np.ndarray, longest: int, tol: float = 1e-9) -> int | None:
    tail = xs[-(3 * longest + 1):]
    for period in range(1, longest + 1):
        if np.all(np.abs(tail[period:] - tail[:-period]) <= tol * max(1.0, np.abs(tail).max())):
            return period
    return None


def _solve_cycle(method: Method, hp: Mapping[str, sp.Expr], function: PiecewiseQuadratic,
                 pieces: Sequence[int]) -> Cycle:
    """The periodic orbit visiting ``pieces`` in order, solved exactly (a linear system)."""
    rule = method.rule(**dict(hp))
    if rule.t in rule.x_next.free_symbols or any(rule.t in e.free_symbols
                                                 for e in rule.state_next.values()):
        raise UnsupportedError("a periodic orbit needs a rule that does not depend on t")
    names = [s.name for s in rule.state_next]
    P = len(pieces)
    xs = sp.symbols(f"_x0:{P}", real=True)
    ss = {n: sp.symbols(f"_{n}0:{P}", real=True) for n in names}
    equations = []
    by_name = {s.name: s for s in rule.state_next}
    for j, k in enumerate(pieces):
        piece = function.pieces[k]
        subs = {rule.x: xs[j], rule.g: piece.b + piece.c * xs[j]}
        subs.update({by_name[n]: ss[n][j] for n in names})
        nxt = (j + 1) % P
        equations.append(rule.x_next.xreplace(subs) - xs[nxt])
        equations += [by_name_e.xreplace(subs) - ss[n][nxt] for n, by_name_e in
                      ((s.name, e) for s, e in rule.state_next.items())]
    unknowns = [*xs, *(v for n in names for v in ss[n])]
    solutions = sp.linsolve(equations, unknowns)
    if len(solutions) != 1:
        raise UnsupportedError("the periodic orbit is not determined uniquely by its pieces")
    (solution,) = solutions
    if any(sp.S(v).free_symbols for v in solution):
        raise UnsupportedError("the periodic orbit is not determined uniquely by its pieces")
    values = dict(zip(unknowns, solution))
    points = tuple(sp.simplify(values[x]) for x in xs)
    states = tuple({n: sp.simplify(values[ss[n][j]]) for n in names} for j in range(P))
    for j, k in enumerate(pieces):
        if function.piece_index(points[j]) != k and function.derivative(points[j]) != \
                function.pieces[k].derivative(points[j]):
            raise UnsupportedError(f"the candidate orbit point {points[j]} is not on piece {k}")
    return Cycle(points, states, tuple(pieces))


@dataclass(frozen=True)
class Capture:
    """An exact proof that a run stays near the cycle from step ``step`` on.

    With d the deviation of the state (x, s) from the orbit's first state and
    M the linear part of ``period`` steps along the orbit's pieces, ``lyapunov``
    is Q ≻ 0 with MᵀQM − Q = −I (so ‖Md‖_Q ≤ ‖d‖_Q), and ``radius2`` is r² so
    small that every state of the ellipsoid dᵀQd ≤ r², and each of its next
    period − 1 images, keeps x on the orbit's piece and |x − x*| ≥ ``floor``.
    The exact run enters the ellipsoid at ``step``: by induction it stays
    there, and |x_k − x*| ≥ ``floor`` for every k ≥ ``step``.
    """

    step: int
    lyapunov: sp.Matrix
    radius2: sp.Expr
    floor: sp.Expr


def _affine_step(rule: Any, piece: Quadratic, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """The linear part of one step of ``rule`` on ``piece`` in the state ``variables``."""
    subs = {rule.g: piece.b + piece.c * rule.x}
    outputs = [rule.x_next, *(rule.state_next[v] for v in variables[1:])]
    return sp.Matrix([[sp.diff(e.xreplace(subs), v) for v in variables] for e in outputs])


def _capture(method: Method, hp: Mapping[str, sp.Expr], function: PiecewiseQuadratic,
             cycle: Cycle, xs: Sequence[sp.Expr], states: Sequence[Mapping[str, sp.Expr]]
             ) -> Capture | None:
    """Prove, exactly, that the run (xs, states) enters a neighbourhood of the cycle it keeps."""
    rule = method.rule(**dict(hp))
    variables = [rule.x, *rule.state_next]
    n = len(variables)
    steps = [_affine_step(rule, function.pieces[k], variables) for k in cycle.pieces]
    partial = [sp.eye(n)]
    for A in steps:
        partial.append(A * partial[-1])
    M = partial[-1]
    Q = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"_q{min(i, j)}_{max(i, j)}"))
    unknowns = sorted(Q.free_symbols, key=lambda q: q.name)
    solution = sp.solve(list(M.T * Q * M - Q + sp.eye(n)), unknowns, dict=True)
    if len(solution) != 1:
        return None
    Q = Q.xreplace(solution[0])
    if Q.free_symbols or not all(_sign(Q[:k, :k].det()) == 1 for k in range(1, n + 1)):
        return None  # no contraction: the orbit is not shown to attract
    Qinv = Q.inv()
    radius2 = None
    for j, k in enumerate(cycle.pieces):
        row = partial[j][0, :]
        spread = (row * Qinv * row.T)[0, 0]  # max of (x-deviation)² over dᵀQd ≤ 1
        point = cycle.points[j]
        room = [point**2 / 2]  # keep |x| ≥ |x*_j|(1 − 1/√2)
        ends = [*(function.breakpoints[k - 1:k] if k > 0 else ()),
                *(function.breakpoints[k:k + 1])]
        room += [(point - e) ** 2 for e in ends]
        candidate = min(room, key=float) / spread
        radius2 = candidate if radius2 is None else min(radius2, candidate, key=float)
    floor = min((abs(p) for p in cycle.points), key=float) * sp.Rational(29, 100)
    start = sp.Matrix([cycle.points[0], *(cycle.states[0][v.name] for v in variables[1:])])
    for step, (x, state) in enumerate(zip(xs, states)):
        d = sp.Matrix([x, *(state[v.name] for v in variables[1:])]) - start
        if _sign((d.T * Q * d)[0, 0] - radius2) != 1:
            return Capture(step, Q, radius2, floor)
    return None


@dataclass(frozen=True)
class CycleCounterexample:
    """A method that does not converge on a function of the class: an exact periodic orbit.

    ``returns`` is the exact check that ``period`` steps of the method's rule map
    the orbit's first state to itself; ``compiled_on_cycle`` the compiled run
    started on the orbit and ``compiled_from_x0`` the compiled run from x₀ at
    rest, which enters the cycle (``entry_distance``: its distance to the orbit
    at the end).
    """

    statement: str
    cls: FunctionClass
    function: PiecewiseQuadratic
    membership: Finding[bool]
    method: Method
    hyperparameters: dict[str, sp.Expr]
    rate: sp.Expr
    constant: sp.Expr
    power: int
    cycle: Cycle
    returns: bool
    broken_at: int
    gap: sp.Expr
    x0: sp.Expr
    compiled_from_x0: np.ndarray
    exact_from_x0: tuple[sp.Expr, ...]
    compiled_on_cycle: np.ndarray
    entry_distance: float
    agreement: float
    capture: Capture | None = None

    @property
    def verdict(self) -> Finding[bool]:
        """False when f is in the class, the orbit returns exactly and the bound breaks."""
        if self.membership.value is not True:
            return Finding.unknown(f"the function is not shown to be in the class: "
                                   f"{self.membership}")
        if not self.returns or _sign(self.gap) != 1:
            return Finding.unknown("no exact periodic orbit breaking the rate was found")
        return Finding(False, "false — counterexample: " + self.describe())

    def _bound_text(self) -> str:
        growth = "" if self.power == 0 else "(k + 1)·" if self.power == 1 else \
            f"(k + 1)^{self.power}·"
        return f"{self.constant}·{growth}({self.rate})^k·|x₀ − x*|"

    def bound(self, k: int) -> sp.Expr:
        """The claimed bound at step k from the orbit's first point."""
        return self.constant * (k + 1) ** self.power * self.rate**k * abs(self.cycle.points[0])

    def describe(self) -> str:
        """What the counterexample shows, in words."""
        pts = ", ".join(str(p) for p in self.cycle.points)
        return (f"{self.method.name} with {_fmt(self.hyperparameters)} on a function of "
                f"{self.cls.describe()} ({self.membership.reason}) has the exact periodic orbit "
                f"x = {pts} (period {self.cycle.period}, checked by iterating the method's rule "
                f"exactly); started on it (x₀ = {self.cycle.points[0]}, state "
                f"{_fmt(self.cycle.states[0])}), |x_k − x*| ≥ {self.cycle.distance} for every k, "
                f"while {self._bound_text()} falls below that at k = "
                f"{self.broken_at} (by {self.gap}); the compiled run from x₀ = {self.x0} at "
                f"rest enters the cycle (distance {self.entry_distance:.1e} after "
                f"{len(self.compiled_from_x0) - 1} steps)"
                + ("" if self.capture is None else
                   f"; exactly, the rule's run from x₀ = {self.x0} enters at step "
                   f"{self.capture.step} a neighbourhood of the orbit that the method keeps "
                   f"(Lyapunov matrix Q with MᵀQM − Q = −I over one period), so "
                   f"|x_k − x*| ≥ {self.capture.floor} for every k ≥ {self.capture.step}: "
                   f"from rest it never converges"))


def cycle_counterexample(cls: FunctionClass, method: Method | str,
                         hyperparameters: Mapping[str, object], function: PiecewiseQuadratic,
                         x0: object, rate: object, constant: object = 1, steps: int = 200,
                         longest_period: int = 12, power: int = 0) -> CycleCounterexample:
    """Refute "|x_k − x*| ≤ C·(k + 1)^p·ρ^k·|x₀ − x*|" with an exact periodic orbit.

    (``power`` = p; p = 1 is the form a double eigenvalue gives on quadratics.)

    The compiled method is run from ``x0`` (state at rest) for ``steps`` steps;
    the period and the pieces of the orbit it settles on are read from the
    run, then the orbit is solved exactly and verified by iterating the
    method's exact rule once around it.

    >>> ce = lessard_recht_packard()
    >>> ce.cycle.points, ce.returns
    ((792/1225, -2208/1225, 2592/1225), True)
    """
    method_ = _method(method)
    steps = _steps(steps)
    if isinstance(longest_period, bool) or not isinstance(longest_period, int) or \
            not 1 <= longest_period <= 1000:
        raise DomainError(f"longest_period must be an integer in [1, 1000], got "
                          f"{longest_period!r}")
    if steps < 3 * longest_period + 1:
        raise DomainError(f"{steps} steps are too few to see a cycle of period up to "
                          f"{longest_period}; take at least {3 * longest_period + 1}")
    hp = {k: _exact(v, k) for k, v in hyperparameters.items()}
    rho, C = _exact(rate, "rate"), _exact(constant, "constant")
    if _sign(rho) != 1 or _sign(1 - rho) != 1 or _sign(C) != 1:
        raise DomainError(f"the claimed rate must be in (0, 1) and C > 0, got ρ = {rho}, C = {C}")
    if isinstance(power, bool) or not isinstance(power, int) or not 0 <= power <= 10:
        raise DomainError(f"power must be an integer in [0, 10], got {power!r}")
    if method_.reported is not None:
        raise UnsupportedError(f"{method_.name} reports its state {method_.reported}, not the "
                               "point the gradient is taken at; periodic orbits are solved for "
                               "that point only")
    member = _checked_optimum(function, cls)
    x0_ = _exact(x0, "x0")
    compiled = _compiled_run(method_, hp, function, x0_, steps)
    period = _detect_period(compiled, longest_period)
    if period is None:
        raise UnsupportedError(f"the compiled run from x0 = {x0_} shows no cycle of period ≤ "
                               f"{longest_period} after {steps} steps")
    tail = compiled[-period:]
    pieces = [function.piece_index(sp.Rational(repr(float(v)))) for v in tail]
    cycle = _solve_cycle(method_, hp, function, pieces)
    # exact check: the method's rule maps the orbit's first state back to itself
    around, states = exact_run(method_, hp, function, cycle.points[0], period, cycle.states[0])
    returns = around[-1] == cycle.points[0] and states[-1] == cycle.states[0] and \
        list(around[:-1]) == list(cycle.points)
    start = cycle.points[0]
    m = cycle.distance
    k = 0
    while _sign(C * (k + 1) ** power * rho**k * abs(start) - m) != -1:
        k += 1
        if k > MAX_STEPS:  # pragma: no cover - ρ < 1
            raise UnsupportedError("the claimed bound does not fall below the orbit's distance")
    gap = m - C * (k + 1) ** power * rho**k * abs(start)
    on_cycle = _compiled_run(method_, hp, function, start, steps, cycle.states[0])
    exact_x0, exact_states = exact_run(method_, hp, function, x0_, min(steps, 60))
    capture = _capture(method_, hp, function, cycle, exact_x0, exact_states)
    agreement = float(np.max(np.abs(compiled[:len(exact_x0)]
                                    - np.array([float(v) for v in exact_x0]))))
    phase = [float(p) for p in cycle.points]
    entry = float(min(np.max(np.abs(np.roll(phase, -s)[:period]
                                    - compiled[-period:])) for s in range(period)))
    growth = "" if power == 0 else f"(k + 1)^{power}·"
    statement = (f"for every f in {cls.describe()}, {method_.name} with {_fmt(hp)} gives "
                 f"|x_k − x*| ≤ {C}·{growth}({rho})^k·|x₀ − x*| for every k")
    return CycleCounterexample(statement, cls, function, member, method_, hp, rho, C, power,
                               cycle,
                               returns, k, gap, x0_, compiled, tuple(exact_x0), on_cycle, entry,
                               agreement, capture)


def lessard_recht_packard(x0: object = "307/100", steps: int = 200,
                          constant: object = 2, power: int = 1) -> CycleCounterexample:
    """Heavy ball tuned for quadratics cycles on a piecewise quadratic of F_{1,25}.

    L = 25, μ = 1, κ = 25: α = 4/(√L + √μ)² = 1/9, β = ((√κ − 1)/(√κ + 1))² = 4/9, the
    rate on quadratics (√κ − 1)/(√κ + 1) = 2/3. The function has ∇f(x) = 25x
    (x < 1), x + 24 (1 ≤ x < 2), 25x − 24 (x ≥ 2) (Lessard, Recht & Packard 2016,
    §4.6). The claim refuted is |x_k − x*| ≤ C·(k + 1)·(2/3)^k·|x₀ − x*| (the form
    the double eigenvalue ±2/3 gives on quadratics; from rest the quadratics of
    the class stay below C = 2, their supremum on a fine grid of λ being about
    1.665); every C and every power of k + 1 fails, later for larger ones. The
    paper's classical form
    x⁺ = x − α∇f(x) + β(x − x₋) is symopt's torch form b ← βb + ∇f, x ← x − αb
    with the same α and β (b = (x₋ − x)/α); starting at rest (x₋ = x₀) is b₀ = 0.

    >>> lessard_recht_packard().hyperparameters
    {'alpha': 1/9, 'beta': 4/9}
    """
    L, mu = sp.Integer(25), sp.Integer(1)
    kappa = L / mu
    alpha = sp.simplify(4 / (sp.sqrt(L) + sp.sqrt(mu)) ** 2)
    beta = sp.simplify(((sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)) ** 2)
    rate = sp.simplify((sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1))
    f = from_gradient((1, 2), ((25, 0), (1, 24), (25, -24)))
    return cycle_counterexample(smooth_strongly_convex(L, mu), "heavy_ball",
                                {"alpha": alpha, "beta": beta}, f, x0, rate, constant, steps,
                                power=power)
