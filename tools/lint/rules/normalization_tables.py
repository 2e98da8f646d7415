"""Normalization rules about table design: entity-attribute-value tables and polymorphic
associations (a ``*_type`` + ``*_id`` pair instead of foreign keys)."""

from __future__ import annotations

from collections.abc import Iterator

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule
from dbarch.tools.lint.rules._util import column_at, script_tables
from dbarch.tools.schema.model import Table

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
