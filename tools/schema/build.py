"""The mutable state behind :func:`tools.model_sql.schema_from_script` while it replays DDL.

A :class:`Builder` holds the tables, enums, views and extensions seen so far, the current
``search_path``, and the statement being read (for line numbers and tokens). It resolves names
the way PostgreSQL does and turns into a frozen :class:`~tools.schema.Schema` at the end.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any, cast

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token, Tokenizer

from dbarch.tools.schema.idents import create_key, default_schema, resolve_key, table_ref
from dbarch.tools.schema.model import DEFAULT_SCHEMA, Schema, Table
from dbarch.tools.schema.types import ALIASES, base_type, canonical_type
from dbarch.tools.sql.parse import ParsedStatement

BUILTIN_TYPES = frozenset(ALIASES.values())


@dataclass
class Builder:
    """Tables, enums, views and extensions replayed so far.

    ``tables`` and ``views`` are read freely but written only through :meth:`put_table`,
    :meth:`pop_table`, :meth:`update`, :meth:`add_view` and :meth:`drop_view`: those keep, per
    schema, the names already taken by relations and by constraints, so choosing the name of an
    unnamed key costs the same in a schema of 10 tables or of 10,000."""

    tables: Mapping[str, Table]
    enums: dict[str, tuple[str, ...]]
    views: Sequence[str]
    extensions: list[str]
    dialect: str = "postgres"
    search_path: list[str] = field(default_factory=lambda: [DEFAULT_SCHEMA])
    statement: ParsedStatement | None = None
    _tokens: _StatementTokens | None = None
    _tokenizer: Tokenizer | None = None
    _relations: dict[str, Counter[str]] = field(default_factory=dict)
    """Per schema: names of tables, views, indexes and the indexes of keys (with multiplicity)."""
    _constraints: dict[str, Counter[str]] = field(default_factory=dict)
    """Per schema: names of primary keys, foreign keys, unique constraints and checks."""

    @classmethod
    def start(cls, base: Schema | None, dialect: str) -> Builder:
        base = base or Schema()
        b = cls({}, dict(base.enums), [], list(base.extensions), dialect)
        for key, table in base.tables.items():
            b.put_table(key, table)
        for view in base.views:
            b.add_view(view)
        return b

    def build(self) -> Schema:
        return Schema(dict(self.tables), dict(self.enums), tuple(self.views), tuple(self.extensions))

    # names and search_path

    def set_search_path(self, schemas: list[str]) -> None:
        """``schemas`` as :func:`~dbarch.tools.schema.idents.search_path_setting` reads them."""
        self.search_path = list(schemas)

    @property
    def default_schema(self) -> str:
        return default_schema(self.search_path)

    def new_key(self, schema: str | None, name: str) -> str:
        """Key of an object being created: unqualified names go to the first schema of the path."""
        return create_key(schema, name, self.search_path)

    def find_key(self, schema: str | None, name: str, existing: Collection[str]) -> str:
        """Key of an existing object: unqualified names are looked up along the search path."""
        return resolve_key(schema, name, self.search_path, existing)

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

    def relation_names(self, schema: str) -> Collection[str]:
        """Names of tables, views, indexes and key constraints' indexes in ``schema``."""
        return self._relations.get(schema, _NO_NAMES).keys()

    def constraint_names(self, schema: str) -> Collection[str]:
        """Names of the primary keys, foreign keys, unique constraints and checks in ``schema``."""
        return self._constraints.get(schema, _NO_NAMES).keys()

    def _count(self, key: str, table: Table, step: int) -> None:
        """Add (``step`` 1) or remove (-1) the names ``table``, stored under ``key``, takes."""
        schema, name = key.split(".", 1)
        _bump(self._relations, schema, [name], step)
        own = [i.name for i in table.indexes if i.name] + [u.name for u in table.uniques if u.name]
        if table.primary_key and table.primary_key.name:
            own.append(table.primary_key.name)
        _bump(self._relations, table.schema, own, step)
        items: list[Any] = [*table.foreign_keys, *table.uniques, *table.checks]
        if table.primary_key:
            items.append(table.primary_key)
        _bump(self._constraints, table.schema, [i.name for i in items if i.name], step)

    # changes

    def put_table(self, key: str, table: Table) -> None:
        """Store ``table`` under ``key``, in place of (and in the order of) the table stored there."""
        old = self.tables.get(key)
        if old is not None:
            self._count(key, old, -1)
        self._count(key, table, 1)
        cast(dict[str, Table], self.tables)[key] = table

    def pop_table(self, key: str) -> Table | None:
        table = cast(dict[str, Table], self.tables).pop(key, None)
        if table is not None:
            self._count(key, table, -1)
        return table

    def update(self, key: str, **changes: Any) -> None:
        table = self.tables.get(key)
        if table is None:
            return
        if _NAMED_FIELDS.isdisjoint(changes):  # no name taken or freed: the counts stand
            cast(dict[str, Table], self.tables)[key] = replace(table, **changes)
        else:
            self.put_table(key, replace(table, **changes))

    def add_view(self, key: str) -> None:
        if key not in self.views:
            cast(list[str], self.views).append(key)
            schema, name = key.split(".", 1)
            _bump(self._relations, schema, [name], 1)

    def drop_view(self, key: str) -> None:
        while key in self.views:
            cast(list[str], self.views).remove(key)
            schema, name = key.split(".", 1)
            _bump(self._relations, schema, [name], -1)

    def drop_table(self, key: str) -> None:
        if self.pop_table(key) is None:
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
        for ident in chain((node,), node.find_all(exp.Identifier)) if node is not None else ():
            meta = ident._meta if isinstance(ident, exp.Identifier) else None  # no empty dict made
            start = meta.get("start") if meta else None
            if isinstance(start, int):
                return stmt.statement.position(start)
        return stmt.line, stmt.column

    def _statement_tokens(self) -> _StatementTokens:
        stmt = self.statement
        cached = self._tokens
        if cached is None or cached.statement is not stmt:
            cached = _StatementTokens(stmt, self._tokenize(stmt.text if stmt is not None else ""))
            self._tokens = cached
        return cached

    def _tokenize(self, text: str) -> list[Token]:
        if self._tokenizer is None:  # one tokenizer per build (they are not shared across threads)
            self._tokenizer = Dialect.get_or_raise(self.dialect).tokenizer()
        return list(self._tokenizer.tokenize(text))

    def tokens(self, text: str | None = None) -> list[Token]:
        """sqlglot tokens of ``text`` (the current statement's by default), cached per statement."""
        if text is None and self.statement is not None:
            return self._statement_tokens().tokens
        return self._tokenize(text or "")

    def first_token_after(self, offset: int) -> int:
        """Index in :meth:`tokens` of the current statement's first token starting after ``offset``."""
        return bisect_right(self._statement_tokens().starts, offset)


class _StatementTokens:
    """The tokens of one statement and their start offsets (sorted, for bisection)."""

    __slots__ = ("starts", "statement", "tokens")

    def __init__(self, statement: ParsedStatement | None, tokens: list[Token]) -> None:
        self.statement = statement
        self.tokens = tokens
        self.starts = [t.start for t in tokens]


_NO_NAMES: Counter[str] = Counter()
_NAMED_FIELDS = frozenset({"primary_key", "foreign_keys", "uniques", "checks", "indexes"})
"""The fields of a :class:`Table` whose items have names (``relation_names``, ``constraint_names``)."""


def _bump(counts: dict[str, Counter[str]], schema: str, names: list[str], step: int) -> None:
    if not names:
        return
    counter = counts.setdefault(schema, Counter())
    for name in names:
        left = counter[name] + step
        if left > 0:
            counter[name] = left
        else:
            counter.pop(name, None)
