"""Replaying table DDL on a :class:`~tools.model_build.Builder`: columns, keys, checks, indexes.

One function per kind of change, each reading a sqlglot node: ``add_column`` for a
``ColumnDef`` (``id serial PRIMARY KEY``), ``add_constraint`` for a table-level key or check,
``create_table``, ``create_index`` and ``alter_table``. Statements sqlglot keeps as opaque text
are read from their tokens in :mod:`tools.model_commands`.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import TokenType

from dbarch.tools.schema.build import Builder
from dbarch.tools.schema.idents import fold, table_ref
from dbarch.tools.schema.model import Check, Column, ForeignKey, Index, PrimaryKey, Table, Unique
from dbarch.tools.schema.names import choose_name, column_addition, index_column_name
from dbarch.tools.schema.types import is_serial

TYPE_STOP_WORDS = frozenset(
    {
        "NOT", "NULL", "DEFAULT", "PRIMARY", "REFERENCES", "UNIQUE", "CHECK", "CONSTRAINT",
        "GENERATED", "COLLATE", "AUTO_INCREMENT", "AUTOINCREMENT", "COMMENT", "ON", "USING", "AS",
        "IDENTITY", "STORAGE", "COMPRESSION", "KEY",
    }
)
"""Words that end a column's type in ``name type [constraints]``."""


_POSTGRES = Dialect.get_or_raise("postgres")


def postgres_text(node: exp.Expr) -> str:
    """PostgreSQL text of ``node`` as sqlglot writes it, read in place (see :func:`sql`)."""
    return _POSTGRES.generate(node, copy=False)


def sql(node: exp.Expr) -> str:
    """PostgreSQL text of an expression, without outer parentheses, function names lower-cased.

    The generator reads the tree in place (``copy=False``): the expressions read here (defaults,
    checks, generated columns, index keys and predicates) hold no query the generator rewrites,
    and copying each one first cost as much as parsing the whole script's DDL."""
    while isinstance(node, exp.Paren):
        node = node.this
    return _POSTGRES.generate(node, copy=False, normalize_functions="lower")


def _names(nodes: list[exp.Expression] | None) -> tuple[str, ...]:
    return tuple(fold(n) for n in nodes or [])


def type_text(b: Builder, ident: exp.Expression) -> str | None:
    """The type of a column as written in the source, read from the tokens after its name."""
    meta = ident._meta if isinstance(ident, exp.Identifier) else None
    end = meta.get("end") if meta else None
    start = meta.get("start") if meta else None
    if not isinstance(end, int) or not isinstance(start, int) or b.statement is None:
        return None
    if b.statement.text[start : end + 1].strip('"`').lower() != ident.name.lower():
        return None  # a re-parsed fragment: positions are not the statement's
    tokens = b.tokens()
    i, n = b.first_token_after(end), len(tokens)  # tokens from there only: linear per statement
    while i < n and tokens[i].text.upper() in ("SET", "DATA", "TYPE"):
        i += 1
    depth, first, last = 0, None, None
    for j in range(i, n):
        tok = tokens[j]
        kind = tok.token_type
        if depth == 0 and kind != TokenType.IDENTIFIER:
            word = (tok.text.upper().split() or [""])[0]
            if kind in _TYPE_ENDS or word in TYPE_STOP_WORDS:
                break
            if word == "CHARSET" or (word == "CHARACTER" and (tokens[j + 1].text.upper() if j + 1 < n else "") in ("SET", "")):
                break
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
        if first is None:
            first = tok
        last = tok
    if first is None or last is None:
        return None
    return b.statement.text[first.start : last.end + 1]


_TYPE_ENDS = (TokenType.COMMA, TokenType.R_PAREN)


def _fk_options(reference: exp.Reference) -> dict[str, object]:
    out: dict[str, object] = {}
    for option in reference.args.get("options") or []:
        text = " ".join(str(option).upper().split())
        if text.startswith("ON DELETE "):
            out["on_delete"] = text[len("ON DELETE ") :]
        elif text.startswith("ON UPDATE "):
            out["on_update"] = text[len("ON UPDATE ") :]
        elif text in ("DEFERRABLE", "INITIALLY DEFERRED"):
            out["deferrable"] = True
    return out


def add_foreign_key(b: Builder, key: str, columns: tuple[str, ...], reference: exp.Reference,
                    name: str | None, validated: bool, node: exp.Expr) -> None:
    table = b.tables[key]
    target = reference.this
    ref_columns: tuple[str, ...] = ()
    if isinstance(target, exp.Schema):
        ref_columns = _names(target.expressions)
        target = target.this
    if not isinstance(target, exp.Table):
        return
    name = name or choose_name(table.name, column_addition(columns), "fkey", b.constraint_names(table.schema))
    line, _ = b.position(node)
    fk = ForeignKey(columns, b.table_key(target), ref_columns, name=name, validated=validated,
                    line=line, **_fk_options(reference))  # type: ignore[arg-type]
    b.update(key, foreign_keys=(*table.foreign_keys, fk))


def set_primary_key(b: Builder, key: str, columns: tuple[str, ...], name: str | None) -> None:
    table = b.tables[key]
    name = name or choose_name(table.name, None, "pkey", b.relation_names(table.schema))
    cols = tuple(replace(c, nullable=False) if c.name in columns else c for c in table.columns)
    b.update(key, primary_key=PrimaryKey(columns, name), columns=cols)


def add_unique(b: Builder, key: str, columns: tuple[str, ...], name: str | None, nulls_not_distinct: bool) -> None:
    table = b.tables[key]
    name = name or choose_name(table.name, column_addition(columns), "key", b.relation_names(table.schema))
    b.update(key, uniques=(*table.uniques, Unique(columns, name, nulls_not_distinct)))


def add_check(b: Builder, key: str, expression: exp.Expr, name: str | None, validated: bool) -> None:
    table = b.tables[key]
    columns = tuple(dict.fromkeys(fold(c) for c in expression.find_all(exp.Column)))
    if name is None:
        single = columns[0] if len(columns) == 1 else None
        name = choose_name(table.name, single, "check", b.constraint_names(table.schema))
    b.update(key, checks=(*table.checks, Check(sql(expression), name, columns, validated)))


def _serial_default(b: Builder, table: Table, column: str) -> str:
    sequence = choose_name(table.name, column, "seq", b.relation_names(table.schema))
    return f"nextval('{sequence}'::regclass)"


def add_column(b: Builder, key: str, coldef: exp.ColumnDef, validated: bool = True) -> None:
    table = b.tables[key]
    name = fold(coldef.this)
    if name in table.column_names:
        return
    kind = coldef.args.get("kind")
    written = type_text(b, coldef.this) or (postgres_text(kind) if kind else "text")
    col_type, declared = b.column_type(written)
    line, column = b.position(coldef.this)
    col = Column(name, col_type, declared_type=declared, line=line, column=column)
    if is_serial(written):
        col = replace(col, nullable=False, default=_serial_default(b, table, name))
    # Constraints that change only the column are applied before it joins the table (one
    # copy of the column, not one of the table per constraint); the column is added before the
    # first constraint that reads the table (a key, a reference, a check), as they come.
    changes: dict[str, object] = {}
    added = False
    try:
        for constraint in coldef.constraints:
            own = _column_changes(constraint)
            if own is None:
                if not added:
                    _append_column(b, key, col, changes)
                    added = True
                _table_constraint(b, key, name, constraint, validated)
            elif added:
                _set_column(b, key, name, **own)
            else:
                changes.update(own)
    finally:  # also when a constraint cannot be read: what was read so far is kept
        if not added:
            _append_column(b, key, col, changes)


def _append_column(b: Builder, key: str, col: Column, changes: dict[str, object]) -> None:
    col = replace(col, **changes) if changes else col  # type: ignore[arg-type]
    b.update(key, columns=(*b.tables[key].columns, col))


def _set_column(b: Builder, key: str, name: str, **changes: object) -> None:
    cols = tuple(replace(c, **changes) if c.name == name else c for c in b.tables[key].columns)  # type: ignore[arg-type]
    b.update(key, columns=cols)


def _column_changes(constraint: exp.ColumnConstraint) -> dict[str, object] | None:
    """What a column constraint changes on its column alone (``{}``: nothing modelled), or
    ``None`` for the constraints that change the table (see :func:`_table_constraint`)."""
    kind = constraint.args.get("kind")
    if isinstance(kind, exp.NotNullColumnConstraint):
        return {"nullable": bool(kind.args.get("allow_null"))}
    if isinstance(kind, exp.DefaultColumnConstraint):
        return {"default": sql(kind.this)}
    if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
        if kind.args.get("expression") is not None:
            return {"generated": sql(kind.args["expression"])}
        return {"identity": "always" if kind.this else "by default", "nullable": False}
    if isinstance(kind, exp.ComputedColumnConstraint):
        return {"generated": sql(kind.this)}
    if isinstance(kind, exp.AutoIncrementColumnConstraint):
        return {"identity": "by default", "nullable": False}
    if isinstance(kind, exp.PrimaryKeyColumnConstraint | exp.UniqueColumnConstraint | exp.Reference
                  | exp.CheckColumnConstraint):
        return None
    return {}


def _table_constraint(b: Builder, key: str, col: str, constraint: exp.ColumnConstraint, validated: bool) -> None:
    """A column constraint that is a constraint of the table: primary key, unique, reference, check."""
    kind, cname = constraint.args.get("kind"), constraint.args.get("this")
    name = fold(cname) if cname is not None else None
    if isinstance(kind, exp.PrimaryKeyColumnConstraint):
        set_primary_key(b, key, (col,), name)
    elif isinstance(kind, exp.UniqueColumnConstraint):
        add_unique(b, key, (col,), name, bool(kind.args.get("nulls")))
    elif isinstance(kind, exp.Reference):
        add_foreign_key(b, key, (col,), kind, name, validated, constraint.parent or constraint)
    elif isinstance(kind, exp.CheckColumnConstraint):
        add_check(b, key, kind.this, name, validated)


def _key_columns(node: exp.Expression | None) -> tuple[str, ...]:
    if isinstance(node, exp.Schema):
        return _names(node.expressions)
    return ()


def add_constraint(b: Builder, key: str, node: exp.Expression, name: str | None, validated: bool = True) -> None:
    """A table-level constraint, named (``Constraint``) or not."""
    if isinstance(node, exp.Constraint):
        for inner in node.expressions:
            add_constraint(b, key, inner, fold(node.this), validated)
    elif isinstance(node, exp.PrimaryKey):
        set_primary_key(b, key, _names(node.expressions), name)
    elif isinstance(node, exp.ForeignKey) and isinstance(node.args.get("reference"), exp.Reference):
        own = node.args.get("this")
        name = name or (fold(own) if own is not None else None)
        add_foreign_key(b, key, _names(node.expressions), node.args["reference"], name, validated, node)
    elif isinstance(node, exp.UniqueColumnConstraint):
        schema = node.this
        own = schema.this if isinstance(schema, exp.Schema) else None
        name = name or (fold(own) if own is not None else None)
        add_unique(b, key, _key_columns(schema), name, bool(node.args.get("nulls")))
    elif isinstance(node, exp.CheckColumnConstraint):
        add_check(b, key, node.this, name, validated)
    elif isinstance(node, exp.IndexColumnConstraint):  # MySQL's inline INDEX / KEY
        table = b.tables[key]
        cols = _names(node.expressions)
        own = node.this
        idx_name = fold(own) if own is not None else choose_name(
            table.name, column_addition(cols), "idx", b.relation_names(table.schema))
        index = Index(idx_name, key, cols, descending=(False,) * len(cols), line=b.position(node)[0])
        b.update(key, indexes=(*table.indexes, index))


def create_table(b: Builder, node: exp.Create) -> None:
    target = node.this
    props = node.args.get("properties")
    if props is not None and props.find(exp.PartitionedOfProperty):
        return  # a partition: storage of its parent, not a table of the model
    table_node = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table_node, exp.Table):
        return
    schema, name = table_ref(table_node)
    key = b.new_key(schema, name)
    if key in b.tables and node.args.get("exists"):
        return
    partitioned = props is not None and props.find(exp.PartitionedByProperty) is not None
    line, _ = b.position(table_node)
    b.put_table(key, Table(name, key.split(".", 1)[0], partitioned=partitioned, line=line))
    if not isinstance(target, exp.Schema):
        return  # CREATE TABLE ... AS: no columns known
    for item in target.expressions:
        if isinstance(item, exp.ColumnDef):
            add_column(b, key, item)
    for item in target.expressions:
        if not isinstance(item, exp.ColumnDef):
            add_constraint(b, key, item, None)


def _opclass(node: exp.Expression) -> str | None:
    """The operator class a key names (``gin_trgm_ops``, schema dropped), else ``None``."""
    inner = node.this if isinstance(node, exp.Ordered) else node
    if not isinstance(inner, exp.Opclass):
        return None
    name = inner.expression
    return name.name.lower() if isinstance(name, exp.Expression) and name.name else None


def _index_key(node: exp.Expression) -> str:
    inner = node.this if isinstance(node, exp.Ordered) else node
    if isinstance(inner, exp.Opclass):  # the operator class is kept apart (Index.opclasses)
        inner = inner.this
    if isinstance(inner, exp.Column) and not inner.table:
        return fold(inner)
    return sql(inner)


def create_index(b: Builder, node: exp.Create) -> None:
    index = node.this
    table_node = index.args.get("table") if isinstance(index, exp.Index) else None
    params = index.args.get("params") if isinstance(index, exp.Index) else None
    if not isinstance(table_node, exp.Table) or not isinstance(params, exp.IndexParameters):
        return
    key = b.table_key(table_node)
    table = b.tables.get(key)
    if table is None:
        return
    keys = params.args.get("columns") or []
    columns = tuple(_index_key(k) for k in keys)
    name_node = index.this
    if name_node is not None:
        name = fold(name_node)
        if node.args.get("exists") and name in b.relation_names(table.schema):
            return
    else:
        include = _names(params.args.get("include"))
        addition = column_addition([index_column_name(c) for c in (*columns, *include)])
        name = choose_name(table.name, addition, "idx", b.relation_names(table.schema))
    using, where = params.args.get("using"), params.args.get("where")
    opclasses = tuple(_opclass(k) for k in keys)
    result = Index(
        name, key, columns,
        unique=bool(node.args.get("unique")),
        method=using.name.lower() if using is not None else "btree",
        where=sql(where.this) if isinstance(where, exp.Where) else None,
        include=_names(params.args.get("include")),
        descending=tuple(bool(k.args.get("desc")) if isinstance(k, exp.Ordered) else False for k in keys),
        opclasses=opclasses if any(opclasses) else (),
        line=b.position(name_node)[0] if name_node is not None else b.position(None)[0],
    )
    b.update(key, indexes=(*table.indexes, result))
