"""Hostile and malformed inputs for the command line, by class (docs/security.md).

Each case is ``Case(id, argv, expect, files)``: ``argv`` after ``symopt``; ``files``
maps names to contents (bytes or text) written to a fresh directory first, and
``{dir}`` in ``argv`` stands for that directory. ``expect`` is ``"error"`` (exit 2
with one error line, no traceback), ``("ok", text)`` (exit 0 and ``text`` in the
output: the right answer, from a hand derivation) or ``("exit", codes, text)`` (a
claims file refused claim by claim: a report and exit 2).
The ``smoke`` cases run in the fast suite; all of them run under ``-m slow``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The code a hostile input would like to run (it must never run).
PAYLOADS = [
    "__import__('os').system('touch PWNED')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "exec('import os')",
    "eval('1')",
    "open('/etc/passwd')",
    "lambda: 1",
    "[c for c in ()]",
    "x if x else x",
    "f'{x}'",
    "b'x'",
    "x; import os",
    "x\nimport os",
    "globals()",
    "getattr(x, 'y')",
    "Symbol('x')",
    "sympify('x')",
    "x.subs(x, 1)",
    "(lambda: 1)()",
    "x @ x",
    "x := 1",
    "not x",
    "x and y",
    "x[1:2]",
    "{'a': 1}",
    "{1, 2}",
    "*x",
    "x(**y)",
    "f(x=1)",
    "__builtins__",
]

LATEX_PAYLOADS = [
    r"\input{/etc/passwd}",
    r"\include{x}",
    r"\immediate\write18{touch PWNED}",
    r"\def\x{1} \x",
    r"\catcode`\@=11",
    r"\newcommand{\x}{1}",
    r"\csname x\endcsname",
    r"\openin5=/etc/passwd",
    r"\frac{1}{",
    r"\frac{1}",
    r"x^{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}",
    r"\left( x",
    r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}",
    r"\sum_{i=1}^{10^9} i",
    r"\prod_{i=1}^{n} i",
    r"\int_0^1 x dx",
    r"\sqrt{10}^{10^9}",
    r"\exp(10^9 \ln 10)",
    r"\sqrt[3]{2}^{3 \cdot 10^9}",
    r"$$x^2$$ $y$",
    r"\mathrm{__import__}(x)",
    r"\operatorname{exec}(x)",
    r"\verb|x|",
    r"\url{http://x}",
    r"\x",
]

HUGE = [
    "10**10**10",
    "9**9**9**9",
    "sqrt(10)**(10**9)",
    "exp(10**9*log(10))",
    "cbrt(2)**(3*10**9)",
    "E**(10**9*log(10))",
    "1.0000001**(10**9)",
    "factorial(10**6)",
    "factorial(factorial(10))",
    "2**(2**(2**(2**(2**5))))",
    "(" * 60 + "x" + ")" * 60,
    "-" * 3000 + "x",
    "x" + "+x" * 3000,
    "1" * 6000,
    "x**2 + " * 900 + "1",
    "[[" + ",".join(["1"] * 800) + "]]",
    "1e999999",
    "0.1e-99999",
    "sinh(10**9*log(10))",
    "x**(10**10**10)",
]

#: Hyperparameter values that must not reach a compiled kernel.
HP_VALUES = ["x", "g", "t", "p", "b", "np", "numpy", "print", "_w", "__import__",
             "nan", "inf", "-inf", "NaN", "Infinity", "1/10**400", "10**400", "I", "sqrt(-1)",
             "zoo", "oo", "0", "-1", "alpha", "x + 1", "exp(x)", "'a'", "", "1e-400",
             "__import__('os').system('touch PWNED')"]

TIMEOUTS = ["0", "-1", "nan", "inf", "-inf", "1e9", "1e309", "abc", "3601"]

_CLAIM = '[[claims]]\nkind = "gradient"\nproblem = {objective = "x**2"}\nstated = "[2*x]"\n'
_OK = "[problems.p]\nobjective = \"x**2\"\n" + _CLAIM.replace('{objective = "x**2"}', '"p"')

#: Claims files whose layout or field types are wrong (each must be refused, exit 2).
BAD_FILES = {
    "problems-text": 'problems = "abc"\n' + _CLAIM,
    "methods-number": "methods = 5\n" + _CLAIM,
    "claims-numbers": "claims = [1, 2]\n",
    "source-list": "source = [1, 2]\n" + _CLAIM,
    "title-number": "title = 3\n" + _CLAIM,
    "assumptions-text": '[problems.p]\nobjective = "x**2"\nassumptions = "positive"\n'
                        + _CLAIM,
    "hyperparameters-list": _CLAIM + "hyperparameters = [1, 2]\n",
    "method-hyperparameters-list": '[methods.m]\nname = "gd"\nhyperparameters = [1]\n' + _CLAIM,
    "timeout-zero": "timeout = 0\n" + _CLAIM,
    "timeout-negative": "timeout = -1\n" + _CLAIM,
    "timeout-nan": "timeout = nan\n" + _CLAIM,
    "timeout-inf": "timeout = inf\n" + _CLAIM,
    "timeout-huge": "timeout = 1e9\n" + _CLAIM,
    "timeout-text": 'timeout = "5"\n' + _CLAIM,
    "claim-timeout-zero": _CLAIM + "timeout = 0\n",
    "claim-timeout-nan": _CLAIM + "timeout = nan\n",
    "expect-text": _CLAIM + 'expect = "yes"\n',
    "steps-float": _CLAIM + "steps = 1.5\n",
    "unknown-top": "frobnicate = 1\n" + _CLAIM,
    "unknown-claim-key": _CLAIM + "frobnicate = 1\n",
    "no-claims": 'title = "x"\n',
    "empty": "",
    "not-toml": "this is not toml [[[",
    "objective-code": '[[claims]]\nkind = "gradient"\nproblem = {objective = '
                      '"__import__(\'os\').system(\'touch PWNED\')"}\nstated = "[1]"\n',
    "stated-code": _CLAIM.replace('"[2*x]"', '"().__class__"'),
    "objective-table": '[[claims]]\nkind = "gradient"\nproblem = {objective = {a = 1}}\n'
                       'stated = "[1]"\n',
    "variables-number": '[[claims]]\nkind = "gradient"\nproblem = {objective = "x**2", '
                        'variables = 5}\nstated = "[1]"\n',
    "kind-unknown": _CLAIM.replace('"gradient"', '"frobnicate"'),
    "kind-number": _CLAIM.replace('"gradient"', "5"),
    "duplicate-id": _CLAIM + 'id = "a"\n' + _CLAIM + 'id = "a"\n',
    "huge-objective": _CLAIM.replace('"x**2"', '"sqrt(10)**(10**9)"'),
    "deep-objective": _CLAIM.replace('"x**2"', '"' + "(" * 80 + "x" + ")" * 80 + '"'),
}

BINARY_FILES = {
    "invalid-utf8": b"\xff\xfe\x00title = 1\n",
    "nul-bytes": b"title = \"a\x00b\"\n",
    "latin1": "title = \"caf\xe9\"\n".encode("latin-1"),
}


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    expect: object = "error"
    files: dict = field(default_factory=dict)
    smoke: bool = False


def _cases() -> list[Case]:
    cases: list[Case] = []
    add = cases.append
    # -- user text reaching code: the parser, through several commands
    for i, text in enumerate(PAYLOADS):
        add(Case(f"text-derive-{i}", ("derive", text), smoke=i == 0))
    for i, text in enumerate(PAYLOADS[:10]):
        add(Case(f"text-kkt-constraint-{i}", ("kkt", "x**2", "--subject-to", text)))
        add(Case(f"text-analyze-hp-{i}", ("analyze", "x**2", "--method", "gd", "--hp",
                                          f"alpha={text}")))
    for i, text in enumerate(LATEX_PAYLOADS):
        add(Case(f"latex-{i}", ("derive", text), ))
    # -- hyperparameter values reaching generated source
    for value in HP_VALUES:
        add(Case(f"hp-alpha={value}", ("compile", "gd", "--hp", f"alpha={value}"),
                 smoke=value == "x"))
    for value in ("g", "x", "np", "print", "nan"):
        add(Case(f"hp-beta={value}", ("compile", "heavy_ball", "--hp", "alpha=0.1", "--hp",
                                      f"beta={value}"), ))
    for value in ("x", "nan", "1e-50"):
        add(Case(f"hp-float32-{value}", ("compile", "gd", "--dtype", "float32", "--hp",
                                         f"alpha={value}")))
    for backend in ("numba", "numexpr"):
        add(Case(f"hp-{backend}-x", ("compile", "gd", "--backend", backend, "--hp", "alpha=x")))
    for name in ("__import__('os')", "gd; rm -rf", "../gd", "", "GD" * 1000, "x"):
        add(Case(f"method-name-{name[:20]}", ("compile", name, "--hp", "alpha=0.1")))
    for option, value in (("--backend", "os.system"), ("--backend", "python"),
                          ("--dtype", "object"), ("--dtype", "float16"), ("--dtype", "int64"),
                          ("--dtype", "__import__('os')")):
        add(Case(f"compile{option}={value}", ("compile", "gd", option, value, "--hp",
                                              "alpha=0.1")))
    for value in ("alpha", "=0.1", "alpha==0.1", "nope=1", "alpha=0.1=2"):
        add(Case(f"hp-form-{value}", ("compile", "gd", "--hp", value)))
    # -- sizes
    for i, text in enumerate(HUGE):
        add(Case(f"huge-{i}", ("derive", text), smoke=i == 3))
    # -- time limits
    for value in TIMEOUTS:
        add(Case(f"timeout-check-{value}", ("check", "{dir}/ok.toml", "--timeout", value),
                 files={"ok.toml": _OK}, smoke=value == "0"))
        add(Case(f"timeout-kkt-{value}", ("kkt", "x**2", "--subject-to", "x >= 1",
                                          "--timeout", value)))
        add(Case(f"timeout-prove-{value}", ("prove", "{dir}", "--no-docs", "--timeout",
                                            value), files={"a.toml": _OK}))
    # -- files
    for name, text in BAD_FILES.items():
        # refused as a whole (one error line) or claim by claim (a report, exit 2)
        add(Case(f"file-{name}", ("check", "{dir}/c.toml"), ("exit", (2,), ""),
                 files={"c.toml": text},
                 ))
    for name, data in BINARY_FILES.items():
        add(Case(f"file-{name}", ("check", "{dir}/c.toml"), files={"c.toml": data},
                 ))
    add(Case("file-directory", ("check", "{dir}"), files={"ok.toml": _OK}))
    add(Case("file-missing", ("check", "{dir}/missing.toml")))
    add(Case("file-newline-name", ("check", "{dir}/a\ntitle = 'x'\n" + _CLAIM)))
    add(Case("file-dev-null", ("check", "/dev/null")))
    add(Case("tex-directory", ("derive", "x**2", "--tex", "{dir}")))
    add(Case("tex-missing-dir", ("derive", "x**2", "--tex", "{dir}/no/such/a.tex")))
    add(Case("tex-pdf-without-tex", ("derive", "x**2", "--pdf")))
    for name, path in (("directory", "{dir}"), ("missing-dir", "{dir}/no/a.png"),
                       ("format", "{dir}/a.xyz")):
        add(Case(f"plot-{name}", ("analyze", "x**2", "--method", "gd", "--plot", path)))
    add(Case("prove-missing-dir", ("prove", "{dir}/nope", "--no-docs")))
    add(Case("prove-bad-toml", ("prove", "{dir}", "--no-docs"),
             files={"a.toml": "source = [1, 2]\n" + _CLAIM}))
    add(Case("prove-invalid-utf8", ("prove", "{dir}", "--no-docs"),
             files={"a.toml": b"\xff\xfe"}))
    # -- silently wrong before: the right answer must come out (hand derivations)
    add(Case("right-periodic-stationary", ("derive", "sin(x)*cos(y)", "--json"),
             ("ok", "infinitely many"), smoke=True))
    add(Case("right-t-is-real", ("derive", "(t - 0.5)**2", "--json"), ("ok", '"t": "1/2"')))
    add(Case("right-alpha-is-real", ("derive", "(alpha + 1)**2", "--json"),
             ("ok", '"alpha": "-1"')))
    add(Case("right-n-is-real", ("derive", "(n - 0.25)**2", "--json"), ("ok", '"n": "1/4"')))
    add(Case("right-quadratic", ("derive", "x**2 + 4*y**2", "--json"), ("ok", '"mu"')))
    add(Case("right-compile-gd", ("compile", "gd", "--hp", "alpha=0.1"), ("ok", "_c0")))
    add(Case("right-compile-expression", ("compile", "heavy_ball", "--hp", "alpha=0.1",
                                          "--hp", "beta=9*alpha"), ("ok", "step_kernel")))
    add(Case("right-kkt", ("kkt", "x**2", "--subject-to", "x >= 1", "--json"),
             ("ok", '"1"')))
    add(Case("right-check", ("check", "{dir}/ok.toml"), ("ok", "1 true"),
             files={"ok.toml": _OK}))
    # -- usage errors
    for argv in (("frobnicate",), ("derive",), ("derive", "x", "--nope"),
                 ("analyze", "x**2"), ("kkt",), ("check",), ("compile",)):
        add(Case(f"usage-{'-'.join(argv)}", argv))
    return cases


CASES = _cases()
