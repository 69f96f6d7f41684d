"""Checking one step: symbolically first, else by 50-digit random evaluation.

An equality ``lhs = rhs`` is *proved* when ``simplify(lhs − rhs)`` is 0 under
the symbols' assumptions (in a worker process, under a time limit). Otherwise
both sides are evaluated with mpmath at 50 significant digits at many random
points that respect the assumptions (positive symbols get positive values,
integers get integers, matrix symbols of symbolic size get explicit matrices of
sampled sizes, undefined functions get random polynomials); one point where the
sides differ is a counterexample, and the step is refused.

>>> import sympy as sp
>>> from symopt.derivation.verify import check_equal
>>> x = sp.Symbol("x", real=True)
>>> check_equal(sp.Derivative(x**3, x), 3*x**2).method
'symbolic'
>>> check_equal(sp.Derivative(x**3, x), 2*x**2).holds
False
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from symopt.errors import SymoptError
from symopt.timeout import run_with_timeout

__all__ = ["Check", "check_equal", "check_relation", "explicit", "sample_point"]

#: Working precision of the numeric check, in significant digits.
DIGITS = 50
#: Random points per numeric check.
SAMPLES = 20
#: Relative tolerance for "equal" at :data:`DIGITS` digits.
TOLERANCE = sp.Float("1e-35", DIGITS)


@dataclass(frozen=True)
class Check:
    """The outcome of checking one statement."""

    holds: bool | None
    method: str  # "symbolic", "numeric", "exact" or "none"
    detail: str = ""
    counterexample: dict = field(default_factory=dict)


# -- explicit instantiation ---------------------------------------------------

def _shape(matrix: sp.MatrixSymbol, sizes: Mapping[sp.Symbol, int]) -> tuple[int, int]:
    rows, cols = (sp.sympify(d).subs(sizes) for d in matrix.shape)  # safe: shapes are SymPy
    if not (rows.is_Integer and cols.is_Integer):
        raise SymoptError(f"size of {matrix} is not fixed by the sampled dimensions")
    return int(rows), int(cols)


def explicit(expr: sp.Basic, symmetric: Iterable[sp.MatrixSymbol] = (),
             sizes: Mapping[sp.Symbol, int] | None = None,
             definitions: Mapping[sp.Basic, sp.Basic] | None = None) -> sp.Basic:
    """``expr`` with matrix symbols replaced by explicit matrices of real symbols.

    Gradients ``Derivative(scalar, w)`` with ``w`` a matrix symbol become the
    column of partial derivatives; ``definitions`` (symbol → value) are
    substituted first, recursively.

    >>> import sympy as sp
    >>> w = sp.MatrixSymbol("w", 2, 1)
    >>> explicit(sp.Derivative((w.T * w)[0, 0], w))
    Matrix([
    [2*w_0_0],
    [2*w_1_0]])
    """
    sizes = dict(sizes or {})
    symmetric = {M.name if isinstance(M, sp.MatrixSymbol) else str(M) for M in symmetric}
    definitions = dict(definitions or {})
    env: dict[sp.MatrixSymbol, sp.ImmutableMatrix] = {}

    def matrix_for(M: sp.MatrixSymbol) -> sp.ImmutableMatrix:
        if M not in env:
            if M in definitions:
                env[M] = sp.ImmutableMatrix(convert(definitions[M]))
            else:
                rows, cols = _shape(M, sizes)

                def entry(i: int, j: int) -> sp.Symbol:
                    if M.name in symmetric and i > j:
                        i, j = j, i
                    return sp.Symbol(f"{M.name}_{i}_{j}", real=True)

                env[M] = sp.ImmutableMatrix(rows, cols, entry)
        return env[M]

    def convert(e: sp.Basic) -> sp.Basic:
        if isinstance(e, sp.MatrixSymbol):
            return matrix_for(e)
        if isinstance(e, (sp.Symbol, sp.Indexed)) and e in definitions:
            return convert(definitions[e])
        if isinstance(e, AppliedUndef) and e.func in definitions:
            return convert(definitions[e.func](*e.args))
        if isinstance(e, sp.Derivative) and any(
            isinstance(v, sp.MatrixSymbol) for v, _ in e.variable_count
        ):
            value = convert(e.expr)
            for wrt, order in e.variable_count:
                for _ in range(int(order)):
                    value = _gradient(value, matrix_for(wrt))
            return value
        if not e.args or isinstance(e, sp.Symbol):
            return e
        args = [_concrete(convert(a)) for a in e.args]
        if any(isinstance(a, sp.MatrixBase) for a in args) and isinstance(e, sp.Function):
            # A scalar function applied to a matrix acts elementwise (σ(Xw)).
            (arg,) = args
            return arg.applyfunc(e.func)
        if isinstance(e, sp.Add) and any(isinstance(a, sp.MatrixBase) for a in args):
            matrices = [a for a in args if isinstance(a, sp.MatrixBase)]
            scalars = sp.Add(*[a for a in args if not isinstance(a, sp.MatrixBase)])
            total = sum(matrices[1:], matrices[0])
            return total + scalars * sp.ones(*total.shape) if scalars != 0 else total
        if isinstance(e, sp.Mul) and any(isinstance(a, sp.MatrixBase) for a in args):
            out: sp.Basic = sp.S.One
            for a in args:
                out = out * a
            return out
        if isinstance(e, sp.Pow) and isinstance(args[0], sp.MatrixBase):
            return args[0] ** args[1]
        try:
            return e.func(*args).doit() if isinstance(e, sp.MatrixExpr) else e.func(*args)
        except (TypeError, ValueError, AttributeError):
            return e.xreplace(dict(zip(e.args, args)))

    if isinstance(expr, sp.MatrixBase):
        result = sp.ImmutableMatrix(expr.shape[0], expr.shape[1],
                                    lambda i, j: convert(expr[i, j]))
    else:
        result = convert(expr)
    if isinstance(result, sp.MatrixExpr):
        result = result.doit()
        if isinstance(result, sp.MatrixExpr):
            result = result.as_explicit()
    if isinstance(result, sp.MatrixBase) and result.shape == (1, 1):
        result = result[0, 0]
    return result


def _concrete(value: sp.Basic) -> sp.Basic:
    """A matrix expression of fixed size as an explicit matrix (I, λI, AB, ...)."""
    if isinstance(value, sp.MatrixExpr) and all(
            sp.sympify(d).is_Integer for d in value.shape):  # safe: shapes are SymPy objects
        return sp.ImmutableMatrix(value.as_explicit())
    return value


def _gradient(value: sp.Basic, w: sp.MatrixBase) -> sp.Matrix:
    if isinstance(value, sp.MatrixBase):
        if value.shape != (1, 1):
            raise SymoptError("a gradient needs a scalar; got a matrix of shape "
                              f"{value.shape}")
        value = value[0, 0]
    return sp.Matrix(w.shape[0], w.shape[1], lambda i, j: sp.diff(value, w[i, j]))


# -- symbolic check -------------------------------------------------------------

def _is_zero(difference: sp.Basic) -> bool | None:
    """True when the difference simplifies to 0 (runs in a worker process)."""
    difference = difference.doit()
    if isinstance(difference, sp.MatrixBase):
        return all(_is_zero(e) for e in difference)
    if isinstance(difference, sp.MatrixExpr):
        simplified = sp.simplify(difference)
        return True if simplified.is_ZeroMatrix or simplified == 0 else None
    if difference == 0:
        return True
    # expand, simplify, then simplify of the expanded form (expanded once; when
    # expanding changes nothing, the last attempt would repeat the second).
    expanded = sp.expand(difference)
    if expanded == 0 or sp.simplify(difference) == 0:
        return True
    if expanded != difference and sp.simplify(expanded) == 0:
        return True
    return None


def _symbolic(lhs: sp.Basic, rhs: sp.Basic, definitions: Mapping, timeout: float) -> bool:
    try:
        left, right = _substitute(lhs, definitions), _substitute(rhs, definitions)
        if _fixed_size(left) and _fixed_size(right):
            with contextlib.suppress(SymoptError, TypeError, ValueError, AttributeError):
                left, right = explicit(left), explicit(right)
        difference = left - right
        return run_with_timeout(_is_zero, difference, seconds=timeout) is True
    except SymoptError:
        return False
    except Exception:  # SymPy failures mean "not proved", never "proved"
        return False


def _fixed_size(expr: sp.Basic) -> bool:
    """Every matrix symbol in ``expr`` has integer dimensions (explicit form possible)."""
    return all(sp.sympify(d).is_Integer for M in expr.atoms(sp.MatrixSymbol)  # safe: SymPy
               for d in M.shape)


def _substitute(expr: sp.Basic, definitions: Mapping) -> sp.Basic:
    """Replace defined names by their values (scalar and matrix definitions)."""
    for _ in range(10):
        # Operators first (ρ(T) must not see T replaced by a matrix), then names.
        replaced = expr.replace(
            lambda e: isinstance(e, AppliedUndef) and e.func in definitions,
            lambda e: definitions[e.func](*e.args),
        )
        replaced = replaced.xreplace({k: v for k, v in definitions.items()
                                      if isinstance(k, (sp.Symbol, sp.MatrixSymbol,
                                                        sp.Indexed))})
        if replaced == expr:
            return expr
        expr = replaced
    return expr


# -- numeric check -------------------------------------------------------------

def _sample(symbol: sp.Symbol, rng: random.Random,
            domains: Mapping[sp.Symbol, sp.Set]) -> sp.Expr:
    if symbol in domains:
        domain = domains[symbol]
        low, high = domain.inf, domain.sup
        if symbol.is_integer:
            low = int(sp.ceiling(low)) if low.is_finite else -5
            high = int(sp.floor(high)) if high.is_finite else low + 6
            return sp.Integer(rng.randint(low, high))
        low = low if low.is_finite else (high - 4 if high.is_finite else -2)
        high = high if high.is_finite else low + 4
        # Stay strictly inside open ends.
        value = sp.Float(low + (high - low) * sp.Rational(rng.randint(1, 999), 1000), DIGITS)
        return value
    if symbol.is_integer:
        if symbol.is_positive:
            return sp.Integer(rng.randint(1, 6))
        if symbol.is_nonnegative:
            return sp.Integer(rng.randint(0, 6))
        return sp.Integer(rng.randint(-6, 6))
    magnitude = sp.Float(mpmath.mpf(rng.randint(50, 2500)) / 1000, DIGITS)
    if symbol.is_positive or symbol.is_nonnegative:
        return magnitude
    if symbol.is_negative or symbol.is_nonpositive:
        return -magnitude
    return magnitude if rng.random() < 0.5 else -magnitude


def _random_polynomial(rng: random.Random) -> Callable[..., sp.Expr]:
    coefficients = [sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(5)]

    def poly(*args: sp.Expr) -> sp.Expr:
        z = sum(args) if len(args) > 1 else args[0]
        return sum(c * z**i for i, c in enumerate(coefficients))

    return poly


def sample_point(expr: sp.Basic, rng: random.Random,
                 domains: Mapping[sp.Symbol, sp.Set] | None = None,
                 exclude: Iterable[sp.Symbol] = ()) -> dict[sp.Basic, sp.Expr]:
    """Random values for the free symbols and indexed atoms of ``expr``.

    >>> import random, sympy as sp
    >>> a = sp.Symbol("a", positive=True)
    >>> all(v > 0 for v in sample_point(a + 1, random.Random(0)).values())
    True
    """
    domains = dict(domains or {})
    atoms = set(expr.free_symbols) - set(exclude)
    atoms |= set(expr.atoms(sp.Indexed))
    point: dict[sp.Basic, sp.Expr] = {}
    for atom in sorted(atoms, key=sp.default_sort_key):
        if isinstance(atom, sp.Indexed):
            base_label = atom.base.label
            point[atom] = _sample(sp.Symbol(str(base_label), real=True), rng, domains)
        elif isinstance(atom, sp.Symbol) and not isinstance(atom, sp.MatrixSymbol):
            point[atom] = _sample(atom, rng, domains)
    return point


def _numeric_value(expr: sp.Basic) -> list[sp.Expr]:
    values = expr if isinstance(expr, sp.MatrixBase) else [expr]
    return [sp.N(v, DIGITS) for v in values]


def _close(a: sp.Expr, b: sp.Expr) -> bool:
    scale = max(sp.Float(1, DIGITS), abs(a), abs(b))
    return bool(abs(a - b) <= TOLERANCE * scale)


def _integers(exprs: Iterable[sp.Basic], rng: random.Random,
              domains: Mapping) -> dict[sp.Symbol, sp.Integer]:
    """Random values for the integer symbols and the symbolic matrix sizes."""
    found: set[sp.Symbol] = set()
    for expr in exprs:
        found |= {s for s in expr.free_symbols if getattr(s, "is_integer", False)}
        found |= {s for M in expr.atoms(sp.MatrixSymbol) for d in M.shape
                  for s in sp.sympify(d).free_symbols}  # safe: shapes are SymPy objects
    values = {}
    for s in sorted(found, key=sp.default_sort_key):
        value = _sample(s, rng, domains) if (s in domains or s.is_integer) else None
        values[s] = sp.Integer(rng.randint(1, 4)) if value is None or not s.is_integer \
            else value
    return values


def _matrix_like(key: sp.Basic, value: object) -> bool:
    if isinstance(value, sp.Lambda):
        value = value.expr
    return isinstance(key, sp.MatrixSymbol) or isinstance(value, (sp.MatrixBase, sp.MatrixExpr))


def _instantiate(expr: sp.Basic, integers: Mapping, symmetric: Iterable,
                 functions: Mapping, definitions: Mapping) -> sp.Basic:
    """One concrete instance: integers, explicit matrices, random functions, sums done."""
    sizes = {k: int(v) for k, v in integers.items()}
    concrete = explicit(expr.subs(dict(integers)), symmetric=symmetric, sizes=sizes,
                        definitions={(k.subs(dict(integers)) if isinstance(k, sp.MatrixSymbol)
                                      else k): v.subs(dict(integers))
                                     for k, v in definitions.items()})
    concrete = concrete.replace(
        lambda e: isinstance(e, AppliedUndef) and e.func in functions,
        lambda e: functions[e.func](*e.args),
    )
    return concrete.doit()


def _numeric(lhs: sp.Basic, rhs: sp.Basic, *, symmetric: Iterable, domains: Mapping,
             definitions: Mapping, samples: int, seed: int,
             conditions: Iterable[sp.Basic] = ()) -> Check:
    rng = random.Random(seed)
    # Scalar definitions now (their keys may mention integer symbols such as
    # w[k + 1]); matrix-valued ones when the matrices are made explicit.
    matrix_valued = {k: v for k, v in definitions.items() if _matrix_like(k, v)}
    scalar = {k: v for k, v in definitions.items() if k not in matrix_valued}
    lhs, rhs = _substitute(lhs, scalar), _substitute(rhs, scalar)
    undefined = {e.func for e in sp.Tuple(lhs, rhs).atoms(AppliedUndef)}
    good = 0
    # Without undefined functions an instance depends on the integers only: the
    # same integers give the same instance, built once.
    instances: dict[tuple, tuple[sp.Basic, sp.Basic]] = {}
    for _ in range(samples * 3):
        if good >= samples:
            break
        functions = {f: _random_polynomial(rng) for f in undefined}
        integers = _integers((lhs, rhs, *[v for v in matrix_valued.values()
                                           if isinstance(v, sp.Basic)]), rng, domains)
        key = tuple(integers.items())
        try:
            if functions or key not in instances:
                instances[key] = (
                    _instantiate(lhs, integers, symmetric, functions, matrix_valued),
                    _instantiate(rhs, integers, symmetric, functions, matrix_valued))
            left, right = instances[key]
        except (SymoptError, TypeError, ValueError, AttributeError, ZeroDivisionError,
                sp.ShapeError, NotImplementedError):
            return Check(None, "none", "could not instantiate the statement numerically")
        # The same random values for both sides.
        values = sample_point(sp.Tuple(*_flat(left), *_flat(right), *conditions), rng,
                              domains)
        values.update(integers)
        if not all(bool(c.xreplace(values)) is True for c in conditions):
            continue  # outside the assumed region
        try:
            a = _numeric_value(_evaluate(left, values))
            b = _numeric_value(_evaluate(right, values))
        except (ZeroDivisionError, ValueError, TypeError):
            continue
        if len(a) != len(b):
            return Check(False, "numeric", f"the sides have different sizes ({len(a)} vs "
                         f"{len(b)})", {str(k): v for k, v in values.items()})
        if not all(v.is_number and v.is_finite and v.is_real is not False for v in a + b):
            continue
        if not all(_close(x, y) for x, y in zip(a, b)):
            shown = {str(k): sp.N(v, 6) for k, v in values.items()}
            return Check(False, "numeric", f"the sides differ at {shown}", shown)
        good += 1
    if good < max(3, samples // 2):
        return Check(None, "none", f"only {good} of the random points could be evaluated")
    return Check(True, "numeric", f"equal at {good} random points to {DIGITS} digits")


def _flat(e: sp.Basic) -> list[sp.Basic]:
    return list(e) if isinstance(e, sp.MatrixBase) else [e]


def _evaluate(expr: sp.Basic, values: Mapping) -> sp.Basic:
    out = expr.xreplace(dict(values))
    if isinstance(out, sp.MatrixBase):
        return out.applyfunc(lambda v: v.doit())
    return out.doit()


# -- public entry points -------------------------------------------------------------

def check_equal(lhs: sp.Basic, rhs: sp.Basic, *, symmetric: Iterable = (),
                domains: Mapping | None = None, definitions: Mapping | None = None,
                samples: int = SAMPLES, timeout: float = 10.0, seed: int = 0,
                conditions: Iterable[sp.Basic] = ()) -> Check:
    """Whether ``lhs = rhs`` holds: proved symbolically, else checked numerically.

    ``conditions`` (inequalities such as λ_min ≤ λ_max) restrict the random points.
    """
    definitions = dict(definitions or {})
    domains = dict(domains or {})
    lhs, rhs = _as_basic(lhs), _as_basic(rhs)
    if _symbolic(lhs, rhs, definitions, timeout):
        return Check(True, "symbolic", "simplify(lhs − rhs) = 0")
    return _numeric(lhs, rhs, symmetric=tuple(symmetric), domains=domains,
                    definitions=definitions, samples=samples, seed=seed,
                    conditions=tuple(conditions))


def _as_basic(value: object) -> sp.Basic:
    """Python numbers as exact SymPy numbers; text is refused (never parsed here)."""
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SymoptError(f"a derivation step needs SymPy objects, got {value!r}")
    return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))


def _domain(symbol: sp.Symbol, domains: Mapping) -> sp.Set:
    if symbol in domains:
        return domains[symbol]
    if symbol.is_integer:
        return sp.Range(1 if symbol.is_positive else 0, sp.oo) \
            if symbol.is_nonnegative else sp.S.Integers
    if symbol.is_positive:
        return sp.Interval.open(0, sp.oo)
    if symbol.is_nonnegative:
        return sp.Interval(0, sp.oo)
    return sp.S.Reals


def solution_set(statement: sp.Basic, symbol: sp.Symbol, domains: Mapping | None = None,
                 timeout: float = 10.0) -> sp.Set | None:
    """The set of values of ``symbol`` (in its domain) where ``statement`` holds."""
    try:
        return run_with_timeout(_solution_set, statement, symbol,
                                _domain(symbol, dict(domains or {})), seconds=timeout)
    except Exception:  # unsolvable or too slow: unknown, never a guess
        return None


def _solution_set(statement: sp.Basic, symbol: sp.Symbol, domain: sp.Set) -> sp.Set | None:
    plain = sp.Symbol(symbol.name, real=True)
    relation = statement.xreplace({symbol: plain})
    result = sp.solveset(relation, plain, sp.S.Reals) if not isinstance(
        relation, (sp.And, sp.Or, sp.Not)) else relation.as_set()
    if isinstance(result, sp.ConditionSet):
        return None
    return sp.simplify(result.intersect(domain.xreplace({symbol: plain})))


def check_relation(statement: sp.Basic, *, domains: Mapping | None = None,
                   definitions: Mapping | None = None, samples: int = 200,
                   timeout: float = 10.0, seed: int = 0) -> Check:
    """Whether an inequality (or a boolean combination) holds for all admissible values.

    Proved when it has no free symbols, when the assumptions decide it, or when
    its solution set in its one variable is that variable's whole domain;
    refuted by a counterexample; otherwise ``holds`` is ``None`` (stated, not
    verified).

    >>> import sympy as sp
    >>> a = sp.Symbol("a", positive=True)
    >>> check_relation(a + 1 > 0).holds, check_relation(a > 1).holds
    (True, False)
    """
    domains = dict(domains or {})
    statement = _substitute(statement, dict(definitions or {})).doit()
    if statement in (sp.true, True):
        return Check(True, "exact", "true by the symbols' assumptions")
    if statement in (sp.false, False):
        return Check(False, "exact", "false")
    free = sorted(statement.free_symbols, key=sp.default_sort_key)
    if len(free) == 1:
        (x,) = free
        solved = solution_set(statement, x, domains, timeout)
        if solved is not None:
            whole = _domain(x, domains)
            plain = sp.Symbol(x.name, real=True)
            whole = whole.xreplace({x: plain})
            missing = sp.simplify(sp.Complement(whole, solved))
            if missing is sp.EmptySet:
                return Check(True, "symbolic", f"holds for every {x} in {whole}")
            witness = _pick(missing)
            if witness is not None:
                return Check(False, "symbolic", f"fails for {x} = {witness}", {str(x): witness})
    return _counterexample(statement, free, domains, samples, seed)


def _pick(missing: sp.Set) -> sp.Expr | None:
    try:
        if isinstance(missing, sp.FiniteSet):
            return next(iter(missing))
        if isinstance(missing, sp.Interval):
            low, high = missing.inf, missing.sup
            if low.is_finite and high.is_finite:
                return (low + high) / 2
            return low + 1 if low.is_finite else high - 1
        if isinstance(missing, sp.Union):
            return _pick(missing.args[0])
    except (TypeError, AttributeError):
        return None
    return None


def _evaluator(statement: sp.Basic, free: list) -> Callable[..., object] | None:
    """A fast mpmath evaluator of ``statement`` (None when SymPy cannot compile it).

    The symbols are renamed to generated identifiers first, so no user-chosen
    name reaches the generated code.
    """
    generated = [sp.Symbol(f"v{i}", real=True) for i in range(len(free))]
    renamed = statement.xreplace(dict(zip(free, generated)))
    if renamed.free_symbols - set(generated):
        return None
    try:
        return sp.lambdify(generated, renamed, modules="mpmath")
    except Exception:  # not compilable: fall back to exact substitution
        return None


def _counterexample(statement: sp.Basic, free: list, domains: Mapping, samples: int,
                    seed: int) -> Check:
    rng = random.Random(seed)
    fast = _evaluator(statement, free)
    for _ in range(samples):
        point = {s: _sample(s, rng, domains) for s in free}
        value: object = None
        if fast is not None:
            with mpmath.workdps(DIGITS):
                try:
                    value = bool(fast(*[mpmath.mpf(str(v)) for v in point.values()]))
                except (TypeError, ValueError, ZeroDivisionError):
                    value = None
        if value is None or value is False:
            # Confirm (or decide) with exact SymPy evaluation: no false alarms.
            try:
                value = statement.xreplace(point)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
        if value in (sp.false, False):
            shown = {str(k): sp.N(v, 6) for k, v in point.items()}
            return Check(False, "numeric", f"fails at {shown}", shown)
    return Check(None, "none", f"no counterexample at {samples} random points (not a proof)")


def implication(premise: sp.Basic, conclusion: sp.Basic, *, both_ways: bool = False,
                domains: Mapping | None = None, samples: int = 200,
                timeout: float = 10.0, seed: int = 0) -> Check:
    """Whether ``premise ⇒ conclusion`` (or ``⇔``) in one variable, by solution sets.

    >>> import sympy as sp
    >>> a = sp.Symbol("alpha", positive=True)
    >>> implication(abs(1 - 4*a) < 1, a < sp.Rational(1, 2), both_ways=True).holds
    True
    """
    domains = dict(domains or {})
    free = sorted((premise.free_symbols | conclusion.free_symbols), key=sp.default_sort_key)
    if len(free) == 1:
        (x,) = free
        first = solution_set(premise, x, domains, timeout)
        second = solution_set(conclusion, x, domains, timeout)
        if first is not None and second is not None:
            forward = sp.simplify(sp.Complement(first, second))
            backward = sp.simplify(sp.Complement(second, first)) if both_ways else sp.EmptySet
            if forward is sp.EmptySet and backward is sp.EmptySet:
                return Check(True, "symbolic", f"solution sets {first} and {second}")
            bad = _pick(forward if forward is not sp.EmptySet else backward)
            return Check(False, "symbolic", f"solution sets differ: {first} vs {second}",
                         {str(x): bad})
    linear = _linear_implication(premise, conclusion, free, domains, both_ways)
    if linear is not None:
        return linear
    statement = sp.Equivalent(premise, conclusion) if both_ways else sp.Implies(premise,
                                                                                conclusion)
    return _counterexample(statement, free, domains, samples, seed)


# -- linear inequalities: exact Fourier-Motzkin elimination ---------------------------

Constraint = tuple[sp.Expr, bool]  # expr > 0 (strict) or expr >= 0


def _linear_atoms(statement: sp.Basic, free: list) -> list[Constraint] | None:
    """``statement`` as a conjunction of linear constraints, or None if it is not one."""
    parts = statement.args if isinstance(statement, sp.And) else (statement,)
    atoms: list[Constraint] = []
    for part in parts:
        if part is sp.true:
            continue
        if not isinstance(part, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan,
                                 sp.GreaterThan)):
            return None
        expr = sp.expand(part.lhs - part.rhs)
        if isinstance(part, (sp.StrictLessThan, sp.LessThan)):
            expr = -expr
        if not expr.is_polynomial(*free) or sp.Poly(expr, *free).total_degree() > 1:
            return None
        if any(not c.is_Rational for c in sp.Poly(expr, *free).coeffs()):
            return None
        atoms.append((expr, isinstance(part, (sp.StrictLessThan, sp.StrictGreaterThan))))
    return atoms


def _domain_atoms(free: list, domains: Mapping) -> list[Constraint]:
    atoms: list[Constraint] = []
    for x in free:
        domain = domains.get(x)
        if domain is not None and isinstance(domain, sp.Interval):
            if domain.inf.is_finite:
                atoms.append((x - domain.inf, bool(domain.left_open)))
            if domain.sup.is_finite:
                atoms.append((domain.sup - x, bool(domain.right_open)))
        elif x.is_positive:
            atoms.append((x, True))
        elif x.is_nonnegative:
            atoms.append((x, False))
    return atoms


def _feasible(constraints: list[Constraint], free: list) -> bool:
    """Whether linear constraints with rational coefficients have a real solution."""
    for x in free:
        lower, upper, rest = [], [], []
        for expr, strict in constraints:
            c = expr.coeff(x)
            if c == 0:
                rest.append((expr, strict))
            elif c > 0:
                lower.append((expr / c, strict))  # x + r/c (>)>= 0
            else:
                upper.append((expr / -c, strict))  # -x + r/(-c) (>)>= 0
        combined = [(sp.expand(lo + up), s1 or s2) for lo, s1 in lower for up, s2 in upper]
        constraints = rest + combined
    return all((e > 0) if strict else (e >= 0) for e, strict in constraints)


def _linear_implication(premise: sp.Basic, conclusion: sp.Basic, free: list,
                        domains: Mapping, both_ways: bool) -> Check | None:
    """Exact check for conjunctions of linear inequalities (None when not linear)."""
    if not free:
        return None
    first, second = _linear_atoms(premise, free), _linear_atoms(conclusion, free)
    if first is None or second is None:
        return None
    base = _domain_atoms(free, domains)
    pairs = [(first, second)] + ([(second, first)] if both_ways else [])
    for given, claims in pairs:
        for expr, strict in claims:
            negation = (-expr, not strict)  # not (e > 0) is -e >= 0, not (e >= 0) is -e > 0
            if _feasible(base + given + [negation], free):
                return Check(False, "symbolic", f"a point satisfies the hypotheses but not "
                             f"{expr} {'>' if strict else '>='} 0")
    return Check(True, "symbolic", "linear inequalities: every conclusion follows "
                 "(Fourier-Motzkin elimination)")
