r"""Intervals and regions as people write them, compared as sets.

Parsed here, on top of :mod:`symopt.parse` (no eval): interval notation with
open or closed ends — ``(0, 1/2)``, ``(0, 1/2]``, ``]0, 1[``, ``[0, \infty)``,
``\left(0, \frac{2}{L}\right)`` —, membership ``\alpha \in (0, 2/L)``, chains of
inequalities ``0 < \alpha < \frac12`` (SymPy or LaTeX, ``\le``, ``\leq``, ``≤``),
conjunctions (``and``, ``,``, ``\wedge``) and unions (``\cup``, ``∪``).

>>> from symopt.claims.sets import read_set
>>> from symopt.symbols import symbol
>>> a = symbol("alpha")
>>> read_set("(0, 1/2]", a)
Interval.Lopen(0, 1/2)
>>> read_set(r"0 < \alpha \le 1/2", a) == read_set("(0, 1/2]", a)
True
>>> read_set("alpha < 2/L", a)
Interval.open(-oo, 2/L)
"""

from __future__ import annotations

import random
import re

import sympy as sp

from symopt.claims.equivalence import Comparison, sample_point, unify_names
from symopt.claims.text import Local, clean, read_value
from symopt.errors import ParseError, SolverError

__all__ = ["compare_regions", "compare_sets", "pick", "read_region", "read_set"]

_INFINITY = {r"\infty": sp.oo, "+\\infty": sp.oo, "∞": sp.oo, "+∞": sp.oo, "oo": sp.oo,
             "+oo": sp.oo, "inf": sp.oo, "infinity": sp.oo, r"-\infty": -sp.oo, "-∞": -sp.oo,
             "-oo": -sp.oo, "-inf": -sp.oo}
_RELATIONS = [(r"\leqslant", "<="), (r"\geqslant", ">="), (r"\leq", "<="), (r"\geq", ">="),
              (r"\le", "<="), (r"\ge", ">="), (r"\lt", "<"), (r"\gt", ">"), ("≤", "<="),
              ("≥", ">="), ("<=", "<="), (">=", ">="), ("<", "<"), (">", ">")]
_OPS = {"<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge}
_RELATION_RE = re.compile("|".join(
    re.escape(w) + ("(?![A-Za-z])" if w[-1].isalpha() else "")
    for w, _ in sorted(_RELATIONS, key=lambda r: -len(r[0]))))


def _mark(text: str) -> list[str]:
    """Split ``a < b <= c`` into terms and normalised operators, alternating."""
    lookup = dict(_RELATIONS)
    return _RELATION_RE.sub(lambda m: f"\x00{lookup[m.group(0)]}\x00", text).split("\x00")


def _split_top(text: str, separators: list[str]) -> list[str]:
    """Split on separators that sit outside (), [], {}."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth <= 0:
            for sep in separators:
                if text.startswith(sep, i) and not (sep[-1].isalpha() and
                                                     text[i + len(sep):i + len(sep) + 1].isalpha()):
                    parts.append(text[start:i])
                    i += len(sep)
                    start = i
                    break
            else:
                i += 1
                continue
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _unwrap(text: str) -> str:
    r"""A condition without the parentheses around it: ``(0 < alpha)`` → ``0 < alpha``.

    Only parentheses that enclose a relation are removed, so an interval ``(0, 1)``
    keeps its own.

    >>> _unwrap(" (0 < alpha) "), _unwrap("(0, 1)"), _unwrap(r"\left(\alpha < 1\right)")
    ('0 < alpha', '(0, 1)', '\\alpha < 1')
    """
    text = text.strip()
    while True:
        match = re.fullmatch(r"(?:\\left\s*)?\((.*?)(?:\\right\s*)?\)", text, re.S)
        if not match or not _RELATION_RE.search(match.group(1)):
            return text
        inner, depth = match.group(1), 0
        for char in inner:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:  # "(a < b) & (c" : the first ")" closes early
                return text
        if depth:
            return text
        text = inner.strip()


def _endpoint(text: str, local: Local | None) -> sp.Expr:
    key = text.strip().replace(" ", "")
    if key in _INFINITY:
        return _INFINITY[key]
    value = read_value(text, local)
    if isinstance(value, sp.MatrixBase) or not isinstance(value, sp.Expr):
        raise ParseError(f"interval endpoint {text!r} is not a number")
    return value


_INTERVAL = re.compile(
    r"^(?:\\left\s*)?(?P<left>\(|\[|\]|\\\{)(?P<body>.*?)(?:\\right\s*)?(?P<right>\)|\]|\[|\\\})$",
    re.S)


def _interval(text: str, local: Local | None) -> sp.Set | None:
    match = _INTERVAL.match(text.strip())
    if not match:
        return None
    body = match.group("body")
    pieces = _split_top(body, [","])
    if match.group("left") == r"\{" or match.group("right") == r"\}":
        return sp.FiniteSet(*(_endpoint(p, local) for p in pieces))
    if len(pieces) != 2:
        return None
    low, high = (_endpoint(p, local) for p in pieces)
    left_open = match.group("left") in ("(", "]") or low == -sp.oo
    right_open = match.group("right") in (")", "[") or high == sp.oo
    return sp.Interval(low, high, left_open, right_open)


def _order(a: sp.Expr, b: sp.Expr) -> int | None:
    """-1, 0 or 1 as a < b, a = b, a > b, decided under the symbols' assumptions."""
    if a == b:
        return 0
    difference = sp.simplify(a - b)
    if difference.is_zero:
        return 0
    if difference.is_extended_negative:
        return -1
    if difference.is_extended_positive:
        return 1
    return None


def _meet(first: sp.Set, second: sp.Set) -> sp.Set:
    """Intersection that also orders symbolic endpoints (0 < 2/L for L > 0)."""
    if first == sp.S.Reals:
        return second
    if second == sp.S.Reals:
        return first
    if not (isinstance(first, sp.Interval) and isinstance(second, sp.Interval)):
        return sp.Intersection(first, second)
    low_order = _order(first.start, second.start)
    high_order = _order(first.end, second.end)
    if low_order is None or high_order is None:
        return sp.Intersection(first, second)
    low, left_open = ((first.start, first.left_open) if low_order > 0 else
                      (second.start, second.left_open) if low_order < 0 else
                      (first.start, first.left_open or second.left_open))
    high, right_open = ((first.end, first.right_open) if high_order < 0 else
                        (second.end, second.right_open) if high_order > 0 else
                        (first.end, first.right_open or second.right_open))
    if _order(low, high) is None:
        return sp.Intersection(first, second)
    return sp.Interval(low, high, left_open, right_open)


def _relation_set(text: str, parameter: sp.Symbol, local: Local | None) -> sp.Set:
    """A chain ``a < x <= b`` (or a single relation) as a set of values of ``parameter``."""
    tokens = _mark(text)
    if len(tokens) < 3 or len(tokens) % 2 == 0:
        raise ParseError(f"cannot read {text!r} as an interval or inequality", text=text)
    terms = [tokens[i] for i in range(0, len(tokens), 2)]
    ops = [tokens[i] for i in range(1, len(tokens), 2)]
    if any(not t.strip() for t in terms) or any(o not in _OPS for o in ops):
        raise ParseError(f"cannot read {text!r} as an interval or inequality", text=text)
    values = [_endpoint(t, local) for t in terms]
    result: sp.Set = sp.Interval(-sp.oo, sp.oo)
    for op, lhs, rhs in zip(ops, values, values[1:]):
        result = _meet(result, _one_relation(_OPS[op](lhs, rhs, evaluate=False), parameter,
                                             text))
    return result


def _one_relation(relation: sp.Basic, x: sp.Symbol, text: str) -> sp.Set:
    lhs, rhs = relation.lhs, relation.rhs
    strict = isinstance(relation, (sp.Lt, sp.Gt))
    upper = isinstance(relation, (sp.Lt, sp.Le))  # lhs below rhs
    if lhs == x and not rhs.has(x):
        return sp.Interval(-sp.oo, rhs, True, strict) if upper else \
            sp.Interval(rhs, sp.oo, strict, True)
    if rhs == x and not lhs.has(x):
        return sp.Interval(lhs, sp.oo, strict, True) if upper else \
            sp.Interval(-sp.oo, lhs, True, strict)
    if not relation.has(x):
        raise ParseError(f"the condition {relation} in {text!r} does not involve {x}",
                         text=text)
    linear = _linear(relation, x)
    if linear is not None:
        return _one_relation(linear, x, text)
    from sympy.solvers.inequalities import solve_univariate_inequality

    plain = sp.Dummy(x.name, real=True)
    try:
        solved = solve_univariate_inequality(relation.xreplace({x: plain}), plain,
                                             relational=False)
    except (NotImplementedError, ValueError, TypeError) as exc:
        raise SolverError(f"cannot solve {relation} for {x}: {exc}") from None
    return solved


def _linear(relation: sp.Basic, x: sp.Symbol) -> sp.Basic | None:
    """``a·x + b < c`` as ``x < (c − b)/a`` when a's sign is known (flipped for a < 0).

    So ``0 < α·c < 2 + 2β`` reads like ``0 < α < (2 + 2β)/c`` (c > 0), where a
    solver would need the signs of β and c. None when the relation is not linear in x.

    >>> from symopt.symbols import symbol
    >>> a, c, x = symbol("alpha"), sp.Symbol("c", positive=True), symbol("x")
    >>> _linear(sp.Lt(a * c, 2), a), _linear(sp.Gt(-2 * x, 1), x)
    (alpha < 2/c, -1/2 > x)
    """
    if not isinstance(relation, sp.Rel):
        return None
    difference = relation.lhs - relation.rhs
    slope = sp.diff(difference, x)
    if slope.has(x) or slope.is_zero is not False:
        return None
    bound = sp.simplify(x - difference / slope)
    if bound.has(x):
        return None
    if slope.is_positive:
        return type(relation)(x, bound, evaluate=False)
    if slope.is_negative:
        return type(relation)(bound, x, evaluate=False)
    return None


def read_set(text: str, parameter: sp.Symbol, local: Local | None = None) -> sp.Set:
    r"""The set of values of ``parameter`` that ``text`` describes.

    >>> from symopt.symbols import symbol
    >>> read_set(r"\alpha \in (0, \infty)", symbol("alpha"))
    Interval.open(0, oo)
    >>> read_set("(0, 1) ∪ (2, 3]", symbol("alpha"))
    Union(Interval.open(0, 1), Interval.Lopen(2, 3))
    """
    if not isinstance(text, str):
        raise ParseError(f"expected an interval or inequality as text, got {text!r}")
    body = clean(text)
    if not body:
        raise ParseError("empty interval")
    # "|1 − 4α| < 1 ⇒ 0 < α < 1/2": the conclusion is the answer
    body = re.split(r"\\Rightarrow|\\implies|\\Longrightarrow|⇒|=>", body)[-1]
    body = re.sub(r"\\(?:quad|qquad|,|;|!)", " ", body).strip()
    membership = re.split(r"\\in\b|∈|\bin\b", body, maxsplit=1)
    if len(membership) == 2:
        body = membership[1].strip()
    pieces = _split_top(body, [r"\cup", "∪", " or ", r"\vee", r"\lor"])
    result: sp.Set = sp.S.EmptySet
    for piece in pieces:
        result = sp.Union(result, _conjunction(_unwrap(piece), parameter, local))
    return result


def _conjunction(text: str, parameter: sp.Symbol, local: Local | None) -> sp.Set:
    interval = _interval(text, local)
    if interval is not None:
        return interval
    parts = _split_top(text, [r"\text{ and }", r"\text{and}", r"\;\text{and}\;", " and ",
                              r"\wedge", r"\land", "&", ","])
    result: sp.Set = sp.Interval(-sp.oo, sp.oo)
    for part in parts:
        part = _unwrap(part)
        if part:
            piece = _interval(part, local)
            result = _meet(result, piece if piece is not None else
                           _relation_set(part, parameter, local))
    return result


def read_region(text: str, parameters: tuple[sp.Symbol, ...], local: Local | None = None
                ) -> sp.Basic:
    """A region of several hyperparameters as a Boolean condition on them.

    >>> from symopt.symbols import symbols
    >>> read_region("0 <= beta < 1 and 0 < alpha < 2", symbols("alpha beta"))
    (0 <= beta) & (0 < alpha) & (alpha < 2) & (beta < 1)
    """
    body = clean(text)
    parts = _split_top(body, [r"\text{ and }", r"\text{and}", " and ", r"\wedge", r"\land",
                              "&", ","])
    conditions = []
    for part in parts:
        part = _unwrap(part)
        if not part:
            continue
        membership = re.split(r"\\in\b|∈|\bin\b", part, maxsplit=1)
        if len(membership) == 2:
            name = read_value(membership[0], local)
            if name not in parameters:
                raise ParseError(f"{membership[0].strip()!r} is not one of the parameters "
                                 f"{', '.join(p.name for p in parameters)}", text=text)
            conditions.append(read_set(membership[1], name, local).as_relational(name))
            continue
        tokens = _mark(part)
        if len(tokens) < 3 or len(tokens) % 2 == 0:
            raise ParseError(f"cannot read {part!r} as an inequality", text=text)
        values = [_endpoint(tokens[i], local) for i in range(0, len(tokens), 2)]
        for k, op in enumerate(tokens[1::2]):
            conditions.append(_OPS[op](values[k], values[k + 1], evaluate=False))
    return sp.And(*conditions)


def pick(region: sp.Set) -> sp.Expr | None:
    """A representative point of a (nonempty) set of reals, preferring simple ones.

    >>> pick(sp.Interval.open(1, 2)), pick(sp.Interval(2, 2)), pick(sp.Interval.open(1, sp.oo))
    (3/2, 2, 2)
    """
    if region.is_empty:
        return None
    if isinstance(region, sp.FiniteSet):
        return min(region.args, key=lambda v: (sp.count_ops(v), abs(sp.N(v))))
    if isinstance(region, sp.Union):
        return pick(region.args[0])
    if isinstance(region, sp.Interval):
        low, high = region.start, region.end
        if low == high:
            return low
        if low == -sp.oo and high == sp.oo:
            return sp.S.Zero
        if low == -sp.oo:
            return high - 1
        if high == sp.oo:
            return low + 1 if low.is_nonpositive or low < 1 else 2 * low
        return (low + high) / 2
    return None


def _instantiate(region: sp.Set, values: dict) -> sp.Set:
    return region.xreplace(values) if values else region


def _simple_point(symbols: set[sp.Symbol], trial: int) -> dict[sp.Symbol, sp.Expr]:
    """1, 2, 3, ... (or 2, 3, 5, ... on the second trial) for the symbols, by name."""
    base = [1, 2, 3, 5, 7, 11] if trial == 0 else [2, 3, 5, 7, 11, 13]
    point = {}
    for i, s in enumerate(sorted(symbols, key=lambda s: s.name)):
        value = sp.Integer(base[i % len(base)])
        point[s] = -value if s.is_nonpositive else value
    return point


def compare_sets(stated: sp.Set, correct: sp.Set, *, trials: int = 6, seed: int = 7
                 ) -> tuple[Comparison, dict]:
    """Compare two sets of reals; on a difference, a witness value and where it lies.

    Sets with symbolic endpoints are compared at random values of those symbols
    (respecting their assumptions). The second result holds the witness:
    ``{"value": v, "in_stated": bool, "parameters": {...}}``.

    >>> c, w = compare_sets(sp.Interval.Lopen(0, 1), sp.Interval.open(0, 1))
    >>> c.equal, w["value"], w["in_stated"]
    (False, 1, True)
    """
    stated, correct = unify_names(stated, correct)
    symbols = stated.free_symbols | correct.free_symbols
    rng = random.Random(seed)
    if symbols:
        try:
            if sp.simplify(sp.SymmetricDifference(stated, correct)) == sp.S.EmptySet:
                return Comparison(True, "the sets are identical", proved=True), {}
        except (TypeError, ValueError, NotImplementedError):
            pass
    checked = 0
    for trial in range(trials if symbols else 1):
        # simple values first, so that a witness reads well (L = 1 rather than 971/978)
        values = (_simple_point(symbols, trial) if trial < 2 else sample_point(symbols, rng)) \
            if symbols else {}
        s, c = _instantiate(stated, values), _instantiate(correct, values)
        try:
            extra, missing = sp.Complement(s, c), sp.Complement(c, s)
            extra_empty, missing_empty = extra.is_empty, missing.is_empty
        except (TypeError, ValueError):
            continue
        if extra_empty is None or missing_empty is None:
            continue
        checked += 1
        where = {k.name: sp.sstr(v) for k, v in values.items()}
        at = f" (at {', '.join(f'{k} = {v}' for k, v in where.items())})" if where else ""
        if not extra_empty:
            value = pick(extra)
            return (Comparison(False, f"{sp.sstr(value)} is in the stated set but not in the "
                               f"correct one{at}", where),
                    {"value": value, "in_stated": True, "parameters": values})
        if not missing_empty:
            value = pick(missing)
            return (Comparison(False, f"{sp.sstr(value)} is in the correct set but not in the "
                               f"stated one{at}", where),
                    {"value": value, "in_stated": False, "parameters": values})
    if checked == 0:
        return Comparison(None, "could not compare the sets"), {}
    if not symbols:
        return Comparison(True, "the sets are identical", proved=True), {}
    return Comparison(True, f"the sets agree at {checked} random values of "
                      f"{', '.join(sorted(s.name for s in symbols))}"), {}


def compare_regions(stated: sp.Basic, correct: sp.Basic, parameters: tuple[sp.Symbol, ...],
                    box: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]], *, points: int = 400,
                    seed: int = 11) -> Comparison:
    """Compare two Boolean conditions on several parameters on a random rational grid.

    >>> from symopt.symbols import symbols
    >>> a, b = symbols("alpha beta")
    >>> r = compare_regions(sp.And(a < 2, b < 1), sp.And(a < 2 + 2*b, b < 1), (a, b),
    ...                     {a: (0, 4), b: (0, 1)})
    >>> r.equal
    False
    """
    stated, correct, *parameters = unify_names(stated, correct, *parameters)
    box = {p: box[next(k for k in box if k.name == p.name)] for p in parameters}
    rng = random.Random(seed)
    agreed = 0
    for _ in range(points):
        values = {}
        for p in parameters:
            low, high = box[p]
            values[p] = low + (high - low) * sp.Rational(rng.randint(1, 999), 1000)
        ins, inc = stated.xreplace(values), correct.xreplace(values)
        if ins not in (sp.true, sp.false) or inc not in (sp.true, sp.false):
            continue
        agreed += 1
        if ins != inc:
            where = {k.name: sp.sstr(v) for k, v in values.items()}
            side = "stated region but not the correct one" if ins == sp.true else \
                "correct region but not the stated one"
            return Comparison(False, f"{', '.join(f'{k} = {v}' for k, v in where.items())} "
                              f"is in the {side}", where)
    if agreed == 0:
        return Comparison(None, "could not evaluate the regions at any sample point")
    return Comparison(True, f"the regions agree at {agreed} random points of the box "
                      f"{ {p.name: tuple(map(sp.sstr, box[p])) for p in parameters} }")
