"""Which lock a statement waits for on a table that already exists (the timeout rules name it).

Pure functions over one statement and the script's state; ``lock_taken`` returns ``None`` for
statements that take no lock worth a timeout (new tables, ``CONCURRENTLY`` index builds).
"""

from __future__ import annotations

from sqlglot import exp

from dbarch.tools.lint.base import LintContext, find_all, has_node, memoized
from dbarch.tools.lint.rules._util import table_key
from dbarch.tools.lint.rules.migration_state import alter_table, existing_index, is_existing_at
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
