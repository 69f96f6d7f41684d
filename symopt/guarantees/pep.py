"""The performance-estimation problem (PEP) of a linear first-order method over a class.

The worst case of a measure after N steps over every function of a class
F_{μ,L} and every start with the initial condition is the value of a small
semidefinite program (Drori & Teboulle 2014; Taylor, Hendrickx & Glineur 2017):
the unknowns are the Gram matrix G of the basis vectors (x₀ − x*, g₀, …, g_N)
and the function values (f₀, …, f_N), every iterate being a fixed linear
combination of the basis (read off the method's ``rule()`` by
:mod:`symopt.guarantees.linear`), and the constraints are the class's
interpolation conditions between every pair of points (from
:meth:`FunctionClass.conditions`), the initial condition and G ⪰ 0.

The measure and the initial condition are taken at the iterates the method
*reports* (:meth:`Method.reported_iterate`): Nesterov's look-ahead form queries
the oracle at y_k and reports x_k, so f(x_N) − f* is measured at an oracle point
x_N of its own, not at y_N.

**Why a small cvxpy SDP and not PEPit.** PEPit builds the same SDP and can
report the primal Gram matrix and the dual value of each constraint; but it
writes the interpolation conditions itself. symopt writes them once, in
:mod:`symopt.guarantees.classes`, and the exact certificate of
:mod:`symopt.guarantees.exact` must be a SymPy identity in *those* symbolic
conditions. So the SDP here is built from the symbolic conditions: each is a
quadratic form in the basis plus a linear form in the function values, whose
coefficient matrices are read with :class:`sympy.Poly`. The numeric dual then
attaches to the very expressions the certificate is written in, labelled
``interp(i,j)``. PEPit remains the independent cross-check: the tests run its
example functions and compare values to 1e-6 relative. The solver is Clarabel
(interior point, accurate duals), with SCS as the fallback.

The dual certificate: with multipliers λ ≥ 0 on the conditions cᵢ, ν ≥ 0 on the
initial quantity I and weights w ≥ 0 (Σw = 1) on the measures mⱼ,

    ν·I − Σ wⱼ mⱼ − Σ λᵢ cᵢ = vᵀ S v  with S ⪰ 0  and no function values left,

so min_j mⱼ ≤ Σ wⱼ mⱼ ≤ ν·I ≤ ν·bound.

>>> from symopt.guarantees import smooth_convex
>>> pep = PerformanceProblem(smooth_convex(1), "gd", 1, "function_gap", "distance",
...                          hyperparameters={"alpha": 1})
>>> [str(s) for s in pep.basis], len(pep.conditions)
(['x0', 'g0', 'g1'], 6)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sympy as sp

from symopt.errors import DomainError, SymoptError, UnsupportedError
from symopt.guarantees.classes import FunctionClass, Oracle
from symopt.guarantees.linear import LinearRecurrence, linear_recurrence
from symopt.guarantees.measures import Initial, Measure, initial_condition, measure
from symopt.methods.base import Method

__all__ = ["MAX_STEPS", "PEPResult", "PerformanceProblem", "quadratic_form"]

#: The largest number of steps a PEP is built for (its size grows like N²).
MAX_STEPS = 60


@dataclass(frozen=True)
class PEPResult:
    """A numeric worst case: the SDP's value, its primal solution and its dual.

    ``multipliers`` maps each condition label (``interp(i,j)``, ``initial``,
    ``measure(k)``) to its dual value; ``residual`` is S = the basis quadratic
    form left by the dual (PSD up to the solver's accuracy); ``gram`` and
    ``function_values`` are the primal worst case in the order of the problem's
    ``basis`` and ``values``.
    """

    value: float
    status: str
    duality_gap: float
    gram: Any
    function_values: Any
    multipliers: dict[str, float]
    residual: Any
    solver: str
    problem: PerformanceProblem = field(repr=False)

    @property
    def bound(self) -> float:
        """The worst case as a factor of the initial quantity: value / initial bound."""
        return self.value / float(self.problem.initial.bound)

    def summary(self) -> str:
        """One line: value, status and gap.

        >>> from symopt.guarantees import smooth_convex
        >>> PerformanceProblem(smooth_convex(1), "gd", 1, "function_gap", "distance",
        ...     hyperparameters={"alpha": 1}).solve().summary()[:29]
        'worst case 0.16667… (optimal,'
        """
        gap = f"gap {self.duality_gap:.1e}"
        return f"worst case {self.value:.5f}… ({self.status}, {gap}, {self.solver})"


@dataclass
class PerformanceProblem:
    """The PEP of ``method`` over ``cls``: worst ``measure`` after N steps under ``initial``.

    ``method`` is a registered name, a :class:`Method` or a
    :class:`~symopt.guarantees.linear.LinearRecurrence`; ``hyperparameters`` are
    passed to its ``rule()``.
    """

    cls: FunctionClass
    method: str | Method | LinearRecurrence
    N: int
    measure: Measure | str
    initial: Initial | str | Mapping[str, object] = "distance"
    hyperparameters: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.N
        if isinstance(n, bool) or not isinstance(n, int):
            raise DomainError(f"N must be an integer number of steps, got {n!r}")
        if n < 0 or n > MAX_STEPS:
            raise DomainError(f"N must be between 0 and {MAX_STEPS}, got {n}")
        self.measure = measure(self.measure)
        self.initial = initial_condition(self.initial)
        if not isinstance(self.method, LinearRecurrence):
            self.method = linear_recurrence(self.method, **self.hyperparameters)
        has_min = self.cls.has_minimizer
        for part, name in ((self.measure, "measure"), (self.initial, "initial condition")):
            if part.needs_minimizer and not has_min:
                raise UnsupportedError(
                    f"the {name} refers to x* or f*, but the class {self.cls.describe()} "
                    "has no minimizer in its statement; use min_gradient_norm / "
                    "gradient_norm with the initial condition function_decrease"
                )
        if not self.initial.needs_minimizer and not self.initial.needs_last_oracle:
            raise DomainError("the initial condition must bound the start")

    # -- the symbolic problem -------------------------------------------------

    @cached_property
    def recurrence(self) -> LinearRecurrence:
        """The method's linear recurrence."""
        assert isinstance(self.method, LinearRecurrence)
        return self.method

    @cached_property
    def _layout(self) -> tuple[tuple[sp.Symbol, ...], list[sp.Expr], list[Oracle],
                               list[Oracle | None]]:
        """The basis, the reported iterates, the oracle points and the oracle at each
        reported iterate (None where the measure and the initial condition need none).

        The gradient is taken at the parameters x₀, …, x_{N−1} (oracles ``0`` … ``N−1``).
        The measure and the initial condition refer to the *reported* iterates: the
        parameters (then x_N is oracle ``N``), or the method's ``reported`` state. In
        the latter case the parameters are the query points y_k (oracles ``y0`` …) and a
        reported x_k is the query oracle at the same point when the two coincide, else an
        oracle of its own, ``x{k}``.
        """
        n = self.N
        query, own = ("y", "x") if self.recurrence.reported else ("", "")
        x0 = sp.Symbol("x0", real=True)
        grads = [sp.Symbol(f"g{query}{k}", real=True) for k in range(n)]
        points = self.recurrence.unroll(n, x0, grads)
        iterates = self.recurrence.unroll_reported(n, x0, grads)
        free = set().union(*(x.free_symbols for x in (*points, *iterates))) - {x0, *grads}
        if free:
            raise UnsupportedError(
                "a numeric PEP needs numeric hyperparameters; "
                f"{', '.join(sorted(map(str, free)))} are symbolic (a symbolic statement "
                "needs a potential certificate instead)"
            )
        oracles = [Oracle(points[k], grads[k], sp.Symbol(f"f{query}{k}", real=True),
                          f"{query}{k}") for k in range(n)]
        at_reported: list[Oracle | None] = [None] * (n + 1)
        for k in self._reported_needed(iterates):
            if k < n and sp.expand(iterates[k] - points[k]) == 0:
                at_reported[k] = oracles[k]
                continue
            name = f"{own}{k}"
            at_reported[k] = Oracle(iterates[k], sp.Symbol(f"g{name}", real=True),
                                    sp.Symbol(f"f{name}", real=True), name)
            oracles.append(at_reported[k])
        return (x0, *(o.g for o in oracles)), iterates, oracles, at_reported

    def _reported_needed(self, iterates: list[sp.Expr]) -> list[int]:
        """The reported iterates whose f or ∇f the measure or the initial condition uses
        (read by evaluating both on placeholder oracles)."""
        probes = [Oracle(x, sp.Dummy(f"g{k}"), sp.Dummy(f"f{k}"), str(k))
                  for k, x in enumerate(iterates)]
        used = set().union(*(e.free_symbols for e in (
            *self.measure.expressions(iterates, probes),
            self.initial.expression(iterates, probes))))
        return [k for k, o in enumerate(probes) if {o.g, o.f} & used]

    @cached_property
    def evaluated(self) -> int:
        """How many points the oracle is called at (the N gradient points, and the reported
        iterates whose f or ∇f the measure or the initial condition needs)."""
        return len(self.oracles)

    @cached_property
    def basis(self) -> tuple[sp.Symbol, ...]:
        """The vector symbols: x0 (= x₀ − x*) and the gradient of each oracle, g0, g1, …"""
        return self._layout[0]

    @cached_property
    def values(self) -> tuple[sp.Symbol, ...]:
        """The function-value symbols f0, f1, … of the oracles (f* = 0)."""
        return tuple(o.f for o in self.oracles)

    @cached_property
    def iterates(self) -> list[sp.Expr]:
        """The reported iterates x₀, …, x_N in the basis (what the measure refers to)."""
        return self._layout[1]

    @cached_property
    def oracles(self) -> list[Oracle]:
        """The oracle points (x, g, f) the method and the measure visit, in basis order."""
        return self._layout[2]

    @cached_property
    def conditions(self) -> list[tuple[str, sp.Expr]]:
        """Every interpolation condition ``(label, expr ≥ 0)``, labelled ``interp(i,j)``."""
        points = list(self.oracles)
        if self.cls.has_minimizer:
            points.append(Oracle.optimum())
        names = [p.name for p in points]
        if self.cls.L.free_symbols or self.cls.mu.free_symbols:
            raise UnsupportedError(
                f"a numeric PEP needs numeric L and μ, got {self.cls.describe()}"
            )
        return [(f"interp({names[i]},{names[j]})", sp.expand(expr))
                for i, j, expr in self.cls.conditions(points)]

    @cached_property
    def measures(self) -> tuple[sp.Expr, ...]:
        """The measure's expression(s) (several: their minimum)."""
        return tuple(sp.expand(m) for m in self.measure.expressions(self.iterates,
                                                                    self._layout[3]))

    @cached_property
    def initial_expression(self) -> sp.Expr:
        """The left-hand side of the initial condition."""
        return self.initial.expression(self.iterates, self._layout[3])

    def describe(self) -> str:
        """The problem in words.

        >>> from symopt.guarantees import smooth_convex
        >>> PerformanceProblem(smooth_convex(1), "gd", 2, "function_gap", "distance",
        ...                    hyperparameters={"alpha": 1}).describe()[:60]
        'worst f(x_2) − f* after 2 steps of gradient descent over 1-s'
        """
        reported = self.recurrence.reported
        where = "" if reported == 0 else (
            f" (x_k is the reported iterate, the method's state "
            f"{self.recurrence.variables[reported]}; the gradient is taken at its parameters)")
        return (f"worst {self.measure.describe(self.N)} after {self.N} steps of "
                f"{self.recurrence.name} over {self.cls.describe()} functions with "
                f"{self.initial.describe(self.N)}{where}")

    # -- the numeric SDP ------------------------------------------------------

    def solve(self, solver: str | None = None) -> PEPResult:
        """Solve the SDP (Clarabel, else SCS) and return the primal and dual solution.

        >>> from symopt.guarantees import smooth_convex
        >>> r = PerformanceProblem(smooth_convex(1), "gd", 1, "function_gap", "distance",
        ...                        hyperparameters={"alpha": 1}).solve()
        >>> round(r.value, 6)  # L R²/(4N + 2)
        0.166667
        """
        import cvxpy as cp
        import numpy as np

        n, m = len(self.basis), len(self.values)

        def stack(exprs):
            forms = [quadratic_form(e, self.basis, self.values) for e in exprs]
            q = np.array([np.asarray(Q, dtype=float).reshape(-1) for Q, _ in forms])
            a = np.array([np.asarray(a, dtype=float).reshape(-1) for _, a in forms])
            return q.reshape(len(exprs), n * n), a.reshape(len(exprs), m)

        cq, ca = stack([e for _, e in self.conditions])
        mq, ma = stack(self.measures)
        iq, ia = stack([self.initial_expression])
        gram = cp.Variable((n, n), symmetric=True)
        values = cp.Variable(m) if m else None
        tau = cp.Variable()
        vec = cp.reshape(gram, (n * n,), order="C")

        def lin(q, a):
            out = q @ vec
            return out + a @ values if m else out

        bound = float(self.initial.bound)
        constraints = [lin(mq, ma) >= tau, lin(iq, ia) <= bound, gram >> 0]
        if len(cq):
            constraints.insert(0, lin(cq, ca) >= 0)
        problem = cp.Problem(cp.Maximize(tau), constraints)
        used = _solve(problem, solver)
        status = problem.status
        if status in ("unbounded", "unbounded_inaccurate"):
            raise UnsupportedError(
                f"the worst case is unbounded: {self.describe()} has no finite bound"
            )
        if status not in ("optimal", "optimal_inaccurate"):
            raise SymoptError(f"the PEP solver {used} ended with status {status}")
        duals = [np.atleast_1d(c.dual_value) for c in constraints[:-1]]
        if len(cq):
            lam, w, nu = duals
        else:
            (w, nu), lam = duals, np.zeros(0)
        nu = float(nu[0])
        residual = (nu * iq[0] - w @ mq - lam @ cq).reshape(n, n)
        residual = (residual + residual.T) / 2
        multipliers = {label: float(v) for (label, _), v in zip(self.conditions, lam)}
        multipliers["initial"] = nu
        multipliers.update({f"measure({k})": float(v) for k, v in enumerate(w)})
        value = float(problem.value)
        return PEPResult(
            value=value,
            status=status,
            duality_gap=abs(value - nu * bound),
            gram=np.asarray(gram.value),
            function_values=np.asarray(values.value) if m else np.zeros(0),
            multipliers=multipliers,
            residual=residual,
            solver=used,
            problem=self,
        )


def _solve(problem: Any, solver: str | None) -> str:
    """Solve with ``solver`` or Clarabel, falling back to SCS; return the solver used.

    A solver error, or a panic inside the solver's native code, moves on to the next.
    """
    import cvxpy as cp

    order = [solver] if solver else ["CLARABEL", "SCS"]
    last: Exception | None = None
    for name in order:
        if name not in cp.installed_solvers():
            continue
        try:
            problem.solve(solver=name)
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:
            last = exc
            continue
        if problem.status not in ("infeasible_inaccurate", "unbounded_inaccurate", None):
            return name
    raise SymoptError(f"no SDP solver succeeded ({', '.join(order)}): "
                      f"{str(last).splitlines()[0] if last else 'none installed'}")


def quadratic_form(expr: sp.Expr, basis: tuple[sp.Symbol, ...], values: tuple[sp.Symbol, ...]
                   ) -> tuple[sp.Matrix, sp.Matrix]:
    """(Q, a) with ``expr = vᵀ Q v + aᵀ f`` exactly (Q symmetric), via :class:`sympy.Poly`.

    >>> x, g, f = sp.symbols("x g f")
    >>> quadratic_form(f - x*g + g**2/2, (x, g), (f,))
    (Matrix([
    [   0, -1/2],
    [-1/2,  1/2]]), Matrix([[1]]))
    """
    n = len(basis)
    Q = sp.zeros(n, n)
    a = sp.zeros(1, len(values))
    gens = (*basis, *values)
    for monomial, c in sp.Poly(expr, *gens).terms():
        if c == 0:
            continue
        vec, fun = monomial[:n], monomial[n:]
        degree_v, degree_f = sum(vec), sum(fun)
        if degree_f == 1 and degree_v == 0:
            a[fun.index(1)] += c
        elif degree_f == 0 and degree_v == 2:
            idx = [i for i, d in enumerate(vec) for _ in range(d)]
            if idx[0] == idx[1]:
                Q[idx[0], idx[0]] += c
            else:
                Q[idx[0], idx[1]] += c / 2
                Q[idx[1], idx[0]] += c / 2
        else:
            raise UnsupportedError(
                f"{expr} is not a quadratic form in the vectors plus a linear form in the "
                "function values (a term of the wrong degree)"
            )
    return Q, a
