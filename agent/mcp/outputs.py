"""Each MCP tool's result type: its JSON Schema is the tool's output schema, and the result's
one JSON form (:mod:`dbarch.tools.jsonform`) is the tool's structured content.

That JSON form is the one ``--format json`` prints, so a pipeline gets the same document from
``dbarch check --format json`` and from the ``check_schema`` tool.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from typing_extensions import TypedDict


class Text(TypedDict):
    """A text result (Markdown or Mermaid)."""

    result: str


@cache
def result_types() -> dict[str, Any]:
    """Tool name -> the type of what it returns."""
    from dbarch.agent.user_database import DatabaseSchema
    from dbarch.memory.migrations import Migration
    from dbarch.memory.soul import Decision
    from dbarch.tools.check import CheckResult
    from dbarch.tools.lint.engine import LintReport
    from dbarch.tools.perf.hypothetical import ReadOnlyAdvice
    from dbarch.tools.perf.workload import WorkloadAdvice, WorkloadExplanation
    from dbarch.tools.sandbox.readonly import ReadOnlyExplanation

    types: dict[str, Any] = {
        "check_schema": CheckResult,
        "lint_sql": LintReport,
        "explain_query": WorkloadExplanation,
        "advise_indexes": WorkloadAdvice,
        "erd": Text,
        "read_workspace": Text,
        "record_decision": Decision,
        "write_migration": Migration,
        "ask_architect": None,
        "inspect_database": DatabaseSchema,
        "explain_on_database": ReadOnlyExplanation,
        "advise_on_database": ReadOnlyAdvice,
    }
    try:
        from dbarch.agent.result import DesignResult
    except ModuleNotFoundError:  # before the agent package exists: a plain JSON object
        pass
    else:
        types["ask_architect"] = DesignResult
    return types


@cache
def output_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of tool ``name``'s structured output."""
    from dbarch.tools.jsonform import json_schema

    type_ = result_types()[name]
    if type_ is None:
        return {"type": "object", "additionalProperties": True}
    return json_schema(type_)


def to_json(name: str, value: Any) -> dict[str, Any]:
    """``value`` (what tool ``name`` returned) as its JSON form."""
    from dbarch.tools.jsonform import to_jsonable

    if isinstance(value, str):
        return {"result": value}
    data: dict[str, Any] = to_jsonable(value, result_types()[name])
    return data
