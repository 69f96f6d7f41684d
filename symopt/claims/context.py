"""What a checker needs from a claim: symbols, the Problem, the Method, hyperparameters.

>>> from symopt.claims.claim import Claim
>>> ctx = Context.of(Claim("gradient", "[2*x]", problem="x**2", method="gd",
...                        hyperparameters={"alpha": 0.1}))
>>> ctx.problem.variables, ctx.hyperparameters
((x,), {alpha: 1/10})
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from symopt.claims.claim import Claim
from symopt.claims.equivalence import (
    Comparison,
    compare,
    compare_numbers,
    set_domains,
    set_names,
)
from symopt.claims.text import (
    approximate_decimals,
    assumption_symbols,
    clean,
    drop_name,
    read_point,
    read_value,
)
from symopt.errors import ParseError, UnsupportedError
from symopt.methods import Method, get_method
from symopt.problem import Problem
from symopt.symbols import canonical_name

__all__ = ["Context", "note", "show", "take_notes"]

#: Notes gathered while a claim is checked (added to the verdict's evidence).
_NOTES: ContextVar[list[str] | None] = ContextVar("notes", default=None)


def note(text: str) -> None:
    """Add a note to the verdict of the claim being checked."""
    notes = _NOTES.get()
    if notes is None:
        notes = []
        _NOTES.set(notes)
    if text not in notes:
        notes.append(text)


def take_notes() -> list[str]:
    """The notes gathered so far, and start afresh.

    >>> note("a"); note("a"); take_notes(), take_notes()
    (['a'], [])
    """
    notes = _NOTES.get() or []
    _NOTES.set([])
    return notes


def show(value: object) -> str:
    """A short, exact text for a SymPy object (matrices as nested lists).

    >>> show(sp.Matrix([1, 2])), show(sp.Interval.Lopen(0, sp.Rational(1, 2)))
    ('Matrix([[1], [2]])', '(0, 1/2]')
    """
    if isinstance(value, sp.MatrixBase):
        return f"Matrix({sp.sstr(value.tolist())})"
    if isinstance(value, sp.Interval):
        left = "(" if value.left_open else "["
        right = ")" if value.right_open else "]"
        return f"{left}{show(value.start)}, {show(value.end)}{right}"
    if isinstance(value, sp.Union):
        return " ∪ ".join(show(a) for a in value.args)
    if isinstance(value, sp.FiniteSet):
        return "{" + ", ".join(show(a) for a in value.args) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, sp.Rational) and max(abs(value.p), value.q).bit_length() > 330:
        return f"≈ {sp.N(value, 15)}"
    if isinstance(value, sp.Basic):
        return sp.sstr(value)
    return str(value)


@dataclass
class Context:
    """The objects a claim refers to, built once per check."""

    claim: Claim
    local: dict[str, sp.Basic]

    @classmethod
    def of(cls, claim: Claim) -> Context:
        """Collect the symbols (problem and claim assumptions, renames) of a claim."""
        local: dict[str, sp.Basic] = {}
        if claim.problem is not None:
            local.update(assumption_symbols(claim.problem.assumptions))
        local.update(assumption_symbols(claim.assumptions))
        set_names(local)  # a name is one symbol everywhere in the claim
        return cls(claim, local)

    def value(self, stated: object) -> sp.Basic:
        """A stated value read with this claim's symbols, renames and the problem's constants.

        See :meth:`resolve`.
        """
        return self.resolve(read_value(stated, self.local))

    def resolve(self, value):
        """Give the names of a stated answer the meaning the text gives them.

        - the claim's ``rename`` table (``{eta = "alpha"}``);
        - a step size written ``eta``, ``lr`` or ``gamma`` is the method's ``alpha``
          when the method has no hyperparameter of that name;
        - ``w_1`` (LaTeX) is the problem's ``w1`` when that is the only symbol it can mean;
        - ``L``, ``mu``, ``kappa``, ``lambda_max``, ``lambda_min`` that are not symbols of
          the problem are its constants (smoothness, strong convexity, condition number,
          extreme Hessian eigenvalues), so "α < 2/L" can be checked on a concrete f.
        """
        value = self.renamed(value)
        if not isinstance(value, (sp.Basic, sp.MatrixBase)):
            return value
        mapping: dict[sp.Symbol, sp.Expr] = {}
        free = value.free_symbols
        if self.claim.method is not None:
            names = {h.symbol.name: h.symbol for h in self.method.hyperparameters}
            if "alpha" in names:
                for s in free:
                    if s.name in ("eta", "lr", "gamma") and s.name not in names:
                        mapping[s] = names["alpha"]
        if self.claim.spectrum is not None and not isinstance(self.claim.spectrum, list):
            from symopt.claims.derived import spectrum_of

            spectrum = spectrum_of(self)
            ends = {"mu": spectrum.start, "lambda_min": spectrum.start, "L": spectrum.end,
                    "lambda_max": spectrum.end, "kappa": spectrum.end / spectrum.start}
            for s in free - set(mapping):
                if s.name in ends and s not in spectrum.free_symbols:
                    mapping[s] = ends[s.name]
        if self.claim.problem is not None:
            known = set(self.problem.variables) | set(self.problem.parameters)
            by_key: dict[str, list[sp.Symbol]] = {}
            for s in known:
                by_key.setdefault(s.name.replace("_", ""), []).append(s)
            for s in free - known - set(mapping):
                match = by_key.get(s.name.replace("_", ""), [])
                if len(match) == 1:
                    mapping[s] = match[0]
            for s in free - known - set(mapping):
                constant = self.constant(s.name)
                if constant is not None:
                    mapping[s] = constant
        return value.xreplace(mapping) if mapping else value

    def constant(self, name: str) -> sp.Expr | None:
        """The problem's L, μ, κ, λmax or λmin by name (None when unknown)."""
        problem = self.problem
        findings = {"L": problem.smoothness, "lambda_max": problem.smoothness,
                    "mu": problem.strong_convexity, "lambda_min": problem.strong_convexity,
                    "kappa": problem.condition_number}
        if name not in findings:
            return None
        finding = findings[name]()
        if not finding.known or finding.value.is_zero:
            return None
        return finding.value

    def renamed(self, expr: sp.Basic) -> sp.Basic:
        """Apply the claim's ``rename`` table (``{eta = "alpha"}``) to an expression."""
        if not self.claim.rename:
            return expr
        mapping = {}
        for old, new in self.claim.rename.items():
            mapping[read_value(old, self.local)] = read_value(new, self.local)
        return expr.xreplace(mapping)

    @cached_property
    def problem(self) -> Problem:
        """The claim's problem (UnsupportedError when the kind needs one and it is missing)."""
        spec = self.claim.problem
        if spec is None:
            raise UnsupportedError(f"a {self.claim.kind!r} claim needs a problem")
        # "f(x) = ½x²": the objective is what follows the last "="
        objective = drop_name(clean(spec.objective))
        return Problem(objective, variables=list(spec.variables) if spec.variables else None,
                       constraints=list(spec.constraints), local=self.local or None)

    @cached_property
    def method(self) -> Method:
        """The claim's method."""
        spec = self.claim.method
        if spec is None:
            raise UnsupportedError(f"a {self.claim.kind!r} claim needs a method")
        method = get_method(spec.name, **dict(spec.options))
        set_domains({h.symbol: h.domain for h in method.hyperparameters})
        return method

    @cached_property
    def hyperparameters(self) -> dict[sp.Symbol, sp.Expr]:
        """Method and claim hyperparameter values, checked against their domains.

        A step size written ``eta`` (``η``), ``lr`` or ``gamma`` is the method's
        ``alpha`` when the method has no hyperparameter of that name, as in stated
        answers. ``epsilon = 0`` is accepted (texts analyse the ε-free step), with a
        note that the step is then undefined where g = 0.

        >>> from symopt.claims.claim import Claim
        >>> Context.of(Claim("update", "x", method="gd", hyperparameters={"η": 0.1})
        ...            ).hyperparameters
        {alpha: 1/10}
        """
        method_values = dict(self.claim.method.hyperparameters) if self.claim.method else {}
        if not method_values and not self.claim.hyperparameters:
            return {}
        method = self.method
        names = {a for h in method.hyperparameters for a in (h.symbol.name, *h.aliases)}
        values: dict[str, object] = {}
        for table in (method_values, self.claim.hyperparameters):
            step: dict[str, object] = {}
            for key, value in table.items():
                name = canonical_name(str(key))
                if name not in names and name in ("eta", "lr", "gamma") and "alpha" in names:
                    name = "alpha"
                if name in step:
                    raise ParseError(f"the hyperparameter {name} is given twice ({key!r})")
                step[name] = value
            values.update(step)
        parsed = {k: (read_value(v, self.local) if isinstance(v, (str, float, int)) else v)
                  for k, v in values.items()}
        zero = [h.symbol for h in method.hyperparameters if h.symbol.name == "epsilon" and
                h.symbol.name in parsed and parsed[h.symbol.name] == 0]
        for eps in zero:
            del parsed[eps.name]
            note("ε = 0: the step g/√v is undefined where g = 0 (then v = 0 too); what is "
                 "derived holds where g ≠ 0")
        result = method.substitution(parsed)
        result.update(dict.fromkeys(zero, sp.S.Zero))
        return result

    def point(self, stated: object) -> dict[sp.Symbol, sp.Expr]:
        """A stated point in the problem's variables (its coordinates renamed as values are)."""
        point = read_point(stated, self.problem.variables, self.local)
        return {k: self.renamed(v) for k, v in point.items()} if self.claim.rename else point

    def x0(self) -> dict[sp.Symbol, sp.Expr]:
        """The claim's starting point (required)."""
        if self.claim.x0 is None:
            raise ParseError(f"claim {self.claim.id or self.claim.kind!r} needs x0")
        return self.point(self.claim.x0)

    def numbers(self, stated: sp.Basic, correct: sp.Basic) -> Comparison:
        """Compare under the claim's tolerance / rounding when both sides are numbers."""
        c = self.claim
        plain = isinstance(stated, sp.Expr) and isinstance(correct, sp.Expr)
        if plain and stated.is_number and correct.is_number:
            rounding = c.rounding
            if rounding is None and c.tolerance is None and c.rel_tolerance is None and \
                    c.significant is None:
                # "≈ 0.667": the text rounded to the decimals it shows
                rounding = approximate_decimals(c.stated)
            return compare_numbers(stated, correct, tolerance=c.tolerance,
                                   rel_tolerance=c.rel_tolerance, rounding=rounding,
                                   significant=c.significant)
        return compare(stated, correct)
