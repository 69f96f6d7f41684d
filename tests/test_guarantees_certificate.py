"""Certificates verified exactly; perturbed certificates must fail.

Expected multipliers come from hand derivations of textbook inequalities
(Nesterov, "Introductory Lectures on Convex Optimization", 2004, Thm 2.1.5, 2.1.12, 2.1.15).
"""

import pytest
import sympy as sp

from symopt.guarantees import Oracle, smooth_convex, smooth_strongly_convex
from symopt.guarantees.certificate import Certificate

L, mu, alpha = sp.symbols("L mu alpha", positive=True)
x0, g0, f0 = sp.symbols("x0 g0 f0", real=True)
STAR = Oracle.optimum()
P0 = Oracle(x0, g0, f0)


def _contraction(lam=None, rho2=None, residual=None):
    """GD with α = 2/(μ+L) on F_{μ,L}: ‖x₁ − x*‖² ≤ ((L−μ)/(L+μ))²‖x₀ − x*‖² (Thm 2.1.15).

    Hand derivation: ‖x₁‖² = ‖x₀‖² − 2α⟨g₀, x₀⟩ + α²‖g₀‖², and the two interpolation
    inequalities between x₀ and x* add up to ⟨g₀, x₀⟩ ≥ μL/(μ+L)‖x₀‖² + ‖g₀‖²/(μ+L)
    (Thm 2.1.12) times (L−μ)/(L+μ) (the pair sum of the interpolation inequalities is
    (L+μ)/(L−μ) times the textbook form); with α = 2/(μ+L) both multipliers are
    2α(L−μ)/(L+μ) and nothing is left over.
    """
    cls = smooth_strongly_convex(L, mu)
    step = 2 / (mu + L)
    x1 = x0 - step * g0
    lam = 2 * step * (L - mu) / (L + mu) if lam is None else lam
    rho2 = ((L - mu) / (L + mu)) ** 2 if rho2 is None else rho2
    return Certificate(
        "GD, α = 2/(μ+L): ‖x₁ − x*‖² ≤ ((L−μ)/(L+μ))²‖x₀ − x*‖²",
        measure=x1**2,
        bound=rho2 * x0**2,
        multipliers=((lam, cls.inequality(P0, STAR), "interp(0,*)"),
                     (lam, cls.inequality(STAR, P0), "interp(*,0)")),
        basis=(x0, g0),
        residual=sp.zeros(2, 2) if residual is None else residual,
        region=(mu < L,),
    )


def test_strongly_convex_contraction_is_certified():
    found = _contraction().verify()
    assert found.value is True, found.reason
    assert "identity" in found.reason and "certificate (exact)" in found.reason


def test_wrong_multiplier_fails():
    found = _contraction(lam=3 / (mu + L)).verify()
    assert found.value is False and "identity" in found.reason


def test_wrong_rate_fails():
    found = _contraction(rho2=((L - mu) / (L + mu)) ** 2 * sp.Rational(99, 100)).verify()
    assert found.value is False and "identity" in found.reason


def test_smoothness_upper_bound_with_singular_symbolic_residual():
    # f(x₀) − f* ≤ (L/2)‖x₀ − x*‖²: interp(*,0) plus (√L x₀ − g₀/√L)²/2, a rank-one residual.
    cls = smooth_convex(L)
    residual = sp.Matrix([[L / 2, -sp.S.Half], [-sp.S.Half, 1 / (2 * L)]])
    cert = Certificate("f₀ − f* ≤ L‖x₀ − x*‖²/2", f0, L * x0**2 / 2,
                       ((sp.S.One, cls.inequality(STAR, P0), "interp(*,0)"),), (x0, g0), residual)
    found = cert.verify()
    assert found.value is True, found.reason
    assert "principal minors" in found.reason


def test_smaller_constant_fails():
    cls = smooth_convex(L)
    residual = sp.Matrix([[L / 2, -sp.S.Half], [-sp.S.Half, 1 / (2 * L)]])
    cert = Certificate("f₀ − f* ≤ L‖x₀ − x*‖²/3 (false)", f0, L * x0**2 / 3,
                       ((sp.S.One, cls.inequality(STAR, P0), "interp(*,0)"),), (x0, g0), residual)
    assert cert.verify().value is False
    # The identity is repaired by moving the difference into S, which is then not PSD.
    bad = sp.Matrix([[L / 3, -sp.S.Half], [-sp.S.Half, 1 / (2 * L)]])
    found = Certificate("f₀ − f* ≤ L‖x₀ − x*‖²/3 (false)", f0, L * x0**2 / 3,
                        ((sp.S.One, cls.inequality(STAR, P0), "interp(*,0)"),), (x0, g0),
                        bad).verify()
    assert found.value is False and "not PSD" in found.reason


def test_numeric_non_psd_residual_fails():
    found = Certificate("‖x₀‖² ≤ 0 (false)", x0**2, sp.S.Zero, (), (x0,),
                        sp.Matrix([[-1]])).verify()
    assert found.value is False and "pivot" in found.reason


def test_numeric_singular_psd_residual():
    # S = [[1, 1], [1, 1]] (rank one): (x₀ + g₀)² — a zero pivot after elimination.
    cert = Certificate("0 ≤ (x₀ + g₀)²", sp.S.Zero, (x0 + g0) ** 2, (), (x0, g0),
                       sp.Matrix([[1, 1], [1, 1]]))
    assert cert.verify().value is True
    # [[0, 1], [1, 1]]: zero diagonal with a nonzero off-diagonal entry — not PSD.
    bad = Certificate("0 ≤ 2x₀g₀ + g₀²", sp.S.Zero, 2 * x0 * g0 + g0**2, (), (x0, g0),
                      sp.Matrix([[0, 1], [1, 1]]))
    found = bad.verify()
    assert found.value is False and "zero diagonal" in found.reason


def test_negative_multiplier_fails():
    c = smooth_convex(L).inequality(STAR, P0)
    cert = Certificate("‖x₀‖² − c ≤ ... (negative λ)", x0**2, x0**2 - c,
                       ((sp.S.NegativeOne, c, "interp(*,0)"),), (x0, g0), sp.zeros(2, 2))
    found = cert.verify()
    assert found.value is False and "negative" in found.reason


def test_symbolic_multiplier_negative_somewhere_on_region_fails_with_a_witness():
    c = smooth_convex(L).inequality(STAR, P0)
    lam = 1 - alpha * L  # negative for 1/L < α < 2/L
    cert = Certificate("λ(α) c ≥ 0", sp.S.Zero, lam * c, ((lam, c, "interp(*,0)"),), (x0, g0),
                       sp.zeros(2, 2), region=(alpha < 2 / L,))
    found = cert.verify()
    assert found.value is False
    point = found.evidence["point"]
    assert (1 - point[alpha] * point[L]) < 0 and point[alpha] < 2 / point[L]


def test_odd_degree_term_is_not_a_quadratic_form():
    cert = Certificate("x₀ ≤ x₀ (not an inner product)", x0, x0, (), (x0,), sp.zeros(1, 1))
    found = cert.verify()
    assert found.value is False and "degree 1" in found.reason


def test_unknown_when_a_multiplier_sign_is_undecidable():
    beta = sp.Symbol("beta", real=True)  # no sign, no region
    c = smooth_convex(L).inequality(STAR, P0)
    cert = Certificate("β-dependent", sp.S.Zero, beta**2 * c, ((beta**2, c, "interp(*,0)"),),
                       (x0, g0), sp.zeros(2, 2))
    found = cert.verify()
    # β² ≥ 0 holds, but the prover needs a sign for β: unknown, never a guess.
    assert found.value in (True, None)
    cert2 = Certificate("β-dependent", sp.S.Zero, beta * c, ((beta, c, "interp(*,0)"),),
                        (x0, g0), sp.zeros(2, 2))
    assert cert2.verify().value in (False, None)


def test_malformed_certificates():
    import pytest

    from symopt.errors import DomainError

    with pytest.raises(DomainError):
        Certificate("bad", x0**2, x0**2, ((1, x0**2),), (x0,), sp.zeros(1, 1))
    with pytest.raises(DomainError):
        Certificate("bad", x0**2, x0**2, (), (x0,), sp.zeros(2, 2))
    found = Certificate("√ of a vector", sp.sqrt(x0), sp.sqrt(x0), (), (x0,),
                        sp.zeros(1, 1)).verify()
    assert found.value is False and "polynomial" in found.reason


def test_psd_proof_is_about_the_matrix_given_not_a_nicer_one():
    # [[2, s], [s, 1]] is PSD iff s² ≤ 2. s = 141421356238/10¹¹ is just above √2 (s² > 2):
    # guessing s = √2 would "prove" a matrix that is not PSD.
    from symopt.guarantees.positivity import prove_psd

    s = sp.Rational(141421356238, 10**11)
    assert s**2 > 2
    assert prove_psd(sp.Matrix([[2, s], [s, 1]])).value is False
    below = sp.Rational(141421356237, 10**11)
    assert below**2 < 2 and prove_psd(sp.Matrix([[2, below], [below, 1]])).value is True


def test_text_in_a_certificate_goes_through_the_safe_parser():
    # a string reaches symopt.parse (a whitelist), never SymPy's eval
    from symopt.errors import SymoptError

    with pytest.raises(SymoptError):
        Certificate("s", "__import__('os').system('true')", "0", (), (), sp.zeros(0, 0))


def test_residual_is_half_the_hessian_entrywise_factored():
    # Independent reference: sympy.hessian of the leftover, halved and factored.
    L, mu, h = sp.symbols("L mu h", positive=True)
    x, g, y = sp.symbols("x0 g0 y0", real=True)
    bound = (1 - h * mu) ** 2 * x**2 + L * x * g - h * g * y + (L - mu) * y**2
    cert = Certificate.from_multipliers("S read off", sp.S.Zero, bound, (), (x, g, y))
    expected = sp.hessian(sp.expand(bound), (x, g, y)).applyfunc(lambda e: sp.factor(e / 2))
    assert cert.residual == sp.ImmutableMatrix(expected)
    assert cert.residual[0, 1] == L / 2 and cert.residual[1, 2] == -h / 2
    assert cert.residual.is_symmetric()
