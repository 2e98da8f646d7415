"""Shared setup for the benchmarks: a private sandbox and a scratch database with a schema."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

os.environ.setdefault("DBARCH_HOME", tempfile.mkdtemp(prefix="dbarch-bench-"))
os.environ.setdefault("XDG_RUNTIME_DIR", os.environ["DBARCH_HOME"])

MIXED = """
CREATE TYPE status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
  country char(2), created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE products (id serial PRIMARY KEY, sku uuid NOT NULL UNIQUE, title varchar(120) NOT NULL,
  price numeric(10,2) NOT NULL CHECK (price > 0));
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id),
  status status NOT NULL, total numeric(12,2), placed_at timestamptz NOT NULL, note text);
CREATE TABLE order_lines (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id),
  product_id int NOT NULL REFERENCES products(id), qty smallint NOT NULL CHECK (qty BETWEEN 1 AND 10));
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories(id), name text NOT NULL);
"""
MIXED_ROWS = "customers=50000,products=10000,orders=400000,order_lines=500000,categories=1000"


@contextmanager
def scratch_with(schema: str) -> Iterator[tuple[Any, Any]]:
    from dbarch.tools.sandbox import Sandbox
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    box = Sandbox()
    box.start()
    try:
        with box.scratch() as db:
            result = apply_scripts(box, db, [parse_script(schema, source="bench.sql")])
            assert result.applied, result.error
            yield box, db
    finally:
        box.close()
