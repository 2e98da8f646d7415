"""The sandbox: throwaway databases where generated SQL runs, never anywhere else.

``Sandbox.scratch()`` yields a fresh database cloned from a template (about 10 ms on tmpfs),
connected as an unprivileged role with ``statement_timeout``, ``lock_timeout`` and
``temp_file_limit`` set, and drops it afterwards. On a server the user provides
(``--sandbox-dsn``) it creates and drops its own scratch database there with the user's
credentials instead.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import queue
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from dbarch.tools.errors import SandboxError
from dbarch.tools.sandbox import lockdown
from dbarch.tools.sandbox.server import EmbeddedServer, _pid_alive
from dbarch.tools.sandbox.settings import SandboxSettings

TEMPLATE = "dbarch_template"
SCRATCH_PREFIX = "dbarch_s_"
_counter = itertools.count(1)
_instances = itertools.count(1)


@dataclass(slots=True)
class ScratchDatabase:
    """A throwaway database: ``conn`` runs user SQL (autocommit, unprivileged, limited)."""

    name: str
    conn: psycopg.Connection[Any]
    dsn: str
    """Connection string of the restricted role to this database."""
    admin_dsn: str
    """Connection string with the sandbox's administrative rights (embedded server: superuser)."""


class Sandbox:
    """Entry point to the sandbox server (embedded, or the user's own through a DSN).

    The caller owns its lifetime: use it as a context manager (``with Sandbox(settings) as
    box:``), or call :meth:`close` yourself. Nothing here installs signal or exit handlers: an
    entry point that wants the server stopped on SIGTERM calls :meth:`install_exit_hooks` from
    its main thread.

    **Threads**: one ``Sandbox`` may be shared by every thread of a process (the REPL, the MCP
    server, an eval runner). :meth:`start` is idempotent and serialised; each
    :meth:`scratch` database has its own connection and belongs to the thread that made it;
    the administrative connection is used under a lock. Close it once, after the threads
    that use it are done.
    """

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings()
        self.server: EmbeddedServer | None = None
        self._admin: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()
        self._hooks_installed = False
        self._background: _Background | None = None
        self._watchdog: lockdown.Watchdog | None = None
        self._tag = f"{os.getpid()}_{next(_instances)}_"
        """Prefix of this instance's scratch databases after ``SCRATCH_PREFIX`` (the watchdog's scope)."""

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def embedded(self) -> bool:
        """True for the embedded server, False for a server given by DSN."""
        return self.settings.dsn is None

    # -- connection to the server -------------------------------------------------------
    def start(self, *, daemon: bool = False) -> None:
        """Make sure the server runs and is ready (idempotent)."""
        with self._lock:
            if self._admin is not None and not self._admin.closed:
                return
            if self.embedded:
                self.server = self.server or self._new_server()
                self.server.ensure_running(daemon=daemon)
                self._admin = _connect(self.server.dsn, what="the embedded sandbox server")
                self._bootstrap()
                lockdown.reap_orphans(self._admin, SCRATCH_PREFIX, _pid_alive)
            else:
                assert self.settings.dsn is not None
                self._admin = _connect(self.settings.dsn, what="the sandbox server given by --sandbox-dsn")

    def _new_server(self) -> EmbeddedServer:
        install = None
        if self.settings.engine == "system":
            from dbarch.tools.sandbox.engines import system_install

            install = system_install()
        return EmbeddedServer(self.settings.runtime_root, install=install,
                              memory_limit_mb=self.settings.backend_memory_mb)

    @property
    def admin_dsn(self) -> str:
        """Connection string with the sandbox's administrative rights."""
        if self.embedded:
            assert self.server is not None
            return self.server.dsn
        assert self.settings.dsn is not None
        return self.settings.dsn

    def admin(self) -> psycopg.Connection[Any]:
        """The administrative connection (psycopg serialises its use between threads)."""
        self.start()
        assert self._admin is not None
        return self._admin

    def _bootstrap(self) -> None:
        """Create the restricted role and the template database once per data folder. The
        first start is serialised across processes and every step is idempotent (see
        :mod:`tools.sandbox.lockdown`)."""
        admin = self._admin
        assert admin is not None
        role = self.settings.role
        if lockdown.is_bootstrapped(admin, role, TEMPLATE):
            return
        with lockdown.bootstrap_lock(admin):
            if lockdown.is_bootstrapped(admin, role, TEMPLATE):
                return  # another process finished it while this one waited
            lockdown.ensure_role(admin, role, self._role_settings())
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (TEMPLATE,)).fetchone():
                tmp = f"{TEMPLATE}_{os.getpid()}"
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(tmp)))
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'").format(
                        sql.Identifier(tmp)
                    )
                )
                admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(tmp), sql.Identifier(TEMPLATE)))
            with _connect(make_conninfo(self.admin_dsn, dbname=TEMPLATE), what="the sandbox template") as conn:
                lockdown.lock_template(conn)
            admin.execute(sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(sql.Identifier(TEMPLATE)))
            lockdown.mark_bootstrapped(admin, role)

    def _role_settings(self) -> dict[str, str]:
        return lockdown.role_settings(
            self.settings.statement_timeout_ms, self.settings.lock_timeout_ms, self.settings.temp_file_limit)

    # -- scratch databases --------------------------------------------------------------
    @contextlib.contextmanager
    def scratch(self, *, template: str | None = None) -> Iterator[ScratchDatabase]:
        """A throwaway database for one check; dropped on exit, whatever happens inside."""
        db = self.create_scratch(template=template)
        try:
            yield db
        finally:
            self.drop_scratch(db)

    def create_scratch(self, *, template: str | None = None, name: str | None = None) -> ScratchDatabase:
        """A new scratch database (the spare one when ready); drop it with :meth:`drop_scratch`."""
        self.start()
        self._guard()
        if template is None and name is None and self._background is not None:
            spare = self._background.take_spare()
            if spare is not None:
                return spare
        return self._create(self.admin(), template=template, name=name)

    def _guard(self) -> None:
        """Start the watchdog that enforces the statement timeout on this process's scratch
        databases even when the SQL turned ``statement_timeout`` off."""
        with self._lock:
            if self._watchdog is None:
                self._watchdog = lockdown.Watchdog(
                    lambda: _connect(self.admin_dsn, what="the sandbox server"),
                    f"{SCRATCH_PREFIX}{self._tag}", self.settings.statement_timeout_ms,
                    role=self.settings.role if self.embedded else None, settings=self._role_settings(),
                )
        self._watchdog.start()

    def flush(self) -> None:
        """Wait until every dropped scratch database is really gone."""
        if self._background is not None:
            self._background.flush()

    def _helper(self) -> _Background:
        with self._lock:
            if self._background is None:
                self._background = _Background(self)
            return self._background

    def _create(
        self, admin: psycopg.Connection[Any], *, template: str | None = None, name: str | None = None
    ) -> ScratchDatabase:
        name = name or f"{SCRATCH_PREFIX}{self._tag}{next(_counter)}_{secrets.token_hex(2)}"
        ident = sql.Identifier(name)
        try:
            if self.embedded:
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY OWNER {}").format(
                        ident, sql.Identifier(template or TEMPLATE), sql.Identifier(self.settings.role)
                    )
                )
            else:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(ident)
                              if template is None else
                              sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(ident, sql.Identifier(template)))
        except psycopg.Error as exc:
            raise SandboxError(
                f"cannot create a scratch database: {_first_line(exc)}",
                sqlstate=exc.sqlstate,
                hint=None if self.embedded else "the --sandbox-dsn role needs the CREATEDB privilege",
            ) from exc
        admin_dsn = make_conninfo(self.admin_dsn, dbname=name)
        if self.embedded:
            dsn = make_conninfo(self.admin_dsn, dbname=name, user=self.settings.role)
        else:
            dsn = admin_dsn
        dsn = make_conninfo(dsn, options=self.settings.session_options())
        conn = _connect(dsn, what=f"scratch database {name}")
        return ScratchDatabase(name, conn, dsn, admin_dsn)

    def drop_scratch(self, db: ScratchDatabase) -> None:
        """Drop ``db``. On the embedded server this happens in the background (DROP DATABASE
        waits for the closed backend to exit, up to 100 ms) while the next spare is prepared."""
        with contextlib.suppress(psycopg.Error):
            db.conn.close()
        if self.embedded:
            self._helper().drop(db.name)
            return
        with contextlib.suppress(psycopg.Error):
            self.admin().execute(_drop_sql(db.name))

    # -- shutdown ------------------------------------------------------------------------
    def close(self) -> None:
        """Disconnect; stop the server if this process owns it and nobody else is connected."""
        with self._lock:
            background, self._background = self._background, None
        if background is not None:
            background.finish()
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            watchdog.stop()
        with self._lock:
            admin, self._admin = self._admin, None
            server = self.server
            if server is None or not server.owned:
                if admin is not None:
                    admin.close()
                return
            others = 0
            if admin is not None and not admin.closed:
                with contextlib.suppress(psycopg.Error):
                    row = admin.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                        "AND pid <> pg_backend_pid() AND application_name <> %s", (_app_name(),)
                    ).fetchone()
                    others = int(row[0]) if row else 0
                with contextlib.suppress(psycopg.Error):
                    self._drop_leftovers(admin)
                admin.close()
            if others:
                server.release()  # others still use it; the next process adopts it
            else:
                server.stop()

    def _drop_leftovers(self, admin: psycopg.Connection[Any]) -> None:
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{SCRATCH_PREFIX}{os.getpid()}\\_%",)
        ).fetchall()
        for (name,) in rows:
            admin.execute(_drop_sql(name))

    def install_exit_hooks(self) -> None:
        """Close (and stop the server if this process owns it) at exit and on SIGTERM.

        For entry points only (the CLI, a server's main): a library never calls it, since
        signal handlers are process-wide. Call it from the main thread."""
        if self._hooks_installed:
            return
        self._hooks_installed = True
        atexit.register(self.close)
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            self.close()
            if callable(previous):
                previous(signum, frame)
            raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, on_sigterm)

    def status(self) -> dict[str, object]:
        """What a person wants to know: where, running or not, who owns it."""
        if not self.embedded:
            return {"kind": "dsn", "dsn": _redact(self.settings.dsn or "")}
        server = self.server or EmbeddedServer(self.settings.runtime_root)
        pid = server.postmaster_pid() if (server.data / "postmaster.pid").exists() else None
        return {
            "kind": "embedded",
            "root": str(server.root),
            "initialised": (server.data / "PG_VERSION").exists(),
            "running": pid is not None,
            "pid": pid,
            "owner": server.owner(),
            "socket": str(server.socket_dir),
        }


def _drop_sql(name: str) -> sql.Composed:
    return sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))


class _Background:
    """One worker thread with its own admin connection: drops used scratch databases and keeps
    one spare (created and connected) ready, so a check waits for neither."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.tasks: queue.Queue[str | None] = queue.Queue()
        self.spare: ScratchDatabase | None = None
        self.cond = threading.Condition()
        self.preparing = False
        self.closing = False
        self.thread = threading.Thread(target=self._run, name="dbarch-sandbox", daemon=True)
        self.thread.start()

    def _prepare(self) -> None:
        with self.cond:
            if self.spare is None and not self.preparing:
                self.preparing = True
                self.tasks.put("")

    def take_spare(self) -> ScratchDatabase | None:
        with self.cond:
            if self.spare is None and self.preparing:
                self.cond.wait(timeout=5)
            spare, self.spare = self.spare, None
        return spare

    def drop(self, name: str) -> None:
        """Drop ``name``, and have a spare ready for the next check: a process that used one
        scratch database (the REPL, the advisor, a test run) usually wants another."""
        self.tasks.put(name)
        self._prepare()

    def flush(self) -> None:
        self.tasks.join()

    def finish(self) -> None:
        self.closing = True  # pending spares are not made any more: nobody will take them
        self.tasks.put(None)
        self.thread.join(timeout=30)
        with self.cond:
            spare, self.spare = self.spare, None
        if spare is not None:
            with contextlib.suppress(psycopg.Error):
                spare.conn.close()
            with contextlib.suppress(psycopg.Error, SandboxError):
                self.sandbox.admin().execute(_drop_sql(spare.name))

    def _run(self) -> None:
        try:
            admin = _connect(self.sandbox.admin_dsn, what="the sandbox server")
        except (SandboxError, AssertionError):
            with self.cond:
                self.preparing = False
                self.cond.notify_all()
            return
        with admin:
            while True:
                task = self.tasks.get()
                try:
                    if task is None:
                        return
                    if task:
                        with contextlib.suppress(psycopg.Error):
                            admin.execute(_drop_sql(task))
                        continue
                    self._make_spare(admin)
                finally:
                    self.tasks.task_done()

    def _make_spare(self, admin: psycopg.Connection[Any]) -> None:
        spare: ScratchDatabase | None = None
        with contextlib.suppress(psycopg.Error, SandboxError):
            spare = self.sandbox._create(admin)
        with self.cond:
            self.spare, self.preparing = spare, False
            self.cond.notify_all()


def _app_name() -> str:
    """``application_name`` of this process's connections: at exit, the server is stopped
    only when no connection but these is left (a closed one may linger for a moment)."""
    return f"dbarch-{os.getpid()}"


_BUSY = frozenset(["53300", "57P03"])
"""Too many connections (server or role), server starting up: worth waiting for."""


def _connect(dsn: str, *, what: str, patience_s: float = 30.0) -> psycopg.Connection[Any]:
    """Connect in autocommit; under load (all connection slots taken, server starting) retry
    with backoff for up to ``patience_s`` before saying so."""
    deadline = time.monotonic() + patience_s
    delay = 0.05
    while True:
        try:
            return psycopg.connect(dsn, autocommit=True, connect_timeout=10, application_name=_app_name())
        except psycopg.Error as exc:
            state = exc.sqlstate or _sqlstate_of_refusal(exc)
            if state in _BUSY and time.monotonic() + delay < deadline:
                time.sleep(delay * (0.5 + secrets.randbelow(1000) / 1000))
                delay = min(delay * 2, 1.0)
                continue
            raise SandboxError(f"cannot connect to {what}: {_first_line(exc)}", sqlstate=state) from exc


def _sqlstate_of_refusal(exc: BaseException) -> str | None:
    """libpq reports a refused connection without a SQLSTATE; recognise the busy ones."""
    text = str(exc)
    if "too many clients" in text or "too many connections" in text or "remaining connection slots" in text:
        return "53300"
    if "the database system is starting up" in text:
        return "57P03"
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _redact(dsn: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    with contextlib.suppress(psycopg.Error):
        parts = conninfo_to_dict(dsn)
        if "password" in parts:
            parts["password"] = "***"
        return make_conninfo(**{k: str(v) for k, v in parts.items()})
    return "<dsn>"
