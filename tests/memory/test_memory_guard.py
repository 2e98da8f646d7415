"""The requirement-test guard of ``memory migrate``: a migration that breaks a saved test is not
written (library, the agent's verifier, the CLI), a deliberate rule change is recorded in
01_state.md, and a workspace without saved tests says that nothing guarded the migration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dbarch.memory import (
    CheckedMigration,
    RequirementTestsFailed,
    TestGuard,
    Workspace,
    list_migrations,
    read_plans,
    save_requirement_tests,
    write_checked_migration,
    write_migration,
)
from dbarch.memory.verify import sandbox_verifier
from dbarch.tools.errors import UsageError, WorkspaceError
from tests.cli import run_main

pytestmark = pytest.mark.sandbox

SCHEMA = """CREATE TABLE copies (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, barcode text NOT NULL UNIQUE);
CREATE TABLE loans (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    copy_id bigint NOT NULL REFERENCES copies (id),
    returned_at timestamptz
);
CREATE UNIQUE INDEX loans_one_open ON loans (copy_id) WHERE returned_at IS NULL;
"""
ONE_OPEN_LOAN = """\
- name: one open loan per copy
  steps:
    - sql: INSERT INTO copies (barcode) VALUES ('c1')
    - sql: INSERT INTO loans (copy_id) SELECT id FROM copies
    - sql: INSERT INTO loans (copy_id) SELECT id FROM copies
      expect: {error: "23505"}
"""
BARCODES = """\
- name: barcodes are unique
  steps:
    - sql: INSERT INTO copies (barcode) VALUES ('b1')
    - sql: INSERT INTO copies (barcode) VALUES ('b1')
      expect: {error: "23505"}
"""
DROP_ONE_OPEN = "DROP INDEX loans_one_open;\nCREATE INDEX loans_copy_id ON loans (copy_id);\n"


def library(ws_dir: Path, *tests: tuple[str, str]) -> Workspace:
    """A workspace with the library schema as migration 001 and the given tests saved."""
    ws = Workspace(ws_dir)
    write_migration(ws, "library", SCHEMA)
    for name, text in tests:
        save_requirement_tests(ws, name, text)
    return ws


def files(ws_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(ws_dir)): p.read_bytes() for p in sorted(ws_dir.rglob("*")) if p.is_file()}


def test_a_migration_that_breaks_a_saved_test_is_refused_and_nothing_is_written(ws_dir: Path, sandbox: Any) -> None:
    ws = library(ws_dir, ("one open loan", ONE_OPEN_LOAN), ("barcodes", BARCODES))
    before = files(ws_dir)
    with pytest.raises(RequirementTestsFailed) as caught:
        write_checked_migration(ws, "plain index", DROP_ONE_OPEN, sandbox=sandbox)
    assert files(ws_dir) == before  # no migration, no journal line, no 01_state.md
    err = caught.value
    assert err.file == "migrations/002_plain_index.sql" and err.hint and "--allow-failing-tests" in err.hint
    assert "'one open loan per copy' (tests/001_one_open_loan.yaml:1)" in err.message
    assert "barcodes are unique" not in err.message  # the test that still passes is not named
    guard = err.guard
    assert guard is not None and guard.guarded and not guard.passed and guard.failing() == ("one open loan per copy",)
    assert guard.files == ("tests/001_one_open_loan.yaml", "tests/002_barcodes.yaml")
    assert guard.failing_before == ()  # this migration broke it
    assert guard.report is not None
    (failed,) = guard.report.failures()
    step = failed.failed_step
    assert step is not None and step.step == 3 and step.line == 5
    assert step.expected == "error 23505 unique_violation" and step.sqlstate is None


def test_a_migration_that_keeps_the_rules_is_written_with_what_the_tests_said(ws_dir: Path, sandbox: Any) -> None:
    ws = library(ws_dir, ("one open loan", ONE_OPEN_LOAN))
    done = write_checked_migration(ws, "add title", "ALTER TABLE copies ADD COLUMN title text;", sandbox=sandbox)
    assert done.migration.file == "migrations/002_add_title.sql" and (ws_dir / done.migration.file).exists()
    assert done.tests.guarded and done.tests.passed and done.rule_change is None
    assert done.tests.headline().startswith("1 saved requirement test pass with it, on empty tables")


def test_the_agents_verifier_runs_the_same_guard(ws_dir: Path, sandbox: Any) -> None:
    ws = library(ws_dir, ("one open loan", ONE_OPEN_LOAN))
    with pytest.raises(RequirementTestsFailed, match="one open loan per copy"):
        write_migration(ws, "plain index", DROP_ONE_OPEN, verify=sandbox_verifier(ws, sandbox))
    assert [m.file for m in list_migrations(ws)] == ["migrations/001_library.sql"]


def test_a_workspace_without_saved_tests_says_nothing_guarded_the_migration(ws_dir: Path, sandbox: Any) -> None:
    ws = library(ws_dir)
    done = write_checked_migration(ws, "plain index", DROP_ONE_OPEN, sandbox=sandbox)
    assert not done.tests.guarded and not done.tests.passed and done.tests.report is None
    assert done.tests.headline().startswith("no requirement test guarded this migration")


def test_allowing_failing_tests_writes_and_records_the_rule_change(ws_dir: Path, sandbox: Any) -> None:
    ws = library(ws_dir, ("one open loan", ONE_OPEN_LOAN))
    with pytest.raises(UsageError, match="needs a reason"):
        write_checked_migration(ws, "plain index", DROP_ONE_OPEN, sandbox=sandbox, allow_failing_tests=True)
    assert len(list_migrations(ws)) == 1
    done = write_checked_migration(ws, "plain index", DROP_ONE_OPEN, sandbox=sandbox, allow_failing_tests=True,
                                   reason="a copy may be on two open loans (inter-library lending)")
    assert (ws_dir / "migrations/002_plain_index.sql").exists()
    assert done.tests.allowed and done.tests.failing() == ("one open loan per copy",)
    (plan,) = read_plans(ws)
    assert done.rule_change == plan and plan.status == "applied"
    assert plan.migrations == ("migrations/002_plain_index.sql",)
    assert "inter-library lending" in plan.description
    assert "one open loan per copy (tests/001_one_open_loan.yaml:1): step 3" in plan.description


def test_allowing_failing_tests_records_nothing_when_none_fail(ws_dir: Path, sandbox: Any) -> None:
    ws = library(ws_dir, ("barcodes", BARCODES))
    done = write_checked_migration(ws, "plain index", DROP_ONE_OPEN, sandbox=sandbox, allow_failing_tests=True,
                                   reason="no rule changes")
    assert done.tests.passed and not done.tests.allowed and done.rule_change is None
    assert not (ws_dir / "01_state.md").exists()


def test_a_test_failing_before_the_migration_is_told_apart(ws_dir: Path, sandbox: Any) -> None:
    ws = library(ws_dir)
    write_migration(ws, "plain index", DROP_ONE_OPEN)  # no guard: the file layer only
    save_requirement_tests(ws, "one open loan", ONE_OPEN_LOAN)  # saved unverified: fails already
    with pytest.raises(RequirementTestsFailed) as caught:
        write_checked_migration(ws, "add title", "ALTER TABLE copies ADD COLUMN title text;", sandbox=sandbox)
    assert caught.value.guard is not None and caught.value.guard.failing_before == ("one open loan per copy",)
    assert "(failing already before this migration)" in caught.value.message


def test_the_cli_refuses_with_exit_1_naming_test_step_sqlstates_and_file(
    ws_dir: Path, tmp_path: Path, sandbox: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    library(ws_dir, ("one open loan", ONE_OPEN_LOAN))
    change = tmp_path / "change.sql"
    change.write_text(DROP_ONE_OPEN)
    before = files(ws_dir)
    code, out, err = run_main(capsys, "memory", "migrate", "plain index", str(change), "--workspace", str(ws_dir))
    assert code == 1 and out == "" and files(ws_dir) == before
    lines = err.splitlines()
    assert lines[0] == ("dbarch: migrations/002_plain_index.sql was not written: 1 of 1 saved requirement test fails "
                        "with it, on empty tables (no synthetic data: the workspace states no volumes in "
                        "tests/volumes.yaml)")
    assert lines[1] == "  FAIL one open loan per copy  (tests/001_one_open_loan.yaml:1)"
    assert lines[2] == "       step 3 (line 5): INSERT INTO loans (copy_id) SELECT id FROM copies"
    assert lines[3] == "       expected: error 23505 unique_violation"
    assert lines[4].startswith("       actual:   no error: it succeeded (ok, 1 row)")
    assert lines[-1].startswith("hint: keep the rule") and "--allow-failing-tests" in lines[-1]

    code, out, _ = run_main(capsys, "memory", "migrate", "plain index", str(change), "--workspace", str(ws_dir),
                            "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["written"] is False and data["file"] == "migrations/002_plain_index.sql"
    assert data["requirement_tests"]["report"]["failed"] == 1 and files(ws_dir) == before

    code, _, err = run_main(capsys, "memory", "migrate", "plain index", str(change), "--workspace", str(ws_dir),
                            "--allow-failing-tests")
    assert code == 2 and "needs a reason" in err and files(ws_dir) == before
    code, out, err = run_main(capsys, "memory", "migrate", "plain index", str(change), "--workspace", str(ws_dir),
                              "--allow-failing-tests", "--reason", "copies may be lent twice")
    assert code == 0, err
    assert "wrote migrations/002_plain_index.sql" in out and "recorded the rule change as P-001 in 01_state.md" in out
    assert "FAIL one open loan per copy" in out
    assert "copies may be lent twice" in (ws_dir / "01_state.md").read_text()


def test_the_cli_warns_loudly_when_no_test_guarded_the_migration(
    ws_dir: Path, tmp_path: Path, sandbox: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    change = tmp_path / "schema.sql"
    change.write_text(SCHEMA)
    code, out, err = run_main(capsys, "memory", "migrate", "library", str(change), "--workspace", str(ws_dir))
    assert code == 0 and out == "wrote migrations/001_library.sql (checked in the sandbox)\n"
    assert "dbarch: warning: no requirement test guarded this migration" in err
    code, out, err = run_main(capsys, "memory", "migrate", "library", str(change), "--workspace", str(ws_dir),
                              "--reason", "x")
    assert code == 2 and "--reason goes with --allow-failing-tests" in err


def test_a_rule_change_needs_a_state_file_in_shape_before_anything_is_written(ws_dir: Path, sandbox: Any) -> None:
    ws = library(ws_dir, ("one open loan", ONE_OPEN_LOAN))
    (ws_dir / "01_state.md").write_text("<!-- dbarch:begin plans -->\n")  # unclosed section
    with pytest.raises(WorkspaceError, match=r"01_state\.md|plans"):
        write_checked_migration(ws, "plain index", DROP_ONE_OPEN, sandbox=sandbox, allow_failing_tests=True,
                                reason="on purpose")
    assert len(list_migrations(ws)) == 1


def test_the_guard_has_one_json_form_with_a_schema(ws_dir: Path, sandbox: Any) -> None:
    from dbarch.tools.jsonform import from_jsonable, json_schema, to_jsonable

    ws = library(ws_dir, ("one open loan", ONE_OPEN_LOAN))
    with pytest.raises(RequirementTestsFailed) as caught:
        write_checked_migration(ws, "plain index", DROP_ONE_OPEN, sandbox=sandbox)
    guard = caught.value.guard
    assert guard is not None
    data = to_jsonable(guard)
    assert data["guarded"] is True and data["passed"] is False and data["data"]["source"] == "none"
    assert data["report"]["tests"][0]["steps"][-1]["expected"] == "error 23505 unique_violation"
    assert from_jsonable(TestGuard, data) == guard
    assert set(json_schema(CheckedMigration)["properties"]) == {"migration", "tests", "rule_change"}
