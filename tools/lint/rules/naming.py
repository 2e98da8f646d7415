"""Naming and portability rules over the identifiers a script defines (as written)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity, memoized
from dbarch.tools.lint.rules._util import is_plural, is_uncountable, table_key
from dbarch.tools.lint.rules.partitions import partition_facts
from dbarch.tools.sql.parse import ParsedStatement

RESERVED = frozenset(
    ["all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both", "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with"]
)
"""PostgreSQL's reserved key words (Appendix C, "reserved" and "reserved (can be function or type)")."""


def defined_identifiers(stmt: ParsedStatement) -> tuple[tuple[str, exp.Identifier], ...]:
    """``(kind, identifier)`` for each name a DDL statement defines (table, column, index...),
    found once per lint run for the five naming rules."""
    return memoized(("defined_identifiers", id(stmt)), lambda: tuple(_defined(stmt)))


def _defined(stmt: ParsedStatement) -> Iterator[tuple[str, exp.Identifier]]:
    tree = stmt.expression
    if isinstance(tree, exp.Create):
        target = tree.this
        if isinstance(target, exp.Index) and isinstance(target.this, exp.Identifier):
            yield "index", target.this
            return
        table = target.this if isinstance(target, exp.Schema) else target
        if isinstance(table, exp.Table) and isinstance(table.this, exp.Identifier):
            yield str(tree.args.get("kind") or "table").lower(), table.this
        if isinstance(target, exp.Schema):
            yield from _definitions(target.expressions)
    elif isinstance(tree, exp.Alter):
        yield from _definitions(tree.args.get("actions") or [])


def _definitions(nodes: list[exp.Expression]) -> Iterator[tuple[str, exp.Identifier]]:
    for node in nodes:
        if isinstance(node, exp.ColumnDef) and isinstance(node.this, exp.Identifier):
            yield "column", node.this
        elif isinstance(node, exp.AddConstraint):
            yield from _definitions(node.expressions)
        elif isinstance(node, exp.Constraint) and isinstance(node.this, exp.Identifier):
            yield "constraint", node.this
        elif isinstance(node, exp.RenameColumn) and isinstance(node.args.get("to"), exp.Identifier):
            yield "column", node.args["to"]


class NoReservedWordIdentifier(Rule):
    """A reserved word used as a table or column name.

    ## What it does
    Flags tables, columns, indexes and constraints named with a PostgreSQL reserved word
    (`user`, `order`, `group`, `table`...), which only work quoted.

    ## Why is this bad
    Every query must quote the name forever; forgetting once gives a syntax error or, worse,
    a different meaning (`SELECT user` returns the current role, not the column).

    ## Example
    ```sql
    CREATE TABLE "order" (id bigint PRIMARY KEY, "user" text NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE orders (id bigint PRIMARY KEY, username text NOT NULL);
    ```
    """

    id = "no-reserved-word-identifier"
    message = "Rename this identifier: it is a reserved word"
    hint = "pick a name that needs no quotes (orders, app_user, group_name)"
    family = "naming"
    node_types = (exp.Create, exp.Alter)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        for kind, ident in defined_identifiers(stmt):
            if ident.name.lower() in RESERVED:
                yield self.at(stmt, ident, message=f"Rename {kind} {ident.name!r}: it is a reserved word")


class IdentifierTooLong(Rule):
    """An identifier longer than 63 bytes.

    ## What it does
    Flags names of tables, columns, indexes and constraints longer than 63 bytes (UTF-8),
    where they are defined and where a `DROP` names them.

    ## Why is this bad
    PostgreSQL silently truncates identifiers to 63 bytes (`NAMEDATALEN - 1`): two long names
    that share a prefix collide, and the name in the catalog differs from the one in the code.

    ## Example
    ```sql
    CREATE TABLE customer_subscription_billing_history_entries_with_adjustments_archive (id bigint PRIMARY KEY);
    ```

    ## Use instead
    ```sql
    CREATE TABLE subscription_billing_archive (id bigint PRIMARY KEY);
    ```
    """

    id = "identifier-too-long"
    severity = Severity.ERROR
    message = "Shorten this identifier to 63 bytes or fewer"
    hint = "PostgreSQL truncates names to 63 bytes without an error"
    family = "naming"
    node_types = (exp.Create, exp.Alter, exp.Drop)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        for kind, ident in defined_identifiers(stmt):
            size = len(ident.name.encode("utf-8"))
            if size > 63:
                yield self.at(stmt, ident, message=f"Shorten {kind} name ({size} bytes) to 63 bytes or fewer")
        tree = stmt.expression
        if isinstance(tree, exp.Drop):
            kind = str(tree.args.get("kind") or "object").lower()
            for table in tree.args.get("tables") or ():
                name = table.this if isinstance(table, exp.Table) else None
                if isinstance(name, exp.Identifier) and (size := len(name.name.encode("utf-8"))) > 63:
                    yield self.at(stmt, name, message=(
                        f"Shorten the {kind} name ({size} bytes) to 63 bytes or fewer: PostgreSQL reads it as its "
                        "first 63 bytes, which is not the name written here"
                    ))


class NoQuotedMixedCase(Rule):
    """A quoted identifier with upper-case letters.

    ## What it does
    Flags quoted names that contain upper-case letters (`"UserId"`, `"Orders"`).

    ## Why is this bad
    PostgreSQL folds unquoted names to lower case, so `"UserId"` must be quoted, with the same
    case, in every query and every tool forever; `SELECT UserId` finds nothing.

    ## Example
    ```sql
    CREATE TABLE "Customers" (id bigint PRIMARY KEY);
    ```

    ## Use instead
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY);
    ```
    """

    id = "no-quoted-mixed-case"
    message = "Use a lower-case name instead of a quoted mixed-case one"
    hint = "snake_case names need no quotes in PostgreSQL"
    family = "naming"
    flood_limit = 5
    node_types = (exp.Create, exp.Alter)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        for kind, ident in defined_identifiers(stmt):
            if ident.args.get("quoted") and ident.name != ident.name.lower():
                yield self.at(stmt, ident, message=f"Use a lower-case {kind} name instead of {ident.sql('postgres')}")


_CAMEL = re.compile(r"[a-z0-9][A-Z]|^[A-Z][a-z]")
"""A lower-to-upper change (or a capitalised start) in a name as written: ``userId``, ``UserAccount``."""


def _style(name: str) -> str | None:
    if _CAMEL.search(name):
        return "camelCase"
    if "_" in name.strip("_") and name == name.lower():
        return "snake_case"
    return None


class ConsistentCaseStyle(Rule):
    """camelCase names next to snake_case names in one schema.

    ## What it does
    Collects the table and column names the script defines, as written, and flags the names in
    the minority style when both camelCase (`createdAt`) and snake_case (`created_at`) appear.

    ## Why is this bad
    Mixed styles make every query a guess. Unquoted camelCase is also folded to lower case by
    PostgreSQL (`createdAt` becomes `createdat`), so the style does not even survive.

    ## Example
    ```sql
    CREATE TABLE accounts (id bigint PRIMARY KEY, created_at timestamptz, updated_at timestamptz, lastLogin timestamptz);
    ```

    ## Use instead
    ```sql
    CREATE TABLE accounts (id bigint PRIMARY KEY, created_at timestamptz, updated_at timestamptz, last_login timestamptz);
    ```
    """

    id = "consistent-case-style"
    message = "Use one naming style: snake_case"
    hint = "PostgreSQL folds unquoted names to lower case; snake_case survives that"
    family = "naming"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        found: dict[str, list[tuple[ParsedStatement, exp.Identifier]]] = {"camelCase": [], "snake_case": []}
        for st in ctx.statements():
            for kind, ident in defined_identifiers(st):
                style = _style(ident.name) if kind in ("table", "column") else None
                if style:
                    found[style].append((st, ident))
        camel, snake = found["camelCase"], found["snake_case"]
        if not camel or not snake:
            return
        minority, style = (camel, "snake_case") if len(camel) <= len(snake) else (snake, "camelCase")
        for st, ident in minority:
            yield self.at(st, ident, message=f"Name {ident.name!r} in {style} like the rest of the schema")


class ConsistentTablePlurality(Rule):
    """Singular table names next to plural ones.

    ## What it does
    Looks at the last word of each table name the script creates and flags the minority when
    both singular (`customer`) and plural (`orders`) names appear among three or more tables. Uncountable words (`data`,
    `staff`, `history`) are ignored, and so are partitions, named after their parent (`sales_2025`).

    ## Why is this bad
    Readers and tools must remember, table by table, whether it is `order` or `orders`; joins
    and generated code pick the wrong one.

    ## Example
    ```sql
    CREATE TABLE customer (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY);
    CREATE TABLE invoices (id bigint PRIMARY KEY);
    ```

    ## Use instead
    ```sql
    CREATE TABLE customers (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY);
    CREATE TABLE invoices (id bigint PRIMARY KEY);
    ```
    """

    id = "consistent-table-plurality"
    severity = Severity.INFO
    message = "Name tables consistently: all plural or all singular"
    hint = "pick one convention (plural is the common one) and rename the odd ones"
    family = "naming"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        groups: dict[bool, list[tuple[ParsedStatement, exp.Identifier]]] = {True: [], False: []}
        partitions = partition_facts(ctx).all_partitions
        for st in ctx.statements():
            for kind, ident in defined_identifiers(st):
                head = _head_noun(ident.name) if kind == "table" else None
                if head is None or is_uncountable(head):
                    continue
                if partitions and _created_key(st) in partitions:
                    continue  # a partition is named after its parent (sales_2025), not as a table
                groups[is_plural(head)].append((st, ident))
        plural, single = groups[True], groups[False]
        if not plural or not single or len(plural) + len(single) < 3:
            return
        minority, style = (single, "plural") if len(single) <= len(plural) else (plural, "singular")
        for st, ident in minority:
            yield self.at(st, ident, message=f"Name table {ident.name!r} in the {style} like the others")


def _created_key(st: ParsedStatement) -> str | None:
    tree = st.expression
    target = tree.this if isinstance(tree, exp.Create) else None
    table = target.this if isinstance(target, exp.Schema) else target
    return table_key(table) if isinstance(table, exp.Table) else None


_CAMEL_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
"""The words of one snake_case part as written: ``BillOfMaterials`` -> ``Bill``, ``Of``, ``Materials``."""


def _head_noun(name: str) -> str | None:
    """The word of a table name that is singular or plural: the last one (``order_items``,
    ``OrderItems``), or the one before ``of`` (``bill_of_materials``, ``BillOfMaterials``)."""
    parts = [w.lower() for piece in name.split("_") if piece
             for w in (_CAMEL_WORD.findall(piece) if piece[1:] != piece[1:].lower() else [piece])]
    if "of" in parts[1:]:
        parts = parts[: parts.index("of", 1)]
    return parts[-1] if parts else None


RULES: tuple[type[Rule], ...] = (
    NoReservedWordIdentifier,
    IdentifierTooLong,
    NoQuotedMixedCase,
    ConsistentCaseStyle,
    ConsistentTablePlurality,
)
"""Every naming and portability rule, in registry order."""
