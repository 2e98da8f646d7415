"""The lint cache: an unchanged file's report comes back as computed, and any input that can
change a report (text, name, dialect, configuration, existing schema, dbarch's code) misses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from dbarch.tools.jsonform import to_jsonable
from dbarch.tools.lint import cache as cache_module
from dbarch.tools.lint.cache import LintCache
from dbarch.tools.lint.config import LintConfig
from dbarch.tools.lint.findings import Diagnostic, Severity, diagnostic_from_json, diagnostic_json
from dbarch.tools.lint.workflow import fix_sources, lint_text
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.source import SqlSource
from tests.cli import dbarch

MIGRATION = """\
CREATE TABLE invoices (id bigint PRIMARY KEY, total float, issued timestamp);
ALTER TABLE accounts ADD COLUMN region text NOT NULL;
CREATE INDEX accounts_region_idx ON accounts (region);
"""
EXISTING = "CREATE TABLE accounts (id bigint PRIMARY KEY, name text);"


@pytest.fixture
def cache(tmp_path: Path) -> LintCache:
    return LintCache(tmp_path / "lint")


def _rules(report: object) -> list[tuple[str, int]]:
    return [(d.rule, d.line) for d in report.diagnostics]  # type: ignore[attr-defined]


def test_a_second_lint_of_the_same_file_is_read_from_the_cache_unchanged(cache: LintCache) -> None:
    existing = schema_from_sql(EXISTING)
    first = lint_text(MIGRATION, "m.sql", LintConfig(), existing=existing, cache=cache)
    second = lint_text(MIGRATION, "m.sql", LintConfig(), existing=existing, cache=cache)
    assert not first.cached and second.cached
    assert second == first  # every field: diagnostics, counts, fixable rules
    assert {"no-float-money", "prefer-timestamptz", "create-index-non-concurrently"} <= {d.rule for d in second.diagnostics}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda a: {**a, "text": a["text"] + "\nDROP TABLE accounts;"}, id="text"),
        pytest.param(lambda a: {**a, "name": "other.sql"}, id="file name"),
        pytest.param(lambda a: {**a, "config": LintConfig(select=("no-float-money",))}, id="select"),
        pytest.param(lambda a: {**a, "config": LintConfig(severity=Severity.ERROR)}, id="severity"),
        pytest.param(lambda a: {**a, "config": LintConfig(severities={"no-float-money": Severity.INFO})}, id="severities"),
        pytest.param(lambda a: {**a, "config": LintConfig(options={"too-many-indexes": {"max-indexes": 1}})}, id="options"),
        pytest.param(lambda a: {**a, "config": LintConfig(assume_in_transaction=True)}, id="in transaction"),
        pytest.param(lambda a: {**a, "existing": None}, id="existing schema"),
        pytest.param(lambda a: {**a, "dialect": "mysql"}, id="dialect"),
    ],
)
def test_any_input_that_can_change_the_report_misses(cache: LintCache, change: object) -> None:
    base = {"text": MIGRATION, "name": "m.sql", "config": LintConfig(), "dialect": "postgres",
            "existing": schema_from_sql(EXISTING)}
    lint_text(base["text"], base["name"], base["config"], dialect=base["dialect"], existing=base["existing"], cache=cache)
    other = change(base)  # type: ignore[operator]
    report = lint_text(other["text"], other["name"], other["config"], dialect=other["dialect"],
                       existing=other["existing"], cache=cache)
    assert not report.cached
    fresh = lint_text(other["text"], other["name"], other["config"], dialect=other["dialect"], existing=other["existing"])
    assert report == fresh


def test_editing_dbarch_code_changes_every_key(cache: LintCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "code"
    rule = root / "tools" / "lint" / "rules" / "some_rule.py"
    rule.parent.mkdir(parents=True)
    rule.write_text("X = 1\n")
    monkeypatch.setattr(cache_module, "_ROOT", root)
    cache_module.code_fingerprint.cache_clear()
    try:
        before = cache.key(MIGRATION, "m.sql", LintConfig(), "postgres", None)
        rule.write_text("X = 22\n")  # another size: a rule was edited
        cache_module.code_fingerprint.cache_clear()
        after = cache.key(MIGRATION, "m.sql", LintConfig(), "postgres", None)
    finally:
        cache_module.code_fingerprint.cache_clear()
    assert before != after


def test_a_damaged_entry_is_a_miss_and_is_replaced(cache: LintCache) -> None:
    key = cache.key(MIGRATION, "m.sql", LintConfig(), "postgres", None)
    first = lint_text(MIGRATION, "m.sql", LintConfig(), cache=cache)
    (entry,) = cache.directory.rglob("*.json")
    entry.write_text('{"format": 1, "key": "' + str(key) + '", "diagnostics": [{"rule": ')
    assert cache.get(key) is None
    again = lint_text(MIGRATION, "m.sql", LintConfig(), cache=cache)
    assert not again.cached and again == first
    assert cache.get(key) == first


def test_a_folder_that_cannot_be_written_only_costs_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = LintCache(blocker / "lint")  # mkdir fails: a file is in the way
    report = lint_text(MIGRATION, "m.sql", LintConfig(), cache=cache)
    assert report.diagnostics and not lint_text(MIGRATION, "m.sql", LintConfig(), cache=cache).cached


def test_fixes_of_a_cached_report_are_computed_on_demand(cache: LintCache) -> None:
    lint_text(MIGRATION, "m.sql", LintConfig(), cache=cache)
    cached = lint_text(MIGRATION, "m.sql", LintConfig(), cache=cache)
    assert cached.cached
    (fix,) = fix_sources([SqlSource("m.sql", MIGRATION)], LintConfig(), reports=[cached])
    assert "timestamptz" in fix.fixed and fix.edits > 0


def test_clear_removes_every_entry(cache: LintCache) -> None:
    lint_text(MIGRATION, "a.sql", LintConfig(), cache=cache)
    lint_text(MIGRATION, "b.sql", LintConfig(), cache=cache)
    assert cache.clear() == 2
    assert not lint_text(MIGRATION, "a.sql", LintConfig(), cache=cache).cached


@pytest.mark.parametrize(
    "diagnostic",
    [
        Diagnostic("no-float-money", Severity.WARNING, "use numeric", 1, 17),
        Diagnostic("parse-error", Severity.ERROR, "syntax error at «x»", 3, 1, "fix it", "m.sql", 3, 9),
        Diagnostic("select-star", Severity.INFO, "list columns", 10, 2, None, "q.sql"),
    ],
)
def test_the_fast_json_form_is_the_one_json_form(diagnostic: Diagnostic) -> None:
    assert diagnostic_json(diagnostic) == to_jsonable(diagnostic)
    assert diagnostic_from_json(diagnostic_json(diagnostic)) == diagnostic


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return dbarch("lint", *args, "--no-config", env=env)


def test_cli_warm_run_prints_what_the_cold_run_printed_without_loading_a_parser(tmp_path: Path) -> None:
    sql = tmp_path / "m.sql"
    sql.write_text(MIGRATION)
    env = {"DBARCH_CACHE_DIR": str(tmp_path / "cache")}
    cold = [_run_cli(str(sql), *fmt, env=env) for fmt in ((), ("--format", "json"))]
    assert list((tmp_path / "cache" / "lint").rglob("*.json"))
    warm = [_run_cli(str(sql), *fmt, env=env) for fmt in ((), ("--format", "json"))]
    assert [(p.returncode, p.stdout) for p in warm] == [(p.returncode, p.stdout) for p in cold]
    assert cold[0].returncode == 1 and "[*]" in cold[0].stdout
    assert json.loads(warm[1].stdout)[0]["rule"]
    probe = (
        "import sys\nfrom dbarch.agent.cli.main import main\n"
        "try:\n    main(['lint', sys.argv[1], '--no-config', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in ('sqlglot', 'pglast', 'pydantic') if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe, str(sql)], capture_output=True, text=True,
                          env={**os.environ, **env}, check=False)
    assert "LOADED []" in proc.stderr, proc.stderr


def test_cli_no_cache_and_cache_dir(tmp_path: Path) -> None:
    sql = tmp_path / "m.sql"
    sql.write_text(MIGRATION)
    default = tmp_path / "default"
    _run_cli(str(sql), "--no-cache", env={"DBARCH_CACHE_DIR": str(default)})
    assert not default.exists()
    chosen = tmp_path / "chosen"
    _run_cli(str(sql), "--cache-dir", str(chosen), env={"DBARCH_CACHE_DIR": str(default)})
    assert list(chosen.rglob("*.json")) and not default.exists()


def test_fix_never_reads_a_stale_cache(tmp_path: Path) -> None:
    sql = tmp_path / "m.sql"
    sql.write_text(MIGRATION)
    env = {"DBARCH_CACHE_DIR": str(tmp_path / "cache")}
    _run_cli(str(sql), env=env)
    fixed = _run_cli(str(sql), "--fix", env=env)
    added = [line for line in fixed.stdout.splitlines() if line.startswith("+CREATE TABLE invoices")]
    assert added and "issued timestamptz" in added[0]


def test_replace_keeps_a_report_equal_but_cached_is_not_compared() -> None:
    report = lint_text(MIGRATION, "m.sql", LintConfig())
    assert replace(report, cached=True) == report
