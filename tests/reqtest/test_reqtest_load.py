"""The requirement-test format: what loads, and the line named for each malformed file."""

from __future__ import annotations

import pytest

from dbarch.tools.errors import UsageError
from dbarch.tools.reqtest import (
    Expect,
    dump_requirement_tests,
    load_requirement_tests,
    requirement_tests_from_data,
)

GOOD = """\
- name: one open loan per copy
  description: a copy is lent to one member at a time
  steps:
    - sql: |
        INSERT INTO loans (copy_id)
        VALUES (1)
    - sql: INSERT INTO loans (copy_id) VALUES (1)
      expect: {error: "23505"}
    - sql: SELECT count(*) FROM loans
      expect: {ok: {rows: 1, value: 1}}
- name: bare steps
  steps:
    - SELECT 1
    - sql: SELECT NULL
      expect: {ok: {value: null}}
    - sql: DELETE FROM t
      expect: ok
    - sql: UPDATE t SET x = 1
      expect: {error: 23}
    - sql: UPDATE t SET x = 2
      expect: {error: any}
    - sql: UPDATE t SET x = 3
      expect: {error: exclusion_violation, constraint: no_overlap}
    - sql: UPDATE t SET x = 4
      expect: {error: 23505}
    - sql: UPDATE t SET x = 5
      expect: error
"""


def test_a_well_formed_file_becomes_typed_tests_with_lines() -> None:
    first, second = load_requirement_tests(GOOD, source="t.yaml")
    assert first.name == "one open loan per copy" and first.kind == "negative"
    assert first.description == "a copy is lent to one member at a time"
    assert first.line == 1 and first.source == "t.yaml"
    assert [s.line for s in first.steps] == [5, 7, 9]  # a | block starts on the next line
    assert first.steps[0].sql == "INSERT INTO loans (copy_id)\nVALUES (1)"
    assert first.steps[0].expect == Expect()
    assert first.steps[1].expect == Expect(error="23505")
    assert first.steps[2].expect == Expect(rows=1, value=1, check_value=True)
    expects = [s.expect for s in second.steps]
    assert expects[0] == Expect() and expects[1] == Expect(value=None, check_value=True)
    assert [e.error for e in expects[3:]] == ["23", "any", "23P01", "23505", "any"]
    assert expects[5].constraint == "no_overlap"


def test_a_test_without_expected_errors_is_positive() -> None:
    (test,) = load_requirement_tests("- name: p\n  steps: [SELECT 1, {sql: SELECT 2, expect: ok}]\n")
    assert test.kind == "positive"


def test_json_and_the_tests_mapping_are_accepted() -> None:
    json_text = '[{"name": "j", "steps": [{"sql": "SELECT 1", "expect": {"error": "23505"}}]}]'
    (test,) = load_requirement_tests(json_text, source="t.json")
    assert test.steps[0].expect.error == "23505" and test.steps[0].line == 1
    (wrapped,) = load_requirement_tests("tests:\n  - name: w\n    steps: [SELECT 1]\n")
    assert wrapped.name == "w" and wrapped.line == 2


def test_dump_reads_back_to_the_same_tests() -> None:
    tests = load_requirement_tests(GOOD)
    again = load_requirement_tests(dump_requirement_tests(tests))
    strip = [(t.name, t.description, [(s.sql, s.expect) for s in t.steps]) for t in tests]
    assert [(t.name, t.description, [(s.sql, s.expect) for s in t.steps]) for t in again] == strip


def test_parsed_data_loads_without_lines() -> None:
    (test,) = requirement_tests_from_data([{"name": "d", "steps": [{"sql": "SELECT 1", "expect": {"error": 23}}]}])
    assert test.steps[0].expect.error == "23" and test.line is None


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("- name: a\n  steps:\n    - sql: SELECT 1\n      expect: {error: [}\n", 4, "not valid YAML"),
        ('[{"name": "a",\n "steps": [}]', 2, "not valid JSON"),
        ("- name: a\n  stepz:\n    - SELECT 1\n", 2, "unknown field"),
        ("- name: a\n  description: d\n", 1, "steps: this field is required"),
        ("- name: a\n  steps: []\n", 2, "at least 1"),
        ("- name: a\n  steps:\n    - sql: SELECT 1\n      expect: fine\n", 4, "step 1, expect"),
        ("- name: a\n  steps:\n    - sql: SELECT 1\n    - sql: SELECT 2\n      expect: {error: 2350}\n", 5,
         "step 2, expect.error: 2350 is not a SQLSTATE"),
        ("- name: a\n  steps:\n    - sql: SELECT 1\n      expect: {error: not_a_condition}\n", 4,
         "unknown expected error"),
        ("- name: a\n  steps:\n    - sql: SELECT 1\n      expect: {ok: {rows: -1}}\n", 4, "rows"),
        ("- name: a\n  steps:\n    - sql: SELECT 1\n      expect: {ok: {}, error: any}\n", 4, "not both"),
        ("- name: a\n  steps:\n    - sql: SELECT 1\n      expect: {ok: {}, constraint: c}\n", 4, "constraint"),
        ("- name: a\n  steps:\n    - sql: '   '\n", 3, "empty"),
        ("- name: a\n  steps: [SELECT 1]\n- name: a\n  steps: [SELECT 2]\n", 3, "two tests are named 'a'"),
        ("- name: a\n  steps:\n    - sql: INSERT INTO t VALUES (1); COMMIT\n", 3, "may not run COMMIT"),
        ("- name: a\n  steps:\n    - sql: |\n        SAVEPOINT x\n", 4, "may not run SAVEPOINT"),
        ("- name: a\n  steps:\n    - sql: INSERT INTO t (memo) VALUES ('sale #1')\n", 3, "cut at ' #'"),
        ("{}", 1, "tests: this field is required"),
        ("   \n", None, "empty"),
        ("just text\n", 1, "Input should be a valid list"),
    ],
)
def test_a_malformed_file_is_a_usage_error_naming_its_line(text: str, line: int | None, words: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_requirement_tests(text, source="bad.yaml")
    err = caught.value
    assert err.file == "bad.yaml"
    assert err.line == line, err.one_line()
    assert words in err.message, err.message


def test_a_sql_syntax_error_is_left_to_the_server() -> None:
    (test,) = load_requirement_tests("- name: a\n  steps: ['SELEC 1']\n")
    assert test.steps[0].sql == "SELEC 1"


def test_agent_specs_become_the_same_tests() -> None:
    from dbarch.tools.reqtest import RequirementTestSpec, tests_from_specs

    spec = RequirementTestSpec.model_validate(
        {"name": "a", "steps": ["SELECT 1", {"sql": "SELECT 2", "expect": {"error": 23505}}]}
    )
    (test,) = tests_from_specs([spec], source="agent")
    assert test.kind == "negative" and test.source == "agent" and test.steps[1].expect.error == "23505"
    schema = RequirementTestSpec.model_json_schema()
    assert {"name", "steps"} <= set(schema["required"])
    with pytest.raises(UsageError, match="may not run ROLLBACK"):
        tests_from_specs([RequirementTestSpec.model_validate({"name": "b", "steps": ["ROLLBACK"]})])
