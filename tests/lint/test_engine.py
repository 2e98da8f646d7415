"""The lint engine: selection, suppressions, configuration, crashes, parse errors, fixes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dbarch.tools.errors import LintError
from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.config import load_config
from dbarch.tools.lint.engine import apply_edits, lint_script, select_rules
from dbarch.tools.lint.registry import BY_ID, RULES
from dbarch.tools.schema.model import Schema
from dbarch.tools.sql.parse import parse_script


def rules_of(sql: str, **kw: object) -> list[str]:
    return [d.rule for d in lint_script(parse_script(sql), **kw).diagnostics]  # type: ignore[arg-type]


def test_registry_ids_are_unique_kebab_case_and_complete() -> None:
    assert len(BY_ID) == len(RULES) >= 29
    for rule in RULES:
        assert rule.id == rule.id.lower() and " " not in rule.id and "_" not in rule.id
        assert rule.message and rule.family and isinstance(rule.severity, Severity)


def test_select_by_id_family_and_prefix() -> None:
    assert [r.id for r in select_rules(["prefer-timestamptz"])] == ["prefer-timestamptz"]
    assert {r.family for r in select_rules(["naming"])} == {"naming"}
    assert all(r.id.startswith("prefer-") for r in select_rules(["prefer-"]))
    assert "prefer-identity" not in [r.id for r in select_rules(["integrity"], ["prefer-identity"])]


def test_unknown_rule_is_a_lint_error() -> None:
    with pytest.raises(LintError, match="unknown rule"):
        select_rules(["no-such-rule"])


def test_diagnostics_are_sorted_by_line() -> None:
    sql = "CREATE TABLE b (x int);\nCREATE TABLE a (id bigint PRIMARY KEY, at timestamp);"
    lines = [d.line for d in lint_script(parse_script(sql)).diagnostics]
    assert lines == sorted(lines)


def test_parse_error_is_reported_and_linting_continues() -> None:
    sql = "CREATE TABLE a (id int PRIMARY KEY,, x int);\nCREATE TABLE b (x int);"
    report = lint_script(parse_script(sql), select=["require-primary-key"])
    assert [(d.rule, d.line) for d in report.diagnostics] == [("parse-error", 1), ("require-primary-key", 2)]


def test_opaque_statements_are_counted_as_skipped() -> None:
    report = lint_script(parse_script("ALTER SYSTEM SET work_mem = '64MB';\nCREATE TABLE t (id bigint PRIMARY KEY);"))
    assert report.skipped == 1 and report.statements == 2


def test_suppression_on_the_line_and_the_line_before() -> None:
    sql = (
        "CREATE TABLE t (id bigint PRIMARY KEY,\n"
        "  a timestamp, -- dbarch: ignore[prefer-timestamptz]\n"
        "  -- dbarch: ignore[prefer-timestamptz, other-rule]\n"
        "  b timestamp,\n"
        "  c timestamp);"
    )
    report = lint_script(parse_script(sql), select=["prefer-timestamptz"])
    assert [d.line for d in report.diagnostics] == [5]
    assert report.suppressed == 2


def test_trailing_comment_does_not_silence_the_next_line() -> None:
    sql = "CREATE TABLE t (id bigint PRIMARY KEY, -- dbarch: ignore[prefer-timestamptz]\n  a timestamp);"
    assert rules_of(sql, select=["prefer-timestamptz"]) == ["prefer-timestamptz"]


def test_ignore_file_at_the_top_only() -> None:
    top = "-- dbarch: ignore-file[prefer-timestamptz]\nCREATE TABLE t (id bigint PRIMARY KEY, a timestamp);"
    assert rules_of(top, select=["prefer-timestamptz"]) == []
    late = "CREATE TABLE t (id bigint PRIMARY KEY, a timestamp);\n-- dbarch: ignore-file[prefer-timestamptz]"
    assert rules_of(late, select=["prefer-timestamptz"]) == ["prefer-timestamptz"]


def test_min_severity_and_severity_overrides() -> None:
    sql = "CREATE TABLE t (a timestamp);"
    assert rules_of(sql, select=["integrity"], min_severity=Severity.ERROR) == ["require-primary-key"]
    report = lint_script(
        parse_script(sql), select=["prefer-timestamptz"], severities={"prefer-timestamptz": Severity.ERROR}
    )
    assert report.diagnostics[0].severity is Severity.ERROR


def test_rule_options_and_unknown_options() -> None:
    sql = "CREATE TABLE t (id bigint PRIMARY KEY, a int, b int);\nCREATE INDEX ON t (a);\nCREATE INDEX ON t (b);"
    assert rules_of(sql, select=["too-many-indexes"]) == []
    assert rules_of(sql, select=["too-many-indexes"], options={"too-many-indexes": {"max-indexes": 2}}) == [
        "too-many-indexes"
    ]
    with pytest.raises(LintError, match="no option"):
        lint_script(parse_script(sql), select=["too-many-indexes"], options={"too-many-indexes": {"max": 1}})


class _Crashes(Rule):
    id = "crashes"
    message = "never"
    family = "test"

    def check_statement(self, stmt, ctx: LintContext) -> Iterator[Diagnostic]:  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")
        yield


def test_a_crashing_rule_becomes_an_internal_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    import dbarch.tools.lint.engine as engine

    monkeypatch.setattr(engine, "RULES", (*engine.RULES, _Crashes))
    report = lint_script(parse_script("CREATE TABLE t (id bigint PRIMARY KEY);"), select=["crashes"])
    assert [d.rule for d in report.diagnostics] == ["internal-error"]
    assert "boom" in report.diagnostics[0].message


def test_whole_script_context_index_created_later_counts() -> None:
    sql = (
        "CREATE TABLE p (id bigint PRIMARY KEY);\n"
        "CREATE TABLE c (id bigint PRIMARY KEY, p_id bigint NOT NULL REFERENCES p (id) ON DELETE CASCADE);\n"
        "CREATE INDEX ON c (p_id);"
    )
    assert rules_of(sql, select=["index-foreign-key"]) == []


def test_tables_from_the_existing_schema_are_not_reported_again() -> None:
    from dbarch.tools.lint.engine import build_schema

    existing = build_schema(parse_script("CREATE TABLE legacy (a timestamp);"), None)
    sql = "CREATE TABLE t (id bigint PRIMARY KEY);"
    assert rules_of(sql, select=["require-primary-key"], existing=existing) == []
    assert isinstance(existing, Schema) and "public.legacy" in existing.tables


def test_fixes_rewrite_only_the_types() -> None:
    sql = "CREATE TABLE t (\n  id bigserial PRIMARY KEY,\n  at timestamp(3) NOT NULL,\n  price float,\n  ref_uuid varchar(36)\n);"
    report = lint_script(parse_script(sql))
    fixed = apply_edits(sql, report.edits)
    assert fixed == (
        "CREATE TABLE t (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
        "  at timestamptz(3) NOT NULL,\n  price numeric,\n  ref_uuid uuid\n);"
    )
    again = lint_script(parse_script(fixed), select=["prefer-identity", "prefer-timestamptz", "no-float-money", "prefer-uuid-type"])
    assert again.diagnostics == ()


def test_suppressed_findings_get_no_fix() -> None:
    sql = "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp); -- dbarch: ignore[prefer-timestamptz]"
    assert lint_script(parse_script(sql)).edits == ()


def test_config_from_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dbarch.lint]\nselect = ["integrity"]\nignore = ["require-on-delete"]\nseverity = "warning"\n'
        '[tool.dbarch.lint.rules.too-many-indexes]\nmax-indexes = 3\nseverity = "error"\n'
    )
    sub = tmp_path / "db" / "migrations"
    sub.mkdir(parents=True)
    config = load_config(sub)
    assert config.select == ("integrity",) and config.ignore == ("require-on-delete",)
    assert config.severity is Severity.WARNING
    assert config.options == {"too-many-indexes": {"max-indexes": 3}}
    assert config.severities == {"too-many-indexes": Severity.ERROR}


def test_bad_config_is_a_lint_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.dbarch.lint]\nseverity = "loud"\n')
    with pytest.raises(LintError, match="severity"):
        load_config(tmp_path)
