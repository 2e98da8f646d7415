"""How many distinct values a key column can hold, and volumes that cannot fit one.

A unique column is filled by an injective expression of the row number
(:func:`~tools.datagen.values.unique_expr`): ``smallint`` holds 32,767 positive values,
``varchar(4)`` 65,535 hexadecimal ones, ``x BETWEEN 1 AND 7`` seven. :func:`unique_column` gives
that expression only while it stays inside the column's CHECK for the volume; a single-column
key whose type cannot hold the volume is an error before anything is loaded
(:func:`capacity_error`). Keys of several columns are counted as a product instead
(:mod:`~tools.datagen.keyspace`).

Example: ``capacity_error(<orders with order_id smallint>, 100_000)`` is ``"orders.order_id
(smallint) holds at most 32,767 distinct values: 100,000 rows cannot fit; the largest volume it
allows is 32,767"``.
"""

from __future__ import annotations

import math

from dbarch.tools.datagen.checks import Domain, column_domains
from dbarch.tools.datagen.introspect import ColumnInfo, TableInfo
from dbarch.tools.datagen.values import _int_bounds, unique_expr

_INT_TOP = {"int2": 2**15 - 1, "int4": 2**31 - 1, "int8": 2**63 - 1}
_SHORT_TEXT = ("varchar", "bpchar")


def unique_capacity(column: ColumnInfo, dom: Domain | None) -> int | None:
    """How many values :func:`~tools.datagen.values.unique_expr` can give a column before
    leaving its type or CHECK (``None``: more than any volume)."""
    t = column.type
    if t.name in _INT_TOP:
        lo = _int_bounds(t, dom, 1)[0]
        hi = _INT_TOP[t.name]
        if dom is not None and dom.high is not None:
            hi = min(hi, math.floor(dom.high) if dom.high_inclusive else math.ceil(dom.high) - 1)
        return max(0, hi - lo + 1)
    if t.name in _SHORT_TEXT and t.length is not None and t.length < 12:
        return int(16**t.length - 1)
    if dom is not None and (dom.low_text or dom.high_text):
        return 0  # dates counted from 2000-01-01 ignore the bounds: never injective here
    return None


def unique_column(column: ColumnInfo, dom: Domain | None, rows: int) -> str | None:
    """An injective template (``{idx}``) for the column that stays inside its CHECK for
    ``rows`` rows, or ``None``."""
    capacity = unique_capacity(column, dom)
    if capacity is not None and capacity < rows:
        return None
    return unique_expr(column.name, column.type, "{idx}", dom)


def capacity_error(table: TableInfo, rows: int) -> str | None:
    """Why ``rows`` rows cannot fit the table's single-column keys, or ``None``. Said before
    anything is loaded (a foreign key column is bounded by its parent's rows instead)."""
    domains = column_domains(table.checks)
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    for c in table.columns:
        if c.name in fk_columns:
            continue
        single_key = any(key == (c.name,) for key in table.unique_keys)
        dom = domains.get(c.name)
        short_text = c.type.name in _SHORT_TEXT and c.type.length is not None and c.type.length < 12
        if single_key and short_text and dom is None:
            what = "distinct generated values"
        elif (c.serial or single_key) and c.type.name in _INT_TOP:
            what = "distinct values"
        else:
            continue
        capacity = unique_capacity(c, dom)
        if capacity is not None and rows > capacity:
            return (f"{table.name}.{c.name} ({c.type.sql}) holds at most {capacity:,} {what}: {rows:,} rows cannot "
                    f"fit; the largest volume it allows is {capacity:,}")
    return None
