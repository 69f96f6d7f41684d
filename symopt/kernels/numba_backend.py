"""numba backend: the kernel plan as one fused, multithreaded loop (extra ``[fast]``).

Each coordinate is read once, the whole update (common subexpressions as
locals) is computed in registers, and every output is written once: the step
touches memory the minimum number of times, so it runs at the memory-bandwidth
limit. The loop is ``numba.prange`` (all cores), compiled with
``error_model='numpy'`` (the default Python error model checks every division
for zero, which blocks vectorisation and costs 3–4×) and without ``fastmath``
(results match the NumPy backend to rounding). Per-step scalars are computed
once per row in float64 and cast to the arrays' dtype, so float32 loops stay
float32. Reductions run before the update: a sum (``coordinate_sum``) is one
serial loop compiled with reassociation allowed (vectorised partial sums); a
simplex threshold is one serial streaming pass (Condat's algorithm, no
sort) whose candidates go to a preallocated work row, so no step allocates.

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

__all__ = ["NumbaKernel", "condat_push", "condat_tau", "generate"]

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
        shape = views[0].shape
        views += [b.reshape(shape) for b in buffers[:self.n_buffers]]
        rows = views[0].shape[0]
        per_row = self._per_row.get(rows)
        if per_row is None or any(a is not b for a, b in zip(per_row[0], hyperparameters)):
            expanded = [np.ascontiguousarray(np.broadcast_to(h, (rows,))) for h in hyperparameters]
            per_row = self._per_row[rows] = (list(hyperparameters), expanded)
        # Small arrays or one thread (numba.set_num_threads(1)): serial. Many rows: threads
        # take whole rows. Else: the coordinates.
        if (views[0].size < SERIAL_BELOW or _threads() == 1) and self.serial is not None:
            kernel = self.serial
        elif self.by_rows is not None and rows >= _threads():
            kernel = self.by_rows
        else:
            kernel = self.function
        kernel(*views[:len(arrays)], t, *per_row[1], *views[len(arrays):])


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
    helpers: list[str] = []  # reduction functions, defined before the kernel
    # One work row for the simplex threshold's candidates (reused by each threshold).
    work = ["_W0"] if plan.thresholds else []
    lines = [f"def step_kernel({', '.join([*args, 't', *hp_args, *work])}):",
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
        elif sym in plan.thresholds:  # simplex threshold: one streaming pass (Condat)
            name, params = _reduction(expr, plan, element, helpers, plan.thresholds[sym])
            lines.append(f"        {sym} = _dt({name}({params}, _W0[_b]))")
        else:  # a sum: one vectorised serial loop (see _reduction)
            name, params = _reduction(expr, plan, element, helpers)
            lines.append(f"        {sym} = {name}({params})")
    outs = [f"_o{k}" for k in range(len(plan.targets))]
    finish = [f"{o} = {_ELEMENT.doprint(t.expr)}" for o, t in zip(outs, plan.targets)]
    finish += [f"_X{element[t.name]}[_i] = {o}" for o, t in zip(outs, plan.targets)]
    if plan.targets:
        lines += loop([t.expr for t in plan.targets], finish)
    template = "".join(helpers) + "\n".join(lines) + "\n"
    source = template.replace("_ROWS", "range").replace("_COLUMNS", "prange")
    # Variants of the same loop nest (each compiled on its first call): rows in parallel
    # for sweeps of many short rows, and serial for small arrays.
    by_rows = _jit(template.replace("_ROWS", "prange").replace("_COLUMNS", "range"), dt) \
        if batched else None
    serial = _jit(template.replace("_ROWS", "range").replace("_COLUMNS", "range"), dt,
                  parallel=False)
    return NumbaKernel(source, _jit(source, dt), len(work), batched, by_rows, serial)


def _reduction(expr: sp.Expr, plan: KernelPlan, element: dict[str, int],
               helpers: list[str], radius: sp.Symbol | None = None) -> tuple[str, str]:
    """A serial function reducing ``expr`` over the row: its name and call arguments.

    A sum is jitted with reassociation allowed: without it a sum is one chain of
    dependent additions (~4 ns per element; the vector units idle), and
    ``fastmath={'reassoc'}`` on this function only lets LLVM keep several partial
    sums, as NumPy's pairwise sum does. The update loops stay strict IEEE. The sum
    runs on one thread: a prange over chunks calling it measured 2× slower than the
    serial call on 2 cores. With ``radius`` it is the simplex threshold instead
    (Condat's pass over the values, then :func:`condat_tau`; the caller appends the
    work row), strict IEEE.
    """
    temps = _needed_temps([expr], plan.temps)
    temp_syms = {t for t, _ in temps}
    free = set().union(expr.free_symbols, *(e.free_symbols for _, e in temps)) - temp_syms
    if radius is not None:
        free |= {radius}
    arrays = sorted({element[s.name] for s in free if s.name in element})
    scalars = sorted(s.name for s in free if s.name not in element)
    name = f"_red{len(helpers)}"
    params = [*(f"_X{k}" for k in arrays), *scalars]
    value = _ELEMENT.doprint(expr)
    # An index from range(size) is known to be ≥ 0, so the loads are contiguous
    # (range(lo, hi) would need wraparound checks, i.e. gathers).
    if radius is None:
        head = [f"def {name}({', '.join(params)}):", "    _s = 0.0"]
        tail = [f"        _s += {value}", "    return _s", f"{name} = _reassoc({name})"]
    else:
        head = [f"def {name}({', '.join(params)}, _v):", "    _cs = (0, 0, 0.0)"]
        tail = [f"        _cs = _condat_push(_v, _cs, {value}, {radius})",
                f"    return _condat_tau(_v, _cs, {radius})", f"{name} = _serial({name})"]
    body = [*head, f"    for _i in range(_X{arrays[0]}.shape[0]):"]
    body += [f"        {a.name} = _X{element[a.name]}[_i]" for a in plan.arrays
             if element[a.name] in arrays]
    body += [f"        {t} = {_ELEMENT.doprint(e)}" for t, e in temps]
    body += [*tail, "", ""]
    helpers.append("\n".join(body))
    return name, ", ".join(params)


def condat_push(v: np.ndarray, state: tuple[int, int, float], y: float,
                r: float) -> tuple[int, int, float]:
    """One value of Condat's pass (2016, Algorithm steps 1–2) for τ with Σ max(yᵢ − τ, 0) = r.

    ``v`` holds the set-aside candidates ṽ in ``[0, start)`` and the current ones
    in ``[start, end)``; ρ is the threshold of the current ones. State starts at
    ``(0, 0, 0.0)``; :func:`condat_tau` finishes. Plain Python, jitted by numba.

    >>> v, state = np.empty(3), (0, 0, 0.0)
    >>> for y in (0.5, 1.5, -1.0):
    ...     state = condat_push(v, state, y, 1.0)
    >>> condat_tau(v, state, 1.0)
    0.5
    """
    start, end, rho = state
    y = float(y)
    if end == 0:
        v[0] = y
        return 0, 1, y - r
    if y <= rho:
        return start, end, rho
    rho += (y - rho) / (end - start + 1)
    v[end] = y
    if rho > y - r:
        return start, end + 1, rho
    return end, end + 1, y - r  # the current candidates are set aside


def condat_tau(v: np.ndarray, state: tuple[int, int, float], r: float) -> float:
    """Condat's steps 3–4: set-aside values above ρ rejoin, then values ≤ ρ leave until none do.

    Reference: L. Condat, Fast projection onto the simplex and the l1 ball,
    Math. Program. 158 (2016), Algorithm 1 (expected linear time, no sort).
    """
    start, end, rho = state
    k, size = 0, end - start
    for j in range(start):
        y = float(v[j])
        if y > rho:
            v[k] = v[j]
            k += 1
            size += 1
            rho += (y - rho) / size
    for j in range(start, end):
        v[k] = v[j]
        k += 1
    end, changed = k, True
    while changed:
        changed = False
        k, size = 0, end
        for j in range(end):
            y = float(v[j])
            if y > rho or size == 1:
                v[k] = v[j]
                k += 1
            else:
                size -= 1
                rho += (rho - y) / size
                changed = True
        end = k
    return rho


@functools.cache
def _condat() -> tuple[Callable[..., tuple[int, int, float]], Callable[..., float]]:
    """:func:`condat_push` and :func:`condat_tau`, jitted once."""
    import numba

    jit = numba.njit(error_model="numpy")
    return jit(condat_push), jit(condat_tau)


def _jit(source: str, dt: np.dtype, parallel: bool = True) -> Callable[..., None]:
    """Compile (lazily, on first call) and cache by source, dtype and parallelism."""
    import numba

    key = (source, dt.name, parallel)
    if key not in _CACHE:
        namespace = {"np": np, "numpy": np, "math": __import__("math"), "prange": numba.prange,
                     "_dt": dt.type, "_condat_push": _condat()[0], "_condat_tau": _condat()[1],
                     "_reassoc": numba.njit(error_model="numpy", fastmath={"reassoc"}),
                     "_serial": numba.njit(error_model="numpy")}
        # safe: generated source; every name in it was checked by is_identifier or generated
        exec(compile(source, "<symopt numba kernel>", "exec"), namespace)  # safe: names checked
        _CACHE[key] = numba.njit(parallel=parallel, error_model="numpy", fastmath=False)(
            namespace["step_kernel"])
    return _CACHE[key]
