"""Every result has one JSON form, and that form validates against the type's JSON Schema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from dbarch.tools.check import CheckResult, check_sources
from dbarch.tools.errors import DbarchError, ParseError
from dbarch.tools.jsonform import from_jsonable, json_schema, to_jsonable
from dbarch.tools.lint.base import Diagnostic, Severity
from dbarch.tools.sandbox import Sandbox
from dbarch.tools.sql.source import SqlSource


def assert_valid(value: object, type_: Any = None) -> dict[str, Any] | list[Any]:
    data = to_jsonable(value, type_)
    json.dumps(data)  # plain JSON, nothing left to convert
    jsonschema.validate(data, json_schema(type_ or type(value)))
    return data  # type: ignore[no-any-return]


def test_a_check_result_with_errors_lint_and_a_translation(sandbox: Sandbox) -> None:
    sql = (
        "CREATE TABLE a (id bigint PRIMARY KEY, at timestamp);\n"
        "CREATE TABLE b (a_id int REFERENCES a (nope));\n"
    )
    result = check_sources([SqlSource("s.sql", sql)], sandbox=sandbox, translate_to="mysql")
    data = assert_valid(result)
    assert isinstance(data, dict)
    assert data["passed"] is False and data["applied"] is False and data["tables"] == ["a", "b"]
    (error,) = data["errors"]
    assert error["sqlstate"] == "42703" and error["line"] == 2 and error["file"] == "s.sql"
    assert {d["rule"] for d in data["lint"]} >= {"prefer-timestamptz"}
    assert data["lint"][0]["severity"] in ("info", "warning", "error")
    assert data["translations"][0]["target"] == "mysql" and "CREATE TABLE" in data["translations"][0]["sql"]
    assert "scripts" not in data and "schema" in data


def test_the_check_result_schema_names_the_verdict() -> None:
    schema = json_schema(CheckResult)
    assert {"passed", "errors", "lint", "applied", "tables"} <= set(schema["properties"])
    assert "scripts" not in schema["properties"]


def test_errors_and_severities_read_back_from_json() -> None:
    err = ParseError("syntax error at or near )", file="s.sql", line=3, column=7, sqlstate="42601")
    back = from_jsonable(DbarchError, to_jsonable(err, DbarchError))
    assert type(back) is ParseError and back.one_line() == err.one_line()
    d = Diagnostic("prefer-timestamptz", Severity.WARNING, "m", 1, 2, file="s.sql")
    assert to_jsonable(d)["severity"] == "warning"
    assert from_jsonable(Diagnostic, to_jsonable(d)) == d


@pytest.mark.parametrize(
    "kind",
    ["dbarch.tools.lint.engine:LintReport", "dbarch.memory.drift:DriftReport",
     "dbarch.tools.perf.workload:WorkloadExplanation", "dbarch.tools.perf.workload:WorkloadAdvice",
     "dbarch.memory.views:SoulView", "dbarch.memory.journal:JournalEntry",
     "dbarch.tools.lint.workflow:FixResult", "dbarch.tools.datagen:DatagenResult"],
)
def test_every_result_type_has_a_json_schema(kind: str) -> None:
    import importlib

    module, name = kind.split(":")
    schema = json_schema(getattr(importlib.import_module(module), name))
    assert schema["type"] == "object" and schema["properties"]
