"""Fixtures for the workspace-memory tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def ws_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder
