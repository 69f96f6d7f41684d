"""Derivations a textbook would print, every step machine-checked.

A :class:`Derivation` is an ordered list of :class:`Step` objects (statement +
justification). Equalities are verified when added (symbolically, else at
random 50-digit points); a false step raises :class:`DerivationError`.
Renderers: :meth:`Derivation.to_latex` (``align*``), :meth:`Derivation.to_markdown`
(``$$`` blocks) and :func:`document` / :func:`compile_pdf` (standalone .tex, PDF).

>>> import sympy as sp
>>> from symopt.derivation import Derivation
>>> from symopt.symbols import symbol
>>> w, alpha = symbol("w"), symbol("alpha")
>>> d = Derivation("One GD step on f = 2w^2")
>>> _ = d.equation(w - alpha * 4 * w, (1 - 4 * alpha) * w, "factor out $w$")
>>> print(d.to_latex())
\\begin{align*}
  w - 4 \\alpha w &= w \\left(1 - 4 \\alpha\\right) \\tag*{\\small factor out $w$}
\\end{align*}
"""

from symopt.derivation.core import Derivation, DerivationError, Step
from symopt.derivation.render import compile_pdf, document, text_to_latex

__all__ = ["Derivation", "DerivationError", "Step", "compile_pdf", "document", "text_to_latex"]
