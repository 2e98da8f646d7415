"""One caret renderer: ``dbarch check`` and ``dbarch lint`` print a finding the same way, with
the severity in words (readable without colour)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbarch.tools.errors import ParseError
from dbarch.tools.render.finding import render_error
from tests.cli import run_main

SQL = "CREATE TABLE events (\n  id bigint PRIMARY KEY,\n  happened_at timestamp NOT NULL\n);\n"


def block(output: str, rule: str) -> list[str]:
    """The lines of the finding about ``rule`` (its head line to its hint)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if f"[{rule}]" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("= hint:"))
    return lines[start : end + 1]


def test_check_and_lint_print_the_same_finding_the_same_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.sql"
    path.write_text(SQL)
    _, lint_out, _ = run_main(capsys, "lint", str(path), "--no-config", "--color", "never")
    _, check_out, _ = run_main(capsys, "check", "--no-apply", str(path))
    lint_block = [line.replace(" [*]", "") for line in block(lint_out, "prefer-timestamptz")]
    assert lint_block == block(check_out, "prefer-timestamptz")
    assert lint_block[0] == f"{path}:3:3: warning[prefer-timestamptz] Use timestamptz, not timestamp without time zone (column happened_at)"
    assert lint_block[1:4] == ["  |", "3 |   happened_at timestamp NOT NULL", "  |   ^"]


def test_an_error_shows_its_sqlstate_and_a_caret_under_its_column() -> None:
    err = ParseError("syntax error at or near \")\"", file="s.sql", line=2, column=8, sqlstate="42601", hint="check the parentheses")
    assert render_error(err, ["CREATE TABLE t (", "  id int,)"]) == [
        "s.sql:2:8: error[42601] syntax error at or near \")\"",
        "  |",
        "2 |   id int,)",
        "  |        ^",
        "  = hint: check the parentheses",
    ]
