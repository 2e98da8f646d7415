"""Options and helpers shared by the command modules (kept free of heavy imports)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dbarch.tools.sandbox import Sandbox
    from dbarch.tools.sql.source import SqlSource


def add_sandbox_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sandbox-dsn",
        metavar="DSN",
        help="a PostgreSQL server of yours to check on instead of the embedded one "
        "(its role needs CREATEDB; dbarch creates and drops its own scratch database). "
        "Default: $DBARCH_SANDBOX_DSN, else the embedded server",
    )


def add_input_args(parser: argparse.ArgumentParser, *, files: bool = True) -> None:
    if files:
        parser.add_argument("files", nargs="+", metavar="FILE", help="SQL files, or - for standard input")
    parser.add_argument("--dialect", default="postgres", type=dialect_arg,
                        help="SQL dialect of the input (default: postgres); an unknown name is an error")
    parser.add_argument(
        "--max-bytes", type=int, default=None, metavar="N", help="largest input accepted (default 8 MiB)"
    )


def dialect_arg(name: str) -> str:
    """``--dialect``/``--to``: the canonical dialect name, or a usage error listing them."""
    from dbarch.tools.errors import UsageError
    from dbarch.tools.sql.dialects import normalize_dialect

    try:
        return normalize_dialect(name)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(f"{exc.message} ({exc.hint})") from None


def add_apply_args(parser: argparse.ArgumentParser, *, keep_going: bool = True) -> None:
    """Options of commands that apply SQL in the sandbox: psql variables, keep going, engine."""
    parser.add_argument(
        "--set", "-v", action="append", default=[], metavar="NAME=VALUE", dest="set_vars",
        help="a psql variable for :NAME, :'NAME', :\"NAME\" in the SQL (repeatable; like psql -v); "
        "unset names fall back to the environment",
    )
    if keep_going:
        parser.add_argument("--keep-going", action="store_true",
                            help="apply every statement that can be, reporting each failure (default: "
                            "stop at the first)")
    parser.add_argument("--engine", choices=("embedded", "system"), default="embedded",
                        help="embedded: the bundled PostgreSQL 18 (no PostGIS, ICU, libxml, pgcrypto); "
                        "system: a PostgreSQL installed on this machine")


def psql_vars(args: argparse.Namespace) -> dict[str, str]:
    """psql variables from the environment and ``--set`` (the entry point reads the environment)."""
    import os

    from dbarch.tools.sql.variables import psql_variables

    return psql_variables(os.environ, getattr(args, "set_vars", None) or [])


def make_sandbox(args: argparse.Namespace) -> Sandbox:
    """The sandbox the options ask for, closed at exit and on SIGTERM (the command's process
    owns it: use it as a context manager)."""
    from dbarch.tools.sandbox import Sandbox, SandboxSettings

    settings = SandboxSettings(engine=getattr(args, "engine", None) or "embedded")
    if getattr(args, "sandbox_dsn", None):
        settings = SandboxSettings(dsn=args.sandbox_dsn)
    sandbox = Sandbox(settings)
    sandbox.install_exit_hooks()
    return sandbox


def read_sources(args: argparse.Namespace) -> list[SqlSource]:
    from dbarch.tools.sql.source import DEFAULT_MAX_BYTES, read_sql

    limit = args.max_bytes or DEFAULT_MAX_BYTES
    return [read_sql(path, max_bytes=limit, limit_option="--max-bytes") for path in args.files]


def print_json(value: Any, type_: Any = None) -> None:
    """``value`` in its one JSON form (:mod:`dbarch.tools.jsonform`) on standard output."""
    from dbarch.tools.jsonform import to_json

    sys.stdout.write(to_json(value, type_) + "\n")
