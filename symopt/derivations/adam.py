"""Adam's bias correction: E[m_t] = (1 − β₁ᵗ) E[g], so m̂_t = m_t/(1 − β₁ᵗ) is unbiased.

Everything starts from the rule of ``get_method("adam")``: its moment updates,
their zero initial values and the bias-corrected step it takes.

>>> from symopt.derivations.adam import adam_bias_correction
>>> d = adam_bias_correction()
>>> d.results["mean_of_m"]
g*(1 - beta_1**t)
"""

from __future__ import annotations

import sympy as sp

from symopt.derivation import Derivation, DerivationError
from symopt.derivation.verify import _substitute
from symopt.derivations.common import sequence
from symopt.methods import get_method
from symopt.symbols import symbol

__all__ = ["adam_bias_correction"]


def adam_bias_correction(method: str = "adam") -> Derivation:
    """Unroll Adam's first moment, take expectations, and read off the bias correction."""
    adam = get_method(method)
    rule = adam.rule()
    state = {s.symbol.name: s for s in adam.state}
    if "m" not in state or "v" not in state:
        raise DerivationError(f"{adam.name} has no moments m, v (state {list(state)})")
    m_sym, v_sym = state["m"].symbol, state["v"].symbol
    b1, b2 = symbol("beta_1"), symbol("beta_2")
    t = symbol("t")
    i = sp.Symbol("i", integer=True, positive=True)
    m, v, g = sequence("m"), sequence("v"), sequence("g")
    gbar = symbol("g")
    mhat, vhat = sequence("mhat"), sequence("vhat")
    E = sp.Function("E")
    d = Derivation(f"{adam.name}: the bias correction",
                   intro="Both moments start at zero, so early averages are pulled towards "
                         "zero; dividing by $1 - \\beta^t$ removes exactly that bias.",
                   domains={b1: sp.Interval.open(0, 1), b2: sp.Interval.open(0, 1)})
    step_t = {rule.g: g[t], m_sym: m[t - 1], v_sym: v[t - 1], rule.t: t}
    d.define(m[t], rule.state_next[m_sym].xreplace(step_t),
             f"first moment, the rule of get_method(\"{method}\")")
    d.define(v[t], rule.state_next[v_sym].xreplace(step_t), "second moment")
    d.define(m[0], state["m"].init, "the initial value")
    d.define(v[0], state["v"].init, "the initial value")
    # The update the rule applies, written with the bias-corrected moments.
    d.define(mhat[t], m[t] / (1 - b1**t), "bias-corrected first moment")
    d.define(vhat[t], v[t] / (1 - b2**t), "bias-corrected second moment")
    x = sequence("x")
    shown = {rule.x: x[t - 1], **step_t}
    alpha, eps = symbol("alpha"), symbol("epsilon")
    d.fact(x[t], rule.x_next.xreplace(shown))
    d.equation(x[t], x[t - 1] - alpha * mhat[t] / (sp.sqrt(vhat[t]) + eps),
               f"the step of get_method(\"{method}\") in these terms")
    closed = (1 - b1) * sp.Sum(b1**(t - i) * g[i], (i, 1, t))
    d.recurrence(m[t], closed, sp.Eq(m[t], b1 * m[t - 1] + (1 - b1) * g[t]), {m[0]: 0},
                 "unroll from $m_0 = 0$")
    d.assume(sp.Eq(E(g[i]), gbar, evaluate=False),
             "every gradient has the same mean $g$ (e.g. a constant gradient)")

    def expectation(arg: sp.Basic) -> sp.Basic:
        # E is linear and E[g_i] = g: for expressions linear in the g_i this is exact.
        arg = _substitute(arg, d.definitions).doit() if arg.has(sp.Indexed) else arg
        return arg.replace(lambda e: isinstance(e, sp.Indexed) and e.base.label == g.label,
                           lambda e: gbar)

    d.meaning(E, expectation)
    d.equation(E(m[t]), (1 - b1) * sp.Sum(b1**(t - i) * E(g[i]), (i, 1, t)),
               "linearity of expectation")
    d.then((1 - b1) * gbar * sp.Sum(b1**(t - i), (i, 1, t)), "$\\mathbb{E}[g_i] = g$")
    mean = (1 - b1**t) * gbar
    d.then(sp.Mul(1 - b1**t, gbar, evaluate=False), "geometric sum")
    d.equation(E(mhat[t]), gbar, "divide by $1 - \\beta_1^t$: the corrected moment is unbiased")
    d.note("The same argument with $g_i^2$ gives $\\mathbb{E}[v_t] = (1 - \\beta_2^t)\\,"
           "\\mathbb{E}[g^2]$, which $\\hat{v}_t$ corrects the same way.")
    d.result("mean_of_m", mean)
    return d
