"""symopt — derive and verify the mathematics of optimization algorithms with SymPy.

>>> import symopt
>>> p = symopt.Problem("x**2 + y**2")
>>> p.gradient.T
Matrix([[2*x, 2*y]])

The names below are imported on first use, so ``import symopt`` itself stays
light: SymPy and the modules behind a name load when the name is first used.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from symopt.errors import (
    CodegenError,
    DomainError,
    ParseError,
    SymoptError,
    SymoptTimeoutError,
    UnsupportedError,
)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from symopt.derivation import Derivation, DerivationError
    from symopt.kkt import KKTResult, solve_kkt
    from symopt.latex import parse_latex
    from symopt.parse import parse, parse_expr, parse_relation
    from symopt.problem import Constraint, Problem, Quadratic, StationaryPoint
    from symopt.result import Finding
    from symopt.symbols import canonical_name, symbol, symbols

__version__ = "0.1.0"

#: Where each lazily imported name lives.
_LAZY = {
    "Derivation": "symopt.derivation",
    "DerivationError": "symopt.derivation",
    "KKTResult": "symopt.kkt",
    "solve_kkt": "symopt.kkt",
    "parse_latex": "symopt.latex",
    "parse": "symopt.parse",
    "parse_expr": "symopt.parse",
    "parse_relation": "symopt.parse",
    "Constraint": "symopt.problem",
    "Problem": "symopt.problem",
    "Quadratic": "symopt.problem",
    "StationaryPoint": "symopt.problem",
    "Finding": "symopt.result",
    "canonical_name": "symopt.symbols",
    "symbol": "symopt.symbols",
    "symbols": "symopt.symbols",
}


class _Package(types.ModuleType):
    """symopt itself: importing the submodule ``symopt.parse`` (or ``symopt.symbols``)
    must not hide the function of the same name that symopt exports."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == f"symopt.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'symopt' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later uses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
