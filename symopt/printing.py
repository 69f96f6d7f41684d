"""A LaTeX printer that writes names the way a textbook prints them.

Canonical symbol names (see :mod:`symopt.symbols`) carry their decorations in
the name: ``lambda_min`` is λ with subscript "min", ``mhat_t`` is m̂ with
subscript t, ``thetastar`` is θ*, ``beta1`` is β₁ and ``nablaf`` is ∇f. This
printer turns them back into ``\\lambda_{\\min}``, ``\\hat{m}_{t}``,
``\\theta^{*}``, ``\\beta_{1}`` and ``\\nabla f``; matrices print as ``bmatrix``,
transposes as ``^{\\top}``, ``f'(x_k)`` as a prime, and a sum starting with a
minus sign is reordered (``x - \\alpha g``, not ``- \\alpha g + x``).

>>> import sympy as sp
>>> from symopt.printing import latex
>>> from symopt.symbols import symbol
>>> latex(symbol("lambda_min")), latex(symbol("mhat_t")), latex(symbol("thetastar"))
('\\\\lambda_{\\\\min}', '\\\\hat{m}_{t}', '\\\\theta^{*}')
>>> latex(symbol("x") - symbol("alpha") * symbol("g"))
'x - \\\\alpha g'
>>> latex(sp.sqrt(symbol("w1")) / 2)
'\\\\frac{\\\\sqrt{w_{1}}}{2}'
"""

from __future__ import annotations

import re
from functools import lru_cache

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from symopt.symbols import GREEK

__all__ = ["TextbookLatexPrinter", "latex", "name_to_latex"]

_MODIFIERS = {
    "hat": r"\hat{%s}",
    "bar": r"\bar{%s}",
    "tilde": r"\tilde{%s}",
    "dot": r"\dot{%s}",
    "ddot": r"\ddot{%s}",
    "vec": r"\vec{%s}",
    "check": r"\check{%s}",
    "breve": r"\breve{%s}",
    "star": r"%s^{*}",
    "prime": r"%s'",
}
_GREEK = set(GREEK)
_ALIASES = {"eps": r"\varepsilon", "lr": r"\eta", "nabla": r"\nabla", "ell": r"\ell"}
_OPERATOR_WORDS = {"min", "max", "sup", "inf", "lim", "det", "log", "exp"}
_MODIFIER_RE = re.compile(r"^(?P<core>[A-Za-z]+?)(?P<mod>hat|bar|tilde|ddot|dot|vec|check|breve|"
                          r"star|prime)?(?P<digits>\d*)$")


def _core(word: str) -> str:
    """A bare name without decorations: Greek letter, single letter or upright word."""
    if word in _GREEK:
        return "\\" + word
    if word in _ALIASES:
        return _ALIASES[word]
    if word.startswith("nabla2") and len(word) > 6:
        return r"\nabla^{2} " + _core(word[6:])
    if word.startswith("nabla") and len(word) > 5:
        return r"\nabla " + _core(word[5:])
    if len(word) == 1:
        return word
    return rf"\mathrm{{{word}}}"


def _subscript(part: str) -> str:
    if part in _OPERATOR_WORDS:
        return "\\" + part
    if part.isdigit() or len(part) == 1:
        return part
    return name_to_latex(part)


@lru_cache(maxsize=4096)
def name_to_latex(name: str) -> str:
    """LaTeX for a canonical symbol name.

    >>> name_to_latex("beta1"), name_to_latex("w_k"), name_to_latex("nablaf")
    ('\\\\beta_{1}', 'w_{k}', '\\\\nabla f')
    >>> name_to_latex("yhat"), name_to_latex("xstar_1"), name_to_latex("lr")
    ('\\\\hat{y}', 'x^{*}_{1}', '\\\\eta')
    """
    head, *subs = name.split("_")
    if head.startswith("nabla2") and len(head) > 6 and not subs:
        return r"\nabla^{2} " + name_to_latex(head[6:])
    match = _MODIFIER_RE.match(head)
    if match is None or not head:
        return r"\mathrm{{{}}}".format(name.replace("_", r"\_"))
    core, modifier, digits = match["core"], match["mod"], match["digits"]
    if modifier and core.startswith("nabla"):
        core, modifier = core + modifier, None
    text = _core(core)
    if modifier:
        text = _MODIFIERS[modifier] % text
    indices = ([digits] if digits else []) + [s for s in subs if s]
    if indices:
        text += "_{{{}}}".format(",".join(_subscript(s) for s in indices))
    return text


class TextbookLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with textbook names, ``bmatrix`` and sign-first sums."""


    def __init__(self, settings: dict | None = None):
        defaults = {"mat_str": "bmatrix", "mat_delim": "", "mul_symbol": None,
                    "imaginary_unit": "ri"}  # \mathrm{i}: a bare i reads as ambiguous
        super().__init__({**defaults, **(settings or {})})

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return name_to_latex(expr.name)

    _print_Dummy = _print_Symbol

    def _print_MatrixSymbol(self, expr: sp.MatrixSymbol) -> str:
        if "{" in expr.name:  # a display name already written in LaTeX (x_{k+1})
            return expr.name
        return name_to_latex(expr.name)

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return self._print(expr.label)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base)
        indices = ",".join(self._print(i) for i in expr.indices)
        if "_{" in base:  # w_1 at step k prints as w_{1}^{(k)}
            return f"{base}^{{({indices})}}"
        return f"{base}_{{{indices}}}"

    def _print_Abs(self, expr: sp.Abs, exp: str | None = None) -> str:
        arg = expr.args[0]
        # |1 - 4α| rather than SymPy's canonical |4α - 1|.
        if isinstance(arg, sp.Add):
            constant = arg.as_coeff_Add()[0]
            if constant.is_negative:
                arg = sp.Add(*[-a for a in arg.args], evaluate=False)
                arg = sp.Add(*sorted(arg.args, key=lambda a: not a.is_number), evaluate=False)
        tex = rf"\left|{{{self._print(arg)}}}\right|"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_MatAdd(self, expr: sp.MatAdd) -> str:
        terms = list(expr.args)
        # H - λI rather than -λI + H.
        negative = [t.as_coeff_mmul()[0].could_extract_minus_sign()
                    if hasattr(t, "as_coeff_mmul") else False for t in terms]
        if negative and negative[0] and not all(negative):
            first = negative.index(False)
            terms.insert(0, terms.pop(first))
            negative.insert(0, negative.pop(first))
        tex = ""
        for i, (term, minus) in enumerate(zip(terms, negative)):
            if i and minus:
                tex += " - " + self._print(-term)
            elif i:
                tex += " + " + self._print(term)
            else:
                tex += self._print(term)
        return tex

    def _print_Determinant(self, expr: sp.Determinant, exp: str | None = None) -> str:
        tex = rf"\det\left({self._print(expr.arg)}\right)"
        return f"{tex}^{{{exp}}}" if exp is not None else tex

    def _print_Identity(self, expr: sp.Identity) -> str:
        return "I"

    def _print_ElementwiseApplyFunction(self, expr: sp.MatrixExpr) -> str:
        fn = expr.function
        if isinstance(fn, sp.Lambda) and len(fn.variables) == 1 and \
                isinstance(fn.expr, sp.Function) and fn.expr.args == fn.variables:
            fn = fn.expr.func  # d ↦ log(d) is just log
        if isinstance(fn, sp.FunctionClass):
            name = fn.__name__
            head = "\\" + name if name in ("log", "exp", "sin", "cos", "tanh") else \
                ("\\sigma" if name == "sigmoid" else name_to_latex(name))
            return head + _parens(self._print(expr.expr))
        return super()._print_ElementwiseApplyFunction(expr)

    def _print_OneMatrix(self, expr: sp.OneMatrix) -> str:
        rows, cols = expr.shape
        return r"\mathbf{1}^{\top}" if rows == 1 and cols != 1 else r"\mathbf{1}"

    def _print_And(self, expr: sp.And) -> str:
        # Bounds on one symbol print as a chain: 0 < α < 1/2, 0 ≤ β < 1.
        lower: dict = {}
        upper: dict = {}
        rest = []
        for arg in expr.args:
            rel = arg.reversed if isinstance(arg, (sp.StrictGreaterThan, sp.GreaterThan)) \
                else arg
            if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
                op = "<" if isinstance(rel, sp.StrictLessThan) else r"\le"
                if rel.rhs.is_Symbol and rel.rhs not in lower:
                    lower[rel.rhs] = (rel.lhs, op)
                    continue
                if rel.lhs.is_Symbol and rel.lhs not in upper:
                    upper[rel.lhs] = (rel.rhs, op)
                    continue
            rest.append(arg)
        parts = []
        for sym in sorted(set(lower) | set(upper), key=sp.default_sort_key):
            text = self._print(sym)
            if sym in lower:
                text = f"{self._print(lower[sym][0])} {lower[sym][1]} {text}"
            if sym in upper:
                text = f"{text} {upper[sym][1]} {self._print(upper[sym][0])}"
            parts.append(text)
        parts += [self._print(a) for a in rest]
        return r",\quad ".join(parts)

    def _print_Transpose(self, expr: sp.Transpose) -> str:
        arg = expr.arg
        inner = self._print(arg)
        if not isinstance(arg, (sp.MatrixSymbol, sp.Symbol)):
            inner = rf"\left({inner}\right)"
        return rf"{inner}^{{\top}}"

    def _print_Inverse(self, expr: sp.Inverse) -> str:
        inner = self._print(expr.arg)
        if not isinstance(expr.arg, (sp.MatrixSymbol, sp.Symbol)):
            inner = rf"\left({inner}\right)"
        return rf"{inner}^{{-1}}"

    def _print_MatMul(self, expr: sp.MatMul) -> str:
        args = list(expr.args)
        # ½ dᵀHd: a leading number needs no parentheses.
        if args and args[0].is_Rational and not args[0].could_extract_minus_sign():
            rest = sp.MatMul(*args[1:], evaluate=False) if len(args) > 2 else args[1]
            return f"{self._print(args[0])} {self._print(rest)}"
        return super()._print_MatMul(expr)

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        if isinstance(expr, AppliedUndef) and expr.func.__name__ == "E":
            args = ", ".join(self._print(a) for a in expr.args)
            return rf"\mathbb{{E}}[{args}]"
        if isinstance(expr, AppliedUndef):
            args = ", ".join(self._print(a) for a in expr.args)
            name = name_to_latex(expr.func.__name__)
            head = name if exp is None else f"{name}^{{{exp}}}"
            return head + _parens(args)
        return super()._print_Function(expr, exp)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        variables = expr.variable_count
        inner = expr.expr
        # f'(x), f''(x): an undefined function of one argument, differentiated in it.
        if (isinstance(inner, AppliedUndef) and len(inner.args) == 1 and len(variables) == 1
                and variables[0][0] == inner.args[0]
                and not isinstance(variables[0][0], sp.MatrixSymbol)):
            order = int(variables[0][1])
            name = name_to_latex(inner.func.__name__)
            mark = "'" * order if order <= 3 else f"^{{({order})}}"
            return name + mark + _parens(self._print(inner.args[0]))
        # ∇_w L: a scalar differentiated by a column vector (matrix calculus).
        if len(variables) == 1 and isinstance(variables[0][0], sp.MatrixSymbol):
            wrt, order = variables[0]
            op = rf"\nabla_{{{self._print(wrt)}}}"
            if order == 2:
                op = rf"\nabla^{{2}}_{{{self._print(wrt)}}}"
            body = self._print(inner)
            if not isinstance(inner, (sp.Symbol, sp.MatrixSymbol, AppliedUndef)):
                body = rf"\left({body}\right)"
            return f"{op} {body}"
        return super()._print_Derivative(expr)

    def _print_Mul(self, expr: sp.Mul) -> str:
        if _unevaluated(expr):
            # The factors in the order the builder wrote them; only this product is
            # reordered, not the expressions inside it.
            args = list(expr.args)
            sign = ""
            if args and args[0] == -1:
                sign, args = "- ", args[1:]
            from sympy.printing.precedence import PRECEDENCE

            tex = ""
            for i, a in enumerate(args):
                if i:  # two numbers side by side need a dot: 4 · 2/5
                    tex += r" \cdot " if args[i - 1].is_number and a.is_number else " "
                tex += self.parenthesize(a, PRECEDENCE["Mul"], strict=True)
            return sign + tex
        return super()._print_Mul(expr)

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        # A sum built with evaluate=False keeps the order its builder chose.
        order = "none" if _unevaluated(expr) else order
        terms = list(self._as_ordered_terms(expr, order=order))
        # Textbooks lead with a positive term: x - αg rather than -αg + x.
        if terms and _negative(terms[0]):
            for i, term in enumerate(terms):
                if not _negative(term):
                    terms.insert(0, terms.pop(i))
                    break
        tex = ""
        for i, term in enumerate(terms):
            if i == 0:
                pass
            elif _negative(term):
                tex += " - "
                term = -term
            else:
                tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = rf"\left({term_tex}\right)"
            tex += term_tex
        return tex


def _parens(inner: str) -> str:
    """(x_k) for a simple argument, \\left(…\\right) around tall ones."""
    tall = any(t in inner for t in (r"\frac", r"\begin", r"\sum", r"\sqrt"))
    return rf"\left({inner}\right)" if tall else f"({inner})"


def _unevaluated(expr: sp.Expr) -> bool:
    try:
        return expr.func(*expr.args).args != expr.args
    except (TypeError, ValueError):
        return False


def _negative(term: sp.Expr) -> bool:
    return term.could_extract_minus_sign() if isinstance(term, sp.Expr) else False


def latex(expr: object, **settings: object) -> str:
    """``expr`` as textbook LaTeX (see :class:`TextbookLatexPrinter`).

    >>> import sympy as sp
    >>> from symopt.printing import latex
    >>> latex(sp.Matrix([[1, 0], [0, 4]]))
    '\\\\begin{bmatrix}1 & 0\\\\\\\\0 & 4\\\\end{bmatrix}'
    >>> f, x = sp.Function("f"), sp.IndexedBase("x")
    >>> k = sp.Symbol("k", integer=True)
    >>> latex(sp.Derivative(f(x[k]), x[k], 2))
    "f''(x_{k})"
    """
    return TextbookLatexPrinter(dict(settings)).doprint(expr)
