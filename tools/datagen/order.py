"""The order tables are filled in: parents before children, cycles broken where they can be.

A foreign key between two tables of a cycle is *deferred*: the child is inserted with NULL
there and an UPDATE pass fills it once the parent has rows. Nullable foreign keys are
deferred first; a cycle made only of NOT NULL foreign keys has one of them *relaxed* (as a
loader that drops constraints would: its NOT NULL is dropped for the load and set again, and
so checked by the server, after the UPDATE pass), preferring one outside any unique key.
Only a cycle whose every foreign key is part of its table's primary key leaves a table empty. Self-references are not ordering
edges: the generator handles them inside the table's own INSERT or with an UPDATE pass.

Example: ``a.b_id -> b`` (nullable) and ``b.a_id -> a`` (NOT NULL) gives the order
``[a, b]`` with ``a.b_id`` deferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dbarch.tools.datagen.introspect import ForeignKeyInfo, TableInfo

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class FillOrder:
    tables: tuple[Key, ...]
    """Tables in insertion order."""
    deferred: tuple[tuple[Key, str], ...]
    """``(table, foreign key name)`` filled by an UPDATE pass after every table has rows."""
    skipped: tuple[Key, ...]
    """Tables left empty because a NOT NULL cycle cannot be broken."""
    relaxed: tuple[tuple[Key, str], ...] = ()
    """Deferred NOT NULL foreign keys: NOT NULL is dropped for the load and set again after."""


def _nullable(table: TableInfo, fk: ForeignKeyInfo) -> bool:
    return all(not table.column(c).not_null for c in fk.columns)


def _relaxable(table: TableInfo, fk: ForeignKeyInfo) -> int | None:
    """How good a NOT NULL foreign key is to relax (lower is better; None: in the primary key)."""
    if set(fk.columns) & set(table.primary_key):
        return None
    in_unique = any(set(fk.columns) & set(key) for key in table.unique_keys)
    return 1 if in_unique else 0


def fill_order(tables: Sequence[TableInfo]) -> FillOrder:
    """Topological order of ``tables`` by their foreign keys (see the module docstring)."""
    by_key = {t.key: t for t in tables}
    edges: dict[Key, dict[str, Key]] = {
        t.key: {
            fk.name: (fk.ref_schema, fk.ref_table)
            for fk in t.foreign_keys
            if (fk.ref_schema, fk.ref_table) != t.key and (fk.ref_schema, fk.ref_table) in by_key
        }
        for t in tables
    }
    order: list[Key] = []
    deferred: list[tuple[Key, str]] = []
    skipped: list[Key] = []
    relaxed: list[tuple[Key, str]] = []
    remaining = [t.key for t in tables]
    while remaining:
        ready = [k for k in remaining if all(p not in remaining for p in edges[k].values())]
        if ready:
            order.extend(ready)
            remaining = [k for k in remaining if k not in ready]
            continue
        # a cycle among the remaining tables: defer one nullable edge, else give up one table
        choice = next(
            (
                (k, name)
                for k in remaining
                for name, parent in edges[k].items()
                if parent in remaining
                and _nullable(by_key[k], next(f for f in by_key[k].foreign_keys if f.name == name))
            ),
            None,
        )
        if choice is None:
            ranked = sorted(
                (rank, i, (k, name))
                for i, k in enumerate(remaining)
                for name, parent in edges[k].items()
                if parent in remaining
                and (rank := _relaxable(by_key[k], next(f for f in by_key[k].foreign_keys if f.name == name)))
                is not None
            )
            if ranked:
                choice = ranked[0][2]
                relaxed.append(choice)
        if choice is not None:
            deferred.append(choice)
            del edges[choice[0]][choice[1]]
            continue
        victim = remaining[0]
        skipped.append(victim)
        remaining.remove(victim)
    return FillOrder(tuple(order), tuple(deferred), tuple(skipped), tuple(relaxed))
