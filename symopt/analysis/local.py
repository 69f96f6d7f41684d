"""Analysis at a minimiser: the quadratic model there, and Newton's quadratic convergence.

Near a minimiser x* with Hessian H, any method linear on quadratics behaves
like it does on ½(x − x*)ᵀH(x − x*): the local rate and local stability
interval are those of the linear analysis with the spectrum of H. Newton's
method converges quadratically, e_{k+1} ≈ C e_k²; C comes from a series
expansion of the Newton map N(x) = x − f'(x)/f''(x) at x*.

>>> from symopt import Problem
>>> newton_constant(Problem("x**3/3 + x**2")).value
1/2
>>> minimisers(Problem("(x - 1)**4 + (x - 1)**2")).value
[{x: 1}]
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from symopt.errors import SymoptError
from symopt.problem import Problem
from symopt.result import Finding

__all__ = ["hessian_eigenvalues", "minimisers", "newton_constant"]


def minimisers(problem: Problem) -> Finding[list[dict[sp.Symbol, sp.Expr]]]:
    """The stationary points that are strict local minima (Hessian positive definite).

    >>> minimisers(Problem("x**4 - 2*x**2")).value
    [{x: -1}, {x: 1}]
    """
    try:
        points = problem.stationary_points()
    except SymoptError as exc:
        return Finding.unknown(f"stationary points: {exc}")
    minima = [p.point for p in points if p.kind == "minimum"]
    if not minima:
        kinds = sorted({p.kind for p in points}) or ["none"]
        return Finding.unknown(f"no strict local minimum among the stationary points "
                               f"(kinds: {', '.join(kinds)})")
    return Finding(minima, "solutions of ∇f = 0 with a positive definite Hessian")


def hessian_eigenvalues(problem: Problem, point: Mapping[sp.Symbol, sp.Expr]) -> list[sp.Expr]:
    """Eigenvalues of ∇²f at ``point``, with multiplicity, ascending when numeric.

    >>> hessian_eigenvalues(Problem("x**2 + 3*y**2"), {})
    [2, 6]
    """
    H = problem.hessian.subs(dict(point))
    values: list[sp.Expr] = []
    for value, multiplicity in H.eigenvals().items():
        values += [sp.simplify(value)] * multiplicity
    try:
        return sorted(values, key=float)
    except TypeError:
        return values


def newton_constant(problem: Problem, point: Mapping[sp.Symbol, sp.Expr] | None = None
                    ) -> Finding[sp.Expr]:
    """C in e_{k+1} = C e_k² + O(e_k³) for Newton's method near a minimiser (one variable).

    Derived from the series of N(x* + e) − x* in e; the reason records that it
    equals |f'''(x*)/(2f''(x*))|.
    """
    if len(problem.variables) != 1:
        return Finding.unknown("the Newton constant is derived for one variable; with several "
                               "it is a bilinear map, not a number")
    (x,) = problem.variables
    if point is None:
        found = minimisers(problem)
        if not found.known:
            return Finding.unknown(found.reason)
        point = found.value[0]
    from symopt.methods.base import _exact

    star = _exact(dict(point)[x], x.name)  # text goes through the safe parser
    f1, f2 = sp.diff(problem.objective, x), sp.diff(problem.objective, x, 2)
    e = sp.Symbol("e")
    newton_map = (x - f1 / f2).subs(x, star + e) - star
    try:
        series = sp.series(newton_map, e, 0, 3).removeO()
    except (NotImplementedError, ValueError) as exc:
        return Finding.unknown(f"no series of the Newton map at x* = {star}: {exc}")
    c0, c1, c2 = (sp.simplify(series.coeff(e, j)) for j in range(3))
    if c0 != 0 or c1 != 0:
        return Finding.unknown(f"the Newton map is not quadratically convergent at {star} "
                               f"(series {series})")
    f3 = sp.diff(problem.objective, x, 3).subs(x, star)
    check = sp.simplify(sp.Abs(c2) - sp.Abs(f3 / (2 * f2.subs(x, star))))
    if check != 0:
        return Finding.unknown(f"series coefficient {c2} disagrees with f'''/(2f'') ({check})")
    if c2 == 0:
        return Finding(sp.S.Zero, "the e² term of the Newton map vanishes (f''' = 0): "
                       "convergence is faster than quadratic")
    return Finding(sp.Abs(c2), f"N(x* + e) − x* = {c2}·e² + O(e³); |C| = |f'''(x*)/(2f''(x*))|",
                   {"signed": c2, "point": star})
