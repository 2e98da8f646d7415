"""What keeps model building linear stays exact: the per-schema name indexes the builder updates
as it goes equal the names recomputed from scratch, and the shortcuts give the same model.

No timing here (``bench/bench_model.py`` measures); these tests pin the behaviour the faster
code must keep.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from dbarch.tools.schema import from_sql as model_sql
from dbarch.tools.schema.build import Builder
from dbarch.tools.schema.from_sql import schema_from_script, schema_from_sql
from dbarch.tools.sql.parse import parse_script
from dbarch.tools.sql.statements import Statement

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.bench_lint import generate  # noqa: E402
from bench.gen_schema import pg_dump_schema  # noqa: E402

CHURN = """
CREATE TABLE a (id serial PRIMARY KEY, email text UNIQUE, n int CHECK (n > 0));
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a, UNIQUE (a_id, id));
CREATE INDEX ON b (a_id);
CREATE INDEX ON b (a_id);
ALTER TABLE b RENAME TO c;
ALTER TABLE c DROP CONSTRAINT c_a_id_fkey;
ALTER TABLE c ADD FOREIGN KEY (a_id) REFERENCES a (id);
ALTER TABLE a DROP COLUMN email;
DROP INDEX b_a_id_idx;
CREATE VIEW v AS SELECT 1;
DROP VIEW v;
CREATE TABLE v (id serial PRIMARY KEY);
CREATE SCHEMA s;
SET search_path = s, public;
CREATE TABLE a (id bigserial PRIMARY KEY);
CREATE TABLE a_pkey (x int);
DROP TABLE public.a;
"""


def names_from_scratch(b: Builder) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """``relation_names`` and ``constraint_names`` per schema, as the first version computed them."""
    relations: dict[str, set[str]] = {}
    constraints: dict[str, set[str]] = {}
    for key in [*b.tables, *b.views]:
        schema, name = key.split(".", 1)
        relations.setdefault(schema, set()).add(name)
    for table in b.tables.values():
        own = relations.setdefault(table.schema, set())
        own.update(i.name for i in table.indexes if i.name)
        own.update(u.name for u in table.uniques if u.name)
        items: list[Any] = [*table.foreign_keys, *table.uniques, *table.checks]
        if table.primary_key:
            items.append(table.primary_key)
            if table.primary_key.name:
                own.add(table.primary_key.name)
        constraints.setdefault(table.schema, set()).update(i.name for i in items if i.name)
    return relations, constraints


@pytest.mark.parametrize("sql", [CHURN, pg_dump_schema(30), generate(300)], ids=["churn", "pg_dump", "mix"])
def test_name_indexes_match_a_recount_after_every_statement(sql: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # schema_from_script skips a statement whose _apply raises, so the spy records mismatches
    # (an assert inside it would be swallowed) and the test asserts on them afterwards
    checked = 0
    mismatches: list[tuple[str, str, str]] = []
    original = model_sql._apply

    def apply_and_check(b: Builder, stmt: Any) -> None:
        nonlocal checked
        try:
            original(b, stmt)
        finally:
            relations, constraints = names_from_scratch(b)
            for schema in {*relations, *constraints, *b.search_path}:
                if set(b.relation_names(schema)) != relations.get(schema, set()):
                    mismatches.append(("relations", schema, stmt.text))
                if set(b.constraint_names(schema)) != constraints.get(schema, set()):
                    mismatches.append(("constraints", schema, stmt.text))
            checked += 1

    monkeypatch.setattr(model_sql, "_apply", apply_and_check)
    schema_from_script(parse_script(sql))
    assert checked > 10
    assert mismatches == []


def test_unnamed_keys_get_postgres_names_in_a_large_schema() -> None:
    schema = schema_from_sql(generate(2500))  # 500 tables, each with an unnamed primary key
    assert len(schema) == 500
    assert all(t.primary_key is not None and t.primary_key.name == f"{t.name}_pkey" for t in schema)


def test_table_order_is_kept_when_tables_change() -> None:
    schema = schema_from_sql(CHURN)
    assert list(schema.tables) == ["public.c", "public.v", "s.a", "s.a_pkey"]  # as the first version


def test_statement_positions_match_a_count_of_newlines() -> None:
    text = "CREATE TABLE t (\n  a int,\n\n  b text\n)"
    stmt = Statement(0, text, 0, 7, 3)
    for offset in range(-1, len(text) + 2):
        clamped = max(0, min(offset, len(text)))
        before = text[:clamped]
        line = before.count("\n")
        column = clamped - (before.rfind("\n") + 1) + 1
        expected = (7, 3 + column - 1) if line == 0 else (7 + line, column)
        assert stmt.position(offset) == expected, offset
