"""Migration safety for column changes on existing tables: NOT NULL columns, renames and
drops. Only tables that existed before the script count (see ``migration_state``)."""

from __future__ import annotations

from collections.abc import Iterator

import sqlglot
from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules.migration_session import pg_tree
from dbarch.tools.lint.rules.migration_state import (
    alter_table,
    identifier_name,
    is_existing_at,
    not_null_check_column,
    opaque_statements,
    qualify,
    script_state,
)
from dbarch.tools.sql.parse import ParsedStatement


def existing_alter(
    stmt: ParsedStatement, ctx: LintContext
) -> tuple[str, list[exp.Expression]] | None:
    """``(table key, actions)`` of an ``ALTER TABLE`` on a table that existed before the script."""
    alter = alter_table(stmt.expression)
    if alter is None or not is_existing_at(ctx, stmt, alter[0]):
        return None
    return alter

def constraint_kinds(col: exp.ColumnDef) -> list[exp.Expr]:
    return [c.kind for c in col.constraints if isinstance(c, exp.ColumnConstraint) and c.kind]

SERIAL_TYPES = frozenset(
    {exp.DataType.Type.SERIAL, exp.DataType.Type.BIGSERIAL, exp.DataType.Type.SMALLSERIAL}
)

class AddNotNullColumnWithoutDefault(Rule):
    """## What it does
    Flags `ALTER TABLE ... ADD COLUMN ... NOT NULL` (or `PRIMARY KEY`) without a `DEFAULT` on
    an existing table.

    ## Why is this bad
    The statement takes an ACCESS EXCLUSIVE lock and then fails with a not-null violation as
    soon as the table has one row: the existing rows have no value for the new column.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD COLUMN status text NOT NULL;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';
    ```
    """

    id = "add-not-null-column-without-default"
    severity = Severity.ERROR
    message = "Give the new NOT NULL column a default: on a non-empty table the ADD COLUMN fails (under an ACCESS EXCLUSIVE lock)"
    hint = "add it with a constant DEFAULT (no rewrite since PostgreSQL 11), or add it nullable, backfill in batches, then take the SET NOT NULL path"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        for action in alter[1] if alter else ():
            if not isinstance(action, exp.ColumnDef):
                continue
            kinds = constraint_kinds(action)
            required = any(
                isinstance(k, exp.NotNullColumnConstraint | exp.PrimaryKeyColumnConstraint)
                and not k.args.get("allow_null")
                for k in kinds
            )
            filled = any(
                isinstance(
                    k,
                    exp.DefaultColumnConstraint
                    | exp.GeneratedAsIdentityColumnConstraint
                    | exp.ComputedColumnConstraint,
                )
                for k in kinds
            )
            dtype = action.args.get("kind")
            serial = isinstance(dtype, exp.DataType) and dtype.this in SERIAL_TYPES
            if required and not filled and not serial:
                yield self.at(stmt, action)

def _proven_not_null(ctx: LintContext, stmt: ParsedStatement, key: str, column: str) -> bool:
    """A validated ``CHECK (column IS NOT NULL)`` exists before ``stmt`` (PostgreSQL 12+ then
    skips the scan of SET NOT NULL): validated in the existing schema, added and validated by
    the script, or in the existing schema ``NOT VALID`` and validated by the script."""
    table = ctx.existing.tables.get(key)
    validated_here = None
    for check in table.checks if table else ():
        if not_null_check_column(_parse_expr(check.expression)) != column:
            continue
        if check.validated:
            return True
        if validated_here is None:
            validated_here = _validated_before(ctx, stmt, key)
        if check.name in validated_here:
            return True
    return script_state(ctx).not_null_proven_before(stmt, key, column)


def _validated_before(ctx: LintContext, stmt: ParsedStatement, key: str) -> dict[str, int]:
    """Constraint name -> line of each ``VALIDATE CONSTRAINT`` on table ``key`` before ``stmt``."""
    found: dict[str, int] = {}
    for st, node in opaque_statements(ctx, frozenset({"AlterTableStmt"})):
        if st.statement.index >= stmt.statement.index:
            continue
        if qualify(node.relation.relname, node.relation.schemaname or None) != key:
            continue
        for cmd in node.cmds or ():
            if getattr(cmd.subtype, "name", "") == "AT_ValidateConstraint" and cmd.name:
                found.setdefault(cmd.name, st.line)
    return found


def _parse_expr(text: str) -> exp.Expr | None:
    try:
        return sqlglot.parse_one(text, read="postgres")
    except Exception:  # a check we cannot read proves nothing
        return None


class SetNotNull(Rule):
    """## What it does
    Flags `ALTER COLUMN ... SET NOT NULL` on an existing table unless a validated
    `CHECK (col IS NOT NULL)` already proves it: validated in the current schema, added and
    validated by the script, or `NOT VALID` in the current schema and validated by the script.
    When the script validates a constraint whose definition dbarch cannot see (added by an
    earlier migration, no `--schema` given), the finding says so instead of guessing.

    ## Why is this bad
    SET NOT NULL holds an ACCESS EXCLUSIVE lock (no reads, no writes) while it scans the whole
    table to verify that no row is NULL.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ALTER COLUMN email SET NOT NULL;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
    ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
    ALTER TABLE users ALTER COLUMN email SET NOT NULL;
    ALTER TABLE users DROP CONSTRAINT users_email_not_null;
    ```
    """

    id = "set-not-null"
    severity = Severity.WARNING
    message = "Prove NOT NULL with a validated CHECK first: SET NOT NULL holds ACCESS EXCLUSIVE (no reads or writes) for a full table scan"
    hint = "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (in its own transaction); then SET NOT NULL (no scan on PostgreSQL 12+); then DROP CONSTRAINT c"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        for action in alter[1] if alter else ():
            if not isinstance(action, exp.AlterColumn) or action.args.get("drop"):
                continue
            if action.args.get("allow_null") is False:
                assert alter is not None
                column = identifier_name(action.this)
                if _proven_not_null(ctx, stmt, alter[0], column):
                    continue
                unknown = _unknown_validated(ctx, stmt, alter[0])
                if unknown is None:
                    yield self.at(stmt, action)
                else:
                    name, line = unknown
                    yield self.at(stmt, action, message=(
                        f"{self.message}; dbarch cannot see what constraint {name} (validated at line {line}) checks: "
                        f"if it is CHECK ({column} IS NOT NULL), give the current schema (--schema) to prove it"
                    ))

def _unknown_validated(ctx: LintContext, stmt: ParsedStatement, key: str) -> tuple[str, int] | None:
    """``(name, line)`` of a constraint of table ``key`` validated before ``stmt`` whose
    definition neither the script nor the existing schema shows (added by an earlier migration)."""
    table = ctx.existing.tables.get(key)
    known = {c.name for c in table.checks} if table else set()
    for name, line in _validated_before(ctx, stmt, key).items():
        if name not in known and not script_state(ctx).constraint_adds.get((key, name)):
            return name, line
    return None


class BanDropNotNull(Rule):
    """## What it does
    Flags `ALTER COLUMN ... DROP NOT NULL` on an existing table.

    ## Why is this bad
    The change itself is quick (a brief ACCESS EXCLUSIVE lock, no scan), but it breaks a
    promise every reader relies on: application code, ORM models, reports and `NOT IN`
    subqueries written for a column that was never NULL start meeting NULLs from the first
    row written by the new code. It is squawk's `ban-drop-not-null`.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
    ```

    ## Use instead
    Deploy readers that handle NULL first, then record that decision on the statement:
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    ALTER TABLE users ALTER COLUMN email DROP NOT NULL; -- dbarch: ignore[ban-drop-not-null] readers handle NULL since v2.4
    ```
    """

    id = "ban-drop-not-null"
    severity = Severity.WARNING
    message = "Make every reader handle NULL before dropping NOT NULL: clients that rely on it break (brief ACCESS EXCLUSIVE lock)"
    hint = "ship code that tolerates NULL in this column first; then drop NOT NULL with a suppression comment that says so"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        for action in alter[1] if alter else ():
            if isinstance(action, exp.AlterColumn) and action.args.get("drop") and action.args.get("allow_null"):
                yield self.at(stmt, action)


class RenameColumn(Rule):
    """## What it does
    Flags `ALTER TABLE ... RENAME COLUMN` on an existing table.

    ## Why is this bad
    The rename itself is quick (a brief ACCESS EXCLUSIVE lock), but every running instance of
    the application that still uses the old name fails from that moment until it is deployed
    again.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users RENAME COLUMN email TO email_address;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD COLUMN IF NOT EXISTS email_address text;
    ```
    """

    id = "rename-column"
    severity = Severity.WARNING
    message = "Do not rename columns in place: running code that uses the old name breaks (brief ACCESS EXCLUSIVE lock)"
    hint = "expand and contract: add the new column, write both, backfill, move reads, then drop the old one"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        for action in alter[1] if alter else ():
            if isinstance(action, exp.RenameColumn) or (
                isinstance(action, exp.AlterRename) and renames_column(stmt)
            ):
                yield self.at(stmt, action)


def renames_column(stmt: ParsedStatement) -> bool:
    """``ALTER TABLE t RENAME c TO d`` (no COLUMN keyword: sqlglot reads a table rename)."""
    node = pg_tree(stmt.text)
    return type(node).__name__ == "RenameStmt" and getattr(node.renameType, "name", "") == "OBJECT_COLUMN"


class DropColumn(Rule):
    """## What it does
    Flags `ALTER TABLE ... DROP COLUMN` on an existing table.

    ## Why is this bad
    The drop takes a brief ACCESS EXCLUSIVE lock, loses the data for good, and breaks every
    running query or ORM model that still reads or writes the column.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, legacy_code text);
    ALTER TABLE users DROP COLUMN legacy_code;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, legacy_code text);
    COMMENT ON COLUMN users.legacy_code IS 'deprecated: drop after the next release';
    ```
    """

    id = "drop-column"
    severity = Severity.WARNING
    message = "Stop using the column in code before dropping it: DROP COLUMN breaks running queries and loses data (brief ACCESS EXCLUSIVE lock)"
    hint = "deploy code that no longer reads or writes the column first (or mark it ignored in the ORM), then drop it in a later migration"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        for action in alter[1] if alter else ():
            if isinstance(action, exp.Drop) and str(action.args.get("kind") or "").upper() == "COLUMN":
                yield self.at(stmt, action)

RULES: tuple[type[Rule], ...] = (
    AddNotNullColumnWithoutDefault,
    SetNotNull,
    BanDropNotNull,
    RenameColumn,
    DropColumn,
)
