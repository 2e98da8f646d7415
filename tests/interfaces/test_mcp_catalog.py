"""``agent/mcp/catalog.json``, which ``dbarch mcp`` answers ``tools/list`` from, is what the
code gives today: the tool functions' docstrings and signatures, the result types' schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dbarch.agent.mcp import tools as T
from dbarch.agent.mcp.arguments import validate_arguments
from dbarch.agent.mcp.catalog import CATALOG_PATH, build_catalog, load_catalog, main, render


def test_the_committed_catalog_is_current() -> None:
    fresh = render(build_catalog())
    assert CATALOG_PATH.read_text(encoding="utf-8") == fresh, (
        "agent/mcp/catalog.json is stale: regenerate it with `make mcp-catalog`")


def test_it_lists_every_tool_in_order_with_both_schemas() -> None:
    tools = load_catalog()
    assert [t["name"] for t in tools] == [fn.__name__ for fn in T.TOOLS]
    for tool in tools:
        assert tool["inputSchema"]["type"] == "object" and tool["outputSchema"]["type"] == "object"
        assert "svc" not in tool["inputSchema"]["properties"]
        assert tool["description"] and not tool["description"].startswith(" ")
    by_name = {t["name"]: t for t in tools}
    assert by_name["check_schema"]["outputSchema"]["title"] == "CheckResult"
    assert by_name["ask_architect"]["outputSchema"]["title"] == "DesignResult"
    assert by_name["write_migration"]["annotations"] == {"readOnlyHint": False, "openWorldHint": False}


def test_check_fails_on_a_stale_file_and_regeneration_fixes_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "catalog.json"
    data = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    data["tools"][0]["inputSchema"]["required"] = []  # what an edited signature would leave
    copy.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert main(["--check", "--path", str(copy)]) == 1
    assert "stale" in capsys.readouterr().err
    assert main(["--path", str(copy)]) == 0
    assert main(["--check", "--path", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == CATALOG_PATH.read_text(encoding="utf-8")


def test_arguments_are_validated_against_the_signature() -> None:
    assert validate_arguments(T.read_workspace, {}) == {"what": "summary"}
    assert validate_arguments(T.advise_indexes, {"queries": "select 1", "budget_mb": "64"}) == {
        "queries": "select 1", "schema_sql": None, "rows": None, "budget_mb": 64.0}
    from pydantic import ValidationError

    for bad in ({"what": "everything"}, {"what": "soul", "extra": 1}):
        with pytest.raises(ValidationError):
            validate_arguments(T.read_workspace, bad)
