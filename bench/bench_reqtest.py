"""Requirement tests: 50 tests on a 20-table schema loaded with 100k rows.

Prints the time of ``run_requirement_tests`` (schema applied, data loaded, tests run; data
loading reported separately; target: at most 2 s without it) next to the bare time of the same
statements (the same BEGIN/SAVEPOINT/ROLLBACK framing) sent through ``psql -f`` and through a
plain psycopg loop, on a scratch database loaded the same way.
Run: ``.venv/bin/python bench/bench_reqtest.py``.
"""

from __future__ import annotations

import contextlib
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: F401  (a private DBARCH_HOME)

PARENTS = 4
CHILDREN = 16
ROWS_PER_TABLE = 5_000  # 20 tables x 5,000 = 100,000 rows
REPEAT = 3


def schema() -> str:
    parts = []
    for i in range(1, PARENTS + 1):
        parts.append(
            f"CREATE TABLE p{i:02d} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code text NOT NULL UNIQUE,"
            f" kind text NOT NULL CHECK (kind IN ('a', 'b', 'c')), created_at timestamptz NOT NULL DEFAULT now());"
        )
    for j in range(1, CHILDREN + 1):
        parent = f"p{(j - 1) % PARENTS + 1:02d}"
        parts.append(
            f"CREATE TABLE c{j:02d} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            f" parent_id bigint NOT NULL REFERENCES {parent} (id),"
            f" amount numeric(12, 2) NOT NULL CONSTRAINT c{j:02d}_amount_nonneg CHECK (amount >= 0),"
            f" status text NOT NULL CHECK (status IN ('open', 'closed')), ref text NOT NULL,"
            f" UNIQUE (parent_id, ref));"
            f"\nCREATE INDEX c{j:02d}_parent ON c{j:02d} (parent_id);"
        )
    return "\n".join(parts) + "\n"


def tests() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for j in range(1, CHILDREN + 1):
        c, p = f"c{j:02d}", f"p{(j - 1) % PARENTS + 1:02d}"
        out.append({"name": f"{c}: a row needs an existing parent", "steps": [
            {"sql": f"INSERT INTO {c} (parent_id, amount, status, ref) VALUES (-1, 1, 'open', 'x')",
             "expect": {"error": "23503"}}]})
        out.append({"name": f"{c}: amounts are not negative", "steps": [
            {"sql": f"INSERT INTO {c} (parent_id, amount, status, ref) SELECT min(id), -1, 'open', 'neg' FROM {p}",
             "expect": {"error": "23514", "constraint": f"{c}_amount_nonneg"}}]})
    for i in range(1, PARENTS + 1):
        p = f"p{i:02d}"
        out.append({"name": f"{p}: codes are unique", "steps": [
            {"sql": f"INSERT INTO {p} (code, kind) SELECT code, 'a' FROM {p} ORDER BY id LIMIT 1",
             "expect": {"error": "23505"}}]})
    for j in range(1, 15):
        c, p = f"c{j:02d}", f"p{(j - 1) % PARENTS + 1:02d}"
        out.append({"name": f"{c}: a valid row is accepted", "steps": [
            {"sql": f"INSERT INTO {c} (parent_id, amount, status, ref) SELECT max(id), 10, 'open', 'bench' FROM {p}",
             "expect": {"ok": {"rows": 1}}},
            {"sql": f"SELECT count(*) FROM {c} WHERE ref = 'bench'", "expect": {"ok": {"value": 1}}},
            {"sql": f"UPDATE {c} SET status = 'closed' WHERE ref = 'bench'", "expect": {"ok": {"rows": 1}}},
        ]})
    assert len(out) == 50
    return out


def framed_statements(suite: list[dict[str, Any]], timeout_ms: int) -> list[str]:
    """The statements the runner sends, in order (judging aside)."""
    sent: list[str] = []
    for test in suite:
        sent.append(f"BEGIN; SET LOCAL statement_timeout = {timeout_ms}")
        steps = test["steps"]
        aborted = False
        for k, step in enumerate(steps):
            error = "error" in (step.get("expect") or {})
            guarded = error and k < len(steps) - 1
            if guarded:
                sent.append("SAVEPOINT dbarch_step")
            sent.append(step["sql"])
            if guarded:
                sent.append("ROLLBACK TO SAVEPOINT dbarch_step")
            elif error:
                aborted = True
        if not aborted:
            sent.append("SET CONSTRAINTS ALL IMMEDIATE")
        sent.append("ROLLBACK")
    return sent


def bare_psycopg(conn: Any, statements: list[str]) -> float:
    import psycopg

    t0 = time.perf_counter()
    for sql in statements:
        with contextlib.suppress(psycopg.Error):  # the expected violations
            conn.execute(sql.encode(), prepare=False)
    return time.perf_counter() - t0


def bare_psql(psql: str, dsn: str, statements: list[str], folder: Path) -> tuple[float, float] | None:
    """(seconds for the script, seconds for an empty script: the client's own start-up)."""
    script = folder / "bench.sql"
    script.write_text(";\n".join(statements) + ";\n")
    empty = folder / "empty.sql"
    empty.write_text("SELECT 1;\n")

    def timed(path: Path) -> float | None:
        t0 = time.perf_counter()
        done = subprocess.run([psql, "-X", "-q", "-d", dsn, "-f", str(path)], capture_output=True, text=True,
                              check=False)
        took = time.perf_counter() - t0
        if "could not connect" in done.stderr or "connection to server" in done.stderr:
            print(f"psql cannot reach the sandbox: {done.stderr.strip().splitlines()[0]}")
            return None
        return took

    runs = [timed(script) for _ in range(REPEAT)]
    starts = [timed(empty) for _ in range(REPEAT)]
    if any(r is None for r in runs + starts):
        return None
    return statistics.median(r for r in runs if r is not None), statistics.median(s for s in starts if s is not None)


def main() -> None:
    import tempfile

    from dbarch.tools.datagen import Volumes, generate_data
    from dbarch.tools.reqtest import requirement_tests_from_data, run_requirement_tests
    from dbarch.tools.sandbox import Sandbox
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    sql = schema()
    suite = requirement_tests_from_data(tests())
    volumes = Volumes({}, ROWS_PER_TABLE, explicit_default=True)
    with Sandbox() as box:
        box.start()
        totals, datas, applies, runs = [], [], [], []
        report = None
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            report = run_requirement_tests(sql, suite, sandbox=box, volumes=volumes)
            totals.append(time.perf_counter() - t0)
            datas.append(report.data_ms / 1000)
            applies.append(report.apply_ms / 1000)
            runs.append(report.tests_ms / 1000)
        assert report is not None and report.passed, [t.failure for t in report.failures()] if report else None
        rows = sum(t.rows for t in report.data)
        timeout = report.statement_timeout_ms

        # the same statements, bare, on a database loaded the same way
        statements = framed_statements(tests(), timeout)
        with box.scratch() as db, tempfile.TemporaryDirectory() as tmp:
            assert apply_scripts(box, db, [parse_script(sql, source="bench.sql")]).applied
            generate_data(db.conn, volumes, dsn=db.dsn)
            loop = statistics.median(bare_psycopg(db.conn, statements) for _ in range(REPEAT))
            psql = shutil.which("psql")
            via_psql = bare_psql(psql, db.dsn, statements, Path(tmp)) if psql else None

    total, data = statistics.median(totals), statistics.median(datas)
    print(f"requirement tests: {report.total} tests ({report.negative.total} negative, {report.positive.total} "
          f"positive, {len(statements)} statements) on {PARENTS + CHILDREN} tables, {rows:,} rows; "
          f"median of {REPEAT} runs")
    print(f"  run_requirement_tests total      {total * 1000:8.1f} ms")
    print(f"    of which data loading          {data * 1000:8.1f} ms (reported apart)")
    print(f"    of which schema apply          {statistics.median(applies) * 1000:8.1f} ms")
    print(f"    of which the 50 tests          {statistics.median(runs) * 1000:8.1f} ms")
    without = total - data
    print(f"  total without data loading       {without * 1000:8.1f} ms; target <= 2000 ms: "
          f"{'met' if without <= 2.0 else 'NOT met'}")
    print(f"  bare psycopg loop, same statements {loop * 1000:6.1f} ms "
          f"(tests phase / bare = {statistics.median(runs) / loop:.1f}x)")
    if via_psql is not None:
        script, start = via_psql
        print(f"  bare psql -f, same statements    {script * 1000:8.1f} ms (psql start-up alone "
              f"{start * 1000:.1f} ms; statements {max(script - start, 0) * 1000:.1f} ms)")
    else:
        print("  psql: not run (no psql client on PATH, or it cannot reach the sandbox's socket)")


if __name__ == "__main__":
    main()
