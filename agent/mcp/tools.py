"""The MCP tools: typed arguments in, the typed API's result values out.

The docstrings are what the client's model reads. Infrastructure (the workspace folder, the
sandbox, the agent's settings) comes from :class:`Services`, never from the arguments.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

if TYPE_CHECKING:
    from dbarch.agent.userconfig import UserConfig
    from dbarch.memory import Workspace
    from dbarch.tools.sandbox import Sandbox

Sql = Annotated[str, Field(description="SQL text (PostgreSQL unless a dialect is given)")]
SchemaSql = Annotated[str | None, Field(description="the schema as SQL DDL; omit to use the "
                                        "workspace's current schema (00_soul.md)")]
Rows = Annotated[str | None, Field(description="rows per table for the synthetic data, e.g. "
                                   "'orders=1m,customers=50k' (*=N sets the default; default "
                                   "10,000 per table)")]


@dataclass
class Services:
    """What the tools share: the workspace, a lazily started sandbox, the user settings."""

    workspace: Path
    config: UserConfig
    sandbox_dsn: str | None = None
    database_dsn: str | None = field(default=None, repr=False)
    """The user's database, for the read-only tools only (``dbarch mcp --dsn``)."""
    _sandbox: Sandbox | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _architect: Any = None

    def sandbox(self) -> Sandbox:
        with self._lock:
            if self._sandbox is None:
                from dbarch.tools.sandbox import Sandbox, SandboxSettings

                dsn = self.sandbox_dsn or self.config.sandbox_dsn
                self._sandbox = Sandbox(SandboxSettings(dsn=dsn) if dsn else SandboxSettings())
            box = self._sandbox
        box.start()
        return box

    def user_database(self) -> str:
        """The user's database DSN (read-only tools only); a clear error when none is set."""
        from dbarch.agent.context import _same_database
        from dbarch.tools.errors import UsageError

        if not self.database_dsn:
            raise UsageError("no database of the user's is connected",
                             hint="start the server with `dbarch mcp --dsn DSN` (or DBARCH_DATABASE_DSN)")
        sandbox = self.sandbox_dsn or self.config.sandbox_dsn
        if sandbox and _same_database(self.database_dsn, sandbox):
            raise UsageError("the read-only database (--dsn) and the sandbox server are the same database",
                             hint="the sandbox creates and drops databases: give it a server of its own")
        return self.database_dsn

    def ws(self) -> Workspace:
        from dbarch.memory import Workspace

        return Workspace(self.workspace)

    def architect(self) -> Any:
        """The agent (imported and built on first use), sharing this sandbox."""
        with self._lock:
            architect = self._architect
        if architect is not None:
            return architect
        from dbarch.agent.session import Architect
        from dbarch.agent.userconfig import make_context

        context = make_context(self.config, workspace=str(self.workspace), sandbox_dsn=self.sandbox_dsn,
                               database_dsn=self.database_dsn)  # no model: a clear DbarchError
        built = Architect(context, sandbox=self.sandbox())
        with self._lock:
            if self._architect is None:
                self._architect = built
            architect = self._architect
        if architect is not built:  # another call built one first
            built.close()
        return architect

    def close(self) -> None:
        with self._lock:
            architect, self._architect = self._architect, None
            box, self._sandbox = self._sandbox, None
        if architect is not None:
            architect.close()
        if box is not None:
            box.close()


def _source(text: str, name: str) -> Any:
    from dbarch.tools.sql.source import decode_sql

    return decode_sql(text.encode("utf-8"), name)


def _schema_sources(svc: Services, schema_sql: str | None) -> list[Any]:
    from dbarch.agent.workspace_schema import workspace_schema

    if schema_sql:
        return [_source(schema_sql, "schema.sql")]
    return [workspace_schema(svc.ws())]


def check_schema(svc: Services, sql: Sql, dialect: str = "postgres") -> Any:
    """Verify SQL DDL for real: parse it (errors with line:column), lint it against the
    architect's rules, and apply it statement by statement in a throwaway PostgreSQL 18 database.
    `applied` tells whether every statement ran; `errors` carry the server's SQLSTATE and a hint.
    Use it on every schema or migration before presenting it as correct."""
    from dbarch.tools.check import check_sources
    from dbarch.tools.sql.parse import normalize_dialect

    dialect = normalize_dialect(dialect)
    box = svc.sandbox() if dialect == "postgres" else None
    return check_sources([_source(sql, "input.sql")], dialect=dialect, sandbox=box,
                         apply=box is not None)


def lint_sql(svc: Services, sql: Sql, existing_schema_sql: SchemaSql = None) -> Any:
    """Lint SQL (schema DDL, migrations or queries) against 61 rules on types, keys,
    normalization, indexes, queries and migration safety, without a database. Give the current
    schema as `existing_schema_sql` when linting a migration, so that the rules know which
    tables already hold data."""
    from dbarch.tools.lint.config import LintConfig
    from dbarch.tools.lint.workflow import lint_text

    existing = None
    if existing_schema_sql:
        from dbarch.tools.schema.from_sql import schema_from_sql

        existing = schema_from_sql(existing_schema_sql, "postgres")
    return lint_text(sql, "input.sql", LintConfig(), existing=existing)


def explain_query(svc: Services, query: Annotated[str, Field(description="one or more queries, "
                  "separated by semicolons; $1-style parameters get a generic plan")],
                  schema_sql: SchemaSql = None, rows: Rows = None, analyze: bool = False) -> Any:
    """EXPLAIN queries on the schema loaded with synthetic data at the stated volumes, in a
    throwaway sandbox database, and summarise each plan: costly nodes, sequential scans of large
    tables with a selective filter, misestimates, spills. `analyze` also executes each query
    (in a rolled-back transaction) to measure it."""
    from dbarch.tools.datagen import resolve_volumes
    from dbarch.tools.perf.workload import explain_workload

    return explain_workload(_schema_sources(svc, schema_sql), _source(query, "query.sql"),
                            resolve_volumes(rows), sandbox=svc.sandbox(), analyze=analyze)


def advise_indexes(svc: Services, queries: Annotated[str, Field(description="the workload: "
                   "queries separated by semicolons")], schema_sql: SchemaSql = None,
                   rows: Rows = None, budget_mb: float = 1024.0) -> Any:
    """Recommend indexes for a workload: candidates are derived from the queries, each is built
    for real on the schema loaded with synthetic data and the workload re-planned; the best are
    picked by benefit per megabyte within `budget_mb`. Also names existing indexes the workload
    never uses or that are redundant."""
    from dbarch.tools.datagen import resolve_volumes
    from dbarch.tools.perf.workload import advise_workload

    return advise_workload(_schema_sources(svc, schema_sql), _source(queries, "queries.sql"),
                           resolve_volumes(rows), sandbox=svc.sandbox(), budget_mb=budget_mb)


def erd(svc: Services, schema_sql: SchemaSql = None) -> str:
    """The Mermaid erDiagram of a schema: primary and foreign keys marked, cardinality from
    nullability and uniqueness."""
    from dbarch.memory.erd import erd_from_sql

    source = _schema_sources(svc, schema_sql)[0]
    return erd_from_sql(source.text, source_name=source.name)


def read_workspace(svc: Services, what: Annotated[
        Literal["summary", "soul", "state", "memory"],
        Field(description="summary: a compact digest (schema, decisions, open plans, lessons); "
              "soul: 00_soul.md (schema, ER diagram, decisions); state: 01_state.md (plans); "
              "memory: 02_memory.md (strategies, conventions, lessons)")] = "summary") -> str:
    """Read the project's database workspace: its current schema, recorded decisions, planned
    changes and lessons. Read it before proposing changes to an existing design."""
    ws = svc.ws()
    if what == "summary":
        from dbarch.memory.summary import summarize

        return summarize(ws)
    name = {"soul": "00_soul.md", "state": "01_state.md", "memory": "02_memory.md"}[what]
    text = ws.read(name)
    return text if text is not None else f"(no {name} in the workspace yet)"


def record_decision(svc: Services, decision: Annotated[str, Field(description="what was decided")],
                    why: Annotated[str, Field(description="the reasons, from the requirements")],
                    alternatives: str = "", consequences: str = "", title: str | None = None) -> Any:
    """Append a decision record (id, date, decision, reasons, alternatives, consequences) to the
    workspace's 00_soul.md, so later work knows why the schema is what it is."""
    from dbarch.memory import record_decision as record

    return record(svc.ws(), decision=decision, why=why, alternatives=alternatives,
                  consequences=consequences, title=title)


def write_migration(svc: Services, name: Annotated[str, Field(description="what it does, made "
                    "into the file name's slug: add_orders_status")], sql: Sql) -> Any:
    """Write a migration as migrations/NNN_name.sql, after checking it in the sandbox on top of
    the earlier migrations: it must parse, have no lint error and apply. Nothing is written when
    the check fails (the error says where and why). Migration files are never rewritten."""
    from dbarch.memory import write_migration as write
    from dbarch.memory.verify import sandbox_verifier

    ws = svc.ws()
    return write(ws, name, sql, verify=sandbox_verifier(ws, svc.sandbox()))


def ask_architect(svc: Services, request: Annotated[str, Field(description="the design question "
                  "or change request, with the requirements you know")],
                  thread_id: Annotated[str | None, Field(description="continue this conversation "
                  "(from an earlier result) instead of starting a new one")] = None) -> Any:
    """Ask the database architect agent (needs a configured model): it designs or reviews a
    schema, checks every proposal in the sandbox before answering, and records decisions and
    migrations in the workspace. Returns the answer (Markdown), the DDL, what was verified, and
    whether the request was refused as out of scope."""
    return svc.architect().ask(request, thread_id=thread_id)


def inspect_database(svc: Services, schemas: Annotated[list[str] | None, Field(
        description="schemas to read; default: every schema but the system ones")] = None) -> Any:
    """READ-ONLY on the user's own database (`dbarch mcp --dsn`): its current schema as DDL,
    read from the catalog inside BEGIN READ ONLY ... ROLLBACK. `database` names it without
    its password."""
    from dbarch.agent.user_database import read_schema

    return read_schema(svc.user_database(), schemas)


def explain_on_database(svc: Services, query: Annotated[str, Field(description="one or more "
                        "queries separated by semicolons; INSERT/UPDATE/DELETE are planned, "
                        "never run")]) -> Any:
    """READ-ONLY on the user's own database (`dbarch mcp --dsn`): EXPLAIN queries on its real
    data and statistics. Never executed (no ANALYZE); each statement is checked against an
    allowlist (anything that could write, lock, read files or change settings is refused) and
    runs in BEGIN READ ONLY ... ROLLBACK with a statement timeout."""
    from dbarch.agent.user_database import STATEMENT_TIMEOUT_MS
    from dbarch.tools.sandbox.readonly import ReadOnlyExplanation, explain_readonly, redact

    dsn = svc.user_database()
    reports = explain_readonly(dsn, _source(query, "query.sql"), statement_timeout_ms=STATEMENT_TIMEOUT_MS)
    return ReadOnlyExplanation(redact(dsn), reports)


def advise_on_database(svc: Services, queries: Annotated[str, Field(description="the workload: "
                       "queries separated by semicolons")], budget_mb: float = 1024.0) -> Any:
    """READ-ONLY on the user's own database (`dbarch mcp --dsn`): index advice with hypothetical
    indexes (the hypopg extension; nothing is built). Refused, with what to do instead, when the
    server lacks hypopg."""
    from dbarch.agent.user_database import STATEMENT_TIMEOUT_MS
    from dbarch.tools.sandbox.readonly import advise_readonly

    return advise_readonly(svc.user_database(), _source(queries, "queries.sql"), budget_mb=budget_mb,
                           statement_timeout_ms=STATEMENT_TIMEOUT_MS)


TOOLS = (check_schema, lint_sql, explain_query, advise_indexes, erd, read_workspace,
         record_decision, write_migration, ask_architect, inspect_database, explain_on_database,
         advise_on_database)
"""Every tool, in the order ``tools/list`` shows them."""

NEEDS_MODEL = frozenset({"ask_architect"})
"""Tools that call a model (the ``openWorldHint`` annotation)."""

USER_DATABASE = frozenset({"inspect_database", "explain_on_database", "advise_on_database"})
"""Tools that read the user's database (read-only mode); listed only with ``--dsn``."""

READ_ONLY = frozenset({"check_schema", "lint_sql", "explain_query", "advise_indexes", "erd",
                       "read_workspace"}) | USER_DATABASE
"""Tools that change nothing in the workspace (the ``readOnlyHint`` annotation)."""
