"""NumPy backend: a kernel plan printed as in-place ``out=`` ufunc sequences.

Each elementwise operation becomes one ufunc call writing into a preallocated
array: the parameter or state array it updates when that array's old value is
no longer needed, otherwise a work buffer (reused as soon as its content is
dead). A step therefore allocates no full-size array; per-step scalars (bias
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
from dataclasses import dataclass

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

    def call(self, arrays: list[np.ndarray], t: int, hyperparameters: list[np.ndarray],
             buffers: list[np.ndarray]) -> None:
        """Run one step: arrays in plan order, swept values as (B,) arrays."""
        extra = [h[:, None] for h in hyperparameters]
        if self.n_buffers:
            self.function(*arrays, t, *extra, buffers)
        else:
            self.function(*arrays, t, *extra)


@dataclass
class NumpyKernel(GeneratedKernel):
    """A NumPy kernel also records its argument names."""

    arguments: list[str]


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
        """np.where over the pieces (it allocates: the one elementwise form that does)."""
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


def simplex_tau(y: np.ndarray, radius: object, *, batched: bool) -> np.ndarray:
    """τ with Σᵢ max(yᵢ − τ, 0) = radius, over all of y or per row (shape (B, 1)) when batched.

    The projection's own numeric definition (a sort; it allocates).
    """
    from symopt.methods.projected import simplex_threshold

    if not batched:
        return simplex_threshold.numeric(y.reshape(-1), radius)
    return simplex_threshold.numeric(y, radius)[:, None]


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
        target = outputs.get(ins.out)
        if target is not None and free(target, k):
            chosen = target
        elif target is not None:
            # An output whose array is still read later waits in a buffer.
            chosen = next((b for b in dying if b in buffers), None) or next(
                (b for b in buffers if free(b, k)), None) or new_buffer()
            copies.append((target, chosen))
        else:
            chosen = next(iter(dying), None) or next(
                (b for b in buffers if free(b, k)), None) or new_buffer()
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

    def ref(operand: tuple[str, object]) -> str:
        kind, value = operand
        return where[value] if kind == "val" else str(value)  # type: ignore[index]

    def render(tree: object) -> str:
        kind = tree[0]  # type: ignore[index]
        if kind == "where":
            return f"np.where({', '.join(render(c) for c in tree[1:])})"  # type: ignore[index]
        if kind == "call":
            return f"np.{tree[1]}({', '.join(render(c) for c in tree[2:])})"  # type: ignore
        return ref(tree)  # type: ignore[arg-type]

    constants, body = [], []
    for ins in emitter.instrs:
        if ins.op == "scalar":
            line = f"{ins.name} = _cast({_SCALAR.doprint(ins.expr)})"
            (constants if not ins.expr.free_symbols else body).append(line)
        elif ins.op == "sum":
            body.append(f"{ins.name} = _rsum({ref(ins.args[0])})")
        elif ins.op == "simplex":
            body.append(f"{ins.name} = _cast(_simplex({ref(ins.args[0])}, {ref(ins.args[1])}))")
        elif ins.op == "where":
            body.append(f"np.copyto({where[ins.out]}, {render(ins.expr)})")
        elif ins.op == "copyto":
            body.append(f"np.copyto({where[ins.out]}, {ref(ins.args[0])})")
        else:
            args = ", ".join(ref(a) for a in ins.args)
            body.append(f"np.{ins.op}({args}, out={where[ins.out]})")
    body += [f"np.copyto({target}, {buffer})" for target, buffer in copies]
    arguments = [a.name for a in plan.arrays] + ["t"] + [h for h, _ in plan.hyperparameters]
    if n_buffers:
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
    return NumpyKernel(source, namespace["step_kernel"], n_buffers, arguments)
