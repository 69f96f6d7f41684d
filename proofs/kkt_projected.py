"""Constrained optimisation: the KKT point of min x² s.t. x ≥ 1 and projected GD.

Seed 004's worked example lost its formulas in extraction ("Minimize … subject to …
Solution: …, (from KKT conditions)"); its projected-gradient code makes the problem
explicit: minimise x² subject to x ≥ 1 (project(x) = max(x, 1)). The KKT point and
multiplier are checked in ``kkt_projected.toml``; this file runs the code's loop with
symopt's projected gradient descent.
"""

import sympy as sp

from symopt import Problem
from symopt.catalogue import Outcome, claim, iterate
from symopt.kkt import solve_kkt
from symopt.methods.projected import Box, projected_gd


@claim("004-projected-gd", basis="instance", seed="004", where="§7 Constrained Optimization",
       quote="def project(x): return max(x, 1); x = 0.0; lr = 0.1; for i in range(50): "
       "x = x - lr * 2*x; x = project(x)", stated="projected GD reaches the constrained "
       "minimizer x = 1", perturbed={"target": 0})
def projected_run(target=1):
    """symopt's projected GD onto {x ≥ 1}: exact run of the code's 50 steps, and x = 1 is a
    fixed point of x ↦ P(x − α·2x) — exactly the KKT point symopt's solver finds."""
    problem = Problem("x**2")
    method = projected_gd(Box(lower=1))
    path = [p[0] for p in iterate(problem, method, [0], 50, alpha="0.1")]
    kkt = solve_kkt(Problem("x**2", constraints=["x >= 1"]))
    (point,) = kkt.points
    fixed = iterate(problem, method, [1], 1, alpha="0.1")[1][0] == 1
    holds = (path[1:] == [target] * 50 and fixed
             and point.point == {problem.variables[0]: target})
    return Outcome.check(holds, r"x_k = 1\ (k \ge 1),\ x^* = 1,\ \lambda^* = "
                         + sp.latex(next(iter(point.multipliers.values()))),
                         f"iterates {[str(v) for v in path[:4]]} …: the first step lands on 1 "
                         "(0 − 0 → projected to 1) and 1 − 0.2 = 0.8 is projected back to 1 "
                         f"every step. KKT: {point.point}, multipliers {point.multipliers}, "
                         f"{point.kind.value}.",
                         {"x_k": [float(v) for v in path]})
