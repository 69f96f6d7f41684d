r"""The LaTeX case table: formulas from the seed texts with hand-written SymPy values.

Each :class:`Case` is a formula as it appears in ``shared/seeds/`` (``source``
names the file and line; ``adapted`` marks the few rewritten so they have one
exact meaning, e.g. a ``\sum`` given numeric bounds) and its value written by
hand here, independently of the parser. ``REFUSE`` marks formulas that have no
exact SymPy value (``\nabla``, ``\approx``, big-O, an undeclared vector norm):
the right answer for those is a ParseError, and any value is a misparse.

Used by tests/test_latex.py and by bench/latex_backends.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import sympy as sp
from vector_cases import DATA

from symopt.symbols import symbol as sym
from symopt.vector import lambda_max
from symopt.vector_ops import Gradient, Hessian, SpectralNorm

REFUSE = "REFUSE"

SEED_000 = "000_9aaccfaf3bc206cf.txt"
SEED_001 = "001_a0c7cae0ccdab711.txt"
SEED_002 = "002_9de2198aaabab4ca.txt"
SEED_003 = "003_69a4f2b4191f4c33.txt"
SEED_004 = "004_8badbfe8a1fc8269.txt"


@dataclass(frozen=True)
class Case:
    latex: str
    expected: Any  # a SymPy object, or REFUSE
    source: str  # "<seed file>:<line>" or "brief"
    adapted: bool = False  # rewritten from the seed text (see the module docstring)
    local: dict = field(default_factory=dict)
    shapes: dict = field(default_factory=dict)  # declared vectors, matrices and functions
    message: str = ""  # for REFUSE: a regex the refusal must match (what to declare)


x, y, w, d, a, b = sym("x"), sym("y"), sym("w"), sym("d"), sym("a"), sym("b")
x_k, x_1, x_2 = sym("x_k"), sym("x_1"), sym("x_2")
w_0, w_1, w_2, w_k = sym("w_0"), sym("w_1"), sym("w_2"), sym("w_k")
k, t, n, T = sym("k"), sym("t"), sym("n"), sym("T")
alpha, beta, eta, theta, lam, mu, L = (sym(n) for n in ("alpha", "beta", "eta", "theta", "lambda",
                                                      "mu", "L"))
alpha_star = sym("alphastar")
lam_min, lam_max, lam_i = sym("lambda_min"), sym("lambda_max"), sym("lambda_i")
beta_1, beta_2, epsilon = sym("beta_1"), sym("beta_2"), sym("epsilon")
theta_t, eta_t, eta_0, m_t, v_t, g_t = (sym(n) for n in ("theta_t", "eta_t", "eta_0", "m_t", "v_t",
                                                       "g_t"))
f, g, r, J, H = (sp.Function(n, real=True) for n in "fgrJH")
Lf = sp.Function("L", real=True)


def _indexed(name: str, index: sp.Expr) -> sp.Indexed:
    from symopt.symbols import HOUSE_ASSUMPTIONS

    return sp.IndexedBase(name, **HOUSE_ASSUMPTIONS.get(name, {"real": True}))[index]


def _eq(*chain: sp.Basic) -> sp.Basic:
    """``a = b = c`` as SymPy reads a chain: Eq(a, b) & Eq(b, c)."""
    parts = [sp.Eq(left, right, evaluate=False) for left, right in pairwise(chain)]
    return parts[0] if len(parts) == 1 else sp.And(*parts, evaluate=False)


half = sp.Rational(1, 2)
u = sp.Dummy("u", real=True)
fp = sp.Derivative(f(x_k), x_k)  # f'(x_k)
fpp = sp.Derivative(f(x_k), (x_k, 2))  # f''(x_k)

CASES: list[Case] = [
    # --- seed 001: gradient descent, Newton, step sizes, the 2-D bowl
    Case(r"x_{k+1} = x_k + d", _eq(_indexed("x", k + 1), x_k + d), f"{SEED_001}:19"),
    Case(r"f'(x_k) + f''(x_k)(x_{k+1} - x_k) = 0",
         _eq(fp + fpp * (_indexed("x", k + 1) - x_k), 0), f"{SEED_001}:60"),
    Case(r"x_{k+1} = x_k - \frac{f'(x_k)}{f''(x_k)}",
         _eq(_indexed("x", k + 1), x_k - fp / fpp), f"{SEED_001}:62"),
    Case(r"g'(x) = f'(x_k) + f''(x_k)(x - x_k)",
         _eq(sp.Derivative(g(x), x), fp + fpp * (x - x_k)), f"{SEED_001}:56"),
    Case(r"\alpha = \frac{1}{f''(x_k)}", _eq(alpha, 1 / fpp), f"{SEED_001}:64"),
    Case(r"f(x_k) + f'(x_k)(x - x_k) + \frac{1}{2}f''(x_k)(x - x_k)^2",
         f(x_k) + fp * (x - x_k) + half * fpp * (x - x_k) ** 2, f"{SEED_001}:44", adapted=True),
    Case(r"f(w) = 2w^2", _eq(f(w), 2 * w**2), f"{SEED_001}:108"),
    Case(r"w_1 = w_0 - \alpha(4w_0) = w_0(1 - 4\alpha)",
         _eq(w_1, w_0 - alpha * 4 * w_0, w_0 * (1 - 4 * alpha)), f"{SEED_001}:112"),
    Case(r"w_k = (1 - 4\alpha)^k w_0", _eq(w_k, (1 - 4 * alpha) ** k * w_0), f"{SEED_001}:116"),
    Case(r"|1 - 4\alpha| < 1", sp.Lt(sp.Abs(1 - 4 * alpha), 1), f"{SEED_001}:120", adapted=True),
    Case(r"0 < \alpha < \frac{1}{2}",
         sp.And(sp.Lt(0, alpha, evaluate=False), sp.Lt(alpha, half), evaluate=False),
         f"{SEED_001}:120", adapted=True),
    Case(r"r(\alpha) = |1 - 4\alpha|", _eq(r(alpha), sp.Abs(1 - 4 * alpha)), f"{SEED_001}:128"),
    Case(r"\alpha < 1/4", sp.Lt(alpha, sp.Rational(1, 4)), f"{SEED_001}:130"),
    Case(r"\alpha > 1/2", sp.Gt(alpha, half), f"{SEED_001}:132"),
    Case(r"f(w) = \frac{1}{2}(w_1^2 + 4w_2^2)", _eq(f(w), half * (w_1**2 + 4 * w_2**2)),
         f"{SEED_001}:140", adapted=True),
    Case(r"\frac{1}{2} \begin{bmatrix} w_1 & w_2 \end{bmatrix} \begin{bmatrix} 1 & 0 \\ 0 & 4 "
         r"\end{bmatrix} \begin{bmatrix} w_1 \\ w_2 \end{bmatrix}",
         half * w_1**2 + 2 * w_2**2, f"{SEED_001}:140", adapted=True),
    Case(r"\begin{bmatrix} w_1 \\ 4w_2 \end{bmatrix}", sp.Matrix([w_1, 4 * w_2]),
         f"{SEED_001}:142"),
    Case(r"w_1^{(k)} = w_1^{(0)}(1 - \alpha)^k",
         _eq(sym("w_1__k"), sym("w_1__0") * (1 - alpha) ** k), f"{SEED_001}:144"),
    Case(r"w_2^{(k)} = w_2^{(0)}(1 - 4\alpha)^k",
         _eq(sym("w_2__k"), sym("w_2__0") * (1 - 4 * alpha) ** k), f"{SEED_001}:145"),
    Case(r"\lambda_1 = 1", _eq(sym("lambda_1"), 1), f"{SEED_001}:147"),
    Case(r"\vert 1 - \alpha\lambda_i \vert", sp.Abs(1 - alpha * lam_i), f"{SEED_001}:147"),
    Case(r"r(\alpha) = \max\{|1 - \alpha|, |1 - 4\alpha|\}",
         _eq(r(alpha), sp.Max(sp.Abs(1 - alpha), sp.Abs(1 - 4 * alpha))), f"{SEED_001}:155"),
    Case(r"|1 - \alpha \lambda_{\min}| = |1 - \alpha \lambda_{\max}|",
         _eq(sp.Abs(1 - alpha * lam_min), sp.Abs(1 - alpha * lam_max)), f"{SEED_001}:167"),
    Case(r"1 - \alpha^* \lambda_{\min} = -(1 - \alpha^* \lambda_{\max})",
         _eq(1 - alpha_star * lam_min, -(1 - alpha_star * lam_max)), f"{SEED_001}:171"),
    Case(r"\alpha^* = \frac{2}{\lambda_{\min} + \lambda_{\max}}",
         _eq(alpha_star, 2 / (lam_min + lam_max)), f"{SEED_001}:175"),
    Case(r"\alpha^* = \frac{2}{1 + 4} = \frac{2}{5} = 0.4",
         _eq(alpha_star, sp.Rational(2, 5), sp.Rational(2, 5), sp.Rational(2, 5)),
         f"{SEED_001}:179"),
    Case(r"r(\alpha^*) = \frac{\lambda_{\max} - \lambda_{\min}}{\lambda_{\max} + \lambda_{\min}}"
         r" = \frac{4-1}{4+1} = \frac{3}{5}",
         _eq(r(alpha_star), (lam_max - lam_min) / (lam_max + lam_min), sp.Rational(3, 5),
             sp.Rational(3, 5)), f"{SEED_001}:183"),
    Case(r"\lambda_{\min}=1", _eq(lam_min, 1), f"{SEED_001}:177"),
    Case(r"x_{k+1} = x_k - \alpha \nabla f(x_k)", REFUSE, f"{SEED_001}:32"),
    Case(r"x_{k+1} = x_k - H^{-1}(x_k) \cdot \nabla f(x_k)", REFUSE, f"{SEED_001}:68"),
    Case(r"\frac{\partial f}{\partial w} = 4w", _eq(sp.Derivative(f(w), w), 4 * w),
         f"{SEED_001}:110"),
    Case(r"\lambda_{\max} \gg \lambda_{\min}", REFUSE, f"{SEED_001}:160"),
    Case(r"|1 - 4\alpha| < 1 \quad \Rightarrow \quad 0 < \alpha < \frac{1}{2}", REFUSE,
         f"{SEED_001}:120"),
    Case(r"H^{-1}(x_k)", 1 / H(x_k), f"{SEED_001}:73"),
    # --- seed 000: loss functions, GD and Newton updates
    Case(r"f(x, y) = x^2 + y^2", _eq(f(x, y), x**2 + y**2), f"{SEED_000}:139"),
    Case(r"f(x) = x^2", _eq(f(x), x**2), f"{SEED_000}:91"),
    Case(r"\theta_{\text{next}} = \theta - \eta \cdot \nabla L(\theta)", REFUSE,
         f"{SEED_000}:51"),
    Case(r"L = \frac{1}{n}\sum (y_i - \hat{y}_i)^2", REFUSE, f"{SEED_000}:38"),
    Case(r"L = \frac{1}{3}\sum_{i=1}^{3} (y_i - \hat{y}_i)^2",
         _eq(L, sp.Rational(1, 3) * sum((sym(f"y_{i}") - sym(f"yhat_{i}")) ** 2
                                        for i in (1, 2, 3))),
         f"{SEED_000}:38", adapted=True),
    Case(r"\theta_{\text{next}} = \theta - \eta g",
         _eq(sym("theta_next"), theta - eta * sym("g")), f"{SEED_000}:51", adapted=True),
    Case(r"f'(x) = 2x", _eq(sp.Derivative(f(x), x), 2 * x), f"{SEED_000}:230"),
    Case(r"f'(2) = 4", _eq(sp.Subs(sp.Derivative(f(u), u), u, 2), 4), f"{SEED_000}:230"),
    Case(r"f''(x) = 2", _eq(sp.Derivative(f(x), (x, 2)), 2), f"{SEED_000}:246"),
    Case(r"x_{\text{next}} = x - \eta \cdot f'(x) = 2 - 0.1 \cdot 4 = 1.6",
         _eq(sym("x_next"), x - eta * sp.Derivative(f(x), x), sp.Rational(8, 5),
             sp.Rational(8, 5)), f"{SEED_000}:231"),
    Case(r"x_{\text{next}} = x - \frac{f'(x)}{f''(x)} = 2 - \frac{4}{2} = 0",
         _eq(sym("x_next"), x - sp.Derivative(f(x), x) / sp.Derivative(f(x), (x, 2)), 0, 0),
         f"{SEED_000}:247"),
    Case(r"\theta_{\text{next}} = \theta - H^{-1} \nabla L(\theta)", REFUSE, f"{SEED_000}:103"),
    Case(r"x \rightarrow 1.6", REFUSE, f"{SEED_000}:261"),
    # --- seed 003: SGD, momentum, convexity, schedules, Adam
    Case(r"\theta_{t+1} = \theta_t - \eta \nabla_\theta L(\theta_t)", REFUSE, f"{SEED_003}:22"),
    Case(r"\theta_{t+1} = \theta_t - \eta v_t",
         _eq(_indexed("theta", t + 1), theta_t - eta * v_t), f"{SEED_003}:39"),
    Case(r"v_t = \beta v_{t-1} + (1 - \beta) g_t",
         _eq(v_t, beta * _indexed("v", t - 1) + (1 - beta) * g_t), f"{SEED_003}:39",
         adapted=True),
    Case(r"f(\lambda x_1 + (1-\lambda)x_2) \leq \lambda f(x_1) + (1-\lambda)f(x_2)",
         sp.Le(f(lam * x_1 + (1 - lam) * x_2), lam * f(x_1) + (1 - lam) * f(x_2)),
         f"{SEED_003}:42"),
    Case(r"\eta_t = \frac{\eta_0}{1 + k t}", _eq(eta_t, eta_0 / (1 + k * t)), f"{SEED_003}:48"),
    Case(r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t",
         _eq(m_t, beta_1 * _indexed("m", t - 1) + (1 - beta_1) * g_t), f"{SEED_003}:53",
         adapted=True),
    Case(r"v_t = \beta_2 v_{t-1} + (1-\beta_2)g_t^2",
         _eq(v_t, beta_2 * _indexed("v", t - 1) + (1 - beta_2) * g_t**2), f"{SEED_003}:53",
         adapted=True),
    Case(r"\theta_{t+1} = \theta_t - \eta \frac{m_t}{\sqrt{v_t}+\epsilon}",
         _eq(_indexed("theta", t + 1), theta_t - eta * m_t / (sp.sqrt(v_t) + epsilon)),
         f"{SEED_003}:54"),
    # --- seed 002: the long tutorial
    Case(r"J(\theta) = \frac{1}{2}a\theta^2", _eq(J(theta), half * a * theta**2),
         f"{SEED_002}:55"),
    Case(r"\mathbf{v}^* = \frac{-\alpha}{1-\beta}\mathbf{g}",
         _eq(sym("vstar"), -alpha / (1 - beta) * sym("g")), f"{SEED_002}:103"),
    Case(r"\frac{\alpha}{1-0.9} = 10\alpha", _eq(alpha / (1 - sp.Rational(9, 10)), 10 * alpha),
         f"{SEED_002}:103"),
    Case(r"\frac{1}{1-\beta}", 1 / (1 - beta), f"{SEED_002}:103"),
    Case(r"\alpha = 0.001", _eq(alpha, sp.Rational(1, 1000)), f"{SEED_002}:130"),
    Case(r"\beta_2 = 0.999", _eq(beta_2, sp.Rational(999, 1000)), f"{SEED_002}:130"),
    Case(r"\epsilon = 10^{-8}", _eq(epsilon, sp.Rational(1, 10**8)), f"{SEED_002}:130"),
    Case(r"(1-\beta_1^t)", 1 - beta_1**t, f"{SEED_002}:132"),
    Case(r"\frac{\hat{m}_j}{\sqrt{\hat{v}_j}}", sym("mhat_j") / sp.sqrt(sym("vhat_j")),
         f"{SEED_002}:136"),
    Case(r"\text{sign}(g_j)", sp.sign(sym("g_j")), f"{SEED_002}:136"),
    Case(r"\alpha \leq \frac{1}{L}", sp.Le(alpha, 1 / L), f"{SEED_002}:170"),
    Case(r"\hat{\mathbf{y}} = \mathbf{X}\mathbf{w} + b",
         _eq(sym("yhat"), sym("X") * w + b), f"{SEED_002}:182"),
    Case(r"n > 10^4", sp.Gt(n, 10**4), f"{SEED_002}:191"),
    Case(r"\frac{1}{2m}\|\mathbf{X}\mathbf{w} - \mathbf{y}\|^2", REFUSE, f"{SEED_002}:182"),
    Case(r"\frac{1}{2m}\|\mathbf{X}\mathbf{w} - \mathbf{y}\|^2",
         sp.Rational(1, 4) * ((3 * sym("w_1") - 1) ** 2 + (4 * sym("w_2") - 2) ** 2),
         f"{SEED_002}:182", adapted=True,
         local={"X": sp.Matrix([[3, 0], [0, 4]]), "w": sp.Matrix([sym("w_1"), sym("w_2")]),
                "y": sp.Matrix([1, 2]), "m": 2}),
    Case(r"\alpha\|\nabla J\|^2", REFUSE, f"{SEED_002}:37"),
    Case(r"\mathbf{X}^T(\hat{\mathbf{y}} - \mathbf{y})", REFUSE, f"{SEED_002}:21"),
    Case(r"O(n^3)", REFUSE, f"{SEED_002}:6"),
    Case(r"\boldsymbol{\theta} \in \mathbb{R}^n", REFUSE, f"{SEED_002}:2"),
    Case(r"\beta_1^t \to 0", REFUSE, f"{SEED_002}:133"),
    Case(r"\hat{v}_j = \max(\hat{v}_j^{(t-1)}, \hat{v}_j^{(t)})", REFUSE, f"{SEED_002}:141"),
    Case(r"\frac{\hat{m}_j}{\sqrt{\hat{v}_j}} \approx \frac{g_j}{|g_j|}", REFUSE,
         f"{SEED_002}:136"),
    Case("θ = θ − α · g", _eq(theta, theta - alpha * sym("g")), f"{SEED_002}:42"),
    Case(r"\boldsymbol{\theta}^{(0)}", sym("theta__0"), f"{SEED_002}:32"),
    Case(r"|1-\alpha a| < 1", sp.Lt(sp.Abs(1 - alpha * a), 1), f"{SEED_002}:57"),
    Case(r"\alpha < 2/a", sp.Lt(alpha, 2 / a), f"{SEED_002}:57"),
    Case(r"|1-\alpha a| = 1", _eq(sp.Abs(1 - alpha * a), 1), f"{SEED_002}:58"),
    Case(r"\kappa = \lambda_{\max}/\lambda_{\min}", _eq(sym("kappa"), lam_max / lam_min),
         f"{SEED_002}:93"),
    Case(r"\frac{\alpha}{\sqrt{G_j}}", alpha / sp.sqrt(sym("G_j")), f"{SEED_002}:116"),
    Case(r"\kappa = L/\mu", _eq(sym("kappa"), L / mu), f"{SEED_002}:174"),
    Case(r"(1-1/\kappa)", 1 - 1 / sym("kappa"), f"{SEED_002}:174"),
    Case(r"\hat{\mathbf{y}} = \sigma(\mathbf{X}\mathbf{w} + b)", REFUSE, f"{SEED_002}:184"),
    Case(r"\lceil m/B \rceil", sp.ceiling(sym("m") / sym("B")), f"{SEED_002}:82"),
    Case(r"\boldsymbol{\theta} \leftarrow \boldsymbol{\theta} - \alpha\nabla J", REFUSE,
         f"{SEED_002}:197"),
    Case(r"\pm\alpha", REFUSE, f"{SEED_002}:136"),
    # --- seed 004: the toy losses
    Case(r"f(x,y) = x^2 - y^2", _eq(f(x, y), x**2 - y**2), f"{SEED_004}:87"),
    Case("L(θ) = (θ - 5)^2", _eq(Lf(theta), (theta - 5) ** 2), f"{SEED_004}:21"),
    # --- the brief's list (issue 3, item 5)
    Case(r"\frac{2}{\lambda_{\min}+\lambda_{\max}}", 2 / (lam_min + lam_max), "brief"),
    Case(r"\left(1 - \frac{\mu}{L}\right)^T", (1 - mu / L) ** T, "brief"),
    Case(r"\log x", sp.log(x), "brief"),
    Case(r"\log_{10} x + \ln y", sp.log(x) / sp.log(10) + sp.log(y), "brief"),
    Case(r"\max\{a, b\}", sp.Max(a, b), "brief"),
    Case(r"\hat{m}_t", sym("mhat_t"), "brief"),
    Case(r"\theta^{*}", sym("thetastar"), "brief"),
    Case(r"e^{-x} + \sqrt[3]{x}", sp.exp(-x) + x ** sp.Rational(1, 3), "brief"),
    Case(r"\frac12 + \tfrac{1}{3} + \dfrac{1}{6}", sp.Integer(1), "brief"),
    Case(r"x \ge 1", sp.Ge(x, 1), "brief"),
    Case(r"\mathbb{E}[x]", REFUSE, "brief"),
]


# --- vector notation (issue 14): names declared with shapes are symbolic vectors and
# matrices; each value below is built directly with SymPy's matrix expressions.
dim_n, dim_m = sp.symbols("n m", integer=True, positive=True)
vx, vb, vw = (sp.MatrixSymbol(s, dim_n, 1) for s in "xbw")
vy = sp.MatrixSymbol("y", dim_m, 1)
mA, mX = sp.MatrixSymbol("A", dim_n, dim_n), sp.MatrixSymbol("X", dim_m, dim_n)
vyhat = sp.MatrixSymbol("yhat", dim_m, 1)
vtheta = sp.MatrixSymbol("theta", dim_n, 1)
vxk = sp.MatrixSymbol("x_k", dim_n, 1)
idx = sp.Symbol("i", integer=True, positive=True)
z = sym("z")


def _element(product: sp.MatrixExpr) -> sp.Expr:
    """A 1 x 1 product as a number (symopt.vector_ops: MatrixElement, unevaluated)."""
    from sympy.matrices.expressions.matexpr import MatrixElement

    return MatrixElement(product, 0, 0)


VEC = {"x": "n", "A": "n x n symmetric", "b": "n"}
row_i = mX[idx - 1, :].T  # x_i: the i-th row of X, as a column
residual = mX * vw - vy

VECTOR_CASES: list[Case] = [
    Case(r"\|x\|", sp.sqrt(_element(vx.T * vx)), "brief", shapes=VEC),
    Case(r"\|x\|_2^2", _element(vx.T * vx), "brief", shapes=VEC),
    Case(r"\|Ax - b\|^2", _element((mA * vx - vb).T * (mA * vx - vb)), "brief", shapes=VEC),
    Case(r"x^\top A x", _element(vx.T * mA * vx), "brief", shapes=VEC),
    Case(r"x^T A x", _element(vx.T * mA * vx), "brief", shapes=VEC),
    Case(r"x^T", vx.T, "brief", shapes=VEC),
    Case(r"w^{\top}x", _element(vw.T * vx), "brief", shapes={"w": "n", "x": "n"}),
    Case(r"X^\top(Xw - y)", mX.T * residual, "brief", shapes=DATA),
    Case(r"X^\top X w = X^\top y", _eq(mX.T * mX * vw, mX.T * vy), "brief", shapes=DATA),
    Case(r"\frac{1}{2m}\|\mathbf{X}\mathbf{w} - \mathbf{y}\|^2",
         _element(residual.T * residual) / (2 * dim_m), f"{SEED_002}:182", shapes=DATA),
    Case(r"\mathbf{X}^T(\hat{\mathbf{y}} - \mathbf{y})", mX.T * (vyhat - vy), f"{SEED_002}:21",
         shapes={**DATA, "yhat": "m"}),
    Case(r"\frac{1}{m}\sum_{i=1}^{m} \log(1 + e^{-y_i w^\top x_i})",
         sp.Sum(sp.log(1 + sp.exp(-vy[idx - 1, 0] * _element(vw.T * row_i))), (idx, 1, dim_m))
         / dim_m, "brief", shapes=DATA),
    Case(r"\sum_{i=1}^{m} (w^\top x_i - y_i)^2",
         sp.Sum((_element(vw.T * row_i) - vy[idx - 1, 0]) ** 2, (idx, 1, dim_m)), "brief",
         shapes=DATA),
    Case(r"\sum_{i=1}^{n} x_i^2", sp.Sum(vx[idx - 1, 0] ** 2, (idx, 1, dim_n)), "brief",
         shapes=VEC),
    Case(r"\nabla f(x)", Gradient(f(vx), vx), "brief", shapes=VEC),
    Case(r"\nabla_w J", Gradient(J(vw), vw), "brief", shapes=DATA),
    Case(r"\nabla_w \left(\frac{1}{2}\|Xw - y\|^2\right) = X^\top(Xw - y)",
         _eq(Gradient(_element(residual.T * residual) / 2, vw), mX.T * residual), "brief",
         shapes=DATA),
    Case(r"\theta - \eta \nabla_\theta L(\theta)",
         vtheta - eta * Gradient(Lf(vtheta), vtheta), f"{SEED_003}:22", adapted=True,
         shapes={"theta": "n"}),
    Case(r"\frac{\partial f}{\partial x_1}", sp.Derivative(f(vx), vx[0, 0]), "brief",
         shapes=VEC),
    Case(r"\frac{\partial^2 f}{\partial x_1 \partial x_2}",
         sp.Derivative(f(vx), vx[0, 0], vx[1, 0]), "brief", shapes=VEC),
    Case(r"\frac{\partial}{\partial x_1}\left(x^\top x\right)",
         sp.Derivative(_element(vx.T * vx), vx[0, 0]), "brief", shapes=VEC),
    Case(r"\frac{d}{dx}\left(x^3 + 2x\right)", sp.Derivative(x**3 + 2 * x, x), "brief"),
    Case(r"\frac{d^2 f}{dt^2}", sp.Derivative(f(t), (t, 2)), "brief"),
    Case(r"f'(x) = 2x", _eq(sp.Derivative(f(x), x), 2 * x), "brief", shapes={"x": "scalar"}),
    Case(r"\mathcal{L}(x, \lambda)", sp.Function("Lcal", real=True)(vx, lam), "brief",
         shapes=VEC),
    Case(r"\sigma(z)", 1 / (1 + sp.exp(-z)), "brief", shapes={"sigma": "logistic"}),
    Case(r"\sigma(z) = \frac{1}{1 + e^{-z}}",
         _eq(sp.Function("sigma", real=True)(z), 1 / (1 + sp.exp(-z))), "brief"),
    Case(r"\frac{\eta_0}{1 + kt}", eta_0 / (1 + k * t), f"{SEED_003}:48", adapted=True),
    # refused, each saying what to declare
    Case(r"\|x\|", REFUSE, "brief", message=r"declare shapes=\{'x': 'n'\}"),
    Case(r"$ab$", REFUSE, "brief", message=r"declare a, b \(shapes or local\)"),
    Case(r"\mathbf{X}\mathbf{w}", REFUSE, "brief", shapes={"X": "m x n"},
         message=r"bold name 'w' has no declared shape: declare shapes=\{'w': 'n'\}"),
    Case(r"Xw", REFUSE, "brief", shapes={"X": "m x n"}, message=r"declare w \(shapes"),
    Case(r"\sigma(z)", REFUSE, "brief", message=r"shapes=\{'sigma': 'logistic'\}"),
    Case(r"\nabla f(x)", REFUSE, "brief", message=r"declare shapes=\{'x': 'n'\}"),
    Case(r"X^T", REFUSE, "brief", message=r"shapes=\{'X': 'n'\} or 'm x n'"),
    Case(r"\frac{\partial f}{\partial w}", REFUSE, "brief", shapes=DATA,
         message=r"write \\nabla_\{w\}"),
    Case(r"X y", REFUSE, "brief", shapes=DATA, message="inner dimensions n and m differ"),
    Case(r"w + y", REFUSE, "brief", shapes=DATA, message="different shapes"),
    Case(r"\|X\|", REFUSE, "brief", shapes=DATA, message=r"write \\\|X\\\|_2 or \\\|X\\\|_F"),
    Case(r"\exp(Xw)", REFUSE, "brief", shapes=DATA, message="elementwise"),
    Case(r"\sum_{i=1}^{n} y_i", REFUSE, "brief", shapes=DATA,
         message="runs to i = n, but y_i has m entries"),
    Case(r"\sum_{i=1}^{m} X_i", REFUSE, "brief", shapes=DATA, message=r"a row\? a column"),
    Case(r"\nabla^3 f(x)", REFUSE, "brief", shapes=VEC, message="k = 2 .the Hessian. only"),
    Case(r"\nabla^2 f(x)", Hessian(f(vx), vx), "brief", shapes=VEC),
    Case(r"\nabla_w^2 J", Hessian(J(vw), vw), "brief", shapes=DATA),
    Case(r"L = \frac{\lambda_{\max}(X^\top X)}{m}", _eq(L, lambda_max(mX.T * mX) / dim_m), "brief",
         shapes=DATA),
    Case(r"\frac{\|X\|_2^2}{4m}", SpectralNorm(mX) ** 2 / (4 * dim_m), "brief", shapes=DATA),
    Case(r"\|X\|_F^2", sp.Trace(mX.T * mX), "brief", shapes=DATA),
    Case(r"\lambda_{\min}(X)", REFUSE, "brief", shapes=DATA, message="not a square matrix"),
    Case(r"w^\top x_i", REFUSE, "brief", shapes=DATA,
         message=r"row i of the declared matrix 'X', or a name of its own .* declare x_i"),
    Case(r"x_{k+1} = x_k - \alpha \nabla f(x_k)", REFUSE, f"{SEED_001}:32", shapes=VEC,
         message="name each iterate"),
    Case(r"x_0", REFUSE, "brief", shapes=VEC, message="declare x_0 if it is a name"),
    Case(r"x^\top B x", REFUSE, "brief", shapes=VEC,
         message=r"'B' has no declared shape.*shapes=\{'B': 'n x n'\}"),
    Case(r"L\|x\|^2", sym("L") * _element(vx.T * vx), "brief", shapes=VEC),
    Case(r"x_k - \alpha \nabla f(x_k)", vxk - alpha * Gradient(f(vxk), vxk), f"{SEED_001}:32",
         adapted=True, shapes={**VEC, "x_k": "n"}),
    Case(r"\hat{\mathbf{y}} = \sigma(\mathbf{X}\mathbf{w} + b)", REFUSE, f"{SEED_002}:184",
         shapes={**DATA, "yhat": "m", "sigma": "logistic"}, message="cannot add|elementwise"),
    Case(r"\alpha\|\nabla J\|^2", REFUSE, f"{SEED_002}:37", shapes=DATA,
         message=r"write \\nabla_x"),
]
