"""Derivation: an ordered list of steps, each checked before it can be rendered.

Every step is a statement with a short justification. Equalities are checked
when they are added — proved symbolically or, failing that, evaluated at many
random 50-digit points under the symbols' assumptions — and a step that fails
raises :class:`DerivationError`: it never reaches the output. Inequalities and
implications are proved where SymPy can decide them, refuted by a
counterexample, and otherwise rendered with the mark "stated, not verified".
Definitions and assumptions are not claims; definitions are substituted into
later steps when those are checked.

>>> import sympy as sp
>>> from symopt.derivation import Derivation
>>> from symopt.symbols import symbol
>>> w, a = symbol("w"), symbol("alpha")
>>> d = Derivation("GD on f = 2w^2")
>>> d.define(sp.Function("f")(w), 2 * w**2, "the objective")
Derivation('GD on f = 2w^2', 1 steps)
>>> d.equation(sp.Derivative(sp.Function("f")(w), w), 4 * w, "differentiate")
Derivation('GD on f = 2w^2', 2 steps)
>>> d.equation(sp.Derivative(w**3, w), 2 * w**2, "a wrong step")
Traceback (most recent call last):
...
symopt.derivation.core.DerivationError: step 3 (a wrong step) is false: ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import sympy as sp
from sympy.core.function import AppliedUndef

from symopt.derivation import verify
from symopt.errors import SymoptError
from symopt.printing import latex
from symopt.timeout import run_with_timeout

__all__ = ["Derivation", "DerivationError", "Step"]

Kind = Literal["definition", "assumption", "equation", "solution", "inequality",
               "implication", "equivalence", "note"]

#: Relations as they are typeset.
_RELATIONS = {
    "==": "=", "<": "<", "<=": r"\le", ">": ">", ">=": r"\ge", "!=": r"\ne",
}


class DerivationError(SymoptError):
    """A step failed verification (or could not be verified) and was refused."""


@dataclass(frozen=True)
class Step:
    """One line of a derivation.

    ``lhs``/``rhs`` are the two sides (``lhs`` is ``None`` on a continuation
    row ``= rhs``), ``relation`` the typeset relation (``=``, ``\\le``,
    ``\\Longrightarrow``), ``status`` says how the step was checked and
    ``verified`` is True (proved or numerically confirmed), False never (such
    a step is refused) or None (a definition, assumption, or a statement that
    could not be verified — ``status`` says which).
    """

    kind: Kind
    lhs: object
    relation: str
    rhs: object
    justification: str
    status: str
    verified: bool | None
    method: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def unverified_mark(self) -> str:
        """How the output marks what was not verified ("" when everything was)."""
        if not self.stated_only:
            return ""
        if self.kind == "solution":
            return "solutions checked; completeness not verified"
        return "stated, not verified"

    @property
    def stated_only(self) -> bool:
        """A claim (not a definition) that could not be verified."""
        return self.verified is None and self.kind not in ("definition", "assumption", "note")


class Derivation:
    """An ordered list of individually checked steps, renderable as LaTeX or Markdown.

    ``symmetric`` lists matrix symbols that stand for symmetric matrices (a
    Hessian), ``domains`` restricts where random points are drawn (e.g. β in
    [0, 1)); both only affect checking. ``intro`` is a sentence printed before
    the steps.
    """

    def _repr_markdown_(self) -> str:
        """Jupyter display: see :mod:`symopt.display`."""
        from symopt.display import derivation_markdown

        return derivation_markdown(self)

    def __init__(self, title: str, *, intro: str = "",
                 symmetric: Iterable[sp.MatrixSymbol] = (),
                 domains: Mapping[sp.Symbol, sp.Set] | None = None,
                 samples: int = verify.SAMPLES, timeout: float = 10.0, seed: int = 0):
        self.title = title
        self.intro = intro
        self.symmetric = tuple(symmetric)
        self.domains = dict(domains or {})
        self.samples = samples
        self.timeout = timeout
        self.seed = seed
        self.steps: list[Step] = []
        self.definitions: dict[sp.Basic, sp.Basic] = {}
        self.conditions: list[sp.Basic] = []
        self.results: dict[str, sp.Basic] = {}

    def __repr__(self) -> str:
        return f"Derivation({self.title!r}, {len(self.steps)} steps)"

    def __len__(self) -> int:
        return len(self.steps)

    # -- building ----------------------------------------------------------------
    def add(self, step: Step) -> Derivation:
        """Append a :class:`Step` built elsewhere; it is checked again here.

        Definitions, assumptions and notes are appended as they are; an
        equation is re-checked (a continuation row against the previous right
        side); an inequality or implication is re-checked and keeps only the
        status this check gives. A false step raises :class:`DerivationError`.
        """
        if step.kind in ("definition", "assumption", "note"):
            if step.kind == "definition" and step.lhs is not None:
                key = step.lhs.func if isinstance(step.lhs, AppliedUndef) else step.lhs
                value = sp.Lambda(step.lhs.args, step.rhs) if isinstance(
                    step.lhs, AppliedUndef) else step.rhs
                self.definitions[key] = value
            return self._append(step)
        if step.kind in ("equation", "solution") and step.relation == "=":
            lhs = self._last_equation() if step.lhs is None else step.lhs
            check = self._check_equal(lhs, step.rhs, step.justification)
            return self._append(Step(step.kind, step.lhs, "=", step.rhs, step.justification,
                                     _status(check), True, check.method, step.extra))
        if step.kind == "inequality":
            statement = step.lhs if step.rhs is None else sp.Rel(
                step.lhs, step.rhs, {v: k for k, v in _RELATIONS.items()}[step.relation])
            check = verify.check_relation(statement, domains=self.domains,
                                          definitions=self.definitions, timeout=self.timeout,
                                          seed=self.seed)
        elif step.kind in ("implication", "equivalence"):
            check = verify.implication(verify._substitute(step.lhs, self.definitions),
                                       verify._substitute(step.rhs, self.definitions),
                                       both_ways=step.kind == "equivalence",
                                       domains=self.domains, timeout=self.timeout,
                                       seed=self.seed)
        else:
            raise DerivationError(f"cannot check a step of kind {step.kind!r} with relation "
                                  f"{step.relation!r}; use the builder methods")
        if check.holds is False:
            self._refuse(step.justification, check)
        return self._append(Step(step.kind, step.lhs, step.relation, step.rhs,
                                 step.justification, _status(check), check.holds, check.method,
                                 step.extra))

    def _append(self, step: Step) -> Derivation:
        if step.verified is False:  # checks refuse earlier; never render a false step
            raise DerivationError(f"step {len(self.steps) + 1} ({step.justification}) is false")
        self.steps.append(step)
        return self

    def define(self, lhs: sp.Basic, rhs: sp.Basic, why: str = "definition") -> Derivation:
        """``lhs := rhs``: a name, function ``m(x)`` or matrix symbol given a value.

        Later steps are checked with the definition substituted.
        """
        if isinstance(lhs, AppliedUndef):
            self.definitions[lhs.func] = sp.Lambda(lhs.args, rhs)
        elif isinstance(lhs, (sp.Symbol, sp.MatrixSymbol, sp.Indexed)):
            self.definitions[lhs] = rhs
        else:
            raise DerivationError(f"cannot define {lhs}: only a symbol, a matrix symbol "
                                  "or a function applied to symbols can be defined")
        return self._append(Step("definition", lhs, "=", rhs, why, "definition", None))

    def assume(self, statement: sp.Basic, why: str = "assumption", *,
               restrict: bool = False) -> Derivation:
        """A condition imposed, not derived (``set g'(x) = 0``, ``x ≥ 1``).

        With ``restrict`` an assumed inequality (λ_min ≤ λ_max) also restricts
        the random points of later numeric checks.
        """
        if restrict:
            if not isinstance(statement, (sp.StrictLessThan, sp.LessThan,
                                          sp.StrictGreaterThan, sp.GreaterThan)):
                raise DerivationError("only an inequality can restrict the checks")
            self.conditions.append(statement)
        lhs, rel, rhs = _split(statement)
        return self._append(Step("assumption", lhs, rel, rhs, why, "assumption", None))

    def note(self, text: str) -> Derivation:
        """A line of prose between steps."""
        return self._append(Step("note", None, "", None, text, "prose", None))

    def equation(self, lhs: sp.Basic, rhs: sp.Basic, why: str, *,
                 where: Mapping[sp.Symbol, sp.Basic] | None = None) -> Derivation:
        """``lhs = rhs``, checked; refused with :class:`DerivationError` when false.

        ``where`` gives values (μ = 1, L = 4) that hold for this step only: the
        check substitutes the definitions, then these values.
        """
        if where:
            left = verify._substitute(lhs, self.definitions).subs(where)
            right = verify._substitute(rhs, self.definitions).subs(where)
            check = self._check_equal(left, right, why)
        else:
            check = self._check_equal(lhs, rhs, why)
        return self._append(Step("equation", lhs, "=", rhs, why, _status(check), True,
                             check.method))

    def then(self, rhs: sp.Basic, why: str) -> Derivation:
        """Continue the previous equation: ``= rhs`` (checked against its right side)."""
        previous = self._last_equation()
        check = self._check_equal(previous, rhs, why)
        return self._append(Step("equation", None, "=", rhs, why, _status(check), True,
                             check.method))

    def substitute(self, values: Mapping[sp.Symbol, sp.Basic], result: sp.Basic,
                   why: str) -> Derivation:
        """Continue the previous equation with ``values`` substituted: ``= result``."""
        previous = self._last_equation()
        check = self._check_equal(previous.subs(values), result, why)
        return self._append(Step("equation", None, "=", result, why, _status(check), True,
                             check.method, {"values": dict(values)}))

    def solve(self, equation: sp.Eq, unknown: sp.Basic, solution: sp.Basic,
              why: str) -> Derivation:
        """From ``equation`` conclude ``unknown = solution``.

        The solution is substituted back (checked like an equation); for a
        scalar unknown SymPy also solves the equation and the solution must be
        the only one.
        """
        lhs, rhs = (equation.lhs, equation.rhs) if isinstance(equation, sp.Eq) else (
            equation, sp.S.Zero)
        substituted = (_subs(lhs, unknown, solution), _subs(rhs, unknown, solution))
        check = self._check_equal(*substituted, why)
        status = _status(check) + "; the solution satisfies the equation"
        if not isinstance(unknown, sp.MatrixSymbol):
            unique = self._unique(lhs - rhs, unknown, solution)
            if unique is False:
                raise DerivationError(f"step {len(self.steps) + 1} ({why}): {unknown} = "
                                      f"{solution} is not the only solution")
            if unique:
                status += " and is the only one"
        if isinstance(unknown, (sp.Symbol, sp.Indexed, sp.MatrixSymbol)):
            self.definitions[unknown] = solution  # later steps may use the solution
        return self._append(Step("solution", unknown, "=", solution, why, status, True,
                             check.method, {"equation": equation}))

    def solve_system(self, equations: Iterable[sp.Basic], unknowns: Iterable[sp.Symbol],
                     solutions: Iterable[Mapping[sp.Symbol, sp.Basic]], why: str) -> Derivation:
        """The complete list of solutions of a system: each checked, none missing.

        Each solution is substituted back (checked like an equation) and SymPy's
        own solution set must have as many members; rendered as
        ``(x, y) ∈ {(…), (…)}``.
        """
        unknowns = tuple(unknowns)
        solutions = [dict(s) for s in solutions]
        exprs = [e.lhs - e.rhs if isinstance(e, sp.Eq) else e for e in equations]
        for solution in solutions:
            for expr in exprs:
                self._check_equal(expr.xreplace(solution), sp.S.Zero, why)
        try:
            found = run_with_timeout(_solve_dicts, exprs, unknowns, seconds=self.timeout)
        except Exception:  # SymPy could not solve it: completeness stays unknown
            found = None
        status = "each solution substituted back and checked"
        polynomial = all(_is_polynomial(e, unknowns) for e in exprs)
        if not polynomial:
            found = None  # SymPy's list may miss solutions (periodic, transcendental)
            status += "; completeness not verified (the system is not polynomial)"
        elif found is not None:
            if len(found) != len(solutions):
                raise DerivationError(f"step {len(self.steps) + 1} ({why}): SymPy finds "
                                      f"{len(found)} solutions, {len(solutions)} were given")
            status += "; SymPy finds no others"
        elif polynomial:
            status += "; completeness not verified"
        lhs = sp.Tuple(*unknowns) if len(unknowns) > 1 else unknowns[0]
        values = [sp.Tuple(*[s[u] for u in unknowns]) if len(unknowns) > 1 else s[unknowns[0]]
                  for s in solutions]
        return self._append(Step("solution", lhs, r"\in", sp.FiniteSet(*values), why, status,
                             True if found is not None else None, "symbolic",
                             {"solutions": solutions}))

    def roots(self, polynomial: sp.Expr, variable: sp.Symbol, roots: Iterable[sp.Expr],
              why: str) -> Derivation:
        """``variable ∈ {roots}``: the roots of ``polynomial = 0``, all of them, checked."""
        roots = list(roots)
        return self.solve_system([polynomial], [variable], [{variable: r} for r in roots], why)

    def recurrence(self, term: sp.Indexed, closed: sp.Expr, rule: sp.Eq,
                   initial: Mapping[sp.Indexed, sp.Expr], why: str) -> Derivation:
        """``x_k = closed(k)`` solves ``rule`` (x_{k+1} = …) with the given initial terms.

        Checked by substituting the closed form into the rule (for every k) and
        into each initial term; afterwards ``x_k`` may be used in later steps.
        """
        base, index = term.base, term.indices[0]

        def at(expr: sp.Basic) -> sp.Basic:
            # Replace every x[j] in expr by closed(j).
            return expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base == base,
                                lambda e: closed.subs(index, e.indices[0]))

        check = self._check_equal(at(rule.lhs), at(rule.rhs), why)
        for first, value in initial.items():
            self._check_equal(at(first), value, f"{why}: initial term {first}")
        self.definitions[term] = closed
        return self._append(Step("equation", term, "=", closed, why,
                             _status(check) + "; solves the recurrence and matches the "
                             "initial terms", True, check.method, {"rule": rule}))

    def fact(self, lhs: sp.Basic, value: sp.Basic) -> Derivation:
        """Use an already proved ``lhs = value`` when checking later steps (not rendered)."""
        self.definitions[lhs] = value
        return self

    def meaning(self, function: sp.FunctionClass, evaluate: object) -> Derivation:
        """How to evaluate an operator such as E[·] when checking (not rendered).

        ``evaluate`` is called with the operator's arguments and returns a
        SymPy expression, e.g. expectation as a linear map with E[g_i] = g.
        """
        self.definitions[function] = evaluate
        return self

    def inequality(self, statement: sp.Basic, why: str) -> Derivation:
        """An inequality (or a conjunction), proved, refuted, or marked stated.

        Build numeric comparisons with ``evaluate=False`` (``sp.Lt(3/5, 1,
        evaluate=False)``) so that the statement, not ``True``, is printed.
        """
        if statement in (sp.true, sp.false):
            raise DerivationError(f"step {len(self.steps) + 1} ({why}): the statement already "
                                  f"evaluated to {statement}; build it with evaluate=False")
        check = verify.check_relation(statement, domains=self.domains,
                                      definitions=self.definitions, timeout=self.timeout,
                                      seed=self.seed)
        if check.holds is False:
            self._refuse(why, check)
        lhs, rel, rhs = _split(statement)
        return self._append(Step("inequality", lhs, rel, rhs, why, _status(check), check.holds,
                             check.method))

    def implies(self, premise: sp.Basic, conclusion: sp.Basic, why: str, *,
                both_ways: bool = False) -> Derivation:
        """``premise ⇒ conclusion`` (``⇔`` with ``both_ways``), proved or marked stated."""
        check = verify.implication(verify._substitute(premise, self.definitions),
                                   verify._substitute(conclusion, self.definitions),
                                   both_ways=both_ways, domains=self.domains,
                                   timeout=self.timeout, seed=self.seed)
        if check.holds is False:
            self._refuse(why, check)
        relation = r"\iff" if both_ways else r"\implies"
        kind: Kind = "equivalence" if both_ways else "implication"
        return self._append(Step(kind, premise, relation, conclusion, why, _status(check),
                             check.holds, check.method))

    def result(self, name: str, value: sp.Basic) -> Derivation:
        """Record a derived value under ``name`` for callers and tests (not rendered)."""
        self.results[name] = value
        return self

    # -- rendering ----------------------------------------------------------------------
    def to_latex(self) -> str:
        """The steps as a LaTeX ``align*`` block."""
        from symopt.derivation.render import to_latex

        return to_latex(self)

    def to_markdown(self) -> str:
        """The derivation as Markdown with ``$$`` blocks (GitHub, MkDocs arithmatex)."""
        from symopt.derivation.render import to_markdown

        return to_markdown(self)

    def to_tex(self) -> str:
        """A standalone LaTeX document (amsmath, amssymb) containing this derivation."""
        from symopt.derivation.render import document

        return document([self])

    def as_dict(self) -> dict[str, object]:
        """Title, steps (LaTeX of each side, justification, how it was checked), summary.

        >>> from symopt.symbols import symbol
        >>> d = Derivation("t").equation(2 * symbol("x") / 2, symbol("x"), "cancel")
        >>> d.as_dict()["steps"][0]["status"]
        'proved symbolically (simplify(lhs − rhs) = 0)'
        """
        return {
            "title": self.title,
            "steps": [{"kind": s.kind,
                       "lhs": None if s.lhs is None else latex(s.lhs),
                       "relation": s.relation,
                       "rhs": None if s.rhs is None else latex(s.rhs),
                       "justification": s.justification,
                       "status": s.status,
                       "verified": s.verified} for s in self.steps],
            "results": {k: str(v) for k, v in self.results.items()},
            "summary": self.summary(),
        }

    def summary(self) -> str:
        """How the steps were checked, in one sentence."""
        from symopt.derivation.render import summary

        return summary(self)

    # -- checking ---------------------------------------------------------------------
    def _check_equal(self, lhs: sp.Basic, rhs: sp.Basic, why: str) -> verify.Check:
        check = verify.check_equal(lhs, rhs, symmetric=self.symmetric, domains=self.domains,
                                   definitions=self.definitions, samples=self.samples,
                                   timeout=self.timeout, seed=self.seed + len(self.steps),
                                   conditions=self.conditions)
        if check.holds is not True:
            self._refuse(why, check)
        return check

    def _refuse(self, why: str, check: verify.Check) -> None:
        where = f"step {len(self.steps) + 1} ({why})"
        if check.holds is False:
            raise DerivationError(f"{where} is false: {check.detail}")
        raise DerivationError(f"{where} could not be verified: {check.detail}")

    def _last_equation(self) -> sp.Basic:
        for step in reversed(self.steps):
            if step.kind in ("equation", "solution", "definition") and step.relation == "=":
                return step.rhs
        raise DerivationError("then() needs a previous equation to continue")

    def _unique(self, expr: sp.Basic, unknown: sp.Basic, solution: sp.Basic) -> bool | None:
        expr = verify._substitute(expr, self.definitions).doit()
        try:
            solutions = run_with_timeout(_solve, expr, unknown, seconds=self.timeout)
        except Exception:  # not solvable by SymPy: uniqueness stays unknown
            return None
        if not solutions:
            return None  # SymPy found none although one checks out: it cannot decide
        if len(solutions) != 1:
            return False
        check = verify.check_equal(solutions[0], solution, domains=self.domains,
                                   definitions=self.definitions, timeout=self.timeout)
        return check.holds is True


def _is_polynomial(expr: sp.Basic, unknowns: tuple) -> bool:
    return bool(unknowns) and bool(expr.is_polynomial(*unknowns))


def _solve_dicts(exprs: list, unknowns: tuple) -> list | None:
    try:
        return sp.solve(exprs, list(unknowns), dict=True)
    except (NotImplementedError, TypeError, ValueError):  # TypeError: undecidable membership
        return None


def _solve(expr: sp.Basic, unknown: sp.Basic) -> list | None:
    try:
        return sp.solve(expr, unknown)
    except (NotImplementedError, TypeError, ValueError):  # TypeError: undecidable membership
        return None


def _subs(expr: sp.Basic, unknown: sp.Basic, value: sp.Basic) -> sp.Basic:
    return expr.xreplace({unknown: value}) if isinstance(unknown, sp.MatrixSymbol) else \
        expr.subs(unknown, value)


def _split(statement: sp.Basic) -> tuple[object, str, object]:
    if isinstance(statement, sp.Rel):
        return statement.lhs, _RELATIONS.get(statement.rel_op, statement.rel_op), statement.rhs
    return statement, "", None


def _status(check: verify.Check) -> str:
    if check.holds is True and check.method == "symbolic":
        return f"proved symbolically ({check.detail})"
    if check.holds is True and check.method == "exact":
        return "proved (exact evaluation)"
    if check.holds is True:
        return f"checked numerically ({check.detail})"
    return f"stated, not verified ({check.detail})"

