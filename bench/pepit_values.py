"""Worst cases from symopt's PEP beside PEPit's own examples (the table in docs/guarantees.md).

    python bench/pepit_values.py

Both sides solve with Clarabel; the theory column is the value the literature proves.
"""

from __future__ import annotations

from math import sqrt

from bar import tracked

from symopt.guarantees import PerformanceProblem, smooth, smooth_convex, smooth_strongly_convex

SOLVER = "CLARABEL"


def rows():
    from PEPit.examples.nonconvex_optimization import wc_gradient_descent as wc_nonconvex
    from PEPit.examples.unconstrained_convex_minimization import (
        wc_accelerated_gradient_convex_simplified,
        wc_gradient_descent,
        wc_heavy_ball_momentum,
    )

    from symopt.methods import nesterov

    for n in (1, 2, 5):
        ours = PerformanceProblem(smooth_convex(1), "gd", n, "function_gap", "distance",
                                  hyperparameters={"alpha": 1}).solve().value
        theirs, _ = wc_gradient_descent(L=1, gamma=1, n=n, verbose=-1, solver=SOLVER)
        yield (f"GD, L-smooth convex, α = 1/L, N = {n}", "f(x_N) − f*, ‖x₀ − x*‖ ≤ 1",
               ours, theirs, f"1/(4N + 2) = {1 / (4 * n + 2):.8g}")
    # the fast gradient method (look-ahead form, β_t = (t − 1)/(t + 2)), measured at the
    # reported iterate x_N — PEPit's momentum i/(i + 3) is the same schedule
    fgm = nesterov(form="lookahead", momentum="(t - 1)/(t + 2)")
    for n in (1, 3, 5):
        ours = PerformanceProblem(smooth_convex(1), fgm, n, "function_gap", "distance",
                                  hyperparameters={"alpha": 1}).solve().value
        theirs, _ = wc_accelerated_gradient_convex_simplified(mu=0, L=1, n=n, verbose=-1,
                                                              solver=SOLVER)
        yield (f"fast gradient method, L-smooth convex, α = 1/L, N = {n}",
               "f(x_N) − f*, ‖x₀ − x*‖ ≤ 1", ours, theirs,
               f"2/(N² + 5N + 6) = {2 / (n * n + 5 * n + 6):.8g}")
    mu, L, alpha = 0.1, 1.0, 0.5
    beta = sqrt((1 - alpha * mu) * (1 - L * alpha))
    for n in (1, 4):
        ours = PerformanceProblem(smooth_strongly_convex(1, "1/10"), "heavy_ball", n,
                                  "function_gap", "function_gap",
                                  hyperparameters={"alpha": alpha, "beta": beta}).solve().value
        theirs, _ = wc_heavy_ball_momentum(mu=mu, L=L, alpha=alpha, beta=beta, n=n, verbose=-1,
                                           solver=SOLVER)
        yield (f"heavy ball, μ = 0.1, L = 1, α = 1/2, β = √((1−αμ)(1−αL)), N = {n}",
               "f(x_N) − f*, f(x₀) − f* ≤ 1", ours, theirs, "—")
    for n in (1, 3, 5):
        ours = PerformanceProblem(smooth(1), "gd", n, "min_gradient_norm", "function_decrease",
                                  hyperparameters={"alpha": 1}).solve().value
        theirs, _ = wc_nonconvex(L=1, gamma=1, n=n, verbose=-1, solver=SOLVER)
        yield (f"GD, L-smooth (nonconvex), α = 1/L, N = {n}",
               "min_k ‖∇f(x_k)‖², f(x₀) − f(x_N) ≤ 1", ours, theirs,
               f"4/(3N) = {4 / (3 * n):.8g}")


def main() -> None:
    print("| method and class | measure | symopt | PEPit | theory |")
    print("| --- | --- | --- | --- | --- |")
    for name, what, ours, theirs, theory in tracked(rows(), "examples"):
        print(f"| {name} | {what} | {ours:.8g} | {theirs:.8g} | {theory} |")


if __name__ == "__main__":
    main()
