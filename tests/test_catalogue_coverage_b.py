"""Catalogue entries for seed statements that had no entry or were checked only in part:
GD's cost per iteration, the mini-batch gradient's variance, batch GD's "guaranteed descent",
gradient clipping and SGDR's warm restarts. Expected values are hand derivations (in the
comments) or numpy, never symopt's own output."""

import numpy as np
import sympy as sp

from symopt.catalogue import discover

ENTRIES = {e.info.id: e for e in discover()}
R = sp.Rational


def _module(identifier):
    import importlib
    import sys

    entry = ENTRIES[identifier]
    return sys.modules.get(entry.run.__module__) or importlib.import_module(entry.run.__module__)


# -- 002-gd-cost-per-iteration ---------------------------------------------------

def test_one_counted_gd_step_is_numpys_and_costs_2mn_plus_n():
    counted = _module("002-gd-cost-per-iteration")._gd_step_counted
    X = sp.Matrix([[1, 2, 0], [3, -1, 2]])
    y, w = sp.Matrix([1, -2]), sp.Matrix([1, 0, -1])
    new, ops = counted(X, y, w, R(1, 10))
    Xn, yn, wn = (np.array(a, dtype=float) for a in (X, y, w))
    expected = wn - 0.1 / 2 * Xn.T @ (Xn @ wn - yn)  # w − (α/m)Xᵀ(Xw − y)
    assert np.allclose([float(v) for v in new], expected.ravel())
    assert ops == 2 * 2 * 3 + 3  # Xw: 6, Xᵀr: 6, update: 3


def test_the_normal_equation_count_includes_forming_the_gram_matrix():
    counted = _module("002-gd-cost-per-iteration")._normal_equation_counted
    X = sp.Matrix([[1, 0], [1, 1], [1, 2], [0, 1]])
    y = sp.Matrix([1, 2, 2, 0])
    theta, parts = counted(X, y)
    lstsq = np.linalg.lstsq(np.array(X, dtype=float), np.array(y, dtype=float), rcond=None)[0]
    assert np.allclose([float(v) for v in theta], lstsq.ravel())
    # m = 4, n = 2: XᵀX upper triangle 3 entries × 4; Xᵀy 2 × 4; Gauss–Jordan 2n³; n² product
    assert parts == {"XᵀX": 12, "Xᵀy": 8, "inverse": 16, "product": 4}


# -- 002-minibatch-variance ------------------------------------------------------

def test_the_minibatch_errors_are_the_finite_population_values():
    from fractions import Fraction

    module = _module("002-minibatch-variance")
    w = [Fraction(str(v)) for v in module._W]
    # per-sample gradient of ½(xᵀw − y)²: x(xᵀw − y); full gradient: their mean
    grads = [[xi * (x[0] * w[0] + x[1] * w[1] - y) for xi in x] for x, y in module._SAMPLES]
    m = len(grads)
    full = [sum(c) / m for c in zip(*grads)]
    sigma2 = sum(sum((a - b) ** 2 for a, b in zip(g, full)) for g in grads) / m
    outcome = ENTRIES["002-minibatch-variance"].run()
    assert outcome.verdict == "true", outcome.evidence
    hand = [sigma2 * (m - b) / (b * (m - 1)) for b in range(1, m + 1)]  # 0 at B = m
    assert f"B = 1…6: {[str(sp.Rational(v.numerator, v.denominator)) for v in hand]}" \
        in outcome.evidence
    assert hand[-1] == 0 and hand[0] == sigma2


# -- 002-batch-guaranteed-descent ------------------------------------------------

def test_batch_descent_is_conditional_with_the_x_squared_counterexample():
    outcome = ENTRIES["002-batch-guaranteed-descent"].run()
    assert outcome.verdict == "conditional", outcome.evidence
    assert "2/L" in outcome.condition
    # by hand: x ← x − (3/2)(2x) = −2x, so f = x² goes 1, 4, 16, 64 from x₀ = 1
    assert "1, 4, 16, 64" in outcome.counterexample


def test_batch_descent_is_false_when_the_stated_range_holds_the_counterexample():
    # on x² (L = 2): 0 < α < 4/L = 2 contains α = 3/2, where f rises — refuted; 0 < α < 3/L
    # is too wide too (the lemma's α(1 − Lα/2) < 0 there) but α = 3/2 = 3/L is its end, so
    # this counterexample refutes nothing and the verdict is unknown, not a guess
    assert ENTRIES["002-batch-guaranteed-descent"].run(upper=4).verdict == "false"
    assert ENTRIES["002-batch-guaranteed-descent"].run(upper=3).verdict == "unknown"


# -- 004-gradient-clipping -------------------------------------------------------

def test_clipping_entry_runs_match_the_hand_steps():
    outcome = ENTRIES["004-gradient-clipping"].run()
    assert outcome.verdict == "true", outcome.evidence
    # plain GD on x⁴, α = 0.1: x₁ = 10 − 0.4·1000 = −390, x₂ = −390 + 0.4·390³ = 23727210
    assert "['10', '-390', '23727210'" in outcome.evidence
    # clipped (c = 1): |f'(x)| = 4x³ ≫ 1, so each step is exactly α = 1/10
    assert "['10', '99/10', '49/5', '97/10', '48/5', '19/2']" in outcome.evidence


def test_the_exact_path_evaluates_the_norm_over_all_coordinates():
    from symopt import Problem
    from symopt.methods.clipping import clipped_gradient_descent

    path = _module("004-gradient-clipping")._exact_path(
        Problem("x**2 + y**2"), clipped_gradient_descent(1), [3, 4], 1, alpha=1)
    # ∇ = (6, 8), ‖∇‖ = 10 > 1: the step is −(6, 8)/10, so (3, 4) → (2.4, 3.2)
    assert path[1] == [R(12, 5), R(16, 5)]


# -- 002-sgdr ----------------------------------------------------------------------

def test_sgdr_entry_values_are_eq_5_by_hand():
    outcome = ENTRIES["002-sgdr"].run()
    assert outcome.verdict == "true", outcome.evidence
    # Loshchilov & Hutter eq. 5, η_max = 1, η_min = 1/10, T_i = 4: T_cur = 1 gives
    # 1/10 + (9/20)(1 + 1/√2) = 11/20 + 9√2/40; T_cur = 3 gives 11/20 − 9√2/40 ≈ 0.2318
    assert "['1', '9*sqrt(2)/40 + 11/20', '11/20', '11/20 - 9*sqrt(2)/40']" in outcome.evidence
    assert "≈ 0.2318" in outcome.evidence
    assert ENTRIES["002-sgdr"].run(reset_to="1/10").verdict == "false"
