"""Canonical, stable symbols.

Every symbol symopt creates goes through :func:`symbol`, so that the same name
always means the same SymPy object — whether it came from SymPy syntax, LaTeX,
a method's hyperparameters or a user's code. Names are normalised
(``\\lambda_{\\min}``, ``lambda_{min}``, ``λ_min`` and ``lambda_min`` are one
symbol) and carry the house assumptions: real unless the name is one of the
conventional positive / nonnegative / integer quantities listed in
:data:`HOUSE_ASSUMPTIONS`.

>>> from symopt.symbols import symbol, canonical_name
>>> canonical_name(r"\\lambda_{\\min}"), canonical_name("λ_max"), canonical_name(r"\\hat{m}_t")
('lambda_min', 'lambda_max', 'mhat_t')
>>> symbol("alpha").is_positive, symbol("x").is_real, symbol("x").is_positive is None
(True, True, True)
>>> symbol(r"\\theta^*") == symbol("theta_star")
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import sympy as sp

from symopt.errors import ParseError

__all__ = ["HOUSE_ASSUMPTIONS", "canonical_name", "is_identifier", "symbol", "symbols"]

GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "varrho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
]

_UNICODE_GREEK = dict(
    zip(
        "αβγδεϵζηθικλμνξπρστφϕχψωΓΔΘΛΣΦΨΩ∇",
        (
            "alpha beta gamma delta epsilon epsilon zeta eta theta iota kappa lambda mu nu xi "
            "pi rho sigma tau phi phi chi psi omega Gamma Delta Theta Lambda Sigma Phi Psi Omega "
            "nabla"
        ).split(),
    )
)
_UNICODE_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_MODIFIER = "|".join(
    ("hat", "bar", "tilde", "star", "prime", "dot", "ddot", "vec", "check", "breve")
)
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

# Conventional meanings of common names in optimization texts. A name not listed
# here is real. Pass explicit assumptions to :func:`symbol` to override.
_POSITIVE = [
    "alpha",
    "eta",
    "L",
    "mu",
    "kappa",
    "epsilon",
    "eps",
    "varepsilon",
    "lambda_min",
    "lambda_max",
    "sigma_min",
    "sigma_max",
    "lr",
    "rho",
    "tau",
]
_NONNEGATIVE = ["beta", "beta1", "beta2", "beta_1", "beta_2", "gamma"]
_NONNEG_INTEGER = ["k"]
_POSITIVE_INTEGER = ["t", "T", "n", "N"]

HOUSE_ASSUMPTIONS: dict[str, dict[str, bool]] = {
    **{name: {"real": True, "positive": True} for name in _POSITIVE},
    **{name: {"real": True, "nonnegative": True} for name in _NONNEGATIVE},
    **{name: {"integer": True, "nonnegative": True} for name in _NONNEG_INTEGER},
    **{name: {"integer": True, "positive": True} for name in _POSITIVE_INTEGER},
}


def is_identifier(name: str) -> bool:
    """Whether ``name`` is a plain identifier (safe to put in generated code).

    >>> is_identifier("w_1"), is_identifier("__import__('os')"), is_identifier("_x")
    (True, False, False)
    """
    return bool(_IDENTIFIER.match(name))


def canonical_name(raw: str) -> str:
    """Normalise a written name (plain, LaTeX or Unicode) to its canonical form.

    Modifiers (hat, bar, tilde, star, prime, ...) attach to the base name without
    an underscore, as SymPy's printers expect (``mhat`` prints as ``\\hat{m}``);
    subscripts follow after ``_``.

    >>> canonical_name("w_{1}"), canonical_name("theta₀"), canonical_name(r"\\alpha^{*}")
    ('w_1', 'theta_0', 'alphastar')
    >>> canonical_name("x'"), canonical_name(r"\\bar{x}_{k}"), canonical_name("m_hat_t")
    ('xprime', 'xbar_k', 'mhat_t')
    """
    name = raw.strip()
    for char, word in _UNICODE_GREEK.items():
        name = name.replace(char, word)
    name = re.sub("[₀-₉]+", lambda mt: "_" + mt.group(0).translate(_UNICODE_SUBSCRIPT), name)
    # \hat{m}_t -> mhat_t ; \hat m -> mhat
    swap = lambda mt: mt.group(2) + mt.group(1)  # noqa: E731
    name = re.sub(rf"\\({_MODIFIER})\s*\{{\s*\\?([A-Za-z]+)\s*\}}", swap, name)
    name = re.sub(rf"\\({_MODIFIER})\s+\\?([A-Za-z]+)", swap, name)
    name = re.sub(
        r"\\(?:mathrm|text|operatorname|mathbf|boldsymbol|bm)\s*\{([^{}]*)\}", r"\1", name
    )
    name = re.sub(r"\^\s*\{?\s*\\?(\*|ast|star)\s*\}?", "star", name)
    name = re.sub(r"\^\s*\{?\s*(\\prime|')\s*\}?", "prime", name)
    name = name.replace("'", "prime")
    name = name.replace("\\", "")
    name = re.sub(r"_\s*\{\s*([^{}]*?)\s*\}", lambda mt: "_" + mt.group(1).replace(" ", ""), name)
    name = name.replace(" ", "")
    name = name.replace(",", "_")
    # base_hat_t -> basehat_t : modifier written as a subscript
    name = re.sub(rf"^([A-Za-z]+)_({_MODIFIER})(?=_|$)", r"\1\2", name)
    if not is_identifier(name):
        raise ParseError(f"cannot use {raw!r} as a symbol name (normalised to {name!r})")
    return name


def symbol(name: str, **assumptions: bool) -> sp.Symbol:
    """The canonical symbol for ``name``, with house or explicit assumptions.

    >>> symbol("lambda_{\\\\min}") is symbol("lambda_min")
    True
    >>> symbol("c", positive=True).is_positive
    True
    """
    canonical = canonical_name(name)
    if not assumptions:
        assumptions = HOUSE_ASSUMPTIONS.get(canonical, {"real": True})
    return sp.Symbol(canonical, **assumptions)


def symbols(names: str, **assumptions: bool) -> tuple[sp.Symbol, ...]:
    """Several canonical symbols from a space- or comma-separated string.

    >>> symbols("x, y")
    (x, y)
    """
    return tuple(symbol(n, **assumptions) for n in re.split(r"[,\s]+", names.strip()) if n)


def with_assumptions(
    names: Mapping[str, Mapping[str, bool]] | None,
) -> dict[str, sp.Symbol]:
    """Map canonical names to symbols carrying the given assumptions.

    >>> with_assumptions({"n": {"positive": True}})["n"].is_positive
    True
    """
    return {canonical_name(k): symbol(k, **dict(v)) for k, v in (names or {}).items()}
