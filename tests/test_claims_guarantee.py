"""The guarantee claims kind: certificate, counterexample, unknown, and bad input."""

import pytest

pytest.importorskip("cvxpy")

from symopt.claims.claim import Claim, check
from symopt.claims.files import check_file, load_claims


def claim(stated, **kw):
    base = dict(method="gd", function_class="smooth_convex", L=1, N=2, measure="function_gap",
                initial="distance", hyperparameters={"alpha": "1/L"},
                timeout=180)  # SDP solves and exact arithmetic on a shared machine
    base.update(kw)
    return Claim("guarantee", stated, **base)


def test_drori_teboulle_bound_is_certified():
    v = check(claim("L*R**2/(4*N + 2)"))
    assert v.status == "true"
    assert v.summary.startswith("true — certificate (exact)")


def test_textbook_bound_is_certified_with_margin():
    # f(x_N) − f* ≤ L R²/(2N) (the textbook's 1/(2αN) with α = 1/L) is looser than 1/(4N + 2)
    v = check(claim("L*R^2/(2*N)", N=3))
    assert v.status == "true"


def test_worst_quadratic_rate_is_refuted_by_points_of_the_class():
    # on quadratics one step gives at most max_λ λ(1 − λ)²/2 = 2/27; the class allows 1/6
    v = check(claim("2/27*L*R**2", N=1))
    assert v.status == "false"
    assert "1/6" in v.correct
    assert "points of the class" in v.counterexample
    # the 1-D points become an explicit function of the class; the compiled run breaks the bound
    assert any(e.startswith("explicit function: false") for e in v.evidence)


def test_strongly_convex_distance_rate():
    v = check(claim("(1 - mu/L)**(2*N)*R**2", function_class="smooth_strongly_convex",
                    L=1, mu="1/10", measure="distance"))
    assert v.status == "true"


def test_symbolic_statement_is_delegated_to_a_potential_certificate():
    # the textbook's 1/(2αN) with α = 1/L, for every N and L (a Lyapunov potential)
    v = check(claim("L*R**2/(2*N)", L="L", N="N"))
    assert v.status == "true"
    assert v.summary.startswith("true — certificate (exact)")


def test_fast_gradient_method_in_look_ahead_form_for_every_n():
    # Nesterov (1983), Beck & Teboulle (2009, Thm 4.4): y_k = x_k + (k − 1)/(k + 2)(x_k − x_{k−1}),
    # x_{k+1} = y_k − ∇f(y_k)/L gives f(x_N) − f* ≤ 2L‖x₀ − x*‖²/(N + 1)² for every N
    from symopt.claims.claim import MethodSpec

    fgm = MethodSpec("nesterov", {"alpha": "1/L", "beta": "(t - 1)/(t + 2)"},
                     options={"form": "lookahead"})
    v = check(claim("2*L*R**2/(N + 1)**2", L="L", N="N", method=fgm, hyperparameters={}))
    assert v.status == "true", v.summary
    assert "fast gradient method" in v.summary
    # half the constant is not certified (and a potential never refutes): not true
    half = check(claim("L*R**2/(N + 1)**2", L="L", N="N", method=fgm, hyperparameters={}))
    assert half.status == "unknown"
    # torch's form with the same schedule is another method: no potential is claimed for it
    torch_form = MethodSpec("nesterov", {"alpha": "1/L", "beta": "(t - 1)/(t + 2)"})
    other = check(claim("2*L*R**2/(N + 1)**2", L="L", N="N", method=torch_form,
                        hyperparameters={}))
    assert other.status != "true"


def test_an_unknown_method_option_is_refused_by_name():
    from symopt.claims.claim import MethodSpec
    from symopt.errors import UnsupportedError

    with pytest.raises(UnsupportedError, match="no option 'form'"):
        check(claim("L*R**2/(2*N)", L="L", N="N",
                    method=MethodSpec("gd", {"alpha": "1/L"}, options={"form": "lookahead"})))


@pytest.mark.parametrize("bad", [
    dict(function_class="smooth_strongly_convex", L=1, mu=2),
    dict(N=-1),
    dict(method="adam", hyperparameters={}),
    dict(function_class="lipschitz"),
])
def test_bad_input_is_an_error_verdict(bad):
    text = """
[[claims]]
id = "x"
kind = "guarantee"
stated = "1"
class = "smooth_convex"
L = 1
N = 2
method = "gd"
hyperparameters = { alpha = 1 }
"""
    for key, value in bad.items():
        key = "class" if key == "function_class" else key
        text = "\n".join(line for line in text.splitlines()
                         if not line.startswith(f"{key} ")) + f"\n{key} = {_toml(value)}\n"
    (verdict,) = check_file(load_claims(text))
    assert verdict.status == "error"


def _toml(value):
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return f'"{value}"' if isinstance(value, str) else str(value)
