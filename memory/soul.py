"""``00_soul.md``: the current schema, its ER diagram, and the decision records.

Three owned sections: ``schema`` (one fenced SQL block, the source of truth for what exists),
``erd`` (a Mermaid ``erDiagram`` drawn from that SQL) and ``decisions`` (append-only records
``D-001``, ``D-002``...). A decision once written is never changed by dbarch; a later decision that
reverses it says so in its own text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dbarch.memory import records, sections
from dbarch.memory.paths import SOUL
from dbarch.memory.sections import SectionSpec
from dbarch.memory.workspace import Workspace, WriteResult
from dbarch.tools.errors import WorkspaceError

PREFIX = "D"
EMPTY_SCHEMA = "```sql\n-- no tables yet\n```\n"
EMPTY_ERD = "```mermaid\nerDiagram\n```\n"
SPECS = (
    SectionSpec("schema", "## Current schema", EMPTY_SCHEMA),
    SectionSpec("erd", "## ER diagram", EMPTY_ERD),
    SectionSpec("decisions", "## Decisions", ""),
)
TITLE = "Soul: schema and decisions"
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>\w*)[ \t\r]*$")


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision record."""

    id: str
    title: str
    date: str
    decision: str
    why: str
    alternatives: str = ""
    consequences: str = ""


def record_decision(
    ws: Workspace,
    *,
    decision: str,
    why: str,
    alternatives: str = "",
    consequences: str = "",
    title: str | None = None,
    on: dt.date | None = None,
) -> Decision:
    """Append a decision record with the next free id; return it as written."""
    if not decision.strip() or not why.strip():
        raise WorkspaceError(
            "a decision needs both what was decided and why",
            file=SOUL,
            hint="give --decision and --why",
        )
    when = (on or dt.date.today()).isoformat()
    head = title or _title_from(decision)
    written: list[Decision] = []

    def change(old: str | None) -> tuple[str, str]:
        text, adopted = _adopt(ws, old)
        section = sections.require(text, ["decisions"], file=SOUL)["decisions"]
        number = records.next_number(sections.body(text, section), prefix=PREFIX)
        record = Decision(
            f"{PREFIX}-{number:03d}", head, when, decision, why, alternatives, consequences
        )
        fields = [("Date", when), ("Decision", decision), ("Why", why)]
        fields += [("Alternatives", alternatives or "none recorded")]
        fields += [("Consequences", consequences or "none recorded")]
        block = records.render_record(record.id, head, fields)
        written.append(record)
        summary = f"decision {record.id}: {head}"
        return sections.append_body(text, section, block), _with(adopted, summary)

    ws.update(SOUL, change)
    return written[-1]


def read_decisions(ws: Workspace) -> list[Decision]:
    """Every decision record, oldest first (an empty list when there is no soul file)."""
    text = _read(ws)
    if text is None:
        return []
    section = sections.require(text, ["decisions"], file=SOUL)["decisions"]
    out = []
    for rec in records.parse_records(sections.body(text, section), prefix=PREFIX):
        out.append(
            Decision(
                id=rec.id,
                title=rec.title,
                date=rec.get("date") or "",
                decision=rec.get("decision") or rec.text.strip(),
                why=rec.get("why") or "",
                alternatives=rec.get("alternatives") or "",
                consequences=rec.get("consequences") or "",
            )
        )
    return out


def set_schema(
    ws: Workspace,
    sql: str,
    *,
    summary: str = "schema updated",
    erd: str | None = None,
    source_name: str = "<schema>",
) -> WriteResult:
    """Replace the current schema (and its ER diagram) with ``sql``, which must parse.

    ``erd`` is the Mermaid text to store; by default it is drawn from ``sql``. A parse error is
    raised as it is (file ``source_name``, line, column) and nothing is written.
    """
    if erd is None:
        from dbarch.memory.erd import erd_from_sql

        erd = erd_from_sql(sql, source_name=source_name)
    sections.check_text(sql, what="schema SQL")
    sql_block = _fenced(sql.strip("\n") + "\n", "sql")
    erd_block = _fenced(erd.strip("\n") + "\n", "mermaid")

    def change(old: str | None) -> tuple[str, str]:
        text, adopted = _adopt(ws, old)
        found = sections.require(text, ["schema", "erd"], file=SOUL)
        # replace the later section first so the earlier one's offsets stay valid
        first, second = sorted((found["schema"], found["erd"]), key=lambda s: s.body_start)
        bodies = {"schema": sql_block, "erd": erd_block}
        text = sections.replace_body(text, second, bodies[second.name])
        text = sections.replace_body(text, first, bodies[first.name])
        return text, _with(adopted, summary)

    return ws.update(SOUL, change)


def read_schema_sql(ws: Workspace) -> str:
    """The SQL of the ``schema`` section ('' when there is no soul file or no tables yet)."""
    text = _read(ws)
    if text is None:
        return ""
    section = sections.require(text, ["schema"], file=SOUL)["schema"]
    return fenced_content(sections.body(text, section), "sql", file=SOUL, line=section.line)


def read_erd(ws: Workspace) -> str:
    """The Mermaid text of the ``erd`` section ('' when there is none)."""
    text = _read(ws)
    if text is None:
        return ""
    section = sections.require(text, ["erd"], file=SOUL)["erd"]
    return fenced_content(sections.body(text, section), "mermaid", file=SOUL, line=section.line)


def adoption(ws: Workspace) -> tuple[str, ...]:
    """What dbarch would adopt from a hand-written ``00_soul.md`` (nothing once it has markers)."""
    text = ws.read(SOUL)
    if text is None:
        return ()
    return sections.adopt_report(text, SPECS, title=TITLE, file=SOUL)[1]


def _read(ws: Workspace) -> str | None:
    """The soul file as dbarch reads it: a hand-written one as it would be adopted (the file
    itself is only changed by a write)."""
    text = ws.read(SOUL)
    return None if text is None else sections.adopt(text, SPECS, title=TITLE, file=SOUL)


def _adopt(ws: Workspace, old: str | None) -> tuple[str, tuple[str, ...]]:
    text, adopted = sections.adopt_report(old, SPECS, title=TITLE, file=SOUL)
    for line in adopted:
        ws.notice(line)
    return text, adopted


def _with(adopted: tuple[str, ...], summary: str) -> str:
    return "; ".join([*adopted, summary]) if adopted else summary


def fenced_content(body: str, lang: str, *, file: str, line: int) -> str:
    """The text inside the one fenced block of a section body; an error if there is none."""
    lines = body.splitlines(keepends=True)
    opened: re.Match[str] | None = None
    start = 0
    for index, raw in enumerate(lines):
        match = _FENCE.match(raw.rstrip("\n"))
        if match is None:
            continue
        if opened is None:
            opened, start = match, index + 1
        elif match.group("fence").startswith(opened.group("fence")) and not match.group("lang"):
            return "".join(lines[start:index])
    raise WorkspaceError(
        f"the section after line {line} should hold one fenced ```{lang} block",
        file=file,
        line=line,
        hint=f"put the {lang} text between a ```{lang} line and a ``` line",
    )


def _fenced(content: str, lang: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", content)), default=2)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{content}{fence}\n"


def _title_from(decision: str) -> str:
    """A short title: the decision's first sentence, at most 80 characters, cut at a word."""
    first = re.split(r"(?<=[.;!?])\s|\n", decision.strip(), maxsplit=1)[0].rstrip(".;")
    if len(first) <= 80:
        return first
    return first[:80].rsplit(" ", 1)[0] + "…"
