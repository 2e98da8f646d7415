"""Index advice on TPC-H (22 queries, scale ~0.1) and on an OLTP workload of our own.

Run: ``.venv/bin/python bench/bench_tpch.py [--scale 0.1] [--runs 3] [--skip-oltp] [--data-only]``

First the data: rows asked and loaded per table (the run exits 1 when a table is short: the
stated volumes are part of what is measured), then, unless ``--data-only``:

Per query: planner cost and measured time (median of ``--runs`` executions, rolled back) before
and after the advice, and which recommended index served it; then the total size of the advice,
the workload's sums as ratios against the no-index baseline measured in the same run, and
whether a second advice on the same data gave the same indexes. The TPC-H schema, queries and
value domains are in ``bench/tpch/`` (written from the public specification).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import scratch_with

HERE = Path(__file__).resolve().parent / "tpch"

OLTP_SCHEMA = """
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
  plan text NOT NULL CHECK (plan IN ('free', 'pro', 'team', 'enterprise')), created_at timestamptz NOT NULL);
CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts, status text NOT NULL CHECK (status IN ('draft','open','paid','void')),
  amount numeric(12,2) NOT NULL CHECK (amount >= 0), issued_at timestamptz NOT NULL, due_at timestamptz NOT NULL);
CREATE TABLE invoice_lines (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES invoices, sku text NOT NULL, qty integer NOT NULL CHECK (qty > 0),
  unit_price numeric(12,2) NOT NULL);
CREATE TABLE sessions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts, started_at timestamptz NOT NULL, ended_at timestamptz);
"""
OLTP_ROWS = "accounts=50000,invoices=500000,invoice_lines=1000000,sessions=300000"
OLTP_WORKLOAD = """
SELECT id, amount, issued_at FROM invoices WHERE account_id = 4242 ORDER BY issued_at DESC LIMIT 20;
SELECT id, account_id, amount FROM invoices WHERE status = 'open' AND due_at < now() ORDER BY due_at LIMIT 100;
SELECT sku, qty, unit_price FROM invoice_lines WHERE invoice_id = 123456;
SELECT * FROM accounts WHERE email = 'someone@example.com';
SELECT count(*) FROM sessions WHERE account_id = 777 AND started_at >= now() - interval '30 days';
SELECT a.email, sum(i.amount) FROM accounts a JOIN invoices i ON i.account_id = a.id
  WHERE a.plan = 'enterprise' AND i.issued_at >= now() - interval '90 days' GROUP BY a.email;
SELECT id FROM sessions WHERE ended_at IS NULL AND account_id = 31337
"""


def _workload(conn: Any, queries: list[Any], runs: int) -> tuple[dict[int, float], dict[int, float]]:
    from dbarch.tools.perf.explain import explain_query
    from dbarch.tools.perf.timing import time_all

    costs = {q.index: r.total_cost for q in queries if (r := explain_query(conn, q)).ok and r.total_cost is not None}
    return costs, time_all(conn, queries, runs)


def report_volumes(data: Any) -> bool:
    """Rows asked and loaded per table; ``True`` when every table reached its volume."""
    print(f"{'table':<16}{'asked':>12}{'loaded':>12}")
    for t in sorted(data.tables, key=lambda t: -t.requested):
        print(f"{t.table:<16}{t.requested:>12,}{t.rows:>12,}{'' if t.rows >= t.requested else '  SHORT'}")
    for short in data.shortfalls:
        print(f"  SHORT {short}")
    print(f"volumes: {'all ' + str(len(data.tables)) + ' tables at their stated volumes' if data.complete else 'SHORT'}; "
          f"{data.total_rows:,} rows in {data.seconds:.1f} s ({data.rows_per_second:,.0f} rows/s), "
          f"statistics {data.analyze_seconds:.1f} s")
    return bool(data.complete)


def run_case(name: str, schema: str, volumes: Any, workload: str, runs: int, *, data_only: bool = False) -> bool:
    """One case; ``False`` when the data fell short of the stated volumes."""
    from dbarch.tools.sandbox.settings import SandboxSettings

    conn_timeout_ms = SandboxSettings().statement_timeout_ms
    from dbarch.tools.datagen import generate_data
    from dbarch.tools.perf.advisor import advise
    from dbarch.tools.perf.workload_data import parse_distributions, shape_for_workload
    from dbarch.tools.sql.queries import read_queries

    print(f"\n=== {name}")
    with scratch_with(schema) as (_, db):
        conn = db.conn
        data = generate_data(conn, volumes, dsn=db.dsn)
        complete = report_volumes(data)
        if data_only:
            for note in data.notices:
                print(f"  note: {note}")
            return complete
        queries = read_queries(workload, f"{name}.sql")
        shaped = shape_for_workload(conn, queries, parse_distributions(volumes.columns))
        print(f"data: {data.total_rows:,} rows in {data.seconds:.1f} s; workload-aware pass "
              f"{shaped.seconds:.1f} s, {len(shaped.shaped)} changes")
        for note in [*data.notices, *shaped.notices]:
            print(f"  note: {note}")
        empty = [s for s in shaped.selectivity if not s.fraction]
        print(f"literal predicates: {len(shaped.selectivity)}, matching no row: {len(empty)}")
        t0 = time.perf_counter()
        first = advise(conn, queries, budget_mb=2048)
        cost_seconds = time.perf_counter() - t0
        second = advise(conn, queries, budget_mb=2048)
        t0 = time.perf_counter()
        advice = advise(conn, queries, budget_mb=2048, analyze=True, runs=runs)
        seconds = time.perf_counter() - t0
    names = {r.name for r in advice.recommendations}
    print(f"advice on cost: {cost_seconds:.1f} s, {len(first.recommendations)} indexes; "
          f"confirmed by measured time (--analyze): {seconds:.1f} s, {advice.candidates_tried} candidates tried, "
          f"{len(advice.recommendations)} indexes, {advice.total_size_bytes / 1_048_576:.1f} MB in all")
    for r in advice.recommendations:
        print(f"  {r.ddl}  -- {r.size_bytes / 1_048_576:.1f} MB, queries {list(r.queries)}")
    print(f"\n{'query':<10}{'cost before':>14}{'cost after':>14}{'ms before':>12}{'ms after':>12}  served by")
    cb = ca = tb = ta = 0.0
    timeout_s = float(conn_timeout_ms) / 1000
    tb_floor = ta_floor = 0.0
    tb_served = ta_served = 0.0
    for q in advice.queries:
        b, a = q.before, q.after or q.before
        if not b.ok:
            print(f"{b.label:<10}  error: {b.error.one_line() if b.error else '?'}")
            continue
        used = sorted(a.indexes_used() & names) or ["-"]
        bms = q.before_ms
        ams = q.after_ms if q.after is not None else bms
        cb += b.total_cost or 0
        ca += a.total_cost or 0
        if bms is not None and ams is not None:
            tb += bms
            ta += ams
        if ams is not None:
            tb_floor += bms if bms is not None else timeout_s * 1000
            ta_floor += ams
            if used != ["-"]:
                tb_served += bms if bms is not None else timeout_s * 1000
                ta_served += ams
        shown = [f"{v:>12.1f}" if v is not None else f"{'timeout':>12}" for v in (bms, ams)]
        print(f"Q{b.index:<9}{b.total_cost or 0:>14,.0f}{a.total_cost or 0:>14,.0f}{''.join(shown)}  {', '.join(used)}")
    print(f"{'sum':<10}{cb:>14,.0f}{ca:>14,.0f}{tb:>12.1f}{ta:>12.1f}  (times: queries that finished both ways)")
    print(f"ratio against no new index (same run): cost {ca / cb if cb else 0:.3f}, "
          f"measured time {ta / tb if tb else 0:.3f} (queries that finished both ways), "
          f"{ta_floor / tb_floor if tb_floor else 0:.3f} counting a timeout before as {timeout_s:.0f} s "
          "(a lower bound)")
    print(f"measured time of the queries a new index serves: {tb_served:.1f} ms -> {ta_served:.1f} ms "
          f"({ta_served / tb_served if tb_served else 0:.3f}; timeouts before counted as {timeout_s:.0f} s); "
          "the other queries keep their plans, so their change is load noise")
    for c in advice.constants:
        if c.treated_as == "parameter":
            print(f"  constant read as a parameter: Q{c.query} {c.predicate} ({c.reason})")
    for n in advice.notices:
        print(f"  note: {n}")
    same = [r.ddl for r in first.recommendations] == [r.ddl for r in second.recommendations]
    print(f"same advice twice (two runs on cost, same data): {'yes' if same else 'NO'}")
    if not same:
        print("  first: ", [r.ddl for r in first.recommendations])
        print("  second:", [r.ddl for r in second.recommendations])
    return complete


def main() -> None:
    from dbarch.tools.datagen import load_volume_file, parse_rows
    from dbarch.tools.datagen.volumes import Volumes

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-oltp", action="store_true")
    ap.add_argument("--skip-tpch", action="store_true")
    ap.add_argument("--data-only", action="store_true", help="load and report the volumes, skip the advice")
    args = ap.parse_args()
    if args.scale <= 0 or args.runs < 1:
        ap.error("--scale must be positive and --runs at least 1")
    complete = True
    if not args.skip_tpch:
        vol = load_volume_file(str(HERE / "volumes.yaml"))
        scaled = {t: n if t in ("region", "nation") else max(1, round(n * args.scale / 0.1)) for t, n in vol.rows.items()}
        vol = Volumes(scaled, vol.default, explicit_default=vol.explicit_default, columns=vol.columns)
        complete &= run_case(f"TPC-H (scale {args.scale})", (HERE / "schema.sql").read_text(), vol,
                             (HERE / "queries.sql").read_text(), args.runs, data_only=args.data_only)
    if not args.skip_oltp:
        complete &= run_case("OLTP (billing)", OLTP_SCHEMA, parse_rows(OLTP_ROWS), OLTP_WORKLOAD, args.runs,
                             data_only=args.data_only)
    if not args.data_only:
        print(f"\n(measured times: median of {args.runs} runs each)")
    if not complete:
        print("SHORT: a table did not reach its stated volume (see above)")
        sys.exit(1)


if __name__ == "__main__":
    main()
