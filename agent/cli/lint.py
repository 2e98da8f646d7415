"""``dbarch lint``: the architect's rules over SQL files, for people (text) and CI (JSON, SARIF, GitHub)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dbarch.agent.cli.common import add_input_args

if TYPE_CHECKING:
    from dbarch.tools.lint.config import LintConfig
    from dbarch.tools.lint.engine import LintReport
    from dbarch.tools.sql.source import SqlSource

FORMATS = ("text", "json", "sarif", "github")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "lint",
        help="check SQL against schema, normalization, index, query and migration rules",
        description="Lint SQL files (no database needed). Exit 0 when nothing at or above "
        "--severity is found, 1 otherwise, 2 on usage errors. Configuration: [tool.dbarch.lint] "
        "in the nearest pyproject.toml; suppress one finding with `-- dbarch: ignore[rule-id]`.",
    )
    add_input_args(p)
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--select", metavar="IDS", help="comma-separated rule ids, families or id prefixes (prefer-)")
    p.add_argument("--ignore", metavar="IDS", help="comma-separated rule ids or families to skip")
    p.add_argument("--severity", choices=("info", "warning", "error"), help="report this severity and above")
    p.add_argument("--schema", metavar="FILE", help="the current schema (SQL): its tables are live tables")
    p.add_argument("--config", metavar="PYPROJECT", help="read [tool.dbarch.lint] from this file")
    p.add_argument("--no-config", action="store_true", help="ignore pyproject.toml configuration")
    p.add_argument("--fix", action="store_true", help="print the safe fixes as a unified diff")
    p.add_argument("--write", action="store_true", help="with --fix, apply the fixes to the files")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.set_defaults(func=run)


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def run(args: argparse.Namespace) -> int:
    from dbarch.tools.errors import UsageError
    from dbarch.tools.lint.base import Severity
    from dbarch.tools.lint.engine import lint_script
    from dbarch.tools.sql.parse import normalize_dialect, parse_script
    from dbarch.tools.sql.source import read_sql

    if args.write and not args.fix:
        raise UsageError("--write needs --fix", hint="dbarch lint --fix --write FILE")
    if args.write and "-" in args.files:
        raise UsageError("--write cannot rewrite standard input", hint="name the files to fix")
    sources = _read(args)
    config = _config(args)
    select = _split(args.select) if args.select is not None else config.select
    ignore = [*config.ignore, *(_split(args.ignore) or [])]
    min_severity = Severity.parse(args.severity) if args.severity else config.severity
    dialect = normalize_dialect(args.dialect)
    existing = None
    if args.schema:
        from dbarch.tools.schema.from_sql import schema_from_sql

        existing = schema_from_sql(read_sql(args.schema).text, dialect)

    def lint(text: str, name: str) -> LintReport:
        return lint_script(
            parse_script(text, dialect=dialect, source=name),
            existing=existing,
            select=select,
            ignore=ignore,
            min_severity=min_severity,
            options=config.options,
            severities=config.severities,
        )

    reports = [lint(src.text, src.name) for src in sources]
    if args.fix:
        return _fix(args, sources, reports, lint)
    _print(args, sources, reports)
    return 1 if any(r.diagnostics for r in reports) else 0


def _read(args: argparse.Namespace) -> list[SqlSource]:
    from dbarch.agent.cli.common import read_sources

    return read_sources(args)


def _config(args: argparse.Namespace) -> LintConfig:
    from dbarch.tools.errors import UsageError
    from dbarch.tools.lint.config import LintConfig, load_config

    if args.no_config:
        return LintConfig()
    if args.config:
        path = Path(args.config)
        if not path.is_file():
            raise UsageError("no such configuration file", file=args.config)
        return load_config(path)
    start = Path(args.files[0]) if args.files and args.files[0] != "-" else Path.cwd()
    return load_config(start)


def _print(args: argparse.Namespace, sources: list[SqlSource], reports: list[LintReport]) -> None:
    from dbarch.tools.lint import render
    from dbarch.tools.lint.engine import select_rules
    from dbarch.tools.lint.registry import RULES

    if args.format == "json":
        sys.stdout.write(render.render_json(reports))
    elif args.format == "sarif":
        sys.stdout.write(render.render_sarif(reports, select_rules(_split(args.select), [], RULES)))
    elif args.format == "github":
        sys.stdout.write(render.render_github(reports))
    else:
        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
        fixable = frozenset(r.id for r in RULES if r.fixable)
        sources_by_name = {s.name: s.text for s in sources}
        sys.stdout.write(render.render_text(reports, sources_by_name, colour=colour, fixable=fixable))


def _fix(
    args: argparse.Namespace,
    sources: list[SqlSource],
    reports: list[LintReport],
    lint: Callable[[str, str], LintReport],
) -> int:
    """Print the fixes as a unified diff (or write them); exit 1 while findings remain."""
    import difflib

    from dbarch.tools.lint.engine import apply_edits

    remaining = 0
    for src, report in zip(sources, reports, strict=True):
        new = apply_edits(src.text, report.edits)
        if new != src.text:
            if args.write:
                Path(src.name).write_text(new, encoding="utf-8")
                print(f"fixed {src.name} ({len(report.edits)} edit(s))", file=sys.stderr)
            else:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        src.text.splitlines(keepends=True),
                        new.splitlines(keepends=True),
                        fromfile=src.name if Path(src.name).is_absolute() else f"a/{src.name}",
                        tofile=src.name if Path(src.name).is_absolute() else f"b/{src.name}",
                    )
                )
        remaining += len(lint(new, src.name).diagnostics) if new != src.text else len(report.diagnostics)
    if remaining:
        print(f"{remaining} finding(s) have no automatic fix", file=sys.stderr)
    return 1 if remaining else 0
