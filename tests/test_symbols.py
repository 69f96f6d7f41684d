import pytest

from symopt.errors import ParseError
from symopt.symbols import canonical_name, is_identifier, symbol


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (r"\lambda_{\min}", "lambda_min"),
        (r"\lambda_{min}", "lambda_min"),
        ("lambda_min", "lambda_min"),
        ("λ_max", "lambda_max"),
        (r"\hat{m}_t", "mhat_t"),
        (r"\hat m_t", "mhat_t"),
        ("m_hat_t", "mhat_t"),
        (r"\alpha^*", "alphastar"),
        (r"\theta^{*}", "thetastar"),
        ("theta_star", "thetastar"),
        ("w_{1}", "w_1"),
        ("θ₀", "theta_0"),
        ("x'", "xprime"),
        (r"\beta_1", "beta_1"),
    ],
)
def test_canonical_names(written, canonical):
    assert canonical_name(written) == canonical


def test_house_assumptions():
    assert symbol("alpha").is_positive
    assert symbol("beta").is_nonnegative
    assert symbol("t").is_integer
    assert symbol("x").is_real and symbol("x").is_positive is None


def test_same_symbol_from_every_spelling():
    assert symbol(r"\lambda_{\min}") == symbol("lambda_min") == symbol("λ_min")


@pytest.mark.parametrize("bad", ["a+b", "x.y", "__import__('os')", "1x", ""])
def test_bad_names(bad):
    with pytest.raises(ParseError):
        canonical_name(bad)


def test_identifier_check():
    assert is_identifier("w_1")
    assert not is_identifier("os.system('x')")
    assert not is_identifier("_private")
