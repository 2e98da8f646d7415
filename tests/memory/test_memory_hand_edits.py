"""A person's edits survive: dbarch changes only the sections it owns, byte for byte.

A file edited into a shape dbarch cannot read safely gives a WorkspaceError naming the line, and
every file (and the journal) stays as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dbarch.memory import (
    Workspace,
    add_note,
    add_plan,
    read_decisions,
    read_plans,
    record_decision,
    update_plan,
)
from dbarch.memory.sections import end_marker
from dbarch.tools.errors import WorkspaceError

DAY = dt.date(2025, 11, 25)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_text_around_and_between_sections_is_kept_exactly(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    record_decision(ws, decision="Use bigint identity keys", why="int4 runs out", on=DAY)
    soul = ws_dir / "00_soul.md"
    text = soul.read_bytes()
    text = b"<!-- reviewed by Ana -->\n" + text.replace(
        b"## Decisions", b"Our notes, in *our* words.  \r\n\n## Decisions"
    )
    text += b"\n## Appendix\nTrailing text without a newline"
    soul.write_bytes(text)
    record_decision(ws, decision="Use timestamptz", why="time zones", on=DAY)
    after = soul.read_bytes()
    head, tail = text.split(end_marker("decisions").encode())
    assert after.startswith(head)
    assert after.endswith(end_marker("decisions").encode() + tail)
    assert [d.id for d in read_decisions(ws)] == ["D-001", "D-002"]


def test_a_persons_lines_inside_a_decision_record_are_kept(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    record_decision(ws, decision="Use bigint keys", why="room to grow", on=DAY)
    soul = ws_dir / "00_soul.md"
    edited = soul.read_text().replace(
        "- **Why:** room to grow\n", "- **Why:** room to grow\n> Agreed. (Ana)\n"
    )
    soul.write_text(edited)
    record_decision(ws, decision="Use text not varchar", why="same storage", on=DAY)
    assert "- **Why:** room to grow\n> Agreed. (Ana)\n" in soul.read_text()
    assert read_decisions(ws)[0].why == "room to grow"


def test_a_plan_update_rewrites_only_its_status_migrations_and_date_lines(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    add_plan(ws, "Split users.name", description="expand, backfill, contract", on=DAY)
    add_plan(ws, "Partition events by month", on=DAY)
    state = ws_dir / "01_state.md"
    edited = state.read_text().replace(
        "- **Description:** expand, backfill, contract\n",
        "- **Description:** expand, backfill, contract\n\nReviewer note: wait for the Friday deploy.\n",
    )
    state.write_text(edited)
    update_plan(
        ws,
        "P-001",
        status="in progress",
        add_migrations=["004_split_name.sql"],
        on=dt.date(2025, 12, 1),
    )
    after = state.read_text()
    assert "Reviewer note: wait for the Friday deploy.\n" in after
    assert "- **Status:** in progress\n" in after
    assert "- **Migrations:** migrations/004_split_name.sql\n" in after
    assert "- **Updated:** 2025-12-01\n" in after
    untouched = edited.split("### P-002")[1]
    assert after.split("### P-002")[1] == untouched
    plans = read_plans(ws)
    assert [(p.id, p.status) for p in plans] == [("P-001", "in progress"), ("P-002", "planned")]


def test_a_file_without_markers_is_adopted_after_the_persons_text(ws_dir: Path) -> None:
    mine = "# Our database\n\nWe write decisions here.\n"
    (ws_dir / "00_soul.md").write_text(mine)
    record_decision(Workspace(ws_dir), decision="Use bigint keys", why="growth", on=DAY)
    after = (ws_dir / "00_soul.md").read_text()
    assert after.startswith(mine)
    assert "### D-001 · Use bigint keys" in after


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda t: t.replace("<!-- dbarch:end decisions -->\n", ""), "never closed"),
        (lambda t: t.replace("<!-- dbarch:begin decisions -->\n", ""), "'end decisions' where"),
        (
            lambda t: t + "<!-- dbarch:begin decisions -->\n<!-- dbarch:end decisions -->\n",
            "appears twice",
        ),
        (lambda t: t.replace("<!-- dbarch:end erd -->", "<!-- dbarch:end  erd-->"), "malformed"),
        (
            lambda t: t.replace("<!-- dbarch:end schema -->\n", "").replace(
                "<!-- dbarch:begin erd -->\n", ""
            ),
            "'end erd' where",
        ),
    ],
)
def test_a_file_with_markers_out_of_shape_is_an_error_and_nothing_changes(
    ws_dir: Path, damage: object, message: str
) -> None:
    ws = Workspace(ws_dir)
    record_decision(ws, decision="Use bigint keys", why="growth", on=DAY)
    soul = ws_dir / "00_soul.md"
    soul.write_text(damage(soul.read_text()))  # type: ignore[operator]
    before = snapshot(ws_dir)
    with pytest.raises(WorkspaceError) as info:
        record_decision(ws, decision="Another", why="because", on=DAY)
    assert message in info.value.message
    assert info.value.line is not None
    assert info.value.file == "00_soul.md"
    assert snapshot(ws_dir) == before


def test_a_section_removed_by_hand_is_an_error_not_a_fresh_start(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    add_note(ws, "lesson", "Index foreign keys", on=DAY)
    memory_md = ws_dir / "02_memory.md"
    text = memory_md.read_text()
    start = text.index("<!-- dbarch:begin lessons -->")
    end = text.index("<!-- dbarch:end lessons -->\n") + len("<!-- dbarch:end lessons -->\n")
    memory_md.write_text(text[:start] + text[end:])
    before = snapshot(ws_dir)
    with pytest.raises(WorkspaceError, match="'lessons' is missing") as info:
        add_note(ws, "lesson", "Another", on=DAY)
    assert "dbarch:begin lessons" in (info.value.hint or "")
    assert snapshot(ws_dir) == before


def test_a_plan_whose_status_line_was_removed_is_an_error(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    add_plan(ws, "Split users.name", on=DAY)
    state = ws_dir / "01_state.md"
    state.write_text(state.read_text().replace("- **Status:** planned\n", ""))
    before = snapshot(ws_dir)
    with pytest.raises(WorkspaceError, match="no '- \\*\\*Status:\\*\\*' line"):
        update_plan(ws, "P-001", status="applied")
    assert snapshot(ws_dir) == before


def test_text_that_contains_a_marker_is_refused(ws_dir: Path) -> None:
    with pytest.raises(WorkspaceError, match="marker"):
        record_decision(Workspace(ws_dir), decision="x <!-- dbarch:end decisions -->", why="y")
    assert not (ws_dir / "00_soul.md").exists()


def test_a_heading_inside_a_value_does_not_start_a_record(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    record_decision(
        ws, decision="Keep audit rows", why="first line\n### D-999 · not a record", on=DAY
    )
    record_decision(ws, decision="Second", why="w", on=DAY)
    assert [d.id for d in read_decisions(ws)] == ["D-001", "D-002"]
    assert read_decisions(ws)[0].why == "first line\n### D-999 · not a record"
