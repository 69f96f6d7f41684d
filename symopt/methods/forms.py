"""Two forms of one method, related by a change of variables proved from both rules.

A map φ from the variables of one form (its parameters x and state) to those of
another relates their sequences when it commutes with the steps and maps the
starting state to the starting state:

    φ(T_source(s)) = T_target(φ(s))   for every state s and gradient g,
    φ(init_source(x₀)) = init_target(x₀).

Then, by induction on k, φ(s_k) is the target's k-th state for every k. Both
identities are checked exactly (SymPy simplification of the differences to 0)
on the two methods' own rules. The gradient is taken at the parameters in both
rules, so φ must keep the parameters (x ↦ x): the same g enters both steps.

>>> from symopt.methods.forms import nesterov_forms
>>> proof = nesterov_forms()
>>> proof.proved, proof.statement
(True, 'x = x, z = alpha*b*beta + x')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from symopt.errors import UnsupportedError
from symopt.methods.base import Method, X

__all__ = ["FormMap", "change_of_variables", "nesterov_forms"]


@dataclass(frozen=True)
class FormMap:
    """A checked change of variables: ``target variable = expression in the source's``."""

    source: str
    target: str
    mapping: dict[sp.Symbol, sp.Expr]
    #: φ(T_source(s)) − T_target(φ(s)) per target variable, simplified (all 0 when proved).
    step_residuals: dict[sp.Symbol, sp.Expr]
    #: φ(init_source(x₀)) − init_target(x₀) per target variable, simplified.
    initial_residuals: dict[sp.Symbol, sp.Expr]

    @property
    def proved(self) -> bool:
        """Whether every residual simplified to exactly 0."""
        return all(r == 0 for r in (*self.step_residuals.values(),
                                    *self.initial_residuals.values()))

    @property
    def statement(self) -> str:
        """The map, one ``target = expression`` per variable."""
        return ", ".join(f"{k} = {v}" for k, v in self.mapping.items())


def change_of_variables(source: Method, target: Method, mapping: Mapping[sp.Symbol, sp.Expr],
                        **values: object) -> FormMap:
    """Check that ``mapping`` (target's x and state in terms of source's) relates the two methods.

    ``values`` fix hyperparameters of both methods (checked against their domains).

    >>> from symopt.methods import heavy_ball, heavy_ball_ema
    >>> from symopt.symbols import symbol
    >>> b, v, beta = symbol("b"), symbol("v"), symbol("beta")
    >>> change_of_variables(heavy_ball(), heavy_ball_ema(), {X: X, v: (1 - beta) * b}).proved
    False
    """
    targets = {X, *(s.symbol for s in target.state)}
    if set(mapping) != targets:
        raise UnsupportedError(f"the map must give every variable of {target.name}: "
                               f"{', '.join(sorted(map(str, targets)))}")
    if sp.simplify(sp.sympify(mapping[X], strict=True) - X) != 0:  # safe: strict, no text
        raise UnsupportedError("the map must keep the parameters (x ↦ x): both rules take "
                               "the gradient at the parameters")
    a = source.rule(**{k: v for k, v in values.items() if _has(source, k)})
    b = target.rule(**{k: v for k, v in values.items() if _has(target, k)})
    fixed = {**source.substitution({k: v for k, v in values.items() if _has(source, k)}),
             **target.substitution({k: v for k, v in values.items() if _has(target, k)})}
    phi = {k: sp.sympify(v, strict=True).xreplace(fixed)  # safe: strict, no text
           for k, v in mapping.items()}
    source_next = {X: a.x_next, **a.state_next}
    target_next = {X: b.x_next, **b.state_next}
    step = {v: sp.simplify(phi[v].xreplace(source_next) - target_next[v].xreplace(phi))
            for v in phi}
    x0 = sp.Symbol("x_0", real=True)
    start = {X: x0, **source.initial_state(x0)}
    target_start = {X: x0, **target.initial_state(x0)}
    initial = {v: sp.simplify(phi[v].xreplace(start) - target_start[v]) for v in phi}
    return FormMap(source.name, target.name, phi, step, initial)


def _has(method: Method, name: str) -> bool:
    return any(name in (h.symbol.name, *h.aliases) for h in method.hyperparameters)


def nesterov_forms(**values: object) -> FormMap:
    """torch's Nesterov (p, b) and the look-ahead form (y, x_k): y = p and x_k = p + αβ b.

    From y_k = x_k + β(x_k − x_{k−1}) and torch's buffer b_k = −(x_k − x_{k−1})/α
    the reported iterate of the look-ahead form is x_k = p_k + αβ b_k and its
    look-ahead point is torch's parameter, y_k = p_k. Checked from both rules for
    symbolic α, β (or the values given); it holds for constant α and β.

    >>> nesterov_forms(alpha="1/10", beta="9/10").mapping
    {x: x, z: 9*b/100 + x}
    """
    from symopt.methods.gradient import LOOKAHEAD_ITERATE, nesterov
    from symopt.symbols import symbol

    alpha, beta, buffer = symbol("alpha"), symbol("beta"), symbol("b")
    return change_of_variables(nesterov(), nesterov(form="lookahead"),
                               {X: X, LOOKAHEAD_ITERATE: X + alpha * beta * buffer}, **values)
