"""Each MCP tool's output: the type whose JSON Schema is the tool's output schema, and the JSON
form of what the tool returned.

The JSON form of a result is the one the CLI's ``--format json`` prints, so a pipeline gets the
same document from ``dbarch check --format json`` and from the ``check_schema`` tool.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from typing import Any

from typing_extensions import TypedDict


class Text(TypedDict):
    """A text result (Markdown or Mermaid)."""

    result: str


def _types() -> dict[str, Any]:
    from dbarch.memory.migrations import Migration
    from dbarch.memory.soul import Decision

    types: dict[str, Any] = {
        "check_schema": None,
        "lint_sql": None,
        "explain_query": None,
        "advise_indexes": None,
        "erd": Text,
        "read_workspace": Text,
        "record_decision": Decision,
        "write_migration": Migration,
        "ask_architect": None,
    }
    try:
        from dbarch.agent.result import DesignResult
    except ModuleNotFoundError:  # the tool-only server does not need the agent
        pass
    else:
        types["ask_architect"] = DesignResult
    return types


@cache
def output_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of tool ``name``'s structured output."""
    from pydantic import TypeAdapter

    type_ = _types()[name]
    if type_ is None:
        return {"type": "object", "additionalProperties": True}
    schema: dict[str, Any] = TypeAdapter(type_).json_schema(mode="serialization")
    return schema


def to_json(name: str, value: Any) -> dict[str, Any]:
    """``value`` (what tool ``name`` returned) as its JSON form."""
    if isinstance(value, str):
        return {"result": value}
    if name == "lint_sql":
        return {"source": value.source, "statements": value.statements, "skipped": value.skipped,
                "suppressed": value.suppressed,
                "diagnostics": [d.to_dict() for d in value.diagnostics]}
    if name in ("explain_query", "advise_indexes"):
        body = ({"queries": [r.to_dict() for r in value.reports]} if name == "explain_query"
                else value.advice.to_dict())
        return {"data": value.data.to_dict(), **body}
    if hasattr(value, "model_dump"):
        data: dict[str, Any] = value.model_dump(mode="json")
        return data
    if hasattr(value, "to_dict"):
        return dict(value.to_dict())
    return asdict(value)
