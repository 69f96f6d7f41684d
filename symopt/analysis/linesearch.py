r"""Line search, derived from the rule x' = x + τd of a line-search method.

What is proved exactly, and from what:

- **The exact step on a quadratic** f = ½xᵀAx − bᵀx: φ(τ) = f(x + τd) is a
  quadratic in τ, and φ'(τ) = 0 gives τ = −∇fᵀd / dᵀAd — for gradient descent
  gᵀg / gᵀAg (B&V §9.3.2, N&W (3.25)). :func:`exact_step` solves φ'(τ) = 0.
- **The Kantorovich rate of steepest descent on a quadratic**: per step
  f(x⁺) − f* ≤ ((M − m)/(M + m))² (f(x) − f*) (N&W Theorem 3.3), attained when g
  has equal weight on the extreme eigenvectors (:func:`kantorovich_witness`);
  B&V's 1 − m/M (§9.3.1, for every m-strongly convex, M-smooth f) is weaker.
- **The Armijo set** {τ > 0 : f(x + τd) ≤ f(x) + ατ∇fᵀd}: at a point, solved
  exactly (:func:`armijo_set`); for every L-smooth f and every x, gradient descent
  accepts every τ ≤ 2(1 − α)/L (the descent lemma), and f = L x²/2 accepts no
  larger step, so (0, 2(1 − α)/L] is the set accepted everywhere
  (:func:`accepted_everywhere`). Damped Newton on a quadratic accepts exactly
  (0, 2(1 − α)] (φ(τ) = f − τλ² + τ²λ²/2, λ the Newton decrement).
- **Backtracking**: every step ≤ 2(1 − α)/L is accepted, so the search stops after
  at most j* = max(0, ⌈log(t0 L/(2(1 − α)))/log(1/β)⌉) reductions with a step
  τ ≥ t0 βʲ* ≥ min(t0, 2β(1 − α)/L) (B&V §9.3.1: min(1, β/M) for t0 = 1, α ≤ ½);
  f = L x²/2 attains j* and t0 βʲ* (:func:`worst_backtracking`).
- **GD with backtracking on m-strongly convex, M-smooth f**: Armijo, the step
  bound and ‖∇f‖² ≥ 2m(f − f*) give f(x⁺) − f* ≤ (1 − 2mα min(t0, 2β(1 − α)/M))
  (f(x) − f*) (:func:`backtracking_rate`; B&V (9.19) is the case t0 = 1, α ≤ ½).

Off quadratics the exact step is a numeric 1-D minimisation (SciPy), labelled so.
:func:`exact_run` iterates a line-search method in exact arithmetic: the reference
every symbolic result is checked against.

>>> from symopt.analysis.linesearch import exact_run
>>> [tuple(p) for p in exact_run("(x**2 + 3*y**2)/2", "gd_exact_line_search", [3, 1], 2)]
[(3, 1), (3/2, -1/2), (3/4, 1/4)]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.methods import Method, get_method
from symopt.methods.base import NEWTON_DIRECTION, G, X, _exact
from symopt.methods.linesearch import STEP, LineSearch, line_search_of
from symopt.problem import Problem
from symopt.result import Finding

__all__ = [
    "MAX_BACKTRACKS",
    "Search",
    "accepted_everywhere",
    "armijo_set",
    "backtracking_count_bound",
    "backtracking_rate",
    "direction",
    "exact_run",
    "exact_step",
    "exact_step_numeric",
    "kantorovich_proof",
    "kantorovich_rate",
    "kantorovich_witness",
    "minimise_along",
    "search",
    "step_lower_bound",
    "strongly_convex_exact_rate",
    "worst_backtracking",
]

#: Most step reductions one backtracking search may make before it is stopped.
MAX_BACKTRACKS = 10_000


def _method(method: Method | str) -> tuple[Method, LineSearch]:
    method = get_method(method) if isinstance(method, str) else method
    search = line_search_of(method)
    if search is None:
        raise UnsupportedError(f"{method.name} has no line search")
    if method.state:
        raise UnsupportedError(f"{method.name} keeps a state; line search is supported for "
                               "memoryless methods x' = x + τd")
    return method, search


def _problem(problem: Problem | str) -> Problem:
    return problem if isinstance(problem, Problem) else Problem(problem)


def direction(method: Method | str) -> sp.Expr:
    """The search direction d = ∂x'/∂τ per coordinate, checked that x' = x + τd.

    >>> direction("newton_backtracking")
    -p
    """
    method, _ = _method(method)
    x_next = method.rule().x_next
    d = sp.diff(x_next, STEP)
    if d.has(STEP) or sp.expand(x_next - X - STEP * d) != 0:
        raise UnsupportedError(f"{method.name}'s step is not x + τd with d free of τ")
    return d


def _vector(problem: Problem, method: Method, point: Mapping[sp.Symbol, sp.Expr] | None
            ) -> tuple[sp.Matrix, sp.Matrix]:
    """∇f and d as vectors at ``point`` (symbolic x when None)."""
    d = direction(method)
    gradient = problem.gradient
    if point is not None:
        gradient = gradient.xreplace(point)
    p = None
    if d.has(NEWTON_DIRECTION):
        hessian = problem.hessian if point is None else problem.hessian.xreplace(point)
        if sp.simplify(hessian.det()) == 0:
            raise UnsupportedError("the Hessian is singular: no Newton direction")
        p = hessian.LUsolve(gradient)
    coords = [point[v] if point is not None else v for v in problem.variables]
    vector = sp.Matrix([d.xreplace({X: coords[i], G: gradient[i],
                                    NEWTON_DIRECTION: p[i] if p is not None else 0})
                        for i in range(len(coords))])
    return gradient, vector


def _along(problem: Problem, point: Mapping[sp.Symbol, sp.Expr], d: sp.Matrix,
           tau: sp.Expr) -> sp.Expr:
    return problem.objective.xreplace({v: point[v] + tau * d[i]
                                       for i, v in enumerate(problem.variables)})


def exact_step(problem: Problem | str, method: Method | str) -> Finding[sp.Expr]:
    """The exact line-search step τ(x) on a quadratic, from φ'(τ) = 0 (closed form).

    >>> exact_step("(x**2 + 4*y**2)/2", "gd_exact_line_search").value
    (x**2 + 16*y**2)/(x**2 + 64*y**2)
    """
    problem, (method, _) = _problem(problem), _method(method)
    if problem.quadratic is None:
        return Finding.unknown("f is not quadratic: the exact step has no closed form here "
                               "(exact_step_numeric minimises along the line numerically)")
    point = {v: v for v in problem.variables}
    _, d = _vector(problem, method, point)
    tau = sp.Symbol("tau_", real=True)
    phi = sp.expand(_along(problem, point, d, tau))
    if problem.quadratic.A.is_positive_definite is not True:
        return Finding.unknown("∇²f is not shown positive definite: f need not have a "
                               "minimiser along the line")
    (solution,) = sp.solve(phi.diff(tau), tau)
    return Finding(sp.factor(sp.simplify(solution)),
                   "∇²f ≻ 0, so φ(τ) = f(x + τd) is a convex quadratic in τ (where d ≠ 0); "
                   "φ'(τ) = 0")


def exact_step_numeric(problem: Problem | str, method: Method | str,
                       point: Sequence[object]) -> float:
    """The exact line-search step at a point by a numeric 1-D minimisation (SciPy's Brent).

    Numeric: the minimiser of φ(τ) = f(x + τd) over τ > 0, bracketed by doubling.

    >>> round(exact_step_numeric("x**4 + y**2", "gd_exact_line_search", [1, 1]), 5)
    0.35439
    """
    problem, (method, _) = _problem(problem), _method(method)
    at = _point(problem, point)
    _, d = _vector(problem, method, at)
    tau = sp.Symbol("tau_", real=True)
    phi = sp.lambdify(tau, _along(problem, at, d.evalf(), tau).evalf(), "math")
    return minimise_along(phi)


def minimise_along(phi: Callable[[float], float]) -> float:
    """argmin_{τ>0} φ(τ) numerically: bracketed by doubling from τ = 1, then SciPy's bounded Brent.

    >>> round(minimise_along(lambda s: (s - 3) ** 2), 6)
    3.0
    """
    from scipy.optimize import minimize_scalar

    f0, high = phi(0.0), 1.0
    for _ in range(200):  # bracket: double until φ rises again
        if not phi(high) < f0:
            break
        f0, high = phi(high), 2 * high
    else:
        raise UnsupportedError("f decreases without bound along the search direction")
    result = minimize_scalar(phi, bounds=(0.0, high), method="bounded",
                             options={"xatol": 1e-12})
    return float(result.x)


def _point(problem: Problem, point: object) -> dict[sp.Symbol, sp.Expr]:
    if isinstance(point, Mapping):
        return {v: _number(point[v]) for v in problem.variables}
    values = list(point)  # type: ignore[call-overload]
    if len(values) != len(problem.variables):
        raise DomainError(f"a point has {len(problem.variables)} coordinates, got "
                          f"{len(values)}")
    return {v: _number(c) for v, c in zip(problem.variables, values)}


def _number(value: object) -> sp.Expr:
    """A coordinate given as a number or a SymPy object (never text: strict)."""
    if isinstance(value, float):
        return sp.Rational(repr(value))
    return sp.sympify(value, strict=True)  # safe: strict, no text


def armijo_set(problem: Problem | str, method: Method | str, point: object,
               alpha: object) -> sp.Set:
    """{τ > 0 : f(x + τd) ≤ f(x) + ατ∇f(x)ᵀd} at a point, exactly.

    >>> armijo_set("x**2 + 10*y**2", "gd_backtracking", [1, 1], "1/4")
    Interval.Lopen(0, 303/4004)
    """
    problem, (method, _) = _problem(problem), _method(method)
    at = _point(problem, point)
    gradient, d = _vector(problem, method, at)
    tau = sp.Symbol("tau_", positive=True)
    slope = (gradient.T * d)[0, 0]
    alpha = sp.sympify(alpha)  # safe: a number or a SymPy object
    condition = _along(problem, at, d, tau) - problem.objective.xreplace(at) - alpha * tau * slope
    found = sp.solveset(sp.simplify(condition) <= 0, tau, sp.Interval.open(0, sp.oo))
    return found.xreplace({tau: sp.Symbol("tau")}) if isinstance(found, sp.Basic) else found


def accepted_everywhere(alpha: sp.Expr, L: sp.Expr) -> sp.Interval:
    """Steps τ GD's Armijo condition accepts at every x of every L-smooth f: (0, 2(1 − α)/L].

    ≤ 2(1 − α)/L: f(x − τg) ≤ f − τ‖g‖² + Lτ²‖g‖²/2 (descent lemma) ≤ f − ατ‖g‖²;
    f = Lx²/2 accepts exactly these steps.

    >>> accepted_everywhere(sp.Rational(1, 2), sp.Integer(4))
    Interval.Lopen(0, 1/4)
    """
    return sp.Interval.Lopen(0, 2 * (1 - alpha) / L)


def step_lower_bound(alpha: sp.Expr, beta: sp.Expr, t0: sp.Expr, L: sp.Expr) -> sp.Expr:
    """τ ≥ min(t0, 2β(1 − α)/L) for the step backtracking accepts on an L-smooth f.

    Either t0 is accepted, or the last rejected step τ/β exceeds 2(1 − α)/L.

    >>> alpha, beta, L = sp.symbols("alpha beta L", positive=True)
    >>> step_lower_bound(alpha, beta, 1, L)
    Min(1, beta*(2 - 2*alpha)/L)
    """
    return sp.Min(t0, beta * (2 - 2 * alpha) / L)


def backtracking_count_bound(alpha: sp.Expr, beta: sp.Expr, t0: sp.Expr,
                             L: sp.Expr) -> sp.Expr:
    """At most max(0, ⌈log(t0L/(2(1 − α)))/log(1/β)⌉ step reductions (B&V §9.2-style count).

    >>> backtracking_count_bound(sp.Rational(1, 4), sp.Rational(1, 2), 1, 12)
    3
    """
    return sp.Max(0, sp.ceiling(sp.log(t0 * L / (2 * (1 - alpha))) / sp.log(1 / beta)))


@dataclass(frozen=True)
class Search:
    """One backtracking search: the accepted step and the number of reductions."""

    step: sp.Expr
    reductions: int


def worst_backtracking(alpha: object, beta: object, t0: object, L: object) -> Search:
    """The smallest step and most reductions over all L-smooth f (numbers, exact).

    The least j with t0βʲ ≤ 2(1 − α)/L; attained on f = Lx²/2.

    >>> worst_backtracking("1/4", "1/2", 1, 12)
    Search(step=1/8, reductions=3)
    """
    # user values (numbers or text) become exact numbers through symopt.parse, never sympify
    a, b, t, lip = (_exact(v, name) for v, name in ((alpha, "alpha"), (beta, "beta"),
                                                    (t0, "t0"), (L, "L")))
    for v in (a, b, t, lip):
        if not v.is_number:
            raise DomainError(f"worst_backtracking needs numbers, got {v}")
    limit = 2 * (1 - a) / lip
    step, j = t, 0
    while step > limit:
        if j >= MAX_BACKTRACKS:
            raise DomainError(f"more than {MAX_BACKTRACKS} reductions")
        step, j = step * b, j + 1
    return Search(step, j)


def search(problem: Problem | str, method: Method | str, point: object,
           **hyperparameters: object) -> Search:
    """The step the method's line search takes at ``point``, in exact arithmetic.

    Backtracking compares f exactly; the exact search solves φ'(τ) = 0 exactly on a
    quadratic (elsewhere it raises: see :func:`exact_step_numeric`).

    >>> search("x**2 + 10*y**2", "gd_backtracking", [1, 1], alpha="1/4", beta="1/2")
    Search(step=1/16, reductions=4)
    """
    problem, (method, line) = _problem(problem), _method(method)
    at = _point(problem, point)
    if line.kind == "exact":
        step = exact_step(problem, method)
        if not step.known:
            raise UnsupportedError(step.reason)
        return Search(sp.simplify(step.value.xreplace(at)), 0)
    values = {**{h.symbol.name: h.default for h in method.hyperparameters},
              **{k: v for k, v in method.substitution(hyperparameters).items()}}
    values = {getattr(k, "name", k): v for k, v in values.items()}
    alpha, beta, t0 = values["alpha"], values["beta"], values["t0"]
    gradient, d = _vector(problem, method, at)
    slope = sp.simplify((gradient.T * d)[0, 0])
    if slope.is_negative is not True and any(sp.simplify(c) != 0 for c in gradient):
        raise UnsupportedError(f"d is not a descent direction there (∇fᵀd = {slope}): "
                               "backtracking needs ∇fᵀd < 0")
    f0 = problem.objective.xreplace(at)
    step, j = t0, 0
    while sp.simplify(_along(problem, at, d, step) - f0 - alpha * step * slope) > 0:
        if j >= MAX_BACKTRACKS:
            raise UnsupportedError(f"no step accepted after {MAX_BACKTRACKS} reductions")
        step, j = step * beta, j + 1
    return Search(step, j)


def exact_run(problem: Problem | str, method: Method | str, x0: Sequence[object],
              steps: int, **hyperparameters: object) -> list[sp.Matrix]:
    """Iterates x₀ … x_steps of a line-search method in exact arithmetic (the reference).

    >>> exact_run("x**2 + y**2", "newton_backtracking", [1, 2], 1)[-1].T
    Matrix([[0, 0]])
    """
    problem, (method, _) = _problem(problem), _method(method)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= 1000:
        raise DomainError(f"steps must be a whole number from 0 to 1000, got {steps!r}")
    at = _point(problem, x0)
    points = [sp.Matrix([at[v] for v in problem.variables])]
    for _ in range(steps):
        taken = search(problem, method, list(points[-1]), **hyperparameters)
        _, d = _vector(problem, method, at)
        at = {v: sp.simplify(at[v] + taken.step * d[i]) for i, v in enumerate(problem.variables)}
        points.append(sp.Matrix([at[v] for v in problem.variables]))
    return points


def kantorovich_rate(m: sp.Expr, M: sp.Expr) -> sp.Expr:
    """((M − m)/(M + m))²: steepest descent's worst per-step ratio of f − f* on quadratics.

    >>> kantorovich_rate(1, 3)
    1/4
    """
    m, M = sp.sympify(m), sp.sympify(M)  # safe: numbers or SymPy objects
    return ((M - m) / (M + m)) ** 2


def kantorovich_proof() -> Finding[bool]:
    """Check, exactly, each step of the proof of Kantorovich's bound (N&W Theorem 3.3).

    1. On a quadratic the exact step gives f(x⁺) − f* = (1 − (gᵀg)²/(gᵀAg·gᵀA⁻¹g))(f − f*)
       (checked in the eigenbasis with three symbolic eigenvalues and a symbolic g);
    2. λ + μL/λ ≤ μ + L for μ ≤ λ ≤ L, since μ + L − λ − μL/λ = (λ − μ)(L − λ)/λ;
    3. so a + μLb ≤ μ + L for a = Σwᵢλᵢ, b = Σwᵢ/λᵢ (weights wᵢ = gᵢ²/‖g‖²), and
       4μL·ab ≤ (a + μLb)² (AM–GM) ≤ (μ + L)²;
    4. 1 − 4μL/(μ + L)² = ((L − μ)/(L + μ))².

    >>> kantorovich_proof().value
    True
    """
    from symopt.guarantees.positivity import prove_nonnegative

    lams = sp.symbols("lambda1:4", positive=True)
    gs = sp.symbols("g1:4", real=True)
    tau = sum(g**2 for g in gs) / sum(lam * g**2 for lam, g in zip(lams, gs))
    gap = sum(g**2 / lam for lam, g in zip(lams, gs)) / 2  # f − f* with x − x* = A⁻¹g
    after = sum(lam * (g / lam - tau * g) ** 2 for lam, g in zip(lams, gs)) / 2
    ratio = 1 - sum(g**2 for g in gs) ** 2 / (
        sum(lam * g**2 for lam, g in zip(lams, gs)) * sum(g**2 / lam for lam, g in zip(lams, gs)))
    mu, big, lam, a, b = sp.symbols("mu L lambda a b", positive=True)
    steps = {
        "1. the one-step ratio of the exact step": sp.simplify(after / gap - ratio) == 0,
        "2. λ + μL/λ ≤ μ + L on [μ, L]": prove_nonnegative(
            mu + big - lam - mu * big / lam, (mu <= lam, lam <= big)).value is True,
        "3. (a − μLb)² ≥ 0, i.e. 4μL·ab ≤ (a + μLb)²": prove_nonnegative(
            (a + mu * big * b) ** 2 - 4 * mu * big * a * b, ()).value is True,
        "4. 1 − 4μL/(μ + L)² = ((L − μ)/(L + μ))²": sp.simplify(
            1 - 4 * mu * big / (mu + big) ** 2 - kantorovich_rate(mu, big)) == 0,
    }
    failed = [k for k, ok in steps.items() if not ok]
    if failed:
        return Finding.unknown(f"not checked: {'; '.join(failed)}")
    return Finding(True, "checked exactly: " + "; ".join(steps))


def strongly_convex_exact_rate(m: sp.Expr, M: sp.Expr) -> sp.Expr:
    """1 − m/M: B&V's per-step bound for exact line search on m-strongly convex, M-smooth f.

    Exact search does at least as well as τ = 1/M, which gives f − ‖g‖²/(2M);
    ‖g‖² ≥ 2m(f − f*).

    >>> strongly_convex_exact_rate(1, 3)
    2/3
    """
    return 1 - sp.sympify(m) / M  # safe: numbers or SymPy objects


def kantorovich_witness(problem: Problem | str) -> Finding[list[sp.Expr]]:
    """A start where one exact-line-search GD step has ratio exactly ((M − m)/(M + m))².

    x₀ = x* + A⁻¹(v_m + v_M) with unit eigenvectors v of the extreme eigenvalues, so
    that g₀ has equal weight on both (the case of equality in Kantorovich's inequality).

    >>> kantorovich_witness("(x**2 + 3*y**2)/2").value
    [1, 1/3]
    """
    problem = _problem(problem)
    quadratic = problem.quadratic
    if quadratic is None:
        return Finding.unknown("f is not a quadratic")
    A = quadratic.A
    eigen = A.eigenvects()
    try:
        ordered = sorted(eigen, key=lambda e: float(e[0]))
    except TypeError:
        return Finding.unknown("the eigenvalues of A cannot be ordered")
    if ordered[0][0] <= 0:
        return Finding.unknown("A is not positive definite")
    v_min, v_max = (e[2][0] / sp.sqrt((e[2][0].T * e[2][0])[0, 0])
                    for e in (ordered[0], ordered[-1]))
    if ordered[0][0] == ordered[-1][0]:
        return Finding.unknown("all eigenvalues are equal: one step reaches the minimiser")
    start = A.LUsolve(quadratic.b + v_min + v_max)
    return Finding([sp.simplify(c) for c in start],
                   "g₀ = v_min + v_max (unit eigenvectors of the extreme eigenvalues)")


def backtracking_rate(m: sp.Expr, M: sp.Expr, alpha: sp.Expr, beta: sp.Expr,
                      t0: sp.Expr = sp.S.One) -> sp.Expr:
    """1 − 2mα·min(t0, 2β(1 − α)/M): GD with backtracking's per-step bound on f − f*.

    For t0 = 1 and α ≤ ½ it is at most B&V's (9.19) 1 − min(2mα, 2βαm/M).

    >>> backtracking_rate(1, 10, sp.Rational(1, 4), sp.Rational(1, 2))
    77/80
    """
    return 1 - 2 * m * alpha * step_lower_bound(alpha, beta, t0, M)
