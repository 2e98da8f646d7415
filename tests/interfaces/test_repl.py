"""The REPL driven for real through a pipe: slash commands, multi-line input, Ctrl-C, bad input,
the no-model mode. The sandbox is the real embedded server."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbarch.agent.repl import registry
from tests.interfaces.replhelp import ALT_ENTER, CTRL_C, ENTER, PASTE_END, PASTE_START, drive

BAD_SCHEMA = "create table t (id int primary key, amount float);\n"
BROKEN_SQL = "create table u (id bigint primary key,\n  name text not nul);\n"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder


def test_no_model_starts_explains_and_creates_the_config(home: Path, ws: Path) -> None:
    run = drive("what index for orders by customer?" + ENTER, home=home, workspace=ws)
    assert run.code == 0
    assert "No model is configured" in run.out
    assert "OPENAI_API_KEY" in run.out and "OPENAI_BASE_URL" in run.out and "DBARCH_MODEL" in run.out
    config = (home / "config.toml").read_text()
    assert "# name = " in config and "OPENAI_BASE_URL" in config
    assert run.out.count("No model is configured") == 2  # at start, and for the question


def test_help_lists_every_registered_command(home: Path, ws: Path) -> None:
    run = drive("/help" + ENTER + "/help check" + ENTER, home=home, workspace=ws)
    for cmd in registry.COMMANDS:
        assert cmd.syntax in run.out, cmd.name
    assert "Files are applied in order" in run.out


def test_lint_and_check_on_real_files(home: Path, ws: Path, sandbox: object) -> None:
    (ws / "bad.sql").write_text(BAD_SCHEMA)
    (ws / "broken.sql").write_text(BROKEN_SQL)
    keys = (f"/lint {ws / 'bad.sql'}" + ENTER + f"/check {ws / 'bad.sql'}" + ENTER
            + f"/check {ws / 'broken.sql'}" + ENTER)
    run = drive(keys, home=home, workspace=ws)
    assert "error[no-float-money]" in run.out
    assert "2 lint finding(s) in 1 file(s)" in run.out
    assert "applied cleanly in the sandbox" in run.out
    assert "broken.sql:2:" in run.out  # the syntax error located on line 2
    assert "not applied" in run.out


def test_bad_input_is_one_red_line_and_the_session_goes_on(home: Path, ws: Path) -> None:
    keys = ("/check /no/such/file.sql" + ENTER + "/nonsense" + ENTER + "/resume" + ENTER
            + "/verbose maybe" + ENTER + "/explain --rows" + ENTER + "/help lint" + ENTER)
    run = drive(keys, home=home, workspace=ws)
    lines = run.out.splitlines()
    assert any(line.startswith("error: /no/such/file.sql: no such file") for line in lines)
    assert "error: unknown command /nonsense" in run.out
    assert sum(line.startswith("error: ") for line in lines) == 5
    assert "/lint FILE..." in run.out  # the last command still ran
    assert "Traceback" not in run.out


def test_explain_uses_the_workspace_schema(home: Path, ws: Path, sandbox: object) -> None:
    from dbarch.memory import Workspace, set_schema

    set_schema(Workspace(ws), "create table orders (id bigint primary key, customer_id bigint not null);")
    run = drive("/explain --rows orders=2000 select * from orders where customer_id = 7" + ENTER
                + "/erd" + ENTER, home=home, workspace=ws)
    assert "Seq Scan" in run.out and "orders" in run.out
    assert "erDiagram" in run.out


def test_workspace_without_schema_says_so(home: Path, ws: Path) -> None:
    run = drive("/explain select 1" + ENTER + "/soul" + ENTER, home=home, workspace=ws)
    assert "error: " in run.out and "the workspace has no schema yet" in run.out
    assert "no 00_soul.md" in run.out


def test_alt_enter_adds_a_line_and_enter_sends_the_whole_message(home: Path, ws: Path) -> None:
    keys = "design a table" + ALT_ENTER + "for invoices" + ENTER
    run = drive(keys, home=home, workspace=ws)
    assert run.history() == ["design a table\nfor invoices"]


def test_sql_continues_while_a_parenthesis_is_open(home: Path, ws: Path) -> None:
    keys = "CREATE TABLE t (" + ENTER + "  id bigint," + ENTER + "  note text" + ENTER + ");" + ENTER
    run = drive(keys, home=home, workspace=ws)
    assert run.history() == ["CREATE TABLE t (\n  id bigint,\n  note text\n);"]


def test_pasted_multiline_sql_stays_intact(home: Path, ws: Path) -> None:
    pasted = "select *\r\nfrom orders\r\nwhere id = 1;"
    run = drive(PASTE_START + pasted + PASTE_END + ENTER, home=home, workspace=ws)
    assert run.history() == ["select *\nfrom orders\nwhere id = 1;"]


def test_ctrl_c_at_the_prompt_clears_the_line(home: Path, ws: Path) -> None:
    run = drive("half a thought" + CTRL_C + "/workspace" + ENTER, home=home, workspace=ws)
    assert run.history() == ["/workspace"]
    assert f"workspace: {ws}" in run.out
    assert run.out.count("No model is configured") == 1  # at start only: nothing was sent


def test_quit_ends_the_session(home: Path, ws: Path) -> None:
    run = drive("/quit" + ENTER + "/help" + ENTER, home=home, workspace=ws)
    assert run.code == 0
    assert "/check FILE..." not in run.out


def test_threads_and_resume(home: Path, ws: Path) -> None:
    from dbarch.agent.repl import threads

    threads.remember(home, threads.ThreadInfo("abc123def456", 0.0, str(ws), "orders schema"))
    run = drive("/threads" + ENTER + "/resume abc" + ENTER + "/new" + ENTER, home=home, workspace=ws)
    assert "abc123def456" in run.out and "orders schema" in run.out
    assert "resumed thread abc123def456" in run.out
    assert "new thread " in run.out
