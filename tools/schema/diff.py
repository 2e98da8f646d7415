"""Comparing two schema models: what the expected schema has that the actual one lacks, or has
differently.

Used by the drift check (workspace memory against replayed migrations, or a file against a live
catalog) and by the eval scorers. Expressions (defaults, checks, index keys and predicates) are
compared loosely, after :func:`normalize_expression`: ``now()`` equals ``CURRENT_TIMESTAMP``,
``'new'::order_status`` equals ``'new'``, ``lower(email::text)`` equals ``lower(email)``.
Constraint and index names are ignored unless ``names=True``.

>>> from tools.model_sql import schema_from_sql
>>> a = schema_from_sql("CREATE TABLE orders (total numeric(10,2))")
>>> b = schema_from_sql("CREATE TABLE orders (total numeric)")
>>> [str(d) for d in diff_schemas(a, b)]
['column orders.total: type numeric(10,2) expected, numeric found']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import cast

import sqlglot
from sqlglot import exp

from dbarch.tools.schema.idents import display_key
from dbarch.tools.schema.model import Column, Schema, Table
from dbarch.tools.schema.types import canonical_type

NUMBER = re.compile(r"-?\d+(\.\d+)?")
LOOSE_CAST_TYPES = frozenset({"text", "varchar", "char", "bpchar", "regclass", "name"})
"""Casts PostgreSQL adds when it prints an expression, ignored when comparing."""
NOW_FUNCTIONS = frozenset({"now", "transaction_timestamp"})


@dataclass(frozen=True, slots=True)
class SchemaDifference:
    """One difference: ``kind`` is what differs (``table``, ``column``, ``column.type``,
    ``column.nullable``, ``column.default``, ``column.identity``, ``column.generated``,
    ``primary_key``, ``foreign_key``, ``unique``, ``check``, ``index``, ``enum``,
    ``enum.labels``, ``view``, ``extension``); ``expected`` / ``actual`` are ``None`` when the
    thing is absent from that side."""

    kind: str
    table: str | None
    item: str | None
    expected: str | None
    actual: str | None

    def __str__(self) -> str:
        noun, _, aspect = self.kind.partition(".")
        where = display_key(self.table) if self.table else ""
        if self.item:
            where = f"{where}.{self.item}" if where and noun == "column" else (
                f"{where} {self.item}" if where else self.item)
        subject = f"{noun.replace('_', ' ')} {where}".strip()
        if aspect == "nullable":
            return f"{subject}: {self.expected} expected, {self.actual} found"
        if aspect:
            return f"{subject}: {aspect} {self.expected} expected, {self.actual} found"
        if self.actual is None:
            return f"{subject}: missing"
        if self.expected is None:
            return f"{subject}: not expected"
        return f"{subject}: {self.expected} expected, {self.actual} found"


def _loosen(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Paren):
        return cast(exp.Expression, node.this)
    if isinstance(node, exp.EQ | exp.NEQ) and isinstance(node.expression, exp.Any | exp.Anonymous):
        inner = node.expression.this if isinstance(node.expression, exp.Any) else None
        if isinstance(node.expression, exp.Anonymous) and node.expression.name.upper() == "ALL":
            inner = node.expression.expressions[0] if node.expression.expressions else None
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, exp.Array):  # x = ANY (ARRAY[...]) is how PostgreSQL prints x IN (...)
            in_list = exp.In(this=node.this, expressions=inner.expressions)
            return in_list if isinstance(node, exp.EQ) else exp.Not(this=in_list)
    if isinstance(node, exp.Cast):
        inner, to = node.this, node.args.get("to")
        type_name = to.sql(dialect="postgres").lower() if to is not None else ""
        if isinstance(inner, exp.Literal | exp.Neg | exp.Null | exp.Boolean) or type_name.split("(")[0] in LOOSE_CAST_TYPES:
            return cast(exp.Expression, inner)
    if isinstance(node, exp.CurrentTimestamp) or (isinstance(node, exp.Anonymous) and node.name.lower() in NOW_FUNCTIONS):
        return exp.Anonymous(this="now", expressions=[])
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return exp.Literal.number(f"-{node.this.this}")
    if isinstance(node, exp.Literal) and node.is_string and NUMBER.fullmatch(node.this):
        return exp.Literal.number(node.this)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "nextval" and node.expressions:
        arg = node.expressions[0]
        if isinstance(arg, exp.Literal) and arg.is_string:  # the sequence's schema depends on search_path
            return exp.Anonymous(this="nextval", expressions=[exp.Literal.string(arg.this.split(".")[-1])])
    return node


def normalize_expression(text: str | None) -> str | None:
    """A loose canonical form of a SQL expression for comparisons (see the module docstring)."""
    if text is None:
        return None
    try:
        tree = sqlglot.parse_one(text, read="postgres")
        for _ in range(3):  # casts inside parentheses inside casts...
            tree = tree.transform(_loosen)
        return tree.sql(dialect="postgres", normalize_functions="lower")
    except Exception:
        return " ".join(text.lower().split())


def _fmt(columns: Iterable[str]) -> str:
    return "(" + ", ".join(columns) + ")"


def _multiset_diff(kind: str, table: str, expected: dict[Hashable, str], actual: dict[Hashable, str],
                   exp_keys: list[Hashable], act_keys: list[Hashable]) -> list[SchemaDifference]:
    missing = Counter(exp_keys) - Counter(act_keys)
    extra = Counter(act_keys) - Counter(exp_keys)
    out = [SchemaDifference(kind, table, expected[k], expected[k], None) for k in missing]
    out += [SchemaDifference(kind, table, actual[k], None, actual[k]) for k in extra]
    return out


def _signatures(items: list[tuple[Hashable, str]]) -> tuple[dict[Hashable, str], list[Hashable]]:
    return {k: text for k, text in items}, [k for k, _ in items]


def _diff_column(key: str, e: Column, a: Column) -> list[SchemaDifference]:
    pairs = [
        ("type", canonical_type(e.type), canonical_type(a.type)),
        ("nullable", "nullable" if e.nullable else "not null", "nullable" if a.nullable else "not null"),
        ("default", normalize_expression(e.default), normalize_expression(a.default)),
        ("identity", e.identity, a.identity),
        ("generated", normalize_expression(e.generated), normalize_expression(a.generated)),
    ]
    return [SchemaDifference(f"column.{aspect}", key, e.name, x, y) for aspect, x, y in pairs if x != y]


def _fk_items(schema: Schema, table: Table, names: bool) -> list[tuple[Hashable, str]]:
    items: list[tuple[Hashable, str]] = []
    for fk in table.foreign_keys:
        target = schema.tables.get(fk.ref_table)
        ref_cols = fk.ref_columns or (target.primary_key.columns if target and target.primary_key else ())
        on_delete, on_update = fk.on_delete or "NO ACTION", fk.on_update or "NO ACTION"
        sig = (fk.columns, fk.ref_table, ref_cols, on_delete, on_update, fk.deferrable, fk.validated,
               fk.name if names else None)
        text = f"{_fmt(fk.columns)} -> {display_key(fk.ref_table)}{_fmt(ref_cols)} ON DELETE {on_delete}"
        text += "" if on_update == "NO ACTION" else f" ON UPDATE {on_update}"
        text += " DEFERRABLE" if fk.deferrable else ""
        text += "" if fk.validated else " NOT VALID"
        items.append((sig, f"{fk.name} {text}" if names and fk.name else text))
    return items


def _unique_items(table: Table, names: bool) -> list[tuple[Hashable, str]]:
    return [((u.columns, u.nulls_not_distinct, u.name if names else None),
             _fmt(u.columns) + (" NULLS NOT DISTINCT" if u.nulls_not_distinct else ""))
            for u in table.uniques]


def _check_items(table: Table, names: bool) -> list[tuple[Hashable, str]]:
    """Checks are matched by the columns they read (their text differs between the sources)."""
    return [((frozenset(c.columns), c.name if names else None), f"on {_fmt(sorted(c.columns))}: {c.expression}")
            for c in table.checks]


def _index_items(table: Table, names: bool) -> list[tuple[Hashable, str]]:
    items: list[tuple[Hashable, str]] = []
    for ix in table.indexes:
        cols = tuple(c if c in table.column_names else normalize_expression(c) or c for c in ix.columns)
        desc = ix.descending or (False,) * len(cols)
        keys = tuple(f"{c} DESC" if d else c for c, d in zip(cols, desc, strict=False))
        where = normalize_expression(ix.where)
        sig = (keys, ix.unique, ix.method, where, ix.include, ix.opclasses, ix.name if names else None)
        text = f"{'UNIQUE ' if ix.unique else ''}{ix.method} {_fmt(keys)}"
        text += f" ({', '.join(o or 'default' for o in ix.opclasses)})" if ix.opclasses else ""
        text += f" INCLUDE {_fmt(ix.include)}" if ix.include else ""
        text += f" WHERE {where}" if where else ""
        items.append((sig, f"{ix.name} {text}" if names and ix.name else text))
    return items


def _diff_table(key: str, e: Table, a: Table, expected: Schema, actual: Schema, names: bool) -> list[SchemaDifference]:
    out: list[SchemaDifference] = []
    for col in e.columns:
        other = a.column(col.name)
        out += [SchemaDifference("column", key, col.name, col.type, None)] if other is None else _diff_column(key, col, other)
    out += [SchemaDifference("column", key, c.name, None, c.type) for c in a.columns if e.column(c.name) is None]
    epk = _fmt(e.primary_key.columns) if e.primary_key else None
    apk = _fmt(a.primary_key.columns) if a.primary_key else None
    if names and e.primary_key and a.primary_key and e.primary_key.name != a.primary_key.name:
        epk, apk = f"{e.primary_key.name} {epk}", f"{a.primary_key.name} {apk}"
    if epk != apk:
        out.append(SchemaDifference("primary_key", key, None, epk, apk))
    groups: list[tuple[str, list[tuple[Hashable, str]], list[tuple[Hashable, str]]]] = [
        ("foreign_key", _fk_items(expected, e, names), _fk_items(actual, a, names)),
        ("unique", _unique_items(e, names), _unique_items(a, names)),
        ("check", _check_items(e, names), _check_items(a, names)),
        ("index", _index_items(e, names), _index_items(a, names)),
    ]
    for kind, exp_items, act_items in groups:
        (exp_text, exp_keys), (act_text, act_keys) = _signatures(exp_items), _signatures(act_items)
        out += _multiset_diff(kind, key, exp_text, act_text, exp_keys, act_keys)
    return out


def diff_schemas(expected: Schema, actual: Schema, *, names: bool = False) -> list[SchemaDifference]:
    """Every difference between ``expected`` and ``actual``, tables in ``expected``'s order.
    An empty list means the two models describe the same schema."""
    out: list[SchemaDifference] = []
    for key, table in expected.tables.items():
        other = actual.tables.get(key)
        if other is None:
            out.append(SchemaDifference("table", key, None, "present", None))
        else:
            out += _diff_table(key, table, other, expected, actual, names)
    out += [SchemaDifference("table", key, None, None, "present") for key in actual.tables if key not in expected.tables]
    for name, labels in expected.enums.items():
        found = actual.enums.get(name)
        if found is None:
            out.append(SchemaDifference("enum", None, display_key(name), ", ".join(labels), None))
        elif tuple(found) != tuple(labels):
            out.append(SchemaDifference("enum.labels", None, display_key(name), ", ".join(labels), ", ".join(found)))
    out += [SchemaDifference("enum", None, display_key(n), None, ", ".join(v)) for n, v in actual.enums.items() if n not in expected.enums]
    for kind, exp_names, act_names in (("view", expected.views, actual.views), ("extension", expected.extensions, actual.extensions)):
        out += [SchemaDifference(kind, None, display_key(n), n, None) for n in exp_names if n not in act_names]
        out += [SchemaDifference(kind, None, display_key(n), None, n) for n in act_names if n not in exp_names]
    return out
