"""What users see: the text output (snapshot), JSON, SARIF 2.1.0 structure, GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.lint.registry import RULES
from dbarch.tools.render.lint import render_github, render_json, render_sarif, render_text
from dbarch.tools.sql.parse import parse_script
from tests.golden import assert_golden

SQL = "CREATE TABLE events (\n\tid bigserial PRIMARY KEY,\n    happened_at timestamp NOT NULL\n);\n"
SNAPSHOT = Path(__file__).parent / "snapshots" / "text_output.txt"


def _report():  # type: ignore[no-untyped-def]
    return lint_script(parse_script(SQL, source="events.sql"), select=["integrity"])


def test_text_output_snapshot() -> None:
    fixable = frozenset(r.id for r in RULES if r.fixable)
    text = render_text([_report()], {"events.sql": SQL}, fixable=fixable)
    assert_golden(SNAPSHOT, text)
    assert "\x1b[" not in text


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" in render_text([_report()], {"events.sql": SQL}, colour=True)


def test_clean_text_output() -> None:
    report = lint_script(parse_script("CREATE TABLE t (id bigint PRIMARY KEY);"), select=["integrity"])
    assert render_text([report], {}) == "All checks passed.\n"


def test_json_is_a_list_of_findings() -> None:
    data = json.loads(render_json([_report()]))
    assert data and set(data[0]) == {"rule", "severity", "message", "file", "line", "column", "hint", "end_line", "end_column"}
    assert data[0]["file"] == "events.sql"


def test_sarif_structure() -> None:
    log = json.loads(render_sarif([_report()], RULES))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and "parse-error" in ids
    for r in rules:
        assert r["shortDescription"]["text"] and r["properties"]["docs"] == f"docs/rules/{r['id']}.md"
        assert "helpUri" not in r  # absolute URIs only, and only when docs_url is given
    assert run["results"]
    for res in run["results"]:
        assert res["level"] in {"error", "warning", "note"}
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "events.sql"
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
        assert res["message"]["text"]


def test_github_annotations() -> None:
    lines = render_github([_report()]).splitlines()
    assert lines[0].startswith("::warning file=events.sql,line=2,col=2,title=prefer-identity::")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_text_shows_a_rule_in_full_at_most_per_rule_times_per_file_then_counts_the_rest() -> None:
    from dbarch.tools.lint.findings import Diagnostic, LintReport, Severity
    from dbarch.tools.render.lint import render_text

    diags = tuple(Diagnostic("prefer-timestamptz", Severity.WARNING, "Use timestamptz", n, 5) for n in range(1, 16))
    report = LintReport("m.sql", diags, 15, 0)
    text = render_text([report], {"m.sql": "x timestamp\n" * 15}, per_rule=10)
    assert text.count("warning[prefer-timestamptz]") == 10
    assert "m.sql: 5 more prefer-timestamptz finding(s) like those above, at lines 11, 12, 13, 14, 15" in text
    assert "Found 15 problems (15 warning)." in text
    assert render_text([report], {"m.sql": ""}, per_rule=0).count("warning[prefer-timestamptz]") == 15
