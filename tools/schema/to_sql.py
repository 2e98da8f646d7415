"""The schema model written back as PostgreSQL DDL, readable and in dependency order.

The inverse of :mod:`tools.model_sql`: ``schema_from_sql(schema_to_sql(s))`` gives ``s`` again
(the round-trip test proves it on real schemas). Used to write the current schema into
``00_soul.md`` from a replayed migration history, and wherever a model must be shown as SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from dbarch.tools.schema.model import (
    DEFAULT_SCHEMA,
    Check,
    Column,
    ForeignKey,
    Index,
    Schema,
    Table,
)


def quote(name: str) -> str:
    """An identifier as PostgreSQL needs it written (quoted only when it must be)."""
    if name and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name) \
            and name == name.lower() and name.isascii() and name.upper() not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


_RESERVED = frozenset(
    ["ALL", "ANALYSE", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC", "ASYMMETRIC", "BOTH", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN", "CONSTRAINT", "CREATE", "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT", "DEFERRABLE", "DESC", "DISTINCT", "DO", "ELSE", "END", "EXCEPT", "FALSE", "FETCH", "FOR", "FOREIGN", "FROM", "GRANT", "GROUP", "HAVING", "IN", "INITIALLY", "INTERSECT", "INTO", "LATERAL", "LEADING", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "NOT", "NULL", "OFFSET", "ON", "ONLY", "OR", "ORDER", "PLACING", "PRIMARY", "REFERENCES", "RETURNING", "SELECT", "SESSION_USER", "SOME", "SYMMETRIC", "SYSTEM_USER", "TABLE", "THEN", "TO", "TRAILING", "TRUE", "UNION", "UNIQUE", "USER", "USING", "VARIADIC", "WHEN", "WHERE", "WINDOW", "WITH"]
)


def qualified(key: str) -> str:
    schema, _, name = key.partition(".")
    return quote(name) if schema == DEFAULT_SCHEMA else f"{quote(schema)}.{quote(name)}"


def _columns(names: Iterable[str]) -> str:
    return ", ".join(quote(n) for n in names)


def _column(col: Column) -> str:
    parts = [quote(col.name), col.type]
    if col.generated:
        parts.append(f"GENERATED ALWAYS AS ({col.generated}) STORED")
    if col.identity:
        parts.append(f"GENERATED {col.identity.upper()} AS IDENTITY")
    if not col.nullable:
        parts.append("NOT NULL")
    if col.default is not None and not col.identity and not col.generated:
        parts.append(f"DEFAULT {col.default}")
    return " ".join(parts)


def _named(name: str | None) -> str:
    return f"CONSTRAINT {quote(name)} " if name else ""


def _check(check: Check) -> str:
    return f"{_named(check.name)}CHECK ({check.expression})"


def _references(fk: ForeignKey) -> str:
    text = f"REFERENCES {qualified(fk.ref_table)}"
    if fk.ref_columns:
        text += f" ({_columns(fk.ref_columns)})"
    if fk.on_delete and fk.on_delete != "NO ACTION":
        text += f" ON DELETE {fk.on_delete}"
    if fk.on_update and fk.on_update != "NO ACTION":
        text += f" ON UPDATE {fk.on_update}"
    if fk.deferrable:
        text += " DEFERRABLE"
    return text


def _foreign_key(fk: ForeignKey) -> str:
    return f"{_named(fk.name)}FOREIGN KEY ({_columns(fk.columns)}) {_references(fk)}"


def _not_valid(table: Table) -> list[str]:
    """Constraints added NOT VALID (a new table's constraints are always validated, so these
    can only be written as ALTER TABLE)."""
    target = qualified(table.key)
    out = [f"ALTER TABLE {target} ADD {_check(c)} NOT VALID;" for c in table.checks if not c.validated]
    out += [f"ALTER TABLE {target} ADD {_foreign_key(fk)} NOT VALID;" for fk in table.foreign_keys
            if not fk.validated]
    return out


def _sequences(schema: Schema) -> list[str]:
    """Sequences the column defaults use (``nextval('name'::regclass)``), the model having none."""
    import sqlglot
    from sqlglot import exp

    names: list[str] = []
    for table in schema.tables.values():
        for col in table.columns:
            if not col.default or "nextval" not in col.default.lower():
                continue
            try:
                tree = sqlglot.parse_one(col.default, read="postgres")
            except Exception:
                continue
            for lit in tree.find_all(exp.Literal):
                if lit.is_string and lit.this not in names:
                    names.append(lit.this)
    return [f"CREATE SEQUENCE IF NOT EXISTS {name};" for name in names]


def _default_name(table: Table, columns: tuple[str, ...], suffix: str) -> str:
    return "_".join([table.name, *columns, suffix]) if suffix != "pkey" else f"{table.name}_pkey"


def _table(table: Table, inline_fks: bool) -> str:
    """CREATE TABLE with single-column keys written on their column, and constraint names left
    out where they are the names PostgreSQL would choose anyway."""
    pk = table.primary_key
    inline_pk = pk is not None and len(pk.columns) == 1 and pk.name in (None, _default_name(table, (), "pkey"))
    inline_unique = {
        u.columns[0] for u in table.uniques
        if len(u.columns) == 1 and not u.nulls_not_distinct and u.name in (None, _default_name(table, u.columns, "key"))
    }
    fks = [fk for fk in table.foreign_keys if fk.validated] if inline_fks else []
    inline_fk = {
        fk.columns[0]: fk for fk in fks
        if len(fk.columns) == 1 and fk.name in (None, _default_name(table, fk.columns, "fkey"))
    }
    lines = []
    for col in table.columns:
        line = _column(col)
        if inline_pk and pk is not None and col.name == pk.columns[0]:
            line = line.replace(" NOT NULL", "") + " PRIMARY KEY"
        if col.name in inline_unique:
            line += " UNIQUE"
        if col.name in inline_fk:
            line += " " + _references(inline_fk[col.name])
        lines.append(line)
    if pk is not None and not inline_pk:
        name = None if pk.name == _default_name(table, (), "pkey") else pk.name
        lines.append(f"{_named(name)}PRIMARY KEY ({_columns(pk.columns)})")
    for u in table.uniques:
        if u.columns[0] in inline_unique and len(u.columns) == 1 and not u.nulls_not_distinct:
            continue
        nulls = " NULLS NOT DISTINCT" if u.nulls_not_distinct else ""
        lines.append(f"{_named(u.name)}UNIQUE{nulls} ({_columns(u.columns)})")
    for c in table.checks:
        if c.validated:
            default = len(c.columns) == 1 and c.name == _default_name(table, c.columns, "check")
            lines.append(_check(replace(c, name=None) if default else c))
    lines.extend(_foreign_key(fk) for fk in fks if fk.columns[0] not in inline_fk or len(fk.columns) > 1)
    body = ",\n".join(f"    {line}" for line in lines)
    return f"CREATE TABLE {qualified(table.key)} (\n{body}\n);"


def _index(index: Index) -> str:
    keys = []
    for i, col in enumerate(index.columns):
        is_name = not any(ch in col for ch in "() +-*/|:,'.\"")
        key = quote(col) if is_name else f"({col})"
        if i < len(index.opclasses) and index.opclasses[i]:
            key += f" {index.opclasses[i]}"
        if i < len(index.descending) and index.descending[i]:
            key += " DESC"
        keys.append(key)
    unique = "UNIQUE " if index.unique else ""
    name = f"{quote(index.name)} " if index.name else ""
    using = f" USING {index.method}" if index.method != "btree" else ""
    text = f"CREATE {unique}INDEX {name}ON {qualified(index.table)}{using} ({', '.join(keys)})"
    if index.include:
        text += f" INCLUDE ({_columns(index.include)})"
    if index.where:
        text += f" WHERE {index.where}"
    return text + ";"


def _order(schema: Schema) -> tuple[list[Table], set[tuple[str, str]]]:
    """Tables parents first; foreign keys that close a cycle are returned to add afterwards."""
    tables = sorted(schema.tables.values(), key=lambda t: t.key)
    placed: set[str] = set()
    ordered: list[Table] = []
    deferred: set[tuple[str, str]] = set()
    visiting: set[str] = set()

    def visit(table: Table) -> None:
        if table.key in placed:
            return
        visiting.add(table.key)
        for fk in table.foreign_keys:
            parent = schema.tables.get(fk.ref_table)
            if parent is None or parent.key == table.key:
                continue
            if parent.key in visiting:
                deferred.add((table.key, fk.name or ",".join(fk.columns)))
                continue
            visit(parent)
        visiting.discard(table.key)
        placed.add(table.key)
        ordered.append(table)

    for table in tables:
        visit(table)
    return ordered, deferred


def schema_to_sql(schema: Schema) -> str:
    """PostgreSQL DDL for ``schema``: enums, tables (parents first), then indexes; foreign keys
    inline unless they close a cycle (those come after, as ALTER TABLE)."""
    out: list[str] = []
    for key in sorted({t.schema for t in schema.tables.values()} - {DEFAULT_SCHEMA}):
        out.append(f"CREATE SCHEMA IF NOT EXISTS {quote(key)};")
    for ext in schema.extensions:
        out.append(f"CREATE EXTENSION IF NOT EXISTS {quote(ext)};")
    for key, labels in sorted(schema.enums.items()):
        values = ", ".join("'" + v.replace("'", "''") + "'" for v in labels)
        out.append(f"CREATE TYPE {qualified(key)} AS ENUM ({values});")
    out.extend(_sequences(schema))
    ordered, deferred = _order(schema)
    late: list[str] = []
    for table in ordered:
        has_deferred = any(k == table.key for k, _ in deferred)
        if has_deferred:
            keep = [fk for fk in table.foreign_keys
                    if (table.key, fk.name or ",".join(fk.columns)) not in deferred]
            late.extend(
                f"ALTER TABLE {qualified(table.key)} ADD {_foreign_key(fk)}{'' if fk.validated else ' NOT VALID'};"
                for fk in table.foreign_keys if fk not in keep
            )
            out.append(_table(_with_fks(table, keep), inline_fks=True))
        else:
            out.append(_table(table, inline_fks=True))
    out.extend(late)
    for table in ordered:
        out.extend(_not_valid(_with_fks(table, [fk for fk in table.foreign_keys if fk.validated or
                                                 (table.key, fk.name or ",".join(fk.columns)) not in deferred])))
    for table in ordered:
        out.extend(_index(i) for i in table.indexes)
    out.extend(f"-- view {qualified(v) if '.' in v else v}: its definition is not part of the model"
               for v in schema.views)
    return "\n\n".join(out) + "\n"


def _with_fks(table: Table, fks: list[ForeignKey]) -> Table:
    return replace(table, foreign_keys=tuple(fks))
