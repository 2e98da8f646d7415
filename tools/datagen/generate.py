"""Filling a database with synthetic rows at stated volumes, entirely server-side.

``generate_data(conn, volumes)`` reads the catalog, orders tables parents first, runs one
``INSERT ... SELECT ... FROM generate_series`` per table (plus top-up passes when CHECK
filters or ON CONFLICT dropped rows), fills deferred and self-referencing foreign keys with an
UPDATE pass, moves sequences past the generated ids and VACUUMs (ANALYZE) what it filled.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import psycopg

from dbarch.tools.datagen.capacity import capacity_error
from dbarch.tools.datagen.fill import (
    KeysTables,
    bump_sequences,
    fill,
    relax_not_null,
    restore_not_null,
    update_pass,
)
from dbarch.tools.datagen.foreign_keys import drop_foreign_keys, restore_foreign_keys
from dbarch.tools.datagen.indexes import SetAside, restore, set_aside
from dbarch.tools.datagen.introspect import TableInfo, read_tables
from dbarch.tools.datagen.order import FillOrder, fill_order
from dbarch.tools.datagen.parallel import Workers, default_workers
from dbarch.tools.datagen.plan import Options, ParentKeys, TablePlan, plan_table
from dbarch.tools.datagen.triggers import disable_triggers, enable_triggers
from dbarch.tools.datagen.volumes import Volumes
from dbarch.tools.errors import UsageError
from dbarch.tools.schema.idents import display_key, qualify

Key = tuple[str, str]
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
class Shortfall:
    """A table that ended up with fewer rows than asked, and why."""

    table: str
    requested: int
    rows: int
    reason: str

    def __str__(self) -> str:
        got = "empty" if self.rows == 0 else f"{self.rows:,} of {self.requested:,} rows"
        return f"{self.table}: {got} ({self.reason})"


@dataclass(frozen=True, slots=True)
class DatagenResult:
    tables: tuple[TableLoad, ...]
    seconds: float
    analyze_seconds: float
    notices: tuple[str, ...] = field(default=())
    shortfalls: tuple[Shortfall, ...] = field(default=())
    """Tables with a stated or default volume that ended up empty or short (printed first)."""

    total_rows: int = field(init=False, default=0)
    rows_per_second: float = field(init=False, default=0.0)
    complete: bool = field(init=False, default=True)
    """True when every table got the rows asked for it."""

    def __post_init__(self) -> None:
        total = sum(t.rows for t in self.tables)
        object.__setattr__(self, "total_rows", total)
        object.__setattr__(self, "rows_per_second", total / self.seconds if self.seconds > 0 else 0.0)
        object.__setattr__(self, "complete", not self.shortfalls)

    def rows(self) -> dict[str, int]:
        return {t.table: t.rows for t in self.tables}


def _display(t: TableInfo) -> str:
    return display_key(qualify(t.name, t.schema))


def generate_data(
    conn: psycopg.Connection[Any],
    volumes: Volumes,
    *,
    options: Options | None = None,
    seed: float = 0.42,
    statement_timeout_ms: int = 600_000,
    dsn: str | None = None,
    workers: int | None = None,
) -> DatagenResult:
    """Fill every table of ``conn``'s database; ``conn`` is in autocommit mode.

    ``dsn`` (default: ``conn``'s own connection string) opens ``workers`` extra connections
    (default: one per core, 2 to 4; 0 runs everything on ``conn``) that insert chunks of large
    tables and rebuild indexes and foreign keys while the next table loads.
    """
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
    too_many = [
        err for t in tables
        if (wanted := volumes.for_table(*t.key) or (volumes.default if not t.existing_rows else 0))
        and (err := capacity_error(t, wanted)) is not None
    ]
    if too_many:
        raise UsageError("; ".join(too_many), hint="lower the volume in --rows (nothing was loaded)")
    order = fill_order(tables)
    why: dict[Key, str] = {}
    for key in order.skipped:
        why[key] = "it is in a cycle of NOT NULL foreign keys that are all part of primary keys"
        notices.append(f"{_display(by_key[key])} left empty: {why[key]}")
    deferred_by_table: dict[Key, set[str]] = {}
    for key, fk_name in order.deferred:
        deferred_by_table.setdefault(key, set()).add(fk_name)

    timeout = f"SET statement_timeout = {int(statement_timeout_ms)}"
    conn.execute(timeout)
    size = default_workers() if workers is None else workers
    with Workers(conn, dsn, size, setup=(timeout, "SET maintenance_work_mem = '256MB'")) as pool:
        unsupported = _unsupported_types(conn)
        triggered = disable_triggers(conn)
        if triggered:
            notices.append(f"user triggers of {len(triggered)} tables disabled during the load "
                           "(like pg_restore --disable-triggers)")
        try:
            loads, notices_load, loaded_keys = _load(conn, pool, order, by_key, volumes, opts, seed,
                                                     deferred_by_table, unsupported, why)
        finally:
            enable_triggers(conn, triggered)
        notices.extend(notices_load)
        loaded = time.perf_counter()
        rows = {t.table: t.rows for t in loads}
        filled = sorted((by_key[k] for k in loaded_keys), key=lambda t: -rows.get(_display(t), 0))
        for f in [pool.submit(partial(_vacuum, t)) for t in filled]:
            f.result()
    conn.execute("RESET statement_timeout")
    end = time.perf_counter()
    by_name = {_display(t): t.key for t in tables}
    shortfalls = tuple(
        Shortfall(load.table, load.requested, load.rows,
                  why.get(by_name[load.table], "fewer rows fit its unique keys and checks"))
        for load in loads if load.rows < load.requested
    )
    return DatagenResult(tuple(loads), loaded - started, end - loaded, tuple(notices), shortfalls)


def _unsupported_types(conn: psycopg.Connection[Any]) -> dict[str, str]:
    """Types whose values this server cannot make (the embedded build has no libxml)."""
    try:
        with conn.transaction():
            conn.execute("SELECT '<a/>'::xml")
    except psycopg.Error:
        return {"xml": "the sandbox PostgreSQL is built without libxml: no xml values "
                       "(--engine system, or --sandbox-dsn with a server that has it)"}
    return {}


def _load(
    conn: psycopg.Connection[Any], pool: Workers, order: FillOrder, by_key: dict[Key, TableInfo], volumes: Volumes,
    opts: Options, seed: float, deferred_by_table: dict[Key, set[str]], unsupported: dict[str, str],
    why: dict[Key, str],
) -> tuple[list[TableLoad], list[str], list[Key]]:
    """Insert every table in ``order``; rebuild indexes in the background and foreign keys last."""
    notices: list[str] = []
    foreign_keys = drop_foreign_keys(conn)
    conn.execute("SELECT setseed(%s)", (seed,))
    parents: dict[Key, ParentKeys] = {}
    keys_tables: KeysTables = {}
    loads: list[TableLoad] = []
    plans: list[TablePlan] = []
    rebuilds: list[Future[list[str]]] = []
    bulk_loaded: set[Key] = set()
    asides: dict[Key, SetAside] = {}
    """Tables whose indexes are rebuilt after the UPDATE pass of their deferred foreign keys."""
    try:
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
            plan = plan_table(t, max(0, wanted - t.existing_rows), parents, deferred_by_table.get(key, set()), opts,
                              unsupported)
            notices.extend(plan.notices)
            if plan.notices:
                why[key] = "; ".join(n.removeprefix(f"{t.name}: ") for n in plan.notices)
            inserted, passes = 0, 0
            if plan.skip:
                why[key] = plan.skip
                notices.append(f"{_display(t)} left empty: {plan.skip}")
            elif plan.rows > 0:
                relax_not_null(conn, t, plan.relax)
                bulk = plan.constructed and not t.existing_rows and plan.rows >= BULK_ROWS
                aside = set_aside(conn, t) if bulk else None
                inserted, passes, error = fill(conn, plan, keys_tables, t.existing_rows > 0, pool, seed)
                if aside is not None and plan.later:
                    asides[key] = aside
                elif aside is not None:  # rebuilt on a worker while the next table loads
                    rebuilds.append(pool.submit(partial(_rebuild, aside, t)))
                    bulk_loaded.add(key)
                if error:
                    why[key] = error
                    notices.append(f"{_display(t)}: {error}")
                elif inserted < plan.rows:
                    reason = f"only {inserted:,} of {plan.rows:,} generated rows fit its unique keys and checks"
                    if t.partition_key:
                        drawn = "" if t.overrides else "; its key is not drawn inside the bounds"
                        reason = (f"only {inserted:,} of {plan.rows:,} generated rows fit its unique keys, checks "
                                  f"and partitions (partitioned by {t.partition_key}{drawn}: the other rows fell "
                                  "in no partition)")
                    notices.append(f"{_display(t)}: {reason}")
                    why[key] = f"{why[key]}; {reason}" if key in why else reason
            total = t.existing_rows + inserted
            dense = t.existing_rows == 0 and passes == 1 and inserted == plan.rows
            parents[key] = ParentKeys(total, dense, plan.templates if dense else {})
            plans.append(plan)
            loads.append(TableLoad(_display(t), wanted, total, time.perf_counter() - t0, passes))

        for plan in plans:
            for fk in plan.later:
                error = update_pass(conn, plan.table, fk, parents, keys_tables, opts, required=fk in plan.relax)
                if error:
                    notices.append(f"{_display(plan.table)}.{','.join(fk.columns)}: {error}")
            error = restore_not_null(conn, plan.table, plan.relax)
            if error:
                why[plan.table.key] = error
                notices.append(f"{_display(plan.table)}: {error}")
            if plan.table.key in asides:
                rebuilds.append(pool.submit(partial(_rebuild, asides[plan.table.key], plan.table)))
            elif plan.table.key not in bulk_loaded:
                bump_sequences(conn, plan.table)
        for name in keys_tables.values():
            conn.execute(f"DROP TABLE IF EXISTS {name}")
    finally:
        for f in rebuilds:  # the foreign keys need the rebuilt unique indexes of their parents
            notices.extend(f.result())
    fk_notices = restore_foreign_keys(conn, foreign_keys, pool)
    notices.extend(fk_notices)
    if any(": rows breaking " in n for n in fk_notices):  # the counts changed: say where
        tables = {_display(t): t for t in by_key.values()}
        for i, load in enumerate(loads):
            row = conn.execute(f"SELECT count(*) FROM {tables[load.table].qualified}").fetchone()
            now = int(row[0]) if row else 0
            if now < load.rows:
                loads[i] = replace(load, rows=now)
                why[tables[load.table].key] = "rows breaking its foreign keys were removed after the load"
    filled = [p.table.key for p in plans if p.table.existing_rows == 0 or volumes.for_table(*p.table.key)]
    return loads, notices, filled


def _rebuild(aside: SetAside, table: TableInfo, conn: psycopg.Connection[Any]) -> list[str]:
    """Rebuild a bulk-loaded table's keys and indexes, then move its sequences (``max(id)``
    reads the rebuilt primary key instead of the table)."""
    notices = restore(conn, aside)
    bump_sequences(conn, table)
    return notices


def _vacuum(table: TableInfo, conn: psycopg.Connection[Any]) -> None:
    """Statistics, and the visibility map a table has in steady state (autovacuum keeps it):
    without it the planner costs an index-only scan like a plain one, and covering indexes
    look useless."""
    conn.execute(f"VACUUM (ANALYZE) {table.qualified}")
