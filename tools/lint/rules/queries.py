"""Query anti-patterns: rules over the SELECT, INSERT, UPDATE and DELETE trees of a script
(views included). The rules that need the schema's indexes and nullability are in
:mod:`tools.lint.rules.queries_index`; ``RULES`` here lists both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity, find_all
from dbarch.tools.lint.rules import queries_columns, queries_index
from dbarch.tools.lint.rules.migration_state import located
from dbarch.tools.sql.parse import ParsedStatement


def projection_star(select: exp.Select) -> exp.Expr | None:
    """The ``*`` or ``t.*`` in the select list of ``select``, if there is one."""
    for item in select.expressions:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
            return item
    return None


class SelectStar(Rule):
    """## What it does
    Flags `SELECT *` and `SELECT t.*` in queries and view definitions (not inside `EXISTS`,
    where the select list is never read, nor over a function whose column definition list
    names and types every column, as `crosstab` needs).

    ## Why is this bad
    The result changes shape whenever a column is added or dropped: a view freezes the column
    list of the day it was created, application code maps columns by position, and wide rows
    (big `jsonb`, `bytea`) travel over the network for nothing. It also defeats index-only
    scans.

    ## Example
    ```sql
    SELECT * FROM users WHERE id = 1;
    ```

    ## Use instead
    ```sql
    SELECT id, email FROM users WHERE id = 1;
    ```
    """

    id = "select-star"
    severity = Severity.WARNING
    message = "List the columns you need instead of SELECT *"
    hint = "name each column; in views the column list is frozen at creation time anyway"
    family = "queries"
    node_types = (exp.Select,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        assert stmt.expression is not None
        for select in find_all(stmt, exp.Select):
            star = projection_star(select)
            if star is not None and select.find_ancestor(exp.Exists) is None and not _declared_columns(select):
                yield self.at(stmt, located(star))


def _declared_columns(select: exp.Select) -> bool:
    """``select`` reads one source whose columns the query itself declares, with their types:
    ``SELECT * FROM crosstab(...) AS t (id integer, total numeric)``. The star then has a
    fixed shape."""
    source = select.args.get("from_")
    alias = source.this.args.get("alias") if isinstance(source, exp.From) else None
    columns = (alias.args.get("columns") if isinstance(alias, exp.TableAlias) else None) or []
    return bool(columns) and not select.args.get("joins") and all(isinstance(c, exp.ColumnDef) for c in columns)


class InsertWithoutColumns(Rule):
    """## What it does
    Flags `INSERT INTO t VALUES (...)` and `INSERT INTO t SELECT ...` without a column list.

    ## Why is this bad
    Values are matched to columns by position: adding, dropping or reordering a column makes
    the statement fail or, worse, silently write values into the wrong columns.

    ## Example
    ```sql
    INSERT INTO users VALUES (1, 'ada@example.com');
    ```

    ## Use instead
    ```sql
    INSERT INTO users (id, email) VALUES (1, 'ada@example.com');
    ```
    """

    id = "insert-without-columns"
    severity = Severity.WARNING
    message = "Name the target columns of the INSERT"
    hint = "INSERT INTO t (col_a, col_b) VALUES (...): values then match columns by name, not position"
    family = "queries"
    flood_limit = 3
    node_types = (exp.Insert,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        assert stmt.expression is not None
        for insert in find_all(stmt, exp.Insert):
            if isinstance(insert.this, exp.Table) and not insert.args.get("default"):
                yield self.at(stmt, located(insert.this))


def is_random_call(node: exp.Expr) -> bool:
    return isinstance(node, exp.Rand) or (
        isinstance(node, exp.Anonymous) and node.name.lower() in {"random", "rand"}
    )


class OrderByRandom(Rule):
    """## What it does
    Flags `ORDER BY random()`.

    ## Why is this bad
    PostgreSQL computes a random number for every row of the input and sorts them all, only
    to keep a few: the cost grows with the table, not with the sample.

    ## Example
    ```sql
    SELECT id FROM products ORDER BY random() LIMIT 5;
    ```

    ## Use instead
    ```sql
    SELECT id FROM products TABLESAMPLE SYSTEM (1) LIMIT 5;
    ```
    """

    id = "order-by-random"
    severity = Severity.WARNING
    message = "Avoid ORDER BY random(): it sorts the whole input to pick a few rows"
    hint = "use TABLESAMPLE SYSTEM/BERNOULLI (tsm_system_rows for an exact count), or pick random ids within the key range"
    family = "queries"
    node_types = (exp.Ordered,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        assert stmt.expression is not None
        for ordered in find_all(stmt, exp.Ordered):
            if is_random_call(ordered.this):
                yield self.at(stmt, located(ordered))


def offset_value(offset: exp.Offset) -> int | None:
    value = offset.expression
    if isinstance(value, exp.Literal) and not value.is_string:
        try:
            return int(value.this)
        except ValueError:
            return None
    return None


class LargeOffset(Rule):
    """## What it does
    Flags `OFFSET n` with a literal `n` of 1000 or more (option `threshold`).

    ## Why is this bad
    PostgreSQL reads and throws away the `n` skipped rows on every page: page 1000 of a list
    costs a thousand times page 1, and rows inserted meanwhile shift the pages.

    ## Example
    ```sql
    SELECT id, title FROM posts ORDER BY id LIMIT 20 OFFSET 5000;
    ```

    ## Use instead
    ```sql
    SELECT id, title FROM posts WHERE id > 5020 ORDER BY id LIMIT 20;
    ```
    """

    id = "large-offset"
    severity = Severity.WARNING
    message = "Paginate with a keyset (WHERE key > last seen) instead of a large OFFSET"
    hint = "remember the last row's sort key and query WHERE (sort_key, id) > (:last_key, :last_id) ORDER BY sort_key, id LIMIT n"
    family = "queries"
    node_types = (exp.Offset,)
    defaults: ClassVar[dict[str, Any]] = {"threshold": 1000}

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        assert stmt.expression is not None
        threshold = int(self.options.get("threshold", 1000))
        for offset in find_all(stmt, exp.Offset):
            value = offset_value(offset)
            if value is not None and value >= threshold:
                yield self.at(stmt, located(offset))


def _qualifiers(node: exp.Expr) -> set[str]:
    return {c.table for c in node.find_all(exp.Column) if c.table}


def _comma_joined(select: exp.Select) -> Iterator[exp.Table]:
    for join in select.args.get("joins") or ():
        bare = not any(join.args.get(k) for k in ("on", "using", "kind", "side", "method"))
        if bare and isinstance(join.this, exp.Table) and not join.args.get("lateral"):
            yield join.this


class ImplicitCrossJoin(Rule):
    """## What it does
    Flags a table listed after a comma in `FROM` when no `WHERE` condition links it to the
    other tables: an accidental Cartesian product. An explicit `CROSS JOIN` is left alone.

    ## Why is this bad
    Every row of one table is paired with every row of the other: the result (and the time
    to compute it) grows with the product of the table sizes, and the numbers are wrong.

    ## Example
    ```sql
    SELECT o.id, c.name FROM orders o, customers c WHERE o.total > 100;
    ```

    ## Use instead
    ```sql
    SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 100;
    ```
    """

    id = "implicit-cross-join"
    severity = Severity.WARNING
    message = "Join the table with an explicit ON condition: nothing links it to the others (a Cartesian product)"
    hint = "write FROM a JOIN b ON b.a_id = a.id; use CROSS JOIN when the product is intended"
    family = "queries"
    node_types = (exp.Select,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        assert stmt.expression is not None
        for select in find_all(stmt, exp.Select):
            comma_joined = list(_comma_joined(select))
            if not comma_joined:  # the common case: no comma in FROM, nothing to read
                continue
            where = select.args.get("where")
            conditions = list(where.find_all(exp.Predicate)) if where else []
            if any(not c.table for cond in conditions for c in cond.find_all(exp.Column)):
                continue  # unqualified columns: cannot tell which tables a condition links
            for table in comma_joined:
                alias = table.alias_or_name
                linked = any(alias in q and len(q) > 1 for q in map(_qualifiers, conditions))
                if not linked:
                    yield self.at(stmt, located(table))


RULES: tuple[type[Rule], ...] = (
    SelectStar,
    InsertWithoutColumns,
    OrderByRandom,
    LargeOffset,
    ImplicitCrossJoin,
    *queries_index.RULES,
    *queries_columns.RULES,
)
"""Every query rule, in order (the registry imports this tuple)."""
