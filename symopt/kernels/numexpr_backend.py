"""numexpr backend: one fused, multithreaded ``numexpr.evaluate`` per output (extra ``[fast]``).

Each output (x and every state array) is one numexpr expression written with
``out=`` into its own array. Common subexpressions that equal another output
(Adam's new m and v) are read back from that array after it is written; the
others are recomputed inside each expression (cheap: numexpr is memory-bound).
Outputs are ordered so that every expression reads old values only from arrays
not yet overwritten; when no such order exists, outputs go to work buffers and
are copied at the end. Numbers and per-step scalars are passed in the arrays'
dtype, so float32 stays float32.

>>> from symopt.kernels import compile
>>> print(compile("heavy_ball", "numexpr", alpha=0.1).source)  # doctest: +SKIP
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from symopt.errors import UnsupportedError
from symopt.kernels.codegen import KernelPlan
from symopt.kernels.numpy_backend import GeneratedKernel, ScalarPrinter, simplex_tau

__all__ = ["NumexprKernel", "generate"]

_SCALAR = ScalarPrinter({"fully_qualified_modules": True})
_FUNCTIONS = {
    sp.Abs: "abs", sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos",
    sp.tan: "tan", sp.tanh: "tanh", sp.sinh: "sinh", sp.cosh: "cosh", sp.atan: "arctan",
    sp.asin: "arcsin", sp.acos: "arccos",
}
_RELATIONS = {sp.StrictLessThan: "<", sp.LessThan: "<=", sp.StrictGreaterThan: ">",
              sp.GreaterThan: ">=", sp.Equality: "==", sp.Unequality: "!="}


class NumexprKernel(GeneratedKernel):
    """Generated numexpr source and the function it defines."""


class _Printer:
    """SymPy → numexpr syntax; every number becomes a named constant in the dtype."""

    def __init__(self) -> None:
        self.constants: dict[sp.Expr, str] = {}

    def constant(self, value: sp.Expr) -> str:
        if value not in self.constants:
            self.constants[value] = f"_k{len(self.constants)}"
        return self.constants[value]

    def __call__(self, e: sp.Basic) -> str:
        if e.is_Symbol:
            return e.name
        if e.is_Number or e in (sp.true, sp.false):
            if e in (sp.true, sp.false):
                return "True" if e == sp.true else "False"
            return self.constant(e)
        if isinstance(e, sp.Add):
            return "(" + " + ".join(self(a) for a in e.args) + ")"
        if isinstance(e, sp.Mul):
            num = [a for a in e.args if not (a.is_Pow and a.exp.is_number and a.exp < 0)]
            den = [sp.Pow(a.base, -a.exp) for a in e.args if a not in num]
            text = " * ".join(self(a) for a in num) or self.constant(sp.S.One)
            if den:
                text += " / (" + " * ".join(self(a) for a in den) + ")"
            return f"({text})"
        if isinstance(e, sp.Pow):
            base, exponent = e.args
            if exponent == sp.S.Half:
                return f"sqrt({self(base)})"
            if exponent.is_number and exponent < 0:
                return f"({self.constant(sp.S.One)} / {self(sp.Pow(base, -exponent))})"
            if exponent.is_Integer and exponent <= 4:
                return "(" + " * ".join([self(base)] * int(exponent)) + ")"
            return f"({self(base)} ** {self(exponent)})"
        if type(e) in _FUNCTIONS:
            return f"{_FUNCTIONS[type(e)]}({self(e.args[0])})"
        if isinstance(e, sp.sign):
            a, one, zero = self(e.args[0]), self.constant(sp.S.One), self.constant(sp.S.Zero)
            return f"where({a} > {zero}, {one}, where({a} < {zero}, -{one}, {zero}))"
        if isinstance(e, (sp.Max, sp.Min)):
            op = ">" if isinstance(e, sp.Max) else "<"
            args = [self(a) for a in e.args]
            text = args[0]
            for a in args[1:]:
                text = f"where({text} {op} {a}, {text}, {a})"
            return text
        if isinstance(e, sp.Piecewise):
            text = self(e.args[-1][0]) if e.args[-1][1] == sp.true else self.constant(sp.nan)
            for value, cond in reversed(e.args[:-1] if e.args[-1][1] == sp.true else e.args):
                text = f"where({self(cond)}, {self(value)}, {text})"
            return text
        if type(e) in _RELATIONS:
            return f"({self(e.args[0])} {_RELATIONS[type(e)]} {self(e.args[1])})"
        if isinstance(e, (sp.And, sp.Or)):
            op = " & " if isinstance(e, sp.And) else " | "
            return "(" + op.join(self(a) for a in e.args) + ")"
        raise UnsupportedError(f"the numexpr backend cannot compile {type(e).__name__} ({e}); "
                               "try backend='numba'")


def _expand(expr: sp.Expr, temps: dict[sp.Symbol, sp.Expr],
            keep: dict[sp.Symbol, sp.Symbol], own: sp.Symbol | None = None) -> sp.Expr:
    """Inline temps, except kept ones (replaced by their marker: read back from an output)."""
    replaced = {}
    for s in expr.free_symbols:
        if s in temps:
            if s in keep and s != own:
                replaced[s] = keep[s]
            else:
                replaced[s] = _expand(temps[s], temps, keep)
    return expr.xreplace(replaced) if replaced else expr


def _order(plan: KernelPlan, temps: dict[sp.Symbol, sp.Expr],
           kept: dict[sp.Symbol, str]) -> list[tuple[str, sp.Expr]] | None:
    """Outputs in an order where no expression reads an overwritten old value, or None.

    ``kept`` maps temps to the output array that holds them; an expression reads
    such a temp (a marker symbol) after that output is written, and reads every
    other array before it is overwritten.
    """
    markers = {temp: sp.Symbol(f"_N{k}") for k, temp in enumerate(kept)}
    marker_target = {markers[temp]: name for temp, name in kept.items()}
    names = [t.name for t in plan.targets]
    exprs, after, before = {}, {}, {}
    for target in plan.targets:
        own = target.expr if kept.get(target.expr) == target.name else None
        expr = _expand(temps[own] if own is not None else target.expr, temps, markers, own)
        free = expr.free_symbols
        after[target.name] = {marker_target[m] for m in free if m in marker_target}
        before[target.name] = {s.name for s in free if s.name in names} - {target.name}
        if after[target.name] & before[target.name]:
            return None  # needs both the old and the new value of one array
        exprs[target.name] = expr.xreplace(
            {m: sp.Symbol(n, real=True) for m, n in marker_target.items()})
    done: list[str] = []
    while len(done) < len(names):
        ready = [n for n in names if n not in done and after[n] <= set(done)
                 and not any(n in before[m] for m in names if m not in done and m != n)]
        if not ready:
            return None
        done.append(ready[0])
    return [(n, exprs[n]) for n in done]


def generate(plan: KernelPlan, dtype: type | np.dtype, *, batched: bool = False) -> NumexprKernel:
    """Print ``plan`` as a function of numexpr.evaluate calls with ``out=``."""
    try:
        import numexpr
    except ImportError:
        raise UnsupportedError("backend 'numexpr' needs numexpr: pip install 'symopt[fast]'") \
            from None
    temps = dict(plan.temps)
    kept: dict[sp.Symbol, str] = {}
    for target in plan.targets:
        if target.expr in temps and target.expr not in kept:
            kept[target.expr] = target.name
    ordered = _order(plan, temps, kept)
    copies: list[tuple[str, str]] = []
    if ordered is None:  # no safe order: every output to a buffer (old values only)
        ordered = [(f"_w[{k}]", _expand(t.expr, temps, {})) for k, t in
                   enumerate(plan.targets)]
        copies = [(t.name, f"_w[{k}]") for k, t in enumerate(plan.targets)]
    printer = _Printer()
    extra: tuple[str | None, ...] = ()
    body: list[str] = []
    fixed: list[str] = []
    for kind, sym, expr in plan.scalar_order():
        if kind == "scalar":
            line = f"{sym} = _cast({_SCALAR.doprint(expr)})"
            (fixed if not expr.free_symbols else body).append(line)
        elif sym in plan.thresholds:  # simplex threshold: the values, then a sort
            text = printer(_expand(expr, temps, {}))
            y, decreasing, sums = (f"_w[{len(copies) + k}]" for k in range(3))
            extra = (None, None, "float64")
            body.append(f"_ne('{text}', {_names(text, printer)}, out={y})")
            body.append(f"{sym} = _cast(_simplex({y}, {plan.thresholds[sym]}, {decreasing}, "
                        f"{sums}))")
        else:
            text = printer(_expand(expr, temps, {}))
            names = _names(text, printer)
            axis = ", axis=1" if batched else ""
            body.append(f"{sym} = _reduce(_ne('sum({text}{axis})', {names}))")
    for out, expr in ordered:
        text = printer(expr)
        body.append(f"_ne('{text}', {_names(text, printer)}, out={out})")
    body += [f"np.copyto({target}, {buffer})" for target, buffer in copies]
    arguments = [a.name for a in plan.arrays] + ["t"] + [h for h, _ in plan.hyperparameters]
    n_buffers = len(copies)
    if n_buffers or extra:
        arguments.append("_w")
    constants = fixed + [f"{name} = _cast({_SCALAR.doprint(value)})"
                         for value, name in printer.constants.items()]
    source = ("\n".join(constants) + "\n\n" if constants else "") + (
        f"def step_kernel({', '.join(arguments)}):\n"
        + "".join(f"    {line}\n" for line in body or ["pass"])
    )
    dt = np.dtype(dtype)
    namespace = {
        "np": np, "numpy": np, "functools": functools,
        "_ne": functools.partial(numexpr.evaluate, casting="same_kind"),
        "_cast": dt.type if not batched else functools.partial(np.asarray, dtype=dt),
        "_reduce": (lambda r: r) if not batched else (lambda r: r[:, None]),
        "_simplex": functools.partial(simplex_tau, batched=batched),
    }
    # safe: generated source; every name in it was checked by is_identifier or generated
    exec(compile(source, "<symopt numexpr kernel>", "exec"), namespace)  # safe: names checked
    return NumexprKernel(source, namespace["step_kernel"], n_buffers, extra)


def _names(text: str, printer: _Printer) -> str:
    """The local_dict literal for the names an expression string uses."""
    import re

    used = sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
                  - {"where", "sqrt", "sum", "axis", "True", "False", *_FUNCTIONS.values()})
    return "{" + ", ".join(f"'{n}': {n}" for n in used) + "}"
