"""Saddle points and the second-order conditions for a minimum.

Seed 004 plots the saddle of x² − y²; seed 002 defines a saddle by the Hessian's
mixed-sign eigenvalues — right only at a nondegenerate critical point (x² + y³ has
a saddle with eigenvalues 2 and 0) — and says "a critical point is a local min only if all
eigenvalues are positive" — positive eigenvalues are sufficient, not necessary. GD's
escape from x² − y² takes ⌈ln(1/δ)/ln(1 + 2α)⌉ steps from (1, δ); heavy ball's is shorter
only off the stable manifold y = 0.
"""

import itertools
import math

import sympy as sp

from symopt import Problem
from symopt.analysis import LAMBDA, linear_recurrence
from symopt.catalogue import Outcome, claim, iterate
from symopt.methods import gradient_descent, heavy_ball
from symopt.symbols import symbol


@claim("004-saddle", basis="instance", seed="004", where="§3 Challenges in Optimization",
       quote="Z = X**2 - Y**2  # saddle at (0,0)", stated="(0, 0) is a saddle point of x² − y²",
       perturbed={"kind": "minimum"})
def saddle(kind="saddle"):
    """symopt's stationary points of x² − y² and their kind; GD started next to the saddle
    leaves it along y (factor 1 + 2α) while x shrinks (factor 1 − 2α)."""
    problem = Problem("x**2 - y**2")
    (point,) = problem.stationary_points()
    path = iterate(problem, gradient_descent(), ["1", "1/1000"], 50, alpha="0.1")
    escapes = abs(path[-1][1]) > 1 and abs(path[-1][0]) < sp.Rational(1, 100)
    holds = (point.point == {v: 0 for v in problem.variables} and point.kind == kind
             and escapes == (kind == "saddle"))
    return Outcome.check(holds, r"(0, 0):\ \text{saddle, eigenvalues } "
                         + sp.latex(list(point.hessian_eigenvalues)),
                         f"GD from (1, 0.001), α = 0.1: after 50 steps "
                         f"({float(path[-1][0]):.2e}, {float(path[-1][1]):.3f}).",
                         {"x": [float(p[0]) for p in path], "y": [float(p[1]) for p in path]})


_SIGN_PATTERNS = {
    "mixed": lambda eig: min(eig) < 0 < max(eig),
    "positive": lambda eig: min(eig) > 0,
}


def _signs_near(problem, point, directions):
    """The signs f(p + t·v) − f(p) takes for small t ≠ 0 along each direction v, from the
    leading term c·tᵏ of its series in t (odd k: both signs on that line)."""
    t = sp.Symbol("t", real=True)
    base = problem.objective.subs(point)
    signs = set()
    for v in directions:
        shifted = {x: point[x] + t * c for x, c in zip(problem.variables, v)}
        change = sp.expand(problem.objective.subs(shifted) - base)
        if change == 0:
            continue
        term = sp.Poly(change, t).terms()[-1]  # lowest power of t
        (power,), coefficient = term
        signs |= {1, -1} if power % 2 else {sp.sign(coefficient)}
    return signs


@claim("002-saddle", basis="counterexample", seed="002", where="Problem 2 — Saddle Points",
       quote="A saddle point is where ∇J = 0 but it's neither a local min nor max — the Hessian "
       "has both positive and negative eigenvalues", stated="saddle ⇔ ∇J = 0 and eigenvalues of "
       "both signs", expect="conditional",
       note="'eigenvalues of both signs ⇒ saddle' always holds at a critical point; 'saddle ⇒ "
       "eigenvalues of both signs' needs a nonsingular Hessian: x² + y³ has a saddle at 0 with "
       "eigenvalues 2 and 0", perturbed={"pattern": "positive"})
def saddle_definition(pattern="mixed"):
    """At a critical point with a nonsingular Hessian the quadratic term decides (the
    second-order conditions): definite ⇒ strict minimum or maximum, eigenvalues of both
    signs ⇒ f rises along one eigenvector and falls along another. Checked on nondegenerate
    critical points (f's signs near the point along the axes and the eigenvectors, from the
    leading term of f(p + tv) − f(p), against the eigenvalues' signs), and outside the
    condition on x² + y³, whose origin is a saddle (f(0, t) = t³) with eigenvalues 2 and 0."""
    says_saddle = _SIGN_PATTERNS[pattern]
    agree = []
    for text in ("x**2 - y**2", "x**2 + x*y - 2*y**2", "x**2 + y**2 + x**3", "-x**2 - 3*y**2",
                 "x**2 - y**2 + x*y**3"):
        problem = Problem(text)
        for point in problem.stationary_points():
            eig = list(point.hessian_eigenvalues)
            if 0 in eig or not all(e.is_real for e in eig):
                continue
            hessian = problem.hessian.subs(point.point)
            vectors = [[int(i == j) for j in range(2)] for i in range(2)]
            vectors += [list(v) for _, _, vs in hessian.eigenvects() for v in vs]
            saddle = _signs_near(problem, point.point, vectors) == {1, -1}
            agree.append((text, saddle == says_saddle(eig)))
    holds_under = all(ok for _, ok in agree) if agree else None
    outside = Problem("x**2 + y**3")
    (origin,) = outside.stationary_points()
    eig = list(origin.hessian_eigenvalues)
    saddle_outside = _signs_near(outside, origin.point, [[1, 0], [0, 1]]) == {1, -1}
    fails_outside = saddle_outside and not says_saddle(eig)
    return Outcome.conditional(
        holds_under, fails_outside,
        r"\det \nabla^2 J(\theta^*) \ne 0\ \text{(a nondegenerate critical point)}",
        r"x^2 + y^3 \text{ at } (0, 0):\ \text{saddle } (f(0, t) = t^3),\ "
        r"\text{eigenvalues } " + sp.latex(sorted(eig)),
        r"\nabla^2 f = \mathrm{diag}(2, -2) \text{ for } x^2 - y^2",
        f"Nondegenerate critical points checked (saddle by f's signs near the point = "
        f"eigenvalues of both signs): {agree}. x² + y³: symopt classes the origin "
        f"'{origin.kind}' (eigenvalues {eig}); f(0, t) = t³ takes both signs, so it is a "
        f"saddle without a negative eigenvalue. Rests on the second-order conditions "
        f"(a theorem) for the nondegenerate case, checked on these instances.")


@claim("002-local-min-iff", basis="counterexample", seed="002", where="Problem 2 — Saddle Points",
       quote="a critical point is a local min only if all eigenvalues are positive",
       stated="local minimum ⇒ every Hessian eigenvalue > 0", expect=False,
       note="the necessary condition is ≥ 0 (positive semidefinite); all positive is the "
       "sufficient condition", perturbed={"strict": False})
def local_min_only_if_positive(strict=True):
    """f = x⁴ + y² has a strict global minimum at 0 (f ≥ 0 = f(0), equality only at 0) but
    Hessian eigenvalues 0 and 2: a counterexample to "every eigenvalue > 0". (With
    ``strict=False`` — every eigenvalue ≥ 0, the true necessary condition — the example
    refutes nothing and the verdict is unknown: an example proves no universal claim.)"""
    problem = Problem("x**4 + y**2")
    (point,) = problem.stationary_points()
    eig = sorted(point.hessian_eigenvalues)
    terms = sp.Add.make_args(problem.objective)  # x⁴ and y², each ≥ 0
    nonnegative = all(term.is_nonnegative for term in terms)
    only_zero = all(sp.solveset(term, *term.free_symbols, sp.S.Reals) == sp.FiniteSet(0)
                    for term in terms)
    satisfied = all((e > 0) if strict else (e >= 0) for e in eig)
    is_minimum = bool(nonnegative) and only_zero
    return Outcome.check(None if satisfied or not is_minimum else False,
                         r"x^4 + y^2:\ \text{minimum at } 0,\ \text{eigenvalues } "
                         + sp.latex(eig),
                         f"symopt classifies (0, 0) as '{point.kind}' from the Hessian alone; "
                         "f ≥ 0 with equality only at the origin, so it is a strict minimum.")


@claim("002-gradient-norm-stop", basis="counterexample",
       seed="002", where="Gradient Descent — The Algorithm",
       quote="if ‖g‖ < ε: break # gradient near zero → at minimum",
       stated="a (near-)zero gradient means a minimum", expect=False,
       note="∇J = 0 at every stationary point: saddles and maxima too (the text's own "
       "Problem 2); the stopping test is fine, the comment's conclusion is not",
       perturbed={"conclusion": ("minimum", "maximum", "saddle")})
def gradient_norm_stop(conclusion=("minimum",)):
    """x² − y² has ∇f = 0 at the origin, a saddle; −x² has it at a maximum. (A conclusion
    these examples do not refute — "a minimum, a maximum or a saddle" — is left unknown.)"""
    kinds = {text: [pt.kind for pt in Problem(text).stationary_points()]
             for text in ("x**2 - y**2", "-x**2")}
    refuted = any(kind not in conclusion for found in kinds.values() for kind in found)
    return Outcome.check(False if refuted else None,
                         r"\nabla f = 0:\ \text{minimum, maximum or saddle}",
                         f"stationary points and their kind: {kinds}.")


@claim("002-saddle-frequency", basis="numeric", seed="002", where="Problem 2 — Saddle Points",
       quote="a critical point is a local min only if all eigenvalues are positive — "
       "exponentially unlikely in high dimensions",
       stated="for a GOE random symmetric matrix of dimension n = 1…4 (Monte Carlo), "
       "P(all eigenvalues > 0) falls at least geometrically with n",
       note="a statement about a random-matrix model (here the Gaussian orthogonal ensemble), "
       "not about a given network's Hessians; the decay is in fact faster, ≈ exp(−(ln 3/4)n²) "
       "(Dean & Majumdar, 2006). Numeric evidence (Monte Carlo), not a proof",
       perturbed={"event": "some eigenvalue > 0"})
def saddle_frequency(event="every eigenvalue > 0"):
    """100 000 GOE matrices (H = (A + Aᵀ)/2, A with standard normal entries; seeded) per
    dimension n = 1…4: the fraction with every eigenvalue positive, and its ratio from one
    dimension to the next — at most the first ratio (< 1) means at least geometric decay."""
    import numpy as np

    rng = np.random.default_rng(1847)
    fractions = []
    for n in range(1, 5):
        a = rng.standard_normal((100_000, n, n))
        eigenvalues = np.linalg.eigvalsh((a + np.swapaxes(a, 1, 2)) / 2)
        hit = (eigenvalues.min(axis=1) > 0 if event == "every eigenvalue > 0"
               else eigenvalues.max(axis=1) > 0)
        fractions.append(float(hit.mean()))
    ratios = [b / a for a, b in itertools.pairwise(fractions)] if all(fractions) else [0.0]
    geometric = ratios[0] < 1 and all(r <= ratios[0] + 0.02 for r in ratios)
    return Outcome.check(geometric, r"P_n(\lambda_{\min} > 0):\ "
                         + ", ".join(f"{p:.4f}" for p in fractions) + r"\ (n = 1, \dots, 4)",
                         f"fractions {[round(p, 5) for p in fractions]} ({event}); ratios "
                         f"{[round(r, 3) for r in ratios]}.",
                         {"P(n)": fractions})


SADDLE = Problem("x**2 - y**2")


def _steps_to_leave(path):
    """The first step k with |y_k| ≥ 1 (None if the run never gets there)."""
    return next((k for k, (_, y) in enumerate(path) if abs(y) >= 1), None)


@claim("002-saddle-slow", basis="exact", seed="002", where="Problem 2 — Saddle Points",
       quote="Gradient descent slows to a crawl near saddle points because the gradient is near "
       "zero in all directions — even though you're not at a minimum",
       stated="on x² − y², GD from (1, δ) needs ⌈ln(1/δ)/ln(1 + 2α)⌉ steps to reach |y| ≥ 1: "
       "unboundedly many as δ → 0",
       note="the iterate is drawn to the saddle along x (factor 1 − 2α) and leaves along y "
       "only by the factor 1 + 2α per step, from |y| = δ; near the saddle ∇f = 2(x, −y) is "
       "small in both directions",
       perturbed={"stated_limit": sp.Integer(38)})
def saddle_slow(stated_limit=sp.oo):
    """GD's rule on x² − y² multiplies y by 1 + 2α and x by 1 − 2α (checked for five symbolic
    steps from (1, δ)), so yₖ = (1 + 2α)ᵏδ reaches 1 after N(δ) = ⌈ln(1/δ)/ln(1 + 2α)⌉ steps,
    which tends to ∞ as δ → 0+. Exact runs at α = 1/10 take N = ⌈ln 10³/ln 1.2⌉ = 38 steps
    for δ = 10⁻³ and ⌈ln 10⁶/ln 1.2⌉ = 76 for δ = 10⁻⁶. (``stated_limit``: the claimed
    lim_{δ→0} N(δ); a finite number says GD leaves in a bounded number of steps.)"""
    alpha, delta = symbol("alpha"), sp.Symbol("delta", positive=True)
    path = iterate(SADDLE, gradient_descent(), [1, delta], 5)
    closed = all(sp.expand(y - (1 + 2 * alpha) ** k * delta) == 0
                 and sp.expand(x - (1 - 2 * alpha) ** k) == 0
                 for k, (x, y) in enumerate(path))
    steps = sp.ceiling(sp.log(1 / delta) / sp.log(1 + 2 * alpha))
    limit = sp.limit(sp.log(1 / delta) / sp.log(1 + 2 * alpha), delta, 0, "+")
    counts = {}
    for exponent in (3, 6):
        start = sp.Rational(1, 10**exponent)
        run = iterate(SADDLE, gradient_descent(), [1, start], 80, alpha="1/10")
        counts[start] = (_steps_to_leave(run),
                         steps.subs({delta: start, alpha: sp.Rational(1, 10)}))
    runs_agree = all(found == formula for found, formula in counts.values())
    if not (closed and runs_agree):
        return Outcome.unknown(f"the closed form ({closed}) or the runs ({counts}) disagree")
    gradient = [2 * math.hypot(float(x), float(y)) for x, y in run]
    return Outcome.check(
        limit == stated_limit,
        r"N(\delta) = \left\lceil \frac{\ln(1/\delta)}{\ln(1 + 2\alpha)} \right\rceil "
        r"\to " + sp.latex(limit) + r"\ (\delta \to 0)",
        f"GD's iterates from (1, δ): xₖ = (1 − 2α)ᵏ, yₖ = (1 + 2α)ᵏδ (k ≤ 5); lim N(δ) = "
        f"{limit}. α = 1/10, steps to |y| ≥ 1 (run, formula): "
        + ", ".join(f"δ = {d}: {c}" for d, c in counts.items())
        + f". ‖∇f‖ along the δ = 10⁻⁶ run falls to {min(gradient):.2e}.",
        {"‖∇f‖ (δ = 1e-6)": gradient})


@claim("002-saddle-momentum-escape", basis="counterexample",
       seed="002", where="Problem 2 — Saddle Points",
       quote="Saddle points are the primary obstacle in deep learning optimization. Momentum "
       "(§08) and noise from mini-batching help escape them",
       stated="heavy ball (the text's §08 form) leaves the saddle of x² − y² in fewer steps "
       "than GD with the same α", expect="conditional",
       note="off the stable manifold (δ ≠ 0) |y| grows by the larger root of "
       "z² − (1 + β + 2α)z + β, which exceeds GD's 1 + 2α (at z = 1 + 2α the polynomial is "
       "−2αβ < 0): at α = 0.1, β = 0.9 the roots are 3/2 and 3/5 against 6/5. On it (y = 0) "
       "neither method ever leaves — heavy ball converges to the saddle — and only noise "
       "does. Of seed 004's EMA form at the same α it is false: the root of "
       "z² − 1.92z + 0.9, ≈ 1.107, is below 1.2",
       perturbed={"faster": "gd"})
def saddle_momentum_escape(faster="momentum"):
    """Along y (eigenvalue −2 of x² − y²) symopt's iteration matrix of heavy ball has the
    characteristic polynomial z² − (1 + β + 2α)z + β, GD's z − (1 + 2α). Its value at
    1 + 2α is −2αβ < 0 for α, β > 0, so its larger root exceeds 1 + 2α: |y| grows faster.
    Nor is it ever behind: from y₀ = δ > 0, y never decreases, so
    y_{k+1} = (1 + 2α)y_k + β(y_k − y_{k−1}) ≥ (1 + 2α)y_k, GD's factor.
    From (1, 10⁻⁶) at α = 1/10, β = 9/10: GD's yₖ = 1.2ᵏ·10⁻⁶ needs 76 steps to reach 1,
    heavy ball's yₖ = (2·1.5ᵏ + 0.6ᵏ)·10⁻⁶/3 needs 36. Outside the condition, from (1, 0):
    y stays exactly 0 under both rules, and heavy ball's x → 0 (roots of
    z² − 1.7z + 0.9, modulus √0.9): it converges to the saddle. (``faster``: the method
    claimed to leave first.)"""
    alpha, beta = symbol("alpha"), symbol("beta")
    positive_beta = sp.Symbol("beta_pos", positive=True)
    (lam,) = [e for e in SADDLE.hessian.eigenvals() if e < 0]  # the y direction: −2
    poly = {name: linear_recurrence(method).characteristic_polynomial  # symbolic λ, then −2
            for name, method in (("momentum", heavy_ball()), ("gd", gradient_descent()))}
    poly = {name: sp.Poly(p.as_expr().subs(LAMBDA, lam), p.gen) for name, p in poly.items()}
    gd_root = sp.solve(poly["gd"].as_expr(), poly["gd"].gen)[0]
    # heavy ball's polynomial is negative at GD's growth factor: its larger root lies beyond
    at = sp.expand(poly["momentum"].as_expr().subs(poly["momentum"].gen, gd_root))
    momentum_beyond = at.subs(beta, positive_beta).is_negative
    hyper = {"alpha": sp.Rational(1, 10), "beta": sp.Rational(9, 10)}
    values = {alpha: hyper["alpha"], beta: hyper["beta"]}
    roots = {name: sorted(sp.roots(sp.Poly(p.as_expr().subs(values), p.gen)))
             for name, p in poly.items()}
    start = [1, sp.Rational(1, 10**6)]
    runs = {"gd": iterate(SADDLE, gradient_descent(), start, 80, alpha=hyper["alpha"]),
            "momentum": iterate(SADDLE, heavy_ball(), start, 40, **hyper)}
    steps = {name: _steps_to_leave(run) for name, run in runs.items()}
    never_behind = all(m[1] >= g[1] for m, g in zip(runs["momentum"], runs["gd"]))
    first = min(steps, key=lambda name: steps[name] or 10**9)
    holds_under = bool(momentum_beyond) == (faster == "momentum") and first == faster
    if momentum_beyond is None:
        holds_under = None
    manifold = iterate(SADDLE, heavy_ball(), [1, 0], 100, numeric=True, **hyper)
    stays = all(y == 0 for _, y in manifold) and abs(manifold[-1][0]) < 1e-2
    gd_stays = all(y == 0 for _, y in iterate(SADDLE, gradient_descent(), [1, 0], 20,
                                               alpha=hyper["alpha"]))
    return Outcome.conditional(
        holds_under, stays and gd_stays,
        r"y_0 = \delta \ne 0\ \text{(off the stable manifold } y = 0)",
        r"(x_0, y_0) = (1, 0):\ y_k = 0 \text{ for every } k \text{ (GD and heavy ball); heavy "
        r"ball's } |x_{100}| < 10^{-2}",
        r"z^2 - (1 + \beta + 2\alpha)z + \beta \text{ at } z = 1 + 2\alpha:\ "
        + sp.latex(at) + r" < 0",
        f"along y: heavy ball {poly['momentum'].as_expr()}, GD {poly['gd'].as_expr()}; at "
        f"z = {gd_root}: {at}. At α = 1/10, β = 9/10 the roots are {roots}. From (1, 10⁻⁶), "
        f"steps to |y| ≥ 1: GD {steps['gd']}, heavy ball {steps['momentum']}; heavy ball's y ≥ "
        f"GD's at each of the 40 steps: {never_behind}. From (1, 0): along "
        f"y both rules are the linear maps s' = T(−2)s above, so y = 0 with a zero state stays "
        f"0 for every k (runs: heavy ball 100 steps, GD 20), and heavy ball's x reaches "
        f"{manifold[-1][0]:.2e}.",
        {f"|y| ({name})": [float(abs(y)) for _, y in run] for name, run in runs.items()})
