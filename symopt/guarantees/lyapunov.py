"""Potential (Lyapunov) certificates: textbook rates over a class, for symbolic L, μ, α, N.

A rate over N steps is proved in three exact pieces and one rule of logic:

* **step** — a :class:`~symopt.guarantees.certificate.Certificate` that the
  potential φ decreases at rate ρ in one step, φ_{k+1} ≤ ρ·φ_k, for a symbolic
  step index k ≥ 0; the point x_{k+1} comes from the method's own ``rule()``
  (g replaced by the gradient at x_k), the inequalities from the class's
  :meth:`~symopt.guarantees.classes.FunctionClass.inequality`;
* **start** — φ_0 ≤ B₀ from the initial condition (or φ_1 ≤ B₀ at the state after
  the first step, when φ_0 would carry a term the initial condition does not bound);
* **finish** — measure_N ≤ c_N·φ_N;
* **induction** — with ρ ≥ 0, φ_N ≤ ρ^N·φ_0 for every N ≥ 0, so
  measure_N ≤ c_N·ρ^N·B₀; a stated bound is then compared with this one by
  :mod:`~symopt.guarantees.positivity`.

Statements (:data:`STATEMENTS`), for gradient descent x⁺ = x − α∇f(x) unless said:

* ``descent`` — L-smooth f: f(x⁺) ≤ f(x) − α(1 − Lα/2)‖∇f(x)‖², any α > 0
  (Nesterov 2004, Lemma 1.2.3);
* ``monotone`` — L-smooth convex, 0 < α ≤ 2/L: f(x_{k+1}) ≤ f(x_k);
* ``convex_rate`` — L-smooth convex, 0 < α ≤ 1/L: f(x_N) − f* ≤ ‖x₀ − x*‖²/(2αN),
  potential 2αk(f_k − f*) + ‖x_k − x*‖² (Bubeck 2015, Thm 3.3; Nesterov Cor. 2.1.2);
* ``distance`` — L-smooth μ-strongly convex, 0 < α < 2/L:
  ‖x_N − x*‖² ≤ max((1 − αμ)², (1 − αL)²)^N ‖x₀ − x*‖², split at α = 2/(μ + L)
  (the gradient step is a max(|1 − αμ|, |1 − αL|)-contraction; Ryu & Boyd 2016, §A);
* ``function_values`` — L-smooth μ-strongly convex, α = 1/L:
  f(x_N) − f* ≤ (1 − μ/L)^N (f(x₀) − f*) (Nesterov 2004, Thm 2.1.15; seed 002's (1 − 1/κ)^T);
* ``nesterov_strongly_convex`` — Nesterov's method, α = 1/L, β = (1 − √(μ/L))/(1 + √(μ/L)):
  f(x_N) − f* ≤ (1 − √(μ/L))^N (L + μ)/2 ‖x₀ − x*‖² (Nesterov 2004, Thm 2.2.3), with the
  potential f(x_k) − f* + (μ/2)‖z_k − x*‖² read through the method's momentum state;
* ``fast_gradient_convex`` — the fast gradient method (Nesterov's look-ahead form, α = 1/L,
  β_t = (t − 1)/(t + 2)) on L-smooth convex f: f(x_N) − f* ≤ 2L‖x₀ − x*‖²/(N + 1)²
  (Beck & Teboulle 2009, Lemma 4.1 and Thm 4.4), potential t_k²(f(x_k) − f*) + (L/2)‖u_k‖²
  with t_k = (k + 1)/2, started at k = 1.

The multipliers were derived by hand (the derivations are in each builder's
docstring); S is read off the remainder and every piece is verified exactly.

>>> proof = certify("convex_rate", smooth_convex("L"), "gd")
>>> proof.verify().value
True
>>> proof.certified_bound()
R**2/(2*N*alpha)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees.certificate import Certificate
from symopt.guarantees.classes import (
    FunctionClass,
    Oracle,
    as_expr,
    smooth,
    smooth_convex,
    smooth_strongly_convex,
)
from symopt.guarantees.positivity import prove_nonnegative
from symopt.result import Finding
from symopt.symbols import symbol

__all__ = [
    "STATEMENTS",
    "CaseSplit",
    "InductionProof",
    "TelescopingProof",
    "certify",
    "certify_bound",
    "dominates",
    "gradient_step",
    "steps_of",
]

K, N = symbol("k"), symbol("N")
#: ‖x₀ − x*‖ ≤ R and f(x₀) − f* ≤ Δ; both are ≥ 0 (a norm; f(x₀) ≥ f*).
R, DELTA = sp.Symbol("R", nonnegative=True), sp.Symbol("Delta", nonnegative=True)
X_K, G_K, F_K = (sp.Symbol(n, real=True) for n in ("x_k", "g_k", "f_k"))
G_NEXT, F_NEXT = sp.Symbol("g_{k+1}", real=True), sp.Symbol("f_{k+1}", real=True)
X_0, F_0 = sp.Symbol("x_0", real=True), sp.Symbol("f_0", real=True)
X_N, F_N = sp.Symbol("x_N", real=True), sp.Symbol("f_N", real=True)
STAR = Oracle.optimum()
HERE, FIRST, LAST = (Oracle(X_K, G_K, F_K, "k"), Oracle(X_0, sp.S.Zero, F_0, "0"),
                     Oracle(X_N, sp.S.Zero, F_N, "N"))


# -- the step, from the method's rule -------------------------------------------------------

def gradient_step(method: object, **hyperparameters: object) -> sp.Expr:
    """The step size s of a method whose rule is x⁺ = x − s·g (s free of x and g).

    Read from the method's ``rule()``; a method with state, a schedule or any
    other form is refused (its potentials are not built here).

    >>> gradient_step("gd")
    alpha
    >>> gradient_step("gd", alpha="1/4")
    1/4
    """
    from symopt.methods import Method, get_method

    m = method if isinstance(method, Method) else get_method(str(method))
    rule = m.rule(**hyperparameters)
    if rule.state_next:
        raise UnsupportedError(f"{m.name} keeps state ({', '.join(map(str, rule.state_next))}); "
                               "the one-step potentials here are for x⁺ = x − s·∇f(x)")
    update = sp.expand(rule.x_next - rule.x)
    step = -update.coeff(rule.g, 1)
    if (rule.t in update.free_symbols or rule.p in update.free_symbols
            or sp.expand(update + step * rule.g) != 0
            or step.free_symbols & {rule.x, rule.g}):
        raise UnsupportedError(f"{m.name}'s update {update} is not x⁺ = x − s·∇f(x) with a "
                               "constant step s")
    return step


def _next_point(method: object, **hyperparameters: object) -> Oracle:
    """x_{k+1}: the method's ``rule()`` at x = x_k with g replaced by the gradient g_k there."""
    from symopt.methods import Method, get_method

    m = method if isinstance(method, Method) else get_method(str(method))
    rule = m.rule(**hyperparameters)
    return Oracle(rule.x_next.xreplace({rule.x: X_K, rule.g: G_K}), G_NEXT, F_NEXT, "k+1")


def _step_of(nxt: Oracle) -> sp.Expr:
    """s in x_{k+1} = x_k − s·g_k (checked by :func:`gradient_step` before)."""
    return -sp.expand(nxt.x).coeff(G_K, 1)


# -- proofs ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InductionProof:
    """measure_N ≤ c_N·ρ^N·B₀ from a one-step potential certificate, by induction on N.

    ``potential(i, x, f)`` is φ_i; ``step`` certifies φ_{k+1} ≤ ρ·φ_k, ``start``
    φ_0 ≤ B₀ and ``finish`` measure_N ≤ c_N·φ_N. ``stated`` (optional) is the
    bound claimed, to be shown ≥ the certified one on the region.
    """

    statement: str
    potential: Callable[[sp.Expr, sp.Expr, sp.Expr], sp.Expr] = field(repr=False)
    rate: sp.Expr
    factor: sp.Expr
    step: Certificate
    start: Certificate
    finish: Certificate
    next_point: Oracle
    region: tuple[sp.Basic, ...] = ()
    stated: sp.Expr | None = None
    steps: sp.Expr = N
    notes: tuple[str, ...] = field(default=(), compare=False)
    #: the state at k, 0 and N (``x`` may be a Tuple of vectors) and the value φ reads there
    current: Oracle = HERE
    first: Oracle = FIRST
    last: Oracle = LAST
    #: state → the point whose function value φ reads (None: the state is that point)
    anchor: Callable[[sp.Expr], sp.Expr] | None = field(default=None, repr=False)
    #: the step's points and class: every interp(·,·) condition must be an inequality of
    #: ``cls`` between two of them, and φ's values must be taken at the anchors
    oracles: tuple[Oracle, ...] = ()
    cls: FunctionClass | None = None
    #: parameters of the statement the proof writes through others (μ → L s²), for ``stated``
    renamed: tuple[tuple[sp.Expr, sp.Expr], ...] = ()
    #: k₀ (0 or 1): ``start`` bounds φ_{k₀} at ``first`` (the state after k₀ steps), ``step``
    #: holds for every k ≥ k₀, and φ_N ≤ ρ^(N − k₀)·φ_{k₀} for every N ≥ max(1, k₀)
    start_index: int = 0

    def certified_bound(self) -> sp.Expr:
        """c_N·ρ^(N − k₀)·B₀, the bound the three certificates prove together (at ``steps``)."""
        power = self.rate ** (N - self.start_index)
        return sp.simplify((self.factor * power * self.start.bound).subs(N, self.steps))

    def verify(self) -> Finding[bool]:
        """Verify the three certificates, that they chain, ρ ≥ 0, c_N ≥ 0 and stated ≥ certified.

        >>> from symopt.guarantees import smooth_strongly_convex
        >>> certify("function_values", smooth_strongly_convex("L", "mu"), "gd",
        ...         alpha="1/L").verify().value
        True
        """
        phi, now, nxt, origin = self.potential, self.current, self.next_point, self.start_index
        if origin not in (0, 1):
            return Finding(False, f"start index {origin}: the induction here starts at k₀ = 0 "
                                  "or 1 (N ≥ 1)")
        links = [
            ("step measure is φ_{k+1}", self.step.measure - phi(K + 1, nxt.x, nxt.f)),
            ("step bound is ρ·φ_k", self.step.bound - self.rate * phi(K, now.x, now.f)),
            (f"start measure is φ_{origin}",
             self.start.measure - phi(sp.Integer(origin), self.first.x, self.first.f)),
            ("finish bound is c_N·φ_N",
             self.finish.bound - self.factor * phi(N, self.last.x, self.last.f)),
        ]
        for what, difference in links:
            if sp.simplify(difference) != 0:
                return Finding(False, f"the certificates do not chain: {what} fails "
                                      f"(difference {sp.simplify(difference)})")
        wrong = self._points_wrong()
        if wrong:
            return Finding(False, f"the step certificate's points do not match: {wrong}")
        reasons = {}
        for name, cert in (("step", self.step), ("start", self.start), ("finish", self.finish)):
            found = cert.verify()
            if not found.known or found.value is False:
                return Finding(found.value, f"{name} certificate: {found.reason}",
                               dict(found.evidence))
            reasons[name] = found.reason
        for what, expr in (("ρ", self.rate), ("c_N", self.factor)):
            found = prove_nonnegative(expr, (*self.region, N >= 1))
            if found.value is not True:
                return Finding(found.value, f"{what} = {expr} ≥ 0: {found.reason}")
        summary = (f"certificate (exact): φ_{{k+1}} ≤ ({self.rate})·φ_k for every k ≥ 0, "
                   f"φ_{origin} ≤ {self.start.bound}, measure ≤ ({self.factor})·φ_N (three "
                   "certificates verified exactly), so by induction on N "
                   f"measure ≤ {self.certified_bound()}")
        if self.stated is not None:
            stated = self.stated.subs(dict(self.renamed))
            found = dominates(stated, self.certified_bound(), self.region)
            if found.value is not True:
                return Finding.unknown(f"{summary}; but the stated bound {self.stated} is not "
                                       f"shown ≥ it: {found.reason}", **found.evidence)
            summary += f" ≤ stated {self.stated} ({found.reason})"
        return Finding(True, summary, {"certificates": reasons})

    def describe(self) -> str:
        """The proof in words: the statement, the potential and the three certificates.

        >>> print(certify("convex_rate", smooth_convex("L")).describe().splitlines()[1])
          φ_k = 2*alpha*f_k*k + x_k**2, φ_{k+1} ≤ (1)·φ_k
        """
        lines = [self.statement,
                 f"  φ_k = {self.potential(K, self.current.x, self.current.f)}, "
                 f"φ_{{k+1}} ≤ ({self.rate})·φ_k",
                 f"  bound: {self.certified_bound()}"
                 + (f" (stated {self.stated})" if self.stated is not None else "")]
        for name, cert in (("step", self.step), ("start", self.start), ("finish", self.finish)):
            lines.append(f"  {name}: " + cert.describe().replace("\n", "\n    "))
        return "\n".join(lines)

    def _points_wrong(self) -> str | None:
        """Why the step's conditions or φ's values are not at the declared points (None: fine)."""
        if self.cls is None or not self.oracles:
            return None
        anchor = self.anchor or (lambda state: state)
        at = {o.f: o.x for o in self.oracles}
        for state, value in ((self.current.x, self.current.f),
                             (self.next_point.x, self.next_point.f)):
            if value not in at or sp.simplify(sp.expand(at[value] - anchor(state))) != 0:
                return f"φ reads {value}, which is not f at {anchor(state)}"
        pairs = [(a, b) for a in self.oracles for b in self.oracles if a is not b]
        for _, condition, label in self.step.multipliers:
            if not label.startswith("interp"):
                continue
            if not any(sp.expand(condition - self.cls.inequality(a, b)) == 0 for a, b in pairs):
                return f"{label} is not an inequality of {self.cls.name} between the points"
        return None


@dataclass(frozen=True)
class CaseSplit:
    """A statement proved separately on the pieces of its region (e.g. α ≤ 2/(μ+L) and above).

    The pieces are the region with ``relation`` added and with its negation
    (closed) added, so they cover the region by construction.
    """

    statement: str
    relation: sp.Rel
    cases: tuple[InductionProof, InductionProof]
    region: tuple[sp.Basic, ...]
    stated: sp.Expr | None = None

    def describe(self) -> str:
        """The two cases, each described.

        >>> from symopt.guarantees import smooth_strongly_convex
        >>> certify("distance", smooth_strongly_convex("L", "mu")).describe().count("φ_k =")
        2
        """
        return "\n".join([self.statement, *(f"case {c.region[-1]}: " + c.describe()
                                             for c in self.cases)])

    def certified_bound(self) -> sp.Expr:
        """Each case's bound, as a Piecewise."""
        first, second = self.cases
        return sp.Piecewise((first.certified_bound(), self.relation),
                            (second.certified_bound(), True))

    def verify(self) -> Finding[bool]:
        """Each case verified on its piece; the pieces cover the region.

        >>> from symopt.guarantees import smooth_strongly_convex
        >>> certify("distance", smooth_strongly_convex("L", "mu"), "gd").verify().value
        True
        """
        rel = self.relation
        closed = {sp.StrictLessThan: sp.GreaterThan, sp.LessThan: sp.GreaterThan,
                  sp.StrictGreaterThan: sp.LessThan, sp.GreaterThan: sp.LessThan}[type(rel)]
        other = closed(rel.lhs, rel.rhs)
        expected = ((*tuple(self.region), rel), (*tuple(self.region), other))
        for case, region in zip(self.cases, expected):
            if set(case.region) != set(region):
                return Finding(False, f"case region {case.region} is not the region with "
                                      f"{region[-1]}")
        reasons = []
        for case in self.cases:
            found = case.verify()
            if found.value is not True:
                return Finding(found.value, f"case {case.region[-1]}: {found.reason}",
                               dict(found.evidence))
            reasons.append(f"case {case.region[-1]}: "
                           + found.reason.removeprefix("certificate (exact): "))
        return Finding(True, "certificate (exact), in two cases covering the region: "
                             + "; ".join(reasons))


@dataclass(frozen=True)
class TelescopingProof:
    """min_{0≤k<N} a_k ≤ B₀/(c·N) from c·a_k ≤ φ_k − φ_{k+1}, summed over k < N.

    ``step`` certifies c·a_k + φ_{k+1} ≤ φ_k (``term`` is a_k at the current point),
    ``start`` certifies φ_0 − φ_N ≤ B₀; the sum telescopes to c·Σ a_k ≤ φ_0 − φ_N ≤ B₀
    and the smallest term is at most the mean.
    """

    statement: str
    potential: Callable[[sp.Expr, sp.Expr, sp.Expr], sp.Expr] = field(repr=False)
    term: sp.Expr
    weight: sp.Expr
    step: Certificate
    start: Certificate
    next_point: Oracle
    region: tuple[sp.Basic, ...] = ()
    stated: sp.Expr | None = None
    steps: sp.Expr = N
    oracles: tuple[Oracle, ...] = ()
    cls: FunctionClass | None = None

    def describe(self) -> str:
        """The proof in words.

        >>> print(certify("min_gradient", smooth("L")).describe().splitlines()[1])
          alpha*(-L*alpha/2 + 1)·g_k**2 ≤ φ_k − φ_{k+1}, φ_k = f_k
        """
        lines = [self.statement,
                 f"  {self.weight}·{self.term} ≤ φ_k − φ_{{k+1}}, φ_k = "
                 f"{self.potential(K, X_K, F_K)}",
                 f"  bound: {self.certified_bound()}"
                 + (f" (stated {self.stated})" if self.stated is not None else "")]
        for name, cert in (("step", self.step), ("start", self.start)):
            lines.append(f"  {name}: " + cert.describe().replace("\n", "\n    "))
        return "\n".join(lines)

    def certified_bound(self) -> sp.Expr:
        """B₀/(c·N) at ``steps``."""
        return sp.simplify((self.start.bound / (self.weight * N)).subs(N, self.steps))

    def verify(self) -> Finding[bool]:
        """The two certificates, that they chain, c > 0, and stated ≥ certified.

        >>> certify("min_gradient", smooth("L"), "gd").verify().value
        True
        """
        phi, nxt = self.potential, self.next_point
        links = [("step measure is c·a_k + φ_{k+1}",
                  self.step.measure - self.weight * self.term - phi(K + 1, nxt.x, nxt.f)),
                 ("step bound is φ_k", self.step.bound - phi(K, X_K, F_K)),
                 ("start measure is φ_0 − φ_N",
                  self.start.measure - phi(sp.S.Zero, X_0, F_0) + phi(N, X_N, F_N))]
        for what, difference in links:
            if sp.simplify(difference) != 0:
                return Finding(False, f"the certificates do not chain: {what} fails")
        if self.cls is not None:
            pairs = [(a, b) for a in self.oracles for b in self.oracles if a is not b]
            for _, condition, label in self.step.multipliers:
                if label.startswith("interp") and not any(
                        sp.expand(condition - self.cls.inequality(a, b)) == 0 for a, b in pairs):
                    return Finding(False, f"{label} is not an inequality of {self.cls.name}")
        reasons = {}
        for name, cert in (("step", self.step), ("start", self.start)):
            found = cert.verify()
            if found.value is not True:
                return Finding(found.value, f"{name} certificate: {found.reason}",
                               dict(found.evidence))
            reasons[name] = found.reason
        found = prove_nonnegative(self.weight, self.region, strict=True)
        if found.value is not True:
            return Finding(found.value, f"c = {self.weight} > 0: {found.reason}")
        summary = (f"certificate (exact): ({self.weight})·{self.term} ≤ φ_k − φ_{{k+1}} for every "
                   f"k ≥ 0 and φ_0 − φ_N ≤ {self.start.bound} (two certificates verified "
                   "exactly); summed over k < N and the minimum ≤ the mean: "
                   f"min ≤ {self.certified_bound()}")
        if self.stated is not None:
            found = dominates(self.stated, self.certified_bound(), self.region)
            if found.value is not True:
                return Finding.unknown(f"{summary}; but the stated bound {self.stated} is not "
                                       f"shown ≥ it: {found.reason}", **found.evidence)
            summary += f" ≤ stated {self.stated} ({found.reason})"
        return Finding(True, summary, {"certificates": reasons})


Proof = Certificate | InductionProof | CaseSplit | TelescopingProof


# -- comparing bounds --------------------------------------------------------------------------

def _resolve(expr: sp.Expr, region: tuple[sp.Basic, ...]) -> sp.Expr | None:
    """Replace Max/Min/Abs by the argument that is provably the value on the region."""
    for node in sorted(expr.atoms(sp.Max, sp.Min, sp.Abs), key=sp.count_ops):
        if isinstance(node, sp.Abs):
            arg = node.args[0]
            if prove_nonnegative(arg, region).value is True:
                expr = expr.subs(node, arg)
            elif prove_nonnegative(-arg, region).value is True:
                expr = expr.subs(node, -arg)
            else:
                return None
            continue
        chosen = None
        for a in node.args:
            rest = [b for b in node.args if b is not a]
            sign = 1 if isinstance(node, sp.Max) else -1
            if all(prove_nonnegative(sign * (a - b), region).value is True for b in rest):
                chosen = a
                break
        if chosen is None:
            return None
        expr = expr.subs(node, chosen)
    return expr


def _split_power(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """expr = C·E^N with C, E free of N in exponents (E = 1 when N is no exponent)."""
    coefficient, base = sp.S.One, sp.S.One
    for factor in sp.Mul.make_args(sp.powsimp(sp.expand_power_base(expr, force=True))):
        b, e = factor.as_base_exp()
        if N in e.free_symbols:
            per, const = sp.expand(e).coeff(N, 1), sp.expand(e).coeff(N, 0)
            if N in per.free_symbols or N in const.free_symbols:
                return expr, sp.S.One
            base *= b**per
            coefficient *= b**const
        else:
            coefficient *= factor
    return coefficient, base


def dominates(stated: sp.Expr, certified: sp.Expr,
              region: tuple[sp.Basic, ...] = ()) -> Finding[bool]:
    """Whether stated ≥ certified ≥ 0 on the region (N ≥ 1), exactly.

    Max/Min/Abs are resolved where the region decides them; a factor E^N is
    compared by its base (C_s·E_s^N ≥ C_c·E_c^N when C_s ≥ C_c ≥ 0 and
    E_s ≥ E_c ≥ 0). False only with an exact point of the region where the
    stated bound, or its rate E_s, is below the certified one (a smaller rate
    makes the stated bound the smaller one for N large, where C_c > 0).

    >>> L, mu = symbol("L"), symbol("mu")
    >>> dominates((1 - mu / L) ** N, (1 - mu / L) ** N * sp.Rational(1, 2), (mu < L,)).value
    True
    >>> dominates(R**2 / (3 * symbol("alpha") * N), R**2 / (2 * symbol("alpha") * N)).value
    False
    """
    region = (*tuple(region), N >= 1)
    s, c = _resolve(as_expr(stated), region), _resolve(as_expr(certified), region)
    if s is None or c is None:
        return Finding.unknown("could not decide a max/min/abs in the bounds on the region")
    cs, es = _split_power(s)
    cc, ec = _split_power(c)
    if es == 1 and ec == 1:
        found = prove_nonnegative(s - c, region)
        return Finding(found.value, f"stated − certified ≥ 0: {found.reason}", found.evidence) \
            if found.known else found
    checks = [("C_s − C_c", cs - cc), ("C_c", cc), ("E_s − E_c", es - ec), ("E_c", ec)]
    reasons = []
    for name, expr in checks:
        found = prove_nonnegative(expr, region)
        if found.value is not True:
            if found.value is False and name == "E_s − E_c":
                return Finding(False, f"the stated rate {es} is below the certified {ec} "
                                      f"somewhere: {found.reason}", found.evidence)
            if found.value is False and name == "C_s − C_c" and es == ec:
                return Finding(False, f"the stated constant {cs} is below the certified {cc}: "
                                      f"{found.reason}", found.evidence)
            return Finding.unknown(f"{name} = {expr} ≥ 0 not shown: {found.reason}")
        reasons.append(name)
    return Finding(True, f"C·E^N compared factor by factor ({', '.join(reasons)} ≥ 0)")


# -- the statements ----------------------------------------------------------------------------

def _constants(cls: FunctionClass) -> tuple[sp.Expr, sp.Expr, tuple[sp.Basic, ...]]:
    L, mu = cls.L, cls.mu
    relation = sp.Lt(mu, L)
    return L, mu, (() if relation is sp.true else (relation,))


def _alpha_region(step: sp.Expr, relations: tuple[sp.Basic, ...]) -> tuple[sp.Basic, ...]:
    """The region's relations on the step; a relation that is False means the step is outside."""
    out = []
    for rel in relations:
        if rel is sp.true:
            continue
        if rel is sp.false:
            raise DomainError(f"the step α = {step} is outside the region this potential needs")
        out.append(rel)
    return tuple(out)


def _descent(cls: FunctionClass, nxt: Oracle) -> Certificate:
    """f(x⁺) ≤ f(x) − α(1 − Lα/2)‖g‖² for L-smooth f.

    Hand derivation: with d = x⁺ − x and e = g⁺ − g, the smooth class's
    inequality (x, x⁺) reads f − f⁺ + ⟨g, d⟩ + ⟨e, d⟩/2 − ‖e‖²/(4L) + L‖d‖²/4 ≥ 0;
    f + ⟨g, d⟩ + L‖d‖²/2 − f⁺ exceeds it by ‖Ld − e‖²/(4L). Multiplier 1; d = −αg
    turns the left side into the statement.
    """
    step = _step_of(nxt)
    big = smooth(cls.L)
    here = HERE
    L, _, _ = _constants(cls)
    return Certificate.from_multipliers(
        f"descent lemma: f(x_{{k+1}}) ≤ f(x_k) − α(1 − Lα/2)‖∇f(x_k)‖² for every {L}-smooth f "
        f"(α = {step})",
        measure=F_NEXT, bound=F_K - step * (1 - L * step / 2) * G_K**2,
        multipliers=((sp.S.One, big.inequality(here, nxt), "interp(k,k+1)"),),
        basis=(X_K, G_K, G_NEXT), region=_alpha_region(step, ()),
        notes=("smooth(L) contains every F_{μ,L}, so the lemma holds for the class given",))


def _monotone(cls: FunctionClass, nxt: Oracle) -> Certificate:
    """f(x_{k+1}) ≤ f(x_k) for L-smooth convex f and 0 < α ≤ 2/L.

    Hand derivation: the convex inequality (x_k, x_{k+1}) gives
    f_k − f_{k+1} ≥ α⟨g_{k+1}, g_k⟩ + ‖g_k − g_{k+1}‖²/(2L); the right side is the
    form [[1/(2L), (α − 1/L)/2], [·, 1/(2L)]] in (g_k, g_{k+1}), PSD iff |α − 1/L| ≤ 1/L.
    """
    step = _step_of(nxt)
    L = cls.L
    convex = smooth_convex(L)
    here = HERE
    return Certificate.from_multipliers(
        f"monotone: f(x_{{k+1}}) ≤ f(x_k) for every {L}-smooth convex f, 0 < α ≤ 2/L",
        measure=F_NEXT, bound=F_K,
        multipliers=((sp.S.One, convex.inequality(here, nxt), "interp(k,k+1)"),),
        basis=(X_K, G_K, G_NEXT), region=_alpha_region(step, (step <= 2 / L,)))


def _convex_rate(cls: FunctionClass, nxt: Oracle) -> InductionProof:
    """f(x_N) − f* ≤ R²/(2αN), potential φ_k = 2αk(f_k − f*) + ‖x_k − x*‖².

    Hand derivation of φ_{k+1} ≤ φ_k: multipliers 2α(k+1) on the inequality
    (x_k, x_{k+1}) (f_k ≥ f_{k+1} + ⟨g_{k+1}, x_k − x_{k+1}⟩ + ‖g_k − g_{k+1}‖²/(2L)) and
    2α on (x*, x_k) (f* ≥ f_k − ⟨g_k, x_k⟩ + ‖g_k‖²/(2L)); the function values and
    ⟨g_k, x_k⟩ cancel, leaving α/L·[[k+2 − αL, (k+1)(αL − 1)], [·, k+1]] in (g_k, g_{k+1}),
    whose determinant is (α/L)²(k+1)((1 − u) + (k+1)u(2 − u)) ≥ 0 for u = αL ≤ 1.
    """
    step = _step_of(nxt)
    L = cls.L
    convex = smooth_convex(L)
    region = _alpha_region(step, (step <= 1 / L,))
    here = HERE

    def phi(i, x, f):
        return 2 * step * i * f + x**2

    one = Certificate.from_multipliers(
        "φ_{k+1} ≤ φ_k with φ_k = 2αk(f_k − f*) + ‖x_k − x*‖²",
        measure=phi(K + 1, nxt.x, nxt.f), bound=phi(K, X_K, F_K),
        multipliers=((2 * step * (K + 1), convex.inequality(here, nxt), "interp(k,k+1)"),
                     (2 * step, convex.inequality(STAR, here), "interp(*,k)")),
        basis=(X_K, G_K, G_NEXT), region=region)
    start = Certificate.from_multipliers(
        "φ_0 = ‖x_0 − x*‖² ≤ R²", measure=phi(sp.S.Zero, X_0, F_0), bound=R**2,
        multipliers=((sp.S.One, R**2 - X_0**2, "initial ‖x_0 − x*‖² ≤ R²"),), basis=(X_0,))
    factor = 1 / (2 * step * N)
    finish = Certificate.from_multipliers(
        "f_N − f* ≤ φ_N/(2αN) (drop ‖x_N − x*‖² ≥ 0)", measure=F_N,
        bound=factor * phi(N, X_N, F_N), multipliers=(), basis=(X_N,), region=region)
    return InductionProof(
        f"GD on {L}-smooth convex f, 0 < α ≤ 1/L: f(x_N) − f* ≤ ‖x_0 − x*‖²/(2αN)",
        phi, sp.S.One, factor, one, start, finish, nxt, region,
        oracles=(here, nxt, STAR), cls=convex)


def _distance_case(cls: FunctionClass, nxt: Oracle, region: tuple[sp.Basic, ...],
                   low: bool) -> InductionProof:
    """‖x_{k+1}‖² ≤ ρ²‖x_k‖² with ρ = 1 − αμ (low) or αL − 1 (high).

    Hand derivation: the pair (x_k, x*) of F_{μ,L} inequalities adds up to
    ((L + μ)⟨g, x⟩ − μL‖x‖² − ‖g‖²)/(L − μ) ≥ 0. With g = h·x in one direction the
    remainder ρ²‖x‖² − ‖x − αg‖² − λ·(pair) is ‖x‖²(ρ² − (1 − αh)² − λ/(L−μ)(h−μ)(L−h)),
    a quadratic in h that vanishes at the end point h* (μ or L) where |1 − αh| peaks;
    it is ≥ 0 when its slope is zero there too: λ = 2α(1 − αμ) (h* = μ) or
    λ = 2α(αL − 1) (h* = L). Its leading coefficient is then α|2 − α(L + μ)|/(L − μ) ≥ 0.
    """
    step = _step_of(nxt)
    L, mu = cls.L, cls.mu
    here = HERE
    rho = 1 - step * mu if low else step * L - 1
    lam = 2 * step * rho

    def phi(i, x, f):
        return x**2

    one = Certificate.from_multipliers(
        f"‖x_{{k+1}} − x*‖² ≤ ({rho})²‖x_k − x*‖²", measure=nxt.x**2, bound=rho**2 * X_K**2,
        multipliers=((lam, cls.inequality(here, STAR), "interp(k,*)"),
                     (lam, cls.inequality(STAR, here), "interp(*,k)")),
        basis=(X_K, G_K), region=region)
    start = Certificate.from_multipliers(
        "φ_0 = ‖x_0 − x*‖² ≤ R²", measure=X_0**2, bound=R**2,
        multipliers=((sp.S.One, R**2 - X_0**2, "initial ‖x_0 − x*‖² ≤ R²"),), basis=(X_0,))
    finish = Certificate.from_multipliers("‖x_N − x*‖² = φ_N", measure=X_N**2, bound=X_N**2,
                                          multipliers=(), basis=(X_N,))
    return InductionProof(
        f"GD on {L}-smooth {mu}-strongly convex f: ‖x_N − x*‖² ≤ ({rho})^(2N)‖x_0 − x*‖²",
        phi, rho**2, sp.S.One, one, start, finish, nxt, region, oracles=(here, nxt, STAR), cls=cls)


def _distance(cls: FunctionClass, nxt: Oracle) -> Proof:
    step = _step_of(nxt)
    L, mu, base = _constants(cls)
    region = base + _alpha_region(step, (step < 2 / L,))
    split = step <= 2 / (mu + L)
    if split in (sp.true, sp.false):
        return _distance_case(cls, nxt, region, split is sp.true)
    other = step >= 2 / (mu + L)
    return CaseSplit(
        f"GD on {L}-smooth {mu}-strongly convex f, 0 < α < 2/L: ‖x_N − x*‖² ≤ "
        "max((1 − αμ)², (1 − αL)²)^N ‖x_0 − x*‖²",
        split, (_distance_case(cls, nxt, (*region, split), True),
                _distance_case(cls, nxt, (*region, other), False)), region)


def _function_values(cls: FunctionClass, nxt: Oracle) -> InductionProof:
    """f(x_N) − f* ≤ (1 − μ/L)^N (f(x_0) − f*) for α = 1/L.

    Hand derivation of f_{k+1} ≤ (1 − μ/L) f_k: multiplier 1 on the F_{μ,L}
    inequality (x_k, x_{k+1}) (the descent step) and μ/L on (x*, x_k) (strong
    convexity at the optimum); the function values cancel and the remainder is
    (‖g_k − μx_k‖² + ‖g_{k+1}‖²)/(2(L − μ)).
    """
    step = _step_of(nxt)
    L, mu, base = _constants(cls)
    if sp.simplify(step - 1 / L) != 0:
        raise DomainError(f"this potential is for α = 1/L; the rule's step is {step}")
    here = HERE
    rate = 1 - mu / L

    def phi(i, x, f):
        return f

    one = Certificate.from_multipliers(
        "f_{k+1} − f* ≤ (1 − μ/L)(f_k − f*)", measure=nxt.f, bound=rate * F_K,
        multipliers=((sp.S.One, cls.inequality(here, nxt), "interp(k,k+1)"),
                     (mu / L, cls.inequality(STAR, here), "interp(*,k)")),
        basis=(X_K, G_K, G_NEXT), region=base)
    start = Certificate.from_multipliers(
        "φ_0 = f_0 − f* ≤ Δ", measure=F_0, bound=DELTA,
        multipliers=((sp.S.One, DELTA - F_0, "initial f(x_0) − f* ≤ Δ"),), basis=())
    finish = Certificate.from_multipliers("f_N − f* = φ_N", measure=F_N, bound=F_N,
                                          multipliers=(), basis=())
    return InductionProof(
        f"GD, α = 1/L, on {L}-smooth {mu}-strongly convex f: f(x_N) − f* ≤ (1 − μ/L)^N "
        "(f(x_0) − f*)", phi, rate, sp.S.One, one, start, finish, nxt, base,
        oracles=(here, nxt, STAR), cls=cls)


def _min_gradient(cls: FunctionClass, nxt: Oracle, decrease: bool = False) -> TelescopingProof:
    """min_{0≤k<N} ‖∇f(x_k)‖² ≤ Δ/(α(1 − Lα/2)N) for L-smooth f, 0 < α < 2/L.

    The descent lemma (multiplier 1 on the smooth class's inequality (x_k, x_{k+1}), as
    in ``descent``) gives α(1 − Lα/2)‖g_k‖² ≤ f_k − f_{k+1}; summed, f_0 − f_N ≤ Δ from
    f(x₀) − f_* ≤ Δ and f_N ≥ f_* = inf f (or directly from f(x₀) − f(x_N) ≤ Δ).
    Nesterov (2004), §1.2.3.
    """
    step = _step_of(nxt)
    L = cls.L
    big = smooth(L)
    here = HERE
    weight = step * (1 - L * step / 2)
    region = _alpha_region(step, (step < 2 / L,))

    def phi(i, x, f):
        return f

    one = Certificate.from_multipliers(
        "α(1 − Lα/2)‖∇f(x_k)‖² ≤ f(x_k) − f(x_{k+1})", measure=weight * G_K**2 + F_NEXT,
        bound=F_K, multipliers=((sp.S.One, big.inequality(here, nxt), "interp(k,k+1)"),),
        basis=(X_K, G_K, G_NEXT), region=region)
    conditions = (((sp.S.One, DELTA - F_0 + F_N, "initial f(x_0) − f(x_N) ≤ Δ"),) if decrease
                  else ((sp.S.One, DELTA - F_0, "initial f(x_0) − f_* ≤ Δ"),
                        (sp.S.One, F_N, "f(x_N) ≥ f_* = inf f")))
    start = Certificate.from_multipliers("φ_0 − φ_N = f(x_0) − f(x_N) ≤ Δ", measure=F_0 - F_N,
                                         bound=DELTA, multipliers=conditions, basis=())
    return TelescopingProof(
        f"GD on {L}-smooth f, 0 < α < 2/L: min_{{0≤k<N}} ‖∇f(x_k)‖² ≤ Δ/(α(1 − Lα/2)N)",
        phi, G_K**2, weight, one, start, nxt, region, oracles=(here, nxt), cls=big)


def _nesterov(cls: FunctionClass, method: object, hyperparameters: dict) -> InductionProof:
    """Nesterov's method on F_{μ,L}, α = 1/L, β = (1 − s)/(1 + s) with s = √(μ/L).

    In the look-ahead form y_k = x_k + β(x_k − x_{k−1}), x_{k+1} = y_k − ∇f(y_k)/L,
    the potential φ_k = f(x_k) − f* + (μ/2)‖z_k − x*‖², z_k = x_k + (1/s − 1)(x_k − x_{k−1}),
    decreases by 1 − s per step (Nesterov 2004, Thm 2.2.3; d'Aspremont, Scieur & Taylor
    2021, §4.5). The method's rule (torch form: b⁺ = βb + g, p⁺ = p − α(g + βb⁺), g at p)
    has p = y_k and x_k = p + αβb, x_k − x_{k−1} = −αb.

    Hand derivation (checked at L = 1, s = 1/3 by a numeric SDP first): multipliers 1 − s on
    the inequality (x_k, y_k), s on (x*, y_k) and 1 on (y_k, x_{k+1}); S is what is left,
    PSD with μ = Ls² for 0 < s < 1. φ_0 ≤ (L + μ)/2 R² from (x*, x_0) and L-smoothness.
    """
    from symopt.methods import Method, get_method

    m = method if isinstance(method, Method) else get_method(str(method))
    L = cls.L
    ratio = sp.simplify(cls.mu / L)
    if ratio.is_number:
        s, mu_of_s, renamed = sp.sqrt(ratio), cls.mu, ()
    else:  # s = √(μ/L): the proof is made for μ = L s², every 0 < s < 1
        s = sp.Symbol("s", positive=True)
        mu_of_s, renamed = L * s**2, ((cls.mu, L * s**2),)
    alpha, beta = 1 / L, (1 - s) / (1 + s)
    wanted = {"alpha": alpha, "beta": (1 - sp.sqrt(cls.mu / L)) / (1 + sp.sqrt(cls.mu / L))}
    by_name = {k.name: v for k, v in m.substitution(hyperparameters).items()}
    for name, value in wanted.items():
        if name in by_name and sp.simplify(by_name[name] - value) != 0:
            raise DomainError(f"this potential is for {name} = {value}; got {by_name[name]}")
    rule = m.rule(alpha=alpha, beta=beta)
    if len(rule.state_next) != 1:
        raise UnsupportedError(f"{m.name} is not Nesterov's method with one momentum buffer")
    (buffer,) = rule.state_next
    klass = smooth_strongly_convex(L, mu_of_s)
    P, B = sp.Symbol("p_k", real=True), sp.Symbol("b_k", real=True)
    GY, FY = sp.Symbol("g_y", real=True), sp.Symbol("f_y", real=True)
    GX, FX = sp.Symbol("g_x", real=True), sp.Symbol("f_x", real=True)
    GP, FP = sp.Symbol("g_{x,k+1}", real=True), sp.Symbol("f_{x,k+1}", real=True)
    at_k = {rule.x: P, rule.g: GY, buffer: B}
    p_next = rule.x_next.xreplace(at_k)
    b_next = rule.state_next[buffer].xreplace(at_k)

    def anchor(state):
        return state[0] + alpha * beta * state[1]

    def phi(i, state, f):
        z = anchor(state) - (1 / s - 1) * alpha * state[1]
        return f + mu_of_s / 2 * z**2

    y = Oracle(P, GY, FY, "y_k")
    x = Oracle(anchor((P, B)), GX, FX, "x_k")
    x_next = Oracle(sp.expand(P - alpha * GY), GP, FP, "x_{k+1}")
    now, nxt = Oracle(sp.Tuple(P, B), sp.S.Zero, FX, "k"), Oracle(sp.Tuple(p_next, b_next),
                                                                   sp.S.Zero, FP, "k+1")
    region = () if ratio.is_number else (s < 1,)
    one = Certificate.from_multipliers(
        "φ_{k+1} ≤ (1 − s)·φ_k, φ_k = f(x_k) − f* + (μ/2)‖z_k − x*‖²",
        measure=phi(K + 1, nxt.x, FP), bound=(1 - s) * phi(K, now.x, FX),
        multipliers=((1 - s, klass.inequality(x, y), "interp(x_k,y_k)"),
                     (s, klass.inequality(STAR, y), "interp(*,y_k)"),
                     (sp.S.One, klass.inequality(y, x_next), "interp(y_k,x_{k+1})")),
        basis=(P, B, GY, GX, GP), region=region)
    g0 = sp.Symbol("g_0", real=True)
    first = Oracle(sp.Tuple(X_0, m.initial_state(X_0)[buffer]), sp.S.Zero, F_0, "0")
    start = Certificate.from_multipliers(
        "φ_0 = f(x_0) − f* + (μ/2)‖x_0 − x*‖² ≤ (L + μ)/2 R²",
        measure=phi(sp.S.Zero, first.x, F_0), bound=(L + mu_of_s) / 2 * R**2,
        multipliers=((sp.S.One, klass.inequality(STAR, Oracle(X_0, g0, F_0)), "interp(*,0)"),
                     ((L + mu_of_s) / 2, R**2 - X_0**2, "initial ‖x_0 − x*‖² ≤ R²")),
        basis=(X_0, g0), region=region)
    PN, BN = sp.Symbol("p_N", real=True), sp.Symbol("b_N", real=True)
    last = Oracle(sp.Tuple(PN, BN), sp.S.Zero, F_N, "N")
    finish = Certificate.from_multipliers(
        "f(x_N) − f* ≤ φ_N", measure=F_N, bound=phi(N, last.x, F_N), multipliers=(),
        basis=(PN, BN), region=region)
    return InductionProof(
        f"Nesterov's method, α = 1/L, β = (1 − s)/(1 + s) with s = √(μ/L), on {L}-smooth "
        f"{cls.mu}-strongly convex f: f(x_N) − f* ≤ (1 − s)^N (L + μ)/2 ‖x_0 − x*‖², "
        "x_N = y_{N−1} − ∇f(y_{N−1})/L",
        phi, 1 - s, sp.S.One, one, start, finish, nxt, region,
        notes=("s = √(μ/L): the proof is for μ = L·s², 0 < s < 1 (every 0 < μ < L)",),
        current=now, first=first, last=last, anchor=anchor,
        oracles=(y, x, x_next, STAR), cls=klass, renamed=renamed)


def _fast_gradient(cls: FunctionClass, method: object, hyperparameters: dict) -> InductionProof:
    """The fast gradient method on L-smooth convex f: f(x_N) − f* ≤ 2L‖x_0 − x*‖²/(N + 1)².

    The method is Nesterov's look-ahead form with α = 1/L and β_t = (t − 1)/(t + 2)
    (t = 1 on the first step): x_{k+1} = y_k − ∇f(y_k)/L, y_{k+1} = x_{k+1}
    + β_{k+1}(x_{k+1} − x_k), y_0 = x_0; the rule is checked to be exactly this. With
    t_k = (k + 1)/2 (so β_k = (t_k − 1)/t_{k+1} and t_{k+1}² − t_{k+1} ≤ t_k²) the potential
    φ_k = t_k²(f(x_k) − f*) + (L/2)‖u_k‖², u_k = x_k + t_{k+1}(y_k − x_k) − x*
    (= t_k x_k − (t_k − 1)x_{k−1} − x* for k ≥ 1) does not increase (Beck & Teboulle 2009,
    Lemma 4.1; d'Aspremont, Scieur & Taylor 2021, §4).

    Hand derivation of φ_{k+1} ≤ φ_k, with T = t_{k+1}: the one-step inequality
    f(x) − f(x_{k+1}) ≥ (L/2)‖x_{k+1} − y_k‖² + L⟨y_k − x, x_{k+1} − y_k⟩ is the sum of the
    inequality (x, y_k) and the inequality (y_k, x_{k+1}) of F_{0,L}; it is taken at x = x_k
    with weight T(T − 1) and at x = x* with weight T (so (y_k, x_{k+1}) has weight T²), and
    f(x_k) ≥ f* ((x_k, *)) with weight t_k² − T² + T = 1/4. Since
    u_{k+1} = u_k + T(x_{k+1} − y_k), the function values and the cross terms cancel; S is
    what the interpolation inequalities' gradient terms leave, PSD for every k ≥ 0.

    Start at k₀ = 1 (φ_0 would carry f(x_0) − f*, which ‖x_0 − x*‖ ≤ R does not bound
    tightly): φ_1 = f(x_1) − f* + (L/2)‖x_1 − x*‖² ≤ (L/2)R² from (x*, x_0) and (x_0, x_1).
    Finish: f(x_N) − f* ≤ φ_N/t_N² = 4φ_N/(N + 1)².
    """
    from symopt.methods import Method, get_method
    from symopt.methods.gradient import LOOKAHEAD_ITERATE

    m = method if isinstance(method, Method) else get_method(str(method))
    L = cls.L
    alpha = 1 / L
    by_name = {k.name: v for k, v in m.substitution(hyperparameters).items()}
    if "alpha" in by_name and sp.simplify(by_name["alpha"] - alpha) != 0:
        raise DomainError(f"this potential is for alpha = {alpha}; got {by_name['alpha']}")
    rule = m.rule(**{**{k: v for k, v in hyperparameters.items() if k not in ("alpha", "lr")},
                     "alpha": alpha})
    if set(rule.state_next) != {LOOKAHEAD_ITERATE}:
        raise UnsupportedError(f"{m.name} is not Nesterov's look-ahead form (state "
                               f"{', '.join(map(str, rule.state_next)) or 'none'})")
    z = LOOKAHEAD_ITERATE
    Y, X = sp.Symbol("y_k", real=True), sp.Symbol("x_k", real=True)
    GY, FY = sp.Symbol("g_y", real=True), sp.Symbol("f_y", real=True)
    GX, FX = sp.Symbol("g_x", real=True), sp.Symbol("f_x", real=True)
    GP, FP = sp.Symbol("g_{x,k+1}", real=True), sp.Symbol("f_{x,k+1}", real=True)
    at_k = {rule.x: Y, z: X, rule.g: GY, rule.t: K + 1}
    y_next, x_next = rule.x_next.xreplace(at_k), rule.state_next[z].xreplace(at_k)
    wanted = x_next + (K / (K + 3)) * (x_next - X)  # β_{k+1} = (t − 1)/(t + 2) at t = k + 1
    if (sp.simplify(x_next - (Y - alpha * GY)) != 0 or sp.simplify(y_next - wanted) != 0
            or sp.simplify(m.initial_state(X_0)[z] - X_0) != 0):
        raise DomainError(f"{m.name}'s rule is not x_{{k+1}} = y_k − ∇f(y_k)/L, y_{{k+1}} = "
                          f"x_{{k+1}} + (t − 1)/(t + 2)·(x_{{k+1}} − x_k) with x_{{−1}} = x_0: "
                          f"y_{{k+1}} = {y_next}")
    klass = smooth_convex(L)

    def t(i):
        return (i + 1) / sp.Integer(2)

    def anchor(state):
        return state[1]

    def phi(i, state, f):
        u = state[1] + t(i + 1) * (state[0] - state[1])
        return t(i) ** 2 * f + L / 2 * u**2

    y, x = Oracle(Y, GY, FY, "y_k"), Oracle(X, GX, FX, "x_k")
    x_new = Oracle(x_next, GP, FP, "x_{k+1}")
    now, nxt = (Oracle(sp.Tuple(Y, X), sp.S.Zero, FX, "k"),
                Oracle(sp.Tuple(y_next, x_next), sp.S.Zero, FP, "k+1"))
    big = t(K + 1)
    one = Certificate.from_multipliers(
        "φ_{k+1} ≤ φ_k, φ_k = t_k²(f(x_k) − f*) + (L/2)‖x_k + t_{k+1}(y_k − x_k) − x*‖², "
        "t_k = (k + 1)/2",
        measure=phi(K + 1, nxt.x, FP), bound=phi(K, now.x, FX),
        multipliers=((big * (big - 1), klass.inequality(x, y), "interp(x_k,y_k)"),
                     (big, klass.inequality(STAR, y), "interp(*,y_k)"),
                     (big**2, klass.inequality(y, x_new), "interp(y_k,x_{k+1})"),
                     (t(K) ** 2 - big**2 + big, klass.inequality(x, STAR), "interp(x_k,*)")),
        basis=(Y, X, GY, GX, GP))
    g0, g1, f1 = (sp.Symbol(n, real=True) for n in ("g_0", "g_1", "f_1"))
    at_0 = {rule.x: X_0, z: m.initial_state(X_0)[z], rule.g: g0, rule.t: 1}
    y1, x1 = rule.x_next.xreplace(at_0), rule.state_next[z].xreplace(at_0)
    zero = Oracle(X_0, g0, F_0, "0")
    first = Oracle(sp.Tuple(y1, x1), sp.S.Zero, f1, "1")
    start = Certificate.from_multipliers(
        "φ_1 = f(x_1) − f* + (L/2)‖x_1 − x*‖² ≤ (L/2)R² (x_1 = y_1 = x_0 − ∇f(x_0)/L)",
        measure=phi(sp.S.One, first.x, f1), bound=L / 2 * R**2,
        multipliers=((sp.S.One, klass.inequality(STAR, zero), "interp(*,0)"),
                     (sp.S.One, klass.inequality(zero, Oracle(x1, g1, f1)), "interp(0,1)"),
                     (L / 2, R**2 - X_0**2, "initial ‖x_0 − x*‖² ≤ R²")),
        basis=(X_0, g0, g1))
    YN, XN = sp.Symbol("y_N", real=True), sp.Symbol("x_N", real=True)
    last = Oracle(sp.Tuple(YN, XN), sp.S.Zero, F_N, "N")
    factor = 1 / t(N) ** 2
    finish = Certificate.from_multipliers(
        "f(x_N) − f* ≤ φ_N/t_N² (drop (L/2)‖u_N‖² ≥ 0)", measure=F_N,
        bound=factor * phi(N, last.x, F_N), multipliers=(), basis=(YN, XN))
    return InductionProof(
        f"fast gradient method (Nesterov's look-ahead form, α = 1/L, β_t = (t − 1)/(t + 2)) "
        f"on {L}-smooth convex f: f(x_N) − f* ≤ 2L‖x_0 − x*‖²/(N + 1)²",
        phi, sp.S.One, factor, one, start, finish, nxt, (),
        notes=("F_{0,L}'s inequalities: the bound holds on every class inside it",),
        current=now, first=first, last=last, anchor=anchor,
        oracles=(y, x, x_new, STAR), cls=klass, start_index=1)


def _strong(cls: FunctionClass) -> FunctionClass:
    if cls.mu.is_positive is not True:
        raise DomainError(f"this statement needs a strongly convex class (μ > 0), got {cls.name}")
    return cls


def _convex(cls: FunctionClass) -> FunctionClass:
    if cls.convex is not True:
        raise DomainError(f"this statement needs a convex class (μ ≥ 0), got {cls.name}")
    return cls


def _gd(build: Callable[[FunctionClass, Oracle], Proof],
        needs: Callable[[FunctionClass], FunctionClass] = lambda cls: cls,
        ) -> Callable[[FunctionClass, object, dict], Proof]:
    """A builder for x⁺ = x − s∇f(x): the rule is checked to have that form, x_{k+1} read off."""

    def builder(cls: FunctionClass, method: object, hyperparameters: dict) -> Proof:
        gradient_step(method, **hyperparameters)  # refuses anything but x⁺ = x − s·∇f(x)
        return build(needs(cls), _next_point(method, **hyperparameters))

    return builder


#: Statement name → (what it says, builder(cls, method, hyperparameters)).
STATEMENTS: dict[str, tuple[str, Callable[[FunctionClass, object, dict], Proof]]] = {
    "descent": ("f(x⁺) ≤ f(x) − α(1 − Lα/2)‖∇f(x)‖² (L-smooth, any α > 0)", _gd(_descent)),
    "monotone": ("f(x_{k+1}) ≤ f(x_k) (L-smooth convex, 0 < α ≤ 2/L)", _gd(_monotone, _convex)),
    "convex_rate": ("f(x_N) − f* ≤ ‖x₀ − x*‖²/(2αN) (L-smooth convex, 0 < α ≤ 1/L)",
                    _gd(_convex_rate, _convex)),
    "distance": ("‖x_N − x*‖² ≤ max((1 − αμ)², (1 − αL)²)^N ‖x₀ − x*‖² (strongly convex, "
                 "0 < α < 2/L)", _gd(_distance, _strong)),
    "function_values": ("f(x_N) − f* ≤ (1 − μ/L)^N (f(x₀) − f*) (strongly convex, α = 1/L)",
                        _gd(_function_values, _strong)),
    "min_gradient": ("min_{0≤k<N} ‖∇f(x_k)‖² ≤ (f(x₀) − f_*)/(α(1 − Lα/2)N) (L-smooth, "
                     "0 < α < 2/L)", _gd(_min_gradient)),
    "min_gradient_decrease": ("the same with f(x₀) − f(x_N) in place of f(x₀) − f_*",
                              _gd(lambda cls, nxt: _min_gradient(cls, nxt, decrease=True))),
    "nesterov_strongly_convex": (
        "Nesterov, α = 1/L, β = (1 − √(μ/L))/(1 + √(μ/L)): f(x_N) − f* ≤ (1 − √(μ/L))^N "
        "(L + μ)/2 ‖x₀ − x*‖² (strongly convex)", lambda cls, m, h: _nesterov(_strong(cls), m, h)),
    "fast_gradient_convex": (
        "fast gradient method (look-ahead form), α = 1/L, β_t = (t − 1)/(t + 2): "
        "f(x_N) − f* ≤ 2L‖x₀ − x*‖²/(N + 1)² (L-smooth convex)",
        lambda cls, m, h: _fast_gradient(_convex(cls), m, h)),
}


def steps_of(value: object) -> sp.Expr:
    """N itself, or a number of steps ≥ 1 (the proof holds for every N ≥ 1)."""
    if isinstance(value, bool):
        raise DomainError(f"N must be a number of steps or the symbol N, got {value!r}")
    steps = sp.sympify(value, strict=True) if not isinstance(value, str) else (  # safe: strict
        N if value.strip() in ("N", "T") else sp.Integer(value.strip()) if value.strip().isdigit()
        else None)
    if steps is None or not (steps == N or (steps.is_Integer and steps >= 1)):
        raise DomainError(f"N must be a whole number of steps ≥ 1 or the symbol N, got {value!r}")
    return steps


def certify(statement: str, cls: FunctionClass, method: object = "gd", *,
            stated: sp.Expr | None = None, steps: object = N,
            **hyperparameters: object) -> Proof:
    """The potential certificate of a named statement for ``method`` on ``cls``.

    ``stated`` (N-step statements) is a bound to prove ≥ the certified one, in
    the symbols N, R (‖x₀ − x*‖ ≤ R) and Δ (f(x₀) − f* ≤ Δ); ``steps`` a number
    of steps to compare at (default: N, every N ≥ 1). The result has
    ``verify()``; nothing is claimed until it returns True. A step outside the
    statement's region raises :class:`~symopt.errors.DomainError`.

    >>> certify("descent", smooth("L")).verify().value
    True
    >>> certify("convex_rate", smooth_convex(1), alpha=2)
    Traceback (most recent call last):
    ...
    symopt.errors.DomainError: the step α = 2 is outside the region this potential needs
    """
    if statement not in STATEMENTS:
        raise DomainError(f"unknown statement {statement!r}; known: {', '.join(STATEMENTS)}")
    count = steps_of(steps)
    proof = STATEMENTS[statement][1](cls, method, hyperparameters)
    if stated is None and count == N:
        return proof
    bound = None if stated is None else as_expr(stated).subs(N, count)
    if isinstance(proof, (InductionProof, TelescopingProof)):
        return replace(proof, stated=bound, steps=count)
    if isinstance(proof, CaseSplit):
        cases = tuple(replace(c, stated=bound, steps=count) for c in proof.cases)
        return replace(proof, cases=cases, stated=bound)  # type: ignore[arg-type]
    raise DomainError(f"{statement} is a one-step statement; it takes no stated N-step bound")


#: Which statement proves "measure ≤ τ·initial" for a measure / initial-condition kind.
_BY_KINDS = {
    ("function_gap", "distance"): ("convex_rate", R**2),
    ("distance", "distance"): ("distance", R**2),
    ("function_gap", "function_gap"): ("function_values", DELTA),
    ("min_gradient_norm", "function_gap"): ("min_gradient", DELTA),
    ("min_gradient_norm", "function_decrease"): ("min_gradient_decrease", DELTA),
}


def certify_bound(cls: FunctionClass, method: object, measure: str, initial: str,
                  rate: sp.Expr, *, steps: object = N,
                  **hyperparameters: object) -> Finding[Proof]:
    """Prove ``measure ≤ rate·initial`` after N steps by a potential, if one fits.

    ``measure`` and ``initial`` are kinds as in :mod:`symopt.guarantees.measures`
    (``function_gap``, ``distance``); ``rate`` τ may contain N, L, μ, α;
    ``steps`` is the symbol N (every N ≥ 1) or a number. The value is the
    verified proof; unknown (with the reason) when no potential here fits, the
    step is outside its region, or τ is not shown ≥ the certified rate — which
    does not make the statement false.

    >>> alpha = symbol("alpha")
    >>> found = certify_bound(smooth_convex("L"), "gd", "function_gap", "distance",
    ...                       1 / (2 * alpha * N))
    >>> found.value is not None, found.reason.startswith("certificate (exact)")
    (True, True)
    >>> certify_bound(smooth_convex("L"), "gd", "function_gap", "distance",
    ...               1 / (3 * alpha * N)).value is None
    True
    """
    key = (measure, initial)
    if key not in _BY_KINDS:
        return Finding.unknown(f"no potential certificate here for {measure} with an initial "
                               f"{initial} condition")
    name, scale = _BY_KINDS[key]
    if key == ("function_gap", "distance"):
        name = {"Nesterov": "nesterov_strongly_convex",
                "Nesterov (look-ahead form)": "fast_gradient_convex"}.get(_method_name(method),
                                                                         name)
    try:
        proof = certify(name, cls, method, stated=as_expr(rate) * scale, steps=steps,
                        **hyperparameters)
    except (DomainError, UnsupportedError) as exc:
        return Finding.unknown(f"{name} potential: {exc}")
    found = proof.verify()
    if found.value is not True:
        return Finding.unknown(f"{name} potential: {found.reason}", **found.evidence)
    return Finding(proof, found.reason)


def _method_name(method: object) -> str:
    from symopt.methods import Method, get_method

    try:
        return (method if isinstance(method, Method) else get_method(str(method))).name
    except UnsupportedError:
        return str(method)


# -- the claims kind's entry point ---------------------------------------------------------------
