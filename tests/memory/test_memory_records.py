"""Decisions, plans and notes: ids, dates, statuses, append-only records, the journal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dbarch.memory import (
    Workspace,
    add_note,
    add_plan,
    read_decisions,
    read_notes,
    read_plans,
    record_decision,
    update_plan,
)
from dbarch.tools.errors import WorkspaceError

DAY = dt.date(2025, 11, 25)


def test_a_decision_record_has_id_date_decision_why_alternatives_consequences(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    written = record_decision(
        ws,
        decision="Use bigint identity keys.",
        why="int4 runs out at 2.1 billion rows",
        alternatives="uuid v7",
        consequences="8 bytes per key",
        on=DAY,
    )
    assert written.id == "D-001"
    assert written.title == "Use bigint identity keys"
    assert read_decisions(ws) == [
        type(written)(
            "D-001",
            "Use bigint identity keys",
            "2025-11-25",
            "Use bigint identity keys.",
            "int4 runs out at 2.1 billion rows",
            "uuid v7",
            "8 bytes per key",
        )
    ]


def test_decisions_are_appended_and_earlier_ones_never_change(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    record_decision(ws, decision="First", why="a", on=DAY)
    first_text = (ws_dir / "00_soul.md").read_text()
    record_decision(ws, decision="Second", why="b", on=DAY)
    second_text = (ws_dir / "00_soul.md").read_text()
    marker = "<!-- dbarch:end decisions -->"
    assert second_text.startswith(first_text.split(marker)[0])
    assert [d.id for d in read_decisions(ws)] == ["D-001", "D-002"]


def test_a_decision_needs_what_and_why(ws_dir: Path) -> None:
    with pytest.raises(WorkspaceError, match="needs both"):
        record_decision(Workspace(ws_dir), decision="x", why=" ")


def test_plans_move_through_their_statuses_and_collect_migrations(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    plan = add_plan(ws, "Split users.name", on=DAY)
    assert (plan.id, plan.status, plan.migrations) == ("P-001", "planned", ())
    update_plan(ws, "P-001", status="in_progress", add_migrations=["migrations/004_a.sql"])
    update_plan(ws, "p-001", add_migrations=["005_b.sql", "004_a.sql"])
    done = update_plan(ws, "P-001", status="applied")
    assert done.status == "applied"
    assert done.migrations == ("migrations/004_a.sql", "migrations/005_b.sql")
    assert read_plans(ws)[0] == done


def test_an_applied_or_abandoned_plan_is_final(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    add_plan(ws, "Drop legacy table", on=DAY)
    update_plan(ws, "P-001", status="abandoned")
    with pytest.raises(WorkspaceError, match="abandoned already"):
        update_plan(ws, "P-001", status="planned")


@pytest.mark.parametrize("status", ["done", "", "applied!"])
def test_an_unknown_status_is_refused(ws_dir: Path, status: str) -> None:
    with pytest.raises(WorkspaceError, match="unknown plan status") as info:
        add_plan(Workspace(ws_dir), "x", status=status)
    assert "planned, in progress, applied, abandoned" in (info.value.hint or "")


def test_updating_a_missing_plan_says_so(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    add_plan(ws, "x")
    with pytest.raises(WorkspaceError, match="no plan P-009"):
        update_plan(ws, "P-009", status="applied")


def test_notes_are_dated_and_numbered_across_categories(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    add_note(ws, "strategy", "Expand and contract: add, backfill, switch reads, drop", on=DAY)
    add_note(ws, "conventions", "Tables are plural snake_case", on=DAY)
    add_note(ws, "lesson", "CREATE INDEX CONCURRENTLY cannot run in a transaction", on=DAY)
    notes = read_notes(ws)
    assert [(n.id, n.category, n.date) for n in notes] == [
        ("M-001", "strategy", "2025-11-25"),
        ("M-002", "convention", "2025-11-25"),
        ("M-003", "lesson", "2025-11-25"),
    ]
    assert [n.id for n in read_notes(ws, "lessons")] == ["M-003"]


def test_an_unknown_note_category_is_refused(ws_dir: Path) -> None:
    with pytest.raises(WorkspaceError, match="unknown category"):
        add_note(Workspace(ws_dir), "gossip", "x")


def test_every_write_is_journalled_with_time_file_and_summary(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    record_decision(ws, decision="Use bigint keys", why="growth", on=DAY)
    add_plan(ws, "Split users.name", on=DAY)
    add_note(ws, "lesson", "Index foreign keys", on=DAY)
    entries = ws.journal()
    assert [(e.file, e.summary) for e in entries] == [
        ("00_soul.md", "decision D-001: Use bigint keys"),
        ("01_state.md", "plan P-001 (planned): Split users.name"),
        ("02_memory.md", "lesson M-001: Index foreign keys"),
    ]
    assert all(e.time.endswith("+00:00") and len(e.sha256) == 64 for e in entries)


def test_a_torn_last_journal_line_is_skipped_and_the_next_entry_starts_afresh(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    record_decision(ws, decision="One", why="a", on=DAY)
    with (ws_dir / ".dbarch" / "journal.jsonl").open("a") as handle:
        handle.write('{"time": "2025-')
    record_decision(ws, decision="Two", why="b", on=DAY)
    assert [e.summary for e in ws.journal()] == ["decision D-001: One", "decision D-002: Two"]


def test_a_schema_that_does_not_parse_is_refused_with_its_position(ws_dir: Path) -> None:
    from dbarch.memory import set_schema
    from dbarch.tools.errors import ParseError

    with pytest.raises(ParseError) as info:
        set_schema(
            Workspace(ws_dir),
            "create table ok (id int);\ncreate tabel x (id int);",
            source_name="s.sql",
        )
    assert (info.value.file, info.value.line) == ("s.sql", 2)
    assert not (ws_dir / "00_soul.md").exists()


def test_a_file_that_is_not_utf8_is_an_error_and_stays_as_it_was(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    record_decision(ws, decision="One", why="a", on=DAY)
    soul = ws_dir / "00_soul.md"
    soul.write_bytes(soul.read_bytes() + b"\xff\xfe\n")
    before = soul.read_bytes()
    with pytest.raises(WorkspaceError, match="not UTF-8"):
        record_decision(ws, decision="Two", why="b", on=DAY)
    assert soul.read_bytes() == before
