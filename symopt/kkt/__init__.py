"""Constrained optimization: Lagrangian, KKT conditions, active sets, second-order checks.

>>> from symopt import Problem
>>> from symopt.kkt import solve_kkt
>>> r = solve_kkt(Problem("x**2", constraints=["x >= 1"]), timeout=0)
>>> r.points[0].point, r.points[0].multipliers
({x: 1}, {lambda: 2})
"""

from symopt.kkt.conditions import KKTConditions, kkt_conditions, lagrangian
from symopt.kkt.derivation import kkt_derivation
from symopt.kkt.second_order import classify, licq
from symopt.kkt.solve import (
    MAX_INEQUALITIES,
    ActiveSetCase,
    IrregularPoint,
    KKTPoint,
    KKTResult,
    Rejected,
    convex_program,
    solve_kkt,
)

__all__ = [
    "MAX_INEQUALITIES",
    "ActiveSetCase",
    "IrregularPoint",
    "KKTConditions",
    "KKTPoint",
    "KKTResult",
    "Rejected",
    "classify",
    "convex_program",
    "kkt_conditions",
    "kkt_derivation",
    "lagrangian",
    "licq",
    "solve_kkt",
]
