"""Helpers for the workspace-memory tests: running Python in child processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
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


def popen_python(
    script: str, *, extra_args: tuple[str, ...] = (), **kwargs: Any
) -> subprocess.Popen[str]:
    """Start ``script`` in a fresh interpreter, ``extra_args`` as its ``sys.argv[1:]``."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *extra_args], cwd=REPO, env=child_env(), text=True, **kwargs
    )


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only for this process for the ``with`` block.

    File modes do not bind root, so as root the folder is a tmpfs mount remounted read-only
    (the test is skipped, saying why, where mounting is not allowed).
    """
    if os.geteuid() != 0:
        paths = [folder, *folder.rglob("*")]
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path in paths:
                path.chmod(0o755 if path.is_dir() else 0o644)
        return
    saved = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"running as root and cannot mount a read-only tmpfs: {mounted.stderr!r}")
    try:
        for rel, data in saved.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)
