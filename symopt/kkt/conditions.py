"""The Lagrangian and the four KKT conditions of a constrained problem.

For ``min f(x)`` subject to ``g_i(x) ≤ 0`` and ``h_j(x) = 0`` the Lagrangian is
``L = f + Σ λ_i g_i + Σ ν_j h_j`` and a KKT point satisfies stationarity
``∇ₓL = 0``, primal feasibility, dual feasibility ``λ ≥ 0`` and complementary
slackness ``λ_i g_i = 0``.

>>> from symopt import Problem
>>> c = kkt_conditions(Problem("x**2", constraints=["x >= 1"]))
>>> c.lagrangian
lambda*(1 - x) + x**2
>>> c.stationarity
(-lambda + 2*x,)
>>> c.complementary_slackness
(Eq(lambda*(1 - x), 0),)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import sympy as sp

from symopt.errors import UnsupportedError
from symopt.problem import Problem
from symopt.symbols import symbol

__all__ = ["KKTConditions", "kkt_conditions", "lagrangian"]


@dataclass(frozen=True)
class KKTConditions:
    """The data of the KKT system: f, g_i ≤ 0, h_j = 0, multipliers and the Lagrangian."""

    variables: tuple[sp.Symbol, ...]
    parameters: tuple[sp.Symbol, ...]
    objective: sp.Expr
    inequalities: tuple[sp.Expr, ...]
    equalities: tuple[sp.Expr, ...]
    ineq_multipliers: tuple[sp.Symbol, ...]
    eq_multipliers: tuple[sp.Symbol, ...]
    lagrangian: sp.Expr
    texts: tuple[str, ...] = ()

    @property
    def stationarity(self) -> tuple[sp.Expr, ...]:
        """∂L/∂x_k for each variable (each must vanish)."""
        return tuple(sp.expand(sp.diff(self.lagrangian, v)) for v in self.variables)

    @property
    def primal_feasibility(self) -> tuple[sp.Basic, ...]:
        """g_i ≤ 0 and h_j = 0, unevaluated."""
        return tuple(sp.Le(g, 0, evaluate=False) for g in self.inequalities) + tuple(
            sp.Eq(h, 0, evaluate=False) for h in self.equalities
        )

    @property
    def dual_feasibility(self) -> tuple[sp.Basic, ...]:
        """λ_i ≥ 0."""
        return tuple(sp.Ge(lam, 0, evaluate=False) for lam in self.ineq_multipliers)

    @property
    def complementary_slackness(self) -> tuple[sp.Basic, ...]:
        """λ_i g_i = 0."""
        return tuple(
            sp.Eq(lam * g, 0, evaluate=False)
            for lam, g in zip(self.ineq_multipliers, self.inequalities)
        )

    def active_sets(self) -> list[tuple[int, ...]]:
        """Every subset of inequality indices, smallest first (2^m of them)."""
        m = len(self.inequalities)
        return [s for size in range(m + 1) for s in combinations(range(m), size)]

    def constraint_gradients(self, active: Sequence[int]) -> list[sp.Matrix]:
        """Gradients (rows) of the active inequalities, then of every equality."""
        exprs = [self.inequalities[i] for i in active] + list(self.equalities)
        return [sp.Matrix([[sp.diff(e, v) for v in self.variables]]) for e in exprs]

    @property
    def hessian(self) -> sp.Matrix:
        """∇²ₓₓL (multipliers still symbolic)."""
        return sp.hessian(self.lagrangian, self.variables)


def _multipliers(base: str, count: int, taken: set[str]) -> tuple[sp.Symbol, ...]:
    names = [base] if count == 1 else [f"{base}_{i}" for i in range(1, count + 1)]
    if taken & set(names):
        names = [f"{base}kkt_{i}" for i in range(1, count + 1)]
    if taken & set(names):
        raise UnsupportedError(f"cannot name the multipliers: {names} are used by the problem")
    return tuple(symbol(n) for n in names)


def kkt_conditions(problem: Problem) -> KKTConditions:
    """The Lagrangian and KKT conditions of ``problem`` (multipliers λ for g ≤ 0, ν for h = 0).

    One inequality gets the multiplier ``lambda``, several get ``lambda_1, lambda_2, ...``
    (likewise ``nu`` for equalities).

    >>> from symopt import Problem
    >>> c = kkt_conditions(Problem("x**2 + y**2", constraints=["x + y = 1", "x <= 3"]))
    >>> c.lagrangian
    lambda*(x - 3) + nu*(x + y - 1) + x**2 + y**2
    >>> c.dual_feasibility
    (lambda >= 0,)
    """
    variables = problem.variables
    for constraint in problem.constraints:
        if not constraint.expr.free_symbols & set(variables):
            raise UnsupportedError(
                f"constraint {constraint.text or constraint.expr} involves no variable "
                f"(variables: {', '.join(map(str, variables))})"
            )
    ineq = tuple(c.expr for c in problem.constraints if c.kind == "ineq")
    eq = tuple(c.expr for c in problem.constraints if c.kind == "eq")
    taken = {s.name for s in set(variables) | set(problem.parameters)}
    lam = _multipliers("lambda", len(ineq), taken)
    nu = _multipliers("nu", len(eq), taken)
    L = problem.objective + sum((m * g for m, g in zip(lam, ineq)), sp.S.Zero) + sum(
        (m * h for m, h in zip(nu, eq)), sp.S.Zero
    )
    texts = tuple(c.text for c in problem.constraints if c.kind == "ineq") + tuple(
        c.text for c in problem.constraints if c.kind == "eq"
    )
    return KKTConditions(
        variables, problem.parameters, problem.objective, ineq, eq, lam, nu, L, texts
    )


def lagrangian(problem: Problem) -> sp.Expr:
    """L(x, λ, ν) = f + Σλᵢgᵢ + Σνⱼhⱼ.

    >>> from symopt import Problem
    >>> lagrangian(Problem("x**2", constraints=["x >= 1"]))
    lambda*(1 - x) + x**2
    """
    return kkt_conditions(problem).lagrangian
