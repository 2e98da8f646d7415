"""The workspace's current schema as a SQL source, for the interfaces that default to it
(``/explain``, ``/erd`` in the REPL; ``schema_sql`` omitted in the MCP tools)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbarch.memory import Workspace
    from dbarch.tools.sql.source import SqlSource


def workspace_schema(ws: Workspace) -> SqlSource:
    """The SQL of 00_soul.md's schema; a :class:`WorkspaceError` when it has no tables yet."""
    from dbarch.memory import read_schema_sql
    from dbarch.tools.errors import WorkspaceError
    from dbarch.tools.sql.source import SqlSource

    text = read_schema_sql(ws)
    if not any(line.strip() and not line.strip().startswith("--") for line in text.splitlines()):
        raise WorkspaceError(
            "the workspace has no schema yet", file=str(ws.root / "00_soul.md"),
            hint="give the schema (--schema FILE, or schema_sql), or record one with "
            "`dbarch memory schema FILE`",
        )
    return SqlSource("00_soul.md", text)
