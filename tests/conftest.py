"""Shared fixtures: a private DBARCH_HOME per test run, and one real sandbox server.

The database is never mocked. If the embedded server cannot start, the tests that need it
fail (they are never skipped).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# One home for the whole run, set before anything reads it. Its server lives on tmpfs,
# keyed by this folder, so parallel runs never share a server.
_HOME = Path(tempfile.mkdtemp(prefix="dbarch-test-home-"))
os.environ["DBARCH_HOME"] = str(_HOME)
os.environ["DBARCH_CACHE_DIR"] = str(_HOME / "cache")  # lint reports cached per run, never shared
os.environ.setdefault("XDG_RUNTIME_DIR", str(_HOME))
for _var in ("DBARCH_SANDBOX_DSN", "LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "DBARCH_SANDBOX_DIR"):
    os.environ.pop(_var, None)


@pytest.fixture(scope="session")
def dbarch_home() -> Path:
    return _HOME


@pytest.fixture(scope="session")
def sandbox(dbarch_home: Path) -> Iterator[object]:
    """A started sandbox on the embedded PostgreSQL server, shared by the whole session."""
    from dbarch.tools.sandbox import Sandbox

    box = Sandbox()
    box.start()
    yield box
    box.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from dbarch.tools.sandbox.server import EmbeddedServer
    from dbarch.tools.sandbox.settings import SandboxSettings

    root = SandboxSettings().runtime_root
    with contextlib.suppress(Exception):
        EmbeddedServer(root).stop()
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(_HOME, ignore_errors=True)
