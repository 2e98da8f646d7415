"""The sandbox's lock-down: the restricted role, its limits, and what generated SQL may install.

Generated SQL runs as ``dbarch_sql``: LOGIN, not superuser, no CREATEDB/CREATEROLE/REPLICATION,
a connection limit, and per-role settings (``statement_timeout``, ``lock_timeout``,
``temp_file_limit``; the last one only a superuser can change, so the SQL cannot lift it).
It owns only its throwaway databases. Files, programs and the server's configuration stay out
of its reach because PostgreSQL refuses them to a role that is not a superuser and has none of
the ``pg_read_server_files``/``pg_write_server_files``/``pg_execute_server_program`` roles.

Three things PostgreSQL would let through are closed here:

- ``CREATE EXTENSION`` runs with the sandbox's own (superuser) rights, so only extensions on an
  allowlist are installed: those the server marks ``trusted`` plus a few vetted ones that only
  add types, operators and functions. ``dblink``, ``postgres_fdw``, ``file_fdw`` (network and
  files) and the inspection/repair modules (``pageinspect``, ``pg_surgery``...) are skipped
  with a note.
- ``statement_timeout`` is a setting any role may change (``SET statement_timeout = 0``, as
  every pg_dump file does). :class:`Watchdog` cancels, then terminates, a statement of this
  process's scratch databases that runs past the limit whatever the session set.
- The first start of a data folder is serialised across processes (an advisory lock on the
  server) and every step is idempotent, so 32 processes starting at once all succeed.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

BOOTSTRAP_LOCK = 0x64626172_6368  # "dbarch": the advisory lock serialising the first start
LOCKDOWN_VERSION = "dbarch lockdown 3"
"""Stored as the role's comment: a data folder bootstrapped by an older dbarch is redone."""

ROLE_CONNECTION_LIMIT = 100
"""Connections the restricted role may hold at once (the server allows 200 in all)."""

VETTED_EXTENSIONS = frozenset([
    # not marked trusted by PostgreSQL, but they only add types, operators, functions or
    # trigger functions to the database; nothing reaches files, the network or other databases
    "vector", "pg_stat_statements", "bloom", "earthdistance", "intagg", "autoinc",
    "moddatetime", "insert_username", "refint", "dict_xsyn",
])

DENIED_REASONS = {
    "dblink": "it opens connections to other databases and servers",
    "postgres_fdw": "it opens connections to other databases and servers",
    "file_fdw": "it reads files and program output on the server",
    "adminpack": "it writes files on the server",
    "pageinspect": "it reads raw pages of any table",
    "pg_surgery": "it rewrites tuples by hand and can corrupt data",
    "pg_walinspect": "it reads the server's write-ahead log",
    "pg_logicalinspect": "it reads the server's replication state",
    "pg_buffercache": "it exposes the whole server's shared buffers",
    "pg_prewarm": "it loads relations into memory for the whole server",
    "plpython3u": "it is an untrusted language (code runs with the server's rights)",
    "plperlu": "it is an untrusted language (code runs with the server's rights)",
    "pltclu": "it is an untrusted language (code runs with the server's rights)",
}


STAND_IN_WRAPPERS = {
    "postgres_fdw": "the real one opens connections to other servers",
    "file_fdw": "the real one reads server files and program output",
}
"""Foreign-data wrappers replaced by a wrapper of the same name without handler or validator."""


def install_stand_in(admin: psycopg.Connection[Any], name: str, role: str) -> None:
    """The handler-less wrapper ``name`` in the scratch database ``admin`` is connected to,
    usable by ``role`` (idempotent)."""
    ident = sql.Identifier(name)
    if not admin.execute("SELECT 1 FROM pg_foreign_data_wrapper WHERE fdwname = %s", (name,)).fetchone():
        admin.execute(sql.SQL("CREATE FOREIGN DATA WRAPPER {} NO HANDLER NO VALIDATOR").format(ident))
    admin.execute(sql.SQL("GRANT USAGE ON FOREIGN DATA WRAPPER {} TO {}").format(ident, sql.Identifier(role)))


def extension_policy(conn: psycopg.Connection[Any], name: str) -> tuple[str, str | None]:
    """How ``CREATE EXTENSION name`` may run in a scratch database: ``("role", None)`` as the
    restricted role itself (the server marks it trusted, so PostgreSQL installs it with its
    own safeguards), ``("admin", None)`` with the sandbox's rights (:data:`VETTED_EXTENSIONS`),
    ``("stand-in", note)`` as a harmless wrapper (:data:`STAND_IN_WRAPPERS`), ``("skip", note)``
    not at all, or ``("unknown", None)`` when the server does not offer it (the caller says so)."""
    if name in STAND_IN_WRAPPERS:
        return "stand-in", (f"CREATE EXTENSION {name} replaced by a stand-in: {STAND_IN_WRAPPERS[name]}; "
                            "servers, user mappings and foreign tables are checked, but nothing connects "
                            "or reads a file (querying a foreign table fails)")
    if name in DENIED_REASONS:
        why = DENIED_REASONS[name]
    else:
        row = conn.execute(
            "SELECT bool_or(trusted) FROM pg_available_extension_versions WHERE name = %s", (name,)
        ).fetchone()
        trusted = row[0] if row else None
        if trusted:
            return "role", None
        if name in VETTED_EXTENSIONS:
            return "admin", None
        if trusted is None:
            return "unknown", None
        why = "it is not marked trusted and is not on the sandbox's allowlist"
    return "skip", (f"CREATE EXTENSION {name} skipped: {why}; the sandbox installs only trusted "
                    "extensions (statements that need it will fail)")


# -- first start --------------------------------------------------------------------------
def is_bootstrapped(admin: psycopg.Connection[Any], role: str, template: str) -> bool:
    row = admin.execute(
        "SELECT (SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %s), "
        "EXISTS (SELECT 1 FROM pg_database WHERE datname = %s AND datistemplate)",
        (role, template),
    ).fetchone()
    return row is not None and row[0] == LOCKDOWN_VERSION and bool(row[1])


@contextlib.contextmanager
def bootstrap_lock(admin: psycopg.Connection[Any]) -> Any:
    """Serialise the first start across processes: a session advisory lock on the server
    (released by the server if this process dies while holding it)."""
    admin.execute("SELECT pg_advisory_lock(%s)", (BOOTSTRAP_LOCK,))
    try:
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            admin.execute("SELECT pg_advisory_unlock(%s)", (BOOTSTRAP_LOCK,))


def ensure_role(admin: psycopg.Connection[Any], role: str, settings: dict[str, str]) -> None:
    """Create or re-lock the restricted role (idempotent; call under :func:`bootstrap_lock`)."""
    ident = sql.Identifier(role)
    if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
        with contextlib.suppress(psycopg.errors.DuplicateObject):
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
    admin.execute(
        sql.SQL("ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                "NOINHERIT CONNECTION LIMIT {}").format(ident, sql.Literal(ROLE_CONNECTION_LIMIT))
    )
    # membership in a predefined role (pg_read_server_files...) would reopen files and programs
    for (granted,) in admin.execute(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s", (role,)
    ).fetchall():
        admin.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(granted), ident))
    for setting, value in settings.items():
        admin.execute(sql.SQL("ALTER ROLE {} SET {} = {}").format(ident, sql.Identifier(setting), sql.Literal(value)))


REVOKED_FUNCTIONS = (
    # every check runs as the same role: without this one check could cancel or kill the
    # statements of another check running at the same time
    "pg_catalog.pg_terminate_backend(integer, bigint)",
    "pg_catalog.pg_cancel_backend(integer)",
)


def lock_template(conn: psycopg.Connection[Any]) -> None:
    """Per-database locks in the template (scratch databases are copies of it); ``conn`` is an
    administrator's connection to the template."""
    for signature in REVOKED_FUNCTIONS:
        conn.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")


TIMEOUTS = ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")


def role_drift(admin: psycopg.Connection[Any], role: str, settings: dict[str, str]) -> list[str]:
    """What the SQL changed on its own role (a role may change its own password and session
    defaults, even from a DO block): an empty list when nothing was weakened."""
    row = admin.execute(
        "SELECT a.rolpassword IS NOT NULL, "
        "ARRAY(SELECT s.setdatabase::text || ':' || c FROM pg_db_role_setting s, unnest(s.setconfig) c "
        "      WHERE s.setrole = a.oid) "
        "FROM pg_authid a WHERE a.rolname = %s", (role,),
    ).fetchone()
    if row is None:
        return ["role missing"]
    drift = ["password set"] if row[0] else []
    found: dict[str, str] = {}
    for entry in row[1]:
        database, _, pair = entry.partition(":")
        key, _, value = pair.partition("=")
        if database != "0":
            drift.append(f"{key} set for one database")
        else:
            found[key] = value
    for key in settings:
        if key not in found or (key in TIMEOUTS and found[key] in ("0", "-1")):
            drift.append(f"{key} removed or disabled")
    drift += [f"{key} added" for key in found if key not in settings]
    return drift


def current_role_settings(admin: psycopg.Connection[Any], role: str) -> dict[str, str]:
    """The role's own session defaults (for every database)."""
    row = admin.execute(
        "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
        "WHERE r.rolname = %s AND s.setdatabase = 0", (role,),
    ).fetchone()
    return dict(c.split("=", 1) for c in (row[0] if row else []))


def repair_role(admin: psycopg.Connection[Any], role: str, settings: dict[str, str]) -> list[str]:
    """Undo :func:`role_drift` (under the bootstrap lock); returns what was repaired."""
    if not role_drift(admin, role, settings):
        return []
    with bootstrap_lock(admin):
        drift = role_drift(admin, role, settings)
        if drift:
            ident = sql.Identifier(role)
            admin.execute(sql.SQL("ALTER ROLE {} PASSWORD NULL").format(ident))
            for (name,) in admin.execute(
                "SELECT d.datname FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                "WHERE s.setrole = (SELECT oid FROM pg_roles WHERE rolname = %s)", (role,)
            ).fetchall():
                admin.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} RESET ALL").format(ident, sql.Identifier(name)))
            admin.execute(sql.SQL("ALTER ROLE {} RESET ALL").format(ident))
            ensure_role(admin, role, settings)
    return drift


def mark_bootstrapped(admin: psycopg.Connection[Any], role: str) -> None:
    admin.execute(sql.SQL("COMMENT ON ROLE {} IS {}").format(sql.Identifier(role), sql.Literal(LOCKDOWN_VERSION)))


def role_settings(statement_timeout_ms: int, lock_timeout_ms: int, temp_file_limit: str) -> dict[str, str]:
    return {
        "statement_timeout": str(statement_timeout_ms),
        "lock_timeout": str(lock_timeout_ms),
        "temp_file_limit": temp_file_limit,
        "idle_in_transaction_session_timeout": "60000",
    }


def reap_orphans(admin: psycopg.Connection[Any], prefix: str, alive: Callable[[int], bool]) -> list[str]:
    """Drop scratch databases (``<prefix><pid>_...``) whose process died without dropping them
    (killed with SIGKILL, power loss). Only for the embedded server: pids are this host's."""
    pattern = prefix.replace("_", "\\_") + "%"
    dropped = []
    for (name,) in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (pattern,)).fetchall():
        pid = name[len(prefix):].split("_", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            with contextlib.suppress(psycopg.Error):
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                dropped.append(name)
    return dropped


# -- the watchdog ------------------------------------------------------------------------
class Watchdog:
    """Cancels statements in this process's scratch databases that run past ``limit_ms`` plus
    a grace period even though the session turned ``statement_timeout`` off, and terminates
    the backend if the cancel did not take. One thread and one administrative connection,
    started on first use, stopped by :meth:`stop`."""

    GRACE_MS = 1000
    POLL_S = 0.5

    def __init__(
        self, connect: Callable[[], psycopg.Connection[Any]], db_prefix: str, limit_ms: int,
        *, role: str | None = None, settings: dict[str, str] | None = None,
    ) -> None:
        self._connect = connect
        self.prefix = db_prefix
        self.limit_ms = limit_ms
        self.role = role
        self.settings = settings or {}
        self.cancelled = 0
        self.terminated = 0
        self.repaired: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="dbarch-watchdog", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Stop the thread after one last sweep (what the last check changed is repaired)."""
        self._stop.set()
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=10)

    def _run(self) -> None:
        try:
            conn = self._connect()
            if self.role is not None:  # the role as it is now, when sound, is what repairs restore
                found = current_role_settings(conn, self.role)
                if not role_drift(conn, self.role, found) and set(found) == set(self.settings):
                    self.settings = found
        except Exception:  # the sandbox reports connection problems itself
            return
        with conn:
            while True:
                stopping = self._stop.wait(self.POLL_S)
                try:
                    self.sweep(conn)
                except psycopg.Error:
                    return
                if stopping:
                    return

    def sweep(self, conn: psycopg.Connection[Any]) -> None:
        pattern = self.prefix.replace("_", "\\_") + "%"
        limit = f"{self.limit_ms + self.GRACE_MS} milliseconds"
        for pid, age_ms in conn.execute(
            "SELECT pid, extract(epoch FROM clock_timestamp() - query_start) * 1000 FROM pg_stat_activity "
            "WHERE datname LIKE %s AND state = 'active' AND pid <> pg_backend_pid() "
            "AND clock_timestamp() - query_start > %s::interval",
            (pattern, limit),
        ).fetchall():
            if age_ms > 2 * (self.limit_ms + self.GRACE_MS):
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
                self.terminated += 1
            else:
                conn.execute("SELECT pg_cancel_backend(%s)", (pid,))
                self.cancelled += 1
        if self.role is not None:
            self.repaired += repair_role(conn, self.role, self.settings)
