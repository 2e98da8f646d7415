"""Where the sandbox lives and how it limits the SQL it runs.

Everything per user sits in one folder, ``DBARCH_HOME`` (default ``~/.local/share/dbarch``).
The server's data directory goes to tmpfs (``/dev/shm``) when there is one, keyed by that
folder, so that two homes never share a server and the data stays off the disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def user_home() -> Path:
    """The per-user dbarch folder: ``$DBARCH_HOME`` or ``$XDG_DATA_HOME/dbarch``."""
    env = os.environ.get("DBARCH_HOME")
    if env:
        return Path(env).expanduser().absolute()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg).expanduser().absolute() / "dbarch"


def _runtime_root(home: Path) -> Path:
    env = os.environ.get("DBARCH_SANDBOX_DIR")
    if env:
        return Path(env).expanduser().absolute()
    digest = hashlib.sha1(str(home).encode()).hexdigest()[:10]
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        return shm / f"dbarch-{os.geteuid()}-{digest}"
    if os.geteuid() != 0:
        return home / "sandbox"
    return Path(tempfile.gettempdir()) / f"dbarch-{os.geteuid()}-{digest}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxSettings:
    """Where the sandbox lives and the limits its SQL runs under. The defaults read the
    ``DBARCH_*`` environment variables once, when the settings object is built (at the entry
    point); pass explicit values to ignore the environment."""

    home: Path = field(default_factory=user_home)
    """Per-user folder (``DBARCH_HOME``)."""
    root: Path | None = None
    """Where the server's data, socket and log live (``DBARCH_SANDBOX_DIR``; tmpfs by default)."""
    dsn: str | None = field(default_factory=lambda: os.environ.get("DBARCH_SANDBOX_DSN") or None)
    """A server the user provides instead of the embedded one (``DBARCH_SANDBOX_DSN``)."""
    statement_timeout_ms: int = field(
        default_factory=lambda: int(os.environ.get("DBARCH_STATEMENT_TIMEOUT_MS", "15000"))
    )
    lock_timeout_ms: int = 2000
    temp_file_limit: str = "1GB"
    backend_memory_mb: int = field(
        default_factory=lambda: int(os.environ.get("DBARCH_SANDBOX_MEMORY_MB", "4096"))
    )
    """Address space each process of the embedded server may use (``RLIMIT_AS``), so a runaway
    query ends in "out of memory" instead of exhausting the machine (``DBARCH_SANDBOX_MEMORY_MB``)."""
    role: str = "dbarch_sql"
    """The unprivileged role generated SQL runs as on the embedded server."""
    engine: str = "embedded"
    """``embedded`` (the wheel's PostgreSQL 18) or ``system`` (a PostgreSQL installed on the
    machine, for what the embedded build lacks: see :mod:`tools.sandbox.engines`)."""

    @property
    def runtime_root(self) -> Path:
        """Where the server's data, socket and log live (one folder per engine)."""
        root = self.root or _runtime_root(self.home)
        return root if self.engine == "embedded" else root.with_name(f"{root.name}-{self.engine}")

    def session_options(self) -> str:
        """libpq ``options`` that set the per-session limits."""
        return (
            f"-c statement_timeout={self.statement_timeout_ms} "
            f"-c lock_timeout={self.lock_timeout_ms} "
            "-c idle_in_transaction_session_timeout=60000"
        )
