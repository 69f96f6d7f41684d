"""A check that cannot fail proves nothing: each catalogue entry, given its claim stated
wrongly (a wrong constant, a wrong direction, a wrong point) — or, for a claim the text
gets wrong, stated rightly — must reach another verdict.

Python entries name their perturbation in ``claim(..., perturbed={...})`` (keyword
arguments of the entry); claims-file entries are perturbed here by another ``stated``
value. The expected perturbed verdicts come from hand derivations (noted per entry).
"""

import inspect

import pytest

from symopt.catalogue import discover
from symopt.claims import load_claims

ENTRIES = {e.info.id: e for e in discover()}

#: Claims-file entries: a wrong stated value (hand-derived) → the verdict the check must reach.
TOML_PERTURBED = {
    "000-gd-step": ("1.8", "false"),                # 2 − 0.1·4 = 1.6, not 1.8
    "000-newton-step": ("1", "false"),              # Newton on x² lands on 0
    "004-parabola-gradient": ("[2*(theta - 4)]", "false"),
    "004-parabola-minimizer": ("(4)", "false"),
    "004-kkt": ({"x": "1", "lambda": "-2"}, "false"),  # 2x − λ = 0 at x = 1: λ = 2
    "001-optimal-step-claim": ("\\frac{1}{1 + 4}", "false"),
    "001-optimal-rate-claim": ("4/5", "false"),     # (κ − 1)/(κ + 1) = 3/5
    "002-kappa": ("2", "false"),                    # 4/1
    "001-f-gradient": ("[2*w]", "false"),           # d(2w²)/dw = 4w
    "001-bowl-gradient": ("[w1, 2*w2]", "false"),
    "001-bowl-stability": ("0 < alpha < 1", "false"),  # 1 − 4α > −1 needs α < 1/2
    "004-gd-theta0-converges": ("diverges", "false"),  # factor 0.8
    "004-gd-theta1-oscillates": ("oscillates", "true"),  # factor −1: θ₁ = ±1
    "000-mse-gradient": ("[-2*(y1 - yhat1)/3, -2*(y2 - yhat2)/3, 2*(y3 - yhat3)/3]", "false"),
    "004-saddle-stationary": (["(0, 1)"], "false"),
    "004-saddle-hessian": ("[[2, 0], [0, 2]]", "false"),
    "004-saddle-not-convex": (True, "false"),
}

#: The regression gradients: the same formula with the sign of one residual flipped.
for _id in ("002-linreg-gradient", "002-logreg-gradient", "004-logreg-gradient",
            "004-mse-gradient"):
    _stated = next(e for e in load_claims(ENTRIES[_id].path).entries if e.id == _id).claim.stated
    TOML_PERTURBED[_id] = (_stated.replace("- y1)", "+ y1)", 1), "false")

#: Entries with no perturbation, each with the reason (this list only shrinks).
NOT_YET: dict[str, str] = {}

#: Entries whose two runs take more than a few seconds (run with the slow tests).
SLOW = {"004-momentum-helps", "004-momentum-speeds-up", "002-gd-linear-1-over-T",
        "004-lbfgs", "002-saddle", "001-newton-1d", "004-gd-theta1", "001-alpha-star-value",
        "001-stability", "004-momentum-run", "002-bias-correction",
        "001-newton-nd", "001-newton-quadratic", "002-L-eigen", "002-convex-bound",
        "002-strong-bound"}


def _perturbation(identifier):
    entry = ENTRIES[identifier]
    if entry.info.perturbed is not None:
        return dict(entry.info.perturbed), None
    stated, verdict = TOML_PERTURBED[identifier]
    return {"stated": stated}, verdict


PERTURBED = sorted(i for i, e in ENTRIES.items()
                   if e.info.perturbed is not None or i in TOML_PERTURBED)


@pytest.mark.parametrize("identifier", [
    pytest.param(i, marks=pytest.mark.slow) if i in SLOW else i for i in PERTURBED])
def test_a_perturbed_claim_changes_the_verdict(identifier):
    entry = ENTRIES[identifier]
    arguments, expected = _perturbation(identifier)
    inspect.signature(entry.run).bind(**arguments)  # the entry takes these arguments
    original = entry.run()
    assert original.verdict == entry.info.expected, original.evidence
    perturbed = entry.run(**arguments)
    assert perturbed.verdict != original.verdict, perturbed.evidence
    if expected is not None:
        assert perturbed.verdict == expected, perturbed.evidence


def test_every_entry_is_perturbed_or_listed():
    unperturbed = set(ENTRIES) - set(PERTURBED)
    missing = unperturbed - set(NOT_YET)
    assert not missing, f"new entries need a perturbation: {missing}"
    assert not (set(NOT_YET) - unperturbed), \
        f"perturbed now, drop from NOT_YET: {set(NOT_YET) - unperturbed}"
    assert all(NOT_YET.values()), "every entry left unperturbed says why"


def test_the_conditional_entries_give_the_condition_and_a_counterexample():
    for identifier in ("002-adagrad-to-zero", "001-convex-needed"):  # the fast ones
        outcome = ENTRIES[identifier].run()
        assert outcome.verdict == "conditional"
        assert outcome.condition and outcome.counterexample


def test_the_fast_gradient_bound_with_constant_one_is_refuted_at_three_steps():
    # 2LR²/(T + 1)² with 1 for 2, by hand: on the Huber function h_τ (L = R = 1) every iterate up
    # to x_3 stays where h' = τ: x_1 = y_1 = 1 − τ, x_2 = 1 − 2τ, y_2 = x_2 − τ/4, x_3 = 1 − 13τ/4,
    # so f(x_3) = τ − 15τ²/4, which is 1/15 > 1/16 at τ = 2/15 (below 1/(T + 1)² for T ≤ 2)
    outcome = ENTRIES["002-nag-rate"].run(constant=1)
    assert outcome.verdict == "false", outcome.evidence
    assert "at T = 3" in outcome.evidence and "1/15 > 1/16" in outcome.evidence
    assert outcome.derived == r"\frac{2 L R^{2}}{\left(T + 1\right)^{2}}"


def test_the_svm_part_fails_for_a_concave_loss():
    # min(0, u) is concave: h(0) = 0 > (h(1) + h(−1))/2 = −1/2, so the SVM part must say false
    outcome = ENTRIES["004-linreg-convex"].run(hinge="min")
    assert outcome.verdict == "false" and "-1/2" in outcome.evidence, outcome.evidence
