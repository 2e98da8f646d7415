"""Migration safety: index builds and drops, and CONCURRENTLY inside transactions, on tables
that already exist.

Every rule here fires only on statements that change a table that existed before the script
(see :mod:`tools.lint.rules.migration_state`); a table the same migration creates is new and
empty, so locking it harms nobody. Timeouts, column, rewrite, constraint and table changes are
in the ``migration_timeouts``, ``migration_columns``, ``migration_rewrites``,
``migration_constraints`` and ``migration_tables`` modules; ``RULES`` here lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity, memoized
from dbarch.tools.lint.rules import (
    migration_columns as columns,
    migration_constraints as constraints,
    migration_maintenance as maintenance,
    migration_rewrites as rewrites,
    migration_tables as tables,
    migration_timeouts as timeouts,
    migration_transactions as transactions,
)
from dbarch.tools.lint.rules.migration_locks import dropped_indexes, index_target, lock_taken
from dbarch.tools.lint.rules.migration_session import leading, pg_statements
from dbarch.tools.lint.rules.migration_state import is_existing_at, script_state
from dbarch.tools.schema.idents import resolve_key
from dbarch.tools.sql.parse import ParsedStatement

__all__ = ["RULES", "dropped_indexes", "index_target", "lock_taken"]


class CreateIndexNonConcurrently(Rule):
    """## What it does
    Flags `CREATE INDEX` without `CONCURRENTLY` on a table that already exists.

    ## Why is this bad
    A plain `CREATE INDEX` holds a SHARE lock on the table for the whole index build (a full
    scan and sort: minutes on a large table). Reads go on, but every INSERT, UPDATE and
    DELETE waits until the build ends.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    CREATE INDEX users_email_idx ON users (email);
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
    ```
    """

    id = "create-index-non-concurrently"
    severity = Severity.WARNING
    message = "Build indexes on existing tables CONCURRENTLY: CREATE INDEX holds a SHARE lock (writes blocked) for the whole build"
    hint = "CREATE INDEX CONCURRENTLY outside a transaction block; if it fails, DROP INDEX CONCURRENTLY the invalid index and retry"
    family = "migration"
    node_types = (exp.Index,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        target = index_target(stmt.expression)
        if target is None or target[0].args.get("concurrently"):
            return
        if is_existing_at(ctx, stmt, target[1]):
            yield self.at(stmt, target[0].this)

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        """``CREATE INDEX`` forms sqlglot cannot read (``ON ONLY``...), from PostgreSQL's tree."""
        opaque = [st for st in ctx.script.statements if not st.analysed]
        for stmt, node in pg_statements(opaque, frozenset({"create"})):
            if type(node).__name__ != "IndexStmt" or node.concurrent or node.relation is None:
                continue
            known = set(ctx.existing.tables) | set(script_state(ctx).created_at)
            key = resolve_key(node.relation.schemaname or None, node.relation.relname,
                              script_state(ctx).path_at(stmt), known)
            if is_existing_at(ctx, stmt, key):
                yield self.at(stmt)


class DropIndexNonConcurrently(Rule):
    """## What it does
    Flags `DROP INDEX` without `CONCURRENTLY` when the index belongs to an existing table.

    ## Why is this bad
    A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself
    is quick, but while it waits for running queries to finish, every read and write of the
    table queues behind it.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text); CREATE INDEX users_email_idx ON users (email);
    DROP INDEX users_email_idx;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text); CREATE INDEX users_email_idx ON users (email);
    DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
    ```
    """

    id = "drop-index-non-concurrently"
    severity = Severity.WARNING
    message = "Drop indexes of existing tables CONCURRENTLY: DROP INDEX waits for an ACCESS EXCLUSIVE lock and blocks all queries meanwhile"
    hint = "DROP INDEX CONCURRENTLY IF EXISTS, outside a transaction block"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        if ctx.script.dialect != "postgres":
            return
        created = indexes_created(ctx)
        for stmt, node in pg_statements(ctx.script.statements, frozenset({"drop"}), _DROP_INDEX):
            if type(node).__name__ != "DropStmt" or getattr(node.removeType, "name", "") != "OBJECT_INDEX":
                continue
            if node.concurrent:
                continue
            for names in node.objects or ():
                parts = [n.sval for n in names]
                if _drops_live_index(ctx, stmt, parts, created):
                    yield self.at(stmt)
                    break


def indexes_created(ctx: LintContext) -> dict[str, int]:
    """Index name -> statement index of the first ``CREATE INDEX`` of it in the script (or of
    the ``ALTER INDEX ... RENAME TO`` that gave an index made here this name)."""
    def compute() -> dict[str, int]:
        found: dict[str, int] = {}
        made = [st for st in ctx.script.statements if _CREATE_INDEX.match(st.text) or _ALTER_INDEX.match(st.text)]
        for stmt, node in pg_statements(made, frozenset({"create", "alter"})):
            if type(node).__name__ == "IndexStmt" and node.idxname:
                found.setdefault(node.idxname, stmt.statement.index)
            elif type(node).__name__ == "RenameStmt" and node.relation is not None and node.relation.relname in found:
                found.setdefault(node.newname, stmt.statement.index)  # ALTER INDEX made_here RENAME TO ...
        return found

    return memoized(("indexes_created", id(ctx.script)), compute)


_DROP_INDEX = leading("drop index")
_ALTER_INDEX = leading("alter index")
_CREATE_INDEX = re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*create\s+(?:unique\s+)?index\b", re.I | re.S)
"""Statements that may create an index (only these are parsed again for their names)."""


def _drops_live_index(ctx: LintContext, stmt: ParsedStatement, parts: list[str], created: dict[str, int]) -> bool:
    """The index (``[schema,] name`` as PostgreSQL folded it) belongs to a table that existed
    before the script: known from the current schema, or, with none given, any index the
    script does not create itself (the statement would fail otherwise, unless IF EXISTS)."""
    name, schema = parts[-1], (parts[-2] if len(parts) > 1 else None)
    made = created.get(name)
    if made is not None and made < stmt.statement.index:
        return False
    for index in ctx.existing.indexes:
        if index.name == name and (schema is None or index.table.startswith(f"{schema}.")):
            return is_existing_at(ctx, stmt, index.table)
    return not (ctx.existing.tables or ctx.existing.indexes)


class ConcurrentlyInTransaction(Rule):
    """## What it does
    Flags `CREATE INDEX CONCURRENTLY` and `DROP INDEX CONCURRENTLY` between `BEGIN` and
    `COMMIT` in the script.

    ## Why is this bad
    PostgreSQL refuses to run them inside a transaction block: the migration fails at that
    statement (after taking whatever locks the earlier statements took).

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    BEGIN;
    CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
    COMMIT;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
    ```
    """

    id = "concurrently-in-transaction"
    severity = Severity.ERROR
    message = "Move CONCURRENTLY index operations out of the transaction block: PostgreSQL rejects them there"
    hint = "run CREATE/DROP INDEX CONCURRENTLY as its own statement after COMMIT (disable the migration tool's wrapping transaction for this file)"
    family = "migration"
    node_types = (exp.Index, exp.Drop)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        concurrent = (index_target(tree) is not None or bool(dropped_indexes(tree))) and bool(
            tree is not None and tree.args.get("concurrently")
        )
        if concurrent and script_state(ctx).at(stmt).in_transaction:
            if ctx.assume_in_transaction and len(ctx.script.sql_statements) == 1:
                return  # alone in its file: runners detect it and run it outside a transaction
            yield self.at(stmt)


RULES: tuple[type[Rule], ...] = (
    CreateIndexNonConcurrently,
    DropIndexNonConcurrently,
    ConcurrentlyInTransaction,
    *timeouts.RULES,
    *columns.RULES,
    *rewrites.RULES,
    *constraints.RULES,
    *tables.RULES,
    *transactions.RULES,
    *maintenance.RULES,
)
"""Every migration-safety rule, in order (the registry imports this tuple)."""
