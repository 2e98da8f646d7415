"""Tracebacks go to a log file in the user folder; the user sees one line that names it."""

from __future__ import annotations

import traceback
from pathlib import Path


def append_traceback(path: Path) -> Path | None:
    """Append the current exception's traceback to ``path``; its path, or None if unwritable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc() + "\n")
    except OSError:
        return None
    return path
