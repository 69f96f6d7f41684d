"""A generated corpus of claims whose truth is known by construction.

Parametric families, each claim built from random integers whose answer is
computed here by hand (with :class:`fractions.Fraction`), never by symopt:

* ``stability`` — gradient descent on ½xᵀAx with A = R·diag(λ)·Rᵀ (R a rotation
  with rational entries, from the Pythagorean triple 3-4-5) converges exactly
  for 0 < α < 2/λ_max;
* ``optimal_step`` — its optimal step is α* = 2/(λ_min + λ_max);
* ``rate`` — at a given step α its rate is max_i |1 − αλ_i|;
* ``gradient`` — the gradient of a random polynomial, term by term
  (∂/∂x c·xᵃyᵇ = c·a·xᵃ⁻¹yᵇ);
* ``equal`` — a product of two linear factors and its expansion.

A false claim states a wrong value that differs from the true one by
construction (2/λ_min for the interval, 1/λ_max for α*, a doubled coefficient,
…). Exactly half of the claims are false; ``expect`` records the truth, so a
verdict can be compared with it. The same seed gives the same corpus.

>>> claims = corpus(6, seed=1)
>>> [c.kind for c in claims]
['stability', 'optimal_step', 'rate', 'gradient', 'equal', 'stability']
>>> sum(c.expect for c in claims)
3
>>> corpus(6, seed=1) == claims
True
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

from symopt.claims import Claim, ProblemSpec
from symopt.errors import DomainError

__all__ = ["FAMILIES", "MAX_CLAIMS", "corpus", "to_toml", "write_corpus"]

#: The most claims one corpus may hold.
MAX_CLAIMS = 1_000_000
_ROTATION = ((Fraction(3, 5), Fraction(-4, 5)), (Fraction(4, 5), Fraction(3, 5)))
_NAMES = ("x", "y", "z")


def _num(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"({q.numerator}/{q.denominator})"


def _quadratic(rng: random.Random) -> tuple[str, list[int]]:
    """½xᵀAx with known integer eigenvalues (distinct extremes): the text and the λ's."""
    n = rng.choice((2, 3))
    eigenvalues = rng.sample(range(1, 10), n)
    matrix = [[Fraction(0)] * n for _ in range(n)]
    for i, lam in enumerate(eigenvalues):
        matrix[i][i] = Fraction(lam)
    if rng.random() < 0.5:  # rotate the first two coordinates: A = R D Rᵀ
        d0, d1 = matrix[0][0], matrix[1][1]
        (c, s_), (s, c2) = _ROTATION
        matrix[0][0] = c * c * d0 + s_ * s_ * d1
        matrix[1][1] = s * s * d0 + c2 * c2 * d1
        matrix[0][1] = matrix[1][0] = c * s * d0 + s_ * c2 * d1
    terms = []
    for i in range(n):
        for j in range(i, n):
            weight = matrix[i][j] / 2 if i == j else matrix[i][j]
            if weight:
                names = f"{_NAMES[i]}**2" if i == j else f"{_NAMES[i]}*{_NAMES[j]}"
                terms.append(f"{_num(weight)}*{names}")
    return " + ".join(terms), eigenvalues


def _stability(rng: random.Random, true: bool) -> Claim:
    objective, lam = _quadratic(rng)
    bound = Fraction(2, max(lam)) if true else rng.choice(
        (Fraction(2, min(lam)), Fraction(1, max(lam)), Fraction(4, max(lam))))
    return Claim("stability", f"0 < alpha < {bound}", problem=objective, method="gd")


def _optimal_step(rng: random.Random, true: bool) -> Claim:
    objective, lam = _quadratic(rng)
    step = Fraction(2, min(lam) + max(lam)) if true else rng.choice(
        (Fraction(1, max(lam)), Fraction(2, max(lam)), Fraction(1, min(lam) + max(lam))))
    return Claim("optimal_step", str(step), problem=objective, method="gd")


def _rate(rng: random.Random, true: bool) -> Claim:
    objective, lam = _quadratic(rng)
    alpha = Fraction(1, rng.randint(max(lam), 2 * max(lam)))  # a stable step, 0 < αλ ≤ 1
    rate = 1 - alpha * min(lam)  # every factor 1 − αλ is in [0, 1): the largest
    stated = rate if true else rng.choice((rate / 2, 1 - alpha * max(lam)))
    return Claim("rate", str(stated), problem=objective, method="gd",
                 hyperparameters={"alpha": str(alpha)})


def _monomial(coefficient: int, a: int, b: int) -> str:
    factors = [str(coefficient)]
    factors += [f"x**{a}"] if a > 1 else ["x"] if a == 1 else []
    factors += [f"y**{b}"] if b > 1 else ["y"] if b == 1 else []
    return "*".join(factors)


def _gradient(rng: random.Random, true: bool) -> Claim:
    exponents = rng.sample([(a, b) for a in range(4) for b in range(4) if a + b > 0],
                           rng.randint(2, 4))
    coefficients = [rng.choice([c for c in range(-5, 6) if c]) for _ in exponents]
    f = " + ".join(_monomial(c, a, b) for c, (a, b) in zip(coefficients, exponents))
    parts: list[list[tuple[int, int, int]]] = [[], []]
    for c, (a, b) in zip(coefficients, exponents):
        if a:
            parts[0].append((c * a, a - 1, b))
        if b:
            parts[1].append((c * b, a, b - 1))
    if not true:  # double one coefficient of a nonzero component (its monomials are distinct)
        which = rng.choice([i for i in (0, 1) if parts[i]])
        k = rng.randrange(len(parts[which]))
        c, a, b = parts[which][k]
        parts[which][k] = (2 * c, a, b)
    stated = [" + ".join(_monomial(*t) for t in part) or "0" for part in parts]
    return Claim("gradient", f"[{stated[0]}, {stated[1]}]", problem=ProblemSpec(f, ("x", "y")))


def _equal(rng: random.Random, true: bool) -> Claim:
    a, b, c, d = (rng.choice([k for k in range(-9, 10) if k]) for _ in range(4))
    square, linear, constant = a * c, a * d + b * c, b * d
    if not true:
        constant += rng.choice((-1, 1))
    return Claim("equal", f"{square}*x**2 + {linear}*x + {constant}",
                 reference=f"({a}*x + {b})*({c}*x + {d})")


#: The families, in the order claims cycle through them.
FAMILIES: dict[str, Callable[[random.Random, bool], Claim]] = {
    "stability": _stability, "optimal_step": _optimal_step, "rate": _rate,
    "gradient": _gradient, "equal": _equal,
}


def corpus(n: int, seed: int = 0, families: Sequence[str] | None = None) -> list[Claim]:
    """``n`` claims cycling through ``families`` (default: all), exactly ⌊n/2⌋ false.

    Each claim's ``id`` is ``c{index}-{family}``, its ``expect`` the truth.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_CLAIMS:
        raise DomainError(f"a corpus has 0 to {MAX_CLAIMS} claims, got {n!r}")
    names = list(families) if families is not None else list(FAMILIES)
    unknown = [f for f in names if f not in FAMILIES]
    if unknown or not names:
        raise DomainError(f"unknown family {unknown[0] if unknown else '(none)'!r}; "
                          f"known: {', '.join(FAMILIES)}")
    rng = random.Random(seed)
    false = set(rng.sample(range(n), n // 2))
    claims = []
    for index in range(n):
        family = names[index % len(names)]
        truth = index not in false
        claim = FAMILIES[family](rng, truth)
        claims.append(Claim(**{**claim.__dict__, "id": f"c{index:05d}-{family}",
                               "expect": truth, "source": {"seed": f"corpus seed {seed}"}}))
    return claims


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)  # a valid TOML basic string


def to_toml(claims: Sequence[Claim], title: str = "generated corpus") -> str:
    """The claims as a claims file (docs/claims-format.md).

    >>> print(to_toml(corpus(1, seed=0)).splitlines()[3])
    id = "c00000-stability"
    """
    lines = [f"title = {_toml_value(title)}", ""]
    for claim in claims:
        lines += ["[[claims]]", f"id = {_toml_value(claim.id)}",
                  f"kind = {_toml_value(claim.kind)}", f"stated = {_toml_value(claim.stated)}"]
        if claim.problem is not None:
            variables = claim.problem.variables
            listed = f", variables = {json.dumps(list(variables))}" if variables else ""
            lines.append(f"problem = {{ objective = {_toml_value(claim.problem.objective)}"
                         f"{listed} }}")
        if claim.method is not None:
            lines.append(f"method = {_toml_value(claim.method.name)}")
        if claim.reference is not None:
            lines.append(f"reference = {_toml_value(claim.reference)}")
        if claim.hyperparameters:
            lines.append(f"hyperparameters = {_toml_value(dict(claim.hyperparameters))}")
        if claim.expect is not None:
            lines.append(f"expect = {_toml_value(claim.expect)}")
        lines.append("")
    return "\n".join(lines)


def write_corpus(path: str | Path, n: int, seed: int = 0) -> Path:
    """Write :func:`corpus` ``(n, seed)`` to a claims file and return its path."""
    path = Path(path)
    path.write_text(to_toml(corpus(n, seed)), encoding="utf-8")
    return path


if __name__ == "__main__":  # python -m symopt.corpus N SEED FILE.toml
    import sys

    if len(sys.argv) != 4:
        sys.exit("usage: python -m symopt.corpus N SEED FILE.toml")
    print(write_corpus(sys.argv[3], int(sys.argv[1]), int(sys.argv[2])))
