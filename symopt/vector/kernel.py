"""In-place NumPy kernels for vector expressions: BLAS calls into preallocated buffers.

:func:`compile_vector` turns a matrix expression (a gradient such as
Xᵀ(Xw − y)) into a callable that evaluates it with one NumPy call per node,
each writing into a buffer allocated once per input shape: Xᵀ(Xw − y) is
``matmul(X, w, out=r)``, ``subtract(r, y, out=r)``, ``matmul(X.T, r, out=g)`` —
two BLAS calls, no n-term expression and no allocation per call. Nothing is
generated as source: the plan is a list of closures over NumPy functions, so
no user name reaches ``exec``. Elementwise functions φ are lambdified over one
generated argument name (their result is copied into the node's buffer).

>>> import numpy as np
>>> from symopt.vector import data_symbols, gradient, least_squares
>>> d = data_symbols()
>>> grad = compile_gradient(least_squares(d), d.w)
>>> X, y, w = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.ones((3, 1)), np.ones((2, 1))
>>> grad(X=X, y=y, w=w).ravel()
array([70., 88.])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from symopt.errors import DomainError, UnsupportedError
from symopt.symbols import is_identifier
from symopt.vector.calculus import gradient as _gradient
from symopt.vector.evaluate import MAX_ENTRIES, _apply

__all__ = ["VectorKernel", "compile_gradient", "compile_vector"]

Step = Callable[[Mapping[str, np.ndarray]], np.ndarray]


class VectorKernel:
    """``kernel(out=None, **arrays)``: the expression's value for the named arrays.

    Buffers are allocated on the first call for each combination of input shapes
    and reused afterwards; ``out`` (the right shape) receives the result.
    """

    def __init__(self, expr: sp.MatrixExpr, scalars: Mapping[str, float] | None = None):
        for M in expr.atoms(sp.MatrixSymbol):
            if not is_identifier(M.name):
                raise DomainError(f"the matrix symbol name {M.name!r} is not an identifier")
        self.expr = expr
        self.names = sorted(M.name for M in expr.atoms(sp.MatrixSymbol))
        self.scalars = dict(scalars or {})
        self._plans: dict[tuple, tuple[Step, tuple[int, ...]]] = {}
        self.calls = 0  # NumPy calls per evaluation of the last plan (for tests and docs)

    def __call__(self, out: np.ndarray | None = None, **arrays: np.ndarray) -> np.ndarray:
        try:
            key = tuple([(arrays[n].shape, arrays[n].dtype) for n in self.names])
        except KeyError:
            missing = [n for n in self.names if n not in arrays]
            raise DomainError(f"missing arrays for {', '.join(missing)}") from None
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(arrays)
        run, shape = plan
        result = run(arrays)
        if out is None:
            return result.copy()
        if out.shape != shape:
            raise DomainError(f"out has shape {out.shape}, the result {shape}")
        np.copyto(out, result)
        return out

    def _plan(self, arrays: Mapping[str, np.ndarray]) -> tuple[Step, tuple[int, ...]]:
        sizes: dict[sp.Symbol, int] = {}
        for M in self.expr.atoms(sp.MatrixSymbol):
            value = arrays[M.name]
            if value.ndim != 2:
                raise DomainError(f"{M.name} must be a 2-d array (a column is (n, 1)), got "
                                  f"shape {value.shape}")
            for d, k in zip(M.shape, value.shape):
                d = sp.sympify(d)  # safe: shapes are SymPy objects
                if d.is_Symbol and sizes.setdefault(d, k) != k:
                    raise DomainError(f"the dimension {d} is {sizes[d]} and {k} at once")
                if d.is_Integer and int(d) != k:
                    raise DomainError(f"{M.name} must have {d} in that axis, got {k}")
        self.calls = 0
        dtype = np.result_type(*[arrays[n] for n in self.names])
        run = self._build(self.expr, sizes, dtype)
        shape = tuple(int(sp.sympify(d).xreplace(  # safe: shapes are SymPy objects
            {k: sp.Integer(v) for k, v in sizes.items()})) for d in self.expr.shape)
        return run, shape

    def _buffer(self, e: sp.MatrixExpr, sizes: Mapping, dtype) -> np.ndarray:
        shape = tuple(int(sp.sympify(d).xreplace(  # safe: shapes are SymPy objects
            {k: sp.Integer(v) for k, v in sizes.items()})) for d in e.shape)
        if shape[0] * shape[1] > MAX_ENTRIES * 100:
            raise DomainError(f"an intermediate {e} of shape {shape} is too large")
        return np.empty(shape, dtype)

    def _scalar(self, c: sp.Expr, sizes: Mapping) -> float:
        values = {s: sp.Integer(sizes[s]) if s in sizes else sp.Float(self.scalars[s.name])
                  for s in c.free_symbols if s in sizes or s.name in self.scalars}
        number = sp.sympify(c).xreplace(values)  # safe: SymPy objects
        if number.free_symbols:
            raise DomainError(f"give a value for {sorted(map(str, number.free_symbols))}")
        return float(number)

    def _build(self, e: sp.MatrixExpr, sizes: Mapping, dtype) -> Step:
        if isinstance(e, sp.MatrixSymbol):
            name = e.name
            return lambda a: a[name]
        if isinstance(e, sp.Transpose):
            inner = self._build(e.arg, sizes, dtype)
            return lambda a: inner(a).T
        if isinstance(e, (sp.Identity, sp.ZeroMatrix, sp.OneMatrix)):
            value = {sp.Identity: np.eye, sp.ZeroMatrix: np.zeros, sp.OneMatrix: np.ones}
            buf = self._buffer(e, sizes, dtype)
            buf[...] = (np.eye(buf.shape[0]) if isinstance(e, sp.Identity)
                        else value[type(e)](buf.shape))
            return lambda a: buf
        buf = self._buffer(e, sizes, dtype)
        if isinstance(e, sp.MatMul):
            return self._product(e, buf, sizes, dtype)
        if isinstance(e, sp.MatAdd):
            return self._sum(e, buf, sizes, dtype)
        if isinstance(e, sp.HadamardProduct):
            parts = [self._build(x, sizes, dtype) for x in e.args]
            self.calls += len(parts)

            def hadamard(a):
                np.copyto(buf, parts[0](a))
                for p in parts[1:]:
                    np.multiply(buf, p(a), out=buf)
                return buf
            return hadamard
        if isinstance(e, ElementwiseApplyFunction):
            fn = _apply(e.function, self.scalars, sizes)
            inner = self._build(e.expr, sizes, dtype)
            self.calls += 1

            def apply(a):
                np.copyto(buf, fn(inner(a)))
                return buf
            return apply
        raise UnsupportedError(f"no kernel for {type(e).__name__} ({e})")

    def _product(self, e: sp.MatMul, buf: np.ndarray, sizes: Mapping, dtype) -> Step:
        c = self._scalar(sp.Mul(*[x for x in e.args if not getattr(x, "is_Matrix", False)]),
                         sizes)
        mats = [x for x in e.args if getattr(x, "is_Matrix", False)]
        if any(isinstance(x, DiagMatrix) for x in mats):
            raise UnsupportedError(f"no kernel for diag(·) in {e}; tidy it to a Hadamard "
                                   "product first")
        # right to left: a matrix times a vector at each step
        steps = [self._build(x, sizes, dtype) for x in mats]
        buffers = [self._buffer(sp.MatMul(*mats[j:]), sizes, dtype)
                   for j in range(1, len(mats) - 1)]
        self.calls += len(mats) - 1 + (c != 1.0)

        def product(a):
            value = steps[-1](a)
            for j in range(len(mats) - 2, -1, -1):
                target = buf if j == 0 else buffers[j - 1]
                np.matmul(steps[j](a), value, out=target)
                value = target
            if len(mats) == 1:
                np.copyto(buf, value)
            if c != 1.0:
                np.multiply(buf, c, out=buf)
            return buf
        return product

    def _sum(self, e: sp.MatAdd, buf: np.ndarray, sizes: Mapping, dtype) -> Step:
        signs, parts = [], []
        for x in e.args:
            negative = isinstance(x, sp.MatMul) and x.args[0] == -1
            if negative:
                x = sp.MatMul(*x.args[1:]) if len(x.args) > 2 else x.args[1]
            signs.append(-1 if negative else 1)
            if not parts and not negative and isinstance(x, sp.MatMul):
                parts.append(self._product(x, buf, sizes, dtype))  # straight into the sum
            else:
                parts.append(self._build(x, sizes, dtype))
        self.calls += len(parts) - 1

        def total(a):
            first = parts[0](a)
            if signs[0] < 0:
                np.negative(first, out=buf)
            elif first is not buf:
                np.copyto(buf, first)
            for s, p in zip(signs[1:], parts[1:]):
                (np.subtract if s < 0 else np.add)(buf, p(a), out=buf)
            return buf
        return total


def compile_vector(expr: sp.MatrixExpr, scalars: Mapping[str, Any] | None = None
                   ) -> VectorKernel:
    """A :class:`VectorKernel` for ``expr`` (``scalars``: numbers for scalar symbols).

    >>> import numpy as np, sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> A, x = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1)
    >>> compile_vector((A + A.T) * x)(A=np.eye(2), x=np.ones((2, 1))).ravel()
    array([2., 2.])
    """
    return VectorKernel(expr, {k: float(v) for k, v in (scalars or {}).items()})


def compile_gradient(f: sp.MatrixExpr, w: sp.MatrixSymbol,
                     scalars: Mapping[str, Any] | None = None) -> VectorKernel:
    """The in-place kernel of ∇_w f in its vector form (from :func:`symopt.vector.gradient`).

    >>> import numpy as np, sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> x = sp.MatrixSymbol("x", n, 1)
    >>> compile_gradient(x.T * x, x)(x=np.array([[1.0], [2.0]])).ravel()
    array([2., 4.])
    """
    return compile_vector(_gradient(f, w), scalars)
