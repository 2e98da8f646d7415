"""The partitions of partitioned tables, and the foreign keys declared on them, read from the script.

The schema model keeps a partition as storage of its parent, not as a table (``PARTITION OF``
and ``ATTACH PARTITION`` drop it from ``Schema.tables``), so what a script declares on the
partitions alone is not in the model. pg_dump writes exactly that for a partitioned table
whose foreign keys were added per partition::

    CREATE TABLE payment (...) PARTITION BY RANGE (paid_at);
    CREATE TABLE payment_2024 (...);
    ALTER TABLE ONLY payment ATTACH PARTITION payment_2024 FOR VALUES ...;
    ALTER TABLE ONLY payment_2024 ADD CONSTRAINT ... FOREIGN KEY (customer_id) REFERENCES customer (id);

Integrity rules ask :func:`partition_facts` before they report a parent: a reference every
partition declares is enforced on every row of the parent, and an index every partition has
serves every lookup on the parent (PostgreSQL scans each partition with its own index).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from dbarch.tools.lint.base import LintContext, memoized
from dbarch.tools.lint.rules._util import table_key
from dbarch.tools.lint.rules.migration_session import pg_statements
from dbarch.tools.lint.rules.migration_state import (
    alter_table,
    identifier_name,
    qualify,
)


@dataclass(frozen=True, slots=True)
class PartitionFacts:
    partitions: Mapping[str, tuple[str, ...]]
    """Partitioned parent key -> the keys of its partitions, in script order."""
    foreign_keys: Mapping[str, frozenset[tuple[tuple[str, ...], str | None]]]
    """Key of a table outside the model (a partition) -> ``(columns, referenced table key)`` of
    each of its foreign keys."""
    indexes: Mapping[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    """Key of a table outside the model (a partition) -> the key columns of its plain b-tree
    indexes (not partial, no expressions)."""

    @property
    def all_partitions(self) -> frozenset[str]:
        return frozenset(p for parts in self.partitions.values() for p in parts)

    def indexed_everywhere(self, parent: str, columns: tuple[str, ...]) -> bool:
        """Every partition of ``parent`` (at least one) has an index leading with ``columns``."""
        parts = self.partitions.get(parent, ())
        n, wanted = len(columns), frozenset(columns)
        return bool(parts) and all(
            any(len(k) >= n and frozenset(k[:n]) == wanted for k in self.indexes.get(p, ())) for p in parts
        )

    def declaring(self, parent: str, column: str) -> tuple[int, int]:
        """``(partitions declaring a foreign key on column, partitions)`` of ``parent``."""
        parts = self.partitions.get(parent, ())
        declaring = sum(1 for p in parts if any(column in cols for cols, _ in self.foreign_keys.get(p, ())))
        return declaring, len(parts)

    def referenced(self, parent: str, column: str) -> str | None:
        """The table that a partition of ``parent`` references through ``column``, if any does."""
        for p in self.partitions.get(parent, ()):
            for cols, target in self.foreign_keys.get(p, ()):
                if cols == (column,) and target is not None:
                    return target
        return None

    def covers(self, parent: str, column: str) -> bool:
        """Every partition of ``parent`` (at least one) declares a foreign key on ``column``."""
        declaring, total = self.declaring(parent, column)
        return total > 0 and declaring == total


def partition_facts(ctx: LintContext) -> PartitionFacts:
    """The script's partitions and their foreign keys (read once per lint run)."""
    return memoized(("partition_facts",), lambda: _read(ctx))


def _read(ctx: LintContext) -> PartitionFacts:
    if not any(t.partitioned for t in ctx.schema.tables.values()):
        return PartitionFacts({}, {})  # no partitioned table: nothing to read (the usual script)
    partitions: dict[str, list[str]] = {}
    fks: dict[str, set[tuple[tuple[str, ...], str | None]]] = {}
    indexes: dict[str, set[tuple[str, ...]]] = {}
    modelled = ctx.schema.tables
    for st in ctx.statements():
        tree = st.expression
        if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Index):
            table, columns = _plain_index(tree.this)
            if table is not None and table not in modelled and columns:
                indexes.setdefault(table, set()).add(columns)
        elif isinstance(tree, exp.Create) and str(tree.args.get("kind") or "").upper() == "TABLE":
            target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
            if not isinstance(target, exp.Table) or (key := table_key(target)) in modelled:
                continue
            of = tree.find(exp.PartitionedOfProperty)
            parent = of.this.this if of is not None and isinstance(of.this, exp.Schema) else of.this if of else None
            if isinstance(parent, exp.Table):
                partitions.setdefault(table_key(parent), []).append(key)
            found = fks.setdefault(key, set())
            for scope in (tree.this, of.this if of is not None else None):
                if isinstance(scope, exp.Schema):
                    found.update(_fk_columns(scope.expressions))
        elif (alter := alter_table(tree)) is not None and alter[0] not in modelled:
            fks.setdefault(alter[0], set()).update(_fk_columns(alter[1]))
    for _, node in pg_statements(ctx.script.statements, _ALTER, _ATTACH):
        if type(node).__name__ != "AlterTableStmt" or node.relation is None:
            continue
        parent = qualify(node.relation.relname, node.relation.schemaname or None)
        for cmd in node.cmds or ():
            if getattr(cmd.subtype, "name", "") == "AT_AttachPartition" and cmd.def_ is not None:
                child = cmd.def_.name
                partitions.setdefault(parent, []).append(qualify(child.relname, child.schemaname or None))
    return PartitionFacts(
        {k: tuple(dict.fromkeys(v)) for k, v in partitions.items()},
        {k: frozenset(v) for k, v in fks.items() if v},
        {k: frozenset(v) for k, v in indexes.items()},
    )


_ALTER = frozenset({"alter"})
_ATTACH = re.compile(r"(?:\s|--[^\n]*\n|/\*.*?\*/)*alter\s+table\b[^;]*?\battach\s+partition\b", re.I | re.S)
"""Only ``ALTER TABLE ... ATTACH PARTITION`` is parsed again (pg_dump writes many other ALTER TABLEs)."""


def _plain_index(index: exp.Index) -> tuple[str | None, tuple[str, ...]]:
    """``(table key, key columns)`` of a plain b-tree index (``()`` for a partial one, or one
    on expressions or with another method)."""
    table, params = index.args.get("table"), index.args.get("params")
    if not isinstance(table, exp.Table) or not isinstance(params, exp.IndexParameters):
        return None, ()
    using = params.args.get("using")
    if params.args.get("where") is not None or (using is not None and using.name.lower() != "btree"):
        return table_key(table), ()
    columns = []
    for key in params.args.get("columns") or ():
        node = key.this if isinstance(key, exp.Ordered) else key
        if not isinstance(node, exp.Column):
            break
        columns.append(identifier_name(node))
    return table_key(table), tuple(columns)


def _fk_columns(items: Iterable[exp.Expression]) -> Iterable[tuple[tuple[str, ...], str | None]]:
    """``(columns, referenced table key)`` of the foreign keys among table elements or ``ALTER
    TABLE`` actions."""
    for item in items:
        bodies = item.expressions if isinstance(item, exp.Constraint | exp.AddConstraint) else [item]
        for body in bodies:
            for inner in body.expressions if isinstance(body, exp.Constraint) else [body]:
                if isinstance(inner, exp.ForeignKey):
                    yield tuple(identifier_name(c) for c in inner.expressions), _target(inner.args.get("reference"))
        if isinstance(item, exp.ColumnDef):
            for c in item.constraints:
                if isinstance(c, exp.ColumnConstraint) and isinstance(c.kind, exp.Reference):
                    yield (identifier_name(item.this),), _target(c.kind)


def _target(reference: exp.Expression | None) -> str | None:
    node = reference.this if isinstance(reference, exp.Reference) else None
    table = node.this if isinstance(node, exp.Schema) else node
    return table_key(table) if isinstance(table, exp.Table) else None
