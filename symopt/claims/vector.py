r"""Vector statements for the kinds gradient, hessian, equal, convex, smoothness, strong_convexity.

A claim (or its problem) that declares ``shapes`` (``{X = "m x n", w = "n", y = "m"}``,
see :mod:`symopt.shapes`) is checked here in general dimension; every other claim
goes to the kind's usual checker. The objective and the stated answer are read by
:func:`symopt.vector_input.parse_vector` (text or LaTeX) and brought to the 1×1
matrix form of :mod:`symopt.vector.adapter`; the variable is the problem's only
``variables`` entry (or the only declared vector the objective differentiates in).
Labels declared ``assumptions = {y = "±1"}`` are ±1 (needed for the logistic L).

A statement is *proved* when stated − derived expands to 0 as a matrix expression
(or simplifies to 0, for L and μ); otherwise it is compared numerically at random
dimensions and data (rectangular and rank-deficient X among them): agreement at
every draw is reported as numeric evidence, one disagreement refutes it with the
dimensions and data as the counterexample. The derived gradient and Hessian are
themselves checked against finite differences of the objective.

L and μ are stated with ``lambda_max(M)``, ``lambda_min(M)`` and ``norm2(M)`` (the
spectral norm, ‖M‖₂ = √λ_max(MᵀM)) around a vector expression, e.g.
``norm2(X)**2/(4*m)``.

>>> from symopt.claims import Claim, check
>>> p = {"objective": "norm(X*w - y)**2/2", "variables": ["w"],
...      "shapes": {"X": "m x n", "w": "n", "y": "m"}}
>>> from symopt.claims import ProblemSpec
>>> spec = ProblemSpec(p["objective"], ("w",), shapes=p["shapes"])
>>> check(Claim("gradient", "X.T*(X*w - y)", problem=spec)).status
'true'
>>> v = check(Claim("gradient", "X.T*(y - X*w)", problem=spec))
>>> v.status, v.correct
('false', 'X.T*(X*w - y)')
>>> check(Claim("gradient", "X*(X.T*w - y)", problem=spec)).status
'false'

"""

from __future__ import annotations

import ast
from collections.abc import Callable

import sympy as sp

from symopt.claims import derived as _derived  # the kinds this module wraps
from symopt.claims import expressions as _expressions  # noqa: F401
from symopt.claims.claim import KEYS, KINDS, Claim, ProblemSpec, Verdict
from symopt.errors import ParseError, UnsupportedError
from symopt.shapes import Shapes
from symopt.vector.adapter import as_matrix, as_vector
from symopt.vector.calculus import gradient, hessian
from symopt.vector.checks import NumericCheck, check_gradient, check_hessian, check_identity
from symopt.vector.compare import equal_exact
from symopt.vector.curvature import convexity, smoothness, strong_convexity
from symopt.vector.evaluate import dimensions
from symopt.vector_ops import SpectralNorm, lambda_max, lambda_min

__all__ = ["is_vector_claim", "read_constant"]

#: Random draws of dimensions and data behind a numeric comparison.
TRIALS = 12
_LABELS = {"±1", "pm1", "+-1", "{-1, 1}", "{-1,1}", "labels"}


def _shapes(claim: Claim) -> dict:
    spec = claim.problem if isinstance(claim.problem, ProblemSpec) else None
    merged = dict(spec.shapes) if spec is not None else {}
    merged.update(claim.shapes)
    return merged


def is_vector_claim(claim: Claim) -> bool:
    """Whether the claim (or its problem) declares shapes, so that it is read as vectors.

    >>> is_vector_claim(Claim("equal", "x.T*x", reference="x.T*x", shapes={"x": "n"}))
    True
    """
    return bool(_shapes(claim))


def _signs(claim: Claim) -> set[str]:
    spec = claim.problem if isinstance(claim.problem, ProblemSpec) else None
    found = set()
    for table in (spec.assumptions if spec else {}, claim.assumptions):
        for name, value in table.items():
            if isinstance(value, str) and value.replace(" ", "") in {
                    v.replace(" ", "") for v in _LABELS}:
                found.add(name)
    return found


class _Undefined:
    """A stated expression whose shapes do not fit (X*(Xᵀw − y) with X m × n)."""

    def __init__(self, reason: str):
        self.reason = reason


def _read(text: object, shapes: Shapes, what: str) -> sp.MatrixExpr | _Undefined:
    if not isinstance(text, str):
        raise ParseError(f"the {what} of a vector claim is text, got {text!r}")
    from symopt.vector_input import parse_vector

    try:
        return as_vector(parse_vector(text, shapes))
    except ParseError as exc:
        if what.startswith("stated") and ("inner dimensions" in exc.reason
                                          or "cannot add" in exc.reason):
            return _Undefined(exc.reason)
        raise


def _objective(claim: Claim, shapes: Shapes) -> tuple[sp.MatrixExpr, sp.MatrixSymbol]:
    spec = claim.problem
    if not isinstance(spec, ProblemSpec):
        raise ParseError(f"a vector {claim.kind!r} claim needs a problem (the objective)")
    f = as_matrix(_read(spec.objective, shapes, "objective"))
    vectors = sorted({M.name for M in f.atoms(sp.MatrixSymbol)
                      if shapes.kind(M.name) == "vector"})
    names = list(spec.variables or ())
    if len(names) > 1:
        raise UnsupportedError("a vector claim differentiates in one vector; give one name "
                               f"in variables, got {names}")
    if not names:
        if len(vectors) != 1:
            raise ParseError(f"which vector is the variable? the objective has {vectors}; "
                             "give variables = [\"w\"]")
        names = vectors
    (name,) = names
    if shapes.kind(name) != "vector":
        raise ParseError(f"the variable {name!r} must be declared a vector (e.g. {name} = \"n\")")
    return f, shapes.value(name)


def _scalars(*exprs: sp.Basic) -> list[sp.Symbol]:
    dims: set[sp.Symbol] = set()
    found: set[sp.Symbol] = set()
    for e in exprs:
        dims |= set(dimensions(e))
        found |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    return sorted(found - dims, key=lambda s: s.name)


def _options(claim: Claim, *exprs: sp.Basic) -> dict:
    return {"signs": sorted(_signs(claim)), "scalars": _scalars(*exprs)}


def _exact(stated: sp.MatrixExpr, correct: sp.MatrixExpr) -> bool:
    return equal_exact(stated, correct) is True


def _numeric_note(result: NumericCheck, options: dict) -> str:
    extra = f"; scalars {', '.join(map(str, options['scalars']))} drawn in [0.5, 2]" \
        if options["scalars"] else ""
    return result.detail + extra


def _compare(claim: Claim, stated: sp.MatrixExpr, correct: sp.MatrixExpr, what: str,
             evidence: tuple[str, ...] = ()) -> Verdict:
    shown = str(correct)
    if isinstance(stated, _Undefined):
        return Verdict.false(f"{what} is {shown}; the stated expression has no value in "
                             f"general dimension: {stated.reason}", correct=shown,
                             counterexample=f"m = 2, n = 3: {stated.reason}",
                             evidence=evidence, basis="counterexample")
    if stated.shape != correct.shape:
        return Verdict.false(f"{what} has shape {correct.shape}; the stated {stated} has "
                             f"shape {stated.shape}", correct=shown,
                             counterexample=f"shapes {stated.shape} ≠ {correct.shape}",
                             evidence=evidence, basis="exact")
    if _exact(stated, correct):
        return Verdict.true(f"{what} = {shown}: proved, stated − derived expands to 0 as a "
                            "matrix expression in general dimension", *evidence, correct=shown,
                            basis="exact")
    options = _options(claim, stated, correct)
    result = check_identity(stated, correct, trials=TRIALS, **options)
    if result.holds:
        deficient = check_identity(stated, correct, trials=4, seed=1, low=2,
                                   rank_deficient=[M.name for M in correct.atoms(sp.MatrixSymbol)
                                                   if 1 not in M.shape], **options)
        if deficient.holds:
            return Verdict.true(f"{what} = {shown}: numeric evidence, not a proof — "
                                f"{_numeric_note(result, options)}; also with rank-deficient "
                                "matrices", *evidence, correct=shown, basis="numeric")
        result = deficient
    # a difference between floating evaluations at random matrices (to a tolerance)
    return Verdict.false(f"{what} is {shown}", correct=shown,
                         counterexample=result.detail, evidence=evidence, basis="numeric")


def _derivative(claim: Claim, name: str, symbol: str,
                derive: Callable[[sp.MatrixExpr, sp.MatrixSymbol], sp.MatrixExpr],
                check: Callable[..., NumericCheck], agreement: str) -> Verdict:
    """A stated derivative (``name``, written ``symbol``) against ``derive(f, w)``.

    The derived value is first checked with ``check(f, w, value, **options)`` against finite
    differences (``agreement`` says of what they agree); a derivation that fails it is not
    compared with anything (unknown).
    """
    shapes = Shapes.from_mapping(_shapes(claim))
    f, w = _objective(claim, shapes)
    value = derive(f, w)
    fd = check(f, w, value, **_options(claim, f))
    if not fd.holds:
        return Verdict.unknown(f"the derived {name} {value} failed the finite-difference check: "
                               f"{fd.detail}")
    stated = _read(claim.stated, shapes, f"stated {name}")
    return _compare(claim, stated, value, f"{symbol}_{w.name} f",
                    (f"derived {symbol}f = {value}; {agreement}: {fd.detail}",))


def _gradient(claim: Claim) -> Verdict:
    return _derivative(
        claim, "gradient", "∇", gradient,
        lambda f, w, g, **options: check_gradient(f, w, g, trials=6, **options),
        "finite differences agree")


def _hessian(claim: Claim) -> Verdict:
    return _derivative(
        claim, "Hessian", "∇²", hessian,
        lambda f, w, H, **options: check_hessian(f, w, H, gradient(f, w), trials=4, **options),
        "finite differences of ∇f agree")


def _equal(claim: Claim) -> Verdict:
    shapes = Shapes.from_mapping(_shapes(claim))
    if claim.reference is None:
        raise ParseError(f"an {claim.kind!r} claim needs a reference expression")
    stated = _read(claim.stated, shapes, "stated expression")
    reference = _read(claim.reference, shapes, "reference")
    return _compare(claim, stated, reference, "the value")


def _convex(claim: Claim) -> Verdict:
    stated = _derived.stated_convexity(claim)
    shapes = Shapes.from_mapping(_shapes(claim))
    f, w = _objective(claim, shapes)
    finding = convexity(f, w, signs=_signs(claim))
    if not finding.known:
        return Verdict.unknown(f"convexity could not be decided in general dimension: "
                               f"{finding.reason}")
    correct = "convex" if finding.value else "not convex"
    if finding.value == stated:
        return Verdict.true(f"f is {correct}: {finding.reason}", correct=correct, basis="exact")
    return Verdict.false(f"f is {correct}", correct=correct, counterexample=finding.reason,
                         basis="exact")


# -- L and μ stated with λ_max, λ_min, ‖·‖₂ ----------------------------------------

def read_constant(text: str, shapes: Shapes) -> sp.Expr:
    """A constant such as ``norm2(X)**2/(4*m)`` or ``lambda_max(X.T*X)/m + lam``.

    Numbers, declared scalars and dimensions, ``+ - * / **`` and the calls
    ``lambda_max(M)``, ``lambda_min(M)``, ``norm2(M)`` whose argument is read by
    :func:`symopt.vector_input.parse_vector`; nothing reaches ``eval``.

    >>> read_constant("norm2(X)**2/(4*m)", Shapes.from_mapping({"X": "m x n"}))
    lambda_max(X.T*X)/(4*m)

    What the notation reader reads is accepted too (``eigmax(X.T*X)``, ``norm(X, 2)``, LaTeX
    ``λ_max`` and ``‖X‖_2``), with ‖M‖₂ written √λ_max(MᵀM) as above:

    >>> read_constant("norm(X, 2)**2/(4*m)", Shapes.from_mapping({"X": "m x n"}))
    lambda_max(X.T*X)/(4*m)
    """
    if not isinstance(text, str) or len(text) > 2000:
        raise ParseError(f"a constant is text of at most 2000 characters, got {text!r}")
    try:
        return _constant_from_calls(text, shapes)
    except ParseError as error:
        return _constant_from_notation(text, shapes, error)


def _constant_from_notation(text: str, shapes: Shapes, error: ParseError) -> sp.Expr:
    """The constant as the notation reader reads it (‖M‖₂ as √λ_max(MᵀM)), or ``error``."""
    from symopt.vector_input import parse_vector

    try:
        value = parse_vector(text, shapes)
    except ParseError:
        raise error from None
    if getattr(value, "is_Matrix", False):
        raise error from None
    return value.rewrite(SpectralNorm, lambda_max)


def _constant_from_calls(text: str, shapes: Shapes) -> sp.Expr:
    from symopt.vector_input import parse_vector

    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ParseError(f"cannot read {text!r}: {exc.msg}") from None
    calls = {"lambda_max": lambda_max, "lambda_min": lambda_min,
             "norm2": lambda M: SpectralNorm(M).rewrite(lambda_max)}

    def build(node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.BinOp) and isinstance(
                node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            a, b = build(node.left), build(node.right)
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b,
                    ast.Div: a / b if not isinstance(node.op, ast.Div) or b != 0 else None,
                    ast.Pow: a ** b}[type(node.op)]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -build(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, int) \
                and not isinstance(node.value, bool):
            return sp.Integer(node.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in calls and len(node.args) == 1 and not node.keywords:
            inner = ast.get_source_segment(text.strip(), node.args[0])
            value = parse_vector(inner, shapes)
            if not getattr(value, "is_Matrix", False):
                raise ParseError(f"{node.func.id}() takes a matrix, got {value}")
            return calls[node.func.id](value)
        if isinstance(node, ast.Name):
            value = parse_vector(node.id, shapes)
            if getattr(value, "is_Matrix", False):
                raise ParseError(f"{node.id} is a vector or matrix; a constant is a number")
            return value
        raise ParseError(f"cannot read {ast.get_source_segment(text.strip(), node)!r} in a "
                         "constant: use numbers, scalars, + - * / ** and lambda_max(·), "
                         "lambda_min(·), norm2(·)")

    result = build(tree.body)
    if result is None:
        raise ParseError(f"division by zero in {text!r}")
    return result


def _constant(claim: Claim, which: str) -> Verdict:
    shapes = Shapes.from_mapping(_shapes(claim))
    f, w = _objective(claim, shapes)
    finder = smoothness if which == "L" else strong_convexity
    finding = finder(f, w, signs=_signs(claim))
    if not finding.known:
        return Verdict.unknown(f"{which} could not be derived in general dimension: "
                               f"{finding.reason}")
    correct = finding.value
    stated = read_constant(claim.stated, shapes)
    shown = str(correct)
    if sp.simplify(stated - correct) == 0:
        return Verdict.true(f"{which} = {shown}: {finding.reason}; the stated value is equal "
                            "symbolically", correct=shown, basis="exact")
    one = sp.Identity(1)
    verdict = _compare(claim, sp.MatMul(stated, one), sp.MatMul(correct, one), which,
                       (f"derived: {finding.reason}",))
    if verdict.status == "false":
        return Verdict.false(f"{which} is {shown}", correct=shown, basis=verdict.basis,
                             counterexample=verdict.counterexample, evidence=verdict.evidence)
    return verdict


def _wrap(kinds: tuple[str, ...], checker: Callable[[Claim], Verdict]) -> None:
    # Aliases (``equal`` and ``expression``) share one checker, so they share one dispatch:
    # an alias is recognised by the identity of its checker.
    wrapped: dict[Callable[[Claim], Verdict], Callable[[Claim], Verdict]] = {}
    for kind in kinds:
        original = KINDS[kind]
        if getattr(original, "vector_dispatch", False):
            continue
        if original not in wrapped:

            def dispatch(claim: Claim, _original=original) -> Verdict:
                return checker(claim) if is_vector_claim(claim) else _original(claim)

            dispatch.vector_dispatch = True
            dispatch.__doc__ = original.__doc__
            wrapped[original] = dispatch
        KINDS[kind] = wrapped[original]
        KEYS[kind] = KEYS[kind] | {"shapes"}


def _kinds_by_checker(name: str) -> tuple[str, ...]:
    return tuple(k for k, fn in KINDS.items()
                 if getattr(fn, "__name__", "") == name and not getattr(fn, "vector_dispatch",
                                                                        False))


_wrap(("gradient",), _gradient)
_wrap(("hessian",), _hessian)
_wrap(_kinds_by_checker("check_equal") or ("equal",), _equal)
_wrap(_kinds_by_checker("check_convex") or ("convex",), _convex)
_wrap(_kinds_by_checker("check_smoothness") or ("smoothness",), lambda c: _constant(c, "L"))
_wrap(_kinds_by_checker("check_strong_convexity") or ("strong_convexity",),
      lambda c: _constant(c, "μ"))
