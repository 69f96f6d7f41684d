"""Compiled step functions: faithful to the symbolic rule, in place, safe names, clear errors."""

import dataclasses
import os
import tracemalloc

import numpy as np
import pytest
import sympy as sp

from symopt.errors import CodegenError, DomainError, SymoptError, UnsupportedError
from symopt.kernels import compile, compile_gradient, compile_hessian
from symopt.methods import REGISTRY, Method, StateVar, Transform, chain, get_method
from symopt.methods.base import G, Hyperparameter, T, X, coordinate_sum, scale_by_learning_rate
from symopt.problem import Problem

BACKENDS = ["numpy", "numba", "numexpr"]


def _backend(name):
    if name != "numpy":
        pytest.importorskip(name)
    return name


def _hyperparameters(method: Method) -> dict:
    """Values inside every domain; also for hyperparameters without a default."""
    values = {}
    for hp in method.hyperparameters:
        if hp.default is None:
            values[hp.symbol.name] = sp.Rational(1, 20)
    return values


def _reference_step(method, hp, x, g, state, t, p=None):
    """The symbolic rule evaluated coordinate by coordinate with exact SymPy numbers
    (a reduction, ``coordinate_sum``, summed over the coordinates first)."""
    rule = method.rule(**{**method.defaults(), **hp})
    xs, states = [], {s: [] for s in rule.state_next}

    def at(i):
        values = {rule.x: sp.Float(x[i], 30), rule.g: sp.Float(g[i], 30), rule.t: t}
        if p is not None:
            values[rule.p] = sp.Float(p[i], 30)
        values.update({s: sp.Float(state[s.name][i], 30) for s in rule.state_next})
        return values

    def reduced(expr):  # a reduction (clipping's norm) summed over every coordinate
        return expr.replace(lambda e: isinstance(e, coordinate_sum),
                            lambda e: sp.Add(*(e.args[0].xreplace(at(j)) for j in range(x.size))))

    rule = dataclasses.replace(rule, x_next=reduced(rule.x_next),
                               state_next={s: reduced(e) for s, e in rule.state_next.items()})
    for i in range(x.size):
        values = at(i)
        xs.append(float(rule.x_next.xreplace(values).evalf(30)))
        for s, e in rule.state_next.items():
            states[s].append(float(e.xreplace(values).evalf(30)))
    return np.array(xs), {s.name: np.array(v) for s, v in states.items()}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_method_matches_its_symbolic_rule(name, backend):
    method = get_method(name)
    hp = _hyperparameters(method)
    step = compile(method, _backend(backend), **hp)
    rng = np.random.default_rng(1)
    x = rng.standard_normal(5)
    state = step.init_state(x)
    for t in (1, 2, 3):
        g = rng.standard_normal(5)
        p = rng.standard_normal(5) if method.uses_newton_direction else None
        want_x, want_state = _reference_step(method, hp, x, g, state, t, p)
        step(x, g, state, t, p=p)
        np.testing.assert_allclose(x, want_x, rtol=1e-12, atol=1e-14)
        for key, value in want_state.items():
            np.testing.assert_allclose(state[key], value, rtol=1e-12, atol=1e-14)


def test_source_is_in_place_out_sequences_with_shared_subexpressions():
    source = compile("adam").source
    assert "out=m)" in source and "out=v)" in source and "out=x)" in source
    # m' and v' are computed once (into m and v) and read back by the x update.
    assert source.count("np.square(g") == 1
    assert "np.divide(m," in source


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_step_allocates_no_full_size_array(backend, dtype):
    n = 10**6
    step = compile("adam", _backend(backend), dtype)
    x = np.ones(n, dtype)
    g = np.full(n, 0.5, dtype)
    state = step.init_state(x)
    step(x, g, state, 1)  # numba compiles on the first call
    tracemalloc.start()
    try:
        for t in range(2, 12):
            step(x, g, state, t)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < x.nbytes / 100, f"peak {peak} bytes during 10 steps"


@pytest.mark.parametrize("backend", BACKENDS)
def test_float32_stays_float32_and_agrees_with_float64(backend):
    rng = np.random.default_rng(2)
    x64 = rng.standard_normal(1000)
    g64 = rng.standard_normal(1000)
    x32, g32 = x64.astype(np.float32), g64.astype(np.float32)
    s64 = compile("adam", _backend(backend), np.float64, alpha=0.01)
    s32 = compile("adam", backend, np.float32, alpha=0.01)
    st64, st32 = s64.init_state(x64), s32.init_state(x32)
    for t in range(1, 6):
        s64(x64, g64, st64, t)
        s32(x32, g32, st32, t)
    assert x32.dtype == np.float32 and all(v.dtype == np.float32 for v in st32.values())
    np.testing.assert_allclose(x32, x64, rtol=1e-5, atol=1e-6)


def test_numpy_scalars_are_cast_to_the_array_dtype():
    step = compile("adam", dtype=np.float32)
    assert "_cast(" in step.source
    x = np.ones(4, np.float32)
    state = step.init_state(x)
    with np.errstate(all="raise"):
        step(x, np.ones(4, np.float32), state, 1)
    np.testing.assert_allclose(x, 1 - 0.001, rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_sweep_is_one_batched_call_matching_separate_steps(backend):
    alphas = np.linspace(0.01, 0.5, 7)
    batched = compile("heavy_ball", _backend(backend), alpha=alphas, beta=0.8)
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal(4)
    X = np.tile(x0, (7, 1))
    state = batched.init_state(X)
    singles = [compile("heavy_ball", alpha=float(a), beta=0.8) for a in alphas]
    xs = [x0.copy() for _ in alphas]
    states = [s.init_state(x) for s, x in zip(singles, xs)]
    for t in range(1, 5):
        G = 3 * X
        batched(X, G, state, t)
        for s, x, st in zip(singles, xs, states):
            s(x, 3 * x, st, t)
    np.testing.assert_allclose(X, np.array(xs), rtol=1e-13)


@pytest.mark.parametrize("backend", BACKENDS)
def test_reductions_run_first_and_per_row(backend):
    """Projected GD onto the ball ‖x‖ ≤ r: y = x − αg, x' = y·min(1, r/‖y‖) (hand-written)."""
    from symopt.methods.projected import Ball, projected_gd

    method = projected_gd(Ball(2))
    step = compile(method, _backend(backend), alpha=np.array([0.1, 0.5]))
    X = np.array([[3.0, 4.0, 0.0], [0.1, 0.2, 0.3]])
    G = np.array([[1.0, -1.0, 2.0], [0.0, 1.0, 0.0]])
    alpha = np.array([[0.1], [0.5]])
    Y = X - alpha * G
    want = Y * np.minimum(1, 2 / np.linalg.norm(Y, axis=1, keepdims=True))
    step(X, G, step.init_state(X), 1)
    np.testing.assert_allclose(X, want, rtol=1e-13)


@pytest.mark.parametrize("backend", BACKENDS)
def test_schedule_is_evaluated_per_step(backend):
    """α(t) = η₀/(1 + k t) with η₀ = 1/2, k = 1 on f = x²: x ← x(1 − 2α(t))."""
    from symopt.methods import gradient_descent

    method = gradient_descent(sp.Rational(1, 2) / (1 + T))
    step = compile(method, _backend(backend))
    x = np.array([1.0, -2.0])
    want = x.copy()
    state = step.init_state(x)
    for t in range(1, 6):
        step(x, 2 * x, state, t)
        want = want * (1 - 2 * 0.5 / (1 + t))
    np.testing.assert_allclose(x, want, rtol=1e-14)


def _hostile_method(name: str) -> Method:
    hostile = sp.Symbol(name, real=True)
    hp = Hyperparameter(sp.Symbol(name + "_hp", positive=True), sp.Interval.open(0, sp.oo),
                        sp.Rational(1, 2))

    def apply(u, state, ctx):
        new = hp.symbol * state[hostile] + u
        return new, {hostile: new}

    return chain("hostile", Transform("evil", apply, (hp,), (StateVar(hostile),)),
                 scale_by_learning_rate())


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_symbol_named_with_code_cannot_execute(tmp_path, backend):
    marker = tmp_path / "pwned"
    name = f"__import__('os').system('touch {marker}')"
    method = _hostile_method(name)
    step = compile(method, _backend(backend), alpha=0.1)
    assert "__import__" not in step.source and "system" not in step.source
    x = np.array([1.0, 2.0])
    state = step.init_state(x)
    assert list(state) == [name]  # the user's name is kept as the key, never as code
    step(x, np.ones(2), state, 1)
    step(x, np.ones(2), state, 2)
    np.testing.assert_allclose(x, [1 - 0.1 - 0.15, 2 - 0.1 - 0.15])
    assert not marker.exists()


def test_undefined_functions_and_hostile_variables_are_refused_or_renamed(tmp_path):
    marker = tmp_path / "pwned"
    name = f"__import__('os').system('touch {marker}')"
    evil = sp.Function(name)
    method = chain("evil", Transform("f", lambda u, s, c: (evil(u), {})))
    with pytest.raises(CodegenError, match="undefined function"):
        compile(method)
    v = sp.Symbol(name, real=True)
    f, grad = compile_gradient(Problem(v**2 + 3 * v, variables=[v]))
    assert name not in grad.source and "__import__" not in f.source
    np.testing.assert_allclose(grad(np.array([[1.0]])), [[5.0]])
    assert not marker.exists()
    if os.path.exists(marker):  # pragma: no cover - belt and braces
        pytest.fail("generated code executed a symbol name")


def test_compiled_gradient_and_hessian_are_vectorised():
    f, grad = compile_gradient("x**2*y + exp(y)")
    H = compile_hessian("x**2*y + exp(y)")
    X = np.array([[[1.0, 0.0], [2.0, 1.0]]])  # shape (1, 2, 2)
    x, y = X[..., 0], X[..., 1]
    np.testing.assert_allclose(f(X), x**2 * y + np.exp(y))
    np.testing.assert_allclose(grad(X), np.stack([2 * x * y, x**2 + np.exp(y)], axis=-1))
    assert H(X).shape == (1, 2, 2, 2)
    np.testing.assert_allclose(H(X)[0, 1], [[2.0, 4.0], [4.0, np.e]])
    with pytest.raises(DomainError, match="shape"):
        grad(np.ones(3))
    with pytest.raises(DomainError, match="parameters a"):
        compile_gradient(Problem("a*x**2", variables=["x"]))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"alpha": 0}, DomainError, "alpha = 0 is outside"),
        ({"alpha": -1.0}, DomainError, "outside its domain"),
        ({"beta": 1}, DomainError, "beta = 1 is outside"),
        ({"alpha": float("nan")}, DomainError, "finite"),
        ({"alpha": [0.1, 0.0]}, DomainError, "outside"),
        ({"alpha": [[0.1]]}, DomainError, "1-D"),
        ({"alpha": [0.1, 0.2], "beta": [0.1, 0.2, 0.3]}, DomainError, "different lengths"),
        ({"gamma": 0.1}, DomainError, "no hyperparameter"),
        ({"backend": "cuda"}, UnsupportedError, "unknown backend"),
        ({"dtype": np.int64}, UnsupportedError, "float32 or float64"),
    ],
)
def test_bad_hyperparameters_raise_before_any_work(kwargs, error, match):
    kwargs = {"alpha": 0.1, **kwargs}
    with pytest.raises(error, match=match):
        compile("heavy_ball", **kwargs)


def test_missing_hyperparameter_without_default():
    with pytest.raises(DomainError, match="needs a value for alpha"):
        compile("gd")


def test_bad_arrays_raise_clear_errors():
    step = compile("adam")
    x = np.ones(3)
    state = step.init_state(x)
    with pytest.raises(DomainError, match="grads must be a float64 array of shape"):
        step(x, np.ones(4), state, 1)
    with pytest.raises(DomainError, match="dtype float32"):
        step(x.astype(np.float32), np.ones(3, np.float32), state, 1)
    with pytest.raises(DomainError, match="state has no array"):
        step(x, np.ones(3), {}, 1)
    with pytest.raises(DomainError, match="1-based"):
        step(x, np.ones(3), state, 0)
    with pytest.raises(DomainError, match=r"shape \(2, n\)"):
        compile("gd", alpha=[0.1, 0.2]).init_state(np.ones(3))
    with pytest.raises(DomainError, match="Newton direction"):
        s = compile("newton")
        s(x, np.ones(3), s.init_state(x), 1)
    assert issubclass(DomainError, SymoptError)


@pytest.mark.parametrize("backend", ["numba", "numexpr"])
def test_a_missing_optional_backend_is_a_clear_error(monkeypatch, backend):
    import sys

    monkeypatch.setitem(sys.modules, backend, None)
    with pytest.raises(UnsupportedError, match=r"pip install 'symopt\[fast\]'"):
        compile("gd", backend=backend, alpha=0.1)


def test_numba_needs_contiguous_arrays():
    pytest.importorskip("numba")
    step = compile("gd", backend="numba", alpha=0.1)
    x = np.ones((4, 4))[:, 0]
    with pytest.raises(DomainError, match="contiguous"):
        step(x, np.ones(4), step.init_state(x), 1)


def test_state_initial_values_follow_the_method():
    step = compile("nadam")
    x = np.full(3, 2.0)
    state = step.init_state(x)
    np.testing.assert_array_equal(state["mu_product"], 1.0)
    np.testing.assert_array_equal(state["m"], 0.0)
    custom = chain("copy", Transform("c", lambda u, s, c: (u, {sp.Symbol("w", real=True): c.x}),
                                     (), (StateVar(sp.Symbol("w", real=True), 3 * X + 1),)))
    assert compile(custom).init_state(x)["w"].tolist() == [7.0, 7.0, 7.0]
    assert G.name == "g"


def test_coordinate_sum_in_a_custom_rule():
    """Normalised GD x ← x − α g/‖g‖ (a custom chain with a reduction)."""
    norm = Transform("normalise", lambda u, s, c: (u / sp.sqrt(coordinate_sum(u**2)), {}))
    step = compile(chain("normalised GD", norm, scale_by_learning_rate()), alpha=0.5)
    x, g = np.array([1.0, 1.0]), np.array([3.0, 4.0])
    step(x, g, step.init_state(x), 1)
    np.testing.assert_allclose(x, [1 - 0.5 * 0.6, 1 - 0.5 * 0.8])


def test_cli_compile_prints_the_generated_source(capsys):
    from symopt.cli import run as cli

    assert cli(["compile", "adam", "--hp", "alpha=0.01", "--dtype", "float32"]) == 0
    out = capsys.readouterr().out
    assert "def step_kernel(x, g, m, v, t, _w):" in out and "np.sqrt(" in out
    assert "alpha = 1/100" in out
    assert cli(["compile", "adam", "--hp", "alpha=0"]) == 2
    assert cli(["compile", "adam", "--hp", "alpha"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


@pytest.mark.parametrize("backend", BACKENDS)
def test_piecewise_and_floor_schedules(backend):
    """Step decay α_t = 0.1·0.5^⌊(t−1)/2⌋ and linear warm-up α_t = 0.1·min(t/3, 1), by hand."""
    from symopt.methods import gradient_descent
    from symopt.schedules import linear_warmup, step_decay

    for schedule, alpha in [(step_decay(0.1, 0.5, 2), lambda t: 0.1 * 0.5 ** ((t - 1) // 2)),
                            (linear_warmup(0.1, 3), lambda t: 0.1 * min(t / 3, 1))]:
        step = compile(gradient_descent(schedule), _backend(backend))
        for t in range(1, 8):
            x = np.ones(3)
            step(x, np.ones(3), {}, t)
            np.testing.assert_allclose(1 - x, alpha(t), rtol=1e-14)


@pytest.mark.parametrize("backend", BACKENDS)
def test_half_space_projection_with_per_coordinate_data(backend):
    """P(y) = y − a·max(0, aᵀy − b)/‖a‖² for aᵀx ≤ b (hand-written), per row of a sweep."""
    from symopt.methods.projected import HalfSpace, projected_gd

    a = np.array([1.0, 2.0, -1.0])
    step = compile(projected_gd(HalfSpace(1)), _backend(backend), alpha=np.array([0.1, 1.0]),
                   data={"a": a})
    X = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    G = np.array([[-1.0, -1.0, 1.0], [-1.0, 0.0, 0.0]])
    Y = X - np.array([[0.1], [1.0]]) * G
    want = Y - a * np.maximum(0, Y @ a - 1)[:, None] / (a @ a)
    step(X, G, step.init_state(X), 1)
    np.testing.assert_allclose(X, want, rtol=1e-13)
    assert np.all(X @ a <= 1 + 1e-12)


def test_data_errors():
    from symopt.methods.projected import HalfSpace, projected_gd

    method = projected_gd(HalfSpace(1))
    with pytest.raises(DomainError, match="per-coordinate data"):
        compile(method, alpha=0.1)
    with pytest.raises(DomainError, match="not a symbol of the update rule"):
        compile(method, alpha=0.1, data={"a": [1.0], "c": [2.0]})
    with pytest.raises(DomainError, match="NaN"):
        compile(method, alpha=0.1, data={"a": [np.nan]})
    step = compile(method, alpha=0.1, data={"a": [1.0, 2.0]})
    x = np.ones(3)
    with pytest.raises(DomainError, match="data 'a' has shape"):
        step(x, x.copy(), {}, 1)


def test_numba_parallel_variants_agree_with_numpy():
    """Large arrays run the prange-over-coordinates loop (with a reduction), many rows the
    prange-over-rows loop; both must agree with the NumPy kernel."""
    pytest.importorskip("numba")
    from symopt.methods.projected import Ball, projected_gd

    rng = np.random.default_rng(5)
    for method, shape, hp in [(projected_gd(Ball(3)), (1, 100_000), {"alpha": 0.3}),
                              (projected_gd(Ball(3)), (64, 1024), {"alpha": np.full(64, 0.3)}),
                              (get_method("adam"), (8, 50_000), {"alpha": np.full(8, 0.01)})]:
        X = rng.standard_normal(shape)
        G = rng.standard_normal(shape)
        fast, reference = compile(method, "numba", **hp), compile(method, **hp)
        if X.shape[0] == 1 and np.ndim(hp["alpha"]) == 0:
            X, G = X[0], G[0]
        Y = X.copy()
        s1, s2 = fast.init_state(X), reference.init_state(Y)
        for t in (1, 2):
            fast(X, G, s1, t)
            reference(Y, G, s2, t)
        np.testing.assert_allclose(X, Y, rtol=1e-12, atol=1e-14)


def _simplex_by_bisection(y, radius):
    """Euclidean projection onto {x ≥ 0, Σx = r}: bisection on τ in Σ max(y − τ, 0) = r."""
    lo, hi = y.min() - radius, y.max()
    for _ in range(200):
        tau = (lo + hi) / 2
        lo, hi = (tau, hi) if np.maximum(y - tau, 0).sum() > radius else (lo, tau)
    return np.maximum(y - (lo + hi) / 2, 0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_simplex_projection_matches_bisection(backend):
    from symopt.methods.projected import Simplex, projected_gd

    rng = np.random.default_rng(9)
    X = rng.standard_normal((3, 6))
    G = rng.standard_normal((3, 6))
    alphas = np.array([0.1, 0.5, 2.0])
    step = compile(projected_gd(Simplex(2)), _backend(backend), alpha=alphas)
    want = np.array([_simplex_by_bisection(x - a * g, 2.0) for x, g, a in zip(X, G, alphas)])
    step(X, G, {}, 1)
    np.testing.assert_allclose(X, want, atol=1e-12)
    single = compile(projected_gd(Simplex(2)), backend, alpha=0.1)
    x = np.array([3.0, -1.0, 0.5])
    single(x, np.zeros(3), {}, 1)
    np.testing.assert_allclose(x, _simplex_by_bisection(np.array([3.0, -1.0, 0.5]), 2.0),
                               atol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_state_and_hyperparameter_names_that_clash_with_kernel_names(backend):
    """A state called ``sqrt`` and a hyperparameter called ``np`` are renamed, not shadowed."""
    s, h = sp.Symbol("sqrt", real=True), sp.Symbol("np", positive=True)
    hp = Hyperparameter(h, sp.Interval.open(0, 1), sp.Rational(1, 2))

    def apply(u, state, ctx):
        new = h * state[s] + u
        return sp.sqrt(new**2 + 1) * u, {s: new}

    method = chain("clash", Transform("c", apply, (hp,), (StateVar(s),)), scale_by_learning_rate())
    step = compile(method, _backend(backend), alpha=0.1)
    x, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    state = step.init_state(x)
    step(x, g, state, 1)
    np.testing.assert_allclose(state["sqrt"], g)
    np.testing.assert_allclose(x, [1.0, 2.0] - 0.1 * np.sqrt(g**2 + 1) * g)


def _reference_with_sums(rule, x, g, state, t):
    """The rule per coordinate with exact SymPy numbers; coordinate_sum summed by hand."""
    n = len(x)

    def env(i):
        return {rule.x: sp.Float(x[i], 30), rule.g: sp.Float(g[i], 30), rule.t: t,
                **{s: sp.Float(state[s.name][i], 30) for s in rule.state_next}}

    def value(e, i):
        for node in e.atoms(coordinate_sum):
            e = e.xreplace({node: sum(value(node.args[0], j) for j in range(n))})
        return e.xreplace(env(i)).evalf(30)

    new_x = np.array([float(value(rule.x_next, i)) for i in range(n)])
    return new_x, {s.name: np.array([float(value(e, i)) for i in range(n)])
                   for s, e in rule.state_next.items()}


S1, S2 = sp.Symbol("s1", real=True), sp.Symbol("s2", real=True)
KAPPA = Hyperparameter(sp.Symbol("kappa", positive=True), sp.Interval.open(0, sp.oo),
                       sp.Rational(3, 2))
CUSTOM_RULES = [
    # states that swap, a state set to a constant, a state read after x changes
    lambda u, s, c: (sp.tanh(u) * sp.cos(T) + u**3 + s[S2], {S1: s[S2], S2: s[S1] + c.x}),
    # a reduction over x, Min, a symbolic power, a state that is the hyperparameter
    lambda u, s, c: (u / sp.sqrt(s[S2] + u**2 + 1) - c.x / coordinate_sum(c.x**2 + 1)
                     + sp.Abs(s[S1]) ** KAPPA.symbol, {S1: sp.Min(s[S1], u), S2: KAPPA.symbol}),
    # Max of three, a rational power, log
    lambda u, s, c: (sp.Max(u, s[S1], -1) / (1 + u**2) ** sp.Rational(3, 2),
                     {S1: sp.log(1 + u**2), S2: s[S2]}),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", range(len(CUSTOM_RULES)))
def test_custom_rules_match_the_symbolic_rule(backend, case):
    method = chain(f"custom {case}", Transform("f", CUSTOM_RULES[case], (KAPPA,),
                                               (StateVar(S1, sp.S.One), StateVar(S2, X))),
                   scale_by_learning_rate())
    rule = method.rule(alpha=sp.Rational(1, 10), kappa=sp.Rational(3, 2))
    rng = np.random.default_rng(case)
    x, g = rng.uniform(0.5, 2, 4), rng.uniform(-1, 1, 4)
    step = compile(method, _backend(backend), alpha=0.1)
    state = step.init_state(x)
    want_x, want_state = x.copy(), {k: v.copy() for k, v in state.items()}
    for t in (1, 2, 3):
        want_x, want_state = _reference_with_sums(rule, want_x, g, want_state, t)
        step(x, g, state, t)
    np.testing.assert_allclose(x, want_x, rtol=1e-12)
    for key in state:
        np.testing.assert_allclose(state[key], want_state[key], rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_elementwise_piecewise(backend):
    """Clip u to u if |u| ≤ 1, else sign(u) from step 3 on, else 0 (written out by hand)."""
    clip = Transform("clip", lambda u, s, c: (
        sp.Piecewise((u, sp.Abs(u) <= 1), (sp.sign(u), T > 2), (0, True)), {}))
    step = compile(chain("clipped", clip, scale_by_learning_rate()), _backend(backend), alpha=0.5)
    g = np.array([0.5, -3.0, 2.0, -0.2])
    for t, u in [(1, [0.5, 0.0, 0.0, -0.2]), (3, [0.5, -1.0, 1.0, -0.2])]:
        x = np.zeros(4)
        step(x, g, {}, t)
        np.testing.assert_allclose(x, -0.5 * np.array(u))


def test_one_numba_thread_runs_the_serial_variant():
    """Under numba.set_num_threads(1) a large step skips the parallel loop (no thread start)."""
    numba = pytest.importorskip("numba")
    step = compile("gd", "numba", alpha=0.5)
    x, g = np.ones(1 << 16), np.ones(1 << 16)

    def parallel(*args):
        raise AssertionError("the parallel variant ran")

    step._kernel.function = parallel
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        step(x, g, {}, 1)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(x, 0.5)
    if threads > 1:
        with pytest.raises(AssertionError, match="parallel variant"):
            step(x, g, {}, 2)
