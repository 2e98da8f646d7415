"""Records inside an owned section: a heading with an id, then ``- **Key:** value`` fields.

::

    ### D-003 · Use bigint identity keys
    - **Date:** 2025-11-25
    - **Decision:** every table gets `id bigint generated always as identity`
    - **Why:** int4 runs out at 2.1 billion rows;
      a later type change rewrites the table under an exclusive lock

Continuation lines are indented by two spaces, so a value can hold paragraphs, and a ``###`` line
inside a value never starts a record. Records round-trip byte for byte: :func:`set_field`
rewrites only the lines of the field it changes, so a person's own lines inside a record stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dbarch.memory.sections import check_text
from dbarch.tools.errors import WorkspaceError

HEADING = re.compile(
    r"^###[ \t]+(?P<id>[A-Z]+-[0-9]+)\b[ \t]*(?:[·:—–-][ \t]*)?(?P<title>.*?)[ \t\r]*$"
)
_HEADING_IDS = re.compile(r"^###[ \t]+([A-Z]+)-([0-9]+)\b", re.MULTILINE)
_FIELD = re.compile(r"^- \*\*(?P<key>[^*\n]+?):\*\*[ \t]?(?P<value>.*?)\r?$")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


@dataclass(frozen=True, slots=True)
class Record:
    """One parsed record and where it lies in the section body."""

    id: str
    title: str
    fields: tuple[tuple[str, str], ...]
    text: str
    """Lines that are not fields (a person's notes, a free-text body), as written."""
    start: int
    end: int
    """Offsets of the record (heading included) in the section body."""

    def get(self, key: str) -> str | None:
        for name, value in self.fields:
            if name.lower() == key.lower():
                return value
        return None

    @property
    def number(self) -> int:
        return int(self.id.split("-", 1)[1])


def render_field(key: str, value: str) -> str:
    """``- **Key:** value`` with continuation lines indented by two spaces."""
    lines = check_text(value, what=key.lower()).strip("\n").splitlines() or [""]
    out = [f"- **{key}:** {lines[0]}".rstrip()]
    out += [f"  {line}" if line.strip() else "" for line in lines[1:]]
    return "\n".join(out) + "\n"


def render_record(record_id: str, title: str, fields: list[tuple[str, str]]) -> str:
    """A whole record: the heading line and its fields."""
    title = " ".join(check_text(title, what="title").split())
    return f"### {record_id} · {title}\n" + "".join(render_field(k, v) for k, v in fields)


def parse_records(body: str, *, prefix: str) -> list[Record]:
    """The records with ids ``PREFIX-n`` in a section body, in order."""
    starts = [m.start() for m in _LINE.finditer(body) if _is_heading(m.group(0), prefix)]
    records = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(body)
        records.append(_parse_one(body[start:end], start))
    return records


def next_number(body: str, *, prefix: str) -> int:
    """One more than the highest ``PREFIX-n`` in ``body`` (1 when there is none)."""
    numbers = [int(n) for p, n in _HEADING_IDS.findall(body) if p == prefix]
    return max(numbers, default=0) + 1


def set_fields(raw: str, updates: dict[str, str]) -> str:
    """The record text ``raw`` with the named fields set; other lines are kept as they are.

    A field that is not there yet is added after the last field.
    """
    chunks = _chunks(raw)
    remaining = dict(updates)
    for index, (key, _text) in enumerate(chunks):
        if key is not None and key in remaining:
            chunks[index] = (key, render_field(key, remaining.pop(key)))
    if remaining:
        last_field = max((i for i, (k, _t) in enumerate(chunks) if k is not None), default=0)
        added = [(k, render_field(k, v)) for k, v in remaining.items()]
        chunks[last_field + 1 : last_field + 1] = added
    return "".join(text for _key, text in chunks)


def _is_heading(line: str, prefix: str) -> bool:
    match = HEADING.match(line.rstrip("\n"))
    return bool(match and match.group("id").split("-", 1)[0] == prefix)


def _parse_one(raw: str, start: int) -> Record:
    chunks = _chunks(raw)
    heading = HEADING.match(chunks[0][1].rstrip("\n"))
    if heading is None:  # pragma: no cover - parse_records only starts at headings
        raise WorkspaceError(f"not a record heading: {chunks[0][1]!r}")
    fields: list[tuple[str, str]] = []
    text: list[str] = []
    for key, chunk in chunks[1:]:
        if key is None:
            text.append(chunk)
            continue
        lines = chunk.splitlines()
        first = _FIELD.match(lines[0])
        value = [first.group("value") if first else ""]
        value += [line[2:] if line.startswith("  ") else line for line in lines[1:]]
        fields.append((key, "\n".join(value).rstrip()))
    return Record(
        id=heading.group("id"),
        title=heading.group("title"),
        fields=tuple(fields),
        text="".join(text),
        start=start,
        end=start + len(raw),
    )


def _chunks(raw: str) -> list[tuple[str | None, str]]:
    """Split a record into (field key or None, exact text) pieces that join back to ``raw``."""
    lines = [m.group(0) for m in _LINE.finditer(raw)]
    chunks: list[tuple[str | None, str]] = [(None, lines[0])] if lines else []
    index = 1
    while index < len(lines):
        match = _FIELD.match(lines[index].rstrip("\n"))
        if match is None:
            chunks.append((None, lines[index]))
            index += 1
            continue
        end = index + 1
        while end < len(lines):
            line = lines[end]
            if (line.startswith("  ") and line.strip()) or (
                not line.strip() and _continues(lines, end)
            ):
                end += 1
            else:
                break
        chunks.append((match.group("key").strip(), "".join(lines[index:end])))
        index = end
    return chunks


def _continues(lines: list[str], index: int) -> bool:
    """A blank line belongs to a field value when an indented line follows the blank run."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index < len(lines) and lines[index].startswith("  ") and bool(lines[index].strip())
