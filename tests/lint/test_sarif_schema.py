"""`dbarch lint --format sarif` validates against the official SARIF 2.1.0 JSON schema.

The schema is ``tests/fixtures/sarif-schema-2.1.0.json`` (OASIS errata 01, draft-04; where it
comes from: ``tests/fixtures/sarif-schema-2.1.0.md``). Formats are checked too: ``uri`` must be
absolute (RFC 3986), ``uri-reference`` may be relative, which is what code-scanning uploads need.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.lint.registry import RULES
from dbarch.tools.render.lint import render_sarif
from dbarch.tools.sql.parse import parse_script

jsonschema = pytest.importorskip("jsonschema", reason="dev dependency jsonschema>=4 is not installed")

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "sarif-schema-2.1.0.json"

# one finding of several families, a parse error, a file in a subfolder
SQL = """\
CREATE TABLE events (id serial PRIMARY KEY, happened_at timestamp, price real, tags text);
SELECT * FROM events ORDER BY random();
CREATE TABLE broken (id bigint PRIMARY KEY,;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
"""


def _checker() -> Any:
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("uri")
    def _absolute(value: object) -> bool:
        return not isinstance(value, str) or bool(urlsplit(value).scheme)

    @checker.checks("uri-reference")
    def _reference(value: object) -> bool:
        return not isinstance(value, str) or (" " not in value and "\\" not in value)

    return checker


def _errors(log: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=_checker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(log)]


def test_schema_file_is_the_official_one() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"


def test_sarif_with_findings_is_valid() -> None:
    report = lint_script(parse_script(SQL, source="migrations\\0001_events.sql"))
    log = json.loads(render_sarif([report], RULES))
    assert log["runs"][0]["results"], "the sample should produce findings"
    assert not _errors(log)


def test_sarif_without_findings_is_valid() -> None:
    report = lint_script(parse_script("CREATE TABLE t (id bigint PRIMARY KEY);", source="t.sql"))
    log = json.loads(render_sarif([report], RULES))
    assert log["runs"][0]["results"] == []
    assert not _errors(log)


def test_sarif_with_docs_url_is_valid() -> None:
    report = lint_script(parse_script(SQL, source="a.sql"))
    log = json.loads(render_sarif([report], RULES, docs_url="https://example.org/dbarch/docs/rules/{id}.md"))
    assert not _errors(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"] == f"https://example.org/dbarch/docs/rules/{rules[0]['id']}.md"


def test_validator_rejects_a_broken_log() -> None:
    report = lint_script(parse_script(SQL, source="a.sql"))
    log = json.loads(render_sarif([report], RULES))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "docs/rules/x.md"
    errors = _errors(log)
    assert len(errors) >= 3, errors
