"""``dbarch mcp --dsn``: the real server process, driven by the MCP SDK's stdio client, on "the
user's database" (a separate database reached as superuser, a password in the DSN). The three
read-only tools are listed (annotated read-only) only with a DSN; they read it; a write through
them is refused; the write tools never reach it; the password shows nowhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from tests.interfaces.mcphelp import server_params, structured, with_client
from tests.safety.userdb import PASSWORD, fingerprint, user_database

DB_TOOLS = {"inspect_database", "explain_on_database", "advise_on_database"}


@pytest.fixture(scope="module")
def user_dsn(sandbox: Any) -> Iterator[str]:
    with user_database(sandbox, uri=True) as dsn:
        yield dsn


def texts(result: Any) -> str:
    return json.dumps([c.text for c in result.content]) + json.dumps(result.structured_content or {})


def test_the_read_only_tools_read_and_never_write(tmp_path: Path, user_dsn: str) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    before = fingerprint(user_dsn)

    async def body(client: Client) -> dict[str, Any]:
        out: dict[str, Any] = {"tools": {t.name: t for t in (await client.list_tools()).tools}}
        out["inspect"] = await client.call_tool("inspect_database", {})
        out["explain"] = await client.call_tool("explain_on_database", {
            "query": "SELECT owner, balance FROM accounts WHERE owner = 'user7'"})
        out["drop"] = await client.call_tool("explain_on_database", {"query": "DROP TABLE accounts"})
        out["wipe"] = await client.call_tool("explain_on_database", {"query": "SELECT wipe()"})
        out["hidden"] = await client.call_tool("explain_on_database", {
            "query": "WITH gone AS (DELETE FROM accounts RETURNING *) SELECT count(*) FROM gone"})
        out["advise"] = await client.call_tool("advise_on_database", {"queries": "SELECT * FROM accounts WHERE balance > 1990"})
        out["sneak"] = await client.call_tool("explain_on_database", {"query": "SELECT 1", "dsn": "dbname=postgres"})
        out["check"] = await client.call_tool("check_schema", {"sql": "DROP TABLE IF EXISTS accounts;\n"
                                                               "CREATE TABLE intruder (id bigint PRIMARY KEY);"})
        return out

    params = server_params(ws)
    params = params.model_copy(update={"args": [*params.args, "--dsn", user_dsn]})
    r = with_client(params, body)
    tools = r["tools"]
    assert set(tools) >= DB_TOOLS
    for name in DB_TOOLS:
        assert tools[name].annotations.read_only_hint is True
        assert tools[name].description.startswith("READ-ONLY on the user's own database")
    schema = structured(r["inspect"])
    assert schema["read_only"] is True and "accounts" in schema["tables"] and "CREATE TABLE" in schema["ddl"]
    assert ":***@" in schema["database"] or "password=***" in schema["database"]
    plan = structured(r["explain"])
    assert plan["read_only"] is True and plan["analyzed"] is False
    (query,) = plan["queries"]
    assert query["error"] is None and query["total_cost"] > 0
    for refused in ("drop", "wipe"):
        (report,) = structured(r[refused])["queries"]
        assert report["error"] is not None and report["total_cost"] is None, report
    (hidden,) = structured(r["hidden"])["queries"]
    assert hidden["modifies"] is True and hidden["analyzed"] is False
    assert r["advise"].is_error and "hypopg" in r["advise"].content[0].text
    assert r["sneak"].is_error and "dsn" in r["sneak"].content[0].text  # no tool takes a DSN argument
    assert structured(r["check"])["applied"] is True  # in the sandbox, not on the user's database
    assert fingerprint(user_dsn) == before
    assert PASSWORD not in "".join(texts(v) for k, v in r.items() if k != "tools")


def test_without_a_dsn_they_are_not_listed_and_say_why(tmp_path: Path, sandbox: Any) -> None:
    async def body(client: Client) -> Any:
        listed = {t.name for t in (await client.list_tools()).tools}
        return listed, await client.call_tool("inspect_database", {})

    listed, called = with_client(server_params(tmp_path, {"DBARCH_DATABASE_DSN": ""}), body)
    assert not DB_TOOLS & listed
    assert called.is_error and "dbarch mcp --dsn" in called.content[0].text


def test_a_bad_dsn_never_shows_its_password(tmp_path: Path, sandbox: Any) -> None:
    bad = f"postgresql://ro:{PASSWORD}%zz@localhost/shop"

    async def body(client: Client) -> Any:
        return [await client.call_tool("inspect_database", {}),
                await client.call_tool("explain_on_database", {"query": "SELECT 1"})]

    results = with_client(server_params(tmp_path, {"DBARCH_DATABASE_DSN": bad}), body)
    for result in results:
        assert result.is_error and "--dsn" in result.content[0].text
        assert PASSWORD not in texts(result) and PASSWORD[3:15] not in texts(result)


def test_cli_json_carries_a_refused_query(user_dsn: str) -> None:
    """``dbarch explain --dsn --format json`` with a refused query: a JSON document with its
    error (it was an internal error: the report's error could not be serialised)."""
    import subprocess
    import sys

    dbarch = str(Path(sys.executable).with_name("dbarch"))
    done = subprocess.run([dbarch, "explain", "--dsn", user_dsn, "--format", "json", "SELECT wipe()"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    assert doc["read_only"] is True and "VOLATILE" in doc["queries"][0]["error"]["message"]
    assert PASSWORD not in done.stdout + done.stderr and "***" in doc["database"]
