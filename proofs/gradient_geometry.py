"""The gradient's geometry: directional derivative, Cauchy–Schwarz, level curves.

Seed 002's proof that −∇J is the direction of steepest descent, its remarks on
level curves and on updating all parameters simultaneously, and seed 000's
"the gradient shows steepest increase". Identities are proved symbolically for
a general 2-D gradient (a, b) and a unit direction u = (cos φ, sin φ).
"""

import sympy as sp

from symopt import Problem
from symopt.catalogue import Outcome, claim, iterate
from symopt.methods import gradient_descent
from symopt.symbols import symbols

a, b, x, y, h = symbols("a b x y h")
phi = sp.Symbol("phi", real=True)
U = sp.Matrix([sp.cos(phi), sp.sin(phi)])
GRAD = sp.Matrix([a, b])


@claim("002-directional", basis="exact", seed="002", where="The Directional Derivative",
       quote="the directional derivative … where φ is the angle between ∇J and u, and ‖u‖ = 1. "
       "This is the dot product formula", stated="D_u J = ∇J·u = ‖∇J‖ cos φ",
       perturbed={"sign": -1})
def directional(sign=1):
    """For a general differentiable J(x, y) (an undefined function): d/dh J(θ + hu) at h = 0
    is ∇J·u by the chain rule; the limit definition itself is computed for J = x²y + eʸ at
    a symbolic point. The polar form holds for a general gradient (a, b)."""
    u1, u2 = sp.symbols("u1 u2", real=True)
    F = sp.Function("J")
    along = sp.diff(F(x + h * u1, y + h * u2), h).subs(h, 0).doit()
    general = sp.Matrix([F(x, y).diff(x), F(x, y).diff(y)])
    general_ok = sp.simplify(along - sign * (general.T * sp.Matrix([u1, u2]))[0]) == 0
    J = x**2 * y + sp.exp(y)
    limit = sp.limit((J.subs({x: x + h * u1, y: y + h * u2}, simultaneous=True) - J) / h, h, 0)
    grad = Problem(J, variables=[x, y]).gradient
    dot = sign * (grad.T * sp.Matrix([u1, u2]))[0]
    angle = sp.simplify((GRAD.T * U)[0] - GRAD.norm() * sp.cos(phi - sp.atan2(b, a)))
    outcome = Outcome.compare(dot, limit, "lim_{h→0} (J(θ + hu) − J(θ))/h computed by SymPy; "
                              "for unit u at angle φ, ∇J·u = ‖∇J‖cos(φ − angle of ∇J).")
    if outcome.verdict == "true" and not general_ok:
        return Outcome.check(False, along, "for a general J the derivative along u differs")
    if outcome.verdict == "true" and angle != 0:
        # the polar form is checked numerically when SymPy cannot simplify atan2
        samples = [{a: sp.Rational(p), b: sp.Rational(q), phi: sp.Rational(r, 7)}
                   for p, q, r in ((3, 4, 1), (-2, 5, 9), (1, -7, 20))]
        if any(abs(sp.N(angle.subs(s), 30)) > 1e-25 for s in samples):
            return Outcome.check(False, angle, "the polar form differs")
    return outcome


@claim("002-steepest-ascent", basis="exact",
       seed="002 000", where="Proof: The Negative Gradient is Steepest "
       "Descent", quote="∇J(θ) points in the direction of steepest increase of J at θ. "
       "Therefore, −∇J points toward steepest decrease",
       stated="max over ‖u‖ = 1 of ∇J·u is ‖∇J‖, at u = ∇J/‖∇J‖; the minimum is −‖∇J‖ at −∇J",
       perturbed={"direction": -1})
def steepest_ascent(direction=1):
    """In every dimension, for unit u and ∇J ≠ 0: 0 ≤ ‖u ∓ ∇J/‖∇J‖‖² = 2 ∓ 2(∇J·u)/‖∇J‖
    (expanded with ‖u‖ = 1), so −‖∇J‖ ≤ ∇J·u ≤ ‖∇J‖, with equality at u = ±∇J/‖∇J‖. In
    2-D also Lagrange's identity ‖∇J‖² − (∇J·u)² = (a sin φ − b cos φ)² ≥ 0."""
    norm, dot = sp.Symbol("N", positive=True), sp.Symbol("D", real=True)  # ‖∇J‖, ∇J·u
    bounds = [sp.solveset(1 - 2 * s * dot / norm + 1 >= 0, dot, sp.S.Reals) for s in (1, -1)]
    # at u = s∇J/‖∇J‖, ∇J·u = s‖∇J‖: the upper bound ‖∇J‖ is attained when s = 1
    general = (bounds == [sp.Interval(-sp.oo, norm), sp.Interval(-norm, sp.oo)]
               and sp.simplify(direction * norm - norm) == 0)
    d = (GRAD.T * U)[0]
    gap = sp.simplify(a**2 + b**2 - d**2 - (a * sp.sin(phi) - b * sp.cos(phi)) ** 2)
    at_gradient = sp.simplify(d.subs({sp.cos(phi): direction * a / GRAD.norm(),
                                      sp.sin(phi): direction * b / GRAD.norm()}))
    holds = general and gap == 0 and sp.simplify(at_gradient - GRAD.norm()) == 0
    return Outcome.check(holds, r"|\nabla J\cdot u| \le \|\nabla J\|,\ "
                         r"\text{equality iff } u = \pm\nabla J/\|\nabla J\|",
                         "(a² + b²) − (a cos φ + b sin φ)² = (a sin φ − b cos φ)² ≥ 0, so "
                         "−‖∇J‖ ≤ D_u J ≤ ‖∇J‖; at u = ∇J/‖∇J‖, D_u J = ‖∇J‖.")


@claim("002-unique-steepest", basis="exact",
       seed="002", where="Proof: The Negative Gradient is Steepest Descent",
       quote="The negative gradient −∇J(θ) is the unique direction of locally steepest descent",
       stated="D_u J = −‖∇J‖ only for u = −∇J/‖∇J‖ (∇J ≠ 0)", perturbed={"sign": 1})
def unique_steepest(sign=-1):
    """In every dimension: for unit u and ∇J ≠ 0, ‖u − s·∇J/‖∇J‖‖² = 2 − 2s(∇J·u)/‖∇J‖
    (s = ±1, expanded with ‖u‖ = 1), which is 0 — so u is that direction — exactly when
    ∇J·u = −‖∇J‖ and s = −1. Illustrated for ∇J = (3, −4): one angle attains −5."""
    norm, dot = sp.Symbol("N", positive=True), sp.Symbol("D", real=True)  # ‖∇J‖, ∇J·u
    distance = 1 - 2 * sign * dot / norm + sign**2  # ‖u‖² − 2s u·∇J/‖∇J‖ + s²
    general = sp.simplify(distance.subs(dot, -norm)) == 0
    grad = sp.Matrix([3, -4])  # a concrete nonzero gradient; the identity above is general
    d = (grad.T * U)[0]
    minima = sp.solveset(sp.Eq(d, -grad.norm()), phi, sp.Interval.Ropen(0, 2 * sp.pi))
    expected = sp.atan2(sign * grad[1], sign * grad[0])  # the angle of sign·∇J
    holds = (general and isinstance(minima, sp.FiniteSet) and len(minima) == 1
             and sp.simplify(sp.cos(next(iter(minima))) - sp.cos(expected)) == 0)
    derived = r"\{\varphi : \nabla J\cdot u = -\|\nabla J\|\} = " + sp.latex(minima)
    return Outcome.check(holds, derived,
                         "every dimension: ‖u + ∇J/‖∇J‖‖² = 2 + 2(∇J·u)/‖∇J‖ = 0 when "
                         "∇J·u = −‖∇J‖. For ∇J = (3, −4): the only unit direction attaining "
                         "−5 is (−3/5, 4/5) = −∇J/‖∇J‖.")


@claim("002-level-curves", basis="exact",
       seed="002", where="What the Gradient Tells You — Geometrically",
       quote="The gradient is always perpendicular (orthogonal) to the level curves (contours)",
       stated="∇f · (tangent of a level curve) = 0", perturbed={"relation": "parallel"})
def level_curves(relation="perpendicular"):
    """For a general smooth f(x, y) the tangent (−f_y, f_x) of {f = c} is ⟂ ∇f; and along the
    parametrised level curve (2 cos s, sin s) of x² + 4y² = 4 the velocity is ⟂ ∇f."""
    f = sp.Function("f")(x, y)
    grad = sp.Matrix([f.diff(x), f.diff(y)])
    tangent = sp.Matrix([-f.diff(y), f.diff(x)])

    def meet(p, q):  # 0 when the vectors are perpendicular (dot) or parallel (cross)
        if relation == "perpendicular":
            return p[0] * q[0] + p[1] * q[1]
        return p[0] * q[1] - p[1] * q[0]

    general = sp.simplify(meet(grad, tangent))
    s = sp.Symbol("s", real=True)
    curve = {x: 2 * sp.cos(s), y: sp.sin(s)}
    bowl = Problem("x**2 + 4*y**2")
    on_curve = sp.simplify((bowl.objective.subs(curve)) - 4)
    velocity = sp.Matrix([sp.diff(curve[x], s), sp.diff(curve[y], s)])
    product = sp.simplify(meet(bowl.gradient.subs(curve), velocity))
    return Outcome.check(general == 0 and on_curve == 0 and product == 0, sp.Integer(0),
                         "∇f·(−f_y, f_x) = 0 identically; on x² + 4y² = 4, "
                         "∇f(γ(s))·γ'(s) = 0 for every s.")


@claim("002-simultaneous", basis="instance", seed="002", where="The Core Update Rule",
       quote="If you update θ₁ first and use the new θ₁ to compute the gradient for θ₂, you're "
       "doing something different — a form of coordinate descent",
       stated="sequential updates differ from the simultaneous GD step",
       perturbed={"differs": False})
def simultaneous(differs=True):
    """On x² + xy + y² from (1, 1) with α = 0.1: GD gives (0.7, 0.7), the sequential
    (Gauss–Seidel) sweep of the same rule gives (0.7, 0.73)."""
    problem = Problem("x**2 + x*y + y**2")
    gd = iterate(problem, gradient_descent(), [1, 1], 1, alpha="0.1")[1]
    rule = gradient_descent().rule(alpha="0.1")
    xs, gs = symbols("x g")
    point = dict(zip(problem.variables, [sp.Integer(1), sp.Integer(1)]))
    for i, v in enumerate(problem.variables):  # the same rule, one coordinate at a time
        grad_i = problem.gradient[i].subs(point)
        point[v] = rule.x_next.subs({xs: point[v], gs: grad_i})
    sweep = [point[v] for v in problem.variables]
    holds = (gd == [sp.Rational(7, 10)] * 2
             and sweep == [sp.Rational(7, 10), sp.Rational(73, 100)] and (gd != sweep) == differs)
    return Outcome.check(holds, r"\text{GD: } (0.7, 0.7),\ \text{sequential: } (0.7, 0.73)",
                         f"simultaneous {gd} vs sequential {sweep}.")


@claim("002-vanishing", basis="exact",
       seed="002", where="Problem 4 — Plateaus and Vanishing Gradients",
       quote="when gradients are multiplied through many layers via the chain rule, they can "
       "become exponentially small", stated="the derivative of n stacked sigmoids is ≤ 4⁻ⁿ",
       perturbed={"base": 5})
def vanishing(base=4):
    """σ'(z) = σ(z)(1 − σ(z)) ≤ 1/4 (maximum at z = 0) and (σ∘h)' = σ'(h)·h' for any inner
    h (both symbolic), so by induction the derivative of σ∘…∘σ (n times) is at most 4⁻ⁿ for
    every n; at x = 0 for n = 1…8 it is checked exactly."""
    z = symbols("z")[0]
    sigma = 1 / (1 + sp.exp(-z))
    slope = sp.simplify(sp.diff(sigma, z))
    peak = sp.maximum(slope, z, sp.S.Reals)
    inner = sp.Function("h")(z)  # the chain rule for any inner layer h: (σ∘h)' = σ'(h)·h'
    chain = sp.simplify((sp.diff(sigma.subs(z, inner), z)
                         - slope.subs(z, inner) * inner.diff(z)).rewrite(sp.exp))
    values = []
    for n in range(1, 9):
        stacked = z
        for _ in range(n):
            stacked = sigma.subs(z, stacked)
        values.append(sp.N(sp.diff(stacked, z).subs(z, 0), 30))
    bounded = all(v <= sp.Rational(1, base) ** n for n, v in enumerate(values, start=1))
    return Outcome.check(peak <= sp.Rational(1, base) and bounded and chain == 0,
                         r"\max_z \sigma'(z) = \tfrac14,\ (\sigma^{\circ n})'(0) \le 4^{-n}",
                         f"derivatives at 0 for n = 1…8: {[f'{float(v):.2e}' for v in values]}.",
                         {"log10 derivative": [float(sp.log(v, 10)) for v in values]})
