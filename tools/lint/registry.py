"""Every lint rule, in the order they run and are listed: explicit tuples, no discovery."""

from __future__ import annotations

from sqlglot import exp

from dbarch.tools.lint.base import Rule
from dbarch.tools.lint.rules import (
    indexes,
    integrity,
    migration,
    naming,
    normalization,
    queries,
    types,
)

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
    r.id: r.node_types for r in RULES if r.node_types is not None
}
"""Which sqlglot node types each rule's ``check_statement`` needs somewhere in a statement's
tree to say anything, read from the rule classes' own ``node_types`` (so it cannot go stale):
the engine skips the statements that contain none of them. Rules without ``node_types`` see
every statement. ``tests/lint/test_dispatch_perf.py`` checks that skipping never loses a
finding."""
