"""Threads survive the Architect: SQLite in the user folder, PostgreSQL when a DSN is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.agent.conftest import BASE_URL, replay

pytestmark = pytest.mark.sandbox


def architect(sandbox: Any, workspace: Path, threads: str, **fields: Any) -> Any:
    from dbarch.agent.context import Context
    from dbarch.agent.session import Architect

    ctx = Context(model="test-model", base_url=BASE_URL, workspace=str(workspace), retry_backoff=0.0,
                  threads=threads, **fields)
    return Architect(ctx, sandbox=sandbox)


def two_turns_two_architects(sandbox: Any, tmp_path: Path, threads: str) -> Any:
    with replay("follow_up") as cassette:
        with architect(sandbox, tmp_path / "ws", threads) as first:
            first.ask("A projects table", thread_id="p")
        with architect(sandbox, tmp_path / "ws", threads) as second:  # a new process, say
            result = second.ask("Add an archived_at column", thread_id="p")
    history = cassette.body(1)["messages"]
    assert any("CREATE TABLE projects" in (m.get("content") or "") for m in history if m["role"] == "assistant")
    return result


def test_sqlite_threads_resume_in_a_new_architect(sandbox: Any, tmp_path: Path) -> None:
    store = tmp_path / "threads.sqlite"
    result = two_turns_two_architects(sandbox, tmp_path, str(store))
    assert store.exists()
    assert result.verification.ok  # the ALTER applied on the design kept in the thread


def test_the_default_thread_store_is_in_the_user_folder(dbarch_home: Path) -> None:
    from dbarch.agent.checkpoint import default_path

    assert default_path() == dbarch_home / "threads.sqlite"


def test_postgres_threads_resume_in_a_new_architect(sandbox: Any, tmp_path: Path) -> None:
    with sandbox.scratch() as db:
        result = two_turns_two_architects(sandbox, tmp_path, db.dsn)
        tables = {r[0] for r in db.conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'checkpoint%'")}
    assert "checkpoints" in tables
    assert result.verification.ok
