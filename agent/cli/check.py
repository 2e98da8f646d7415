"""``dbarch check``: parse, lint and apply SQL on the sandbox; say exactly what fails and where."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING

from dbarch.agent.cli.common import (
    add_input_args,
    add_sandbox_args,
    make_sandbox,
    print_json,
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
        "files are applied in order (a migrations folder). Exit 0 when clean, 1 when the schema "
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
    p.add_argument("--to", metavar="DIALECT", help="also translate to DIALECT (mysql, sqlite, ...)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.agent.cli.lint import lint_config
    from dbarch.tools.check import check_sources
    from dbarch.tools.sql.parse import normalize_dialect

    sources = read_sources(args)
    dialect = normalize_dialect(args.dialect)
    config = None if args.no_lint else lint_config(args)
    sandbox = None if args.no_apply or dialect != "postgres" else make_sandbox(args)
    with contextlib.ExitStack() as owned:
        if sandbox is not None:
            owned.enter_context(sandbox)
        result = check_sources(
            sources, dialect=dialect, sandbox=sandbox, apply=not args.no_apply, lint=not args.no_lint,
            lint_config=config, translate_to=args.to,
        )
    if args.format == "json":
        print_json(result)
    else:
        _print_text(result, {s.name: s.text for s in sources})
    return 0 if result.passed else 1


def _why(result: CheckResult) -> str:
    """Why ``check`` exits 1, in words."""
    reasons = []
    if result.errors:
        reasons.append(f"{len(result.errors)} error(s)")
    lint_errors = result.lint_errors()
    if lint_errors:
        rules = ", ".join(sorted({d.rule for d in lint_errors}))
        reasons.append(f"{len(lint_errors)} lint finding(s) of severity error ({rules}); "
                       "--ignore them or lower their severity in [tool.dbarch.lint.rules.<id>]")
    if result.apply_attempted and not result.applied and not result.errors:
        reasons.append("the sandbox did not apply the SQL")
    return "; ".join(reasons) or "see above"


def _print_text(result: CheckResult, texts: dict[str, str]) -> None:
    from dbarch.agent.cli.common import render_error, render_located

    color = sys.stdout.isatty()
    for err in result.errors:
        print(render_error(err, texts, color=color))
    for d in result.lint:
        print(render_located(f"{d.severity}[{d.rule}]", d.message, texts, file=d.file, line=d.line,
                             column=d.column, hint=d.hint, color=color))
    for note in result.notes:
        print(f"note: {note}")
    names = ", ".join(result.sources)
    tables = len(result.tables)
    verdict = (
        "applied cleanly in the sandbox" if result.applied
        else "not applied (errors above)" if result.apply_attempted
        else "not applied (no sandbox)"
    )
    timing = sum(v for k, v in result.timings_ms.items())
    print(
        f"{names}: {result.statements} statements, {tables} tables, {len(result.errors)} errors, "
        f"{len(result.lint)} lint findings; {verdict} ({timing:.0f} ms)"
    )
    if not result.passed:
        print(f"failed: {_why(result)}")
    for t, name in zip(result.translations, result.sources, strict=False):
        sys.stdout.write(f"-- {name} translated to {t.target}\n{t.sql}")
        for w in t.warnings:
            print(f"{name}:{w.line}:{w.column}: not carried over to {t.target}: {w.message}", file=sys.stderr)
