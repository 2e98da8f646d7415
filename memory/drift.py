"""Drift: do the migrations, replayed from nothing, give the schema ``00_soul.md`` states?

:func:`check_drift` applies every file of ``migrations/`` in order in a fresh scratch database of
the sandbox, reads the resulting schema from the server's catalog, builds the schema model of the
SQL in ``00_soul.md``, and compares the two (tables, columns, types, constraints, indexes). Each
difference is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dbarch.memory.migrations import list_migrations
from dbarch.memory.soul import read_schema_sql
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import WorkspaceError


@dataclass(frozen=True, slots=True)
class DriftReport:
    """The outcome of a drift check."""

    migrations: tuple[str, ...]
    """The migration files replayed, in order."""
    differences: tuple[str, ...]
    """One line per difference, "expected" being 00_soul.md and "found" the replayed migrations
    (empty when they agree)."""

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "migrations": list(self.migrations),
            "differences": list(self.differences),
        }


def replay_migrations(ws: Workspace, sandbox: Any) -> tuple[tuple[str, ...], Any]:
    """Apply every file of ``migrations/`` in order in a fresh scratch database and read the
    resulting schema model back from the catalog: (files replayed, :class:`tools.schema.Schema`)."""
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.schema.from_catalog import schema_from_catalog
    from dbarch.tools.sql.parse import parse_script

    migrations = list_migrations(ws)
    scripts = [parse_script(m.read(ws), dialect="postgres", source=m.file) for m in migrations]
    for script in scripts:
        if script.errors:
            raise script.errors[0]
    sandbox.start()
    with sandbox.scratch() as db:
        result = apply_scripts(sandbox, db, scripts)
        if result.error is not None:
            raise WorkspaceError(
                f"the migrations do not replay: {result.error.message}",
                file=result.error.file,
                line=result.error.line,
                column=result.error.column,
                sqlstate=result.error.sqlstate,
                hint=result.error.hint,
            )
        replayed = schema_from_catalog(db.conn)
    return tuple(m.file for m in migrations), replayed


def check_drift(ws: Workspace, sandbox: Any) -> DriftReport:
    """Replay ``migrations/`` in ``sandbox`` and compare with the schema of ``00_soul.md``."""
    from dbarch.tools.schema.diff import diff_schemas
    from dbarch.tools.schema.from_sql import schema_from_sql

    files, replayed = replay_migrations(ws, sandbox)
    stated = schema_from_sql(read_schema_sql(ws))
    differences = tuple(describe(d) for d in diff_schemas(stated, replayed))
    return DriftReport(files, differences)


def describe(difference: Any) -> str:
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
