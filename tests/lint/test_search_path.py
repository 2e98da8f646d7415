"""A table named under ``SET search_path`` is the table PostgreSQL would use, for lint as for
the model (regression: lint keyed ``t`` as ``public.t`` whatever the search_path said)."""

from __future__ import annotations

import pytest

from dbarch.tools.lint.config import LintConfig
from dbarch.tools.lint.workflow import lint_text
from dbarch.tools.schema.from_sql import schema_from_sql

EXISTING = schema_from_sql("CREATE SCHEMA app;\nCREATE TABLE app.t (id bigint PRIMARY KEY, age int);")
CHANGE = "change-column-type"


def rules(text: str) -> set[str]:
    return {d.rule for d in lint_text(text, "m.sql", LintConfig(), existing=EXISTING).diagnostics}


@pytest.mark.parametrize(
    "prefix",
    [
        "SET search_path = app;\n",
        "SET search_path TO app, public;\n",
        "SET search_path TO \"app\";\n",
        "SELECT pg_catalog.set_config('search_path', 'app', false);\n",
    ],
)
def test_an_unqualified_table_under_search_path_is_flagged_like_the_qualified_one(prefix: str) -> None:
    assert CHANGE in rules("ALTER TABLE app.t ALTER COLUMN age TYPE bigint;")
    assert CHANGE in rules(prefix + "ALTER TABLE t ALTER COLUMN age TYPE bigint;")


def test_without_search_path_the_name_is_public_t_which_does_not_exist() -> None:
    assert CHANGE not in rules("ALTER TABLE t ALTER COLUMN age TYPE bigint;")


def test_a_table_created_under_search_path_is_new_in_its_schema() -> None:
    text = "SET search_path = app;\nCREATE TABLE u (id bigint PRIMARY KEY, age int);\nALTER TABLE u ALTER COLUMN age TYPE bigint;"
    assert CHANGE not in rules(text)  # created in this migration: empty, no rewrite to fear


def test_the_model_resolves_the_same_keys() -> None:
    from dbarch.tools.schema.from_sql import schema_from_script
    from dbarch.tools.sql.parse import parse_script

    script = parse_script("SET search_path = app;\nALTER TABLE t ADD COLUMN note text;\nCREATE TABLE u (id bigint);")
    model = schema_from_script(script, base=EXISTING)
    t = model.table("app.t")
    assert t is not None and "note" in t.column_names
    assert model.table("app.u") is not None and model.table("u") is None
