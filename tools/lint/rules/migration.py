"""Migration safety: indexes, transactions and lock timeouts on tables that already exist.

Every rule here fires only on statements that change a table that existed before the script
(see :mod:`tools.lint.rules.migration_state`); a table the same migration creates is new and
empty, so locking it harms nobody. Column, rewrite, constraint and table changes are in the
``migration_columns``, ``migration_rewrites``, ``migration_constraints`` and
``migration_tables`` modules; ``RULES`` here lists them all.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from tools.lint.base import Diagnostic, LintContext, Rule, Severity
from tools.lint.rules import migration_columns as columns
from tools.lint.rules import migration_constraints as constraints
from tools.lint.rules import migration_rewrites as rewrites
from tools.lint.rules import migration_tables as tables
from tools.lint.rules._util import table_key
from tools.lint.rules.migration_state import (
    alter_table,
    display,
    existing_index,
    is_existing_at,
    script_state,
)
from tools.parse import ParsedStatement


def index_target(tree: exp.Expression | None) -> tuple[exp.Create, str] | None:
    """``(CREATE INDEX node, table key)`` of a ``CREATE INDEX`` statement."""
    if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Index):
        return None
    table = tree.this.args.get("table")
    return (tree, table_key(table)) if isinstance(table, exp.Table) else None


def dropped_indexes(tree: exp.Expression | None) -> list[exp.Table]:
    if not isinstance(tree, exp.Drop) or str(tree.args.get("kind") or "").upper() != "INDEX":
        return []
    return [t for t in tree.args.get("tables") or () if isinstance(t, exp.Table)]


def lock_taken(ctx: LintContext, stmt: ParsedStatement) -> tuple[str, str] | None:
    """``(lock mode, table key)`` a statement must wait for on an existing table, if any."""
    tree = stmt.expression
    if (alter := alter_table(tree)) is not None:
        key, actions = alter
        if not is_existing_at(ctx, stmt, key):
            return referenced_lock(ctx, stmt)
        fk_only = actions and all(_adds_foreign_key(a) for a in actions)
        return ("SHARE ROW EXCLUSIVE" if fk_only else "ACCESS EXCLUSIVE"), key
    if isinstance(tree, exp.Create) and str(tree.args.get("kind") or "").upper() == "TABLE":
        return referenced_lock(ctx, stmt)
    if (target := index_target(tree)) is not None:
        node, key = target
        if not node.args.get("concurrently") and is_existing_at(ctx, stmt, key):
            return "SHARE", key
        return None
    if isinstance(tree, exp.Drop) and str(tree.args.get("kind") or "").upper() == "TABLE":
        for table in tree.args.get("tables") or ():
            if isinstance(table, exp.Table) and is_existing_at(ctx, stmt, table_key(table)):
                return "ACCESS EXCLUSIVE", table_key(table)
    if isinstance(tree, exp.TruncateTable):
        for table in tree.expressions:
            if isinstance(table, exp.Table) and is_existing_at(ctx, stmt, table_key(table)):
                return "ACCESS EXCLUSIVE", table_key(table)
    if tree is not None and not tree.args.get("concurrently"):
        for name in dropped_indexes(tree):
            index = existing_index(ctx, name)
            if index is not None and is_existing_at(ctx, stmt, index.table):
                return "ACCESS EXCLUSIVE", index.table
    return None


def referenced_lock(ctx: LintContext, stmt: ParsedStatement) -> tuple[str, str] | None:
    """A foreign key from a new table still locks the existing table it references."""
    assert stmt.expression is not None
    for ref in stmt.expression.find_all(exp.Reference):
        table = ref.find(exp.Table)
        if table is not None and is_existing_at(ctx, stmt, table_key(table)):
            return "SHARE ROW EXCLUSIVE", table_key(table)
    return None


def _adds_foreign_key(action: exp.Expression) -> bool:
    return isinstance(action, exp.AddConstraint) and any(
        isinstance(node, exp.ForeignKey) for node in action.find_all(exp.ForeignKey)
    )


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

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        target = index_target(stmt.expression)
        if target is None or target[0].args.get("concurrently"):
            return
        if is_existing_at(ctx, stmt, target[1]):
            yield self.at(stmt, target[0].this)


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

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        if tree is None or tree.args.get("concurrently"):
            return
        for name in dropped_indexes(tree):
            index = existing_index(ctx, name)
            if index is not None and is_existing_at(ctx, stmt, index.table):
                yield self.at(stmt, name)


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

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        concurrent = (index_target(tree) is not None or bool(dropped_indexes(tree))) and bool(
            tree is not None and tree.args.get("concurrently")
        )
        if concurrent and script_state(ctx).at(stmt).in_transaction:
            yield self.at(stmt)


class MissingLockTimeout(Rule):
    """## What it does
    Flags the first statement that takes a lock on an existing table when no
    `SET lock_timeout` came before it in the script.

    ## Why is this bad
    A DDL statement waits for its lock (often ACCESS EXCLUSIVE) behind any long-running query
    or idle transaction, and while it waits every later query on the table queues behind it:
    a one-millisecond change becomes an outage as long as the slowest transaction.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    SET lock_timeout = '2s';
    ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;
    ```
    """

    id = "missing-lock-timeout"
    severity = Severity.WARNING
    message = "Set lock_timeout before taking locks on existing tables: a queued lock blocks every later query for as long as it waits"
    hint = "start the migration with SET lock_timeout = '2s' (and retry on timeout)"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        state = script_state(ctx)
        for stmt in ctx.statements():
            if state.at(stmt).lock_timeout:
                continue
            taken = lock_taken(ctx, stmt)
            if taken is not None:
                lock, key = taken
                message = (
                    f"Set lock_timeout before taking locks on existing tables: this statement "
                    f"waits for {lock} on {display(key)} and blocks every later query while it waits"
                )
                yield self.at(stmt, message=message)
                return


RULES: tuple[type[Rule], ...] = (
    CreateIndexNonConcurrently,
    DropIndexNonConcurrently,
    ConcurrentlyInTransaction,
    MissingLockTimeout,
    *columns.RULES,
    *rewrites.RULES,
    *constraints.RULES,
    *tables.RULES,
)
"""Every migration-safety rule, in order (the registry imports this tuple)."""
