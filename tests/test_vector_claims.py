"""Vector statements through the claims kinds (symopt.claims.vector).

The stated answers are the textbook ones: ∇½‖Xw − y‖² = Xᵀ(Xw − y), ∇² = XᵀX (d2l.ai §3.1),
∇ xᵀAx = (A + Aᵀ)x (Matrix Cookbook eq. 81), the logistic loss convex with
L = ‖X‖₂²/(4m) (Bishop §4.3.3, Hessian XᵀRX with R = diag(σ(1 − σ)) ⪯ I/4).
"""


import pytest
from vector_cases import DATA, LEAST_SQUARES_FILE, LS, MSE

from symopt.claims import Claim, ProblemSpec, check, load_claims
from symopt.claims.claim import check_keys

LOGISTIC = ProblemSpec("sum(log(1 + exp(-y_i*w.T*x_i)), (i, 1, m))/m", ("w",),
                       assumptions={"y": "±1"}, shapes=DATA)


@pytest.mark.parametrize(("kind", "problem", "stated", "status"), [
    ("gradient", LS, "X.T*(X*w - y)", "true"),
    ("gradient", LS, "X.T*X*w - X.T*y", "true"),
    ("gradient", LS, r"X^\top(Xw - y)", "true"),
    ("gradient", LS, "X.T*(y - X*w)", "false"),
    ("gradient", LS, "X*(X.T*w - y)", "false"),      # a wrong transpose: undefined for m ≠ n
    ("gradient", MSE, "X.T*(X*w - y)", "false"),     # the 1/m is missing
    ("gradient", MSE, "X.T*(X*w - y)/m", "true"),
    ("hessian", LS, "X.T*X", "true"),
    ("hessian", MSE, "X.T*X", "false"),
])
def test_gradient_and_hessian_claims(kind, problem, stated, status):
    verdict = check(Claim(kind, stated, problem=problem), timeout=120)
    assert verdict.status == status, verdict.summary
    if status == "false":
        assert verdict.correct and verdict.counterexample


def test_quadratic_form_gradient_for_a_nonsymmetric_a():
    spec = ProblemSpec("x.T*A*x", ("x",), shapes={"x": "n", "A": "n x n"})
    assert check(Claim("gradient", "(A + A.T)*x", problem=spec), timeout=60).status == "true"
    wrong = check(Claim("gradient", "2*A*x", problem=spec), timeout=60)
    assert wrong.status == "false"  # only for symmetric A
    assert "A" in wrong.counterexample


def test_logistic_gradient_convexity_and_smoothness():
    gradient = "-X.T*(y - y)/m + X.T*(X*w - X*w)"  # zero: not the gradient
    assert check(Claim("gradient", gradient, problem=LOGISTIC), timeout=120).status == "false"
    assert check(Claim("convex", "true", problem=LOGISTIC), timeout=120).status == "true"
    L = check(Claim("smoothness", "norm2(X)**2/(4*m)", problem=LOGISTIC), timeout=120)
    assert L.status == "true", L.summary
    wrong = check(Claim("smoothness", "norm2(X)**2/m", problem=LOGISTIC), timeout=120)
    assert wrong.status == "false" and "4" in wrong.correct
    mu = check(Claim("strong_convexity", "0", problem=LOGISTIC), timeout=120)
    assert mu.status == "true", mu.summary


def test_logistic_constants_without_declared_labels_are_unknown():
    spec = ProblemSpec(LOGISTIC.objective, ("w",), shapes=DATA)
    verdict = check(Claim("smoothness", "norm2(X)**2/(4*m)", problem=spec), timeout=120)
    assert verdict.status == "unknown" and "declare" in verdict.summary


def test_least_squares_constants():
    assert check(Claim("smoothness", "lambda_max(X.T*X)/m", problem=MSE),
                 timeout=60).status == "true"
    assert check(Claim("strong_convexity", "lambda_min(X.T*X)/m", problem=MSE),
                 timeout=60).status == "true"
    assert check(Claim("smoothness", "lambda_max(X.T*X)", problem=MSE),
                 timeout=60).status == "false"
    assert check(Claim("convex", "false", problem=MSE), timeout=60).status == "false"


def test_equal_claims_in_vector_form():
    shapes = {"X": "m x n", "w": "n", "y": "m", "v": "n"}
    ok = Claim("equal", "norm(X*v)**2", reference="v.T*X.T*X*v", shapes=shapes)
    assert check(ok, timeout=60).status == "true"
    bad = Claim("equal", "norm(X*v)**2", reference="v.T*X*X.T*v", shapes={"X": "n x n",
                                                                          "v": "n"})
    assert check(bad, timeout=60).status == "false"


def test_scalar_claims_still_go_to_their_usual_checker():
    assert check(Claim("gradient", "[2*x]", problem="x**2")).status == "true"
    check_keys(Claim("gradient", "X.T*X*w", problem=LS, shapes={"X": "m x n"}))


def test_shapes_in_a_claims_file(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text(LEAST_SQUARES_FILE)
    (entry,) = load_claims(path).entries
    assert entry.claim.problem.shapes["X"] == "m x n"
    assert check(entry.claim, timeout=60).status == "true"


@pytest.mark.parametrize(("stated", "status"), [
    # L of (1/2m)‖Xw − y‖² is λ_max(XᵀX)/m = ‖X‖₂²/m (d2l.ai §3.1), however it is written
    ("lambda_max(X.T*X)/m", "true"),
    ("eigmax(X.T*X)/m", "true"),
    ("norm(X, 2)**2/m", "true"),
    (r"\frac{\lambda_{\max}(X^\top X)}{m}", "true"),
    ("2*eigmax(X.T*X)/m", "false"),
    ("eigmin(X.T*X)/m", "false"),
])
def test_smoothness_read_in_every_notation_the_reader_knows(stated, status):
    verdict = check(Claim("smoothness", stated, problem=MSE), timeout=120)
    assert verdict.status == status, verdict.summary


@pytest.mark.parametrize(("kind", "stated", "agreement"), [
    ("gradient", "X.T*(X*w - y)", "finite differences agree"),
    ("hessian", "X.T*X", "finite differences of ∇f agree"),
])
def test_derivatives_rest_on_finite_differences(kind, stated, agreement, monkeypatch):
    verdict = check(Claim(kind, stated, problem=LS), timeout=120)
    assert verdict.status == "true"
    assert any(agreement in line for line in verdict.evidence), verdict.evidence
    # a derivation that finite differences refute is compared with nothing: unknown
    import symopt.claims.vector as vector_claims

    derive = getattr(vector_claims, kind)
    monkeypatch.setattr(vector_claims, kind, lambda f, w: 2 * derive(f, w))
    doubted = check(Claim(kind, stated, problem=LS), timeout=120)
    assert doubted.status == "unknown"
    assert "failed the finite-difference check" in doubted.summary
