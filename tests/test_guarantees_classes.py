"""Interpolation conditions of the function classes (Taylor, Hendrickx & Glineur 2017)."""

import random

import pytest
import sympy as sp

from symopt.errors import DomainError
from symopt.guarantees import Oracle, smooth, smooth_convex, smooth_strongly_convex

x1, g1, f1, x2, g2, f2 = sp.symbols("x1 g1 f1 x2 g2 f2", real=True)


def _oracle(f, x):
    """The oracle of a one-dimensional function f at x (exact)."""
    z = sp.Symbol("z", real=True)
    return Oracle(sp.nsimplify(x), sp.diff(f(z), z).subs(z, x), f(z).subs(z, x))


def _holds_on_samples(cls, f, n=40):
    rng = random.Random(7)
    points = [_oracle(f, sp.Rational(rng.randint(-400, 400), 37)) for _ in range(n)]
    return all(expr >= 0 for _, _, expr in cls.conditions(points))


def test_convex_pair_sums_to_cocoercivity():
    # Adding the two orderings gives ⟨g₁ − g₂, x₁ − x₂⟩ ≥ ‖g₁ − g₂‖²/L (Nesterov, Thm 2.1.5).
    L = sp.Symbol("L", positive=True)
    cls = smooth_convex(L)
    a, b = Oracle(x1, g1, f1), Oracle(x2, g2, f2)
    total = cls.inequality(a, b) + cls.inequality(b, a)
    assert sp.expand(total - ((g1 - g2) * (x1 - x2) - (g1 - g2) ** 2 / L)) == 0


def test_strongly_convex_pair_is_the_textbook_inequality():
    # Nesterov (2004), Thm 2.1.12: ⟨g₁ − g₂, x₁ − x₂⟩ ≥ μL/(μ+L)‖Δx‖² + ‖Δg‖²/(μ+L).
    L, mu = sp.symbols("L mu", positive=True)
    cls = smooth_strongly_convex(L, mu)
    a, b = Oracle(x1, g1, f1), Oracle(x2, g2, f2)
    total = sp.together(cls.inequality(a, b) + cls.inequality(b, a))
    dx, dg = x1 - x2, g1 - g2
    textbook = dg * dx - mu * L / (mu + L) * dx**2 - dg**2 / (mu + L)
    # the pair sum is (L+μ)/(L−μ) times the textbook form
    assert sp.simplify(total - (L + mu) / (L - mu) * textbook) == 0


def test_members_satisfy_and_outsiders_violate():
    huber = lambda z: sp.Piecewise((z**2 / 2, sp.Abs(z) <= 1), (sp.Abs(z) - sp.S.Half, True))  # noqa: E731
    assert _holds_on_samples(smooth_convex(1), huber)
    assert _holds_on_samples(smooth_strongly_convex(3, 1), lambda z: z**2 + sp.cos(z) / 2)
    assert _holds_on_samples(smooth(1), lambda z: sp.cos(z))
    # outside the class: too curved, or not convex, or curvature below μ
    assert not _holds_on_samples(smooth_convex(1), lambda z: z**2)
    assert not _holds_on_samples(smooth_convex(1), lambda z: -(z**2) / 4)
    assert not _holds_on_samples(smooth_strongly_convex(4, 2), lambda z: z**2 / 2)


@pytest.mark.parametrize("make", [
    lambda: smooth_strongly_convex(1, 2),
    lambda: smooth_strongly_convex(1, 1),
    lambda: smooth_strongly_convex(1, 0),
    lambda: smooth_convex(-1),
    lambda: smooth_convex(float("nan")),
    lambda: smooth(0),
])
def test_bad_constants_are_refused(make):
    with pytest.raises(DomainError):
        make()
