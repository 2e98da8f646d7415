"""Where threads are kept: SQLite in the user's dbarch folder by default, PostgreSQL when a DSN
is given (deployments with many workers; needs ``langgraph-checkpoint-postgres``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dbarch.tools.errors import UsageError

SERDE_TYPES = [
    ("dbarch.agent.result", "DesignResult"),
    ("dbarch.agent.result", "Verification"),
    ("dbarch.agent.result", "TokenUsage"),
    ("dbarch.agent.result", "LintCount"),
    ("dbarch.agent.result", "PlanSummary"),
]
"""Our types a checkpoint may hold (allowed explicitly, so loading them never warns)."""


def serializer() -> Any:
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    return JsonPlusSerializer(allowed_msgpack_modules=SERDE_TYPES)


def default_path() -> Path:
    from dbarch.tools.sandbox.settings import user_home

    return user_home() / "threads.sqlite"


def sqlite_checkpointer(path: str | Path | None = None) -> Any:
    """A SQLite checkpointer (``$DBARCH_HOME/threads.sqlite`` by default)."""
    import sqlite3

    from langgraph.checkpoint.sqlite import SqliteSaver

    target = Path(path) if path else default_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(target), check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a crash loses the last turn at most
    return SqliteSaver(conn, serde=serializer())


def postgres_checkpointer(dsn: str) -> Any:
    """A PostgreSQL checkpointer on ``dsn`` (tables created on first use)."""
    try:
        from langgraph.checkpoint.postgres import PostgresSaver  # type: ignore[import-not-found]
    except ImportError as exc:
        raise UsageError(
            "a PostgreSQL checkpointer needs the optional package langgraph-checkpoint-postgres",
            hint="pip install 'dbarch[postgres]'",
        ) from exc
    from psycopg import Connection
    from psycopg.rows import dict_row

    conn = Connection.connect(dsn, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    saver = PostgresSaver(conn, serde=serializer())
    saver.setup()
    return saver


def make_checkpointer(spec: str | None) -> Any:
    """``None`` or a path: SQLite; a DSN (``postgresql://...`` or ``host=... dbname=...``):
    PostgreSQL; ``memory``: in memory."""
    if spec == "memory":
        from langgraph.checkpoint.memory import InMemorySaver

        return InMemorySaver(serde=serializer())
    if spec and is_dsn(spec):
        return postgres_checkpointer(spec)
    return sqlite_checkpointer(spec)


def is_dsn(spec: str) -> bool:
    """A PostgreSQL connection string: a URI or libpq ``key=value`` pairs."""
    return spec.startswith(("postgres://", "postgresql://")) or bool(
        re.match(r"^\s*(host|hostaddr|dbname|user|port|service)\s*=", spec)
    )


def close_checkpointer(saver: Any) -> None:
    """Close the connection of a checkpointer made here (SQLite or PostgreSQL)."""
    conn = getattr(saver, "conn", None)
    if conn is not None and hasattr(conn, "close"):
        conn.close()
