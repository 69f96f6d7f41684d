"""Optimal hyperparameters and rates: textbook forms, scipy minimax, and compiled runs."""

from __future__ import annotations

import os

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import minimize

from symopt.analysis import analyze, iterations_to_tolerance, optimal_hyperparameters
from symopt.kernels import run
from symopt.methods import get_method
from symopt.symbols import symbol

alpha, beta, L, mu, kappa = (symbol(n) for n in ("alpha", "beta", "L", "mu", "kappa"))
SEED = "0.5*(w1**2 + 4*w2**2)"


def test_seed_optimal_gd_step_and_rate():
    # Seed: ½(w₁² + 4w₂²) has μ = 1, L = 4: α* = 2/(1 + 4) = 2/5 = 0.4, rate 3/5.
    a = analyze(SEED, "gd")
    assert a.optimal.value.hyperparameters == {alpha: sp.Rational(2, 5)}
    assert a.optimal.value.rate == sp.Rational(3, 5)


def test_symbolic_optima_are_the_textbook_formulas():
    spectrum = sp.Interval(mu, L)
    gd = optimal_hyperparameters(get_method("gd"), spectrum).value
    assert sp.simplify(gd.hyperparameters[alpha] - 2 / (mu + L)) == 0
    assert sp.simplify(gd.rate_kappa - (kappa - 1) / (kappa + 1)) == 0
    hb = optimal_hyperparameters(get_method("heavy_ball"), spectrum).value
    root = (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)
    assert sp.simplify(hb.hyperparameters[alpha] - 4 / (sp.sqrt(L) + sp.sqrt(mu)) ** 2) == 0
    assert sp.simplify(hb.hyperparameters[beta].subs(L, kappa * mu) - root**2) == 0
    assert sp.simplify(hb.rate_kappa - root) == 0
    # Nesterov: Lessard, Recht & Packard (2016), §3.2: α = 4/(3L + μ),
    # β = (√(3κ+1) − 2)/(√(3κ+1) + 2), rate 1 − 2/√(3κ + 1).
    nesterov = optimal_hyperparameters(get_method("nesterov"), spectrum).value
    q = sp.sqrt(3 * kappa + 1)
    assert sp.simplify(nesterov.hyperparameters[alpha] - 4 / (3 * L + mu)) == 0
    assert sp.simplify(nesterov.hyperparameters_kappa[beta] - (q - 2) / (q + 2)) == 0
    assert sp.simplify(nesterov.rate_kappa - (1 - 2 / q)) == 0


def _hb_radius(a: float, b: float, lam: np.ndarray) -> np.ndarray:
    # Independent: Polyak's x_{k+1} = x_k − aλx_k + b(x_k − x_{k−1}) has the
    # characteristic polynomial z² − (1 + b − aλ)z + b; its roots by the quadratic formula.
    trace = 1 + b - a * lam
    disc = (trace**2 - 4 * b).astype(complex)
    roots = np.stack([(trace + np.sqrt(disc)) / 2, (trace - np.sqrt(disc)) / 2])
    return np.abs(roots).max(axis=0)


@pytest.mark.parametrize(("low", "high"), [(1, 4), (1, 50), (0.5, 10)])
def test_optima_agree_with_numeric_minimax(low, high):
    grid = np.linspace(low, high, 401)
    gd_worst = lambda a: max(abs(1 - a[0] * grid))  # noqa: E731
    found = minimize(gd_worst, [1 / high], method="Nelder-Mead",
                     options={"xatol": 1e-10, "fatol": 1e-12})
    gd = optimal_hyperparameters(get_method("gd"), [sp.nsimplify(low), sp.nsimplify(high)]).value
    assert float(gd.hyperparameters[alpha]) == pytest.approx(found.x[0], rel=1e-5)
    assert float(gd.rate) == pytest.approx(found.fun, rel=1e-6)

    hb_worst = lambda p: float(_hb_radius(p[0], p[1], grid).max())  # noqa: E731
    hb = optimal_hyperparameters(get_method("heavy_ball"), [sp.nsimplify(low), sp.nsimplify(high)])
    a_star, b_star = float(hb.value.hyperparameters[alpha]), float(hb.value.hyperparameters[beta])
    best = hb_worst([a_star, b_star])
    assert best == pytest.approx(float(hb.value.rate), abs=1e-6)
    rng = np.random.default_rng(1)
    for _ in range(40):  # no nearby point does better
        a, b = a_star * (1 + rng.uniform(-0.05, 0.05)), b_star * (1 + rng.uniform(-0.05, 0.05))
        assert hb_worst([a, b]) >= best - 1e-6
    found = minimize(hb_worst, [1 / high, 0.5], method="Nelder-Mead",
                     options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 4000})
    assert found.fun >= best - 1e-4


def _measured_rate(method: str, steps: int, **hp) -> float:
    norms = np.linalg.norm(run(SEED, method, [1.0, 1.0], steps, **hp).iterates, axis=-1)
    half = steps // 2
    return float((norms[steps] / norms[half]) ** (1 / (steps - half)))


def test_measured_contraction_equals_the_derived_rate():
    # GD at α* = 2/5: both directions shrink by exactly 3/5 per step.
    norms = np.linalg.norm(run(SEED, "gd", [1.0, 1.0], 30, alpha=0.4).iterates, axis=-1)
    assert np.allclose(norms[1:] / norms[:-1], 0.6, rtol=1e-12)
    hb = analyze(SEED, "heavy_ball").optimal.value
    hp = {k.name: float(v) for k, v in hb.hyperparameters.items()}
    # Double roots at ±1/3: x_k ~ k(1/3)^k, so the measured rate tends to 1/3 from above.
    assert _measured_rate("heavy_ball", 200, **hp) == pytest.approx(1 / 3, rel=1e-2)


def test_derived_optimum_beats_nearby_values_in_runs():
    for method, optimum in (("gd", {"alpha": 0.4}),
                            ("heavy_ball", {"alpha": 4 / 9, "beta": 1 / 9})):
        best = _measured_rate(method, 200, **optimum)
        for name in optimum:
            for factor in (0.9, 1.1):
                nearby = dict(optimum, **{name: optimum[name] * factor})
                assert _measured_rate(method, 200, **nearby) > best, (method, nearby)


def test_iterations_to_tolerance_match_the_run():
    # Exact contraction by 3/5 per step: the first k with ‖x_k‖ ≤ ε‖x₀‖.
    eps = sp.Rational(1, 10**6)
    derived = iterations_to_tolerance(sp.Rational(3, 5), eps)
    norms = np.linalg.norm(run(SEED, "gd", [1.0, 1.0], 40, alpha=0.4).iterates, axis=-1)
    first = int(np.argmax(norms / norms[0] <= float(eps) * (1 + 1e-12)))
    assert derived == first == 28
    assert analyze(SEED, "gd", epsilon="1e-6").iterations.value == 28


def _cpu_seconds() -> float:
    # CPU time of this process and its finished workers (run_with_timeout forks):
    # wall time on a shared, loaded machine would measure the other jobs.
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def test_analysis_of_the_seed_is_fast():
    for method in ("gd", "heavy_ball", "nesterov"):
        start = _cpu_seconds()
        result = analyze(SEED, method)
        result.as_dict()
        assert _cpu_seconds() - start < 2.0, method
        assert result.stability.known


def test_nesterov_optimum_matches_lessard_and_the_run():
    found = analyze(SEED, "nesterov").optimal
    root = np.sqrt(3 * 4 + 1)
    best = {k.name: float(v) for k, v in found.value.hyperparameters.items()}
    assert best["alpha"] == pytest.approx(4 / 13, rel=1e-12)
    assert best["beta"] == pytest.approx((root - 2) / (root + 2), rel=1e-12)
    assert float(found.value.rate) == pytest.approx(1 - 2 / root, rel=1e-12)
    # Independent numeric minimax of the worst radius (roots by the quadratic formula).
    grid = np.linspace(1, 4, 401)

    def worst(p):
        s = p[0] * grid
        trace, det = (1 + p[1]) * (1 - s), p[1] * (1 - s)
        disc = np.sqrt((trace**2 - 4 * det).astype(complex))
        return float(np.abs(np.stack([(trace + disc) / 2, (trace - disc) / 2])).max())

    numeric = minimize(worst, [0.25, 0.5], method="Nelder-Mead",
                       options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    assert numeric.fun >= float(found.value.rate) - 1e-6
    measured = _measured_rate("nesterov", 200, **best)
    assert measured == pytest.approx(1 - 2 / root, rel=2e-2)


def test_no_closed_form_optimum_is_unknown_with_numeric_evidence():
    # Heavy ball with β = 1/2 held: only α is free, and neither equioscillation ansatz holds.
    found = analyze(SEED, "heavy_ball", beta="1/2").optimal
    assert not found.known and "evidence only" in found.reason
    numeric = found.evidence["numeric"]
    grid = np.linspace(1, 4, 401)
    scan = np.linspace(0.01, 1.4, 14000)
    radii = np.array([_hb_radius(a, 0.5, grid).max() for a in scan])
    assert numeric["rate"] == pytest.approx(radii.min(), abs=1e-4)
    # The minimum is a plateau (complex roots of radius √β), so check the value reached.
    assert _hb_radius(numeric["alpha"], 0.5, grid).max() == pytest.approx(radii.min(), abs=1e-4)


@pytest.mark.parametrize("method", ["nesterov", "nesterov_lookahead"])
def test_one_eigenvalue_nesterov_optimum_is_exact_with_beta_free(method):
    # On 2w² (λ = 4) α = 1/λ makes the step exact for every β (hand: torch form x₁ = −βx₀,
    # x₂ = 0; look-ahead form z₁ = y₀ − y₀ = 0): rate 0, not an unknown with numeric evidence.
    found = analyze("2*w**2", method).optimal
    assert found.known and found.value.rate == 0
    assert found.value.hyperparameters[symbol("alpha")] == sp.Rational(1, 4)
    assert "beta free" in found.reason
    for beta in ("0", "1/2", "9/10"):
        path = run("2*w**2", method, [1.0], 3, alpha="1/4", beta=beta).iterates
        assert abs(path[-1][0]) < 1e-12


def test_ema_heavy_ball_and_damped_newton_optima_in_runs():
    ema = analyze(SEED, "heavy_ball_ema").optimal.value
    hp = {k.name: float(v) for k, v in ema.hyperparameters.items()}
    assert ema.rate == sp.Rational(1, 3)
    assert _measured_rate("heavy_ball_ema", 200, **hp) == pytest.approx(1 / 3, rel=1e-2)
    newton = analyze(SEED, "damped_newton").optimal.value
    assert newton.hyperparameters == {alpha: 1} and newton.rate == 0
    trajectory = run(SEED, "damped_newton", [1.0, -2.0], 1, alpha=1.0)
    assert np.allclose(trajectory.final, 0, atol=1e-15)


@pytest.mark.parametrize("eigenvalues", [[4, 1], [1, 4], [2, 4, 1], [4, "5/2", 1]])
def test_gd_optimum_does_not_depend_on_the_order_of_the_eigenvalues(eigenvalues):
    # by hand: μ = 1, L = 4 whatever the order; α* = 2/(μ + L) = 2/5, r = (L − μ)/(L + μ) = 3/5
    best = optimal_hyperparameters(get_method("gd"), eigenvalues).value
    assert best.hyperparameters == {alpha: sp.Rational(2, 5)}
    assert best.rate == sp.Rational(3, 5)
    assert (best.mu, best.L) == (1, 4)


def test_heavy_ball_optimum_for_an_unsorted_spectrum():
    # Polyak with μ = 1, L = 4: α* = 4/(√L + √μ)² = 4/9, β* = ((√L − √μ)/(√L + √μ))² = 1/9,
    # rate √β* = 1/3
    best = optimal_hyperparameters(get_method("heavy_ball"), [4, 1]).value
    assert best.hyperparameters == {alpha: sp.Rational(4, 9), beta: sp.Rational(1, 9)}
    assert best.rate == sp.Rational(1, 3)


def test_irrational_and_symbolic_eigenvalue_lists_are_ordered_or_unknown():
    # [√2, 1, π/2]: μ = 1, L = π/2 (the middle entry); α* = 2/(1 + π/2) = 4/(2 + π),
    # r = (π/2 − 1)/(π/2 + 1) = (π − 2)/(π + 2)
    best = optimal_hyperparameters(get_method("gd"), [sp.sqrt(2), 1, sp.pi / 2]).value
    assert sp.simplify(best.hyperparameters[alpha] - 4 / (2 + sp.pi)) == 0
    assert sp.simplify(best.rate - (sp.pi - 2) / (sp.pi + 2)) == 0
    # [L, μ] with no known order between them: unknown, not a guess that the list is sorted
    for spectrum in ([L, mu], [mu, L]):
        found = optimal_hyperparameters(get_method("gd"), spectrum)
        assert not found.known and "order" in found.reason


def test_worst_rate_is_the_largest_radius_over_the_eigenvalues():
    # by hand, GD multiplies the λ-component by 1 − αλ: α = 1/2 on {1, 4} gives 1/2 and −1,
    # so the worst radius is 1 (no convergence); α = 2/5 on {4, 1, 2} gives 3/5, 3/5, 1/5
    from symopt.analysis import worst_rate

    gd = get_method("gd")
    assert worst_rate(gd, [1, 4], alpha="1/2").value == 1
    assert worst_rate(gd, [4, 1, 2], alpha="2/5").value == sp.Rational(3, 5)
    # heavy ball, α = 1/3, β = 1/6 at λ = 1: z² − (1 + β − α)z + β = z² − (5/6)z + 1/6
    # = (z − 1/2)(z − 1/3)
    assert worst_rate(get_method("heavy_ball"), [1], alpha="1/3", beta="1/6").value == \
        sp.Rational(1, 2)


def test_each_optimum_says_which_root_placement_it_rests_on():
    # by hand, heavy ball at α = 4/9, β = 1/9 on [1, 4]: z² − (1 + β − αλ)z + β is
    # z² − (2/3)z + 1/9 = (z − 1/3)² at λ = 1 and z² + (2/3)z + 1/9 = (z + 1/3)² at λ = 4:
    # every root at +r at μ and at −r at L. Nesterov's optimum (Lessard, Recht & Packard
    # 2016) has a double root only at μ; at L, −r is one root of two.
    z = sp.Symbol("z")
    hb = optimal_hyperparameters(get_method("heavy_ball"), [1, 4])
    a, b = hb.value.hyperparameters[alpha], hb.value.hyperparameters[beta]
    for lam, root in ((1, sp.Rational(1, 3)), (4, -sp.Rational(1, 3))):
        assert sp.expand(z**2 - (1 + b - a * lam) * z + b - (z - root) ** 2) == 0
    for name in ("gd", "heavy_ball"):
        ansatz = optimal_hyperparameters(get_method(name), [1, 4]).evidence["ansatz"]
        assert "every root" in ansatz and "at −r for λ = L" in ansatz, (name, ansatz)
    ansatz = optimal_hyperparameters(get_method("nesterov"), [1, 4]).evidence["ansatz"]
    assert "−r is a root for λ = L" in ansatz
