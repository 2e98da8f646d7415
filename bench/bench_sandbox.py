"""Foundation benchmarks: each figure printed next to a baseline measured in the same run.

1. Warm start to first query (server initialised, not running) vs raw ``pg_ctl start`` +
   psycopg connect. Target: within 1.5x.
2. Per-check isolation (scratch database from the template, then dropped). Target: <= 20 ms;
   baseline: the bare CREATE DATABASE ... STRATEGY FILE_COPY + DROP through psycopg.
3. ``dbarch check`` of a generated 200-table pg_dump-style schema, whole CLI process, warm
   server. Target: <= 2 s; baseline: ``psql -f`` of the same file on the same server.

Run: ``python bench/bench_sandbox.py`` (uses a private DBARCH_HOME under /tmp).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="dbarch-bench-"))
os.environ["DBARCH_HOME"] = str(HOME)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from bench.gen_schema import pg_dump_schema  # noqa: E402
from dbarch.tools.sandbox import Sandbox, SandboxSettings  # noqa: E402
from dbarch.tools.sandbox.server import EmbeddedServer  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def report(name: str, ours: float, base: float, target: str) -> None:
    print(f"{name:44} ours {ours:8.1f} ms   baseline {base:8.1f} ms   ratio {ours / base:5.2f}x   ({target})")


def bench_warm_start(rounds: int = 5) -> None:
    root = SandboxSettings().runtime_root
    server = EmbeddedServer(root)
    box = Sandbox()
    box.start()  # initialise once
    box.close()
    raw, ours = [], []
    opts = (f"-k {server.socket_dir} -h '' -p 5432 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_preload_libraries=pg_stat_statements")
    for _ in range(rounds):
        server.stop()
        t = time.perf_counter()
        server._run([server.bin("pg_ctl"), "-D", str(server.data), "-l", str(server.log), "-w", "-o", opts, "start"])
        psycopg.connect(server.dsn, autocommit=True).execute("SELECT 1").close()
        raw.append(time.perf_counter() - t)
        server.stop()
        t = time.perf_counter()
        box = Sandbox()
        box.admin().execute("SELECT 1")
        ours.append(time.perf_counter() - t)
        box.close()
    report("warm start to first query", median_ms(ours), median_ms(raw), "target <= 1.5x")


def bench_isolation(rounds: int = 30) -> None:
    box = Sandbox()
    box.start()
    admin = box.admin()
    raw, ours = [], []
    for i in range(rounds):
        t = time.perf_counter()
        admin.execute(f"CREATE DATABASE raw_{i} TEMPLATE dbarch_template STRATEGY FILE_COPY")
        admin.execute(f"DROP DATABASE raw_{i}")
        raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        with box.scratch() as db:
            db.conn.execute("SELECT 1")
        ours.append(time.perf_counter() - t)
    print(f"{'':44} (ours includes connecting as the restricted role)")
    report("per-check isolation (create + drop)", median_ms(ours), median_ms(raw), "target <= 20 ms")
    box.close()


def bench_check_200(rounds: int = 3) -> None:
    path = HOME / "schema200.sql"
    path.write_text(pg_dump_schema(200))
    box = Sandbox()
    box.start(daemon=True)  # warm server kept running for the CLI processes
    server = box.server
    assert server is not None
    psql = server.bin("psql")
    raw, ours = [], []
    for _ in range(rounds):
        admin = box.admin()
        admin.execute("DROP DATABASE IF EXISTS psql_base")
        admin.execute("CREATE DATABASE psql_base TEMPLATE dbarch_template")
        t = time.perf_counter()
        subprocess.run([psql, "-q", "-h", str(server.socket_dir), "-U", "postgres", "-d", "psql_base",
                        "-f", str(path)], capture_output=True, check=False)
        raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "dbarch.agent.cli.main", "check", str(path)],
                              capture_output=True, text=True, check=False,
                              cwd=Path(__file__).resolve().parents[1])
        ours.append(time.perf_counter() - t)
        if proc.returncode not in (0, 1):
            print(proc.stderr)
    print(f"{'':44} last run: {proc.stdout.strip().splitlines()[-1]}")
    report("dbarch check, 200-table pg_dump (CLI)", median_ms(ours), median_ms(raw), "target <= 2000 ms")
    box.close()
    EmbeddedServer(server.root).stop()


if __name__ == "__main__":
    try:
        bench_warm_start()
        bench_isolation()
        bench_check_200()
    finally:
        root = SandboxSettings().runtime_root
        EmbeddedServer(root).stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(HOME, ignore_errors=True)
