"""A compact summary of the workspace for the agent's context, kept under a token budget.

::

    Schema (3 tables, from 00_soul.md):
    orgs(id bigint PK, name varchar(200) NOT NULL UK)
    users(id bigint PK, org_id bigint NOT NULL FK->orgs, email text)
    Open plans:
    P-002 [in progress] Split users.name (migrations/004_split_name.sql)
    Latest decisions:
    D-007 2025-11-25 Use bigint identity keys

However large the workspace, the text stays under the budget (1,500 tokens by default). When it
would not, the largest items are summarised first (a table keeps its keys and its first columns
and says how many more it has; then only its column count; then tables are named without
columns; then counted), and fewer decisions and plans are listed, each elision said in words.
Lines are never cut in the middle.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from memory.migrations import list_migrations
from memory.notes import read_notes
from memory.soul import read_decisions, read_schema_sql
from memory.state import Plan, read_plans
from memory.workspace import Workspace
from tools.errors import DbarchError
from tools.schema import Schema, Table

DEFAULT_BUDGET = 1500
CHARS_PER_TOKEN = 3.5


def estimate_tokens(text: str) -> int:
    """A conservative token count: ``tiktoken`` when it works offline, else chars / 3.5."""
    counter = _tiktoken_counter()
    if counter is not None:
        return counter(text)
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _tiktoken_counter() -> Callable[[str], int] | None:
    try:
        import tiktoken  # type: ignore[import-not-found]

        encoding = tiktoken.get_encoding("cl100k_base")
    except Exception:  # noqa: BLE001 - not installed, or no tokenizer data offline
        return None
    return lambda text: len(encoding.encode(text))


@dataclass(frozen=True, slots=True)
class _TableLine:
    table: Table
    level: int = 0
    """0 all columns; 1 keys and first columns; 2 column count only."""

    def render(self) -> str:
        t = self.table
        if self.level >= 2:
            return f"{t.display_name}({len(t.columns)} columns)"
        cols = [_column_text(t, c.name) for c in t.columns]
        if self.level == 1:
            keys = {*(t.primary_key.columns if t.primary_key else ()), *(c for fk in t.foreign_keys for c in fk.columns)}
            kept = [text for c, text in zip(t.columns, cols, strict=True) if c.name in keys][:6]
            rest = [text for c, text in zip(t.columns, cols, strict=True) if c.name not in keys]
            kept += rest[: max(0, 4 - len(kept))]
            more = len(cols) - len(kept)
            cols = kept + ([f"+{more} more columns"] if more else [])
        return f"{t.display_name}({', '.join(cols)})"


def summarize(ws: Workspace, *, budget: int = DEFAULT_BUDGET) -> str:
    """The workspace summary, at most ``budget`` tokens by :func:`estimate_tokens`."""
    schema, problem = _schema(ws)
    plans = [p for p in read_plans(ws) if p.is_open]
    decisions = read_decisions(ws)
    notes = read_notes(ws)
    migrations = list_migrations(ws)

    tables = [_TableLine(t) for t in sorted(schema, key=lambda t: t.key)]
    named_only = 0  # how many of the last tables are shown by name only
    counted_only = False
    n_plans, n_decisions = min(len(plans), 15), min(len(decisions), 8)

    def render() -> str:
        out = []
        if problem:
            out.append(f"Schema: {problem}")
        else:
            out.append(f"Schema ({len(tables)} tables, from 00_soul.md):" if tables else "Schema: no tables yet")
            shown = tables[: len(tables) - named_only] if named_only else tables
            out += [line.render() for line in shown]
            if named_only and counted_only:
                out.append(f"...and {named_only} more tables (not listed to save space)")
            elif named_only:
                names = ", ".join(line.table.display_name for line in tables[-named_only:])
                out.append(f"...and {named_only} more tables: {names}")
        if plans:
            out.append(f"Open plans ({len(plans)}):")
            out += [_plan_text(p) for p in plans[-n_plans:]] if n_plans else []
            if n_plans < len(plans):
                out.append(f"...{len(plans) - n_plans} earlier open plans not listed")
        if decisions:
            out.append(f"Latest decisions ({len(decisions)} in all):")
            out += [f"{d.id} {d.date} {d.title}" for d in decisions[::-1][:n_decisions]]
        if notes:
            counts = ", ".join(f"{c} {sum(n.category == c for n in notes)}" for c in ("strategy", "convention", "lesson"))
            out.append(f"Memory notes: {len(notes)} ({counts}); see 02_memory.md")
        if migrations:
            out.append(f"Migrations: {len(migrations)}, latest {migrations[-1].file}")
        return "\n".join(out)

    text = render()
    while estimate_tokens(text) > budget:
        open_lines = [i for i, line in enumerate(tables[: len(tables) - named_only]) if line.level < 2]
        if n_decisions > 3:
            n_decisions = 3
        elif n_plans > 5:
            n_plans = 5
        elif open_lines:
            widest = max(open_lines, key=lambda i: len(tables[i].render()))
            tables[widest] = _TableLine(tables[widest].table, tables[widest].level + 1)
        elif named_only < len(tables):
            named_only = min(len(tables), named_only + max(1, len(tables) // 10))
        elif not counted_only and tables:
            counted_only = True
        elif n_plans > 0 or n_decisions > 0:
            n_plans, n_decisions = max(0, n_plans - 2), max(0, n_decisions - 1)
        else:
            break  # nothing left to shorten: the fixed lines alone are the summary
        text = render()
    return text


def _schema(ws: Workspace) -> tuple[Schema, str | None]:
    sql = read_schema_sql(ws)
    if not sql.strip():
        return Schema(), None
    try:
        from tools.model_sql import schema_from_sql

        return schema_from_sql(sql), None
    except DbarchError as exc:
        return Schema(), f"the schema in 00_soul.md does not parse ({exc.one_line()})"


def _column_text(table: Table, name: str) -> str:
    column = table.column(name)
    assert column is not None
    parts = [column.name, column.type]
    if table.primary_key and name in table.primary_key.columns:
        parts.append("PK")
    elif not column.nullable:
        parts.append("NOT NULL")
    for fk in table.foreign_keys:
        if name in fk.columns:
            parts.append(f"FK->{fk.ref_table.removeprefix('public.')}")
    if table.is_unique_on((name,)) and not (table.primary_key and name in table.primary_key.columns):
        parts.append("UK")
    return " ".join(parts)


def _plan_text(plan: Plan) -> str:
    files = f" ({', '.join(plan.migrations)})" if plan.migrations else ""
    return f"{plan.id} [{plan.status}] {plan.title}{files}"
