"""A method on a quadratic, one eigen-direction at a time: the iteration matrix T(λ).

On f(x) = ½(x − x*)ᵀA(x − x*) every method in :mod:`symopt.methods` that is
linear in (x, state) decouples along the eigenvectors of A. With the minimiser
shifted to 0, one eigen-direction with eigenvalue λ has g = λ·x and Newton
direction p = x, so one step is a linear map s ↦ T(λ)s of s = (x, state...).
T(λ) is *derived* from the method's rule (its Jacobian), never tabulated.

>>> from symopt.methods import gradient_descent, heavy_ball
>>> linear_recurrence(gradient_descent()).matrix
Matrix([[-alpha*lambda + 1]])
>>> linear_recurrence(heavy_ball(), alpha=1, beta="1/2").matrix
Matrix([
[1 - lambda, -1/2],
[    lambda,  1/2]])
>>> closed_form(gradient_descent(), lam=4).value
x_0*(1 - 4*alpha)**k
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symopt.errors import UnsupportedError
from symopt.memo import Memo
from symopt.methods.base import Method, coordinate_sum
from symopt.result import Finding
from symopt.symbols import symbol
from symopt.timeout import run_with_timeout

__all__ = [
    "LAMBDA",
    "X0",
    "K",
    "LinearRecurrence",
    "Z",
    "closed_form",
    "linear_recurrence",
    "public",
]

#: The eigenvalue symbol in results (canonical, real); internally λ > 0 is assumed.
LAMBDA = symbol("lambda")
#: The iteration counter (nonnegative integer) and the starting offset x₀ − x*.
K, X0 = symbol("k"), symbol("x_0")
#: The variable of characteristic polynomials.
Z = sp.Symbol("z")
# λ with the assumption a curvature of a convex quadratic carries; results are
# mapped back to LAMBDA by :func:`public`.
_LAM = sp.Symbol("lambda", positive=True)


def public(expr):
    """Map the internal positive λ back to the canonical symbol ``lambda``."""
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(public)
    if isinstance(expr, sp.Basic):
        return expr.xreplace({_LAM: LAMBDA})
    return expr


def internal(expr):
    """Map the canonical ``lambda`` to the internal positive λ (for sign reasoning)."""
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(internal)
    if isinstance(expr, sp.Basic):
        return expr.xreplace({LAMBDA: _LAM})
    return expr


@dataclass(frozen=True)
class LinearRecurrence:
    """s_{k+1} = T s_k for s = (x, state...) in one eigen-direction.

    ``matrix`` is T, ``variables`` the order of s, ``initial`` s₀ (x₀ and the
    state's initial values) and ``lam`` the eigenvalue it was built for.
    """

    matrix: sp.Matrix
    variables: tuple[sp.Symbol, ...]
    initial: tuple[sp.Expr, ...]
    lam: sp.Expr

    @property
    def characteristic_polynomial(self) -> sp.Poly:
        """det(zI − T) as a polynomial in z.

        >>> from symopt.methods import heavy_ball
        >>> linear_recurrence(heavy_ball()).characteristic_polynomial.all_coeffs()
        [1, alpha*lambda - beta - 1, beta]
        """
        n = self.matrix.rows
        return sp.Poly(public(sp.expand((Z * sp.eye(n) - internal(self.matrix)).det())), Z)

    def spectral_radius(self) -> sp.Expr:
        """max |eigenvalue of T| (exact; a Max/Abs expression when symbolic).

        >>> from symopt.methods import gradient_descent
        >>> linear_recurrence(gradient_descent(), alpha="1/10", lam=20).spectral_radius()
        1
        """
        roots = sp.roots(self.characteristic_polynomial, multiple=True)
        if len(roots) != self.matrix.rows:
            raise UnsupportedError("the characteristic polynomial has no closed-form roots")
        return sp.Max(*[sp.Abs(r) for r in roots])


def linear_recurrence(method: Method, lam: sp.Expr | str | float | None = None,
                      **hyperparameters: object) -> LinearRecurrence:
    """T(λ) for ``method`` in an eigen-direction with eigenvalue ``lam`` (symbolic λ by default).

    Raises :class:`~symopt.errors.UnsupportedError` when the rule is not a
    time-invariant linear map of (x, state) on a quadratic (adaptive methods,
    schedules, projections), saying why.

    >>> from symopt.methods import damped_newton
    >>> linear_recurrence(damped_newton()).matrix
    Matrix([[1 - alpha]])
    """
    lam_value = _LAM if lam is None else _number(lam)
    if method.projection is not None:
        raise UnsupportedError(f"{method.name} projects its iterates; the step is not linear")
    rule = method.rule(**hyperparameters)
    state = tuple(s.symbol for s in method.state)
    rows = (rule.x_next, *[rule.state_next[s] for s in state])
    if any(r.has(coordinate_sum) for r in rows):
        raise UnsupportedError(f"{method.name}'s update takes a sum over all coordinates (a "
                               "norm): the eigen-directions are coupled and the step is not "
                               "linear")
    jacobian = _jacobian(method.name, rows, (rule.x, *state), rule.g, rule.p, rule.t, lam_value)
    initial = (X0, *[s.init.subs(rule.x, X0) for s in method.state])
    return LinearRecurrence(sp.Matrix(jacobian), (rule.x, *state), tuple(initial),
                            public(lam_value))


@Memo("iteration matrix")
def _jacobian(name: str, rows: tuple, variables: tuple, g: sp.Symbol, p: sp.Symbol,
              t: sp.Symbol, lam_value: sp.Expr) -> sp.ImmutableMatrix:
    """T(λ) as an immutable matrix in the public λ (remembered: every problem of a method
    derives the same one)."""
    shifted = {g: lam_value * variables[0], p: variables[0]}
    x_next = rows[0]
    rows = [sp.expand(internal(r).xreplace(shifted)) for r in rows]
    if any(r.has(t) for r in rows):
        raise UnsupportedError(
            f"{name}'s update depends on the step counter t; it is not a "
            "time-invariant linear recurrence"
        )
    jacobian = sp.Matrix(rows).jacobian(variables)
    offset = sp.Matrix(rows).xreplace(dict.fromkeys(variables, 0))
    if jacobian.has(*variables) or any(v != 0 for v in offset):
        raise UnsupportedError(
            f"{name}'s update is not linear in (x, state) on a quadratic "
            f"(x' = {x_next}); no iteration matrix exists"
        )
    return sp.ImmutableMatrix(public(jacobian.applyfunc(sp.simplify)))


def closed_form(method: Method, lam: sp.Expr | str | float | None = None, *,
                seconds: float | None = None, **hyperparameters: object) -> Finding[sp.Expr]:
    """x_k in one eigen-direction as a closed form in k, x₀ (= x₀ − x*), λ and hyperparameters.

    Derived from the roots of det(zI − T): x_k = Σ cᵢ zᵢᵏ with the cᵢ fitted to
    x₀, x₁, … (a repeated root z contributes (c + c′k)zᵏ; a repeated root 0, a
    nilpotent block, contributes its first iterates as Kronecker deltas in k).

    >>> from symopt.methods import heavy_ball
    >>> closed_form(heavy_ball(), lam="1/4", alpha=1, beta="1/4").value
    2**(-k - 1)*x_0*(k + 2)
    """
    try:
        recurrence = linear_recurrence(method, lam, **hyperparameters)
        key = (sp.ImmutableMatrix(recurrence.matrix), recurrence.initial)
        value = _CLOSED_FORMS.get(key)
        if value is None:  # only a finished derivation is remembered
            value = _CLOSED_FORMS.put(key, run_with_timeout(_closed_form, recurrence,
                                                            seconds=seconds))
    except UnsupportedError as exc:
        return Finding.unknown(str(exc))
    except Exception as exc:  # a time limit or a SymPy failure: unknown, with why
        return Finding.unknown(f"no closed form: {exc}")
    condition = "" if value[1] is None else f" (for {value[1]}; a repeated root changes the form)"
    return Finding(value[0], "x_k = Σ cᵢ zᵢᵏ over the roots zᵢ of det(zI − T), cᵢ fitted "
                   f"to the first iterates{condition}")


#: Closed forms by (T, s₀): the same method gives the same one on every problem.
_CLOSED_FORMS = Memo("closed form")


def _closed_form(recurrence: LinearRecurrence) -> tuple[sp.Expr, sp.Expr | None]:
    T = internal(recurrence.matrix)
    n = T.rows
    poly = sp.Poly(sp.expand((Z * sp.eye(n) - T).det()), Z)
    roots = sp.roots(poly)
    if sum(roots.values()) != n:
        raise UnsupportedError("the characteristic polynomial has no closed-form roots")
    # The first n iterates x_0 … x_{n−1} fix the coefficients.
    s = sp.Matrix(recurrence.initial)
    firsts = []
    for _ in range(n):
        firsts.append(s[0])
        s = T * s
    coefficients = sp.symbols(f"c0:{n}")
    basis = []
    for root, multiplicity in roots.items():
        if root == 0 and multiplicity > 1:
            # A nilpotent block: its iterates are x_0, …, x_{m−1}, then 0 — (c + c′k)0ᵏ
            # cannot hold x_1 (it is 0 for every k ≥ 1), the Kronecker deltas can.
            basis += [sp.KroneckerDelta(K, j) for j in range(multiplicity)]
        else:
            basis += [K**j * root**K for j in range(multiplicity)]
    general = sum(c * b for c, b in zip(coefficients, basis))
    solution = _fit(basis, firsts)
    if solution is not None:
        solution = dict(zip(coefficients, solution))
    else:
        equations = [sp.Eq(general.subs(K, j), firsts[j]) for j in range(n)]
        found = sp.solve(equations, coefficients, dict=True)
        if not found:
            raise UnsupportedError("could not fit the closed form to the first iterates")
        solution = found[0]
    value = general.subs(solution)
    if value.free_symbols & set(coefficients):  # the first iterates did not fix every cᵢ
        raise UnsupportedError("could not fit the closed form to the first iterates")
    # simplify is slow on symbolic roots; together + factor_terms gives the same size there.
    value = sp.simplify(value) if value.free_symbols <= {K, X0} else sp.factor_terms(
        sp.together(value))
    condition = None
    if len(roots) > 1 and poly.free_symbols - {Z}:
        condition = public(sp.Ne(sp.discriminant(poly.as_expr(), Z), 0))
    return public(value), condition


def _fit(basis: list[sp.Expr], firsts: list[sp.Expr]) -> list[sp.Expr] | None:
    """The coefficients cᵢ with Σ cᵢ bᵢ(j) = x_j, j < n, by Cramer's rule for n ≤ 2 (None
    for larger n or a singular system: the caller solves). Expanded, as ``solve`` gives them.

    >>> z, w = sp.symbols("z w")
    >>> _fit([z**K, w**K], [1, 0])
    [w/(w - z), -z/(w - z)]
    """
    rows = [[b.subs(K, j) for b in basis] for j in range(len(basis))]
    if len(basis) == 1:
        (a,), = rows
        return None if a == 0 else [sp.expand(firsts[0] / a)]
    if len(basis) != 2:
        return None
    (a, b), (c, d) = rows
    det = sp.expand(a * d - b * c)
    if det == 0:
        return None
    x0, x1 = firsts
    return [sp.expand((x0 * d - b * x1) / det), sp.expand((a * x1 - c * x0) / det)]


def _number(value: object) -> sp.Expr:
    from symopt.methods.base import _exact

    return internal(_exact(value, "lambda"))
