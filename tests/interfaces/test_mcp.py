"""``dbarch mcp`` as a real process, driven by the MCP SDK's stdio client: the tool list and its
schemas, and a call of every tool that needs no model (on the real sandbox)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp import Client

from tests.interfaces.mcphelp import server_params, structured, with_client

EXPECTED = {"check_schema", "lint_sql", "explain_query", "advise_indexes", "erd", "read_workspace",
            "record_decision", "write_migration", "ask_architect"}
SCHEMA = """
create table customers (id bigint generated always as identity primary key, email text not null unique);
create table orders (
  id bigint generated always as identity primary key,
  customer_id bigint not null references customers (id),
  placed_at timestamptz not null default now(),
  total numeric(12, 2) not null
);
"""


def test_lists_every_tool_with_schemas(tmp_path: Path, sandbox: object) -> None:
    async def body(client: Client) -> Any:
        return (await client.list_tools()).tools

    tools = {t.name: t for t in with_client(server_params(tmp_path), body)}
    assert set(tools) == EXPECTED
    assert tools["check_schema"].input_schema["required"] == ["sql"]
    assert tools["explain_query"].input_schema["properties"]["rows"]["description"].startswith("rows per")
    assert set(tools["record_decision"].output_schema["properties"]) >= {"id", "decision", "why"}
    assert set(tools["write_migration"].output_schema["properties"]) == {"number", "slug", "file"}
    assert "svc" not in tools["lint_sql"].input_schema["properties"]
    assert tools["lint_sql"].annotations.read_only_hint is True
    assert tools["write_migration"].annotations.read_only_hint is False


def test_every_tool_without_a_model(tmp_path: Path, sandbox: object) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()

    async def body(client: Client) -> dict[str, Any]:
        out: dict[str, Any] = {}
        out["check_ok"] = await client.call_tool("check_schema", {"sql": SCHEMA})
        out["check_bad"] = await client.call_tool(
            "check_schema", {"sql": "create table t (id bigint primary key,\n x text not nul);"})
        out["lint"] = await client.call_tool(
            "lint_sql", {"sql": "create table t (id int primary key, amount float);"})
        out["explain"] = await client.call_tool("explain_query", {
            "schema_sql": SCHEMA, "rows": "orders=5000,customers=500",
            "query": "select * from orders where customer_id = 42"})
        out["advise"] = await client.call_tool("advise_indexes", {
            "schema_sql": SCHEMA, "rows": "orders=20000,customers=500",
            "queries": "select * from orders where customer_id = 42 order by placed_at desc limit 10;"})
        out["erd"] = await client.call_tool("erd", {"schema_sql": SCHEMA})
        out["migrate"] = await client.call_tool("write_migration", {"name": "create_shop", "sql": SCHEMA})
        out["migrate_bad"] = await client.call_tool(
            "write_migration", {"name": "broken", "sql": "alter table nowhere add column x int;"})
        out["decide"] = await client.call_tool("record_decision", {
            "decision": "Money is numeric(12,2)", "why": "exact sums for invoices"})
        out["soul"] = await client.call_tool("read_workspace", {"what": "soul"})
        out["summary"] = await client.call_tool("read_workspace", {})
        out["bad_args"] = await client.call_tool("check_schema", {"sequel": "select 1"})
        out["unknown"] = await client.call_tool("drop_everything", {})
        return out

    r = with_client(server_params(ws), body)
    ok = structured(r["check_ok"])
    assert ok["applied"] is True and ok["errors"] == [] and set(ok["tables"]) == {"customers", "orders"}
    bad = structured(r["check_bad"])
    assert bad["applied"] is False and bad["errors"][0]["line"] == 2
    assert bad["errors"][0]["sqlstate"] == "42601"
    lint = structured(r["lint"])
    assert "no-float-money" in {d["rule"] for d in lint["diagnostics"]}
    explain = structured(r["explain"])
    assert explain["data"]["total_rows"] == 5500 and len(explain["queries"]) == 1
    advise = structured(r["advise"])
    assert any("customer_id" in rec["ddl"] for rec in advise["advice"]["recommendations"]), advise
    assert "erDiagram" in structured(r["erd"])["result"]
    migration = structured(r["migrate"])
    assert migration["file"] == "migrations/001_create_shop.sql"
    assert (ws / migration["file"]).read_text().strip().startswith("create table customers")
    assert r["migrate_bad"].is_error and "nowhere" in r["migrate_bad"].content[0].text
    assert not (ws / "migrations" / "002_broken.sql").exists()
    decision = structured(r["decide"])
    assert decision["decision"] == "Money is numeric(12,2)"
    assert decision["id"] in structured(r["soul"])["result"]
    assert "Money is numeric" in structured(r["summary"])["result"]
    assert r["bad_args"].is_error
    assert r["bad_args"].content[0].text == ("invalid arguments for check_schema: sql: Field required; "
                                             "sequel: Extra inputs are not permitted")
    assert r["unknown"].is_error and "unknown tool 'drop_everything'" in r["unknown"].content[0].text
