"""Performance measures and initial conditions of a performance-estimation problem.

A worst-case statement reads "measure ≤ τ · (initial quantity)" over every
function of a class and every start satisfying the initial condition. Both are
written here as expressions in the oracle symbols of the iterates (x₀ − x*, the
gradients g_k and function values f_k, with x* = 0 and f* = 0 as in
:meth:`~symopt.guarantees.classes.Oracle.optimum`).

Measures: ``function_gap`` f(x_N) − f*, ``distance`` ‖x_N − x*‖²,
``gradient_norm`` ‖∇f(x_N)‖², ``min_gradient_norm`` min_{0≤k≤N} ‖∇f(x_k)‖².
Initial conditions: ``distance`` ‖x₀ − x*‖² ≤ R², ``function_gap`` f(x₀) − f* ≤ Δ,
``function_decrease`` f(x₀) − f(x_N) ≤ Δ (for the L-smooth nonconvex class,
as in PEPit's nonconvex gradient-descent example), or a nonnegative combination
of these (f(x₀) − f* + μ/2‖x₀ − x*‖² ≤ 1 in the accelerated method's analysis).

>>> from symopt.guarantees.measures import initial_condition, measure
>>> measure("f(x_N) - f*").kind, initial_condition("distance", 4).bound
('function_gap', 4)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from symopt.errors import DomainError
from symopt.guarantees.classes import Oracle

__all__ = ["INITIAL_KINDS", "MEASURES", "Initial", "Measure", "initial_condition", "measure"]

#: Measure kinds and their description (``{N}`` is the number of steps).
MEASURES: dict[str, str] = {
    "function_gap": "f(x_{N}) − f*",
    "distance": "‖x_{N} − x*‖²",
    "gradient_norm": "‖∇f(x_{N})‖²",
    "min_gradient_norm": "min_{{0≤k≤{N}}} ‖∇f(x_k)‖²",
}
_MEASURE_ALIASES = {
    "f(x_n)-f*": "function_gap", "f(x_n)-f_*": "function_gap", "f_n-f*": "function_gap",
    "||x_n-x*||^2": "distance", "‖x_n−x*‖²": "distance", "‖x_n-x*‖²": "distance",
    "||grad f(x_n)||^2": "gradient_norm", "||g_n||^2": "gradient_norm",
    "min_k ||grad f(x_k)||^2": "min_gradient_norm", "min_k ||g_k||^2": "min_gradient_norm",
}
#: Initial-condition kinds and their description.
INITIAL_KINDS: dict[str, str] = {
    "distance": "‖x₀ − x*‖²",
    "function_gap": "f(x₀) − f*",
    "function_decrease": "f(x₀) − f(x_{N})",
}
_INITIAL_ALIASES = {
    "||x_0-x*||^2": "distance", "‖x₀−x*‖²": "distance", "‖x0-x*‖²": "distance",
    "f(x_0)-f*": "function_gap", "f(x0)-f*": "function_gap",
    "f(x_0)-f(x_n)": "function_decrease", "f(x0)-f(xn)": "function_decrease",
}


def _key(text: str, names: Mapping[str, str], aliases: Mapping[str, str], what: str) -> str:
    key = text.strip()
    if key in names:
        return key
    compact = key.lower().replace(" ", "").replace("−", "-")
    for alias, kind in aliases.items():
        if compact == alias.replace(" ", ""):
            return kind
    raise DomainError(f"unknown {what} {text!r}; known: {', '.join(names)}")


@dataclass(frozen=True)
class Measure:
    """What is bounded after N steps; ``kind`` is one of :data:`MEASURES`."""

    kind: str

    @property
    def needs_minimizer(self) -> bool:
        """Whether the measure refers to x* or f* (so the class must have a minimizer)."""
        return self.kind in ("function_gap", "distance")

    @property
    def needs_last_oracle(self) -> bool:
        """Whether ∇f(x_N) or f(x_N) appears (x_N must be an oracle point)."""
        return self.kind != "distance"

    def expressions(self, iterates: Sequence[sp.Expr], oracles: Sequence[Oracle]
                    ) -> tuple[sp.Expr, ...]:
        """The measure's value(s); several values mean their minimum.

        >>> o = [Oracle(sp.Symbol("x0"), sp.Symbol("g0"), sp.Symbol("f0"))]
        >>> Measure("gradient_norm").expressions([o[0].x], o)
        (g0**2,)
        """
        n = len(iterates) - 1
        if self.kind == "distance":
            return (sp.expand(iterates[n] ** 2),)
        if self.kind == "function_gap":
            return (oracles[n].f,)
        if self.kind == "gradient_norm":
            return (oracles[n].g ** 2,)
        return tuple(o.g ** 2 for o in oracles[: n + 1])

    def describe(self, n: object = "N") -> str:
        """The measure in words.

        >>> Measure("min_gradient_norm").describe(3)
        'min_{0≤k≤3} ‖∇f(x_k)‖²'
        """
        return MEASURES[self.kind].format(N=n)


def measure(spec: str | Measure) -> Measure:
    """A :class:`Measure` from its kind or a common spelling.

    >>> measure("||x_N - x*||^2")
    Measure(kind='distance')
    """
    if isinstance(spec, Measure):
        return spec
    return Measure(_key(str(spec), MEASURES, _MEASURE_ALIASES, "performance measure"))


@dataclass(frozen=True)
class Initial:
    """``Σ cᵢ · (initial quantity i) ≤ bound``; kinds in :data:`INITIAL_KINDS`, cᵢ ≥ 0."""

    terms: tuple[tuple[str, sp.Expr], ...]
    bound: sp.Expr = sp.S.One

    def __post_init__(self) -> None:
        if not self.terms:
            raise DomainError("an initial condition needs at least one term")
        for kind, c in self.terms:
            if kind not in INITIAL_KINDS:
                raise DomainError(f"unknown initial condition {kind!r}; known: "
                                  f"{', '.join(INITIAL_KINDS)}")
            _check_positive(c, f"the coefficient of {kind}", allow_zero=False)
        _check_positive(self.bound, "the initial bound", allow_zero=False)

    @property
    def kind(self) -> str:
        """The kind of a single-term condition with coefficient 1 (a combination has none).

        >>> initial_condition("f(x_0) - f*").kind
        'function_gap'
        """
        if len(self.terms) != 1 or self.terms[0][1] != 1:
            raise DomainError(f"the initial condition {self.describe()} is a combination, "
                              "not a single kind")
        return self.terms[0][0]

    @property
    def needs_minimizer(self) -> bool:
        """Whether x* or f* appear."""
        return any(k != "function_decrease" for k, _ in self.terms)

    @property
    def needs_last_oracle(self) -> bool:
        """Whether f(x_N) appears."""
        return any(k == "function_decrease" for k, _ in self.terms)

    def expression(self, iterates: Sequence[sp.Expr], oracles: Sequence[Oracle]) -> sp.Expr:
        """The left-hand side in the oracle symbols.

        >>> o = [Oracle(sp.Symbol("x0"), sp.Symbol("g0"), sp.Symbol("f0"))]
        >>> initial_condition({"function_gap": 1, "distance": "1/2"}).expression([o[0].x], o)
        f0 + x0**2/2
        """
        n = len(iterates) - 1
        value = {
            "distance": lambda: iterates[0] ** 2,
            "function_gap": lambda: oracles[0].f,
            "function_decrease": lambda: oracles[0].f - oracles[n].f,
        }
        return sp.expand(sum((c * value[k]() for k, c in self.terms), sp.S.Zero))

    def quantity(self, n: object = "N") -> str:
        """The left-hand side in words.

        >>> initial_condition({"function_gap": 1, "distance": "1/2"}).quantity()
        'f(x₀) − f* + 1/2·‖x₀ − x*‖²'
        """
        return " + ".join((INITIAL_KINDS[k] if c == 1 else f"{c}·{INITIAL_KINDS[k]}").format(N=n)
                          for k, c in self.terms)

    def describe(self, n: object = "N") -> str:
        """The condition in words.

        >>> initial_condition("distance", 2).describe()
        '‖x₀ − x*‖² ≤ 2'
        """
        return f"{self.quantity(n)} ≤ {self.bound}"


def initial_condition(spec: str | Mapping[str, object] | Initial, bound: object = 1) -> Initial:
    """An :class:`Initial` from a kind (``"distance"``), a mapping kind → coefficient, or itself.

    >>> initial_condition("f(x_0) - f*", "1/2").describe()
    'f(x₀) − f* ≤ 1/2'
    """
    if isinstance(spec, Initial):
        return spec
    if isinstance(spec, str):
        items: list[tuple[str, object]] = [(spec, 1)]
    elif isinstance(spec, Mapping):
        items = list(spec.items())
    else:
        raise DomainError(f"an initial condition is a kind or a mapping, got {spec!r}")
    terms = tuple(
        (_key(str(k), INITIAL_KINDS, _INITIAL_ALIASES, "initial condition"), _number(c, str(k)))
        for k, c in items
    )
    return Initial(terms, _number(bound, "the initial bound"))


def _number(value: object, name: str) -> sp.Expr:
    from symopt.methods.base import _exact

    return _exact(value, name)


def _check_positive(value: sp.Expr, name: str, *, allow_zero: bool) -> None:
    value = sp.sympify(value, strict=True)  # safe: strict refuses text
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_real:
        raise DomainError(f"{name} must be a finite real number, got {value}")
    ok = value.is_nonnegative if allow_zero else value.is_positive
    if ok is False or (value.is_number and not ok):
        raise DomainError(f"{name} must be {'nonnegative' if allow_zero else 'positive'}, "
                          f"got {value}")
