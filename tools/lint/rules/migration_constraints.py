"""Migration safety for constraints added to existing tables and domains: validation scans
(foreign keys, checks, domain constraints) and unique or primary keys built in place."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules.migration_columns import constraint_kinds, existing_alter
from dbarch.tools.lint.rules.migration_session import session_action
from dbarch.tools.lint.rules.migration_state import (
    identifier_name,
    is_migration,
    opaque_statements,
    qualify,
    script_state,
)
from dbarch.tools.sql.parse import ParsedStatement


def added_constraints(actions: list[exp.Expression]) -> Iterator[exp.Expression]:
    """The constraint bodies of ``ADD [CONSTRAINT name] ...`` actions."""
    for action in actions:
        if not isinstance(action, exp.AddConstraint):
            continue
        for node in action.expressions:
            if isinstance(node, exp.Constraint):
                yield from node.expressions
            else:
                yield node

def named_constraints(actions: list[exp.Expression]) -> Iterator[tuple[str, exp.Expression]]:
    """``(name, body)`` of each ``ADD CONSTRAINT name ...`` action."""
    for action in actions:
        if isinstance(action, exp.AddConstraint):
            for node in action.expressions:
                if isinstance(node, exp.Constraint):
                    for body in node.expressions:
                        yield identifier_name(node.this), body


def validated_in_same_transaction(
    ctx: LintContext, kind: type[exp.Expression]
) -> Iterator[tuple[ParsedStatement, str]]:
    """``(VALIDATE statement, constraint)`` for each ``VALIDATE CONSTRAINT`` of a constraint of
    ``kind`` that the same transaction added ``NOT VALID`` to an existing table: the lock the
    ADD took is still held, so the validating scan runs under it."""
    added: dict[tuple[str, str], int] = {}  # (table, constraint) -> statement index of the ADD
    for st in ctx.statements():
        tree = st.expression
        if isinstance(tree, exp.Alter) and tree.args.get("not_valid") and (alter := existing_alter(st, ctx)):
            for name, body in named_constraints(alter[1]):
                if isinstance(body, kind) and name:
                    added[(alter[0], name)] = st.statement.index
    if not added:
        return
    state = script_state(ctx)
    block, blocks = 0, {}
    for st in ctx.script.statements:  # a new transaction block at every BEGIN, COMMIT, ROLLBACK
        act = session_action(st)
        if act is not None and act.kind in ("begin", "commit", "rollback"):
            block += 1
        blocks[st.statement.index] = block if state.at(st).in_transaction else -1 - st.statement.index
    for st, node in opaque_statements(ctx, frozenset({"AlterTableStmt"})):
        key = qualify(node.relation.relname, node.relation.schemaname or None)
        for cmd in node.cmds or ():
            if getattr(cmd.subtype, "name", "") != "AT_ValidateConstraint" or not cmd.name:
                continue
            at = added.get((key, cmd.name))
            if at is not None and blocks.get(at) == blocks.get(st.statement.index):
                yield st, cmd.name


class AddForeignKeyWithoutNotValid(Rule):
    """## What it does
    Flags `ADD FOREIGN KEY` (and `ADD COLUMN ... REFERENCES`) on an existing table without
    `NOT VALID`, and a `VALIDATE CONSTRAINT` in the same transaction as the `ADD ... NOT VALID`
    it validates (an explicit `BEGIN ... COMMIT`, or the whole file under
    `--assume-in-transaction`).

    ## Why is this bad
    PostgreSQL takes a SHARE ROW EXCLUSIVE lock on both tables (writes blocked on each) and
    holds it while it scans the whole referencing table to validate every row. Locks last
    until the transaction ends: validating before a `COMMIT` scans under the ADD's lock all
    the same.

    ## Example
    ```sql
    -- existing: CREATE TABLE orgs (id bigint PRIMARY KEY); CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint);
    ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE orgs (id bigint PRIMARY KEY); CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint);
    ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;
    ALTER TABLE users VALIDATE CONSTRAINT users_org_fk;
    ```
    """

    id = "add-foreign-key-without-not-valid"
    severity = Severity.WARNING
    message = "Add foreign keys NOT VALID, then VALIDATE: a plain ADD FOREIGN KEY blocks writes on both tables (SHARE ROW EXCLUSIVE) for a full scan"
    hint = "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID; then, in a separate transaction, VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on)"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        if alter is None or (stmt.expression and stmt.expression.args.get("not_valid")):
            return
        for node in added_constraints(alter[1]):
            if isinstance(node, exp.ForeignKey):
                yield self.at(stmt, node)
        for action in alter[1]:  # ADD COLUMN ... REFERENCES: validated by a scan all the same
            if isinstance(action, exp.ColumnDef) and any(
                isinstance(k, exp.Reference) for k in constraint_kinds(action)
            ):
                yield self.at(stmt, action)

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for stmt, name in validated_in_same_transaction(ctx, exp.ForeignKey):
            yield self.at(stmt, message=(
                f"Commit between ADD ... NOT VALID and VALIDATE CONSTRAINT {name}: in one transaction the ADD's "
                "SHARE ROW EXCLUSIVE locks (writes blocked on both tables) are held through the whole validating scan"
            ))

class AddCheckWithoutNotValid(Rule):
    """## What it does
    Flags `ADD CHECK` on an existing table without `NOT VALID`, and a `VALIDATE CONSTRAINT`
    in the same transaction as the `ADD ... NOT VALID` it validates.

    ## Why is this bad
    The constraint is checked against every row while an ACCESS EXCLUSIVE lock (no reads, no
    writes) is held for the whole scan. Locks last until the transaction ends: validating
    before a `COMMIT` scans under the ADD's ACCESS EXCLUSIVE lock all the same.

    ## Example
    ```sql
    -- existing: CREATE TABLE items (id bigint PRIMARY KEY, price numeric);
    ALTER TABLE items ADD CONSTRAINT items_price_positive CHECK (price > 0);
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE items (id bigint PRIMARY KEY, price numeric);
    ALTER TABLE items ADD CONSTRAINT items_price_positive CHECK (price > 0) NOT VALID;
    ALTER TABLE items VALIDATE CONSTRAINT items_price_positive;
    ```
    """

    id = "add-check-without-not-valid"
    severity = Severity.WARNING
    message = "Add check constraints NOT VALID, then VALIDATE: a plain ADD CHECK holds ACCESS EXCLUSIVE (no reads or writes) for a full scan"
    hint = "ADD CONSTRAINT ... CHECK (...) NOT VALID; then, in a separate transaction, VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on)"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        if alter is None or (stmt.expression and stmt.expression.args.get("not_valid")):
            return
        for node in added_constraints(alter[1]):
            if isinstance(node, exp.CheckColumnConstraint):
                yield self.at(stmt, node)

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for stmt, name in validated_in_same_transaction(ctx, exp.CheckColumnConstraint):
            yield self.at(stmt, message=(
                f"Commit between ADD ... NOT VALID and VALIDATE CONSTRAINT {name}: in one transaction the ADD's "
                "ACCESS EXCLUSIVE lock (no reads or writes) is held through the whole validating scan"
            ))

class AddUniqueConstraintInPlace(Rule):
    """## What it does
    Flags `ADD UNIQUE` (and `ADD COLUMN ... UNIQUE`) on an existing table.

    ## Why is this bad
    PostgreSQL builds the unique index while it holds an ACCESS EXCLUSIVE lock: no reads and
    no writes for the whole index build.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);
    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
    ```
    """

    id = "add-unique-constraint-in-place"
    severity = Severity.WARNING
    message = "Build the unique index CONCURRENTLY first: ADD UNIQUE holds ACCESS EXCLUSIVE (no reads or writes) while the index builds"
    hint = "CREATE UNIQUE INDEX CONCURRENTLY idx ON t (cols); then ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX idx"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        if alter is None:
            return
        for node in added_constraints(alter[1]):
            if isinstance(node, exp.UniqueColumnConstraint):
                yield self.at(stmt, node)
        for action in alter[1]:
            if isinstance(action, exp.ColumnDef) and any(
                isinstance(k, exp.UniqueColumnConstraint) for k in constraint_kinds(action)
            ):
                yield self.at(stmt, action)

class AddPrimaryKeyInPlace(Rule):
    """## What it does
    Flags `ADD PRIMARY KEY` (and `ADD COLUMN ... PRIMARY KEY`) on an existing table.

    ## Why is this bad
    PostgreSQL builds the unique index, and checks the key columns for NULLs, while it holds
    an ACCESS EXCLUSIVE lock: no reads and no writes for the whole build.

    ## Example
    ```sql
    -- existing: CREATE TABLE events (id bigint NOT NULL, payload jsonb);
    ALTER TABLE events ADD PRIMARY KEY (id);
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE events (id bigint NOT NULL, payload jsonb);
    CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS events_pkey ON events (id);
    ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;
    ```
    """

    id = "add-primary-key-in-place"
    severity = Severity.WARNING
    message = "Build the primary key's index CONCURRENTLY first: ADD PRIMARY KEY holds ACCESS EXCLUSIVE (no reads or writes) while it builds"
    hint = "make the columns NOT NULL (CHECK ... NOT VALID path), CREATE UNIQUE INDEX CONCURRENTLY idx; then ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX idx"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        if alter is None:
            return
        for node in added_constraints(alter[1]):
            if isinstance(node, exp.PrimaryKey | exp.PrimaryKeyColumnConstraint):
                yield self.at(stmt, node)
        for action in alter[1]:
            if isinstance(action, exp.ColumnDef) and any(
                isinstance(k, exp.PrimaryKeyColumnConstraint) for k in constraint_kinds(action)
            ):
                yield self.at(stmt, action)

def _type_key(names: tuple[str, ...]) -> str:
    return qualify(names[-1], names[-2] if len(names) > 1 else None)


class BanAlterDomainWithAddConstraint(Rule):
    """## What it does
    Flags `ALTER DOMAIN ... ADD CONSTRAINT` on a domain the script did not create itself.

    ## Why is this bad
    PostgreSQL checks the new constraint against every column of every table that uses the
    domain, holding a SHARE lock on each of those tables (no INSERT, UPDATE or DELETE) for
    the whole scan. `NOT VALID` only postpones the scan: a domain's `VALIDATE CONSTRAINT`
    takes the same SHARE locks, unlike a table's, which blocks no writes. A constraint
    on the table column can be added `NOT VALID` and validated under SHARE UPDATE EXCLUSIVE.

    ## Example
    ```sql
    -- existing: CREATE TABLE order_lines (id bigint PRIMARY KEY, quantity integer NOT NULL);
    ALTER DOMAIN quantity ADD CONSTRAINT quantity_positive CHECK (VALUE > 0);
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE order_lines (id bigint PRIMARY KEY, quantity integer NOT NULL);
    ALTER TABLE order_lines ADD CONSTRAINT order_lines_quantity_positive CHECK (quantity > 0) NOT VALID;
    ALTER TABLE order_lines VALIDATE CONSTRAINT order_lines_quantity_positive;
    ```
    """

    id = "ban-alter-domain-with-add-constraint"
    severity = Severity.WARNING
    message = "Put the constraint on the table columns, not the domain: ALTER DOMAIN ... ADD CONSTRAINT scans every column using it under a SHARE lock (writes blocked)"
    hint = "ALTER TABLE t ADD CONSTRAINT c CHECK (...) NOT VALID; then ALTER TABLE t VALIDATE CONSTRAINT c (SHARE UPDATE EXCLUSIVE: reads and writes go on)"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        created: set[str] = set()  # domains this script creates: no column uses them yet
        for stmt, node in opaque_statements(ctx, frozenset({"CreateDomainStmt", "AlterDomainStmt"})):
            kind = type(node).__name__
            if kind == "CreateDomainStmt":
                created.add(_type_key(tuple(n.sval for n in node.domainname)))
            elif kind == "AlterDomainStmt" and node.subtype == "C":
                if _type_key(tuple(n.sval for n in node.typeName)) in created:
                    continue
                constraint = node.def_
                if getattr(constraint, "skip_validation", False):
                    message = (
                        "Put the constraint on the table columns, not the domain: NOT VALID only "
                        "postpones the scan, and the domain's VALIDATE CONSTRAINT holds a SHARE lock "
                        "(writes blocked) on every table using it"
                    )
                    yield self.at(stmt, message=message)
                else:
                    yield self.at(stmt)


class CreateDomainWithConstraint(Rule):
    """## What it does
    In a migration (a file that changes an existing schema, or creates no table), flags
    `CREATE DOMAIN ... CHECK`: a domain that carries a constraint.

    ## Why is this bad
    The constraint belongs to every column that will use the domain. Changing it later
    (`ALTER DOMAIN ... ADD CONSTRAINT`, or validating one) scans all of those columns under a
    SHARE lock that blocks writes on each table, and converting a column to a constrained
    domain rewrites the table. A CHECK on each table column can be added `NOT VALID` and
    validated without blocking writes. In a schema file designed from scratch this is a
    design choice, and the rule stays silent.

    ## Example
    ```sql
    -- existing: CREATE TABLE grades (id bigint PRIMARY KEY, score numeric);
    CREATE DOMAIN percent AS numeric CHECK (VALUE BETWEEN 0 AND 100);
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE grades (id bigint PRIMARY KEY, score numeric);
    ALTER TABLE grades ADD CONSTRAINT grades_score_percent CHECK (score BETWEEN 0 AND 100) NOT VALID;
    ALTER TABLE grades VALIDATE CONSTRAINT grades_score_percent;
    ```
    """

    id = "create-domain-with-constraint"
    severity = Severity.WARNING
    message = "Put the CHECK on the table columns, not on a new domain: every later change to a domain's constraints scans all its columns under a SHARE lock (writes blocked)"
    hint = "CREATE DOMAIN without CHECK (or use the base type), and add CHECK ... NOT VALID to each column, then VALIDATE"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        if not is_migration(ctx) and ctx.created_here:
            return
        for stmt, node in opaque_statements(ctx, frozenset({"CreateDomainStmt"})):
            if any(getattr(c, "contype", None) is not None and getattr(c.contype, "name", "") == "CONSTR_CHECK"
                   for c in node.constraints or ()):
                yield self.at(stmt)


RULES: tuple[type[Rule], ...] = (
    AddForeignKeyWithoutNotValid,
    AddCheckWithoutNotValid,
    AddUniqueConstraintInPlace,
    AddPrimaryKeyInPlace,
    BanAlterDomainWithAddConstraint,
    CreateDomainWithConstraint,
)
