"""Migration safety for maintenance statements sqlglot cannot read: ``REINDEX`` and
``ALTER TABLE ... DETACH PARTITION``, both read with PostgreSQL's own grammar (pglast)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dbarch.tools.lint.base import Diagnostic, LintContext, Rule, Severity, memoized
from dbarch.tools.lint.rules.migration_session import pg_statements
from dbarch.tools.lint.rules.migration_state import existing_index_named, is_existing_at, qualify
from dbarch.tools.sql.parse import ParsedStatement

_REINDEX = frozenset({"reindex"})
_ALTER = frozenset({"alter"})
_DETACH = re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*alter\s+table\b[^;]*?\bdetach\s+partition\b", re.I | re.S)
"""``ALTER TABLE ... DETACH PARTITION`` (only these are parsed again: ALTER TABLE is common)."""

_ANY_REINDEX = re.compile(r"\breindex\b", re.I)
_ANY_DETACH = re.compile(r"\bdetach\b", re.I)
"""One pass over the whole text: most scripts have neither word, and parse nothing again."""

INDEX, TABLE, SCHEMA, SYSTEM, DATABASE = 0, 1, 2, 3, 4
"""pglast's ``ReindexObjectType`` values."""


def reindex_concurrently(node: Any) -> bool:
    """``REINDEX (CONCURRENTLY)`` / ``REINDEX TABLE CONCURRENTLY`` (not ``CONCURRENTLY false``)."""
    for param in node.params or ():
        if getattr(param, "defname", "") == "concurrently":
            value = getattr(param.arg, "sval", None) if param.arg is not None else None
            return value is None or str(value).lower() not in ("false", "off", "0")
    return False


def reindex_target(ctx: LintContext, stmt: ParsedStatement, node: Any) -> str | None:
    """What a non-concurrent ``REINDEX`` locks on an existing object, as people read it
    (``table orders``, ``index orders_email_idx``, ``schema billing``), or ``None`` (a table or
    index the script created, ``REINDEX SYSTEM``, which cannot run concurrently)."""
    kind = int(node.kind)
    if kind == TABLE and node.relation is not None:
        key = qualify(node.relation.relname, node.relation.schemaname or None)
        return f"table {node.relation.relname}" if is_existing_at(ctx, stmt, key) else None
    if kind == INDEX and node.relation is not None:
        name, schema = node.relation.relname, node.relation.schemaname or None
        if _index_created_before(ctx, stmt, name):
            return None
        index = existing_index_named(ctx, name, schema)
        if index is not None:
            return f"index {name} of {index.table.split('.', 1)[-1]}" if is_existing_at(ctx, stmt, index.table) else None
        return None if ctx.existing.tables or ctx.existing.indexes else f"index {name}"
    if kind in (SCHEMA, DATABASE):
        return f"{'schema' if kind == SCHEMA else 'database'} {node.name}"
    return None


def _index_created_before(ctx: LintContext, stmt: ParsedStatement, name: str) -> bool:
    from dbarch.tools.lint.rules.migration import indexes_created

    made = indexes_created(ctx).get(name)
    return made is not None and made < stmt.statement.index


def non_concurrent_reindexes(ctx: LintContext) -> list[tuple[ParsedStatement, str]]:
    """``(statement, what it locks)`` of every non-concurrent ``REINDEX`` of an existing object."""
    def compute() -> list[tuple[ParsedStatement, str]]:
        found: list[tuple[ParsedStatement, str]] = []
        if not _ANY_REINDEX.search(ctx.script.text):
            return found
        for stmt, node in pg_statements(ctx.script.statements, _REINDEX):
            if type(node).__name__ == "ReindexStmt" and not reindex_concurrently(node):
                target = reindex_target(ctx, stmt, node)
                if target is not None:
                    found.append((stmt, target))
        return found

    return memoized(("non_concurrent_reindexes", id(ctx.script)), compute)


class ReindexNonConcurrently(Rule):
    """## What it does
    Flags `REINDEX` of an existing table, index, schema or database without `CONCURRENTLY`
    (`REINDEX (CONCURRENTLY false)` included). `REINDEX SYSTEM`, which cannot run
    concurrently, and objects the script created are left alone.

    ## Why is this bad
    A plain `REINDEX` blocks writes to the table (SHARE lock) and takes an ACCESS EXCLUSIVE
    lock on each index while it rebuilds it; queries whose plans consider that index wait too,
    so in practice reads stop as well, for the whole rebuild. `REINDEX CONCURRENTLY` (PostgreSQL
    12+) builds the new index beside the old one and swaps them, blocking neither.

    ## Example
    ```sql
    -- existing: CREATE TABLE orders (id bigint PRIMARY KEY, email text); CREATE INDEX orders_email_idx ON orders (email);
    REINDEX INDEX orders_email_idx;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE orders (id bigint PRIMARY KEY, email text); CREATE INDEX orders_email_idx ON orders (email);
    REINDEX INDEX CONCURRENTLY orders_email_idx;
    ```
    """

    id = "reindex-non-concurrently"
    severity = Severity.WARNING
    message = "Rebuild indexes of existing tables with REINDEX CONCURRENTLY: a plain REINDEX blocks writes, and reads that use the index, for the whole rebuild"
    hint = "REINDEX ... CONCURRENTLY, outside a transaction block (PostgreSQL 12+)"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for stmt, target in non_concurrent_reindexes(ctx):
            yield self.at(stmt, message=(
                f"Rebuild with REINDEX CONCURRENTLY: this REINDEX of {target} blocks writes, and reads that use "
                "the index, for the whole rebuild"
            ))


def detach_partitions(ctx: LintContext) -> list[tuple[ParsedStatement, str, str]]:
    """``(statement, parent key, partition)`` of every ``DETACH PARTITION`` without
    ``CONCURRENTLY`` (or ``FINALIZE``) from an existing partitioned table."""
    def compute() -> list[tuple[ParsedStatement, str, str]]:
        found: list[tuple[ParsedStatement, str, str]] = []
        if not _ANY_DETACH.search(ctx.script.text):
            return found
        for stmt, node in pg_statements(ctx.script.statements, _ALTER, _DETACH):
            if type(node).__name__ != "AlterTableStmt":
                continue
            parent = qualify(node.relation.relname, node.relation.schemaname or None)
            for cmd in node.cmds or ():
                if getattr(cmd.subtype, "name", "") != "AT_DetachPartition" or cmd.def_ is None:
                    continue
                if not cmd.def_.concurrent and is_existing_at(ctx, stmt, parent):
                    found.append((stmt, parent, cmd.def_.name.relname))
        return found

    return memoized(("detach_partitions", id(ctx.script)), compute)


class DetachPartitionNonConcurrently(Rule):
    """## What it does
    Flags `ALTER TABLE ... DETACH PARTITION` from an existing partitioned table without
    `CONCURRENTLY` (`FINALIZE`, which completes an interrupted concurrent detach, is fine).

    ## Why is this bad
    A plain detach takes an ACCESS EXCLUSIVE lock on the partitioned table: no reads and no
    writes on any partition while it waits for running queries and while it runs. `DETACH
    PARTITION ... CONCURRENTLY` (PostgreSQL 14+) holds only SHARE UPDATE EXCLUSIVE on the
    parent, so reads and writes go on; it cannot run inside a transaction block, nor when the
    table has a default partition.

    ## Example
    ```sql
    -- existing: CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
    ALTER TABLE events DETACH PARTITION events_2024;
    ```

    ## Use instead
    ```sql
    -- existing: CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
    ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;
    ```
    """

    id = "detach-partition-non-concurrently"
    severity = Severity.WARNING
    message = "Detach partitions CONCURRENTLY: a plain DETACH PARTITION holds ACCESS EXCLUSIVE on the partitioned table (no reads or writes on any partition)"
    hint = "ALTER TABLE parent DETACH PARTITION p CONCURRENTLY, outside a transaction block (PostgreSQL 14+)"
    family = "migration"

    def check_schema(self, ctx: LintContext) -> Iterator[Diagnostic]:
        for stmt, _, _ in detach_partitions(ctx):
            yield self.at(stmt)


RULES: tuple[type[Rule], ...] = (ReindexNonConcurrently, DetachPartitionNonConcurrently)
