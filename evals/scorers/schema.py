"""Scorers on the answer's schema model: entities and relationships covered, foreign keys
declared and indexed, required constraints, column types, normalization findings."""

from __future__ import annotations

import re

from dbarch.evals.case import Case
from dbarch.evals.matching import resolve_column, resolve_tables
from dbarch.evals.scoring import Analysis, Score
from dbarch.tools.schema.model import Schema, Table
from dbarch.tools.schema.types import base_type

NORMALIZATION_RULES = frozenset({
    "no-repeating-groups", "no-list-in-column", "no-array-of-ids", "no-entity-attribute-value",
    "no-polymorphic-association", "no-transitive-dependency",
})
TYPE_RULES = frozenset({"no-float-money", "prefer-uuid-type", "prefer-timestamptz"})
_TYPE_CLASSES: dict[str, tuple[str, ...]] = {
    "money": ("numeric", "money", "bigint", "integer"),  # integer cents are exact too
    "timestamptz": ("timestamp with time zone", "tstzrange"),
    "uuid": ("uuid",),
    "integer": ("integer", "bigint", "smallint"),
    "text": ("text", "character varying", "citext"),
    "jsonb": ("jsonb",),
    "date": ("date",),
    "boolean": ("boolean",),
}


def _schema(case: Case, a: Analysis) -> Schema | None:
    if not case.expect.entities or a.schema is None:
        return None
    return a.schema


def _no_schema(name: str, case: Case, a: Analysis) -> Score | None:
    if not case.expect.entities:
        return None
    return Score(name, 0.0, "no schema to check (no DDL in the answer)")


def entities(case: Case, a: Analysis) -> Score | None:
    schema = _schema(case, a)
    if schema is None:
        return _no_schema("entities", case, a)
    found = resolve_tables(case, schema)
    missing = [e.name for e in case.expect.entities if e.name not in found]
    n = len(case.expect.entities)
    value = (n - len(missing)) / n
    expl = f"{n - len(missing)}/{n} entities" + (f"; missing: {', '.join(missing)}" if missing else "")
    return Score("entities", value, expl, threshold=0.8)


def relationships(case: Case, a: Analysis) -> Score | None:
    schema = _schema(case, a)
    if schema is None:
        return _no_schema("relationships", case, a) if case.expect.relationships else None
    rels = case.expect.relationships
    if not rels:
        return None
    tables = resolve_tables(case, schema)
    missing: list[str] = []
    for r in rels:
        src, dst = tables.get(r.from_), tables.get(r.to)
        if src is None or dst is None or not any(fk.ref_table == dst.key for fk in src.foreign_keys):
            missing.append(f"{r.from_}→{r.to}")
    value = (len(rels) - len(missing)) / len(rels)
    expl = f"{len(rels) - len(missing)}/{len(rels)} foreign keys to the right tables"
    return Score("relationships", value, expl + (f"; missing: {', '.join(missing)}" if missing else ""), threshold=0.8)


def foreign_keys_declared(case: Case, a: Analysis) -> Score | None:
    """Columns that name another table's key but carry no FOREIGN KEY (lint require-foreign-key)."""
    if _schema(case, a) is None:
        return None
    found = [d for d in a.lint if d.rule == "require-foreign-key"]
    if not found:
        return Score("foreign_keys_declared", 1.0, "every reference column is a declared foreign key")
    return Score("foreign_keys_declared", 1 / (1 + len(found)),
                 f"{len(found)} reference column(s) without FOREIGN KEY: " + "; ".join(d.message for d in found[:3]))


def _has_constraint(case: Case, schema: Schema, table: Table, kind: str, columns: tuple[str, ...], ddl: str) -> str | None:
    """``None`` when present, else why not."""
    cols: list[str] = []
    for spec in columns:
        resolved = resolve_column(case, schema, table, spec)
        if resolved is None:
            return f"no column {spec}"
        cols.extend(c.name for c in resolved)
    if kind == "primary_key":
        pk = table.primary_key
        if pk is None:
            return "no primary key"
        return None if not cols or set(pk.columns) == set(cols) else f"primary key is ({', '.join(pk.columns)})"
    if kind == "not_null":
        in_pk = set(table.primary_key.columns) if table.primary_key else set()
        nullable = [c for c in cols if (col := table.column(c)) is not None and col.nullable and c not in in_pk]
        return f"{', '.join(nullable)} nullable" if nullable else None
    if kind == "unique":
        if table.is_unique_on(tuple(cols)):
            return None
        if any(i.unique and set(i.columns) <= set(cols) for i in table.indexes):
            return None  # a partial unique index ("one active per ...")
        return f"nothing unique on ({', '.join(cols)})"
    if kind == "check":
        for chk in table.checks:
            if not cols or set(cols) & set(chk.columns) or any(re.search(rf"\b{c}\b", chk.expression) for c in cols):
                return None
        return "no CHECK" + (f" on {', '.join(cols)}" if cols else "")
    if kind == "foreign_key":
        if any(not cols or set(fk.columns) == set(cols) for fk in table.foreign_keys):
            return None
        return "no foreign key" + (f" on {', '.join(cols)}" if cols else "")
    if kind == "exclusion":
        name = re.escape(table.name)
        for stmt in ddl.split(";"):
            about = re.search(rf"\b(TABLE|ALTER\s+TABLE)\s+(\w+\.)?\"?{name}\"?\b", stmt, re.I)
            if about and re.search(r"\bEXCLUDE\s+USING\b", stmt, re.I) and (
                not cols or all(re.search(rf"\b{c}\b", stmt) for c in cols)
            ):
                return None
        return "no EXCLUDE constraint"
    return f"unknown kind {kind}"


def constraints(case: Case, a: Analysis) -> Score | None:
    schema = _schema(case, a)
    wanted = case.expect.constraints
    if not wanted:
        return None
    if schema is None:
        return _no_schema("constraints", case, a)
    tables = resolve_tables(case, schema)
    missing: list[str] = []
    for c in wanted:
        label = f"{c.kind} {c.entity}" + (f"({', '.join(c.columns)})" if c.columns else "")
        table = tables.get(c.entity)
        why = "no table" if table is None else _has_constraint(case, schema, table, c.kind, c.columns, a.extracted.ddl)
        if why:
            missing.append(f"{label}: {why}")
    value = (len(wanted) - len(missing)) / len(wanted)
    return Score("constraints", value, f"{len(wanted) - len(missing)}/{len(wanted)} required constraints"
                 + (f"; missing: {'; '.join(missing[:4])}" if missing else ""))


def foreign_keys_indexed(case: Case, a: Analysis) -> Score | None:
    schema = _schema(case, a)
    if schema is None:
        return None
    fks = [(t, fk) for t in schema for fk in t.foreign_keys]
    if not fks:
        return Score("foreign_keys_indexed", 1.0 if not case.expect.relationships else 0.0,
                     "no foreign keys" + (" (the case expects some)" if case.expect.relationships else ""),
                     gate=bool(case.expect.relationships))
    bare = [f"{t.name}({', '.join(fk.columns)})" for t, fk in fks if not t.has_index_leading_with(fk.columns)]
    value = (len(fks) - len(bare)) / len(fks)
    return Score("foreign_keys_indexed", value, f"{len(fks) - len(bare)}/{len(fks)} foreign keys indexed"
                 + (f"; unindexed: {', '.join(bare[:5])}" if bare else ""))


def types(case: Case, a: Analysis) -> Score | None:
    schema = _schema(case, a)
    if schema is None:
        return None
    tables = resolve_tables(case, schema)
    problems: list[str] = []
    checked = 0
    for rule in case.expect.types:
        checked += 1
        table = tables.get(rule.entity)
        cols = resolve_column(case, schema, table, rule.column) if table is not None else None
        if table is None or not cols:
            problems.append(f"{rule.entity}.{rule.column}: missing")
            continue
        base = base_type(cols[0].type)
        if base not in _TYPE_CLASSES[rule.type]:
            problems.append(f"{table.name}.{cols[0].name} is {cols[0].type}, want {rule.type}")
    for d in a.lint:
        if d.rule in TYPE_RULES:
            checked += 1
            problems.append(f"{d.rule} (line {d.line})")
    if not checked:
        return Score("types", 1.0, "no type rule in the case; no money/uuid/time-zone finding")
    value = 1.0 if not problems else max(0.0, 1 - len(problems) / max(checked, 1))
    return Score("types", value, "types right" if not problems else "; ".join(problems[:4]))


def normalization(case: Case, a: Analysis) -> Score | None:
    if _schema(case, a) is None:
        return None
    found = [d for d in a.lint if d.rule in NORMALIZATION_RULES and str(d.severity) != "info"]
    if not found:
        return Score("normalization", 1.0, "no normalization finding (repeating groups, lists, EAV, ...)")
    return Score("normalization", 1 / (1 + len(found)),
                 "; ".join(f"{d.rule}: {d.message}" for d in found[:3]))
