"""Advising a 10-query workload over a 10-table schema with 1,000,000 rows in its largest table.
Run: ``.venv/bin/python bench/bench_advise.py`` (target: <= 30 s for the advice)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import scratch_with

SCHEMA = """
CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE stores (id int PRIMARY KEY, region_id int NOT NULL REFERENCES regions(id), name text NOT NULL);
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, country char(2), created_at timestamptz NOT NULL);
CREATE TABLE categories (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE products (id int PRIMARY KEY, category_id int NOT NULL REFERENCES categories(id), price numeric(10,2) NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id),
  store_id int NOT NULL REFERENCES stores(id), status text NOT NULL CHECK (status IN ('new','paid','shipped','cancelled')),
  placed_at timestamptz NOT NULL, total numeric(12,2));
CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id),
  product_id int NOT NULL REFERENCES products(id), qty int NOT NULL CHECK (qty > 0));
CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id), paid_at timestamptz NOT NULL, amount numeric(12,2) NOT NULL);
CREATE TABLE reviews (id bigint PRIMARY KEY, product_id int NOT NULL REFERENCES products(id), customer_id bigint NOT NULL REFERENCES customers(id), stars int NOT NULL CHECK (stars BETWEEN 1 AND 5));
CREATE TABLE events (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers(id), kind text NOT NULL, at timestamptz NOT NULL);
"""
ROWS = ("regions=20,stores=500,customers=100000,categories=50,products=20000,orders=1000000,"
        "order_lines=300000,payments=200000,reviews=100000,events=300000")
WORKLOAD = """
SELECT id, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20;
SELECT count(*) FROM orders WHERE status = 'cancelled' AND placed_at > now() - interval '30 days';
SELECT * FROM customers WHERE email = $1;
SELECT p.id, sum(l.qty) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.category_id = $1 GROUP BY p.id;
SELECT * FROM payments WHERE order_id = $1;
SELECT avg(stars) FROM reviews WHERE product_id = $1;
SELECT kind, count(*) FROM events WHERE customer_id = $1 GROUP BY kind;
SELECT o.id FROM orders o JOIN stores s ON s.id = o.store_id WHERE s.region_id = $1 AND o.placed_at >= $2;
SELECT * FROM orders WHERE total > 990 ORDER BY total DESC LIMIT 10;
SELECT c.country, count(*) FROM customers c WHERE c.created_at >= $1 GROUP BY c.country;
"""


def main() -> None:
    from dbarch.tools.datagen import generate_data, parse_rows
    from dbarch.tools.perf.advisor import advise
    from dbarch.tools.sql.queries import read_queries

    with scratch_with(SCHEMA) as (_, db):
        data = generate_data(db.conn, parse_rows(ROWS), dsn=db.dsn)
        queries = read_queries(WORKLOAD)
        t0 = time.perf_counter()
        advice = advise(db.conn, queries, budget_mb=1024)
        seconds = time.perf_counter() - t0
    print(f"data: {data.total_rows:,} rows in {data.seconds:.1f} s (not counted)")
    print(f"advise: {seconds:.1f} s for {len(queries)} queries, {advice.candidates_tried} candidates tried; "
          f"target <= 30 s: {'met' if seconds <= 30 else 'NOT met'}")
    for r in advice.recommendations:
        print(f"  {r.ddl}  -- {r.size_bytes / 1_048_576:.1f} MB, queries {list(r.queries)}")
    improved = sum(1 for q in advice.queries if q.gain and q.gain > 0.5)
    print(f"queries at least 2x cheaper: {improved} of {len(queries)}")


if __name__ == "__main__":
    main()
