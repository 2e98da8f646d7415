"""Drift: do the migrations, replayed from nothing, give the schema ``00_soul.md`` states?

:func:`check_drift` applies every file of ``migrations/`` in order in a fresh scratch database of
the sandbox, reads the resulting schema from the server's catalog, builds the schema model of the
SQL in ``00_soul.md``, and compares the two (tables, columns, types, constraints, indexes). Each
difference is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dbarch.memory.migrations import list_migrations
from dbarch.memory.soul import read_schema_sql
from dbarch.memory.workspace import Workspace, WriteResult
from dbarch.tools.errors import WorkspaceError

if TYPE_CHECKING:
    from dbarch.tools.sandbox import Sandbox
    from dbarch.tools.schema.diff import SchemaDifference
    from dbarch.tools.schema.model import Schema


@dataclass(frozen=True, slots=True)
class DriftReport:
    """The outcome of a drift check."""

    migrations: tuple[str, ...]
    """The migration files replayed, in order."""
    differences: tuple[str, ...]
    """One line per difference, "expected" being 00_soul.md and "found" the replayed migrations
    (empty when they agree)."""

    ok: bool = field(init=False, default=False)
    """True when the migrations replay to exactly the schema of ``00_soul.md``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ok", not self.differences)


def replay_migrations(ws: Workspace, sandbox: Sandbox) -> tuple[tuple[str, ...], Schema]:
    """Apply every file of ``migrations/`` in order in a fresh scratch database and read the
    resulting schema model back from the catalog: (files replayed, :class:`tools.schema.Schema`)."""
    from dbarch.tools.sandbox.applied import applied_database
    from dbarch.tools.schema.from_catalog import schema_from_catalog
    from dbarch.tools.sql.parse import parse_script

    migrations = list_migrations(ws)
    scripts = [parse_script(m.read(ws), dialect="postgres", source=m.file) for m in migrations]
    failure = "the migrations do not replay"
    with applied_database(sandbox, scripts, failure=failure, error=WorkspaceError) as db:
        replayed = schema_from_catalog(db.conn)
    return tuple(m.file for m in migrations), replayed


def check_drift(ws: Workspace, sandbox: Sandbox) -> DriftReport:
    """Replay ``migrations/`` in ``sandbox`` and compare with the schema of ``00_soul.md``."""
    from dbarch.tools.schema.diff import diff_schemas
    from dbarch.tools.schema.from_sql import schema_from_sql

    files, replayed = replay_migrations(ws, sandbox)
    stated = schema_from_sql(read_schema_sql(ws))
    differences = tuple(describe(d) for d in diff_schemas(stated, replayed))
    return DriftReport(files, differences)


def describe(difference: SchemaDifference) -> str:
    """A difference in the drift check's words: what 00_soul.md says, what the migrations give."""
    text = str(difference)
    if text.endswith(": missing"):
        return text.removesuffix(": missing") + ": in 00_soul.md, not made by the migrations"
    if text.endswith(": not expected"):
        return text.removesuffix(": not expected") + ": made by the migrations, not in 00_soul.md"
    if text.endswith(" found") and " expected, " in text:
        head, _, found = text.removesuffix(" found").rpartition(" expected, ")
        return f"{head} in 00_soul.md, {found} from the migrations"
    return text


def schema_from_migrations(ws: Workspace, sandbox: Sandbox) -> WriteResult:
    """Set the schema of ``00_soul.md`` (and its ER diagram) to what ``migrations/`` produce
    when replayed in ``sandbox``, read back from the server's catalog."""
    from dbarch.memory.soul import set_schema
    from dbarch.tools.schema.to_sql import schema_to_sql

    files, replayed = replay_migrations(ws, sandbox)
    text = f"-- the schema {len(files)} migrations produce (replayed in the sandbox)\n" + schema_to_sql(replayed)
    return set_schema(ws, text, summary=f"schema from {len(files)} migrations", source_name="migrations/")
