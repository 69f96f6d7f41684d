"""symopt — derive and verify the mathematics of optimization algorithms with SymPy.

>>> import symopt
>>> p = symopt.Problem("x**2 + y**2")
>>> p.gradient.T
Matrix([[2*x, 2*y]])
"""

from symopt.derivation import Derivation, DerivationError
from symopt.errors import (
    CodegenError,
    DomainError,
    ParseError,
    SymoptError,
    SymoptTimeoutError,
    UnsupportedError,
)
from symopt.kkt import KKTResult, solve_kkt
from symopt.latex import parse_latex
from symopt.parse import parse, parse_expr, parse_relation
from symopt.problem import Constraint, Problem, Quadratic, StationaryPoint
from symopt.result import Finding
from symopt.symbols import canonical_name, symbol, symbols

__version__ = "0.1.0"

__all__ = [
    "CodegenError",
    "Constraint",
    "Derivation",
    "DerivationError",
    "DomainError",
    "Finding",
    "KKTResult",
    "ParseError",
    "Problem",
    "Quadratic",
    "StationaryPoint",
    "SymoptError",
    "SymoptTimeoutError",
    "UnsupportedError",
    "canonical_name",
    "parse",
    "parse_expr",
    "parse_latex",
    "parse_relation",
    "solve_kkt",
    "symbol",
    "symbols",
]
