"""Every lint rule, in the order they run and are listed: explicit tuples, no discovery."""

from __future__ import annotations

from sqlglot import exp

from tools.lint.base import Rule
from tools.lint.rules import indexes, integrity, migration, naming, normalization, queries, types

RULES: tuple[type[Rule], ...] = (
    *integrity.RULES,  # keys and references
    *types.RULES,  # column types
    *normalization.RULES,
    *indexes.RULES,
    *naming.RULES,  # naming and portability
    *queries.RULES,
    *migration.RULES,
)
"""Every rule, in order: each family module exports its own ordered ``RULES`` tuple. Ids must
be unique (checked below)."""

BY_ID: dict[str, type[Rule]] = {r.id: r for r in RULES}
assert len(BY_ID) == len(RULES), "duplicate rule id in the registry"

FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(r.family for r in RULES))


NODE_TYPES: dict[str, tuple[type[exp.Expression], ...]] = {
    # the hook is `for x in stmt.expression.find_all(T)`: nothing to find, nothing to say
    "select-star": (exp.Select,),
    "implicit-cross-join": (exp.Select,),
    "insert-without-columns": (exp.Insert,),
    "order-by-random": (exp.Ordered,),
    "large-offset": (exp.Offset,),
    "leading-wildcard-like": (exp.Like, exp.ILike),
    "not-in-subquery": (exp.In,),
    "function-on-indexed-column": (exp.Where, exp.Join),
    "require-on-delete": (exp.Reference,),
    # column definitions (`column_defs`) and defined names (`defined_identifiers`)
    "no-float-money": (exp.ColumnDef,),
    "prefer-uuid-type": (exp.ColumnDef,),
    "prefer-timestamptz": (exp.ColumnDef,),
    "prefer-text-over-char": (exp.ColumnDef,),
    "prefer-identity": (exp.ColumnDef,),
    "no-reserved-word-identifier": (exp.Create, exp.Alter),
    "identifier-too-long": (exp.Create, exp.Alter),
    "no-quoted-mixed-case": (exp.Create, exp.Alter),
    # migration rules: `existing_alter` (an ALTER TABLE), `index_target`, `dropped_indexes`
    "add-not-null-column-without-default": (exp.Alter,),
    "set-not-null": (exp.Alter,),
    "ban-drop-not-null": (exp.Alter,),
    "rename-column": (exp.Alter,),
    "drop-column": (exp.Alter,),
    "add-foreign-key-without-not-valid": (exp.Alter,),
    "add-check-without-not-valid": (exp.Alter,),
    "add-unique-constraint-in-place": (exp.Alter,),
    "add-primary-key-in-place": (exp.Alter,),
    "change-column-type": (exp.Alter,),
    "volatile-default-rewrite": (exp.Alter,),
    "rename-table": (exp.Alter,),
    "create-index-non-concurrently": (exp.Index,),
    "drop-index-non-concurrently": (exp.Drop,),
    "concurrently-in-transaction": (exp.Index, exp.Drop),
    "drop-table": (exp.Drop,),
    "truncate-cascade": (exp.TruncateTable,),
}
"""Which sqlglot node types a rule's ``check_statement`` needs somewhere in a statement's tree
to say anything: the engine skips the statements that contain none of them (a rule class may
declare its own ``node_types`` instead, which wins). Rules not listed see every statement.
``tests/lint/test_dispatch_perf.py`` checks that skipping never loses a finding."""
