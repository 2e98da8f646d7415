"""Migration safety for whole tables and types: renames, drops, truncation, enum order, and
statements that cannot be retried."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules._util import table_key
from dbarch.tools.lint.rules.migration_columns import existing_alter, renames_column
from dbarch.tools.lint.rules.migration_state import (
    alter_table,
    existed_before_script,
    identifier_name,
    is_existing_at,
    is_migration,
    opaque_statements,
    qualify,
    script_state,
)
from dbarch.tools.sql.parse import ParsedStatement


class RenameTable(Rule):
    """## What it does
    Flags `ALTER TABLE ... RENAME TO` on an existing table.

    ## Why is this bad
    The rename takes a brief ACCESS EXCLUSIVE lock, and every running instance of the
    application that still uses the old name fails until it is deployed again.

    ## Example
    ```sql
    -- existing: CREATE TABLE customer (id bigint PRIMARY KEY);
    ALTER TABLE customer RENAME TO customers;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE customer (id bigint PRIMARY KEY);
    CREATE VIEW customers AS SELECT id FROM customer;
    ```
    """

    id = "rename-table"
    severity = Severity.WARNING
    message = "Do not rename tables in place: running code that uses the old name breaks (brief ACCESS EXCLUSIVE lock)"
    hint = "rename and create a simple view with the old name in the same transaction, drop the view once no code uses it"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        for action in alter[1] if alter else ():
            if isinstance(action, exp.AlterRename) and not renames_column(stmt):
                yield self.at(stmt, action)

class DropTable(Rule):
    """## What it does
    Flags `DROP TABLE` of a table that existed before the migration.

    ## Why is this bad
    The drop waits for an ACCESS EXCLUSIVE lock, deletes the data for good, and breaks any
    running code that still queries the table.

    ## Example
    ```sql
    -- existing: CREATE TABLE audit_old (id bigint PRIMARY KEY);
    DROP TABLE audit_old;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE audit_old (id bigint PRIMARY KEY);
    ALTER TABLE audit_old RENAME TO audit_old_deprecated;
    ```
    """

    id = "drop-table"
    severity = Severity.WARNING
    message = "Make sure nothing reads the table before dropping it: DROP TABLE loses the data for good (ACCESS EXCLUSIVE lock)"
    hint = "remove every use from the code first, back the data up, then drop it in a later migration"
    family = "migration"
    node_types = (exp.Drop,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        if not isinstance(tree, exp.Drop) or str(tree.args.get("kind") or "").upper() != "TABLE":
            return
        for table in tree.args.get("tables") or ():
            if isinstance(table, exp.Table) and is_existing_at(ctx, stmt, table_key(table)):
                yield self.at(stmt, table)

class TruncateCascade(Rule):
    """## What it does
    Flags `TRUNCATE ... CASCADE` of an existing table.

    ## Why is this bad
    CASCADE also empties every table with a foreign key to it (and theirs, recursively), under
    an ACCESS EXCLUSIVE lock on each: data loss beyond the tables the statement names.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY);
    TRUNCATE users CASCADE;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY);
    TRUNCATE users;
    ```
    """

    id = "truncate-cascade"
    severity = Severity.WARNING
    message = "Name every table to empty instead of TRUNCATE ... CASCADE: it silently empties all referencing tables (ACCESS EXCLUSIVE on each)"
    hint = "list the tables explicitly: TRUNCATE a, b; (RESTRICT fails loudly when you missed one)"
    family = "migration"
    node_types = (exp.TruncateTable,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        if not isinstance(tree, exp.TruncateTable) or str(tree.args.get("option") or "").upper() != "CASCADE":
            return
        if any(isinstance(t, exp.Table) and is_existing_at(ctx, stmt, table_key(t)) for t in tree.expressions):
            yield self.at(stmt)

class EnumAddValueWithoutPosition(Rule):
    """## What it does
    Flags `ALTER TYPE ... ADD VALUE` without `BEFORE` or `AFTER` on an existing enum type.

    ## Why is this bad
    The new label goes last, so `ORDER BY` and comparisons on the enum put it after every
    other value, which is rarely the order meant (`pending`, `paid`, `shipped`, `draft`?).

    ## Example
    ```sql
    -- existing: CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
    ALTER TYPE order_status ADD VALUE 'refunded';
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
    ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'shipped';
    ```
    """

    id = "enum-add-value-without-position"
    severity = Severity.WARNING
    message = "Say where the new enum value goes (BEFORE/AFTER): without it the value sorts last"
    hint = "ALTER TYPE t ADD VALUE IF NOT EXISTS 'new' AFTER 'existing'"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        state = script_state(ctx)
        for stmt, node in opaque_statements(ctx, frozenset({"AlterEnumStmt"})):
            if type(node).__name__ != "AlterEnumStmt" or not node.newVal or node.oldVal:
                continue
            names = [n.sval for n in node.typeName]
            key = qualify(names[-1], names[-2] if len(names) > 1 else None)
            if node.newValNeighbor is None and existed_before_script(ctx, key) and (
                not state.created_before(stmt, key)
            ):
                yield self.at(stmt)

_RETRYABLE_KINDS = frozenset({"TABLE", "INDEX", "VIEW", "SEQUENCE", "SCHEMA", "MATERIALIZED VIEW"})
_RETRYABLE_DROPS = _RETRYABLE_KINDS | {"TYPE", "FUNCTION", "PROCEDURE", "TRIGGER"}
"""``DROP ... IF EXISTS`` exists for these too (``CREATE TYPE`` has no IF NOT EXISTS)."""

def _constraint_not_retryable(ctx: LintContext, stmt: ParsedStatement) -> exp.Expression | None:
    """An ``ADD CONSTRAINT`` that fails on a second run: no DROP CONSTRAINT IF EXISTS before
    it, since any earlier ADD of the same name."""
    alter = alter_table(stmt.expression)
    if alter is None:
        return None
    key, actions = alter
    state = script_state(ctx)
    for action in actions:
        if not isinstance(action, exp.AddConstraint):
            continue
        named = [c for c in action.expressions if isinstance(c, exp.Constraint)]
        if not named or not all(state.dropped_before(stmt, key, identifier_name(c.this)) for c in named):
            return action
    return None


def _not_retryable(tree: exp.Expression) -> exp.Expression | None:
    """The part of ``tree`` that fails when the statement runs twice (no IF [NOT] EXISTS)."""
    kind = str(tree.args.get("kind") or "").upper()
    if isinstance(tree, exp.Create) and kind in _RETRYABLE_KINDS:
        return None if tree.args.get("exists") or tree.args.get("replace") else tree
    if isinstance(tree, exp.Drop) and kind in _RETRYABLE_DROPS:
        return None if tree.args.get("exists") else tree
    if isinstance(tree, exp.Alter) and kind == "TABLE":
        for action in tree.args.get("actions") or ():
            if isinstance(action, exp.ColumnDef | exp.Drop) and not action.args.get("exists"):
                return action
    return None

class NotRetryable(Rule):
    """## What it does
    In a migration (a script that changes an existing schema), flags `CREATE` and `DROP` of
    tables, indexes, views and sequences, `DROP` of types, functions and triggers, and
    `ADD`/`DROP COLUMN`, without `IF [NOT] EXISTS`, and `ADD CONSTRAINT` without a `DROP
    CONSTRAINT IF EXISTS` since the last `ADD` of that name, when no transaction wraps them.

    ## Why is this bad
    When a migration fails halfway (a lock timeout, a deploy killed), running it again stops
    at the first statement that already ran. No lock is involved; the cost is a manual fix.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
    ```
    """

    id = "not-retryable"
    severity = Severity.INFO
    message = "Make the statement safe to re-run with IF [NOT] EXISTS: a retried migration stops here"
    hint = "CREATE ... IF NOT EXISTS, DROP ... IF EXISTS, ADD COLUMN IF NOT EXISTS (or wrap the migration in one transaction)"
    family = "migration"
    flood_limit = 10

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        if stmt.expression is None or not is_migration(ctx):
            return
        if script_state(ctx).at(stmt).in_transaction:
            return
        node = _not_retryable(stmt.expression) or _constraint_not_retryable(ctx, stmt)
        if node is not None:
            yield self.at(stmt, None if node is stmt.expression else node)

RULES: tuple[type[Rule], ...] = (
    RenameTable,
    DropTable,
    TruncateCascade,
    EnumAddValueWithoutPosition,
    NotRetryable,
)
