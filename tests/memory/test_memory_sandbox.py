"""Before a migration is written it parses, lints clean and applies on top of the earlier ones.

These tests use the real embedded PostgreSQL server (the ``sandbox`` fixture); never mocked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dbarch.memory import Workspace, list_migrations, write_migration
from dbarch.memory.verify import sandbox_verifier
from dbarch.tools.errors import WorkspaceError

pytestmark = pytest.mark.sandbox


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_migration_that_applies_on_the_earlier_ones_is_written(
    ws_dir: Path, sandbox: Any
) -> None:
    ws = Workspace(ws_dir)
    verify = sandbox_verifier(ws, sandbox)
    write_migration(
        ws,
        "users",
        "create table users (id bigint primary key, email text not null);",
        verify=verify,
    )
    second = write_migration(
        ws,
        "orders",
        "create table orders (id bigint primary key, user_id bigint not null references users);\ncreate index orders_user_id_idx on orders (user_id);",
        verify=verify,
    )
    assert second.file == "migrations/002_orders.sql"
    assert [m.number for m in list_migrations(ws)] == [1, 2]


def test_a_migration_that_does_not_apply_is_not_written_and_says_where(
    ws_dir: Path, sandbox: Any
) -> None:
    ws = Workspace(ws_dir)
    verify = sandbox_verifier(ws, sandbox)
    write_migration(ws, "users", "create table users (id bigint primary key);", verify=verify)
    before = snapshot(ws_dir)
    with pytest.raises(WorkspaceError) as info:
        write_migration(
            ws,
            "orders",
            "create table orders (id bigint primary key);\nalter table customers add column x int;",
            verify=verify,
        )
    assert info.value.sqlstate == "42P01"
    assert info.value.file == "migrations/002_orders.sql"
    assert info.value.line == 2
    assert snapshot(ws_dir) == before


def test_a_migration_that_does_not_parse_is_not_written(ws_dir: Path, sandbox: Any) -> None:
    ws = Workspace(ws_dir)
    with pytest.raises(WorkspaceError) as info:
        write_migration(
            ws, "broken", "create tabel users (id int);", verify=sandbox_verifier(ws, sandbox)
        )
    assert info.value.line == 1
    assert not (ws_dir / "migrations").exists() or list((ws_dir / "migrations").iterdir()) == []


def test_a_migration_with_a_lint_error_is_not_written(ws_dir: Path, sandbox: Any) -> None:
    ws = Workspace(ws_dir)
    with pytest.raises(WorkspaceError, match="require-primary-key") as info:
        write_migration(
            ws,
            "audit",
            "create table audit_entries (message text not null);",
            verify=sandbox_verifier(ws, sandbox),
        )
    assert info.value.file == "migrations/001_audit.sql"
    assert list_migrations(ws) == []
