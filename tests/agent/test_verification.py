"""Verify-before-answer pieces on answers of our own and on public schemas (bench/schemas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dbarch.agent.answer import ddl_text
from dbarch.agent.verification import non_relational_notes, render_summary, verify_answer

SCHEMAS = Path(__file__).resolve().parents[2] / "bench" / "schemas"


def test_pg_dump_set_lines_are_not_redis() -> None:
    answer = "```sql\nSET statement_timeout = 0;\nCREATE TABLE t (id bigint PRIMARY KEY);\n```\n"
    assert non_relational_notes(answer) == []
    redis = "```\nSET session:42 '{...}' EX 1800\nHSET user:1 name Ana\n```\n"
    assert non_relational_notes(redis) == ["Redis commands and key layout were not run (no Redis in the sandbox)"]


def test_a_mongodb_validator_is_checked_against_the_meta_schema() -> None:
    good = '```json\n{"$jsonSchema": {"bsonType": "object", "required": ["email"], "properties": {"email": {"bsonType": "string"}}}}\n```\n'
    assert "checked against the JSON Schema meta-schema" in non_relational_notes(good)[0]
    bad = '```json\n{"$jsonSchema": {"bsonType": "object", "required": "email", "properties": {}}}\n```\n'
    assert "not a valid schema" in non_relational_notes(bad)[0]


def test_query_examples_with_placeholders_are_not_ddl() -> None:
    answer = "```sql\nBEGIN;\nSELECT stock FROM inventory WHERE product_id = ? FOR UPDATE;\nCOMMIT;\n```\n"
    assert ddl_text(answer) == ""


@pytest.mark.sandbox
@pytest.mark.parametrize("name", ["pagila", "iso3166"])
def test_public_schemas_as_answers(name: str, sandbox: Any) -> None:
    sql = (SCHEMAS / f"{name}.sql").read_text(encoding="utf-8")
    record, ddl = verify_answer(f"The schema:\n\n```sql\n{sql}\n```\n", {}, sandbox=sandbox, dialect="postgres", base_sql="")
    assert ddl and record["parsed"] and record["applied"] and record["verified_by"] == "graph"
    summary = render_summary(record, prompt_version="v")
    assert "Applied in a PostgreSQL 18 sandbox: yes" in summary and "Redis" not in summary
    if record["lint"]["error"]:
        assert "NOT VERIFIED: the SQL above applies, but has" in summary
