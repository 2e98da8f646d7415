"""Every lint rule, in the order they run and are listed: one explicit tuple, no discovery."""

from __future__ import annotations

from tools.lint.base import Rule
from tools.lint.rules.indexes import (
    IndexColumnOrder,
    NoDuplicateIndex,
    NoRedundantIndex,
    TooManyIndexes,
)
from tools.lint.rules.integrity import (
    IndexForeignKey,
    PreferBigintPrimaryKey,
    RequireForeignKey,
    RequireNotNullForeignKey,
    RequireOnDelete,
    RequirePrimaryKey,
    RequireSignCheck,
    RequireUniqueNaturalKey,
)
from tools.lint.rules.naming import (
    ConsistentCaseStyle,
    ConsistentTablePlurality,
    IdentifierTooLong,
    NoQuotedMixedCase,
    NoReservedWordIdentifier,
)
from tools.lint.rules.normalization import (
    NoArrayOfIds,
    NoDuplicatedColumnSet,
    NoEntityAttributeValue,
    NoListInColumn,
    NoPolymorphicAssociation,
    NoRepeatingGroups,
    NoTransitiveDependency,
)
from tools.lint.rules.types import (
    NoFloatMoney,
    PreferIdentity,
    PreferTextOverChar,
    PreferTimestamptz,
    PreferUuidType,
)

_OURS: tuple[type[Rule], ...] = (
    # integrity: keys and references
    RequirePrimaryKey,
    RequireForeignKey,
    IndexForeignKey,
    RequireNotNullForeignKey,
    RequireOnDelete,
    PreferBigintPrimaryKey,
    RequireUniqueNaturalKey,
    RequireSignCheck,
    # integrity: column types
    NoFloatMoney,
    PreferUuidType,
    PreferTimestamptz,
    PreferTextOverChar,
    PreferIdentity,
    # normalization
    NoRepeatingGroups,
    NoListInColumn,
    NoArrayOfIds,
    NoEntityAttributeValue,
    NoPolymorphicAssociation,
    NoTransitiveDependency,
    NoDuplicatedColumnSet,
    # indexes
    NoDuplicateIndex,
    NoRedundantIndex,
    TooManyIndexes,
    IndexColumnOrder,
    # naming and portability
    NoReservedWordIdentifier,
    IdentifierTooLong,
    NoQuotedMixedCase,
    ConsistentCaseStyle,
    ConsistentTablePlurality,
)


def _theirs() -> tuple[type[Rule], ...]:
    """Query and migration-safety rules (tools/lint/rules/queries.py, migration.py), written in
    parallel: listed by name here once their modules exist (GUARD: remove when both land)."""
    found: list[type[Rule]] = []
    for module in ("tools.lint.rules.queries", "tools.lint.rules.migration"):
        try:
            mod = __import__(module, fromlist=["RULES"])
        except ImportError:
            continue
        found.extend(getattr(mod, "RULES", ()))  # their ordered tuple, if they export one
    return tuple(found)


RULES: tuple[type[Rule], ...] = _OURS + _theirs()
"""Every rule, in order. Ids must be unique (checked below)."""

BY_ID: dict[str, type[Rule]] = {r.id: r for r in RULES}
assert len(BY_ID) == len(RULES), "duplicate rule id in the registry"

FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(r.family for r in RULES))
