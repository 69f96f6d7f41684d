"""Methods as chains of small symbolic transformations (the optax idea, over SymPy).

A :class:`Transform` maps an update ``u`` (it starts as the gradient ``g``) and
its own state to a new update and new state, coordinate by coordinate, as SymPy
expressions. A :class:`Method` is a chain of transforms, the step ``x' = x + u``
and an optional projection. Every analysis, derivation and compiled kernel is
derived from this single definition.

All expressions are *per coordinate*: ``x``, ``g`` and each state variable stand
for one coordinate of the parameter vector, ``t`` is the 1-based step counter
(``t = 1`` on the first step, as in the Adam paper and ``torch.optim``) and
hyperparameters are scalars shared by every coordinate. Operations across
coordinates (a norm in a projection) use :func:`coordinate_sum`, which kernels
compute as a reduction before the elementwise update.

>>> from symopt.methods.base import chain, scale_by_learning_rate, trace
>>> from symopt.symbols import symbol
>>> heavy_ball = chain("heavy ball", trace(symbol("beta")), scale_by_learning_rate())
>>> rule = heavy_ball.rule()
>>> rule.x_next
-alpha*(b*beta + g) + x
>>> rule.state_next
{b: b*beta + g}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import sympy as sp

from symopt.errors import DomainError
from symopt.symbols import symbol

__all__ = [
    "Context",
    "Hyperparameter",
    "Method",
    "StateVar",
    "Transform",
    "UpdateRule",
    "chain",
    "coordinate_sum",
    "scale",
    "scale_by_learning_rate",
    "trace",
]

#: The per-coordinate symbols every method is written in.
X, G, T = symbol("x"), symbol("g"), symbol("t")
#: The Newton direction ``p = (∇²f)⁻¹ ∇f`` (per coordinate), for second-order methods.
NEWTON_DIRECTION = symbol("p")


class coordinate_sum(sp.Function):  # noqa: N801 - reads like the math
    """Σᵢ expr over all coordinates (a reduction), e.g. ‖y‖² = coordinate_sum(y²)."""

    is_real = True


@dataclass(frozen=True)
class Hyperparameter:
    """A scalar hyperparameter: its symbol, admissible domain and usual default."""

    symbol: sp.Symbol
    domain: sp.Set
    default: sp.Expr | None = None
    description: str = ""
    #: Other names accepted for it, e.g. torch's ``lr`` for ``alpha``.
    aliases: tuple[str, ...] = ()

    def check(self, value: object) -> sp.Expr:
        """Return ``value`` as a SymPy number after checking it lies in the domain.

        >>> Hyperparameter(symbol("alpha"), sp.Interval.open(0, sp.oo)).check(0)
        Traceback (most recent call last):
        ...
        symopt.errors.DomainError: alpha = 0 is outside its domain Interval.open(0, oo)
        """
        number = _exact(value, self.symbol.name)
        if number.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise DomainError(f"{self.symbol.name} must be finite, got {number}")
        if number.is_number or number.free_symbols:
            # symbolic values are rejected only when their assumptions decide it (−L for α)
            try:
                inside = self.domain.contains(number)
            except (TypeError, ValueError):  # undecidable comparison: keep the value
                inside = None
            if inside is sp.false or inside is False:
                raise DomainError(
                    f"{self.symbol.name} = {number} is outside its domain {self.domain}"
                )
        return number


@dataclass(frozen=True)
class StateVar:
    """A per-coordinate state variable and its initial value (in terms of x₀)."""

    symbol: sp.Symbol
    init: sp.Expr = sp.S.Zero
    description: str = ""


@dataclass(frozen=True)
class Context:
    """What a transform may read besides the incoming update and its own state."""

    x: sp.Expr = X
    g: sp.Expr = G
    t: sp.Expr = T
    p: sp.Expr = NEWTON_DIRECTION


UpdateFn = Callable[[sp.Expr, Mapping[sp.Symbol, sp.Expr], Context],
                    tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]]


@dataclass(frozen=True)
class Transform:
    """One link of a chain: ``(u, state, ctx) -> (u', state')``."""

    name: str
    apply: UpdateFn
    hyperparameters: tuple[Hyperparameter, ...] = ()
    state: tuple[StateVar, ...] = ()
    latex: str = ""


@dataclass(frozen=True)
class UpdateRule:
    """One step of a method as explicit expressions in the per-coordinate symbols."""

    x_next: sp.Expr
    state_next: dict[sp.Symbol, sp.Expr]
    x: sp.Symbol = X
    g: sp.Symbol = G
    t: sp.Symbol = T
    p: sp.Symbol = NEWTON_DIRECTION

    @property
    def update(self) -> sp.Expr:
        """``x' − x``: the step added to the parameters."""
        return sp.simplify(self.x_next - self.x)


@dataclass(frozen=True)
class Method:
    """An optimizer: a chain of transforms, the step x' = P(x + u), and metadata.

    ``projection`` maps the unconstrained next point (per coordinate) to the
    feasible one; ``None`` means no constraint. ``reference`` names the paper or
    text the rule follows and ``conventions`` records choices that differ between
    texts (ε inside or outside the square root, the momentum form, ...).
    """

    name: str
    transforms: tuple[Transform, ...]
    projection: Callable[[sp.Expr], sp.Expr] | None = None
    reference: str = ""
    conventions: str = ""
    uses_newton_direction: bool = False
    extra_hyperparameters: tuple[Hyperparameter, ...] = field(default=())
    #: The state variable holding the iterate the text reports (Nesterov's look-ahead
    #: form reports x_k while the gradient is taken at the parameters y_k); None: x.
    reported: sp.Symbol | None = None

    @cached_property
    def hyperparameters(self) -> tuple[Hyperparameter, ...]:
        """Every hyperparameter of the chain, once each, in chain order."""
        seen: dict[sp.Symbol, Hyperparameter] = {}
        for hp in (h for t in self.transforms for h in t.hyperparameters):
            seen.setdefault(hp.symbol, hp)
        for hp in self.extra_hyperparameters:
            seen.setdefault(hp.symbol, hp)
        return tuple(seen.values())

    @cached_property
    def state(self) -> tuple[StateVar, ...]:
        """Every state variable of the chain; names must be unique."""
        variables = [s for t in self.transforms for s in t.state]
        names = [s.symbol for s in variables]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"state variables {duplicates} are defined twice in {self.name}")
        return tuple(variables)

    def rule(self, **values: object) -> UpdateRule:
        """The symbolic update, optionally with hyperparameters substituted.

        Values are checked against each hyperparameter's domain first.

        >>> from symopt.methods import gradient_descent
        >>> gradient_descent().rule(alpha="0.1").x_next
        -g/10 + x
        """
        substitution = self.substitution(values)  # check the domains before any work
        x_next, state_next = self.step(X, G, {s.symbol: s.symbol for s in self.state}, T)
        return UpdateRule(
            x_next.subs(substitution),
            {k: v.subs(substitution) for k, v in state_next.items()},
        )

    def step(
        self,
        x: sp.Expr,
        g: sp.Expr,
        state: Mapping[sp.Symbol, sp.Expr],
        t: sp.Expr,
        p: sp.Expr | None = None,
    ) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
        """Apply one step to arbitrary expressions (used to unroll iterations).

        ``state`` maps each state symbol to its current value.
        """
        ctx = Context(x=x, g=g, t=t, p=NEWTON_DIRECTION if p is None else p)
        update: sp.Expr = g
        new_state: dict[sp.Symbol, sp.Expr] = {}
        for transform in self.transforms:
            own = {s.symbol: state[s.symbol] for s in transform.state}
            update, changed = transform.apply(update, own, ctx)
            new_state.update(changed)
        x_next = x + update
        if self.projection is not None:
            x_next = self.projection(x_next)
        return x_next, new_state

    def substitution(self, values: Mapping[str, object]) -> dict[sp.Symbol, sp.Expr]:
        """Map hyperparameter names, aliases (or symbols) to checked exact values.

        >>> from symopt.methods import gradient_descent
        >>> gradient_descent().substitution({"lr": 0.5})
        {alpha: 1/2}
        """
        by_name = {a: h for h in self.hyperparameters for a in h.aliases}
        by_name.update({h.symbol.name: h for h in self.hyperparameters})
        result = {}
        for key, value in values.items():
            name = key.name if isinstance(key, sp.Symbol) else str(key)
            if name not in by_name:
                raise DomainError(
                    f"{self.name} has no hyperparameter {name!r}; it has "
                    f"{sorted(by_name) or 'none'}"
                )
            number = by_name[name].check(value)
            taken = self.variable_names() & {s.name for s in number.free_symbols}
            if taken:
                raise DomainError(
                    f"{name} = {number} names the update's variable "
                    f"{', '.join(sorted(taken))}; a hyperparameter value is a number or an "
                    "expression in constants and hyperparameters"
                )
            result[by_name[name].symbol] = number
        return result

    def variable_names(self) -> frozenset[str]:
        """Names of the per-coordinate variables the update is written in (x, g, t, p, state).

        >>> from symopt.methods import heavy_ball
        >>> sorted(heavy_ball().variable_names())
        ['b', 'g', 'p', 't', 'x']
        """
        return frozenset({X.name, G.name, T.name, NEWTON_DIRECTION.name,
                          *(s.symbol.name for s in self.state)})

    def reported_iterate(self, x: object, state: Mapping[object, object]) -> object:
        """The iterate the method reports: the parameters ``x``, or the state ``reported`` holds.

        ``state`` maps the state variables, by symbol or by name, to their values (symbolic,
        exact or arrays); runs, performance estimation and counterexamples all measure this
        point, so the choice is made here once.

        >>> from symopt.methods import heavy_ball, nesterov
        >>> nesterov(form="lookahead").reported_iterate("y", {"z": "x_k"})
        'x_k'
        >>> heavy_ball().reported_iterate("x_k", {"b": 0})
        'x_k'
        """
        if self.reported is None:
            return x
        return state[self.reported] if self.reported in state else state[self.reported.name]

    def defaults(self) -> dict[str, sp.Expr]:
        """The usual default values, by hyperparameter name."""
        return {h.symbol.name: h.default for h in self.hyperparameters if h.default is not None}

    def initial_state(self, x0: sp.Expr = X) -> dict[sp.Symbol, sp.Expr]:
        """Initial value of each state variable for a starting point ``x0``."""
        return {s.symbol: s.init.subs(X, x0) for s in self.state}

    def renamed(self, name: str) -> Method:
        """The same method under another name."""
        return replace(self, name=name)


def chain(name: str, *transforms: Transform, **metadata: object) -> Method:
    """Compose transforms into a method (the update starts as the gradient).

    >>> from symopt.methods.base import chain, scale_by_learning_rate
    >>> chain("gd", scale_by_learning_rate()).rule().x_next
    -alpha*g + x
    """
    return Method(name, tuple(transforms), **metadata)  # type: ignore[arg-type]


# -- the elementary transforms ------------------------------------------------

POSITIVE = sp.Interval.open(0, sp.oo)
UNIT = sp.Interval.Ropen(0, 1)


def scale(factor: sp.Expr, name: str = "scale") -> Transform:
    """u ← factor · u (a fixed expression, e.g. −1)."""
    return Transform(name, lambda u, s, c: (factor * u, {}))


def scale_by_learning_rate(
    rate: object = None,
    *,
    hyperparameter: Hyperparameter | None = None,
) -> Transform:
    """u ← −α u; ``rate`` may be a number or a schedule α(t) in the step counter.

    Without ``rate`` the step size is the hyperparameter α (``alpha``, alias
    ``lr``). A given ``rate`` replaces it: a number must be positive, and the free
    symbols of a schedule other than ``t`` become the method's hyperparameters.

    >>> scale_by_learning_rate().apply(symbol("g"), {}, Context())[0]
    -alpha*g
    >>> scale_by_learning_rate(0.1).hyperparameters
    ()
    """
    alpha = symbol("alpha")
    hp = hyperparameter or Hyperparameter(
        alpha, POSITIVE, None, "step size (learning rate)", aliases=("lr",)
    )
    if rate is None:
        value: sp.Expr = hp.symbol
        declared: tuple[Hyperparameter, ...] = (hp,)
    else:
        value = _rate(rate)
        declared = tuple(
            hp if s == hp.symbol else Hyperparameter(s, _domain_of(s), None, "schedule parameter")
            for s in sorted(value.free_symbols - {T}, key=str)
        )
    return Transform("scale_by_learning_rate", lambda u, s, c: (-value * u, {}), declared)


def _rate(rate: object) -> sp.Expr:
    """A step size or schedule as an expression; a number must be positive."""
    value = _exact(rate, "rate")
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise DomainError(f"the step size must be finite, got {value}")
    if value.is_positive is False or (value.is_number and not value.is_positive):
        raise DomainError(f"the step size must be positive, got {value}")
    return value


def _domain_of(s: sp.Symbol) -> sp.Set:
    """The admissible values of a symbol, read from its assumptions."""
    if s.is_positive:
        return POSITIVE
    if s.is_nonnegative:
        return sp.Interval(0, sp.oo)
    return sp.Reals


def trace(beta: sp.Expr, *, name: str = "b", nesterov: bool = False,
          default: sp.Expr | None = None) -> Transform:
    """Momentum buffer b ← βb + u; the update becomes b (or u + βb with Nesterov).

    This is torch.optim.SGD's form (dampening 0) and optax's ``trace``. ``beta``
    is the hyperparameter symbol, or a schedule β(t) in the step counter whose
    other symbols become hyperparameters (Nesterov's β_t = (t − 1)/(t + 2)).

    >>> trace((T - 1) / (T + 2)).hyperparameters
    ()
    """
    buffer = symbol(name)
    if isinstance(beta, sp.Symbol):
        declared: tuple[Hyperparameter, ...] = (
            Hyperparameter(beta, UNIT, default, "momentum coefficient", aliases=("momentum",)),)
    else:
        beta = _exact(beta, "momentum")
        declared = tuple(Hyperparameter(s, _domain_of(s), None, "schedule parameter")
                         for s in sorted(beta.free_symbols - {T}, key=str))

    def apply(u: sp.Expr, state: Mapping[sp.Symbol, sp.Expr], ctx: Context):
        new = beta * state[buffer] + u
        return (u + beta * new if nesterov else new), {buffer: new}

    return Transform("trace", apply, declared,
                     (StateVar(buffer, sp.S.Zero, "momentum buffer"),))


def _exact(value: object, name: str) -> sp.Expr:
    """A hyperparameter value as an exact SymPy number (0.1 → 1/10)."""
    import math

    if isinstance(value, sp.Basic):
        return value  # type: ignore[return-value]
    if isinstance(value, bool):
        raise DomainError(f"{name} must be a number, got {value!r}")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DomainError(f"{name} must be finite, got {value!r}")
        # float() first: NumPy's float64 subclasses float but its repr is 'np.float64(...)'.
        return sp.Rational(repr(float(value)))
    if isinstance(value, str):
        from symopt.parse import parse

        try:
            special = not math.isfinite(float(value.strip()))
        except ValueError:
            special = False
        if special:  # 'nan', 'inf', 'infinity': numbers, not symbol names
            raise DomainError(f"{name} must be a finite number, got {value.strip()!r}")
        return parse(value)  # type: ignore[return-value]
    try:
        as_float = float(value)  # NumPy scalars
    except (TypeError, ValueError):
        raise DomainError(f"{name} must be a number, got {value!r}") from None
    return _exact(as_float, name)
