"""Performance estimation measures the iterate a method reports (``Method.reported``).

Nesterov's look-ahead form keeps the look-ahead point y_k in its parameters (the
gradient is taken there) and the iterate x_k of the text in its state z. The worst
case of f(x_N) − f* is PEPit's fast gradient method (``wc_accelerated_gradient_convex_
simplified``: x_{t+1} = y_t − ∇f(y_t)/L, y_{t+1} = x_{t+1} + t/(t + 3)(x_{t+1} − x_t), t from 0,
which is β_t = (t − 1)/(t + 2) with symopt's 1-based t), run here as the independent
reference, and its tight value 2L/(N² + 5N + 6) (Taylor, Hendrickx & Glineur 2017, Table 1).
The method is also written by hand (fractions) to run the counterexample functions.
"""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from pep_cases import pepit_fgm

from symopt.errors import UnsupportedError
from symopt.guarantees import smooth_convex
from symopt.guarantees.counterexample import (
    counterexample_from_points,
    cycle_counterexample,
    refute_bound,
    reported_run,
    worst_huber,
)
from symopt.guarantees.functions import huber
from symopt.methods import gradient_descent, nesterov

FGM = nesterov(form="lookahead", momentum="(t - 1)/(t + 2)")
REL = 1e-6
CLARABEL = "CLARABEL"  # PEPit's default SCS is about 1e-5 accurate


def close(a: float, b: float) -> bool:
    return abs(a - b) <= REL * max(abs(b), 1e-12)


def _pep(N, measure="function_gap", L=1):
    pytest.importorskip("cvxpy")
    from symopt.guarantees.pep import PerformanceProblem

    return PerformanceProblem(smooth_convex(L), FGM, N, measure, "distance",
                              hyperparameters={"alpha": sp.Rational(1, L)})


def _fgm_by_hand(grad, x0, steps, L=1):
    """The fast gradient method as PEPit writes it: the x_k (not the look-ahead points y_k)."""
    x = y = x0
    xs = [x0]
    for i in range(steps):
        x_old, x = x, y - grad(y) / L
        y = x + Fraction(i, i + 3) * (x - x_old)
        xs.append(x)
    return xs


# -- the measure is taken at the reported iterate ------------------------------------------

def test_the_measure_is_at_x_n_not_at_the_look_ahead_point():
    pep = _pep(2)
    x0, g0, g1 = (sp.Symbol(n, real=True) for n in ("x0", "gy0", "gy1"))
    # by hand: x₁ = y₀ − g₀, y₁ = x₁ + 0·(x₁ − x₀), x₂ = y₁ − g₁ (and y₂ = x₂ + (x₂ − x₁)/4)
    assert pep.iterates == [x0, x0 - g0, x0 - g0 - g1]
    last = pep.oracles[-1]
    assert sp.expand(last.x - (x0 - g0 - g1)) == 0
    assert pep.measures == (last.f,)
    assert [o.name for o in pep.oracles] == ["y0", "y1", "x2"]  # queried at y₀, y₁; f at x₂
    assert "reported iterate" in pep.describe()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_fast_gradient_worst_case_matches_pepit(n):
    examples = pytest.importorskip("PEPit.examples.unconstrained_convex_minimization")
    ours = _pep(n).solve()
    theirs, theory = examples.wc_accelerated_gradient_convex_simplified(
        mu=0, L=1, n=n, verbose=-1, solver=CLARABEL)
    assert close(ours.value, theirs)
    assert close(ours.value, 2 / (n**2 + 5 * n + 6))
    assert theory == pytest.approx(2 / (n**2 + 5 * n + 6))
    # the textbook bound 2L‖x₀ − x*‖²/(N + 1)² holds at x_N
    assert ours.value <= 2 / (n + 1) ** 2


def test_the_worst_case_scales_with_l():
    examples = pytest.importorskip("PEPit.examples.unconstrained_convex_minimization")
    ours = _pep(2, L=3).solve()
    theirs, _ = examples.wc_accelerated_gradient_convex_simplified(
        mu=0, L=3, n=2, verbose=-1, solver=CLARABEL)
    assert close(ours.value, theirs) and close(ours.value, 3 * 2 / 20)


@pytest.mark.parametrize("metric, n", [("distance", 2), ("distance", 3),
                                       ("gradient_norm", 2), ("gradient_norm", 3),
                                       ("min_gradient_norm", 3)])
def test_other_measures_at_x_n_match_pepit(metric, n):
    pep = _pep(n, metric)
    assert close(pep.solve().value, pepit_fgm(n, metric, CLARABEL))
    if metric == "min_gradient_norm":  # x₂ ≠ y₂: an oracle of its own; x₀ = y₀, x₁ = y₁ shared
        assert [o.name for o in pep.oracles] == ["y0", "y1", "y2", "x2", "x3"]


def test_without_a_reported_state_nothing_changes():
    from symopt.guarantees.pep import PerformanceProblem

    pytest.importorskip("cvxpy")
    gd = PerformanceProblem(smooth_convex(1), gradient_descent(), 2, "min_gradient_norm",
                            "distance", hyperparameters={"alpha": 1})
    assert [o.name for o in gd.oracles] == ["0", "1", "2"]
    assert [str(s) for s in gd.basis] == ["x0", "g0", "g1", "g2"]
    assert gd.iterates == [o.x for o in gd.oracles]
    assert "reported" not in gd.describe()


# -- a perturbed bound is refuted by a function the compiled method breaks it on -----------

def test_a_perturbed_bound_is_refuted_with_a_function_the_compiled_method_breaks_it_on():
    from symopt.guarantees.exact import counterexample
    from symopt.kernels import run

    bound = sp.Rational(2, 27)  # 2L‖x₀ − x*‖²/(N + 1)³ at N = 2; the worst case is 1/10
    found = counterexample(_pep(2), bound)
    assert found.value is False, found.reason
    cex = found.evidence["counterexample"]
    assert cex.dimension == 1 and cex.measure > bound * cex.initial
    ce = counterexample_from_points(smooth_convex(1), FGM, cex.one_dimensional(),
                                    hyperparameters={"alpha": 1}, steps=2,
                                    bound=bound * cex.initial, x0=cex.iterates[0][0])
    assert ce.verdict.value is False, ce.verdict.reason
    f = ce.function
    # the method written by hand, in exact arithmetic, on the function's exact derivative
    by_hand = _fgm_by_hand(lambda x: Fraction(str(f.derivative(sp.Rational(x)))),
                           Fraction(str(cex.iterates[0][0])), 2)
    assert [sp.Rational(v) for v in by_hand] == list(ce.iterates)
    assert f.value(sp.Rational(by_hand[-1])) > bound * cex.initial
    # the compiled method (kernels) reports x_N and reproduces the violation in floats
    traj = run(f.problem, FGM, [float(cex.iterates[0][0])], 2, alpha=1)
    assert np.allclose(traj.iterates[:, 0], [float(v) for v in by_hand], rtol=1e-12)
    assert traj.values[-1] > float(bound * cex.initial)
    assert ce.agreement < 1e-12


def test_claims_on_the_fast_gradient_method_at_n_2():
    pytest.importorskip("cvxpy")
    from symopt.claims.claim import Claim, MethodSpec, check

    spec = MethodSpec("nesterov", {"alpha": "1/L", "beta": "(t - 1)/(t + 2)"},
                      options={"form": "lookahead"})

    def verdict(stated):
        return check(Claim("guarantee", stated, method=spec, function_class="smooth_convex",
                           L=1, N=2, measure="function_gap", initial="distance"))

    textbook = verdict("2*L*R**2/(N + 1)**2")
    assert textbook.status == "true", textbook.summary
    perturbed = verdict("2*L*R**2/(N + 1)**3")
    assert perturbed.status == "false", perturbed.summary
    assert perturbed.correct.startswith("1/10")  # 2L/(N² + 5N + 6) at N = 2
    # the explicit function is the look-ahead method's, run on x_N
    assert any("explicit function" in e and "look-ahead" in e for e in perturbed.evidence)


# -- the one-dimensional families: the measure at the reported iterate ---------------------

def _huber_gap(tau, steps):
    def grad(x):
        return max(-tau, min(tau, x))
    x = _fgm_by_hand(grad, Fraction(1), steps)[-1]
    return x * x / 2 if abs(x) <= tau else tau * abs(x) - tau * tau / 2


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_the_worst_huber_function_measures_x_n(steps):
    tau, value = worst_huber(smooth_convex(1), FGM, {"alpha": 1}, steps)
    assert value == sp.Rational(_huber_gap(Fraction(str(tau)), steps))
    # the class's worst case is reached on a Huber function (PEPit's example docstring;
    # Taylor, Hendrickx & Glineur 2017, Table 1): 2L‖x₀ − x*‖²/(N² + 5N + 6)
    assert value == sp.Rational(2, steps**2 + 5 * steps + 6)
    # no τ on a fine grid does better (the family's maximum, by hand)
    grid = [Fraction(k, 2000) for k in range(1, 2001)]
    assert max(_huber_gap(t, steps) for t in grid) <= Fraction(str(value))


def test_refute_bound_through_the_huber_function():
    # just below the worst Huber value at N = 2 and above the worst quadratic
    _, value = worst_huber(smooth_convex(1), FGM, {"alpha": 1}, 2)
    found = refute_bound(smooth_convex(1), FGM, {"alpha": 1}, 2, value * sp.Rational(99, 100))
    assert found.known, found.reason
    ce = found.value
    assert ce.verdict.value is False
    assert ce.measure[-1] == value
    assert ce.iterates == tuple(reported_run(FGM, {"alpha": 1}, ce.function, 1, 2))


def test_reported_run_and_cycles():
    xs = reported_run(FGM, {"alpha": 1}, huber(1, 1), 3, 2)
    by_hand = _fgm_by_hand(lambda x: max(-1, min(1, x)), Fraction(3), 2)
    assert xs == [sp.Rational(v) for v in by_hand]
    with pytest.raises(UnsupportedError, match="reports its state"):
        cycle_counterexample(smooth_convex(1), FGM, {"alpha": 1}, huber(1, 1), 3, "1/2")


def test_the_helper_reads_the_state_by_symbol_or_by_name():
    z = FGM.reported
    assert FGM.reported_iterate(1, {z: 2}) == 2 and FGM.reported_iterate(1, {"z": 3}) == 3
    assert gradient_descent().reported_iterate(1, {}) == 1
