"""``migrations/NNN_slug.sql``: numbered, write-once migrations.

A new migration takes the next free number (one more than the highest present). A migration once
written is never rewritten. Before it is written it goes through a verifier (see
:func:`memory.verify.sandbox_verifier`: parse, lint without errors, apply in the sandbox on top
of the earlier migrations); the number is chosen, the verifier run and the file created under
the workspace lock, so two writers never take the same number.

The folder must be unambiguous: two files with one number (``003_a.sql`` and ``003_b.sql``, one
added by hand) or a ``.sql`` file whose name is not ``NNN_slug.sql`` stop every migration
command with an error naming the files, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dbarch.memory.paths import MIGRATION_NAME, MIGRATIONS_DIR, migration_relative, slugify
from dbarch.memory.sections import check_text
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import WorkspaceError


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file."""

    number: int
    slug: str
    file: str
    """Workspace-relative path: ``migrations/003_add_orders.sql``."""

    def read(self, ws: Workspace) -> str:
        text = ws.read(self.file)
        if text is None:
            raise WorkspaceError(f"{self.file} disappeared", file=self.file)
        return text


Verifier = Callable[[str, str, Sequence[Migration]], None]
"""``verify(sql, file, earlier)`` raises a DbarchError when ``sql`` must not be written."""


def list_migrations(ws: Workspace) -> list[Migration]:
    """The migrations in number order; a WorkspaceError when the folder is ambiguous."""
    folder = ws.migrations_dir()
    if not folder.is_dir():
        return []
    found: dict[int, Migration] = {}
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith(".") or not name.endswith(".sql"):
            continue
        match = MIGRATION_NAME.match(name)
        if match is None:
            raise WorkspaceError(
                f"{MIGRATIONS_DIR}/{name} is not named NNN_slug.sql, so its place in the order is unknown",
                file=str(path),
                hint=f"rename it, for example to {MIGRATIONS_DIR}/{_suggest(name, found)}",
            )
        number = int(match.group("number"))
        if number in found:
            raise WorkspaceError(
                f"two migrations have number {number:03d}: {found[number].file} and {MIGRATIONS_DIR}/{name}",
                file=str(path),
                hint="renumber the one added last to the next free number; nothing was written",
            )
        found[number] = Migration(number, match.group("slug"), f"{MIGRATIONS_DIR}/{name}")
    return [found[n] for n in sorted(found)]


def next_number(ws: Workspace) -> int:
    """One more than the highest migration number (1 for an empty folder)."""
    return max((m.number for m in list_migrations(ws)), default=0) + 1


def write_migration(
    ws: Workspace,
    name: str,
    sql: str,
    *,
    number: int | None = None,
    verify: Verifier | None = None,
) -> Migration:
    """Verify ``sql`` and write it as the next migration (or as ``number``); return it.

    ``verify`` is required in real use; only tests of the file layer pass ``None``.
    """
    slug = slugify(name)
    if not sql.strip():
        raise WorkspaceError("the migration is empty", hint="give the SQL to write")
    check_text(sql, what="migration")
    list_migrations(ws)  # an ambiguous folder is refused before anything, even the lock, is made
    with ws.locked():
        existing = list_migrations(ws)
        taken = {m.number: m for m in existing}
        if number is None:
            number = max(taken, default=0) + 1
        elif number < 1:
            raise WorkspaceError(f"migration number {number} is not positive")
        elif number in taken:
            raise WorkspaceError(
                f"migration number {number:03d} is taken by {taken[number].file}",
                file=taken[number].file,
                hint=f"use the next free number, {max(taken) + 1:03d}, or leave the number out",
            )
        elif number < max(taken, default=0):
            raise WorkspaceError(
                f"migration {number:03d} would run before {taken[max(taken)].file}, which exists already",
                hint="new migrations go after the existing ones; leave the number out",
            )
        relative = migration_relative(number, slug)
        earlier = [m for m in existing if m.number < number]
        if verify is not None:
            verify(sql, relative, earlier)
        text = sql if sql.endswith("\n") else sql + "\n"
        ws.create(relative, text, f"migration {number:03d}: {slug}")
        return Migration(number, slug, relative)


def _suggest(name: str, found: dict[int, Migration]) -> str:
    stem = Path(name).stem
    try:
        slug = slugify(stem.lstrip("0123456789_-"))
    except WorkspaceError:
        slug = "migration"
    return migration_relative(max(found, default=0) + 1, slug).split("/", 1)[1]
