"""From a numeric PEP to exact results: a certificate (true) or an interpolable worst case (false).

**Certificate.** The numeric dual of :meth:`PerformanceProblem.solve` gives
multipliers λ on the interpolation conditions, weights w on the measures and the
rate ν on the initial quantity I. :func:`certify` turns them into exact numbers:
it rounds them to rationals (continued fractions, ``limit_denominator``) on the
dual's support, then corrects them exactly, by the least-norm solution of the
linear equations saying that the function values cancel in
ν·I − Σ wⱼmⱼ − Σ λᵢcᵢ, and forms the residual S exactly. When the multipliers
are rational (GD with rational steps) this reconstructs the tight certificate.
When the stated rate τ is strictly larger than the worst case, the dual is
re-solved with ν = τ fixed, maximising the smallest eigenvalue of S, so that
the rounding error is absorbed by that margin. The result is a
:class:`~symopt.guarantees.certificate.Certificate` whose ``verify()`` checks
the identity with SymPy and S ⪰ 0 by exact LDLᵀ.

**Counterexample.** When a stated rate is below the worst case,
:func:`counterexample` re-solves the primal with the measure held above the
stated bound and the trace of the Gram matrix minimised (PEPit's
dimension-reduction heuristic, which tends to a rank-one, one-dimensional worst
case), factors the Gram matrix, rounds the coordinates of the basis vectors to
rationals (so every iterate is still exactly the method's), picks exact function
values (the largest ones consistent with the conditions, by longest paths),
and checks every interpolation condition and the violated bound exactly. By
the interpolation theorem a function of the class through these points exists.

>>> from symopt.guarantees import smooth_convex
>>> from symopt.guarantees.pep import PerformanceProblem
>>> pep = PerformanceProblem(smooth_convex(1), "gd", 1, "function_gap", "distance",
...                          hyperparameters={"alpha": 1})
>>> certify(pep).evidence["certificate"].bound
x0**2/6
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from symopt.errors import DomainError, SymoptError, SymoptTimeoutError
from symopt.guarantees.certificate import Certificate
from symopt.guarantees.pep import PEPResult, PerformanceProblem, _solve, quadratic_form
from symopt.result import Finding
from symopt.timeout import run_with_timeout

__all__ = ["ExactCounterexample", "certify", "counterexample"]

_DENOMINATORS = (10, 100, 1000, 10**4, 10**5, 10**6, 10**7, 10**8)
#: Candidates with larger denominators are skipped (a sanity bound; the search is timed).
_MAX_DENOMINATOR = 10**120


@dataclass(frozen=True)
class _Coefficients:
    """Exact (Q, a) of every condition, measure and the initial quantity."""

    conditions: list[tuple[sp.Matrix, sp.Matrix]]
    measures: list[tuple[sp.Matrix, sp.Matrix]]
    initial: tuple[sp.Matrix, sp.Matrix]


def _coefficients(problem: PerformanceProblem) -> _Coefficients:
    def form(e: sp.Expr) -> tuple[sp.Matrix, sp.Matrix]:
        return quadratic_form(e, problem.basis, problem.values)

    return _Coefficients([form(e) for _, e in problem.conditions],
                         [form(e) for e in problem.measures],
                         form(problem.initial_expression))


def _rational(x: float, denominator: int) -> sp.Rational:
    f = Fraction(x).limit_denominator(denominator)
    return sp.Rational(f.numerator, f.denominator)


def _exact_rate(rate: object) -> sp.Expr:
    from symopt.methods.base import _exact

    value = sp.nsimplify(_exact(rate, "rate")) if isinstance(rate, str) else _exact(rate, "rate")
    if not value.is_number or not value.is_real or not value.is_nonnegative:
        raise DomainError(f"a stated rate must be a nonnegative number, got {value}")
    return value


def certify(problem: PerformanceProblem, rate: object = None,
            result: PEPResult | None = None, *, seconds: float = 120) -> Finding[bool]:
    """An exact certificate of ``measure ≤ rate · (initial quantity)``, or why there is none.

    ``rate`` defaults to the numeric worst case (a tight certificate, found when
    the optimal multipliers are rational). The certificate is in
    ``evidence["certificate"]``; ``value`` is True only when it verified. The
    search for one stops after ``seconds`` (then: unknown).

    >>> from symopt.guarantees import smooth_convex
    >>> pep = PerformanceProblem(smooth_convex(1), "gd", 2, "function_gap", "distance",
    ...                          hyperparameters={"alpha": 1})
    >>> certify(pep, "1/10").value
    True
    """
    import numpy as np

    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not (
            0 < seconds <= 3600):
        raise DomainError(f"seconds must be a number in (0, 3600], got {seconds!r}")
    deadline = time.monotonic() + seconds
    result = result or problem.solve()
    worst = result.multipliers["initial"]
    coeffs = _coefficients(problem)
    tau = None if rate is None else _exact_rate(rate)
    if tau is not None and float(tau) < worst * (1 - 1e-6) - 1e-9:
        return Finding(False, f"the stated rate {tau} is below the numeric worst case "
                              f"{worst:.8g} (see counterexample())", {"worst": worst})
    lam = np.array([result.multipliers[label] for label, _ in problem.conditions])
    w = np.array([result.multipliers[f"measure({k})"] for k in range(len(problem.measures))])
    tight = tau is None or float(tau) <= worst * (1 + 1e-6) + 1e-9
    tried = []
    if tight:
        for duals in (_dual(problem, coeffs, worst, sparse=True), (lam, w)):
            if duals is None:
                continue
            found = _round(problem, coeffs, tau, worst, *duals, result.gram, deadline)
            if found is not None:
                return found
        tried.append("rounding the optimal dual (S·G = 0 imposed exactly)")
    if tau is not None and float(tau) > worst * (1 + 1e-9):
        margin = _dual(problem, coeffs, float(tau))
        if margin is not None:
            found = _round(problem, coeffs, tau, worst, *margin, None, deadline)
            if found is not None:
                return found
        tried.append("a dual with the stated rate fixed and the smallest eigenvalue of S "
                     "maximised")
    return Finding.unknown(
        f"no exact certificate found by {' or '.join(tried)} (denominators up to 10^8"
        f"{', time limit reached' if time.monotonic() > deadline else ''}); the "
        f"worst case holds numerically: {result.summary()}", worst=worst)


def _round(problem: PerformanceProblem, coeffs: _Coefficients, tau: sp.Expr | None,
           worst: float, lam: Any, w: Any, gram: Any, deadline: float) -> Finding[bool] | None:
    """Round the dual at increasing denominators; the first verified certificate, or None.

    With the primal ``gram`` (a tight rate), its range is rounded too and S·u = 0
    imposed for every u in it (complementary slackness): a tight S is singular,
    and only exact null vectors keep it PSD.
    """
    scale = max(1.0, float(abs(lam).max()) if len(lam) else 1.0)
    support = [i for i, v in enumerate(lam) if v > 1e-7 * scale]
    # a tight rate: first the simple rationals at the numeric worst case, then solved for
    rates = [tau] if tau is not None else [*_nearby_rationals(worst), None]
    for rate, d in ((r, d) for r in rates for d in _DENOMINATORS):
        if time.monotonic() > deadline:
            return None
        lam_q = [_rational(lam[i], d) for i in support]
        w_q = [_rational(v, d) for v in w]
        null = _range_basis(gram, d) if gram is not None else []
        corrected = _solve_equalities(coeffs, support, rate, lam_q, w_q, null,
                                      _rational(worst, d))
        if corrected is None:
            continue
        lam_q, w_q, nu = corrected
        if max(sp.fraction(v)[1] for v in (*lam_q, *w_q, nu)) > _MAX_DENOMINATOR:
            continue
        if any(v < 0 for v in (*lam_q, *w_q)):
            continue
        residual = nu * coeffs.initial[0]
        for i, v in zip(support, lam_q):
            if v != 0:
                residual -= v * coeffs.conditions[i][0]
        for j, v in enumerate(w_q):
            residual -= v * coeffs.measures[j][0]
        if not _psd(residual):
            continue
        cert = _certificate(problem, nu, support, lam_q, w_q, residual)
        try:  # the exact verification runs under the search's remaining time
            check = run_with_timeout(cert.verify, seconds=max(1.0, deadline - time.monotonic()))
        except SymoptTimeoutError:
            return None
        if check.value is True:
            return Finding(True, f"{cert.statement}: {check.reason}",
                           {"certificate": cert, "denominator": d})
    return None


def _nearby_rationals(x: float) -> list[sp.Rational]:
    """Simple rationals within 10⁻⁷ (relative) of a numeric worst case.

    The shortest decimal and the rational of least denominator in that interval,
    smaller denominator first (the solver's accuracy cannot tell them apart; the
    exact check decides).

    >>> _nearby_rationals(0.6561000066)
    [3146/4795, 6561/10000]
    >>> _nearby_rationals(0.0714285712)
    [1/14, 357143/5000000]
    """
    tol = 1e-7 * max(1.0, abs(x))
    found: list[sp.Rational] = []
    for k in range(1, 9):
        r = sp.Rational(round(x * 10**k), 10**k)
        if abs(float(r) - x) <= tol:
            found.append(r)
            break
    simplest = _simplest_between(Fraction(x - tol), Fraction(x + tol))
    r = sp.Rational(simplest.numerator, simplest.denominator)
    return sorted(set([*found, r]), key=lambda q: q.q)


def _simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational of least denominator in [lo, hi] (Stern–Brocot, by continued fractions)."""
    if lo <= 0 <= hi:
        return Fraction(0)
    if hi < 0:
        return -_simplest_between(-hi, -lo)
    floor = lo.numerator // lo.denominator
    if floor + 1 <= hi or lo == floor:
        return Fraction(floor if lo == floor else floor + 1)
    return floor + 1 / _simplest_between(1 / (hi - floor), 1 / (lo - floor))


def _psd(matrix: sp.Matrix) -> bool:
    """Exact PSD test of a rational matrix (LDLᵀ in Python fractions; a fast pre-check).

    >>> _psd(sp.Matrix([[1, 1], [1, 1]])), _psd(sp.Matrix([[0, 1], [1, 0]]))
    (True, False)
    """
    a = [[Fraction(int(sp.fraction(e)[0]), int(sp.fraction(e)[1])) for e in row]
         for row in matrix.tolist()]
    while a:
        d = a[0][0]
        if d < 0:
            return False
        if d == 0:
            if any(v != 0 for v in a[0][1:]):
                return False
            a = [row[1:] for row in a[1:]]
            continue
        a = [[a[i][j] - a[i][0] * a[0][j] / d for j in range(1, len(a))]
             for i in range(1, len(a))]
    return True


def _range_basis(gram: Any, denominator: int) -> list[sp.Matrix]:
    """A rational basis of the numeric Gram matrix's range (reduced row echelon form)."""
    import numpy as np

    vals, vecs = np.linalg.eigh((gram + gram.T) / 2)
    keep = vals > 1e-6 * max(vals.max(), 1e-12)
    rows = vecs[:, keep].T
    if not len(rows):
        return []
    # numeric rref: pivot on the largest entries, so the rounded basis is well conditioned
    basis = sp.Matrix([[_rational(float(v), denominator) for v in row]
                       for row in _rref(rows)])
    return [basis.row(k).T for k in range(basis.rows)]


def _rref(rows: Any) -> Any:
    import numpy as np

    a = np.array(rows, dtype=float)
    r = 0
    for c in range(a.shape[1]):
        if r == a.shape[0]:
            break
        p = r + int(np.argmax(abs(a[r:, c])))
        if abs(a[p, c]) < 1e-6:
            continue
        a[[r, p]] = a[[p, r]]
        a[r] /= a[r, c]
        for i in range(a.shape[0]):
            if i != r:
                a[i] -= a[i, c] * a[r]
        r += 1
    return a[:r]


def _solve_equalities(coeffs: _Coefficients, support: Sequence[int], nu: sp.Expr | None,
                      lam: list[sp.Expr], w: list[sp.Expr], null: Sequence[sp.Matrix] = (),
                      nu_guess: sp.Expr = sp.S.Zero):
    """Exact (λ, w, ν) near the rounded values: f cancels, Σw = 1, S·u = 0 for u in ``null``.

    ν is the stated rate, or (``nu is None``) an unknown solved for with the
    multipliers. Most values keep their rounding; a basis of the largest is solved
    for exactly over ℚ. None when the equations have no such solution.
    """
    free = nu is None
    quads = [coeffs.conditions[i][0] for i in support] + [q for q, _ in coeffs.measures]
    lins = [coeffs.conditions[i][1] for i in support] + [a for _, a in coeffs.measures]
    if free:
        quads.append(-coeffs.initial[0])
        lins.append(-coeffs.initial[1])
    fixed_nu = sp.S.Zero if free else nu
    m = coeffs.initial[1].cols
    A = sp.Matrix([[col[k] for col in lins] for k in range(m)])
    A = A.col_join(sp.Matrix([[0] * len(support) + [1] * len(w) + [0] * free]))
    b = sp.Matrix([fixed_nu * coeffs.initial[1][k] for k in range(m)] + [1])
    for u in null:
        products = [q * u for q in quads]
        A = A.col_join(sp.Matrix([[p[k] for p in products] for k in range(len(u))]))
        b = b.col_join(fixed_nu * coeffs.initial[0] * u)
    z = sp.Matrix(lam + w + ([nu_guess] if free else []))
    if any(b - A * z) and not _basis_solve(A, b, z, free):
        return None
    k = len(support)
    return list(z[:k]), list(z[k:k + len(w)]), (z[-1] if free else nu)


def _basis_solve(A: sp.Matrix, b: sp.Matrix, z: sp.Matrix, free_last: bool) -> bool:
    """Solve A z = b in place: most entries keep their value, a basis is solved over ℚ."""
    from sympy.polys.matrices import DomainMatrix

    # the largest values (and a free rate, last column) form the basis
    order = sorted(range(A.cols),
                   key=lambda c: (-(free_last and c == A.cols - 1), -abs(z[c])))
    _, pivots = DomainMatrix.from_Matrix(A.extract(list(range(A.rows)), order)).to_field().rref()
    basic = [order[p] for p in pivots]
    fixed = [c for c in range(A.cols) if c not in basic]
    sub = A.extract(list(range(A.rows)), basic)
    rhs = b - A.extract(list(range(A.rows)), fixed) * z.extract(fixed, [0])
    _, independent = DomainMatrix.from_Matrix(sub.T).to_field().rref()
    square = DomainMatrix.from_Matrix(sub.extract(list(independent), list(range(len(basic)))))
    try:
        values = square.to_field().lu_solve(
            DomainMatrix.from_Matrix(rhs.extract(list(independent), [0])).to_field()
        ).to_Matrix()
    except (ValueError, ZeroDivisionError, sp.polys.matrices.exceptions.DMError):
        return False
    for c, v in zip(basic, values):
        z[c] = v
    return not any(b - A * z)  # False: inconsistent for these rounded values


def _certificate(problem: PerformanceProblem, nu: sp.Expr, support: Sequence[int],
                 lam: Sequence[sp.Expr], w: Sequence[sp.Expr], residual: sp.Matrix
                 ) -> Certificate:
    measure = sp.expand(sum((v * m for v, m in zip(w, problem.measures)), sp.S.Zero))
    bound = sp.expand(nu * problem.initial_expression)
    multipliers = tuple((v, problem.conditions[i][1], problem.conditions[i][0])
                        for i, v in zip(support, lam) if v != 0)
    what = problem.measure.describe(problem.N)
    if len(problem.measures) > 1:
        what += " ≤ Σ wₖ‖∇f(x_k)‖²"
    statement = (f"{what} ≤ {nu}·({problem.initial.quantity(problem.N)}) "
                 f"after {problem.N} steps of {problem.recurrence.name} on every "
                 f"{problem.cls.describe()} function")
    return Certificate(statement, measure, bound, multipliers, problem.basis,
                       sp.Matrix(residual))


def _dual(problem: PerformanceProblem, coeffs: _Coefficients, tau: float, *,
          sparse: bool = False):
    """Multipliers with ν = τ fixed (None if infeasible).

    By default the smallest eigenvalue of S is maximised (a margin for rounding);
    ``sparse`` minimises Σλ instead, which favours a vertex of the optimal face
    (few conditions, simple multipliers) for a tight rate.
    """
    import cvxpy as cp
    import numpy as np

    n = len(problem.basis)

    def arr(ms):
        return np.array([np.asarray(q, dtype=float).reshape(-1) for q in ms])

    cq, ca = arr([q for q, _ in coeffs.conditions]), arr([a for _, a in coeffs.conditions])
    mq, ma = arr([q for q, _ in coeffs.measures]), arr([a for _, a in coeffs.measures])
    iq = np.asarray(coeffs.initial[0], dtype=float).reshape(-1)
    ia = np.asarray(coeffs.initial[1], dtype=float).reshape(-1)
    lam = cp.Variable(len(cq), nonneg=True)
    w = cp.Variable(len(mq), nonneg=True)
    s = cp.Variable()
    S = cp.reshape(tau * iq - w @ mq - lam @ cq, (n, n), order="C")
    constraints = [cp.sum(w) == 1, (S + S.T) / 2 - s * np.eye(n) >> 0, s <= 1]
    if ia.size:
        constraints.append(tau * ia - w @ ma - lam @ ca == 0)
    if sparse:
        constraints.append(s == 0)
    problem_ = cp.Problem(cp.Minimize(cp.sum(lam)) if sparse else cp.Maximize(s), constraints)
    try:
        # the sparse dual is an improvement only (no slow fallback); the margin dual is needed
        _solve(problem_, "CLARABEL" if sparse else None)
    except SymoptError:
        return None
    if problem_.status not in ("optimal", "optimal_inaccurate") or s.value is None:
        return None
    if not sparse and s.value <= 0:
        return None
    return np.maximum(lam.value, 0), np.maximum(w.value, 0)


# -- counterexamples ----------------------------------------------------------

@dataclass(frozen=True)
class ExactCounterexample:
    """Exact coordinates of the basis vectors (rows: dimensions) and function values.

    ``points`` lists ``(x_k, g_k, f_k)`` for the oracle points, each x and g a
    tuple of coordinates; in one dimension they are the data of an explicit
    interpolating function.
    """

    coordinates: sp.Matrix
    function_values: tuple[sp.Expr, ...]
    points: tuple[tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...], sp.Expr], ...]
    measure: sp.Expr
    initial: sp.Expr
    #: every reported iterate x₀, …, x_N (coordinates; ``Method.reported``), also those the
    #: oracle is not called at
    iterates: tuple[tuple[sp.Expr, ...], ...] = ()
    #: whether x* = 0 with ∇f(x*) = 0 and f* = 0 belongs to the data (classes with a minimizer)
    with_minimizer: bool = True

    @property
    def dimension(self) -> int:
        """The number of coordinates."""
        return self.coordinates.rows

    def one_dimensional(self) -> list[tuple[sp.Expr, sp.Expr, sp.Expr]]:
        """The data (x, f'(x), f(x)) of a 1-D interpolating function, x* = 0 included.

        >>> cex = ExactCounterexample(sp.Matrix([[1, sp.Rational(1, 3)]]), (sp.Rational(1, 2),),
        ...                           (((1,), (sp.Rational(1, 3),), sp.Rational(1, 2)),), 0, 0)
        >>> cex.one_dimensional()
        [(1, 1/3, 1/2), (0, 0, 0)]
        """
        if self.dimension != 1:
            raise DomainError(f"the counterexample is {self.dimension}-dimensional")
        data = [(sp.S(x[0]), sp.S(g[0]), sp.S(f)) for x, g, f in self.points]
        return data + ([(sp.S.Zero, sp.S.Zero, sp.S.Zero)] if self.with_minimizer else [])


def counterexample(problem: PerformanceProblem, rate: object,
                   result: PEPResult | None = None) -> Finding[bool]:
    """Exact points of the class where ``measure > rate · (initial quantity)``, checked exactly.

    ``value`` is False (the statement is false) with an :class:`ExactCounterexample`
    in ``evidence["counterexample"]``, or unknown with the reason.

    >>> from symopt.guarantees import smooth_convex
    >>> pep = PerformanceProblem(smooth_convex(1), "gd", 1, "function_gap", "distance",
    ...                          hyperparameters={"alpha": 1})
    >>> found = counterexample(pep, "1/8")   # the worst case is 1/6
    >>> found.value, found.evidence["counterexample"].dimension
    (False, 1)
    """

    tau = _exact_rate(rate)
    result = result or problem.solve()
    worst = result.multipliers["initial"]
    if worst <= float(tau) * (1 + 1e-7):
        return Finding.unknown(f"the numeric worst case {worst:.8g} does not exceed the rate "
                               f"{tau}: no counterexample to look for")
    for shrink in (1e-2, 1e-3, 1e-4, 0.0):
        gram = _reduced_gram(_shrunk(problem, shrink), float(tau) + (worst - float(tau)) / 2)
        if gram is None:
            continue
        for d in _DENOMINATORS[1:]:
            coords = _rounded_factor(gram, d, float(problem.initial.bound))
            found = _check_points(problem, coords, tau)
            if found is not None:
                return found
    return Finding.unknown(
        "the numeric worst case exceeds the rate, but no rounding of its Gram matrix "
        f"satisfied every interpolation condition exactly ({result.summary()})", worst=worst)


def _shrunk(problem: PerformanceProblem, delta: float) -> PerformanceProblem:
    """The same problem over a slightly smaller class (L' = (1 − δ)L, μ' ≥ μ + δL).

    Points interpolable by the smaller class satisfy the original conditions with
    slack wherever two points differ, so their rounding stays interpolable.
    """
    if delta == 0:
        return problem
    cls = problem.cls
    d = sp.Rational(delta).limit_denominator(10**6)
    L = cls.L * (1 - d)
    mu = -L if cls.mu == -cls.L else cls.mu + d * cls.L
    from symopt.guarantees.classes import FunctionClass

    return PerformanceProblem(FunctionClass(cls.name, L, mu), problem.recurrence, problem.N,
                              problem.measure, problem.initial)


def _rounded_factor(gram: Any, denominator: int, bound: float) -> sp.Matrix:
    """Rational coordinates of the basis vectors (rows: dimensions) with G ≈ PᵀP.

    A rank-one factor is scaled so that x₀ − x* has coordinate √bound (its
    length when the initial condition is a distance), which keeps it simple.
    """
    import numpy as np

    vals, vecs = np.linalg.eigh((gram + gram.T) / 2)
    keep = vals > 1e-7 * max(vals.max(), 1e-12)
    factor = (vecs[:, keep] * np.sqrt(vals[keep])).T
    if factor.shape[0] == 1 and abs(factor[0, 0]) > 1e-6:
        factor = factor / factor[0, 0] * np.sqrt(bound)
    return sp.Matrix([[_rational(float(v), denominator) for v in row] for row in factor])


def _reduced_gram(problem: PerformanceProblem, target: float):
    """A worst case with measure ≥ target of least trace (PEPit's trace heuristic)."""
    import cvxpy as cp
    import numpy as np

    n, m = len(problem.basis), len(problem.values)
    coeffs = _coefficients(problem)
    G = cp.Variable((n, n), PSD=True)
    F = cp.Variable(m) if m else None

    def lin(q, a):
        out = cp.sum(cp.multiply(np.asarray(q, dtype=float), G))
        if m:
            out = out + np.asarray(a, dtype=float).reshape(-1) @ F
        return out

    bound = float(problem.initial.bound)
    constraints = [lin(*c) >= 0 for c in coeffs.conditions]
    constraints += [lin(*me) >= target * bound for me in coeffs.measures]
    constraints.append(lin(*coeffs.initial) <= bound)
    pb = cp.Problem(cp.Minimize(cp.trace(G)), constraints)
    try:
        _solve(pb, None)
    except SymoptError:
        return None
    return None if G.value is None else np.asarray(G.value)


def _check_points(problem: PerformanceProblem, coords: sp.Matrix, tau: sp.Expr
                  ) -> Finding[bool] | None:
    """Exact function values for the rounded coordinates; a verified counterexample or None."""
    gram = coords.T * coords
    basis = problem.basis
    zero_f = {f: 0 for f in problem.values}
    # the quadratic part q_ij of each condition c_ij = f_i − f_j − q_ij
    names = [o.name for o in problem.oracles] + (["*"] if problem.cls.has_minimizer else [])
    index = {name: k for k, name in enumerate(names)}
    edges = []
    for label, expr in problem.conditions:
        i, j = label[len("interp("):-1].split(",")
        q, _ = quadratic_form(expr.subs(zero_f), basis, ())
        edges.append((index[i], index[j], -_trace(q, gram)))
    for potential in _extreme_values(len(names), edges, index.get("*")):
        values = dict(zip(problem.values, potential[: len(problem.values)]))

        def evaluate(expr: sp.Expr, values=values) -> sp.Expr:
            q, a = quadratic_form(expr, basis, problem.values)
            return _trace(q, gram) + sum((a[k] * values[f] for k, f in enumerate(problem.values)),
                                         sp.S.Zero)

        if any(evaluate(expr) < 0 for _, expr in problem.conditions):
            continue
        measure = min(evaluate(m) for m in problem.measures)
        initial = evaluate(problem.initial_expression)
        if measure > tau * initial:
            break
    else:
        return None
    points = []
    for k, o in enumerate(problem.oracles):
        x_coords = tuple(sp.expand(o.x.subs(dict(zip(basis, coords.row(r)))))
                         for r in range(coords.rows))
        g_coords = tuple(coords[r, k + 1] for r in range(coords.rows))
        points.append((x_coords, g_coords, values[o.f]))
    iterates = tuple(tuple(sp.expand(x.subs(dict(zip(basis, coords.row(r)))))
                           for r in range(coords.rows)) for x in problem.iterates)
    found = ExactCounterexample(coords, tuple(values[f] for f in problem.values), tuple(points),
                                measure, initial, iterates, problem.cls.has_minimizer)
    return Finding(False, (
        f"counterexample (exact): {coords.rows}-dimensional points and function values "
        f"satisfying all {len(problem.conditions)} interpolation conditions of "
        f"{problem.cls.describe()} exactly, so a function of the class through them exists "
        f"(Taylor, Hendrickx & Glineur 2017); on it {problem.measure.describe(problem.N)} = "
        f"{measure} > {tau}·{initial} = {tau * initial}"), {"counterexample": found})


def _trace(q: sp.Matrix, gram: sp.Matrix) -> sp.Expr:
    n = q.rows
    return sum((q[i, j] * gram[i, j] for i in range(n) for j in range(n) if q[i, j] != 0),
               sp.S.Zero)


def _extreme_values(size: int, edges, star: int | None) -> list[list[sp.Expr]]:
    """The largest and the smallest f with f_i − f_j ≥ w_ij on every edge ([] if infeasible).

    Longest paths by Floyd–Warshall on exact rationals: f_i ≤ f_a − d(i → a) and
    f_i ≥ f_a + d(a → i) for the anchor a = x* (f* = 0), or the last point when
    the class has no minimizer.
    """
    dist: list[list[Any]] = [[None] * size for _ in range(size)]
    for i in range(size):
        dist[i][i] = sp.S.Zero
    for i, j, weight in edges:  # f_i ≥ f_j + weight: a path j → i of length weight
        if dist[j][i] is None or weight > dist[j][i]:
            dist[j][i] = weight
    for k in range(size):
        for i in range(size):
            if dist[i][k] is None:
                continue
            for j in range(size):
                if dist[k][j] is not None:
                    through = dist[i][k] + dist[k][j]
                    if dist[i][j] is None or through > dist[i][j]:
                        dist[i][j] = through
    if any(dist[i][i] > 0 for i in range(size)):
        return []
    a = star if star is not None else size - 1
    largest = [-dist[i][a] if dist[i][a] is not None else sp.S.Zero for i in range(size)]
    smallest = [dist[a][i] if dist[a][i] is not None else sp.S.Zero for i in range(size)]
    return [largest, smallest]
