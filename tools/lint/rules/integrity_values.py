"""Integrity rules about the values a table accepts: natural keys without UNIQUE, prices and
quantities without a CHECK on their sign."""

from __future__ import annotations

from collections.abc import Iterator

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule
from dbarch.tools.lint.rules._util import column_at, new_tables, script_tables, words
from dbarch.tools.schema.model import Table
from dbarch.tools.schema.types import base_type

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
        for table in new_tables(ctx):
            if set(words(table.name)) & LOG_WORDS:
                continue
            for col in table.columns:
                if col.name not in NATURAL_KEYS:
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
