"""Synthetic data that matches the workload: the queries' literals occur, their ranges cover rows.

Generated data knows nothing of the queries: dates spread over the last ten years and strings are
random, so TPC-H's ``l_shipdate < date '1995-03-15'``, ``p_type LIKE '%BRASS'`` or
``r_name = 'EUROPE'`` match no row, and every plan is built for an empty result. After the load,
this pass reshapes the data, in order:

1. **Stated distributions** from the volume file's ``columns:`` section
   (:class:`ColumnDistribution`): values with weights, a range, a NULL fraction, a distinct
   count, or a rank correlation with another column of the same table.
2. **The workload's literals**, only where they match nothing: an equality or ``IN`` value is
   written into about ``1/distinct`` of the rows (one row for a unique column; at most
   :data:`MAX_EQ_FRACTION`); a ``LIKE`` pattern into :data:`LIKE_FRACTION` of them; and a column
   whose values lie outside the ranges the queries ask for is mapped linearly onto the span of
   those ranges (widened by its width on each side, so they cover about a third of the rows), which keeps its shape and ordering.
3. ``ANALYZE`` of what changed, then the **selectivity** of every literal predicate, per query.

Every change runs in a savepoint: one that breaks a constraint is undone and named in a notice.
Random choices use a fixed seed, so the same input gives the same data.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlglot import exp

from dbarch.tools.errors import UsageError
from dbarch.tools.perf.candidates import conjuncts, resolver
from dbarch.tools.sql.queries import Query

MAX_EQ_FRACTION = 0.2
LIKE_FRACTION = 0.05
SEED = 0.42
UPDATE_TIMEOUT_MS = 300_000
"""Limit for one reshaping UPDATE (a whole large table is rewritten at once)."""


class ColumnDistribution(BaseModel):
    """One column's stated distribution (``columns: {orders.status: {...}}`` in a volume file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    values: dict[str, float] | None = Field(default=None, description="value: weight")
    range: tuple[str, str] | None = Field(default=None, description="[low, high], uniform")
    null_fraction: float | None = Field(default=None, ge=0.0, le=1.0)
    distinct: int | None = Field(default=None, ge=1)
    correlated_with: str | None = Field(default=None, description="another column of the table")

    @model_validator(mode="after")
    def _weights(self) -> ColumnDistribution:
        if self.values is not None and (not self.values or any(w < 0 for w in self.values.values())):
            raise ValueError("values needs at least one value, with weights >= 0")
        return self


def parse_distributions(raw: Mapping[str, Any], *, source: str = "<volumes>") -> dict[tuple[str, str], ColumnDistribution]:
    """``{"orders.status": {...}}`` → ``{("orders", "status"): ColumnDistribution}``."""
    out: dict[tuple[str, str], ColumnDistribution] = {}
    for key, spec in raw.items():
        table, dot, column = str(key).rpartition(".")
        if not dot or not table or not column:
            raise UsageError(f"columns: {key!r} must be written table.column", file=source)
        try:
            out[(table.lower(), column.lower())] = ColumnDistribution.model_validate(spec or {})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise UsageError(f"columns: {key}: {where + ': ' if where else ''}{first['msg']}", file=source) from None
    return out


@dataclass(frozen=True, slots=True)
class Selectivity:
    """The share of a table's rows that one literal predicate of a query selects."""

    query: int
    table: str
    predicate: str
    fraction: float | None
    """``None`` when it could not be measured."""


@dataclass(frozen=True, slots=True)
class WorkloadData:
    """What the pass changed and what each query's predicates select afterwards."""

    selectivity: tuple[Selectivity, ...]
    shaped: tuple[str, ...]
    """One line per change made to the data."""
    notices: tuple[str, ...] = field(default=())
    seconds: float = 0.0


@dataclass(slots=True)
class _Literal:
    query: int
    table: str
    column: str
    kind: str
    """``eq``, ``range`` or ``like``."""
    values: list[str]
    """The literal values as SQL text (quoted strings keep their quotes)."""
    predicate: str


def shape_for_workload(
    conn: psycopg.Connection[Any], queries: Sequence[Query],
    distributions: Mapping[tuple[str, str], ColumnDistribution] | None = None, *, seed: float = SEED,
) -> WorkloadData:
    """Reshape the loaded data for ``queries`` (see the module docstring)."""
    started = time.perf_counter()
    cols = _column_info(conn)
    shaped: list[str] = []
    notices: list[str] = []
    touched: set[str] = set()
    conn.execute("SELECT setseed(%s)", (seed,))
    per_table: dict[str, dict[str, ColumnDistribution]] = {}
    for (table, column), dist in (distributions or {}).items():
        if (table, column) not in cols:
            notices.append(f"columns: {table}.{column} is not a column of the schema: ignored")
        else:
            per_table.setdefault(table, {})[column] = dist
    for table, dists in per_table.items():
        for what, stmt in _distribution_updates(table, dists, cols):
            if _run(conn, stmt, notices, what):
                shaped.extend(what.split("; "))
                touched.add(table)
    by_table: dict[str, set[str]] = {}
    for table, column in cols:
        by_table.setdefault(table, set()).add(column)
    literals = [lit for q in queries if q.tree is not None for lit in _literals(q, by_table)]
    if touched:
        _analyze(conn, touched)
    for what, table, stmt in _literal_updates(conn, literals, cols):
        if _run(conn, stmt, notices, what):
            shaped.append(what)
            touched.add(table)
    if touched:
        _analyze(conn, touched)
    return WorkloadData(tuple(_selectivity(conn, literals)), tuple(shaped), tuple(notices),
                        time.perf_counter() - started)


@dataclass(frozen=True, slots=True)
class _Col:
    category: str
    """pg_type.typcategory: N numeric, D date/time, S string, B boolean, ..."""
    type_sql: str
    unique: bool
    rows: int


def _column_info(conn: psycopg.Connection[Any]) -> dict[tuple[str, str], _Col]:
    rows = conn.execute(
        "SELECT c.relname, a.attname, t.typcategory, format_type(a.atttypid, a.atttypmod), "
        "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND i.indnatts = 1 "
        "        AND i.indkey[0] = a.attnum AND i.indpred IS NULL), greatest(c.reltuples, 0)::bigint "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 "
        "AND NOT a.attisdropped AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%'"
    ).fetchall()
    return {(str(r[0]), str(r[1])): _Col(str(r[2]), str(r[3]), bool(r[4]), int(r[5])) for r in rows}


def _run(conn: psycopg.Connection[Any], stmt: sql.Composed, notices: list[str], what: str) -> bool:
    try:
        with conn.transaction():
            # our own bounded UPDATE of a loaded table, not user SQL: a longer limit than the
            # sandbox's per-statement one, for this statement only
            conn.execute(f"SET LOCAL statement_timeout = {UPDATE_TIMEOUT_MS}".encode())
            conn.execute(stmt)
        return True
    except psycopg.Error as exc:
        notices.append(f"could not shape {what}: {exc.diag.message_primary or exc}")
        return False


def _analyze(conn: psycopg.Connection[Any], tables: set[str]) -> None:
    """Fresh statistics for the shaped tables. ``VACUUM (ANALYZE)`` where it can run (outside a
    transaction block) also marks the updated pages all-visible: otherwise autovacuum does it
    later, at a moment nobody chose, and the cost of index-only scans (so the advice) changes
    between two runs over the same data."""
    verb = "VACUUM (ANALYZE) {}" if conn.autocommit else "ANALYZE {}"
    for t in sorted(tables):
        conn.execute(sql.SQL(verb).format(sql.Identifier(t)))


def _assignment(column: str, d: ColumnDistribution, col: _Col) -> tuple[str, sql.Composable] | None:
    """``col = <value drawn per row>`` for a values/range/NULL-fraction distribution."""
    typ = sql.SQL(col.type_sql)
    c = sql.Identifier(column)
    expr: sql.Composable | None = None
    what: list[str] = []
    if d.values is not None:
        total = sum(d.values.values()) or 1.0
        bounds, acc = [], 0.0
        for weight in d.values.values():
            bounds.append(acc)
            acc += weight / total
        # width_bucket(random(), lower bounds) picks value i with its weight's probability
        expr = sql.SQL("(ARRAY[{vals}]::{typ}[])[width_bucket(random(), ARRAY[{bounds}]::float8[])]").format(
            vals=sql.SQL(", ").join(sql.Literal(v) for v in d.values), typ=typ,
            bounds=sql.SQL(", ").join(sql.Literal(b) for b in bounds))
        what.append(f"values {sorted(d.values)}")
    elif d.range is not None:
        lo, hi = (sql.SQL("{}::{}").format(sql.Literal(v), typ) for v in d.range)
        expr = _lerp(col, lo, hi, sql.SQL("random()"))
        what.append(f"range {d.range[0]}..{d.range[1]}")
    if d.null_fraction is not None:
        expr = sql.SQL("CASE WHEN random() < {f} THEN NULL ELSE {e} END").format(
            f=sql.Literal(d.null_fraction), e=expr if expr is not None else c)
        what.append(f"{d.null_fraction:.0%} NULL")
    if expr is None:
        return None
    return ", ".join(what), sql.SQL("{} = {}").format(c, expr)


def _distribution_updates(
    table: str, dists: Mapping[str, ColumnDistribution], cols: Mapping[tuple[str, str], _Col]
) -> list[tuple[str, sql.Composed]]:
    """One UPDATE for the table's drawn columns, then one per distinct-count and correlation."""
    t = sql.Identifier(table)
    out: list[tuple[str, sql.Composed]] = []
    sets = [(column, a) for column, d in dists.items() if (a := _assignment(column, d, cols[(table, column)]))]
    if sets:
        what = "; ".join(f"{table}.{column}: {a[0]}" for column, a in sets)
        out.append((what, sql.SQL("UPDATE {t} SET {s}").format(t=t, s=sql.SQL(", ").join(a[1] for _, a in sets))))
    for column, d in dists.items():
        c = sql.Identifier(column)
        if d.distinct is not None:
            out.append((f"{table}.{column}: {d.distinct} distinct values", sql.SQL(
                "UPDATE {t} SET {c} = p.pool[1 + floor(random() * array_length(p.pool, 1))::int] "
                "FROM (SELECT array_agg(v) AS pool FROM (SELECT DISTINCT {c} AS v FROM {t} WHERE {c} IS NOT NULL "
                "ORDER BY 1 LIMIT {n}) s) p WHERE {c} IS NOT NULL"
            ).format(t=t, c=c, n=sql.Literal(d.distinct))))
        if d.correlated_with is not None:
            other = sql.Identifier(d.correlated_with.lower())
            out.append((f"{table}.{column}: rank-correlated with {d.correlated_with}", sql.SQL(
                "UPDATE {t} SET {c} = s.v FROM (SELECT ctid AS c, row_number() OVER (ORDER BY {o}, ctid) AS n FROM {t}) a "
                "JOIN (SELECT {c} AS v, row_number() OVER (ORDER BY {c}) AS n FROM {t}) s ON s.n = a.n "
                "WHERE {t}.ctid = a.c"
            ).format(t=t, c=c, o=other)))
    return out


def _lerp(col: _Col, lo: sql.Composable, hi: sql.Composable, x: sql.Composable) -> sql.Composable:
    """A value between ``lo`` and ``hi`` at position ``x`` in [0, 1], in the column's type."""
    typ = sql.SQL(col.type_sql)
    if col.type_sql == "date":
        return sql.SQL("({lo} + floor(({hi} - {lo}) * {x})::int)").format(lo=lo, hi=hi, x=x)
    if col.category == "D":
        return sql.SQL("({lo} + ({hi} - {lo}) * {x})::{typ}").format(lo=lo, hi=hi, x=x, typ=typ)
    return sql.SQL("({lo} + ({hi} - {lo}) * {x})::{typ}").format(lo=lo, hi=hi, x=x, typ=typ)


# --- the workload's literals ------------------------------------------------------------------

def _literals(q: Query, columns: Mapping[str, set[str]]) -> list[_Literal]:
    assert q.tree is not None
    res = resolver(q.tree, columns)
    out: list[_Literal] = []
    preds: list[exp.Expression] = []
    for where in q.tree.find_all(exp.Where):
        preds.extend(conjuncts(where.this))
    for join in q.tree.find_all(exp.Join):
        preds.extend(conjuncts(join.args.get("on")))
    for p in preds:
        lit = _literal(p, res, q.index)
        if lit is not None:
            out.append(lit)
    return out


_NOT_CONSTANT = (exp.Column, exp.Subquery, exp.Select, exp.Parameter, exp.Placeholder, exp.Star)


def _value(node: exp.Expression | None) -> str | None:
    """A constant's SQL (``'x'``, ``42``, ``date '1995-01-01' + interval '1' year``), else None."""
    if node is None or isinstance(node, exp.Null) or node.find(*_NOT_CONSTANT) is not None:
        return None
    if not isinstance(node, exp.Literal | exp.Cast | exp.Paren | exp.Binary | exp.Interval | exp.Neg
                      | exp.Boolean | exp.Func):
        return None
    return node.sql(dialect="postgres")


def _column(node: exp.Expression | None) -> exp.Column | None:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return node if isinstance(node, exp.Column) else None


def _literal(p: exp.Expression, res: Any, query: int) -> _Literal | None:
    def make(col: exp.Column, kind: str, values: list[str]) -> _Literal | None:
        table = res.table_of(col)
        if not table:
            return None
        copy = p.copy()
        for c in copy.find_all(exp.Column):
            c.set("table", None)
        return _Literal(query, table, col.name, kind, values, copy.sql(dialect="postgres"))

    if isinstance(p, exp.EQ):
        for col_node, other in ((p.this, p.expression), (p.expression, p.this)):
            col, v = _column(col_node), _value(other)
            if col is not None and v is not None:
                return make(col, "eq", [v])
        return None
    if isinstance(p, exp.In):
        col = _column(p.this)
        values = [_value(e) for e in p.expressions]
        if col is not None and values and all(v is not None for v in values):
            return make(col, "eq", [v for v in values if v is not None])
        return None
    if isinstance(p, exp.Between):
        col, lo, hi = _column(p.this), _value(p.args.get("low")), _value(p.args.get("high"))
        if col is not None and lo is not None and hi is not None:
            return make(col, "range", [lo, hi])
        return None
    if isinstance(p, exp.GT | exp.GTE | exp.LT | exp.LTE):
        for col_node, other in ((p.this, p.expression), (p.expression, p.this)):
            col, v = _column(col_node), _value(other)
            if col is not None and v is not None:
                return make(col, "range", [v])
        return None
    if isinstance(p, exp.Like | exp.ILike):
        col, pattern = _column(p.this), p.expression
        if col is not None and isinstance(pattern, exp.Literal) and pattern.is_string:
            return make(col, "like", [pattern.this])
    return None


def _literal_updates(
    conn: psycopg.Connection[Any], literals: Sequence[_Literal], cols: Mapping[tuple[str, str], _Col]
) -> list[tuple[str, str, sql.Composed]]:
    out: list[tuple[str, str, sql.Composed]] = []
    ranges: dict[tuple[str, str], list[str]] = {}
    seen: set[tuple[str, str, str]] = set()
    for lit in literals:
        col = cols.get((lit.table, lit.column))
        if col is None:
            continue
        if lit.kind == "range":
            ranges.setdefault((lit.table, lit.column), []).extend(lit.values)
            continue
        for value in lit.values:
            key = (lit.table, lit.column, value)
            if key in seen:
                continue
            seen.add(key)
            stmt = _occur(conn, lit, value, col)
            if stmt is not None:
                out.append((f"{lit.table}.{lit.column}: made {value} occur ({lit.kind})", lit.table, stmt))
    for (table, column), bounds in ranges.items():
        stmt = _cover(conn, table, column, bounds, cols[(table, column)])
        if stmt is not None:
            out.append((f"{table}.{column}: mapped onto the queries' ranges", table, stmt))
    return out


def _matches(conn: psycopg.Connection[Any], table: str, cond: sql.Composable) -> bool:
    try:
        with conn.transaction():
            row = conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE {})").format(
                sql.Identifier(table), cond)).fetchone()
        return bool(row and row[0])
    except psycopg.Error:
        return True  # cannot tell: leave the data alone


def _occur(conn: psycopg.Connection[Any], lit: _Literal, value: str, col: _Col) -> sql.Composed | None:
    t, c = sql.Identifier(lit.table), sql.Identifier(lit.column)
    if lit.kind == "eq":
        if _matches(conn, lit.table, sql.SQL("{} = {}").format(c, sql.SQL(value))):
            return None
        if col.unique:
            return sql.SQL("UPDATE {t} SET {c} = {v} WHERE ctid = (SELECT ctid FROM {t} ORDER BY ctid LIMIT 1)").format(
                t=t, c=c, v=sql.SQL(value))
        distinct = _distinct(conn, lit.table, lit.column, col.rows)
        fraction = min(MAX_EQ_FRACTION, max(1.0 / max(distinct, 1), 1.0 / max(col.rows, 1)))
        return sql.SQL("UPDATE {t} SET {c} = {v} WHERE random() < {f}").format(
            t=t, c=c, v=sql.SQL(value), f=sql.Literal(fraction))
    if lit.kind == "like" and col.category == "S":
        if _matches(conn, lit.table, sql.SQL("{} LIKE {}").format(c, sql.Literal(value))):
            return None
        return sql.SQL("UPDATE {t} SET {c} = {e} WHERE random() < {f}").format(
            t=t, c=c, e=_like_value(value, c, col), f=sql.Literal(LIKE_FRACTION))
    return None


def _distinct(conn: psycopg.Connection[Any], table: str, column: str, rows: int) -> float:
    row = conn.execute("SELECT n_distinct FROM pg_stats WHERE tablename = %s AND attname = %s",
                       (table, column)).fetchone()
    if not row or row[0] is None:
        return max(rows / 5, 1.0)
    nd = float(row[0])
    return nd if nd > 0 else -nd * max(rows, 1)


def _like_value(pattern: str, c: sql.Composable, col: _Col) -> sql.Composable:
    """A string matching ``pattern``, keeping part of the old value where a ``%`` allows it."""
    core = pattern.replace("%", "").replace("_", "x")
    room = 16
    if "(" in col.type_sql and col.type_sql.startswith(("character varying", "character(")):
        limit = int(col.type_sql.split("(")[1].rstrip(")"))
        room = max(0, limit - len(core))
    keep = sql.SQL("left(coalesce({c}::text, ''), {n})").format(c=c, n=sql.Literal(room))
    lead, trail = pattern.startswith("%"), pattern.endswith("%")
    parts: list[sql.Composable] = []
    if lead:
        parts.append(keep)
    parts.append(sql.Literal(core))
    if trail and not lead:
        parts.append(keep)
    return sql.SQL("({})").format(sql.SQL(" || ").join(parts))


def _cover(
    conn: psycopg.Connection[Any], table: str, column: str, bounds: list[str], col: _Col
) -> sql.Composed | None:
    """Map the column linearly onto the span of the queries' bounds when the data misses it."""
    if col.category not in ("N", "D") or col.unique:
        return None
    t, c = sql.Identifier(table), sql.Identifier(column)
    typ = sql.SQL(col.type_sql)
    lits = sql.SQL(", ").join(sql.SQL("({})::{}").format(sql.SQL(b), typ) for b in bounds)
    try:
        with conn.transaction():
            row = conn.execute(sql.SQL(
                "SELECT min({c}) <= least({l}) AND max({c}) >= greatest({l}) FROM {t}"
            ).format(c=c, l=lits, t=t)).fetchone()
    except psycopg.Error:
        return None
    if row is None or row[0] is None or row[0]:
        return None  # empty, or the data already spans every bound
    lo, hi = sql.SQL("least({})").format(lits), sql.SQL("greatest({})").format(lits)
    span = sql.SQL("({hi} - {lo})").format(hi=hi, lo=lo)
    if col.type_sql == "date":
        new_lo = sql.SQL("({lo} - ({s} + 1))").format(lo=lo, s=span)
        new_hi = sql.SQL("({hi} + ({s} + 1))").format(hi=hi, s=span)
    else:
        new_lo = sql.SQL("({lo} - {s})").format(lo=lo, s=span)
        new_hi = sql.SQL("({hi} + {s})").format(hi=hi, s=span)
    pos = sql.SQL(
        "(CASE WHEN m.hi = m.lo THEN 0.5 ELSE {pos} END)"
    ).format(pos=_position(col, c))
    expr = _lerp(col, new_lo, new_hi, pos)
    return sql.SQL(
        "UPDATE {t} SET {c} = {e} FROM (SELECT min({c}) AS lo, max({c}) AS hi FROM {t}) m WHERE {c} IS NOT NULL"
    ).format(t=t, c=c, e=expr)


def _position(col: _Col, c: sql.Composable) -> sql.Composable:
    """Where the old value sits between the old min ``m.lo`` and max ``m.hi``, in [0, 1]."""
    if col.type_sql == "date":
        return sql.SQL("(({c} - m.lo)::float8 / (m.hi - m.lo))").format(c=c)
    if col.category == "D":
        return sql.SQL("(extract(epoch FROM {c} - m.lo) / extract(epoch FROM m.hi - m.lo))").format(c=c)
    return sql.SQL("(({c} - m.lo)::float8 / (m.hi - m.lo)::float8)").format(c=c)


def _selectivity(conn: psycopg.Connection[Any], literals: Sequence[_Literal]) -> list[Selectivity]:
    by_table: dict[str, list[_Literal]] = {}
    for lit in literals:
        by_table.setdefault(lit.table, []).append(lit)
    out: list[Selectivity] = []
    for table, lits in by_table.items():
        filters = sql.SQL(", ").join(
            sql.SQL("count(*) FILTER (WHERE {})").format(sql.SQL(lit.predicate)) for lit in lits)  # type: ignore[arg-type]
        try:
            with conn.transaction():
                row = conn.execute(sql.SQL("SELECT count(*), {} FROM {}").format(
                    filters, sql.Identifier(table))).fetchone()
        except psycopg.Error:
            row = None
        total = int(row[0]) if row else 0
        for i, lit in enumerate(lits):
            frac = (int(row[i + 1]) / total) if row and total else None
            out.append(Selectivity(lit.query, table, lit.predicate, frac))
    out.sort(key=lambda s: (s.query, s.table, s.predicate))
    return out
