"""Load: many checks at once against one sandbox, from cold and from warm, and threads.

1. 32 ``dbarch check`` processes started at once against a COLD sandbox (no data folder yet:
   the first start, initdb and the role/template bootstrap race each other).
2. The same 32 against a WARM sandbox (server running, bootstrapped).
3. 16 concurrent tool calls inside one process (threads sharing one ``Sandbox``, as the MCP
   server makes them): check (parse, lint, apply) and EXPLAIN in a scratch database.

Every call must succeed and nothing may leak: after each round no scratch database is left
and the restricted role holds no connection. Printed: throughput, the slowest call, and the
ratio of the concurrent wall time to the same calls run one after another in this run.

Run: ``python bench/bench_load.py [N_PROCESSES] [N_THREADS]`` (private DBARCH_HOME under /tmp).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="dbarch-bench-load-"))
os.environ["DBARCH_HOME"] = str(HOME)
os.environ.setdefault("XDG_RUNTIME_DIR", str(HOME))
os.environ.pop("DBARCH_SANDBOX_DSN", None)
os.environ.pop("DBARCH_SANDBOX_DIR", None)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from dbarch.tools.sandbox import Sandbox, SandboxSettings  # noqa: E402
from dbarch.tools.sandbox.sandbox import SCRATCH_PREFIX  # noqa: E402
from dbarch.tools.sandbox.server import EmbeddedServer  # noqa: E402

SCHEMA = ROOT / "docs" / "examples" / "ecommerce.sql"
DBARCH = str(Path(sys.executable).with_name("dbarch"))


def one_check() -> tuple[int, float, str]:
    started = time.perf_counter()
    proc = subprocess.run([DBARCH, "check", "--no-lint", "--format", "json", str(SCHEMA)],
                          capture_output=True, text=True, timeout=300, check=False)
    tail = (proc.stderr.strip().splitlines() or [""])[-1]
    return proc.returncode, time.perf_counter() - started, tail


def processes(n: int) -> tuple[float, list[tuple[int, float, str]]]:
    """Start ``n`` check processes at once (threads only wait for them)."""
    barrier = threading.Barrier(n)

    def run() -> tuple[int, float, str]:
        barrier.wait()
        return one_check()

    started = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(lambda _: run(), range(n)))
    return time.perf_counter() - started, results


def leaks(server: EmbeddedServer, role: str) -> tuple[int, int]:
    """(scratch databases left, connections the restricted role still holds)."""
    with psycopg.connect(server.dsn, autocommit=True) as admin:
        dbs = admin.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s",
                            (SCRATCH_PREFIX.replace("_", "\\_") + "%",)).fetchone()
        conns = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", (role,)).fetchone()
    return int(dbs[0] if dbs else -1), int(conns[0] if conns else -1)


def report(label: str, n: int, wall: float, results: list[tuple[int, float, str]], sequential: float,
           left: tuple[int, int]) -> bool:
    failed = [r for r in results if r[0] != 0]
    slowest = max(r[1] for r in results)
    print(f"{label:34} {n - len(failed)}/{n} ok   {n / wall:6.2f} checks/s   wall {wall:6.2f} s   "
          f"slowest {slowest:6.2f} s   vs one after another {sequential:6.2f} s "
          f"(ratio {wall / sequential:4.2f})   leaked: {left[0]} databases, {left[1]} connections")
    for code, _, tail in failed[:3]:
        print(f"   failure (exit {code}): {tail}")
    return not failed and left == (0, 0)


def bench_processes(n: int) -> bool:
    settings = SandboxSettings()
    server = EmbeddedServer(settings.runtime_root)
    shutil.rmtree(settings.runtime_root, ignore_errors=True)
    cold_wall, cold = processes(n)  # cold: no data folder at all
    box = Sandbox()
    box.start(daemon=True)  # whatever the checks left running is now a daemon: stopped below
    box.close()
    cold_left = leaks(server, settings.role)
    sequential = sum(one_check()[1] for _ in range(4)) / 4 * n  # the same checks, one at a time
    ok = report(f"{n} processes, cold sandbox", n, cold_wall, cold, sequential, cold_left)
    wall, results = processes(n)
    ok = report(f"{n} processes, warm sandbox", n, wall, results, sequential, leaks(server, settings.role)) and ok
    server.stop()
    return ok


THREAD_SCHEMA = """
CREATE TABLE authors (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE books (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id bigint NOT NULL REFERENCES authors(id), title text NOT NULL, published date);
CREATE INDEX books_author_idx ON books (author_id);
"""


def tool_call(box: Sandbox, k: int) -> float:
    """One tool call: check the schema, or EXPLAIN a query on it (every other call)."""
    from dbarch.tools.check import check_sources
    from dbarch.tools.perf.explain import explain_query
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script
    from dbarch.tools.sql.queries import read_queries
    from dbarch.tools.sql.source import SqlSource

    started = time.perf_counter()
    if k % 2 == 0:
        result = check_sources([SqlSource(f"t{k}.sql", THREAD_SCHEMA)], sandbox=box)
        assert result.applied, result.errors
    else:
        with box.scratch() as db:
            assert apply_scripts(box, db, [parse_script(THREAD_SCHEMA, source="t.sql")]).applied
            (query,) = read_queries("SELECT title FROM books WHERE author_id = 7", "q.sql")
            report = explain_query(db.conn, query)
            assert report.ok, report.error
    return time.perf_counter() - started


def bench_threads(n: int) -> bool:
    settings = SandboxSettings()
    server = EmbeddedServer(settings.runtime_root)
    keeper = Sandbox()
    keeper.start(daemon=True)  # the server outlives ``box`` so that leaks can be counted after it
    keeper.close()
    box = Sandbox()
    box.start()
    try:
        tool_call(box, 0)  # warm the imports and the template
        started = time.perf_counter()
        for k in range(n):
            tool_call(box, k)
        sequential = time.perf_counter() - started
        barrier = threading.Barrier(n)

        def run(k: int) -> tuple[int, float, str]:
            barrier.wait()
            try:
                return 0, tool_call(box, k), ""
            except Exception as exc:  # reported, never hidden
                return 2, 0.0, f"{type(exc).__name__}: {exc}"

        started = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            results = list(pool.map(run, range(n)))
        wall = time.perf_counter() - started
    finally:
        box.close()
    left = leaks(server, settings.role)
    threads = [t.name for t in threading.enumerate() if t.name.startswith("dbarch-")]
    ok = report(f"{n} tool calls, threads, one process", n, wall, results, sequential, left)
    if threads:
        print(f"   threads left running: {threads}")
    server.stop()
    return ok and not threads


def main() -> int:
    n_proc = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    n_threads = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    try:
        ok = bench_processes(n_proc)
        ok = bench_threads(n_threads) and ok
    finally:
        EmbeddedServer(SandboxSettings().runtime_root).stop()
        shutil.rmtree(SandboxSettings().runtime_root, ignore_errors=True)
        shutil.rmtree(HOME, ignore_errors=True)
    print("all calls succeeded, nothing leaked" if ok else "FAILURES or LEAKS above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
