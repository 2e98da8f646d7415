"""Concurrent first start: several processes bootstrap one cold sandbox at once.

Before the fix, 24 ``dbarch check`` processes on a cold sandbox failed 9 times with "tuple
concurrently updated" (each created the role and altered its settings at the same time).
The full 32-process figure is in ``bench/bench_load.py``; here a handful of processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from dbarch.tools.sandbox import Sandbox, SandboxSettings, lockdown
from dbarch.tools.sandbox.sandbox import TEMPLATE
from dbarch.tools.sandbox.server import EmbeddedServer

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "examples" / "ecommerce.sql"


STARTER = """
import sys
from dbarch.tools.sandbox import Sandbox
box = Sandbox()
box.start()
with box.scratch() as db:
    db.conn.execute(open(sys.argv[1]).read())
box.close()
"""


def test_cold_start_race_all_processes_succeed(cold_root: Path) -> None:
    """Five processes start, apply a schema in a scratch database and stop, all at once."""
    env = {**os.environ, "DBARCH_SANDBOX_DIR": str(cold_root)}
    procs = [
        subprocess.Popen([sys.executable, "-c", STARTER, str(SCHEMA)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(5)
    ]
    outcomes = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 5, [err for _, err in outcomes if err]
    server = EmbeddedServer(cold_root)
    if server.postmaster_pid() is not None:  # the last one out may have left it to the others
        with psycopg.connect(server.dsn, autocommit=True) as admin:
            left = admin.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'dbarch\\_s\\_%'").fetchone()
            assert left == (0,)


def test_bootstrap_redone_when_the_lockdown_is_older(cold_root: Path) -> None:
    """A data folder bootstrapped by an older dbarch (no marker, weaker role) is re-locked."""
    settings = SandboxSettings(root=cold_root)
    box = Sandbox(settings)
    box.start()
    try:
        admin = box.admin()
        admin.execute(f"COMMENT ON ROLE {settings.role} IS NULL")
        admin.execute(f"ALTER ROLE {settings.role} CREATEDB CONNECTION LIMIT -1")
        admin.execute(f"GRANT pg_read_server_files TO {settings.role}")
        assert not lockdown.is_bootstrapped(admin, settings.role, TEMPLATE)
    finally:
        box.close()
    again = Sandbox(settings)
    again.start()
    try:
        admin = again.admin()
        assert lockdown.is_bootstrapped(admin, settings.role, TEMPLATE)
        row = admin.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolconnlimit, "
            "pg_has_role(%s, 'pg_read_server_files', 'MEMBER') FROM pg_roles WHERE rolname = %s",
            (settings.role, settings.role),
        ).fetchone()
        assert row == (False, False, False, lockdown.ROLE_CONNECTION_LIMIT, False)
        config = admin.execute("SELECT rolconfig FROM pg_roles WHERE rolname = %s", (settings.role,)).fetchone()
        assert config is not None
        assert any(c.startswith("temp_file_limit=") for c in config[0])
    finally:
        again.close()
