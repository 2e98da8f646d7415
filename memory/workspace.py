"""A workspace: read its files, and write them the one safe way.

Every write goes through :meth:`Workspace.update` or :meth:`Workspace.create`: the path is checked
against the allowlist, the workspace lock is taken, the current text is read, the new text is
computed from it, written atomically, and a journal line is appended, all before the lock is let
go. So writers in several processes never lose one another's updates, and a failed write (a
hand-edited file out of shape, a read-only folder) leaves every file as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dbarch.memory import journal
from dbarch.memory.atomic import DEFAULT_LOCK_TIMEOUT, WorkspaceLock, atomic_write, os_error
from dbarch.memory.paths import WorkspacePaths
from dbarch.tools.errors import WorkspaceError

Change = Callable[[str | None], tuple[str, str]]
"""Given the file's current text (``None`` when it does not exist), the new text and a summary."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one write did."""

    file: str
    summary: str
    changed: bool
    """False when the new text equalled the old one (nothing written, nothing journalled)."""


def _ignore(_message: str) -> None:
    return None


class Workspace:
    """The workspace folder at ``folder`` (created on the first write, with a notice)."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        notice: Callable[[str], None] = _ignore,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self.paths = WorkspacePaths.at(folder)
        self.notice = notice
        self.lock_timeout = lock_timeout

    @property
    def root(self) -> Path:
        return self.paths.root

    def exists(self) -> bool:
        return self.root.is_dir()

    def read(self, relative: str) -> str | None:
        """The text of a workspace file, or ``None`` when it does not exist."""
        path = self.paths.readable(relative)
        try:
            return path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as exc:
            raise WorkspaceError(
                f"not UTF-8 text (byte {exc.start})",
                file=str(path),
                hint="save the file as UTF-8",
            ) from exc
        except OSError as exc:
            raise os_error(exc, path, "read") from exc

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the workspace lock (re-entrant) for a read-modify-write spanning several files."""
        internal = self._prepare()
        with WorkspaceLock(internal, timeout=self.lock_timeout).held():
            yield

    def update(self, relative: str, change: Change) -> WriteResult:
        """Read, change and write ``relative`` under the lock; journal the write."""
        path = self.paths.writable(relative)
        with self.locked():
            old = self.read(relative)
            new, summary = change(old)
            if new == old:
                return WriteResult(relative, summary, changed=False)
            self._write(path, relative, new, summary, exclusive=False)
            return WriteResult(relative, summary, changed=True)

    def create(self, relative: str, text: str, summary: str) -> WriteResult:
        """Write a new file; a WorkspaceError if it exists already (files are written once)."""
        path = self.paths.writable(relative)
        with self.locked():
            if path.exists() or path.is_symlink():
                raise WorkspaceError(
                    f"{relative} exists already and is never rewritten",
                    file=str(path),
                    hint="write a new migration with the next number instead",
                )
            self._write(path, relative, text, summary, exclusive=True)
            return WriteResult(relative, summary, changed=True)

    def journal(self) -> list[journal.JournalEntry]:
        """Every write recorded in ``.dbarch/journal.jsonl``, oldest first."""
        return journal.read(self.paths.internal)

    def _write(
        self, path: Path, relative: str, text: str, summary: str, *, exclusive: bool
    ) -> None:
        data = text.encode("utf-8")
        try:
            path.parent.mkdir(exist_ok=True)
            atomic_write(path, data, exclusive=exclusive)
        except FileExistsError as exc:
            raise WorkspaceError(
                f"{relative} appeared while it was being written and was left alone",
                file=str(path),
                hint="another tool wrote the same file; look at it and choose a new name",
            ) from exc
        except OSError as exc:
            raise os_error(exc, path, "write") from exc
        entry = journal.JournalEntry.now(relative, summary, hashlib.sha256(data).hexdigest())
        try:
            journal.append(self.paths.internal, entry)
        except OSError as exc:
            raise os_error(exc, self.paths.internal, "journal the write to") from exc

    def _prepare(self) -> Path:
        """Create the workspace and ``.dbarch/`` if needed; return ``.dbarch/``."""
        if not self.root.exists():
            try:
                self.root.mkdir(parents=True)
            except OSError as exc:
                raise os_error(exc, self.root, "create the workspace") from exc
            self.notice(f"created workspace {self.root}")
        internal = self.paths.internal
        try:
            internal.mkdir(exist_ok=True)
            gitignore = internal / ".gitignore"
            if not gitignore.exists():
                atomic_write(gitignore, b"lock\n")
        except OSError as exc:
            raise os_error(exc, internal, "create") from exc
        return internal

    def migrations_dir(self) -> Path:
        """``migrations/`` (refused when it is a symlink; it may not exist yet)."""
        return self.paths.migrations()

    def tests_dir(self) -> Path:
        """``tests/``: saved requirement tests (refused when it is a symlink)."""
        return self.paths.tests()
