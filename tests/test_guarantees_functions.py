"""Exact piecewise quadratics, class membership and the interpolating function of F_{μ,L}."""

import random
import re
from itertools import pairwise

import numpy as np
import pytest
import sympy as sp

from symopt.errors import DomainError
from symopt.guarantees.classes import Oracle, smooth, smooth_convex, smooth_strongly_convex
from symopt.guarantees.functions import (
    PiecewiseQuadratic,
    Quadratic,
    from_gradient,
    huber,
    interpolant,
)

R = sp.Rational


def _class_properties(f, L, mu, lo=-6.0, hi=6.0):
    """Independent numeric check of f ∈ F_{μ,L}: slopes of f′ between grid points in [μ, L]."""
    grid = np.linspace(lo, hi, 601)
    value, grad = f.numpy()
    values, slopes = value(grid[:, None]), grad(grid[:, None])[:, 0]
    quotients = np.diff(slopes) / np.diff(grid)
    assert quotients.min() >= float(mu) - 1e-9
    assert quotients.max() <= float(L) + 1e-9
    # the value is an antiderivative of the slope (trapezoid is exact up to O(h²·L))
    assert np.allclose(np.diff(values), (slopes[1:] + slopes[:-1]) / 2 * np.diff(grid),
                       atol=float(L) * (grid[1] - grid[0]) ** 2)


def _through(f, triples):
    for x, g, fx in triples:
        assert sp.simplify(f.value(x) - fx) == 0
        assert sp.simplify(f.derivative(x) - g) == 0


def test_huber_is_in_the_convex_class_only():
    h = huber(2, R(1, 2))
    assert h.membership(smooth_convex(2)).value is True
    assert h.membership(smooth_convex(1)).value is False  # curvature 2 > L = 1
    assert h.membership(smooth_strongly_convex(2, R(1, 10))).value is False  # linear pieces
    assert h.value(3) == 2 * R(1, 2) * 3 - 2 * R(1, 4) / 2


def test_membership_finds_a_kink_and_a_jump():
    kink = PiecewiseQuadratic((0,), (Quadratic(0, 0, 0), Quadratic(0, 1, 0)))  # max(0, x)
    finding = kink.membership(smooth_convex(1))
    assert finding.value is False and "derivative jumps by 1 at x = 0" in finding.reason
    jump = PiecewiseQuadratic((0,), (Quadratic(1, 0, 0), Quadratic(1, 0, 1)))
    assert "value jumps" in jump.membership(smooth_convex(1)).reason


def test_membership_with_symbols_is_decided_or_unknown():
    L, tau = sp.symbols("L tau", positive=True)
    assert huber(L, tau).membership(smooth_convex(L)).value is True
    c = sp.Symbol("c", real=True)
    f = PiecewiseQuadratic((), (Quadratic(c, 0, 0),))
    assert f.membership(smooth_convex(1)).known is False


def test_breakpoints_must_increase_and_pieces_match():
    with pytest.raises(DomainError, match="increase"):
        PiecewiseQuadratic((1, 0), (Quadratic(0, 0, 0),) * 3)
    with pytest.raises(DomainError, match="need 2 pieces"):
        PiecewiseQuadratic((0,), (Quadratic(0, 0, 0),))
    with pytest.raises(DomainError, match="must be a number"):
        Quadratic("x + 1", 0, 0)


def test_lessard_recht_packard_function_from_its_gradient():
    # ∇f = 25x (x < 1), x + 24 (1 ≤ x < 2), 25x − 24 (x ≥ 2); LRP 2016 §4.6
    f = from_gradient((1, 2), ((25, 0), (1, 24), (25, -24)))
    assert f.membership(smooth_strongly_convex(25, 1)).value is True
    assert f.membership(smooth_strongly_convex(25, 2)).value is False
    assert [f.derivative(x) for x in (0, 1, R(3, 2), 2, 3)] == [0, 25, R(51, 2), 26, 51]
    assert f.value(0) == 0
    _class_properties(f, 25, 1)


def test_numpy_callables_match_exact_values():
    f = huber(3, R(1, 3))
    value, grad = f.numpy()
    xs = np.array([[-2.0], [0.1], [0.25], [5.0]])
    exact = [f.value(sp.Rational(repr(float(t)))) for t in xs[:, 0]]
    assert np.allclose(value(xs), [float(v) for v in exact], rtol=1e-15)
    assert np.allclose(grad(xs)[:, 0], [-1.0, 0.3, 0.75, 1.0], rtol=1e-15)


X = sp.Symbol("x", real=True)


@pytest.mark.parametrize("seed", range(4))
def test_interpolant_through_huber_samples(seed):
    rng = random.Random(seed)
    L, tau = R(rng.randint(1, 5)), R(rng.randint(1, 4), rng.randint(1, 4))
    h = huber(L, tau)
    xs = sorted({R(rng.randint(-40, 40), 8) for _ in range(5)})
    triples = [(x, h.derivative(x), h.value(x)) for x in xs]
    f = interpolant(smooth_convex(L), triples)
    _through(f, triples)
    assert f.membership(smooth_convex(L)).value is True
    _class_properties(f, L, 0)


def test_interpolant_through_the_optimum_and_drori_teboulle_points_is_huber():
    # GD with α = 1/L on the Huber function with τ = R/(2N + 1) (Drori & Teboulle 2014)
    L, Rad, N = R(2), R(1), 3
    tau = Rad / (2 * N + 1)
    h = huber(L, tau)
    xs = [Rad - k * tau for k in range(N + 1)]
    triples = [(0, 0, 0)] + [(x, h.derivative(x), h.value(x)) for x in xs]
    f = interpolant(smooth_convex(L), triples)
    for t in [R(-3), R(-1, 10), R(1, 20), tau, R(1, 2), Rad]:  # the Huber function up to x₀
        expected = L * t**2 / 2 if t <= tau else L * tau * t - L * tau**2 / 2
        assert f.value(t) == expected


def _rounded_samples(fx, xs, digits=30):
    """(x, f′(x), f(x)) rounded to ``digits`` digits: exact rationals, interpolable when the
    class's inequalities hold with a margin far above the rounding."""
    def rational(e):
        return sp.Rational(str(sp.N(e, digits)))
    return [(x, rational(sp.diff(fx, X).subs(X, x)), rational(fx.subs(X, x))) for x in xs]


def test_interpolant_strongly_convex_from_x2_plus_cos():
    fx = X**2 + sp.cos(X)  # f″ = 2 − cos x ∈ [1, 3]
    cls = smooth_strongly_convex(3, 1)
    triples = _rounded_samples(fx, (R(-2), R(1, 2), R(3), R(7, 2)))
    f = interpolant(cls, triples)
    _through(f, triples)
    assert f.membership(cls).value is True
    _class_properties(f, 3, 1)


def test_interpolant_smooth_nonconvex_from_sine():
    fx = sp.sin(X)  # f″ = −sin x ∈ [−1, 1]
    cls = smooth(1)
    triples = _rounded_samples(fx, (R(-1), R(1), R(5, 2), R(4)))
    f = interpolant(cls, triples)
    _through(f, triples)
    assert f.membership(cls).value is True
    _class_properties(f, 1, -1)


def test_interpolant_with_oracles_and_duplicates():
    cls = smooth_strongly_convex(4, 1)
    f = interpolant(cls, [Oracle.optimum(), Oracle(1, 2, 1), Oracle(1, 2, 1)])
    assert f.value(1) == 1 and f.derivative(1) == 2 and f.value(0) == 0


@pytest.mark.parametrize(("points", "pair"), [
    ([(0, 0, 0), (1, 2, 1)], "(0, 1)"),            # f₀ below the tangent bound from point 1
    ([(0, 0, 0), (1, 0, 1)], "(0, 1)"),            # not convex: f₁ > f₀ with g₁ = 0
    ([(0, 0, 0), (1, 1, 0)], "(1, 0)"),            # f₁ below f₀ + ‖g₁ − g₀‖²/(2L)
    ([(0, 1, 0), (0, 2, 0)], "(0, 1)"),            # two gradients at one point
])
def test_interpolant_refuses_violated_pairs(points, pair):
    with pytest.raises(DomainError, match=rf"pair {re.escape(pair)}"):
        interpolant(smooth_convex(1), points)


def test_interpolant_refuses_a_strongly_convex_violation():
    # (0, 0, 0) and (1, 1, 1/2) lie on x²/2 (curvature 1): in F_{1/2,2}, not in F_{3/2,2}
    points = [(0, 0, 0), (1, 1, R(1, 2))]
    assert interpolant(smooth_strongly_convex(2, R(1, 2)), points).value(1) == R(1, 2)
    with pytest.raises(DomainError, match="violate"):
        interpolant(smooth_strongly_convex(2, R(3, 2)), points)



def _member(breaks, curvatures):
    """The C¹ function with f(0) = f′(0) = 0 and the given curvatures between sorted breaks."""
    slopes = []
    # f′ continuous: c_k x + d_k with d_{k+1} = d_k + (c_k − c_{k+1}) b_k
    d = sp.S.Zero
    slopes.append((curvatures[0], d))
    for b, (c_left, c_right) in zip(breaks, pairwise(curvatures)):
        d = d + (c_left - c_right) * b
        slopes.append((c_right, d))
    return from_gradient(breaks, slopes)


@pytest.mark.parametrize("kind", ["convex", "strong", "smooth"])
def test_interpolant_through_random_class_members(kind):
    hypothesis = pytest.importorskip("hypothesis")
    st = pytest.importorskip("hypothesis.strategies")
    L = R(3)
    mu = {"convex": R(0), "strong": R(1, 2), "smooth": -L}[kind]
    cls = {"convex": lambda: smooth_convex(L), "strong": lambda: smooth_strongly_convex(L, mu),
           "smooth": lambda: smooth(L)}[kind]()
    rational = st.fractions(min_value=-3, max_value=3, max_denominator=6).map(
        lambda q: R(q.numerator, q.denominator))
    curvature = st.fractions(min_value=float(mu), max_value=3, max_denominator=4).map(
        lambda q: R(q.numerator, q.denominator))

    @hypothesis.settings(max_examples=15, deadline=None, derandomize=True)
    @hypothesis.given(st.lists(rational, min_size=1, max_size=3, unique=True),
                      st.lists(curvature, min_size=4, max_size=4),
                      st.lists(rational, min_size=1, max_size=4, unique=True))
    def check(breaks, curvatures, xs):
        breaks = sorted(breaks)
        member = _member(breaks, curvatures[: len(breaks) + 1])
        assert member.membership(cls).value is True
        triples = [(x, member.derivative(x), member.value(x)) for x in xs]
        f = interpolant(cls, triples)
        _through(f, triples)
        assert f.membership(cls).value is True

    check()
