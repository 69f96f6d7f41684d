"""Exact sign proofs over parameter regions; false only with a point, unknown otherwise."""

import pytest
import sympy as sp

from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees.positivity import Region, prove_nonnegative, prove_positive, prove_psd

L, mu, alpha = sp.symbols("L mu alpha", positive=True)
N = sp.Symbol("N", positive=True, integer=True)
x = sp.Symbol("x", real=True)


@pytest.mark.parametrize("expr, region", [
    ((L - mu) / (L + mu), (mu < L,)),
    (alpha * (2 - alpha * L), (alpha < 2 / L,)),
    (1 - alpha * L, (alpha <= 1 / L,)),
    # (1−αμ)² − (1−αL)² = α(L−μ)(2 − α(L+μ)): GD's rate is |1 − αμ| below 2/(μ+L)
    ((1 - alpha * mu) ** 2 - (1 - alpha * L) ** 2, (mu < L, alpha <= 2 / (mu + L))),
    ((1 - alpha * L) ** 2 - (1 - alpha * mu) ** 2, (mu < L, 2 / (mu + L) <= alpha)),
    (1 - 1 / N, ()),                       # N ≥ 1 from the integer assumption
    (x**2 + 1, ()),                          # a real symbol of unknown sign, even powers
    ((x - alpha) ** 2 * alpha, ()),
])
def test_proved_nonnegative(expr, region):
    found = prove_nonnegative(expr, region)
    assert found.value is True, found.reason


@pytest.mark.parametrize("expr, region", [
    (mu - L / 2, (mu < L,)),                                  # negative for μ < L/2
    (1 - alpha * L, (alpha < 2 / L,)),                       # negative for α > 1/L
    ((1 - alpha * mu) ** 2 - (1 - alpha * L) ** 2, (mu < L, alpha < 2 / L)),
    (1 - 2 / N, ()),                                         # N = 1
])
def test_negative_somewhere_is_false_with_an_exact_point(expr, region):
    found = prove_nonnegative(expr, region)
    assert found.value is False, found.reason
    point = found.evidence["point"]
    assert Region(region).contains(point) is True
    assert expr.subs(point) < 0


def test_strict_fails_at_a_closed_end_point():
    assert prove_nonnegative(1 - alpha * L, (alpha <= 1 / L,)).value is True
    found = prove_positive(1 - alpha * L, (alpha <= 1 / L,))
    assert found.value is False and found.evidence["value"] == 0
    assert prove_positive(1 - alpha * L, (alpha < 1 / L,)).value is True


def test_true_but_not_provable_is_unknown_never_false():
    # α² − α + 1 > 0 for every α, but its coefficients have mixed signs and it is irreducible.
    found = prove_nonnegative(alpha**2 - alpha + 1)
    assert found.value is None and "mixed signs" in found.reason
    found = prove_nonnegative(x)  # a real symbol of either sign, and no point was sampled
    assert found.value is not True


def test_region_errors():
    with pytest.raises(DomainError):
        Region((sp.false,))
    with pytest.raises(UnsupportedError):
        Region((sp.Ne(alpha, 1),))


def test_symbolic_psd_and_not_psd():
    # [[μ, 0], [0, L − μ]] ⪰ 0 for μ < L; [[μ − L/2, 0], [0, 1]] is not for μ < L/2.
    assert prove_psd(sp.Matrix([[mu, 0], [0, L - mu]]), (mu < L,)).value is True
    found = prove_psd(sp.Matrix([[mu - L / 2, 0], [0, 1]]), (mu < L,))
    assert found.value is False
    # a singular PSD matrix (rank one): every principal minor, not only the leading ones
    v = sp.Matrix([1, -alpha])
    assert prove_psd(v * v.T).value is True
    # leading minors 0 and 0, but the trailing 1×1 minor is −1
    assert prove_psd(sp.Matrix([[0, 0], [0, -alpha]])).value is False


def test_numeric_psd_by_exact_elimination():
    hilbert = sp.Matrix(4, 4, lambda i, j: sp.Rational(1, i + j + 1))
    assert prove_psd(hilbert).value is True
    assert prove_psd(hilbert - sp.eye(4) / 10**4).value is False  # λ_min(H₄) ≈ 9.7e-5


def test_verdicts_agree_with_exact_sampling():
    # Random expressions over 0 < μ < L, 0 < α ≤ 1/L: "true" must survive 25 exact samples of
    # the region; "false" must come with a point of the region where the value is negative.
    import random

    region = (mu < L, alpha <= 1 / L)
    rng = random.Random(1)
    atoms = [1, L, mu, alpha, alpha * L, alpha * mu, mu / L, L - mu, 1 - alpha * L,
             1 - alpha * mu, (1 - alpha * L) ** 2]
    decided = 0
    for _ in range(20):
        expr = sp.Add(*(rng.randint(-3, 3) * rng.choice(atoms) * rng.choice(atoms)
                        for _ in range(rng.randint(1, 3))))
        found = prove_nonnegative(expr, region)
        decided += found.known
        if found.value is True:
            for _ in range(25):
                Lv = sp.Rational(rng.randint(1, 60), rng.randint(1, 9))
                point = {L: Lv, mu: Lv * sp.Rational(rng.randint(1, 99), 100),
                         alpha: sp.Rational(rng.randint(1, 100), 100) / Lv}
                assert expr.subs(point) >= 0, (expr, point)
        elif found.value is False:
            point = found.evidence["point"]
            assert expr.subs(point) < 0 and Region(region).contains(point) is True
    assert decided >= 15
