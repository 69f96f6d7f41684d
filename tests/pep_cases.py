"""The fast gradient method written in PEPit's own API (the independent reference), shared
by the tests that compare symopt's performance-estimation problems with PEPit."""

from __future__ import annotations

import pytest


def pepit_fgm(n: int, metric: str, solver: str | None = None) -> float:
    """PEPit's worst case of FGM (L = 1, ‖x₀ − x*‖ ≤ 1, momentum i/(i + 3)) after n steps,
    measured at the iterates x_k (not the look-ahead points y_k): ``function_gap``,
    ``distance``, ``gradient_norm`` at x_n, or ``min_gradient_norm`` over x_0 … x_n."""
    pytest.importorskip("PEPit")
    from PEPit import PEP
    from PEPit.functions import SmoothConvexFunction

    problem = PEP()
    func = problem.declare_function(SmoothConvexFunction, L=1)
    xs = func.stationary_point()
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - xs) ** 2 <= 1)
    x = y = x0
    iterates = [x0]
    for i in range(n):
        x_old, x = x, y - func.gradient(y)
        y = x + i / (i + 3) * (x - x_old)
        iterates.append(x)
    if metric == "function_gap":
        problem.set_performance_metric(func(x) - func(xs))
    elif metric == "distance":
        problem.set_performance_metric((x - xs) ** 2)
    elif metric == "gradient_norm":
        problem.set_performance_metric(func.gradient(x) ** 2)
    else:  # several metrics: PEPit bounds their minimum
        for point in iterates:
            problem.set_performance_metric(func.gradient(point) ** 2)
    return problem.solve(verbose=0, solver=solver) if solver else problem.solve(verbose=0)
