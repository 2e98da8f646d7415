"""``dbarch mcp`` starts light: answering ``initialize`` and ``tools/list`` loads neither the
typed API, the agent, the SQL parsers and drivers, nor the SDK's client and high-level server
(:mod:`dbarch.agent.mcp.lean`); the first tool call loads what that tool needs. And the SDK's
public names still work after the lean binding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HEAVY = ("sqlglot", "pglast", "psycopg", "langgraph", "langchain_core", "langchain_openai",
         "openai", "prompt_toolkit", "dbarch.tools.check", "dbarch.tools.lint.engine",
         "dbarch.agent.session", "dbarch.agent.mcp.outputs", "mcp.client", "mcp.server.mcpserver")

PROBE = """
import json, sys
from dbarch.agent.cli.main import main
main(sys.argv[1:])
print("MODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

HANDSHAKE = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}},
]
LINT_CALL = {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
    "name": "lint_sql", "arguments": {"sql": "create table t (id int primary key, amount float);"}}}


def _session(workspace: Path, messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], set[str]]:
    """Send ``messages`` one at a time (waiting for each reply), close stdin; the replies and the
    heavy modules the server process had loaded when it exited."""
    proc = subprocess.Popen([sys.executable, "-c", PROBE, "mcp", "--workspace", str(workspace)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdin is not None and proc.stdout is not None
    replies = []
    for message in messages:
        proc.stdin.write(json.dumps(message) + "\n")
        proc.stdin.flush()
        if "id" in message:
            replies.append(json.loads(proc.stdout.readline()))
    _, err = proc.communicate(timeout=120)
    line = next((x for x in err.splitlines() if x.startswith("MODULES=")), None)
    assert line is not None, err
    loaded = set(json.loads(line.removeprefix("MODULES=")))
    return replies, {h for h in HEAVY if h in loaded}


def test_tools_list_loads_nothing_heavy(tmp_path: Path) -> None:
    replies, heavy = _session(tmp_path, HANDSHAKE)
    assert len(replies[1]["result"]["tools"]) == 9
    assert heavy == set()


def test_a_tool_call_loads_what_it_needs(tmp_path: Path) -> None:
    replies, heavy = _session(tmp_path, [*HANDSHAKE, LINT_CALL])
    rules = {d["rule"] for d in replies[2]["result"]["structuredContent"]["diagnostics"]}
    assert "no-float-money" in rules
    assert {"sqlglot", "dbarch.tools.lint.engine", "dbarch.agent.mcp.outputs"} <= heavy
    assert not heavy & {"langgraph", "openai", "mcp.client", "mcp.server.mcpserver"}


def test_the_sdk_names_still_work_after_the_lean_binding() -> None:
    code = """
import sys
from dbarch.agent.mcp.lean import bind_lazily
assert bind_lazily() == ["mcp", "mcp.server"]
import mcp.server.lowlevel, mcp.server.stdio
assert "mcp.client" not in sys.modules and "mcp.server.mcpserver" not in sys.modules
from mcp import Client, StdioServerParameters
from mcp.server import MCPServer
import mcp
assert mcp.types.Tool is mcp.Tool and "mcp.client" in sys.modules
assert bind_lazily() == []
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.stdout.strip() == "ok", done.stderr
