"""Synthetic data: requested counts, every constraint holds, FK fan-out is skewed."""

from __future__ import annotations

from typing import Any

import pytest

from dbarch.tools.datagen import generate_data, parse_rows, resolve_volumes
from dbarch.tools.errors import UsageError

MIXED = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(60) NOT NULL UNIQUE,
  name text NOT NULL,
  country char(2),
  born date, seen_at timestamptz NOT NULL DEFAULT now(), wake time, tz_wake timetz,
  mood mood NOT NULL, tags text[], prefs jsonb, ip inet, avatar bytea, token uuid UNIQUE,
  score numeric(5,2) CHECK (score BETWEEN 0 AND 100),
  vip boolean NOT NULL DEFAULT false,
  referrer_id bigint REFERENCES customers(id)
);
CREATE TABLE products (
  sku text PRIMARY KEY,
  price numeric(10,2) NOT NULL CHECK (price > 0 AND price < 500),
  kind text NOT NULL CHECK (kind IN ('book', 'toy', 'food'))
);
CREATE TABLE orders (
  id serial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  placed_on date NOT NULL, shipped_on date,
  qty smallint NOT NULL CHECK (qty > 0 AND qty <= 20),
  CHECK (shipped_on IS NULL OR shipped_on >= placed_on)
);
CREATE TABLE order_items (
  order_id int NOT NULL REFERENCES orders(id),
  sku text NOT NULL REFERENCES products(sku),
  PRIMARY KEY (order_id, sku)
);
CREATE TABLE profiles (customer_id bigint PRIMARY KEY REFERENCES customers(id), bio text);
CREATE TABLE dept (id int PRIMARY KEY, manager_id int);
CREATE TABLE emp (id int PRIMARY KEY, dept_id int NOT NULL REFERENCES dept(id));
ALTER TABLE dept ADD FOREIGN KEY (manager_id) REFERENCES emp(id);
CREATE TABLE lookup (code text PRIMARY KEY);
INSERT INTO lookup VALUES ('a'), ('b');
CREATE TABLE uses_lookup (id int PRIMARY KEY, code text NOT NULL REFERENCES lookup(code));
"""

ROWS = "customers=3000,products=200,orders=20000,order_items=15000,profiles=1000,dept=20,emp=300,uses_lookup=500"


def _count(db: Any, table: str) -> int:
    row = db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0])


def test_every_table_gets_its_rows_and_every_constraint_holds(schema_db: Any) -> None:
    with schema_db(MIXED) as db:
        result = generate_data(db.conn, parse_rows(ROWS))
        expected = dict(part.split("=") for part in ROWS.split(","))
        for table, rows in expected.items():
            assert _count(db, table) == int(rows), table
        assert _count(db, "lookup") == 2  # seed data kept
        assert result.rows()["orders"] == 20000
        # constraints all present and validated by the server after the load
        rows = db.conn.execute(
            "SELECT conrelid::regclass::text, conname, contype, convalidated FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace AND contype IN ('p','u','f','c')"
        ).fetchall()
        assert all(r[3] for r in rows), rows
        assert {r[1] for r in rows} >= {"customers_pkey", "customers_email_key", "orders_customer_id_fkey",
                                        "dept_manager_id_fkey", "order_items_pkey"}
        # re-check every constraint from scratch: VALIDATE on NOT VALID copies would fail on a bad row
        for table, name, kind, _ in rows:
            if kind in ("f", "c"):
                definition = db.conn.execute(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", (name,)
                ).fetchone()[0]
                db.conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name}_again {definition}")
        # the cycle was closed by the UPDATE pass and the self-reference is filled
        assert _count(db, "dept WHERE manager_id IS NOT NULL") > 0
        assert _count(db, "customers WHERE referrer_id IS NOT NULL") > 0
        # sequences moved past generated ids: a plain insert works
        db.conn.execute("INSERT INTO orders (customer_id, placed_on, qty) VALUES (1, current_date, 1)")
        # values are varied and within declared sizes
        assert _count(db, "(SELECT DISTINCT kind FROM products) s") == 3
        assert _count(db, "customers WHERE email IS NULL") == 0
        assert 0 < _count(db, "customers WHERE country IS NULL") < 3000


def test_one_to_one_is_capped_with_a_notice(schema_db: Any) -> None:
    with schema_db(MIXED) as db:
        result = generate_data(db.conn, parse_rows("customers=100,profiles=500,*=10"))
        assert _count(db, "profiles") == 100
        assert any("one-to-one" in n for n in result.notices)


def test_fk_fan_out_is_skewed(schema_db: Any) -> None:
    with schema_db(MIXED) as db:
        generate_data(db.conn, parse_rows("customers=2000,orders=40000,*=10"))
        top, median = db.conn.execute(
            "SELECT max(n), percentile_cont(0.5) WITHIN GROUP (ORDER BY n) "
            "FROM (SELECT count(*) AS n FROM orders GROUP BY customer_id) s"
        ).fetchone()
        assert top >= 10 * median  # a few customers have many orders


def test_default_volume_comes_with_a_notice(schema_db: Any) -> None:
    with schema_db("CREATE TABLE t (id int PRIMARY KEY, v text)") as db:
        result = generate_data(db.conn, parse_rows(None))
        assert _count(db, "t") == 10_000
        assert any("no volume stated" in n for n in result.notices)


def test_unknown_table_in_rows_is_a_usage_error(schema_db: Any) -> None:
    with schema_db("CREATE TABLE t (id int PRIMARY KEY)") as db, pytest.raises(UsageError, match="nope"):
        generate_data(db.conn, parse_rows("nope=5"))


@pytest.mark.parametrize(
    ("spec", "message"), [("orders", "bad --rows entry"), ("orders=-1", "bad row count"), ("orders=abc", "bad row")]
)
def test_bad_rows_spec(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_rows(spec)


def test_volume_files(tmp_path: Any) -> None:
    y = tmp_path / "v.yaml"
    y.write_text("default: 5k\nrows:\n  orders: 1m\n")
    v = resolve_volumes(str(y))
    assert v.for_table("public", "orders") == 1_000_000 and v.default == 5000
    j = tmp_path / "v.json"
    j.write_text('{"Customers": 50000}')
    assert resolve_volumes(str(j)).for_table("public", "customers") == 50000


@pytest.mark.parametrize("workers", [0, 2])
def test_chunked_and_background_load_keeps_counts_and_constraints(
    schema_db: Any, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Large tables split across worker connections (and the serial fallback) give the same
    rows and a database whose every constraint the server validated."""
    import dbarch.tools.datagen.fill as fill

    monkeypatch.setattr(fill, "CHUNK_ROWS", 1000)
    chunked: list[str] = []
    real = fill._chunked

    def spy(plan: Any, pool: Any, seed: float) -> int:
        chunked.append(plan.table.name)
        return real(plan, pool, seed)

    monkeypatch.setattr(fill, "_chunked", spy)
    with schema_db(MIXED) as db:
        result = generate_data(db.conn, parse_rows(ROWS), dsn=db.dsn, workers=workers)
        expected = dict(part.split("=") for part in ROWS.split(","))
        for table, rows in expected.items():
            assert _count(db, table) == int(rows), table
        assert not [n for n in result.notices if "removed" in n or "duplicate" in n]
        invalid = _count(db, "pg_constraint WHERE connamespace = 'public'::regnamespace AND NOT convalidated")
        assert invalid == 0
        assert _count(db, "pg_constraint WHERE conname = 'orders_customer_id_fkey'") == 1
        assert _count(db, "pg_indexes WHERE indexname = 'orders_pkey'") == 1
        db.conn.execute("INSERT INTO orders (customer_id, placed_on, qty) VALUES (1, current_date, 1)")
    assert ("orders" in chunked) == (workers == 2)
