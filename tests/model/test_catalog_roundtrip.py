"""The two sources of the model agree: SQL text replayed by dbarch, and the catalog of a real
PostgreSQL after the same SQL ran there. Runs on the sandbox (never skipped, never mocked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from dbarch.tools.sandbox import Sandbox
from dbarch.tools.schema.diff import diff_schemas
from dbarch.tools.schema.from_catalog import schema_from_catalog
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

pytestmark = pytest.mark.sandbox

FIXTURES = Path(__file__).parent.parent / "fixtures" / "schemas"
SCHEMA_FILES = sorted(FIXTURES.glob("*.sql"))


def apply(conn: psycopg.Connection[Any], text: str) -> None:
    """Run a script statement by statement, as dbarch's apply step does."""
    for stmt in parse_script(text).sql_statements:
        conn.execute(stmt.text.encode())


def test_there_are_fixture_schemas() -> None:
    assert {p.name for p in SCHEMA_FILES} >= {"ecommerce.sql", "pg_dump_shop.sql"}


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.stem)
def test_model_from_sql_equals_model_from_catalog(sandbox: Sandbox, path: Path) -> None:
    text = path.read_text()
    from_sql = schema_from_sql(text)
    assert len(from_sql.tables) >= 4
    with sandbox.scratch() as db:
        apply(db.conn, text)
        from_catalog = schema_from_catalog(db.conn)
    assert [str(d) for d in diff_schemas(from_sql, from_catalog)] == []
    # PostgreSQL's own names for unnamed constraints and indexes are predicted too
    assert [str(d) for d in diff_schemas(from_sql, from_catalog, names=True)] == []


def test_catalog_reads_details(sandbox: Sandbox) -> None:
    with sandbox.scratch() as db:
        apply(db.conn, (FIXTURES / "ecommerce.sql").read_text())
        schema = schema_from_catalog(db.conn)
    orders = schema.table("orders")
    assert orders is not None
    assert orders.column("status").type == "order_status"  # type: ignore[union-attr]
    assert orders.column("id").identity == "by default"  # type: ignore[union-attr]
    fk = orders.foreign_keys[0]
    assert (fk.ref_table, fk.ref_columns, fk.on_delete, fk.on_update) == ("public.customers", ("id",), "RESTRICT", "CASCADE")
    events = schema.table("events")
    assert events is not None and events.partitioned
    assert "public.events_2024" not in schema.tables
    assert schema.enums["public.order_status"] == ("draft", "pending", "paid", "shipped", "cancelled")
    assert set(schema.views) == {"public.active_customers", "public.daily_sales"}
    assert set(schema.extensions) == {"citext", "pg_trgm"}
    customers = schema.table("customers")
    assert customers is not None
    partial = next(i for i in customers.indexes if i.name == "customers_email_active_uq")
    assert partial.unique and partial.where == "(deleted_at IS NULL)"
    assert customers.primary_key is not None
    assert all(i.name != customers.primary_key.name for i in customers.indexes)


def test_catalog_can_be_limited_to_schemas(sandbox: Sandbox) -> None:
    with sandbox.scratch() as db:
        apply(db.conn, (FIXTURES / "pg_dump_shop.sql").read_text())
        only = schema_from_catalog(db.conn, ["inventory"])
        path = db.conn.execute("SHOW search_path").fetchone()
    assert set(only.tables) == {"inventory.items", "inventory.movements"}
    assert set(only.enums) == {"inventory.movement_kind"}
    items = only.table("inventory.items")
    assert items is not None and items.uniques[0].nulls_not_distinct
    assert path == ("",)  # the script's own search_path is left as it was


def test_two_hundred_chained_tables_round_trip_through_the_catalog(sandbox: Sandbox) -> None:
    # how fast the catalog is read is a benchmark's business, not a test's (no timing in tests)
    parts = ["CREATE TABLE t0 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)"]
    for i in range(1, 200):
        parts.append(
            f"CREATE TABLE t{i} (id bigserial PRIMARY KEY, parent_id bigint REFERENCES t{i - 1}, "
            f"code varchar(20) UNIQUE, amount numeric(10,2) DEFAULT 0 CHECK (amount >= 0), "
            f"created_at timestamptz NOT NULL DEFAULT now());"
            f"CREATE INDEX ON t{i} (parent_id, created_at DESC)"
        )
    text = ";\n".join(parts)
    with sandbox.scratch() as db:
        apply(db.conn, text)
        schema = schema_from_catalog(db.conn)
    assert len(schema.tables) == 200
    assert diff_schemas(schema_from_sql(text), schema) == []
