"""``dbarch check`` as a user runs it: exit codes, one-line errors, JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import ROOT, dbarch


@pytest.mark.usefixtures("sandbox")
def test_a_clean_schema_exits_0_and_json_lists_tables_and_timings(tmp_path: Path) -> None:
    f = tmp_path / "s.sql"
    f.write_text("CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);")
    out = dbarch("check", "--no-lint", "--format", "json", str(f))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["applied"] is True and data["errors"] == [] and data["statements"] == 1
    assert {"parse", "apply"} <= set(data["timings_ms"])


@pytest.mark.usefixtures("sandbox")
def test_a_broken_schema_exits_1_with_location_and_sqlstate(tmp_path: Path) -> None:
    f = tmp_path / "s.sql"
    f.write_text("CREATE TABLE a (id int);\nCREATE TABLE b (a_id int REFERENCES a (id));\n")
    out = dbarch("check", "--no-lint", str(f))
    assert out.returncode == 1
    assert f"{f}:2:" in out.stdout and "[42830]" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"\x00\x01binary", "binary"),
        (b"SELECT '\xff';", "not UTF-8"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path: Path, content: bytes | None, expected: str) -> None:
    f = tmp_path / "in.sql"
    if content is not None:
        f.write_bytes(content)
    out = dbarch("check", str(f))
    assert out.returncode == 2
    assert expected in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_standard_input_is_read_with_a_dash() -> None:
    out = dbarch("check", "--no-apply", "--no-lint", "-", stdin="CREATE TABLE t (id int);")
    assert out.returncode == 0, out.stderr
    assert "<stdin>" in out.stdout


def test_translation_names_what_does_not_carry_over() -> None:
    out = dbarch("check", "--no-apply", "--no-lint", "--to", "mysql", "-",
                 stdin="CREATE TABLE t (id uuid PRIMARY KEY, tags text[]);")
    assert out.returncode == 0
    assert "CREATE TABLE t" in out.stdout
    assert "array type" in out.stderr and "uuid" in out.stderr


def test_check_does_not_import_langgraph_or_openai() -> None:
    code = (
        "import sys; from agent.cli.main import main; "
        "main(['check', '--no-apply', '--no-lint', '-']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('langgraph', 'openai', 'langchain_core')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], input=b"SELECT 1;", capture_output=True, cwd=ROOT,
                          check=False, timeout=60)
    assert proc.stdout.decode().strip().endswith("[]")
