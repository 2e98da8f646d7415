"""Index rules: duplicates, redundant prefixes, too many indexes, column order vs. the queries."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules._util import script_tables, table_key
from dbarch.tools.schema.model import Index, Table


def _new_indexes(table: Table, before: Table | None) -> list[Index]:
    old = set(before.indexes) if before else set()
    return [i for i in table.indexes if i not in old]


def _constraint_keys(table: Table) -> list[tuple[str, tuple[str, ...]]]:
    keys = [("primary key", table.primary_key.columns)] if table.primary_key else []
    return keys + [(f"unique constraint {u.name or ''}".strip(), u.columns) for u in table.uniques]


def _label(index: Index) -> str:
    return index.name or f"on ({', '.join(index.columns)})"


def _same_shape(a: Index, b: Index) -> bool:
    return (a.columns, a.method, a.where, a.descending or ()) == (b.columns, b.method, b.where, b.descending or ())


class NoDuplicateIndex(Rule):
    """Two indexes on the same columns.

    ## What it does
    Flags an index with the same columns, method, order and predicate as another index of the
    table, or as the index behind its primary key or a unique constraint.

    ## Why is this bad
    The copy is never chosen over the original but is written on every insert and update,
    takes disk and cache, and slows vacuum.

    ## Example
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
    CREATE INDEX users_email_idx ON users (email);
    ```

    ## Use instead
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
    ```
    """

    id = "no-duplicate-index"
    message = "Drop this duplicate index"
    hint = "the other index already serves every query this one could"
    family = "indexes"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            seen: list[Index] = []
            for index in table.indexes:
                twin = next((s for s in seen if _same_shape(s, index)), None)
                constraint = next(
                    (name for name, cols in _constraint_keys(table)
                     if cols == index.columns and index.method == "btree" and not index.is_partial),
                    None,
                )
                seen.append(index)
                if index not in _new_indexes(table, before) or (twin is None and constraint is None):
                    continue
                other = _label(twin) if twin is not None else constraint
                if twin is None and index.unique and constraint and constraint.startswith("unique"):
                    other = constraint
                yield self.diagnostic(
                    index.line or table.line or 1, 1,
                    message=f"Drop index {_label(index)}: it duplicates {other} of {table.display_name}",
                )


class NoRedundantIndex(Rule):
    """An index whose columns are a prefix of another index.

    ## What it does
    Flags a non-unique, non-partial B-tree index whose columns are the leading columns of
    another B-tree index, primary key or unique constraint of the same table.

    ## Why is this bad
    A B-tree on `(a, b)` serves lookups on `a` alone, so the index on `(a)` only costs writes,
    disk and cache.

    ## Example
    ```sql
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, created_at timestamptz NOT NULL);
    CREATE INDEX orders_customer_idx ON orders (customer_id);
    CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);
    ```

    ## Use instead
    ```sql
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, created_at timestamptz NOT NULL);
    CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);
    ```
    """

    id = "no-redundant-index"
    message = "Drop this index: a longer index starts with the same columns"
    hint = "the longer index serves lookups on its leading columns"
    family = "indexes"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            longer = [(_label(i), i.columns) for i in table.indexes if i.method == "btree" and not i.is_partial]
            longer += _constraint_keys(table)
            for index in _new_indexes(table, before):
                if index.unique or index.is_partial or index.method != "btree":
                    continue
                n = len(index.columns)
                cover = next((name for name, cols in longer if len(cols) > n and cols[:n] == index.columns), None)
                if cover is not None:
                    yield self.diagnostic(
                        index.line or table.line or 1, 1,
                        message=f"Drop index {_label(index)}: {cover} starts with the same columns",
                    )


class TooManyIndexes(Rule):
    """A table with more indexes than the configured maximum.

    ## What it does
    Counts the indexes of each table (explicit indexes, the primary key and unique constraints)
    and flags tables with more than `max-indexes` (default 8; set it in
    `[tool.dbarch.lint.rules.too-many-indexes]`).

    ## Why is this bad
    Every index is written on every insert and on updates of its columns, blocks HOT updates,
    and competes for cache. Past a handful, some are usually unused or redundant.

    ## Example
    ```sql
    CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, c int, d int, e int, f int, g int, h int);
    CREATE INDEX ON t (a);
    CREATE INDEX ON t (b);
    CREATE INDEX ON t (c);
    CREATE INDEX ON t (d);
    CREATE INDEX ON t (e);
    CREATE INDEX ON t (f);
    CREATE INDEX ON t (g);
    CREATE INDEX ON t (h);
    ```

    ## Use instead
    ```sql
    CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, c int, d int, e int, f int, g int, h int);
    CREATE INDEX ON t (a, b);
    CREATE INDEX ON t (c);
    ```
    """

    id = "too-many-indexes"
    message = "Review the indexes of this table: there are too many"
    hint = "drop unused ones (pg_stat_user_indexes.idx_scan = 0) or merge them into multi-column indexes"
    family = "indexes"
    defaults: ClassVar[Mapping[str, Any]] = {"max-indexes": 8}

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        limit = int(self.options["max-indexes"])
        for table, before in script_tables(ctx):
            count = len(table.indexes) + len(_constraint_keys(table))
            if count > limit and (before is None or _new_indexes(table, before)):
                yield self.diagnostic(
                    table.line or 1, 1,
                    message=f"Review the {count} indexes of {table.display_name}: more than {limit}",
                )


_RANGE = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between)


def _scope_tables(select: exp.Expr) -> dict[str, str]:
    """Alias or name -> table key for the tables a query reads directly."""
    out: dict[str, str] = {}
    for table in select.find_all(exp.Table):
        key = table_key(table)
        out[table.alias_or_name.lower()] = key
        out[table.name.lower()] = key
    return out


def _op(node: exp.Expr) -> str | None:
    if isinstance(node, exp.EQ | exp.In | exp.Is):
        return "eq"
    if isinstance(node, _RANGE):
        return "range"
    if isinstance(node, exp.Like):
        pattern = node.expression
        if isinstance(pattern, exp.Literal) and not pattern.name.startswith(("%", "_")):
            return "range"
    return None


def query_predicates(tree: exp.Expression) -> list[dict[tuple[str, str], set[str]]]:
    """For each WHERE clause: ``(table key, column) -> {"eq", "range"}`` of its conditions."""
    found = []
    for where in tree.find_all(exp.Where):
        parent = where.parent
        if parent is None:
            continue
        scope = _scope_tables(parent)
        keys = set(scope.values())
        preds: dict[tuple[str, str], set[str]] = {}
        for node in where.find_all(exp.Predicate):
            op = _op(node)
            col = node.this if op else None
            if not isinstance(col, exp.Column):
                continue
            key = scope.get(col.table.lower()) if col.table else (next(iter(keys)) if len(keys) == 1 else None)
            if key is not None and op is not None:
                preds.setdefault((key, col.name.lower()), set()).add(op)
        if preds:
            found.append(preds)
    return found


class IndexColumnOrder(Rule):
    """A multi-column index that puts a range column before an equality column.

    ## What it does
    Reads the queries in the script: when they filter the index's leading column with a range
    (`>`, `<`, `BETWEEN`, `LIKE 'x%'`) and a later column with equality, and no query tests the
    leading column for equality, the order is backwards. Silent when the script has no such query.

    ## Why is this bad
    A B-tree is sorted by its first column: a range on it must scan every entry in the range and
    filter the equality column row by row. Equality columns first, range column last, lets the
    scan read only matching entries.

    ## Example
    ```sql
    CREATE TABLE events (id bigint PRIMARY KEY, account_id bigint NOT NULL, created_at timestamptz NOT NULL);
    CREATE INDEX events_created_account_idx ON events (created_at, account_id);
    SELECT id FROM events WHERE account_id = 42 AND created_at >= now() - interval '1 day';
    ```

    ## Use instead
    ```sql
    CREATE TABLE events (id bigint PRIMARY KEY, account_id bigint NOT NULL, created_at timestamptz NOT NULL);
    CREATE INDEX events_account_created_idx ON events (account_id, created_at);
    SELECT id FROM events WHERE account_id = 42 AND created_at >= now() - interval '1 day';
    ```
    """

    id = "index-column-order"
    message = "Put equality columns before range columns in this index"
    hint = "order multi-column B-tree indexes: equality columns first, then the range column"
    family = "indexes"
    severity = Severity.WARNING

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        candidates = [
            (table, index)
            for table, before in script_tables(ctx)
            for index in _new_indexes(table, before)
            if len(index.columns) >= 2 and index.method == "btree"
        ]
        if not candidates:  # no multi-column index: the queries need not be read at all
            return
        queries = [p for st in ctx.statements() if st.expression is not None
                   and isinstance(st.expression, exp.Select | exp.Update | exp.Delete | exp.Union)
                   for p in query_predicates(st.expression)]
        if not queries:
            return
        for table, index in candidates:
            advice = self._advice(table.key, index.columns, queries)
            if advice:
                yield self.diagnostic(
                    index.line or table.line or 1, 1,
                    message=f"Put {advice[1]} before {advice[0]} in index {_label(index)}: queries test {advice[1]} for equality and {advice[0]} by range",
                )

    @staticmethod
    def _advice(key: str, columns: tuple[str, ...], queries: list[dict[tuple[str, str], set[str]]]) -> tuple[str, str] | None:
        for i, lead in enumerate(columns[:-1]):
            if any("eq" in q.get((key, lead), set()) for q in queries):
                return None
            for q in queries:
                if q.get((key, lead)) == {"range"}:
                    for later in columns[i + 1 :]:
                        if q.get((key, later)) == {"eq"}:
                            return lead, later
        return None


RULES: tuple[type[Rule], ...] = (NoDuplicateIndex, NoRedundantIndex, TooManyIndexes, IndexColumnOrder)
"""Every index rule, in registry order."""
