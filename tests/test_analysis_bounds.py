"""Textbook GD bounds: proved on quadratics by symopt, checked here on sampled problems."""

from __future__ import annotations

import numpy as np
import pytest

from symopt.analysis import textbook_bounds
from symopt.analysis.bounds import convex_smooth_gd, descent_lemma, strongly_convex_gd
from symopt.kernels import run


def test_every_bound_is_proved_symbolically():
    for bound in textbook_bounds():
        assert bound.proof.value is True, (bound.name, bound.proof.reason)


def _random_quadratic(rng, n: int, singular: bool = False) -> tuple[str, np.ndarray]:
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    eig = rng.uniform(0.5, 5.0, n).round(2)
    if singular:
        eig[0] = 0.0
    A = (q * eig) @ q.T
    A = np.round(A, 3)
    A = (A + A.T) / 2
    names = [f"w{i + 1}" for i in range(n)]
    terms = [f"{float(A[i, j] / 2)!r}*{names[i]}*{names[j]}" for i in range(n) for j in range(n)]
    return " + ".join(terms), A


def test_descent_lemma_on_sampled_problems():
    rng = np.random.default_rng(3)
    assert descent_lemma().proof.known
    for _ in range(4):
        text, A = _random_quadratic(rng, 3)
        L = float(max(np.linalg.eigvalsh(A)))
        for alpha in (0.3 / L, 1 / L, 1.9 / L):
            x = rng.normal(size=3)
            traj = run(text, "gd", x, 1, alpha=alpha)
            f0, f1 = traj.values
            assert f1 <= f0 - alpha * (1 - L * alpha / 2) * traj.grad_norms[0] ** 2 + 1e-12
    # Non-quadratic: f = log(1 + eˣ) + x²/2 has f'' = σ(1 − σ) + 1 ≤ 5/4 = L.
    for x0 in (-3.0, 0.2, 2.5):
        traj = run("log(1 + exp(x)) + x**2/2", "gd", [x0], 1, alpha=1.2)
        f0, f1 = traj.values
        assert f1 <= f0 - 1.2 * (1 - 1.25 * 1.2 / 2) * traj.grad_norms[0] ** 2 + 1e-12


def test_convex_smooth_rate_on_sampled_problems():
    rng = np.random.default_rng(4)
    assert convex_smooth_gd().proof.known
    for singular in (False, True, True):
        text, A = _random_quadratic(rng, 3, singular=singular)
        L = float(max(np.linalg.eigvalsh(A)))
        x0 = rng.normal(size=3)
        # f* = 0 at the projection of x₀ onto the null space (the nearest minimiser).
        eig, vec = np.linalg.eigh(A)
        null = vec[:, np.abs(eig) < 1e-9]
        star = null @ (null.T @ x0)
        for alpha in (0.5 / L, 1 / L):
            traj = run(text, "gd", x0, 60, alpha=alpha)
            T = np.arange(1, 61)
            bound = np.linalg.norm(x0 - star) ** 2 / (2 * alpha * T)
            assert np.all(traj.values[1:] <= bound + 1e-12)


def test_strongly_convex_rate_on_sampled_problems():
    rng = np.random.default_rng(5)
    assert strongly_convex_gd().proof.known
    for _ in range(4):
        text, A = _random_quadratic(rng, 4)
        eig = np.linalg.eigvalsh(A)
        mu, L = float(eig[0]), float(eig[-1])
        traj = run(text, "gd", rng.normal(size=4), 40, alpha=1 / L)
        ratio = traj.values / traj.values[0]
        assert np.all(ratio <= (1 - mu / L) ** np.arange(41) * (1 + 1e-9))
    # Non-quadratic: f = x² + log(cosh(x)) has 2 ≤ f'' ≤ 3, minimiser 0, f* = 0.
    traj = run("x**2 + log(cosh(x))", "gd", [2.0], 30, alpha=1 / 3)
    assert np.all(traj.values / traj.values[0] <= (1 - 2 / 3) ** np.arange(31) + 1e-12)


@pytest.mark.parametrize("bound", textbook_bounds(), ids=lambda b: b.name)
def test_bounds_state_their_hypotheses(bound):
    assert bound.statement and bound.hypotheses and bound.reference


def test_each_bound_names_the_certificate_that_proves_it_for_the_class():
    # A proof on quadratics is labelled so; the class statement is a verified certificate.
    from symopt.guarantees import smooth, smooth_convex, smooth_strongly_convex
    from symopt.guarantees.lyapunov import certify

    classes = {"descent": (smooth("L"), {}), "convex_rate": (smooth_convex("L"), {}),
               "function_values": (smooth_strongly_convex("L", "mu"), {"alpha": "1/L"})}
    for bound in textbook_bounds():
        assert "on quadratics" in bound.name and "on quadratics" in bound.proof.reason
        cls, hyper = classes[bound.class_certificate]
        found = certify(bound.class_certificate, cls, "gd", **hyper).verify()
        assert found.value is True, (bound.name, found.reason)
