"""Every decided verdict says what it rests on: exact, certificate, numeric, counterexample, cited.

Expected bases come from what each check does (a symbolic difference, a floating run, a
certificate over a class, a concrete witness); expected values are derived by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp

from symopt.claims import Claim, ProblemSpec, Verdict, check
from symopt.claims.claim import BASES
from symopt.claims.equivalence import compare
from symopt.claims.expressions import decide
from symopt.claims.report import as_dict, to_json, to_markdown, to_table
from symopt.parse import parse_expr, parse_relation

EXAMPLES = sorted((Path(__file__).parent.parent / "examples" / "claims").glob("*.toml"))


# -- the field itself -----------------------------------------------------------

def test_true_and_false_must_name_a_basis():
    with pytest.raises(TypeError):
        Verdict.true("ok")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        Verdict.true("ok", basis="")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Verdict.false("no", basis="", correct=None, counterexample=None)  # type: ignore[arg-type]


def test_a_true_verdict_never_rests_on_a_counterexample_or_an_unknown_word():
    with pytest.raises(ValueError):
        Verdict.true("ok", basis="counterexample")
    with pytest.raises(ValueError):
        Verdict.true("ok", basis="special case")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Verdict("unknown", "not decided", basis="exact")


def test_undecided_verdicts_rest_on_nothing():
    assert Verdict.unknown("no idea").basis == ""
    # no counterexample among sample points, but no proof: unknown, resting on nothing
    v = check(Claim("inequality", "x**4 - x**3 + 1 >= 0", assumptions={"x": "integer"}))
    assert v.status == "unknown" and v.basis == ""


# -- the bases of specific kinds ------------------------------------------------

def test_gradient_is_exact():
    # ∇(x² + 2y²) = (2x, 4y) by hand
    v = check(Claim("gradient", "[2*x, 4*y]", problem="x**2 + 2*y**2"))
    assert (v.status, v.basis) == ("true", "exact")


def test_wrong_gradient_is_refuted_at_a_witness():
    v = check(Claim("gradient", "[2*x, 2*y]", problem="x**2 + 2*y**2"))
    assert (v.status, v.basis) == ("false", "counterexample")
    assert "differ at" in v.counterexample


def test_behaviour_from_a_run_is_numeric():
    # GD on x² with α = 1/4: x ← (1 − 2α)x = x/2, converges
    v = check(Claim("behaviour", "converges", problem="x**2", method="gd",
                    hyperparameters={"alpha": "1/4"}, steps=30))
    assert (v.status, v.basis) == ("true", "numeric")
    # with α = 3/2 the factor is −2: diverges, also read off a run
    v = check(Claim("behaviour", "converges", problem="x**2", method="gd",
                    hyperparameters={"alpha": "3/2"}, steps=30))
    assert (v.status, v.basis) == ("false", "numeric")


def test_convergence_order_is_numeric():
    # the same GD halves the error each step: linear
    v = check(Claim("convergence_order", "linear", problem="x**2", method="gd",
                    hyperparameters={"alpha": "1/4"}, x0=[1], steps=40))
    assert (v.status, v.basis) == ("true", "numeric")


def test_guarantee_with_a_potential_is_a_certificate():
    # f(x_N) − f* ≤ R²/(2αN) for GD on L-smooth convex f, 0 < α ≤ 1/L (Nesterov, Thm 2.1.14)
    v = check(Claim("guarantee", "R**2/(2*alpha*N)", method="gd", function_class="smooth_convex",
                    L="L", N="N", measure="function_gap", initial="distance", timeout=60))
    assert (v.status, v.basis) == ("true", "certificate")


def test_guarantee_refuted_by_points_of_the_class():
    # the worst quadratic's value (1/14)(6/7)⁶R² is below the tight L R²/(4N + 2) = R²/14
    v = check(Claim("guarantee", "(1/14)*(6/7)**6*R**2", method="gd",
                    function_class="smooth_convex", L=1, N=3, hyperparameters={"alpha": 1},
                    measure="function_gap", initial="distance", timeout=60))
    assert (v.status, v.basis) == ("false", "counterexample")


def test_refuted_interval_has_a_witness():
    # GD on x²: factor 1 − 2α, |1 − 2α| < 1 iff 0 < α < 1
    v = check(Claim("stability", "0 < alpha < 3/2", problem="x**2", method="gd"))
    assert (v.status, v.basis) == ("false", "counterexample")
    right = check(Claim("stability", "0 < alpha < 1", problem="x**2", method="gd"))
    assert (right.status, right.basis) == ("true", "exact")


def test_a_numeric_only_equality_is_never_exact():
    # 1 − x = |1 − x| only where x < 1: agreement at sample points, no symbolic proof
    x = sp.Symbol("x")
    result = compare(parse_expr("1 - x"), parse_expr("Abs(1 - x)"),
                     where=parse_relation("x < 1"))
    assert result.equal is True and not result.proved
    verdict = decide(result, sp.Abs(1 - x), "the value")
    assert (verdict.status, verdict.basis) == ("true", "numeric")


def test_equal_without_a_proof_is_numeric(monkeypatch):
    from symopt.claims import equivalence
    from symopt.claims.expressions import check_equal

    monkeypatch.setattr(equivalence, "_proved_zero", lambda difference: False)
    try:  # in this process: the names and domains the check sets are reset after it
        v = check_equal(Claim("equal", "sqrt(1/n)", reference="1/sqrt(n)",
                              assumptions={"n": "positive"}))
    finally:
        equivalence.set_domains({})
        equivalence.set_names({})
    assert (v.status, v.basis) == ("true", "numeric")


def test_stability_region_is_not_proved_from_two_values_of_L():
    # heavy ball on L x²/2 converges iff 0 ≤ β < 1 and 0 < α < 2(1 + β)/L (Polyak);
    # the stated bound (1 + β)(L² − 3L + 4)/L equals it at L = 1 and L = 2 only
    problem = ProblemSpec("L*x**2/2", variables=("x",), assumptions={"L": "positive"})
    wrong = check(Claim("stability", "0 <= beta < 1 and 0 < alpha < (1 + beta)*(L**2 - 3*L + 4)/L",
                        problem=problem, method="heavy_ball", parameter=("alpha", "beta")))
    assert wrong.status == "false"
    right = check(Claim("stability", "0 <= beta < 1 and 0 < alpha < 2*(1 + beta)/L",
                        problem=problem, method="heavy_ball", parameter=("alpha", "beta")))
    assert (right.status, right.basis) == ("true", "numeric")


# -- shown in every output ------------------------------------------------------

def test_json_markdown_and_table_show_the_basis():
    from rich.console import Console

    v = check(Claim("gradient", "[2*x, 4*y]", problem="x**2 + 2*y**2", id="g"))
    assert as_dict(v)["basis"] == "exact"
    assert json.loads(to_json([v]))["claims"][0]["basis"] == "exact"
    assert "| true | exact |" in to_markdown([v])
    assert "exact — a symbolic proof" in v._repr_markdown_()
    console = Console(width=100)
    with console.capture() as shown:
        console.print(to_table([v]))
    assert "exact" in shown.get()


def test_records_keep_the_basis_and_read_old_ones():
    from symopt.dist.tasks import Task, record_verdict, run_task

    task = Task("g", "f.toml", claim=Claim("gradient", "[2*x]", problem="x**2"), timeout=30)
    record = run_task(task)
    assert record["basis"] == "exact"
    assert record_verdict(record).basis == "exact"
    old = {k: v for k, v in record.items() if k != "basis"}
    assert record_verdict(old).basis == ""


# -- every example claim --------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_decided_example_claim_names_its_basis(path):
    from symopt.claims.files import check_file

    verdicts = check_file(path)
    assert verdicts
    for v in verdicts:
        if v.status in ("true", "false"):
            assert v.basis in BASES, (v.claim_id, v.basis)
            assert v.status == "false" or v.basis != "counterexample", v.claim_id
        else:
            assert v.basis == "", v.claim_id
