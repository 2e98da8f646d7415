"""Values inside the partition bounds of a partitioned table.

A row whose partition key falls outside every partition makes the whole INSERT fail ("no
partition of relation found for row"). For a table partitioned by RANGE or LIST on one column
the key is drawn inside the bounds: a partition is picked uniformly, then a value inside its
``[FROM, TO)`` range or from its ``IN`` list. Whatever the key (several columns,
expressions, sub-partitions), every row is also filtered through the union of the leaf
partitions' own constraints (``pg_get_partition_constraintdef``), so a row that would not
route is dropped (and topped up) instead of failing the load.

Example: ``PARTITION BY RANGE (paid_at)`` with monthly partitions of 2022 gives ``paid_at``
the expression ``CASE floor(random() * 12)::int WHEN 0 THEN ('2022-01-01'::timestamptz +
random() * (...)) ... END``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

_INTS = ("int2", "int4", "int8")
_DECIMALS = ("numeric", "float4", "float8")
_TIMESTAMPS = ("timestamp", "timestamptz")


@dataclass(frozen=True, slots=True)
class PartitionBounds:
    overrides: tuple[tuple[str, str], ...]
    """``(key column, expression drawing inside the bounds)``."""
    checks: tuple[str, ...]
    """Row filters: the union of the leaf partitions' constraints (``false`` without leaves)."""


_KEYS = """
SELECT p.partrelid, p.partstrat, p.partnatts,
       (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]),
       (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
        WHERE a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]),
       (SELECT bt.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
        WHERE a.attrelid = p.partrelid AND a.attnum = p.partattrs[0])
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
    for relid, strategy, natts, column, sql_type, base in conn.execute(_KEYS, (oids,)).fetchall():
        leaves = [r[0] for r in conn.execute(_LEAVES, (relid, relid)).fetchall()]
        if not leaves:
            out[relid] = PartitionBounds((), ("false",))
            continue
        checks: tuple[str, ...] = ()
        if all(leaves):
            checks = (" OR ".join(f"({c})" for c in leaves),)
        overrides: tuple[tuple[str, str], ...] = ()
        if natts == 1 and column is not None and strategy in ("r", "l"):
            bounds = [str(r[0]) for r in conn.execute(_CHILDREN, (relid,)).fetchall()]
            expr = key_expr(strategy, bounds, str(base), str(sql_type))
            if expr is not None:
                overrides = ((str(column), expr),)
        out[relid] = PartitionBounds(overrides, checks)
    return out


def key_expr(strategy: str, bounds: list[str], base: str, sql_type: str) -> str | None:
    """An expression inside one of ``bounds`` (``pg_get_expr`` of each child's bound)."""
    if any(b.strip().upper() == "DEFAULT" for b in bounds):
        return None  # every value has a partition
    choices: list[str] = []
    for bound in bounds:
        if strategy == "l":
            inside = _between_parens(bound, "IN")
            choices.extend(f"{v}::{sql_type}" for v in _literals(inside or "") if v.upper() != "NULL")
        else:
            lo = _literals(_between_parens(bound, "FROM") or "")
            hi = _literals(_between_parens(bound, "TO") or "")
            if len(lo) != 1 or len(hi) != 1 or {lo[0].upper(), hi[0].upper()} & {"MINVALUE", "MAXVALUE"}:
                continue
            choices.append(between(lo[0], hi[0], base, sql_type))
    if not choices:
        return None
    if len(choices) == 1:
        return choices[0]
    whens = " ".join(f"WHEN {i} THEN {c}" for i, c in enumerate(choices))
    return f"(CASE floor(random() * {len(choices)})::int {whens} END)"


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
