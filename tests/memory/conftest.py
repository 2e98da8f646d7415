"""Helpers for the workspace-memory tests: running Python in child processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def child_env() -> dict[str, str]:
    """The environment for a child Python that imports this checkout's packages."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_python(script: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter from the repository root."""
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=child_env(),
        check=False,
        **kwargs,
    )


def popen_python(script: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, env=child_env(), text=True, **kwargs
    )


@pytest.fixture
def ws_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder
