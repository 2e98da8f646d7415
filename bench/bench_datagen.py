"""Synthetic data throughput: rows/s over a mixed schema with foreign keys, against a bare
``INSERT ... SELECT generate_series`` of the same row count in the same run.

Run: ``.venv/bin/python bench/bench_datagen.py [runs]`` (target: >= 300,000 rows/s). Each run
loads a fresh scratch database; the median run is reported (the machine is shared, so single
runs swing by +-30%), and the ratio to the bare insert of the same run is the steadier figure.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIXED, MIXED_ROWS, scratch_with


def main() -> None:
    from dbarch.tools.datagen import DatagenResult, generate_data, parse_rows

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    results: list[tuple[DatagenResult, float]] = []
    for _ in range(runs):
        with scratch_with(MIXED) as (_, db):
            result = generate_data(db.conn, parse_rows(MIXED_ROWS), dsn=db.dsn)
            db.conn.execute("CREATE TABLE bare (id bigint)")
            t0 = time.perf_counter()
            db.conn.execute(f"INSERT INTO bare SELECT g FROM generate_series(1, {result.total_rows}) g")
            results.append((result, time.perf_counter() - t0))
    results.sort(key=lambda r: r[0].seconds)
    result, bare = results[len(results) // 2]
    rows = result.total_rows
    ours = rows / result.seconds
    base = rows / bare
    ratios = [r.seconds and b / r.seconds for r, b in results]
    print(f"datagen (median of {runs}): {rows:,} rows in {result.seconds:.2f} s = {ours:,.0f} rows/s "
          f"(+ VACUUM ANALYZE {result.analyze_seconds:.2f} s); all runs: "
          + ", ".join(f"{rows / r.seconds:,.0f}" for r, _ in results))
    print(f"baseline bare INSERT ... SELECT generate_series: {base:,.0f} rows/s ({bare:.2f} s)")
    print(f"ratio: {ours / base:.2f} of the bare insert (runs: {', '.join(f'{x:.2f}' for x in ratios)}); "
          f"target >= 300,000 rows/s: {'met' if ours >= 300_000 else 'NOT met'}")
    for t in result.tables:
        print(f"  {t.table}: {t.rows:,} rows in {t.seconds:.2f} s ({t.passes} pass(es))")


if __name__ == "__main__":
    main()
