"""The schema model read from a live database's catalog (``pg_catalog``).

Five queries whatever the size of the schema (relations with their columns, constraints,
indexes, enums, extensions), read in one transaction with ``search_path = pg_catalog, public``
so that ``format_type`` and ``pg_get_expr`` print names the way :mod:`tools.model_sql` writes
them: types and sequences in ``public`` unqualified, others qualified.

Conventions shared with :mod:`tools.model_sql`: system schemas and objects that belong to an
extension are left out; partitions are storage of their parent, not tables; the indexes behind
primary keys, unique and exclusion constraints are not in ``Table.indexes``; a foreign key's
unsaid action reads as ``NO ACTION``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import psycopg

from dbarch.tools.schema.model import (
    Check,
    Column,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    Unique,
    qualify,
)

FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
IDENTITY = {"a": "always", "d": "by default"}

_IN_SCOPE = """
    n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema'])
    AND n.nspname !~ '^pg_(toast|temp_)'
    AND (%(schemas)s::text[] IS NULL OR n.nspname = ANY(%(schemas)s::text[]))
    AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = {catalog}::regclass
                    AND dep.objid = {oid} AND dep.deptype = 'e')
"""

RELATIONS_SQL = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind, a.attnum, a.attname,
       format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                         AND c.relkind IN ('r', 'p')
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
  AND {_IN_SCOPE.format(catalog="'pg_class'", oid="c.oid")}
ORDER BY n.nspname, c.relname, a.attnum
"""

CONSTRAINTS_SQL = """
SELECT con.conrelid, con.conname, con.contype, con.conkey, con.confrelid, rn.nspname, rc.relname,
       con.confkey, con.confdeltype, con.confupdtype, con.condeferrable, con.convalidated,
       pg_get_expr(con.conbin, con.conrelid), coalesce(ix.indnullsnotdistinct, false)
FROM pg_constraint con
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u'
WHERE con.conrelid = ANY(%(oids)s::oid[]) AND con.contype IN ('p', 'f', 'u', 'c') AND con.conparentid = 0
ORDER BY con.conrelid, con.contype, con.conname
"""

OUTSIDE_ATTNAMES_SQL = """
SELECT attrelid, attnum, attname FROM pg_attribute
WHERE attrelid = ANY(%(oids)s::oid[]) AND attnum > 0 AND NOT attisdropped
"""
"""Column names of tables outside the schemas read that foreign keys reference."""

INDEXES_SQL = """
SELECT i.indrelid, ic.relname, i.indisunique, am.amname, i.indnkeyatts, i.indkey::int2[],
       i.indoption::int2[], pg_get_expr(i.indpred, i.indrelid),
       ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k, true) END
             FROM generate_series(1, i.indnatts) k ORDER BY k),
       ARRAY(SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname::text END
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS c(opc_oid, k)
             JOIN pg_opclass opc ON opc.oid = c.opc_oid ORDER BY c.k)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY(%(oids)s::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

ENUMS_SQL = f"""
SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE {_IN_SCOPE.format(catalog="'pg_type'", oid="t.oid")}
GROUP BY n.nspname, t.typname
ORDER BY n.nspname, t.typname
"""

EXTENSIONS_SQL = "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid"


def _relations(rows: list[tuple[Any, ...]]) -> tuple[dict[int, Table], dict[int, dict[int, str]], list[str]]:
    tables: dict[int, Table] = {}
    columns: dict[int, list[Column]] = {}
    attnames: dict[int, dict[int, str]] = {}
    views: list[str] = []
    for oid, schema, name, relkind, attnum, attname, type_, notnull, default, identity, generated in rows:
        if relkind in ("v", "m"):
            views.append(qualify(name, schema))
            continue
        if oid not in tables:
            tables[oid] = Table(name, schema, partitioned=relkind == "p")
            columns[oid], attnames[oid] = [], {}
        if attnum is None:
            continue
        attnames[oid][attnum] = attname
        columns[oid].append(Column(
            attname, type_, nullable=not notnull,
            default=default if not generated else None,
            identity=IDENTITY.get(identity or ""),
            generated=default if generated else None,
        ))
    for oid, cols in columns.items():
        tables[oid] = replace(tables[oid], columns=tuple(cols))
    return tables, attnames, views


def _add_constraints(tables: dict[int, Table], attnames: dict[int, dict[int, str]],
                     rows: list[tuple[Any, ...]]) -> None:
    for (oid, name, kind, keys, ref_oid, ref_schema, ref_name, ref_keys, on_delete, on_update,
         deferrable, validated, expression, nulls_not_distinct) in rows:
        table = tables.get(oid)
        if table is None:
            continue
        columns = tuple(attnames[oid].get(k, "") for k in keys or ())
        ref_cols = [attnames.get(ref_oid, {}).get(k, "") for k in ref_keys or ()]
        if kind == "p":
            table = replace(table, primary_key=PrimaryKey(columns, name))
        elif kind == "u":
            table = replace(table, uniques=(*table.uniques, Unique(columns, name, bool(nulls_not_distinct))))
        elif kind == "c":
            check = Check(expression or "", name, columns, bool(validated))
            table = replace(table, checks=(*table.checks, check))
        elif kind == "f":
            fk = ForeignKey(
                columns, qualify(ref_name, ref_schema), tuple(ref_cols or ()),
                on_delete=FK_ACTIONS.get(on_delete), on_update=FK_ACTIONS.get(on_update),
                name=name, deferrable=bool(deferrable), validated=bool(validated),
            )
            table = replace(table, foreign_keys=(*table.foreign_keys, fk))
        tables[oid] = table


def _add_indexes(tables: dict[int, Table], attnames: dict[int, dict[int, str]], rows: list[tuple[Any, ...]]) -> None:
    for oid, name, unique, method, nkeys, indkey, indoption, predicate, defs, opclasses in rows:
        table = tables.get(oid)
        if table is None:
            continue
        names = [attnames[oid].get(num) or text for num, text in zip(indkey, defs, strict=False)]
        index = Index(
            name, table.key, tuple(names[:nkeys]), unique=bool(unique), method=method,
            where=predicate, include=tuple(names[nkeys:]),
            descending=tuple(bool(opt & 1) for opt in (indoption or [])[:nkeys]),
            opclasses=tuple(opclasses[:nkeys]) if any(opclasses or ()) else (),
        )
        tables[oid] = replace(table, indexes=(*table.indexes, index))


def schema_from_catalog(conn: psycopg.Connection[Any], schemas: Sequence[str] | None = None) -> Schema:
    """Read the tables, keys, indexes, enums, views and extensions of the database behind ``conn``
    (all user schemas, or only ``schemas``) into the schema model."""
    params: dict[str, Any] = {"schemas": list(schemas) if schemas is not None else None}
    with conn.transaction():
        old_path = conn.execute("SELECT current_setting('search_path')").fetchone()
        conn.execute("SELECT set_config('search_path', 'pg_catalog, public', true)")
        try:
            tables, attnames, views = _relations(conn.execute(RELATIONS_SQL, params).fetchall())
            params["oids"] = list(tables)
            constraints = conn.execute(CONSTRAINTS_SQL, params).fetchall()
            outside = list({row[4] for row in constraints if row[4] and row[4] not in attnames})
            if outside:
                for rel, num, name in conn.execute(OUTSIDE_ATTNAMES_SQL, {"oids": outside}).fetchall():
                    attnames.setdefault(rel, {})[num] = name
            _add_constraints(tables, attnames, constraints)
            _add_indexes(tables, attnames, conn.execute(INDEXES_SQL, params).fetchall())
            enums = {qualify(name, schema): tuple(labels)
                     for schema, name, labels in conn.execute(ENUMS_SQL, params).fetchall()}
            extensions = tuple(row[0] for row in conn.execute(EXTENSIONS_SQL).fetchall())
        finally:
            if old_path is not None:
                conn.execute("SELECT set_config('search_path', %s, true)", (old_path[0],))
    by_key = {t.key: t for t in sorted(tables.values(), key=lambda t: t.key)}
    return Schema(by_key, enums, tuple(views), extensions)
