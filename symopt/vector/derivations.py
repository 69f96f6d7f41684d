r"""Worked derivations in vector notation, every step checked at sampled dimensions.

Each step is an equality between matrix expressions of symbolic shape; the
derivation engine (:mod:`symopt.derivation`) proves it symbolically or
evaluates both sides with explicit random matrices of sampled sizes, and
refuses a false step. The results come from :mod:`symopt.vector.calculus` and
:mod:`symopt.vector.curvature`, so the derivation shows what the claims check.
"""

from __future__ import annotations

import sympy as sp

from symopt.derivation import Derivation
from symopt.errors import UnsupportedError
from symopt.vector.calculus import gradient, hessian
from symopt.vector.checks import check_hessian
from symopt.vector.curvature import smoothness, strong_convexity
from symopt.vector.jacobian import elementwise
from symopt.vector.losses import data_symbols, least_squares

__all__ = ["least_squares_derivation", "logistic_derivation"]


def _entries_sum(d, body) -> sp.Expr:
    i = sp.Symbol("i", integer=True, nonnegative=True)
    return i, sp.Sum(body(i), (i, 0, d.m - 1))


def _hessian_step(out: Derivation, f: sp.MatrixExpr, w: sp.MatrixSymbol, why: str,
                  signs: list[str] | None = None) -> sp.MatrixExpr:
    """∇²J as a definition (the engine checks first derivatives only), with the finite-
    difference check of :func:`symopt.vector.checks.check_hessian` as its evidence."""
    H = hessian(f, w)
    fd = check_hessian(f, w, H, gradient(f, w), trials=5, signs=signs or [])
    if not fd.holds:
        raise UnsupportedError(f"the Hessian {H} failed its numeric check: {fd.detail}")
    out.define(sp.Function("H")(w), H, f"{why}; $\\nabla^2 J$, checked against finite "
               f"differences of $\\nabla J$ at {fd.trials} random dimensions")
    return H


def least_squares_derivation() -> Derivation:
    """J(w) = (1/2m)‖Xw − y‖²: the sum over samples, ∇J, the normal equations, ∇²J, L and μ.

    >>> d = least_squares_derivation()
    >>> d.results["gradient"], d.results["L"]
    (1/m*X.T*(X*w - y), lambda_max(X.T*X)/m)
    >>> r"\\sum" in d.to_latex() and "X^{T}" in d.to_latex()
    True
    """
    d = data_symbols()
    m, X, w, y = d.m, d.X, d.w, d.y
    J = sp.Function("J")(w)
    f = least_squares(d, mean=True)
    out = Derivation("Least squares in general dimension",
                     intro="Data $X \\in \\mathbb{R}^{m \\times n}$ (rows $x_i^\\top$), targets "
                           "$y \\in \\mathbb{R}^m$, weights $w \\in \\mathbb{R}^n$; $m$ and $n$ "
                           "are symbols, so every step holds in every dimension.")
    out.define(J, f, "$J(w) = \\frac{1}{2m}\\lVert Xw - y \\rVert^2 = \\frac{1}{2m}"
                     "(Xw - y)^\\top (Xw - y)$")
    j = sp.Symbol("j", integer=True, nonnegative=True)
    _, per_sample = _entries_sum(d, lambda i: (sp.Sum(X[i, j] * w[j, 0], (j, 0, d.n - 1))
                                               - y[i, 0])**2)
    out.equation(J, per_sample / (2 * m), "the squared norm is the sum of the squared "
                 "residuals $x_i^\\top w - y_i$")
    g = gradient(f, w)
    out.equation(sp.Derivative(J, w), g, "matrix calculus: $\\nabla_w \\tfrac12 r^\\top r = "
                 "(\\partial r/\\partial w)^\\top r$ with $r = Xw - y$")
    out.then(sp.MatMul(1 / m, sp.MatAdd(X.T * X * w, -X.T * y)), "distribute $X^\\top$")
    H = _hessian_step(out, f, w, "differentiate again: constant, a Gram matrix $\\succeq 0$, "
                      "so $J$ is convex")
    L, mu = smoothness(f, w), strong_convexity(f, w)
    out.note(f"$\\nabla J = 0 \\iff X^\\top X w = X^\\top y$ (the normal equations); "
             f"$L = {sp.latex(L.value)}$, $\\mu = {sp.latex(mu.value)}$ "
             "($0$ when $X$ is rank-deficient).")
    out.result("gradient", g)
    out.result("hessian", H)
    out.result("L", L.value)
    out.result("mu", mu.value)
    return out


def logistic_derivation() -> Derivation:
    """J(w) = (1/m) 1ᵀ log(1 + exp(−y ∘ Xw)) with y ∈ {−1, 1}^m: ∇J, ∇²J = Xᵀ D X/m, L.

    >>> logistic_derivation().results["L"]
    lambda_max(X.T*X)/(4*m)
    """
    d = data_symbols()
    m, X, w, y = d.m, d.X, d.w, d.y
    t = sp.Dummy("t", real=True)
    phi = sp.Lambda(t, sp.log(1 + sp.exp(-t)))
    margins = sp.HadamardProduct(y, X * w)
    f = sp.MatMul(1 / m, sp.OneMatrix(1, m), elementwise(phi, margins))
    J = sp.Function("J")(w)
    out = Derivation("Logistic regression in general dimension",
                     intro="Labels $y \\in \\{-1, 1\\}^m$, margins $y \\circ Xw$; functions of "
                           "vectors act entry by entry.")
    out.define(J, f, "$J(w) = \\frac1m \\sum_i \\log(1 + e^{-y_i x_i^\\top w})$")
    g = gradient(f, w)
    out.equation(sp.Derivative(J, w), g, "chain rule entry by entry: "
                 "$\\frac{d}{dt}\\log(1 + e^{-t}) = -\\frac{1}{1 + e^{t}}$")
    H = _hessian_step(out, f, w, "differentiate again: $X^\\top D X / m$ with $D$ diagonal, "
                      "entries $y_i^2\\,\\sigma(t_i)(1 - \\sigma(t_i)) \\in (0, 1/4]$",
                      signs=["y"])
    L = smoothness(f, w, signs=["y"])
    out.note(f"$D \\succeq 0$, so $J$ is convex; $D \\preceq I/4$ with equality at $w = 0$, so "
             f"$L = {sp.latex(L.value)} = \\lVert X \\rVert_2^2/(4m)$; $\\mu = 0$.")
    out.result("gradient", g)
    out.result("hessian", H)
    out.result("L", L.value)
    return out
