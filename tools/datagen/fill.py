"""Running a table's generation plan: the INSERT passes, the UPDATE pass of deferred foreign
keys, and moving sequences past the generated ids.

A large table whose keys hold by construction is inserted in chunks of its row range
(``g = 1..n/2`` and ``n/2+1..n``) on separate connections at once: each row is a function of
``g``, so the chunks never collide. Top-up passes (rows a CHECK filter or ``ON CONFLICT``
dropped) run on the main connection.
"""

from __future__ import annotations

import math
from concurrent.futures import Future
from functools import partial
from typing import Any

import psycopg

from dbarch.tools.datagen.introspect import ForeignKeyInfo, TableInfo, _quote
from dbarch.tools.datagen.parallel import Workers
from dbarch.tools.datagen.plan import Options, ParentKeys, TablePlan, insert_sql, pick_expr

Key = tuple[str, str]
KeysTables = dict[tuple[Key, tuple[str, ...]], str]
MAX_PASSES = 8
CHUNK_ROWS = 50_000
"""A first pass this large is split across the worker connections."""


def keys_table(conn: psycopg.Connection[Any], fk: ForeignKeyInfo, cache: KeysTables) -> tuple[str, int]:
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


def _error(exc: psycopg.Error) -> str:
    diag = exc.diag.message_primary or str(exc).splitlines()[0]
    return f"could not be filled: {diag} [SQLSTATE {exc.sqlstate}]"


def _chunk(plan: TablePlan, lo: int, hi: int, seed: float, conn: psycopg.Connection[Any]) -> int:
    conn.execute("SELECT setseed(%s)", (seed,))
    cur = conn.execute(insert_sql(plan, lo, hi, hi - lo + 1, {}, conflict=False))
    return max(cur.rowcount, 0)


def _chunked(plan: TablePlan, workers: Workers, seed: float) -> int:
    """The first pass over ``g = 1..plan.rows`` split across the workers; rows inserted."""
    n = workers.size
    bounds = [(plan.rows * i // n + 1, plan.rows * (i + 1) // n) for i in range(n)]
    futures: list[Future[int]] = [
        workers.submit(partial(_chunk, plan, lo, hi, math.fmod(seed + 0.1 * (i + 1), 1.0)))
        for i, (lo, hi) in enumerate(bounds) if hi >= lo
    ]
    first_error: BaseException | None = None
    got = 0
    for f in futures:  # wait for every chunk before reporting an error
        exc = f.exception()
        if exc is None:
            got += f.result()
        elif first_error is None:
            first_error = exc
    if first_error is not None:
        raise first_error
    return got


def fill(
    conn: psycopg.Connection[Any], plan: TablePlan, keys_tables: KeysTables, had_rows: bool,
    workers: Workers, seed: float,
) -> tuple[int, int, str | None]:
    """Insert ``plan.rows`` rows; returns (inserted, passes, error message)."""
    joined = {k: keys_table(conn, fk, keys_tables)[0] for _, k, fk in plan.joins}
    inserted, passes, lo = 0, 0, 1
    size = plan.rows
    has_unique = bool(plan.table.unique_keys) or plan.table.has_opaque_unique
    if workers.size > 1 and plan.rows >= CHUNK_ROWS and not (plan.joins or plan.conflict or had_rows):
        try:
            inserted = _chunked(plan, workers, seed)
        except psycopg.Error as exc:
            return 0, 1, _error(exc)
        passes, lo = 1, plan.rows + 1
        size = math.ceil((plan.rows - inserted) / max(inserted / plan.rows, 0.02) * 1.2) + 16
        if inserted == 0:
            return 0, 1, None
    while inserted < plan.rows and passes < MAX_PASSES:
        remaining = plan.rows - inserted
        hi = lo + size - 1
        sql = insert_sql(plan, lo, hi, remaining, joined,
                         conflict=plan.conflict or had_rows or (passes > 0 and has_unique))
        try:
            cur = conn.execute(sql)
        except psycopg.Error as exc:
            return inserted, passes + 1, _error(exc)
        got = max(cur.rowcount, 0)
        passes += 1
        inserted += got
        if got == 0:
            break
        ratio = got / size
        lo = hi + 1
        size = math.ceil((plan.rows - inserted) / max(ratio, 0.02) * 1.2) + 16
    return inserted, passes, None


def relax_not_null(conn: psycopg.Connection[Any], t: TableInfo, fks: list[ForeignKeyInfo]) -> None:
    """Drop NOT NULL on the columns of ``fks`` for the load (they are filled by an UPDATE)."""
    for c in {c for fk in fks for c in fk.columns}:
        conn.execute(f"ALTER TABLE {t.qualified} ALTER COLUMN {_quote(c)} DROP NOT NULL")


def restore_not_null(conn: psycopg.Connection[Any], t: TableInfo, fks: list[ForeignKeyInfo]) -> str | None:
    """Set NOT NULL again (the server checks every row); rows still NULL there are deleted."""
    columns = sorted({c for fk in fks for c in fk.columns})
    if not columns:
        return None
    nulls = " OR ".join(f"{_quote(c)} IS NULL" for c in columns)
    cur = conn.execute(f"DELETE FROM {t.qualified} WHERE {nulls}")
    for c in columns:
        conn.execute(f"ALTER TABLE {t.qualified} ALTER COLUMN {_quote(c)} SET NOT NULL")
    if cur.rowcount and cur.rowcount > 0:
        return f"{cur.rowcount:,} rows removed: their NOT NULL reference ({', '.join(columns)}) found no parent row"
    return None


def update_pass(
    conn: psycopg.Connection[Any], t: TableInfo, fk: ForeignKeyInfo, parents: dict[Key, ParentKeys],
    keys_tables: KeysTables, opts: Options, *, required: bool = False,
) -> str | None:
    """Fill a deferred foreign key (cycle, self-reference) of the rows already there.

    ``required``: a NOT NULL foreign key (every row gets a parent); when its columns are a
    unique key, rows take the parents in turn instead of a skewed pick."""
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
        name, n = keys_table(conn, fk, keys_tables)
        sets = ", ".join(f"{_quote(c)} = p.{_quote(rc)}" for c, rc in zip(fk.columns, fk.ref_columns, strict=True))
        source, cond = f" JOIN {name} AS p ON p.rn = r.k", ""
    unique = any(set(key) == set(fk.columns) for key in t.unique_keys)
    if unique:
        pick = f"((row_number() OVER () - 1) % {n} + 1)"
    else:
        pick = pick_expr(n, opts, nullable=not required, salt=7)
    sql = (
        f"UPDATE {t.qualified} AS c SET {sets} FROM (SELECT ctid AS tid, {pick} AS k "
        f"FROM {t.qualified} OFFSET 0) AS r{source} WHERE c.ctid = r.tid{cond}"
    )
    try:
        conn.execute(sql)
    except psycopg.Error as exc:
        return f"left NULL: {exc.diag.message_primary or exc} [SQLSTATE {exc.sqlstate}]"
    return None


def bump_sequences(conn: psycopg.Connection[Any], t: TableInfo) -> None:
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
