"""Checking stated answers: claims, verdicts, counterexamples.

A :class:`Claim` states an answer (a gradient, an interval of step sizes, a
rate, the number a run prints) about a problem and a method; :func:`check`
returns a :class:`Verdict` — ``true`` with the evidence, ``false`` with the
correct value and a concrete counterexample, or ``unknown`` with the reason;
a decided verdict names what it rests on (``Verdict.basis``, one of :data:`BASES`).
Claims files (TOML, see docs/claims-format.md) are read by :func:`load_claims`
and checked by :func:`check_file`.

>>> from symopt.claims import Claim, check
>>> v = check(Claim("behaviour", "converges", problem="theta_0**2 + 10*theta_1**2",
...                 method="gd", hyperparameters={"alpha": "0.1"}, x0=[5, 1], steps=50))
>>> v.status, v.correct
('false', 'oscillates: theta_0 converges, theta_1 oscillates')
"""

from symopt.claims.claim import BASES, KINDS, Basis, Claim, MethodSpec, ProblemSpec, Verdict, check
from symopt.claims.equivalence import Comparison, compare, compare_equations, compare_numbers
from symopt.claims.files import ClaimsFile, Entry, check_file, load_claims
from symopt.claims.sets import compare_sets, read_region, read_set

__all__ = [
    "BASES",
    "KINDS",
    "Basis",
    "Claim",
    "ClaimsFile",
    "Comparison",
    "Entry",
    "MethodSpec",
    "ProblemSpec",
    "Verdict",
    "check",
    "check_file",
    "compare",
    "compare_equations",
    "compare_numbers",
    "compare_sets",
    "load_claims",
    "read_region",
    "read_set",
]
