"""Migrations are numbered from the next free number and never rewritten."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from dbarch.memory import Migration, Workspace, list_migrations, next_number, write_migration
from dbarch.tools.errors import DbarchError, WorkspaceError


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_migrations_take_the_next_free_number(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    assert next_number(ws) == 1
    first = write_migration(ws, "create users", "create table users (id bigint primary key);")
    second = write_migration(ws, "add_orders", "create table orders (id bigint primary key);")
    assert (first.file, second.file) == (
        "migrations/001_create_users.sql",
        "migrations/002_add_orders.sql",
    )
    assert list_migrations(ws) == [first, second]
    assert next_number(ws) == 3
    assert [e.summary for e in ws.journal()] == [
        "migration 001: create_users",
        "migration 002: add_orders",
    ]


def test_numbering_continues_after_a_gap_and_after_hand_added_files(ws_dir: Path) -> None:
    (ws_dir / "migrations").mkdir()
    (ws_dir / "migrations" / "007_by_hand.sql").write_text("select 1;\n")
    (ws_dir / "migrations" / "README.md").write_text("not a migration\n")
    written = write_migration(Workspace(ws_dir), "next", "select 2;")
    assert written.number == 8


def test_a_written_migration_is_never_rewritten(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "init", "create table t (id int);")
    with pytest.raises(WorkspaceError, match=r"taken by migrations/001_init\.sql"):
        write_migration(ws, "init", "drop table t;", number=1)
    with pytest.raises(WorkspaceError, match="never rewritten"):
        ws.create("migrations/001_init.sql", "drop table t;\n", "rewrite")
    assert (ws_dir / "migrations" / "001_init.sql").read_text() == "create table t (id int);\n"


def test_two_files_with_one_number_stop_everything_and_name_both(ws_dir: Path) -> None:
    folder = ws_dir / "migrations"
    folder.mkdir()
    (folder / "003_add_orders.sql").write_text("select 1;\n")
    (folder / "003_hotfix.sql").write_text("select 2;\n")
    before = snapshot(ws_dir)
    with pytest.raises(WorkspaceError) as info:
        write_migration(Workspace(ws_dir), "next", "select 3;")
    assert "two migrations have number 003" in info.value.message
    assert "003_add_orders.sql" in info.value.message and "003_hotfix.sql" in info.value.message
    assert "renumber" in (info.value.hint or "")
    assert snapshot(ws_dir) == before


def test_a_sql_file_not_named_nnn_slug_is_an_error(ws_dir: Path) -> None:
    folder = ws_dir / "migrations"
    folder.mkdir()
    (folder / "001_init.sql").write_text("select 1;\n")
    (folder / "add-index.sql").write_text("select 2;\n")
    with pytest.raises(WorkspaceError, match=r"not named NNN_slug\.sql") as info:
        list_migrations(Workspace(ws_dir))
    assert "002_add_index.sql" in (info.value.hint or "")


def test_a_number_before_the_last_migration_is_refused(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "one", "select 1;", number=1)
    write_migration(ws, "three", "select 3;", number=3)
    with pytest.raises(WorkspaceError, match="would run before"):
        write_migration(ws, "two", "select 2;", number=2)


def test_the_verifier_sees_the_earlier_migrations_and_can_refuse(ws_dir: Path) -> None:
    ws = Workspace(ws_dir)
    write_migration(ws, "init", "create table t (id int);")
    seen: list[tuple[str, list[str]]] = []

    def refuse(sql: str, file: str, earlier: Sequence[Migration]) -> None:
        seen.append((file, [m.file for m in earlier]))
        raise DbarchError("does not apply", file=file, line=1, column=1, sqlstate="42P01")

    before = snapshot(ws_dir)
    with pytest.raises(DbarchError, match="does not apply"):
        write_migration(ws, "broken", "alter table nope add column x int;", verify=refuse)
    assert seen == [("migrations/002_broken.sql", ["migrations/001_init.sql"])]
    assert snapshot(ws_dir) == before


def test_an_empty_migration_is_refused(ws_dir: Path) -> None:
    with pytest.raises(WorkspaceError, match="empty"):
        write_migration(Workspace(ws_dir), "nothing", "  \n")
