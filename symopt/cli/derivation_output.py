"""Output of ``symopt derive ... --method | --latex | --markdown | --tex [--pdf]``.

>>> from symopt import Problem
>>> print_derivations(Problem("2*w**2"), "gd", latex=True)  # doctest: +ELLIPSIS
% Gradient descent on $f = 2 w^{2}$
\\begin{align*}
...
"""

from __future__ import annotations

from pathlib import Path

from symopt.errors import SymoptError
from symopt.problem import Problem


def print_derivations(problem: Problem, method: str | None, *, latex: bool = False,
                      markdown: bool = False, tex: str | None = None,
                      pdf: bool = False, as_json: bool = False) -> None:
    """Build the checked derivations and print or write them in the chosen formats."""
    from symopt.derivation import compile_pdf, document
    from symopt.derivations import derivations_for

    if latex and markdown:
        raise SymoptError("choose one of --latex and --markdown")
    if pdf and not tex:
        raise SymoptError("--pdf needs --tex PATH (the PDF is written next to it)")
    derivations = derivations_for(problem, method)
    if tex:
        path = Path(tex)
        source = document(derivations, title=None if len(derivations) == 1 else
                          "Derivations by symopt")
        try:
            path.write_text(source, encoding="utf-8")
        except OSError as exc:
            raise SymoptError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
        print(f"wrote {path}")
        if pdf:
            out, problems = compile_pdf(source, path.with_suffix(".pdf"))
            print(f"wrote {out}" + (f" ({len(problems)} log warnings)" if problems else ""))
    if as_json:
        import json

        print(json.dumps([d.as_dict() for d in derivations], indent=2, ensure_ascii=False))
    elif markdown:
        print("\n".join(d.to_markdown() for d in derivations))
    elif latex or not tex:
        for d in derivations:
            print(f"% {d.title}")
            print(d.to_latex())
            print(f"% {d.summary()}")
