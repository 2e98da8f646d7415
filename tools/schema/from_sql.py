"""The schema model built from SQL text: replay a script's DDL on an in-memory model.

Statements are read in order from sqlglot's trees: ``CREATE TABLE`` (columns, inline and
table-level keys and checks), ``ALTER TABLE`` actions, ``CREATE INDEX``, ``DROP``, enums, views,
extensions and ``SET search_path``, and the elements of ``CREATE SCHEMA s CREATE TABLE ...``
(:mod:`~dbarch.tools.schema.elements`). Names fold as in PostgreSQL (unquoted lower-cased), unnamed
constraints and indexes get the names PostgreSQL would give them (:mod:`tools.model_names`).
Anything unreadable is skipped, never raised: the server is the final judge.

Conventions shared with :mod:`tools.catalog`: the indexes behind primary keys and unique
constraints are not in ``Table.indexes``; partitions (``PARTITION OF``, ``ATTACH PARTITION``)
are storage of their parent, not tables of the model; user types in ``public`` are unqualified.

>>> schema = schema_from_sql("CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL)")
>>> schema.table("users").column("id").type
'integer'
"""

from __future__ import annotations

from sqlglot import exp

from dbarch.tools.schema import alter as model_alter, ddl as model_ddl
from dbarch.tools.schema.build import Builder
from dbarch.tools.schema.elements import SchemaElements, schema_elements
from dbarch.tools.schema.idents import search_path_setting, table_ref
from dbarch.tools.schema.model import Schema
from dbarch.tools.sql.parse import ParsedScript, ParsedStatement, parse_script


def _create(b: Builder, node: exp.Create) -> None:
    kind = str(node.args.get("kind") or "").upper()
    if kind == "TABLE":
        model_ddl.create_table(b, node)
    elif kind == "INDEX":
        model_ddl.create_index(b, node)
    elif kind == "TYPE":
        target = node.this if isinstance(node.this, exp.Table) else None
        dtype = node.expression
        if target is not None and isinstance(dtype, exp.DataType) and dtype.this == exp.DataType.Type.ENUM:
            labels = tuple(str(e.this) for e in dtype.expressions if isinstance(e, exp.Literal))
            b.enums[b.new_key(*table_ref(target))] = labels
    elif kind in ("VIEW", "MATERIALIZED VIEW"):
        target = node.this if isinstance(node.this, exp.Table) else node.find(exp.Table)
        if target is not None:
            b.add_view(b.new_key(*table_ref(target)))


def _drop(b: Builder, node: exp.Drop) -> None:
    kind = str(node.args.get("kind") or "").upper()
    for target in node.args.get("tables") or []:
        if not isinstance(target, exp.Table):
            continue
        schema, name = table_ref(target)
        if kind == "TABLE":
            b.drop_table(b.find_key(schema, name, b.tables))
        elif kind == "INDEX":
            b.drop_index(schema, name)
        elif kind in ("VIEW", "MATERIALIZED VIEW"):
            b.drop_view(b.find_key(schema, name, b.views))
        elif kind == "TYPE":
            b.enums.pop(b.find_key(schema, name, b.enums), None)


def _apply(b: Builder, stmt: ParsedStatement) -> None:
    node = stmt.expression
    if isinstance(node, exp.Create):
        _create(b, node)
    elif isinstance(node, exp.Alter) and str(node.args.get("kind") or "").upper() == "TABLE":
        model_alter.alter_table(b, node)
    elif isinstance(node, exp.Drop):
        _drop(b, node)
    elif isinstance(node, exp.Set | exp.Select):
        path = search_path_setting(node)
        if path is not None:
            b.set_search_path(path)
    elif isinstance(node, exp.Command) or (node is None and stmt.error is None):
        model_alter.command(b, stmt.text)


def _apply_elements(b: Builder, found: SchemaElements) -> None:
    """``CREATE SCHEMA s CREATE TABLE ...``: each element in PostgreSQL's order, with ``s``
    first on the search path while they run (their own names are qualified already)."""
    outer = b.search_path
    b.set_search_path([found.schema or outer[0], *outer])
    try:
        for element in found.in_execution_order:
            if element.modelled:
                _replay(b, element.statement)
    finally:
        b.set_search_path(outer)


def _replay(b: Builder, stmt: ParsedStatement) -> None:
    b.statement = stmt
    try:
        found = schema_elements(stmt, b.dialect) if not stmt.analysed else None
        if found is not None:
            _apply_elements(b, found)
        else:
            _apply(b, stmt)
    except Exception:  # odd input: skip the statement, keep the model built so far
        pass


def schema_from_script(script: ParsedScript, base: Schema | None = None) -> Schema:
    """Replay the DDL of ``script`` on ``base`` (an empty schema by default)."""
    b = Builder.start(base, script.dialect)
    for stmt in script.statements:
        if stmt.is_sql:
            _replay(b, stmt)
    return b.build()


def schema_from_sql(text: str, dialect: str = "postgres", base: Schema | None = None) -> Schema:
    """Parse ``text`` and build its schema model (see :func:`schema_from_script`)."""
    return schema_from_script(parse_script(text, dialect=dialect), base)

