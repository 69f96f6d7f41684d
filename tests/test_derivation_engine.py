"""Derivations built by the engine: values against the seed texts and hand derivations,
every symbolic result run numerically (NumPy reference loops, torch.optim, autograd),
every rendering compiled with pdflatex and free of raw SymPy names.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from symopt.derivation import DerivationError, compile_pdf, document
from symopt.derivations import (
    adam_bias_correction,
    gd_derivation,
    heavy_ball_derivation,
    linear_regression_gradient,
    logistic_regression_gradient,
    newton_multivariate,
    newton_on_problem,
    newton_scalar,
    problem_derivation,
)
from symopt.derivations.common import K, iterate
from symopt.symbols import symbol
from tests.test_derivation import assert_textbook, require_pdflatex

ALPHA = symbol("alpha")


def at_iterate(expr: sp.Expr, **values: float) -> sp.Expr:
    """Substitute iterates by their variable's name (x_k → values["x"])."""
    return expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base.label.name in values,
                        lambda e: sp.Float(values[e.base.label.name]))


@pytest.fixture(scope="module")
def gd_1d():
    return gd_derivation("2*w**2")


@pytest.fixture(scope="module")
def gd_2d():
    return gd_derivation("0.5*(w1**2 + 4*w2**2)")


@pytest.fixture(scope="module")
def heavy_ball():
    return heavy_ball_derivation("0.5*(w1**2 + 4*w2**2)")


@pytest.fixture(scope="module")
def regressions():
    return linear_regression_gradient(), logistic_regression_gradient()


@pytest.fixture(scope="module")
def adam():
    return adam_bias_correction()


@pytest.fixture(scope="module")
def facts():
    return problem_derivation("x**4 - 2*x**2 + y**2")


@pytest.fixture(scope="module")
def cubic_newton():
    return newton_on_problem("x**3 - 3*x")


@pytest.fixture(scope="module")
def everything(gd_1d, gd_2d, heavy_ball, regressions, adam, facts, cubic_newton):
    return [facts, newton_scalar(), newton_multivariate(), cubic_newton, gd_1d, gd_2d,
            heavy_ball, adam, *regressions]


# -- gradient descent: the seed's numbers (seed 001) ---------------------------------------

def test_gd_on_2w2_matches_the_seed(gd_1d):
    # Seed: w_k = (1 - 4α)^k w_0, converges iff 0 < α < 1/2, fastest at α = 1/4.
    assert gd_1d.results["interval"] == sp.Interval.open(0, sp.Rational(1, 2))
    assert gd_1d.results["alpha_star"] == sp.Rational(1, 4)
    assert gd_1d.results["rate"] == 0
    closed = gd_1d.definitions[iterate("w", K)]
    assert sp.simplify(closed - (1 - 4 * ALPHA)**K * iterate("w", 0)) == 0


def test_gd_closed_form_matches_a_numeric_run(gd_1d):
    closed = gd_1d.definitions[iterate("w", K)]
    for alpha, w0 in ((0.1, 2.0), (0.3, -1.5), (0.6, 0.5)):
        w = w0
        for k in range(1, 12):
            w = w - alpha * 4 * w  # the seed's update on f = 2w²
            value = float(closed.subs({ALPHA: alpha, K: k, iterate("w", 0): w0}))
            assert value == pytest.approx(w, rel=1e-12, abs=1e-15)


def test_gd_on_the_2d_quadratic_matches_the_seed(gd_2d):
    # Seed: α* = 2/(λmin + λmax) = 2/5 and r(α*) = (λmax − λmin)/(λmax + λmin) = 3/5.
    assert gd_2d.results["alpha_star"] == sp.Rational(2, 5)
    assert gd_2d.results["rate"] == sp.Rational(3, 5)
    assert gd_2d.results["interval"] == sp.Interval.open(0, sp.Rational(1, 2))
    # Numerically: at α* the error shrinks by exactly 3/5 per step in the slow direction.
    w = np.array([1.0, 1.0])
    for _ in range(30):
        w = w - 0.4 * np.array([w[0], 4 * w[1]])
    assert np.max(np.abs(w)) == pytest.approx(0.6**30, rel=1e-9)
    # No step size on a grid does better than 3/5.
    grid = np.linspace(0.01, 0.6, 400)
    assert min(max(abs(1 - a), abs(1 - 4 * a)) for a in grid) >= 0.6 - 1e-12


def test_engine_disagreement_is_refused(monkeypatch):
    import symopt.analysis as analysis

    real = analysis.analyze

    def wrong(problem, method, **kw):
        result = real(problem, method, **kw)
        optimum = dataclasses.replace(result.optimal.value,
                                      hyperparameters={ALPHA: sp.Rational(1, 3)})
        return dataclasses.replace(result, optimal=dataclasses.replace(result.optimal,
                                                                       value=optimum))

    monkeypatch.setattr(analysis, "analyze", wrong)
    with pytest.raises(DerivationError, match="analysis gives"):
        gd_derivation("0.5*(w1**2 + 4*w2**2)")


# -- heavy ball ---------------------------------------------------------------------

def test_heavy_ball_optimum_and_rate(heavy_ball):
    # Hand derivation: α* = 4/(√L + √μ)² = 4/9, β* = ((√κ − 1)/(√κ + 1))² = 1/9, r = 1/3.
    assert heavy_ball.results["alpha_star"] == sp.Rational(4, 9)
    assert heavy_ball.results["beta_star"] == sp.Rational(1, 9)
    assert heavy_ball.results["rate"] == sp.Rational(1, 3)


def _torch_heavy_ball(alpha: float, beta: float, steps: int) -> float:
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=alpha, momentum=beta)
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * (w[0] ** 2 + 4 * w[1] ** 2)
        loss.backward()
        opt.step()
    return float(w.detach().abs().max())


def test_heavy_ball_rate_and_region_against_torch(heavy_ball):
    # At the optimum the error decays like k (1/3)^k (a double root of modulus 1/3).
    error = _torch_heavy_ball(4 / 9, 1 / 9, 120)
    assert error ** (1 / 120) == pytest.approx(1 / 3, rel=0.05)
    region = heavy_ball.results["region"]
    for alpha, beta in ((0.7, 0.5), (0.8, 0.5), (0.2, 0.95)):
        inside = bool(region.subs({ALPHA: alpha, symbol("beta"): beta}))
        error = _torch_heavy_ball(alpha, beta, 600)
        assert (error < 1e-3) == inside, (alpha, beta, error)


# -- Newton --------------------------------------------------------------------------

def test_newton_step_on_a_cubic_matches_a_hand_computed_step(cubic_newton):
    step = cubic_newton.results["next"]
    for x in (0.5, 2.0, -3.0):
        expected = x - (3 * x**2 - 3) / (6 * x)  # f' = 3x² − 3, f'' = 6x by hand
        assert float(at_iterate(step, x=x)) == pytest.approx(expected, rel=1e-14)


def test_newton_multivariate_step_matches_numpy():
    d = newton_on_problem("x**4 + y**2 + x*y")
    step = d.results["next"]
    for x, y in ((1.0, 2.0), (-0.7, 0.3)):
        grad = np.array([4 * x**3 + y, x + 2 * y])
        hess = np.array([[12 * x**2, 1.0], [1.0, 2.0]])
        expected = np.array([x, y]) - np.linalg.solve(hess, grad)
        got = np.array([float(at_iterate(e, x=x, y=y)) for e in step])
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_generic_newton_derivations_end_at_the_method():
    assert newton_scalar().steps[-1].rhs.has(symbol("p"))
    assert any("Newton step" in s.justification for s in newton_multivariate().steps)


# -- Adam ------------------------------------------------------------------------------

def test_adam_bias_correction_against_torch(adam):
    torch = pytest.importorskip("torch")
    mean = adam.results["mean_of_m"]
    g, b1, t = symbol("g"), symbol("beta_1"), symbol("t")
    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.01, betas=(0.9, 0.999))
    for step in range(1, 8):
        opt.zero_grad()
        (2.5 * w).sum().backward()  # a constant gradient g = 2.5
        opt.step()
        m = float(opt.state[w]["exp_avg"])
        assert m == pytest.approx(float(mean.subs({g: 2.5, b1: 0.9, t: step})), rel=1e-12)


# -- regression gradients ------------------------------------------------------------

def _evaluated_gradient(d, X, targets, w0):
    """The derived gradient with the data substituted, ŷ by the derivation's own definition."""
    definitions = {s.lhs: s.rhs for s in d.steps
                   if s.kind == "definition" and isinstance(s.lhs, sp.MatrixSymbol)}
    expr = d.results["gradient"].xreplace(definitions)
    names = {s.name: s for s in expr.free_symbols}
    data = {names["X"]: sp.Matrix(X), names["y"]: sp.Matrix(targets),
            names["w"]: sp.Matrix(w0), names["m"]: len(X)}
    return np.array(sp.N(expr.xreplace(data).doit()), dtype=float)


def test_regression_gradients_against_autograd(regressions):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    labels = (rng.random((5, 1)) > 0.5).astype(float)
    w0 = rng.normal(size=(3, 1))
    m = 5
    for d, loss_fn, targets in (
        (regressions[0], lambda z, t: ((z - t) ** 2).sum() / (2 * m), y),
        (regressions[1],
         lambda z, t: torch.nn.functional.binary_cross_entropy_with_logits(z, t), labels),
    ):
        assert "X^{\\top} \\left(\\hat{y} - y\\right)" in d.to_latex()
        w = torch.tensor(w0, requires_grad=True)
        loss = loss_fn(torch.tensor(X) @ w, torch.tensor(targets))
        loss.backward()
        derived = _evaluated_gradient(d, X, targets, w0)  # symopt's result, data substituted
        np.testing.assert_allclose(derived, w.grad.numpy(), rtol=1e-10)


# -- stationary points -------------------------------------------------------------------

def test_stationary_points_and_kinds(facts):
    # By hand: ∇f = (4x³ − 4x, 2y) = 0 at x ∈ {−1, 0, 1}, y = 0; f_xx = 12x² − 4.
    d = facts
    x, y = symbol("x"), symbol("y")
    assert d.results["points"] == [{x: -1, y: 0}, {x: 0, y: 0}, {x: 1, y: 0}]
    assert d.results["kinds"] == ["minimum", "saddle", "minimum"]
    periodic = problem_derivation("sin(x)")
    # sin has infinitely many stationary points (π/2 + kπ): said, never listed as all
    assert not any(s.kind == "solution" for s in periodic.steps)
    assert "infinitely many" in periodic.steps[-1].justification


# -- rendering -----------------------------------------------------------------------------

def test_every_engine_derivation_is_textbook_and_checked(everything):
    for d in everything:
        assert_textbook(d.to_latex())
        assert_textbook(d.to_markdown())
        assert all(s.verified is not False for s in d.steps)
        equalities = [s for s in d.steps if s.kind == "equation"]
        assert equalities and all(s.verified is True for s in equalities)


def test_every_engine_derivation_compiles(everything, tmp_path):
    require_pdflatex()
    pdf, problems = compile_pdf(document(everything, title="symopt derivations"),
                                tmp_path / "all.pdf")
    assert pdf.stat().st_size > 10_000
    assert problems == [], problems


def test_cli_derive_outputs(tmp_path):
    from symopt.cli import run

    assert run(["derive", "2*w**2", "--method", "gd", "--latex"]) == 0
    assert run(["derive", r"\frac{1}{2}(\theta - 5)^2", "--method", "newton",
                "--markdown"]) == 0
    assert run(["derive", "x**2", "--method", "lbfgs", "--latex"]) == 2
    assert run(["derive", "x**2", "--pdf"]) == 2
    assert run(["derive", "(theta-5)**2", "--method", "newton", "--json"]) == 0
    require_pdflatex()
    out = tmp_path / "newton.tex"
    assert run(["derive", "x**3 - 3*x", "--method", "newton", "--tex", str(out), "--pdf"]) == 0
    assert out.with_suffix(".pdf").exists()
    assert_textbook(out.read_text())
