"""The mutable state behind :func:`tools.model_sql.schema_from_script` while it replays DDL.

A :class:`Builder` holds the tables, enums, views and extensions seen so far, the current
``search_path``, and the statement being read (for line numbers and tokens). It resolves names
the way PostgreSQL does and turns into a frozen :class:`~tools.schema.Schema` at the end.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token

from tools.parse import ParsedStatement
from tools.schema import DEFAULT_SCHEMA, Schema, Table, qualify
from tools.types import ALIASES, base_type, canonical_type

BUILTIN_TYPES = frozenset(ALIASES.values())


def ident_name(node: exp.Expression | str | None) -> str:
    """A name folded like PostgreSQL folds it: unquoted lower-cased, quoted kept."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node.lower()
    if isinstance(node, exp.Identifier):
        return node.name if node.args.get("quoted") else node.name.lower()
    if isinstance(node, exp.Column | exp.Table) and isinstance(node.this, exp.Identifier):
        return ident_name(node.this)
    if isinstance(node, exp.Ordered):
        return ident_name(node.this)
    return node.name.lower()


def table_ref(table: exp.Table) -> tuple[str | None, str]:
    """``(schema, name)`` of a table reference, ``schema`` ``None`` when unqualified."""
    db = table.args.get("db")
    return (ident_name(db) if db is not None else None), ident_name(table.this)


@dataclass
class Builder:
    tables: dict[str, Table]
    enums: dict[str, tuple[str, ...]]
    views: list[str]
    extensions: list[str]
    dialect: str = "postgres"
    search_path: list[str] = field(default_factory=lambda: [DEFAULT_SCHEMA])
    statement: ParsedStatement | None = None
    _tokens: tuple[int, list[Token]] | None = None

    @classmethod
    def start(cls, base: Schema | None, dialect: str) -> Builder:
        base = base or Schema()
        return cls(dict(base.tables), dict(base.enums), list(base.views), list(base.extensions), dialect)

    def build(self) -> Schema:
        return Schema(dict(self.tables), dict(self.enums), tuple(self.views), tuple(self.extensions))

    # names and search_path

    def set_search_path(self, parts: list[str]) -> None:
        names = [p.strip().strip('"').strip("'") for p in parts]
        self.search_path = [n if n.startswith("$") else n.lower() for n in names if n] or []

    @property
    def default_schema(self) -> str:
        for name in self.search_path:
            if not name.startswith("$"):
                return name
        return DEFAULT_SCHEMA

    def new_key(self, schema: str | None, name: str) -> str:
        """Key of an object being created: unqualified names go to the first schema of the path."""
        return qualify(name, schema or self.default_schema)

    def find_key(self, schema: str | None, name: str, existing: Collection[str]) -> str:
        """Key of an existing object: unqualified names are looked up along the search path."""
        if schema is not None:
            return qualify(name, schema)
        for candidate in [*self.search_path, DEFAULT_SCHEMA]:
            if qualify(name, candidate) in existing:
                return qualify(name, candidate)
        return qualify(name, self.default_schema)

    def table_key(self, table: exp.Table) -> str:
        return self.find_key(*table_ref(table), self.tables)

    def column_type(self, written: str) -> tuple[str, str | None]:
        """Canonical type of a type as written, and the written form when it differs."""
        canonical = canonical_type(written)
        base = base_type(canonical)
        if base not in BUILTIN_TYPES and "." not in base:  # an enum created under search_path
            key = self.find_key(None, base.strip('"'), self.enums)
            schema = key.split(".", 1)[0]
            if key in self.enums and schema != DEFAULT_SCHEMA:
                canonical = f"{schema}.{canonical}"
        spelled = " ".join(written.split())
        return canonical, (None if spelled.lower() == canonical else spelled)

    def relation_names(self, schema: str) -> set[str]:
        """Names of tables, views, indexes and key constraints' indexes in ``schema``."""
        names = {k.split(".", 1)[1] for k in [*self.tables, *self.views] if k.startswith(f"{schema}.")}
        for table in self.tables.values():
            if table.schema == schema:
                names.update(i.name for i in table.indexes if i.name)
                names.update(u.name for u in table.uniques if u.name)
                if table.primary_key and table.primary_key.name:
                    names.add(table.primary_key.name)
        return names

    def constraint_names(self, schema: str) -> set[str]:
        names: set[str] = set()
        for table in self.tables.values():
            if table.schema == schema:
                items: list[Any] = [*table.foreign_keys, *table.uniques, *table.checks]
                if table.primary_key:
                    items.append(table.primary_key)
                names.update(i.name for i in items if i.name)
        return names

    # changes

    def update(self, key: str, **changes: Any) -> None:
        table = self.tables.get(key)
        if table is not None:
            self.tables[key] = replace(table, **changes)

    def drop_table(self, key: str) -> None:
        if self.tables.pop(key, None) is None:
            return
        for other_key, table in list(self.tables.items()):
            fks = tuple(fk for fk in table.foreign_keys if fk.ref_table != key)
            if fks != table.foreign_keys:
                self.update(other_key, foreign_keys=fks)

    def drop_index(self, schema: str | None, name: str) -> None:
        for candidate in [schema] if schema else [*self.search_path, DEFAULT_SCHEMA]:
            for key, table in self.tables.items():
                kept = tuple(i for i in table.indexes if not (i.name == name and table.schema == candidate))
                if kept != table.indexes:
                    self.update(key, indexes=kept)
                    return

    # positions and tokens

    def position(self, node: exp.Expr | None) -> tuple[int | None, int | None]:
        """File line and column of ``node`` (its first identifier with a position)."""
        stmt = self.statement
        if stmt is None:
            return None, None
        for ident in [node, *node.find_all(exp.Identifier)] if node is not None else []:
            start = ident.meta.get("start") if isinstance(ident, exp.Identifier) else None
            if isinstance(start, int):
                return stmt.statement.position(start)
        return stmt.line, stmt.column

    def tokens(self, text: str | None = None) -> list[Token]:
        """sqlglot tokens of ``text`` (the current statement's by default), cached per statement."""
        if text is None and self.statement is not None:
            text = self.statement.text
            if self._tokens is not None and self._tokens[0] == id(self.statement):
                return self._tokens[1]
            tokens = list(Dialect.get_or_raise(self.dialect).tokenize(text))
            self._tokens = (id(self.statement), tokens)
            return tokens
        return list(Dialect.get_or_raise(self.dialect).tokenize(text or ""))
