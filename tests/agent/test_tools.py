"""Each of the architect's tools, called as the graph calls them (no model), on the real
sandbox and a temporary workspace; failures must come back as text the model can act on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dbarch.agent.context import Context
from dbarch.agent.services import Services
from dbarch.agent.tool_functions import ToolEnv
from dbarch.agent.tools import TOOLS, run_tool_call, tool_schemas
from dbarch.memory import Workspace

pytestmark = pytest.mark.sandbox

SCHEMA = (
    "CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);\n"
    "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,"
    " placed_at timestamptz NOT NULL DEFAULT now(), status text NOT NULL);\n"
)


@pytest.fixture
def env(sandbox: Any, tmp_path: Path) -> ToolEnv:
    ws = Workspace(tmp_path / "ws")
    return ToolEnv(Services(sandbox, ws), Context(workspace=str(tmp_path / "ws")), {})


def call(env: ToolEnv, tool: str, **args: Any) -> Any:
    return run_tool_call(env, tool, json.dumps(args))


def test_every_tool_has_a_schema_the_model_can_read() -> None:
    schemas = tool_schemas()
    assert [s["function"]["name"] for s in schemas] == [t.name for t in TOOLS]
    for s in schemas:
        params = s["function"]["parameters"]
        assert params["type"] == "object" and s["function"]["description"]
        assert "title" not in params


def test_validate_and_lint(env: ToolEnv) -> None:
    ok = call(env, "validate_sql", sql=SCHEMA)
    assert ok.ok and "tables: customers, orders" in ok.text
    bad = call(env, "validate_sql", sql="CREATE TABLE t (id bigint PRIMARY KEY,);")
    assert not bad.ok and "answer.sql:1:" in bad.text
    lint = call(env, "lint_sql", sql="CREATE TABLE t (price float8);")
    assert not lint.ok and "no-float-money (error)" in lint.text and "require-primary-key (error)" in lint.text


def test_apply_reports_server_errors_located(env: ToolEnv) -> None:
    out = call(env, "apply_sql", sql="CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (a_id bigint REFERENCES nope (id));")
    assert not out.ok
    assert "answer.sql:2" in out.text and "42P01" in out.text
    assert env.turn["checks"][-1]["applied"] is False


def test_apply_on_the_current_design(env: ToolEnv) -> None:
    env.design_sql = SCHEMA
    out = call(env, "apply_sql", sql="ALTER TABLE orders ADD COLUMN note text;", on_current_schema=True)
    assert out.ok and "on top of the workspace schema" in out.text
    alone = call(env, "apply_sql", sql="ALTER TABLE orders ADD COLUMN note text;")
    assert not alone.ok


def test_explain_and_advise_with_volumes(env: ToolEnv) -> None:
    env.design_sql = SCHEMA
    q = "SELECT id, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20"
    out = call(env, "explain_query", queries=[q], rows={"customers": 1000, "orders": 30000})
    assert out.ok and "data: 31,000 rows" in out.text and "cost" in out.text
    assert env.turn["plans"][0]["total_cost"] > 0
    advice = call(env, "advise_indexes", queries=[q], rows={"customers": 1000, "orders": 30000})
    assert advice.ok and "Recommended indexes:\n  CREATE INDEX CONCURRENTLY" in advice.text and "(customer_id" in advice.text


def test_explain_without_any_schema_says_what_to_do(env: ToolEnv) -> None:
    out = call(env, "explain_query", queries=["SELECT 1"])
    assert not out.ok and "no schema to load" in out.text and "apply_sql" in out.text


def test_erd_and_workspace_records(env: ToolEnv) -> None:
    erd = call(env, "draw_erd", sql=SCHEMA)
    assert "erDiagram" in erd.text and "CUSTOMERS" in erd.text.upper()
    assert call(env, "save_schema", sql=SCHEMA, summary="orders").ok
    assert "CREATE TABLE orders" in call(env, "read_workspace", part="schema").text
    assert call(env, "record_decision", decision="Orders keep their customer", why="invoices").ok
    assert call(env, "plan_change", title="Split status", migrations=["migrations/002_status.sql"]).ok
    assert call(env, "add_memory_note", category="lesson", text="Build indexes concurrently").ok
    summary = call(env, "read_workspace").text
    assert "orders(" in summary and "P-001" in summary and "D-001" in summary
    assert env.turn["decisions"] == ["D-001"]


def test_save_schema_refuses_sql_that_fails(env: ToolEnv) -> None:
    out = call(env, "save_schema", sql="CREATE TABLE x (id bigint REFERENCES missing (id));")
    assert not out.ok and "not saved" in out.text
    assert not (Path(env.context.workspace) / "00_soul.md").exists()


def test_write_migration_verifies_first(env: ToolEnv) -> None:
    first = call(env, "write_migration", name="create shop", sql=SCHEMA)
    assert first.ok and "migrations/001_create_shop.sql" in first.text
    bad = call(env, "write_migration", name="add column", sql="ALTER TABLE nope ADD COLUMN x int;")
    assert not bad.ok and "not written" in bad.text
    assert env.turn["migrations"] == ["migrations/001_create_shop.sql"]


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("apply_sql", "{not json", "not valid JSON"),
        ("apply_sql", "[1, 2]", "must be a JSON object"),
        ("apply_sql", "{}", "sql: Field required"),
        ("apply_sql", '{"sql": "SELECT 1", "bogus": true}', "bogus: Extra inputs"),
        ("read_workspace", '{"part": "passwords"}', "part: Input should be"),
        ("drop_everything", "{}", "unknown tool 'drop_everything'"),
    ],
)
def test_bad_calls_become_text(env: ToolEnv, name: str, args: str, expected: str) -> None:
    out = run_tool_call(env, name, args)
    assert not out.ok and out.text.startswith("error:") and expected in out.text


def test_a_long_tool_result_is_cut_at_a_line() -> None:
    from dbarch.agent.tools import MAX_RESULT_CHARS, _capped

    text = "\n".join(f"line {i} " + "x" * 50 for i in range(1000))
    out = _capped(text)
    assert len(out) < MAX_RESULT_CHARS + 200 and "more characters cut" in out
    assert out.splitlines()[-2].startswith("line ")
    assert _capped("short") == "short"


def test_write_migration_says_which_saved_requirement_tests_guarded_it(env: ToolEnv) -> None:
    from dbarch.memory.reqtests import save_requirement_tests

    first = call(env, "write_migration", name="create shop", sql=SCHEMA)
    assert "no saved requirement test guarded it" in first.text
    ws = Workspace(Path(env.context.workspace))
    save_requirement_tests(ws, "unique emails", """
- name: two customers cannot share an email
  steps:
    - sql: INSERT INTO customers (email) VALUES ('a@example.com'), ('a@example.com')
      expect: {error: "23505"}
""")
    second = call(env, "write_migration", name="add region", sql="ALTER TABLE customers ADD COLUMN region text;")
    assert second.ok, second.text
    assert "the 1 saved requirement test(s) of tests/001_unique_emails.yaml passed with it" in second.text
