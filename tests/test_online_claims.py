"""Claims kind ``online``: Reddi, Kale & Kumar (2018), Theorem 1, and perturbed claims.

Values from the paper: on F = [−1, 1] with f_t(x) = Cx (t ≡ 1 mod 3), −x otherwise, C > 2,
β₁ = 0, β₂ = 1/(1 + C²), Adam's iterates go to +1 and R_T/T ↛ 0; Σ_p f_p = (C − 2)x is
minimised at −1, so lim R_T/T = (C − 2)·2/3 once x_t → +1 (hand derivation); AMSGrad → −1.
"""

import pytest

from symopt.claims import check_file, load_claims
from symopt.claims.claim import Claim, MethodSpec, check
from symopt.errors import ParseError, SymoptError

STEPS = 3000


def paper(name, c=3, alpha="1/sqrt(t)"):
    return MethodSpec(name, {"alpha": alpha, "beta_1": 0, "beta_2": f"1/{1 + c * c}"},
                      options={"bias_correction": False, "eps": False})


def online(stated, method, c=3, **keys):
    keys.setdefault("x0", [0])
    keys.setdefault("steps", STEPS)
    return check(Claim("online", stated, method=method, losses=[f"{c}*x", "-x", "-x"],
                       feasible=[-1, 1], **keys))


@pytest.mark.parametrize("c", [3, 5])
def test_adam_goes_to_plus_one_and_amsgrad_to_minus_one(c):
    up = online("1", paper("adam", c), c)
    down = online("-1", paper("amsgrad", c), c)
    assert up.status == "true", up.summary
    assert down.status == "true", down.summary
    for verdict in (up, down):  # the verdict names what it rests on
        assert any("exact periodic regime" in e for e in verdict.evidence)
        assert any("not machine-checked" in e for e in verdict.evidence)
        assert any(e.startswith("compiled run") for e in verdict.evidence)


def test_perturbed_limits_flip_with_the_correct_value():
    wrong_adam = online("-1", paper("adam"))
    wrong_ams = online("1", paper("amsgrad"))
    assert (wrong_adam.status, wrong_adam.correct) == ("false", "1")
    assert (wrong_ams.status, wrong_ams.correct) == ("false", "-1")
    assert "compiled run" in wrong_adam.counterexample


def test_regret_growth_and_its_average():
    assert online("linear", paper("adam"), measure="regret").status == "true"
    assert online("sublinear", paper("amsgrad"), measure="regret").status == "true"
    flipped = online("sublinear", paper("adam"), measure="regret")
    assert (flipped.status, flipped.correct) == ("false", "linear")
    # lim R_T/T = 2(C − 2)/3: 2/3 for C = 3, 2 for C = 5 (by hand)
    assert online("2/3", paper("adam"), measure="average_regret").status == "true"
    assert online("2", paper("adam", 5), 5, measure="average_regret").status == "true"
    off = online("1/3", paper("adam"), measure="average_regret")
    assert (off.status, off.correct) == ("false", "2/3")


def test_a_constant_step_gives_no_exact_limit():
    v = online("1", paper("adam", alpha="1/10"))
    assert v.status == "unknown" and "no limit" in v.summary


def test_losses_with_x_dependent_gradients_rest_on_numbers_only():
    v = check(Claim("online", "1/2", method=MethodSpec("adam", {"alpha": "1/(10*sqrt(t))"}),
                    losses=["(x - 1)**2", "x**2"], feasible=[-1, 1], x0=[0], steps=STEPS))
    assert v.status == "unknown" and v.summary.startswith("holds numerically")


def test_the_example_file_reads_options_and_gives_the_papers_verdicts():
    entries = load_claims("examples/claims/online.toml").entries
    assert all(e.error is None for e in entries)
    spec = entries[0].claim.method
    assert dict(spec.options) == {"bias_correction": False, "eps": False}


@pytest.mark.slow
def test_the_example_file_is_as_expected():
    verdicts = check_file("examples/claims/online.toml")
    assert all(v.as_expected is not False and v.status in ("true", "false") for v in verdicts)


def test_bad_online_claims_are_errors_naming_the_problem():
    with pytest.raises(ParseError, match="'at'"):
        check(Claim("online", "1", method=paper("adam"), losses=["x"], feasible=[-1, 1],
                    at="(1,)"))
    with pytest.raises(ParseError, match="measure"):
        online("1", paper("adam"), measure="speed")
    with pytest.raises(ParseError, match="linear"):
        online("fast", paper("adam"), measure="regret")
    with pytest.raises(ParseError, match="losses"):
        check(Claim("online", "1", method=paper("adam"), feasible=[-1, 1]))
    with pytest.raises(SymoptError, match="no option 'nesterov'"):
        online("1", MethodSpec("adam", {}, options={"nesterov": True}))
    with pytest.raises(SymoptError, match="projection"):
        online("1", MethodSpec("rmsprop", {"alpha": "1/sqrt(t)"}))
    with pytest.raises(SymoptError, match="steps"):
        online("1", paper("adam"), steps=0)


def test_options_reach_other_kinds_through_the_method_table(tmp_path):
    path = tmp_path / "d2l.toml"
    path.write_text('''
[methods.adagrad_d2l]
name = "adagrad"
options = { eps = false, eps_root = true }

[[claims]]
id = "d2l-adagrad-update"
kind = "update"
method = "adagrad_d2l"
stated = "x - alpha*g/sqrt(s + g**2 + epsilon_root)"
''', encoding="utf-8")
    (verdict,) = check_file(path)
    assert verdict.status == "true", verdict.summary
