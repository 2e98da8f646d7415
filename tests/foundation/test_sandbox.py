"""The sandbox: a real PostgreSQL server, throwaway databases, limits, and recovery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from dbarch.tools.errors import SandboxError
from dbarch.tools.sandbox import Sandbox, SandboxSettings
from dbarch.tools.sandbox.server import EmbeddedServer


def test_each_scratch_database_is_isolated_and_dropped(sandbox: Sandbox) -> None:
    with sandbox.scratch() as a, sandbox.scratch() as b:
        a.conn.execute("CREATE TABLE only_in_a (id int)")
        assert b.conn.execute("SELECT to_regclass('only_in_a')").fetchone() == (None,)
        name = a.name
    sandbox.flush()  # drops happen in the background
    left = sandbox.admin().execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    assert left is None


def test_user_sql_runs_as_an_unprivileged_role_with_limits(sandbox: Sandbox) -> None:
    with sandbox.scratch() as db:
        user, is_super, timeout, lock_timeout, temp_limit = db.conn.execute(
            "SELECT current_user, usesuper, current_setting('statement_timeout'), "
            "current_setting('lock_timeout'), current_setting('temp_file_limit') "
            "FROM pg_user WHERE usename = current_user"
        ).fetchone()
        assert user == "dbarch_sql" and is_super is False
        assert timeout != "0" and lock_timeout != "0" and temp_limit != "-1"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.conn.execute("SELECT pg_read_file('/etc/passwd')")


def test_a_hanging_statement_is_cancelled_by_the_statement_timeout(sandbox: Sandbox) -> None:
    quick = Sandbox(SandboxSettings(statement_timeout_ms=300))
    try:
        with quick.scratch() as db, pytest.raises(psycopg.errors.QueryCanceled):
            db.conn.execute("SELECT pg_sleep(1e6)")
    finally:
        quick.close()


def test_a_user_provided_server_gets_its_own_scratch_database(sandbox: Sandbox) -> None:
    mine = Sandbox(SandboxSettings(dsn=sandbox.admin_dsn))
    try:
        with mine.scratch() as db:
            assert db.name.startswith("dbarch_s_")
            assert db.conn.execute("SELECT current_database()").fetchone() == (db.name,)
    finally:
        mine.close()


def _own_root(tmp: Path) -> Path:
    # short, traversable by the unprivileged account, unique per test
    return Path("/dev/shm" if Path("/dev/shm").is_dir() else "/tmp") / f"dbt-{os.getpid()}-{tmp.name[-12:]}"


def test_a_stale_pid_file_does_not_block_the_next_start(tmp_path: Path) -> None:
    root = _own_root(tmp_path)
    box = Sandbox(SandboxSettings(root=root))
    try:
        box.start()
        pid = int((root / "data" / "postmaster.pid").read_text().split()[0])
        box._admin.close()  # type: ignore[union-attr]
        box._admin = None
        os.kill(pid, signal.SIGKILL)
        deadline = time.time() + 10
        while Path(f"/proc/{pid}").exists() and time.time() < deadline:
            time.sleep(0.05)
        assert (root / "data" / "postmaster.pid").exists()  # stale now
        again = Sandbox(SandboxSettings(root=root))
        with again.scratch() as db:
            assert db.conn.execute("SELECT 1").fetchone() == (1,)
        again.close()
        assert not (root / "data" / "postmaster.pid").exists()
    finally:
        EmbeddedServer(root).stop(force=True)
        subprocess.run(["rm", "-rf", str(root)], check=False)


CHILD = """
import sys, time
from pathlib import Path
from dbarch.tools.sandbox import Sandbox, SandboxSettings
box = Sandbox(SandboxSettings(root=Path(sys.argv[1])))
box.install_exit_hooks()  # what an entry point does (the CLI); the library never does
box.start()
print("ready", flush=True)
time.sleep(60)
"""


def _start_child(root: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child


def test_sigterm_stops_the_server_the_process_started(tmp_path: Path) -> None:
    root = _own_root(tmp_path)
    try:
        child = _start_child(root)
        assert EmbeddedServer(root).postmaster_pid() is not None
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
        assert EmbeddedServer(root).postmaster_pid() is None
    finally:
        EmbeddedServer(root).stop(force=True)
        subprocess.run(["rm", "-rf", str(root)], check=False)


def test_an_orphaned_server_is_adopted_and_stopped_by_its_new_owner(tmp_path: Path) -> None:
    root = _own_root(tmp_path)
    try:
        child = _start_child(root)
        child.kill()  # SIGKILL: no cleanup, the server is orphaned
        child.wait(timeout=10)
        assert EmbeddedServer(root).postmaster_pid() is not None
        box = Sandbox(SandboxSettings(root=root))
        box.start()
        assert box.server is not None and box.server.owned
        box.close()
        assert EmbeddedServer(root).postmaster_pid() is None
    finally:
        EmbeddedServer(root).stop(force=True)
        subprocess.run(["rm", "-rf", str(root)], check=False)


def test_a_socket_path_too_long_is_a_clear_error() -> None:
    box = Sandbox(SandboxSettings(root=Path("/tmp/" + "x" * 120)))
    with pytest.raises(SandboxError, match="longer than") as info:
        box.start()
    assert "DBARCH_SANDBOX_DIR" in (info.value.hint or "")
