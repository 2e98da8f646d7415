"""Matching the case's words to the answer's names: tables by entity (synonyms, singular or
plural, a namespace prefix), columns by ``a|b`` alternatives or ``->entity`` (the foreign key
column to that entity's table)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dbarch.evals.case import Case
from dbarch.tools.schema.model import Column, Schema, Table

_IRREGULAR = {"people": "person", "children": "child", "data": "datum", "media": "medium", "men": "man",
              "women": "woman", "indices": "index", "statuses": "status", "addresses": "address",
              "analyses": "analysis", "series": "series", "news": "news"}


def singular(word: str) -> str:
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if re.search(r"(ss|x|ch|sh)es$", w):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def norm(name: str) -> str:
    """``public.Order_Items`` → ``order_item``: lower case, no schema, last word singular."""
    base = name.rsplit(".", 1)[-1].strip('"').lower()
    parts = base.split("_")
    parts[-1] = singular(parts[-1])
    return "_".join(parts)


def _candidates(case: Case, entity: str) -> list[str]:
    for e in case.expect.entities:
        if e.name == entity:
            return [norm(n) for n in (e.name, *e.synonyms)]
    return [norm(entity)]


def resolve_tables(case: Case, schema: Schema) -> dict[str, Table]:
    """Entity name → the answer's table for it (exact normalised name first, then a table whose
    name ends with ``_<name>`` such as ``app_users``). Each table serves one entity."""
    tables = list(schema)
    taken: set[str] = set()
    out: dict[str, Table] = {}
    for exact in (True, False):
        for e in case.expect.entities:
            if e.name in out:
                continue
            cands = _candidates(case, e.name)
            for t in tables:
                if t.key in taken:
                    continue
                n = norm(t.name)
                if (exact and n in cands) or (not exact and any(n.endswith("_" + c) or (n.startswith(c + "_") and
                                                                  _only_suffix(n, c)) for c in cands)):
                    out[e.name] = t
                    taken.add(t.key)
                    break
    return out


def _only_suffix(n: str, c: str) -> bool:
    # ``booking_room`` must not stand for ``booking``: accept ``<entity>_<word>`` only for a
    # few neutral suffixes
    return n[len(c) + 1 :] in {"record", "entry", "log", "table", "data", "info"}


def resolve_column(case: Case, schema: Schema, table: Table, spec: str) -> tuple[Column, ...] | None:
    """The column(s) ``spec`` names in ``table``: ``a|b`` alternatives, or ``->entity`` (the
    columns of the table's foreign key to that entity)."""
    if spec.startswith("->"):
        target = resolve_tables(case, schema).get(spec[2:])
        if target is None:
            return None
        for fk in table.foreign_keys:
            if fk.ref_table == target.key:
                cols = tuple(c for c in (table.column(n) for n in fk.columns) if c is not None)
                return cols or None
        # a tenant key carried inside composite foreign keys: ``tenant_id`` with no FK of its own
        col = table.column(f"{norm(target.name)}_id")
        return (col,) if col is not None else None
    for alt in spec.split("|"):
        col = table.column(alt.strip().lower())
        if col is not None:
            return (col,)
    return None


def any_match(patterns: Iterable[str], text: str) -> str | None:
    for p in patterns:
        m = re.search(p, text, re.I | re.S)
        if m:
            return m.group(0)
    return None
