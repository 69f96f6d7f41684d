"""Claims about runs: the iterate, trajectory or value after k steps, the behaviour, the order.

A run applies the method's own symbolic rule (:meth:`symopt.methods.Method.rule`)
step by step with exact rationals — 50-digit numbers once a value is
irrational or its rationals grow too long — so "GD on x² with α = 0.1 from
x₀ = 2 gives 1.6" is checked exactly, and "converges" is read off the iterates
(and, on quadratics, confirmed by :func:`symopt.analysis.analyze`).

>>> from symopt.claims import Claim, check
>>> check(Claim("iterate", "1.6", problem="x**2", method="gd", x0=[2], steps=1,
...             hyperparameters={"alpha": 0.1})).status
'true'
>>> v = check(Claim("behaviour", "converges", problem="theta_0**2 + 10*theta_1**2",
...                 method="gd", hyperparameters={"alpha": 0.1}, x0=[5, 1], steps=50))
>>> v.status, v.correct
('false', 'oscillates: theta_0 converges, theta_1 oscillates')
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from symopt.claims.claim import NUMBER_KEYS, Claim, Verdict, register
from symopt.claims.context import Context, show
from symopt.claims.expressions import decide
from symopt.errors import ParseError, UnsupportedError
from symopt.methods import Method
from symopt.methods.base import NEWTON_DIRECTION, G, T, X, coordinate_sum
from symopt.methods.linesearch import STEP
from symopt.problem import Problem

__all__ = ["Run", "classify", "run", "with_defaults"]

#: Largest magnitude before a run is declared divergent.
BLOW_UP = sp.Integer(10) ** 60
_BITS = 4000
_DIGITS = 50


@dataclass(frozen=True)
class Run:
    """Iterates x₀, x₁, … (each a list in variable order); ``blew_up`` if |x| > 10⁶⁰."""

    variables: tuple[sp.Symbol, ...]
    iterates: list[list[sp.Expr]]
    blew_up: bool

    def coordinate(self, i: int) -> list[sp.Expr]:
        """The i-th coordinate along the run."""
        return [x[i] for x in self.iterates]


def _number(value: sp.Expr) -> sp.Expr:
    if value.is_Rational and max(abs(value.p), value.q).bit_length() < _BITS:
        return value
    number = sp.N(value, _DIGITS)
    if not number.is_number or number.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ArithmeticError(f"the iterate is not a finite number ({value})")
    if number.is_real is False:
        raise ArithmeticError(f"the iterate left the reals ({number})")
    return number


def run(problem: Problem, method: Method, hyperparameters: Mapping[sp.Symbol, sp.Expr],
        x0: Mapping[sp.Symbol, sp.Expr], steps: int) -> Run:
    """Apply ``steps`` steps of ``method`` to ``problem`` from ``x0``, exactly.

    A method with a line search takes the step its search picks, in exact arithmetic
    (:func:`symopt.analysis.linesearch.search`).

    >>> from symopt.methods import get_method
    >>> from symopt.symbols import symbol
    >>> x = symbol("x")
    >>> run(Problem("x**2"), get_method("gd"), {symbol("alpha"): sp.Rational(1, 10)},
    ...     {x: 2}, 2).iterates
    [[2], [8/5], [32/25]]
    """
    if steps < 0 or steps > 100000:
        raise ParseError(f"steps must be between 0 and 100000, got {steps}")
    rule = method.rule()
    hp = dict(hyperparameters)
    x_next = rule.x_next.xreplace(hp)
    state_next = {k: v.xreplace(hp) for k, v in rule.state_next.items()}
    search = getattr(method, "line_search", None)  # τ is chosen at every step
    if search is not None:
        from symopt.analysis.linesearch import search as line_search
    free = (x_next.free_symbols | set().union(*(v.free_symbols for v in state_next.values()))) \
        - {X, G, T, NEWTON_DIRECTION, *([STEP] if search else [])} - set(state_next)
    if free:
        raise UnsupportedError(f"a run needs a value for {', '.join(sorted(map(str, free)))}")
    if x_next.has(coordinate_sum) or any(v.has(coordinate_sum) for v in state_next.values()):
        raise UnsupportedError("runs of rules with reductions over coordinates are not "
                               "supported here")
    variables = problem.variables
    if problem.parameters:
        raise UnsupportedError("a run needs numbers for the parameters "
                               f"{', '.join(map(str, problem.parameters))}")
    gradient, hessian = problem.gradient, problem.hessian if method.uses_newton_direction \
        else None
    x = [_number(sp.sympify(x0[v])) for v in variables]  # safe: values are SymPy numbers
    state = [method.initial_state(xi) for xi in x]
    path, blew_up = [x], False
    for t in range(1, steps + 1):
        point = dict(zip(variables, x))
        g = [_number(e.xreplace(point)) for e in gradient]
        if hessian is not None:
            H = hessian.xreplace(point)
            if H.det() == 0:
                raise UnsupportedError(f"the Hessian is singular at {point}: no Newton step")
            p = [_number(e) for e in H.LUsolve(sp.Matrix(g))]
        else:
            p = [sp.S.Zero] * len(x)
        step = {} if search is None else \
            {STEP: line_search(problem, method, x, **{k.name: v for k, v in hp.items()}).step}
        new_x, new_state = [], []
        for xi, gi, pi, si in zip(x, g, p, state):
            values = {X: xi, G: gi, T: sp.Integer(t), NEWTON_DIRECTION: pi, **si, **step}
            new_x.append(_number(x_next.xreplace(values)))
            new_state.append({k: _number(v.xreplace(values)) for k, v in state_next.items()})
        x, state = new_x, new_state
        # the iterate the method reports (Nesterov's look-ahead form: x_k in its state)
        path.append([method.reported_iterate(xi, si) for xi, si in zip(x, state)])
        if any(abs(v) > BLOW_UP for v in x):
            blew_up = True
            break
    return Run(tuple(variables), path, blew_up)


def classify(values: list[sp.Expr], blew_up: bool = False) -> str:
    """``converges``, ``diverges`` or ``oscillates`` (bounded, no limit) from a sequence.

    >>> classify([1, -1] * 20), classify([2 * sp.Rational(4, 5) ** k for k in range(60)])
    ('oscillates', 'converges')
    """
    if blew_up:
        return "diverges"
    steps = [abs(float(b - a)) for a, b in itertools.pairwise(values)]
    if len(steps) < 4:
        raise UnsupportedError("classifying a run needs at least 4 steps")
    scale = 1 + max(abs(float(v)) for v in values)
    tail = steps[-max(3, len(steps) // 5):]
    if max(tail) <= 1e-12 * scale:
        return "converges"
    half = len(steps) // 2
    early = max(steps[half - 3 : half] or steps[:3])
    late = max(steps[-3:])
    if early == 0:
        return "diverges" if late > 0 else "converges"
    growth = (late / early) ** (1 / max(1, len(steps) - half))
    if growth < 1 - 1e-3:
        return "converges"
    if growth > 1 + 1e-3:
        return "diverges"
    size_early = max(abs(float(v)) for v in values[: half + 1])
    size_late = max(abs(float(v)) for v in values[half:])
    return "diverges" if size_late > 4 * size_early else "oscillates"


def _alternates(values: list[sp.Expr]) -> bool:
    """Whether the last steps x_{k+1} − x_k flip sign every time (an oscillating approach).

    >>> _alternates([(-sp.Rational(1, 5)) ** k for k in range(12)])
    True
    >>> _alternates([sp.Rational(4, 5) ** k for k in range(12)])
    False
    """
    steps = [float(b - a) for a, b in itertools.pairwise(values[:40])]
    signs = [step > 0 for step in steps if step != 0]
    return len(signs) >= 4 and all(a != b for a, b in itertools.pairwise(signs))


_WORDS = {
    "converges": "converges", "converge": "converges", "convergent": "converges",
    "diverges": "diverges", "diverge": "diverges", "divergent": "diverges",
    "oscillates": "oscillates", "oscillate": "oscillates", "bounded": "oscillates",
    "does not converge": "not converges", "doesn't converge": "not converges",
    "not converges": "not converges",
}  # fmt: skip


@register("iterate",
          keys=("problem", "method", "hyperparameters", "x0", "steps", "rename", *NUMBER_KEYS))
def check_iterate(claim: Claim) -> Verdict:
    """The iterate after ``steps`` steps from ``x0``."""
    ctx = Context.of(claim)
    result = _run(ctx)
    last = result.iterates[-1]
    correct = last[0] if len(last) == 1 else sp.Matrix(last)
    stated = ctx.value(claim.stated)
    if isinstance(stated, sp.MatrixBase) and stated.shape == (1, 1) and len(last) == 1:
        stated = stated[0, 0]
    if isinstance(correct, sp.MatrixBase):
        if not isinstance(stated, sp.MatrixBase) or stated.shape != correct.shape:
            return Verdict.false(f"x_{len(result.iterates) - 1} = {show(correct)}",
                                 correct=show(correct), basis="exact",
                                 counterexample="the stated value has "
                                 "the wrong shape")
        proved = True
        for i, (s, c) in enumerate(zip(stated, correct)):
            r = ctx.numbers(s, c)
            if r.equal is not True:
                return decide(r, correct, f"x_{len(result.iterates) - 1}, coordinate "
                              f"{result.variables[i]}")
            proved = proved and r.proved
        return Verdict.true(f"x_{len(result.iterates) - 1} = {show(correct)} (exact run)",
                            correct=show(correct), basis="exact" if proved else "numeric")
    return _noted(decide(ctx.numbers(stated, correct), correct,
                         f"x_{len(result.iterates) - 1} (exact run)"), ctx)


@register("trajectory",
          keys=("problem", "method", "hyperparameters", "x0", "rename", *NUMBER_KEYS))
def check_trajectory(claim: Claim) -> Verdict:
    """The iterates x₀, x₁, …, x_n as a list (each a number, or a vector in variable order)."""
    ctx = Context.of(claim)
    stated = claim.stated
    if isinstance(stated, str):
        from symopt.claims.sets import _split_top
        from symopt.claims.text import clean

        body = clean(stated).strip()
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1]
        stated = [p.strip() for p in _split_top(body, [",", ";"]) if p.strip()]
    if not isinstance(stated, (list, tuple)) or len(stated) < 2:
        raise ParseError("a trajectory states at least x₀ and x₁, as a list")
    result = _run(ctx, len(stated) - 1)
    proved = True
    for k, (written, exact) in enumerate(zip(stated, result.iterates)):
        value = ctx.value(written)
        values = list(value) if isinstance(value, sp.MatrixBase) else [value]
        if len(values) != len(exact):
            raise ParseError(f"x_{k} has {len(values)} coordinates; the problem has "
                             f"{len(exact)}")
        for s_, c in zip(values, exact):
            r = ctx.numbers(s_, c)
            proved = proved and r.proved
            if r.equal is not True:
                shown = ", ".join(_brief(v) for v in exact)
                return _noted(Verdict.false(
                    f"x_{k} = ({shown})", correct=", ".join(
                        "(" + ", ".join(_brief(v) for v in x) + ")" for x in result.iterates),
                    basis=r.basis,
                    counterexample=f"step {k}: stated {show(value)}, the run gives ({shown}) "
                    f"({r.how})") if r.equal is False else Verdict.unknown(r.how), ctx)
    return _noted(Verdict.true(f"x_0 … x_{len(stated) - 1} agree with an exact run",
                               basis="exact" if proved else "numeric"), ctx)


@register("value",
          keys=("problem", "method", "hyperparameters", "x0", "steps", "rename", *NUMBER_KEYS))
def check_value(claim: Claim) -> Verdict:
    """f at the iterate after ``steps`` steps from ``x0``."""
    ctx = Context.of(claim)
    result = _run(ctx)
    point = dict(zip(result.variables, result.iterates[-1]))
    correct = _number(ctx.problem.objective.xreplace(point))
    return _noted(decide(ctx.numbers(ctx.value(claim.stated), correct), correct,
                         f"f(x_{len(result.iterates) - 1}) (exact run)"), ctx)


def _noted(verdict: Verdict, ctx: Context) -> Verdict:
    from dataclasses import replace

    return replace(verdict, evidence=(*verdict.evidence, *_defaults_note(ctx)))


def _run(ctx: Context, steps: int | None = None) -> Run:
    claim = ctx.claim
    count = steps if steps is not None else claim.steps
    if count is None:
        raise ParseError(f"claim {claim.id or claim.kind!r} needs steps")
    if claim.x0 is None and claim.kind not in ("iterate", "value"):
        # behaviour: a generic start, (1, ..., 1)
        x0 = dict.fromkeys(ctx.problem.variables, sp.S.One)
    else:
        x0 = ctx.x0()
    return run(ctx.problem, ctx.method, with_defaults(ctx), x0, int(count))


def with_defaults(ctx: Context) -> dict[sp.Symbol, sp.Expr]:
    """The claim's hyperparameters, the method's usual defaults for the others (β₁ = 0.9, ...).

    >>> from symopt.claims.claim import Claim
    >>> sorted(with_defaults(Context.of(Claim("iterate", "0", method="adam",
    ...                                       hyperparameters={"alpha": 1}))).items(), key=str)
    [(alpha, 1), (beta_1, 9/10), (beta_2, 999/1000), (epsilon, 1/100000000)]
    """
    values = dict(ctx.hyperparameters)
    for hp in ctx.method.hyperparameters:
        if hp.symbol not in values and hp.default is not None and hp.symbol.name != "alpha":
            values[hp.symbol] = hp.default
    return values


def _defaults_note(ctx: Context) -> list[str]:
    used = {k: v for k, v in with_defaults(ctx).items() if k not in ctx.hyperparameters}
    return [f"the method's defaults: {show(used)}"] if used else []


@register("behaviour", "behavior", "converges", "diverges", "oscillates",
          keys=("problem", "method", "hyperparameters", "x0", "steps", "coordinate"))
def check_behaviour(claim: Claim) -> Verdict:
    """``converges`` / ``diverges`` / ``oscillates`` from x0 (numeric run + linear analysis)."""
    ctx = Context.of(claim)
    negated = False
    if claim.kind in ("behaviour", "behavior"):
        stated_text = str(claim.stated)
    else:
        # kind "converges" (or "diverges", "oscillates") with stated = true / false
        flag = str(claim.stated).strip().lower()
        if flag not in ("true", "false"):
            raise ParseError(f"a {claim.kind!r} claim states true or false, got "
                             f"{claim.stated!r}")
        stated_text, negated = claim.kind, flag == "false"
    word = _WORDS.get(stated_text.strip().lower())
    if word is None:
        raise ParseError(f"behaviour must be one of converges, diverges, oscillates, "
                         f"'does not converge'; got {stated_text!r}")
    if word == "not converges":
        word, negated = "converges", not negated
    if negated:
        stated_text = f"does not {word.rstrip('s')}"
    result = _run(ctx, claim.steps if claim.steps is not None else 200)
    kinds = {v.name: classify(result.coordinate(i), result.blew_up)
             for i, v in enumerate(result.variables)}
    if claim.coordinate:
        from symopt.symbols import canonical_name

        name = canonical_name(claim.coordinate)
        if name not in kinds:
            raise ParseError(f"{claim.coordinate!r} is not a variable of the problem")
        kinds = {name: kinds[name]}
    actual = "diverges" if "diverges" in kinds.values() else \
        "oscillates" if "oscillates" in kinds.values() else "converges"
    evidence = [f"{len(result.iterates) - 1} exact steps from {show(result.iterates[0])}: "
                + ", ".join(f"{k} {v}" for k, v in kinds.items()), *_defaults_note(ctx)]
    lines, linear = _analysis_evidence(ctx)
    evidence += lines
    if actual == "oscillates" and linear in ("converges", "diverges") and \
            claim.coordinate is None:
        # a run that neither settles nor grows within its steps is decided by the
        # spectral radius (a factor 0.9995 converges, just slowly)
        evidence.append(f"the run alone is inconclusive; the spectral radius decides: {linear}")
        actual = linear
    if word == "oscillates" and actual == "converges" and any(
            _alternates(result.coordinate(i)) for i, v in enumerate(result.variables)
            if v.name in kinds):
        # Texts call a converging run whose steps flip sign "oscillating" (a negative
        # factor, 1/4 < α < 1/2 on 2w²): that reading holds too.
        actual = "oscillates"
        evidence.append("the steps alternate in sign while the run converges (a negative "
                        "factor): it oscillates as it converges")
    holds = (actual == word) != negated
    if holds:
        # a finite run read as a trend (and the spectral radius where it decides)
        return Verdict.true(f"the run {actual}", *evidence, correct=actual, basis="numeric")
    bad = [k for k, v in kinds.items() if v == actual] or list(kinds)
    i = [v.name for v in result.variables].index(bad[0])
    tail = ", ".join(_brief(v) for v in result.coordinate(i)[-4:])
    counter = f"{bad[0]} along the run ends …, {tail} ({actual})"
    if _factors(ctx):
        counter += f"; {_factors(ctx)}"
    statement = actual if len(kinds) == 1 else \
        f"{actual}: " + ", ".join(f"{k} {v}" for k, v in kinds.items())
    return Verdict.false(f"the run {actual} (stated: {stated_text})", correct=statement,
                         counterexample=counter, evidence=tuple(evidence), basis="numeric")


def _factors(ctx: Context) -> str:
    """The directions that do not converge, with their roots (quadratics, fixed values)."""
    if ctx.problem.quadratic is None:
        return ""
    try:
        from symopt.analysis import behaviour

        eigen = ctx.problem.quadratic.eigenvalues
        directions = behaviour(ctx.method, list(eigen),
                               **{k.name: v for k, v in ctx.hyperparameters.items()})
    except (ImportError, UnsupportedError, NotImplementedError, ValueError, TypeError):
        return ""
    parts = []
    for d in directions:
        if sp.simplify(d.radius - 1).is_nonnegative:
            roots = ", ".join(show(r) for r in d.roots)
            word = "the factor per step is" if len(d.roots) == 1 else "the roots are"
            parts.append(f"along the eigenvalue {show(d.lam)} {word} {roots}")
    return "; ".join(parts)


_ORDERS = {"linear": 1, "linearly": 1, "quadratic": 2, "quadratically": 2, "cubic": 3,
           "superlinear": None, "superlinearly": None}


@register("convergence_order", "order",
          keys=("problem", "method", "hyperparameters", "x0", "steps", "rename"))
def check_convergence_order(claim: Claim) -> Verdict:
    """The local order of convergence (``linear``, ``superlinear``, ``quadratic`` or p).

    Read off an exact run: p ≈ log(e_{k+1}/e_k) / log(e_k/e_{k−1}) for the errors
    e_k = ‖x_k − x*‖, with x* the stationary point the run reaches.
    """
    ctx = Context.of(claim)
    text = str(claim.stated).strip().lower()
    if text in _ORDERS:
        stated_order, superlinear = _ORDERS[text], text.startswith("superlinear")
    else:
        value = ctx.value(claim.stated)
        if not value.is_number:
            raise ParseError(f"an order is linear, superlinear, quadratic or a number, "
                             f"got {claim.stated!r}")
        stated_order, superlinear = float(value), False
    result = _run(ctx, claim.steps if claim.steps is not None else 60)
    limit = _limit(ctx, result)
    errors = []
    for x in result.iterates:
        e = max(abs(sp.N(a - b, 60)) for a, b in zip(x, limit))
        if e < sp.Float("1e-45", 60):
            break
        errors.append(e)
    estimates = [float(sp.log(errors[k + 1] / errors[k]) / sp.log(errors[k] / errors[k - 1]))
                 for k in range(1, len(errors) - 1) if errors[k] < sp.Float("1e-2", 60)]
    if not estimates:
        return Verdict.unknown("the run reached its limit too fast (or not at all) to read "
                               "off an order")
    order = estimates[-1]
    ratio = float(errors[-1] / errors[-2]) if len(errors) >= 2 else 0.0
    found = ("linear" if abs(order - 1) < 0.15 and ratio > 1e-3 else
             "quadratic" if abs(order - 2) < 0.3 else
             "superlinear" if order > 1.15 else "sublinear")
    evidence = f"errors ‖x_k − x*‖: {', '.join(show(sp.N(e, 3)) for e in errors[-5:])}; " \
               f"order estimates {', '.join(f'{p:.3g}' for p in estimates[-3:])}"
    if superlinear:
        holds = found in ("superlinear", "quadratic") or order > 1.15
    elif stated_order is not None and stated_order in (1, 2, 3) and isinstance(stated_order, int):
        holds = found == {1: "linear", 2: "quadratic"}.get(stated_order) or \
            (stated_order == 3 and abs(order - 3) < 0.4)
    else:
        holds = abs(order - float(stated_order)) < 0.2
    if holds:
        return _noted(Verdict.true(f"the run converges with order ≈ {order:.3g} ({found})",
                                   evidence, correct=found, basis="numeric"), ctx)
    return _noted(Verdict.false(f"the order is ≈ {order:.3g} ({found})", correct=found,
                                basis="numeric",
                                counterexample=evidence), ctx)


def _limit(ctx: Context, result: Run) -> list[sp.Expr]:
    """The stationary point nearest the run's last iterate (the last iterate if none)."""
    last = result.iterates[-1]
    try:
        points = [list(p.point.values()) for p in ctx.problem.stationary_points()]
    except (UnsupportedError, NotImplementedError, ValueError, TypeError):
        points = []
    best = None
    for p in points:
        if not all(v.is_real for v in p):
            continue
        distance = max(abs(sp.N(a - b, 30)) for a, b in zip(p, last))
        if best is None or distance < best[0]:
            best = (distance, p)
    return best[1] if best is not None and best[0] < sp.Float("1e-3", 30) else last


def _brief(value: sp.Expr) -> str:
    """An iterate for a report: exact when short, else 6 significant digits."""
    text = show(value)
    return text if value.is_Rational and len(text) <= 14 else show(sp.N(value, 6))


def _analysis_evidence(ctx: Context) -> tuple[list[str], str | None]:
    """What the linear analysis says per eigen-direction (quadratics only), and overall.

    The overall word is ``converges`` / ``diverges`` / ``boundary`` (None if unknown).
    """
    if ctx.problem.quadratic is None:
        return [], None
    try:
        from symopt.analysis import analyze
    except ImportError:
        return [], None
    try:
        analysis = analyze(ctx.problem, ctx.method,
                           **{k.name: v for k, v in ctx.hyperparameters.items()})
    except (UnsupportedError, NotImplementedError, ValueError, TypeError) as exc:
        return [f"linear analysis unavailable: {exc}"], None
    lines = [f"λ = {show(d.lam)}: roots {', '.join(show(r) for r in d.roots)}, "
             f"spectral radius {show(d.radius)} → {d.kind}" for d in analysis.directions]
    overall = None
    if analysis.behaviour.known:
        kind = str(analysis.behaviour.value)
        overall = "diverges" if "diverges" in kind else "boundary" if kind == "boundary" \
            else "converges" if "converge" in kind else None
    return ([f"linear analysis: {'; '.join(lines)}"] if lines else []), overall
