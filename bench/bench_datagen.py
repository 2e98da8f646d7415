"""Synthetic data throughput: rows/s over a mixed schema with foreign keys, against a bare
``INSERT ... SELECT generate_series`` of the same row count in the same run.

Run: ``.venv/bin/python bench/bench_datagen.py`` (target: >= 300,000 rows/s).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIXED, MIXED_ROWS, scratch_with


def main() -> None:
    from tools.datagen import generate_data, parse_rows

    with scratch_with(MIXED) as (_, db):
        result = generate_data(db.conn, parse_rows(MIXED_ROWS))
        rows = result.total_rows
        db.conn.execute("CREATE TABLE bare (id bigint)")
        t0 = time.perf_counter()
        db.conn.execute(f"INSERT INTO bare SELECT g FROM generate_series(1, {rows}) g")
        bare = time.perf_counter() - t0
    ours = rows / result.seconds
    base = rows / bare
    print(f"datagen: {rows:,} rows in {result.seconds:.2f} s = {ours:,.0f} rows/s "
          f"(+ ANALYZE {result.analyze_seconds:.2f} s)")
    print(f"baseline bare INSERT ... SELECT generate_series: {base:,.0f} rows/s ({bare:.2f} s)")
    print(f"ratio: {ours / base:.2f} of the bare insert; target >= 300,000 rows/s: "
          f"{'met' if ours >= 300_000 else 'NOT met'}")
    for t in result.tables:
        print(f"  {t.table}: {t.rows:,} rows in {t.seconds:.2f} s ({t.passes} pass(es))")


if __name__ == "__main__":
    main()
