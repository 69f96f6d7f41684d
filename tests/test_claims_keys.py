"""Every claim kind honours or rejects each key it is given; `at` on the local constants
(L, μ, κ of the Hessian at a point) and `where` on rates are honoured.

Expected values are derived by hand (Hessians written out below) or computed with
numpy, independently of symopt.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from symopt.claims import Claim, check, check_file, load_claims
from symopt.claims.claim import COMMON_KEYS, KEYS, KINDS, check_keys, load_kinds
from symopt.claims.report import exit_code
from symopt.errors import ParseError
from symopt.parse import parse_expr

DOC = Path(__file__).parent.parent / "docs" / "claims-format.md"

ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"


@pytest.mark.parametrize(("kind", "key", "value"), [
    ("condition_number", "where", "x > 0"),
    ("smoothness", "x0", [1]),
    ("rate", "x0", [1]),
    ("rate", "at", "(1,)"),
    ("iterations", "x0", [1]),
    ("gradient", "steps", 3),
    ("gradient", "tolerance", 0.1),
    ("trajectory", "steps", 3),
    ("behaviour", "rename", {"eta": "alpha"}),
    ("convex", "at", "(1,)"),
    ("kkt", "hyperparameters", {"alpha": 1}),
    ("stability", "where", "beta < 1"),
])
def test_a_key_the_kind_does_not_use_is_rejected_by_name(kind, key, value):
    load_kinds()
    method = "gd" if "method" in KEYS[kind] else None
    claim = Claim(kind, "1", problem="x**2", method=method, **{key: value})
    with pytest.raises(ParseError, match=f"does not use the key '{key}'"):
        check(claim)


def test_a_rejected_key_is_an_error_of_the_file_with_exit_code_2(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text('[problems.p]\nobjective = "x**4 + y**2"\n'
                    '[[claims]]\nid = "kappa"\nkind = "condition_number"\nproblem = "p"\n'
                    'stated = "6"\nwhere = "x > 0"\n'
                    '[[claims]]\nid = "ok"\nkind = "gradient"\nproblem = "p"\n'
                    'stated = "[4*x**3, 2*y]"\n', encoding="utf-8")
    verdicts = check_file(load_claims(path))
    assert [v.status for v in verdicts] == ["error", "true"]
    assert "'where'" in verdicts[0].summary
    assert exit_code(verdicts) == 2


def test_closed_form_keys_depend_on_its_form():
    with pytest.raises(ParseError, match="'reference'"):
        check(Claim("closed_form", "x_0*(1 - 2*alpha)**k", problem="x**2", method="gd",
                    reference="x_0"))
    with pytest.raises(ParseError, match="'x0'"):
        check(Claim("closed_form", "2**k", reference="2**k", x0=[1]))
    with pytest.raises(ParseError, match="'steps'"):
        check(Claim("update", "x - alpha*g", problem="x**2", method="gd", steps=2))


def test_problem_and_spectrum_together_are_rejected():
    with pytest.raises(ParseError, match="not both"):
        check(Claim("rate", "3/5", problem="x**2", method="gd", spectrum="[1, 4]"))


def _doc_rows() -> dict[str, str]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\w+)` \|.*\| (.*?) \|$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_every_kind_declares_its_keys_and_the_docs_list_them():
    """Every kind (aliases too) has a row of docs/claims-format.md, itself or through the
    kind it is an alias of, and the row names every key the kind honours."""
    load_kinds()
    doc = DOC.read_text(encoding="utf-8")
    rows = _doc_rows()
    for kind, checker in KINDS.items():
        if kind.startswith("test_"):
            continue
        assert kind in KEYS
        assert f"`{kind}`" in doc, f"the kind {kind!r} is not named in the docs"
        named = [k for k in rows if KINDS.get(k) is checker]
        assert named, f"no row of the kinds table documents {kind!r} (or its alias)"
        row = rows[named[0]]
        for key in KEYS[kind] - COMMON_KEYS:
            assert f"`{key}`" in row or (
                key in ("tolerance", "rel_tolerance", "rounding", "significant")
                and "tolerance keys" in row), (kind, key)


def test_an_alias_is_documented_with_the_kind_it_stands_for():
    load_kinds()
    doc = DOC.read_text(encoding="utf-8")
    aliases = doc[doc.index("Aliases:"):]
    aliases = aliases[:aliases.index("\n\n")]
    rows = _doc_rows()
    for kind, checker in KINDS.items():
        if kind.startswith("test_") or kind in rows:
            continue
        match = re.search(rf"`{kind}`[^(]*\((?:=|a)\s*`(\w+)`", aliases)
        assert match, f"{kind!r} is neither a row nor listed among the aliases"
        assert KINDS[match.group(1)] is checker, (kind, match.group(1))


def test_the_common_keys_are_accepted_by_every_kind():
    load_kinds()
    for kind in KINDS:
        check_keys(Claim(kind, "1", id="c", expect=True, note="n", timeout=5,
                         source={"quote": "q"}, assumptions={"c": "positive"}))


# -- `at`: the local constants of the Hessian at a point ---------------------------------

def test_condition_number_at_a_point_of_rosenbrock():
    # ∇²f(1, 1) = [[2 − 400(y − x²) + 1200x², −400x], [−400x, 200]] = [[802, −400], [−400, 200]]
    kappa = np.linalg.cond(np.array([[802.0, -400.0], [-400.0, 200.0]]))
    v = check(Claim("condition_number", f"{kappa:.6f}", problem=ROSENBROCK, at="(1, 1)",
                    tolerance=1e-5))
    assert v.status == "true", v
    # the same number stated as the global κ is not checked as a local one
    v = check(Claim("condition_number", "2508", problem=ROSENBROCK, at="(1, 1)"))
    assert v.status == "false"
    assert float(parse_expr(v.correct)) == pytest.approx(kappa)


@pytest.mark.parametrize(("kind", "stated", "status"), [
    # ∇²(x⁴ + y²) at (1, 1) = diag(12x², 2) = diag(12, 2)
    ("smoothness", "12", "true"), ("smoothness", "2", "false"),
    ("strong_convexity", "2", "true"), ("strong_convexity", "12", "false"),
    ("condition_number", "6", "true"), ("condition_number", "12", "false"),
])
def test_local_constants_at_a_point(kind, stated, status):
    v = check(Claim(kind, stated, problem="x**4 + y**2", at={"x": 1, "y": 1}))
    assert v.status == status, v


def test_condition_number_at_a_saddle_is_the_matrix_condition_number():
    # ∇²(x² − 3y²) = diag(2, −6): |λ|max/|λ|min = 3, as numpy.linalg.cond
    assert np.linalg.cond(np.diag([2.0, -6.0])) == pytest.approx(3)
    v = check(Claim("condition_number", "3", problem="x**2 - 3*y**2", at="(0, 0)"))
    assert v.status == "true" and "not positive definite" in v.summary


# -- `where`: rates claimed under a condition ---------------------------------------------

def test_rate_under_a_condition():
    # GD on f = 2w² (f'' = 4): the factor is 1 − 4α, so the rate is 4α − 1 for 1/4 < α < 1/2
    v = check(Claim("rate", "4*alpha - 1", problem="2*w**2", method="gd",
                    where="1/4 < alpha < 1/2"))
    assert v.status == "true", v
    v = check(Claim("rate", "4*alpha - 1", problem="2*w**2", method="gd",
                    where="0 < alpha < 1/2"))
    assert v.status == "false", v
    assert check(Claim("rate", "4*alpha - 1", problem="2*w**2", method="gd")).status == "false"


def test_rate_under_a_condition_on_the_curvature():
    # f = λx²/2, GD: x⁺ = (1 − αλ)x, rate 1 − αλ while 0 < αλ < 1 (SymPy's printed & form)
    problem = {"objective": "lambda*x**2/2", "variables": ("x",),
               "assumptions": {"lambda": "positive"}}
    from symopt.claims import ProblemSpec

    spec = ProblemSpec(**problem)
    v = check(Claim("rate", "1 - alpha*lambda", problem=spec, method="gd",
                    where="(0 < alpha*lambda) & (alpha*lambda < 1)"))
    assert v.status == "true", v


def test_a_condition_that_excludes_the_given_values_decides_nothing():
    v = check(Claim("rate", "1/5", problem="2*w**2", method="gd",
                    hyperparameters={"alpha": "0.3"}, where="0 < alpha < 1/4"))
    assert v.status == "unknown" and "excludes" in v.summary


def test_rename_applies_to_a_stated_point():
    # the minimizer of (x − a)² + y² is (a, 0); the text calls a "b"
    from symopt.claims import ProblemSpec

    problem = ProblemSpec("(x - a)**2 + y**2", ("x", "y"))
    assert check(Claim("minimizer", "(b, 0)", problem=problem,
                       rename={"b": "a"})).status == "true"
    assert check(Claim("minimizer", "(b, 0)", problem=problem)).status == "false"


# -- rates claimed on a range of a hyperparameter ------------------------------------------

LAMBDA = {"objective": "lambda*x**2/2", "variables": ("x",)}


@pytest.mark.parametrize(("stated", "where", "status"), [
    # GD on λx²/2: x⁺ = (1 − αλ)x, so the rate is |1 − αλ|: 1 − αλ on 0 < αλ ≤ 1,
    # αλ − 1 on 1 ≤ αλ < 2
    ("1 - alpha*lambda", "0 < alpha*lambda < 1", "true"),
    ("1 - alpha*lambda", "0 < alpha*lambda <= 1", "true"),
    ("1 - alpha*lambda", "0 < alpha < 1/lambda", "true"),
    ("alpha*lambda - 1", "1 < alpha*lambda < 2", "true"),
    ("1 - alpha*lambda", "0 < alpha*lambda < 2", "false"),
    ("alpha*lambda - 1", "0 < alpha*lambda < 1", "false"),
])
def test_rate_on_a_range_of_the_step(stated, where, status):
    from symopt.claims import ProblemSpec

    v = check(Claim("rate", stated, problem=ProblemSpec(**LAMBDA), method="gd", where=where))
    assert v.status == status, v


@pytest.mark.parametrize(("stated", "where", "status"), [
    # GD over eigenvalues in [μ, L]: max(|1 − αμ|, |1 − αL|) = 1 − αμ exactly for
    # α ≤ 2/(L + μ) (Nesterov, Lectures §2.1.5; Polyak §1.4)
    ("1 - alpha*mu", "0 < alpha <= 2/(L + mu)", "true"),
    ("1 - alpha*mu", "0 < alpha < 1/L", "true"),
    ("alpha*L - 1", "2/(L + mu) <= alpha < 2/L", "true"),
    ("1 - alpha*mu", "0 < alpha < 2/L", "false"),
])
def test_rate_on_a_range_of_the_step_over_a_spectrum(stated, where, status):
    v = check(Claim("rate", stated, spectrum="[mu, L]", method="gd", where=where))
    assert v.status == status, v
    if status == "false":
        assert "L_minus_mu" not in v.counterexample or " L = " not in v.counterexample


def test_a_rate_in_open_hyperparameters_is_never_compared_with_the_optimal_rate():
    # heavy ball over an interval: r(α, β) is not derived there (not at an end of [μ, L])
    v = check(Claim("rate", "sqrt(beta)", spectrum="[mu, L]", method="heavy_ball",
                    where="0 < beta < 1"))
    assert v.status == "unknown", v
