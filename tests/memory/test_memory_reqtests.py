"""Requirement tests saved beside migrations (tests/NNN_slug.yaml) and re-run by memory check
against the replayed migrations, so a later migration that breaks a rule is caught."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dbarch.agent.cli.main import main
from dbarch.memory import (
    Workspace,
    check_saved_tests,
    list_saved_tests,
    read_saved_tests,
    save_requirement_tests,
    set_schema,
    write_migration,
)
from dbarch.memory.paths import check_relative
from dbarch.memory.reqtests import requirement_tests_verifier
from dbarch.tools.errors import DbarchError, UsageError, WorkspaceError
from dbarch.tools.reqtest import load_requirement_tests

SCHEMA = """CREATE TABLE copies (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, barcode text NOT NULL UNIQUE);
CREATE TABLE loans (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    copy_id bigint NOT NULL REFERENCES copies (id),
    returned_at timestamptz
);
CREATE UNIQUE INDEX loans_one_open ON loans (copy_id) WHERE returned_at IS NULL;
"""
TESTS = """\
# a copy is on one open loan at most
- name: one open loan per copy
  steps:
    - sql: INSERT INTO copies (barcode) VALUES ('c1')
    - sql: INSERT INTO loans (copy_id) SELECT id FROM copies
    - sql: INSERT INTO loans (copy_id) SELECT id FROM copies
      expect: {error: "23505"}
"""


@pytest.mark.parametrize("good", ["tests/001_one_open_loan.yaml", "tests/1234_x.yaml"])
def test_saved_test_files_are_on_the_allowlist(good: str) -> None:
    assert str(check_relative(good)) == good


@pytest.mark.parametrize("bad", ["tests/one.yaml", "tests/001_x.yml", "tests/001_X.yaml", "tests/a/001_x.yaml",
                                 "tests/../001_x.yaml"])
def test_other_names_under_tests_are_refused(bad: str) -> None:
    with pytest.raises(WorkspaceError):
        check_relative(bad)


def test_saving_numbers_files_keeps_the_text_and_replaces_by_name(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    first = save_requirement_tests(ws, "one open loan", TESTS)
    assert first.file == "tests/001_one_open_loan.yaml" and first.tests == 1
    assert (ws_dir / first.file).read_text() == TESTS  # comments and layout kept
    second = save_requirement_tests(ws, "unique barcodes", load_requirement_tests(TESTS))
    assert second.file == "tests/002_unique_barcodes.yaml"
    again = save_requirement_tests(ws, "one open loan", TESTS.replace("c1", "c2"))
    assert again.file == first.file and "c2" in (ws_dir / first.file).read_text()
    assert [s.file for s in list_saved_tests(ws)] == [first.file, second.file]
    assert [t.source for t in read_saved_tests(ws)] == [first.file, second.file]
    assert [e.file for e in ws.journal()][-1] == first.file


def test_a_malformed_test_file_is_not_saved(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    with pytest.raises(UsageError) as caught:
        save_requirement_tests(ws, "bad", "- name: x\n  steps:\n    - sql: SELECT 1\n      expect: {error: 1}\n")
    assert caught.value.file == "tests/001_bad.yaml" and caught.value.line == 4
    assert not (ws_dir / "tests").exists() or not list((ws_dir / "tests").iterdir())


@pytest.mark.sandbox
def test_memory_check_catches_a_later_migration_that_breaks_a_rule(ws_dir: Path, sandbox: Any) -> None:
    ws = Workspace(ws_dir)
    assert check_saved_tests(ws, sandbox) is None
    write_migration(ws, "library", SCHEMA)
    save_requirement_tests(ws, "one open loan", TESTS, verify=requirement_tests_verifier(ws, sandbox))
    report = check_saved_tests(ws, sandbox)
    assert report is not None and report.passed
    write_migration(ws, "plain index", "DROP INDEX loans_one_open;\nCREATE INDEX loans_copy_id ON loans (copy_id);\n")
    report = check_saved_tests(ws, sandbox)
    assert report is not None and not report.passed
    (failed,) = report.failures()
    assert failed.source == "tests/001_one_open_loan.yaml" and failed.name == "one open loan per copy"
    assert "accepted what the requirement says it must reject" in (failed.failure or "")


@pytest.mark.sandbox
def test_the_verifier_refuses_tests_the_migrations_fail(ws_dir: Path, sandbox: Any) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "library", SCHEMA.replace("CREATE UNIQUE INDEX", "CREATE INDEX"))
    with pytest.raises(DbarchError) as caught:
        save_requirement_tests(ws, "one open loan", TESTS, verify=requirement_tests_verifier(ws, sandbox))
    assert "were not saved" in caught.value.message and "one open loan per copy" in caught.value.message
    assert list_saved_tests(ws) == []


@pytest.mark.sandbox
def test_the_memory_cli_saves_and_checks_tests(
    ws_dir: Path, tmp_path: Path, sandbox: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "library", SCHEMA)
    set_schema(ws, SCHEMA)
    tests = tmp_path / "t.yaml"
    tests.write_text(TESTS)
    assert main(["memory", "tests", "one open loan", str(tests), "--workspace", str(ws_dir)]) == 0
    assert "wrote tests/001_one_open_loan.yaml (1 tests, passing against the migrations)" in capsys.readouterr().out
    assert main(["memory", "check", "--workspace", str(ws_dir)]) == 0
    assert "requirement tests: 1 saved tests pass" in capsys.readouterr().out
    write_migration(ws, "plain index", "DROP INDEX loans_one_open;\n")
    assert main(["memory", "check", "--workspace", str(ws_dir), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["requirement_tests"]["failed"] == 1
