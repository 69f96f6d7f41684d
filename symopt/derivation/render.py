"""Rendering derivations: LaTeX ``align*``, Markdown with ``$$`` blocks, a .tex document.

Only steps that passed their check exist in a :class:`Derivation`, so rendering
never has to decide truth; it prints unverified inequalities with the mark
"stated, not verified" and ends with a line saying how every step was checked.

>>> import sympy as sp
>>> from symopt.derivation import Derivation
>>> from symopt.symbols import symbol
>>> a = symbol("alpha")
>>> d = Derivation("Step").equation(1 - 4 * a + 4 * a, sp.S.One, "cancel $4\\\\alpha$")
>>> print(d.to_latex())
\\begin{align*}
  1 &= 1 \\tag*{\\small cancel $4\\alpha$}
\\end{align*}
>>> text_to_latex("|1 − αλ| < 1 & 50%")
'|1 $-$ $\\\\alpha$$\\\\lambda$| < 1 \\\\& 50\\\\%'
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from symopt.errors import SymoptError
from symopt.printing import latex

__all__ = ["compile_pdf", "document", "summary", "text_to_latex", "to_latex", "to_markdown"]

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_UNICODE = {
    "−": "$-$", "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "→": r"$\to$", "⇒": r"$\Rightarrow$",
    "⇔": r"$\iff$", "∇": r"$\nabla$", "²": "$^2$", "³": "$^3$", "ᵀ": r"$^\top$", "∞": r"$\infty$",
    "·": r"$\cdot$", "∈": r"$\in$", "≈": r"$\approx$", "×": r"$\times$", "½": r"$\tfrac12$",
    "′": "'", "–": "--", "—": "---", "‖": r"$\|$", "√": r"$\surd$", "∂": r"$\partial$",
    "₀": "$_0$", "₁": "$_1$", "₂": "$_2$", "ᵗ": "$^t$", "ᵏ": "$^k$", "…": r"\dots{}",
    "’": "'", "“": "``", "”": "''", "Σ": r"$\Sigma$", "ŷ": r"$\hat y$", "∑": r"$\sum$",
}
_GREEK_UNICODE = dict(zip(
    "αβγδεζηθικλμνξπρστφχψωΓΔΘΛΞΠΣΦΨΩ",
    ("alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma "
     "tau phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega").split(),
))


def text_to_latex(text: str) -> str:
    """Prose (with optional ``$...$`` math) as LaTeX text: specials escaped, Unicode mapped.

    Raises :class:`~symopt.errors.SymoptError` for a character pdflatex cannot typeset.
    """
    parts = text.split("$")
    if len(parts) % 2 == 0:
        raise SymoptError(f"unbalanced $ in {text!r}")
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"${part}$")
            continue
        chunk = "".join(_TEXT_ESCAPES.get(c, c) for c in part)
        chunk = re.sub(r'"([^"]*)"', r"``\1''", chunk)  # typographic quotes
        chunk = "".join(_UNICODE.get(c, c) for c in chunk)
        chunk = "".join(rf"$\{_GREEK_UNICODE[c]}$" if c in _GREEK_UNICODE else c for c in chunk)
        bad = sorted({c for c in chunk if ord(c) > 127})
        if bad:
            raise SymoptError(f"cannot typeset {''.join(bad)!r} in {text!r}; write it as $...$")
        out.append(chunk)
    return "".join(out)


def _side(value: object) -> str:
    return "" if value is None else latex(value)


def _row(step, *, aligned: bool = True) -> tuple[str, str]:
    """(math, justification) of one step; the math has ``&`` before its relation."""
    amp = "&" if aligned else ""
    if step.relation == "":
        return f"{amp}{_side(step.lhs)}", step.justification
    relation = step.relation
    if relation in (r"\iff", r"\implies"):
        relation = r"\quad" + relation + r"\quad"
    left = _side(step.lhs)
    return f"{left} {amp}{relation} {_side(step.rhs)}", step.justification


def _justification(step) -> str:
    text = text_to_latex(step.justification)
    if step.stated_only:
        text += f" ({step.unverified_mark})"
    return text


def to_latex(derivation) -> str:
    """The steps as an ``align*`` block, justifications in a right-hand column."""
    lines: list[str] = []
    for step in derivation.steps:
        if step.kind == "note":
            lines.append(rf"  \intertext{{{text_to_latex(step.justification)}}}")
            continue
        math, _ = _row(step)
        # A tag sits at the right margin and moves below the formula when the line is full.
        lines.append(rf"  {math} \tag*{{\small {_justification(step)}}}")
    # Rows end with \\ except the last one and rows followed by \intertext.
    body = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        is_note = line.lstrip().startswith(r"\intertext")
        body.append(line if last or is_note else line + r" \\")
    return "\\begin{align*}\n" + "\n".join(body) + "\n\\end{align*}"


def summary(derivation) -> str:
    """How the steps were checked (one sentence)."""
    steps = [s for s in derivation.steps if s.kind not in ("definition", "assumption", "note")]
    symbolic = sum(1 for s in steps if s.verified and s.method in ("symbolic", "exact"))
    numeric = sum(1 for s in steps if s.verified and s.method == "numeric")
    stated = [i + 1 for i, s in enumerate(derivation.steps) if s.stated_only]
    parts = [f"{symbolic} proved symbolically"]
    if numeric:
        parts.append(f"{numeric} checked numerically at random points to 50 digits")
    text = f"Checked by symopt: of {len(steps)} derived steps, " + ", ".join(parts)
    if stated:
        text += f"; {len(stated)} not (fully) verified, marked as such"
    return text + "."


def to_markdown(derivation, *, heading: str = "###") -> str:
    """Markdown: a heading, then each step as a justification line and a ``$$`` block."""
    out = [f"{heading} {derivation.title}", ""]
    if derivation.intro:
        out += [derivation.intro, ""]
    previous_lhs: object = None
    for number, step in enumerate(derivation.steps, 1):
        if step.kind == "note":
            out += [step.justification, ""]
            continue
        math, _ = _row(step, aligned=False)
        if step.lhs is None and step.relation == "=":
            math = f"{_side(previous_lhs)} = {_side(step.rhs)}"
        elif step.relation == "=":
            previous_lhs = step.lhs
        mark = f" *({step.unverified_mark})*" if step.stated_only else ""
        out += [f"**{number}.** {step.justification}{mark}", "", "$$", math, "$$", ""]
    out += [f"*{summary(derivation)}*", ""]
    return "\n".join(out)


_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage[margin=2cm]{geometry}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""


def document(derivations: Sequence, *, title: str | None = None) -> str:
    """A standalone .tex document with one section per derivation."""
    body = [_PREAMBLE, r"\begin{document}"]
    if title:
        body.append(rf"\section*{{{text_to_latex(title)}}}")
    for d in derivations:
        heading = r"\subsection*{%s}" if title else r"\section*{%s}"
        body.append(heading % text_to_latex(d.title))
        if d.intro:
            body.append(text_to_latex(d.intro))
        body.append(to_latex(d))
        body.append(rf"{{\small\itshape {text_to_latex(summary(d))}\par}}")
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


_BAD_LOG = re.compile(r"^(!.*|.*Overfull \\hbox.*|.*Undefined control sequence.*|"
                      r"LaTeX Error.*|.*Missing .* inserted.*)$", re.MULTILINE)


def compile_pdf(tex: str, out: str | Path, *, timeout: float = 120) -> tuple[Path, list[str]]:
    """Compile a .tex source with pdflatex into ``out`` (a .pdf path).

    Returns the PDF path and the log lines worth a reader's attention (errors,
    overfull boxes). Raises :class:`~symopt.errors.SymoptError` when pdflatex is
    missing or fails.
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        raise SymoptError("pdflatex is not installed (Debian: texlive-latex-base "
                          "texlive-latex-extra texlive-fonts-recommended)")
    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "derivation.tex"
        source.write_text(tex, encoding="utf-8")
        try:
            run = subprocess.run(
                [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                 source.name],
                cwd=tmp, capture_output=True, text=True, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise SymoptError(f"pdflatex did not finish within {timeout:g} s") from None
        log_path = Path(tmp) / "derivation.log"
        log = log_path.read_text(errors="replace") if log_path.exists() else run.stdout
        problems = _BAD_LOG.findall(log)
        pdf = Path(tmp) / "derivation.pdf"
        if run.returncode != 0 or not pdf.exists():
            raise SymoptError("pdflatex failed: " + ("; ".join(problems[:3]) or run.stdout[-500:]))
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, out)
    return out, problems

