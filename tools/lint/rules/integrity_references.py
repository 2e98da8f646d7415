"""Integrity rules about references: foreign keys that are missing, unindexed, nullable where
the relationship is required, or silent about ON DELETE."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules._util import (
    column_at,
    find_table_for,
    new_tables,
    script_tables,
    singular,
)
from dbarch.tools.lint.rules.partitions import partition_facts
from dbarch.tools.schema.model import Table
from dbarch.tools.sql.parse import ParsedStatement


def _fk_columns(table: Table) -> set[str]:
    return {c for fk in table.foreign_keys for c in fk.columns}


class RequireForeignKey(Rule):
    """A `*_id` column that references a table but has no foreign key.

    ## What it does
    Flags a column named `<name>_id` when a table `<name>` (or its plural) exists in the same
    schema and no foreign key covers the column. A partitioned table whose partitions all
    declare the foreign key (as pg_dump writes it when the keys were added per partition) is
    covered: every row lives in a partition that checks it.

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
                pk = target.primary_key if target is not None else None
                if target is not None and target.key != table.key and pk is not None and (
                    len(pk.columns) == 1 and pk.columns[0] in ("id", col.name)
                ):
                    message = f"Declare the foreign key {table.display_name}.{col.name} -> {target.display_name}"
                    if table.partitioned:
                        facts = partition_facts(ctx)
                        declaring, total = facts.declaring(table.key, col.name)
                        if total and declaring == total:
                            continue  # every partition enforces it: each row of the parent is checked
                        if declaring:
                            message += f" (only {declaring} of its {total} partitions declare it)"
                    yield self.diagnostic(*column_at(table, col.name), message=message)


class IndexForeignKey(Rule):
    """A foreign key without an index on its referencing columns.

    ## What it does
    Flags foreign keys whose columns are not the leading columns of any index, primary key or
    unique constraint of the referencing table. An index created later in the script counts,
    and so, for a partitioned table, does an index on every one of its partitions.

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
                if table.partitioned and partition_facts(ctx).indexed_everywhere(table.key, fk.columns):
                    continue  # each partition's own index serves the lookups
                cols = ", ".join(fk.columns)
                yield self.diagnostic(
                    *column_at(table, fk.columns[0]),
                    message=f"Index the foreign key {table.display_name} ({cols})",
                    hint=f"CREATE INDEX ON {table.display_name} ({cols});",
                )


class RequireNotNullForeignKey(Rule):
    """A nullable foreign key where the relationship reads as required.

    ## What it does
    Flags a nullable foreign key column when the child cannot exist without its parent: the
    table is named after the parent and the column is the parent's key
    (`order_items.order_id`). Keys with `ON DELETE SET NULL`, a table's reference to itself (a
    tree, where NULL marks the root), other references (optional by design, as far as a
    linter can tell) and tables that existed before a migration are left alone.

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
        for table in new_tables(ctx):
            for fk in table.foreign_keys:
                cols = [table.column(c) for c in fk.columns]
                if not all(c is not None and c.nullable for c in cols) or fk.ref_table == table.key:
                    continue  # required already, or a tree (NULL marks the root)
                if (fk.on_delete or "").upper() in ("SET NULL", "SET DEFAULT"):
                    continue
                parent = singular(fk.ref_table.split(".", 1)[-1])
                if table.name.startswith(parent + "_") and fk.columns == (f"{parent}_id",):
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
    flood_limit = 5
    node_types = (exp.Reference,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        tree = stmt.expression
        if not isinstance(tree, exp.Create | exp.Alter) or tree is None:
            return
        for ref in tree.find_all(exp.Reference):
            options = [str(o).upper() for o in ref.args.get("options") or ()]
            if not any(o.startswith("ON DELETE") for o in options):
                yield self.at(stmt, ref)
