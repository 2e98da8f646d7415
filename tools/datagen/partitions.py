"""Values inside the partition bounds of a partitioned table.

A row whose partition key falls outside every partition makes the whole INSERT fail ("no
partition of relation found for row"). For a table partitioned by RANGE (on one column or
several) or LIST, the key is drawn inside the bounds: each row picks one partition (from its
row number ``g``, so that every column of a multi-column key agrees on it), then a value inside
that partition's ``[FROM, TO)`` range or from its ``IN`` list. For a multi-column range
``FROM (2024, 7) TO (2025, 1)`` the columns before the first that differs are fixed (none
here), that one is drawn in ``[2024, 2025)``, and the ones after it are the column's usual value
kept at or above the lower bound's (``GREATEST(<usual month>, 7)``: still inside its CHECK).
Whatever the key (expressions, HASH, sub-partitions), every row is also filtered through the
union of the leaf partitions' own constraints (``pg_get_partition_constraintdef``), so a row
that would not route is dropped (and topped up) instead of failing the load.

An override is SQL over the row number ``g`` that may contain :data:`FREE`, the column's usual
generated value (the plan substitutes it).

Example: ``PARTITION BY RANGE (paid_at)`` with monthly partitions of 2022 gives ``paid_at``
the expression ``CASE (g * 2654435761) % 12 WHEN 0 THEN ('2022-01-01'::timestamptz +
random() * (...)) ... END``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import psycopg

_INTS = ("int2", "int4", "int8")
_DECIMALS = ("numeric", "float4", "float8")
_TIMESTAMPS = ("timestamp", "timestamptz")
_UNBOUNDED = ("MINVALUE", "MAXVALUE")
FREE = "{free}"
"""Placeholder, in an override, for the column's usual generated value."""


@dataclass(frozen=True, slots=True)
class PartitionBounds:
    overrides: tuple[tuple[str, str], ...]
    """``(key column, expression drawing inside the bounds)``."""
    checks: tuple[str, ...]
    """Row filters: the union of the leaf partitions' constraints (``false`` without leaves)."""
    definition: str = ""
    """The partition key as ``pg_get_partkeydef`` prints it: ``RANGE (yr, mo)``."""
    span: tuple[str, float | None, float | None, str | None, str | None] | None = None
    """A one-column RANGE key over integers or dates: ``(column, lowest FROM, highest TO,
    the same as date SQL)``, the TO exclusive (a key built as a product counts inside it)."""


@dataclass(frozen=True, slots=True)
class KeyColumn:
    name: str
    sql_type: str
    """The type as ``format_type`` prints it."""
    base: str
    """``pg_type.typname`` of the base type (domains resolved)."""


_KEYS = """
SELECT p.partrelid, p.partstrat, pg_get_partkeydef(p.partrelid),
       ARRAY(SELECT COALESCE(a.attname, '(expression)') FROM unnest(p.partattrs::int2[]) WITH ORDINALITY k(n, i)
             LEFT JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.n ORDER BY k.i),
       ARRAY(SELECT COALESCE(format_type(a.atttypid, a.atttypmod), '') FROM unnest(p.partattrs::int2[])
             WITH ORDINALITY k(n, i)
             LEFT JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.n ORDER BY k.i),
       ARRAY(SELECT COALESCE(bt.typname::text, '') FROM unnest(p.partattrs::int2[]) WITH ORDINALITY k(n, i)
             LEFT JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.n
             LEFT JOIN pg_type t ON t.oid = a.atttypid
             LEFT JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
             ORDER BY k.i)
FROM pg_partitioned_table p WHERE p.partrelid = ANY(%s)
"""
_CHILDREN = """
SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = %s ORDER BY c.relname
"""
_LEAVES = """
SELECT pg_get_partition_constraintdef(t.relid) FROM pg_partition_tree(%s) t
WHERE t.isleaf AND t.relid <> %s::oid
"""


def read_partitions(conn: psycopg.Connection[Any], oids: list[int]) -> dict[int, PartitionBounds]:
    """The bounds of every partitioned table among ``oids`` (by table oid)."""
    out: dict[int, PartitionBounds] = {}
    for relid, strategy, definition, names, sql_types, bases in conn.execute(_KEYS, (oids,)).fetchall():
        columns = tuple(str(n) for n in names)
        leaves = [r[0] for r in conn.execute(_LEAVES, (relid, relid)).fetchall()]
        if not leaves:
            out[relid] = PartitionBounds((), ("false",), str(definition))
            continue
        checks: tuple[str, ...] = ()
        if all(leaves):
            checks = (" OR ".join(f"({c})" for c in leaves),)
        overrides: tuple[tuple[str, str], ...] = ()
        span = None
        if strategy in ("r", "l") and "(expression)" not in columns:
            key = [KeyColumn(n, str(t), str(b)) for n, t, b in zip(columns, sql_types, bases, strict=True)]
            bounds = [str(r[0]) for r in conn.execute(_CHILDREN, (relid,)).fetchall()]
            overrides = key_overrides(strategy, bounds, key)
            span = range_span(bounds, key[0]) if strategy == "r" and len(key) == 1 and overrides else None
        out[relid] = PartitionBounds(overrides, checks, str(definition), span)
    return out


def key_overrides(strategy: str, bounds: list[str], key: list[KeyColumn]) -> tuple[tuple[str, str], ...]:
    """One expression per key column that puts each row inside one of ``bounds`` (the
    ``pg_get_expr`` of each child's bound); empty when every value has a partition (DEFAULT)
    or no bound could be read."""
    if any(b.strip().upper() == "DEFAULT" for b in bounds):
        return ()  # every value has a partition
    choices: list[list[str]] = []
    for bound in bounds:
        if strategy == "l":
            inside = _between_parens(bound, "IN")
            choices.extend([f"{v}::{key[0].sql_type}"] for v in _literals(inside or "") if v.upper() != "NULL")
        else:
            lo = _literals(_between_parens(bound, "FROM") or "")
            hi = _literals(_between_parens(bound, "TO") or "")
            inside_range = range_tuple(lo, hi, key) if len(lo) == len(hi) == len(key) else None
            if inside_range is not None:
                choices.append(inside_range)
    if not choices:
        return ()
    if len(choices) == 1:
        return tuple((c.name, choices[0][i]) for i, c in enumerate(key))
    pick = f"((g * 2654435761) % {len(choices)})"
    out = []
    for i, c in enumerate(key):
        whens = " ".join(f"WHEN {n} THEN {choice[i]}" for n, choice in enumerate(choices))
        out.append((c.name, f"(CASE {pick} {whens} END)"))
    return tuple(out)


def range_span(bounds: list[str], key: KeyColumn) -> tuple[str, float | None, float | None, str | None,
                                                         str | None] | None:
    """The lowest FROM and highest TO of a one-column RANGE key over integers or dates (``None``
    with an unbounded end, or another type)."""
    ends = [(_literals(_between_parens(b, "FROM") or ""), _literals(_between_parens(b, "TO") or "")) for b in bounds]
    values = [v for lo, hi in ends for v in (*lo, *hi)]
    if not values or any(len(lo) != 1 or len(hi) != 1 for lo, hi in ends) or \
            any(v.upper() in _UNBOUNDED for v in values):
        return None
    if key.base in _INTS:
        try:
            numbers = [int(v) for v in values]
        except ValueError:
            return None
        return key.name, float(min(numbers)), float(max(numbers)), None, None
    if key.base == "date":
        try:
            days = [dt.date.fromisoformat(v.strip("'")[:10]) for v in values]
        except ValueError:
            return None
        return key.name, None, None, f"'{min(days)}'::date", f"'{max(days)}'::date"
    return None


def range_tuple(lo: list[str], hi: list[str], key: list[KeyColumn]) -> list[str] | None:
    """One expression per key column drawing a tuple in ``[lo, hi)`` (row-wise comparison),
    or ``None`` when this bound cannot be drawn in (an empty range, a type without arithmetic
    under MINVALUE)."""
    first = next((i for i in range(len(key)) if lo[i] != hi[i]), None)
    if first is None or any(v.upper() in _UNBOUNDED for v in lo[:first]):
        return None
    out = [f"{lo[i]}::{key[i].sql_type}" for i in range(first)]
    c, low, high = key[first], lo[first], hi[first]
    low_open, high_open = low.upper() == "MINVALUE", high.upper() == "MAXVALUE"
    if low.upper() == "MAXVALUE" or high.upper() == "MINVALUE":
        return None
    if low_open and high_open:
        drawn: str | None = FREE
    elif low_open:
        drawn = below(high, c.base, c.sql_type)
    elif high_open:
        drawn = above(low, c.base, c.sql_type)
    else:
        drawn = between(low, high, c.base, c.sql_type)
    if drawn is None:
        return None
    out.append(drawn)
    # the drawn value may equal the lower bound: the next column then stays at or above the
    # lower bound's (the columns after it are free; a rare miss is filtered out)
    tail = lo[first + 1:]
    for j, value in enumerate(tail):
        col = key[first + 1 + j]
        if j == 0 and not low_open and value.upper() not in _UNBOUNDED:
            out.append(f"GREATEST({FREE}, {value}::{col.sql_type})")
        else:
            out.append(FREE)
    return out


def between(lo: str, hi: str, base: str, sql_type: str) -> str:
    """A value in ``[lo, hi)`` of the key's type (the lower bound itself for other types)."""
    low, high = f"{lo}::{sql_type}", f"{hi}::{sql_type}"
    if base in _INTS:
        return f"({low} + floor(random() * ({high} - {low}))::bigint)::{sql_type}"
    if base in _DECIMALS:
        return f"({low} + random()::numeric * ({high} - {low}))::{sql_type}"
    if base == "date":
        return f"({low} + floor(random() * ({high} - {low}))::int)"
    if base in _TIMESTAMPS:
        return f"({low} + random() * ({high} - {low}))::{sql_type}"
    return low


def above(lo: str, base: str, sql_type: str) -> str:
    """A value at or above ``lo`` (``FROM (lo) TO (MAXVALUE)``)."""
    low = f"{lo}::{sql_type}"
    if base in _INTS:
        return f"({low} + floor(random() * 1000)::bigint)::{sql_type}"
    if base in _DECIMALS:
        return f"({low} + random()::numeric * 1000)::{sql_type}"
    if base == "date":
        return f"({low} + floor(random() * 3650)::int)"
    if base in _TIMESTAMPS:
        return f"({low} + random() * INTERVAL '3650 days')::{sql_type}"
    return low


def below(hi: str, base: str, sql_type: str) -> str | None:
    """A value below ``hi`` (``FROM (MINVALUE) TO (hi)``), ``None`` for types without arithmetic."""
    high = f"{hi}::{sql_type}"
    if base in _INTS:
        return f"({high} - 1 - floor(random() * 1000)::bigint)::{sql_type}"
    if base in _DECIMALS:
        return f"({high} - 1 - random()::numeric * 1000)::{sql_type}"
    if base == "date":
        return f"({high} - 1 - floor(random() * 3650)::int)"
    if base in _TIMESTAMPS:
        return f"({high} - INTERVAL '1 second' - random() * INTERVAL '3650 days')::{sql_type}"
    return None


def _between_parens(text: str, keyword: str) -> str | None:
    """The text inside the parentheses after ``keyword`` (quotes respected)."""
    upper = text.upper()
    at = upper.find(f"{keyword} (")
    if at < 0:
        return None
    i = start = at + len(keyword) + 2
    depth, quoted = 1, False
    while i < len(text):
        c = text[i]
        if c == "'":
            quoted = not quoted
        elif not quoted and c == "(":
            depth += 1
        elif not quoted and c == ")":
            depth -= 1
            if depth == 0:
                return text[start:i]
        i += 1
    return None


def _literals(text: str) -> list[str]:
    """Split ``'a', 'b,c', 3`` at top-level commas (quotes respected)."""
    out: list[str] = []
    current: list[str] = []
    quoted = False
    for c in text:
        if c == "'":
            quoted = not quoted
        if c == "," and not quoted:
            out.append("".join(current).strip())
            current = []
        else:
            current.append(c)
    if "".join(current).strip():
        out.append("".join(current).strip())
    return out
