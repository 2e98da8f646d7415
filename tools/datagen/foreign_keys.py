"""Foreign keys dropped for the load and put back after it (as pg_restore does).

They come back as ``NOT VALID`` constraints first (a catalog change), then each child table's
are validated on a worker connection, several tables at once: ``VALIDATE CONSTRAINT`` takes
only a SHARE UPDATE EXCLUSIVE lock on the child, so validations of different tables do not
wait for each other. Validation is the server checking every row; a row it rejects (the
generator should never produce one) is deleted with a notice, never kept.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import Future
from functools import partial
from typing import Any

import psycopg

from dbarch.tools.datagen.introspect import _quote
from dbarch.tools.datagen.parallel import Workers

ForeignKey = tuple[str, str, str]
"""``(qualified table, constraint name, pg_get_constraintdef)``."""

_FOREIGN_KEYS = """
SELECT format('%I.%I', n.nspname, c.relname), con.conname, pg_get_constraintdef(con.oid)
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY con.oid
"""


def drop_foreign_keys(conn: psycopg.Connection[Any]) -> list[ForeignKey]:
    """Drop the foreign keys for the load; :func:`restore_foreign_keys` puts them back."""
    fks = [(str(t), str(n), str(d)) for t, n, d in conn.execute(_FOREIGN_KEYS).fetchall()]
    for table, name, _ in fks:
        conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
    return fks


def restore_foreign_keys(conn: psycopg.Connection[Any], fks: list[ForeignKey], workers: Workers) -> list[str]:
    """Re-create the foreign keys exactly and have the server check every row against them.

    Notices of rows removed start with the table's qualified name and ``: rows breaking``."""
    notices: list[str] = []
    pending: dict[str, list[ForeignKey]] = defaultdict(list)
    for fk in fks:
        table, name, definition = fk
        try:
            conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition} NOT VALID")
            pending[table].append(fk)
        except psycopg.Error:  # e.g. a server without NOT VALID for this kind of table
            notices.extend(_add_checked(conn, fk))
    futures: list[Future[list[str]]] = [
        workers.submit(partial(_validate_all, items)) for items in pending.values()
    ]
    for f in futures:
        notices.extend(f.result())
    return notices


def _validate_all(fks: list[ForeignKey], conn: psycopg.Connection[Any]) -> list[str]:
    notices: list[str] = []
    for table, name, _ in fks:
        validate = f"ALTER TABLE {table} VALIDATE CONSTRAINT {_quote(name)}"
        try:
            conn.execute(validate)
            continue
        except psycopg.Error as exc:
            message = exc.diag.message_primary or str(exc)
        notices.append(f"{table}: rows breaking {name} were removed ({message})")
        _delete_orphans(conn, table, name)
        conn.execute(validate)
    return notices


def _add_checked(conn: psycopg.Connection[Any], fk: ForeignKey) -> list[str]:
    table, name, definition = fk
    add = f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}"
    try:
        conn.execute(add)
        return []
    except psycopg.Error as exc:
        message = exc.diag.message_primary or str(exc)
    conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition} NOT VALID")
    _delete_orphans(conn, table, name)
    conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
    conn.execute(add)
    return [f"{table}: rows breaking {name} were removed ({message})"]


def _delete_orphans(conn: psycopg.Connection[Any], table: str, name: str) -> None:
    """Delete the rows of ``table`` that its (NOT VALID) foreign key ``name`` rejects."""
    row = conn.execute(
        "SELECT con.conkey, con.confrelid::regclass::text, con.confkey, con.conrelid "
        "FROM pg_constraint con WHERE con.conname = %s AND con.conrelid = %s::regclass",
        (name, table),
    ).fetchone()
    if row is None:
        return
    conkey, parent, confkey, relid = row
    names = dict(conn.execute("SELECT attnum, attname FROM pg_attribute WHERE attrelid = %s", (relid,)).fetchall())
    pnames = dict(conn.execute(
        "SELECT attnum, attname FROM pg_attribute WHERE attrelid = %s::regclass", (parent,)
    ).fetchall())
    match = " AND ".join(
        f"p.{_quote(pnames[b])} = c.{_quote(names[a])}" for a, b in zip(conkey, confkey, strict=True)
    )
    present = " AND ".join(f"c.{_quote(names[a])} IS NOT NULL" for a in conkey)
    conn.execute(f"DELETE FROM {table} AS c WHERE {present} AND NOT EXISTS (SELECT FROM {parent} AS p WHERE {match})")
