"""The architect's tools on the user's own database, in read-only mode only.

Offered to the model only when :attr:`Context.database_dsn` is set (``--dsn`` on ``dbarch ask``
and ``dbarch chat``, ``DBARCH_DATABASE_DSN``, or ``[database] dsn`` in ``config.toml``). Each
call opens its own :class:`~dbarch.tools.sandbox.readonly.ReadOnlyDatabase`: every statement
passes PostgreSQL's grammar and the allowlist, runs in ``BEGIN READ ONLY ... ROLLBACK`` under a
server-side ``statement_timeout``, EXPLAIN never executes (no ANALYZE from the agent), and index
advice uses hypothetical indexes (hypopg) only. Nothing else in the agent reads that DSN: the
write paths (apply, requirement tests, migrations, the graph's verification) take the sandbox.

Every result starts with the line :func:`database_line`, naming the database without its
password; :func:`dbarch.agent.tools.run_tool_call` scrubs the password from every tool result
and error as well (:func:`dbarch.tools.sandbox.readonly.scrub`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dbarch.agent.tool_functions import ToolEnv, ToolOutput
    from dbarch.agent.tools import DatabaseAdviseArgs, DatabaseExplainArgs, InspectArgs

STATEMENT_TIMEOUT_MS = 10_000
"""Server-side limit of each statement on the user's database."""


@dataclass(frozen=True, slots=True)
class DatabaseSchema:
    """The user's schema read from the catalog (read-only)."""

    database: str
    """The connection string without its password."""
    tables: tuple[str, ...]
    ddl: str
    """The schema as DDL (dbarch's catalog model written out)."""
    read_only: bool = True


def read_schema(dsn: str, schemas: list[str] | None = None) -> DatabaseSchema:
    """Read the catalog of the user's database ``dsn`` in read-only mode."""
    from dbarch.tools.sandbox.readonly import ReadOnlyDatabase, redact
    from dbarch.tools.schema.to_sql import schema_to_sql

    with ReadOnlyDatabase(dsn, statement_timeout_ms=STATEMENT_TIMEOUT_MS) as db:
        schema = db.schema(schemas or None)
    return DatabaseSchema(redact(dsn), tuple(t.name for t in schema), schema_to_sql(schema).strip())


def database_line(dsn: str) -> str:
    """The first line of every result: which database, and that it was only read."""
    from dbarch.tools.sandbox.readonly import redact

    return f"database: YOUR database {redact(dsn)} (read-only: nothing was changed)"


SANDBOX_LINE = "database: the dbarch sandbox (a throwaway PostgreSQL 18 database with synthetic rows), not yours"
"""The first line of the sandbox's explain and advice results when a user database is set."""


def _dsn(env: ToolEnv) -> str:
    from dbarch.tools.errors import UsageError

    dsn = env.context.database_dsn
    if not dsn:
        raise UsageError("no database of the user's is connected",
                         hint="the user connects one with --dsn (or DBARCH_DATABASE_DSN); use the "
                         "sandbox tools (explain_query, advise_indexes) meanwhile")
    return dsn


def inspect_database(env: ToolEnv, args: InspectArgs) -> ToolOutput:
    """The user's schema read from the catalog, as DDL (read-only)."""
    from dbarch.agent.tool_functions import ToolOutput

    dsn = _dsn(env)
    found = read_schema(dsn, args.schemas)
    head = f"{len(found.tables)} tables" + (f" in schemas {', '.join(args.schemas)}" if args.schemas else "")
    text = "\n".join([database_line(dsn), head, "```sql", found.ddl or "-- no tables", "```"])
    return ToolOutput(text, f"read {len(found.tables)} tables of your database (read-only)")


def explain_on_database(env: ToolEnv, args: DatabaseExplainArgs) -> ToolOutput:
    """Plans of the queries on the user's real data (EXPLAIN only, read-only)."""
    from dbarch.agent.tool_functions import ToolOutput, _workload
    from dbarch.tools.render.perf import render_query
    from dbarch.tools.sandbox.readonly import explain_readonly

    dsn = _dsn(env)
    reports = explain_readonly(dsn, _workload(args.queries), analyze=False,
                               statement_timeout_ms=STATEMENT_TIMEOUT_MS)
    plans = env.turn.setdefault("database_plans", [])
    for r in reports:
        plans.append({
            "query": " ".join(r.sql.split())[:200], "total_cost": r.total_cost,
            "findings": [f"{f.kind}: {f.message}" for f in r.findings],
            "error": r.error.one_line() if r.error else None,
        })
    refused = sum(1 for r in reports if not r.ok)
    lines = [database_line(dsn), "plans estimated by EXPLAIN on your real data and statistics; "
             "no query was executed"]
    lines += [render_query(r) for r in reports]
    summary = f"{len(reports) - refused} plans from your database (read-only)" + (
        f", {refused} refused or failed" if refused else "")
    return ToolOutput("\n".join(lines).strip(), summary, refused == 0)


def advise_on_database(env: ToolEnv, args: DatabaseAdviseArgs) -> ToolOutput:
    """Index advice on the user's database with hypothetical indexes only (hypopg)."""
    from dbarch.agent.tool_functions import ToolOutput, _workload
    from dbarch.tools.sandbox.readonly import advise_readonly

    dsn = _dsn(env)
    advice: Any = advise_readonly(dsn, _workload(args.queries), budget_mb=args.budget_mb,
                                  statement_timeout_ms=STATEMENT_TIMEOUT_MS)
    text = database_line(dsn) + "\n" + advice.render()
    n = len(advice.recommendations)
    return ToolOutput(text, f"{n} hypothetical indexes recommended on your database (read-only)", advice.ok)
