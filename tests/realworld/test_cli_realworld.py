"""The command-line side of issue 16: shortfalls first and a non-zero exit, --set, --keep-going."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbarch.agent.cli.main import main

UNFILLABLE = "CREATE TYPE pair AS (a int, b int);\nCREATE TABLE p (id int PRIMARY KEY, v pair NOT NULL);\n"


def test_explain_lists_empty_tables_first_and_fails_unless_allowed(tmp_path: Path, capsys: Any,
                                                                  sandbox: Any) -> None:
    schema = tmp_path / "s.sql"
    schema.write_text(UNFILLABLE)
    code = main(["explain", "--schema", str(schema), "--rows", "p=20", "SELECT count(*) FROM p"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[0].startswith("error: 1 tables did not get the rows asked for them")
    assert "p: empty (no generator for type pair" in out.splitlines()[1]
    assert main(["explain", "--allow-empty", "--schema", str(schema), "--rows", "p=20", "SELECT 1"]) == 0
    assert capsys.readouterr().out.startswith("warning: 1 tables")


def test_check_takes_psql_variables_and_keeps_going(tmp_path: Path, capsys: Any, sandbox: Any) -> None:
    script = tmp_path / "v.sql"
    script.write_text("CREATE SCHEMA :\"app\";\nCREATE TABLE :app.t (id int DEFAULT :'n'::int);\n"
                      "CREATE TABLE broken (id nosuchtype);\nCREATE TABLE later (id int);\n")
    assert main(["check", "--no-lint", "--set", "app=shop", "-v", "n=7", str(script)]) == 1
    out = capsys.readouterr().out
    assert "error[42704]" in out and "not applied (errors above)" in out
    assert main(["check", "--no-lint", "--keep-going", "--set", "app=shop", "--set", "n=7", str(script)]) == 1
    out = capsys.readouterr().out
    assert "1 errors" in out and "applied except 1 statements (--keep-going" in out
