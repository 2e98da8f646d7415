"""Small helpers the rule modules share: column definitions, type spans, words in names."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from sqlglot import exp, tokens
from sqlglot.dialects.dialect import Dialect

from dbarch.tools.lint.base import LintContext, memoized
from dbarch.tools.schema.idents import (
    DEFAULT_PATH,
    create_key,
    resolve_key,
    search_path_setting,
    table_ref,
)
from dbarch.tools.schema.model import Column, Table, qualify
from dbarch.tools.sql.parse import ParsedScript, ParsedStatement


@dataclass(frozen=True, slots=True)
class ColumnDefIn:
    """A column definition found in ``CREATE TABLE`` or ``ALTER TABLE ... ADD COLUMN``."""

    table: str
    """Qualified key of the table."""
    node: exp.ColumnDef

    @property
    def name(self) -> str:
        return self.node.name.lower()

    @property
    def kind(self) -> exp.DataType | None:
        kind = self.node.args.get("kind")
        return kind if isinstance(kind, exp.DataType) else None


def table_key(table: exp.Table) -> str:
    """The key of the table ``table`` names, as the model keys it: folded, qualified, and,
    for an unqualified name under a ``SET search_path``, resolved along that path (the lint
    run resolves those once, see :func:`resolve_search_path`)."""
    resolved = memoized(SEARCH_PATH_KEYS, dict[int, str])
    return resolved.get(id(table)) or create_key(*table_ref(table))


SEARCH_PATH_KEYS = ("search_path_keys",)
"""Memo key of the run's table references resolved along a ``search_path``."""


def resolve_search_path(script: ParsedScript, existing: Collection[str]) -> dict[int, str]:
    """Keys of the unqualified table references of statements that run under a
    ``search_path`` other than the default (by node id), resolved as PostgreSQL would:
    a created table goes to the path's first schema, a used one is looked up along it among
    ``existing`` tables and those the script created before."""
    path = list(DEFAULT_PATH)
    known = set(existing)
    resolved: dict[int, str] = {}
    if "search_path" not in script.text.lower():
        return resolved  # the usual script: every reference keeps its plain key
    for st in script.statements:
        tree = st.expression
        if tree is None:
            continue
        setting = search_path_setting(tree) if "search_path" in st.text.lower() else None
        if setting is not None:
            path = setting or list(DEFAULT_PATH)
            continue
        target = tree.this if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Table) else None
        for table in tree.find_all(exp.Table):
            schema, name = table_ref(table)
            if table is target:
                key = create_key(schema, name, path)
                known.add(key)
            elif schema is None and path != list(DEFAULT_PATH):
                key = resolve_key(None, name, path, known)
            else:
                continue
            resolved[id(table)] = key
    return resolved


def column_defs(stmt: ParsedStatement) -> tuple[ColumnDefIn, ...]:
    """Column definitions of a ``CREATE TABLE`` or ``ALTER TABLE ... ADD COLUMN`` statement
    (found once per lint run: every column-type rule asks)."""
    return memoized(("column_defs", id(stmt)), lambda: tuple(_column_defs(stmt)))


def _column_defs(stmt: ParsedStatement) -> Iterator[ColumnDefIn]:
    tree = stmt.expression
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
        table = tree.this.this
        if isinstance(table, exp.Table):
            key = table_key(table)
            for node in tree.this.expressions:
                if isinstance(node, exp.ColumnDef):
                    yield ColumnDefIn(key, node)
    elif isinstance(tree, exp.Alter) and isinstance(tree.this, exp.Table):
        key = table_key(tree.this)
        for action in tree.args.get("actions") or ():
            if isinstance(action, exp.ColumnDef):
                yield ColumnDefIn(key, action)


_STOP_WORDS = frozenset(
    ["NOT", "NULL", "DEFAULT", "PRIMARY", "REFERENCES", "UNIQUE", "CHECK", "CONSTRAINT", "GENERATED", "COLLATE", "COMPRESSION", "STORAGE"]
)


@lru_cache(maxsize=256)
def _tokens(text: str, dialect: str) -> tuple[tokens.Token, ...]:
    try:
        return tuple(Dialect.get_or_raise(dialect).tokenize(text))
    except Exception:  # a tokenizer failure means no fix, never a crash
        return ()


def type_span(stmt: ParsedStatement, col: exp.ColumnDef, dialect: str = "postgres") -> tuple[int, int] | None:
    """Offsets (inside the statement, end exclusive) of the type written after the column name."""
    ident = col.this
    meta = ident.meta if isinstance(ident, exp.Identifier) and ident._meta else None
    if not meta or not isinstance(meta.get("start"), int):
        return None
    toks = _tokens(stmt.text, dialect)
    idx = next((i for i, t in enumerate(toks) if t.start == meta["start"]), None)
    if idx is None:
        return None
    depth, first, last = 0, idx + 1, None
    for tok in toks[idx + 1 :]:
        tt = tok.token_type
        if tt == tokens.TokenType.L_PAREN:
            depth += 1
        elif tt == tokens.TokenType.R_PAREN:
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and (tt == tokens.TokenType.COMMA or tok.text.upper().split()[0] in _STOP_WORDS):
            break
        last = tok
    if last is None or first >= len(toks):
        return None
    return toks[first].start, last.end + 1


def type_text(stmt: ParsedStatement, col: exp.ColumnDef) -> str:
    """The column's type in PostgreSQL spelling, lower-cased (``double precision``, ``serial``).

    Read from sqlglot's tree (no tokenizing); :func:`type_span` finds the source text for fixes.
    """
    cached = col.meta.get("dbarch_type")  # five type rules ask for every column: generate once
    if isinstance(cached, str):
        return cached
    kind = col.args.get("kind")
    text = _type_sql(kind) if isinstance(kind, exp.DataType) else ""
    col.meta["dbarch_type"] = text
    return text


def datatype_text(kind: exp.DataType) -> str:
    """A type tree in PostgreSQL spelling, lower-cased (as :func:`type_text` gives a column's)."""
    return _type_sql(kind)


_TYPE_SQL: dict[Hashable, str] = {}
"""Lower-cased PostgreSQL text of the type trees seen so far, by :func:`_shape`: a schema
spells the same few types thousands of times, and generating SQL is the costly part."""


def _type_sql(kind: exp.DataType) -> str:
    try:
        key: Hashable = _shape(kind)
        hit = _TYPE_SQL.get(key)
    except TypeError:  # an unhashable argument: generate every time
        return kind.sql("postgres").lower()
    if hit is None:
        hit = kind.sql("postgres").lower()
        if len(_TYPE_SQL) < 4096:
            _TYPE_SQL[key] = hit
    return hit


def _shape(node: object) -> Hashable:
    """Everything SQL generation reads from a tree: node types, arguments, comments."""
    if isinstance(node, exp.Expression):  # leaves inline: the same keys in fewer calls
        args = tuple([
            (name, _shape(value) if isinstance(value, _NESTED) else (type(value), value))
            for name, value in node.args.items()
        ])
        return type(node), args, tuple(node.comments or ())
    if isinstance(node, list):
        return tuple([_shape(v) for v in node])
    return type(node), node  # type too: 1 and True and 1.0 are equal keys otherwise


_NESTED = (exp.Expression, list)


def words(name: str) -> list[str]:
    """The snake_case parts of a name (``unit_price`` -> ``['unit', 'price']``)."""
    return [w for w in name.lower().split("_") if w]


_UNCOUNTABLE = frozenset(
    ["data", "metadata", "info", "information", "media", "news", "series", "species", "status", "equipment", "inventory", "staff", "audit", "history", "feedback", "software", "hardware", "analytics", "settings"]
)
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "mice": "mouse"}


def is_uncountable(word: str) -> bool:
    return word in _UNCOUNTABLE


def is_plural(word: str) -> bool:
    """A plain English heuristic: ``orders``, ``categories``, ``people`` (not ``status``, ``address``)."""
    word = word.lower()
    if word in _IRREGULAR:
        return True
    if word in _UNCOUNTABLE or len(word) < 3:
        return False
    return word.endswith("s") and not word.endswith(("ss", "us", "is", "os"))


def singular(word: str) -> str:
    word = word.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if not is_plural(word):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    return word[:-1]


def find_table_for(tables: Mapping[str, Table], stem: str, schema: str) -> Table | None:
    """The table a ``<stem>_id`` column would reference: ``stem``, its plural, in ``schema``."""
    for name in (stem, stem + "s", stem + "es", stem[:-1] + "ies" if stem.endswith("y") else None):
        if name and qualify(name, schema) in tables:
            return tables[qualify(name, schema)]
    return None


def is_integer_type(col: Column) -> bool:
    return col.type.split("(")[0].strip() in {"integer", "int", "int4", "smallint", "int2", "serial", "smallserial"}


def is_numeric_type(col: Column) -> bool:
    base = col.type.split("(")[0].strip()
    return base in {
        "integer", "int", "int4", "smallint", "int2", "bigint", "int8", "numeric", "decimal",
        "real", "double precision", "float4", "float8", "money", "serial", "bigserial",
    }


def script_tables(ctx: LintContext) -> Iterator[tuple[Table, Table | None]]:
    """Tables this script creates or changes, with their state before it (``None`` when new).

    Whole-schema rules report only on these: a table that came from ``--schema`` unchanged is
    not this file's business.
    """
    for key, table in ctx.schema.tables.items():
        before = ctx.existing.tables.get(key)
        if key in ctx.created_here or before is None:
            yield table, None
        elif before != table:
            yield table, before


def new_tables(ctx: LintContext) -> Iterator[Table]:
    """Tables this script creates. Table-design rules (keys, natural keys, normalization) read
    only these: a migration that adds a column to a table that already exists is reviewed for
    that change (its type, its reference), not for the design of the whole table."""
    for table, before in script_tables(ctx):
        if before is None:
            yield table


def column_at(table: Table, name: str) -> tuple[int, int]:
    col = table.column(name)
    if col is not None and col.line:
        return col.line, col.column or 1
    return table.line or 1, 1
