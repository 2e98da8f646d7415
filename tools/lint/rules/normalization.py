"""Normalization rules (up to 3NF): repeating groups, lists in columns, EAV, polymorphic keys,
transitive dependencies and column sets copied between tables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from tools.lint.base import Diagnostic, LintContext, Rule, Severity
from tools.lint.rules._util import column_at, script_tables, singular, words
from tools.schema import Column, Table
from tools.types import base_type

_NUMBERED = re.compile(r"^([a-z][a-z_]*?)_?(\d+)$")
"""A column name ending in a number: ``phone1``, ``address_2`` (an identifier, not SQL text)."""
_NOT_GROUPS = frozenset({"address_line", "line", "addr_line", "street", "address"})
"""Numbered bases that are conventional single attributes (``address_line1``, ``address_line2``)."""


class NoRepeatingGroups(Rule):
    """Numbered columns that hold a repeating group.

    ## What it does
    Flags two or more columns that differ only by a trailing number (`phone1`, `phone2`,
    `phone3`; `tag_1`, `tag_2`). Address lines (`address_line1`) are accepted.

    ## Why is this bad
    A repeating group breaks first normal form: the number of values is fixed by the schema, a
    search must look in every column, and a fourth value means a migration.

    ## Example
    ```sql
    CREATE TABLE contacts (id bigint PRIMARY KEY, phone1 text, phone2 text, phone3 text);
    ```

    ## Use instead
    ```sql
    CREATE TABLE contacts (id bigint PRIMARY KEY);
    CREATE TABLE contact_phones (
        contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        phone text NOT NULL,
        PRIMARY KEY (contact_id, phone)
    );
    ```
    """

    id = "no-repeating-groups"
    message = "Move this repeating group to its own table"
    hint = "one row per value in a child table keyed by the parent's id"
    family = "normalization"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, _ in script_tables(ctx):
            groups: dict[str, list[str]] = {}
            for col in table.columns:
                match = _NUMBERED.match(col.name)
                if match and match.group(1).rstrip("_") not in _NOT_GROUPS:
                    groups.setdefault(match.group(1).rstrip("_"), []).append(col.name)
            for base, names in groups.items():
                if len(names) >= 2:
                    yield self.diagnostic(
                        *column_at(table, names[0]),
                        message=f"Move the repeating group {', '.join(names)} of {table.display_name} to a {base} table",
                    )


LIST_WORDS = frozenset(
    ["tags", "categories", "keywords", "labels", "emails", "phones", "numbers", "roles", "permissions", "skills", "colors", "colours", "sizes", "ids", "authors", "genres", "topics", "languages", "interests", "hobbies", "urls", "links", "recipients", "attendees", "members", "items", "products", "options"]
)
_TEXT_TYPES = ("text", "character varying", "character", "citext")


class NoListInColumn(Rule):
    """A text column holding a list of values.

    ## What it does
    Flags `text`/`varchar` columns whose name says they hold several values: plural names of
    short tokens (`tags`, `categories`, `emails`, `roles`...) or `*_ids`, `*_list`, `*_csv`.

    ## Why is this bad
    A comma-separated list breaks first normal form: values cannot be indexed, referenced by a
    foreign key, counted or updated one at a time without string surgery.

    ## Example
    ```sql
    CREATE TABLE articles (id bigint PRIMARY KEY, tags text);
    ```

    ## Use instead
    ```sql
    CREATE TABLE articles (id bigint PRIMARY KEY);
    CREATE TABLE article_tags (
        article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        tag text NOT NULL,
        PRIMARY KEY (article_id, tag)
    );
    ```
    """

    id = "no-list-in-column"
    message = "Store one value per row, not a list in a text column"
    hint = "use a child table (or a junction table for references)"
    family = "normalization"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            for col in table.columns:
                if col.type.endswith("]") or base_type(col.type) not in _TEXT_TYPES:
                    continue
                if before is not None and before.column(col.name) is not None:
                    continue
                parts = words(col.name)
                if parts and (parts[-1] in LIST_WORDS or parts[-1] in ("list", "csv")):
                    yield self.diagnostic(
                        *column_at(table, col.name),
                        message=f"Store one value per row, not a list in {table.display_name}.{col.name}",
                    )


class NoArrayOfIds(Rule):
    """An array of ids instead of a junction table.

    ## What it does
    Flags array columns of integers or UUIDs named `*_ids`.

    ## Why is this bad
    Array elements cannot carry a foreign key: nothing stops ids of deleted rows, and the
    reverse lookup ("which rows mention 42?") needs a GIN index and special operators.

    ## Example
    ```sql
    CREATE TABLE posts (id bigint PRIMARY KEY, tag_ids bigint[] NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE posts (id bigint PRIMARY KEY);
    CREATE TABLE tags (id bigint PRIMARY KEY);
    CREATE TABLE post_tags (
        post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        PRIMARY KEY (post_id, tag_id)
    );
    CREATE INDEX ON post_tags (tag_id);
    ```
    """

    id = "no-array-of-ids"
    message = "Use a junction table, not an array of ids"
    hint = "a junction table with two foreign keys keeps references valid and indexable"
    family = "normalization"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            for col in table.columns:
                element = base_type(col.type.removesuffix("[]"))
                if not col.type.endswith("[]") or element not in ("integer", "bigint", "smallint", "uuid"):
                    continue
                if col.name.endswith("ids") and not (before and before.column(col.name)):
                    yield self.diagnostic(*column_at(table, col.name))


ATTRIBUTE_NAMES = frozenset(
    ["attribute", "attribute_name", "attr", "attr_name", "key", "property", "property_name", "field", "field_name", "meta_key", "attribute_key"]
)
VALUE_NAMES = frozenset(["value", "attribute_value", "attr_value", "meta_value", "property_value", "val", "field_value"])


def _reference_columns(table: Table) -> list[str]:
    pk = set(table.primary_key.columns) if table.primary_key and len(table.primary_key.columns) == 1 else set()
    return [c.name for c in table.columns if c.name.endswith("_id") and c.name not in pk]


class NoEntityAttributeValue(Rule):
    """An entity-attribute-value table.

    ## What it does
    Flags tables made of a reference to an entity, an attribute-name column (`attribute`,
    `key`, `property`...) and a `value` column.

    ## Why is this bad
    EAV hides the real schema in data: no types, no NOT NULL, no foreign keys or CHECKs per
    attribute, and every read needs one self-join (or a pivot) per attribute.

    ## Example
    ```sql
    CREATE TABLE product_attributes (
        product_id bigint NOT NULL,
        attribute text NOT NULL,
        value text,
        PRIMARY KEY (product_id, attribute)
    );
    ```

    ## Use instead
    ```sql
    CREATE TABLE products (
        id bigint PRIMARY KEY,
        color text,
        weight_grams integer CHECK (weight_grams > 0)
    );
    ```
    """

    id = "no-entity-attribute-value"
    message = "Model attributes as typed columns, not entity-attribute-value rows"
    hint = "use real columns (or one jsonb column for truly open-ended data)"
    family = "normalization"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            names = set(table.column_names)
            if before is not None and set(before.column_names) == names:
                continue
            if names & ATTRIBUTE_NAMES and names & VALUE_NAMES and _reference_columns(table):
                yield self.diagnostic(
                    table.line or 1, 1, message=f"Model the attributes of {table.display_name} as typed columns"
                )


class NoPolymorphicAssociation(Rule):
    """A polymorphic association (`*_type` + `*_id`).

    ## What it does
    Flags a pair of columns `<x>_type` and `<x>_id` where no foreign key covers `<x>_id`: the
    row points at one of several tables, named in data.

    ## Why is this bad
    No foreign key can hold: the referenced row may not exist, deletes do not cascade, and
    joins need a CASE over every possible table.

    ## Example
    ```sql
    CREATE TABLE comments (
        id bigint PRIMARY KEY,
        commentable_type text NOT NULL,
        commentable_id bigint NOT NULL
    );
    ```

    ## Use instead
    ```sql
    CREATE TABLE posts (id bigint PRIMARY KEY);
    CREATE TABLE comments (
        id bigint PRIMARY KEY,
        post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE
    );
    CREATE INDEX ON comments (post_id);
    ```
    """

    id = "no-polymorphic-association"
    message = "Replace this polymorphic association with real foreign keys"
    hint = "one nullable foreign key per target table (with a CHECK that exactly one is set), or one join table per target"
    family = "normalization"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for table, before in script_tables(ctx):
            fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
            for col in table.columns:
                if not col.name.endswith("_type") or (before and before.column(col.name)):
                    continue
                stem = col.name.removesuffix("_type")
                if table.column(stem + "_id") is not None and stem + "_id" not in fk_cols:
                    yield self.diagnostic(
                        *column_at(table, col.name),
                        message=f"Replace the polymorphic association {stem}_type/{stem}_id with real foreign keys",
                    )


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
    ["id", "name", "title", "description", "status", "notes", "created_at", "updated_at", "deleted_at", "created_by", "updated_by", "version", "is_active", "active"]
)


class NoDuplicatedColumnSet(Rule):
    """The same group of columns repeated in two tables.

    ## What it does
    Flags a table that shares three or more non-key columns (same names and types) with another
    table: typically an address or contact block copied between `customers` and `suppliers`.
    Ids, references and bookkeeping columns (`created_at`, `status`...) do not count.

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
        new = {t.key for t, _ in script_tables(ctx)}
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


def _signature(table: Table) -> set[tuple[str, str]]:
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    return {
        (c.name, c.type)
        for c in table.columns
        if c.name not in GENERIC_COLUMNS and c.name not in fk_cols and not c.name.endswith("_id")
    }
