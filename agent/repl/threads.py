"""The index of conversation threads in the user folder (``threads.jsonl``), for /threads and
/resume. The conversations themselves live in the agent's checkpointer; this file only remembers
which threads exist, when they started, in which workspace, and their first request."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

INDEX = "threads.jsonl"


@dataclass(frozen=True, slots=True)
class ThreadInfo:
    id: str
    started: float
    workspace: str
    title: str


def remember(home: Path, info: ThreadInfo) -> None:
    """Add ``info`` unless its thread is known already."""
    if any(t.id == info.id for t in list_threads(home)):
        return
    home.mkdir(parents=True, exist_ok=True)
    with (home / INDEX).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(info)) + "\n")


def list_threads(home: Path) -> list[ThreadInfo]:
    """Known threads, oldest first (unreadable lines are skipped)."""
    path = home / INDEX
    if not path.is_file():
        return []
    out: list[ThreadInfo] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            out.append(ThreadInfo(str(data["id"]), float(data["started"]), str(data["workspace"]),
                                  str(data["title"])))
        except (ValueError, KeyError, TypeError):
            continue
    return out


def find(home: Path, prefix: str) -> list[ThreadInfo]:
    return [t for t in list_threads(home) if t.id.startswith(prefix)]


def title_of(request: str, limit: int = 60) -> str:
    flat = " ".join(request.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def when(started: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(started))
