"""User triggers switched off for the synthetic load and back on after it, as
``pg_restore --disable-triggers`` does.

A trigger that checks a row against other tables (``RAISE EXCEPTION 'Incorrect room_id'``)
would refuse generated rows, and one that writes elsewhere (audit logs) would fill tables
nobody asked for. Values the trigger would have computed are generated like any other.
"""

from __future__ import annotations

from typing import Any

import psycopg

_ENABLED_USER_TRIGGERS = """
SELECT DISTINCT format('%I.%I', n.nspname, c.relname)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND t.tgenabled <> 'D' AND c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 1
"""


def disable_triggers(conn: psycopg.Connection[Any]) -> list[str]:
    """Disable the enabled user triggers; the tables, for :func:`enable_triggers`."""
    tables = [str(r[0]) for r in conn.execute(_ENABLED_USER_TRIGGERS).fetchall()]
    for table in tables:
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    return tables


def enable_triggers(conn: psycopg.Connection[Any], tables: list[str]) -> None:
    for table in tables:
        conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
