"""Compiled objective, gradient and Hessian, vectorised over leading axes.

The problem's variables are renamed ``_v0, _v1, ...`` before printing, so no
user-chosen name reaches the generated source; parameters must be given
numbers first (``Problem(...).objective.subs(...)``).

>>> import numpy as np
>>> from symopt import Problem
>>> f, grad = compile_gradient(Problem("x**2 + 3*y"))
>>> X = np.array([[1.0, 2.0], [3.0, 0.0]])
>>> f(X), grad(X)
(array([7., 9.]), array([[2., 3.],
       [6., 3.]]))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

from symopt.errors import DomainError
from symopt.kernels.codegen import check_supported
from symopt.kernels.numpy_backend import ScalarPrinter
from symopt.problem import Problem

__all__ = ["compile_gradient", "compile_hessian", "compile_objective"]

_PRINTER = ScalarPrinter({"fully_qualified_modules": True})


def _as_problem(problem: Problem | str) -> Problem:
    problem = problem if isinstance(problem, Problem) else Problem(problem)
    if problem.parameters:
        names = ", ".join(p.name for p in problem.parameters)
        raise DomainError(f"the objective has parameters {names}; substitute numbers for them "
                          "before compiling")
    return problem


def _function(name: str, problem: Problem, entries: Sequence[sp.Expr],
              shape: str, index: Callable[[int], str]) -> Callable[..., np.ndarray]:
    """Generate ``name(X, out=None)`` filling ``out`` (shape ``shape``) entry by entry."""
    check_supported(entries, f"{name} of {problem.name}")
    n = len(problem.variables)
    renaming = {v: sp.Symbol(f"_v{i}", **v.assumptions0) for i, v in enumerate(problem.variables)}
    renamed = [sp.sympify(e).xreplace(renaming) for e in entries]  # safe: SymPy objects
    temps, reduced = sp.cse(renamed, symbols=sp.numbered_symbols("_e"), optimizations=None)
    lines = [f"def {name}(X, out=None):",
             f"    if X.shape[-1:] != ({n},):",
             f"        _bad(X.shape, {n})",
             f"    if out is None:\n        out = numpy.empty({shape}, X.dtype)"]
    lines += [f"    _v{i} = X[..., {i}]" for i in range(n)]
    lines += [f"    {s} = {_PRINTER.doprint(e)}" for s, e in temps]
    lines += [f"    out[{index(k)}] = {_PRINTER.doprint(e)}" for k, e in enumerate(reduced)]
    lines.append("    return out")
    source = "\n".join(lines) + "\n"
    namespace: dict[str, Any] = {"numpy": np, "_bad": _bad_shape}
    import builtins

    # safe: generated source; the names in it are generated (_v*, _e*) or numpy's
    exec(builtins.compile(source, f"<symopt {name}>", "exec"), namespace)  # safe: generated
    function = namespace[name]
    function.source = source
    return function


def _bad_shape(shape: tuple[int, ...], n: int) -> None:
    raise DomainError(f"points must have shape (..., {n}) (one coordinate per variable), "
                      f"got {shape}")


def compile_objective(problem: Problem | str) -> Callable[..., np.ndarray]:
    """f as ``f(X) -> (...)`` for points ``X`` of shape ``(..., n)``.

    >>> compile_objective("(theta - 5)**2")(np.array([[2.0], [5.0]]))
    array([9., 0.])
    """
    problem = _as_problem(problem)
    return _function("f", problem, [problem.objective], "X.shape[:-1]", lambda k: "...")


def compile_gradient(problem: Problem | str | sp.MatrixExpr, wrt: sp.MatrixSymbol | None = None
                     ) -> tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]:
    """``(f, grad)``: f(X) -> (...), ∇f(X) -> (..., n) for X of shape (..., n).

    ``grad(X, out=buf)`` writes into ``buf`` instead of allocating. A 1×1 matrix
    expression with ``wrt`` (a column ``MatrixSymbol``) compiles the vector form
    instead (:func:`symopt.vector.kernel.compile_gradient`: BLAS calls into buffers).
    """
    if isinstance(problem, sp.MatrixExpr):
        from symopt.vector.kernel import compile_gradient as vector_gradient
        from symopt.vector.kernel import compile_vector

        if wrt is None:
            raise DomainError("a vector objective needs wrt=, the column MatrixSymbol to "
                              "differentiate in")
        return compile_vector(problem), vector_gradient(problem, wrt)
    problem = _as_problem(problem)
    grad = _function("grad", problem, list(problem.gradient), "X.shape",
                     lambda k: f"..., {k}")
    return compile_objective(problem), grad


def compile_hessian(problem: Problem | str) -> Callable[..., np.ndarray]:
    """∇²f as ``H(X) -> (..., n, n)``.

    >>> compile_hessian("x**2*y")(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    """
    problem = _as_problem(problem)
    n = len(problem.variables)
    entries = [problem.hessian[i, j] for i in range(n) for j in range(n)]
    return _function("hessian", problem, entries, f"X.shape + ({n},)",
                     lambda k: f"..., {k // n}, {k % n}")
