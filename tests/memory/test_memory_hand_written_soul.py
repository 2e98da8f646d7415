"""A 00_soul.md written by hand, without dbarch markers, whose "## Current schema" heading holds
an SQL block: dbarch adopts that block as the current schema (never a second heading), keeps
every byte the person wrote, says what it adopted, and `memory decide` / `memory check` work."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from dbarch.memory import Workspace, read_decisions, read_schema_sql, record_decision, set_schema
from dbarch.memory.drift import check_drift
from dbarch.memory.soul import adoption
from dbarch.memory.summary import summarize

SQL = """CREATE TABLE members (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE
);
CREATE TABLE loans (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id bigint NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    due_on date NOT NULL
);
"""
HAND = f"""# Library database

Written by Ana. Ask her before changing loans.

## Current Schema

The schema as deployed:

```sql
{SQL}```

Loans older than five years are archived by hand.

## Decisions

We chose bigint keys in 2024.

## Contacts
Ana, Bo.
"""
MARKER = re.compile(r"^<!-- dbarch:(begin|end) [a-z]+ -->\n", re.M)


def write_hand(ws_dir: Path, text: str = HAND) -> Workspace:
    (ws_dir / "00_soul.md").write_text(text, encoding="utf-8")
    return Workspace(ws_dir)


def without_markers(text: str) -> str:
    return MARKER.sub("", text)


def test_reading_adopts_the_block_without_writing(ws_dir: Path) -> None:
    ws = write_hand(ws_dir)
    assert read_schema_sql(ws) == SQL
    assert "members(" in summarize(ws) and "loans(" in summarize(ws)
    assert (ws_dir / "00_soul.md").read_text() == HAND  # reading never writes
    said = adoption(ws)
    assert any("```sql block on line 9" in s and "current schema" in s for s in said)


def test_decide_keeps_every_human_byte_and_never_duplicates_the_heading(ws_dir: Path) -> None:
    notices: list[str] = []
    ws = Workspace(ws_dir, notice=notices.append)
    write_hand(ws_dir)
    d = record_decision(ws, decision="Index loans by member", why="the desk looks loans up by member")
    after = (ws_dir / "00_soul.md").read_text()
    assert after.lower().count("## current schema") == 1
    assert after.count("## Decisions") == 1
    # the person's text, in order, is a prefix of the file once marker lines are removed
    plain = without_markers(after)
    head, sep, _ = HAND.partition("We chose bigint keys in 2024.\n")
    assert plain.startswith(head + sep)
    assert "## Contacts\nAna, Bo.\n" in plain
    # the decision went under the person's own Decisions heading, before Contacts
    assert after.index("### D-001") < after.index("## Contacts")
    assert [x.id for x in read_decisions(ws)] == [d.id] == ["D-001"]
    assert read_schema_sql(ws) == SQL
    assert any("adopted the ```sql block" in n for n in notices)
    assert "adopted" in ws.journal()[-1].summary


def test_set_schema_replaces_only_the_block(ws_dir: Path) -> None:
    ws = write_hand(ws_dir)
    new_sql = SQL + "CREATE INDEX loans_member_id_idx ON loans (member_id);\n"
    set_schema(ws, new_sql)
    after = (ws_dir / "00_soul.md").read_text()
    assert "The schema as deployed:\n\n<!-- dbarch:begin schema -->\n```sql\n" in after
    assert "<!-- dbarch:end schema -->\n\nLoans older than five years are archived by hand." in after
    assert read_schema_sql(ws) == new_sql
    assert after.lower().count("## current schema") == 1


def test_a_heading_without_a_block_gets_one_under_it(ws_dir: Path) -> None:
    ws = write_hand(ws_dir, "# Notes\n\n## Current schema\n\nNothing yet.\n\n## Other\nx\n")
    set_schema(ws, "CREATE TABLE t (id bigint PRIMARY KEY);\n")
    after = (ws_dir / "00_soul.md").read_text()
    assert after.count("## Current schema") == 1
    assert after.index("Nothing yet.") < after.index("<!-- dbarch:begin schema -->") < after.index("## Other")
    assert read_schema_sql(ws) == "CREATE TABLE t (id bigint PRIMARY KEY);\n"


def test_sql_inside_another_section_is_not_taken(ws_dir: Path) -> None:
    text = "## Ideas\n\n```sql\nCREATE TABLE idea (id int);\n```\n\n## Current schema\n\n```sql\nCREATE TABLE real_one (id bigint PRIMARY KEY);\n```\n"
    ws = write_hand(ws_dir, text)
    assert read_schema_sql(ws) == "CREATE TABLE real_one (id bigint PRIMARY KEY);\n"


@pytest.mark.sandbox
def test_memory_check_works_on_a_hand_written_soul(ws_dir: Path, sandbox: Any) -> None:
    from dbarch.memory import write_migration

    ws = write_hand(ws_dir)
    write_migration(ws, "create library", SQL)
    assert check_drift(ws, sandbox).ok
    (ws_dir / "00_soul.md").write_text(HAND.replace("    due_on date NOT NULL\n", "    due_on date NOT NULL,\n    note text\n"))
    report = check_drift(ws, sandbox)
    assert not report.ok and any("note" in d for d in report.differences)


def test_cli_decide_says_what_was_adopted(ws_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dbarch.agent.cli.main import main

    write_hand(ws_dir)
    code = main(["memory", "decide", "--workspace", str(ws_dir), "--decision", "Keep loans", "--why", "audit"])
    out = capsys.readouterr()
    assert code == 0
    assert "recorded D-001" in out.out
    assert "adopted the ```sql block on line 9" in out.err
