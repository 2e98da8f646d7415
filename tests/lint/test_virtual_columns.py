"""PostgreSQL 18's virtual generated columns: read (not skipped), and never taken for stored ones."""

from __future__ import annotations

import pytest

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

FILM = ("CREATE TABLE film (film_id bigint PRIMARY KEY, length int,\n"
        "    length_hours numeric(4,2) GENERATED ALWAYS AS (round(length / 60.0, 2)) VIRTUAL);")


def test_a_table_with_a_virtual_column_is_in_the_model_with_its_positions() -> None:
    script = parse_script(FILM)
    assert script.statements[0].analysed
    table = schema_from_sql(FILM).tables["public.film"]
    column = table.column("length_hours")
    assert column is not None and column.generated == "round(length / 60.0, 2)"
    assert (column.line, column.column) == (2, 5)


@pytest.mark.parametrize(
    ("clause", "rewrites"),
    [
        ("GENERATED ALWAYS AS (a * 2) VIRTUAL", False),
        ("GENERATED ALWAYS AS (a * 2)", False),  # PostgreSQL 18: virtual unless STORED is written
        ("GENERATED ALWAYS AS (a * 2) STORED", True),
        ("GENERATED ALWAYS AS (coalesce(note, ')')) STORED", True),
    ],
)
def test_adding_a_generated_column_rewrites_the_table_only_when_stored(clause: str, rewrites: bool) -> None:
    existing = schema_from_sql("CREATE TABLE t (id bigint PRIMARY KEY, a int, note text);")
    report = lint_script(parse_script(f"ALTER TABLE t ADD COLUMN b text {clause};"), existing=existing,
                         select=["volatile-default-rewrite"])
    assert [d.rule for d in report.diagnostics] == (["volatile-default-rewrite"] if rewrites else [])
    assert all("identity" not in d.message for d in report.diagnostics)
