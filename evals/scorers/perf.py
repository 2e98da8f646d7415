"""Scorers that run the answer on synthetic data in the sandbox: critical access patterns
served by an index, query optimizations that measurably cut the plan's cost, migrations that
apply on top of the given schema with rows in its tables."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from dbarch.evals.case import AccessPattern, Case
from dbarch.evals.loaded import Loaded, load, scaled_rows
from dbarch.evals.matching import resolve_column, resolve_tables
from dbarch.evals.scoring import Analysis, Score
from dbarch.tools.schema.model import Schema, Table
from dbarch.tools.schema.types import base_type

_TIME = ("timestamp with time zone", "timestamp without time zone", "date")
MIGRATION_ROWS = 500
"""Rows per table of the given schema before a migration runs (NOT NULL without default fails)."""


def _explain_plan(conn: Any, sql: str) -> tuple[float, list[dict[str, Any]]]:
    row = conn.execute(("EXPLAIN (FORMAT JSON" + (", GENERIC_PLAN" if "$1" in sql else "") + ") " + sql).encode()).fetchone()
    top = row[0][0]["Plan"]
    nodes: list[dict[str, Any]] = []
    stack = [top]
    while stack:
        n = stack.pop()
        nodes.append(n)
        stack.extend(n.get("Plans", []) or [])
    return float(top["Total Cost"]), nodes


def _pattern_sql(case: Case, schema: Schema, table: Table, p: AccessPattern) -> str:
    conds: list[str] = []
    n = 0
    for i, spec in enumerate(p.where):
        cols = resolve_column(case, schema, table, spec)
        if not cols:
            raise LookupError(f"{p.name}: no column {spec} in {table.name}")
        last = i == len(p.where) - 1
        for col in cols:
            if p.range and last:
                if base_type(col.type) in _TIME:
                    conds.append(f'"{col.name}" >= now() - interval \'7 days\'')
                else:
                    n += 1
                    conds.append(f'"{col.name}" >= ${n}')
            else:
                n += 1
                conds.append(f'"{col.name}" = ${n}')
    sql = f'SELECT * FROM "{table.schema}"."{table.name}"'
    if conds:
        sql += " WHERE " + " AND ".join(conds)
    if p.order_by:
        cols = resolve_column(case, schema, table, p.order_by)
        if not cols:
            raise LookupError(f"{p.name}: no column {p.order_by} to order by in {table.name}")
        sql += f' ORDER BY "{cols[0].name}" DESC LIMIT 20'
    return sql


def access_patterns(case: Case, a: Analysis) -> Score | None:
    patterns = case.expect.access_patterns
    if not patterns:
        return None
    chk, schema = a.check, a.schema
    if chk is None or schema is None or not chk.applied:
        return Score("access_patterns", 0.0, "no applied schema to run the critical queries on")
    tables = resolve_tables(case, schema)
    stated: dict[str, int | str] = {}
    for entity, count in case.volumes.items():
        t = tables.get(entity)
        stated[t.name if t is not None else entity] = count
    focus = [tables[p.entity].name for p in patterns if p.entity in tables]
    cap = a.ctx.pattern_rows
    rows = scaled_rows(stated, cap, focus)
    key = "answer:" + hashlib.sha1(a.extracted.ddl.encode()).hexdigest()
    with a.ctx.loaded.get(key, lambda: load(a.ctx.sandbox, list(chk.scripts), rows, cap)) as item:
        if item.error is not None:
            return Score("access_patterns", 0.0, f"could not load data: {item.error.one_line()}")
        served, problems = 0, []
        for p in patterns:
            table = tables.get(p.entity)
            if table is None:
                problems.append(f"{p.name}: no table for {p.entity}")
                continue
            try:
                sql = _pattern_sql(case, schema, table, p)
                cost, nodes = _explain_plan(item.db.conn, sql)
            except LookupError as exc:
                problems.append(str(exc))
                continue
            scans = [n for n in nodes if n.get("Node Type") == "Seq Scan" and n.get("Relation Name") == table.name]
            loaded_rows = _rows(item.db.conn, table)
            if loaded_rows < min(1000, cap // 10):
                # too few rows for the plan to tell anything: fall back to reading the indexes
                cols = tuple(c.name for spec in p.where for c in (resolve_column(case, schema, table, spec) or ()))
                if cols and table.has_index_leading_with(cols[:1]):
                    served += 1
                    problems.append(f"{p.name}: only {loaded_rows} rows loaded in {table.name}; judged from its indexes"
                                    + (f" (datagen: {item.notices[0]})" if item.notices else ""))
                else:
                    problems.append(f"{p.name}: only {loaded_rows} rows loaded in {table.name} and no index leads with "
                                    f"({', '.join(cols) or '?'})" + (f" (datagen: {item.notices[0]})" if item.notices else ""))
            elif scans:
                problems.append(f"{p.name}: sequential scan of {table.name} (cost {cost:,.0f})")
            else:
                served += 1
    value = served / len(patterns)
    return Score("access_patterns", value, f"{served}/{len(patterns)} critical queries served by an index at "
                 f"{max(rows.values(), default=0):,} rows" + (f"; {'; '.join(problems[:3])}" if problems else ""))


def _rows(conn: Any, table: Table) -> int:
    row = conn.execute("SELECT coalesce(sum(c.reltuples), 0)::bigint FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid "
                       "WHERE i.inhparent = %s::regclass", [f'"{table.schema}"."{table.name}"']).fetchone()
    own = conn.execute("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
                       [f'"{table.schema}"."{table.name}"']).fetchone()
    return int(row[0] if row else 0) + int(own[0] if own else 0)


def _fingerprint(conn: Any, sql: str) -> str | None:
    try:
        with conn.transaction(force_rollback=True):
            row = conn.execute((f"SELECT count(*), md5(coalesce(string_agg(q::text, ',' ORDER BY q::text), '')) "
                                f"FROM ({sql}) q").encode()).fetchone()
        return f"{row[0]}:{row[1]}"
    except Exception:
        return None


def _given(case: Case, a: Analysis) -> Loaded:
    from dbarch.tools.sql.parse import parse_script

    script = parse_script(case.schema_sql or "", source="given-schema.sql")
    return load(a.ctx.sandbox, [script], scaled_rows(case.volumes, a.ctx.max_rows), a.ctx.max_rows)


_NOT_IN_TX = re.compile(r"^\s*(VACUUM|BEGIN|COMMIT|START|END|SET|RESET|ANALYZE)\b", re.I)


def query_gain(case: Case, a: Analysis) -> Score | None:
    """Cost of each critical query before and after the answer's DDL (and rewrite: any query
    of the answer that returns the same rows on the loaded data counts as a rewrite)."""
    queries = case.expect.queries
    if not queries:
        return None
    ddl = [s.strip() for s in a.extracted.ddl.split(";\n") if s.strip()]
    key = "given:" + case.id
    with a.ctx.loaded.get(key, lambda: _given(case, a)) as item:
        if item.error is not None:
            return Score("query_gain", 0.0, f"the case's schema does not load: {item.error.one_line()}")
        conn = item.db.conn
        gains: list[str] = []
        ok = 0
        with conn.transaction(force_rollback=True):
            base = {q.name: _explain_plan(conn, q.sql)[0] for q in queries}
            prints = {q.name: _fingerprint(conn, q.sql) for q in queries}
            for stmt in ddl:
                if _NOT_IN_TX.match(stmt):
                    continue
                text = re.sub(r"\bCONCURRENTLY\b", "", stmt.rstrip(";"), flags=re.I)
                try:
                    with conn.transaction():
                        conn.execute(text.encode())
                except Exception as exc:
                    return Score("query_gain", 0.0, f"the answer's DDL fails: {str(exc).splitlines()[0]}")
            conn.execute("ANALYZE")
            for q in queries:
                costs = [_explain_plan(conn, q.sql)[0]]
                for cand in a.extracted.queries:
                    if cand.strip() == q.sql.strip():
                        continue
                    fp = _fingerprint(conn, cand)
                    if fp is not None and fp == prints[q.name]:
                        try:
                            with conn.transaction():
                                costs.append(_explain_plan(conn, cand)[0])
                        except Exception:  # a rewrite that does not plan is no rewrite
                            continue
                after = min(costs)
                gain = base[q.name] / after if after > 0 else float("inf")
                ok += gain >= case.expect.min_gain
                gains.append(f"{q.name}: {base[q.name]:,.0f} → {after:,.0f} ({gain:,.1f}×)")
    value = ok / len(queries)
    return Score("query_gain", value, f"{ok}/{len(queries)} queries ≥ {case.expect.min_gain:g}× cheaper: " + "; ".join(gains))


def migration_applies(case: Case, a: Analysis) -> Score | None:
    if not case.expect.migration:
        return None
    chk = a.check
    if chk is None:
        return Score("migration_applies", 0.0, "no migration SQL in the answer")
    if any(s.errors for s in chk.scripts):
        return Score("migration_applies", 0.0, "the migration does not parse")
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    given = parse_script(case.schema_sql or "", source="given-schema.sql")
    rows = {k: MIGRATION_ROWS for k in case.volumes} or {}
    item = load(a.ctx.sandbox, [given], rows, MIGRATION_ROWS)
    try:
        if item.error is not None:
            return Score("migration_applies", 0.0, f"the case's schema does not load: {item.error.one_line()}")
        if case.prepare:
            item.db.conn.execute(case.prepare.encode())
        result = apply_scripts(a.ctx.sandbox, item.db, [chk.scripts[-1]])
    finally:
        a.ctx.sandbox.drop_scratch(item.db)
    if result.error is not None:
        return Score("migration_applies", 0.0, f"fails on the populated schema: {result.error.one_line()}")
    return Score("migration_applies", 1.0, f"applies on the given schema with {MIGRATION_ROWS} rows per table")
