"""The drift check replays migrations/ in a fresh sandbox database and names each difference
with the schema stated in 00_soul.md. Uses the real embedded PostgreSQL server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dbarch.memory import Workspace, set_schema, write_migration
from dbarch.memory.drift import check_drift
from dbarch.tools.errors import WorkspaceError

pytestmark = pytest.mark.sandbox

SCHEMA = """create table users (id bigint primary key, email text not null unique);
create table orders (
    id bigint primary key,
    user_id bigint not null references users,
    total numeric(10,2) not null default 0
);
create index orders_user_id_idx on orders (user_id);
"""


def workspace_with_migrations(ws_dir: Path, *migrations: str) -> Workspace:
    ws = Workspace(ws_dir)
    for number, sql in enumerate(migrations, start=1):
        write_migration(ws, f"step {number}", sql)
    return ws


def test_migrations_that_replay_to_the_stated_schema_have_no_drift(
    ws_dir: Path, sandbox: Any
) -> None:
    ws = workspace_with_migrations(
        ws_dir,
        "create table users (id bigint primary key, email text not null unique);",
        "create table orders (id bigint primary key, user_id bigint not null references users, total numeric(10,2) not null default 0);\n"
        "create index orders_user_id_idx on orders (user_id);",
    )
    set_schema(ws, SCHEMA)
    report = check_drift(ws, sandbox)
    assert report.ok, report.differences
    assert report.migrations == ("migrations/001_step_1.sql", "migrations/002_step_2.sql")


def test_each_difference_is_named(ws_dir: Path, sandbox: Any) -> None:
    ws = workspace_with_migrations(
        ws_dir,
        "create table users (id bigint primary key, email text unique, nickname text);",
        "create table orders (id bigint primary key, user_id bigint not null references users, total numeric not null default 0);",
    )
    set_schema(ws, SCHEMA)
    differences = check_drift(ws, sandbox).differences
    assert "column users.email: not null in 00_soul.md, nullable from the migrations" in differences
    assert (
        "column orders.total: type numeric(10,2) in 00_soul.md, numeric from the migrations"
        in differences
    )
    assert any(
        d.startswith("column users.nickname")
        and d.endswith("made by the migrations, not in 00_soul.md")
        for d in differences
    )
    assert any(
        d.startswith("index") and d.endswith("in 00_soul.md, not made by the migrations")
        for d in differences
    )
    assert len(differences) == 4


def test_migrations_that_do_not_replay_say_where(ws_dir: Path, sandbox: Any) -> None:
    ws = workspace_with_migrations(
        ws_dir, "create table t (id int primary key);", "alter table nope add column x int;"
    )
    with pytest.raises(WorkspaceError) as info:
        check_drift(ws, sandbox)
    assert (info.value.file, info.value.line, info.value.sqlstate) == (
        "migrations/002_step_2.sql",
        1,
        "42P01",
    )
