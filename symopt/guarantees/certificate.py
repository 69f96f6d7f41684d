"""Certificates: a proof of ``measure ≤ bound`` that SymPy checks exactly.

A certificate writes the gap as a nonnegative combination of known inequalities
plus a sum of squares::

    bound − measure = Σᵢ λᵢ·cᵢ + vᵀ S v

where every ``cᵢ ≥ 0`` is an interpolation inequality of the function class or
an initial condition (``R² − ‖x₀ − x*‖² ≥ 0``), every ``λᵢ ≥ 0`` and ``S ⪰ 0``
over the parameter region. Then ``bound − measure ≥ 0``. Vectors are SymPy
symbols whose products stand for inner products (see
:mod:`symopt.guarantees.classes`): every term has degree 0 or 2 in the vector
symbols of ``basis``, so the identity in commuting symbols is one between
quadratic forms, hence valid for vectors of any dimension, and ``vᵀSv``
becomes ``trace(S·Gram) ≥ 0``.

:meth:`Certificate.verify` checks all three parts exactly and says how.

>>> import sympy as sp
>>> x, g, f = sp.symbols("x0 g0 f0", real=True)
>>> L = sp.Symbol("L", positive=True)
>>> # f0 − f* ≤ L/2 ‖x0 − x*‖² for L-smooth convex f, from the interpolation inequality (*, 0):
>>> c = -f + g * x - g**2 / (2 * L)              # f* ≥ f0 + ⟨g0, x* − x0⟩ + ‖g0‖²/(2L)
>>> cert = Certificate("f0 − f* ≤ (L/2)‖x0 − x*‖²", measure=f, bound=L * x**2 / 2,
...                    multipliers=((sp.S.One, c, "interp(*,0)"),), basis=(x, g),
...                    residual=sp.Matrix([[L / 2, -sp.S.Half], [-sp.S.Half, 1 / (2 * L)]]))
>>> cert.verify().value
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from symopt.errors import DomainError
from symopt.guarantees.classes import as_expr
from symopt.guarantees.positivity import Region, prove_nonnegative, prove_psd
from symopt.result import Finding

__all__ = ["Certificate"]


@dataclass(frozen=True)
class Certificate:
    """bound − measure = Σ λᵢ·cᵢ + vᵀ S v, with every cᵢ ≥ 0 a class/initial condition,
    every λᵢ ≥ 0 and S ⪰ 0 over the stated parameter region: then measure ≤ bound.

    ``multipliers`` holds ``(λᵢ, cᵢ, label)`` with ``cᵢ`` written as ``cᵢ ≥ 0``;
    ``basis`` lists the vector symbols v (every vector symbol of the
    expressions); ``residual`` is the symmetric matrix S; ``region`` the
    relations between parameters for which the statement is made.
    """

    statement: str
    measure: sp.Expr
    bound: sp.Expr
    multipliers: tuple[tuple[sp.Expr, sp.Expr, str], ...]
    basis: tuple[sp.Symbol, ...]
    residual: sp.Matrix
    region: tuple[sp.Basic, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if any(not isinstance(m, tuple) or len(m) != 3 for m in self.multipliers):
            raise DomainError("multipliers must be (λ, condition, label) triples")
        object.__setattr__(self, "measure", as_expr(self.measure))
        object.__setattr__(self, "bound", as_expr(self.bound))
        object.__setattr__(self, "multipliers", tuple(
            (as_expr(lam), as_expr(c), str(label)) for lam, c, label in self.multipliers))
        object.__setattr__(self, "basis", tuple(self.basis))
        object.__setattr__(self, "residual", sp.ImmutableMatrix(self.residual))
        object.__setattr__(self, "region", tuple(self.region))
        n = len(self.basis)
        if self.residual.shape != (n, n):
            raise DomainError(f"residual S must be {n}×{n} for a basis of {n} vectors, "
                              f"got {self.residual.shape}")
        if len(set(self.basis)) != n or not all(isinstance(v, sp.Symbol) for v in self.basis):
            raise DomainError("basis must be distinct symbols")

    @classmethod
    def from_multipliers(cls, statement: str, measure: sp.Expr, bound: sp.Expr,
                         multipliers: tuple[tuple[sp.Expr, sp.Expr, str], ...],
                         basis: tuple[sp.Symbol, ...], region: tuple[sp.Basic, ...] = (),
                         notes: tuple[str, ...] = ()) -> Certificate:
        """The certificate whose S is read off ``bound − measure − Σ λᵢcᵢ`` (half its Hessian).

        Only the multipliers are chosen; S is whatever is left, so :meth:`verify`
        decides whether the choice works (a leftover that is not a quadratic
        form in ``basis`` fails the identity, an indefinite one the PSD test).

        >>> x0, g0 = sp.symbols("x0 g0", real=True)
        >>> Certificate.from_multipliers("0 ≤ (x0 − g0)²", sp.S.Zero, (x0 - g0)**2, (),
        ...                              (x0, g0)).residual
        Matrix([
        [ 1, -1],
        [-1,  1]])
        """
        combination = sum((as_expr(lam) * c for lam, c, _ in multipliers), sp.S.Zero)
        left = sp.expand(as_expr(bound) - as_expr(measure) - combination)
        residual = _half_hessian(left, tuple(basis))
        return cls(statement, measure, bound, multipliers, tuple(basis), residual, tuple(region),
                   tuple(notes))

    def gap(self) -> sp.Expr:
        """bound − measure − Σ λᵢcᵢ − vᵀSv, which must vanish identically.

        >>> Certificate("0 ≤ 1", sp.S.Zero, sp.S.One, (), (), sp.zeros(0, 0)).gap()
        1
        """
        v = sp.Matrix(self.basis)
        quadratic = (v.T * self.residual * v)[0, 0] if self.basis else sp.S.Zero
        combination = sum((lam * c for lam, c, _ in self.multipliers), sp.S.Zero)
        return self.bound - self.measure - combination - quadratic

    def _check_shape(self) -> str | None:
        """Why the expressions are not quadratic forms in the basis (None if they are)."""
        basis = set(self.basis)
        for lam, _, label in self.multipliers:
            if lam.free_symbols & basis:
                return f"multiplier of {label} depends on a vector symbol"
        if any(e.free_symbols & basis for e in self.residual):
            return "the residual S depends on a vector symbol"
        named = [("measure", self.measure), ("bound", self.bound)]
        named += [(label, c) for _, c, label in self.multipliers]
        for name, expr in named:
            if not self.basis:
                continue
            num, den = sp.fraction(sp.together(expr))
            if den.free_symbols & basis:
                return f"{name} has a vector symbol in a denominator"
            try:
                monomials = sp.Poly(sp.expand(num), *self.basis).monoms()
            except sp.PolynomialError:
                return f"{name} is not a polynomial in the vector symbols"
            for monomial in monomials:
                if sum(monomial) not in (0, 2):
                    return (f"{name} has a term of degree {sum(monomial)} in the vector "
                            "symbols (only inner products, degree 2, and scalars, degree 0, "
                            "have a meaning)")
        return None

    def verify(self) -> Finding[bool]:
        """Check the certificate exactly: the identity, λᵢ ≥ 0 and S ⪰ 0 on the region.

        The identity is checked by ``sp.cancel``/``sp.expand`` (a polynomial
        identity in the vector symbols with rational coefficients in the
        parameters); signs by :mod:`symopt.guarantees.positivity` (exact
        LDLᵀ for numbers, principal minors / parametrised coefficients for
        symbols). True means proved; False carries what failed; unknown the
        reason a part could not be decided.

        >>> L = sp.Symbol("L", positive=True)
        >>> x = sp.Symbol("x0", real=True)
        >>> Certificate("‖x0‖² ≤ L‖x0‖²?", x**2, L * x**2, (), (x,), sp.Matrix([[L - 1]]),
        ...             (L >= 1,)).verify().value
        True
        """
        shape = self._check_shape()
        if shape is not None:
            return Finding(False, f"not a certificate: {shape}")
        remainder = sp.cancel(sp.together(self.gap()))
        if remainder != 0 and sp.expand(remainder) != 0:
            return Finding(False, "the identity bound − measure = Σ λᵢcᵢ + vᵀSv fails: "
                                  f"the difference is {sp.factor(remainder)}",
                           {"remainder": remainder})
        try:
            region = Region(self.region)
        except DomainError as exc:
            return Finding.unknown(f"region: {exc}")
        symbolic = 0
        unknown: list[str] = []
        for lam, _, label in self.multipliers:
            found = prove_nonnegative(lam, region)
            if found.value is False:
                return Finding(False, f"multiplier of {label} is negative somewhere on the region: "
                                      f"{found.reason}", {"label": label, **found.evidence})
            if found.value is None:
                unknown.append(f"λ of {label} = {lam}: {found.reason}")
            symbolic += not lam.is_number
        psd = prove_psd(self.residual, region)
        if psd.value is False:
            return Finding(False, f"the residual S is not PSD: {psd.reason}", dict(psd.evidence))
        if psd.value is None:
            unknown.append(f"S ⪰ 0: {psd.reason}")
        if unknown:
            return Finding.unknown("identity verified exactly, but " + "; ".join(unknown))
        where = f" on the region {', '.join(map(str, self.region))}" if self.region else ""
        count = len(self.multipliers)
        signs = (f"{count - symbolic} numeric λᵢ ≥ 0 exactly"
                 + (f", {symbolic} symbolic λᵢ ≥ 0{where} (nonnegative parametrisation, "
                    "one-sign coefficients)" if symbolic else ""))
        return Finding(True, "certificate (exact): bound − measure = Σ λᵢcᵢ + vᵀSv verified as "
                             f"an identity (sp.cancel; {count} condition(s), basis "
                             f"{', '.join(map(str, self.basis)) or '∅'}); {signs}; S ⪰ 0 "
                             f"({psd.reason})")

    def conditions_used(self) -> tuple[str, ...]:
        """Labels of the conditions with a nonzero multiplier.

        >>> Certificate("0 ≤ 1", sp.S.Zero, sp.S.One, ((0, sp.S.One, "a"), (1, sp.S.One, "b")),
        ...             (), sp.zeros(0, 0)).conditions_used()
        ('b',)
        """
        return tuple(label for lam, _, label in self.multipliers if lam != 0)

    def describe(self) -> str:
        """The certificate in words, one line per part.

        >>> print(Certificate("0 ≤ 1", sp.S.Zero, sp.S.One, ((1, sp.S.One, "c"),), (),
        ...                   sp.zeros(0, 0)).describe())
        0 ≤ 1
          measure: 0    bound: 1
          1 · [c]
        """
        lines = [self.statement, f"  measure: {self.measure}    bound: {self.bound}"]
        if self.region:
            lines.append(f"  region: {', '.join(map(str, self.region))}")
        lines += [f"  {lam} · [{label}]" for lam, _, label in self.multipliers if lam != 0]
        if self.basis and not self.residual.is_zero_matrix:
            lines.append(f"  + vᵀSv with v = ({', '.join(map(str, self.basis))}), "
                         f"S = {self.residual.tolist()}")
        return "\n".join(lines)


def _half_hessian(expr: sp.Expr, basis: tuple[sp.Symbol, ...]) -> sp.Matrix:
    """Half the Hessian of ``expr`` in ``basis``, each entry factored.

    Each first derivative is taken once and S is filled symmetrically: the
    mixed derivatives of a SymPy expression do not depend on the order.

    >>> x, y = sp.symbols("x y", real=True)
    >>> _half_hessian(x**2 + 3*x*y, (x, y))
    Matrix([
    [  1, 3/2],
    [3/2,   0]])
    """
    n = len(basis)
    first = [sp.diff(expr, v) for v in basis]
    entries: dict[tuple[int, int], sp.Expr] = {}
    for i in range(n):
        for j in range(i, n):
            entries[i, j] = entries[j, i] = sp.factor(sp.diff(first[i], basis[j]) / 2)
    return sp.Matrix(n, n, lambda i, j: entries[i, j])

