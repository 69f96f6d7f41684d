"""Claims files (TOML; the format is documented in docs/claims-format.md).

A file that is not valid TOML, or whose layout is wrong, is a
:class:`~symopt.errors.ParseError`. A single claim that cannot be read (an
unknown key, a missing problem) becomes an :class:`Entry` carrying the error,
reported as such while the other claims are still checked.

>>> f = load_claims('''
... [problems.p]
... objective = "x**2"
... [[claims]]
... id = "grad"
... kind = "gradient"
... problem = "p"
... stated = "[2*x]"
... [[claims]]
... id = "typo"
... kind = "gradient"
... problem = "q"
... stated = "[2*x]"
... ''')
>>> [(e.id, e.error) for e in f.entries]
[('grad', None), ('typo', "unknown problem 'q' (the file defines: p)")]
>>> [v.status for v in check_file(f)]
['true', 'error']
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from symopt.claims.claim import Claim, MethodSpec, ProblemSpec, Verdict, check
from symopt.errors import ParseError, SymoptError
from symopt.shapes import Shapes
from symopt.timeout import check_seconds, reuse_workers

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["SCHEMA", "ClaimsFile", "Entry", "check_fields", "check_file", "load_claims"]

_CLAIM_KEYS = {f.name for f in fields(Claim)}
_PROBLEM_KEYS = {"objective", "variables", "constraints", "assumptions", "description", "name",
                 "shapes"}
_METHOD_KEYS = {"name", "hyperparameters", "description", "options"}
_TOP_KEYS = {"title", "source", "timeout", "problems", "methods", "claims", "description"}


@dataclass(frozen=True)
class Entry:
    """One ``[[claims]]`` entry: the claim, or the error that kept it from being read."""

    id: str
    kind: str
    claim: Claim | None
    error: str | None = None
    expect: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class ClaimsFile:
    """A loaded claims file."""

    title: str
    entries: tuple[Entry, ...]
    path: str = ""
    timeout: float | None = None


def _text(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ParseError(f"{where} must be text or a number, got {value!r}")
    return value if isinstance(value, str) else repr(value)


_NUMBER = (int, float)
_TEXT_OR_NUMBER = (str, int, float)
#: The TOML type of each field, by table (claims files and the catalogue's TOML files).
SCHEMA: dict[str, dict[str, tuple[type, ...]]] = {
    "file": {"title": (str,), "source": (str, Mapping), "timeout": _NUMBER,
             "problems": (Mapping,), "methods": (Mapping,), "claims": (list,),
             "description": (str,)},
    "problem": {"objective": _TEXT_OR_NUMBER, "variables": (list,), "constraints": (list,),
                "assumptions": (Mapping,), "description": (str,), "name": (str,),
                "shapes": (Mapping,)},
    "method": {"name": (str,), "hyperparameters": (Mapping,), "description": (str,),
               "options": (Mapping,)},
    "claim": {"id": (str,), "kind": (str,), "note": (str,), "expect": (bool,),
              "source": (str, Mapping), "timeout": _NUMBER, "problem": (str, Mapping),
              "method": (str, Mapping), "hyperparameters": (Mapping,),
              "assumptions": (Mapping,), "rename": (Mapping,), "steps": (int,),
              "rounding": (int,), "significant": (int,), "tolerance": _NUMBER,
              "rel_tolerance": _NUMBER, "where": (str,), "coordinate": (str,),
              "unknowns": (list,), "parameter": (str, list),
              "function_class": (str,), "L": _TEXT_OR_NUMBER, "mu": _TEXT_OR_NUMBER,
              "N": (int, str), "measure": (str,), "initial": (str, Mapping),
              "losses": (list,), "feasible": (list,), "order": (int, str),
              "shapes": (Mapping,)},
}
_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", Mapping: "a table"}


def _type_name(value: object) -> str:
    for kind in (bool, str, int, float, list, Mapping):
        if isinstance(value, kind):
            return _TYPE_NAMES[kind]
    return type(value).__name__


def check_fields(label: str, table: object, kind: str) -> None:
    """``table`` is a TOML table whose fields have the types :data:`SCHEMA` gives for ``kind``.

    The message names the field, the expected type and the type found.

    >>> check_fields("[[claims]] 1", {"kind": "gradient", "expect": "yes"}, "claim")
    Traceback (most recent call last):
    ...
    symopt.errors.ParseError: [[claims]] 1: expect must be true or false, got text
    """
    if not isinstance(table, Mapping):
        raise ParseError(f"{label} must be a table, got {_type_name(table)}")
    for key, kinds in SCHEMA[kind].items():
        if key not in table:
            continue
        value = table[key]
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            expected = " or ".join(dict.fromkeys(
                "a number" if k in _NUMBER and float in kinds else _TYPE_NAMES[k] for k in kinds))
            raise ParseError(f"{label}: {key} must be {expected}, got {_type_name(value)}")


def _check_table(label: str, table: object, allowed: set[str], kind: str) -> None:
    """``table`` is a TOML table whose keys are all in ``allowed``, of the schema's types."""
    check_fields(label, table, kind)
    unknown = set(table) - allowed
    if unknown:
        raise ParseError(f"{label} has unknown key {sorted(unknown)[0]!r}; allowed: "
                         f"{', '.join(sorted(allowed))}")


def _problem(name: str, table: object) -> ProblemSpec:
    _check_table(f"[problems.{name}]", table, _PROBLEM_KEYS, "problem")
    if "objective" not in table:
        raise ParseError(f"[problems.{name}] needs an objective")
    variables = table.get("variables")
    if variables is not None and (not isinstance(variables, list) or
                                  not all(isinstance(v, str) for v in variables)):
        raise ParseError(f"[problems.{name}] variables must be a list of names")
    constraints = table.get("constraints", [])
    if not isinstance(constraints, list):
        raise ParseError(f"[problems.{name}] constraints must be a list")
    shapes = dict(table.get("shapes", {}))
    try:
        Shapes.from_mapping(shapes)  # validated here; kept as plain data for the workers
    except ParseError as exc:
        raise ParseError(f"[problems.{name}] shapes: {exc.reason}") from None
    return ProblemSpec(_text(table["objective"], f"[problems.{name}] objective"),
                       tuple(variables) if variables else None,
                       tuple(_text(c, f"[problems.{name}] constraint") for c in constraints),
                       dict(table.get("assumptions", {})), name, shapes)


def _method(name: str, table: object) -> MethodSpec:
    _check_table(f"[methods.{name}]", table, _METHOD_KEYS, "method")
    hyper = table.get("hyperparameters", {})
    if not isinstance(hyper, Mapping):
        raise ParseError(f"[methods.{name}] hyperparameters must be a table")
    options = table.get("options", {})
    return MethodSpec(str(table.get("name", name)), dict(hyper), name, dict(options))


def _claim(raw: Mapping[str, Any], index: int, problems: dict, methods: dict,
           seed: str | None) -> Claim:
    if isinstance(raw, Mapping) and "class" in raw:  # a Python keyword: the field's name
        raw = {("function_class" if k == "class" else k): v for k, v in raw.items()}
    check_fields(f"[[claims]] {index + 1}", raw, "claim")
    unknown = set(raw) - _CLAIM_KEYS
    if unknown:
        raise ParseError(f"unknown key {sorted(unknown)[0]!r}")
    for key in ("kind", "stated"):
        if key not in raw:
            raise ParseError(f"missing key {key!r}")
    values = dict(raw)
    for key, table, label in (("problem", problems, "problem"), ("method", methods, "method")):
        if key in values:
            ref = values[key]
            if isinstance(ref, Mapping):
                values[key] = _problem(f"<claim {index}>", ref) if key == "problem" else \
                    _method(f"<claim {index}>", ref)
            elif ref in table:
                values[key] = table[ref]
            elif key == "method" and isinstance(ref, str):
                values[key] = MethodSpec(ref)  # a registry name used directly
            else:
                raise ParseError(f"unknown {label} {ref!r} (the file defines: "
                                 f"{', '.join(table) or 'none'})")
    source = values.get("source", {})
    if isinstance(source, str):
        source = {"quote": source}
    if not isinstance(source, Mapping):
        raise ParseError("source must be text or a table")
    if seed and "seed" not in source:
        source = {**source, "seed": seed}
    values["source"] = dict(source)
    if "expect" in values and not isinstance(values["expect"], bool):
        raise ParseError(f"expect must be true or false, got {values['expect']!r}")
    for key, kinds, what in (("steps", (int,), "a whole number"),
                             ("rounding", (int,), "a whole number of decimals"),
                             ("significant", (int,), "a whole number of digits"),
                             ("tolerance", (int, float), "a number"),
                             ("rel_tolerance", (int, float), "a number")):
        if key in values and (isinstance(values[key], bool) or
                              not isinstance(values[key], kinds) or values[key] < 0):
            raise ParseError(f"{key} must be {what} ≥ 0, got {values[key]!r}")
    if "timeout" in values:
        values["timeout"] = check_seconds(values["timeout"], "timeout")
    for key in ("unknowns",):
        if key in values:
            values[key] = tuple(values[key])
    if "parameter" in values and isinstance(values["parameter"], list):
        values["parameter"] = tuple(values["parameter"])
    values.setdefault("id", f"claim-{index + 1}")
    try:
        return Claim(**values)
    except TypeError as exc:
        raise ParseError(f"bad claim: {exc}") from None


def load_claims(source: str | Path) -> ClaimsFile:
    """Read a claims file from a path, or from TOML text (anything containing a newline)."""
    path = ""
    if isinstance(source, Path) or "\n" not in str(source):
        path = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise ParseError(f"cannot read {path!r}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise ParseError(f"{path!r} is not UTF-8 text (byte {exc.start})") from None
    else:
        text = str(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParseError(f"{path or 'claims file'} is not valid TOML: {exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ParseError(f"{path or 'claims file'}: unknown top-level key "
                         f"{sorted(unknown)[0]!r}; allowed: {', '.join(sorted(_TOP_KEYS))}")
    check_fields(path or "claims file", data, "file")
    problems = {name: _problem(name, t) for name, t in dict(data.get("problems", {})).items()}
    methods = {name: _method(name, t) for name, t in dict(data.get("methods", {})).items()}
    claims = data.get("claims")
    if not isinstance(claims, list) or not claims:
        raise ParseError(f"{path or 'claims file'} has no [[claims]]")
    seed = data.get("source") if isinstance(data.get("source"), str) else None
    entries, seen = [], set()
    for index, raw in enumerate(claims):
        ident = str(raw.get("id", f"claim-{index + 1}")) if isinstance(raw, Mapping) else \
            f"claim-{index + 1}"
        kind = str(raw.get("kind", "?")) if isinstance(raw, Mapping) else "?"
        expect = raw.get("expect") if isinstance(raw, Mapping) else None
        note = str(raw.get("note", "")) if isinstance(raw, Mapping) else ""
        try:
            if not isinstance(raw, Mapping):
                raise ParseError("a claim must be a table")
            if ident in seen:
                raise ParseError(f"duplicate id {ident!r}")
            claim = _claim(raw, index, problems, methods, seed)
            entries.append(Entry(ident, kind, claim, None, claim.expect, claim.note))
        except SymoptError as exc:
            entries.append(Entry(ident, kind, None, str(exc).splitlines()[0],
                                 expect if isinstance(expect, bool) else None, note))
        seen.add(ident)
    timeout = data.get("timeout")
    if timeout is not None:
        timeout = check_seconds(timeout, f"{path or 'claims file'}: timeout")
    return ClaimsFile(str(data.get("title", path)), tuple(entries), path, timeout)


def check_file(claims: ClaimsFile | str | Path, *, timeout: float | None = None,
               progress: Callable[[Entry, Verdict], None] | None = None) -> list[Verdict]:
    """Check every claim of a file; unreadable or failing claims do not stop the others."""
    loaded = claims if isinstance(claims, ClaimsFile) else load_claims(claims)
    if timeout is not None:
        timeout = check_seconds(timeout, "timeout")
    limit = timeout if timeout is not None else loaded.timeout
    verdicts = []
    with reuse_workers():  # one forked worker runs the claims in turn, each under its limit
        for entry in loaded.entries:
            if entry.claim is None:
                verdict = Verdict("error", f"cannot read the claim: {entry.error}",
                                  claim_id=entry.id, kind=entry.kind, expect=entry.expect,
                                  note=entry.note)
            else:
                try:
                    verdict = check(entry.claim, timeout=limit if entry.claim.timeout is None
                                    else entry.claim.timeout)
                except SymoptError as exc:
                    verdict = Verdict("error", str(exc).splitlines()[0], claim_id=entry.id,
                                      kind=entry.kind, expect=entry.expect, note=entry.note)
            verdicts.append(verdict)
            if progress is not None:
                progress(entry, verdict)
    return verdicts
