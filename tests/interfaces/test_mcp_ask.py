"""``ask_architect`` over MCP: the SDK's stdio client against the real ``dbarch mcp`` process,
whose model is a hand-written cassette (``tests/cassettes/interfaces/mcp_tagging.yaml``)
replayed inside that process by ``mcp_replay_server.py``.

A design request comes back as a ``DesignResult`` in the structured content, with the SQL it
holds verified in the sandbox and its migration written; an application-code request comes
back as the refusal (a result, not a tool error) and never reaches the model."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.interfaces.cassettes import BASE_URL
from tests.interfaces.mcphelp import server_params, structured, with_client

LAUNCHER = Path(__file__).with_name("mcp_replay_server.py")
MODEL_ENV = {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": BASE_URL, "DBARCH_MODEL": "test-model",
             "DBARCH_RETRY_BACKOFF": "0", "DBARCH_MAX_RETRIES": "0"}


def replaying(cassette: str, workspace: Path, report: Path) -> StdioServerParameters:
    """``dbarch mcp --workspace WORKSPACE`` with ``cassette`` as its model endpoint."""
    params = server_params(workspace, MODEL_ENV)
    return StdioServerParameters(command=sys.executable, env=params.env, args=[
        str(LAUNCHER), cassette, str(report), "--", *params.args])


def test_ask_architect_designs_and_refuses(tmp_path: Path, sandbox: object) -> None:
    ws, report = tmp_path / "ws", tmp_path / "played.json"
    ws.mkdir()

    async def body(client: Client) -> dict[str, Any]:
        listed = {t.name: t for t in (await client.list_tools()).tools}
        design = await client.call_tool("ask_architect", {
            "request": "Design tags for blog posts: a post has many tags, a tag page lists its posts",
            "thread_id": "blog-1"})
        refusal = await client.call_tool("ask_architect", {
            "request": "Write a React component that lists the tags of a post"})
        return {"schema": listed["ask_architect"].output_schema, "design": design,
                "refusal": refusal}

    r = with_client(replaying("mcp_tagging", ws, report), body)
    played = json.loads(report.read_text())
    assert played == {"played": 2, "total": 2}, played  # the refusal made no model call

    design = structured(r["design"])
    jsonschema.validate(design, r["schema"])
    assert design["refused"] is False and design["guard_verdict"] == "in_scope"
    assert design["thread_id"] == "blog-1" and design["model"] == "test-model"
    verification = design["verification"]
    assert verification["sql_found"] is True and verification["parsed"] is True
    assert verification["applied"] is True and verification["errors"] == []
    assert verification["lint"]["error"] == 0
    assert "PRIMARY KEY (post_id, tag_id)" in design["ddl"]
    assert design["migrations_written"] == ["migrations/001_create_tagging.sql"]
    assert "CREATE TABLE post_tags" in (ws / "migrations" / "001_create_tagging.sql").read_text()
    assert design["usage"]["model_calls"] == 2 and design["usage"]["input_tokens"] == 6700
    assert json.loads(r["design"].content[0].text) == design  # the same JSON as text

    assert not r["refusal"].is_error, r["refusal"].content
    refusal = structured(r["refusal"])
    jsonschema.validate(refusal, r["schema"])
    assert refusal["refused"] is True and refusal["guard_verdict"] == "app_code"
    assert refusal["refusal_reason"] and refusal["ddl"] == ""
    assert refusal["usage"]["model_calls"] == 0


def test_ask_architect_without_a_model_is_a_tool_error(tmp_path: Path) -> None:
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "DBARCH_MODEL": ""}

    async def body(client: Client) -> Any:
        return await client.call_tool("ask_architect", {"request": "Design a schema for invoices"})

    result = with_client(server_params(tmp_path, env), body)
    assert result.is_error
    text = result.content[0].text
    assert "OPENAI_API_KEY" in text and "\n" not in text.strip()
