"""``explain_query`` round trip against a raw ``EXPLAIN (FORMAT JSON)`` on a warm sandbox with
data loaded. Run: ``.venv/bin/python bench/bench_explain.py`` (target: <= 20 ms overhead)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIXED, scratch_with

QUERIES = [
    "SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id "
    "WHERE c.country = 'FR' AND o.placed_at > now() - interval '7 days' ORDER BY o.placed_at DESC LIMIT 50",
    "SELECT status, count(*) FROM orders GROUP BY status",
    "SELECT * FROM order_lines WHERE order_id = 42",
]
REPEAT = 30


def main() -> None:
    from dbarch.tools.datagen import generate_data, parse_rows
    from dbarch.tools.perf.explain import explain_query
    from dbarch.tools.sql.queries import read_queries

    with scratch_with(MIXED) as (_, db):
        generate_data(db.conn, parse_rows("customers=20000,products=2000,orders=100000,order_lines=100000,categories=100"))
        queries = [read_queries(q)[0] for q in QUERIES]
        raw: list[float] = []
        ours: list[float] = []
        for _ in range(REPEAT):
            for q in queries:
                t0 = time.perf_counter()
                db.conn.execute(("EXPLAIN (FORMAT JSON) " + q.sql).encode()).fetchone()
                raw.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                from_text = read_queries(q.statement.text)[0]  # include parsing the query
                report = explain_query(db.conn, from_text)
                ours.append((time.perf_counter() - t0) * 1000)
                assert report.ok
    r, o = statistics.median(raw), statistics.median(ours)
    print(f"explain round trip (parse + EXPLAIN + summary): median {o:.2f} ms over {len(ours)} runs")
    print(f"baseline raw EXPLAIN (FORMAT JSON): median {r:.2f} ms")
    print(f"overhead {o - r:.2f} ms, ratio {o / r:.1f}x; target <= 20 ms overhead: "
          f"{'met' if o - r <= 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
