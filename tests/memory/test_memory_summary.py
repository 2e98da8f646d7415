"""The workspace summary for the agent: compact, whole lines, under budget however large."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dbarch.memory import Workspace, add_note, add_plan, record_decision, set_schema, update_plan
from dbarch.memory.summary import estimate_tokens, summarize

DAY = dt.date(2025, 11, 25)


def test_a_small_workspace_is_summarised_in_full(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    set_schema(
        ws,
        "create table orgs (id bigint primary key, name text not null unique);\n"
        "create table users (id bigint primary key, org_id bigint not null references orgs, email text);",
    )
    add_plan(ws, "Split users.name", on=DAY)
    add_plan(ws, "Drop legacy", on=DAY)
    update_plan(ws, "P-002", status="applied")
    record_decision(ws, decision="Use bigint identity keys", why="growth", on=DAY)
    add_note(ws, "lesson", "Index foreign keys", on=DAY)
    assert summarize(ws) == "\n".join(
        [
            "Schema (2 tables, from 00_soul.md):",
            "orgs(id bigint PK, name text NOT NULL UK)",
            "users(id bigint PK, org_id bigint NOT NULL FK->orgs, email text)",
            "Open plans (1):",
            "P-001 [planned] Split users.name",
            "Latest decisions (1 in all):",
            "D-001 2025-11-25 Use bigint identity keys",
            "Memory notes: 1 (strategy 0, convention 0, lesson 1); see 02_memory.md",
        ]
    )


def test_an_empty_workspace_has_a_one_line_summary(ws_dir: Path) -> None:
    assert summarize(Workspace(ws_dir)) == "Schema: no tables yet"


def big_schema(tables: int, columns: int) -> str:
    out = []
    for t in range(tables):
        cols = ", ".join(
            f"column_number_{c} character varying(100) not null" for c in range(columns)
        )
        ref = f", parent_id bigint references table_{t - 1}" if t else ""
        out.append(f"create table table_{t} (id bigint primary key{ref}, {cols});")
    return "\n".join(out)


def test_a_huge_workspace_stays_under_budget_with_whole_lines(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    set_schema(ws, big_schema(150, 30), erd="erDiagram")
    for i in range(60):
        add_plan(ws, f"Plan number {i} with a fairly long title about partitioning", on=DAY)
        record_decision(
            ws, decision=f"Decision {i}: keep everything in bigint", why="growth", on=DAY
        )
    text = summarize(ws)
    assert estimate_tokens(text) <= 1500
    lines = text.splitlines()
    assert lines[0] == "Schema (150 tables, from 00_soul.md):"
    named = set(re.findall(r"\btable_[0-9]+\b", text))
    assert named == {f"table_{t}" for t in range(150)}  # every table still named
    assert "Open plans (60):" in lines
    assert any(line.startswith("D-060 ") for line in lines)
    for line in lines:  # every table line is whole: balanced parentheses
        assert line.count("(") == line.count(")")


def test_the_largest_table_is_summarised_first(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    wide = ", ".join(f"c{i} text" for i in range(400))
    set_schema(
        ws,
        f"create table small (id int primary key);\ncreate table wide (id int primary key, {wide});",
        erd="erDiagram",
    )
    lines = summarize(ws, budget=200).splitlines()
    assert "small(id integer PK)" in lines
    wide_line = next(line for line in lines if line.startswith("wide("))
    assert wide_line.endswith("more columns)") or wide_line == "wide(401 columns)"


def test_when_even_column_counts_do_not_fit_tables_are_named_then_counted(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    set_schema(ws, big_schema(60, 3), erd="erDiagram")
    named = summarize(ws, budget=320)
    assert estimate_tokens(named) <= 320
    assert any(
        line.startswith("...and ") and "more tables: " in line for line in named.splitlines()
    )
    counted = summarize(ws, budget=20)
    assert counted.splitlines()[-1] == "...and 60 more tables (not listed to save space)"
