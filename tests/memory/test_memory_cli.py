"""``dbarch memory`` and ``dbarch erd`` as a person uses them: output, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dbarch.agent.cli.main import main


def dbarch(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_record_then_read_back_decisions_plans_and_notes(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = ["--workspace", str(ws_dir)]
    assert dbarch(
        capsys, "memory", "decide", "--decision", "Use bigint keys", "--why", "growth", *ws
    )[:2] == (
        0,
        "recorded D-001: Use bigint keys\n",
    )
    assert (
        dbarch(capsys, "memory", "plan", "add", "Split users.name", *ws)[1]
        == "added P-001 (planned): Split users.name\n"
    )
    code, out, _ = dbarch(
        capsys,
        "memory",
        "plan",
        "set",
        "P-001",
        "--status",
        "in progress",
        "--migration",
        "002_split.sql",
        *ws,
    )
    assert (code, out) == (0, "P-001 is in progress (migrations/002_split.sql)\n")
    assert (
        dbarch(capsys, "memory", "note", "lesson", "Index foreign keys", *ws)[1]
        == "recorded lesson M-001: Index foreign keys\n"
    )

    code, out, _ = dbarch(capsys, "memory", "show", "state", "--format", "json", *ws)
    assert json.loads(out)["plans"][0]["status"] == "in progress"
    code, out, _ = dbarch(capsys, "memory", "show", "soul", *ws)
    assert out == (ws_dir / "00_soul.md").read_text()
    code, out, _ = dbarch(capsys, "memory", "log", "--format", "json", *ws)
    assert [e["file"] for e in json.loads(out)] == [
        "00_soul.md",
        "01_state.md",
        "01_state.md",
        "02_memory.md",
    ]
    code, out, _ = dbarch(capsys, "memory", "show", "summary", *ws)
    assert "P-001 [in progress] Split users.name (migrations/002_split.sql)" in out


def test_the_first_write_creates_the_workspace_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "fresh"
    code, _, err = dbarch(
        capsys, "memory", "note", "convention", "Tables are plural", "--workspace", str(folder)
    )
    assert code == 0
    assert err == f"dbarch: created workspace {folder}\n"


def test_bad_input_is_one_line_on_stderr_and_exit_2(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = dbarch(
        capsys, "memory", "plan", "set", "P-404", "--status", "applied", "--workspace", str(ws_dir)
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "01_state.md" in err and "does not exist" in err


def test_show_of_a_file_not_written_yet_says_so(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = dbarch(capsys, "memory", "show", "memory", "--workspace", str(ws_dir))
    assert code == 1
    assert "no 02_memory.md" in err


def test_erd_prints_mermaid_for_a_sql_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = tmp_path / "s.sql"
    sql.write_text(
        "create table a (id int primary key);\ncreate table b (id int primary key, a_id int not null references a);\n"
    )
    code, out, _ = dbarch(capsys, "erd", str(sql))
    assert code == 0
    assert out.startswith("erDiagram\n")
    assert out.endswith('    a ||..o{ b : "a_id"\n')


def test_erd_without_a_file_draws_the_workspace_schema(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = ws_dir / "schema.sql"
    sql.write_text("create table t (id int primary key);\n")
    assert dbarch(capsys, "memory", "schema", str(sql), "--workspace", str(ws_dir))[0] == 0
    assert dbarch(capsys, "erd", "--workspace", str(ws_dir))[:2] == (
        0,
        "erDiagram\n    t {\n        integer id PK\n    }\n",
    )
    assert "integer id PK" in (ws_dir / "00_soul.md").read_text()


def test_svg_without_a_renderer_says_so_plainly_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    sql = tmp_path / "s.sql"
    sql.write_text("create table t (id int primary key);\n")
    code, out, err = dbarch(capsys, "erd", str(sql), "--format", "svg")
    assert (code, out) == (2, "")
    assert "mmdc" in err and "not on PATH" in err


@pytest.mark.sandbox
def test_migrate_checks_in_the_sandbox_then_writes(
    ws_dir: Path, sandbox: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    good = ws_dir / "good.sql"
    good.write_text("create table users (id bigint primary key);\n")
    bad = ws_dir / "bad.sql"
    bad.write_text("alter table nobody add column x int;\n")
    ws = ["--workspace", str(ws_dir)]
    assert dbarch(capsys, "memory", "migrate", "create users", str(good), *ws)[:2] == (
        0,
        "wrote migrations/001_create_users.sql (checked in the sandbox)\n",
    )
    code, out, err = dbarch(capsys, "memory", "migrate", "broken", str(bad), *ws)
    assert (code, out) == (2, "")
    assert "migrations/002_broken.sql:1:" in err and "42P01" in err
    assert sorted(p.name for p in (ws_dir / "migrations").iterdir()) == ["001_create_users.sql"]


@pytest.mark.sandbox
def test_memory_check_names_the_drift_and_exits_1(
    ws_dir: Path, sandbox: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = ["--workspace", str(ws_dir)]
    (ws_dir / "m.sql").write_text("create table orgs (id bigint primary key, name text);\n")
    (ws_dir / "s.sql").write_text(
        "create table orgs (id bigint primary key, name text not null);\n"
    )
    assert dbarch(capsys, "memory", "migrate", "orgs", str(ws_dir / "m.sql"), *ws)[0] == 0
    assert dbarch(capsys, "memory", "schema", str(ws_dir / "s.sql"), *ws)[0] == 0
    code, out, _ = dbarch(capsys, "memory", "check", *ws)
    assert (code, out) == (
        1,
        "drift: 1 difference between migrations/ and 00_soul.md\n"
        "  column orgs.name: not null in 00_soul.md, nullable from the migrations\n"
        "requirement tests: none saved in tests/, so no rule of the design was checked "
        "(save them with `dbarch memory tests NAME FILE.yaml`)\n",
    )
    (ws_dir / "s.sql").write_text("create table orgs (id bigint primary key, name text);\n")
    assert dbarch(capsys, "memory", "schema", str(ws_dir / "s.sql"), *ws)[0] == 0
    assert dbarch(capsys, "memory", "check", *ws)[:2] == (
        0,
        "no drift: 1 migrations replay to the schema in 00_soul.md\n"
        "requirement tests: none saved in tests/, so no rule of the design was checked "
        "(save them with `dbarch memory tests NAME FILE.yaml`)\n",
    )


def test_erd_of_sql_that_does_not_parse_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = tmp_path / "bad.sql"
    sql.write_text("create table a (id int);\ncreate tabel b (id int);\n")
    code, out, err = dbarch(capsys, "erd", str(sql))
    assert (code, out) == (2, "")
    assert err.startswith(f"dbarch: {sql}:2:")
