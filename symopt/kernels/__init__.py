"""Compiled kernels: a method's symbolic rule as a fast in-place step; numeric runs.

``compile(method, backend="numpy", dtype=np.float64, **hyperparameters)`` prints
the rule as in-place NumPy ufunc calls (or a fused, multithreaded numba loop
with ``backend="numba"``, extra ``[fast]``); ``compile_gradient(problem)`` gives
vectorised f and ∇f; ``run(problem, method, x0, steps)`` iterates with both.

>>> import numpy as np
>>> from symopt.kernels import compile
>>> step = compile("gd", alpha=0.1)
>>> x = np.array([2.0])
>>> step(x, 2 * x, step.init_state(x), 1)
>>> x
array([1.6])
"""

from symopt.kernels.gradient import compile_gradient, compile_hessian, compile_objective
from symopt.kernels.run import Trajectory, run
from symopt.kernels.step import BACKENDS, CompiledStep, compile

__all__ = [
    "BACKENDS",
    "CompiledStep",
    "Trajectory",
    "compile",
    "compile_gradient",
    "compile_hessian",
    "compile_objective",
    "run",
]
