"""Claims kind ``guarantee``: a worst-case bound over a function class.

"For every L-smooth convex f, gradient descent with α = 1/L satisfies
f(x_N) − f* ≤ L‖x₀ − x*‖²/(4N + 2)" is a statement about a class, not about
quadratics. It is decided by performance estimation
(:mod:`symopt.guarantees.pep`) and settled exactly:

- **true — certificate (exact)**: multipliers and a PSD residual rebuilt in
  rational arithmetic and verified by SymPy (:mod:`symopt.guarantees.exact`);
- **false — counterexample**: exact points and function values satisfying every
  interpolation condition of the class, on which the measure exceeds the bound;
- **unknown**: with the reason — in particular "holds numerically (PEP, duality
  gap …)" when only the numeric solve supports the bound.

Keys: ``class`` (``smooth_convex``, ``smooth_strongly_convex``, ``smooth``), ``L``,
``mu``, ``method`` and ``hyperparameters`` (may use L and mu), ``N`` (a number of
steps; a symbol such as ``"N"`` asks for a potential certificate), ``measure``,
``initial`` and ``stated`` (the bound, in ``R`` for ‖x₀ − x*‖ ≤ R or ``Delta``
for the function-value conditions, and L, mu, N).

>>> from symopt.claims.claim import Claim, check
>>> v = check(Claim("guarantee", "L*R**2/(4*N + 2)", method="gd", function_class="smooth_convex",
...                 L=1, N=2, measure="function_gap", initial="distance",
...                 hyperparameters={"alpha": "1/L"}))
>>> v.status, v.summary[:30]
('true', 'true — certificate (exact): f(')
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from symopt.claims.claim import Claim, Verdict, register
from symopt.claims.context import Context
from symopt.errors import DomainError, UnsupportedError
from symopt.guarantees.classes import FunctionClass, smooth, smooth_convex, smooth_strongly_convex
from symopt.guarantees.measures import Initial, initial_condition, measure
from symopt.symbols import symbol

__all__ = ["check_guarantee", "function_class"]

_CLASSES = {
    "smooth_convex": "smooth_convex", "convex": "smooth_convex",
    "smooth_strongly_convex": "smooth_strongly_convex", "strongly_convex": "smooth_strongly_convex",
    "smooth": "smooth", "smooth_nonconvex": "smooth", "nonconvex": "smooth",
}


def function_class(name: str, L: object, mu: object = None) -> FunctionClass:
    """The class named in a claim (``L-smooth convex`` and similar spellings are accepted).

    >>> function_class("L-smooth strongly convex", 4, 1).describe()
    '4-smooth 1-strongly convex'
    """
    key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    key = key.removeprefix("l_").removeprefix("every_")
    if key not in _CLASSES:
        raise DomainError(f"unknown function class {name!r}; known: smooth_convex, "
                          "smooth_strongly_convex, smooth")
    if L is None:
        raise DomainError("a guarantee claim needs L (the smoothness constant)")
    kind = _CLASSES[key]
    if kind == "smooth_strongly_convex":
        if mu is None:
            raise DomainError("a strongly convex class needs mu")
        return smooth_strongly_convex(L, mu)
    if mu not in (None, 0, "0"):
        raise DomainError(f"mu = {mu} is given for the class {name!r}, which fixes μ itself")
    return smooth_convex(L) if kind == "smooth_convex" else smooth(L)


def _bound(claim: Claim, ctx: Context) -> sp.Expr:
    stated = claim.stated
    if isinstance(stated, str):
        for sign in ("<=", "≤", "\\le", "\\leq"):
            if sign in stated:
                stated = stated.rsplit(sign, 1)[1]
                break
    value = ctx.value(stated)
    if not isinstance(value, sp.Expr):
        raise DomainError(f"the stated bound must be an expression, got {claim.stated!r}")
    return value


@register("guarantee", keys=("method", "hyperparameters", "function_class", "L", "mu", "N",
                              "steps", "measure", "initial"))
def check_guarantee(claim: Claim) -> Verdict:
    """Decide a worst-case bound over a class: certificate, counterexample or unknown.

    >>> from symopt.claims.claim import Claim
    >>> check_guarantee(Claim("guarantee", "1/(8*N)", method="gd", function_class="convex",
    ...     L=1, N=1, measure="function_gap", hyperparameters={"alpha": 1})).status
    'false'
    """
    if claim.method is None:
        raise DomainError("a guarantee claim needs a method")
    ctx = Context.of(claim)
    cls = function_class(claim.function_class or "", claim.L, claim.mu)
    L_, mu_ = symbol("L"), symbol("mu")
    constants = {L_: cls.L, mu_: cls.mu}
    values = dict(claim.method.hyperparameters)
    values.update(claim.hyperparameters)
    hyper = {k: _value(ctx, v).subs(constants) for k, v in values.items()}
    which = measure(claim.measure or "function_gap")
    initial = initial_condition(_initial_spec(claim.initial))
    steps = claim.N if claim.N is not None else claim.steps
    if steps is None:
        raise DomainError("a guarantee claim needs N, the number of steps")
    if isinstance(steps, str) and steps.strip().lstrip("-").isdigit():
        steps = int(steps)
    if not isinstance(steps, int) or isinstance(steps, bool):
        return _symbolic(claim, cls, steps)
    if steps < 0:
        raise DomainError(f"N must be a nonnegative number of steps, got {steps}")
    bound = _bound(claim, ctx).subs({**constants, symbol("N"): steps, symbol("T"): steps})
    rate = _rate(bound, initial)
    if cls.L.free_symbols or cls.mu.free_symbols or rate.free_symbols or any(
            v.free_symbols - {symbol("t")} for v in hyper.values()):
        return _symbolic(claim, cls, steps)
    from symopt.guarantees.exact import certify, counterexample
    from symopt.guarantees.pep import PerformanceProblem

    method, hyper = _with_schedules(claim.method.name, hyper, claim.method.options)
    problem = PerformanceProblem(cls, method, steps, which, initial, hyper)
    result = problem.solve()
    worst = result.multipliers["initial"]
    numeric = (f"PEP worst case {worst:.8g}·({initial.quantity(steps)}) "
               f"({result.status}, duality gap {result.duality_gap:.1e}, {result.solver})")
    if float(rate) >= worst * (1 - 1e-6) - 1e-9:
        found = certify(problem, rate, result)
        if found.value is True:
            cert = found.evidence["certificate"]
            return Verdict.true(f"true — certificate (exact): {cert.statement}",
                                _short(found.reason), numeric, _multipliers(cert),
                                basis="certificate")
        return Verdict.unknown(f"holds numerically ({numeric}); no exact certificate: "
                               f"{found.reason}", numeric)
    correct = f"{worst:.8g}·({initial.quantity(steps)})"
    tight = certify(problem, None, result, seconds=5)
    if tight.value is True:
        exact_rate = sp.simplify(tight.evidence["certificate"].bound / problem.initial_expression)
        if abs(float(exact_rate) - worst) <= 1e-6 * max(1.0, worst):
            correct = f"{exact_rate}·({initial.quantity(steps)}) (tight, certificate verified)"
        else:
            correct += f" (numeric; ≤ {exact_rate}·({initial.quantity(steps)}) certified)"
    found = counterexample(problem, rate, result)
    if found.value is False:
        cex = found.evidence["counterexample"]
        points = "; ".join(f"{_point(o.name)} = {_show(x)}, ∇f = {_show(g)}, f = {f}"
                           for o, (x, g, f) in zip(problem.oracles, cex.points))
        explicit = _explicit_function(cls, method, hyper, cex, steps, rate * cex.initial,
                                      which.kind) if cex.dimension == 1 else None
        return Verdict.false(f"false — {found.reason}", correct=correct,
                             counterexample=f"points of the class: {points}",
                             basis="counterexample",
                             evidence=(*([explicit] if explicit else []), numeric))
    return Verdict.unknown(f"fails numerically: {numeric} exceeds the stated rate {rate}; no "
                           f"exact counterexample ({found.reason})", numeric)


#: Constructor arguments that take a schedule in t, by hyperparameter name.
_SCHEDULED = {"alpha": "rate", "lr": "rate", "eta": "rate", "beta": "momentum",
              "momentum": "momentum"}


def _with_schedules(name: str, hyper: dict,
                    options: Mapping[str, object] | None = None) -> tuple[object, dict]:
    """Values in the step counter t are schedules: part of the method's definition, as are
    the method's ``options`` (``form = "lookahead"``).

    >>> t = symbol("t")
    >>> method, rest = _with_schedules("nesterov", {"alpha": sp.Integer(1), "beta": 1 / t})
    >>> method.rule().state_next, rest
    ({b: b/t + g}, {'alpha': 1})
    >>> _with_schedules("nesterov", {"beta": 1 / t}, {"form": "lookahead"})[0].name
    'Nesterov (look-ahead form)'
    """
    from symopt.methods import REGISTRY, get_method

    options = dict(options or {})
    if options:
        get_method(name, **options)  # an unknown option is refused here, by name
    scheduled = {k: v for k, v in hyper.items() if symbol("t") in v.free_symbols}
    if not scheduled:
        return (get_method(name, **options) if options else name), hyper
    arguments = {}
    for key, value in scheduled.items():
        if key not in _SCHEDULED:
            raise DomainError(f"{key} = {value} depends on the step t; only the step size and "
                              "the momentum may be schedules")
        arguments[_SCHEDULED[key]] = value
    constructor = REGISTRY[name.strip().lower().replace("-", "_").replace(" ", "_")]
    try:
        method = constructor(**arguments, **options)
    except TypeError:
        raise DomainError(f"{name} takes no schedule for {', '.join(sorted(scheduled))}") from None
    return method, {k: v for k, v in hyper.items() if k not in scheduled}


def _explicit_function(cls: FunctionClass, method: object, hyper: Mapping[str, sp.Expr], cex,
                       steps: int, bound: sp.Expr, kind: str) -> str | None:
    """The function of the class through 1-D points, with the method run on it (or None)."""
    from symopt.errors import SymoptError

    try:
        from symopt.guarantees.counterexample import counterexample_from_points
    except ImportError:
        return None
    try:
        run = counterexample_from_points(cls, method, cex.one_dimensional(),
                                         hyperparameters=hyper, steps=steps, bound=bound,
                                         measure=kind, x0=cex.iterates[0][0])
    except SymoptError:
        return None
    found = run.verdict
    if found.value is not False:
        return None
    return _short(f"explicit function: {found.reason}; f = "
                  f"{run.function.describe().replace(chr(10), '; ')}", 800)


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def _multipliers(cert) -> str:
    """The nonzero multipliers, by condition label (each shown when short)."""
    parts = [f"{lam}·[{label}]" if len(str(lam)) <= 12 else f"[{label}]"
             for lam, _, label in cert.multipliers if lam != 0]
    return (f"bound − measure = Σ λᵢ·cᵢ + vᵀSv over {len(parts)} interpolation "
            f"inequalities: {' + '.join(parts)}; v = ({', '.join(map(str, cert.basis))})")


def _point(name: str) -> str:
    """The point an oracle is at: ``3`` is x3, a method's query point ``y2`` or its
    reported iterate ``x2`` keep their names.

    >>> _point("3"), _point("y2")
    ('x3', 'y2')
    """
    return f"x{name}" if name.isdigit() else name


def _show(coords: tuple) -> str:
    return str(coords[0]) if len(coords) == 1 else f"({', '.join(map(str, coords))})"


def _value(ctx: Context, value: object) -> sp.Expr:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from symopt.methods.base import _exact

        return _exact(value, "hyperparameter")
    parsed = ctx.value(value)
    if not isinstance(parsed, sp.Expr):
        raise DomainError(f"a hyperparameter must be a number or expression, got {value!r}")
    return parsed


def _initial_spec(spec: object) -> str | Mapping[str, object]:
    if spec is None:
        return "distance"
    if isinstance(spec, (str, Mapping)):
        return spec
    raise DomainError(f"initial must be a kind or a table kind → coefficient, got {spec!r}")


def _rate(bound: sp.Expr, initial: Initial) -> sp.Expr:
    """The stated bound per unit of the initial quantity.

    A bound in ``R`` (‖x₀ − x*‖ ≤ R) or ``Delta`` (Δ) must be proportional to R²
    or Δ (every class here is invariant under scaling); a bound without them is
    stated for the initial condition's own bound.
    """
    R, delta = symbol("R"), symbol("Delta")
    if bound.has(R) and bound.has(delta):
        raise DomainError("the stated bound mixes R and Delta; state it per one initial quantity")
    if not (bound.has(R) or bound.has(delta)):
        return sp.simplify(bound / initial.bound)
    rate = sp.simplify(bound / (R**2 if bound.has(R) else delta))
    if rate.has(R) or rate.has(delta):
        raise DomainError(f"the stated bound {bound} is not proportional to the initial "
                          "quantity (R² or Δ), as a bound over a scaling-invariant class must be")
    return rate


def _symbolic(claim: Claim, cls: FunctionClass, steps: object) -> Verdict:
    """A ``guarantee`` claim with symbolic N, L, μ or step decided by a potential certificate.

    Reads the claim's method and hyperparameters, ``measure``, ``initial`` and
    ``stated`` (a bound in R for ‖x₀ − x*‖ ≤ R or Delta for f(x₀) − f* ≤ Δ, with
    N or T for the number of steps) and returns a claims ``Verdict``: true —
    certificate (exact), or unknown with the reason (a potential proves; it
    never refutes).

    >>> from symopt.guarantees import smooth_convex
    >>> claim = Claim("guarantee", "R**2/(2*alpha*N)", method="gd")
    >>> _symbolic(claim, smooth_convex("L"), "N").status
    'true'
    """
    from symopt.guarantees.lyapunov import N, certify_bound, steps_of

    try:
        count = steps_of(steps)
        ctx = Context.of(claim)  # type: ignore[arg-type]
        constants = {symbol("L"): cls.L, symbol("mu"): cls.mu}
        spec = getattr(claim, "method", None)
        if spec is None:
            raise DomainError("a guarantee claim needs a method")
        values = {**dict(getattr(spec, "hyperparameters", {}) or {}),
                  **dict(getattr(claim, "hyperparameters", {}) or {})}
        hyper = {k: (ctx.value(v) if isinstance(v, str)
                     else sp.sympify(v, strict=True)).subs(constants)  # safe: strict, no text
                 for k, v in values.items()}
        stated = getattr(claim, "stated", None)
        if isinstance(stated, str):
            for sign in ("<=", "≤", "\\leq", "\\le"):
                stated = stated.rsplit(sign, 1)[-1]
        bound = ctx.value(stated).subs({**constants, symbol("T"): N})
        measure_kind = str(getattr(claim, "measure", None) or "function_gap")
        initial = getattr(claim, "initial", None) or "distance"
        if not isinstance(initial, str):
            return Verdict.unknown("a potential certificate here needs a single initial "
                                   f"condition (distance or function_gap), got {initial!r}")
        try:
            from symopt.guarantees.measures import initial_condition, measure

            measure_kind, initial = measure(measure_kind).kind, initial_condition(initial).kind
        except ImportError:
            pass
        house_R, house_delta = symbol("R"), symbol("Delta")
        if bound.has(house_R) == bound.has(house_delta):
            return Verdict.unknown("state the bound in R (‖x₀ − x*‖ ≤ R) or in Delta "
                                   "(f(x₀) − f* ≤ Δ), one of them")
        rate = sp.simplify(bound / (house_R**2 if bound.has(house_R) else house_delta))
        if rate.has(house_R) or rate.has(house_delta):
            return Verdict.unknown(f"the bound {bound} is not proportional to R² or Δ")
        method, hyper = _with_schedules(spec.name, hyper,  # type: ignore[attr-defined]
                                        getattr(spec, "options", None))
        found = certify_bound(cls, method, measure_kind, initial, rate, steps=count, **hyper)
    except (DomainError, UnsupportedError) as exc:
        return Verdict.unknown(f"no potential certificate: {exc}")
    if found.value is None:
        return Verdict.unknown(found.reason)
    proof = found.value
    return Verdict.true(f"true — certificate (exact): {proof.statement}", found.reason,
                        proof.describe(), basis="certificate")
