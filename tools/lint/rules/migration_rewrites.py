"""Migration safety for changes that rewrite an existing table: column type changes and new
columns whose values PostgreSQL must compute row by row."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sqlglot import exp

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity, memoized
from dbarch.tools.lint.rules.migration_columns import SERIAL_TYPES, constraint_kinds, existing_alter
from dbarch.tools.lint.rules.migration_session import pg_statements
from dbarch.tools.lint.rules.migration_state import identifier_name
from dbarch.tools.sql.compat import is_generated, is_virtual
from dbarch.tools.sql.parse import ParsedStatement

_VARCHAR = frozenset({exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT})

def _varchar_length(dtype: exp.DataType) -> int | None:
    params = dtype.expressions
    if dtype.this != exp.DataType.Type.VARCHAR or not params:
        return None
    try:
        return int(params[0].name)
    except ValueError:
        return None

def is_binary_coercible(old_type: str, new: exp.DataType) -> bool:
    """``varchar(n)`` to ``varchar(m >= n)``, ``varchar`` or ``text``, and ``varchar`` to
    ``text``: PostgreSQL changes only the catalog, no rewrite, no index rebuild."""
    try:
        old = exp.DataType.build(old_type, dialect="postgres")
    except Exception:  # a type we cannot read: assume the worst
        return False
    if old.this not in _VARCHAR or new.this not in _VARCHAR:
        return False
    if new.this == exp.DataType.Type.TEXT:
        return True
    new_len, old_len = _varchar_length(new), _varchar_length(old)
    if old.this == exp.DataType.Type.TEXT:
        return new_len is None
    return new_len is None or (old_len is not None and new_len >= old_len)

class ChangeColumnType(Rule):
    """## What it does
    Flags `ALTER COLUMN ... TYPE` on an existing table, except widenings PostgreSQL does in
    the catalog only (`varchar(n)` to a longer `varchar` or to `text`).

    ## Why is this bad
    The type change holds an ACCESS EXCLUSIVE lock (no reads, no writes) while it rewrites the
    whole table and rebuilds every index on it; code that still expects the old type may
    break.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, age integer);
    ALTER TABLE users ALTER COLUMN age TYPE bigint;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, age integer);
    ALTER TABLE users ADD COLUMN IF NOT EXISTS age_new bigint;
    ```
    """

    id = "change-column-type"
    severity = Severity.WARNING
    message = "Avoid changing a column type in place: it holds ACCESS EXCLUSIVE (no reads or writes) while the table is rewritten and its indexes rebuilt"
    hint = "add a new column, dual-write and backfill in batches, switch reads, then drop the old column"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        if alter is None:
            return
        table = ctx.existing.tables.get(alter[0])
        for action in alter[1]:
            dtype = action.args.get("dtype") if isinstance(action, exp.AlterColumn) else None
            if not isinstance(dtype, exp.DataType):
                continue
            old = table.column(identifier_name(action.this)) if table else None
            if old is not None and is_binary_coercible(old.type, dtype) and not action.args.get("using"):
                continue
            yield self.at(stmt, action)

EXTENSION_VOLATILE = frozenset(
    {"uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "txid_current"}
)
"""Volatile functions that PostgreSQL's catalog does not list by that name (uuid-ossp's)."""


@dataclass(frozen=True, slots=True)
class VolatileCall:
    node: exp.Expression
    known: bool
    """True: the function is volatile for sure; False: dbarch cannot see it (not built in,
    not created by the script), and a function is VOLATILE unless declared otherwise."""


def volatile_call(expr: exp.Expression, declared: Mapping[str, bool] | None = None) -> VolatileCall | None:
    """The first call inside ``expr`` that is or may be volatile (``random()``,
    ``gen_random_uuid()``, a function dbarch cannot see); ``declared`` maps the functions the
    script creates to whether they are volatile."""
    from dbarch.tools.lint.rules.pg_functions import NOT_VOLATILE, VOLATILE

    for node in expr.walk():
        if isinstance(node, exp.Rand | exp.Uuid):
            return VolatileCall(node, True)
        if not isinstance(node, exp.Anonymous):
            continue
        name = node.name.lower()
        if declared is not None and name in declared:
            if declared[name]:
                return VolatileCall(node, True)
        elif name in VOLATILE or name in EXTENSION_VOLATILE:
            return VolatileCall(node, True)
        elif name not in NOT_VOLATILE:
            return VolatileCall(node, False)
    return None


def declared_functions(ctx: LintContext) -> dict[str, bool]:
    """The functions the script creates (``CREATE [OR REPLACE] FUNCTION``), each with whether
    it is volatile: PostgreSQL's default when no IMMUTABLE or STABLE is written."""
    found: dict[str, bool] = {}
    for _, node in pg_statements(ctx.script.statements, frozenset({"create"}), _CREATE_FUNCTION):
        if type(node).__name__ != "CreateFunctionStmt":
            continue
        volatility = "volatile"
        for option in node.options or ():
            if getattr(option, "defname", "") == "volatility":
                volatility = str(getattr(option.arg, "sval", "volatile")).lower()
        found[str(node.funcname[-1].sval).lower()] = volatility == "volatile"
    return found


_CREATE_FUNCTION = re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*create\s+(?:or\s+replace\s+)?function\b", re.I | re.S)


def rewrite_reason(col: exp.ColumnDef, ctx: LintContext | None = None) -> str | None:
    """Why adding ``col`` rewrites the table, or ``None`` (constant defaults and ``now()`` do not)."""
    dtype = col.args.get("kind")
    if isinstance(dtype, exp.DataType) and dtype.this in SERIAL_TYPES:
        return "a serial column (nextval() default)"
    for kind in constraint_kinds(col):
        if is_generated(kind):
            if is_virtual(kind):
                continue  # computed when read (PostgreSQL 18's default): nothing is written
            return "a stored generated column"
        if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
            return "an identity column"
        if isinstance(kind, exp.DefaultColumnConstraint) and isinstance(kind.this, exp.Expression):
            call = volatile_call(kind.this)
            if call is not None and not call.known and ctx is not None:
                call = volatile_call(kind.this, memoized(("declared_functions",), lambda: declared_functions(ctx)))
            if call is None:
                continue
            text = call.node.sql("postgres").lower()
            if call.known:
                return f"a volatile default ({text})"
            return (f"a default calling {text} unless it is declared IMMUTABLE or STABLE (dbarch cannot see "
                    "this function, and CREATE FUNCTION makes functions VOLATILE by default)")
    return None


class VolatileDefaultRewrite(Rule):
    """## What it does
    Flags `ADD COLUMN` on an existing table with a volatile default (`random()`,
    `clock_timestamp()`, `gen_random_uuid()`, `nextval()`: PostgreSQL's own volatile
    functions), a serial or identity type, or a stored generated expression. A default that
    calls a function dbarch cannot see (neither built in nor created by the script) is flagged
    too, saying so: `CREATE FUNCTION` makes a function VOLATILE unless it says IMMUTABLE or
    STABLE. Constant defaults and non-volatile calls (`now()`, `lower(...)`) are fine on
    PostgreSQL 11+.

    ## Why is this bad
    PostgreSQL must compute a value per row, so it rewrites the whole table (and rebuilds its
    indexes) under an ACCESS EXCLUSIVE lock: no reads, no writes for the whole rewrite.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD COLUMN public_id uuid;
    ALTER TABLE users ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
    ```
    """

    id = "volatile-default-rewrite"
    severity = Severity.WARNING
    message = "Avoid volatile defaults when adding a column: the table is rewritten under ACCESS EXCLUSIVE (no reads or writes) for the whole rewrite"
    hint = "add the column without a default, SET DEFAULT in a second statement (new rows only), then backfill existing rows in batches"
    family = "migration"
    node_types = (exp.Alter,)

    def check_statement(self, stmt: ParsedStatement, ctx: LintContext) -> Iterator[Diagnostic]:
        alter = existing_alter(stmt, ctx)
        for action in alter[1] if alter else ():
            if isinstance(action, exp.ColumnDef) and (reason := rewrite_reason(action, ctx)):
                message = (
                    f"Avoid {reason} when adding a column: the table is rewritten under "
                    "ACCESS EXCLUSIVE (no reads or writes) for the whole rewrite"
                )
                yield self.at(stmt, action, message=message)

RULES: tuple[type[Rule], ...] = (
    ChangeColumnType,
    VolatileDefaultRewrite,
)
