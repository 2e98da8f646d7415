"""Adopting a file a person wrote without dbarch markers: find the sections dbarch needs under
headings that are already there, and mark them instead of adding duplicates.

For each needed section, the first heading with the same title (any level, any case) outside
code fences is looked for. A section whose initial body is a fenced block (``## Current schema``
holds one ```sql block) adopts the first fenced block of that language under the heading: the
markers go around that block, so the person's prose before and after it stays outside and is
never rewritten. Other sections (``## Decisions``, ``## Plans``...) adopt the heading's whole
body. Only marker lines are inserted: every byte the person wrote stays where it was. Sections
with no heading are appended at the end of the file, as before. Each adoption is reported in
words, for the write's summary and the user's notice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbarch.memory.sections import SectionSpec

_HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<title>.*?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w-]*)")
SQL_LANGS = frozenset({"sql", "postgresql", "postgres", "pgsql", "psql"})


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    text: str
    end: int
    """Offset just past the line's newline."""


@dataclass(frozen=True, slots=True)
class _Fence:
    open: int
    close: int
    """Indexes of the opening and closing fence lines."""
    lang: str


def _split(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        out.append(_Line(pos, raw.rstrip("\r\n"), pos + len(raw)))
        pos += len(raw)
    return out


def _outline(lines: Sequence[_Line]) -> tuple[list[tuple[int, int, str]], list[_Fence]]:
    """Headings ``(index, level, title)`` outside fences, and the fenced blocks."""
    headings: list[tuple[int, int, str]] = []
    fences: list[_Fence] = []
    opened: tuple[int, str, str] | None = None
    for i, line in enumerate(lines):
        fence = _FENCE.match(line.text)
        if opened is not None:
            if fence and fence.group("fence").startswith(opened[1]) and not fence.group("lang"):
                fences.append(_Fence(opened[0], i, opened[2]))
                opened = None
            continue
        if fence:
            opened = (i, fence.group("fence"), fence.group("lang").lower())
            continue
        heading = _HEADING.match(line.text)
        if heading:
            headings.append((i, len(heading.group("level")), heading.group("title").strip()))
    return headings, fences


def _title(heading: str) -> str:
    return heading.lstrip("#").strip().lower()


def _fence_lang(initial: str) -> str | None:
    match = _FENCE.match(initial)
    return match.group("lang").lower() if match and initial.lstrip().startswith(("```", "~~~")) else None


def adopt_headings(text: str, specs: Sequence[SectionSpec]) -> tuple[str, list[SectionSpec], list[str]]:
    """``text`` with markers put around the sections found under existing headings.

    Returns the new text, the specs not found (to append), and one sentence per adoption.
    ``text`` must hold no dbarch marker.
    """
    from dbarch.memory.sections import begin_marker, end_marker

    if text and not text.endswith("\n"):
        text += "\n"
    lines = _split(text)
    headings, fences = _outline(lines)
    inserts: list[tuple[int, str]] = []
    missing: list[SectionSpec] = []
    report: list[str] = []
    for spec in specs:
        found = next((h for h in headings if h[2].lower() == _title(spec.heading)), None)
        if found is None:
            missing.append(spec)
            continue
        index, level, _title_text = found
        after = [h[0] for h in headings if h[0] > index and h[1] <= level]
        stop = after[0] if after else len(lines)
        where = f"'{lines[index].text.strip()}' (line {index + 1})"
        begin, end = begin_marker(spec.name) + "\n", end_marker(spec.name) + "\n"
        lang = _fence_lang(spec.initial)
        if lang is not None:
            wanted = SQL_LANGS if lang == "sql" else {lang}
            block = next((f for f in fences if index < f.open < stop and f.lang in wanted), None)
            if block is not None:
                inserts += [(lines[block.open].start, begin), (lines[block.close].end, end)]
                what = "the current schema" if spec.name == "schema" else f"dbarch's {spec.name} section"
                report.append(f"adopted the ```{block.lang} block on line {block.open + 1} under {where} as {what}")
                continue
            at = _last_content_end(lines, index, stop)
            inserts.append((at, begin + spec.initial + end))
            report.append(f"added dbarch's {spec.name} block under the existing heading {where}")
            continue
        at = _last_content_end(lines, index, stop)
        inserts += [(lines[index].end, begin), (at, end)]
        report.append(f"adopted the section under {where} as dbarch's {spec.name} section")
    for offset, insert in sorted(inserts, key=lambda item: item[0], reverse=True):
        text = text[:offset] + insert + text[offset:]
    return text, missing, report


def _last_content_end(lines: Sequence[_Line], heading: int, stop: int) -> int:
    """The offset after the last non-blank line of a heading's section (its heading at least)."""
    last = heading
    for i in range(heading + 1, stop):
        if lines[i].text.strip():
            last = i
    return lines[last].end
