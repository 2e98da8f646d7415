"""Migration safety for the file as a unit: transaction blocks that nest or never end, and
statements that destroy a whole database.

Transaction blocks are read by :mod:`tools.lint.rules.migration_session` (PostgreSQL's own
grammar, every spelling: ``BEGIN``, ``START TRANSACTION``, ``COMMIT``, ``END``, ``ROLLBACK``,
``ABORT``), with ``--assume-in-transaction`` meaning the runner wraps the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity
from dbarch.tools.lint.rules.migration_session import leading, pg_statements
from dbarch.tools.lint.rules.migration_state import script_state
from dbarch.tools.sql.parse import ParsedStatement


def _by_index(ctx: LintContext) -> dict[int, ParsedStatement]:
    return {st.statement.index: st for st in ctx.script.statements}


class TransactionNesting(Rule):
    """## What it does
    Flags `BEGIN` inside an open transaction block, `COMMIT`/`ROLLBACK` with no block open,
    and, with `--assume-in-transaction` (the migration runner wraps the file in its own
    transaction), any `BEGIN`, `COMMIT` or `ROLLBACK` in the file.

    ## Why is this bad
    PostgreSQL has one transaction per session and no nesting: a second `BEGIN` is ignored
    with a warning, and the first `COMMIT` ends the outer block, so the statements after it
    run outside any transaction and a failure leaves the migration half applied. A `COMMIT`
    with no block open does nothing, which usually means the statements before it were meant
    to be one unit and were not.

    ## Example
    ```sql
    BEGIN;
    CREATE TABLE labels (id bigint PRIMARY KEY);
    BEGIN;
    CREATE TABLE tags (id bigint PRIMARY KEY);
    COMMIT;
    ```

    ## Use instead
    ```sql
    BEGIN;
    CREATE TABLE labels (id bigint PRIMARY KEY);
    CREATE TABLE tags (id bigint PRIMARY KEY);
    COMMIT;
    ```
    """

    id = "transaction-nesting"
    severity = Severity.WARNING
    message = "Open one transaction block at a time: PostgreSQL does not nest them"
    hint = "remove the extra BEGIN/COMMIT; with a runner that wraps each file in a transaction, put each block in its own file"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        by_index = _by_index(ctx)
        for index, why in script_state(ctx).session.nesting:
            st = by_index.get(index)
            if st is not None:
                yield self.at(st, message=f"Open one transaction block at a time: {why}")


class UncommittedTransaction(Rule):
    """## What it does
    Flags a `BEGIN` (or `START TRANSACTION`) with no `COMMIT` or `ROLLBACK` after it before
    the end of the file.

    ## Why is this bad
    The migration seems to run, but when the session ends the open transaction is rolled
    back: none of its changes are kept, and the migration tool may record it as applied.

    ## Example
    ```sql
    BEGIN;
    CREATE TABLE labels (id bigint PRIMARY KEY);
    ```

    ## Use instead
    ```sql
    BEGIN;
    CREATE TABLE labels (id bigint PRIMARY KEY);
    COMMIT;
    ```
    """

    id = "uncommitted-transaction"
    severity = Severity.ERROR
    message = "End the transaction block with COMMIT: it is still open at the end of the file, and its changes are rolled back when the session ends"
    hint = "add COMMIT; after the last statement of the block"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        at = script_state(ctx).session.unclosed_begin
        st = _by_index(ctx).get(at) if at is not None else None
        if st is not None:
            yield self.at(st)


class DropDatabase(Rule):
    """## What it does
    Flags `DROP DATABASE` in any form (`IF EXISTS`, `WITH (FORCE)`).

    ## Why is this bad
    It deletes every table, and every client connected to that database fails; with
    `FORCE` their sessions are killed first. It has no place in a migration or a schema file.

    ## Example
    ```sql
    DROP DATABASE IF EXISTS analytics;
    ```

    ## Use instead
    ```sql
    DROP TABLE IF EXISTS analytics_staging;
    ```
    """

    id = "drop-database"
    severity = Severity.ERROR
    message = "Do not drop a database from a migration: every table is lost and every connected client fails"
    hint = "drop the database by hand, after a backup, once nothing connects to it"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        if ctx.script.dialect != "postgres":
            return
        for st, node in pg_statements(ctx.script.statements, frozenset({"drop"}), leading("drop database")):
            if type(node).__name__ == "DropdbStmt":
                yield self.at(st)


RULES: tuple[type[Rule], ...] = (TransactionNesting, UncommittedTransaction, DropDatabase)
