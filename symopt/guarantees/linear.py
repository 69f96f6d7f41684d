"""A method's update rule as a linear recurrence in the iterate, its state and the gradient.

Performance estimation needs every iterate as a linear combination of the
starting point and the gradients met so far. This module reads that recurrence
off the method's one definition, ``get_method(name).rule(**hyperparameters)``:
for step k (``t = k + 1``)

    (x_{k+1}, s_{k+1}) = A(t)·(x_k, s_k) + b(t)·g_k,   g_k = ∇f(x_k),

where ``s`` are the state variables (momentum buffers). Linearity is checked
exactly: each next value must have derivatives in ``x``, the states and ``g``
that are free of all of them, and no constant term. Methods whose state is not
linear in the gradients (Adam, RMSProp, AdaGrad, AMSGrad, NAdam), that use the
sign of the gradient (sign GD, Lion), the Hessian (Newton) or a projection are
refused with an :class:`~symopt.errors.UnsupportedError` saying why.

Coefficients may depend on ``t`` (schedules, part of the method's definition:
``gradient_descent(rate="1/t")``, ``nesterov(momentum="(t - 1)/(t + 2)")``) and on
symbolic hyperparameters; :meth:`LinearRecurrence.unroll` substitutes ``t = k + 1``
at step k.

Nesterov is the torch form (``torch.optim.SGD(nesterov=True)``): the gradient
is taken at the stored iterate p_k, with b_{k+1} = βb_k + g_k and
p_{k+1} = p_k − α(g_k + βb_{k+1}). For a constant β, p_k is the look-ahead point
y_k of the textbook form x_{k+1} = y_k − α∇f(y_k), y_{k+1} = x_{k+1} + β(x_{k+1} − x_k)
(with y₀ = x₀): indeed x_{k+1} − x_k = −αb_{k+1}, so p_{k+1} = x_{k+1} − αβb_{k+1}.
The textbook's x_N (the last gradient step) is the stored iterate after N
steps whose last step uses β = 0. For a schedule β_t the two forms differ.

>>> from symopt.guarantees.linear import linear_recurrence
>>> rec = linear_recurrence("heavy_ball", alpha=1, beta="1/2")
>>> rec.matrix, rec.gradient
(Matrix([
[1, -1/2],
[0,  1/2]]), Matrix([
[-1],
[ 1]]))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.methods import get_method
from symopt.methods.base import Method, coordinate_sum

__all__ = ["LinearRecurrence", "linear_recurrence", "recurrence_of"]


@dataclass(frozen=True)
class LinearRecurrence:
    """One step of a linear first-order method: ``z⁺ = A(t) z + b(t) g`` with z = (x, states).

    ``initial`` gives the starting value of z as a multiple of x₀ (x₀ itself,
    and zero for a momentum buffer). ``t`` is the 1-based step counter.
    """

    name: str
    variables: tuple[sp.Symbol, ...]
    matrix: sp.Matrix
    gradient: sp.Matrix
    initial: sp.Matrix
    t: sp.Symbol
    hyperparameters: Mapping[str, sp.Expr]
    #: the index in ``variables`` of the iterate the method reports (0: the parameters x;
    #: Nesterov's look-ahead form reports its state z, the gradient being taken at x)
    reported: int = 0

    @property
    def parameters(self) -> set[sp.Symbol]:
        """The symbols the coefficients depend on besides ``t`` (symbolic hyperparameters).

        >>> sorted(map(str, linear_recurrence("gd").parameters))
        ['alpha']
        """
        free = self.matrix.free_symbols | self.gradient.free_symbols
        return free - {self.t}

    def unroll(self, n: int, x0: sp.Expr, grads: Sequence[sp.Expr]) -> list[sp.Expr]:
        """The iterates x₀, …, x_n (the parameters) in ``x0`` and ``grads[k]`` = ∇f(x_k).

        These are the points where the gradient is taken; :meth:`unroll_reported`
        gives the iterates the method reports.

        >>> from symopt.methods import gradient_descent
        >>> x0, g0, g1 = sp.symbols("x0 g0 g1")
        >>> linear_recurrence(gradient_descent(rate="1/t")).unroll(2, x0, [g0, g1])
        [x0, -g0 + x0, -g0 - g1/2 + x0]
        """
        return [z[0] for z in self._states(n, x0, grads)]

    def unroll_reported(self, n: int, x0: sp.Expr, grads: Sequence[sp.Expr]) -> list[sp.Expr]:
        """The reported iterates x₀, …, x_n; ``grads[k]`` is the gradient at the k-th
        parameter point (:meth:`unroll`). The same as :meth:`unroll` unless the method
        reports a state (``Method.reported``).

        >>> from symopt.methods import nesterov
        >>> x0, g0, g1 = sp.symbols("x0 g0 g1")
        >>> fgm = linear_recurrence(nesterov(form="lookahead", momentum="(t - 1)/(t + 2)"),
        ...                         alpha=1)
        >>> fgm.unroll(2, x0, [g0, g1])[2], fgm.unroll_reported(2, x0, [g0, g1])[2]
        (-g0 - 5*g1/4 + x0, -g0 - g1 + x0)
        """
        return [z[self.reported] for z in self._states(n, x0, grads)]

    def _states(self, n: int, x0: sp.Expr, grads: Sequence[sp.Expr]) -> list[sp.Matrix]:
        """(x_k, s_k) for k = 0, …, n."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise DomainError(f"the number of steps must be a nonnegative integer, got {n!r}")
        if len(grads) < n:
            raise DomainError(f"{n} steps need {n} gradients, got {len(grads)}")
        z = (self.initial * x0).applyfunc(sp.expand)
        states = [z]
        for k in range(n):
            step = {self.t: sp.Integer(k + 1)}
            z = (self.matrix.subs(step) * z + self.gradient.subs(step) * grads[k]).applyfunc(
                sp.expand
            )
            states.append(z)
        return states


def linear_recurrence(method: str | Method, **hyperparameters: object) -> LinearRecurrence:
    """The linear recurrence of a registered method (by name) or a :class:`Method`.

    >>> linear_recurrence("gd", alpha="1/2").gradient
    Matrix([[-1/2]])
    >>> linear_recurrence("adam")
    Traceback (most recent call last):
    ...
    symopt.errors.UnsupportedError: Adam is not a linear first-order method: its state v is ...
    """
    m = get_method(method) if isinstance(method, str) else method
    return recurrence_of(m, hyperparameters)


def recurrence_of(method: Method, hyperparameters: Mapping[str, object]) -> LinearRecurrence:
    """Read the recurrence off ``method.rule(**hyperparameters)``, checking linearity exactly.

    >>> from symopt.methods import nesterov
    >>> recurrence_of(nesterov(), {"alpha": 1, "beta": 0}).matrix
    Matrix([
    [1, 0],
    [0, 0]])
    """
    if method.uses_newton_direction:
        raise UnsupportedError(
            f"{method.name} needs the Hessian (its step is the Newton direction), so it is "
            "not a first-order method and has no performance-estimation problem here"
        )
    if method.projection is not None:
        raise UnsupportedError(
            f"{method.name} projects onto a set: the projection is not linear in the "
            "iterate, so the unconstrained performance-estimation problem does not apply"
        )
    rule = method.rule(**hyperparameters)
    states = tuple(s.symbol for s in method.state)
    variables = (rule.x, *states)
    inputs = (*variables, rule.g)
    outputs = [(rule.x, rule.x_next), *((s, rule.state_next[s]) for s in states)]
    for target, expr in outputs[::-1]:  # states first: their nonlinearity is the cause
        _check_linear(method.name, target, expr, inputs, rule.g)
    rows = []
    for _, expr in outputs:
        rows.append([sp.simplify(sp.diff(expr, v)) for v in inputs])
    coefficients = sp.Matrix(rows)
    initial = sp.Matrix([1, *(s.init.diff(rule.x) for s in method.state)])
    for s in method.state:
        if sp.simplify(s.init - s.init.diff(rule.x) * rule.x) != 0:
            raise UnsupportedError(
                f"{method.name}: the initial value of {s.symbol} ({s.init}) is not a multiple of x₀"
            )
    values = method.substitution(hyperparameters)
    reported = method.reported_iterate(rule.x, {s: s for s in states})
    return LinearRecurrence(
        name=method.name,
        variables=variables,
        matrix=coefficients[:, : len(variables)],
        gradient=coefficients[:, len(variables)],
        initial=initial,
        t=rule.t,
        hyperparameters={k.name: v for k, v in values.items()},
        reported=variables.index(reported),
    )


def _check_linear(name: str, target: sp.Symbol, expr: sp.Expr,
                  inputs: Sequence[sp.Symbol], g: sp.Symbol) -> None:
    """Raise unless ``expr`` is a linear form (no constant) in ``inputs``."""
    what = "the next iterate" if target.name == "x" else f"its state {target}"
    if expr.has(coordinate_sum):
        raise UnsupportedError(
            f"{name} is not a linear first-order method: {what} couples the coordinates "
            f"({target}⁺ = {expr})"
        )
    for v in inputs:
        derivative = sp.diff(expr, v)
        if derivative.free_symbols & set(inputs):
            reason = (
                f"{what} is not linear in the gradient {g}"
                if v == g or derivative.has(g)
                else f"{what} is not linear in {v}"
            )
            raise UnsupportedError(
                f"{name} is not a linear first-order method: {reason} "
                f"({target}⁺ = {expr}), so no performance-estimation problem over a "
                "function class follows from it"
            )
    constant = sp.simplify(expr.subs({v: 0 for v in inputs}))
    if constant != 0:
        raise UnsupportedError(
            f"{name}: {what} has a term free of the iterate and gradient ({constant}); "
            "performance estimation needs a linear (not affine) recurrence"
        )
