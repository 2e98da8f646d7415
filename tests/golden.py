"""Golden files and snapshots: compared, never written by a normal test run.

A missing or different file fails the test. After reviewing a change on purpose, rewrite them
with ``DBARCH_UPDATE_GOLDEN=1 pytest ...`` (the only way they are written).
"""

from __future__ import annotations

import os
from pathlib import Path

UPDATE_ENV = "DBARCH_UPDATE_GOLDEN"


def updating() -> bool:
    """True when this run was asked to rewrite golden files."""
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


def assert_golden(path: Path, actual: str) -> None:
    """``actual`` equals the text of ``path`` (rewritten instead when :func:`updating`)."""
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"golden file {path} is missing: review the output, then rerun with {UPDATE_ENV}=1")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path.name} changed; review the change and rerun with {UPDATE_ENV}=1"
