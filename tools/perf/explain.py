"""EXPLAIN one query in the sandbox and summarise its plan as typed findings.

``explain_query(conn, query)`` runs ``EXPLAIN (FORMAT JSON)`` (``GENERIC_PLAN`` for queries
with parameters, PostgreSQL 16+), or with ``analyze=True`` ``EXPLAIN (ANALYZE, BUFFERS)``
inside a transaction that is always rolled back, with parameter values sampled from the data.
Data-modifying queries are therefore never kept, and only executed with ``analyze``. Every
failure (unknown table or column, timeout, ...) becomes the report's ``error``, located in the
user's file: one bad query never stops the others.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql as psql

from dbarch.tools.errors import DbarchError
from dbarch.tools.perf.plan_summary import Finding, PlanNode, summarise
from dbarch.tools.sql.queries import Query


@dataclass(frozen=True, slots=True)
class QueryReport:
    index: int
    label: str
    """``file:line`` of the query."""
    sql: str
    error: DbarchError | None = None
    total_cost: float | None = None
    plan: dict[str, Any] | None = None
    """The full JSON plan (the top ``Plan`` node and its timings)."""
    nodes: tuple[PlanNode, ...] = ()
    findings: tuple[Finding, ...] = ()
    generic: bool = False
    """Planned without parameter values (``EXPLAIN (GENERIC_PLAN)``)."""
    params: tuple[str | None, ...] = ()
    """Sample parameter values used with ``analyze``."""
    analyzed: bool = False
    planning_ms: float | None = None
    execution_ms: float | None = None
    """Measured by the server with ``analyze``."""
    modifies: bool = False
    round_trip_ms: float = 0.0

    ok: bool = field(init=False, default=False)
    """True when the query was explained (no :attr:`error`)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ok", self.error is None)

    def indexes_used(self) -> set[str]:
        return {n.index for n in self.nodes if n.index}



def explain_query(
    conn: psycopg.Connection[Any], query: Query, *, analyze: bool = False, sample: bool = True
) -> QueryReport:
    """EXPLAIN ``query`` on ``conn`` (autocommit); never raises for a bad query."""
    started = time.perf_counter()
    base: dict[str, Any] = {"index": query.index, "label": query.label, "sql": query.sql,
                            "modifies": query.modifies}
    if query.error is not None:
        return QueryReport(**base, error=query.error)
    generic = query.params > 0 and not analyze
    options = "FORMAT JSON" + (", GENERIC_PLAN" if generic else "") + (", ANALYZE, BUFFERS" if analyze else "")
    params: tuple[str | None, ...] = ()
    prefix = f"EXPLAIN ({options}) "
    try:
        with conn.transaction(force_rollback=True):
            if query.params and analyze:
                params = sample_parameters(conn, query) if sample else (None,) * query.params
                conn.execute(psql.SQL("PREPARE dbarch_q AS {}").format(psql.SQL(query.sql)))  # type: ignore[arg-type]
                args = psql.SQL(", ").join(psql.Literal(p) for p in params)
                row = conn.execute(psql.SQL(prefix + "EXECUTE dbarch_q({})").format(args)).fetchone()  # type: ignore[arg-type]
            else:
                row = conn.execute((prefix + query.sql).encode()).fetchone()
    except psycopg.Error as exc:
        return QueryReport(**base, error=_located(exc, query, len(prefix)),
                           round_trip_ms=(time.perf_counter() - started) * 1000)
    finally:
        if query.params and analyze:
            _deallocate(conn)
    doc = row[0][0] if row else {}
    top = doc.get("Plan", {})
    nodes, findings = summarise(conn, top, analyzed=analyze)
    return QueryReport(
        **base,
        total_cost=float(top.get("Total Cost", 0.0)),
        plan=doc,
        nodes=nodes,
        findings=findings,
        generic=generic,
        params=params,
        analyzed=analyze,
        planning_ms=doc.get("Planning Time"),
        execution_ms=doc.get("Execution Time"),
        round_trip_ms=(time.perf_counter() - started) * 1000,
    )


def _deallocate(conn: psycopg.Connection[Any]) -> None:
    with contextlib.suppress(psycopg.Error):
        conn.execute("DEALLOCATE ALL")


def _located(exc: psycopg.Error, query: Query, prefix: int) -> DbarchError:
    diag = exc.diag
    line, column = query.statement.line, query.statement.column
    pos = diag.statement_position
    if pos and pos.isdigit() and not query.rewritten and int(pos) > prefix:
        line, column = query.statement.position(int(pos) - 1 - prefix)
    message = diag.message_primary or str(exc).splitlines()[0]
    hint = diag.message_hint
    if exc.sqlstate == "57014":
        hint = hint or "the query ran longer than the sandbox's statement_timeout"
    return DbarchError(message, file=query.source, line=line, column=column, sqlstate=exc.sqlstate, hint=hint)


@dataclass(frozen=True, slots=True)
class _ParamUse:
    table: str
    column: str


def sample_parameters(conn: psycopg.Connection[Any], query: Query) -> tuple[str | None, ...]:
    """A value for each ``$n`` drawn from the column it is compared with (NULL when unknown)."""
    from dbarch.tools.perf.candidates import parameter_columns

    uses = parameter_columns(query.tree) if query.tree is not None else {}
    values: list[str | None] = []
    for n in range(1, query.params + 1):
        use = uses.get(n)
        value: str | None = None
        if use is not None:
            table, column = use
            stmt = psql.SQL(
                "SELECT {c}::text FROM {t} TABLESAMPLE SYSTEM (5) WHERE {c} IS NOT NULL LIMIT 1"
            ).format(c=psql.Identifier(column), t=psql.Identifier(table))
            try:
                with conn.transaction():
                    row = conn.execute(stmt).fetchone()
                    if row is None:
                        row = conn.execute(
                            psql.SQL("SELECT {c}::text FROM {t} WHERE {c} IS NOT NULL LIMIT 1").format(
                                c=psql.Identifier(column), t=psql.Identifier(table))
                        ).fetchone()
                value = row[0] if row else None
            except psycopg.Error:
                value = None
        values.append(value)
    return tuple(values)
