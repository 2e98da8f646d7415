"""A Mermaid ``erDiagram`` drawn from the schema model.

Each table is an entity listing its columns with their types and ``PK``/``FK``/``UK`` markers.
Each foreign key is a relationship from the referenced (parent) table to the referencing (child)
one, with the cardinality the constraints guarantee:

- parent side: exactly one (``||``) when every FK column is ``NOT NULL``, else zero or one (``|o``);
- child side: zero or one (``o|``) when the FK columns are unique in the child, else zero or more
  (``o{``);
- a solid line when the FK columns are part of the child's primary key (identifying), dotted
  otherwise.

>>> from tools.schema import Column, PrimaryKey, Schema, Table
>>> t = Table("users", columns=(Column("id", "bigint", nullable=False),), primary_key=PrimaryKey(("id",)))
>>> print(erd_from_schema(Schema({t.key: t})))
erDiagram
    users {
        bigint id PK
    }
"""

from __future__ import annotations

import re

from dbarch.tools.schema.idents import display_key
from dbarch.tools.schema.model import ForeignKey, Schema, Table

_SHORT_TYPES = {
    "character varying": "varchar",
    "character": "char",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "double precision": "float8",
    "bit varying": "varbit",
}
_NAME_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_TYPE_MODS = re.compile(r"\(([^)]*)\)")


def erd_from_schema(schema: Schema) -> str:
    """The Mermaid ``erDiagram`` text for ``schema`` (tables in name order)."""
    lines = ["erDiagram"]
    tables = sorted(schema, key=lambda t: t.key)
    for table in tables:
        lines += _entity(table)
    for table in tables:
        for fk in table.foreign_keys:
            parent = schema.tables.get(fk.ref_table)
            lines.append("    " + _relationship(table, fk, parent))
    return "\n".join(lines)


def erd_from_sql(sql: str, *, source_name: str = "<sql>", dialect: str = "postgres") -> str:
    """The diagram for a SQL script (in ``dialect``); a parse error is raised with its line
    and column."""
    from dbarch.tools.schema.from_sql import schema_from_script
    from dbarch.tools.sql.parse import parse_script

    script = parse_script(sql, dialect=dialect, source=source_name)
    if script.errors:
        raise script.errors[0]
    return erd_from_schema(schema_from_script(script))


def entity_name(key: str) -> str:
    """Mermaid-safe entity name for a qualified table key (``public.`` dropped)."""
    name = display_key(key)
    return _safe(name.replace(".", "__"))


def mermaid_type(sql_type: str) -> tuple[str, bool]:
    """A one-word type for Mermaid, and whether it lost detail (then the full type goes in a
    comment): ``character varying(255)`` -> ``varchar(255)``; ``numeric(10,2)`` -> ``numeric``."""
    text = sql_type.strip()
    lowered = text.lower()
    for long, short in _SHORT_TYPES.items():
        if lowered.startswith(long):
            text = short + text[len(long) :]
            break
    lossy = False
    mods = _TYPE_MODS.search(text)
    if mods and not re.fullmatch(r"[0-9]+", mods.group(1).strip()):
        text = text[: mods.start()] + text[mods.end() :]
        lossy = True
    text = text.replace(" ", "_")
    safe = re.sub(r"[^A-Za-z0-9_()\[\]\-]", "_", text) or "unknown"
    if not safe[0].isalpha():
        safe = "t_" + safe
        lossy = True
    return safe, lossy or safe != text


def _entity(table: Table) -> list[str]:
    pk = set(table.primary_key.columns) if table.primary_key else set()
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    unique_cols = {c for c in table.column_names if (c,) != tuple(pk) and table.is_unique_on((c,))}
    lines = [f"    {entity_name(table.key)} {{"]
    for column in table.columns:
        kind, lossy = mermaid_type(column.type)
        keys = [
            k
            for k, on in (
                ("PK", column.name in pk),
                ("FK", column.name in fk_cols),
                ("UK", column.name in unique_cols),
            )
            if on
        ]
        parts = [kind, _safe(column.name)]
        if keys:
            parts.append(", ".join(keys))
        notes = []
        if lossy:
            notes.append(column.type)
        if not column.nullable and column.name not in pk:
            notes.append("not null")
        if column.name != _safe(column.name):
            notes.append(f"column {column.name}")
        if notes:
            parts.append('"' + "; ".join(notes).replace('"', "'") + '"')
        lines.append("        " + " ".join(parts))
    lines.append("    }")
    return lines


def _relationship(child: Table, fk: ForeignKey, parent: Table | None) -> str:
    columns = fk.columns
    mandatory = all((col := child.column(c)) is not None and not col.nullable for c in columns)
    parent_side = "||" if mandatory else "|o"
    child_side = "o|" if child.is_unique_on(columns) else "o{"
    identifying = bool(child.primary_key) and set(columns) <= set(
        child.primary_key.columns if child.primary_key else ()
    )
    line = "--" if identifying else ".."
    parent_name = entity_name(parent.key if parent else fk.ref_table)
    label = ", ".join(columns).replace('"', "'")
    return f'{parent_name} {parent_side}{line}{child_side} {entity_name(child.key)} : "{label}"'


def _safe(name: str) -> str:
    if _NAME_OK.match(name):
        return name
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return safe if safe and (safe[0].isalpha() or safe[0] == "_") else "_" + safe
