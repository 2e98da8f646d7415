"""``check`` and ``explain`` over public schemas nobody here wrote (issue 16).

For each schema: applied cleanly or not (with ``--keep-going``: how many statements failed),
statements checked, tables filled versus empty or short at the stated volumes, and the time of
each step. Schemas come from ``bench/schemas`` (committed, see its README) and, when present,
from a local folder of those whose licence keeps them out of the repository
(``DBARCH_REALWORLD_DIR``, default ``/work/scratch/fidelity/schemas``).

Run: ``.venv/bin/python bench/bench_realworld.py [--rows SPEC] [NAME ...]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMITTED = HERE / "schemas"
LOCAL = Path(os.environ.get("DBARCH_REALWORLD_DIR", "/work/scratch/fidelity/schemas"))

VOLUMES = {
    "sakila.sql": "*=1000,rental=50k,payment=50k,customer=5k",
    "pagila.sql": "*=1000,rental=50k,payment=50k,customer=5k",
    "northwind.sql": "orders=20k,order_details=60k,customers=2k",
    "chinook.sql": "*=1000,invoice=20k,invoice_line=60k,track=10k",
    "synapse_main.sql": "*=500,events=50k",
    "listmonk.sql": "*=1000,subscribers=50k,subscriber_lists=50k",
}
"""Stated volumes per schema (``*=1000`` for the others)."""

QUERIES = {
    "sakila.sql": "SELECT c.last_name, count(*) FROM rental r JOIN customer c USING (customer_id) "
    "GROUP BY c.last_name ORDER BY 2 DESC LIMIT 10",
    "pagila.sql": "SELECT count(*) FROM rental r JOIN payment p USING (rental_id) WHERE p.amount > 5",
    "northwind.sql": "SELECT o.customer_id, sum(d.unit_price * d.quantity) FROM orders o "
    "JOIN order_details d USING (order_id) GROUP BY 1 ORDER BY 2 DESC LIMIT 5",
    "chinook.sql": "SELECT t.genre_id, count(*) FROM invoice_line l JOIN track t USING (track_id) GROUP BY 1",
    "listmonk.sql": "SELECT count(*) FROM subscriber_lists sl JOIN subscribers s ON s.id = sl.subscriber_id "
    "WHERE sl.status = 'confirmed'",
}
VARIABLES = {"PGUSER": "postgres"}
"""psql variables the PostgREST fixture expects (``:"PGUSER"``)."""


@dataclass
class Row:
    name: str
    applied: str
    statements: int
    errors: int
    filled: int
    tables: int
    short: list[str]
    check_s: float
    explain_s: float
    rows: int
    note: str = ""


def schemas(names: list[str]) -> list[Path]:
    found = {p.name: p for p in sorted(COMMITTED.glob("*.sql"))}
    if LOCAL.is_dir():
        for p in sorted(LOCAL.glob("*.sql")):
            found.setdefault(p.name, p)
    if names:
        return [found[n if n.endswith(".sql") else f"{n}.sql"] for n in names]
    return list(found.values())


def measure(path: Path, sandbox: object, rows_spec: str | None) -> Row:
    from dbarch.tools.check import check_sources
    from dbarch.tools.datagen import parse_rows
    from dbarch.tools.errors import DbarchError
    from dbarch.tools.perf.workload import explain_workload
    from dbarch.tools.sql.source import SqlSource, read_sql

    source = read_sql(str(path), max_bytes=32 * 1024 * 1024)
    source = SqlSource(path.name, source.text)
    t0 = time.perf_counter()
    result = check_sources([source], sandbox=sandbox, lint=False, keep_going=True,  # type: ignore[arg-type]
                           variables=VARIABLES)
    check_s = time.perf_counter() - t0
    applied = "yes" if result.applied else f"no ({len(result.errors)} failed, rest applied)"
    spec = rows_spec or VOLUMES.get(path.name, "*=1000")
    t0 = time.perf_counter()
    try:
        run = explain_workload([source], QUERIES.get(path.name, "SELECT 1"), parse_rows(spec),
                               sandbox=sandbox, keep_going=True, variables=VARIABLES)  # type: ignore[arg-type]
    except DbarchError as exc:
        return Row(path.name, applied, result.statements, len(result.errors), 0, 0, [], check_s,
                   time.perf_counter() - t0, 0, note=exc.one_line()[:100])
    explain_s = time.perf_counter() - t0
    data = run.data
    short = [f"{s.table} ({s.rows}/{s.requested}: {s.reason[:60]})" for s in data.shortfalls]
    filled = sum(1 for t in data.tables if t.rows >= t.requested and t.rows > 0)
    failed_queries = [r.error.one_line()[:80] for r in run.queries if r.error is not None]
    return Row(path.name, applied, result.statements, len(result.errors), filled, len(data.tables), short,
               check_s, explain_s, data.total_rows, note="; ".join(failed_queries))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="schema files to run (default: all found)")
    parser.add_argument("--rows", help="one volume spec for every schema (default: per schema)")
    args = parser.parse_args()
    import logging

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # the entry point's choice, as in the CLI
    from dbarch.tools.sandbox import Sandbox

    paths = schemas(args.names)
    print(f"{len(paths)} public schemas ({COMMITTED} and {LOCAL})")
    header = f"{'schema':<28} {'applied':<30} {'stmts':>6} {'filled/tables':>13} {'rows':>9} {'check s':>8} {'explain s':>9}"
    print(header)
    print("-" * len(header))
    out: list[Row] = []
    with Sandbox() as sandbox:
        sandbox.start()
        for path in paths:
            row = measure(path, sandbox, args.rows)
            out.append(row)
            print(f"{row.name:<28} {row.applied:<30} {row.statements:>6} {f'{row.filled}/{row.tables}':>13} "
                  f"{row.rows:>9,} {row.check_s:>8.2f} {row.explain_s:>9.2f}")
            for item in row.short[:6]:
                print(f"    short: {item}")
            if len(row.short) > 6:
                print(f"    ... and {len(row.short) - 6} more short tables")
            if row.note:
                print(f"    note: {row.note}")
            sys.stdout.flush()
    total = sum(r.tables for r in out)
    filled = sum(r.filled for r in out)
    clean = sum(1 for r in out if r.applied == "yes")
    print(f"\n{len(out)} schemas: {clean} applied cleanly, {filled}/{total} tables filled at their stated volumes, "
          f"{sum(r.statements for r in out):,} statements checked in {sum(r.check_s for r in out):.1f} s, "
          f"{sum(r.rows for r in out):,} rows loaded and explained in {sum(r.explain_s for r in out):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
