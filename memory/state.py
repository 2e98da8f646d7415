"""``01_state.md``: changes planned or in flight, and the migrations that carry them.

One owned section, ``plans``, holds records ``P-001``, ``P-002``... each with a status
(``planned``, ``in progress``, ``applied``, ``abandoned``), its migration files and the date of
its last change. Updating a plan rewrites only its ``Status``, ``Migrations`` and ``Updated`` lines;
whatever else a person wrote inside the record stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from dbarch.memory import records, sections
from dbarch.memory.paths import STATE, check_relative
from dbarch.memory.sections import SectionSpec
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import WorkspaceError

PREFIX = "P"
STATUSES: tuple[str, ...] = ("planned", "in progress", "applied", "abandoned")
OPEN_STATUSES: tuple[str, ...] = ("planned", "in progress")
SPECS = (SectionSpec("plans", "## Plans", ""),)
TITLE = "State: planned and in-flight changes"


@dataclass(frozen=True, slots=True)
class Plan:
    """One planned change."""

    id: str
    title: str
    status: str
    migrations: tuple[str, ...] = ()
    updated: str = ""
    description: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def add_plan(
    ws: Workspace,
    title: str,
    *,
    description: str = "",
    status: str = "planned",
    migrations: Sequence[str] = (),
    on: dt.date | None = None,
) -> Plan:
    """Append a plan with the next free id; return it as written."""
    status = check_status(status)
    files = _check_migrations(migrations)
    when = (on or dt.date.today()).isoformat()
    if not title.strip():
        raise WorkspaceError("a plan needs a title", file=STATE, hint="say what will change")
    written: list[Plan] = []

    def change(old: str | None) -> tuple[str, str]:
        text = sections.adopt(old, SPECS, title=TITLE, file=STATE)
        section = sections.require(text, ["plans"], file=STATE)["plans"]
        number = records.next_number(sections.body(text, section), prefix=PREFIX)
        plan = Plan(
            f"{PREFIX}-{number:03d}", " ".join(title.split()), status, files, when, description
        )
        fields = [("Status", status), ("Migrations", _join(files)), ("Updated", when)]
        if description.strip():
            fields.append(("Description", description))
        written.append(plan)
        block = records.render_record(plan.id, plan.title, fields)
        return sections.append_body(
            text, section, block
        ), f"plan {plan.id} ({status}): {plan.title}"

    ws.update(STATE, change)
    return written[-1]


def update_plan(
    ws: Workspace,
    plan_id: str,
    *,
    status: str | None = None,
    add_migrations: Sequence[str] = (),
    on: dt.date | None = None,
) -> Plan:
    """Change a plan's status and/or add migration files to it; return the plan as written.

    ``applied`` and ``abandoned`` are final: a plan in either state is not changed again (write a
    new plan instead), so the history stays readable.
    """
    new_status = check_status(status) if status is not None else None
    files = _check_migrations(add_migrations)
    when = (on or dt.date.today()).isoformat()
    written: list[Plan] = []

    def change(old: str | None) -> tuple[str, str]:
        if old is None:
            raise WorkspaceError(f"no plan {plan_id}: {STATE} does not exist", file=STATE)
        old = sections.adopt(old, SPECS, title=TITLE, file=STATE)
        section = sections.require(old, ["plans"], file=STATE)["plans"]
        body = sections.body(old, section)
        record = _find(body, plan_id)
        current = _plan_from(record)
        if (
            new_status is not None
            and current.status not in OPEN_STATUSES
            and new_status != current.status
        ):
            raise WorkspaceError(
                f"plan {plan_id} is {current.status} already and is not changed again",
                file=STATE,
                hint="record a new plan for further work",
            )
        merged = current.migrations + tuple(f for f in files if f not in current.migrations)
        plan = Plan(
            current.id,
            current.title,
            new_status or current.status,
            merged,
            when,
            current.description,
        )
        raw = body[record.start : record.end]
        updates = {"Status": plan.status, "Migrations": _join(merged), "Updated": when}
        new_body = body[: record.start] + records.set_fields(raw, updates) + body[record.end :]
        written.append(plan)
        summary = f"plan {plan.id} -> {plan.status}"
        if files:
            summary += " (+" + ", ".join(files) + ")"
        return sections.replace_body(old, section, new_body), summary

    ws.update(STATE, change)
    return written[-1]


def read_plans(ws: Workspace) -> list[Plan]:
    """Every plan, oldest first (an empty list when there is no state file)."""
    text = ws.read(STATE)
    if text is None:
        return []
    text = sections.adopt(text, SPECS, title=TITLE, file=STATE)  # a hand-written file, read as adopted
    section = sections.require(text, ["plans"], file=STATE)["plans"]
    return [
        _plan_from(r) for r in records.parse_records(sections.body(text, section), prefix=PREFIX)
    ]


def check_status(status: str) -> str:
    value = " ".join(status.lower().replace("_", " ").replace("-", " ").split())
    if value not in STATUSES:
        raise WorkspaceError(
            f"unknown plan status {status!r}",
            file=STATE,
            hint="use one of: " + ", ".join(STATUSES),
        )
    return value


def _find(body: str, plan_id: str) -> records.Record:
    wanted = plan_id.upper()
    for record in records.parse_records(body, prefix=PREFIX):
        if record.id == wanted:
            return record
    raise WorkspaceError(
        f"no plan {plan_id} in {STATE}",
        file=STATE,
        hint="`dbarch memory show state` lists the plans",
    )


def _plan_from(record: records.Record) -> Plan:
    raw_status = record.get("status")
    if raw_status is None:
        raise WorkspaceError(
            f"plan {record.id} has no '- **Status:**' line",
            file=STATE,
            hint="put back the status line: - **Status:** planned",
        )
    try:
        status = check_status(raw_status)
    except WorkspaceError as exc:
        raise WorkspaceError(
            f"plan {record.id} has an unknown status {raw_status!r}",
            file=STATE,
            hint=exc.hint,
        ) from exc
    listed = record.get("migrations") or ""
    files = tuple(
        f.strip() for f in listed.replace("\n", ",").split(",") if f.strip() and f.strip() != "none"
    )
    return Plan(
        id=record.id,
        title=record.title,
        status=status,
        migrations=files,
        updated=record.get("updated") or "",
        description=record.get("description") or record.text.strip(),
    )


def _check_migrations(files: Sequence[str]) -> tuple[str, ...]:
    out = []
    for name in files:
        rel = name if "/" in name else f"migrations/{name}"
        out.append(str(check_relative(rel)))
    return tuple(out)


def _join(files: Sequence[str]) -> str:
    return ", ".join(files) if files else "none"
