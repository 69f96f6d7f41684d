"""The ``symopt`` command line: ``symopt derive | prove | ...``.

Each command lives in its own module and registers itself on :data:`app`.
Errors a user can cause print one line and exit with code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer
from rich.console import Console
from rich.markup import escape

from symopt.errors import SymoptError

# Typer ≥ 0.29 vendors click and raises its own exception types.
_USAGE_ERRORS = (typer.TyperException,)
_ABORTS = (typer.Abort,)

app = typer.Typer(
    name="symopt",
    help="Derive and verify the mathematics of optimization algorithms with SymPy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

# Command modules register themselves on `app` when imported.
from symopt.cli import analyze, check, compile, derive, kkt, prove, read, verify  # noqa: E402, F401

#: Longest integer the CLI prints (symopt.parse.MAX_EXACT_DIGITS; 3000! has 9131 digits).
MAX_PRINTED_DIGITS = 20_000


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code (for tests and :func:`main`)."""
    if hasattr(sys, "set_int_max_str_digits") and 0 < sys.get_int_max_str_digits() \
            < MAX_PRINTED_DIGITS:
        sys.set_int_max_str_digits(MAX_PRINTED_DIGITS)
    try:
        result = app(args=list(argv) if argv is not None else None, standalone_mode=False)
    except _ABORTS:
        err_console.print("aborted")
        return 1
    except _USAGE_ERRORS as exc:
        if hasattr(exc, "show"):
            exc.show()
        return getattr(exc, "exit_code", 2)
    except SymoptError as exc:
        message = str(exc).splitlines()
        err_console.print(f"[bold red]error:[/] {escape(message[0])}", soft_wrap=True)
        for line in message[1:]:
            err_console.print(line, markup=False, soft_wrap=True)
        return 2
    except (RecursionError, MemoryError) as exc:
        err_console.print(f"[bold red]error:[/] the input is too large or nested too deeply "
                          f"({type(exc).__name__})", soft_wrap=True)
        return 2
    except Exception as exc:  # the promise: no traceback for any input
        if os.environ.get("SYMOPT_DEBUG"):
            raise
        text = escape(f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
        err_console.print(f"[bold red]error:[/] internal error ({text}); please report it "
                          "with the input (SYMOPT_DEBUG=1 shows the traceback)", soft_wrap=True)
        return 2
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
