"""Migration safety: timeouts that bound how long a migration can block the application.

``lock_timeout`` bounds the wait for a lock (while a DDL statement waits, every later query on
the table queues behind it); ``statement_timeout`` bounds how long a statement runs, and so how
long it holds the lock once granted. Both fire once, on the first statement that takes a lock on
an existing table (see :func:`tools.lint.rules.migration_locks.lock_taken`) with no timeout set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules.migration_locks import lock_taken
from dbarch.tools.lint.rules.migration_session import first_word
from dbarch.tools.lint.rules.migration_state import display, script_state
from dbarch.tools.sql.parse import ParsedStatement


class MissingLockTimeout(Rule):
    """## What it does
    Flags the first statement that takes a lock on an existing table when no
    `SET lock_timeout` came before it in the script.

    ## Why is this bad
    A DDL statement waits for its lock (often ACCESS EXCLUSIVE) behind any long-running query
    or idle transaction, and while it waits every later query on the table queues behind it:
    a one-millisecond change becomes an outage as long as the slowest transaction.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    SET lock_timeout = '2s';
    ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;
    ```
    """

    id = "missing-lock-timeout"
    severity = Severity.WARNING
    message = "Set lock_timeout before taking locks on existing tables: a queued lock blocks every later query for as long as it waits"
    hint = "start the migration with SET lock_timeout = '2s' (and retry on timeout)"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        state = script_state(ctx)
        found = first_unguarded_lock(ctx, lambda stmt: bool(state.at(stmt).lock_timeout))
        if found is not None:
            stmt, lock, key = found
            yield self.at(stmt, message=(
                f"Set lock_timeout before taking locks on existing tables: this statement "
                f"waits for {lock} on {display(key)} and blocks every later query while it waits"
                + local_outside_note(ctx, "lock_timeout", stmt)
            ))


def first_unguarded_lock(
    ctx: LintContext, guarded: Callable[[ParsedStatement], bool]
) -> tuple[ParsedStatement, str, str] | None:
    """The first statement that takes a lock on an existing table while ``guarded`` (a timeout
    in force) is false for it: (statement, lock, table key). Both timeout rules fire there once."""
    for stmt in ctx.script.statements:  # analysed or not: an unreadable ALTER TABLE still locks
        if not stmt.is_sql or (not stmt.analysed and first_word(stmt.text) not in _OPAQUE_LOCKING) or guarded(stmt):
            continue
        taken = lock_taken(ctx, stmt)
        if taken is not None:
            return stmt, taken[0], taken[1]
    return None


_OPAQUE_LOCKING = frozenset({"alter", "reindex", "lock"})
"""First words of the statements sqlglot cannot read whose locks :func:`lock_taken` still reads."""


def local_outside_note(ctx: LintContext, name: str, stmt: ParsedStatement) -> str:
    """A plain sentence when an earlier ``SET LOCAL name`` ran outside any transaction block
    (PostgreSQL ignores it, with only a warning); else ``""``."""
    at = script_state(ctx).session.local_outside.get(name)
    if at is None or at >= stmt.statement.index:
        return ""
    line = next((s.line for s in ctx.script.statements if s.statement.index == at), None)
    return (
        f" (the SET LOCAL {name} at line {line} does nothing: it runs outside any transaction block;"
        " use SET, wrap the migration in BEGIN/COMMIT, or pass --assume-in-transaction if the runner does)"
    )


class RequireStatementTimeout(Rule):
    """## What it does
    Flags the first statement that takes a lock on an existing table when no
    `SET statement_timeout` came before it in the script. A separate rule from
    `missing-lock-timeout` (squawk also has two, `require-lock-timeout` and
    `require-statement-timeout`): the two settings bound different things and are set and
    reset at different points of a migration.

    ## Why is this bad
    `lock_timeout` only bounds the *wait* for a lock. Once granted, a statement that scans or
    rewrites the table (`SET NOT NULL`, `ADD CONSTRAINT` without `NOT VALID`, `ALTER COLUMN
    TYPE`, a plain `CREATE INDEX`) holds its ACCESS EXCLUSIVE or SHARE lock for as long as it
    runs: minutes on a large table, with every query on the table queued behind it. A
    `statement_timeout` turns that outage into a failed, retryable migration. Reset it to 0
    before a `CREATE INDEX CONCURRENTLY`, which holds no blocking lock and may take hours.

    ## Example
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    SET lock_timeout = '2s';
    ALTER TABLE users ADD CONSTRAINT users_email_present CHECK (email <> '');
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE users (id bigint PRIMARY KEY, email text);
    SET lock_timeout = '2s';
    SET statement_timeout = '30s';
    ALTER TABLE users ADD CONSTRAINT users_email_present CHECK (email <> '');
    ```
    """

    id = "require-statement-timeout"
    severity = Severity.WARNING
    message = "Set statement_timeout before taking locks on existing tables: a slow statement holds its lock, and blocks the table, for as long as it runs"
    hint = "SET statement_timeout = '30s' next to SET lock_timeout; SET statement_timeout = 0 just before CREATE INDEX CONCURRENTLY"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        state = script_state(ctx)
        found = first_unguarded_lock(ctx, lambda stmt: bool(state.at(stmt).statement_timeout))
        if found is not None:
            stmt, lock, key = found
            yield self.at(stmt, message=(
                f"Set statement_timeout before taking locks on existing tables: this statement "
                f"holds {lock} on {display(key)} for as long as it runs"
                + local_outside_note(ctx, "statement_timeout", stmt)
            ))


RULES: tuple[type[Rule], ...] = (MissingLockTimeout, RequireStatementTimeout)
