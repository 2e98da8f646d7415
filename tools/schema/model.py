"""The one typed schema model: tables, columns, keys, constraints, indexes.

Built from SQL text (:mod:`tools.model_sql`) and from a live database's catalog
(:mod:`tools.catalog`). Lint rules read it, the drift check and the eval scorers compare two of
them (:mod:`tools.diff`), the ER diagram is drawn from it. Every value is frozen; builders use
:func:`dataclasses.replace`.

Names are stored as PostgreSQL folds them (unquoted identifiers lower-cased). Tables are keyed
by their qualified name ``schema.table``; :func:`qualify` makes such a key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from dbarch.tools.schema.idents import DEFAULT_SCHEMA, display_key, qualify

__all__ = [
    "DEFAULT_SCHEMA",
    "Check",
    "Column",
    "ForeignKey",
    "Index",
    "PrimaryKey",
    "Schema",
    "Table",
    "Unique",
    "qualify",
]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    """Canonical PostgreSQL type as ``format_type`` prints it: ``character varying(255)``."""
    nullable: bool = True
    default: str | None = None
    """Default expression as SQL text, ``None`` when there is none."""
    identity: str | None = None
    """``always`` or ``by default`` for identity columns."""
    generated: str | None = None
    """Expression of a ``GENERATED ALWAYS AS (...) STORED`` column."""
    declared_type: str | None = None
    """The type as written in the source when it differs from ``type`` (``serial``, ``int4``)."""
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    """Qualified key of the referenced table (``public.users``)."""
    ref_columns: tuple[str, ...] = ()
    """Referenced columns; empty means the referenced table's primary key."""
    on_delete: str | None = None
    """``CASCADE``, ``SET NULL``, ``SET DEFAULT``, ``RESTRICT``, ``NO ACTION`` or ``None`` (unsaid)."""
    on_update: str | None = None
    name: str | None = None
    deferrable: bool = False
    validated: bool = True
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Unique:
    columns: tuple[str, ...]
    name: str | None = None
    nulls_not_distinct: bool = False


@dataclass(frozen=True, slots=True)
class Check:
    expression: str
    name: str | None = None
    columns: tuple[str, ...] = ()
    """Columns the expression reads."""
    validated: bool = True


@dataclass(frozen=True, slots=True)
class Index:
    name: str | None
    table: str
    """Qualified key of the indexed table."""
    columns: tuple[str, ...]
    """Key columns; expressions are kept as SQL text (``lower(email)``)."""
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    include: tuple[str, ...] = ()
    descending: tuple[bool, ...] = ()
    opclasses: tuple[str | None, ...] = ()
    """Operator class per key column when it is not the type's default (``gin_trgm_ops``);
    empty when every key uses its default."""
    line: int | None = None

    @property
    def is_partial(self) -> bool:
        return self.where is not None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    schema: str = DEFAULT_SCHEMA
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    indexes: tuple[Index, ...] = ()
    partitioned: bool = False
    line: int | None = None

    @property
    def key(self) -> str:
        return qualify(self.name, self.schema)

    @property
    def display_name(self) -> str:
        return display_key(self.key)

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def is_unique_on(self, columns: tuple[str, ...]) -> bool:
        """True when a primary key, unique constraint or unique full index covers exactly ``columns``
        (in any order), so a value set identifies at most one row."""
        wanted = frozenset(columns)
        keys = [self.primary_key.columns] if self.primary_key else []
        keys += [u.columns for u in self.uniques]
        keys += [i.columns for i in self.indexes if i.unique and not i.is_partial]
        return any(frozenset(k) <= wanted for k in keys if k)

    def has_index_leading_with(self, columns: tuple[str, ...]) -> bool:
        """True when an index, primary key or unique constraint starts with ``columns`` (any order
        within that prefix), so lookups on them need no sequential scan."""
        n = len(columns)
        wanted = frozenset(columns)
        keys = [self.primary_key.columns] if self.primary_key else []
        keys += [u.columns for u in self.uniques]
        keys += [i.columns for i in self.indexes if not i.is_partial and i.method == "btree"]
        return any(len(k) >= n and frozenset(k[:n]) == wanted for k in keys)


@dataclass(frozen=True, slots=True)
class Schema:
    tables: Mapping[str, Table] = field(default_factory=dict)
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Enum types by qualified name, with their labels in order."""
    views: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables.values())

    def __len__(self) -> int:
        return len(self.tables)

    def table(self, name: str, schema: str | None = None) -> Table | None:
        """Find a table by ``name``, ``schema.name`` or with an explicit schema."""
        if schema is None and "." in name:
            schema, name = name.split(".", 1)
        return self.tables.get(qualify(name, schema))

    @property
    def indexes(self) -> tuple[Index, ...]:
        return tuple(i for t in self.tables.values() for i in t.indexes)
