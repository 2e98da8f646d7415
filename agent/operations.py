"""The capabilities the REPL's slash commands and the MCP server share, over the typed API.

Each function takes its inputs and the sandbox explicitly, calls the library in-process (never
the CLI) and returns the library's typed result. No rendering here: the REPL renders for a
person, the MCP server returns the JSON form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbarch.memory import Workspace
    from dbarch.tools.check import CheckResult
    from dbarch.tools.datagen import DatagenResult
    from dbarch.tools.lint.engine import LintReport
    from dbarch.tools.perf.advisor import Advice
    from dbarch.tools.perf.explain import QueryReport
    from dbarch.tools.sandbox import Sandbox
    from dbarch.tools.sql.queries import Query
    from dbarch.tools.sql.source import SqlSource


@dataclass(frozen=True, slots=True)
class Explained:
    data: DatagenResult
    reports: tuple[QueryReport, ...]


@dataclass(frozen=True, slots=True)
class Advised:
    data: DatagenResult
    advice: Advice


def check(sources: Sequence[SqlSource], *, sandbox: Sandbox | None, dialect: str = "postgres",
          lint: bool = True) -> CheckResult:
    """Parse, lint and (with a sandbox, for PostgreSQL) apply ``sources`` in order."""
    from dbarch.tools.check import check_sources
    from dbarch.tools.sql.parse import normalize_dialect

    dialect = normalize_dialect(dialect)
    box = sandbox if dialect == "postgres" else None
    return check_sources(sources, dialect=dialect, sandbox=box, apply=box is not None, lint=lint)


def lint(source: SqlSource, *, dialect: str = "postgres", existing_sql: str | None = None) -> LintReport:
    """The lint rules over one SQL text (``existing_sql``: the schema its tables live in)."""
    from dbarch.tools.lint.engine import lint_script
    from dbarch.tools.sql.parse import normalize_dialect, parse_script

    dialect = normalize_dialect(dialect)
    existing = None
    if existing_sql:
        from dbarch.tools.schema.from_sql import schema_from_sql

        existing = schema_from_sql(existing_sql, dialect)
    return lint_script(parse_script(source.text, dialect=dialect, source=source.name), existing=existing)


def explain(schema: Sequence[SqlSource], queries_sql: SqlSource, *, sandbox: Sandbox,
            rows: str | None = None, analyze: bool = False) -> Explained:
    """Load ``schema`` with synthetic rows (``rows``: ``orders=1m,...``), EXPLAIN each query."""
    from dbarch.tools.datagen import resolve_volumes
    from dbarch.tools.datagen.loaded import loaded_database
    from dbarch.tools.perf.explain import explain_query

    queries = _queries(queries_sql)
    with loaded_database(sandbox, schema, resolve_volumes(rows)) as (db, data):
        reports = tuple(explain_query(db.conn, q, analyze=analyze) for q in queries)
    return Explained(data, reports)


def advise(schema: Sequence[SqlSource], queries_sql: SqlSource, *, sandbox: Sandbox,
           rows: str | None = None, budget_mb: float = 1024.0, analyze: bool = False) -> Advised:
    """Index candidates for the workload, each built and measured on the loaded schema."""
    from dbarch.tools.datagen import resolve_volumes
    from dbarch.tools.datagen.loaded import loaded_database
    from dbarch.tools.errors import UsageError
    from dbarch.tools.perf.advisor import advise as run_advisor

    if budget_mb <= 0:
        raise UsageError("the index budget must be positive")
    queries = _queries(queries_sql)
    with loaded_database(sandbox, schema, resolve_volumes(rows)) as (db, data):
        advice = run_advisor(db.conn, queries, budget_mb=budget_mb, analyze=analyze)
    return Advised(data, advice)


def workspace_schema(ws: Workspace) -> SqlSource:
    """The workspace's current schema (00_soul.md) as SQL; an error when it has none."""
    from dbarch.memory import read_schema_sql
    from dbarch.tools.errors import WorkspaceError
    from dbarch.tools.sql.source import SqlSource

    text = read_schema_sql(ws)
    if not _has_sql(text):
        raise WorkspaceError(
            "the workspace has no schema yet", file=str(ws.root / "00_soul.md"),
            hint="give a schema file (--schema FILE), or record one with `dbarch memory schema FILE`",
        )
    return SqlSource("00_soul.md", text)


def erd(sql: SqlSource) -> str:
    """The Mermaid ``erDiagram`` of a schema."""
    from dbarch.memory.erd import erd_from_sql

    return erd_from_sql(sql.text, source_name=sql.name)


def _queries(source: SqlSource) -> list[Query]:
    from dbarch.tools.errors import UsageError
    from dbarch.tools.sql.queries import read_queries

    queries = read_queries(source.text, source.name)
    if not queries:
        raise UsageError("no queries found", file=source.name)
    return list(queries)


def _has_sql(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())
