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

import contextlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
import psycopg.sql

from dbarch.tools.errors import DbarchError, SandboxError
from dbarch.tools.sandbox import Sandbox, ScratchDatabase
from dbarch.tools.sandbox.lockdown import VETTED_EXTENSIONS, extension_policy, install_stand_in
from dbarch.tools.sandbox.restore_policy import (
    MISSING_EXTENSION_HINTS,
    THIRD_PARTY_HINTS,
    UNDEFINED,
    extension_name,
    first_words,
    head,
    is_copy_from_stdin,
    may_become_note,
    roles_text,
    skip_reason,
    superuser_skip,
)
from dbarch.tools.sandbox.standins import STANDINS, extension_schema
from dbarch.tools.sql.parse import Note, ParsedScript, ParsedStatement


@dataclass(frozen=True, slots=True)
class ApplyResult:
    applied: bool
    """True when every statement ran (skipped ones aside)."""
    error: DbarchError | None = None
    executed: int = 0
    notes: tuple[Note, ...] = field(default=())
    duration_ms: float = 0.0
    errors: tuple[DbarchError, ...] = field(default=())
    """Every failure in order (``error`` is the first): several only with ``keep_going``."""


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
    elif exc.sqlstate == "57P01" or (exc.sqlstate is None and db_gone(exc)):
        hint = "the sandbox's watchdog ended a statement that ran past the statement timeout"
    elif exc.sqlstate == "53100":
        hint = ("the sandbox's data folder is full (the check is not at fault): free space, or set "
                "DBARCH_SANDBOX_DIR to a folder with room (by default the data lives in /dev/shm)")
    elif exc.sqlstate == "55P03":
        hint = hint or "the statement waited longer than lock_timeout for a lock"
    return DbarchError(message, file=source, line=line, column=column, sqlstate=exc.sqlstate, hint=hint)


def db_gone(exc: psycopg.Error) -> bool:
    return isinstance(exc, psycopg.OperationalError) and "terminat" in str(exc)


_BATCH_LIMIT = 200
_BARRIERS = frozenset(
    ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "PREPARE", "ABORT",
     "GRANT", "REVOKE", "COMMENT", "COPY", "VACUUM", "CLUSTER", "REINDEX", "ALTER"]
)


_TRANSACTION = frozenset(
    [("BEGIN",), ("START",), ("COMMIT",), ("END",), ("ROLLBACK",), ("ABORT",), ("SAVEPOINT",), ("RELEASE",),
     ("PREPARE",)]
)
"""Transaction control: never run under the savepoint that guards a statement."""


def _batchable(stmt: ParsedStatement) -> bool:
    """True for statements that may share one round trip with their neighbours. Transaction
    control, CONCURRENTLY and statements whose errors are turned into notes run alone."""
    words = first_words(stmt.text, 6)
    if not words or (words[0] in _BARRIERS and not (words[0] == "ALTER" and words[1] in ("TABLE", "SEQUENCE"))):
        return False
    if head(stmt.text, 2) != ("CREATE", "FUNCTION") and may_become_note(stmt):
        return False  # a refusal would fail the whole batch and replay it one statement at a time
    return "CONCURRENTLY" not in words and extension_name(stmt) is None


class _Applier:
    """Runs statements in order, batching plain ones; stops at the first failure."""

    def __init__(self, sandbox: Sandbox, db: ScratchDatabase, *, keep_going: bool = False,
                 cancelled: threading.Event | None = None) -> None:
        self.sandbox, self.db, self.conn = sandbox, db, db.conn
        self.keep_going = keep_going
        self.cancelled = cancelled or threading.Event()
        self.errors: list[DbarchError] = []
        """Every failure, in order (several only with ``keep_going``)."""
        self.notes: list[Note] = []
        self.executed = 0
        self.available: set[str] | None = None
        self.preinstalled: set[str] | None = None
        self.required_by_vetted: set[str] | None = None
        """Extensions that an extension of :data:`VETTED_EXTENSIONS` requires."""
        self.skipped: list[tuple[int, str]] = []
        """Statements skipped for want of superuser rights: (line, note)."""
        self.batch: list[ParsedStatement] = []
        self.batch_source = ""
        self.standins: set[str] = set()
        """Extensions replaced by a stand-in (:mod:`tools.sandbox.standins`)."""

    def flush(self) -> DbarchError | None:
        """Run the queued batch in one round trip. On a failure, the statements before the
        failing one are run again (the implicit transaction rolled them back; they succeeded
        once), the failing one is located by running it alone, except a statement that timed
        out, which is never run twice, and the rest follow."""
        batch, self.batch = self.batch, []
        if not batch:
            return None
        if len(batch) == 1:
            return self.run_one(batch[0], self.batch_source, None)
        done, exc = _run_batch(self.conn, [st.text for st in batch])
        if exc is None:
            self.executed += len(batch)
            return None
        if done:
            again, exc_again = _run_batch(self.conn, [st.text for st in batch[:done]])
            if exc_again is not None:  # should not happen: locate it one by one
                self.batch = batch[:done]
                return self._one_by_one(batch)
            self.executed += again
        failing = batch[done]
        if exc.sqlstate in _NOT_REPLAYED:
            error: DbarchError | None = self.located(exc, failing, self.batch_source)
            assert error is not None
            error.line, error.column = failing.line, failing.column
            self.record(error)
        else:
            error = self.run_one(failing, self.batch_source, None)
        if error is not None and not self.keep_going:
            return error
        return self._one_by_one(batch[done + 1 :])

    def _one_by_one(self, statements: Sequence[ParsedStatement]) -> DbarchError | None:
        for st in statements:
            if self.cancelled.is_set():
                return self.cancel_error(st, self.batch_source)
            error = self.run_one(st, self.batch_source, None)
            if error is not None and not self.keep_going:
                return error
        return None

    def record(self, error: DbarchError) -> DbarchError:
        self.errors.append(error)
        return error

    def cancel_error(self, stmt: ParsedStatement, source: str) -> DbarchError:
        return self.record(DbarchError("interrupted before this statement", file=source, line=stmt.line,
                                       column=stmt.column, sqlstate="57014"))

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
        ext = extension_name(stmt)
        # inside the script's own transaction, a statement whose refusal becomes a note runs
        # under a savepoint: the refusal must not abort the rest of the transaction
        guarded = conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS and (
            may_become_note(stmt) or (self.keep_going and first_words(stmt.text, 1)[:1] not in _TRANSACTION)
        )
        try:
            if guarded:
                conn.execute("SAVEPOINT dbarch_statement")
            if ext is not None:
                error, ran = self.install(stmt, ext, source)
                if not ran:
                    if guarded:
                        conn.execute("RELEASE SAVEPOINT dbarch_statement")
                    return self.record(error) if error is not None else None
            elif data is not None:
                with conn.cursor() as cur, cur.copy(stmt.text) as copy:
                    copy.write(data)
            else:
                conn.execute(stmt.text, prepare=False)
            self.executed += 1
            if guarded:
                conn.execute("RELEASE SAVEPOINT dbarch_statement")
        except psycopg.Error as exc:
            if guarded:  # the transaction goes on (a real error stops the run anyway)
                conn.execute("ROLLBACK TO SAVEPOINT dbarch_statement")
            note = self.as_note(stmt, exc)
            if note is None and exc.sqlstate == "42704":
                rewritten = self.without_missingroles_text(stmt)
                if rewritten is not None:
                    return self.run_rewritten(stmt, source, *rewritten)
            if note is not None:
                self.notes.append(Note(note, stmt.line, stmt.column, source))
                return None
            return self.record(self.located(exc, stmt, source))
        return None

    def install(self, stmt: ParsedStatement, ext: str, source: str) -> tuple[DbarchError | None, bool]:
        """``CREATE EXTENSION`` / ``CREATE LANGUAGE``: with the sandbox's own rights, or a note
        when a new database already has it, or an error naming what is missing."""
        conn = self.conn
        language = head(stmt.text, 2) == ("CREATE", "LANGUAGE")
        what = "language" if language else "extension"
        if self.preinstalled is None:  # what every new database has (plpgsql), before the script
            self.preinstalled = {
                r[0] for r in conn.execute("SELECT extname FROM pg_extension UNION SELECT lanname FROM pg_language")
            }
        upper = " ".join(stmt.text.upper().split())
        if ext in self.preinstalled and " IF NOT EXISTS " not in upper and " OR REPLACE " not in upper:
            # pre-9.1 dumps create plpgsql, which every database has had since PostgreSQL 9.0
            message = f"CREATE {what.upper()} {ext} skipped: every new database already has it"
            self.notes.append(Note(message, stmt.line, stmt.column, source))
            return None, False
        install_as, note = extension_policy(conn, ext)  # untrusted ones never install (lockdown)
        if note is not None:
            self.notes.append(Note(note, stmt.line, stmt.column, source))
            if install_as == "stand-in" and self.sandbox.embedded:
                with psycopg.connect(self.db.admin_dsn, autocommit=True) as admin:
                    install_stand_in(admin, ext, str(conn.info.user))
                return None, True
            self.skipped.append((stmt.line, note))
            return None, False
        if install_as == "role" and self.sandbox.embedded and self.needed_outside_transaction(ext):
            try:
                _run_as_admin(self.db, stmt.text, grant_to=conn.info.user)
            except psycopg.Error:  # its schema is the script's own, uncommitted: as the role, then
                pass
            else:
                self.notes.append(Note(
                    f"CREATE EXTENSION {ext} ran outside the script's transaction: an extension the "
                    "sandbox installs with its own rights needs it, and could not see it otherwise "
                    "(a ROLLBACK of the script would not remove it)", stmt.line, stmt.column, source))
                return None, True
        if not self.sandbox.embedded or install_as == "role":
            conn.execute(stmt.text, prepare=False)
            return None, True
        if self.available is None:
            self.available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
        if ext not in self.available and ext in STANDINS:
            return self.install_standin(stmt, ext, source), False
        if ext not in self.available:
            if ext in MISSING_EXTENSION_HINTS:
                why = "the embedded PostgreSQL 18 is built without ICU, OpenSSL, pgcrypto, uuid-ossp and hypopg"
            else:
                why = "it does not ship with the embedded PostgreSQL 18"
            hint = MISSING_EXTENSION_HINTS.get(ext) or THIRD_PARTY_HINTS.get(ext)
            hint = (hint or "point --sandbox-dsn at a server that has it") + (
                "; or --engine system, when this machine's PostgreSQL has it"
            )
            return DbarchError(
                f'{what} "{ext}" is not available in the sandbox ({why})',
                file=source, line=stmt.line, column=stmt.column, sqlstate="0A000", hint=hint,
            ), False
        _run_as_admin(self.db, stmt.text, grant_to=conn.info.user)
        return None, True

    def needed_outside_transaction(self, ext: str) -> bool:
        """True when the script is inside its own transaction and ``ext`` is required by an
        extension the sandbox installs with its own rights (``earthdistance`` needs ``cube``):
        that install runs on another connection, which cannot see what the script's open
        transaction created, so ``ext`` must be installed there too."""
        if self.conn.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
            return False
        if self.required_by_vetted is None:
            rows = self.conn.execute(
                "SELECT DISTINCT unnest(requires) FROM pg_available_extension_versions WHERE name = ANY(%s)",
                (sorted(VETTED_EXTENSIONS),),
            ).fetchall()
            self.required_by_vetted = {str(r[0]) for r in rows}
        return ext in self.required_by_vetted

    def install_standin(self, stmt: ParsedStatement, ext: str, source: str) -> DbarchError | None:
        """Define the stand-in's functions in the schema the statement names (else the current
        one) and say so in a note; a second ``CREATE EXTENSION`` of it is a no-op, as for the
        real one with IF NOT EXISTS."""
        standin = STANDINS[ext]
        if ext in self.standins:
            self.notes.append(Note(f'extension "{ext}": stand-in already installed', stmt.line, stmt.column, source))
            return None
        schema = extension_schema(stmt.text.split())
        if schema is None:
            row = self.conn.execute("SELECT current_schema()").fetchone()
            schema = str(row[0]) if row and row[0] else "public"
        try:
            with self.conn.transaction():
                self.conn.execute(standin.script(schema).encode(), prepare=False)
        except psycopg.Error as exc:
            error = self.located(exc, stmt, source)
            error.message = f'the stand-in for extension "{ext}" could not be installed: {error.message}'
            return error
        self.standins.add(ext)
        self.executed += 1
        self.notes.append(Note(standin.note(schema), stmt.line, stmt.column, source))
        return None

    def as_note(self, stmt: ParsedStatement, exc: psycopg.Error) -> str | None:
        """The note that replaces the server's refusal of ``stmt``, when a restore into a
        scratch database by a role that is not a superuser could not do better."""
        words = head(stmt.text, 4)
        state, server = exc.sqlstate, exc.diag.message_primary or ""
        if words[:1] in (("GRANT",), ("REVOKE",)) and state == "42704":
            return "grant skipped: " + (server or "role does not exist")
        if words[:3] == ("ALTER", "DEFAULT", "PRIVILEGES") and state in ("42704", "42501"):
            # they only apply to objects created later, by roles that a scratch database lacks
            return "default privileges skipped: " + (server or "role does not exist")
        if words[:3] == ("COMMENT", "ON", "EXTENSION") and state == "42704" and self.standins:
            return "comment skipped: the extension is a stand-in"
        if words[:2] == ("COMMENT", "ON") and state == "42501" and words[2:4] != ("EVENT", "TRIGGER"):
            return "comment skipped: the sandbox role does not own that object"
        if words[:2] == ("CREATE", "SCHEMA") and state == "42P06" and '"public"' in server:
            # dumps of a database whose public schema was recreated; every new database has it
            return "CREATE SCHEMA public skipped: every new database already has it"
        if state == "42501" or state == "22023":
            note = superuser_skip(stmt, exc)
            if note is not None:
                self.skipped.append((stmt.line, note))
            return note
        return None

    def located(self, exc: psycopg.Error, stmt: ParsedStatement, source: str) -> DbarchError:
        """The server's error, with a hint when a statement skipped earlier may explain it."""
        error = server_error(exc, stmt, source)
        if "ICU is not supported" in error.message or "libxml" in error.message:
            what = "ICU" if "ICU" in error.message else "libxml"
            error.hint = (f"the embedded PostgreSQL is built without {what}: --engine system (a PostgreSQL "
                          "installed on this machine) or --sandbox-dsn can check this")
        if exc.sqlstate in UNDEFINED and self.skipped:
            line, note = self.skipped[-1]
            because = f"line {line} was skipped ({note}); this statement may need what it would have created"
            error.hint = f"{error.hint}; {because}" if error.hint else because
        return error

    def without_missingroles_text(self, stmt: ParsedStatement) -> tuple[str, str] | None:
        """``stmt`` rewritten without the roles the sandbox lacks, and the note saying so: a
        policy ``TO`` them applies ``TO PUBLIC`` (its expressions are still checked), a
        schema ``AUTHORIZATION`` them belongs to the sandbox's role (like ``--no-owner``)."""
        from pglast import ast, enums, parse_sql
        from pglast.stream import RawStream

        try:
            (raw,) = parse_sql(stmt.text)
        except Exception:  # pglast refusing the text: nothing to rewrite
            return None
        node = raw.stmt
        named = enums.RoleSpecType.ROLESPEC_CSTRING
        if isinstance(node, (ast.CreatePolicyStmt, ast.AlterPolicyStmt)) and node.roles:
            names = [r.rolename for r in node.roles if r.roletype == named and r.rolename]
            missing = self.missingroles_text(names)
            if not missing:
                return None
            kept = tuple(r for r in node.roles if r.roletype != named or r.rolename not in missing)
            node.roles = kept or (ast.RoleSpec(roletype=enums.RoleSpecType.ROLESPEC_PUBLIC),)
            target = "the other roles" if kept else "PUBLIC"
            note = f"policy checked for {target}: {roles_text(missing)} in the sandbox"
        elif isinstance(node, ast.CreateSchemaStmt) and node.authrole is not None and node.authrole.rolename:
            missing = self.missingroles_text([node.authrole.rolename])
            if not missing:
                return None
            node.schemaname = node.schemaname or node.authrole.rolename
            node.authrole = None
            note = f"AUTHORIZATION skipped: {roles_text(missing)} (like pg_restore --no-owner)"
        else:
            return None
        return RawStream()(node), note

    def run_rewritten(self, stmt: ParsedStatement, source: str, text: str, note: str) -> DbarchError | None:
        try:
            self.conn.execute(text, prepare=False)
        except psycopg.Error as exc:  # located at the statement: positions belong to the rewrite
            error = self.located(exc, stmt, source)
            error.line, error.column = stmt.line, stmt.column
            return self.record(error)
        self.executed += 1
        self.notes.append(Note(note, stmt.line, stmt.column, source))
        return None

    def missingroles_text(self, names: Sequence[str]) -> list[str]:
        if not names:
            return []
        found = {r[0] for r in self.conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [list(names)])}
        return [n for n in names if n not in found]


def apply_scripts(
    sandbox: Sandbox, db: ScratchDatabase, scripts: Sequence[ParsedScript], *, keep_going: bool = False,
    cancelled: threading.Event | None = None,
) -> ApplyResult:
    """Run every statement of ``scripts`` in order in ``db``; stop at the first failure, or
    with ``keep_going`` run every statement it can (those that do not parse are left out) and
    report each failure.

    Runs of plain statements share one round trip (all or nothing: on a failure the statements
    before it run again, then the rest one at a time; a statement that timed out is never run
    twice). Setting ``cancelled`` (another thread, on Ctrl-C; it also cancels the running
    statement with ``db.conn.cancel_safe()``) stops before the next statement."""
    started = time.perf_counter()
    applier = _Applier(sandbox, db, keep_going=keep_going, cancelled=cancelled)
    error: DbarchError | None = None
    for script in scripts:
        for i, stmt in enumerate(script.statements):
            if not stmt.is_sql:
                continue
            if applier.cancelled.is_set():
                error = applier.cancel_error(stmt, script.source)
                break
            if stmt.error is not None:
                if keep_going:
                    continue  # reported by the parser already
                error = applier.flush() or stmt.error
                break
            reason = skip_reason(stmt)
            if reason:
                applier.notes.append(Note(reason, stmt.line, stmt.column, script.source))
                continue
            queued, error = applier.queue(stmt, script.source)
            if error is None and not queued:
                data = None
                if is_copy_from_stdin(stmt):
                    following = script.statements[i + 1] if i + 1 < len(script.statements) else None
                    data = following.text + "\n" if following and following.statement.kind == "copy_data" else ""
                error = applier.run_one(stmt, script.source, data)
            if error is not None and not keep_going:
                break
            error = None
        if error is not None:
            break
    if error is None:
        error = applier.flush()
    conn = db.conn
    if conn.info.transaction_status in (psycopg.pq.TransactionStatus.INTRANS, psycopg.pq.TransactionStatus.INERROR):
        conn.rollback()  # not when the connection is gone (the watchdog ended a runaway statement)
    if not applier.cancelled.is_set() and not conn.closed:
        with contextlib.suppress(psycopg.OperationalError):  # the server went away (a crash, a full disk)
            reset_session(conn)
    errors = tuple(applier.errors) or ((error,) if error is not None else ())
    parse_errors = any(st.error is not None for script in scripts for st in script.statements)
    return ApplyResult(
        applied=not errors and not parse_errors,
        error=errors[0] if errors else None,
        executed=applier.executed,
        notes=tuple(sorted(applier.notes, key=lambda n: (n.line, n.column))),
        duration_ms=(time.perf_counter() - started) * 1000,
        errors=errors,
    )


_NOT_REPLAYED = frozenset(["57014"])
"""A statement that failed this way is never run a second time (it timed out or was
cancelled: running it again would cost the same wait)."""


def _run_batch(conn: psycopg.Connection[Any], texts: Sequence[str]) -> tuple[int, psycopg.Error | None]:
    """Run ``texts`` in one simple-query round trip (one implicit transaction); how many
    succeeded before the first failure, and that failure."""
    from psycopg import errors as pg_errors, generators

    with conn.lock:
        conn.pgconn.send_query(";\n".join(texts).encode())
        # flush what a non-blocking connection has not sent yet, then read every result
        results = conn.wait(generators.execute(conn.pgconn))
    for done, res in enumerate(results):
        if res.status == psycopg.pq.ExecStatus.FATAL_ERROR:
            return done, pg_errors.error_from_result(res, encoding=conn.info.encoding)
    return len(texts), None


def reset_session(conn: psycopg.Connection[Any]) -> tuple[str, ...]:
    """Undo what the script's ``SET``s left in the session, and point ``search_path`` at the
    schemas it created, then ``public``: a pg_dump runs ``set_config('search_path', '',
    false)``, after which the queries written for the schema would find none of its tables.
    Returns the new search path."""
    conn.execute("RESET ALL")  # back to the connection's own settings (the sandbox's limits)
    created = [
        str(r[0]) for r in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema') "
            "AND nspname NOT LIKE 'pg\\_%' ORDER BY oid"
        ).fetchall()
    ]
    path = (*created, "public")
    conn.execute(
        psycopg.sql.SQL("SET search_path = {}").format(psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, path)))
    )
    return path


def _run_as_admin(db: ScratchDatabase, text: str, *, grant_to: str | None = None) -> None:
    """Run ``text`` as the sandbox's administrator. With ``grant_to``, that role may then use
    the foreign-data wrappers an extension brought (postgres_fdw...), as a database owner to
    whom the administrator granted them would: otherwise ``CREATE SERVER`` is refused."""
    try:
        with psycopg.connect(db.admin_dsn, autocommit=True) as admin:
            admin.execute("SET lock_timeout = '5s'")  # never wait forever on the script's own locks
            admin.execute(text, prepare=False)
            if grant_to:
                for (name,) in admin.execute("SELECT fdwname FROM pg_foreign_data_wrapper").fetchall():
                    admin.execute(
                        psycopg.sql.SQL("GRANT USAGE ON FOREIGN DATA WRAPPER {} TO {}").format(
                            psycopg.sql.Identifier(name), psycopg.sql.Identifier(grant_to)
                        )
                    )
    except psycopg.OperationalError as exc:
        raise SandboxError(f"cannot reach the scratch database as administrator: {exc}") from exc
