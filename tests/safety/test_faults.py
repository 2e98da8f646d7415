"""Faults injected into the sandbox and the workspace, and what survives them.

- the dbarch process killed (SIGKILL) in the middle of a check: the next process adopts the
  orphaned server, drops the dead process's scratch database, and checks as usual;
- the server itself killed (SIGKILL of the postmaster: a stale pid file, crash recovery);
- a full disk under the data folder (a real 96 MB tmpfs mounted for the test; needs root);
- a workspace written by 8 processes at once (nothing lost), and paths with NUL bytes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from dbarch.tools.check import check_sources
from dbarch.tools.sandbox import Sandbox, SandboxSettings
from dbarch.tools.sandbox.sandbox import SCRATCH_PREFIX
from dbarch.tools.sandbox.server import EmbeddedServer
from dbarch.tools.sql.source import SqlSource

SCHEMA = SqlSource("s.sql", "CREATE TABLE t (id bigint PRIMARY KEY, v text);\nINSERT INTO t VALUES (1, 'a');")

MID_CHECK = """
import sys
from pathlib import Path
from dbarch.tools.sandbox import Sandbox, SandboxSettings
box = Sandbox(SandboxSettings(root=Path(sys.argv[1])))
box.start()
db = box.create_scratch()
db.conn.execute("CREATE TABLE half (a int)")
print(db.name, flush=True)
db.conn.execute("SELECT pg_sleep(120)")
"""


def scratch_databases(server: EmbeddedServer) -> list[str]:
    with psycopg.connect(server.dsn, autocommit=True) as admin:
        rows = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                             (SCRATCH_PREFIX.replace("_", "\\_") + "%",)).fetchall()
    return [r[0] for r in rows]


def check_works(box: Sandbox) -> None:
    result = check_sources([SCHEMA], sandbox=box, lint=False)
    assert result.applied and not result.errors, result.errors


def test_killed_mid_check_then_started_again(cold_root: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", MID_CHECK, str(cold_root)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    name = child.stdout.readline().strip()
    assert name.startswith(SCRATCH_PREFIX)
    child.kill()  # SIGKILL: no exit handler runs; the server and the scratch database stay
    child.wait(timeout=10)
    server = EmbeddedServer(cold_root)
    assert server.postmaster_pid() is not None and name in scratch_databases(server)
    with Sandbox(SandboxSettings(root=cold_root)) as box:
        box.start()
        assert box.server is not None and box.server.owned  # adopted
        assert name not in scratch_databases(server)  # the dead process's database is gone
        check_works(box)
    assert server.postmaster_pid() is None  # stopped by its new owner


def test_server_killed_then_started_again(cold_root: Path) -> None:
    with Sandbox(SandboxSettings(root=cold_root)) as box:
        box.start()
        check_works(box)
        server = EmbeddedServer(cold_root)
        pid = server.postmaster_pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)  # the postmaster dies; its pid file stays behind
    assert (cold_root / "data" / "postmaster.pid").exists() or server.postmaster_pid() is None
    with Sandbox(SandboxSettings(root=cold_root)) as again:
        again.start()  # stale pid file removed, crash recovery, role and template intact
        check_works(again)


def _mount_tiny_tmpfs(path: Path, size_mb: int) -> bool:
    if os.geteuid() != 0:
        return False
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0755", "tmpfs", str(path)],
                          capture_output=True, check=False)
    return done.returncode == 0


def test_a_full_disk_gives_a_clear_error(cold_root: Path) -> None:
    """A real full disk: the data folder on a 96 MB tmpfs, filled by the checked SQL."""
    if not _mount_tiny_tmpfs(cold_root, 96):
        pytest.skip("mounting a small tmpfs needs root (the full-disk path is then untested here)")
    box = Sandbox(SandboxSettings(root=cold_root, temp_file_limit="-1"))
    try:
        box.start()
        result = check_sources([SqlSource("fill.sql",
            "CREATE TABLE big (v text);\n"
            "INSERT INTO big SELECT md5(g::text) || repeat(md5(g::text), 30) FROM generate_series(1, 400000) g;")],
            sandbox=box, lint=False)
        (error,) = result.errors
        assert error.sqlstate == "53100" and error.line == 2
        assert "No space left on device" in error.message and "full" in (error.hint or "")
    finally:
        EmbeddedServer(cold_root).stop(force=True)  # immediate: a clean shutdown needs disk space
        box.close()
        subprocess.run(["umount", "-l", str(cold_root)], check=False)


def test_initdb_on_a_full_disk_says_so(cold_root: Path) -> None:
    if not _mount_tiny_tmpfs(cold_root, 8):
        pytest.skip("mounting a small tmpfs needs root")
    from dbarch.tools.errors import SandboxError

    try:
        with pytest.raises(SandboxError) as caught:
            Sandbox(SandboxSettings(root=cold_root)).start()
        assert "full" in (caught.value.hint or ""), caught.value.one_line()
    finally:
        subprocess.run(["umount", "-l", str(cold_root)], check=False)


WRITER = """
import sys
from dbarch.memory import Workspace, add_note, record_decision
ws = Workspace(sys.argv[1])
who = sys.argv[2]
for i in range(10):
    if i % 2:
        record_decision(ws, decision=f"decision {who}-{i}", why="eight writers")
    else:
        add_note(ws, "lesson", f"note {who}-{i}")
"""


def test_eight_concurrent_workspace_writers_lose_nothing(tmp_path: Path) -> None:
    from dbarch.memory import Workspace, read_decisions, read_notes

    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"w{n}"]) for n in range(8)]
    assert [w.wait(timeout=120) for w in writers] == [0] * 8
    ws = Workspace(tmp_path)
    decisions = {d.decision for d in read_decisions(ws)}
    notes = {n.text for n in read_notes(ws)}
    assert decisions == {f"decision w{n}-{i}" for n in range(8) for i in range(10) if i % 2}
    assert notes == {f"note w{n}-{i}" for n in range(8) for i in range(10) if not i % 2}


@pytest.mark.parametrize("bad", ["00_soul.md\x00", "migrations/001_a\x00.sql", "\x00/etc/passwd"])
def test_nul_bytes_in_workspace_paths_are_refused(tmp_path: Path, bad: str) -> None:
    from dbarch.memory import Workspace
    from dbarch.memory.paths import check_relative
    from dbarch.tools.errors import WorkspaceError

    with pytest.raises(WorkspaceError):
        check_relative(bad)
    with pytest.raises(WorkspaceError):
        Workspace(str(tmp_path) + "/" + bad)
