"""Normalization rules about dependencies between tables (3NF): attributes copied through a
foreign key, and the same column set repeated in several tables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules._util import column_at, new_tables, script_tables, singular, words
from dbarch.tools.schema.model import Column, Table


class NoTransitiveDependency(Rule):
    """A column copying an attribute of the table a foreign key references.

    ## What it does
    Flags a column `<x>_<attr>` next to a foreign key `<x>_id` when the referenced table has a
    column `<attr>` (`orders.customer_email` next to `orders.customer_id` -> `customers.email`).

    ## Why is this bad
    The value depends on the key through another table (a transitive dependency, against 3NF):
    the copy goes stale when the customer changes their email, and the two disagree.

    ## Example
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
    CREATE TABLE orders (
        id bigint PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
        customer_email text NOT NULL
    );
    CREATE INDEX ON orders (customer_id);
    ```

    ## Use instead
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
    CREATE TABLE orders (
        id bigint PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT
    );
    CREATE INDEX ON orders (customer_id);
    ```
    """

    id = "no-transitive-dependency"
    message = "Read this attribute through the foreign key instead of copying it"
    hint = "join the referenced table; keep a copy only as a deliberate snapshot (name it so, e.g. *_at_order)"
    family = "normalization"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            for fk in table.foreign_keys:
                parent = ctx.schema.tables.get(fk.ref_table)
                if parent is None or len(fk.columns) != 1 or parent.key == table.key:
                    continue
                stems = {fk.columns[0].removesuffix("_id"), singular(parent.name)}
                for col in table.columns:
                    if before is not None and before.column(col.name) is not None:
                        continue
                    hit = self._copied(col, stems, parent)
                    if hit:
                        yield self.diagnostic(
                            *column_at(table, col.name),
                            message=f"Read {parent.display_name}.{hit} through {fk.columns[0]} instead of copying it into {table.display_name}.{col.name}",
                        )

    @staticmethod
    def _copied(col: Column, stems: set[str], parent: Table) -> str | None:
        for stem in stems:
            if col.name.startswith(stem + "_"):
                attr = col.name.removeprefix(stem + "_")
                if attr not in ("id", "ids") and parent.column(attr) is not None:
                    return attr
        return None


GENERIC_COLUMNS = frozenset(
    ["id", "name", "title", "description", "status", "notes", "created_at", "updated_at", "deleted_at", "created_by", "updated_by", "version", "is_active", "active",
     "modified_at", "modified_date", "modified_by", "created_date", "updated_date", "row_guid", "row_version"]
)
_GENERIC_COMPACT = frozenset(name.replace("_", "") for name in GENERIC_COLUMNS)
"""The same names without underscores: ``ModifiedDate`` (folded ``modifieddate``) and ``rowguid``
are the bookkeeping columns of a CamelCase schema (AdventureWorks)."""


def is_generic_column(name: str) -> bool:
    """A column every table may have (an id, a name, bookkeeping), in snake_case or CamelCase."""
    return name in GENERIC_COLUMNS or name.replace("_", "") in _GENERIC_COMPACT


class NoDuplicatedColumnSet(Rule):
    """The same group of columns repeated in two tables.

    ## What it does
    Flags a table that shares three or more non-key columns (same names and types) with another
    table: typically an address or contact block copied between `customers` and `suppliers`.
    Ids, references and bookkeeping columns (`created_at`, `last_update`, `status`...) do not
    count.

    ## Why is this bad
    The concept is defined twice: validation, formats and later changes drift apart, and
    queries cannot treat the two alike.

    ## Example
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY, street text, city text, postal_code text, country text);
    CREATE TABLE suppliers (id bigint PRIMARY KEY, street text, city text, postal_code text, country text);
    ```

    ## Use instead
    ```sql
    CREATE TABLE addresses (id bigint PRIMARY KEY, street text, city text, postal_code text, country text);
    CREATE TABLE customers (id bigint PRIMARY KEY, address_id bigint REFERENCES addresses (id) ON DELETE RESTRICT);
    CREATE TABLE suppliers (id bigint PRIMARY KEY, address_id bigint REFERENCES addresses (id) ON DELETE RESTRICT);
    CREATE INDEX ON customers (address_id);
    CREATE INDEX ON suppliers (address_id);
    ```
    """

    id = "no-duplicated-column-set"
    severity = Severity.INFO
    message = "Extract the column set these tables share"
    hint = "move the shared columns into their own table and reference it"
    family = "normalization"
    defaults: ClassVar[Mapping[str, Any]] = {"min-columns": 3}

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        minimum = int(self.options["min-columns"])
        new = {t.key for t in new_tables(ctx)}  # a design finding, made where the table is created
        tables = sorted(ctx.schema.tables.values(), key=lambda t: (t.line or 0, t.key))
        signatures = [_signature(t) for t in tables]
        for i, later in enumerate(tables):
            if later.key not in new or len(signatures[i]) < minimum:
                continue
            for j, earlier in enumerate(tables[:i]):
                shared = signatures[j] & signatures[i]
                if len(shared) >= minimum:
                    names = ", ".join(sorted(n for n, _ in shared))
                    yield self.diagnostic(
                        later.line or 1, 1,
                        message=f"Extract the columns {names} that {later.display_name} shares with {earlier.display_name}",
                    )
                    break


_BOOKKEEPING_EVENTS = frozenset(["created", "updated", "update", "modified", "deleted", "inserted", "changed"])
_BOOKKEEPING_FILLERS = frozenset(["at", "on", "date", "time", "ts", "timestamp", "last", "by"])


def is_bookkeeping(name: str) -> bool:
    """A column that records when (or by whom) a row changed, however it is spelled:
    ``last_update``, ``modified_at``, ``date_created``, ``updated_by``."""
    parts = set(words(name))
    return bool(parts & _BOOKKEEPING_EVENTS) and parts <= _BOOKKEEPING_EVENTS | _BOOKKEEPING_FILLERS


def _signature(table: Table) -> set[tuple[str, str]]:
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    return {
        (c.name, c.type)
        for c in table.columns
        if not is_generic_column(c.name) and c.name not in fk_cols and not c.name.endswith("_id")
        and not is_bookkeeping(c.name)
    }
