"""Integrity rules about column types: money, UUIDs, time zones, char(n), serial (most fixable)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlglot import exp

from dbarch.tools.lint.base import (
    POSTGRES_ONLY,
    Diagnostic,
    Edit,
    LintContext,
    Rule,
    Severity,
    find_all,
    memoized,
)
from dbarch.tools.lint.rules._util import column_defs, datatype_text, type_span, type_text, words
from dbarch.tools.schema.types import base_type, canonical_type, is_serial
from dbarch.tools.sql.parse import ParsedStatement

MONEY_WORDS = frozenset(
    ["price", "amount", "total", "cost", "balance", "fee", "fees", "salary", "wage", "wages", "tax", "discount", "subtotal", "revenue", "payment", "charge", "refund", "paid", "due", "budget", "income", "expense", "expenses"]
)
MONEY_OR_RATE = frozenset(["discount", "tax"])
"""Words naming an amount as often as a rate: money only next to another money word."""
NOT_MONEY_WORDS = frozenset(["rate", "ratio", "percent", "pct", "percentage", "count", "weight", "score", "factor"])


@dataclass(frozen=True, slots=True)
class TypedColumn:
    """A column given a type: defined (``CREATE TABLE``, ``ADD COLUMN``) or changed
    (``ALTER COLUMN ... TYPE``)."""

    name: str
    written: str
    """The type in PostgreSQL spelling, lower-cased (:func:`type_text`)."""
    node: exp.ColumnDef | exp.AlterColumn
    kind: exp.DataType | None

    @property
    def defined(self) -> bool:
        return isinstance(self.node, exp.ColumnDef)


def typed_columns(stmt: ParsedStatement) -> tuple[TypedColumn, ...]:
    """Each column of ``stmt`` given a type, with that type as written: read once per lint
    run for the six column-type rules."""
    return memoized(("typed_columns", id(stmt)), lambda: tuple(_typed_columns(stmt)))


def _typed_columns(stmt: ParsedStatement) -> Iterator[TypedColumn]:
    for c in column_defs(stmt):
        if written := type_text(stmt, c.node):
            yield TypedColumn(c.name, written, c.node, c.kind)
    tree = stmt.expression
    if isinstance(tree, exp.Alter):
        for action in tree.args.get("actions") or ():
            dtype = action.args.get("dtype") if isinstance(action, exp.AlterColumn) else None
            if isinstance(dtype, exp.DataType):
                yield TypedColumn(action.name.lower(), datatype_text(dtype), action, dtype)


class _TypeRule(Rule):
    """Shared shape: decide per typed column, fix a definition by replacing the written type."""

    family = "integrity"
    node_types = (exp.ColumnDef, exp.AlterColumn)  # reads only typed columns (`typed_columns`)

    def matches(self, stmt: ParsedStatement, col: TypedColumn) -> bool:
        raise NotImplementedError

    def replacement(self, col: TypedColumn) -> str | None:
        return None

    def _columns(self, stmt: ParsedStatement) -> Iterator[TypedColumn]:
        for col in typed_columns(stmt):
            if self.matches(stmt, col):
                yield col

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        for col in self._columns(stmt):
            yield self.at(stmt, col.node.this, message=f"{self.message} (column {col.name})")

    def fix(self, stmt: ParsedStatement) -> list[Edit]:
        edits = []
        for col in self._columns(stmt):
            if not isinstance(col.node, exp.ColumnDef):
                continue  # ALTER COLUMN ... TYPE: reported, not rewritten
            span = type_span(stmt, col.node)
            new = self.replacement(col)
            if span is not None and new is not None:
                base = stmt.statement.offset
                edits.append(Edit(base + span[0], base + span[1], new))
        return edits


def _params(col: TypedColumn) -> list[str]:
    kind = col.kind
    if kind is not None and kind.is_type(exp.DataType.Type.ARRAY) and isinstance(kind.expressions[0], exp.DataType):
        kind = kind.expressions[0]
    return [p.sql("postgres") for p in kind.expressions] if kind is not None else []


def _array_suffix(written: str) -> str:
    """``[]`` (or ``[3][4]``) when ``written`` is an array type, else ``""``."""
    return written[written.index("["):] if written.endswith("]") else ""


class NoFloatMoney(_TypeRule):
    """Money stored in a binary floating-point column.

    ## What it does
    Flags `real`, `float` and `double precision` columns whose name says money (`price`,
    `amount`, `total`, `cost`, `balance`, `fee`...).

    ## Why is this bad
    Binary floating point cannot hold 0.10 exactly: sums drift by fractions of a cent, and
    equality tests on amounts fail. Accounting needs exact decimal arithmetic.

    ## Example
    ```sql
    CREATE TABLE invoices (id bigint PRIMARY KEY, total_amount double precision NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE invoices (id bigint PRIMARY KEY, total_amount numeric(12, 2) NOT NULL);
    ```
    """

    id = "no-float-money"
    severity = Severity.ERROR
    message = "Store money in numeric, not floating point"
    hint = "use numeric(p, s), e.g. numeric(12, 2), or integer cents"
    fixable = True

    def matches(self, stmt: ParsedStatement, col: TypedColumn) -> bool:
        written = col.written
        if base_type(canonical_type(written)) not in ("real", "double precision") or written.endswith("]"):
            return False
        parts = set(words(col.name))
        if not parts & MONEY_WORDS or parts & NOT_MONEY_WORDS:
            return False
        if parts & MONEY_OR_RATE and not parts & (MONEY_WORDS - MONEY_OR_RATE):
            return False  # a bare `discount`/`tax` in floating point is usually a rate
        return not bounded_fraction(stmt, col.name)

    def replacement(self, col: TypedColumn) -> str:
        return "numeric"


def _number(node: exp.Expression | None) -> float | None:
    if isinstance(node, exp.Neg):
        value = _number(node.this)
        return -value if value is not None else None
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return float(node.this)
        except ValueError:
            return None
    return None


def bounded_fraction(stmt: ParsedStatement, column: str) -> bool:
    """A CHECK in the statement keeps ``column`` at most 1 (``BETWEEN 0 AND 1``, ``<= 1``):
    a fraction such as a discount rate, not an amount of money."""
    if stmt.expression is None:
        return False

    def is_col(node: exp.Expression | None) -> bool:
        return isinstance(node, exp.Column) and node.name.lower() == column

    for check in find_all(stmt, exp.CheckColumnConstraint):
        for node in check.find_all(exp.Between, exp.LTE, exp.LT):
            if isinstance(node, exp.Between) and is_col(node.this):
                high = _number(node.args.get("high"))
            elif is_col(node.this):
                high = _number(node.expression)
            else:
                continue
            if high is not None and high <= 1:
                return True
    return False


def _uuid_named(name: str) -> bool:
    return bool({"uuid", "guid"} & set(words(name)))


def looks_like_uuid_text(name: str, written: str) -> bool:
    canonical = canonical_type(written)
    base = base_type(canonical)
    if canonical.endswith("]") or base not in ("character varying", "character", "text"):
        return False
    if _uuid_named(name):
        return True
    return canonical.endswith("(36)") and (name == "id" or name.endswith("_id"))


class PreferUuidType(_TypeRule):
    """A UUID kept in a text column.

    ## What it does
    Flags `char(36)`, `varchar(36)` and `text` columns that hold UUIDs: named `*uuid*`/`*guid*`,
    or an `id`/`*_id` column sized for the 36-character text form.

    ## Why is this bad
    The text form takes 37 bytes against 16 for `uuid`, makes every index bigger and slower,
    accepts any string (no validation) and compares case-sensitively.

    ## Example
    ```sql
    CREATE TABLE sessions (id varchar(36) PRIMARY KEY, user_uuid text NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE sessions (id uuid PRIMARY KEY, user_uuid uuid NOT NULL);
    ```
    """

    id = "prefer-uuid-type"
    dialects = POSTGRES_ONLY
    message = "Store UUIDs in the uuid type, not text"
    hint = "declare the column as uuid (16 bytes, validated, smaller indexes)"
    fixable = True

    def matches(self, stmt: ParsedStatement, col: TypedColumn) -> bool:
        return looks_like_uuid_text(col.name, col.written)

    def replacement(self, col: TypedColumn) -> str:
        return "uuid"


class PreferTimestamptz(_TypeRule):
    """A `timestamp` without time zone.

    ## What it does
    Flags columns declared, added or changed (`ALTER COLUMN ... TYPE`) to `timestamp` (or
    `timestamp without time zone`), arrays of it included.

    ## Why is this bad
    `timestamp` stores a wall-clock reading with no zone: the same instant written from two
    sessions with different `TimeZone` settings gives two different values, and daylight-saving
    changes make some readings ambiguous. `timestamptz` stores an instant and converts on output.

    ## Example
    ```sql
    CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamptz NOT NULL);
    ```
    """

    id = "prefer-timestamptz"
    dialects = POSTGRES_ONLY
    message = "Use timestamptz, not timestamp without time zone"
    hint = "timestamptz stores an instant; timestamp stores a zone-less wall-clock reading"
    fixable = True

    def matches(self, stmt: ParsedStatement, col: TypedColumn) -> bool:
        return base_type(canonical_type(col.written)) == "timestamp without time zone"

    def replacement(self, col: TypedColumn) -> str:
        params = _params(col)
        return (f"timestamptz({params[0]})" if params else "timestamptz") + _array_suffix(col.written)


_BLANK_PADDED = frozenset({"character", "bpchar"})
"""``char``, ``char(n)``, ``character(n)``, ``nchar``, ``bpchar`` (not the one-byte ``"char"``)."""
_INTERNAL_CHAR = re.compile(r'(?:pg_catalog\.)?"char"|pg_catalog\.char\b(?!acter)')
"""The one-byte type ``"char"``: PostgreSQL also reads the schema-qualified ``pg_catalog.char``
as that type (only the bare keyword ``char`` means ``character(1)``)."""


class PreferTextOverChar(_TypeRule):
    """A fixed-length `char(n)` column.

    ## What it does
    Flags columns declared, added or changed (`ALTER COLUMN ... TYPE`) to `char(n)`,
    `character(n)`, `nchar(n)` or `bpchar`, with or without a length (a bare `char` is
    `char(1)`) and arrays of them. UUID-like columns are left to `prefer-uuid-type`; the
    one-byte internal type `"char"` (quoted, or `pg_catalog.char`) is a different type and stays
    silent.

    ## Why is this bad
    `char(n)` pads values with spaces, which are then ignored in some comparisons and kept in
    others; it is never faster than `text` or `varchar` in PostgreSQL and only hides bugs.

    ## Example
    ```sql
    CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2), name text NOT NULL);
    ```
    """

    id = "prefer-text-over-char"
    dialects = POSTGRES_ONLY
    message = "Use text or varchar, not blank-padded char(n)"
    hint = "use text (with a CHECK on length if the length matters)"

    def matches(self, stmt: ParsedStatement, col: TypedColumn) -> bool:
        if _INTERNAL_CHAR.match(col.written):
            return False
        return base_type(canonical_type(col.written)) in _BLANK_PADDED and not looks_like_uuid_text(col.name, col.written)


class PreferIdentity(_TypeRule):
    """A `serial` / `bigserial` column.

    ## What it does
    Flags columns declared `smallserial`, `serial` or `bigserial`.

    ## Why is this bad
    A serial is an integer with a separately owned sequence: grants, `CREATE TABLE ... LIKE`
    and dumps treat the two apart, and nothing stops inserts from bypassing the sequence.
    SQL-standard identity columns (PostgreSQL 10+) keep the sequence part of the column.

    ## Example
    ```sql
    CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
    ```
    """

    id = "prefer-identity"
    dialects = POSTGRES_ONLY
    message = "Use an identity column, not serial"
    hint = "write bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT to allow explicit ids)"
    fixable = True

    def matches(self, stmt: ParsedStatement, col: TypedColumn) -> bool:
        return col.defined and is_serial(col.written)

    def replacement(self, col: TypedColumn) -> str:
        return f"{canonical_type(col.written)} GENERATED BY DEFAULT AS IDENTITY"



class PreferTextField(_TypeRule):
    """A `varchar(n)` column.

    ## What it does
    Flags columns declared `varchar(n)` / `character varying(n)` in `CREATE TABLE`,
    `ADD COLUMN` and `ALTER COLUMN ... TYPE` (UUID-like columns are left to `prefer-uuid-type`). Information only: a
    length limit can be a real rule of the data.

    ## Why is this bad
    The limit is a guess (`varchar(255)` is folklore, not a requirement), and changing it
    later is `ALTER COLUMN ... TYPE`: it takes an ACCESS EXCLUSIVE lock (no reads or writes)
    even to widen, and to narrow it holds that lock while it checks every row. `text` stores
    the same way; a `CHECK (char_length(col) <= n)` keeps a limit that can be changed with
    `ADD CONSTRAINT ... NOT VALID` and `VALIDATE CONSTRAINT`, which blocks no reads or writes.

    ## Example
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY, display_name varchar(100) NOT NULL);
    ```

    ## Use instead
    ```sql
    CREATE TABLE users (
        id bigint PRIMARY KEY,
        display_name text NOT NULL CHECK (char_length(display_name) <= 100)
    );
    ```
    """

    id = "prefer-text-field"
    dialects = POSTGRES_ONLY
    severity = Severity.INFO
    message = "Use text with a CHECK on its length instead of varchar(n)"
    hint = "text plus CHECK (char_length(col) <= n): the limit then changes with NOT VALID + VALIDATE, not under ACCESS EXCLUSIVE"
    flood_limit = 5

    def matches(self, stmt: ParsedStatement, col: TypedColumn) -> bool:
        canonical = canonical_type(col.written)
        return (
            base_type(canonical) == "character varying"
            and "(" in canonical
            and not looks_like_uuid_text(col.name, col.written)
        )


RULES: tuple[type[Rule], ...] = (
    NoFloatMoney,
    PreferUuidType,
    PreferTimestamptz,
    PreferTextOverChar,
    PreferIdentity,
    PreferTextField,
)
"""Every column-type rule, in registry order."""
