"""Integrity rules about keys, read from the schema the whole script builds: a primary key, and
key columns wide enough. References are in ``integrity_references``, value constraints in
``integrity_values``; ``RULES`` here lists them all, in order."""

from __future__ import annotations

from collections.abc import Iterator

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules._util import column_at, new_tables, script_tables
from dbarch.tools.lint.rules.integrity_references import (
    IndexForeignKey,
    RequireForeignKey,
    RequireNotNullForeignKey,
    RequireOnDelete,
)
from dbarch.tools.lint.rules.integrity_values import RequireSignCheck, RequireUniqueNaturalKey
from dbarch.tools.lint.rules.partitions import partition_facts
from dbarch.tools.schema.model import Column, ForeignKey, Table
from dbarch.tools.schema.types import base_type


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
        for table in new_tables(ctx):
            if table.primary_key is None:
                yield self.diagnostic(table.line or 1, 1, message=f"Add a primary key to {table.display_name}")


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
            if col is not None and is_generated_narrow_key(table, col):
                yield self.diagnostic(*column_at(table, col.name))


_WIDTH = {"smallint": 2, "integer": 4, "bigint": 8}
"""Bytes of each integer type; a key column narrower than the key it references is a bug."""


def is_generated_narrow_key(table: Table, col: Column) -> bool:
    """``col`` is the table's single-column primary key, 16/32-bit, with generated values."""
    pk = table.primary_key
    if pk is None or pk.columns != (col.name,) or _WIDTH.get(base_type(col.type), 8) >= 8:
        return False
    return is_generated(col)


def is_generated(col: Column) -> bool:
    """``col``'s values come from a sequence: ``serial``, identity, or a ``nextval`` default."""
    serial = (col.declared_type or "").lower().endswith("serial")
    return bool(col.identity) or serial or (col.default or "").lower().startswith(_GENERATED_DEFAULT)


def referenced_column(ctx: LintContext, fk: ForeignKey, column: str) -> tuple[Table, Column] | None:
    """The parent table and column that ``column`` of ``fk`` references, when the schema knows it."""
    parent = ctx.schema.tables.get(fk.ref_table)
    if parent is None:
        return None
    position = fk.columns.index(column)
    targets = fk.ref_columns or (parent.primary_key.columns if parent.primary_key else ())
    target = parent.column(targets[position]) if position < len(targets) else None
    return (parent, target) if target is not None else None


class PreferBigintOverInt(Rule):
    """A 16- or 32-bit integer id or foreign key column.

    ## What it does
    Flags `integer` and `smallint` columns that hold ids: a column named `id` or `*_id`, a
    primary key column, a foreign key column, or an array of ids (`ids`, `*_ids`). In a
    composite primary key only the columns named like ids or generated count: a line number
    next to an order id is no id. A foreign key whose parent table dbarch cannot read (a
    statement it cannot parse, another file) stays silent: the parent key's width is unknown.
    The references a partitioned table's partitions declare count as its own. A foreign key
    narrower than the key it
    references is reported as the bug it is. Left alone: a foreign key whose parent key has
    the same width (widen the parent first), and generated single-column primary keys, which
    `prefer-bigint-primary-key` reports. Unlike squawk's rule of the same name, plain counters
    and measures (`age integer`, `quantity integer`) are not ids and stay silent.

    ## Why is this bad
    `integer` stops at 2,147,483,647 (`smallint` at 32,767). A foreign key declared `integer`
    next to a `bigint` parent key fails on the first parent id above that limit, long after
    the schema shipped. Widening an id later is `ALTER COLUMN ... TYPE bigint`: a rewrite of the
    table and its indexes under an ACCESS EXCLUSIVE lock (no reads or writes) for the whole
    rewrite, repeated for every referencing table. `bigint` costs four more bytes per row.

    ## Example
    ```sql
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id integer NOT NULL REFERENCES customers (id) ON DELETE RESTRICT
    );
    CREATE INDEX ON orders (customer_id);
    ```

    ## Use instead
    ```sql
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT
    );
    CREATE INDEX ON orders (customer_id);
    ```
    """

    id = "prefer-bigint-over-int"
    message = "Use bigint for id and foreign key columns"
    hint = "declare ids and the foreign keys that point at them bigint: integer runs out at 2,147,483,647"
    family = "integrity"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            fks = {c: fk for fk in table.foreign_keys for c in fk.columns}
            keys = set(table.primary_key.columns) if table.primary_key else set()
            for col in table.columns:
                width = _WIDTH.get(base_type(col.type), 8)
                if width >= 8 or (before is not None and before.column(col.name) == col):
                    continue
                fk = fks.get(col.name)
                ref = referenced_column(ctx, fk, col.name) if fk is not None else None
                if fk is None and table.partitioned and (target_key := partition_facts(ctx).referenced(table.key, col.name)):
                    # the partitions declare the reference: judge it against the parent key it names
                    fk = ForeignKey((col.name,), target_key)
                    ref = referenced_column(ctx, fk, col.name)
                if fk is not None and ref is None and fk.ref_table not in ctx.schema.tables:
                    continue  # the parent table is beyond this script's model: its key width is unknown
                if ref is not None:
                    parent, target = ref
                    if _WIDTH.get(base_type(target.type), 0) > width:
                        yield self.diagnostic(
                            *column_at(table, col.name),
                            message=(
                                f"Declare {table.display_name}.{col.name} {base_type(target.type)}: it references "
                                f"{parent.display_name}.{target.name} ({base_type(target.type)}) as {base_type(col.type)}"
                            ),
                        )
                    continue
                if col.type.endswith("]"):  # an array of ids: `tag_ids integer[]`
                    if col.name == "ids" or col.name.endswith("_ids"):
                        yield self.diagnostic(
                            *column_at(table, col.name),
                            message=f"Use bigint[] for the array of ids {table.display_name}.{col.name}",
                        )
                    continue
                id_like = col.name == "id" or col.name.endswith("_id") or fk is not None or (
                    col.name in keys and (len(keys) == 1 or col.name.endswith("id") or is_generated(col)))
                if id_like and not is_generated_narrow_key(table, col):
                    yield self.diagnostic(
                        *column_at(table, col.name),
                        message=f"Use bigint for the id column {table.display_name}.{col.name}",
                    )


RULES: tuple[type[Rule], ...] = (
    RequirePrimaryKey,
    RequireForeignKey,
    IndexForeignKey,
    RequireNotNullForeignKey,
    RequireOnDelete,
    PreferBigintPrimaryKey,
    PreferBigintOverInt,
    RequireUniqueNaturalKey,
    RequireSignCheck,
)
"""Every integrity rule about keys and references, in registry order."""
