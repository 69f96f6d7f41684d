"""numba backend: the kernel plan as one fused, multithreaded loop (extra ``[fast]``).

Each coordinate is read once, the whole update (common subexpressions as
locals) is computed in registers, and every output is written once: the step
touches memory the minimum number of times, so it runs at the memory-bandwidth
limit. The loop is ``numba.prange`` (all cores), compiled with
``error_model='numpy'`` (the default Python error model checks every division
for zero, which blocks vectorisation and costs 3–4×) and without ``fastmath``
(results match the NumPy backend to rounding). Per-step scalars are computed
once per row in float64 and cast to the arrays' dtype, so float32 loops stay
float32. Reductions (``coordinate_sum``) are separate prange loops before the
update.

>>> from symopt.kernels import compile
>>> step = compile("gd", backend="numba", alpha=0.5)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from symopt.errors import DomainError, UnsupportedError
from symopt.kernels.codegen import KernelPlan

__all__ = ["NumbaKernel", "generate"]

_CACHE: dict[tuple[str, str, bool], Callable[..., None]] = {}
#: Arrays with fewer elements run the serial variant (threads cost more than they save).
SERIAL_BELOW = 1 << 15


class _ElementPrinter(PythonCodePrinter):
    """Per-element expressions for numba; numbers only as exponents and small integers."""

    def _print_Rational(self, expr: sp.Rational) -> str:
        return repr(float(expr))

    def _print_Float(self, expr: sp.Float) -> str:
        return repr(float(expr))


class _ScalarPrinter(_ElementPrinter):
    """Per-step scalars: integers print as floats (in numba, 2**-1 is integer 0)."""

    def _print_Integer(self, expr: sp.Integer) -> str:
        return repr(float(expr))


_ELEMENT = _ElementPrinter({"fully_qualified_modules": True})
_SCALAR = _ScalarPrinter({"fully_qualified_modules": True})


@dataclass
class NumbaKernel:
    """Generated source and the jitted function (compiled on first call)."""

    source: str
    function: Callable[..., None]
    n_buffers: int = 0
    batched: bool = False
    #: The variant with the rows loop parallel (a sweep of many short rows).
    by_rows: Callable[..., None] | None = None
    #: The serial variant, for arrays too small to repay starting threads.
    serial: Callable[..., None] | None = None
    _per_row: dict = field(default_factory=dict)

    def call(self, arrays: list[np.ndarray], t: int, hyperparameters: list[np.ndarray],
             buffers: list[np.ndarray]) -> None:
        """Run one step on 2-D views of the (C-contiguous) arrays."""
        views = []
        for a in arrays:
            if not a.flags.c_contiguous:
                raise DomainError("the numba backend needs C-contiguous arrays "
                                  "(np.ascontiguousarray) so that it can update them in place")
            views.append(a.reshape(a.shape[0], -1) if self.batched else a.reshape(1, -1))
        rows = views[0].shape[0]
        per_row = self._per_row.get(rows)
        if per_row is None or any(a is not b for a, b in zip(per_row[0], hyperparameters)):
            expanded = [np.ascontiguousarray(np.broadcast_to(h, (rows,))) for h in hyperparameters]
            per_row = self._per_row[rows] = (list(hyperparameters), expanded)
        # Small arrays: serial. Many rows: threads take whole rows. Else: the coordinates.
        if views[0].size < SERIAL_BELOW and self.serial is not None:
            kernel = self.serial
        elif self.by_rows is not None and rows >= _threads():
            kernel = self.by_rows
        else:
            kernel = self.function
        kernel(*views, t, *per_row[1])


def _threads() -> int:
    import numba

    return int(numba.get_num_threads())


def _needed_temps(exprs: list[sp.Expr], temps: list[tuple[sp.Symbol, sp.Expr]]) -> list:
    by_symbol = dict(temps)
    needed: set[sp.Symbol] = set()
    stack = [s for e in exprs for s in e.free_symbols if s in by_symbol]
    while stack:
        s = stack.pop()
        if s not in needed:
            needed.add(s)
            stack += [d for d in by_symbol[s].free_symbols if d in by_symbol]
    return [(s, e) for s, e in temps if s in needed]


def generate(plan: KernelPlan, dtype: type | np.dtype, *, batched: bool = False) -> NumbaKernel:
    """Print ``plan`` as a jitted ``step_kernel`` over arrays of shape (B, n)."""
    try:
        import numba  # noqa: F401 - imported here to report a missing backend early
    except ImportError:
        raise UnsupportedError("backend 'numba' needs numba: pip install 'symopt[fast]'") \
            from None
    dt = np.dtype(dtype)
    arrays = plan.arrays
    args = [f"_A{k}" for k in range(len(arrays))]
    element = {a.name: k for k, a in enumerate(arrays)}
    hp_args = [f"_H{k}" for k in range(len(plan.hyperparameters))]
    lines = [f"def step_kernel({', '.join([*args, 't', *hp_args])}):",
             "    _B, _n = _A0.shape",
             "    for _b in _ROWS(_B):"]
    # Every hyperparameter arrives as one value per row (fixed ones repeated).
    lines += [f"        {name} = _H{k}[_b]"
              for k, (name, _) in enumerate(plan.hyperparameters)]
    lines += [f"        _X{k} = _A{k}[_b]" for k in range(len(arrays))]

    def loop(exprs: list[sp.Expr], finish: list[str]) -> list[str]:
        temps = _needed_temps(exprs, plan.temps)
        used = {s.name for e in exprs + [e for _, e in temps] for s in e.free_symbols}
        body = ["        for _i in _COLUMNS(_n):"]
        body += [f"            {a.name} = _X{element[a.name]}[_i]" for a in arrays
                 if a.name in used]
        body += [f"            {s} = {_ELEMENT.doprint(e)}" for s, e in temps]
        return body + [f"            {line}" for line in finish]

    for kind, sym, expr in plan.scalar_order():
        if kind == "scalar":
            lines.append(f"        {sym} = _dt({_SCALAR.doprint(expr)})")
        elif sym in plan.thresholds:  # simplex threshold: the values, then a sort
            lines.append("        _y = np.empty_like(_X0)")
            lines += loop([expr], [f"_y[_i] = {_ELEMENT.doprint(expr)}"])
            lines.append(f"        {sym} = _dt(_simplex_tau(_y, {plan.thresholds[sym]}))")
        else:
            lines.append(f"        {sym} = 0.0")
            lines += loop([expr], [f"{sym} += {_ELEMENT.doprint(expr)}"])
    outs = [f"_o{k}" for k in range(len(plan.targets))]
    finish = [f"{o} = {_ELEMENT.doprint(t.expr)}" for o, t in zip(outs, plan.targets)]
    finish += [f"_X{element[t.name]}[_i] = {o}" for o, t in zip(outs, plan.targets)]
    if plan.targets:
        lines += loop([t.expr for t in plan.targets], finish)
    template = "\n".join(lines) + "\n"
    source = template.replace("_ROWS", "range").replace("_COLUMNS", "prange")
    # Variants of the same loop nest (each compiled on its first call): rows in parallel
    # for sweeps of many short rows, and serial for small arrays.
    by_rows = _jit(template.replace("_ROWS", "prange").replace("_COLUMNS", "range"), dt) \
        if batched else None
    serial = _jit(template.replace("_ROWS", "range").replace("_COLUMNS", "range"), dt,
                  parallel=False)
    return NumbaKernel(source, _jit(source, dt), 0, batched, by_rows, serial)


@functools.cache
def _simplex_tau() -> Callable[[np.ndarray, float], float]:
    """τ with Σᵢ max(yᵢ − τ, 0) = r (sort, running sums), jitted once.

    The same definition as :meth:`symopt.methods.projected.simplex_threshold.numeric`.
    """
    import numba

    def tau(y: np.ndarray, r: float) -> float:
        u = np.sort(y)[::-1]
        total, best = 0.0, 0.0
        for k in range(u.size):
            total += u[k]
            candidate = (total - r) / (k + 1)
            if u[k] - candidate > 0:
                best = candidate
        return best

    return numba.njit(error_model="numpy")(tau)


def _jit(source: str, dt: np.dtype, parallel: bool = True) -> Callable[..., None]:
    """Compile (lazily, on first call) and cache by source, dtype and parallelism."""
    import numba

    key = (source, dt.name, parallel)
    if key not in _CACHE:
        namespace = {"np": np, "numpy": np, "math": __import__("math"), "prange": numba.prange,
                     "_dt": dt.type, "_simplex_tau": _simplex_tau()}
        # safe: generated source; every name in it was checked by is_identifier or generated
        exec(compile(source, "<symopt numba kernel>", "exec"), namespace)  # safe: names checked
        _CACHE[key] = numba.njit(parallel=parallel, error_model="numpy", fastmath=False)(
            namespace["step_kernel"])
    return _CACHE[key]
