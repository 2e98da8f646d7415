"""``dbarch check``: parse, lint and apply SQL on the sandbox; say exactly what fails and where."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING

from dbarch.agent.cli.common import (
    add_apply_args,
    add_input_args,
    add_sandbox_args,
    dialect_arg,
    make_sandbox,
    print_json,
    psql_vars,
    read_sources,
)

if TYPE_CHECKING:
    from dbarch.tools.check import CheckResult


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "check",
        help="parse, lint and apply SQL in a throwaway sandbox database",
        description="Parse SQL (line:col errors), build the schema model, lint it, and apply it "
        "statement by statement in a throwaway database of the sandbox PostgreSQL server. Several "
        "files are applied in order, as migrations on a database in use (--fresh: as one new "
        "database built from nothing). Exit 0 when clean, 1 when the schema "
        "has errors, 2 on usage or internal errors.",
    )
    add_input_args(p)
    add_sandbox_args(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--no-apply", action="store_true", help="parse and lint only; do not use the sandbox")
    p.add_argument("--no-lint", action="store_true", help="skip the lint rules")
    p.add_argument("--select", metavar="IDS", help="lint only these rule ids, families or id prefixes")
    p.add_argument("--ignore", metavar="IDS", help="comma-separated lint rule ids or families to skip")
    p.add_argument("--severity", choices=("info", "warning", "error"), help="report lint findings of this severity and above")
    p.add_argument("--assume-in-transaction", action="store_true",
                   help="the migration runner wraps each file in a transaction")
    p.add_argument("--fresh", action="store_true",
                   help="the files build a new database from nothing (an install script split into files), "
                   "not migrations on a database in use: tables an earlier file created are not live")
    p.add_argument("--to", metavar="DIALECT", type=dialect_arg,
                   help="also translate to DIALECT (mysql, sqlite, ...)")
    add_apply_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.agent.cli.lint import lint_config
    from dbarch.tools.check import check_sources
    from dbarch.tools.sql.dialects import normalize_dialect

    sources = read_sources(args)
    dialect = normalize_dialect(args.dialect)
    config = None if args.no_lint else lint_config(args)
    sandbox = None if args.no_apply or dialect != "postgres" else make_sandbox(args)
    with contextlib.ExitStack() as owned:
        if sandbox is not None:
            owned.enter_context(sandbox)
        result = check_sources(
            sources, dialect=dialect, sandbox=sandbox, apply=not args.no_apply, lint=not args.no_lint,
            lint_config=config, translate_to=args.to, keep_going=args.keep_going, variables=psql_vars(args),
            fresh=args.fresh,
        )
    if args.format == "json":
        print_json(result)
    else:
        print_text(result, {s.name: s.text for s in sources})
    return 0 if result.passed else 1


def print_text(result: CheckResult, texts: dict[str, str]) -> None:
    """The human form of ``result`` on standard output (translations' warnings on stderr)."""
    from dbarch.tools.render.check import render_check, render_translations

    sys.stdout.write(render_check(result, texts, colour=sys.stdout.isatty()))
    sql, warnings = render_translations(result)
    sys.stdout.write(sql)
    for line in warnings:
        print(line, file=sys.stderr)
