"""What data generation needs to know about a live database, read from ``pg_catalog``.

Column types resolved through domains (with typmods: ``numeric(p,s)``, ``varchar(n)``), enum
labels, array element types, NOT NULL, defaults, identity and generated columns, primary
keys and unique constraints and indexes, foreign keys and CHECK expressions (as the server
prints them with ``pg_get_expr``, which are valid SQL over the table's columns).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import psycopg

from dbarch.tools.datagen.partitions import read_partitions


@dataclass(frozen=True, slots=True)
class TypeInfo:
    name: str
    """``pg_type.typname`` of the base type (domains resolved): ``int4``, ``numeric``, ``_text``."""
    sql: str
    """The type as ``format_type`` prints it, with its typmod: ``numeric(10,2)``."""
    typmod: int
    category: str
    """``pg_type.typcategory``: N numeric, S string, D date/time, A array, E enum, ..."""
    labels: tuple[str, ...] = ()
    """Enum labels in order."""
    elem: TypeInfo | None = None
    """Element type of an array, subtype of a range or multirange."""
    kind: str = "b"
    """``pg_type.typtype``: b base, e enum, r range, m multirange, c composite, d domain."""
    checks: tuple[str, ...] = ()
    """CHECK constraints of the domains this type was reached through (over ``VALUE``)."""

    @property
    def length(self) -> int | None:
        """Declared length of ``varchar(n)``/``char(n)``; ``bit(n)``/``varbit(n)`` in bits."""
        if self.name in ("bit", "varbit") and self.typmod > 0:
            return self.typmod
        return self.typmod - 4 if self.typmod > 4 and self.name in ("varchar", "bpchar") else None

    @property
    def precision_scale(self) -> tuple[int, int] | None:
        """``(p, s)`` of ``numeric(p, s)``."""
        if self.name != "numeric" or self.typmod < 4:
            return None
        mod = self.typmod - 4
        return (mod >> 16) & 0xFFFF, mod & 0xFFFF


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    name: str
    type: TypeInfo
    not_null: bool
    default: str | None
    identity: str
    """``a`` (always), ``d`` (by default) or empty."""
    generated: bool

    @property
    def serial(self) -> bool:
        return self.identity != "" or (self.default or "").startswith("nextval(")


@dataclass(frozen=True, slots=True)
class ForeignKeyInfo:
    name: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    deferrable: bool


@dataclass(frozen=True, slots=True)
class TableInfo:
    schema: str
    name: str
    columns: tuple[ColumnInfo, ...]
    unique_keys: tuple[tuple[str, ...], ...]
    """Primary key first, then unique constraints and simple unique indexes."""
    has_opaque_unique: bool
    """A unique index over expressions or with a predicate, or an exclusion constraint."""
    foreign_keys: tuple[ForeignKeyInfo, ...]
    checks: tuple[str, ...]
    """CHECK expressions as SQL over the table's columns."""
    existing_rows: int
    primary_key: tuple[str, ...] = ()
    overrides: tuple[tuple[str, str], ...] = ()
    """``(column, SQL expression)`` that must be used for a column: the partition key of a
    partitioned table, drawn inside the partitions' bounds."""
    expression_keys: tuple[tuple[str, ...], ...] = ()
    """Columns of unique indexes over expressions or with a predicate (``lower(name)``): the
    generator keeps one of them distinct, ``ON CONFLICT`` guards the rest."""
    key_names: tuple[str, ...] = ()
    """The constraint (or unique index) name of each of ``unique_keys``, in the same order."""
    partition_key: str = ""
    """A partitioned table's key as ``pg_get_partkeydef`` prints it (``RANGE (yr, mo)``)."""
    partition_span: tuple[str, float | None, float | None, str | None, str | None] | None = None
    """See :attr:`~tools.datagen.partitions.PartitionBounds.span`."""

    def key_label(self, key: tuple[str, ...]) -> str:
        """``primary key lineitem_pkey (l_orderkey, l_linenumber)``: a key as messages name it."""
        name = dict(zip(self.unique_keys, self.key_names, strict=False)).get(key)
        kind = "primary key" if key == self.primary_key else "unique key"
        return f"{kind}{' ' + name if name else ''} ({', '.join(key)})"

    @property
    def key(self) -> tuple[str, str]:
        return self.schema, self.name

    @property
    def qualified(self) -> str:
        return f"{_quote(self.schema)}.{_quote(self.name)}"

    def column(self, name: str) -> ColumnInfo:
        return next(c for c in self.columns if c.name == name)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_TABLES = """
SELECT c.oid, n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY n.nspname, c.relname
"""

_COLUMNS = """
SELECT a.attrelid, a.attname, a.atttypid, a.atttypmod, a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated <> ''
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_TYPES = """
SELECT t.oid, t.typname, t.typtype, t.typcategory, t.typbasetype, t.typtypmod,
       COALESCE(NULLIF(t.typelem, 0),
                (SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid OR r.rngmultitypid = t.oid)),
       COALESCE((SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder)
                 FROM pg_enum e WHERE e.enumtypid = t.oid), '{}'),
       COALESCE((SELECT array_agg(pg_get_constraintdef(c.oid) ORDER BY c.conname)
                 FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'), '{}')
FROM pg_type t WHERE t.oid = ANY(%s)
"""

_CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
       fn.nspname, fc.relname,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i),
       con.condeferrable, pg_get_expr(con.conbin, con.conrelid)
FROM pg_constraint con
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.conrelid = ANY(%s)
ORDER BY con.conrelid, con.contype = 'p' DESC, con.conname
"""

_PARTITION_FOREIGN_KEYS = """
SELECT DISTINCT ON (root.oid, con.conkey, con.confrelid)
       root.oid, con.conname,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
       fn.nspname, fc.relname,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i),
       con.condeferrable
FROM pg_class root
CROSS JOIN LATERAL pg_partition_tree(root.oid) part
JOIN pg_constraint con ON con.conrelid = part.relid AND con.contype = 'f' AND con.conparentid = 0
JOIN pg_class fc ON fc.oid = con.confrelid
JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE root.oid = ANY(%s) AND root.relkind = 'p' AND part.relid <> root.oid
ORDER BY root.oid, con.conkey, con.confrelid, con.conname
"""

_UNIQUE_INDEXES = """
SELECT i.indrelid, (SELECT c.relname FROM pg_class c WHERE c.oid = i.indexrelid),
       i.indexprs IS NOT NULL OR i.indpred IS NOT NULL,
       ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
             WHERE o <= i.indnkeyatts ORDER BY o),
       ARRAY(SELECT DISTINCT a.attname FROM pg_depend d
             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
               AND d.refobjid = i.indrelid AND d.refobjsubid > 0 AND i.indpred IS NULL)
FROM pg_index i
WHERE i.indrelid = ANY(%s) AND i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
"""


def read_tables(conn: psycopg.Connection[Any]) -> list[TableInfo]:
    """Every ordinary and partitioned table of the user's schemas."""
    tables = conn.execute(_TABLES).fetchall()
    oids = [t[0] for t in tables]
    if not oids:
        return []
    types = _TypeReader(conn)
    cols: dict[int, list[ColumnInfo]] = {o: [] for o in oids}
    rows = conn.execute(_COLUMNS, (oids,)).fetchall()
    types.load({r[2] for r in rows})
    domain_checks: dict[int, list[str]] = {o: [] for o in oids}
    for relid, name, typid, typmod, notnull, default, identity, generated in rows:
        cols[relid].append(
            ColumnInfo(name, types.info(typid, typmod), notnull or types.not_null(typid), default,
                       identity or "", generated)
        )
        domain_checks[relid].extend(column_check(name, c) for c in types.checks(typid))
    uniques: dict[int, list[tuple[str, ...]]] = {o: [] for o in oids}
    names: dict[int, list[str]] = {o: [] for o in oids}
    opaque: set[int] = set()
    primary: dict[int, tuple[str, ...]] = {}
    loose: dict[int, list[tuple[str, ...]]] = {o: [] for o in oids}
    fks: dict[int, list[ForeignKeyInfo]] = {o: [] for o in oids}
    checks: dict[int, list[str]] = {o: list(domain_checks[o]) for o in oids}
    for relid, conname, kind, keys, fschema, ftable, fkeys, deferrable, expr in conn.execute(
        _CONSTRAINTS, (oids,)
    ):
        if kind in ("p", "u"):
            uniques[relid].append(tuple(keys))
            names[relid].append(str(conname))
            if kind == "p":
                primary[relid] = tuple(keys)
        elif kind == "x":
            opaque.add(relid)
        elif kind == "f" and ftable is not None:
            fks[relid].append(ForeignKeyInfo(conname, tuple(keys), fschema, ftable, tuple(fkeys), deferrable))
        elif kind == "c" and expr:
            checks[relid].append(expr)
    for relid, conname, keys, fschema, ftable, fkeys, deferrable in conn.execute(_PARTITION_FOREIGN_KEYS, (oids,)):
        # declared on each partition (pagila's payment_p2022_01 ...): the root's rows need them
        fk = ForeignKeyInfo(conname, tuple(keys), fschema, ftable, tuple(fkeys), deferrable)
        if not any((f.columns, f.ref_schema, f.ref_table) == (fk.columns, fschema, ftable) for f in fks[relid]):
            fks[relid].append(fk)
    for relid, index_name, is_opaque, keys, referenced in conn.execute(_UNIQUE_INDEXES, (oids,)):
        if is_opaque or not keys:
            opaque.add(relid)
            # the key columns of a partial index, or those under lower(name): keep one of them
            # distinct (never a column only the predicate reads: it must stay free)
            if keys or referenced:
                loose[relid].append(tuple(keys or referenced))
        else:
            uniques[relid].append(tuple(keys))
            names[relid].append(str(index_name))
    partitions = read_partitions(conn, oids)
    result = []
    for oid, schema, name in tables:
        row = conn.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(schema)}.{_quote(name)})").fetchone()
        existing = 0
        if row and row[0]:
            count = conn.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(name)}").fetchone()
            existing = int(count[0]) if count else 0
        bounds = partitions.get(oid)
        if bounds is not None:
            checks[oid].extend(bounds.checks)
        result.append(
            TableInfo(schema, name, tuple(cols[oid]), tuple(uniques[oid]), oid in opaque,
                      tuple(fks[oid]), tuple(checks[oid]), existing, primary.get(oid, ()),
                      bounds.overrides if bounds is not None else (), tuple(loose[oid]), tuple(names[oid]),
                      bounds.definition if bounds is not None else "",
                      bounds.span if bounds is not None else None)
        )
    return result


class _TypeReader:
    """Resolves type oids to :class:`TypeInfo` (domains to their base, arrays to elements)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.rows: dict[int, tuple[Any, ...]] = {}

    def load(self, oids: set[int]) -> None:
        todo = {o for o in oids if o not in self.rows}
        while todo:
            found = self.conn.execute(_TYPES, (list(todo),)).fetchall()
            for row in found:
                self.rows[row[0]] = row
            todo = {o for r in found for o in (r[4], r[6]) if o and o not in self.rows}

    def info(self, oid: int, typmod: int) -> TypeInfo:
        self.load({oid})
        _, name, typtype, category, base, base_mod, elem, labels, _ = self.rows[oid]
        if typtype == "d":
            resolved = self.info(base, typmod if typmod >= 0 else base_mod)
            return replace(resolved, checks=(*self.rows[oid][8], *resolved.checks))
        row = self.conn.execute("SELECT format_type(%s, %s)", (oid, typmod if typmod >= 0 else None)).fetchone()
        sql = str(row[0]) if row else name
        elem_info = None
        if elem and (category == "A" or typtype in ("r", "m")):
            elem_info = self.info(elem, typmod if category == "A" else -1)
        return TypeInfo(name, sql, typmod, category, tuple(labels or ()), elem_info, typtype)

    def checks(self, oid: int) -> list[str]:
        """CHECK constraints of a domain and of the domains it is built on (``VALUE`` in them)."""
        self.load({oid})
        row = self.rows[oid]
        if row[2] != "d":
            return []
        return [*row[8], *self.checks(row[4])]

    def not_null(self, oid: int) -> bool:
        """True for a domain declared NOT NULL (the column then is too)."""
        row = self.conn.execute("SELECT typnotnull FROM pg_type WHERE oid = %s", (oid,)).fetchone()
        return bool(row and row[0])


def column_check(column: str, domain_check: str) -> str:
    """A domain's ``CHECK (VALUE > 0)`` as an expression over ``column``: ``("col" > 0)``.

    Rewritten on sqlglot's tree (the keyword ``VALUE`` is a column reference there)."""
    import sqlglot
    from sqlglot import exp

    body = domain_check.strip()
    if body.upper().startswith("CHECK"):
        body = body[5:].strip()
    body = body.removesuffix("NOT VALID").strip()
    try:
        tree = sqlglot.parse_one(f"SELECT {body}", read="postgres")
    except Exception:  # not understood: the server's own check still guards the insert
        return "true"
    for col in list(tree.find_all(exp.Column)):
        if col.name.upper() == "VALUE" and not col.table:
            col.replace(exp.column(column, quoted=True))
    select = tree.expressions[0] if isinstance(tree, exp.Select) and tree.expressions else tree
    return select.sql("postgres")
