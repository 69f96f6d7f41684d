"""Small pieces the derivation builders share: iterates, the objective, the spectrum.

>>> from symopt.derivations.common import iterate
>>> from symopt.printing import latex
>>> from symopt.symbols import symbol
>>> latex(iterate(symbol("w"), symbol("k"))), latex(iterate(symbol("w1"), 0))
('w_{k}', 'w_{1}^{(0)}')
"""

from __future__ import annotations

import contextlib

import sympy as sp

from symopt.derivation import Derivation, DerivationError
from symopt.printing import latex
from symopt.problem import Problem
from symopt.symbols import symbol

__all__ = [
    "LAMBDA",
    "K",
    "define_objective",
    "derive_gradient",
    "iterate",
    "sequence",
    "spectrum_steps",
]

#: The iteration counter and the eigenvalue symbol used in every builder.
K = symbol("k")
LAMBDA = symbol("lambda")


def sequence(variable: sp.Symbol | str) -> sp.IndexedBase:
    """The iterates of ``variable``, a real sequence.

    Its label is a plain symbol of the same name, so substituting the variable
    never touches the iterates (w and w_k stay distinct).
    """
    name = variable if isinstance(variable, str) else variable.name
    return sp.IndexedBase(sp.Symbol(name), real=True)


def iterate(variable: sp.Symbol | str, index: object) -> sp.Indexed:
    """The iterate of ``variable`` at step ``index`` (w_k, or w_1^{(k)} for w1)."""
    return sequence(variable)[index]


def objective_function(problem: Problem) -> sp.Expr:
    """f applied to the problem's variables (an undefined function, for display)."""
    return sp.Function("f")(*problem.variables)


def define_objective(d: Derivation, problem: Problem) -> sp.Expr:
    """Add ``f(w) = objective`` and return ``f(w)``."""
    f = objective_function(problem)
    d.define(f, problem.objective, "the objective")
    return f


def derive_gradient(d: Derivation, problem: Problem) -> sp.Matrix:
    """Add ``∇f(w) = …`` (the problem's gradient, checked) and return the gradient."""
    f = objective_function(problem)
    gradient = problem.gradient
    variables = problem.variables
    if len(variables) == 1:
        d.equation(sp.Derivative(f, variables[0]), gradient[0], "differentiate")
        return gradient
    nabla = sp.Function("nablaf")
    d.meaning(nabla, lambda *args: sp.Matrix([sp.Derivative(f, v) for v in variables]))
    names = ", ".join(f"\\partial f / \\partial {latex(v)}" for v in variables)
    d.equation(nabla(*variables), gradient, f"the partial derivatives ${names}$")
    return gradient


def spectrum_steps(d: Derivation, problem: Problem) -> list[sp.Expr]:
    """The Hessian and its eigenvalues as checked steps; returns them ascending."""
    H = problem.hessian
    if H.free_symbols & set(problem.variables):
        raise DerivationError("the Hessian is not constant: this derivation needs a quadratic")
    n = H.rows
    if n == 1:
        value = H[0, 0]
        d.equation(sp.Derivative(objective_function(problem), problem.variables[0], 2), value,
                   "differentiate again: the curvature")
        return [value]
    f, variables = objective_function(problem), problem.variables
    hess = sp.Function("nabla2f")
    d.meaning(hess, lambda *args: sp.Matrix(
        n, n, lambda i, j: sp.Derivative(f, variables[i], variables[j])))
    d.equation(hess(*variables), H, "second partial derivatives: the Hessian $H$")
    poly = sp.factor((H - LAMBDA * sp.eye(n)).det())
    H_symbol = sp.MatrixSymbol("H", n, n)
    d.fact(H_symbol, sp.ImmutableMatrix(H))
    d.equation(sp.Determinant(H_symbol - LAMBDA * sp.Identity(n)), poly,
               "characteristic polynomial of $H$")
    values = sorted(sp.roots(sp.Poly(poly, LAMBDA)).keys(), key=sp.default_sort_key)
    with contextlib.suppress(TypeError):
        values = sorted(values, key=lambda v: float(v))
    d.roots(poly, LAMBDA, values, "eigenvalues of $H$")
    multiset = []
    for value, count in sp.roots(sp.Poly(poly, LAMBDA)).items():
        multiset += [value] * count
    try:
        return sorted(multiset, key=lambda v: float(v))
    except TypeError:
        return multiset
