"""TEMPORARY: a minimal schema builder used only until ``tools.model_sql.schema_from_script`` lands.

Covers what the lint rules read (CREATE TABLE, CREATE INDEX, ALTER TABLE ADD COLUMN / ADD
CONSTRAINT, DROP TABLE). Delete this module once :mod:`tools.model_sql` exists.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from tools.parse import ParsedScript, ParsedStatement
from tools.schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from tools.types import canonical_type, is_serial


def _ident(node: exp.Expression) -> str:
    if isinstance(node, exp.Identifier):
        return node.name if node.args.get("quoted") else node.name.lower()
    return node.name.lower()


def _key(table: exp.Table) -> str:
    return f"{(table.db or 'public').lower()}.{_ident(table.this)}"


def _line(stmt: ParsedStatement, node: exp.Expression) -> tuple[int, int]:
    meta = node.meta if node._meta else {}  # noqa: SLF001
    start = meta.get("start")
    return stmt.statement.position(start) if isinstance(start, int) else (stmt.line, stmt.column)


def _fk(stmt: ParsedStatement, cols: tuple[str, ...], ref: exp.Reference, name: str | None) -> ForeignKey:
    target = ref.this
    table = target.this if isinstance(target, exp.Schema) else target
    ref_cols = tuple(_ident(e) for e in target.expressions) if isinstance(target, exp.Schema) else ()
    on_delete = None
    for opt in ref.args.get("options") or ():
        text = str(opt).upper()
        if text.startswith("ON DELETE "):
            on_delete = text.removeprefix("ON DELETE ").strip()
    key = _key(table) if isinstance(table, exp.Table) else "public.?"
    return ForeignKey(cols, key, ref_cols, on_delete=on_delete, name=name, line=stmt.line)


def _constraint(stmt: ParsedStatement, t: Table, node: exp.Expression, name: str | None = None) -> Table:
    if isinstance(node, exp.Constraint):
        for sub in node.expressions:
            t = _constraint(stmt, t, sub, _ident(node.this))
    elif isinstance(node, exp.PrimaryKey):
        t = replace(t, primary_key=PrimaryKey(tuple(_ident(e.this if isinstance(e, exp.Ordered) else e) for e in node.expressions), name))
    elif isinstance(node, exp.ForeignKey):
        cols = tuple(_ident(e) for e in node.expressions)
        ref = node.args.get("reference")
        if isinstance(ref, exp.Reference):
            t = replace(t, foreign_keys=(*t.foreign_keys, _fk(stmt, cols, ref, name)))
    elif isinstance(node, exp.UniqueColumnConstraint) and isinstance(node.this, exp.Schema):
        t = replace(t, uniques=(*t.uniques, Unique(tuple(_ident(e) for e in node.this.expressions), name)))
    elif isinstance(node, exp.CheckColumnConstraint):
        cols = tuple(sorted({c.name.lower() for c in node.find_all(exp.Column)}))
        t = replace(t, checks=(*t.checks, Check(node.this.sql("postgres"), name, cols)))
    return t


def _column(stmt: ParsedStatement, t: Table, cd: exp.ColumnDef) -> Table:
    name = _ident(cd.this)
    kind = cd.args.get("kind")
    written = kind.sql("postgres").lower() if isinstance(kind, exp.DataType) else ""
    nullable, default, identity = True, None, None
    for cc in cd.args.get("constraints") or ():
        k = cc.args.get("kind")
        if isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null"):
            nullable = False
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            nullable = False
            t = replace(t, primary_key=PrimaryKey((name,)))
        elif isinstance(k, exp.UniqueColumnConstraint):
            t = replace(t, uniques=(*t.uniques, Unique((name,))))
        elif isinstance(k, exp.Reference):
            t = replace(t, foreign_keys=(*t.foreign_keys, _fk(stmt, (name,), k, None)))
        elif isinstance(k, exp.CheckColumnConstraint):
            t = replace(t, checks=(*t.checks, Check(k.this.sql("postgres"), None, (name,))))
        elif isinstance(k, exp.DefaultColumnConstraint):
            default = k.this.sql("postgres")
        elif isinstance(k, exp.GeneratedAsIdentityColumnConstraint):
            identity = "always" if k.this else "by default"
            nullable = False
    line, col = _line(stmt, cd.this)
    serial = is_serial(written)
    column = Column(name, canonical_type(written), nullable and not serial, default, identity,
                    declared_type=written if serial else None, line=line, column=col)
    return replace(t, columns=(*t.columns, column))


def schema_from_script(script: ParsedScript, base: Schema | None = None) -> Schema:
    tables = dict(base.tables) if base else {}
    for st in script.statements:
        tree = st.expression
        if tree is None or not st.analysed:
            continue
        if isinstance(tree, exp.Create) and tree.kind == "TABLE" and isinstance(tree.this, exp.Schema):
            tbl = tree.this.this
            if not isinstance(tbl, exp.Table):
                continue
            line, _ = _line(st, tbl.this)
            t = Table(_ident(tbl.this), (tbl.db or "public").lower(), line=line)
            for node in tree.this.expressions:
                t = _column(st, t, node) if isinstance(node, exp.ColumnDef) else _constraint(st, t, node)
            tables[t.key] = t
        elif isinstance(tree, exp.Create) and tree.kind == "INDEX" and isinstance(tree.this, exp.Index):
            idx = tree.this
            tbl = idx.args.get("table")
            params = idx.args.get("params")
            if not isinstance(tbl, exp.Table) or _key(tbl) not in tables or params is None:
                continue
            cols = []
            for o in params.args.get("columns") or ():
                inner = o.this if isinstance(o, exp.Ordered) else o
                cols.append(_ident(inner.this) if isinstance(inner, exp.Column) else inner.sql("postgres"))
            using = params.args.get("using")
            where = params.args.get("where")
            index = Index(idx.name or None, _key(tbl), tuple(cols), unique=bool(tree.args.get("unique")),
                          method=using.name.lower() if using else "btree",
                          where=where.this.sql("postgres") if where else None, line=st.line)
            t = tables[_key(tbl)]
            tables[t.key] = replace(t, indexes=(*t.indexes, index))
        elif isinstance(tree, exp.Alter) and isinstance(tree.this, exp.Table) and _key(tree.this) in tables:
            t = tables[_key(tree.this)]
            for action in tree.args.get("actions") or ():
                if isinstance(action, exp.ColumnDef):
                    t = _column(st, t, action)
                elif isinstance(action, exp.AddConstraint):
                    for c in action.expressions:
                        t = _constraint(st, t, c)
            tables[t.key] = t
        elif isinstance(tree, exp.Drop) and (tree.args.get("kind") or "").upper() == "TABLE":
            for tbl in tree.find_all(exp.Table):
                tables.pop(_key(tbl), None)
    return Schema(tables=tables)
