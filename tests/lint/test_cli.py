"""``dbarch lint`` and ``dbarch rules`` as a user runs them (subprocess, exit codes, formats)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli import ROOT, dbarch

BAD = "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);\n"
GOOD = "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamptz NOT NULL);\n"


def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "bad.sql").write_text(BAD)
    (tmp_path / "good.sql").write_text(GOOD)
    assert dbarch("lint", "good.sql", cwd=tmp_path).returncode == 0
    bad = dbarch("lint", "bad.sql", cwd=tmp_path)
    assert bad.returncode == 1 and "bad.sql:1:45: warning[prefer-timestamptz] [*] " in bad.stdout
    assert dbarch("lint", "bad.sql", "--severity", "error", cwd=tmp_path).returncode == 0


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    for args in (["lint", "missing.sql"], ["lint", "-", "--select", "no-such-rule"], ["rules", "nope"]):
        result = dbarch(*args, cwd=tmp_path, stdin=BAD)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_stdin_and_json(tmp_path: Path) -> None:
    result = dbarch("lint", "-", "--format", "json", cwd=tmp_path, stdin=BAD)
    data = json.loads(result.stdout)
    assert [d["rule"] for d in data] == ["prefer-timestamptz"] and data[0]["file"] == "<stdin>"


def test_sarif_and_github_formats(tmp_path: Path) -> None:
    (tmp_path / "bad.sql").write_text(BAD)
    sarif = json.loads(dbarch("lint", "bad.sql", "--format", "sarif", cwd=tmp_path).stdout)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "prefer-timestamptz"
    github = dbarch("lint", "bad.sql", "--format", "github", cwd=tmp_path).stdout
    assert github.startswith("::warning file=bad.sql,line=1,col=45,title=prefer-timestamptz::")


def test_pyproject_configuration_applies(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.dbarch.lint]\nignore = ["prefer-timestamptz"]\n')
    (tmp_path / "bad.sql").write_text(BAD)
    assert dbarch("lint", "bad.sql", cwd=tmp_path).returncode == 0


def test_fix_prints_a_diff_and_write_applies_it(tmp_path: Path) -> None:
    path = tmp_path / "bad.sql"
    path.write_text(BAD)
    diff = dbarch("lint", "bad.sql", "--fix", cwd=tmp_path)
    assert "-CREATE TABLE events" in diff.stdout and "+CREATE TABLE events" in diff.stdout
    assert path.read_text() == BAD
    written = dbarch("lint", "bad.sql", "--fix", "--write", cwd=tmp_path)
    assert written.returncode == 0 and path.read_text() == GOOD


def test_schema_makes_tables_live(tmp_path: Path) -> None:
    (tmp_path / "current.sql").write_text("CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
    (tmp_path / "m.sql").write_text("CREATE INDEX users_email_idx ON users (email);\n")
    result = dbarch("lint", "m.sql", "--schema", "current.sql", "--format", "json", cwd=tmp_path)
    assert "create-index-non-concurrently" in [d["rule"] for d in json.loads(result.stdout)]


def test_rules_lists_and_documents(tmp_path: Path) -> None:
    listing = json.loads(dbarch("rules", "--format", "json", cwd=tmp_path).stdout)
    assert {"prefer-timestamptz", "require-primary-key"} <= {r["id"] for r in listing}
    doc = dbarch("rules", "prefer-timestamptz", cwd=tmp_path).stdout
    assert "## What it does" in doc and "## Use instead" in doc


def test_lint_does_not_import_the_agent_stack(tmp_path: Path) -> None:
    code = (
        "import sys; from agent.cli.main import main\n"
        "rc = main(['lint', '-'])\n"
        "assert not {'langgraph', 'openai', 'langchain_core'} & set(sys.modules), sorted(sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], input=GOOD, capture_output=True, text=True,
                            cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr


def test_assume_in_transaction_flag_and_config(tmp_path: Path) -> None:
    (tmp_path / "current.sql").write_text("CREATE TABLE users (id bigint PRIMARY KEY);\n")
    (tmp_path / "m.sql").write_text(
        "SET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '30s';\n"
        "ALTER TABLE users ADD COLUMN IF NOT EXISTS nick text;\n"
    )
    plain = dbarch("lint", "m.sql", "--schema", "current.sql", "--no-config", cwd=tmp_path)
    assert plain.returncode == 1 and "does nothing: it runs outside any transaction block" in plain.stdout
    wrapped = dbarch("lint", "m.sql", "--schema", "current.sql", "--no-config", "--assume-in-transaction", cwd=tmp_path)
    assert wrapped.returncode == 0, wrapped.stdout
    (tmp_path / "pyproject.toml").write_text("[tool.dbarch.lint]\nassume-in-transaction = true\n")
    assert dbarch("lint", "m.sql", "--schema", "current.sql", cwd=tmp_path).returncode == 0


def test_check_selects_rules_and_says_why_it_fails(tmp_path: Path) -> None:
    (tmp_path / "s.sql").write_text("CREATE TABLE t (id bigint PRIMARY KEY, price float NOT NULL CHECK (price >= 0));\n")
    failing = dbarch("check", "--no-apply", "s.sql", cwd=tmp_path)
    assert failing.returncode == 1 and "failed: 1 lint finding(s) of severity error (no-float-money)" in failing.stdout
    assert "error[no-float-money]" in failing.stdout
    assert dbarch("check", "--no-apply", "--ignore", "no-float-money", "s.sql", cwd=tmp_path).returncode == 0
    assert dbarch("check", "--no-apply", "--select", "nonsense", "s.sql", cwd=tmp_path).returncode == 2
