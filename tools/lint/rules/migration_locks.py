"""Which lock a statement waits for on a table that already exists (the timeout rules name it).

Pure functions over one statement and the script's state; ``lock_taken`` returns ``None`` for
statements that take no lock worth a timeout (new tables, ``CONCURRENTLY`` index builds).
"""

from __future__ import annotations

import re

from sqlglot import exp

from dbarch.tools.lint.base import LintContext, find_all, has_node, memoized
from dbarch.tools.lint.rules._util import table_key
from dbarch.tools.lint.rules.migration_session import first_word, leading, pg_tree
from dbarch.tools.lint.rules.migration_state import (
    alter_table,
    existing_index,
    is_existing_at,
    qualify,
)
from dbarch.tools.sql.parse import ParsedStatement


def index_target(tree: exp.Expression | None) -> tuple[exp.Create, str] | None:
    """``(CREATE INDEX node, table key)`` of a ``CREATE INDEX`` statement."""
    if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Index):
        return None
    table = tree.this.args.get("table")
    return (tree, table_key(table)) if isinstance(table, exp.Table) else None


def dropped_indexes(tree: exp.Expression | None) -> list[exp.Table]:
    if not isinstance(tree, exp.Drop) or str(tree.args.get("kind") or "").upper() != "INDEX":
        return []
    return [t for t in tree.args.get("tables") or () if isinstance(t, exp.Table)]


def lock_taken(ctx: LintContext, stmt: ParsedStatement) -> tuple[str, str] | None:
    """``(lock mode, table key)`` a statement must wait for on an existing table, if any
    (decided once per lint run: both timeout rules and the index rules ask)."""
    return memoized(("lock_taken", id(ctx), id(stmt)), lambda: _lock_taken(ctx, stmt))


def _lock_taken(ctx: LintContext, stmt: ParsedStatement) -> tuple[str, str] | None:
    tree = stmt.expression
    if tree is None or not stmt.analysed:
        return opaque_lock(ctx, stmt)
    if (alter := alter_table(tree)) is not None:
        key, actions = alter
        if not is_existing_at(ctx, stmt, key):
            return referenced_lock(ctx, stmt)
        fk_only = actions and all(_adds_foreign_key(a) for a in actions)
        return ("SHARE ROW EXCLUSIVE" if fk_only else "ACCESS EXCLUSIVE"), key
    if isinstance(tree, exp.Create) and str(tree.args.get("kind") or "").upper() == "TABLE":
        return referenced_lock(ctx, stmt)
    if (target := index_target(tree)) is not None:
        node, key = target
        if not node.args.get("concurrently") and is_existing_at(ctx, stmt, key):
            return "SHARE", key
        return None
    if isinstance(tree, exp.Drop) and str(tree.args.get("kind") or "").upper() == "TABLE":
        for table in tree.args.get("tables") or ():
            if isinstance(table, exp.Table) and is_existing_at(ctx, stmt, table_key(table)):
                return "ACCESS EXCLUSIVE", table_key(table)
    if isinstance(tree, exp.TruncateTable):
        for table in tree.expressions:
            if isinstance(table, exp.Table) and is_existing_at(ctx, stmt, table_key(table)):
                return "ACCESS EXCLUSIVE", table_key(table)
    if tree is not None and not tree.args.get("concurrently"):
        for name in dropped_indexes(tree):
            index = existing_index(ctx, name)
            if index is not None and is_existing_at(ctx, stmt, index.table):
                return "ACCESS EXCLUSIVE", index.table
    return None


def referenced_lock(ctx: LintContext, stmt: ParsedStatement) -> tuple[str, str] | None:
    """A foreign key from a new table still locks the existing table it references."""
    assert stmt.expression is not None
    if not has_node(stmt, exp.Reference):  # the node types are known already: no walk
        return None
    for ref in find_all(stmt, exp.Reference):
        table = ref.find(exp.Table)
        if table is not None and is_existing_at(ctx, stmt, table_key(table)):
            return "SHARE ROW EXCLUSIVE", table_key(table)
    return None


def _adds_foreign_key(action: exp.Expression) -> bool:
    return isinstance(action, exp.AddConstraint) and any(
        isinstance(node, exp.ForeignKey) for node in action.find_all(exp.ForeignKey)
    )


_WEAK_ALTERS = frozenset({
    "AT_AttachPartition", "AT_DetachPartitionFinalize", "AT_ValidateConstraint", "AT_SetStatistics",
    "AT_ClusterOn", "AT_DropCluster",
})
"""``ALTER TABLE`` actions that take SHARE UPDATE EXCLUSIVE: reads and writes go on while they wait."""
_ROW_EXCLUSIVE_ALTERS = frozenset({
    "AT_EnableTrig", "AT_DisableTrig", "AT_EnableAlwaysTrig", "AT_EnableReplicaTrig", "AT_EnableTrigAll",
    "AT_DisableTrigAll", "AT_EnableTrigUser", "AT_DisableTrigUser",
})
"""Trigger switches: SHARE ROW EXCLUSIVE (writes blocked)."""


def opaque_lock(ctx: LintContext, stmt: ParsedStatement) -> tuple[str, str] | None:
    """The lock a statement sqlglot cannot read waits for on an existing object: a plain
    ``REINDEX``, or an ``ALTER TABLE`` (``ADD CONSTRAINT ... USING INDEX``, ``DETACH PARTITION``...)
    read with PostgreSQL's grammar. ``None`` for everything else (and for the weak locks
    of ``ATTACH PARTITION`` or ``VALIDATE CONSTRAINT``, which block no reads or writes)."""
    if not stmt.is_sql or stmt.error is not None or ctx.script.dialect != "postgres":
        return None
    word = first_word(stmt.text)
    if word == "reindex":
        from dbarch.tools.lint.rules.migration_maintenance import non_concurrent_reindexes

        for st, target in non_concurrent_reindexes(ctx):
            if st is stmt:
                return "SHARE (writes) and ACCESS EXCLUSIVE (the index)", target
        return None
    if word == "lock":
        return _explicit_lock(ctx, stmt)
    if word != "alter" or not _ALTER_TABLE.match(stmt.text) or _OWNER_ONLY.match(stmt.text) or _ATTACH.match(stmt.text):
        return None
    node = pg_tree(stmt.text)
    if type(node).__name__ != "AlterTableStmt" or node.relation is None:
        return None
    key = qualify(node.relation.relname, node.relation.schemaname or None)
    if not is_existing_at(ctx, stmt, key):
        return None
    kinds = [getattr(cmd.subtype, "name", "") for cmd in node.cmds or ()]
    concurrent = [cmd for cmd in node.cmds or () if getattr(cmd.subtype, "name", "") == "AT_DetachPartition"
                  and cmd.def_ is not None and cmd.def_.concurrent]
    if all(k in _WEAK_ALTERS for k in kinds) or (concurrent and len(concurrent) == len(kinds)):
        return None
    if all(k in _ROW_EXCLUSIVE_ALTERS for k in kinds):
        return "SHARE ROW EXCLUSIVE", key
    return "ACCESS EXCLUSIVE", key


_ALTER_TABLE = leading("alter table")
_OWNER_ONLY = re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*alter\s+table\s+(?:only\s+)?[^;]*?\bowner\s+to\s+[^,;]*;?\s*$", re.I | re.S)
"""``ALTER TABLE t OWNER TO role`` alone (pg_dump writes one per table): not worth a parse."""
_ATTACH = re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*alter\s+table\b[^;]*?\battach\s+partition\b", re.I | re.S)
"""``ATTACH PARTITION`` (a command of its own): SHARE UPDATE EXCLUSIVE on the parent, no parse needed."""


_LOCK_MODES = {5: "SHARE", 6: "SHARE ROW EXCLUSIVE", 7: "EXCLUSIVE", 8: "ACCESS EXCLUSIVE"}
"""``LOCK TABLE`` modes (PostgreSQL's lock numbers) that block writes or reads while they wait;
the weaker ones (ACCESS SHARE up to SHARE UPDATE EXCLUSIVE) conflict with no reads or writes."""


def _explicit_lock(ctx: LintContext, stmt: ParsedStatement) -> tuple[str, str] | None:
    node = pg_tree(stmt.text)
    if type(node).__name__ != "LockStmt":
        return None
    mode = _LOCK_MODES.get(int(node.mode))
    if mode is None:
        return None
    for rel in node.relations or ():
        key = qualify(rel.relname, rel.schemaname or None)
        if is_existing_at(ctx, stmt, key):
            return mode, key
    return None
