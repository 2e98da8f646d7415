"""The parts of a markdown file that dbarch owns, between marker comments.

::

    ## Current schema
    <!-- dbarch:begin schema -->
    ...owned by dbarch...
    <!-- dbarch:end schema -->

dbarch edits only what lies between a ``begin``/``end`` pair; every byte outside is kept exactly.
Markers are whole lines starting at column 0. A file whose markers are out of shape (an ``end``
without ``begin``, nesting, a duplicate, a malformed marker, a needed section removed) raises a
:class:`~tools.errors.WorkspaceError` naming the line, and nothing is written.

A file with no dbarch markers at all (one a person wrote from scratch) is adopted: sections
whose headings are already there are marked in place (a "## Current schema" SQL block becomes
the current schema), the others are appended at its end, after the person's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dbarch.tools.errors import WorkspaceError

_MARKER = re.compile(r"^<!-- dbarch:(?P<kind>begin|end) (?P<name>[a-z][a-z0-9_-]*) -->[ \t\r]*$")
_MARKER_ANYWHERE = re.compile(r"<!--\s*dbarch\s*:", re.IGNORECASE)
_MARKER_LINE = re.compile(r"^[ \t]*<!--[ \t]*dbarch[ \t]*:[^\n]*", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Section:
    """One owned section: its name and where its body is in the file's text."""

    name: str
    line: int
    """1-based line of the ``begin`` marker."""
    body_start: int
    """Offset of the first character after the ``begin`` marker line."""
    body_end: int
    """Offset of the first character of the ``end`` marker line."""


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A section a file needs: its name, the heading written above it, its initial body."""

    name: str
    heading: str
    initial: str = ""


def begin_marker(name: str) -> str:
    return f"<!-- dbarch:begin {name} -->"


def end_marker(name: str) -> str:
    return f"<!-- dbarch:end {name} -->"


def render_section(spec: SectionSpec) -> str:
    """The heading, markers and initial body of a section, as appended to a file."""
    body = _as_body(spec.initial)
    return f"{spec.heading}\n{begin_marker(spec.name)}\n{body}{end_marker(spec.name)}\n"


def find_sections(text: str, *, file: str) -> dict[str, Section]:
    """Every owned section of ``text`` by name; a WorkspaceError if the markers are out of shape."""
    sections: dict[str, Section] = {}
    open_name: str | None = None
    open_line = 0
    open_body = 0
    for match in _MARKER_LINE.finditer(text):  # only candidate lines, found in C
        line = match.group(0)
        number = text.count("\n", 0, match.start()) + 1
        marker = _MARKER.match(line)
        if marker is None:
            raise _shape(f"malformed dbarch marker {line.strip()!r}", file, number)
        kind, name = marker.group("kind"), marker.group("name")
        line_end = match.end() + 1 if match.end() < len(text) else match.end()
        if kind == "begin":
            if open_name is not None:
                raise _shape(
                    f"'begin {name}' inside section {open_name!r} (opened on line {open_line})",
                    file,
                    number,
                )
            if name in sections:
                raise _shape(
                    f"section {name!r} appears twice (first on line {sections[name].line})",
                    file,
                    number,
                )
            open_name, open_line, open_body = name, number, line_end
        else:
            if open_name != name:
                expected = f"'end {open_name}'" if open_name else "no end marker"
                raise _shape(f"'end {name}' where {expected} was expected", file, number)
            sections[name] = Section(name, open_line, open_body, match.start())
            open_name = None
    if open_name is not None:
        raise _shape(f"section {open_name!r} is never closed", file, open_line)
    return sections


def require(text: str, names: Sequence[str], *, file: str) -> dict[str, Section]:
    """The sections ``names`` of ``text``, all of which must be present."""
    sections = find_sections(text, file=file)
    for name in names:
        if name not in sections:
            raise WorkspaceError(
                f"section {name!r} is missing (its dbarch markers were removed)",
                file=file,
                hint=f"put back the lines '{begin_marker(name)}' and '{end_marker(name)}'"
                " where the section should be",
            )
    return sections


def adopt(text: str | None, specs: Sequence[SectionSpec], *, title: str, file: str) -> str:
    """``text`` with every section of ``specs`` present (see :func:`adopt_report`)."""
    return adopt_report(text, specs, title=title, file=file)[0]


def adopt_report(
    text: str | None, specs: Sequence[SectionSpec], *, title: str, file: str
) -> tuple[str, tuple[str, ...]]:
    """``text`` with every section of ``specs`` present, and what was adopted, in words.

    A missing file becomes ``title`` and the sections. A file without any dbarch marker (one a
    person wrote) is adopted: a section whose heading is already there is marked where it is
    (a "## Current schema" SQL block becomes the current schema; see
    :mod:`memory.adoption`), and the others are appended after the person's text. A file
    that has some markers but not all the ones needed is an error: its sections were removed
    by hand, and guessing where they went could renumber records.
    """
    if text is None:
        return f"# {title}\n\n" + "\n".join(render_section(s) for s in specs), ()
    sections = find_sections(text, file=file)
    if not sections:
        from dbarch.memory.adoption import adopt_headings

        marked, missing, report = adopt_headings(text, specs)
        if not missing:
            return marked, tuple(f"{file}: {line}" for line in report)
        lead = marked if marked.endswith("\n") or not marked else marked + "\n"
        return lead + "\n" + "\n".join(render_section(s) for s in missing), tuple(
            f"{file}: {line}" for line in report
        )
    require(text, [s.name for s in specs], file=file)
    return text, ()


def body(text: str, section: Section) -> str:
    return text[section.body_start : section.body_end]


def replace_body(text: str, section: Section, new_body: str) -> str:
    """``text`` with the body of ``section`` replaced; nothing else changes."""
    return text[: section.body_start] + _as_body(new_body) + text[section.body_end :]


def append_body(text: str, section: Section, addition: str) -> str:
    """``text`` with ``addition`` appended at the end of ``section``, a blank line before it."""
    current = body(text, section)
    if current and not current.endswith("\n"):
        current += "\n"
    current = current.rstrip("\n") + "\n\n" if current.strip() else ""
    return replace_body(text, section, current + _as_body(addition))


def check_text(value: str, *, what: str) -> str:
    """Refuse user text that would break the file's shape (a dbarch marker inside it)."""
    if _MARKER_ANYWHERE.search(value):
        raise WorkspaceError(
            f"the {what} contains a dbarch marker comment",
            hint="remove '<!-- dbarch:' from the text",
        )
    return value


def _as_body(value: str) -> str:
    if value and not value.endswith("\n"):
        return value + "\n"
    return value


def _shape(message: str, file: str, line: int) -> WorkspaceError:
    return WorkspaceError(
        message,
        file=file,
        line=line,
        hint="fix the dbarch marker comments by hand (each section is one"
        " '<!-- dbarch:begin NAME -->' line and one '<!-- dbarch:end NAME -->' line); nothing was"
        " written",
    )
