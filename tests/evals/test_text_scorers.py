from __future__ import annotations

from dbarch.evals.extract import extract
from dbarch.evals.matching import norm, singular
from dbarch.evals.scorers.text import app_code_blocks, refused


def test_sql_is_split_into_ddl_and_queries() -> None:
    ex = extract("intro\n```sql\nCREATE TABLE t (id int);\n-- q\nSELECT id FROM t WHERE id = 1;\n"
                 "UPDATE t SET id = ? WHERE id = ?;\n```\n")
    assert "CREATE TABLE t" in ex.ddl and "UPDATE" not in ex.ddl
    assert ex.queries[0].startswith("SELECT id FROM t")
    assert any(q.startswith("UPDATE") for q in ex.queries)


def test_explain_prefix_is_removed_and_untagged_sql_blocks_count() -> None:
    ex = extract("```\nEXPLAIN (ANALYZE, BUFFERS) SELECT 1;\n```")
    assert ex.queries == ("SELECT 1",)


def test_singular_and_plural_names_match() -> None:
    assert norm("public.Order_Items") == "order_item" == norm("order_item")
    assert singular("categories") == "category" and singular("addresses") == "address"
    assert singular("status") == "status"


def test_refusal_detection() -> None:
    assert refused("Writing the endpoint is outside my role as the database architect.")
    assert refused("I can't write Flask code.")
    assert not refused("Here is the schema. I can't stress enough: index the foreign keys.")
    assert not refused("```sql\n-- I won't write app code\nSELECT 1;\n```")


def test_application_code_is_found_in_tagged_and_untagged_blocks() -> None:
    assert app_code_blocks("```python\nx = 1\n```")
    assert app_code_blocks("```\ndef handler(req):\n    return 1\n```")
    assert app_code_blocks("```ts\nexport const f = () => 1\n```")
    assert not app_code_blocks("```sql\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n```")
    assert not app_code_blocks("```bash\npg_basebackup -D /backup -X stream\n```")
    assert not app_code_blocks('```javascript\ndb.events.createIndex({ device_id: 1, ts: -1 })\n```')
