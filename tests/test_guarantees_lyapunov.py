"""Potential certificates for gradient descent over function classes, symbolic L, μ, α, N.

Expected statements are the textbook ones (Nesterov 2004, Lemma 1.2.3, Cor. 2.1.2,
Thm 2.1.15; Bubeck 2015, Thm 3.3; Ryu & Boyd 2016 for max(|1 − αμ|, |1 − αL|));
perturbed claims must not be certified. Residuals are also checked numerically with
numpy's eigenvalues, independently of the exact PSD test.
"""

import dataclasses
import random

import numpy as np
import pytest
import sympy as sp

from symopt.claims.guarantee import _symbolic
from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees import smooth, smooth_convex, smooth_strongly_convex
from symopt.guarantees.certificate import Certificate
from symopt.guarantees.lyapunov import (
    DELTA,
    G_K,
    CaseSplit,
    InductionProof,
    N,
    R,
    certify,
    certify_bound,
    dominates,
    gradient_step,
)
from symopt.symbols import symbol

L, mu, alpha, k = symbol("L"), symbol("mu"), symbol("alpha"), symbol("k")
F_K, F_NEXT = sp.Symbol("f_k", real=True), sp.Symbol("f_{k+1}", real=True)


def _rebuilt(cert: Certificate, **changes) -> Certificate:
    """The same multipliers with a changed bound/region; S recomputed from the identity."""
    fields = {"statement": cert.statement, "measure": cert.measure, "bound": cert.bound,
              "multipliers": cert.multipliers, "basis": cert.basis, "region": cert.region}
    fields.update(changes)
    return Certificate.from_multipliers(**fields)


def _min_eigenvalue(matrix, values):
    numeric = np.array(matrix.subs(values).evalf(), dtype=float)
    return np.linalg.eigvalsh(numeric).min()


def test_step_is_read_from_the_rule():
    assert gradient_step("gd") == alpha
    with pytest.raises(UnsupportedError):
        gradient_step("heavy_ball")  # keeps a momentum state
    with pytest.raises(UnsupportedError):
        gradient_step("adam")


def test_descent_lemma():
    cert = certify("descent", smooth("L"), "gd")
    assert cert.bound == F_K - alpha * (1 - L * alpha / 2) * G_K**2 and cert.measure == F_NEXT
    found = cert.verify()
    assert found.value is True, found.reason
    # claiming the decrease α(1 − Lα/4)‖g‖² (larger) is not certified
    bad = _rebuilt(cert, bound=F_K - alpha * (1 - L * alpha / 4) * G_K**2)
    assert bad.verify().value is False


def test_monotone_decrease_up_to_two_over_L():
    cert = certify("monotone", smooth_convex("L"), "gd")
    assert cert.verify().value is True
    # beyond 2/L the same multiplier leaves an indefinite residual (f can increase)
    bad = dataclasses.replace(cert, region=(alpha <= 3 / L,))
    assert bad.verify().value is False


def test_convex_rate():
    proof = certify("convex_rate", smooth_convex("L"), "gd")
    assert isinstance(proof, InductionProof)
    assert sp.simplify(proof.certified_bound() - R**2 / (2 * alpha * N)) == 0
    found = proof.verify()
    assert found.value is True and "induction" in found.reason
    rng = random.Random(3)
    for _ in range(20):
        Lv = sp.Rational(rng.randint(1, 50), rng.randint(1, 10))
        values = {L: Lv, alpha: Lv**-1 * sp.Rational(rng.randint(1, 100), 100),
                  k: rng.randint(0, 30)}
        assert _min_eigenvalue(proof.step.residual, values) >= -1e-12


def test_convex_rate_perturbed_constant_is_not_certified():
    found = certify_bound(smooth_convex("L"), "gd", "function_gap", "distance",
                          1 / (3 * alpha * N))
    assert found.value is None and "not shown" in found.reason
    assert dominates(R**2 / (3 * alpha * N), R**2 / (2 * alpha * N)).value is False
    assert certify_bound(smooth_convex("L"), "gd", "function_gap", "distance",
                         1 / (2 * alpha * N)).value is not None


def test_convex_rate_fails_for_steps_up_to_two_over_L():
    proof = certify("convex_rate", smooth_convex("L"), "gd")
    wide = dataclasses.replace(proof.step, region=(alpha <= 2 / L,))
    found = wide.verify()
    assert found.value is False
    # the reported point really has an indefinite residual (numpy)
    point = found.evidence["point"]
    assert point[alpha] * point[L] <= 2
    assert _min_eigenvalue(proof.step.residual, point) < 0
    # a numeric step above 1/L is outside the potential's region: unknown, not true
    found = certify_bound(smooth_convex("L"), "gd", "function_gap", "distance",
                          1 / (2 * alpha * N), alpha="3/(2*L)")
    assert found.value is None and "outside" in found.reason


def test_distance_contraction_in_two_cases():
    proof = certify("distance", smooth_strongly_convex("L", "mu"), "gd")
    assert isinstance(proof, CaseSplit)
    found = proof.verify()
    assert found.value is True, found.reason
    low, high = proof.cases
    assert sp.simplify(low.rate - (1 - alpha * mu) ** 2) == 0
    assert sp.simplify(high.rate - (alpha * L - 1) ** 2) == 0
    rng = random.Random(5)
    for _ in range(20):
        mv, Lv = sp.Rational(rng.randint(1, 20)), sp.Rational(rng.randint(21, 60))
        av = 2 / Lv * sp.Rational(rng.randint(1, 99), 100)
        case = low if av <= 2 / (mv + Lv) else high
        assert _min_eigenvalue(case.step.residual, {L: Lv, mu: mv, alpha: av}) >= -1e-12


def test_distance_stated_as_max_and_a_smaller_rate():
    cls = smooth_strongly_convex("L", "mu")
    rho2 = sp.Max((1 - alpha * mu) ** 2, (1 - alpha * L) ** 2)
    assert certify_bound(cls, "gd", "distance", "distance", rho2**N).value is not None
    found = certify_bound(cls, "gd", "distance", "distance", (rho2 * sp.Rational(99, 100)) ** N)
    assert found.value is None and "below the certified" in found.reason
    # the one-step certificate with ρ² scaled down: the residual is not PSD
    low = certify("distance", cls, "gd").cases[0]
    bad = _rebuilt(low.step, bound=low.step.bound * sp.Rational(99, 100))
    assert bad.verify().value is False


def test_function_values_seed_kappa_form():
    cls = smooth_strongly_convex("L", "mu")
    proof = certify("function_values", cls, "gd", alpha="1/L")
    assert proof.verify().value is True
    kappa, T = symbol("kappa"), symbol("T")
    seed = ((1 - 1 / kappa) ** T).subs({kappa: L / mu, T: N})  # seed 002: (1 − 1/κ)^T
    assert certify_bound(cls, "gd", "function_gap", "function_gap", seed,
                         alpha="1/L").value is not None
    faster = (1 - sp.Rational(101, 100) * mu / L) ** N
    assert certify_bound(cls, "gd", "function_gap", "function_gap", faster,
                         alpha="1/L").value is None
    bad = _rebuilt(proof.step, bound=(1 - sp.Rational(101, 100) * mu / L) * F_K)
    assert bad.verify().value is False
    assert sp.simplify(proof.certified_bound() - DELTA * (1 - mu / L) ** N) == 0


def test_numeric_constants():
    proof = certify("distance", smooth_strongly_convex(4, 1), "gd", alpha="1/4")
    assert proof.verify().value is True  # 1/4 ≤ 2/5: the (1 − αμ)² case only, ρ² = 9/16
    assert proof.rate == sp.Rational(9, 16)


@pytest.mark.parametrize("call, error", [
    (lambda: certify("nonsense", smooth_convex("L"), "gd"), DomainError),
    (lambda: certify("distance", smooth_convex("L"), "gd"), DomainError),
    (lambda: certify("convex_rate", smooth("L"), "gd"), DomainError),
    (lambda: certify("function_values", smooth_strongly_convex("L", "mu"), "gd"), DomainError),
    (lambda: certify("descent", smooth("L"), "nesterov"), UnsupportedError),
])
def test_bad_input(call, error):
    with pytest.raises(error):
        call()


def test_numeric_number_of_steps():
    cls = smooth_convex("L")
    # at N = 3 the certificate gives R²/(6α); the Drori–Teboulle value L R²/14 (α = 1/L) is
    # smaller, so this potential does not prove it: unknown, never false
    assert certify_bound(cls, "gd", "function_gap", "distance", 1 / (6 * alpha),
                         steps=3).value is not None
    found = certify_bound(cls, "gd", "function_gap", "distance", L / 14, steps=3,
                          alpha="1/L")
    assert found.value is None
    with pytest.raises(DomainError):
        certify("convex_rate", cls, steps=0)


def test_claims_entry_point():
    from symopt.claims.claim import Claim

    cls = smooth_convex("L")
    assert _symbolic(Claim("guarantee", "R**2/(2*alpha*N)", method="gd"), cls,
                           "N").status == "true"
    assert _symbolic(Claim("guarantee", "f_N <= R**2/(2*alpha*T)", method="gd"), cls,
                           "N").status == "true"
    # 3αN instead of 2αN, and a step above 1/L: not certified
    assert _symbolic(Claim("guarantee", "R**2/(3*alpha*N)", method="gd"), cls,
                           "N").status == "unknown"
    wide = Claim("guarantee", "R**2/(2*alpha*N)", method="gd",
                 hyperparameters={"alpha": "3/(2*L)"})
    verdict = _symbolic(wide, cls, "N")
    assert verdict.status == "unknown" and "outside" in verdict.summary
    assert _symbolic(Claim("guarantee", "R**2", method="adam"), cls,
                           "N").status == "unknown"


def test_nesterov_numeric_class():
    # L = 4, μ = 1: s = 1/2, β = 1/3, rate 1/2 and φ₀ ≤ (L + μ)/2 R² (Nesterov 2004, Thm 2.2.3)
    cls = smooth_strongly_convex(4, 1)
    proof = certify("nesterov_strongly_convex", cls, "nesterov")
    assert proof.verify().value is True
    assert sp.simplify(proof.certified_bound() - sp.Rational(5, 2) * R**2 / 2**N) == 0
    assert certify_bound(cls, "nesterov", "function_gap", "distance",
                         sp.Rational(5, 2) * sp.Rational(49, 100) ** N).value is None
    found = certify_bound(cls, "nesterov", "function_gap", "distance",
                          sp.Rational(5, 2) / 2**N, beta="1/2")
    assert found.value is None and "beta" in found.reason
    # a condition between the wrong points is caught by the proof's point check
    y_star = proof.step.multipliers[1]
    swapped = (y_star[0], proof.cls.inequality(proof.oracles[0], proof.oracles[3]), y_star[2])
    step = dataclasses.replace(proof.step, multipliers=(proof.step.multipliers[0], swapped,
                                                        proof.step.multipliers[2]))
    assert dataclasses.replace(proof, step=step).verify().value is False


@pytest.mark.slow  # the symbolic 5×5 residual: 31 principal minors, ~15 s
def test_nesterov_symbolic_strongly_convex_potential():
    proof = certify("nesterov_strongly_convex", smooth_strongly_convex("L", "mu"), "nesterov")
    assert proof.verify().value is True
    s = proof.rate.free_symbols.pop()
    rng = random.Random(9)
    for _ in range(20):
        values = {L: sp.Rational(rng.randint(1, 40), 7), s: sp.Rational(rng.randint(1, 99), 100)}
        assert _min_eigenvalue(proof.step.residual, values) >= -1e-12
    mu_ = symbol("mu")
    stated = (1 - sp.sqrt(mu_ / L)) ** N * (L + mu_) / 2
    assert certify_bound(smooth_strongly_convex("L", "mu"), "nesterov", "function_gap",
                         "distance", stated).value is not None


def test_min_gradient_norm_nonconvex():
    # Nesterov (2004) §1.2.3: with α = 1/L, (1/(2L))·Σ_{k<N} ‖∇f(x_k)‖² ≤ f(x₀) − f_*
    cls = smooth("L")
    proof = certify("min_gradient", cls)
    assert proof.verify().value is True
    assert sp.simplify(proof.certified_bound()
                       - DELTA / (alpha * (1 - L * alpha / 2) * N)) == 0
    assert certify_bound(cls, "gd", "min_gradient_norm", "function_gap", 2 * L / N,
                         alpha="1/L").value is not None
    assert certify_bound(cls, "gd", "min_gradient_norm", "function_decrease", 2 * L / N,
                         alpha="1/L").value is not None
    assert certify_bound(cls, "gd", "min_gradient_norm", "function_gap", L / N,
                         alpha="1/L").value is None  # half the constant: not certified
    assert certify_bound(cls, "gd", "min_gradient_norm", "function_gap", 2 * L / N,
                         alpha="2/L").value is None  # no decrease guaranteed at α = 2/L


def test_claims_entry_point_with_a_number_of_steps():
    from symopt.claims.claim import Claim

    cls = smooth_convex("L")
    # N = 3: R²/(2αN) = R²/(6α) is what the potential proves; L R²/(4N + 2) it does not
    assert _symbolic(Claim("guarantee", "R**2/(2*alpha*N)", method="gd"), cls,
                           3).status == "true"
    tight = Claim("guarantee", "L*R**2/(4*N + 2)", method="gd", hyperparameters={"alpha": "1/L"})
    assert _symbolic(tight, cls, 3).status == "unknown"
