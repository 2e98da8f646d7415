"""Fixtures for the safety tests: a private, cold sandbox folder, and helpers to run SQL."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def cold_root() -> Iterator[Path]:
    """A sandbox folder that does not exist yet (short: unix socket paths are limited)."""
    base = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else Path("/tmp")
    root = base / f"dbs-{secrets.token_hex(4)}"
    yield root
    from dbarch.tools.sandbox.server import EmbeddedServer

    with contextlib.suppress(Exception):
        EmbeddedServer(root).stop(force=True)
    shutil.rmtree(root, ignore_errors=True)
