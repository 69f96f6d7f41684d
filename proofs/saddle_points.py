"""Saddle points and the second-order conditions for a minimum.

Seed 004 plots the saddle of x² − y²; seed 002 defines a saddle by the Hessian's
mixed-sign eigenvalues, and says "a critical point is a local min only if all
eigenvalues are positive" — positive eigenvalues are sufficient, not necessary.
"""

import sympy as sp

from symopt import Problem
from symopt.catalogue import Outcome, claim, iterate
from symopt.methods import gradient_descent


@claim("004-saddle", seed="004", where="§3 Challenges in Optimization",
       quote="Z = X**2 - Y**2  # saddle at (0,0)", stated="(0, 0) is a saddle point of x² − y²")
def saddle():
    """symopt's stationary points of x² − y² and their kind; GD started next to the saddle
    leaves it along y (factor 1 + 2α) while x shrinks (factor 1 − 2α)."""
    problem = Problem("x**2 - y**2")
    (point,) = problem.stationary_points()
    path = iterate(problem, gradient_descent(), ["1", "1/1000"], 50, alpha="0.1")
    escapes = abs(path[-1][1]) > 1 and abs(path[-1][0]) < sp.Rational(1, 100)
    holds = point.point == {v: 0 for v in problem.variables} and point.kind == "saddle" and escapes
    return Outcome.check(holds, r"(0, 0):\ \text{saddle, eigenvalues } "
                         + sp.latex(list(point.hessian_eigenvalues)),
                         f"GD from (1, 0.001), α = 0.1: after 50 steps "
                         f"({float(path[-1][0]):.2e}, {float(path[-1][1]):.3f}).",
                         {"x": [float(p[0]) for p in path], "y": [float(p[1]) for p in path]})


@claim("002-saddle", seed="002", where="Problem 2 — Saddle Points",
       quote="A saddle point is where ∇J = 0 but it's neither a local min nor max — the Hessian "
       "has both positive and negative eigenvalues", stated="saddle ⇔ ∇J = 0 and eigenvalues of "
       "both signs")
def saddle_definition():
    """The Hessian of x² − y² is diag(2, −2); along y the function decreases, along x it grows."""
    problem = Problem("x**2 - y**2")
    eig = sorted(problem.hessian.eigenvals())
    x, y = problem.variables
    t = sp.Symbol("t", positive=True)
    up = problem.objective.subs({x: t, y: 0}) > 0
    down = problem.objective.subs({x: 0, y: t}) < 0
    holds = eig == [-2, 2] and bool(up) and bool(down)
    return Outcome.check(holds, r"\nabla^2 f = \mathrm{diag}(2, -2)",
                         "f(t, 0) = t² > 0 and f(0, t) = −t² < 0 for every t ≠ 0: neither a "
                         "minimum nor a maximum.")


@claim("002-local-min-iff", seed="002", where="Problem 2 — Saddle Points",
       quote="a critical point is a local min only if all eigenvalues are positive",
       stated="local minimum ⇒ every Hessian eigenvalue > 0", expect=False,
       note="the necessary condition is ≥ 0 (positive semidefinite); all positive is the "
       "sufficient condition")
def local_min_only_if_positive():
    """f = x⁴ + y² has a strict global minimum at 0 (f ≥ 0 = f(0), equality only at 0) but
    Hessian eigenvalues 0 and 2."""
    problem = Problem("x**4 + y**2")
    (point,) = problem.stationary_points()
    eig = sorted(point.hessian_eigenvalues)
    terms = sp.Add.make_args(problem.objective)  # x⁴ and y², each ≥ 0
    nonnegative = all(term.is_nonnegative for term in terms)
    only_zero = all(sp.solveset(term, *term.free_symbols, sp.S.Reals) == sp.FiniteSet(0)
                    for term in terms)
    all_positive = all(e > 0 for e in eig)
    is_minimum = bool(nonnegative) and only_zero
    return Outcome.check(all_positive or not is_minimum,
                         r"x^4 + y^2:\ \text{minimum at } 0,\ \text{eigenvalues } "
                         + sp.latex(eig),
                         f"symopt classifies (0, 0) as '{point.kind}' from the Hessian alone; "
                         "f ≥ 0 with equality only at the origin, so it is a strict minimum.")


@claim("002-gradient-norm-stop", seed="002", where="Gradient Descent — The Algorithm",
       quote="if ‖g‖ < ε: break # gradient near zero → at minimum",
       stated="a (near-)zero gradient means a minimum", expect=False,
       note="∇J = 0 at every stationary point: saddles and maxima too (the text's own "
       "Problem 2); the stopping test is fine, the comment's conclusion is not")
def gradient_norm_stop():
    """x² − y² has ∇f = 0 at the origin, a saddle; −x² has it at a maximum."""
    kinds = {text: [pt.kind for pt in Problem(text).stationary_points()]
             for text in ("x**2 - y**2", "-x**2")}
    only_minima = all(kind == "minimum" for found in kinds.values() for kind in found)
    return Outcome.check(only_minima, r"\nabla f = 0:\ \text{minimum, maximum or saddle}",
                         f"stationary points and their kind: {kinds}.")
