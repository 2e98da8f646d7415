"""The requirement-test renderer (tools/render/reqtest.py): failures name the file, the step,
the expected and the actual SQLSTATE, on reports from the real sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from dbarch.tools.reqtest import load_requirement_tests, run_requirement_tests

SCHEMA = """CREATE TABLE copies (id bigint PRIMARY KEY, barcode text NOT NULL UNIQUE);
CREATE TABLE loans (
    id bigint PRIMARY KEY,
    copy_id bigint NOT NULL REFERENCES copies (id) DEFERRABLE INITIALLY DEFERRED
);
"""
TESTS = """\
- name: a loan of a missing copy is refused as a duplicate
  steps:
    - sql: INSERT INTO loans VALUES (1, 99)
      expect: {error: "23505"}
- name: barcodes may repeat
  steps:
    - sql: INSERT INTO copies VALUES (1, 'b'), (2, 'b')
- name: a loan of a missing copy commits
  steps:
    - sql: INSERT INTO loans VALUES (1, 99)
- name: a blank barcode is refused
  steps:
    - sql: INSERT INTO copies VALUES (1, '')
      expect: {error: "23514"}
"""


def test_the_renderer_moved_and_the_old_import_still_works() -> None:
    from dbarch.tools.render import reqtest as new
    from dbarch.tools.reqtest import render as old

    assert old.render_report is new.render_report and old.render_failures is new.render_failures


@pytest.mark.sandbox
def test_failures_show_step_expected_and_actual_sqlstate_and_file(sandbox: Any) -> None:
    from dbarch.tools.render.reqtest import render_failures

    tests = load_requirement_tests(TESTS, source="tests/001_loans.yaml")
    report = run_requirement_tests(SCHEMA, tests, sandbox=sandbox, statement_timeout_ms=5000)
    assert report.failed == 4
    lines = render_failures(report, notes={"barcodes may repeat": "failing already before this migration"})
    text = "\n".join(lines)
    assert lines[0] == "  FAIL a loan of a missing copy is refused as a duplicate  (tests/001_loans.yaml:1)"
    assert lines[1] == "       step 1 (line 3): INSERT INTO loans VALUES (1, 99)"
    assert lines[2] == "       expected: error 23505 unique_violation"
    # deferred: the step itself succeeds, the foreign key fires at commit
    assert lines[3].startswith("       actual:   no error: it succeeded")
    assert "  FAIL barcodes may repeat  (tests/001_loans.yaml:5)" in lines
    assert "       expected: ok" in lines
    assert any(line.startswith("       actual:   error 23505 unique_violation: duplicate key value") for line in lines)
    assert "       note: failing already before this migration" in lines
    assert "at commit (SET CONSTRAINTS ALL IMMEDIATE: deferred constraints fire)" in text
    assert "actual:   error 23503 foreign_key_violation" in text
    assert "expected: error 23514 check_violation" in text and "actual:   no error: it succeeded (ok, 1 row)" in text


@pytest.mark.sandbox
def test_a_schema_that_does_not_apply_shows_why_each_test_did_not_run(sandbox: Any) -> None:
    from dbarch.tools.render.reqtest import render_failures

    report = run_requirement_tests("CREATE TABLE t (id int REFERENCES nowhere (id));", TESTS, sandbox=sandbox)
    lines = render_failures(report)
    assert len(lines) == 8 and lines[0].startswith("  FAIL a loan of a missing copy")
    assert lines[1].startswith("       not run: the schema does not apply") and "42P01" in lines[1]
