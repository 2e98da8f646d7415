"""Where a workspace is, and which files in it dbarch may write.

A workspace is a folder. dbarch writes only these files in it, never anything else:

- ``00_soul.md``, ``01_state.md``, ``02_memory.md``
- ``migrations/NNN_slug.sql`` (three or more digits, a lower-case slug)
- ``tests/NNN_slug.yaml`` (requirement tests, re-run against the replayed migrations)
- ``tests/volumes.yaml`` (the rows per table those tests run at)

and keeps its own bookkeeping (lock, journal) under ``.dbarch/``. A path with ``..``, an absolute
path, another extension, or a path that reaches its target through a symlink is refused with a
:class:`~tools.errors.WorkspaceError` before anything is touched.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dbarch.tools.errors import WorkspaceError

SOUL = "00_soul.md"
STATE = "01_state.md"
MEMORY = "02_memory.md"
MARKDOWN_FILES: tuple[str, ...] = (SOUL, STATE, MEMORY)
MIGRATIONS_DIR = "migrations"
TESTS_DIR = "tests"
VOLUMES_FILE = "tests/volumes.yaml"
"""The volumes the saved requirement tests run at (see :mod:`dbarch.memory.volumes`)."""
INTERNAL_DIR = ".dbarch"

MIGRATION_NAME = re.compile(r"^(?P<number>[0-9]{3,})_(?P<slug>[a-z0-9][a-z0-9_]*)\.sql$")
"""``003_add_orders.sql``: a zero-padded number, an underscore, a lower-case slug."""

TESTS_NAME = re.compile(r"^(?P<number>[0-9]{3,})_(?P<slug>[a-z0-9][a-z0-9_]*)\.yaml$")
"""``002_one_open_loan.yaml``: requirement tests, named like migrations."""

_ALLOWED_HINT = (
    "dbarch writes only 00_soul.md, 01_state.md, 02_memory.md, migrations/NNN_slug.sql and "
    "tests/NNN_slug.yaml (and tests/volumes.yaml)"
)


@dataclass(frozen=True, slots=True)
class WorkspacePaths:
    """The resolved root of a workspace, and the checks every path goes through."""

    root: Path
    """Absolute, symlink-free path of the workspace folder (it may not exist yet)."""

    @classmethod
    def at(cls, folder: str | os.PathLike[str]) -> WorkspacePaths:
        """The workspace at ``folder`` (the current directory when it is ``"."``)."""
        if "\x00" in os.fspath(folder):
            raise WorkspaceError("the workspace path contains a NUL byte", hint="pass a folder with --workspace DIR")
        root = Path(folder).expanduser()
        if root.exists() and not root.is_dir():
            raise WorkspaceError(
                "the workspace is not a folder",
                file=str(root),
                hint="pass a folder with --workspace DIR",
            )
        return cls(root.resolve())

    @property
    def internal(self) -> Path:
        """``.dbarch/``: the lock and the journal."""
        path = self.root / INTERNAL_DIR
        if path.is_symlink():
            raise WorkspaceError(
                f"{INTERNAL_DIR} is a symlink; dbarch keeps its lock and journal in a real folder",
                file=str(path),
                hint=f"remove the symlink {path}",
            )
        return path

    def writable(self, relative: str) -> Path:
        """The absolute path of ``relative`` if dbarch may write it, else a WorkspaceError."""
        rel = check_relative(relative)
        target = self.root.joinpath(*rel.parts)
        _refuse_symlinks(self.root, rel)
        return target

    def migrations(self) -> Path:
        """``migrations/``, refused when it is a symlink (it may not exist yet)."""
        _refuse_symlinks(self.root, PurePosixPath(MIGRATIONS_DIR))
        return self.root / MIGRATIONS_DIR

    def tests(self) -> Path:
        """``tests/``, refused when it is a symlink (it may not exist yet)."""
        _refuse_symlinks(self.root, PurePosixPath(TESTS_DIR))
        return self.root / TESTS_DIR

    def readable(self, relative: str) -> Path:
        """Same checks as :meth:`writable`: dbarch reads only what it may write."""
        return self.writable(relative)


def check_relative(relative: str) -> PurePosixPath:
    """Validate a workspace-relative path against the allowlist; return it normalised."""
    text = relative.replace("\\", "/")
    if not text or "\x00" in text:
        raise WorkspaceError("empty or invalid path", file=relative, hint=_ALLOWED_HINT)
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        raise WorkspaceError(
            "absolute paths are refused; name files relative to the workspace",
            file=relative,
            hint=_ALLOWED_HINT,
        )
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise WorkspaceError(
            "'..' is refused: dbarch never writes outside the workspace",
            file=relative,
            hint=_ALLOWED_HINT,
        )
    rel = PurePosixPath(*parts) if parts else PurePosixPath(".")
    if len(parts) == 1 and parts[0] in MARKDOWN_FILES:
        return rel
    if len(parts) == 2 and parts[0] == MIGRATIONS_DIR:
        if MIGRATION_NAME.match(parts[1]):
            return rel
        raise WorkspaceError(
            f"migration file name {parts[1]!r} is not of the form NNN_slug.sql",
            file=relative,
            hint="use three digits, an underscore and a lower-case slug: 004_add_orders.sql",
        )
    if len(parts) == 2 and parts[0] == TESTS_DIR:
        if TESTS_NAME.match(parts[1]) or "/".join(parts) == VOLUMES_FILE:
            return rel
        raise WorkspaceError(
            f"test file name {parts[1]!r} is not of the form NNN_slug.yaml",
            file=relative,
            hint="use three digits, an underscore and a lower-case slug: 001_one_open_loan.yaml "
            f"(volumes for the tests go in {VOLUMES_FILE})",
        )
    raise WorkspaceError(f"dbarch does not write {relative!r}", file=relative, hint=_ALLOWED_HINT)


def _refuse_symlinks(root: Path, rel: PurePosixPath) -> None:
    """Refuse a path that goes through a symlink (inside or out of the workspace).

    An atomic rename would replace a symlink instead of writing through it, and a symlink that
    leads out would let a write land outside the workspace: neither is ever what was meant.
    """
    current = root
    for part in rel.parts:
        current = current / part
        if current.is_symlink():
            target = os.path.realpath(current)
            outside = not Path(target).is_relative_to(root)
            where = "leads out of the workspace" if outside else "is a symlink"
            raise WorkspaceError(
                f"{current.relative_to(root)} {where} (to {target}); dbarch does not follow symlinks",
                file=str(current),
                hint="replace the symlink with a regular file or folder",
            )


def migration_relative(number: int, slug: str) -> str:
    """``migrations/004_add_orders.sql`` for number 4 and slug ``add_orders``."""
    return f"{MIGRATIONS_DIR}/{number:03d}_{slug}.sql"


def slugify(name: str) -> str:
    """A migration slug from free text: ``"Add orders table"`` -> ``add_orders_table``."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug:
        raise WorkspaceError(
            f"cannot make a migration name from {name!r}",
            hint="name the migration with letters or digits: add_orders",
        )
    return slug[:60].rstrip("_")
