"""Normalization rules (up to 3NF). First normal form here: repeating groups, lists in
columns, arrays of ids. Table design (EAV, polymorphic keys) is in ``normalization_tables``;
dependencies between tables (transitive dependencies, duplicated column sets) in
``normalization_dependencies``. ``RULES`` here lists them all, in order."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule
from dbarch.tools.lint.rules._util import column_at, new_tables, script_tables, words
from dbarch.tools.lint.rules.normalization_dependencies import (
    NoDuplicatedColumnSet,
    NoTransitiveDependency,
)
from dbarch.tools.lint.rules.normalization_tables import (
    NoEntityAttributeValue,
    NoPolymorphicAssociation,
)
from dbarch.tools.schema.model import Table
from dbarch.tools.schema.types import base_type

_NUMBERED = re.compile(r"^([a-z][a-z_]*?)_?(\d+)$")
"""A column name ending in a number: ``phone1``, ``address_2`` (an identifier, not SQL text)."""
_NOT_GROUPS = frozenset({"address_line", "line", "addr_line", "street", "address"})
"""Numbered bases that are conventional single attributes (``address_line1``, ``address_line2``)."""
_NOT_GROUPS_COMPACT = frozenset(base.replace("_", "") for base in _NOT_GROUPS)
"""The same without underscores: ``AddressLine1`` folds to ``addressline1``."""


class NoRepeatingGroups(Rule):
    """Numbered columns that hold a repeating group.

    ## What it does
    Flags two or more columns that differ only by a trailing number (`phone1`, `phone2`,
    `phone3`; `tag_1`, `tag_2`). Address lines (`address_line1`) are accepted, and so are the
    ends of a relationship: numbered foreign-key columns that are part of the table's key
    together (`entity0`, `entity1` of a link table whose key is `(entity0, entity1, link)`), and
    codes of different standards (`iso_code_1`, `iso_code_3`).

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
        for table in new_tables(ctx):
            groups: dict[str, list[str]] = {}
            for col in table.columns:
                match = _NUMBERED.match(col.name)
                base = match.group(1).rstrip("_") if match else ""
                if match and base.replace("_", "") not in _NOT_GROUPS_COMPACT and not base.startswith("iso"):
                    groups.setdefault(base, []).append(col.name)  # iso_code_1, iso_code_3: two standards
            for base, names in groups.items():
                if len(names) >= 2 and not _relationship_ends(table, names):
                    yield self.diagnostic(
                        *column_at(table, names[0]),
                        message=f"Move the repeating group {', '.join(names)} of {table.display_name} to a {base} table",
                    )


def _relationship_ends(table: Table, names: list[str]) -> bool:
    """The numbered columns are references that together belong to one key of the table (its
    primary key, a unique constraint or a unique index): the ends of a relationship (a link or
    an edge between rows), not a repeating group of one entity's values."""
    wanted = set(names)
    references = {c for fk in table.foreign_keys for c in fk.columns}
    if not wanted <= references:
        return False
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques]
    keys += [i.columns for i in table.indexes if i.unique and i.where is None]
    return any(wanted <= set(key) for key in keys)


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


RULES: tuple[type[Rule], ...] = (
    NoRepeatingGroups,
    NoListInColumn,
    NoArrayOfIds,
    NoEntityAttributeValue,
    NoPolymorphicAssociation,
    NoTransitiveDependency,
    NoDuplicatedColumnSet,
)
"""Every normalization rule, in registry order."""
