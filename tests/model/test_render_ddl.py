"""The model written back as DDL reads back as the same model, and applies on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from dbarch.tools.sandbox import Sandbox
from dbarch.tools.schema.diff import diff_schemas
from dbarch.tools.schema.from_catalog import schema_from_catalog
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.schema.model import Schema
from dbarch.tools.schema.to_sql import quote, schema_to_sql

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "schemas"
CASES = sorted(p.name for p in SCHEMAS.glob("*.sql"))


@pytest.mark.parametrize("name", CASES)
def without_views(schema: Schema) -> Schema:
    return replace(schema, views=())  # views keep only their names in the model


@pytest.mark.parametrize("name", CASES)
def test_rendering_then_reading_gives_the_same_model(name: str) -> None:
    model = without_views(schema_from_sql((SCHEMAS / name).read_text()))
    again = schema_from_sql(schema_to_sql(model))
    assert diff_schemas(model, again, names=True) == []


@pytest.mark.parametrize("name", CASES)
def test_rendered_ddl_applies_and_the_catalog_agrees(sandbox: Sandbox, name: str) -> None:
    model = without_views(schema_from_sql((SCHEMAS / name).read_text()))
    with sandbox.scratch() as db:
        with psycopg.connect(db.admin_dsn, autocommit=True) as admin:
            for ext in model.extensions:
                admin.execute(f"CREATE EXTENSION IF NOT EXISTS {quote(ext)}")
        ddl = "\n".join(line for line in schema_to_sql(model).splitlines() if "CREATE EXTENSION" not in line)
        db.conn.execute(ddl)
        assert diff_schemas(model, without_views(schema_from_catalog(db.conn))) == []


def test_foreign_keys_in_a_cycle_are_added_after_both_tables() -> None:
    model = schema_from_sql(
        "CREATE TABLE a (id int PRIMARY KEY, b_id int);"
        "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));"
        "ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b (id);"
    )
    ddl = schema_to_sql(model)
    assert ddl.index("CREATE TABLE a") < ddl.index("ALTER TABLE") and "CREATE TABLE b" in ddl
    assert diff_schemas(model, schema_from_sql(ddl), names=True) == []


def test_identifiers_are_quoted_only_when_needed() -> None:
    assert [quote(n) for n in ("orders", "Order Lines", "user", "CamelCase", "a_1")] == [
        "orders", '"Order Lines"', '"user"', '"CamelCase"', "a_1",
    ]
