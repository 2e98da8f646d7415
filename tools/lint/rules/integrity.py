"""Integrity rules about keys and references, read from the schema the whole script builds."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from tools.lint.base import Diagnostic, LintContext, Rule, Severity
from tools.lint.rules._util import column_at, find_table_for, script_tables, singular, words
from tools.parse import ParsedStatement
from tools.schema import Table
from tools.types import base_type


class RequirePrimaryKey(Rule):
    """A table without a primary key.

    ## What it does
    Flags tables that the script creates (or leaves) without a `PRIMARY KEY`.

    ## Why is this bad
    Without a key, duplicate rows cannot be told apart or deleted one at a time, foreign keys
    have nothing to reference, and logical replication cannot publish updates or deletes.

    ## Example
    ```sql
    CREATE TABLE audit_entries (message text NOT NULL, logged_at timestamptz NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE audit_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message text NOT NULL,
        logged_at timestamptz NOT NULL
    );
    ```
    """

    id = "require-primary-key"
    severity = Severity.ERROR
    message = "Add a primary key"
    hint = "every table needs a key: a natural one, or bigint GENERATED ALWAYS AS IDENTITY"
    family = "integrity"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, _ in script_tables(ctx):
            if table.primary_key is None:
                yield self.diagnostic(table.line or 1, 1, message=f"Add a primary key to {table.display_name}")


def _fk_columns(table: Table) -> set[str]:
    return {c for fk in table.foreign_keys for c in fk.columns}


class RequireForeignKey(Rule):
    """A `*_id` column that references a table but has no foreign key.

    ## What it does
    Flags a column named `<name>_id` when a table `<name>` (or its plural) exists in the same
    schema and no foreign key covers the column.

    ## Why is this bad
    Without the constraint, rows can point at parents that never existed or were deleted, and
    nothing tells readers (or the planner) about the relationship.

    ## Example
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY);
    CREATE TABLE orders (
        id bigint PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT
    );
    CREATE INDEX orders_customer_id_idx ON orders (customer_id);
    ```
    """

    id = "require-foreign-key"
    message = "Declare the foreign key this column implies"
    hint = "add REFERENCES <table> (id), or rename the column if it is not a reference"
    family = "integrity"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            covered = _fk_columns(table)
            for col in table.columns:
                if not col.name.endswith("_id") or col.name in covered:
                    continue
                if before is not None and before.column(col.name) is not None:
                    continue
                target = find_table_for(ctx.schema.tables, col.name.removesuffix("_id"), table.schema)
                if target is not None and target.key != table.key and target.primary_key is not None:
                    yield self.diagnostic(
                        *column_at(table, col.name),
                        message=f"Declare the foreign key {table.display_name}.{col.name} -> {target.display_name}",
                    )


class IndexForeignKey(Rule):
    """A foreign key without an index on its referencing columns.

    ## What it does
    Flags foreign keys whose columns are not the leading columns of any index, primary key or
    unique constraint of the referencing table. An index created later in the script counts.

    ## Why is this bad
    Deleting or updating a parent row makes PostgreSQL look for child rows: without an index
    that is a sequential scan of the child table per parent row, under lock. Joins from parent
    to children are slow for the same reason.

    ## Example
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT);
    ```

    ## Use instead
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT);
    CREATE INDEX orders_customer_id_idx ON orders (customer_id);
    ```
    """

    id = "index-foreign-key"
    message = "Index the foreign key's columns"
    hint = "CREATE INDEX ON <table> (<fk columns>): parent deletes and joins scan the table without it"
    family = "integrity"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            old = set(before.foreign_keys) if before else set()
            for fk in table.foreign_keys:
                if fk in old or table.has_index_leading_with(fk.columns):
                    continue
                cols = ", ".join(fk.columns)
                yield self.diagnostic(
                    *column_at(table, fk.columns[0]),
                    message=f"Index the foreign key {table.display_name} ({cols})",
                    hint=f"CREATE INDEX ON {table.display_name} ({cols});",
                )


class RequireNotNullForeignKey(Rule):
    """A nullable foreign key where the relationship reads as required.

    ## What it does
    Flags a nullable foreign key column when the child cannot exist without its parent: the key
    cascades deletes from the parent, or the table is named after the parent
    (`order_items.order_id`). Keys with `ON DELETE SET NULL` are optional by design and ignored.

    ## Why is this bad
    A required relationship that allows NULL lets orphan rows in: an order item with no order
    is garbage that every query must filter out.

    ## Example
    ```sql
    CREATE TABLE orders (id bigint PRIMARY KEY);
    CREATE TABLE order_items (
        id bigint PRIMARY KEY,
        order_id bigint REFERENCES orders (id) ON DELETE CASCADE
    );
    CREATE INDEX ON order_items (order_id);
    ```

    ## Use instead
    ```sql
    CREATE TABLE orders (id bigint PRIMARY KEY);
    CREATE TABLE order_items (
        id bigint PRIMARY KEY,
        order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE
    );
    CREATE INDEX ON order_items (order_id);
    ```
    """

    id = "require-not-null-foreign-key"
    message = "Make this required foreign key NOT NULL"
    hint = "add NOT NULL, or ON DELETE SET NULL if the relationship is really optional"
    family = "integrity"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            old = set(before.foreign_keys) if before else set()
            for fk in table.foreign_keys:
                cols = [table.column(c) for c in fk.columns]
                if fk in old or not all(c is not None and c.nullable for c in cols):
                    continue
                if (fk.on_delete or "").upper() in ("SET NULL", "SET DEFAULT"):
                    continue
                parent = fk.ref_table.split(".", 1)[-1]
                named_after = table.name.startswith(singular(parent) + "_")
                if (fk.on_delete or "").upper() == "CASCADE" or named_after:
                    yield self.diagnostic(*column_at(table, fk.columns[0]))


class RequireOnDelete(Rule):
    """A foreign key without an explicit ON DELETE policy.

    ## What it does
    Flags `REFERENCES` clauses (in `CREATE TABLE` and `ALTER TABLE`) that do not say what
    happens when the parent row is deleted.

    ## Why is this bad
    The default (`NO ACTION`) is often right, but unsaid it reads as forgotten: deciding between
    `RESTRICT`, `CASCADE` and `SET NULL` is a design decision reviewers should see.

    ## Example
    ```sql
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));
    ```

    ## Use instead
    ```sql
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT);
    ```
    """

    id = "require-on-delete"
    severity = Severity.INFO
    message = "Say what ON DELETE does for this foreign key"
    hint = "add ON DELETE RESTRICT, CASCADE or SET NULL"
    family = "integrity"

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        if not isinstance(tree, exp.Create | exp.Alter) or tree is None:
            return
        for ref in tree.find_all(exp.Reference):
            options = [str(o).upper() for o in ref.args.get("options") or ()]
            if not any(o.startswith("ON DELETE") for o in options):
                yield self.at(stmt, ref)


_GENERATED_DEFAULT = "nextval("


class PreferBigintPrimaryKey(Rule):
    """A generated 32-bit integer primary key.

    ## What it does
    Flags single-column primary keys of type `integer` or `smallint` whose values are generated
    (`serial`, identity, or a `nextval` default).

    ## Why is this bad
    `integer` stops at 2,147,483,647. Busy tables reach it, and sequences burn values on
    rollbacks; changing the type later rewrites the table and every referencing key under an
    exclusive lock. `bigint` costs four bytes per row.

    ## Example
    ```sql
    CREATE TABLE events (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    ```

    ## Use instead
    ```sql
    CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    ```
    """

    id = "prefer-bigint-primary-key"
    message = "Use bigint for a generated primary key"
    hint = "integer runs out at 2,147,483,647 ids; bigint costs 4 more bytes per row"
    family = "integrity"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            pk = table.primary_key
            if pk is None or len(pk.columns) != 1 or (before and before.primary_key == pk):
                continue
            col = table.column(pk.columns[0])
            if col is None or base_type(col.type) not in ("integer", "smallint"):
                continue
            serial = (col.declared_type or "").lower().endswith("serial")
            if col.identity or serial or (col.default or "").lower().startswith(_GENERATED_DEFAULT):
                yield self.diagnostic(*column_at(table, col.name))


NATURAL_KEYS = frozenset(
    ["email", "email_address", "username", "user_name", "login", "slug", "sku", "handle", "isbn", "ean", "upc"]
)
LOG_WORDS = frozenset(
    ["log", "logs", "history", "histories", "event", "events", "audit", "audits", "message", "messages", "attempt", "attempts", "invitation", "invitations", "notification", "notifications", "emails"]
)


class RequireUniqueNaturalKey(Rule):
    """A natural key such as `email` or `slug` without a UNIQUE constraint.

    ## What it does
    Flags columns named `email`, `username`, `login`, `slug`, `sku`, `handle`, `isbn`... that no
    primary key, unique constraint or unique index covers (alone, within a composite key, or
    through an expression such as `lower(email)`). Log and history tables are ignored.

    ## Why is this bad
    The application will check for duplicates before inserting, and two concurrent requests
    will both pass the check. Only a unique index makes the rule hold.

    ## Example
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));
    ```
    """

    id = "require-unique-natural-key"
    message = "Make this natural key UNIQUE"
    hint = "add a UNIQUE constraint (or a unique index on lower(col) for case-insensitive keys)"
    family = "integrity"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            if set(words(table.name)) & LOG_WORDS:
                continue
            for col in table.columns:
                if col.name not in NATURAL_KEYS or (before and before.column(col.name)):
                    continue
                if not _unique_somehow(table, col.name):
                    yield self.diagnostic(
                        *column_at(table, col.name),
                        message=f"Make {table.display_name}.{col.name} UNIQUE",
                    )


def _unique_somehow(table: Table, name: str) -> bool:
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques]
    keys += [i.columns for i in table.indexes if i.unique]
    return any(name in k or any(name in words(c.replace("(", "_").replace(")", "_")) for c in k) for k in keys)


SIGNED_WORDS = frozenset(["price", "prices", "quantity", "qty", "cost", "costs", "stock", "fee", "fees"])


class RequireSignCheck(Rule):
    """A price or quantity column without a CHECK on its sign.

    ## What it does
    Flags numeric columns named like a price, cost, fee or quantity that no CHECK constraint
    reads.

    ## Why is this bad
    A negative quantity or price is a bug that the database can refuse for free; once such rows
    exist every report must defend against them.

    ## Example
    ```sql
    CREATE TABLE order_lines (id bigint PRIMARY KEY, quantity integer NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE order_lines (id bigint PRIMARY KEY, quantity integer NOT NULL CHECK (quantity > 0));
    ```
    """

    id = "require-sign-check"
    message = "Add a CHECK on this column's sign"
    hint = "add CHECK (col >= 0) (or > 0 for quantities)"
    family = "integrity"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            checked = {c for chk in table.checks for c in chk.columns}
            texts = " ".join(chk.expression.lower() for chk in table.checks)
            for col in table.columns:
                if not set(words(col.name)) & SIGNED_WORDS or (before and before.column(col.name)):
                    continue
                numeric = base_type(col.type) in (
                    "integer", "bigint", "smallint", "numeric", "real", "double precision", "money",
                )
                if numeric and col.name not in checked and col.name not in texts:
                    yield self.diagnostic(
                        *column_at(table, col.name),
                        message=f"Add a CHECK on the sign of {table.display_name}.{col.name}",
                    )
