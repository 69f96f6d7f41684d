"""Lowering a symbolic update rule to a backend-neutral kernel plan.

The plan is what every backend prints: safe names for every array and
hyperparameter, the reductions (``coordinate_sum``) to compute first, the
scalar subexpressions (functions of ``t``, swept hyperparameters and
reductions, evaluated once per step and cast to the arrays' dtype) and the
elementwise part with common subexpressions shared (``sympy.cse``).

Names: generated source is executed, so no user-chosen name reaches it unless
:func:`symopt.symbols.is_identifier` accepts it and it is not a Python keyword,
builtin or a name the kernels use; otherwise a generated name (``_s0``,
``_h0``, ...) replaces it. Generated names start with ``_``, which
``is_identifier`` never accepts, so they cannot collide with user names. Only
SymPy's own functions may appear (an undefined function ``f(x)`` could carry
any name and is refused).

>>> from symopt.methods import heavy_ball
>>> from symopt.symbols import symbol
>>> alpha, beta = symbol("alpha"), symbol("beta")
>>> plan = lower(heavy_ball().rule(), [beta, alpha], {alpha: sp.Rational(1, 10)})
>>> [a.name for a in plan.arrays], [t.name for t in plan.targets]
(['x', 'g', 'b'], ['x', 'b'])
>>> plan.temps, plan.targets[0].expr, plan.scalars
([(_e0, _c0*b + g)], _c1*_e0 + x, [(_c0, beta), (_c1, -1/10)])
>>> plan.hyperparameters
[('beta', beta)]
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from symopt.errors import CodegenError, DomainError, UnsupportedError
from symopt.methods.base import UpdateRule, coordinate_sum
from symopt.methods.projected import simplex_threshold
from symopt.symbols import is_identifier

__all__ = ["ArraySlot", "KernelPlan", "NameTable", "Target", "check_supported", "lower", "traffic"]

#: Names the generated modules bind themselves (and numexpr's function names); user
#: names never shadow them.
RESERVED = frozenset({
    "np", "numpy", "math", "numba", "prange", "functools", "x", "g", "p", "t",
    "where", "sqrt", "sum", "prod", "exp", "log", "log1p", "expm1", "sin", "cos", "tan",
    "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan", "arctan2", "arcsinh", "arccosh",
    "arctanh", "real", "imag", "conj", "contains", "axis", "floor", "ceil", "fmod",
}) | frozenset(dir(builtins))


class NameTable:
    """Give each symbol a name that is safe in generated source.

    >>> table = NameTable()
    >>> table.name(sp.Symbol("m"), "_s"), table.name(sp.Symbol("__import__('os')"), "_s")
    ('m', '_s0')
    """

    def __init__(self, fixed: Mapping[sp.Symbol, str] | None = None):
        self._names: dict[sp.Symbol, str] = dict(fixed or {})
        self._used = set(self._names.values())
        self._counters: dict[str, int] = {}

    def name(self, sym: sp.Symbol, prefix: str) -> str:
        """The safe name of ``sym`` (its own when it is a plain, free identifier)."""
        if sym in self._names:
            return self._names[sym]
        own = sym.name
        if is_identifier(own) and not keyword.iskeyword(own) and own not in RESERVED \
                and own not in self._used:
            chosen = own
        else:
            chosen = self.fresh(prefix)
        self._names[sym] = chosen
        self._used.add(chosen)
        return chosen

    def fresh(self, prefix: str) -> str:
        """A new generated name ``prefix<k>`` (prefixes start with ``_``)."""
        if not prefix.startswith("_") or not prefix[1:].isalnum():
            raise CodegenError(f"generated-name prefix {prefix!r} is not safe")
        k = self._counters.get(prefix, 0)
        self._counters[prefix] = k + 1
        return f"{prefix}{k}"

    def symbol(self, sym: sp.Symbol, prefix: str) -> sp.Symbol:
        """A symbol carrying the safe name (and the original assumptions)."""
        return sp.Symbol(self.name(sym, prefix), **sym.assumptions0)


@dataclass(frozen=True)
class ArraySlot:
    """A full-size array the kernel reads: its role and safe name."""

    role: str  # "x", "g", "p", "state" or "data"
    name: str
    symbol: sp.Symbol  # the original symbol
    writable: bool


@dataclass(frozen=True)
class Target:
    """An output: the array ``name`` receives ``expr`` (in safe symbols)."""

    name: str
    expr: sp.Expr


@dataclass
class KernelPlan:
    """Everything a backend needs to print one step.

    ``scalars`` are ``(symbol, expr)`` in the scalar symbols (``t``, swept
    hyperparameters, reductions ``_r*``); ``reductions`` are ``(symbol, arg)``
    with ``arg`` elementwise; ``temps`` the elementwise common subexpressions
    in evaluation order; ``targets`` the outputs, all reading old values.
    """

    arrays: list[ArraySlot]
    targets: list[Target]
    temps: list[tuple[sp.Symbol, sp.Expr]]
    scalars: list[tuple[sp.Symbol, sp.Expr]]
    reductions: list[tuple[sp.Symbol, sp.Expr]]
    hyperparameters: list[tuple[str, sp.Symbol]]  # swept: safe name, original symbol
    t: sp.Symbol = field(default_factory=lambda: sp.Symbol("t", integer=True, positive=True))
    #: Reductions that are simplex thresholds τ(arg, radius) instead of sums: their radius.
    thresholds: dict[sp.Symbol, sp.Symbol] = field(default_factory=dict)

    def scalar_order(self) -> list[tuple[str, sp.Symbol, sp.Expr]]:
        """Scalars and reductions interleaved in a valid evaluation order.

        Items are ``("scalar", sym, expr)`` or ``("reduction", sym, arg)``.
        """
        reduction_syms = {r for r, _ in self.reductions}
        done: set[sp.Symbol] = set()
        order: list[tuple[str, sp.Symbol, sp.Expr]] = []
        pending_scalars = list(self.scalars)
        pending_red = list(self.reductions)
        temps = dict(self.temps)
        scalar_syms = {c for c, _ in self.scalars}

        def needs(expr: sp.Expr) -> set[sp.Symbol]:
            found, stack, seen = set(), [expr], set()
            while stack:
                e = stack.pop()
                for s in e.free_symbols:
                    if s in seen:
                        continue
                    seen.add(s)
                    if s in temps:
                        stack.append(temps[s])
                    elif s in scalar_syms or s in reduction_syms:
                        found.add(s)
            return found

        while pending_scalars or pending_red:
            progressed = False
            for item in list(pending_scalars):
                if item[1].free_symbols & reduction_syms <= done:
                    order.append(("scalar", *item))
                    done.add(item[0])
                    pending_scalars.remove(item)
                    progressed = True
            for item in list(pending_red):
                radius = {self.thresholds[item[0]]} if item[0] in self.thresholds else set()
                if needs(item[1]) | radius <= done:
                    order.append(("reduction", *item))
                    done.add(item[0])
                    pending_red.remove(item)
                    progressed = True
                    break
            if not progressed:
                raise CodegenError("circular dependency between reductions")
        return order


def traffic(plan: KernelPlan) -> tuple[int, int]:
    """Full arrays a step must read and write at the least: ``(reads, writes)``.

    One pass over memory per reduction (reading the arrays its argument uses),
    then the update pass (reading the arrays the outputs use, writing each
    output once). Times the array size in bytes, divided by the machine's
    bandwidth, this is the step's memory-bandwidth bound.

    >>> from symopt.methods import heavy_ball
    >>> from symopt.symbols import symbol
    >>> traffic(lower(heavy_ball().rule(), [symbol("alpha"), symbol("beta")]))
    (3, 2)
    """
    temps = dict(plan.temps)
    names = {a.name for a in plan.arrays}

    def arrays(exprs: Iterable[sp.Expr]) -> set[str]:
        found: set[str] = set()
        stack, seen = list(exprs), set()
        while stack:
            for s in stack.pop().free_symbols:
                if s in seen:
                    continue
                seen.add(s)
                if s in temps:
                    stack.append(temps[s])
                elif s.name in names:
                    found.add(s.name)
        return found

    reads = sum(len(arrays([arg])) for _, arg in plan.reductions)
    reads += len(arrays(t.expr for t in plan.targets))
    return reads, len(plan.targets)


# Node types allowed in expressions that reach generated code.
_ALLOWED_ATOMS = (sp.Symbol, sp.Number, sp.NumberSymbol, sp.logic.boolalg.BooleanAtom)


def check_supported(exprs: Iterable[sp.Basic], where: str) -> None:
    """Refuse nodes a printer could turn into arbitrary source (undefined functions).

    >>> check_supported([sp.Function("__import__('os')")(sp.Symbol("x"))], "test")
    Traceback (most recent call last):
    ...
    symopt.errors.CodegenError: test: the undefined function "__import__('os')" cannot be compiled
    """
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, AppliedUndef):
                name = type(node).__name__
                raise CodegenError(f"{where}: the undefined function {name!r} cannot be compiled")
            if not node.args and not isinstance(node, _ALLOWED_ATOMS):
                raise UnsupportedError(f"{where}: cannot compile {node!r} ({type(node).__name__})")
            if node.is_number and node.is_real is False:
                raise UnsupportedError(f"{where}: complex value {node} cannot be compiled")
            if isinstance(node, sp.Function) \
                    and not isinstance(node, (coordinate_sum, simplex_threshold)) \
                    and not type(node).__module__.startswith("sympy."):
                raise UnsupportedError(f"{where}: kernels cannot compile {type(node).__name__}")


def lower(
    rule: UpdateRule,
    hyperparameters: Sequence[sp.Symbol] = (),
    values: Mapping[sp.Symbol, sp.Expr] | None = None,
    state_order: Sequence[sp.Symbol] | None = None,
    data: Sequence[sp.Symbol] = (),
) -> KernelPlan:
    """The kernel plan of ``rule`` (written in the symbolic ``hyperparameters``).

    ``values`` fixes some hyperparameters to numbers: they are substituted into
    the per-step scalars only, after lowering, so that the elementwise structure
    (and its shared subexpressions) is the one the method wrote, not the one
    SymPy gets after distributing numeric factors. Hyperparameters without a
    value stay symbols (swept: one value per batch row). ``state_order`` fixes
    the order of the state arrays; ``data`` are per-coordinate constant arrays
    (a half-space normal). Any other free symbol is an error naming it.
    """
    values = dict(values or {})
    states = list(state_order if state_order is not None else rule.state_next)
    table = NameTable({rule.x: "x", rule.g: "g", rule.p: "p", rule.t: "t"})
    known = {rule.x, rule.g, rule.p, rule.t, *states, *hyperparameters, *data}
    exprs = [rule.x_next, *(rule.state_next[s] for s in states)]
    free = set().union(*(e.free_symbols for e in exprs)) - known
    if free:
        names = ", ".join(sorted(s.name for s in free))
        raise DomainError(f"no value for {names}: give it as a hyperparameter "
                          "(or, for per-coordinate data, as data={name: array})")
    check_supported(exprs, "update rule")
    _check_distinct(rule, states, hyperparameters, data)

    renaming: dict[sp.Symbol, sp.Symbol] = {}
    for sym in (rule.x, rule.g, rule.p, rule.t):
        renaming[sym] = table.symbol(sym, "_a")
    for s in states:
        renaming[s] = table.symbol(s, "_s")
    for h in hyperparameters:
        renaming[h] = table.symbol(h, "_h")
    for d in data:
        renaming[d] = table.symbol(d, "_d")
    swept = [(renaming[h].name, h) for h in hyperparameters if h not in values]
    exprs = [e.xreplace(renaming) for e in exprs]

    uses_p = any(e.has(renaming[rule.p]) for e in exprs)
    arrays = [ArraySlot("x", "x", rule.x, True), ArraySlot("g", "g", rule.g, False)]
    if uses_p:
        arrays.append(ArraySlot("p", "p", rule.p, False))
    arrays += [ArraySlot("state", renaming[s].name, s, True) for s in states]
    arrays += [ArraySlot("data", renaming[d].name, d, False) for d in data]
    array_syms = {renaming[a.symbol] for a in arrays}

    # Outputs that leave their array unchanged are dropped.
    originals = [rule.x, *states]
    outputs = [(renaming[o].name, e) for o, e in zip(originals, exprs) if e != renaming[o]]

    lowering = _Lowering(table, array_syms)
    outs = [lowering.reductions_out(e) for _, e in outputs]
    red_args = [arg for _, arg in lowering.reductions]
    hoisted = [lowering.hoist(e) for e in red_args + outs]
    temps, reduced = sp.cse(
        hoisted, symbols=(sp.Symbol(table.fresh("_e"), real=True) for _ in iter(int, 1)),
        optimizations=None, order="none",
    )
    k = len(red_args)
    reductions = [(r, a) for (r, _), a in zip(lowering.reductions, reduced[:k])]
    targets = [Target(n, e) for (n, _), e in zip(outputs, reduced[k:])]
    thresholds = {r: lowering.scalar(radius) for r, radius in lowering.radii.items()}
    fixed = {renaming[h]: sp.sympify(v) for h, v in values.items()}  # safe: SymPy objects
    for h, v in values.items():
        if not sp.sympify(v).is_number:  # safe: SymPy objects
            raise DomainError(f"{h.name} = {v} is not a number; only numbers are folded into "
                              "a kernel")
    scalars = [(c, e.xreplace(fixed)) for c, e in lowering.scalars]
    return KernelPlan(arrays, targets, list(temps), scalars, reductions, swept, renaming[rule.t],
                      thresholds)


def _check_distinct(rule: UpdateRule, states: Sequence[sp.Symbol],
                    hyperparameters: Sequence[sp.Symbol], data: Sequence[sp.Symbol]) -> None:
    """Each state, hyperparameter and data symbol has a name of its own (one check, every backend).

    A state named ``x`` would otherwise be the parameter array itself, and a step
    that reads it would silently do something else.
    """
    roles = {rule.x.name: "the parameters", rule.g.name: "the gradient",
             rule.p.name: "the Newton direction", rule.t.name: "the step counter"}
    for kind, symbols in (("state variable", states), ("hyperparameter", hyperparameters),
                          ("data array", data)):
        for sym in symbols:
            if sym.name in roles:
                raise CodegenError(f"{kind} {sym.name!r} has the name of {roles[sym.name]}; "
                                   "give it a name of its own")
            roles[sym.name] = f"the {kind} {sym.name!r}"


class _Lowering:
    """Replace reductions by symbols and hoist scalar subtrees (per-step constants)."""

    def __init__(self, table: NameTable, arrays: set[sp.Symbol]):
        self.table = table
        self.arrays = set(arrays)
        self.reductions: list[tuple[sp.Symbol, sp.Expr]] = []
        self.radii: dict[sp.Symbol, sp.Expr] = {}  # simplex thresholds: their radius
        self.scalars: list[tuple[sp.Symbol, sp.Expr]] = []
        self._scalar_of: dict[sp.Expr, sp.Symbol] = {}

    def reductions_out(self, expr: sp.Expr) -> sp.Expr:
        """Replace each coordinate_sum (innermost first) by a reduction symbol."""
        if not expr.args:
            return expr
        args = [self.reductions_out(a) for a in expr.args]
        if isinstance(expr, simplex_threshold):
            arg, radius = args
            if self._is_array(radius):
                raise UnsupportedError(f"the simplex radius {radius} must not vary by coordinate")
            r = sp.Symbol(self.table.fresh("_r"), real=True)
            self.reductions.append((r, arg))
            self.radii[r] = radius
            return r
        if isinstance(expr, coordinate_sum):
            (arg,) = args
            for r, existing in self.reductions:
                if existing == arg and r not in self.radii:
                    return r
            r = sp.Symbol(self.table.fresh("_r"), real=True)
            self.reductions.append((r, arg))
            return r
        return expr.func(*args)

    def _is_array(self, expr: sp.Expr) -> bool:
        return bool(expr.free_symbols & self.arrays)

    def scalar(self, expr: sp.Expr) -> sp.Symbol:
        """The per-step scalar standing for ``expr`` (shared between equal subtrees)."""
        if expr not in self._scalar_of:
            c = sp.Symbol(self.table.fresh("_c"), real=True)
            self._scalar_of[expr] = c
            self.scalars.append((c, expr))
        return self._scalar_of[expr]

    def hoist(self, expr: sp.Expr) -> sp.Expr:
        if not self._is_array(expr):
            return self.scalar(expr)
        if expr.is_Symbol:
            return expr
        if isinstance(expr, (sp.Add, sp.Mul)):
            consts = [a for a in expr.args if not self._is_array(a)]
            rest = [self.hoist(a) for a in expr.args if self._is_array(a)]
            if consts:
                rest.insert(0, self.scalar(expr.func(*consts)))
            return expr.func(*rest, evaluate=False) if len(rest) > 1 else rest[0]
        if isinstance(expr, sp.Pow):
            base, exponent = expr.args
            if exponent.is_Integer or exponent in (sp.S.Half, -sp.S.Half):
                return sp.Pow(self.hoist(base), exponent, evaluate=False)
            return sp.Pow(self.hoist(base), self.hoist(exponent), evaluate=False)
        if isinstance(expr, sp.Piecewise):
            pieces = [(self.hoist(e), self._hoist_cond(c)) for e, c in expr.args]
            return sp.Piecewise(*pieces, evaluate=False)
        return expr.func(*[self.hoist(a) for a in expr.args], evaluate=False)

    def _hoist_cond(self, cond: sp.Basic) -> sp.Basic:
        if cond in (sp.true, sp.false):
            return cond
        if not self._is_array(cond):  # a per-step condition: a 0/1 scalar
            flag = self.scalar(sp.Piecewise((1, cond), (0, True)))
            return sp.StrictGreaterThan(flag, 0, evaluate=False)
        if isinstance(cond, sp.core.relational.Relational):
            lhs, rhs = (self.hoist(a) for a in cond.args)
            return cond.func(lhs, rhs, evaluate=False)
        return cond.func(*[self._hoist_cond(a) for a in cond.args])
