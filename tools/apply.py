"""Applying parsed SQL in a scratch database, the way ``psql -f`` / ``pg_restore`` would.

Statements run one by one in autocommit (so ``CREATE INDEX CONCURRENTLY`` and the script's own
``BEGIN``/``COMMIT`` behave as in production), and the first failure stops the run. The
server's verdict comes back with its SQLSTATE, message, hint, and the line and column *in the
user's file* (PostgreSQL's error position is mapped back through the statement's offset).

What a restore into a scratch database cannot or need not do is skipped with a note, never an
error: ownership (``OWNER TO``, like ``pg_restore --no-owner``), grants to roles that do not
exist, ``SET ROLE``, creating or dropping databases and roles. ``CREATE EXTENSION`` runs with
the sandbox's own rights when the extension ships with it, and otherwise fails with a message
that names the extension and what the sandbox offers instead.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg

from tools.errors import DbarchError, SandboxError
from tools.parse import Note, ParsedScript, ParsedStatement
from tools.sandbox import Sandbox, ScratchDatabase

_SKIP_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("CREATE", "DATABASE"), "CREATE DATABASE skipped: each check runs in its own scratch database"),
    (("DROP", "DATABASE"), "DROP DATABASE skipped: each check runs in its own scratch database"),
    (("ALTER", "DATABASE"), "ALTER DATABASE skipped: each check runs in its own scratch database"),
    (("CREATE", "ROLE"), "CREATE ROLE skipped: roles are outside a scratch database"),
    (("CREATE", "USER"), "CREATE USER skipped: roles are outside a scratch database"),
    (("ALTER", "ROLE"), "ALTER ROLE skipped: roles are outside a scratch database"),
    (("DROP", "ROLE"), "DROP ROLE skipped: roles are outside a scratch database"),
    (("SET", "ROLE"), "SET ROLE skipped: the check runs as the sandbox's own role"),
    (("SET", "SESSION", "AUTHORIZATION"), "SET SESSION AUTHORIZATION skipped"),
    (("RESET", "ROLE"), "RESET ROLE skipped"),
)

_MISSING_EXTENSION_HINTS = {
    "pgcrypto": "gen_random_uuid() is core since PostgreSQL 13; digest()/crypt() need a server with "
    "pgcrypto (--sandbox-dsn)",
    "uuid-ossp": "use gen_random_uuid() (core since PostgreSQL 13) instead of uuid_generate_v4()",
    "hypopg": "hypothetical indexes need a server with hypopg (--sandbox-dsn)",
}


@dataclass(frozen=True, slots=True)
class ApplyResult:
    applied: bool
    """True when every statement ran (skipped ones aside)."""
    error: DbarchError | None = None
    executed: int = 0
    notes: tuple[Note, ...] = field(default=())
    duration_ms: float = 0.0


def _words(text: str, n: int = 4) -> tuple[str, ...]:
    return tuple(w.upper().strip("(;") for w in text.split()[:n])


def skip_reason(stmt: ParsedStatement) -> str | None:
    """Why a statement is skipped in a scratch database, or ``None`` when it runs."""
    words = _words(stmt.text, 6)
    for prefix, reason in _SKIP_PREFIXES:
        if words[: len(prefix)] == prefix:
            return reason
    upper = " ".join(stmt.text.upper().split())
    if words[:1] == ("ALTER",) and " OWNER TO " in f" {upper} ":
        return "ownership change skipped (like pg_restore --no-owner)"
    return None


def _is_copy_from_stdin(stmt: ParsedStatement) -> bool:
    words = [w.upper().strip(";") for w in stmt.text.replace("(", " ( ").replace(")", " ) ").split()]
    return bool(words) and words[0] == "COPY" and any(
        words[k] == "FROM" and words[k + 1] == "STDIN" for k in range(len(words) - 1)
    )


def _extension_name(stmt: ParsedStatement) -> str | None:
    words = stmt.text.split()
    upper = [w.upper() for w in words]
    if upper[:2] != ["CREATE", "EXTENSION"]:
        return None
    rest = words[2:]
    if [w.upper() for w in rest[:3]] == ["IF", "NOT", "EXISTS"]:
        rest = rest[3:]
    return rest[0].strip('";').lower() if rest else None


def server_error(exc: psycopg.Error, stmt: ParsedStatement, source: str) -> DbarchError:
    """The server's error on ``stmt`` as a located :class:`DbarchError`."""
    diag = exc.diag
    line, column = stmt.line, stmt.column
    position = diag.statement_position
    internal = diag.internal_position
    if position and position.isdigit():
        line, column = stmt.statement.position(int(position) - 1)
    elif internal and internal.isdigit() and diag.internal_query:
        at = stmt.text.find(diag.internal_query)
        if at >= 0:
            line, column = stmt.statement.position(at + int(internal) - 1)
    message = diag.message_primary or str(exc).splitlines()[0]
    if diag.message_detail:
        message += f" ({diag.message_detail})"
    hint = diag.message_hint
    if exc.sqlstate == "57014":
        hint = hint or "the statement ran longer than the sandbox's statement_timeout; it may hang"
    elif exc.sqlstate == "55P03":
        hint = hint or "the statement waited longer than lock_timeout for a lock"
    return DbarchError(message, file=source, line=line, column=column, sqlstate=exc.sqlstate, hint=hint)


_BATCH_LIMIT = 200
_BARRIERS = frozenset(
    ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "PREPARE", "ABORT",
     "GRANT", "REVOKE", "COMMENT", "COPY", "VACUUM", "CLUSTER", "REINDEX", "ALTER"]
)


def _batchable(stmt: ParsedStatement) -> bool:
    """True for statements that may share one round trip with their neighbours. Transaction
    control, CONCURRENTLY and statements whose errors are turned into notes run alone."""
    words = _words(stmt.text, 6)
    if not words or (words[0] in _BARRIERS and not (words[0] == "ALTER" and words[1] in ("TABLE", "SEQUENCE"))):
        return False
    return "CONCURRENTLY" not in words and _extension_name(stmt) is None


class _Applier:
    """Runs statements in order, batching plain ones; stops at the first failure."""

    def __init__(self, sandbox: Sandbox, db: ScratchDatabase) -> None:
        self.sandbox, self.db, self.conn = sandbox, db, db.conn
        self.notes: list[Note] = []
        self.executed = 0
        self.available: set[str] | None = None
        self.batch: list[ParsedStatement] = []
        self.batch_source = ""

    def flush(self) -> DbarchError | None:
        batch, self.batch = self.batch, []
        if not batch:
            return None
        if len(batch) > 1:
            try:
                # one simple-query round trip: an implicit transaction, all or nothing
                self.conn.execute(";\n".join(st.text for st in batch), prepare=False)
                self.executed += len(batch)
                return None
            except psycopg.Error:
                pass  # rolled back whole: replay one by one to find and locate the failure
        for st in batch:
            error = self.run_one(st, self.batch_source, None)
            if error is not None:
                return error
        return None

    def queue(self, stmt: ParsedStatement, source: str) -> tuple[bool, DbarchError | None]:
        """Queue ``stmt`` in the current batch when it can be; (queued, error of a flush)."""
        idle = self.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        if idle and _batchable(stmt):
            if self.batch_source != source:
                error = self.flush()
                if error is not None:
                    return True, error
                self.batch_source = source
            self.batch.append(stmt)
            return True, self.flush() if len(self.batch) >= _BATCH_LIMIT else None
        return False, self.flush()

    def run_one(self, stmt: ParsedStatement, source: str, data: str | None) -> DbarchError | None:
        conn = self.conn
        ext = _extension_name(stmt)
        try:
            if ext is not None and self.sandbox.embedded:
                if self.available is None:
                    self.available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
                if ext not in self.available:
                    return DbarchError(
                        f'extension "{ext}" is not available in the sandbox (embedded PostgreSQL 18 '
                        "ships without ICU, OpenSSL, pgcrypto, uuid-ossp and hypopg)",
                        file=source, line=stmt.line, column=stmt.column, sqlstate="0A000",
                        hint=_MISSING_EXTENSION_HINTS.get(ext, "point --sandbox-dsn at a server that has it"),
                    )
                _run_as_admin(self.db, stmt.text)
            elif data is not None:
                with conn.cursor() as cur, cur.copy(stmt.text) as copy:
                    copy.write(data)
            else:
                conn.execute(stmt.text, prepare=False)
            self.executed += 1
        except psycopg.Error as exc:
            words = _words(stmt.text, 2)
            if words[:1] in (("GRANT",), ("REVOKE",)) and exc.sqlstate == "42704":
                message = "grant skipped: " + (exc.diag.message_primary or "role does not exist")
                self.notes.append(Note(message, stmt.line, stmt.column, source))
                return None
            if words == ("COMMENT", "ON") and exc.sqlstate == "42501":
                message = "comment skipped: the sandbox role does not own that object"
                self.notes.append(Note(message, stmt.line, stmt.column, source))
                return None
            return server_error(exc, stmt, source)
        return None


def apply_scripts(
    sandbox: Sandbox, db: ScratchDatabase, scripts: Sequence[ParsedScript]
) -> ApplyResult:
    """Run every statement of ``scripts`` in order in ``db``; stop at the first failure.

    Runs of plain statements share one round trip (all or nothing, so a failing run is replayed
    one statement at a time to locate the error exactly); the rest run alone in autocommit."""
    started = time.perf_counter()
    applier = _Applier(sandbox, db)
    error: DbarchError | None = None
    for script in scripts:
        for i, stmt in enumerate(script.statements):
            if not stmt.is_sql:
                continue
            if stmt.error is not None:
                error = applier.flush() or stmt.error
                break
            reason = skip_reason(stmt)
            if reason:
                applier.notes.append(Note(reason, stmt.line, stmt.column, script.source))
                continue
            queued, error = applier.queue(stmt, script.source)
            if error is None and not queued:
                data = None
                if _is_copy_from_stdin(stmt):
                    following = script.statements[i + 1] if i + 1 < len(script.statements) else None
                    data = following.text + "\n" if following and following.statement.kind == "copy_data" else ""
                error = applier.run_one(stmt, script.source, data)
            if error is not None:
                break
        if error is not None:
            break
    if error is None:
        error = applier.flush()
    conn = db.conn
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    return ApplyResult(
        applied=error is None,
        error=error,
        executed=applier.executed,
        notes=tuple(sorted(applier.notes, key=lambda n: (n.line, n.column))),
        duration_ms=(time.perf_counter() - started) * 1000,
    )


def _run_as_admin(db: ScratchDatabase, text: str) -> None:
    try:
        with psycopg.connect(db.admin_dsn, autocommit=True) as admin:
            admin.execute(text, prepare=False)
    except psycopg.OperationalError as exc:
        raise SandboxError(f"cannot reach the scratch database as administrator: {exc}") from exc
