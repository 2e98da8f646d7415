"""Constants in workload queries: parameters in disguise, or really fixed values?

``WHERE account_id = 4242`` in a workload is almost always one sample of a parameter: an index
tied to 4242 (``... WHERE account_id = 4242``) serves that account only, and the next one falls
back to a sequential scan. ``WHERE status = 'pending'`` is different: a status has a handful of
values and the application really asks for that one. The data tells them apart: a column with
few distinct values (:data:`LOW_DISTINCT` or fewer, from ``pg_stats`` after ANALYZE) is fixed;
so is any ``IS NULL`` test and any column the user marks as fixed. Everything else is treated as
a parameter, and the advice says so.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import psycopg

from dbarch.tools.perf.candidates import Columns, constant_predicates
from dbarch.tools.sql.queries import Query

LOW_DISTINCT = 20
"""A column with at most this many distinct values is a status, a type or a flag."""


@dataclass(frozen=True, slots=True)
class ConstantUse:
    """How the advisor read one ``column <op> constant`` predicate of a query."""

    query: int
    """1-based position of the query in the workload."""
    table: str
    column: str
    predicate: str
    treated_as: Literal["parameter", "fixed"]
    reason: str
    """Why: the distinct values in the data, an ``IS NULL`` test, or the user's mark."""


def classify_constants(
    conn: psycopg.Connection[Any], queries: Sequence[Query], columns: Columns,
    fixed: Collection[tuple[str, str]] = (),
) -> list[ConstantUse]:
    """Each constant predicate of ``queries``, read as a parameter or as a fixed value."""
    found = [(q.index, c) for q in queries if q.tree is not None for c in constant_predicates(q.tree, columns)]
    distinct = _distinct_values(conn, {(c.table, c.column) for _, c in found})
    out: list[ConstantUse] = []
    for index, c in found:
        n = distinct.get((c.table, c.column))
        kind: Literal["parameter", "fixed"]
        if c.null_test:
            kind, why = "fixed", "a NULL test"
        elif (c.table, c.column) in fixed:
            kind, why = "fixed", "marked fixed"
        elif n is not None and n <= LOW_DISTINCT:
            kind, why = "fixed", f"{n} distinct values in the data"
        else:
            shown = "unknown" if n is None else f"{n:,}"
            kind, why = "parameter", f"{shown} distinct values in the data"
        out.append(ConstantUse(index, c.table, c.column, c.predicate, kind, why))
    return out


def fixed_columns(uses: Sequence[ConstantUse]) -> set[tuple[str, str]]:
    """The ``(table, column)`` pairs whose constants may get a partial index."""
    return {(u.table, u.column) for u in uses if u.treated_as == "fixed"}


def _distinct_values(conn: psycopg.Connection[Any], wanted: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Distinct values per column from ``pg_stats`` (negative ``n_distinct`` is a fraction of rows)."""
    if not wanted:
        return {}
    rows = conn.execute(
        "SELECT s.tablename, s.attname, s.n_distinct, greatest(c.reltuples, 0) "
        "FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname "
        "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename "
        "WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    out: dict[tuple[str, str], int] = {}
    for table, column, n_distinct, tuples in rows:
        key = (str(table), str(column))
        if key in wanted and n_distinct is not None:
            nd = float(n_distinct)
            out[key] = round(nd if nd >= 0 else -nd * float(tuples))
    return out
