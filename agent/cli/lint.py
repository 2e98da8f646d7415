"""``dbarch lint``: the architect's rules over SQL files, for people (text) and CI (JSON, SARIF, GitHub)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dbarch.agent.cli.common import add_input_args, read_sources

if TYPE_CHECKING:
    from dbarch.tools.lint.cache import LintCache
    from dbarch.tools.lint.config import LintConfig
    from dbarch.tools.lint.findings import LintReport
    from dbarch.tools.lint.workflow import FixResult
    from dbarch.tools.sql.source import SqlSource

FORMATS = ("text", "json", "sarif", "github")
PER_RULE = 10
"""Findings of one rule shown in full per file in text output (the rest are one line)."""


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
    p.add_argument("--assume-in-transaction", action="store_true",
                   help="the migration runner wraps each file in a transaction (SET LOCAL lasts for the file)")
    p.add_argument("--config", metavar="PYPROJECT", help="read [tool.dbarch.lint] from this file")
    p.add_argument("--no-config", action="store_true", help="ignore pyproject.toml configuration")
    p.add_argument("--fix", action="store_true", help="print the safe fixes as a unified diff")
    p.add_argument("--write", action="store_true", help="with --fix, apply the fixes to the files")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("--show-all", action="store_true",
                   help=f"text: every finding in full (default: {PER_RULE} per rule and file, then one line "
                   "with the count and lines of the others)")
    p.add_argument("--no-cache", action="store_true",
                   help="lint every file again instead of reusing reports of unchanged files")
    p.add_argument("--cache-dir", metavar="DIR",
                   help="where reports are cached (default: $DBARCH_CACHE_DIR, else $XDG_CACHE_HOME/dbarch, "
                   "else ~/.cache/dbarch; then lint/)")
    p.set_defaults(func=run)


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def run(args: argparse.Namespace) -> int:
    from dbarch.tools.errors import UsageError
    from dbarch.tools.lint.workflow import fix_sources, lint_sources
    from dbarch.tools.sql.dialects import normalize_dialect

    if args.write and not args.fix:
        raise UsageError("--write needs --fix", hint="dbarch lint --fix --write FILE")
    if args.write and "-" in args.files:
        raise UsageError("--write cannot rewrite standard input", hint="name the files to fix")
    sources = read_sources(args)
    config = lint_config(args)
    dialect = normalize_dialect(args.dialect)
    existing = None
    if args.schema:
        from dbarch.tools.schema.from_sql import schema_from_sql
        from dbarch.tools.sql.source import read_sql

        existing = schema_from_sql(read_sql(args.schema).text, dialect)
    cache = None if args.no_cache or args.fix else lint_cache(args.cache_dir)
    reports = lint_sources(sources, config, dialect=dialect, existing=existing, cache=cache)
    if args.fix:
        fixes = fix_sources(sources, config, dialect=dialect, existing=existing, reports=reports)
        return _fix(args, fixes)
    _print(args, sources, reports)
    return 1 if any(r.diagnostics for r in reports) else 0


def lint_cache(directory: str | None) -> LintCache:
    """The lint cache in ``directory``, or in the user's cache folder (``$DBARCH_CACHE_DIR``,
    else ``$XDG_CACHE_HOME/dbarch``, else ``~/.cache/dbarch``), under ``lint/``."""
    import os

    from dbarch.tools.lint.cache import LintCache

    if directory:
        return LintCache(Path(directory))
    root = os.environ.get("DBARCH_CACHE_DIR")
    if not root:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = str(Path(xdg) / "dbarch") if xdg else str(Path.home() / ".cache" / "dbarch")
    return LintCache(Path(root) / "lint")


def lint_config(args: argparse.Namespace) -> LintConfig:
    """The configuration file the options name (or the nearest ``pyproject.toml`` of the
    first file, or of the current folder), with ``--select``/``--ignore``/``--severity`` on top."""
    from dbarch.tools.lint.config import LintConfig, load_config, read_config
    from dbarch.tools.lint.findings import Severity

    if getattr(args, "no_config", False):
        config = LintConfig()
    elif getattr(args, "config", None):
        config = read_config(Path(args.config))
    else:
        config = load_config(Path(args.files[0]) if args.files and args.files[0] != "-" else Path.cwd())
    return config.with_overrides(
        select=_split(getattr(args, "select", None)),
        ignore=_split(getattr(args, "ignore", None)) or (),
        severity=Severity.parse(args.severity) if getattr(args, "severity", None) else None,
        assume_in_transaction=True if getattr(args, "assume_in_transaction", False) else None,
    )


def _print(args: argparse.Namespace, sources: list[SqlSource], reports: Sequence[LintReport]) -> None:
    from dbarch.tools.render import lint as render

    if args.format == "json":
        sys.stdout.write(render.render_json(reports))
    elif args.format == "sarif":
        from dbarch.tools.lint.engine import select_rules
        from dbarch.tools.lint.registry import RULES

        sys.stdout.write(render.render_sarif(reports, select_rules(_split(args.select), [], RULES)))
    elif args.format == "github":
        sys.stdout.write(render.render_github(reports))
    else:
        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
        fixable: frozenset[str] = frozenset().union(*(r.fixable for r in reports))
        sources_by_name = {s.name: s.text for s in sources}
        per_rule = 0 if args.show_all or args.select else PER_RULE
        sys.stdout.write(render.render_text(reports, sources_by_name, colour=colour, fixable=fixable,
                                            per_rule=per_rule))


def _fix(args: argparse.Namespace, fixes: Sequence[FixResult]) -> int:
    """Print the fixes as a unified diff (or write them); exit 1 while findings remain."""
    from dbarch.tools.render.lint import render_diff

    for fix in fixes:
        if not fix.changed:
            continue
        if args.write:
            Path(fix.source).write_text(fix.fixed, encoding="utf-8")
            print(f"fixed {fix.source} ({fix.edits} edit(s))", file=sys.stderr)
        else:
            sys.stdout.write(render_diff(fix))
    remaining = sum(len(f.remaining) for f in fixes)
    if remaining:
        print(f"{remaining} finding(s) have no automatic fix", file=sys.stderr)
    return 1 if remaining else 0
