"""Heavy-ball momentum on a quadratic: iteration matrix, characteristic polynomial,
stability region and the optimal (α, β), from the method's rule and symopt.analysis.

>>> from symopt.derivations.momentum import heavy_ball_derivation
>>> d = heavy_ball_derivation("0.5*(w1**2 + 4*w2**2)")
>>> d.results["alpha_star"], d.results["beta_star"], d.results["rate"]
(4/9, 1/9, 1/3)
"""

from __future__ import annotations

import sympy as sp

from symopt.derivation import Derivation, DerivationError
from symopt.derivations.common import (
    LAMBDA,
    K,
    define_objective,
    derive_gradient,
    sequence,
    spectrum_steps,
)
from symopt.methods import get_method
from symopt.printing import latex
from symopt.problem import Problem
from symopt.symbols import symbol

__all__ = ["HEAVY_BALL_CLASS", "ON_QUADRATICS", "heavy_ball_derivation"]

ALPHA, BETA = symbol("alpha"), symbol("beta")
Z = symbol("z")


def heavy_ball_derivation(problem: Problem | str, *, method: str = "heavy_ball") -> Derivation:
    """Polyak's heavy ball (torch form b ← βb + ∇f, x ← x − αb) on a quadratic, checked."""
    from symopt.analysis import (
        analyze,
        linear_recurrence,
        optimal_hyperparameters,
        schur_cohn_conditions,
    )

    problem = Problem(problem) if isinstance(problem, str) else problem
    if problem.quadratic is None:
        raise DerivationError(f"{problem.objective} is not a quadratic; the heavy-ball "
                              "derivation needs one")
    hb = get_method(method)
    rule = hb.rule()
    (buffer,) = [s.symbol for s in hb.state]
    # The hyperparameters' admissible domains (β in [0, 1)) hold throughout.
    admissible = {h.symbol: h.domain for h in hb.hyperparameters
                  if isinstance(h.domain, sp.Interval)}
    name = "Heavy-ball momentum" if hb.name == "heavy ball" else hb.name.capitalize()
    d = Derivation(f"{name} on $f = {latex(problem.objective)}$",
                   intro="The iteration matrix along one eigen-direction, its "
                         "characteristic polynomial, the stability region and the "
                         "optimal step size and momentum, for "
                         + ", ".join(f"${latex(k)} \\in {latex(v)}$"
                                     for k, v in admissible.items()) + ".",
                   domains={LAMBDA: sp.Interval.open(0, 10), **admissible})
    define_objective(d, problem)
    derive_gradient(d, problem)
    eigenvalues = spectrum_steps(d, problem)
    if not all(v.is_positive for v in eigenvalues):
        raise DerivationError(f"the Hessian's eigenvalues {eigenvalues} are not all positive")

    # One eigen-direction: the error z has gradient λz.
    z, b = sequence("z"), sequence(buffer)
    d.note("Along an eigenvector of $H$ with eigenvalue $\\lambda$ the error "
           "$z = x - x^*$ has gradient $\\lambda z$; the method's rule gives")
    now = {rule.x: z[K], rule.g: LAMBDA * z[K], buffer: b[K]}
    d.define(b[K + 1], rule.state_next[buffer].xreplace(now), "momentum buffer")
    d.define(z[K + 1], rule.x_next.xreplace(now), "step along the buffer")
    recurrence = linear_recurrence(hb)
    T = recurrence.matrix
    T_symbol = sp.MatrixSymbol("T", 2, 2)
    d.fact(T_symbol, sp.ImmutableMatrix(T))
    d.equation(sp.Matrix([z[K + 1], b[K + 1]]),
               sp.MatMul(sp.ImmutableMatrix(T), sp.ImmutableMatrix([z[K], b[K]]),
                         evaluate=False),
               "one step is linear in $(z_k, b_k)$: the iteration matrix $T(\\lambda)$")
    char = recurrence.characteristic_polynomial
    poly = char.as_expr().xreplace({char.gen: Z})
    a1, a0 = char.coeff_monomial(char.gen), char.coeff_monomial(1)
    shown = sp.Add(Z**2, sp.Mul(a1, Z, evaluate=False), a0, evaluate=False)
    d.equation(sp.Determinant(Z * sp.Identity(2) - T_symbol), shown,
               "characteristic polynomial of $T$")

    # Stability: both roots in the unit disc (Schur-Cohn / Jury for a quadratic).
    roots = sp.solve(poly, Z)
    if len(roots) != 2:
        raise DerivationError(f"expected two roots of {poly}, got {roots}")
    conditions = list(schur_cohn_conditions(char))
    jury = sp.And(*[sp.Gt(c, 0, evaluate=False) for c in conditions], evaluate=False)
    rho = sp.Function("rho")
    d.meaning(rho, lambda *args: sp.Max(*[sp.Abs(r) for r in roots]))
    d.implies(sp.Lt(rho(T_symbol), 1, evaluate=False), jury,
              "both roots in the unit disc iff the Schur--Cohn (Jury) conditions hold",
              both_ways=True)
    analysis = analyze(problem, hb)
    region = analysis.stability.value
    if region is not None:
        every = sp.And(*[jury.subs(LAMBDA, lam) for lam in dict.fromkeys(eigenvalues)])
        others = region.others if region.others is not sp.true else sp.true
        bounds = sp.And(sp.Lt(region.interval.inf, ALPHA, evaluate=False),
                        sp.Lt(ALPHA, region.interval.sup, evaluate=False), evaluate=False) \
            if region.interval is not None else region.condition
        d.implies(every, sp.And(others, bounds, evaluate=False) if others is not sp.true
                  else bounds,
                  "the conditions at every eigenvalue $"
                  + ", ".join(f"\\lambda = {latex(v)}" for v in dict.fromkeys(eigenvalues))
                  + "$", both_ways=True)
        d.result("region", region.condition)
    _optimum(d, hb, eigenvalues, poly, optimal_hyperparameters, analysis)
    d.note(ON_QUADRATICS + (HEAVY_BALL_CLASS if hb.name.startswith("heavy ball") else ""))
    return d


#: What the derivation's results rest on: quadratics, not a function class.
ON_QUADRATICS = (
    "On quadratics only: the stability region, the optimal $(\\alpha^*, \\beta^*)$ and the "
    "rate hold for quadratics with eigenvalues in $[\\mu, L]$; they are not guarantees for "
    "every $L$-smooth $\\mu$-strongly convex $f$ (a statement about the class needs a "
    "certificate, symopt.guarantees).")
HEAVY_BALL_CLASS = (
    " With these $(\\alpha^*, \\beta^*)$ heavy ball does not converge on some such $f$ "
    "(Lessard, Recht & Packard 2016, Sec. 4.6).")


def _optimum(d: Derivation, method, eigenvalues, poly, optimal_hyperparameters,
             analysis) -> None:
    mu, L = symbol("mu"), symbol("L")
    general = optimal_hyperparameters(method, sp.Interval(mu, L))
    example = analysis.optimal.value
    if general.value is None or example is None:
        d.note("The optimal parameters could not be derived: "
               + (general.reason if general.value is None else analysis.optimal.reason))
        return
    a_star, b_star = symbol("alphastar"), symbol("betastar")
    values = general.value.hyperparameters
    a1, a0 = sp.Poly(poly, Z).coeff_monomial(Z), sp.Poly(poly, Z).coeff_monomial(1)
    double = [sp.simplify((a1**2 - 4 * a0).subs(values).subs(LAMBDA, lam)) for lam in (mu, L)]
    if any(v != 0 for v in double):
        # Not heavy ball's shape of optimum (double roots at both ends): say so in prose.
        d.note("symopt.analysis finds the optimum $" + ", ".join(
            f"{latex(k)}^* = {latex(v)}" for k, v in example.hyperparameters.items())
            + f"$ with rate ${latex(example.rate)}$ by equioscillation; its derivation is "
            "not a double root at both ends of the spectrum and is not reproduced here.")
        return
    d.assume(sp.Le(mu, L), "the extreme eigenvalues $\\mu = \\lambda_{\\min}$, "
             "$L = \\lambda_{\\max}$", restrict=True)
    d.define(a_star, values[ALPHA], "optimal step size (equioscillation)")
    d.define(b_star, values[BETA], "optimal momentum")
    at = {ALPHA: a_star, BETA: b_star}
    for lam, where in ((mu, "\\mu"), (L, "L")):
        disc = sp.Add(a1.subs(at).subs(LAMBDA, lam)**2, -4 * a0.subs(at), evaluate=False)
        d.equation(disc, 0,
                   f"a double root at $\\lambda = {where}$")
    rate = symbol("r")
    d.define(rate, sp.sqrt(b_star), "the double root has modulus $\\sqrt{\\beta^*}$")
    d.then(general.value.rate, "$\\sqrt{\\beta^*}$ with $\\beta^*$ as above")
    kappa = symbol("kappa")
    d.fact(kappa, L / mu)
    d.then(general.value.rate_kappa, "$\\kappa = L/\\mu$")
    low, high = eigenvalues[0], eigenvalues[-1]
    numbers = {mu: low, L: high}
    ex_alpha, ex_beta = values[ALPHA].subs(numbers), values[BETA].subs(numbers)
    where = f"$\\mu = {latex(low)}$, $L = {latex(high)}$"
    d.equation(a_star, sp.simplify(ex_alpha), where, where=numbers)
    d.equation(b_star, sp.simplify(ex_beta), where, where=numbers)
    ex_rate = sp.simplify(general.value.rate.subs(numbers))
    d.equation(rate, ex_rate, where, where=numbers)
    engine = (example.hyperparameters[ALPHA], example.hyperparameters[BETA], example.rate)
    if any(sp.simplify(a - b) != 0 for a, b in zip(engine, (ex_alpha, ex_beta, ex_rate))):
        raise DerivationError(f"the analysis gives (α*, β*, r) = {engine}, the derivation "
                              f"{(ex_alpha, ex_beta, ex_rate)}")
    d.result("alpha_star", sp.simplify(ex_alpha)).result("beta_star", sp.simplify(ex_beta))
    d.result("rate", ex_rate)
