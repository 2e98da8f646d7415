"""Indexes and keys set aside during a bulk load and rebuilt after it (as pg_restore does).

Maintaining a B-tree row by row costs more than building it once from sorted data, so a
table whose unique keys all hold by construction loses its indexes (and PRIMARY KEY /
UNIQUE constraints) for the load and gets them back, exactly as they were defined, after it.
Rebuilding a unique index is also the server's own proof that no duplicate was generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from dbarch.tools.datagen.introspect import TableInfo, _quote


@dataclass(frozen=True, slots=True)
class SetAside:
    table: str
    """Qualified, quoted table name."""
    constraints: tuple[tuple[str, str], ...]
    """``(name, pg_get_constraintdef)`` of PRIMARY KEY / UNIQUE constraints."""
    indexes: tuple[str, ...]
    """``pg_get_indexdef`` of the other indexes."""


def set_aside(conn: psycopg.Connection[Any], table: TableInfo) -> SetAside:
    """Drop the table's key constraints and indexes; return what rebuilds them."""
    relid = f"{table.qualified}"
    constraints = [
        (str(n), str(d))
        for n, d in conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY contype = 'p' DESC, oid",
            (relid,),
        ).fetchall()
    ]
    indexes = [
        (str(n), str(d))
        for n, d in conn.execute(
            "SELECT format('%%I.%%I', ns.nspname, c.relname), pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_namespace ns ON ns.oid = c.relnamespace "
            "WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY i.indexrelid",
            (relid,),
        ).fetchall()
    ]
    for name, _ in constraints:
        conn.execute(f"ALTER TABLE {table.qualified} DROP CONSTRAINT {_quote(name)}")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    return SetAside(table.qualified, tuple(constraints), tuple(d for _, d in indexes))


def restore(conn: psycopg.Connection[Any], aside: SetAside) -> list[str]:
    """Rebuild what :func:`set_aside` dropped; duplicates (never expected) are removed first,
    with a notice."""
    notices: list[str] = []
    for name, definition in aside.constraints:
        add = f"ALTER TABLE {aside.table} ADD CONSTRAINT {_quote(name)} {definition}"
        try:
            conn.execute(add)
        except psycopg.errors.UniqueViolation as exc:
            notices.append(f"{aside.table}: duplicate rows for {name} removed ({exc.diag.message_detail})")
            _dedupe(conn, aside.table, name, definition)
            conn.execute(add)
    for definition in aside.indexes:
        try:
            conn.execute(definition)
        except psycopg.errors.UniqueViolation as exc:
            notices.append(f"{aside.table}: unique index not rebuilt ({exc.diag.message_primary})")
    return notices


def _dedupe(conn: psycopg.Connection[Any], table: str, name: str, definition: str) -> None:
    row = conn.execute(
        "SELECT string_agg(quote_ident(a.attname), ', ') FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attname = ANY(%s)",
        (table, _columns_of(definition)),
    ).fetchone()
    cols = row[0] if row and row[0] else None
    if cols:
        conn.execute(
            f"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER "
            f"(PARTITION BY {cols}) AS n FROM {table}) AS d WHERE n > 1)"
        )


def _columns_of(definition: str) -> list[str]:
    """Column names of ``PRIMARY KEY (a, b)`` / ``UNIQUE (a, b)`` as the server prints them."""
    import sqlglot
    from sqlglot import exp

    inside = definition[definition.find("(") + 1 : definition.find(")")]
    try:
        tree = sqlglot.parse_one(f"SELECT {inside}", read="postgres")
    except Exception:
        return []
    return [c.name for c in tree.find_all(exp.Column)]
