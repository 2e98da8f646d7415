"""Composite unique keys generated as the product of their columns' value sets.

A key such as TPC-H's ``lineitem (l_orderkey, l_linenumber)`` with ``l_linenumber BETWEEN 1
AND 7`` has room for ``orders x 7`` rows; drawing both columns at random and retrying the
collisions fills a handful of them. Instead each column of the key is a :class:`Dimension` with
a known number of values (a foreign key: its parent's rows; a CHECK-bounded integer: its range;
an enum, boolean or IN list: its values; a date: its days), the key's rows are cells of the
product, and row number ``g`` maps to one cell by construction:

- the *outer* dimension (the foreign key with the most parent rows) is walked in a scattered
  order; the other dimensions together form the *inner* one;
- *layer* ``j`` holds the outer values that get a ``j``-th inner value, so every parent gets
  the first ``k`` inner values (line numbers ``1..k``, the ``k`` latest days), with ``k``
  spread evenly around the mean (:func:`layer_sizes`: 600,000 lines over 150,000 orders are 1
  to 7 lines per order, 4 on average, as TPC-H states);
- past the requested rows the mapping goes on over the cells left free (a bijection of
  ``1..capacity`` onto the cells), so top-up passes after a CHECK filter never collide.

A volume larger than the product is capped to it with a notice naming the key, the largest
volume it allows and the factors (see :func:`capacity_notice`).

Example: ``layer_sizes(600_000, 150_000, 7)`` is ``[150000, 128574, 107142, 85714, 64285,
42857, 21428]``: every order has a line 1, 21,428 of them have a line 7.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from dbarch.tools.datagen.checks import Domain
from dbarch.tools.datagen.introspect import ColumnInfo, ForeignKeyInfo, TableInfo
from dbarch.tools.datagen.values import _int_bounds, _lit

MAX_LAYERS = 256
"""More layers than this (over 128 children per parent on average) use even layers, computed
without a lookup array."""
DATE_DAYS = 1_000_000
"""Days an unbounded date key column counts back from today (more than any volume needs)."""
_PRIMES = (2_654_435_761, 2_246_822_519, 3_266_489_917, 668_265_263, 374_761_393)
_INT_TYPES = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1), "int8": (-(2**63), 2**63 - 1)}


@dataclass(frozen=True, slots=True)
class Dimension:
    """One factor of a key's product: a foreign key, or one column with countable values."""

    columns: tuple[str, ...]
    size: int
    """How many distinct values (a foreign key: its parent's rows)."""
    why: str
    """The factor as a message says it: ``7 values of l_linenumber (its CHECK: 1 to 7)``."""
    ordered: bool = False
    """Values taken in order for each parent (line numbers ``1..k``, the latest ``k`` days),
    never rotated."""
    fk: ForeignKeyInfo | None = None
    value: str = ""
    """SQL with ``{i}`` (a 0-based bigint index) for the value; empty for a foreign key."""


@dataclass(frozen=True, slots=True)
class ProductKey:
    key: tuple[str, ...]
    outer: Dimension
    inner: tuple[Dimension, ...]
    capacity: int
    rows: int
    """Rows the layout was made for (at most ``capacity``)."""

    def describe(self) -> str:
        """The factors, ``150,000 rows of orders x 7 values of l_linenumber (...)``."""
        return " x ".join(d.why for d in (self.outer, *self.inner))


def dimension(column: ColumnInfo, dom: Domain | None, bound: str = "its CHECK") -> Dimension | None:
    """The countable values of a key column that is not a foreign key (``None``: not countable);
    ``bound`` names where ``dom`` comes from in messages."""
    t, name = column.type, column.name
    if dom is not None and dom.values is not None:
        values = tuple(dict.fromkeys(dom.values))
        items = ", ".join(f"{_lit(v)}::{t.sql}" for v in values)
        return Dimension((name,), len(values), f"{len(values)} values of {name} (its CHECK)",
                         value=f"(ARRAY[{items}])[(({{i}}) + 1)::int]")
    if t.labels:
        items = ", ".join(f"{_lit(v)}::{t.sql}" for v in t.labels)
        return Dimension((name,), len(t.labels), f"{len(t.labels)} labels of {name} (enum {t.sql})",
                         value=f"(ARRAY[{items}])[(({{i}}) + 1)::int]")
    if t.name == "bool":
        return Dimension((name,), 2, f"2 values of {name} (boolean)", value="(ARRAY[false, true])[(({i}) + 1)::int]")
    if t.name in _INT_TYPES:
        return _integer(column, dom, bound)
    if t.name == "date":
        return _date(column, dom, bound)
    return None


def _integer(column: ColumnInfo, dom: Domain | None, bound: str) -> Dimension:
    t, name = column.type, column.name
    lo_t, hi_t = _INT_TYPES[t.name]
    bounded = dom is not None and (dom.low is not None or dom.high is not None)
    if dom is not None and dom.low is None and dom.high is not None:  # counts down from the top
        hi = _int_bounds(t, dom, 1)[1]
        size = hi - lo_t + 1
        return Dimension((name,), size, f"{size:,} values of {name} ({bound}: at most {hi})", ordered=True,
                         value=f"({hi} - ({{i}}))::{t.sql}")
    lo = _int_bounds(t, dom, 1)[0] if bounded else 1
    hi = hi_t
    if dom is not None and dom.high is not None:
        hi = min(hi_t, math.floor(dom.high) if dom.high_inclusive else math.ceil(dom.high) - 1)
    size = max(0, hi - lo + 1)
    why = f"{size:,} values of {name} ({bound}: {lo} to {hi})" if bounded else f"{size:,} values of {name} ({t.sql})"
    return Dimension((name,), size, why, ordered=True, value=f"({lo} + ({{i}}))::{t.sql}")


def _date(column: ColumnInfo, dom: Domain | None, bound: str) -> Dimension | None:
    name = column.name
    low = _date_literal(dom.low_text) if dom is not None and dom.low_text else None
    high = _date_literal(dom.high_text) if dom is not None and dom.high_text else None
    if dom is not None and ((dom.low_text and low is None) or (dom.high_text and high is None)):
        return None  # a bound that is not a date literal (now() - interval ...): not countable here
    if low is not None and dom is not None and dom.low_text_strict:
        low += dt.timedelta(days=1)
    if high is not None and dom is not None and not dom.high_text_inclusive:
        high -= dt.timedelta(days=1)
    if high is not None:  # the latest days first
        first = (dt.date.min if low is None else low)
        size = max(0, (high - first).days + 1)
        why = f"{size:,} days of {name} ({bound}: {first} to {high})" if low else f"days of {name} up to {high}"
        return Dimension((name,), size, why, ordered=True, value=f"(DATE '{high}' - ({{i}})::int)")
    if low is not None:
        size = (dt.date(5_874_897, 12, 31) - low).days
        return Dimension((name,), size, f"days of {name} from {low}", ordered=True,
                         value=f"(DATE '{low}' + ({{i}})::int)")
    return Dimension((name,), DATE_DAYS, f"{DATE_DAYS:,} days of {name}", ordered=True,
                     value="(CURRENT_DATE - ({i})::int)")


def _date_literal(sql: str) -> dt.date | None:
    """The date of a bound such as ``CAST('2024-01-01' AS DATE)`` (read from sqlglot's tree)."""
    import sqlglot
    from sqlglot import exp

    try:
        node = sqlglot.parse_one(sql, read="postgres")
    except Exception:
        return None
    while isinstance(node, exp.Paren):
        node = node.this
    if not isinstance(node, exp.Cast) or not isinstance(node.this, exp.Literal) or not node.this.is_string:
        return None
    try:
        return dt.date.fromisoformat(str(node.this.this).strip()[:10])
    except ValueError:
        return None


def key_dimensions(
    table: TableInfo, key: tuple[str, ...], parent_rows: dict[str, int], domains: dict[str, Domain],
    excluded: set[str], partitioned: str | None = None,
) -> list[Dimension] | None:
    """The key's factors, or ``None`` when one of its columns is not countable.

    ``parent_rows`` maps the names of the foreign keys that may take part (not deferred, not
    self-references) to their parent's rows; ``excluded`` columns (partition keys, columns
    another key already assigned) make the key not a product; the domain of the
    ``partitioned`` column comes from its partitions' bounds."""
    cols = {c.name: c for c in table.columns}
    dims: list[Dimension] = []
    left = list(key)
    for fk in table.foreign_keys:
        if fk.name in parent_rows and set(fk.columns) <= set(left):
            rows = parent_rows[fk.name]
            dims.append(Dimension(fk.columns, rows, f"{rows:,} rows of {fk.ref_table}", fk=fk))
            left = [c for c in left if c not in fk.columns]
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    for name in left:
        if name in excluded or name in fk_columns or name not in cols or cols[name].generated:
            return None
        dim = dimension(cols[name], domains.get(name), "its partitions" if name == partitioned else "its CHECK")
        if dim is None:
            return None
        dims.append(dim)
    return dims


def product_key(key: tuple[str, ...], dims: list[Dimension], rows: int) -> ProductKey:
    """The layout of ``rows`` rows over the product of ``dims`` (capped at its capacity)."""
    outer = max((d for d in dims if d.fk is not None), key=lambda d: d.size, default=None)
    if outer is None:
        outer = max(dims, key=lambda d: d.size)
    inner = tuple(d for d in dims if d is not outer)
    capacity = math.prod(d.size for d in dims)
    return ProductKey(key, outer, inner, capacity, min(rows, capacity))


def capacity_notice(table: TableInfo, product: ProductKey, asked: int) -> str:
    """Why ``asked`` rows cannot fit (said when the volume is capped)."""
    return (f"{table.name}: {asked:,} rows asked, but its {table.key_label(product.key)} holds at most "
            f"{product.capacity:,} rows ({product.describe()}); the largest volume it allows is "
            f"{product.capacity:,}")


def layer_sizes(rows: int, outer: int, inner: int) -> list[int]:
    """How many outer values get a 1st, 2nd, ... inner value: non-increasing, each at most
    ``outer``, at most ``inner`` of them, summing to ``rows`` (at most ``outer * inner``).

    The counts per outer value are spread evenly around the mean: between 1 and ``2 * mean -
    1`` while that fits ``inner``, else between ``2 * mean - inner`` and ``inner``."""
    if rows <= 0 or outer <= 0:
        return []
    if rows <= outer:
        return [rows]
    mean = rows / outer
    top = min(float(inner), 2 * mean - 1)
    low = 2 * mean - top
    sizes: list[int] = []
    for j in range(1, min(inner, math.ceil(top)) + 1):
        share = 1.0 if j <= low else max(0.0, min(1.0, (top + 1 - j) / (top + 1 - low)))
        sizes.append(math.floor(outer * share))
    while sizes and sizes[-1] == 0:
        sizes.pop()
    extra = rows - sum(sizes)
    j = 0
    while extra > 0:  # pour into the first layers that are not full (keeps them non-increasing)
        if j == len(sizes):
            sizes.append(0)
        add = min(extra, outer - sizes[j])
        sizes[j] += add
        extra -= add
        j += 1
    while extra < 0:  # take from the last layers
        take = min(-extra, sizes[-1])
        sizes[-1] -= take
        extra += take
        if sizes[-1] == 0:
            sizes.pop()
    return sizes


def cell_exprs(product: ProductKey) -> tuple[str, str]:
    """SQL over ``g`` for the 0-based layer and the 0-based outer offset of row ``g``: the
    first ``rows`` rows follow :func:`layer_sizes`, the rows after them the free cells."""
    outer = product.outer.size
    inner = product.capacity // outer if outer else 0
    sizes = layer_sizes(product.rows, outer, inner)
    if len(sizes) > MAX_LAYERS or all(s == outer for s in sizes[:-1]):  # even layers
        return f"((g - 1) / {outer})", f"((g - 1) % {outer})"
    segments: list[tuple[int, int, int]] = []
    """``(first g, layer, first offset)`` of each run of cells."""
    start = 1
    for j, s in enumerate(sizes):  # the requested rows
        segments.append((start, j, 0))
        start += s
    for j, s in enumerate(sizes):  # then the cells those layers left free
        if s < outer:
            segments.append((start, j, s))
            start += outer - s
    tail, top = start, len(sizes)
    starts, layers, bases = ([seg[n] for seg in segments] for n in range(3))

    def arr(values: list[int]) -> str:
        return "ARRAY[" + ", ".join(str(v) for v in values) + "]::bigint[]"

    seg = f"width_bucket(g, {arr(starts)})"
    layer = f"(CASE WHEN g < {tail} THEN ({arr(layers)})[{seg}] ELSE {top} + (g - {tail}) / {outer} END)"
    offset = (f"(CASE WHEN g < {tail} THEN ({arr(bases)})[{seg}] + g - ({arr(starts)})[{seg}] "
              f"ELSE (g - {tail}) % {outer} END)")
    return layer, offset


def dimension_indexes(product: ProductKey, layer: str, offset: str) -> list[tuple[Dimension, str]]:
    """Each dimension with SQL for its 0-based index, from the cell's layer and offset SQL.

    Unordered inner dimensions (enums, a second foreign key) are rotated by the offset, so the
    first inner values are not the same for every parent; ordered ones never are."""
    inner_size = product.capacity // product.outer.size if product.outer.size else 0
    rotate = bool(product.inner) and not any(d.ordered for d in product.inner)
    combined = f"(({layer} + {offset}) % {inner_size})" if rotate else layer
    out = [(product.outer, _scatter(offset, product.outer, 0))]
    stride = 1
    for n, d in enumerate(product.inner):
        index = f"({combined} / {stride})" if stride > 1 else combined
        if n < len(product.inner) - 1:
            index = f"({index} % {d.size})"
        out.append((d, _scatter(index, d, n + 1)))
        stride *= d.size
    return out


def _scatter(index: str, d: Dimension, salt: int) -> str:
    """A foreign key's 0-based index spread over its parent's rows (so the first parents are not
    the busiest), as a 1-based parent row number; other dimensions keep their index."""
    if d.fk is None:
        return index
    prime = next(p for p in _PRIMES[salt % len(_PRIMES):] + _PRIMES if math.gcd(p, d.size) == 1)
    return f"((({index}) * {prime}) % {d.size} + 1)"
