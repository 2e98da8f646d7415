"""``02_memory.md``: migration strategies, conventions and lessons learned.

Three owned sections (``strategies``, ``conventions``, ``lessons``) of dated, append-only entries
``M-001``, ``M-002``... numbered across the whole file, so an id names one entry whatever its
category.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dbarch.memory import records, sections
from dbarch.memory.paths import MEMORY
from dbarch.memory.sections import SectionSpec
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import WorkspaceError

PREFIX = "M"
CATEGORIES: dict[str, str] = {
    "strategy": "strategies",
    "convention": "conventions",
    "lesson": "lessons",
}
"""Category name -> section name."""
SPECS = (
    SectionSpec("strategies", "## Migration strategies", ""),
    SectionSpec("conventions", "## Conventions", ""),
    SectionSpec("lessons", "## Lessons learned", ""),
)
TITLE = "Memory: strategies, conventions, lessons"


@dataclass(frozen=True, slots=True)
class Note:
    """One memory entry."""

    id: str
    category: str
    title: str
    date: str
    text: str


def add_note(
    ws: Workspace,
    category: str,
    text: str,
    *,
    title: str | None = None,
    on: dt.date | None = None,
) -> Note:
    """Append an entry to the section of ``category``; return it as written."""
    key = _category(category)
    section_name = CATEGORIES[key]
    if not text.strip():
        raise WorkspaceError("an entry needs some text", file=MEMORY, hint="say what to remember")
    when = (on or dt.date.today()).isoformat()
    head = " ".join((title or _first_line(text)).split())
    written: list[Note] = []

    def change(old: str | None) -> tuple[str, str]:
        doc = sections.adopt(old, SPECS, title=TITLE, file=MEMORY)
        found = sections.require(doc, [s.name for s in SPECS], file=MEMORY)
        number = max(
            records.next_number(sections.body(doc, s), prefix=PREFIX) for s in found.values()
        )
        note = Note(f"{PREFIX}-{number:03d}", key, head, when, text)
        block = records.render_record(note.id, head, [("Date", when), ("Note", text)])
        written.append(note)
        summary = f"{note.category} {note.id}: {head}"
        return sections.append_body(doc, found[section_name], block), summary

    ws.update(MEMORY, change)
    return written[-1]


def read_notes(ws: Workspace, category: str | None = None) -> list[Note]:
    """Entries, by category in file order then id (all categories when ``category`` is None)."""
    doc = ws.read(MEMORY)
    if doc is None:
        return []
    wanted = [_category(category)] if category else list(CATEGORIES)
    doc = sections.adopt(doc, SPECS, title=TITLE, file=MEMORY)  # a hand-written file, read as adopted
    found = sections.require(doc, [CATEGORIES[c] for c in wanted], file=MEMORY)
    out = []
    for cat in wanted:
        body = sections.body(doc, found[CATEGORIES[cat]])
        for rec in records.parse_records(body, prefix=PREFIX):
            note_text = rec.get("note") or rec.text.strip()
            out.append(Note(rec.id, cat, rec.title, rec.get("date") or "", note_text))
    return out


def _category(category: str) -> str:
    key = category.lower().rstrip("s")
    key = "strategy" if key == "strategie" else key
    if key not in CATEGORIES:
        raise WorkspaceError(
            f"unknown category {category!r}",
            file=MEMORY,
            hint="use one of: " + ", ".join(CATEGORIES),
        )
    return key


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0].rstrip(".")
    return first if len(first) <= 80 else first[:80].rsplit(" ", 1)[0] + "…"
