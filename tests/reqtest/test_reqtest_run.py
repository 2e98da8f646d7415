"""Requirement tests against the real sandbox: each expectation kind, each way a test fails,
and the guarantee that nothing a test does is committed."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from dbarch.tools.jsonform import to_json, to_jsonable
from dbarch.tools.reqtest import (
    TestReport,
    report_from_json,
    report_json_schema,
    run_requirement_tests,
)

pytestmark = pytest.mark.sandbox

SCHEMA = """
CREATE TABLE members (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE copies (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, barcode text NOT NULL UNIQUE);
CREATE TABLE loans (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    copy_id bigint NOT NULL REFERENCES copies (id),
    member_id bigint NOT NULL REFERENCES members (id),
    returned_at timestamptz,
    fee numeric(6, 2) NOT NULL DEFAULT 0 CONSTRAINT loans_fee_positive CHECK (fee >= 0)
);
CREATE UNIQUE INDEX loans_one_open ON loans (copy_id) WHERE returned_at IS NULL;
CREATE FUNCTION no_fee_on_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.fee > 100 THEN RAISE EXCEPTION 'fee % too high', NEW.fee; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER loans_fee_cap BEFORE INSERT OR UPDATE ON loans FOR EACH ROW EXECUTE FUNCTION no_fee_on_open();
"""

SETUP = [
    {"sql": "INSERT INTO members (email) VALUES ('a@x.org'), ('b@x.org')"},
    {"sql": "INSERT INTO copies (barcode) VALUES ('c1')", "expect": {"ok": {"rows": 1}}},
]
LOAN = "INSERT INTO loans (copy_id, member_id{extra}) SELECT c.id, m.id{value} FROM copies c, members m WHERE m.email = 'a@x.org'"


def loan(extra: str = "", value: str = "") -> str:
    return LOAN.format(extra=extra, value=value)


def run(tests: Any, sandbox: Any, **kwargs: Any) -> TestReport:
    return run_requirement_tests(SCHEMA, tests, sandbox=sandbox, **kwargs)


def one(report: TestReport, name: str) -> Any:
    return next(t for t in report.tests if t.name == name)


def test_each_expectation_kind_passes_when_the_schema_behaves(sandbox: Any) -> None:
    tests = [
        {"name": "ok", "steps": [*SETUP, {"sql": loan()}]},
        {"name": "ok rows", "steps": [*SETUP, {"sql": "UPDATE members SET email = email", "expect": {"ok": {"rows": 2}}}]},
        {"name": "ok value", "steps": [*SETUP, {"sql": "SELECT count(*) FROM members", "expect": {"ok": {"value": 2}}}]},
        {"name": "ok null value", "steps": [{"sql": "SELECT max(id) FROM members", "expect": {"ok": {"value": None}}}]},
        {"name": "ok text value", "steps": [*SETUP, {"sql": "SELECT barcode FROM copies", "expect": {"ok": {"value": "c1"}}}]},
        {"name": "exact sqlstate", "steps": [*SETUP, {"sql": loan()}, {"sql": loan(), "expect": {"error": "23505"}}]},
        {"name": "class", "steps": [*SETUP, {"sql": loan(", fee", ", -1"), "expect": {"error": "23"}}]},
        {"name": "any", "steps": [*SETUP, {"sql": "INSERT INTO loans (copy_id, member_id) VALUES (999, 999)",
                                           "expect": {"error": "any"}}]},
        {"name": "constraint name", "steps": [*SETUP, {"sql": loan(", fee", ", -1"),
                                                       "expect": {"error": "23514", "constraint": "loans_fee_positive"}}]},
        {"name": "trigger error by class", "steps": [*SETUP, {"sql": loan(", fee", ", 500"), "expect": {"error": "P0"}}]},
        {"name": "trigger error by any", "steps": [*SETUP, {"sql": loan(", fee", ", 500"), "expect": {"error": "any"}}]},
        {"name": "trigger error exact", "steps": [*SETUP, {"sql": loan(", fee", ", 500"), "expect": {"error": "P0001"}}]},
        {"name": "goes on after an expected error", "steps": [
            *SETUP, {"sql": loan()}, {"sql": loan(), "expect": {"error": "23505"}},
            {"sql": "UPDATE loans SET returned_at = now()", "expect": {"ok": {"rows": 1}}},
            {"sql": loan(), "expect": {"ok": {"rows": 1}}},
            {"sql": "SELECT count(*) FROM loans", "expect": {"ok": {"value": 2}}},
        ]},
    ]
    report = run(tests, sandbox)
    assert report.schema_applied and report.schema_error is None
    assert [t.name for t in report.tests if not t.passed] == [], [t.failure for t in report.tests]
    assert report.passed and report.total == len(tests) and report.failed == 0 and report.negative.passed == 8
    assert report.negative.total == 8 and report.positive.total == 5
    proof = one(report, "exact sqlstate").steps[-1]
    assert proof.sqlstate == "23505" and proof.constraint == "loans_one_open"
    assert "duplicate key value violates unique constraint" in (proof.message or "")
    trigger = one(report, "trigger error exact").steps[-1]
    assert trigger.message == "fee 500.00 too high"


def test_a_forbidden_write_that_succeeds_fails_its_negative_test(sandbox: Any) -> None:
    tests = [{"name": "second open loan of a returned copy", "steps": [
        *SETUP, {"sql": loan(", returned_at", ", now()")}, {"sql": loan(), "expect": {"error": "23505"}},
    ]}]
    report = run(tests, sandbox)
    (test,) = report.tests
    assert not test.passed and test.kind == "negative" and not report.passed
    assert report.negative.failed == 1 and report.positive.total == 0
    failed = test.failed_step
    assert failed is not None and failed.step == 4 and failed.sqlstate is None
    assert "accepted what the requirement says it must reject" in failed.happened
    assert "expected error 23505 unique_violation" in (test.failure or "")


@pytest.mark.parametrize(
    ("expect", "passes"),
    [({"error": "23503"}, False), ({"error": "22"}, False), ({"error": "23"}, True),
     ({"error": "23505", "constraint": "members_email_key"}, False)],
)
def test_the_wrong_error_fails_the_test(sandbox: Any, expect: dict[str, str], passes: bool) -> None:
    tests = [{"name": "w", "steps": [*SETUP, {"sql": loan()}, {"sql": loan(), "expect": expect}]}]
    (test,) = run(tests, sandbox).tests
    assert test.passed is passes
    if not passes:
        assert test.failed_step is not None and test.failed_step.sqlstate == "23505"
        assert "23505" in test.failed_step.happened


def test_a_wrong_row_count_or_value_fails_a_positive_test(sandbox: Any) -> None:
    tests = [
        {"name": "rows", "steps": [*SETUP, {"sql": "DELETE FROM members", "expect": {"ok": {"rows": 1}}}]},
        {"name": "value", "steps": [*SETUP, {"sql": "SELECT count(*) FROM members", "expect": {"ok": {"value": 3}}}]},
        {"name": "no row", "steps": [{"sql": "SELECT id FROM members", "expect": {"ok": {"value": 1}}}]},
        {"name": "bool is not 1", "steps": [{"sql": "SELECT true", "expect": {"ok": {"value": 1}}}]},
    ]
    report = run(tests, sandbox)
    assert report.passed == 0 and report.positive.failed == 4
    assert one(report, "rows").failure.endswith("expected ok with 1 row; ok, 2 rows")
    assert "value 2" in one(report, "value").failure
    assert "no row returned" in one(report, "no row").failure


def test_a_test_naming_a_missing_table_or_column_fails_naming_it(sandbox: Any) -> None:
    tests = [
        {"name": "table", "steps": [{"sql": "INSERT INTO loanz (copy_id) VALUES (1)", "expect": {"error": "any"}}]},
        {"name": "column", "steps": [{"sql": "UPDATE loans SET due_at = now()", "expect": {"error": "42"}}]},
        {"name": "syntax", "steps": [{"sql": "INSRT INTO loans VALUES (1)", "expect": {"error": "any"}}]},
        {"name": "exact is allowed", "steps": [{"sql": "SELECT * FROM loanz", "expect": {"error": "42P01"}}]},
    ]
    report = run(tests, sandbox)
    table, column, syntax, exact = report.tests
    assert not table.passed and 'relation "loanz" does not exist' in (table.failure or "")
    assert "refers to a table the schema lacks" in (table.failure or "")
    assert not column.passed and "due_at" in (column.failure or "") and "column the schema lacks" in (column.failure or "")
    assert not syntax.passed and "not valid SQL" in (syntax.failure or "")
    assert exact.passed


def test_a_hanging_step_ends_at_the_statement_timeout_and_fails(sandbox: Any) -> None:
    tests = [
        {"name": "hangs", "steps": [{"sql": "SELECT pg_sleep(30)", "expect": {"error": "any"}}]},
        {"name": "turns the timeout off", "steps": ["SET statement_timeout = 0", "SELECT pg_sleep(30)"]},
        {"name": "runs after", "steps": [{"sql": "SELECT 1", "expect": {"ok": {"value": 1}}}]},
    ]
    report = run(tests, sandbox, statement_timeout_ms=200)
    hangs, off, after = report.tests
    assert not hangs.passed and "did not finish within 200 ms" in (hangs.failure or "")
    assert hangs.failed_step is not None and hangs.failed_step.sqlstate == "57014"
    assert not off.passed and "did not finish" in (off.failure or "")  # the watchdog cancelled it
    assert after.passed and report.statement_timeout_ms == 200


def test_nothing_a_test_does_is_committed(sandbox: Any) -> None:
    tests = [
        {"name": "writes", "steps": [*SETUP, {"sql": loan()}, "CREATE TABLE scratch_t (id int)",
                                     "SELECT set_config('app.tenant', 'x', false)"]},
        {"name": "sees nothing", "steps": [
            {"sql": "SELECT (SELECT count(*) FROM members) + (SELECT count(*) FROM loans)", "expect": {"ok": {"value": 0}}},
            {"sql": "SELECT count(*) FROM pg_class WHERE relname = 'scratch_t'", "expect": {"ok": {"value": 0}}},
            {"sql": "SELECT current_setting('app.tenant', true)", "expect": {"ok": {"value": ""}}},
        ]},
    ]
    report = run(tests, sandbox)
    assert report.passed, [t.failure for t in report.tests]


def test_deferred_constraints_fire_at_the_end_of_each_test(sandbox: Any) -> None:
    schema = """
    CREATE TABLE parents (id int PRIMARY KEY);
    CREATE TABLE children (id int PRIMARY KEY,
        parent_id int NOT NULL REFERENCES parents DEFERRABLE INITIALLY DEFERRED);
    """
    tests = [
        {"name": "orphan commits", "steps": [{"sql": "INSERT INTO children VALUES (1, 7)", "expect": {"ok": {"rows": 1}}}]},
        {"name": "parent later", "steps": ["INSERT INTO children VALUES (1, 7)", "INSERT INTO parents VALUES (7)"]},
        {"name": "orphan rejected", "steps": ["INSERT INTO children VALUES (1, 7)",
                                              {"sql": "SET CONSTRAINTS ALL IMMEDIATE", "expect": {"error": "23503"}}]},
    ]
    report = run_requirement_tests(schema, tests, sandbox=sandbox)
    orphan, later, rejected = report.tests
    assert not orphan.passed and "would not commit" in (orphan.failure or "") and "23503" in (orphan.failure or "")
    assert orphan.failed_step is not None and orphan.failed_step.step == 0
    assert later.passed and rejected.passed


def test_setup_steps_reach_generated_rows_through_subqueries(sandbox: Any) -> None:
    tests = [{"name": "existing copy cannot be lent twice", "steps": [
        {"sql": "CREATE TEMP TABLE pick AS SELECT (SELECT min(id) FROM members) AS m, "
                "(SELECT c.id FROM copies c WHERE NOT EXISTS (SELECT 1 FROM loans l WHERE l.copy_id = c.id "
                "AND l.returned_at IS NULL) ORDER BY c.id LIMIT 1) AS c"},
        {"sql": "SELECT count(*) FROM pick WHERE m IS NOT NULL AND c IS NOT NULL", "expect": {"ok": {"value": 1}}},
        {"sql": "INSERT INTO loans (copy_id, member_id) SELECT c, m FROM pick", "expect": {"ok": {"rows": 1}}},
        {"sql": "INSERT INTO loans (copy_id, member_id) SELECT c, m FROM pick", "expect": {"error": "23505"}},
    ]}, {"name": "the data is there", "steps": [
        {"sql": "SELECT count(*) FROM copies", "expect": {"ok": {"value": 300}}},
    ]}]
    report = run(tests, sandbox, volumes={"members": 50, "copies": 300, "loans": 400})
    assert report.passed, [t.failure for t in report.tests]
    assert dict((d.table, d.rows) for d in report.data)["copies"] == 300
    assert report.data_ms > 0


def test_a_schema_that_does_not_apply_runs_no_test(sandbox: Any) -> None:
    report = run_requirement_tests("CREATE TABLE a (id int);\nCREATE TABLE b (a_id int REFERENCES a (id));\n",
                                   [{"name": "x", "steps": ["SELECT 1"]}], sandbox=sandbox, schema_name="s.sql")
    assert not report.passed and not report.schema_applied
    assert report.schema_error is not None and report.schema_error.line == 2 and report.schema_error.sqlstate == "42830"
    (test,) = report.tests
    assert not test.passed and test.steps == () and "not run" in (test.failure or "")


def test_a_lost_connection_fails_its_test_and_the_next_one_runs(sandbox: Any) -> None:
    # The sandbox role may not signal backends (the lockdown revokes pg_terminate_backend so
    # that concurrent checks cannot kill each other): the connection is killed from outside.
    import threading
    import time

    marker = "SELECT pg_sleep(20) /* lost-connection */"

    def kill() -> None:
        with psycopg.connect(sandbox.admin_dsn, autocommit=True) as admin:
            for _ in range(400):
                if admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s",
                                 (marker,)).fetchall():
                    return
                time.sleep(0.05)

    killer = threading.Thread(target=kill)
    killer.start()
    tests = [
        {"name": "killed", "steps": [marker]},
        {"name": "next", "steps": [{"sql": "SELECT count(*) FROM loans", "expect": {"ok": {"value": 0}}}]},
    ]
    killed, following = run(tests, sandbox).tests
    killer.join()
    assert not killed.passed and "connection" in (killed.failure or "")
    assert following.passed


def test_the_report_has_one_json_form_and_a_schema(sandbox: Any) -> None:
    report = run([{"name": "j", "steps": [*SETUP, {"sql": loan()}, {"sql": loan(), "expect": {"error": "23505"}}]}], sandbox)
    again = report_from_json(to_json(report))
    assert again == report
    schema = report_json_schema()
    assert {"tests", "positive", "negative", "schema_error"} <= set(schema["properties"])
    import jsonschema

    jsonschema.validate(to_jsonable(report), schema)


def test_without_negative_tests_the_report_says_so(sandbox: Any) -> None:
    report = run([{"name": "p", "steps": ["SELECT 1"]}], sandbox)
    assert report.passed and any("no negative test" in n for n in report.notes)


def test_unforced_row_security_is_named_because_the_owner_bypasses_it(sandbox: Any) -> None:
    schema = """CREATE TABLE docs (id int PRIMARY KEY, tenant text NOT NULL);
    ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
    CREATE POLICY docs_tenant ON docs USING (tenant = current_setting('app.tenant', true));
    CREATE TABLE forced (id int PRIMARY KEY, tenant text NOT NULL);
    ALTER TABLE forced ENABLE ROW LEVEL SECURITY;
    ALTER TABLE forced FORCE ROW LEVEL SECURITY;
    CREATE POLICY forced_tenant ON forced USING (tenant = current_setting('app.tenant', true));
    """
    tests = [{"name": "other tenants' rows cannot be written", "steps": [
        "SELECT set_config('app.tenant', 'a', true)",
        {"sql": "INSERT INTO docs VALUES (1, 'b')", "expect": {"error": "42501"}},
    ]}]
    report = run_requirement_tests(schema, tests, sandbox=sandbox)
    assert not report.passed
    (note,) = [n for n in report.notes if "row-level security" in n]
    assert "not forced on docs:" in note and "forced," not in note and "FORCE ROW LEVEL SECURITY" in note


def test_the_text_report_counts_and_explains(sandbox: Any) -> None:
    from dbarch.tools.render.reqtest import render_report

    report = run([{"name": "dup", "steps": [*SETUP, {"sql": loan()}, {"sql": loan(), "expect": {"error": "23505"}}]},
                  {"name": "wrong count", "steps": [{"sql": "SELECT 1", "expect": {"ok": {"rows": 2}}}]}], sandbox)
    text = render_report(report)
    assert "negative tests (the schema must reject): 1 of 1 passed" in text
    assert "positive tests (the schema must accept): 0 of 1 passed" in text
    assert "step 4 rejected: 23505 duplicate key value" in text
    assert "FAIL wrong count" in text and "expected ok with 2 rows; ok, 1 row" in text
    assert "2 tests: 1 passed, 1 failed" in text
