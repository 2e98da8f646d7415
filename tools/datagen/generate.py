"""Filling a database with synthetic rows at stated volumes, entirely server-side.

``generate_data(conn, volumes)`` reads the catalog, orders tables parents first, runs one
``INSERT ... SELECT ... FROM generate_series`` per table (plus top-up passes when CHECK
filters or ON CONFLICT dropped rows), fills deferred and self-referencing foreign keys with an
UPDATE pass, moves sequences past the generated ids and VACUUMs (ANALYZE) what it filled.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import psycopg

from dbarch.tools.datagen.fill import KeysTables, bump_sequences, fill, update_pass
from dbarch.tools.datagen.foreign_keys import drop_foreign_keys, restore_foreign_keys
from dbarch.tools.datagen.indexes import SetAside, restore, set_aside
from dbarch.tools.datagen.introspect import TableInfo, read_tables
from dbarch.tools.datagen.order import FillOrder, fill_order
from dbarch.tools.datagen.parallel import Workers, default_workers
from dbarch.tools.datagen.plan import Options, ParentKeys, TablePlan, plan_table
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
class DatagenResult:
    tables: tuple[TableLoad, ...]
    seconds: float
    analyze_seconds: float
    notices: tuple[str, ...] = field(default=())

    total_rows: int = field(init=False, default=0)
    rows_per_second: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        total = sum(t.rows for t in self.tables)
        object.__setattr__(self, "total_rows", total)
        object.__setattr__(self, "rows_per_second", total / self.seconds if self.seconds > 0 else 0.0)

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
    order = fill_order(tables)
    for key in order.skipped:
        notices.append(f"{_display(by_key[key])} left empty: it is in a cycle of NOT NULL foreign keys")
    deferred_by_table: dict[Key, set[str]] = {}
    for key, fk_name in order.deferred:
        deferred_by_table.setdefault(key, set()).add(fk_name)

    timeout = f"SET statement_timeout = {int(statement_timeout_ms)}"
    conn.execute(timeout)
    size = default_workers() if workers is None else workers
    with Workers(conn, dsn, size, setup=(timeout, "SET maintenance_work_mem = '256MB'")) as pool:
        loads, notices_load, loaded_keys = _load(conn, pool, order, by_key, volumes, opts, seed, deferred_by_table)
        notices.extend(notices_load)
        loaded = time.perf_counter()
        rows = {t.table: t.rows for t in loads}
        filled = sorted((by_key[k] for k in loaded_keys), key=lambda t: -rows.get(_display(t), 0))
        for f in [pool.submit(partial(_vacuum, t)) for t in filled]:
            f.result()
    conn.execute("RESET statement_timeout")
    end = time.perf_counter()
    return DatagenResult(tuple(loads), loaded - started, end - loaded, tuple(notices))


def _load(
    conn: psycopg.Connection[Any], pool: Workers, order: FillOrder, by_key: dict[Key, TableInfo], volumes: Volumes,
    opts: Options, seed: float, deferred_by_table: dict[Key, set[str]],
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
            plan = plan_table(t, max(0, wanted - t.existing_rows), parents, deferred_by_table.get(key, set()), opts)
            notices.extend(plan.notices)
            inserted, passes = 0, 0
            if plan.skip:
                notices.append(f"{_display(t)} left empty: {plan.skip}")
            elif plan.rows > 0:
                bulk = plan.constructed and not t.existing_rows and plan.rows >= BULK_ROWS
                aside = set_aside(conn, t) if bulk else None
                inserted, passes, error = fill(conn, plan, keys_tables, t.existing_rows > 0, pool, seed)
                if aside is not None and plan.later:
                    asides[key] = aside
                elif aside is not None:  # rebuilt on a worker while the next table loads
                    rebuilds.append(pool.submit(partial(_rebuild, aside, t)))
                    bulk_loaded.add(key)
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
                error = update_pass(conn, plan.table, fk, parents, keys_tables, opts)
                if error:
                    notices.append(f"{_display(plan.table)}.{','.join(fk.columns)}: {error}")
            if plan.table.key in asides:
                rebuilds.append(pool.submit(partial(_rebuild, asides[plan.table.key], plan.table)))
            elif plan.table.key not in bulk_loaded:
                bump_sequences(conn, plan.table)
        for name in keys_tables.values():
            conn.execute(f"DROP TABLE IF EXISTS {name}")
    finally:
        for f in rebuilds:  # the foreign keys need the rebuilt unique indexes of their parents
            notices.extend(f.result())
    notices.extend(restore_foreign_keys(conn, foreign_keys, pool))
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
