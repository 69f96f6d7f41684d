"""LICQ and the second-order conditions on the critical cone.

At a KKT point x* with multipliers (λ, ν) let H = ∇²ₓₓL(x*, λ, ν). The critical
cone C is the set of directions d with ∇hⱼ·d = 0, ∇gᵢ·d = 0 for active gᵢ with
λᵢ > 0 and ∇gᵢ·d ≤ 0 for active gᵢ with λᵢ = 0 (Nocedal & Wright, Thm 12.5–12.6):

* dᵀHd > 0 on C \\ {0} (SOSC) ⇒ x* is a strict local minimum (no constraint
  qualification needed);
* under LICQ, dᵀHd < 0 for some d ∈ C ⇒ x* is not a local minimum (SONC fails).

Positivity on the polyhedral cone is decided through two subspaces: the span
with every uncertain or degenerate row dropped (contains C: positive definite
there ⇒ SOSC) and the one with every row kept as an equality (inside C: a
negative direction there ⇒ SONC fails). Anything between is reported unknown.

>>> import sympy as sp
>>> from symopt import Problem
>>> from symopt.kkt.conditions import kkt_conditions
>>> c = kkt_conditions(Problem("x**2 - y**2", constraints=["y <= 1"]))
>>> x, y = c.variables
>>> classify(c, {x: 0, y: 1}, {c.ineq_multipliers[0]: 2}, (0,)).value
'minimum'
>>> classify(c, {x: 0, y: 0}, {c.ineq_multipliers[0]: 0}, ()).value
'neither'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import sympy as sp

from symopt.kkt.conditions import KKTConditions
from symopt.result import Finding

__all__ = ["classify", "licq"]


def licq(conditions: KKTConditions, point: Mapping[sp.Symbol, sp.Expr],
         active: Sequence[int]) -> Finding[bool]:
    """Whether the active constraint gradients at ``point`` are linearly independent.

    >>> from symopt import Problem
    >>> from symopt.kkt.conditions import kkt_conditions
    >>> c = kkt_conditions(Problem("x", constraints=["x**2 <= 0"]))
    >>> print(licq(c, {c.variables[0]: 0}, (0,)))
    False (LICQ fails: the active constraint gradients [[0]] are linearly dependent at x = 0)
    """
    rows = [r.subs(point) for r in conditions.constraint_gradients(active)]
    if not rows:
        return Finding(True, "no constraint is active")
    J = sp.Matrix.vstack(*rows).applyfunc(sp.simplify)
    where = _where(point)
    shown = J.tolist()
    if J.rows > J.cols:
        return Finding(False, f"LICQ fails: {J.rows} active constraints in {J.cols} variables "
                       f"at {where}", {"gradients": J})
    gram = sp.simplify((J * J.T).det())
    if gram.is_zero:
        return Finding(False, f"LICQ fails: the active constraint gradients {shown} are "
                       f"linearly dependent at {where}", {"gradients": J})
    if gram.is_zero is False:
        return Finding(True, f"the active constraint gradients {shown} are linearly "
                       f"independent (Gram determinant {gram})", {"gradients": J})
    return Finding.unknown(f"linear independence of {shown} depends on the parameters "
                           f"(Gram determinant {gram})")


def classify(conditions: KKTConditions, point: Mapping[sp.Symbol, sp.Expr],
             multipliers: Mapping[sp.Symbol, sp.Expr], active: Sequence[int],
             regular: Finding[bool] | None = None) -> Finding[str]:
    """'minimum' / 'maximum' (strict, local) / 'neither', or unknown with the reason."""
    regular = regular if regular is not None else licq(conditions, point, active)
    values = {**dict(point), **dict(multipliers)}
    values.update({m: 0 for m in conditions.ineq_multipliers if m not in multipliers})
    H = conditions.hessian.subs(values).applyfunc(sp.simplify)
    unresolved = H.free_symbols & (set(conditions.ineq_multipliers)
                                   | set(conditions.eq_multipliers))
    if unresolved:
        return Finding.unknown(
            "the multipliers are not unique (LICQ fails) and ∇²L depends on them "
            f"({', '.join(map(str, sorted(unresolved, key=str)))})"
        )
    eq_rows = [r.subs(point) for r in conditions.constraint_gradients(())]
    signs = {i: _sign(sp.simplify(values[conditions.ineq_multipliers[i]])) for i in active}
    rows = {i: conditions.constraint_gradients((i,))[0].subs(point) for i in active}
    strong = [rows[i] for i in active if signs[i] == 1]
    loose = [rows[i] for i in active if signs[i] != 1]

    # Minimum: SOSC on a superset of C, SONC on a subset of C.
    outer = _restricted(H, eq_rows + strong)
    inner = _restricted(H, eq_rows + strong + loose)
    is_min, not_min = _positive_definite(outer), _not_semidefinite(inner)
    if is_min is True and outer.rows == 0:
        return Finding("minimum", "strict local minimum: the critical cone is {0}, so the "
                       "second-order sufficient condition holds trivially",
                       {"reduced_hessian": outer})
    if is_min is True:
        return Finding("minimum", "strict local minimum: ∇²L is positive definite on the "
                       f"critical cone (reduced Hessian {_show(outer)})",
                       {"reduced_hessian": outer})

    # Maximum: a KKT point of -f as well needs every active λ = 0 (unique under LICQ).
    all_zero = all(signs[i] == 0 for i in active)
    is_max = not_max = None
    if all_zero:
        outer_max = _restricted(-H, eq_rows)
        inner_max = _restricted(-H, eq_rows + [rows[i] for i in active])
        is_max, not_max = _positive_definite(outer_max), _not_semidefinite(inner_max)
        if is_max is True:
            return Finding("maximum", "strict local maximum: ∇²L is negative definite on "
                           f"the critical cone (reduced Hessian {_show(-outer_max)})",
                           {"reduced_hessian": -outer_max})
    elif any(signs[i] == 1 for i in active) and regular.value is True:
        not_max = True  # moving into the constraint increases f (λᵢ > 0, LICQ)

    if regular.value is True and not_min is True and not_max is True:
        return Finding("neither", "second-order necessary conditions fail for a minimum "
                       f"(∇²L has a negative direction on the critical cone, reduced Hessian "
                       f"{_show(inner)}) and for a maximum", {"reduced_hessian": inner})
    if regular.value is not True and (not_min is True or not_max is True):
        return Finding.unknown("the second-order necessary test needs LICQ, which "
                               f"does not hold here ({regular.reason})")
    if any(s is None for s in signs.values()):
        free = [m for m in conditions.ineq_multipliers if values.get(m) == m]
        return Finding.unknown(
            f"the multipliers {', '.join(map(str, free))} are not unique (LICQ fails)" if free
            else "the sign of a multiplier depends on the parameters")
    return Finding.unknown("the second-order test is inconclusive: ∇²L is only semidefinite "
                           f"(or of undecided sign) on the critical cone (reduced Hessian "
                           f"{_show(outer)})")


# -- helpers --------------------------------------------------------------------

def _where(point: Mapping[sp.Symbol, sp.Expr]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in point.items())


def _sign(value: sp.Expr) -> int | None:
    if value.is_zero:
        return 0
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    return None


def _restricted(H: sp.Matrix, rows: list[sp.Matrix]) -> sp.Matrix:
    """Zᵀ H Z for a basis Z of the null space of ``rows`` (H itself without rows)."""
    if not rows:
        return H
    basis = sp.Matrix.vstack(*rows).nullspace(simplify=True)
    if not basis:
        return sp.zeros(0, 0)
    Z = sp.Matrix.hstack(*basis)
    return (Z.T * H * Z).applyfunc(sp.simplify)


def _positive_definite(M: sp.Matrix) -> bool | None:
    if M.rows == 0:
        return True  # the cone is {0}: the condition holds vacuously
    return _leading_minors_positive(M)


def _leading_minors_positive(M: sp.Matrix) -> bool | None:
    minors = [sp.simplify(M[:k, :k].det()) for k in range(1, M.rows + 1)]
    if all(m.is_positive for m in minors):
        return True
    if any(m.is_positive is False for m in minors):
        return False
    return None


def _not_semidefinite(M: sp.Matrix) -> bool | None:
    """Whether M has a direction d with dᵀMd < 0."""
    if M.rows == 0:
        return False
    minors = [
        sp.simplify(M.extract(list(idx), list(idx)).det())
        for size in range(1, M.rows + 1)
        for idx in combinations(range(M.rows), size)
    ]
    # M is positive semidefinite iff every principal minor is nonnegative.
    if any(m.is_negative for m in minors):
        return True
    if all(m.is_nonnegative for m in minors):
        return False
    return None


def _show(M: sp.Matrix) -> str:
    return "[]" if M.rows == 0 else str(M.tolist())
