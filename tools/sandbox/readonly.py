"""Read-only mode: introspection and EXPLAIN on a user's real database, where nothing may change.

Four layers, each enough on its own for the common cases, together for the rest:

1. **The grammar.** Every statement is parsed with PostgreSQL's own parser (pglast) and must be
   one query (SELECT/VALUES/TABLE; INSERT/UPDATE/DELETE/MERGE only to be explained, never run)
   with no transaction control, no ``SELECT INTO``, no row locks, and no call to a denied
   function (files, large objects, server administration, settings, advisory locks,
   sequences, sleeps, SQL run from a string). A function that is not built in must be declared
   STABLE or IMMUTABLE (PostgreSQL then refuses writes inside it). One statement per string.
2. **The transaction.** Everything runs inside ``BEGIN READ ONLY ... ROLLBACK`` on a session
   whose ``default_transaction_read_only`` is on, with server-side ``statement_timeout`` and
   ``lock_timeout``.
3. **EXPLAIN ANALYZE** (which executes the query) only when the caller asks for it, and never
   for a statement that changes data (including a data-modifying CTE).
4. **The role.** The documentation (docs/SECURITY.md) recommends a role with ``pg_read_all_data``
   at most (or SELECT on the schema), no file or admin privileges, ``default_transaction_read_only``.

Index advice uses hypothetical indexes (hypopg) when the server has the extension; without it
nothing is built on the user's server and the caller is told so.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from dbarch.tools.errors import DbarchError
from dbarch.tools.perf.explain import QueryReport

ALLOWED_STATEMENTS = frozenset(["SelectStmt"])
"""Statements that may run (inside the read-only transaction)."""
EXPLAIN_ONLY = frozenset(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"])
"""Statements that may only be planned (plain EXPLAIN never executes them)."""

DENIED_FUNCTIONS = frozenset([
    "set_config", "pg_reload_conf", "pg_rotate_logfile", "pg_promote", "pg_terminate_backend",
    "pg_cancel_backend", "pg_signal_backend", "pg_log_backend_memory_contexts", "pg_switch_wal",
    "pg_start_backup", "pg_stop_backup", "pg_notify", "nextval", "setval", "txid_current",
    "pg_current_xact_id", "pg_stat_file", "pg_import_system_collations", "pg_stat_statements_reset",
    "pg_truncate_visibility_map", "heap_force_kill", "heap_force_freeze", "pg_prewarm", "pg_logdir_ls",
    "loread", "lowrite", "pg_collation_actual_version", "pg_log_standby_snapshot",
])
DENIED_PREFIXES = (
    "pg_read_", "pg_ls_", "pg_file_", "lo_", "pg_advisory", "pg_try_advisory", "dblink",
    "pg_stat_reset", "pg_create_", "pg_drop_", "pg_copy_", "pg_replication_", "pg_logical_",
    "pg_backup_", "pg_wal_replay", "pg_sleep", "hypopg", "binary_upgrade_", "query_to_xml",
    "cursor_to_xml", "database_to_xml", "schema_to_xml", "table_to_xml",
)
"""Functions refused by name (any schema): files, large objects, administration, settings,
session-level locks, sequences, sleeps, and those that run SQL given as a string."""


@dataclass(frozen=True, slots=True)
class ReadOnlyExplanation:
    """``dbarch explain --dsn``: one plan report per query, on the user's database."""

    database: str
    """The connection string without its password."""
    queries: tuple[QueryReport, ...]
    """One report per query (a refused one carries its error)."""
    analyzed: bool = False
    read_only: bool = True


MAX_QUERY_CHARS = 1_000_000
"""Longer text is refused before it is parsed (bounded time and memory)."""


class ReadOnlyRefusal(DbarchError):
    """A statement read-only mode will not run on the user's database."""

    kind = "refused"


@dataclass(frozen=True, slots=True)
class Guarded:
    """A statement that passed the grammar check."""

    sql: str
    kind: str
    """The pglast node name (``SelectStmt``, ``InsertStmt``...)."""
    modifies: bool
    """Changes data (an INSERT/UPDATE/DELETE/MERGE, or a SELECT with one in a CTE)."""
    functions: tuple[tuple[str, ...], ...]
    """Every function called, as written (``("public", "f")``, ``("count",)``)."""


def _refuse(message: str, *, where: str | None = None, hint: str | None = None) -> ReadOnlyRefusal:
    return ReadOnlyRefusal(f"read-only mode refuses this statement: {message}", file=where,
                           hint=hint or "read-only mode runs one query per string and never changes the database")


def denied_function(name: str) -> bool:
    low = name.lower()
    return low in DENIED_FUNCTIONS or low.startswith(DENIED_PREFIXES)


def guard(sql: str, *, source: str | None = None) -> Guarded:
    """Parse ``sql`` with PostgreSQL's grammar and check it against the allowlist; raise
    :class:`ReadOnlyRefusal` (or a parse error) otherwise."""
    from pglast import ast, parse_sql
    from pglast.parser import ParseError as PgParseError
    from pglast.visitors import Visitor

    if len(sql) > MAX_QUERY_CHARS:
        raise _refuse(f"the query is {len(sql):,} characters long (the limit is {MAX_QUERY_CHARS:,})", where=source,
                      hint="read-only mode explains queries, not scripts")
    try:
        stmts = parse_sql(sql)
    except PgParseError as exc:
        raise _refuse(f"it does not parse ({exc.args[0] if exc.args else exc})", where=source,
                      hint="fix the syntax") from exc
    if len(stmts) != 1:
        raise _refuse(f"{len(stmts)} statements in one string" if stmts else "no statement", where=source)
    node = stmts[0].stmt
    kind = type(node).__name__
    if kind not in ALLOWED_STATEMENTS and kind not in EXPLAIN_ONLY:
        word = {"TransactionStmt": "transaction control (BEGIN/COMMIT/ROLLBACK/SAVEPOINT)",
                "VariableSetStmt": "SET", "ExplainStmt": "EXPLAIN (give the query; dbarch explains it)",
                "CopyStmt": "COPY", "DoStmt": "DO"}.get(kind, kind.removesuffix("Stmt"))
        raise _refuse(f"{word} is not a query", where=source)

    found: list[tuple[str, ...]] = []
    problems: list[str] = []
    modifies = [kind in EXPLAIN_ONLY]

    class Walk(Visitor):  # type: ignore[misc]
        def visit(self, ancestors: Any, n: Any) -> None:
            if isinstance(n, ast.FuncCall):
                name = tuple(str(p.sval) for p in n.funcname or ())
                found.append(name)
                if denied_function(name[-1]):
                    problems.append(f"function {'.'.join(name)}() is denied (files, administration, "
                                    "settings, locks or SQL run from a string)")
            elif isinstance(n, ast.SelectStmt):
                if n.intoClause is not None:
                    problems.append("SELECT INTO creates a table")
                if n.lockingClause:
                    problems.append("FOR UPDATE/SHARE locks rows")
            elif isinstance(n, (ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt)):
                modifies[0] = True

    Walk()(stmts)
    if problems:
        raise _refuse(problems[0], where=source)
    return Guarded(sql, kind, modifies[0], tuple(found))


def session_options(statement_timeout_ms: int, lock_timeout_ms: int) -> str:
    return (f"-c default_transaction_read_only=on -c statement_timeout={statement_timeout_ms} "
            f"-c lock_timeout={lock_timeout_ms} -c idle_in_transaction_session_timeout=60000")


class ReadOnlyDatabase:
    """A user's database, opened so that nothing can change (see the module's layers).

    ``with ReadOnlyDatabase(dsn) as db:`` then :meth:`schema`, :meth:`explain`,
    :meth:`advise`. Each call runs in its own ``BEGIN READ ONLY ... ROLLBACK``."""

    def __init__(self, dsn: str, *, statement_timeout_ms: int = 10_000, lock_timeout_ms: int = 1_000,
                 allow_analyze: bool = False) -> None:
        self.dsn = dsn
        self.statement_timeout_ms = statement_timeout_ms
        self.lock_timeout_ms = lock_timeout_ms
        self.allow_analyze = allow_analyze
        self._conn: psycopg.Connection[Any] | None = None

    def __enter__(self) -> ReadOnlyDatabase:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            # libpq echoes pieces of a bad connection string (a bad percent escape, a whole URI)
            # in its messages: they are scrubbed of the password, and never chained
            try:
                params = conninfo_to_dict(self.dsn)
            except psycopg.Error as exc:
                raise DbarchError(f"the --dsn is not a valid connection string: {scrub(str(exc), self.dsn)}",
                                  hint="postgresql://user@host/db or 'host=... dbname=...'") from None
            options = f"{params.get('options') or ''} {session_options(self.statement_timeout_ms, self.lock_timeout_ms)}"
            dsn = make_conninfo(self.dsn, options=options.strip(), application_name="dbarch-readonly")
            try:
                self._conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
            except psycopg.Error as exc:
                text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise DbarchError(f"cannot connect to the database given by --dsn: {scrub(text, self.dsn)}",
                                  sqlstate=exc.sqlstate) from None
        return self._conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """``BEGIN READ ONLY`` with local timeouts; always rolled back."""
        conn = self.connect()
        conn.execute("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            conn.execute(f"SET LOCAL statement_timeout = {int(self.statement_timeout_ms)}")
            conn.execute(f"SET LOCAL lock_timeout = {int(self.lock_timeout_ms)}")
            yield conn
        finally:
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.UNKNOWN:
                conn.execute("ROLLBACK")

    # -- what the tools call ---------------------------------------------------------------
    def schema(self, schemas: Sequence[str] | None = None) -> Any:
        """The catalog model of the database (:class:`tools.schema.model.Schema`)."""
        from dbarch.tools.schema.from_catalog import schema_from_catalog

        with self.transaction() as conn:
            return schema_from_catalog(conn, schemas)

    def check_functions(self, conn: psycopg.Connection[Any], guarded: Guarded, source: str | None) -> None:
        """Functions that are not built in must be STABLE or IMMUTABLE (no writes inside)."""
        names = sorted({g for g in guarded.functions if len(g) <= 2})
        for name in names:
            rows = conn.execute(
                "SELECT n.nspname, p.provolatile FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE p.proname = %s AND (%s::text IS NULL OR n.nspname = %s)",
                (name[-1], name[0] if len(name) == 2 else None, name[0] if len(name) == 2 else None),
            ).fetchall()
            volatile = [schema for schema, vol in rows if schema != "pg_catalog" and vol == "v"]
            if volatile:
                raise _refuse(f"function {'.'.join(name)}() is VOLATILE and not built in (it could change "
                              "data or the session)", where=source,
                              hint="read-only mode calls only built-in functions and STABLE/IMMUTABLE ones")

    def explain(self, query: Any, *, analyze: bool = False) -> Any:
        """EXPLAIN one :class:`tools.sql.queries.Query` (or SQL text) read-only; returns a
        :class:`tools.perf.explain.QueryReport` (a refusal becomes its error)."""
        from dbarch.tools.perf.explain import QueryReport, explain_query
        from dbarch.tools.sql.queries import read_queries

        if isinstance(query, str):
            parsed = read_queries(query, "<query>")
            if len(parsed) != 1:
                err = _refuse(f"{len(parsed)} statements in one string" if parsed else "no statement")
                return QueryReport(index=1, label="<query>", sql=query, error=err)
            query = parsed[0]
        base = {"index": query.index, "label": query.label, "sql": query.sql}
        if query.error is not None:
            return QueryReport(**base, error=query.error)
        started = time.perf_counter()
        try:
            guarded = guard(query.sql, source=query.source)
            if analyze and not self.allow_analyze:
                raise _refuse("EXPLAIN ANALYZE executes the query", where=query.source,
                              hint="pass --analyze explicitly to measure SELECTs on your database")
            if analyze and guarded.modifies:
                raise _refuse("EXPLAIN ANALYZE would execute a statement that changes data", where=query.source,
                              hint="without --analyze the plan is shown without running it")
            with self.transaction() as conn:
                self.check_functions(conn, guarded, query.source)
                report = explain_query(conn, query, analyze=analyze)
        except ReadOnlyRefusal as err:
            err.line, err.column = query.statement.line, query.statement.column
            return QueryReport(**base, error=err, modifies=query.modifies)
        except psycopg.Error as exc:
            return QueryReport(**base, error=DbarchError(str(exc).splitlines()[0], sqlstate=exc.sqlstate),
                               round_trip_ms=(time.perf_counter() - started) * 1000)
        return report

    def has_hypopg(self) -> bool:
        with self.transaction() as conn:
            return conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'").fetchone() is not None


def explain_readonly(
    dsn: str, queries: Any, *, analyze: bool = False, statement_timeout_ms: int = 10_000
) -> tuple[Any, ...]:
    """EXPLAIN each query of ``queries`` (SQL text, a :class:`SqlSource` or parsed queries) on
    the user's database ``dsn`` in read-only mode; one :class:`QueryReport` per query, a
    refused or failing query carrying its error. ``analyze`` executes SELECTs (only)."""
    from dbarch.tools.perf.workload import workload_queries

    parsed = workload_queries(queries)
    with ReadOnlyDatabase(dsn, statement_timeout_ms=statement_timeout_ms, allow_analyze=analyze) as db:
        return tuple(db.explain(q, analyze=analyze) for q in parsed)


def advise_readonly(dsn: str, queries: Any, *, budget_mb: float = 1024.0,
                    statement_timeout_ms: int = 10_000) -> Any:
    """Index advice on the user's database with hypothetical indexes (hypopg) only; refused
    with what to do instead when the server lacks hypopg. Returns
    :class:`tools.perf.hypothetical.ReadOnlyAdvice`."""
    from dbarch.tools.perf.hypothetical import advise_hypothetical, no_hypopg
    from dbarch.tools.perf.workload import workload_queries

    parsed = workload_queries(queries)
    with ReadOnlyDatabase(dsn, statement_timeout_ms=statement_timeout_ms) as db:
        if not db.has_hypopg():
            raise no_hypopg()
        before = [db.explain(q) for q in parsed]
        with db.transaction() as conn:
            return advise_hypothetical(conn, parsed, before, budget_mb=budget_mb, database=redact(dsn))


def redact(dsn: str) -> str:
    """``dsn`` without its password (for output and logs)."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.Error:
        return "<dsn>"
    if "password" in params:
        params["password"] = "***"
    return make_conninfo(**{k: str(v) for k, v in params.items()})


_URI_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@:]*:(?P<pw>[^@/]*)@", re.I)
_KEYWORD_PASSWORD = re.compile(r"(?:^|\s)password\s*=\s*(?P<pw>'(?:[^'\\]|\\.)*'?|\S+)", re.I)


def dsn_secrets(dsn: str) -> tuple[str, ...]:
    """The password of ``dsn`` in every spelling that could be echoed: as parsed, as written
    (percent-encoded in a URI, quoted in a keyword string). Found by reading the text when
    libpq cannot parse it."""
    from urllib.parse import unquote

    found: set[str] = set()
    with contextlib.suppress(psycopg.Error):
        password = conninfo_to_dict(dsn).get("password")
        if password:
            found.add(str(password))
    for pattern in (_URI_PASSWORD, _KEYWORD_PASSWORD):
        for match in pattern.finditer(dsn.strip()):
            raw = match.group("pw")
            found |= {raw, raw.strip("'"), unquote(raw)}
    return tuple(sorted((s for s in found if len(s) >= MIN_SECRET_CHARS), key=len, reverse=True))


MIN_SECRET_CHARS = 3
"""Shorter passwords are not searched for in text (they would blank out ordinary words)."""


def scrub(text: str, dsn: str | None) -> str:
    """``text`` with the password of ``dsn`` (and the whole ``dsn`` when it holds one)
    replaced by ``***``."""
    if not dsn or not text:
        return text
    secrets = dsn_secrets(dsn)
    if not secrets:
        return text
    text = text.replace(dsn, redact(dsn))
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
