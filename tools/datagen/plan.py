"""The per-table generation plan: one SQL expression per column, and the INSERT around them.

A table's rows come from ``generate_series``; row number ``g`` feeds:

- one column of each UNIQUE / PRIMARY KEY through an injective expression (by construction),
  or the whole key as a product of its columns' value sets (a parent's lines ``1..k``, link
  tables, enums; :mod:`~tools.datagen.keyspace`), capped with a notice at the product's size;
- foreign keys through ``_kN``, a Zipf-like pick of a parent row number (``power(random(), a)``
  scattered by a multiplicative permutation, so a few parents get many children), turned into
  the parent's key by the parent's own injective expression when the parent is *dense* (its
  rows are exactly ``g = 1..n``), else joined from a temporary ``rn -> key`` table;
- every other column through :func:`~tools.datagen.values.random_expr`, nullable ones NULL
  with the configured fraction, columns with defaults sometimes left to their default.

Rows are filtered through the table's CHECK expressions, and unique keys that cannot be built
by construction (for example two foreign keys) are protected by ``ON CONFLICT DO NOTHING``,
with top-up passes until the requested count is reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from dbarch.tools.datagen.capacity import unique_column
from dbarch.tools.datagen.checks import Domain, column_domains
from dbarch.tools.datagen.introspect import ColumnInfo, ForeignKeyInfo, TableInfo, TypeInfo, _quote
from dbarch.tools.datagen.keyspace import (
    Dimension,
    ProductKey,
    capacity_notice,
    cell_exprs,
    dimension_indexes,
    key_dimensions,
    product_key,
)
from dbarch.tools.datagen.partitions import FREE
from dbarch.tools.datagen.values import random_expr, unique_expr

Key = tuple[str, str]
_PERMUTE = (2_654_435_761, 2_246_822_519, 3_266_489_917, 668_265_263)


@dataclass(frozen=True, slots=True)
class ParentKeys:
    """How children reach a filled table's keys."""

    rows: int
    dense: bool
    templates: dict[str, str]
    """Columns computed from the row number alone: SQL with ``{idx}`` for the row number."""


@dataclass(frozen=True, slots=True)
class Options:
    null_fraction: float = 0.1
    fk_skew: float = 2.0
    """Exponent of the parent pick: 1 is uniform, larger is more skewed."""
    default_fraction: float = 0.5
    """Share of rows left to a column's DEFAULT (where it has one)."""


@dataclass(slots=True)
class TablePlan:
    table: TableInfo
    rows: int
    columns: list[str] = field(default_factory=list)
    exprs: list[str] = field(default_factory=list)
    picks: list[str] = field(default_factory=list)
    """Inner expressions ``<pick> AS _kN``."""
    joins: list[tuple[str, int, ForeignKeyInfo]] = field(default_factory=list)
    """``(alias, pick index, fk)`` joined from a parent's key table."""
    templates: dict[str, str] = field(default_factory=dict)
    filters: list[str] = field(default_factory=list)
    conflict: bool = False
    overriding: bool = False
    later: list[ForeignKeyInfo] = field(default_factory=list)
    """Foreign keys filled by an UPDATE pass (cycles, self-references)."""
    relax: list[ForeignKeyInfo] = field(default_factory=list)
    """NOT NULL foreign keys among ``later``: NOT NULL is dropped for the load, set after."""
    constructed: bool = False
    """Every unique key holds by construction (no ON CONFLICT needed)."""
    skip: str | None = None
    notices: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    """``<expr over g> AS _cN``: the layer and offset of each product key's cell
    (:mod:`~tools.datagen.keyspace`), computed before the picks that read them."""


def pick_expr(n: int, opts: Options, *, nullable: bool, salt: int) -> str:
    """A parent row number in ``1..n``, Zipf-like skewed, NULL with the null fraction."""
    prime = next(p for p in _PERMUTE[salt % len(_PERMUTE):] + _PERMUTE if math.gcd(p, n) == 1)
    base = f"floor({n} * power(random(), {opts.fk_skew}))::bigint"
    pick = f"(({base} * {prime}) % {n} + 1)"
    if nullable and opts.null_fraction > 0:
        return f"CASE WHEN random() < {opts.null_fraction} THEN NULL ELSE {pick} END"
    return pick


def plan_table(
    table: TableInfo,
    rows: int,
    parents: dict[Key, ParentKeys],
    deferred: set[str],
    opts: Options,
    unsupported: dict[str, str] | None = None,
) -> TablePlan:
    """Build the generation plan of one table (``skip`` says why it cannot be filled).

    ``unsupported`` maps type names the server cannot produce values of to the reason."""
    plan = TablePlan(table, rows)
    unsupported = unsupported or {}
    domains = column_domains(table.checks)
    cols = {c.name: c for c in table.columns if not c.generated}
    done: dict[str, str] = {}

    # serial and identity columns: the row number itself
    for c in cols.values():
        if c.serial and c.type.name in ("int2", "int4", "int8"):
            expr = unique_expr(c.name, c.type, "{idx}")
            assert expr is not None
            plan.templates[c.name] = expr
            plan.overriding = plan.overriding or c.identity == "a"

    fk_cols = {col for fk in table.foreign_keys for col in fk.columns}
    overrides = dict(table.overrides)
    one_to_one: set[str] = set()
    rotated: set[str] = set()
    """Foreign keys that pair with another inside a unique key the product cannot build: they
    cycle through the parent's rows with ``g`` so that pairs rarely repeat."""
    usable = {
        fk.name: parents.get((fk.ref_schema, fk.ref_table), ParentKeys(0, False, {})).rows
        for fk in table.foreign_keys if fk.name not in deferred and (fk.ref_schema, fk.ref_table) != table.key
    }
    key_domains, counted_out, spanned = dict(domains), set(overrides), None
    if table.partition_span is not None:  # a one-column RANGE key: a product counts inside its bounds
        spanned, low, high, low_text, high_text = table.partition_span
        column = spanned
        key_domains[column] = Domain(low=low, high=high, high_inclusive=False, low_text=low_text,
                                     high_text=high_text)
        counted_out.discard(column)
    products: list[ProductKey] = []
    picked: dict[str, str] = {}
    """Foreign keys a product key gives values to: SQL for the parent row number."""
    assigned: set[str] = set()
    """Columns a product key gives values to."""
    for key in sorted(table.unique_keys, key=len):  # single columns first: they must be unique alone
        if any(col in plan.templates for col in key) or any(set(p.key) <= set(key) for p in products):
            continue
        dims = None if set(key) & assigned else key_dimensions(table, key, usable, key_domains, counted_out,
                                                                     spanned)
        if dims is not None and _wants_product(table, key, dims, cols, domains, rows, fk_cols | set(overrides)):
            product = product_key(key, dims, rows)
            if product.capacity < rows + table.existing_rows:  # the rows already there take cells too
                plan.notices.append(capacity_notice(table, product, rows + table.existing_rows))
                plan.rows = rows = max(0, product.capacity - table.existing_rows)
            n = 2 * len(products)
            layer, offset = cell_exprs(product)
            plan.cells.extend((f"{layer} AS _c{n}", f"{offset} AS _c{n + 1}"))
            for dim, index in dimension_indexes(product, f"_c{n}", f"_c{n + 1}"):
                if dim.fk is not None:
                    picked[dim.fk.name] = index
                else:
                    done[dim.columns[0]] = dim.value.replace("{i}", index)
            products.append(product)
            assigned.update(key)
            continue
        free = [c for c in key if c not in fk_cols] + [c for c in key if c in fk_cols]
        made = [(c, unique_column(cols[c], domains.get(c), rows)) for c in free
                if c not in fk_cols and c not in overrides and c not in assigned and c in cols]
        chosen = next(((c, e) for c, e in made if e is not None), None)
        if chosen is not None:
            plan.templates[chosen[0]] = chosen[1] or ""
            continue
        fk = next((f for f in table.foreign_keys if set(f.columns) <= set(key)), None)
        if fk is not None and len(key) == len(fk.columns) and fk.name not in deferred:
            one_to_one.add(fk.name)
            continue
        plan.conflict = True
        inside = [f for f in table.foreign_keys if set(f.columns) <= set(key)]
        rotated.update(f.name for f in inside[1:])
    for key in table.expression_keys:
        if any(col in plan.templates for col in key):
            continue
        loose = [(c, unique_expr(c, cols[c].type, "{idx}", domains.get(c))) for c in key
                 if c in cols and c not in fk_cols and c not in overrides and c not in assigned]
        picked_loose = next(((c, e) for c, e in loose if e is not None), None)
        if picked_loose is not None:
            plan.templates[picked_loose[0]] = picked_loose[1] or ""
    plan.conflict = plan.conflict or table.has_opaque_unique
    plan.constructed = not plan.conflict and not one_to_one

    for name, tmpl in plan.templates.items():
        done[name] = tmpl.format(idx="g")

    for i, fk in enumerate(table.foreign_keys):
        if any(c in done for c in fk.columns):
            continue
        parent_key = (fk.ref_schema, fk.ref_table)
        nullable = all(not cols[c].not_null for c in fk.columns)
        self_ref = parent_key == table.key
        if self_ref:
            exact = not plan.conflict and not table.checks
            if fk.name not in deferred and exact and all(rc in plan.templates for rc in fk.ref_columns):
                parent = ParentKeys(rows, True, plan.templates)  # rows of this very INSERT
            elif nullable or not set(fk.columns) & set(table.primary_key):
                plan.later.append(fk)
                if not nullable:
                    plan.relax.append(fk)
                done.update({c: f"NULL::{cols[c].type.sql}" for c in fk.columns})
                continue
            else:
                plan.skip = f"its NOT NULL self-reference {fk.name} is part of its primary key"
                return plan
        elif fk.name in deferred:
            plan.later.append(fk)
            if not nullable:
                plan.relax.append(fk)
            done.update({c: f"NULL::{cols[c].type.sql}" for c in fk.columns})
            continue
        else:
            parent = parents.get(parent_key, ParentKeys(0, False, {}))
        if parent.rows == 0:
            if not nullable:
                plan.skip = f"its parent {fk.ref_table} has no rows (NOT NULL foreign key {fk.name})"
                return plan
            done.update({c: f"NULL::{cols[c].type.sql}" for c in fk.columns})
            continue
        if fk.name in picked:
            pick = picked[fk.name]
        elif fk.name in one_to_one:
            if rows > parent.rows:
                plan.notices.append(
                    f"{table.name}: {rows:,} rows asked but its one-to-one key {fk.name} allows "
                    f"{parent.rows:,} (one per {fk.ref_table} row)"
                )
                plan.rows = rows = parent.rows
            pick = f"((g - 1) % {parent.rows} + 1)"
        elif fk.name in rotated:
            pick = f"((g * 7919 - 1) % {parent.rows} + 1)"
        else:
            pick = pick_expr(parent.rows, opts, nullable=nullable, salt=i)
        k = len(plan.picks)
        plan.picks.append(f"{pick} AS _k{k}")
        direct = parent.dense and all(rc in parent.templates for rc in fk.ref_columns)
        if direct:
            for fc, rc in zip(fk.columns, fk.ref_columns, strict=True):
                done[fc] = parent.templates[rc].format(idx=f"r._k{k}")
        else:
            alias = f"p{k}"
            plan.joins.append((alias, k, fk))
            for fc, rc in zip(fk.columns, fk.ref_columns, strict=True):
                done[fc] = f"{alias}.{_quote(rc)}"

    for name, c in cols.items():
        if name in done:
            continue
        if name in overrides:  # a partition key: inside the partitions' bounds, never NULL
            usual = random_expr(name, c.type, rows, domains.get(name)) or "NULL"
            done[name] = overrides[name].replace(FREE, f"({usual})")
            continue
        missing = _unsupported(c.type, unsupported)
        expr = None if missing else random_expr(name, c.type, rows, domains.get(name))
        if expr is None:
            if c.default is not None or not c.not_null:
                continue  # left to its default, or NULL
            plan.skip = missing or f"no generator for type {c.type.sql} (column {name}, NOT NULL, no default)"
            return plan
        if c.default is not None and not c.serial and opts.default_fraction > 0:
            # a default may be NULL where the application sets it (current_setting(..., true))
            default = f"COALESCE({c.default}, {expr})" if c.not_null else c.default
            expr = f"CASE WHEN random() < {opts.default_fraction} THEN {default} ELSE {expr} END"
        if not c.not_null and opts.null_fraction > 0:
            expr = f"CASE WHEN random() < {opts.null_fraction} THEN NULL ELSE {expr} END"
        done[name] = expr

    plan.columns = [n for n in cols if n in done]
    plan.exprs = [done[n] for n in plan.columns]
    generated = set(plan.columns)
    plan.filters = [chk for chk in table.checks if _columns_in(chk) <= generated]
    return plan


def _wants_product(
    table: TableInfo, key: tuple[str, ...], dims: list[Dimension], cols: dict[str, ColumnInfo],
    domains: dict[str, Domain], rows: int, taken: set[str],
) -> bool:
    """A key is built as a product when it has a foreign key beside other countable columns (a
    parent's lines ``1..k``, a link table), or when no column of it alone can stay unique
    (CHECK-bounded integers, enums). A single foreign key is a one-to-one key instead, and a
    foreign key whose parent has no rows leaves the reason to the foreign key pass."""
    if any(d.fk is not None and d.size == 0 for d in dims):
        return False
    if len(dims) == 1 and dims[0].fk is not None:
        return False
    if any(d.fk is not None for d in dims):
        return True
    return all(unique_column(cols[c], domains.get(c), rows) is None for c in key if c in cols and c not in taken)


def _unsupported(t: TypeInfo, unsupported: dict[str, str]) -> str | None:
    while t is not None:
        if t.name in unsupported:
            return unsupported[t.name]
        t = t.elem  # type: ignore[assignment]
    return None


def _columns_in(check: str) -> set[str]:
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(f"SELECT {check}", read="postgres")
    except Exception:
        return {"\x00unparsed"}
    return {col.name for col in tree.find_all(exp.Column)}


def insert_sql(plan: TablePlan, lo: int, hi: int, limit: int, keys_tables: dict[int, str], *,
               conflict: bool) -> str:
    """The INSERT of rows ``g = lo..hi`` (at most ``limit`` of them)."""
    t = plan.table
    cols = ", ".join(_quote(c) for c in plan.columns)
    select = ", ".join(f"{e} AS {_quote(c)}" for c, e in zip(plan.columns, plan.exprs, strict=True))
    picks = "".join(f", {p}" for p in plan.picks)
    source = f"generate_series({lo}::bigint, {hi}::bigint) AS s(g)"
    passed = ""
    if plan.cells:  # a product key's cell, computed once per row before the picks read it
        source = f"(SELECT g, {', '.join(plan.cells)} FROM {source} OFFSET 0) AS s"
        passed = "".join(f", _c{i}" for i in range(len(plan.cells)))
    inner = f"SELECT g{passed}{picks} FROM {source} OFFSET 0"
    joins = "".join(
        f" LEFT JOIN {keys_tables[k]} AS {alias} ON {alias}.rn = r._k{k}" for alias, k, _ in plan.joins
    )
    where = " AND ".join(f"({f}) IS NOT FALSE" for f in plan.filters)
    if not plan.columns:  # every column left to its default (or a table without columns)
        return (f"INSERT INTO {t.qualified} SELECT FROM generate_series({lo}::bigint, {hi}::bigint) AS s(g)"
                f" LIMIT {limit}" + (" ON CONFLICT DO NOTHING" if conflict else ""))
    sql = (
        f"INSERT INTO {t.qualified} ({cols})"
        + (" OVERRIDING SYSTEM VALUE" if plan.overriding else "")
        + f" SELECT {cols} FROM (SELECT {select} FROM ({inner}) AS r{joins}) AS v"
        + (f" WHERE {where}" if where else "")
        + f" LIMIT {limit}"
        + (" ON CONFLICT DO NOTHING" if conflict else "")
    )
    return sql
