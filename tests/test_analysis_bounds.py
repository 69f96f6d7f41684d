"""Textbook GD bounds: proved on quadratics by symopt, checked here on sampled problems.

The checks evaluate each bound's own statement (read with symopt's LaTeX reader after
its quantities are named), which must equal the textbook's inequality typed here from
the reference and hold on the sampled runs.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symopt.analysis import textbook_bounds
from symopt.analysis.bounds import convex_smooth_gd, descent_lemma, strongly_convex_gd
from symopt.kernels import run
from symopt.latex import parse_latex
from symopt.symbols import symbol

#: The quantities a statement speaks about, named so that the rest is a formula.
QUANTITIES = [("f(x − α∇f(x))", "F_1"), ("‖∇f(x)‖²", "G"), ("f(x)", "F_0"),
              ("f(x_T) − f*", "E_T"), ("‖x₀ − x*‖²", "D"), ("f(x₀) − f*", "E_0")]
alpha, L, mu, T = (symbol(n) for n in ("alpha", "L", "mu", "T"))
F_0, F_1, G, D, E_0, E_T = (symbol(n) for n in ("F_0", "F_1", "G", "D", "E_0", "E_T"))


def statement(bound) -> sp.Rel:
    """The bound's statement as a relation between the named quantities."""
    text = bound.statement
    for quantity, name in QUANTITIES:
        text = text.replace(quantity, name)
    return parse_latex(text)


def right_side(bound, **values: float) -> float:
    """The statement's upper bound at numbers (its left side is one named quantity)."""
    relation = statement(bound)
    assert isinstance(relation, sp.LessThan), relation
    return float(relation.rhs.subs({symbol(k): v for k, v in values.items()}))


def test_statements_are_the_textbook_inequalities():
    # Nesterov (2004) Lemma 1.2.3, Cor. 2.1.2, Thm 2.1.15; Bubeck (2015) §3.2, Thm 3.3, 3.10
    textbook = {"descent lemma on quadratics": (F_1, F_0 - alpha * (1 - L * alpha / 2) * G),
                "convex L-smooth GD on quadratics": (E_T, D / (2 * alpha * T)),
                "strongly convex GD on quadratics": (E_T, (1 - mu / L) ** T * E_0)}
    rng = np.random.default_rng(0)
    for bound in textbook_bounds():
        relation = statement(bound)
        lhs, rhs = textbook[bound.name]
        assert isinstance(relation, sp.LessThan) and relation.lhs == lhs, bound.name
        for _ in range(5):
            point = {s: sp.Rational(int(rng.integers(1, 50)), int(rng.integers(1, 50)))
                     for s in rhs.free_symbols if s != T}
            point[T] = int(rng.integers(1, 20))
            assert relation.rhs.subs(point) == rhs.subs(point), (bound.name, point)


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
    bound = descent_lemma()
    assert bound.proof.known
    for _ in range(4):
        text, A = _random_quadratic(rng, 3)
        L = float(max(np.linalg.eigvalsh(A)))
        for alpha in (0.3 / L, 1 / L, 1.9 / L):
            x = rng.normal(size=3)
            traj = run(text, "gd", x, 1, alpha=alpha)
            f0, f1 = traj.values
            g = traj.grad_norms[0] ** 2
            assert f1 <= right_side(bound, F_0=f0, G=g, alpha=alpha, L=L) + 1e-12
        # tight along the top eigenvector (by hand: f = Lx²/2, x₁ = (1 − αL)x, so
        # f(x₁) = f(x) − α(1 − Lα/2)L²x² exactly)
        top = np.linalg.eigh(A)[1][:, -1]
        traj = run(text, "gd", top, 1, alpha=0.7 / L)
        f0, f1 = traj.values
        expected = right_side(bound, F_0=f0, G=traj.grad_norms[0] ** 2, alpha=0.7 / L, L=L)
        assert f1 == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # Non-quadratic: f = log(1 + eˣ) + x²/2 has f'' = σ(1 − σ) + 1 ≤ 5/4 = L.
    for x0 in (-3.0, 0.2, 2.5):
        traj = run("log(1 + exp(x)) + x**2/2", "gd", [x0], 1, alpha=1.2)
        f0, f1 = traj.values
        assert f1 <= right_side(bound, F_0=f0, G=traj.grad_norms[0] ** 2, alpha=1.2,
                                L=1.25) + 1e-12


def test_convex_smooth_rate_on_sampled_problems():
    rng = np.random.default_rng(4)
    bound = convex_smooth_gd()
    assert bound.proof.known
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
            distance = np.linalg.norm(x0 - star) ** 2
            limits = [right_side(bound, D=distance, alpha=alpha, T=t) for t in range(1, 61)]
            assert np.all(traj.values[1:] <= np.array(limits) + 1e-12)
    # nearly attained: in one direction of curvature λ = 1/(α(2T + 1)), by hand
    # f(x_T)/(‖x₀ − x*‖²/(2αT)) = T·s(1 − s)^{2T} at s = αλ = 1/(2T + 1): 4/27 at T = 1,
    # 0.1795 at T = 10, 0.1828 at T = 40 (→ 1/(2e))
    for steps, ratio in ((1, 4 / 27), (10, 0.179), (40, 0.182)):
        a = 0.5
        curvature = 1 / (a * (2 * steps + 1))
        traj = run(f"{curvature!r}*x**2/2", "gd", [1.0], steps, alpha=a)
        limit = right_side(bound, D=1.0, alpha=a, T=steps)
        assert ratio * limit <= traj.values[-1] * (1 + 1e-9) <= limit


def test_strongly_convex_rate_on_sampled_problems():
    rng = np.random.default_rng(5)
    bound = strongly_convex_gd()
    assert bound.proof.known
    for _ in range(4):
        text, A = _random_quadratic(rng, 4)
        eig = np.linalg.eigvalsh(A)
        mu, L = float(eig[0]), float(eig[-1])
        traj = run(text, "gd", rng.normal(size=4), 40, alpha=1 / L)
        limits = [right_side(bound, E_0=traj.values[0], mu=mu, L=L, T=t) for t in range(41)]
        assert np.all(traj.values <= np.array(limits) * (1 + 1e-9))
    # Non-quadratic: f = x² + log(cosh(x)) has 2 ≤ f'' ≤ 3, minimiser 0, f* = 0.
    traj = run("x**2 + log(cosh(x))", "gd", [2.0], 30, alpha=1 / 3)
    limits = [right_side(bound, E_0=traj.values[0], mu=2, L=3, T=t) for t in range(31)]
    assert np.all(traj.values <= np.array(limits) + 1e-12)


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
