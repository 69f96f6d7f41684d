"""Gradient, Hessian, stationary points and their kind, as a checked derivation.

The values come from :class:`~symopt.problem.Problem`; each becomes a step the
derivation checks (the gradient against differentiation, each stationary point
by substitution and the list against SymPy's solve, each kind from the signs of
the Hessian's eigenvalues there).

>>> from symopt.derivations.problem_facts import problem_derivation
>>> d = problem_derivation("x**2 - y**2")
>>> d.results["kinds"]
['saddle']
"""

from __future__ import annotations

import sympy as sp

from symopt.derivation import Derivation
from symopt.derivations.common import LAMBDA, define_objective, derive_gradient
from symopt.errors import SymoptError
from symopt.printing import latex
from symopt.problem import Problem

__all__ = ["problem_derivation"]

_KIND_TEXT = {
    "minimum": "every eigenvalue is positive: a strict local minimum",
    "maximum": "every eigenvalue is negative: a strict local maximum",
    "saddle": "eigenvalues of both signs: a saddle point",
    "degenerate": "a zero eigenvalue: the second-order test is inconclusive",
    "unknown": "the signs of the eigenvalues are undecided",
}


def problem_derivation(problem: Problem | str) -> Derivation:
    """The first facts a textbook derives about an objective, every step checked."""
    problem = Problem(problem) if isinstance(problem, str) else problem
    d = Derivation(f"Stationary points of $f = {latex(problem.objective)}$")
    define_objective(d, problem)
    gradient = derive_gradient(d, problem)
    variables = problem.variables
    f = sp.Function("f")(*variables)
    H = problem.hessian
    n = len(variables)
    if n == 1:
        d.equation(sp.Derivative(f, variables[0], 2), H[0, 0], "differentiate again")
    else:
        hess = sp.Function("nabla2f")
        d.meaning(hess, lambda *args: sp.Matrix(
            n, n, lambda i, j: sp.Derivative(f, variables[i], variables[j])))
        d.equation(hess(*variables), H, "second partial derivatives: the Hessian")
    try:
        points = problem.stationary_points()
    except SymoptError as exc:
        d.note(f"The stationary points could not be derived: {_plain(str(exc))}.")
        return d
    zero = sp.zeros(n, 1) if n > 1 else sp.S.Zero
    condition = sp.Eq(gradient if n > 1 else gradient[0], zero, evaluate=False)
    d.assume(condition, "stationary points: set the gradient to zero")
    solutions = [pt.point for pt in points]
    d.solve_system(list(gradient), variables, solutions, "solve the system")
    kinds = []
    for pt in points:
        at = pt.point
        where = ", ".join(f"{latex(v)} = {latex(at[v])}" for v in variables)
        H_at = H.subs(at)
        if n == 1:
            value = H_at[0, 0]
            d.equation(sp.Subs(sp.Derivative(f, variables[0], 2), variables[0],
                               at[variables[0]]), value, f"at ${where}$")
            eigen = [value]
        else:
            d.equation(sp.Subs(sp.Function("nabla2f")(*variables), tuple(variables),
                               tuple(at[v] for v in variables)), H_at, f"at ${where}$")
            poly = sp.factor((H_at - LAMBDA * sp.eye(n)).det())
            eigen = list(pt.hessian_eigenvalues)
            distinct = list(dict.fromkeys(eigen))
            if eigen and all(e.is_number for e in eigen):
                d.roots(poly, LAMBDA, distinct, "its eigenvalues")
        if pt.kind in ("minimum", "maximum", "saddle") and eigen:
            signs = [sp.Gt(e, 0, evaluate=False) if e.is_positive else
                     sp.Lt(e, 0, evaluate=False) for e in dict.fromkeys(eigen)]
            statement = signs[0] if len(signs) == 1 else sp.And(*signs, evaluate=False)
            d.inequality(statement, _KIND_TEXT[pt.kind])
        else:
            d.note(f"At ${where}$: {_KIND_TEXT.get(pt.kind, pt.kind)}.")
        kinds.append(pt.kind)
    d.result("kinds", kinds).result("points", solutions)
    return d


def _plain(text: str) -> str:
    return text.replace("∇", "grad ").replace("$", "")
