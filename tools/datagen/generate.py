"""Filling a database with synthetic rows at stated volumes, entirely server-side.

``generate_data(conn, volumes)`` reads the catalog, orders tables parents first, runs one
``INSERT ... SELECT ... FROM generate_series`` per table (plus top-up passes when CHECK
filters or ON CONFLICT dropped rows), fills deferred and self-referencing foreign keys with an
UPDATE pass, moves sequences past the generated ids and ANALYZEs what it filled.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg

from tools.datagen.indexes import SetAside, restore, set_aside
from tools.datagen.introspect import ForeignKeyInfo, TableInfo, _quote, read_tables
from tools.datagen.order import fill_order
from tools.datagen.plan import Options, ParentKeys, TablePlan, insert_sql, pick_expr, plan_table
from tools.datagen.volumes import Volumes
from tools.errors import UsageError

Key = tuple[str, str]
MAX_PASSES = 8
BULK_ROWS = 5_000
"""Tables this large have their indexes rebuilt after the load instead of maintained."""


@dataclass(frozen=True, slots=True)
class TableLoad:
    table: str
    requested: int
    rows: int
    """Rows in the table afterwards."""
    seconds: float
    passes: int = 1


@dataclass(frozen=True, slots=True)
class DatagenResult:
    tables: tuple[TableLoad, ...]
    seconds: float
    analyze_seconds: float
    notices: tuple[str, ...] = field(default=())

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0

    def rows(self) -> dict[str, int]:
        return {t.table: t.rows for t in self.tables}

    def to_dict(self) -> dict[str, Any]:
        return {
            "tables": [
                {"table": t.table, "requested": t.requested, "rows": t.rows,
                 "seconds": round(t.seconds, 3), "passes": t.passes}
                for t in self.tables
            ],
            "total_rows": self.total_rows,
            "seconds": round(self.seconds, 3),
            "analyze_seconds": round(self.analyze_seconds, 3),
            "rows_per_second": round(self.rows_per_second),
            "notices": list(self.notices),
        }


def _display(t: TableInfo) -> str:
    return t.name if t.schema == "public" else f"{t.schema}.{t.name}"


def generate_data(
    conn: psycopg.Connection[Any],
    volumes: Volumes,
    *,
    options: Options | None = None,
    seed: float = 0.42,
    statement_timeout_ms: int = 600_000,
) -> DatagenResult:
    """Fill every table of ``conn``'s database; ``conn`` is in autocommit mode."""
    opts = options or Options()
    started = time.perf_counter()
    tables = read_tables(conn)
    by_key = {t.key: t for t in tables}
    unknown = volumes.unknown(set(by_key))
    if unknown:
        raise UsageError(
            f"--rows names tables the schema does not have: {', '.join(unknown)}",
            hint="known tables: " + ", ".join(_display(t) for t in tables) if tables else None,
        )
    notices: list[str] = []
    defaulted = [_display(t) for t in tables if volumes.for_table(*t.key) is None and not t.existing_rows]
    if defaulted and not volumes.explicit_default:
        notices.append(
            f"no volume stated for {', '.join(defaulted)}: {volumes.default:,} rows each "
            "(state volumes with --rows table=N,... or a YAML/JSON file)"
        )
    order = fill_order(tables)
    for key in order.skipped:
        notices.append(f"{_display(by_key[key])} left empty: it is in a cycle of NOT NULL foreign keys")
    deferred_by_table: dict[Key, set[str]] = {}
    for key, fk_name in order.deferred:
        deferred_by_table.setdefault(key, set()).add(fk_name)

    conn.execute("SELECT set_config('statement_timeout', %s, false)", (str(statement_timeout_ms),))
    foreign_keys = _drop_foreign_keys(conn)
    conn.execute("SELECT setseed(%s)", (seed,))
    parents: dict[Key, ParentKeys] = {}
    keys_tables: dict[tuple[Key, tuple[str, ...]], str] = {}
    loads: list[TableLoad] = []
    plans: list[TablePlan] = []
    aside: list[SetAside] = []
    for key in order.tables:
        t = by_key[key]
        asked = volumes.for_table(*key)
        if asked is None and t.existing_rows:
            notices.append(f"{_display(t)} keeps its {t.existing_rows:,} existing rows (seed data)")
            parents[key] = ParentKeys(t.existing_rows, False, {})
            loads.append(TableLoad(_display(t), t.existing_rows, t.existing_rows, 0.0, 0))
            continue
        wanted = volumes.default if asked is None else asked
        t0 = time.perf_counter()
        plan = plan_table(t, max(0, wanted - t.existing_rows), parents, deferred_by_table.get(key, set()), opts)
        notices.extend(plan.notices)
        inserted, passes = 0, 0
        if plan.skip:
            notices.append(f"{_display(t)} left empty: {plan.skip}")
        elif plan.rows > 0:
            if plan.constructed and not t.existing_rows and plan.rows >= BULK_ROWS:
                aside.append(set_aside(conn, t))
            inserted, passes, error = _fill(conn, plan, parents, keys_tables, t.existing_rows > 0)
            if error:
                notices.append(f"{_display(t)}: {error}")
            elif inserted < plan.rows:
                notices.append(
                    f"{_display(t)}: only {inserted:,} of {plan.rows:,} rows fit its unique keys and checks"
                )
        total = t.existing_rows + inserted
        dense = t.existing_rows == 0 and passes == 1 and inserted == plan.rows
        parents[key] = ParentKeys(total, dense, plan.templates if dense else {})
        plans.append(plan)
        loads.append(TableLoad(_display(t), wanted, total, time.perf_counter() - t0, passes))

    for plan in plans:
        for fk in plan.later:
            error = _update_pass(conn, plan.table, fk, parents, keys_tables, opts)
            if error:
                notices.append(f"{_display(plan.table)}.{','.join(fk.columns)}: {error}")
        _bump_sequences(conn, plan.table)
    for name in keys_tables.values():
        conn.execute(f"DROP TABLE IF EXISTS {name}")
    for item in aside:
        notices.extend(restore(conn, item))
    notices.extend(_restore_foreign_keys(conn, foreign_keys))
    loaded = time.perf_counter()
    filled = [by_key[k] for k in order.tables if by_key[k].existing_rows == 0 or volumes.for_table(*k)]
    if filled:
        conn.execute("ANALYZE " + ", ".join(t.qualified for t in filled))
    conn.execute("RESET statement_timeout")
    end = time.perf_counter()
    return DatagenResult(tuple(loads), loaded - started, end - loaded, tuple(notices))


def _keys_table(
    conn: psycopg.Connection[Any], fk: ForeignKeyInfo, rows: int | None,
    cache: dict[tuple[Key, tuple[str, ...]], str],
) -> tuple[str, int]:
    """A temporary ``rn -> key`` table of the parent's existing keys (numbered 1..n)."""
    cache_key = ((fk.ref_schema, fk.ref_table), fk.ref_columns)
    name = cache.get(cache_key)
    if name is None:
        name = f"_dbarch_keys_{len(cache)}"
        cols = ", ".join(_quote(c) for c in fk.ref_columns)
        not_null = " AND ".join(f"{_quote(c)} IS NOT NULL" for c in fk.ref_columns)
        conn.execute(
            f"CREATE TEMP TABLE {name} AS SELECT row_number() OVER () AS rn, {cols} "
            f"FROM {_quote(fk.ref_schema)}.{_quote(fk.ref_table)} WHERE {not_null}"
        )
        conn.execute(f"CREATE UNIQUE INDEX ON {name} (rn)")
        conn.execute(f"ANALYZE {name}")
        cache[cache_key] = name
    row = conn.execute(f"SELECT count(*) FROM {name}").fetchone()
    return name, int(row[0]) if row else 0


def _fill(
    conn: psycopg.Connection[Any], plan: TablePlan, parents: dict[Key, ParentKeys],
    keys_tables: dict[tuple[Key, tuple[str, ...]], str], had_rows: bool,
) -> tuple[int, int, str | None]:
    """Insert ``plan.rows`` rows; returns (inserted, passes, error message)."""
    joined = {k: _keys_table(conn, fk, None, keys_tables)[0] for _, k, fk in plan.joins}
    inserted, passes, lo = 0, 0, 1
    size = plan.rows
    has_unique = bool(plan.table.unique_keys) or plan.table.has_opaque_unique
    while inserted < plan.rows and passes < MAX_PASSES:
        remaining = plan.rows - inserted
        hi = lo + size - 1
        sql = insert_sql(plan, lo, hi, remaining, joined,
                         conflict=plan.conflict or had_rows or (passes > 0 and has_unique))
        try:
            cur = conn.execute(sql)
        except psycopg.Error as exc:
            diag = exc.diag.message_primary or str(exc).splitlines()[0]
            return inserted, passes + 1, f"could not be filled: {diag} [SQLSTATE {exc.sqlstate}]"
        got = max(cur.rowcount, 0)
        passes += 1
        inserted += got
        if got == 0:
            break
        ratio = got / size
        lo = hi + 1
        size = math.ceil((plan.rows - inserted) / max(ratio, 0.02) * 1.2) + 16
    return inserted, passes, None


def _update_pass(
    conn: psycopg.Connection[Any], t: TableInfo, fk: ForeignKeyInfo, parents: dict[Key, ParentKeys],
    keys_tables: dict[tuple[Key, tuple[str, ...]], str], opts: Options,
) -> str | None:
    parent = parents.get((fk.ref_schema, fk.ref_table))
    if parent is None or parent.rows == 0:
        return "left NULL: the referenced table has no rows"
    direct = parent.dense and all(rc in parent.templates for rc in fk.ref_columns)
    if direct:
        sets = ", ".join(
            f"{_quote(c)} = {parent.templates[rc].format(idx='r.k')}"
            for c, rc in zip(fk.columns, fk.ref_columns, strict=True)
        )
        source, cond = "", " AND r.k IS NOT NULL"
        n = parent.rows
    else:
        name, n = _keys_table(conn, fk, None, keys_tables)
        sets = ", ".join(f"{_quote(c)} = p.{_quote(rc)}" for c, rc in zip(fk.columns, fk.ref_columns, strict=True))
        source, cond = f" JOIN {name} AS p ON p.rn = r.k", ""
    pick = pick_expr(n, opts, nullable=True, salt=7)
    sql = (
        f"UPDATE {t.qualified} AS c SET {sets} FROM (SELECT ctid AS tid, {pick} AS k "
        f"FROM {t.qualified} OFFSET 0) AS r{source} WHERE c.ctid = r.tid{cond}"
    )
    try:
        conn.execute(sql)
    except psycopg.Error as exc:
        return f"left NULL: {exc.diag.message_primary or exc} [SQLSTATE {exc.sqlstate}]"
    return None


def _bump_sequences(conn: psycopg.Connection[Any], t: TableInfo) -> None:
    """Move serial/identity sequences past the generated values."""
    for c in t.columns:
        if not c.serial:
            continue
        row = conn.execute("SELECT pg_get_serial_sequence(%s, %s)", (t.qualified, c.name)).fetchone()
        if not row or not row[0]:
            continue
        conn.execute(
            f"SELECT setval(%s, m) FROM (SELECT max({_quote(c.name)}) AS m FROM {t.qualified}) s WHERE m IS NOT NULL",
            (row[0],),
        )


_FOREIGN_KEYS = """
SELECT format('%I.%I', n.nspname, c.relname), con.conname, pg_get_constraintdef(con.oid)
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY con.oid
"""


def _drop_foreign_keys(conn: psycopg.Connection[Any]) -> list[tuple[str, str, str]]:
    """Drop the foreign keys for the load (as pg_restore does); they are put back after it,
    and the server then checks every row against them in one pass."""
    fks = [(str(t), str(n), str(d)) for t, n, d in conn.execute(_FOREIGN_KEYS).fetchall()]
    for table, name, _ in fks:
        conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
    return fks


def _restore_foreign_keys(conn: psycopg.Connection[Any], fks: list[tuple[str, str, str]]) -> list[str]:
    """Re-create the foreign keys exactly; rows that would break one are deleted, with a notice
    (the generator should never produce them: this is the server's proof that it did not)."""
    notices: list[str] = []
    for table, name, definition in fks:
        add = f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}"
        try:
            conn.execute(add)
            continue
        except psycopg.Error as exc:
            message = exc.diag.message_primary or str(exc)
        notices.append(f"{table}: rows breaking {name} were removed ({message})")
        _delete_orphans(conn, table, name, definition)
        conn.execute(add)
    return notices


def _delete_orphans(conn: psycopg.Connection[Any], table: str, name: str, definition: str) -> None:
    """Delete the rows of ``table`` that the foreign key ``definition`` rejects."""
    add = f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition} NOT VALID"
    conn.execute(add)
    row = conn.execute(
        "SELECT con.conkey, con.confrelid::regclass::text, con.confkey, con.conrelid "
        "FROM pg_constraint con WHERE con.conname = %s AND con.conrelid = %s::regclass",
        (name, table),
    ).fetchone()
    conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
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
