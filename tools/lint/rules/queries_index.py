"""Query rules that read the schema: which index serves a predicate, which column is nullable.

A column is resolved to its table through the ``FROM``/``JOIN``/``UPDATE``/``DELETE`` sources
of the enclosing query (outer queries for correlated references). When a column cannot be
resolved to a table of ``ctx.schema``, these rules stay silent: they cannot decide.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import sqlglot
from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity, find_all
from dbarch.tools.lint.rules._util import table_key
from dbarch.tools.lint.rules.migration_state import identifier_name, located
from dbarch.tools.schema.model import Column, Schema, Table
from dbarch.tools.sql.parse import ParsedStatement

_SCOPES = (exp.Select, exp.Update, exp.Delete)


def query_sources(scope: exp.Expr) -> dict[str, str]:
    """``alias -> table key`` of the tables a SELECT, UPDATE or DELETE reads directly."""
    tables: list[exp.Table] = []
    if isinstance(scope, exp.Update | exp.Delete) and isinstance(scope.this, exp.Table):
        tables.append(scope.this)
    for key in ("from_", "from", "using"):
        part = scope.args.get(key)
        if isinstance(part, exp.Expr):
            tables.extend(t for t in part.find_all(exp.Table) if t.find_ancestor(*_SCOPES) is scope)
    for join in scope.args.get("joins") or ():
        if isinstance(join.this, exp.Table):
            tables.append(join.this)
    return {t.alias_or_name: table_key(t) for t in tables}


def resolve(column: exp.Column, schema: Schema) -> tuple[Table, Column] | None:
    """The table and column a column reference reads, or ``None`` when that is not certain."""
    name = identifier_name(column)
    scope = column.find_ancestor(*_SCOPES)
    while scope is not None:
        sources = query_sources(scope)
        if column.table:
            if column.table in sources:
                return _lookup(schema, sources[column.table], name)
        else:
            found = [r for key in sources.values() if (r := _lookup(schema, key, name))]
            if len(found) == 1:
                return found[0]
            if found or any(key not in schema.tables for key in sources.values()):
                return None  # ambiguous, or an unknown source might hold it
        scope = scope.find_ancestor(*_SCOPES)
    return None


def _lookup(schema: Schema, key: str, name: str) -> tuple[Table, Column] | None:
    table = schema.tables.get(key)
    col = table.column(name) if table else None
    return (table, col) if table and col else None


def index_key_parts(text: str) -> tuple[str, str | None]:
    """``("lower(email)", "gin_trgm_ops")`` from an index key as the model keeps it."""
    head, _, last = text.strip().rpartition(" ")
    if head and last.lower().endswith("_ops"):
        return head.strip(), last.lower()
    return text.strip(), None


def normalized(node: exp.Expr) -> str:
    """SQL of an expression without table qualifiers and parentheses, for comparison."""

    def strip(n: exp.Expr) -> exp.Expr:
        if isinstance(n, exp.Paren):
            return cast(exp.Expr, n.this)
        if isinstance(n, exp.Column) and n.table:
            return exp.column(n.this.copy())
        return n

    return node.copy().transform(strip).sql("postgres").lower()


def _parse_key(text: str) -> exp.Expr | None:
    try:
        return sqlglot.parse_one(text, read="postgres")
    except Exception:  # an index key we cannot read matches nothing
        return None


def has_trigram_index(table: Table, column: str, operand: exp.Expr) -> bool:
    """A GIN/GiST ``*_trgm_ops`` index on ``column`` (or on the expression ``operand``)."""
    for index in table.indexes:
        if index.method not in ("gin", "gist"):
            continue
        for key in index.columns:
            expr_text, opclass = index_key_parts(key)
            if opclass is not None and "trgm" not in opclass:
                continue
            parsed = _parse_key(expr_text)
            if parsed is not None and normalized(parsed) in {column, normalized(operand)}:
                return True
    return False


def like_pattern_head(pattern: exp.Expr) -> str | None:
    """The literal text a LIKE pattern starts with (``'%' || x`` starts with ``%``)."""
    while isinstance(pattern, exp.DPipe | exp.Concat):
        pattern = pattern.this if isinstance(pattern, exp.DPipe) else pattern.expressions[0]
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return str(pattern.this)
    return None


class LeadingWildcardLike(Rule):
    """## What it does
    Flags `LIKE` / `ILIKE` patterns that start with `%` or `_` on a column that has no
    trigram (`pg_trgm` GIN or GiST) index in the schema.

    ## Why is this bad
    A B-tree index can only serve a pattern with a fixed prefix: `'%son'` reads every row of
    the table, on every call.

    ## Example
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    SELECT id FROM users WHERE email LIKE '%@example.com';
    ```

    ## Use instead
    ```sql
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);
    SELECT id FROM users WHERE email LIKE '%@example.com';
    ```
    """

    id = "leading-wildcard-like"
    severity = Severity.WARNING
    message = "Index the column for a leading-wildcard LIKE: without a trigram index it scans the whole table"
    hint = "CREATE EXTENSION pg_trgm; CREATE INDEX ... USING gin (col gin_trgm_ops); or match on a prefix / use full-text search"
    family = "queries"
    node_types = (exp.Like, exp.ILike)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        assert stmt.expression is not None
        for like in find_all(stmt, exp.Like, exp.ILike):
            head = like_pattern_head(like.expression)
            match_all = head == "%" and isinstance(like.expression, exp.Literal)
            if not head or head[0] not in "%_" or match_all:
                continue
            operand = like.this
            column = operand if isinstance(operand, exp.Column) else operand.find(exp.Column)
            found = resolve(column, ctx.schema) if column is not None else None
            if found is not None and not has_trigram_index(found[0], found[1].name, operand):
                yield self.at(stmt, located(like))


def _not_null_filtered(select: exp.Select, name: str) -> bool:
    """The subquery's WHERE says ``name IS NOT NULL`` at its top level."""
    where = select.args.get("where")
    node = where.this if where else None
    parts = list(node.flatten()) if isinstance(node, exp.And) else [node]
    for part in parts:
        inner = part.this if isinstance(part, exp.Not) else part
        negated = isinstance(part, exp.Not) or (isinstance(part, exp.Is) and part.args.get("negate"))
        if (
            isinstance(inner, exp.Is)
            and isinstance(inner.expression, exp.Null)
            and negated
            and identifier_name(inner.this) == name
        ):
            return True
    return False


def _is_not_null(table: Table, column: Column) -> bool:
    return not column.nullable or bool(table.primary_key and column.name in table.primary_key.columns)


class NotInSubquery(Rule):
    """## What it does
    Flags `NOT IN (SELECT col ...)` when `col` may be NULL (nullable in the schema, or
    unknown) and the subquery does not filter NULLs out.

    ## Why is this bad
    One NULL in the subquery's result makes `x NOT IN (...)` NULL for every row: the query
    silently returns nothing. The planner also cannot turn it into an anti-join.

    ## Example
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
    SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM orders);
    ```

    ## Use instead
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
    SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id);
    ```
    """

    id = "not-in-subquery"
    severity = Severity.WARNING
    message = "Use NOT EXISTS instead of NOT IN (subquery): one NULL in the subquery makes it match nothing"
    hint = "WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.col = outer.col): NULL-safe and planned as an anti-join"
    family = "queries"
    node_types = (exp.In,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        assert stmt.expression is not None
        for node in find_all(stmt, exp.In):
            negated = isinstance(node.parent, exp.Not)
            query = node.args.get("query")
            select = query.this if isinstance(query, exp.Subquery) else query
            if not negated or not isinstance(select, exp.Select) or len(select.expressions) != 1:
                continue
            item = select.expressions[0].unalias()
            if isinstance(item, exp.Literal):
                continue
            if isinstance(item, exp.Column):
                if _not_null_filtered(select, identifier_name(item)):
                    continue
                found = resolve(item, ctx.schema)
                if found is not None and _is_not_null(*found):
                    continue
            yield self.at(stmt, located(node.parent))


_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.In, exp.Between)


def wrapped_column(operand: exp.Expr) -> exp.Column | None:
    """The one column inside a function call or cast (``lower(email)``, ``created_at::date``)."""
    if not isinstance(operand, exp.Func | exp.Cast) or isinstance(operand, exp.AggFunc):
        return None
    columns = list(operand.find_all(exp.Column))
    return columns[0] if len(columns) == 1 else None


def has_expression_index(table: Table, operand: exp.Expr) -> bool:
    wanted = normalized(operand)
    for index in table.indexes:
        if index.columns:
            parsed = _parse_key(index_key_parts(index.columns[0])[0])
            if parsed is not None and normalized(parsed) == wanted:
                return True
    return False


class FunctionOnIndexedColumn(Rule):
    """## What it does
    Flags a function call or cast around an indexed column in `WHERE` or `JOIN ... ON`
    (`lower(email) = ...`, `created_at::date = ...`) when no expression index matches it.

    ## Why is this bad
    The index is on the column, not on the function's result: PostgreSQL cannot use it and
    reads the whole table instead.

    ## Example
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    CREATE INDEX users_email_idx ON users (email);
    SELECT id FROM users WHERE lower(email) = 'ada@example.com';
    ```

    ## Use instead
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    CREATE INDEX users_email_lower_idx ON users (lower(email));
    SELECT id FROM users WHERE lower(email) = 'ada@example.com';
    ```
    """

    id = "function-on-indexed-column"
    severity = Severity.WARNING
    message = "Compare the bare column or add an expression index: a function around an indexed column cannot use its index"
    hint = "rewrite as a range on the column (created_at >= d AND created_at < d + 1), or CREATE INDEX ON t (lower(col))"
    family = "queries"
    node_types = (exp.Where, exp.Join)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        assert stmt.expression is not None
        clauses = [*find_all(stmt, exp.Where), *(j.args["on"] for j in find_all(stmt, exp.Join) if j.args.get("on"))]
        for clause in clauses:
            for pred in clause.find_all(*_COMPARISONS):
                for operand in (pred.this, pred.args.get("expression")):
                    if isinstance(operand, exp.Expr):
                        yield from self._check(stmt, ctx, operand)

    def _check(self, stmt: ParsedStatement, ctx: LintContext, operand: exp.Expr) -> Iterator[Diagnostic]:
        column = wrapped_column(operand)
        found = resolve(column, ctx.schema) if column is not None else None
        if found is None:
            return
        table, col = found
        if table.has_index_leading_with((col.name,)) and not has_expression_index(table, operand):
            yield self.at(stmt, located(operand))


RULES: tuple[type[Rule], ...] = (LeadingWildcardLike, NotInSubquery, FunctionOnIndexedColumn)
