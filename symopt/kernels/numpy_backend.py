"""NumPy backend: a kernel plan printed as in-place ``out=`` ufunc sequences.

Each elementwise operation becomes one ufunc call writing into a preallocated
array: the parameter or state array it updates when that array's old value is
no longer needed, otherwise a work buffer (reused as soon as its content is
dead). Elementwise ``Piecewise`` is written piece by piece with
``np.copyto(..., where=mask)`` into boolean work buffers, and the simplex
threshold sorts in a work buffer. A step therefore allocates no full-size
array; per-step scalars (bias
corrections, schedules, reductions) are computed first and cast to the arrays'
dtype so that float32 stays float32.

>>> from symopt.methods import heavy_ball
>>> from symopt.kernels.codegen import lower
>>> from symopt.symbols import symbol
>>> alpha, beta = symbol("alpha"), symbol("beta")
>>> plan = lower(heavy_ball().rule(), [beta, alpha], {alpha: sp.Rational(1, 10), beta: 0.9})
>>> print(generate(plan, np.float64).source)  # doctest: +NORMALIZE_WHITESPACE
_c0 = _cast(0.9)
_c1 = _cast(-0.1)
<BLANKLINE>
def step_kernel(x, g, b, t, _w):
    np.multiply(b, _c0, out=b)
    np.add(g, b, out=b)
    np.multiply(b, _c1, out=_w[0])
    np.add(x, _w[0], out=x)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from symopt.errors import UnsupportedError
from symopt.kernels.codegen import KernelPlan

__all__ = ["NumpyKernel", "ScalarPrinter", "generate", "simplex_tau"]

_UNARY = {
    sp.Abs: "absolute", sp.sign: "sign", sp.exp: "exp", sp.log: "log", sp.sin: "sin",
    sp.cos: "cos", sp.tan: "tan", sp.tanh: "tanh", sp.sinh: "sinh", sp.cosh: "cosh",
    sp.atan: "arctan", sp.asin: "arcsin", sp.acos: "arccos", sp.floor: "floor",
    sp.ceiling: "ceil",
}


_RELATIONS = {sp.StrictLessThan: "less", sp.LessThan: "less_equal",
              sp.StrictGreaterThan: "greater", sp.GreaterThan: "greater_equal",
              sp.Equality: "equal", sp.Unequality: "not_equal"}


def _leaves(tree: object):
    """The operands (``("val"|"in"|"sc"|"lit", ...)``) of a where/condition tree."""
    if tree[0] in ("where", "call"):  # type: ignore[index]
        start = 1 if tree[0] == "where" else 2  # type: ignore[index]
        for child in tree[start:]:  # type: ignore[index]
            yield from _leaves(child)
    else:
        yield tree


class ScalarPrinter(NumPyPrinter):
    """Prints per-step scalars; numbers print as float literals."""

    def _print_Rational(self, expr: sp.Rational) -> str:
        return repr(float(expr))

    def _print_Float(self, expr: sp.Float) -> str:
        return repr(float(expr))

    def _print_Integer(self, expr: sp.Integer) -> str:
        return str(int(expr))


_SCALAR = ScalarPrinter({"fully_qualified_modules": True})


@dataclass
class _Instr:
    op: str
    args: list[tuple[str, object]]
    out: int | None = None  # value id of an elementwise result
    name: str = ""  # scalar / reduction local
    expr: sp.Expr | None = None


@dataclass
class GeneratedKernel:
    """Generated source and the step function it defines (shared by numpy and numexpr)."""

    source: str
    function: Callable[..., None]
    n_buffers: int
    #: Further work buffers after the ``n_buffers`` of the arrays' dtype: their dtype
    #: names (``None``: the arrays' dtype), e.g. boolean masks, float64 running sums.
    extra_buffers: tuple[str | None, ...] = ()

    def call(self, arrays: list[np.ndarray], t: int, hyperparameters: list[np.ndarray],
             buffers: list[np.ndarray]) -> None:
        """Run one step: arrays in plan order, swept values as (B,) arrays."""
        extra = [h[:, None] for h in hyperparameters]
        if self.n_buffers or self.extra_buffers:
            self.function(*arrays, t, *extra, buffers)
        else:
            self.function(*arrays, t, *extra)


@dataclass
class NumpyKernel(GeneratedKernel):
    """A NumPy kernel also records its argument names."""

    arguments: list[str] = field(default_factory=list)


class _Emitter:
    def __init__(self, plan: KernelPlan):
        self.plan = plan
        self.arrays = {a.name for a in plan.arrays}
        self.temps = dict(plan.temps)
        self.scalars = dict(plan.scalars)
        self.reductions = dict(plan.reductions)
        self.instrs: list[_Instr] = []
        self.memo: dict[sp.Expr, tuple[str, object]] = {}
        self.emitted: set[sp.Symbol] = set()
        self.n_values = 0

    def new(self, op: str, *args: tuple[str, object]) -> tuple[str, object]:
        vid = self.n_values
        self.n_values += 1
        self.instrs.append(_Instr(op, list(args), vid))
        return ("val", vid)

    def scalar(self, c: sp.Symbol) -> tuple[str, object]:
        if c not in self.emitted:
            expr = self.scalars[c]
            for r in sorted(expr.free_symbols & set(self.reductions), key=str):
                self.reduction(r)
            self.instrs.append(_Instr("scalar", [], name=c.name, expr=expr))
            self.emitted.add(c)
        return ("sc", c.name)

    def reduction(self, r: sp.Symbol) -> None:
        if r not in self.emitted:
            operand = self.value(self.reductions[r])
            if r in self.plan.thresholds:
                radius = self.scalar(self.plan.thresholds[r])
                self.instrs.append(_Instr("simplex", [operand, radius], name=r.name))
            else:
                self.instrs.append(_Instr("sum", [operand], name=r.name))
            self.emitted.add(r)

    def value(self, expr: sp.Expr) -> tuple[str, object]:
        if expr in self.memo:
            return self.memo[expr]
        result = self._value(expr)
        self.memo[expr] = result
        return result

    def _value(self, expr: sp.Expr) -> tuple[str, object]:
        if expr.is_Symbol:
            if expr.name in self.arrays:
                return ("in", expr.name)
            if expr in self.temps:
                return self.value(self.temps[expr])
            if expr in self.scalars:
                return self.scalar(expr)
            raise UnsupportedError(f"internal: unbound symbol {expr}")
        if isinstance(expr, sp.Add):
            return self._fold("add", expr.args)
        if isinstance(expr, sp.Mul):
            return self._mul(expr)
        if isinstance(expr, sp.Pow):
            return self._pow(*expr.args)
        if type(expr) in _UNARY:
            return self.new(_UNARY[type(expr)], self.value(expr.args[0]))
        if isinstance(expr, (sp.Max, sp.Min)):
            return self._fold("maximum" if isinstance(expr, sp.Max) else "minimum", expr.args)
        if isinstance(expr, sp.Piecewise):
            return self._piecewise(expr)
        raise UnsupportedError(
            f"the numpy backend cannot compile {type(expr).__name__} ({expr}); "
            "try backend='numba'"
        )

    def _piecewise(self, expr: sp.Piecewise) -> tuple[str, object]:
        """The pieces as one instruction: written piece by piece, masks in boolean buffers."""
        pieces = list(expr.args)
        if pieces[-1][1] == sp.true:
            tree: object = self._operand(pieces.pop()[0])
        else:
            tree = ("lit", "np.nan")
        for value, cond in reversed(pieces):
            tree = ("where", self._condition(cond), self._operand(value), tree)
        operands = list(_leaves(tree))
        vid = self.n_values
        self.n_values += 1
        self.instrs.append(_Instr("where", operands, vid, expr=tree))  # type: ignore[arg-type]
        return ("val", vid)

    def _operand(self, expr: sp.Expr) -> tuple[str, object]:
        if expr.is_Number:
            return ("lit", repr(float(expr)))
        return self.value(expr)

    def _condition(self, cond: sp.Basic) -> object:
        if cond in (sp.true, sp.false):
            return ("lit", str(bool(cond)))
        if type(cond) in _RELATIONS:
            lhs, rhs = (self._operand(a) for a in cond.args)
            return ("call", _RELATIONS[type(cond)], lhs, rhs)
        if isinstance(cond, (sp.And, sp.Or)):
            op = "logical_and" if isinstance(cond, sp.And) else "logical_or"
            tree = self._condition(cond.args[0])
            for arg in cond.args[1:]:
                tree = ("call", op, tree, self._condition(arg))
            return tree
        if isinstance(cond, sp.Not):
            return ("call", "logical_not", self._condition(cond.args[0]))
        raise UnsupportedError(f"the numpy backend cannot compile the condition {cond}")

    def _fold(self, op: str, args: tuple[sp.Expr, ...]) -> tuple[str, object]:
        # Array operands first: a ufunc needs at least one array among its inputs.
        ordered = sorted(args, key=lambda a: a in self.scalars)
        acc = self.value(ordered[0])
        for arg in ordered[1:]:
            acc = self.new(op, acc, self.value(arg))
        return acc

    def _mul(self, expr: sp.Mul) -> tuple[str, object]:
        scalar, numerator, denominator = None, [], []
        for factor in expr.args:
            if factor in self.scalars:
                scalar = self.value(factor)
            elif isinstance(factor, sp.Pow) and factor.exp.is_number and factor.exp < 0:
                denominator.append(sp.Pow(factor.base, -factor.exp, evaluate=False)
                                   if factor.exp != -1 else factor.base)
            else:
                numerator.append(factor)
        if numerator:
            acc = self.value(numerator[0])
            for factor in numerator[1:]:
                acc = self.new("multiply", acc, self.value(factor))
            for factor in denominator:
                acc = self.new("divide", acc, self.value(factor))
            if scalar is not None:
                acc = self.new("multiply", acc, scalar)
            return acc
        acc = self.new("divide", scalar or ("lit", "1"), self.value(denominator[0]))
        for factor in denominator[1:]:
            acc = self.new("divide", acc, self.value(factor))
        return acc

    def _pow(self, base: sp.Expr, exponent: sp.Expr) -> tuple[str, object]:
        if exponent == 2:
            return self.new("square", self.value(base))
        if exponent == sp.S.Half:
            return self.new("sqrt", self.value(base))
        if exponent.is_number and exponent < 0:
            return self.new("divide", ("lit", "1"), self._pow(base, -exponent))
        if exponent.is_Integer:
            return self.new("power", self.value(base), ("lit", str(int(exponent))))
        return self.new("power", self.value(base), self.value(exponent))


def simplex_tau(y: np.ndarray, radius: object, ordered: np.ndarray, sums: np.ndarray, *,
                batched: bool) -> object:
    """τ with Σᵢ max(yᵢ − τ, 0) = radius, over all of y or per row (shape (B, 1)) when batched.

    The sort-based definition of :meth:`~symopt.methods.projected.simplex_threshold.numeric`
    in preallocated buffers: ``ordered`` (y's dtype) receives −y sorted in place,
    ``sums`` (float64) its running sums. With u the values in decreasing order and
    Sₖ = u₁ + … + uₖ, h(k) = k·uₖ − Sₖ + r decreases with k (h(k+1) − h(k) =
    k(uₖ₊₁ − uₖ) ≤ 0), so the last k with h(k) > 0 is found by bisection.

    >>> y = np.array([0.5, 1.5, -1.0])
    >>> float(simplex_tau(y, 1.0, np.empty(3), np.empty(3), batched=False))
    0.5
    """
    if not batched:
        return _simplex_row(y.reshape(-1), float(radius), ordered.reshape(-1), sums.reshape(-1))
    rows = y.shape[0]
    radii = np.broadcast_to(np.asarray(radius, dtype=float).reshape(-1), (rows,))
    y2, o2, s2 = y.reshape(rows, -1), ordered.reshape(rows, -1), sums.reshape(rows, -1)
    return np.array([[_simplex_row(y2[b], float(radii[b]), o2[b], s2[b])]
                     for b in range(rows)])


def _simplex_row(y: np.ndarray, radius: float, ordered: np.ndarray, sums: np.ndarray) -> float:
    np.negative(y, out=ordered)
    ordered.sort()  # −u, increasing: u decreasing
    np.copyto(sums, ordered)
    np.cumsum(sums, out=sums)  # −S_k
    lo, hi = 1, ordered.size  # h(1) = r > 0
    while lo < hi:
        k = (lo + hi + 1) // 2
        if -k * float(ordered[k - 1]) + float(sums[k - 1]) + radius > 0:
            lo = k
        else:
            hi = k - 1
    return (-float(sums[lo - 1]) - radius) / lo


def _allocate(instrs: list[_Instr], outputs: dict[int, str],
              writable: set[str]) -> tuple[dict[int, str], list[tuple[str, str]], int]:
    """Storage for each value: its target array when free, else a reused work buffer."""
    end = len(instrs)
    last: dict[object, int] = {}
    for k, ins in enumerate(instrs):
        for kind, ref in ins.args:
            if kind in ("val", "in"):
                last[(kind, ref)] = k
    for vid in outputs:
        last[("val", vid)] = end
    held: dict[str, tuple[str, object]] = {name: ("in", name) for name in writable}
    buffers: list[str] = []
    where: dict[int, str] = {}
    copies: list[tuple[str, str]] = []

    def free(storage: str, k: int) -> bool:
        return last.get(held[storage], -1) <= k

    def new_buffer() -> str:
        buffers.append(f"_w[{len(buffers)}]")
        return buffers[-1]

    for k, ins in enumerate(instrs):
        if ins.out is None:
            continue
        # Storages of this instruction's operands that die here: writing the result
        # over them is an in-place update (m *= β), the cheapest choice.
        dying = [held_by for held_by, content in held.items()
                 if content in ins.args and free(held_by, k)]
        # A piecewise result is written piece by piece (np.copyto with where=): its
        # storage must not hold any of its operands.
        avoid = {held_by for held_by, content in held.items() if content in ins.args} \
            if ins.op == "where" else set()
        if avoid:
            dying = []
        target = outputs.get(ins.out)
        if target is not None and free(target, k) and target not in avoid:
            chosen = target
        elif target is not None:
            # An output whose array is still read later waits in a buffer.
            chosen = next((b for b in dying if b in buffers), None) or next(
                (b for b in buffers if free(b, k) and b not in avoid), None) or new_buffer()
            copies.append((target, chosen))
        else:
            chosen = next(iter(dying), None) or next(
                (b for b in buffers if free(b, k) and b not in avoid), None) or new_buffer()
        held[chosen] = ("val", ins.out)
        where[ins.out] = chosen
    return where, copies, len(buffers)


def generate(plan: KernelPlan, dtype: type | np.dtype, *, batched: bool = False) -> NumpyKernel:
    """Print ``plan`` as an in-place NumPy function ``step_kernel`` and compile it."""
    emitter = _Emitter(plan)
    reduction_symbols = {r for r, _ in plan.reductions}
    for c, expr in plan.scalars:
        if not expr.free_symbols & reduction_symbols:
            emitter.scalar(c)
    outputs: dict[int, str] = {}
    for target in plan.targets:
        operand = emitter.value(target.expr)
        if operand[0] != "val" or operand[1] in outputs:
            operand = emitter.new("copyto", operand)
        outputs[operand[1]] = target.name  # type: ignore[index]
    writable = {a.name for a in plan.arrays if a.writable}
    where, copies, n_buffers = _allocate(emitter.instrs, outputs, writable)

    # Work buffers of other dtypes follow the n_buffers of the arrays' dtype.
    extra: list[str | None] = []

    def extra_buffer(kind: str | None, k: int) -> str:
        """The k-th extra buffer of dtype ``kind`` (shared by every instruction)."""
        slots = [i for i, d in enumerate(extra) if d == kind]
        while len(slots) <= k:
            extra.append(kind)
            slots.append(len(extra) - 1)
        return f"_w[{n_buffers + slots[k]}]"

    def ref(operand: tuple[str, object]) -> str:
        kind, value = operand
        return where[value] if kind == "val" else str(value)  # type: ignore[index]

    def condition(tree: object, depth: int, lines: list[str]) -> str:
        """Evaluate a condition into the boolean buffer ``depth`` (or a literal)."""
        if tree[0] == "lit":  # type: ignore[index]
            return str(tree[1])  # type: ignore[index]
        mask = extra_buffer("bool", depth)
        args = []
        for k, child in enumerate(tree[2:]):  # type: ignore[index]
            args.append(condition(child, depth + k, lines) if child[0] == "call" else ref(child))
        lines.append(f"np.{tree[1]}({', '.join(args)}, out={mask})")  # type: ignore[index]
        return mask

    def piecewise(out: str, tree: object) -> list[str]:
        """out ← the pieces, last first, each np.copyto(..., where=mask): no allocation."""
        pieces = []
        while tree[0] == "where":  # type: ignore[index]
            pieces.append(tree[1:3])  # type: ignore[index]
            tree = tree[3]  # type: ignore[index]
        lines = [f"np.copyto({out}, {ref(tree)})"]  # type: ignore[arg-type]
        for cond, value in reversed(pieces):
            mask = condition(cond, 0, lines)
            if mask == "True":
                lines.append(f"np.copyto({out}, {ref(value)})")
            elif mask != "False":
                lines.append(f"np.copyto({out}, {ref(value)}, where={mask})")
        return lines

    constants, body = [], []
    for ins in emitter.instrs:
        if ins.op == "scalar":
            line = f"{ins.name} = _cast({_SCALAR.doprint(ins.expr)})"
            (constants if not ins.expr.free_symbols else body).append(line)
        elif ins.op == "sum":
            body.append(f"{ins.name} = _rsum({ref(ins.args[0])})")
        elif ins.op == "simplex":
            buffers = f"{extra_buffer(None, 0)}, {extra_buffer('float64', 0)}"
            body.append(f"{ins.name} = _cast(_simplex({ref(ins.args[0])}, {ref(ins.args[1])}, "
                        f"{buffers}))")
        elif ins.op == "where":
            body += piecewise(where[ins.out], ins.expr)
        elif ins.op == "copyto":
            body.append(f"np.copyto({where[ins.out]}, {ref(ins.args[0])})")
        else:
            args = ", ".join(ref(a) for a in ins.args)
            body.append(f"np.{ins.op}({args}, out={where[ins.out]})")
    body += [f"np.copyto({target}, {buffer})" for target, buffer in copies]
    arguments = [a.name for a in plan.arrays] + ["t"] + [h for h, _ in plan.hyperparameters]
    if n_buffers or extra:
        arguments.append("_w")
    header = "\n".join(constants)
    source = (header + "\n\n" if header else "") + (
        f"def step_kernel({', '.join(arguments)}):\n"
        + "".join(f"    {line}\n" for line in body or ["pass"])
    )
    dt = np.dtype(dtype)
    namespace = {
        "np": np,
        "numpy": np,
        "functools": functools,
        "_cast": dt.type if not batched else functools.partial(np.asarray, dtype=dt),
        "_rsum": np.sum if not batched else functools.partial(np.sum, axis=-1, keepdims=True),
        "_simplex": functools.partial(simplex_tau, batched=batched),
    }
    # safe: generated source; every name in it was checked by is_identifier or generated
    exec(compile(source, "<symopt kernel>", "exec"), namespace)  # safe: names checked
    return NumpyKernel(source, namespace["step_kernel"], n_buffers, tuple(extra), arguments)
