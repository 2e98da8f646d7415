"""Item 5 of issue 16: a timed-out statement is not run twice, Ctrl-C cancels the server
statement, and the sandbox keeps little WAL on tmpfs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dbarch.tools.sandbox.apply import apply_scripts
from dbarch.tools.sql.parse import parse_script


def test_a_statement_that_times_out_in_a_batch_is_not_replayed(sandbox: Any) -> None:
    # nextval() is not rolled back: it counts how many times the slow statement really ran
    sql = (
        "CREATE TABLE first (id int);\nCREATE TABLE before_it (id int);\n"
        "SELECT nextval('calls'), pg_sleep(5);\nCREATE TABLE after_it (id int);\n"
    )
    with sandbox.scratch() as db:
        db.conn.execute("CREATE SEQUENCE calls")
        db.conn.execute("SET statement_timeout = 300")
        result = apply_scripts(sandbox, db, [parse_script(sql, source="slow.sql")])
        (error,) = result.errors
        assert (error.line, error.sqlstate) == (3, "57014")
        calls = db.conn.execute("SELECT last_value, is_called FROM calls").fetchone()
        tables = db.conn.execute("SELECT count(*) FROM pg_class WHERE relname IN ('before_it', 'after_it')").fetchone()
    assert calls == (1, True)  # ran once: not replayed to locate it
    assert tables == (1,)  # the statements before it are kept, the run stopped there


def test_ctrl_c_cancels_the_server_statement_and_exits(sandbox: Any, tmp_path: Path) -> None:
    script = tmp_path / "sleepy.sql"
    script.write_text("CREATE TABLE t (id int);\nSELECT pg_sleep(300);\n")
    env = {**os.environ, "DBARCH_STATEMENT_TIMEOUT_MS": "600000"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dbarch.agent.cli.main", "check", "--no-lint", str(script)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    admin = sandbox.admin()
    try:
        for _ in range(600):  # until the sleep runs on the server
            running = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(300)%' AND state = 'active' "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
            if running and running[0]:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        else:
            raise AssertionError("the statement never started")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)  # the sleep would take 300 s: it was cancelled
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted" in err
    left = admin.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(300)%' AND state = 'active' "
        "AND pid <> pg_backend_pid()"
    ).fetchone()
    assert left == (0,)


def test_the_sandbox_bounds_the_wal_it_keeps(sandbox: Any) -> None:
    admin = sandbox.admin()
    settings = dict(admin.execute(
        "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'wal_recycle', 'max_wal_size')"
    ).fetchall())
    assert settings == {"wal_level": "minimal", "wal_recycle": "off", "max_wal_size": "128"}
