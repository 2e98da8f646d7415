"""Saved requirement tests on synthetic data: tests/volumes.yaml states the rows per table, and
memory check, the migration guard and memory tests load them (or not, and then say so)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dbarch.memory import (
    RequirementTestsFailed,
    Workspace,
    check_saved_tests,
    list_saved_tests,
    read_test_volumes,
    resolve_test_data,
    save_requirement_tests,
    save_test_volumes,
    write_checked_migration,
    write_migration,
)
from dbarch.memory.paths import check_relative
from dbarch.tools.errors import UsageError, WorkspaceError
from tests.cli import run_main

SCHEMA = """CREATE TABLE copies (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, barcode text NOT NULL UNIQUE);
CREATE TABLE loans (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    copy_id bigint NOT NULL REFERENCES copies (id),
    returned_at timestamptz
);
CREATE UNIQUE INDEX loans_one_open ON loans (copy_id) WHERE returned_at IS NULL;
"""
# needs existing rows: on empty tables step 1 inserts nothing
EXISTING_COPY = """\
- name: an existing copy cannot be lent twice
  steps:
    - sql: |
        INSERT INTO loans (copy_id)
        SELECT id FROM copies c
        WHERE NOT EXISTS (SELECT 1 FROM loans l WHERE l.copy_id = c.id AND l.returned_at IS NULL) LIMIT 1
      expect: {ok: {rows: 1}}
    - sql: INSERT INTO loans (copy_id) SELECT copy_id FROM loans WHERE returned_at IS NULL LIMIT 1
      expect: {error: "23505"}
"""
# passes on empty tables whatever the schema does: it updates no row
RETURN_OPEN = """\
- name: an open loan can be returned
  steps:
    - sql: UPDATE loans SET returned_at = now() WHERE id = (SELECT min(id) FROM loans WHERE returned_at IS NULL)
"""
FREEZE_LOANS = """CREATE FUNCTION loans_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'loans are read-only';
END $$;
CREATE TRIGGER loans_frozen BEFORE UPDATE ON loans FOR EACH ROW EXECUTE FUNCTION loans_frozen();
"""


def test_the_volume_file_is_on_the_allowlist_and_round_trips(ws_dir: Path) -> None:
    assert str(check_relative("tests/volumes.yaml")) == "tests/volumes.yaml"
    with pytest.raises(WorkspaceError):
        check_relative("tests/volume.yaml")
    ws = Workspace(ws_dir)
    assert read_test_volumes(ws) is None
    assert resolve_test_data(ws).source == "none" and not resolve_test_data(ws).loaded
    saved = save_test_volumes(ws, "copies=2k, loans=300,default=50")
    assert saved.rows == (("copies", 2000), ("loans", 300)) and saved.default_rows == 50
    stated = read_test_volumes(ws)
    assert stated is not None and dict(stated.rows) == {"copies": 2000, "loans": 300} and stated.default == 50
    assert list_saved_tests(ws) == []  # not mistaken for a test file
    assert resolve_test_data(ws).source == "tests/volumes.yaml"
    assert resolve_test_data(ws, data=False).source == "off"
    assert resolve_test_data(ws, volumes={"copies": 7}).rows == (("copies", 7),)
    with pytest.raises(UsageError):
        save_test_volumes(ws, "copies=lots")
    with pytest.raises(UsageError, match="no volume given"):
        save_test_volumes(ws, " ")


def test_a_broken_volume_file_is_named(ws_dir: Path) -> None:
    (ws_dir / "tests").mkdir()
    (ws_dir / "tests/volumes.yaml").write_text("- copies\n")
    with pytest.raises(UsageError) as caught:
        read_test_volumes(Workspace(ws_dir))
    assert caught.value.file == "tests/volumes.yaml"


def test_without_volumes_data_true_loads_the_default_and_says_so(ws_dir: Path) -> None:
    plan = resolve_test_data(Workspace(ws_dir), data=True)
    assert plan.source == "default" and plan.loaded and plan.default_rows == 10_000
    assert "10,000 rows per table (no volumes stated in tests/volumes.yaml)" in plan.describe()


@pytest.mark.sandbox
def test_memory_check_runs_a_rows_dependent_test_on_the_stated_volumes(ws_dir: Path, sandbox: Any) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "library", SCHEMA)
    save_requirement_tests(ws, "existing copy", EXISTING_COPY)
    empty = check_saved_tests(ws, sandbox)
    assert empty is not None and not empty.passed and empty.data == ()
    assert empty.notes[0].startswith("the tests ran on empty tables (no synthetic data")
    assert "expected ok with 1 row; ok, 0 rows" in (empty.failures()[0].failure or "")
    save_test_volumes(ws, "copies=300,loans=100")
    loaded = check_saved_tests(ws, sandbox)
    assert loaded is not None and loaded.passed, loaded.failures()
    assert {(t.table, t.rows) for t in loaded.data} == {("copies", 300), ("loans", 100)}
    assert loaded.notes[0] == "the tests ran on synthetic data at the volumes of tests/volumes.yaml"
    off = check_saved_tests(ws, sandbox, data=False)
    assert off is not None and not off.passed and off.notes[0] == "the tests ran on empty tables (synthetic data turned off)"
    given = check_saved_tests(ws, sandbox, volumes={"copies": 20, "loans": 5})
    assert given is not None and given.passed and sum(t.rows for t in given.data) == 25


@pytest.mark.sandbox
def test_the_guard_sees_a_broken_rule_only_data_reveals(ws_dir: Path, sandbox: Any) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "library", SCHEMA)
    save_requirement_tests(ws, "return open", RETURN_OPEN)
    save_test_volumes(ws, "copies=50,loans=30")
    with pytest.raises(RequirementTestsFailed) as caught:
        write_checked_migration(ws, "freeze loans", FREEZE_LOANS, sandbox=sandbox)
    guard = caught.value.guard
    assert guard is not None and guard.data.source == "tests/volumes.yaml"
    assert guard.report is not None and guard.report.failures()[0].failed_step is not None
    assert guard.report.failures()[0].failed_step.sqlstate == "P0001"  # the trigger, on a generated row
    # on empty tables the same test updates nothing and passes: the guard says on what it ran
    done = write_checked_migration(ws, "freeze loans", FREEZE_LOANS, sandbox=sandbox, data=False)
    assert done.tests.passed and "on empty tables (synthetic data turned off)" in done.tests.headline()


@pytest.mark.sandbox
def test_a_volume_file_naming_a_dropped_table_points_at_itself(ws_dir: Path, sandbox: Any) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "library", SCHEMA + "CREATE TABLE members (id bigint PRIMARY KEY);\n")
    save_requirement_tests(ws, "existing copy", EXISTING_COPY)
    save_test_volumes(ws, "copies=30,loans=10,members=5")
    with pytest.raises(WorkspaceError) as caught:
        write_checked_migration(ws, "drop members", "DROP TABLE members;", sandbox=sandbox)
    assert caught.value.file == "tests/volumes.yaml" and "members" in caught.value.message
    assert "--rows" not in caught.value.message
    assert len(list(ws.migrations_dir().iterdir())) == 1


@pytest.mark.sandbox
def test_the_cli_data_options(ws_dir: Path, tmp_path: Path, sandbox: Any, capsys: pytest.CaptureFixture[str]) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "library", SCHEMA)
    tests = tmp_path / "t.yaml"
    tests.write_text(EXISTING_COPY)
    w = ("--workspace", str(ws_dir))
    code, _, err = run_main(capsys, "memory", "tests", "existing copy", str(tests), *w)
    assert code == 2 and "on empty tables" in err and not list_saved_tests(ws)
    code, out, _ = run_main(capsys, "memory", "tests", "existing copy", str(tests), *w, "--rows", "copies=40,loans=10")
    assert code == 0 and "wrote tests/001_existing_copy.yaml" in out
    code, out, _ = run_main(capsys, "memory", "volumes", *w)
    assert code == 0 and "no volumes stated" in out
    code, out, _ = run_main(capsys, "memory", "volumes", "copies=40,loans=10", *w)
    assert code == 0 and "wrote tests/volumes.yaml" in out
    code, out, _ = run_main(capsys, "memory", "volumes", *w, "--format", "json")
    assert json.loads(out)["rows"] == {"copies": 40, "loans": 10}
    code, out, _ = run_main(capsys, "memory", "check", *w)
    assert "requirement tests: 1 saved tests pass" in out
    assert "note: the tests ran on synthetic data at the volumes of tests/volumes.yaml" in out
    code, out, _ = run_main(capsys, "memory", "check", *w, "--no-data")
    assert code == 1 and "FAIL an existing copy cannot be lent twice" in out and "expected: ok with 1 row" in out
    with pytest.raises(SystemExit) as usage:
        run_main(capsys, "memory", "check", *w, "--no-data", "--rows", "copies=1")
    assert usage.value.code == 2 and "not allowed with argument --no-data" in capsys.readouterr().err


@pytest.mark.sandbox
def test_a_refusal_on_empty_tables_suggests_stating_volumes(ws_dir: Path, sandbox: Any) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "library", SCHEMA)
    save_requirement_tests(ws, "existing copy", EXISTING_COPY)  # unverified: needs rows
    with pytest.raises(RequirementTestsFailed) as caught:
        write_checked_migration(ws, "add title", "ALTER TABLE copies ADD COLUMN title text;", sandbox=sandbox)
    assert caught.value.hint is not None and caught.value.hint.startswith("the tests ran on empty tables")
    save_test_volumes(ws, "copies=40,loans=10")
    done = write_checked_migration(ws, "add title", "ALTER TABLE copies ADD COLUMN title text;", sandbox=sandbox)
    assert done.tests.passed
