r"""LaTeX parsing: the seed-text case table, conventions, the checks, and hostile input."""

from __future__ import annotations

import pathlib
import re
import time

import hypothesis
import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st
from latex_cases import CASES, REFUSE, VECTOR_CASES, Case

from symopt.errors import ParseError, SymoptError
from symopt.latex import parse_latex
from symopt.parse import parse, parse_expr, parse_relation
from symopt.symbols import symbol

SEEDS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "seeds"
x, y, alpha, lam_min, lam_max = (symbol(n) for n in ("x", "y", "alpha", "lambda_min",
                                                     "lambda_max"))


def same(got: sp.Basic, expected: sp.Basic) -> bool:
    """Equal values: relations term by term, expressions up to simplification."""
    if isinstance(expected, sp.MatrixBase):
        return isinstance(got, sp.MatrixBase) and got.shape == expected.shape and all(
            same(g, e) for g, e in zip(got, expected))
    if isinstance(expected, (sp.Rel, sp.And)):
        if type(got) is not type(expected):
            return False
        if isinstance(expected, sp.And):
            return len(got.args) == len(expected.args) and all(
                any(same(g, e) for g in got.args) for e in expected.args)
        return same(got.lhs, expected.lhs) and same(got.rhs, expected.rhs)
    if not isinstance(got, sp.Expr):
        return False
    return got == expected or sp.simplify(got - expected) == 0


def numerically_same(got: sp.Expr, expected: sp.Expr) -> bool:
    """Both sides compiled with lambdify and evaluated at random points."""
    symbols = sorted(got.free_symbols | expected.free_symbols, key=str)
    rng = np.random.default_rng(0)
    fg, fe = (sp.lambdify(symbols, e, "numpy") for e in (got, expected))
    for _ in range(5):
        point = rng.uniform(0.1, 2.0, len(symbols))
        with np.errstate(invalid="ignore"):  # (1 - mu/L)**T at a negative base: nan on both
            if not np.isclose(fg(*point), fe(*point), rtol=1e-12, equal_nan=True):
                return False
    return True


def case_id(case: Case) -> str:
    return case.latex[:40]


@pytest.mark.parametrize("case", CASES + VECTOR_CASES, ids=case_id)
def test_case_table(case: Case) -> None:
    if case.expected == REFUSE:
        with pytest.raises(ParseError, match=case.message or None):
            parse_latex(case.latex, local=case.local, shapes=case.shapes)
        return
    got = parse_latex(case.latex, local=case.local, shapes=case.shapes)
    assert same(got, case.expected), f"{case.latex!r} parsed as {got}, expected {case.expected}"


def test_case_table_is_large_and_from_the_seeds() -> None:
    values = [c for c in CASES if c.expected != REFUSE]
    seeded = [c for c in values if c.source != "brief"]
    assert len(seeded) >= 40
    assert len(CASES) - len(values) >= 10  # refusals are part of the table


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this clone")
def test_case_sources_quote_the_seed_texts() -> None:
    for case in CASES + VECTOR_CASES:
        if case.source == "brief" or case.adapted:
            continue
        name, line = case.source.split(":")
        text = (SEEDS / name).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert case.latex in text, case.source


def test_parsed_values_evaluate_like_the_hand_written_ones() -> None:
    # The numeric edge: compile both with lambdify and compare at random points.
    for case in CASES:
        if case.expected == REFUSE or not isinstance(case.expected, sp.Expr):
            continue
        if case.expected.has(sp.Derivative, sp.Indexed, sp.core.function.AppliedUndef):
            continue
        got = parse_latex(case.latex, local=case.local)
        assert numerically_same(got, case.expected), case.latex


def _at_random_shapes(value: sp.Basic, seed: int) -> sp.Basic:
    """``value`` with n, m and every matrix symbol replaced by random integers."""
    rng = np.random.default_rng(seed)
    n, m = sp.symbols("n m", integer=True, positive=True)
    dims = {n: int(rng.integers(2, 5)), m: int(rng.integers(2, 5))}
    concrete = value.xreplace(dims)
    swaps = {}
    for matrix in concrete.atoms(sp.MatrixSymbol):
        entries = rng.integers(-3, 4, matrix.shape)
        if matrix.name == "A":  # declared symmetric
            entries = entries + entries.T
        swaps[matrix] = sp.ImmutableMatrix(entries)
    return concrete.xreplace(swaps).doit()


def test_vector_cases_evaluate_like_the_hand_written_ones_at_random_shapes() -> None:
    # Beyond structural equality: both sides at explicit random dimensions and data.
    checked = 0
    for case in VECTOR_CASES:
        if case.expected == REFUSE or case.expected.has(
                sp.Derivative, sp.core.function.AppliedUndef, sp.Eq) or \
                not case.expected.atoms(sp.MatrixSymbol):
            continue
        got = parse_latex(case.latex, shapes=case.shapes)
        for seed in range(2):
            a, b = _at_random_shapes(got, seed), _at_random_shapes(case.expected, seed)
            assert sp.N(a - b if not isinstance(a, sp.MatrixBase) else (a - b).norm()) == 0, \
                case.latex
        checked += 1
    assert checked >= 10


# --- the conventions of docs/parsing.md


def test_subscripted_names_are_the_house_symbols() -> None:
    for text in (r"\lambda_{\min}", r"\lambda_{min}", r"\lambda_\min", "λ_{min}"):
        assert parse_latex(text) is symbol("lambda_min")
    assert parse_latex(r"\lambda_{\min}").is_positive  # house assumption
    assert parse(r"\frac{2}{\lambda_{\min}+\lambda_{\max}}") == 2 / (lam_min + lam_max)


def test_log_is_natural_and_e_is_exp() -> None:
    assert parse_latex(r"\log(x)") == sp.log(x)
    assert parse_latex(r"\ln x") == sp.log(x)
    assert parse_latex(r"\log_{2} 8") == 3
    assert parse_latex(r"e^{x}") == sp.exp(x)
    assert parse_latex(r"\mathrm{e}") == sp.E
    with pytest.raises(ParseError, match="ambiguous 'e'"):
        parse_latex(r"e + 1")


def test_the_exponent_of_a_sized_parenthesis_is_kept() -> None:
    # latex2sympy2 drops this exponent (issue 3); T is a positive integer (house).
    T, mu, L = symbol("T"), symbol("mu"), symbol("L")
    assert parse_latex(r"\left(1 - \frac{\mu}{L}\right)^T") == (1 - mu / L) ** T
    assert parse_latex(r"\left(1 - \frac{\mu}{L}\right)^{2T}") == (1 - mu / L) ** (2 * T)


def test_primes_stars_and_hats_are_names_or_derivatives_never_products() -> None:
    f = sp.Function("f", real=True)
    assert parse_latex(r"f'(x)") == sp.Derivative(f(x), x)
    second = parse_latex(r"f''(2x)")  # f'' evaluated at 2x, not d²/dx² of f(2x)
    assert second.has(sp.Subs)
    assert second.replace(f, sp.sin).doit() == -sp.sin(2 * x)
    assert parse_latex(r"x'") == symbol("xprime")
    assert parse_latex(r"\alpha^*") == parse_latex(r"\alpha^{*}") == parse_latex(r"\alpha^\ast")
    assert parse_latex(r"\alpha^*") == symbol("alphastar")
    assert parse_latex(r"\hat{m}_t") == symbol("mhat_t")
    assert parse_latex(r"\bar{x}_{k}") == symbol("xbar_k")
    assert parse_latex(r"\alpha_t^*") == parse_latex(r"\alpha^*_t") == symbol("alphastar_t")


def test_functions_and_products() -> None:
    f = sp.Function("f", real=True)
    w0 = symbol("w_0")
    assert parse_latex(r"f(x) + \alpha(4w_0)") == f(x) + 4 * alpha * w0
    assert parse_latex(r"w_0(1 - 4\alpha)") == w0 * (1 - 4 * alpha)
    q = sp.Function("q")
    assert parse_latex(r"q(x)", local={"q": q}) == q(x)
    assert parse_latex(r"f(x)", local={"f": symbol("f")}) == symbol("f") * x
    with pytest.raises(ParseError, match="sigmoid"):
        parse_latex(r"\sigma(z)")
    assert parse_latex(r"\operatorname{sigmoid}(x)") == 1 / (1 + sp.exp(-x))


def test_local_names_are_canonical_and_exact() -> None:
    t0 = sp.Symbol("T0")
    assert parse_latex(r"\theta + m", local={r"\theta": t0, "m": 2}) == t0 + 2
    assert parse_latex(r"\|\theta\|^2", local={"theta": sp.Matrix([1, 2])}) == 5
    with pytest.raises(ParseError, match="must be a SymPy object"):
        parse_latex("x", local={"x": "__import__('os')"})


def test_bars_and_sized_bars() -> None:
    z = symbol("z")
    assert parse_latex("|x| |y|") == parse_latex(r"|x| \cdot |y|") == sp.Abs(x) * sp.Abs(y)
    assert parse_latex(r"\lvert x \rvert y \lvert z \rvert") == sp.Abs(x) * y * sp.Abs(z)
    assert parse_latex(r"\left|x\right| y \left|z\right|") == sp.Abs(x) * y * sp.Abs(z)


def test_printed_forms_read_back() -> None:
    # forms sympy.latex produces, which the round-trip check relies on
    f = sp.Function("f", real=True)
    assert parse_latex(r"f^{2}{\left(x \right)}") == f(x) ** 2
    assert parse_latex(r"\operatorname{atan}{\left(x \right)}") == sp.atan(x)
    assert parse_latex(r"\sin^{2}{\left(x \right)}") == sp.sin(x) ** 2
    assert parse_latex(r"x_{i,j}") == symbol("x_i_j")
    assert parse_latex(r"\left[\begin{matrix}1 & 0\\0 & 4\end{matrix}\right]") == sp.diag(1, 4)


def test_ceiling_and_floor() -> None:
    both = parse_latex(r"\lceil x \rceil + \left\lfloor x \right\rfloor")
    assert both == sp.ceiling(x) + sp.floor(x)
    assert parse_latex(r"\lceil 2.5 \rceil") == 3


def test_max_min_sqrt_matrices() -> None:
    a, b = symbol("a"), symbol("b")
    assert parse_latex(r"\max\{a, b\}") == parse_latex(r"\max(a, b)") == sp.Max(a, b)
    assert parse_latex(r"\min\left(a, b\right)") == sp.Min(a, b)
    assert parse_latex(r"\sqrt{x} + \sqrt[3]{8}") == sp.sqrt(x) + 2
    assert parse_latex(r"\sqrt[n]{x}") == x ** (1 / symbol("n"))
    m = parse_latex(r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}")
    assert m == sp.Matrix([[1, 2], [3, 4]])
    assert parse_latex(r"\begin{bmatrix} 1 & 2 \end{bmatrix}^T") == sp.Matrix([1, 2])
    assert parse_latex(r"\begin{bmatrix} 1 & 2 \end{bmatrix}^{T}") == sp.Matrix([1, 2])
    assert parse_latex(r"\begin{bmatrix} 1 & 2 \end{bmatrix}^{\top}") == sp.Matrix([1, 2])
    with pytest.raises(ParseError, match="different lengths"):
        parse_latex(r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}")


def test_norms_need_to_know_vector_or_scalar() -> None:
    with pytest.raises(ParseError, match="not declared as a vector") as info:
        parse_latex(r"\|x\|^2")
    assert info.value.position == 0
    v = sp.Matrix(sp.symbols("a b", real=True))
    a, b = v
    assert parse_latex(r"\|x\|^2", local={"x": v}) == a**2 + b**2
    assert parse_latex(r"\lVert x \rVert_1", local={"x": v}) == sp.Abs(a) + sp.Abs(b)
    assert parse_latex(r"‖x‖", local={"x": x}) == sp.Abs(x)  # declared scalar: |x|
    assert parse_latex(r"\left\| \begin{bmatrix} 3 \\ 4 \end{bmatrix} \right\|") == 5


def test_sums_with_numeric_bounds_expand() -> None:
    w = [symbol(f"w_{i}") for i in (1, 2, 3)]
    assert parse_latex(r"\sum_{i=1}^{3} w_i^2") == sum(v**2 for v in w)
    assert parse_latex(r"\sum_{i=1}^{3} i") == 6
    with pytest.raises(ParseError, match="more than 100 terms"):
        parse_latex(r"\sum_{i=1}^{101} w_i")


def test_sums_with_symbolic_bounds_stay_sums() -> None:
    i = sp.Symbol("i", integer=True, positive=True)
    tau = sp.Symbol("tau", integer=True)
    n, t, beta = symbol("n"), symbol("t"), symbol("beta")
    assert parse_latex(r"\sum_{i=1}^{n} w_i") == sp.Sum(sp.IndexedBase("w", real=True)[i],
                                                         (i, 1, n))
    geometric = parse_latex(r"\sum_{\tau=0}^{t-1} \beta^\tau")
    assert geometric == sp.Sum(beta**tau, (tau, 0, t - 1))
    # the textbook value (1 - β^t)/(1 - β), checked at t = 5, β = 1/3
    point = {t: 5, beta: sp.Rational(1, 3)}
    third = sp.Rational(1, 3)
    assert geometric.xreplace(point).doit() == (1 - third**5) / (1 - third)


def test_relations_and_chains() -> None:
    assert parse_latex(r"x \geq 1") == parse_latex(r"x \ge 1") == sp.Ge(x, 1)
    assert parse_latex(r"x \le 1") == sp.Le(x, 1)
    chain = parse_latex(r"0 < \alpha < \frac12")  # kept as written, not simplified by α > 0
    assert chain == sp.And(sp.Lt(0, alpha, evaluate=False), sp.Lt(alpha, sp.S.Half),
                           evaluate=False)
    eq = parse_latex(r"\alpha^* = \frac{2}{\lambda_{\min} + \lambda_{\max}}")
    assert isinstance(eq, sp.Eq) and eq.rhs == 2 / (lam_min + lam_max)
    assert parse_relation(r"x + y \leq 1") == sp.Le(x + y, 1)


def test_conditions_joined_by_and() -> None:
    expected = sp.And(sp.Gt(alpha, 0, evaluate=False), sp.Lt(alpha, sp.S.Half), evaluate=False)
    for text in (r"\alpha > 0 \text{ and } \alpha < 1/2", r"\alpha > 0 \wedge \alpha < 1/2",
                 r"\alpha > 0 \land \alpha < \frac12"):
        assert parse_latex(text) == expected, text
    with pytest.raises(ParseError, match="prose"):
        parse_latex(r"\alpha \text{ where } \alpha > 0")


def test_delimiters_spacing_and_unicode() -> None:
    expected = symbol("theta") ** 2 - symbol("lambda") * x
    for text in (r"$\theta^2 - \lambda \cdot x$", r"$$\theta^2 - \lambda x$$",
                 r"\(\theta^2 - \lambda\, x\)", r"\[\theta^2-\lambda\;x\]", "θ^2 − λ · x",
                 "θ² − λ×x"):
        assert parse_latex(text) == expected, text
    assert parse_latex(r"2\alpha + 4 w_2^2") == 2 * alpha + 4 * symbol("w_2") ** 2
    # Unicode Greek names the same symbols as the SymPy-syntax parser does
    assert parse_latex("ε + ϵ + φ + θ₀") == parse_expr("ε + ϵ + φ + θ₀")
    assert parse_latex(r"(1-\beta_1^t)") == 1 - symbol("beta_1") ** symbol("t")


def test_exact_numbers() -> None:
    assert parse_latex("0.4") == sp.Rational(2, 5)
    assert parse_latex(r"10^{-8}") == sp.Rational(1, 10**8)
    assert parse_latex(r"\frac{1}{2}(w_1^2 + 4 w_2^2)") == (
        symbol("w_1") ** 2 / 2 + 2 * symbol("w_2") ** 2)


# --- refusals: ambiguity is an error with a position


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("x^23", 2, "ambiguous script"),
        ("xy + 1", 0, "ambiguous 'xy'"),
        ("3 + x2", 4, "ambiguous 'x2'"),
        (r"a + O(n^3)", 5, "big-O"),
        (r"x + \foo{y}", 4, r"unknown command \foo"),
        (r"\frac{1}{2", 10, "expected '}'"),
        (r"\left( x \right]", 9, "expected ')'"),
        (r"x + \nabla f", 11, "\\nabla without a subscript"),
        (r"\nabla f(x)", 7, "no declared shape"),
        (r"\frac{d}{dx} 3x^2", 14, "ambiguous extent of the derivative"),
        (r"\frac{dx}{dt}", 0, "does not depend on t"),
        (r"\frac{\partial^2 f}{\partial x}", 0, "the order on top (2)"),
        (r"\mathbf{X}^T \mathbf{y}", 10, "transpose or power"),
        (r"x_1_2", 3, "double subscript"),
        (r"(x)_1", 3, "subscript must follow a name"),
        ("||x||", 0, "ambiguous '||'"),
        (r"\sum_i x_i", 5, r"after \sum_"),
        (r"\max_{x} f(x)", 4, "optimisation problem"),
        (r"\sin^{-1} x", 4, "power on"),
        (r"\log(x)^2", 7, "ambiguous power"),
        ("x + 1 2", 6, "two numbers"),
        ("$x$ + $y$", 2, "'$'"),
        ("1/2 x", 4, "ambiguous 'a/b c'"),
        ("x^2^3", 3, "double superscript"),
        ("2r(1-r)", 1, "used both as a function"),
        (r"L(\theta) + \frac{1}{L}", 0, "used both as a function"),
        (r"\frac{1}{0}", 0, "divides by zero"),
        ("X^T", 1, "transpose or"),
        ("1e-8", 1, "ambiguous 'e'"),
        (r"\frac{\Delta x}{\Delta t}", 6, r"ambiguous '\Delta x'"),
        (r"\text{learning rate}", 0, "one name"),
        ("|x|y|z|", 4, "ambiguous bars"),
        (r"g_t(1 - \beta)", 3, "a function or a product"),
        (r"\log x y", 7, r"ambiguous argument of \log"),
        (r"\alpha 2", 0, r"ambiguous '\alpha 2'"),
        (r"\lvert x |", 9, "must pair"),
        (r"\operatorname{foo}(x)", 0, "unknown function 'foo'"),
        (r"\mathrm{lr}(1 - x)", 0, "a function or a product"),
    ],
)
def test_refusals_point_at_the_offending_token(text: str, position: int, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as info:
        parse_latex(text)
    assert info.value.position == position, str(info.value)


def test_round_trip_check_runs_on_every_valued_case() -> None:
    from symopt.latex import _local_names
    from symopt.latex._check import check_round_trip

    for case in CASES:
        if case.expected == REFUSE:
            continue
        names = _local_names(case.local)
        assert check_round_trip(parse_latex(case.latex, local=case.local), case.latex, names), (
            case.latex)


def test_round_trip_check_refuses_a_disagreeing_parse(monkeypatch) -> None:
    # Simulate a parser bug (an exponent dropped on the way back): the check must refuse.
    from symopt.latex._parser import Parser

    original = Parser.parse

    def lossy(self):
        value = original(self)
        if self.text != r"x^{3}":
            return value
        return x  # the re-read of the printed form loses the exponent

    monkeypatch.setattr(Parser, "parse", lossy)
    with pytest.raises(ParseError, match="internal check failed"):
        parse_latex(r"x^3")


# --- hostile input: a SymoptError quickly, nothing executed


HOSTILE = [
    r"\input{/etc/passwd}",
    r"\include{secrets}",
    r"\def\x{1} \x",
    r"\newcommand{\x}{1} \x",
    r"\immediate\write18{rm -rf /}",
    r"\catcode`\^=7",
    r"\csname input\endcsname{/etc/passwd}",
    r"\x" + "{" * 10_000 + "}" * 10_000,
    "{" * 10_000 + "x" + "}" * 10_000,
    "(" * 60 + "x" + ")" * 60,
    "-" * 10_000 + "x",
    r"10^{10^{10}}",
    r"2^{2^{2^{2^{2^{2}}}}}",
    r"x^{10^{10}}",
    "x+" * 50_000 + "x",
    "1" * 6000,
    r"\frac" * 1000 + "12",
    r"\sqrt" * 3000 + "{x}",
    r"\unknowncommand",
    r"\sum_{i=1}^{1000000} i",
    r"\begin{verbatim}x\end{verbatim}",
    "x^{" * 300 + "2" + "}" * 300,
    r"a'''''''''''''''''''''''''''''''''''(x)",
    r"\left(" * 100 + "x" + r"\right)" * 100,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda s: s[:30])
def test_hostile_input_fails_quickly(text: str) -> None:
    # CPU time of this process (the parser runs in it): a loaded machine does not count
    started = time.process_time()
    with pytest.raises(SymoptError):
        parse_latex(text)
    assert time.process_time() - started < 2.0


def test_long_valid_input_parses_quickly() -> None:
    # 600 terms near the length limit: one flatten of the sum, not one per term
    text = "-".join(f"x_{{{i}}}" for i in range(600))
    started = time.process_time()
    value = parse_latex(text)
    assert time.process_time() - started < 3.0
    assert value == 2 * symbol("x_0") - sum(symbol(f"x_{i}") for i in range(600))


def test_nothing_is_executed(tmp_path, monkeypatch) -> None:
    marker = tmp_path / "pwned"
    for text in (rf"\immediate\write18{{touch {marker}}}", rf"\input{{{marker}}}",
                 rf"\openout1={marker}"):
        with pytest.raises(ParseError):
            parse_latex(text)
    assert not marker.exists()


def test_not_a_string() -> None:
    with pytest.raises(ParseError, match="expected a string"):
        parse_latex(42)  # type: ignore[arg-type]
    with pytest.raises(ParseError, match="empty"):
        parse_latex("$$  $$")


# --- SymPy's own printer as an independent source: parse(latex(e)) == e


_NAMES = ["x", "y", "alpha", "lambda_min", "w_1", "mhat_t", "beta_1", "L", "mu", "t", "eta_0",
          "xbar_k", "alphastar"]
_leaves = st.one_of(
    st.sampled_from([symbol(n) for n in _NAMES]),
    st.integers(-9, 9).map(sp.Integer),
    st.tuples(st.integers(1, 9), st.integers(2, 9)).map(lambda p: sp.Rational(*p)),
)


def _safe(function):
    """Max(zoo, x) and the like raise while the example is built: keep the first argument."""

    def build(first, *rest):
        try:
            return function(first, *rest)
        except (ValueError, TypeError):
            return first

    return build


def _grow(children):
    unary = st.sampled_from([sp.sqrt, sp.exp, sp.Abs, sp.sin, lambda a: -a,
                             lambda a: sp.log(sp.Abs(a) + 1), lambda a: sp.root(a, 3)])
    binary = st.sampled_from([sp.Add, sp.Mul, lambda a, b: a / b if b != 0 else a,
                              _safe(sp.Max), _safe(sp.Min)])
    powers = st.sampled_from([2, 3, -1, sp.Rational(1, 2), sp.Rational(3, 2), symbol("t")])
    return st.one_of(
        st.tuples(unary, children).map(lambda p: p[0](p[1])),
        st.tuples(binary, children, children).map(lambda p: p[0](p[1], p[2])),
        st.tuples(children, powers).map(lambda p: _safe(sp.Pow)(p[0], p[1])),
    )


@hypothesis.settings(max_examples=120, deadline=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(st.recursive(_leaves, _grow, max_leaves=8))
def test_reads_back_what_sympy_prints(expr) -> None:
    from symopt.latex._check import latex_name

    hypothesis.assume(isinstance(expr, sp.Expr) and expr.is_finite is not False)
    hypothesis.assume(not expr.has(sp.I, sp.zoo, sp.nan, sp.E) and expr.is_real is not False)
    text = sp.latex(expr, symbol_names={s: latex_name(s.name) for s in expr.free_symbols})
    hypothesis.assume(not re.search(r"\\(sin|cos)\^\{\\frac", text))  # sin^{3/2}: refused
    got = parse_latex(text)
    assert got == expr or sp.simplify(got - expr) == 0, text


def test_letters_written_together_are_a_product_only_when_every_letter_is_known() -> None:
    from symopt.latex import parse_latex_report

    k, t = symbol("k"), symbol("t")
    report = parse_latex_report(r"\frac{\eta_0}{1 + kt}")
    assert report.value == symbol("eta_0") / (1 + k * t)
    assert any("'kt' read as the product k t" in note for note in report.notes)
    assert parse_latex(r"w^{kt}") == symbol("w") ** (k * t)
    assert parse_latex(r"\mathrm{kt}") == symbol("kt")  # a name, spelled as one
    assert parse_latex(r"\eta_{tk}") == symbol("eta_tk")  # a subscript is a name
    with pytest.raises(ParseError, match=r"declare a, b \(shapes or local\)"):
        parse_latex("$ab$")
    a, b = symbol("a"), symbol("b")
    assert parse_latex("$ab$", local={"a": a, "b": b}) == a * b
    # a declared two-letter name is the name, never a product
    assert parse_latex("$ab$", local={"ab": symbol("ab"), "a": a, "b": b}) == symbol("ab")
    assert parse_latex("$ab + a$", shapes={"ab": "n", "a": "n"}) == \
        sp.MatrixSymbol("ab", symbol("n"), 1) + sp.MatrixSymbol("a", symbol("n"), 1)
