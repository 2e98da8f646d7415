"""The write journal: ``.dbarch/journal.jsonl``, one JSON line per write.

Each line says when (UTC, ISO 8601), which file, a one-line summary, the SHA-256 of the bytes
written and the writing process, so any state of the workspace can be traced to the write that
made it. Lines are appended under the workspace lock, one ``write`` call each, then fsynced. A
process killed mid-append can leave a torn last line: readers skip it, and the next append starts
on a fresh line.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

JOURNAL_NAME = "journal.jsonl"


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One write: when, which file, what it did."""

    time: str
    """UTC time of the write, ISO 8601 with microseconds."""
    file: str
    """Workspace-relative path written (``00_soul.md``, ``migrations/003_x.sql``)."""
    summary: str
    """One line saying what changed (``decision D-004: use bigint identity keys``)."""
    sha256: str = ""
    """SHA-256 of the file's bytes after the write."""
    pid: int = 0

    @classmethod
    def now(cls, file: str, summary: str, sha256: str = "") -> JournalEntry:
        stamp = datetime.now(UTC).isoformat(timespec="microseconds")
        return cls(stamp, file, " ".join(summary.split()), sha256, os.getpid())


def append(internal_dir: Path, entry: JournalEntry) -> None:
    """Append ``entry``; the caller holds the workspace lock."""
    path = internal_dir / JOURNAL_NAME
    line = json.dumps(asdict(entry), ensure_ascii=False, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and _last_byte(path, size) != b"\n":
            line = "\n" + line  # a torn line from a killed writer: start afresh
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _last_byte(path: Path, size: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(size - 1)
        return handle.read(1)


def read(internal_dir: Path) -> list[JournalEntry]:
    """Every readable entry, oldest first (torn or foreign lines are skipped)."""
    path = internal_dir / JOURNAL_NAME
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    entries: list[JournalEntry] = []
    for line in raw.splitlines():
        try:
            data = json.loads(line)
            entries.append(
                JournalEntry(
                    time=str(data["time"]),
                    file=str(data["file"]),
                    summary=str(data["summary"]),
                    sha256=str(data.get("sha256", "")),
                    pid=int(data.get("pid", 0)),
                )
            )
        except (ValueError, KeyError, TypeError):
            continue
    return entries
