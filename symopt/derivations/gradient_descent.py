"""Gradient descent on a quadratic: recurrence, closed form, stability, α*, rate.

The update comes from the method's own rule (``get_method("gd")``), the values
from :func:`symopt.analysis.analyze`; each step is then checked by the
derivation (and the derived α* and rate must agree with the analysis).

>>> from symopt.derivations.gradient_descent import gd_derivation
>>> d = gd_derivation("2*w**2")
>>> d.results["alpha_star"], d.results["rate"], d.results["interval"]
(1/4, 0, Interval.open(0, 1/2))
"""

from __future__ import annotations

import sympy as sp

from symopt.derivation import Derivation, DerivationError
from symopt.derivations.common import (
    LAMBDA,
    K,
    define_objective,
    derive_gradient,
    iterate,
    sequence,
    spectrum_steps,
)
from symopt.methods import get_method
from symopt.problem import Problem
from symopt.symbols import symbol

__all__ = ["ON_QUADRATICS", "gd_derivation"]

ALPHA = symbol("alpha")


def gd_derivation(problem: Problem | str, *, method: str = "gd") -> Derivation:
    """Gradient descent on the quadratic ``problem``, as a checked derivation.

    Raises :class:`~symopt.derivation.DerivationError` when the objective is
    not a quadratic with a positive definite Hessian.
    """
    from symopt.analysis import analyze

    problem = Problem(problem) if isinstance(problem, str) else problem
    if problem.quadratic is None:
        raise DerivationError(f"{problem.objective} is not a quadratic; the gradient-descent "
                              "derivation needs one")
    analysis = analyze(problem, method)
    gd = get_method(method)
    rule = gd.rule()
    d = Derivation(f"Gradient descent on $f = {_tex(problem.objective)}$",
                   intro="The update, its closed form, the step sizes for which it "
                         "converges, the optimal step size and the rate.")
    define_objective(d, problem)
    gradient = derive_gradient(d, problem)
    eigenvalues = spectrum_steps(d, problem)
    if not all(v.is_positive for v in eigenvalues):
        raise DerivationError(f"the Hessian's eigenvalues {eigenvalues} are not all positive")
    star = analysis.minimiser.value if analysis.minimiser.known else None
    if star is None:
        raise DerivationError(f"no unique minimiser: {analysis.minimiser.reason}")
    H = problem.hessian
    diagonal = H.is_diagonal()

    # The update, per coordinate, from the method's rule x' = x - alpha g.
    if diagonal:
        for i, v in enumerate(problem.variables):
            now, nxt = iterate(v, K), iterate(v, K + 1)
            at_k = {u: iterate(u, K) for u in problem.variables}
            g = gradient[i].xreplace(at_k)
            d.define(nxt, rule.x_next.xreplace({rule.x: now, rule.g: g}),
                     "gradient-descent update $x_{k+1} = x_k - \\alpha \\nabla f(x_k)$"
                     if i == 0 else "the same update in this coordinate")
            lam = H[i, i]
            d.equation(nxt - star[v], sp.Mul(1 - ALPHA * lam, now - star[v], evaluate=False),
                       "collect terms")
        factors = [1 - ALPHA * H[i, i] for i in range(H.rows)]
        for i, v in enumerate(problem.variables):
            now = iterate(v, K)
            closed = star[v] + (1 - ALPHA * H[i, i])**K * (iterate(v, 0) - star[v])
            d.recurrence(now, closed, sp.Eq(iterate(v, K + 1) - star[v],
                                            (1 - ALPHA * H[i, i]) * (now - star[v])),
                         {iterate(v, 0): iterate(v, 0)}, "unroll the recurrence")
    else:
        z = sequence("z")
        d.note("In the eigenbasis of $H$ (eigen-decomposition $H = Q \\Lambda Q^\\top$) the "
               "error $z = Q^\\top (w - w^*)$ evolves one eigen-direction at a time; along "
               "an eigenvector with eigenvalue $\\lambda$ the gradient is $\\lambda z$.")
        d.define(z[K + 1], rule.x_next.xreplace({rule.x: z[K], rule.g: LAMBDA * z[K]}),
                 "gradient-descent update with $\\nabla f = \\lambda z$")
        d.equation(z[K + 1], sp.Mul(1 - ALPHA * LAMBDA, z[K], evaluate=False), "collect terms")
        d.recurrence(z[K], (1 - ALPHA * LAMBDA)**K * z[0],
                     sp.Eq(z[K + 1], (1 - ALPHA * LAMBDA) * z[K]), {z[0]: z[0]},
                     "unroll the recurrence")
        factors = [1 - ALPHA * lam for lam in eigenvalues]
    # The closed form from the analysis must be the one just derived.
    engine = analysis.closed_form.value
    if engine is not None:
        x0 = symbol("x_0")
        for lam in set(eigenvalues):
            expected = (1 - ALPHA * lam)**K * x0
            if sp.simplify(engine.subs(LAMBDA, lam) - expected) != 0:
                raise DerivationError(f"the analysis gives the closed form {engine}, "
                                      f"the derivation {expected}")
    _stability(d, analysis, factors)
    _optimum(d, analysis, eigenvalues)
    d.note(ON_QUADRATICS)
    return d


#: What the derivation's results rest on: this quadratic, not a function class.
ON_QUADRATICS = (
    "On quadratics: the factors, the interval of step sizes, $\\alpha^*$ and the rate above "
    "are exact for quadratics only. For every $L$-smooth $\\mu$-strongly convex $f$ "
    "($\\mu = \\lambda_{\\min}$, $L = \\lambda_{\\max}$) the contraction "
    "$\\|x_{k+1} - x^*\\| \\le \\max(|1 - \\alpha\\mu|, |1 - \\alpha L|)\\,"
    "\\|x_k - x^*\\|$ for $0 < \\alpha < 2/L$ is a separate statement, proved by a "
    "certificate (the distance statement of symopt.guarantees.lyapunov).")


def _stability(d: Derivation, analysis, factors: list[sp.Expr]) -> None:
    distinct = list(dict.fromkeys(factors))
    premise = sp.And(*[sp.Lt(abs(f), 1) for f in distinct]) if len(distinct) > 1 else \
        sp.Lt(abs(distinct[0]), 1)
    region = analysis.stability.value
    if region is None or region.interval is None:
        d.note("The stability region could not be derived: " + analysis.stability.reason)
        return
    interval = region.interval
    conclusion = sp.And(sp.Lt(interval.inf, ALPHA, evaluate=False),
                        sp.Lt(ALPHA, interval.sup, evaluate=False), evaluate=False)
    d.implies(premise, conclusion, "converges from every start iff every factor "
              "$|1 - \\alpha\\lambda| < 1$", both_ways=True)
    d.result("interval", interval)


def _optimum(d: Derivation, analysis, eigenvalues: list[sp.Expr]) -> None:
    optimum = analysis.optimal.value
    if optimum is None:
        d.note("The optimal step size could not be derived: " + analysis.optimal.reason)
        return
    engine_alpha = optimum.hyperparameters[ALPHA]
    low, high = eigenvalues[0], eigenvalues[-1]
    r = sp.Function("r")(ALPHA)
    alpha_star = symbol("alphastar")
    example = sp.Max(*[abs(1 - ALPHA * lam) for lam in dict.fromkeys(eigenvalues)])
    if low == high:
        d.define(r, abs(1 - ALPHA * low), "the rate: the contraction factor")
        d.solve(sp.Eq(1 - alpha_star * low, 0), alpha_star, 1 / low,
                "the factor vanishes: one step reaches $w^*$")
        value, rate = 1 / low, sp.S.Zero
        d.fact(alpha_star, value)
    else:
        lmin, lmax = symbol("lambda_min"), symbol("lambda_max")
        d.assume(sp.Le(lmin, lmax), "the smallest and the largest eigenvalue", restrict=True)
        d.define(r, sp.Max(abs(1 - ALPHA * lmin), abs(1 - ALPHA * lmax)),
                 "the rate: $|1 - \\alpha\\lambda|$ is largest at an end of the spectrum")
        equal = sp.Eq(1 - alpha_star * lmin, -(1 - alpha_star * lmax))
        d.assume(equal, "equalise the two factors (opposite signs)")
        general = 2 / (lmin + lmax)
        d.solve(equal, alpha_star, general, "solve for $\\alpha^*$")
        value = general.subs({lmin: low, lmax: high})
        d.substitute({lmin: low, lmax: high}, value,
                     f"$\\lambda_{{\\min}} = {_tex(low)}$, $\\lambda_{{\\max}} = {_tex(high)}$")
        d.fact(alpha_star, general)
        rate_general = (lmax - lmin) / (lmax + lmin)
        d.equation(sp.Function("r")(alpha_star), 1 - general * lmin,
                   "both factors have modulus $1 - \\alpha^*\\lambda_{\\min}$")
        d.then(rate_general, "simplify")
        rate = rate_general.subs({lmin: low, lmax: high})
        d.substitute({lmin: low, lmax: high}, rate, "the example's eigenvalues")
        kappa = symbol("kappa")
        d.define(kappa, lmax / lmin, "the condition number")
        d.equation(sp.Function("r")(alpha_star), (kappa - 1) / (kappa + 1),
                   "divide through by $\\lambda_{\\min}$")
    if sp.simplify(value - engine_alpha) != 0 or sp.simplify(rate - optimum.rate) != 0:
        raise DerivationError(f"the analysis gives alpha* = {engine_alpha}, rate "
                              f"{optimum.rate}; the derivation {value}, {rate}")
    def factor(lam: sp.Expr) -> sp.Expr:
        product = (-value if lam == 1 else
                   sp.Mul(-1, *((lam, value) if lam.is_Integer else (value, lam)),
                          evaluate=False))
        return sp.Abs(sp.Add(1, product, evaluate=False), evaluate=False)

    shown = [factor(lam) for lam in dict.fromkeys(eigenvalues)]
    check = sp.Max(*shown, evaluate=False) if len(shown) > 1 else shown[0]
    d.equation(check, rate, "check: every factor at $\\alpha^*$")
    d.inequality(sp.Ge(example, rate, evaluate=False),
                 "no step size does better: $r(\\alpha) \\ge r(\\alpha^*)$ for every "
                 "$\\alpha > 0$")
    d.result("alpha_star", value).result("rate", rate)


def _tex(expr: sp.Basic) -> str:
    from symopt.printing import latex

    return latex(expr)
