"""Atomic file writes and the workspace lock.

:func:`atomic_write` writes a temporary file next to the target, fsyncs it, renames it over the
target and fsyncs the folder: a process killed at any point leaves either the old file or the new
one, never a torn one (a stray ``.name.*.tmp`` file at worst, which readers never look at).

:class:`WorkspaceLock` is an exclusive ``fcntl.flock`` on ``.dbarch/lock``. Every writer, in any
process, holds it across read-modify-write, so no update is lost. It is re-entrant within one
process (threads are serialised by a per-path thread lock first). Readers take no lock: they see
whole files thanks to the rename.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from dbarch.tools.errors import WorkspaceError

LOCK_NAME = "lock"
DEFAULT_LOCK_TIMEOUT = 30.0


def atomic_write(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    With ``exclusive``, refuse (``FileExistsError``) when ``path`` already exists; the check and
    the rename are done with ``os.link`` so a file appearing in between is never overwritten.
    """
    folder = path.parent
    mode = _mode_for(path)
    fd, tmp_name = _temp_file(folder, path.name)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)  # fails with FileExistsError, never replaces
            tmp.unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)


def _temp_file(folder: Path, name: str) -> tuple[int, str]:
    for attempt in range(100):
        tmp = folder / f".{name}.{os.getpid()}.{attempt}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), str(tmp)
        except FileExistsError:
            continue
    raise WorkspaceError(f"cannot create a temporary file for {name}", file=str(folder))


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets 0644."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o644


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _LockState:
    """Per-process state of one lock file: a thread lock, the nesting depth, the open fd."""

    def __init__(self) -> None:
        self.guard = threading.RLock()
        self.depth = 0
        self.fd: int | None = None


_states: dict[Path, _LockState] = {}
_states_lock = threading.Lock()


class WorkspaceLock:
    """Exclusive, re-entrant, cross-process lock on ``<workspace>/.dbarch/lock``."""

    def __init__(self, internal_dir: Path, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = internal_dir / LOCK_NAME
        self.timeout = timeout
        with _states_lock:
            self._state = _states.setdefault(self.path, _LockState())

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the ``with`` block (nested use in one thread is fine)."""
        state = self._state
        if not state.guard.acquire(timeout=self.timeout):
            raise self._busy()
        try:
            if state.depth == 0:
                state.fd = self._acquire()
            state.depth += 1
            try:
                yield
            finally:
                state.depth -= 1
                if state.depth == 0 and state.fd is not None:
                    os.close(state.fd)  # closing the descriptor releases the flock
                    state.fd = None
        finally:
            state.guard.release()

    def _acquire(self) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise os_error(exc, self.path, "take the workspace lock") from exc
        deadline = time.monotonic() + self.timeout
        pause = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
            if time.monotonic() >= deadline:
                os.close(fd)
                raise self._busy()
            time.sleep(pause)
            pause = min(pause * 2, 0.01)

    def _busy(self) -> WorkspaceError:
        return WorkspaceError(
            f"the workspace is locked by another writer for more than {self.timeout:.0f} s",
            file=str(self.path),
            hint="another dbarch process is writing; wait for it or stop it (the lock frees itself"
            " when that process ends)",
        )


def os_error(exc: OSError, path: Path, action: str) -> WorkspaceError:
    """A WorkspaceError saying which operation on which path failed, and what to do."""
    reason = exc.strerror or str(exc)
    hint = "check the folder's permissions and free space"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = (
            "the workspace is read-only here: make it writable or choose another with --workspace"
        )
    return WorkspaceError(f"cannot {action} {path}: {reason}", file=str(path), hint=hint)
