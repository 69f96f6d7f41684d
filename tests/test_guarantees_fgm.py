"""The fast gradient method's O(1/N²) bound over every L-smooth convex f, for every N.

The expected statement is the textbook one (Beck & Teboulle 2009, Thm 4.4 with
t_k = (k + 1)/2; d'Aspremont, Scieur & Taylor 2021, §4): with α = 1/L and
β_t = (t − 1)/(t + 2), f(x_N) − f* ≤ 2L‖x₀ − x*‖²/(N + 1)². Perturbed bounds must not be
certified; at small N they are refuted by the 1-D Huber function (hand computation below)
and by PEPit's numeric worst case, both independent of symopt's certificates.
"""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from pep_cases import pepit_fgm

from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees import smooth_convex, smooth_strongly_convex
from symopt.guarantees.lyapunov import N, R, certify
from symopt.methods import nesterov
from symopt.symbols import symbol

L = symbol("L")
FGM = nesterov(form="lookahead", momentum="(t - 1)/(t + 2)")


def test_the_bound_is_certified_for_every_n():
    proof = certify("fast_gradient_convex", smooth_convex("L"), FGM)
    found = proof.verify()
    assert found.value is True, found.reason
    assert sp.simplify(proof.certified_bound() - 2 * L * R**2 / (N + 1) ** 2) == 0
    assert proof.start_index == 1 and "φ_1" in found.reason
    # every certificate of the chain is exact on its own
    assert all(c.verify().value is True for c in (proof.step, proof.start, proof.finish))


@pytest.mark.parametrize("stated", [L * R**2 / (N + 1) ** 2, 2 * L * R**2 / (N + 1) ** 3,
                                    2 * L * R**2 / (N + 2) ** 2])
def test_perturbed_bounds_are_not_certified(stated):
    found = certify("fast_gradient_convex", smooth_convex("L"), FGM, stated=stated).verify()
    assert found.value is not True, found.reason


def test_a_looser_stated_bound_is_certified():
    found = certify("fast_gradient_convex", smooth_convex("L"), FGM,
                    stated=3 * L * R**2 / (N + 1) ** 2).verify()
    assert found.value is True, found.reason


def test_at_a_number_of_steps_and_on_a_strongly_convex_class():
    found = certify("fast_gradient_convex", smooth_convex(1), FGM, steps=3).verify()
    assert found.value is True and "R**2/8" in found.reason  # 2R²/16
    strong = certify("fast_gradient_convex", smooth_strongly_convex("L", "mu"), FGM)
    assert strong.verify().value is True  # F_{μ,L} ⊂ F_{0,L}


@pytest.mark.parametrize("method, hyper, error", [
    (nesterov(momentum="(t - 1)/(t + 2)"), {}, UnsupportedError),  # torch form: another method
    (nesterov(form="lookahead"), {}, DomainError),                  # constant β
    (nesterov(form="lookahead", momentum="t/(t + 2)"), {}, DomainError),
    (FGM, {"alpha": "1/(2*L)"}, DomainError),
    ("gd", {}, UnsupportedError),
])
def test_other_rules_are_refused(method, hyper, error):
    with pytest.raises(error):
        certify("fast_gradient_convex", smooth_convex("L"), method, **hyper)


def _huber_gap(tau: Fraction, steps: int) -> Fraction:
    """f(x_T) − f* for the fast gradient method (L = 1) on the 1-D Huber function
    f(x) = x²/2 (|x| ≤ τ), τ|x| − τ²/2 (else), 1-smooth convex, x* = 0, from x₀ = 1."""
    def grad(x):
        return max(-tau, min(tau, x))

    x_prev = y = Fraction(1)
    x = y
    for t in range(1, steps + 1):
        x = y - grad(y)
        y = x + Fraction(t - 1, t + 2) * (x - x_prev)
        x_prev = x
    return x * x / 2 if abs(x) <= tau else tau * abs(x) - tau * tau / 2


def test_huber_refutes_the_perturbed_bounds_and_respects_the_bound():
    # by hand: at T = 2 all iterates stay where f' = τ, x_2 = 1 − 2τ, f = τ − 5τ²/2, 1/10 at τ = 1/5
    assert _huber_gap(Fraction(1, 5), 2) == Fraction(1, 10) > Fraction(2, 27)  # 2/(T+1)³
    # T = 3: y_2 = 1 − 9τ/4, x_3 = 1 − 13τ/4, f = τ − 15τ²/4, 1/15 at τ = 2/15
    assert _huber_gap(Fraction(2, 15), 3) == Fraction(1, 15) > Fraction(1, 16)  # 1/(T+1)²
    for steps in range(1, 12):
        worst = max(_huber_gap(Fraction(j, 200), steps) for j in range(1, 200))
        assert worst <= Fraction(2, (steps + 1) ** 2)


def test_pepit_worst_case_lies_under_the_certified_bound():
    values = np.array([pepit_fgm(n, "function_gap") for n in (2, 3, 4)])
    bound = np.array([2 / (n + 1) ** 2 for n in (2, 3, 4)])
    assert np.all(values <= bound * (1 + 1e-6))
    assert values[0] > 2 / 27 * 1.2 and values[1] > 1 / 16 * 1.02  # the perturbed bounds fail


def test_certify_bound_routes_the_look_ahead_form_to_its_potential():
    from symopt.guarantees.lyapunov import certify_bound

    found = certify_bound(smooth_convex("L"), FGM, "function_gap", "distance", 2 * L / (N + 1) ** 2)
    assert found.value is not None and "fast_gradient_convex" not in found.reason, found.reason
    wrong = certify_bound(smooth_convex("L"), FGM, "function_gap", "distance", L / (N + 1) ** 2)
    assert wrong.value is None and wrong.reason.startswith("fast_gradient_convex potential")
