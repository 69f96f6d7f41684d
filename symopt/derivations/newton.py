"""Newton's step from the second-order Taylor model, scalar and multivariate.

The scalar derivation works for a generic twice-differentiable f (checked for
any f: the numeric check substitutes random polynomials); the multivariate one
in matrix notation (checked with explicit random symmetric Hessians). Both end
at the rule of ``get_method("newton")``, and :func:`newton_on_problem` applies
it to a given objective.

>>> from symopt.derivations.newton import newton_scalar
>>> print(newton_scalar().steps[-1].justification)
the rule of get_method("newton") with $p = f'(x_k) / f''(x_k)$
"""

from __future__ import annotations

import sympy as sp

from symopt.derivation import Derivation, DerivationError
from symopt.derivations.common import K, define_objective, derive_gradient, iterate, sequence
from symopt.methods import get_method
from symopt.printing import latex
from symopt.problem import Problem
from symopt.symbols import symbol

__all__ = ["newton_multivariate", "newton_on_problem", "newton_scalar"]


def newton_scalar() -> Derivation:
    """x_{k+1} = x_k − f'(x_k)/f''(x_k) from the minimum of the quadratic model."""
    f, m = sp.Function("f"), sp.Function("m")
    x = symbol("x")
    xs = sequence(x)
    xk, xn = xs[K], xs[K + 1]
    d1, d2 = sp.Derivative(f(xk), xk), sp.Derivative(f(xk), xk, 2)
    d = Derivation("Newton's step (one variable)",
                   intro="Replace $f$ near $x_k$ by its second-order Taylor model and "
                         "step to the model's minimum.")
    model = sp.Add(f(xk), sp.Mul(d1, x - xk, evaluate=False),
                   sp.Mul(sp.Rational(1, 2), d2, (x - xk)**2, evaluate=False), evaluate=False)
    d.define(m(x), model, "second-order Taylor model of $f$ at $x_k$")
    slope = sp.Add(d1, sp.Mul(d2, x - xk, evaluate=False), evaluate=False)
    d.equation(sp.Derivative(m(x), x), slope, "differentiate the model")
    d.equation(sp.Derivative(m(x), x, 2), d2, "its curvature: a minimum when $f''(x_k) > 0$")
    at_next = sp.Add(d1, sp.Mul(d2, xn - xk, evaluate=False), evaluate=False)
    stationary = sp.Eq(at_next, 0, evaluate=False)
    d.assume(stationary, "set $m'(x_{k+1}) = 0$")
    step = xk - d1 / d2
    d.solve(stationary, xn, step, "solve for $x_{k+1}$ (when $f''(x_k) \\ne 0$)")
    _matches_method(d, xn, xk, d1 / d2, "$p = f'(x_k) / f''(x_k)$")
    return d


def newton_multivariate(n: int | None = None) -> Derivation:
    """x_{k+1} = x_k − H⁻¹∇f(x_k) in matrix notation (H = ∇²f(x_k) symmetric, invertible).

    ``n`` fixes the dimension; by default it is a symbol and the checks draw
    sizes at random.
    """
    size = symbol("n") if n is None else n
    g = sp.MatrixSymbol("nablaf", size, 1)
    H = sp.MatrixSymbol("H", size, size)
    step = sp.MatrixSymbol("d", size, 1)
    fk = sp.MatrixSymbol("f_k", 1, 1)  # the scalar f(x_k), as a 1x1 matrix expression
    m = sp.Function("m")
    d = Derivation("Newton's step (several variables)", symmetric=[H],
                   intro="With $\\nabla f = \\nabla f(x_k)$ and the symmetric Hessian "
                         "$H = \\nabla^2 f(x_k)$, minimise the second-order Taylor model "
                         "of $f(x_k + d)$ over the step $d$.")
    model = sp.MatAdd(g.T * step, sp.MatMul(sp.Rational(1, 2), step.T, H, step),
                      evaluate=False)
    d.define(m(step), sp.MatAdd(fk, model, evaluate=False),
             "second-order Taylor model, $f_k = f(x_k)$")
    gradient = sp.MatAdd(g, H * step)
    d.equation(sp.Derivative(m(step), step), gradient,
               "gradient of the model ($H$ symmetric)")
    d.assume(sp.Eq(gradient, sp.ZeroMatrix(size, 1), evaluate=False),
             "set the model's gradient to zero")
    solution = -H.I * g
    d.solve(sp.Eq(gradient, sp.ZeroMatrix(size, 1), evaluate=False), step, solution,
            "solve for $d$ ($H$ invertible)")
    x = sp.MatrixSymbol("x_{k}", size, 1)
    nxt = sp.MatrixSymbol("x_{k+1}", size, 1)
    d.define(nxt, sp.MatAdd(x, step, evaluate=False), "take the step")
    d.equation(nxt, x - H.I * g, "the Newton step")
    d.note("Per coordinate this is the rule of get_method(\"newton\"), $x \\leftarrow x - p$ "
           "with the Newton direction $p = H^{-1} \\nabla f$.")
    rule = get_method("newton").rule()
    if sp.simplify(rule.x_next - (rule.x - rule.p)) != 0:
        raise DerivationError(f"get_method('newton') has the rule {rule.x_next}, "
                              "not x - p")
    return d


def newton_on_problem(problem: Problem | str) -> Derivation:
    """One Newton step on a given objective, from its gradient and Hessian."""
    problem = Problem(problem) if isinstance(problem, str) else problem
    d = Derivation(f"Newton's method on $f = {latex(problem.objective)}$")
    define_objective(d, problem)
    gradient = derive_gradient(d, problem)
    H = problem.hessian
    at_k = {v: iterate(v, K) for v in problem.variables}
    rule = get_method("newton").rule()
    if len(problem.variables) == 1:
        (v,) = problem.variables
        d.equation(sp.Derivative(sp.Function("f")(v), v, 2), H[0, 0], "differentiate again")
        if H[0, 0].is_zero:
            raise DerivationError("f'' vanishes: Newton's step is undefined")
        now, nxt = iterate(v, K), iterate(v, K + 1)
        slope, curvature = gradient[0].xreplace(at_k), H[0, 0].xreplace(at_k)
        p = sp.Mul(slope, sp.Pow(curvature, -1, evaluate=False), evaluate=False)
        d.define(nxt, sp.Add(now, sp.Mul(-1, p, evaluate=False), evaluate=False),
                 "Newton's rule $x_{k+1} = x_k - f'(x_k) / f''(x_k)$")
        d.equation(nxt, sp.simplify(rule.x_next.xreplace({rule.x: now, rule.p: slope /
                                                          curvature})), "simplify")
        d.result("next", sp.simplify(rule.x_next.xreplace({rule.x: iterate(v, K), rule.p: p})))
        return d
    nabla2 = sp.Function("nabla2f")
    f = sp.Function("f")(*problem.variables)
    n = H.rows
    d.meaning(nabla2, lambda *args: sp.Matrix(
        n, n, lambda i, j: sp.Derivative(f, problem.variables[i], problem.variables[j])))
    d.equation(nabla2(*problem.variables), H, "second partial derivatives: the Hessian $H$")
    if H.det() == 0:
        raise DerivationError("the Hessian is singular: Newton's step is undefined")
    direction = (H.inv() * gradient).applyfunc(sp.simplify)
    xk = sp.Matrix([iterate(v, K) for v in problem.variables])
    p_symbol = sp.MatrixSymbol("p", n, 1)
    d.define(p_symbol, sp.ImmutableMatrix(direction.xreplace(at_k)),
             "Newton direction $p = H^{-1} \\nabla f(x_k)$")
    nxt = sp.Matrix([rule.x_next.xreplace({rule.x: xk[i], rule.p: direction[i].xreplace(at_k)})
                     for i in range(n)])
    d.equation(sp.MatAdd(sp.ImmutableMatrix(xk), -p_symbol, evaluate=False),
               nxt.applyfunc(sp.simplify), "Newton's rule $x_{k+1} = x_k - p$")
    d.result("next", nxt.applyfunc(sp.simplify))
    return d


def _matches_method(d: Derivation, xn: sp.Basic, xk: sp.Basic, p: sp.Expr, shown: str) -> None:
    rule = get_method("newton").rule()
    d.fact(rule.p, p)
    d.equation(xn, rule.x_next.xreplace({rule.x: xk}),
               f"the rule of get_method(\"newton\") with {shown}")
