"""``dbarch test`` as a user runs it: exit codes, text and JSON output, usage errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli import dbarch, run_main

SCHEMA = "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);\n"
PASSING = """\
- name: e-mail addresses are unique
  steps:
    - sql: INSERT INTO users (email) VALUES ('a@x.org')
    - sql: INSERT INTO users (email) VALUES ('a@x.org')
      expect: {error: "23505"}
- name: two addresses are fine
  steps:
    - sql: INSERT INTO users (email) VALUES ('a@x.org'), ('b@x.org')
      expect: {ok: {rows: 2}}
"""


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """The entry point in this process (cheaper than a child: no interpreter start)."""
    code, out, err = run_main(capsys, *args)
    return subprocess.CompletedProcess(list(args), code, out, err)


def files(tmp_path: Path, tests: str, schema: str = SCHEMA) -> tuple[str, str]:
    (tmp_path / "schema.sql").write_text(schema)
    (tmp_path / "tests.yaml").write_text(tests)
    return str(tmp_path / "schema.sql"), str(tmp_path / "tests.yaml")


@pytest.mark.usefixtures("sandbox")
def test_passing_tests_exit_0_with_negative_and_positive_apart(tmp_path: Path) -> None:
    schema, tests = files(tmp_path, PASSING)
    out = dbarch("test", "--schema", schema, "--tests", tests)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "negative tests (the schema must reject): 1 of 1 passed" in out.stdout
    assert "positive tests (the schema must accept): 1 of 1 passed" in out.stdout
    assert "rejected: 23505 duplicate key value" in out.stdout


@pytest.mark.usefixtures("sandbox")
def test_a_failing_test_exits_1_and_json_says_which_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema, tests = files(tmp_path, PASSING, "CREATE TABLE users (id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY, email text NOT NULL);\n")
    out = cli(capsys, "test", "--schema", schema, "--tests", tests, "--format", "json")
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert data["passed"] is False and data["negative"] == {"total": 1, "passed": 0, "failed": 1}
    failed = data["tests"][0]
    assert failed["passed"] is False and failed["steps"][-1]["step"] == 2 and failed["steps"][-1]["line"] == 4


@pytest.mark.usefixtures("sandbox")
def test_rows_load_data_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema, tests = files(tmp_path, "- name: loaded\n  steps:\n    - sql: SELECT count(*) FROM users\n      expect: {ok: {value: 120}}\n")
    out = cli(capsys, "test", "--schema", schema, "--tests", tests, "--rows", "users=120")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "data 120 rows" in out.stdout


@pytest.mark.parametrize(
    ("tests", "extra", "words"),
    [
        ("- name: a\n  steps:\n    - sql: SELECT 1\n      expect: {error: 9}\n", (), "tests.yaml:4: test 1, step 1"),
        ("- name: a\n  stepz: []\n", (), "tests.yaml:2: test 1: unknown field 'stepz'"),
        (PASSING, ("--rows", "nosuch=5"), "--rows names tables the schema does not have: nosuch"),
        (PASSING, ("--timeout-ms", "0"), "--timeout-ms must be positive"),
    ],
)
@pytest.mark.usefixtures("sandbox")
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tests: str, extra: tuple[str, ...], words: str
) -> None:
    schema, path = files(tmp_path, tests)
    out = cli(capsys, "test", "--schema", schema, "--tests", path, *extra)
    assert out.returncode == 2, out.stdout + out.stderr
    assert words in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_missing_tests_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli(capsys, "test", "--schema", str(tmp_path / "s.sql"), "--tests", str(tmp_path / "none.yaml"))
    assert out.returncode == 2 and "cannot read the test file" in out.stderr
