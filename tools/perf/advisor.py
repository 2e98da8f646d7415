"""The index advisor: candidates from the workload's trees, each built for real and measured.

1. Plan every query (``before``).
2. Candidates (:mod:`tools.candidates`) that an existing index does not already cover are
   each built inside a transaction that is rolled back (the embedded server has no hypopg):
   size from ``pg_relation_size``, the queries on that table re-planned.
3. Greedy selection by benefit / size within the budget, as in Anytime DTA. A query's cost
   under a set of indexes is taken as its best cost under any one of them (an index per
   query and table, the usual case). A round stops the search when it gains less than 10% of
   what the first round gained, and an index is only kept when it cuts some query by 10%.
4. The chosen set is built together once more, the whole workload re-planned (and, with
   ``analyze``, executed) to report before/after per query; a chosen index that no plan uses
   is dropped from the advice.

Existing indexes that no plan uses, and those whose columns lead another index, are listed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlglot import exp

from dbarch.tools.perf.candidates import IndexSpec, candidates
from dbarch.tools.perf.explain import QueryReport, explain_query
from dbarch.tools.sql.queries import Query

MIN_ROUND_GAIN = 0.10
MIN_QUERY_GAIN = 0.10


@dataclass(frozen=True, slots=True)
class Recommendation:
    spec: IndexSpec
    name: str
    ddl: str
    """Ready to run: ``CREATE INDEX CONCURRENTLY ...;``."""
    size_bytes: int
    benefit: float
    """Estimated cost saved over the workload."""
    queries: tuple[int, ...]
    """Indexes of the queries whose plans use it."""


@dataclass(frozen=True, slots=True)
class QueryAdvice:
    before: QueryReport
    after: QueryReport | None
    gain: float | None = field(init=False, default=None)
    """Share of the cost the advice saves (0.4: 40% cheaper); ``None`` when unknown."""

    def __post_init__(self) -> None:
        b, a = self.before.total_cost, self.after.total_cost if self.after else None
        gain = None if b is None or a is None or b <= 0 else 1.0 - a / b
        object.__setattr__(self, "gain", gain)


@dataclass(frozen=True, slots=True)
class ExistingIndex:
    name: str
    table: str
    definition: str
    reason: str
    """``unused`` by this workload, or ``redundant with <other>``."""


@dataclass(frozen=True, slots=True)
class Advice:
    queries: tuple[QueryAdvice, ...]
    recommendations: tuple[Recommendation, ...]
    existing: tuple[ExistingIndex, ...]
    candidates_tried: int
    budget_mb: float
    seconds: float
    notices: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Trial:
    spec: IndexSpec
    size: int
    costs: dict[int, float]


def advise(
    conn: psycopg.Connection[Any], queries: Sequence[Query], *, budget_mb: float = 1024.0,
    analyze: bool = False,
) -> Advice:
    """Advise indexes for ``queries`` on ``conn``'s (loaded, analysed) database."""
    started = time.perf_counter()
    notices: list[str] = []
    conn.execute("SET maintenance_work_mem = '256MB'")
    before = [explain_query(conn, q, analyze=analyze) for q in queries]
    good = [q for q, r in zip(queries, before, strict=True) if r.ok and r.total_cost is not None]
    base = {q.index: r.total_cost or 0.0 for q, r in zip(queries, before, strict=True) if r.ok}
    columns = _columns(conn)
    existing = _existing(conn)
    specs: list[IndexSpec] = []
    for q in good:
        assert q.tree is not None
        for spec in candidates(q.tree, columns):
            if spec not in specs and not _covered(spec, existing):
                specs.append(spec)
    by_table: dict[str, list[Query]] = {}
    for q in good:
        assert q.tree is not None
        for name in {tb.name for tb in q.tree.find_all(exp.Table)}:
            by_table.setdefault(name, []).append(q)
    trials: list[_Trial] = []
    for i, spec in enumerate(specs):
        trial = _try(conn, spec, f"dbarch_cand_{i}", by_table.get(spec.table, []))
        if isinstance(trial, str):
            notices.append(f"candidate {spec.body()} could not be built: {trial}")
        else:
            trials.append(trial)
    chosen = _greedy(trials, base, budget_mb * 1024 * 1024)
    recs, after, unused = _verify(conn, chosen, queries, analyze, base)
    for spec in unused:
        notices.append(f"{spec.body()} looked useful alone but no plan uses it with the others: dropped")
    used = set().union(*(r.indexes_used() for r in before if r.ok), *(r.indexes_used() for r in after if r.ok))
    advice = tuple(
        QueryAdvice(b, a if recs else None) for b, a in zip(before, after or before, strict=True)
    )
    return Advice(
        advice, tuple(recs), tuple(_report_existing(existing, used, by_table)), len(specs), budget_mb,
        time.perf_counter() - started, tuple(notices),
    )


def _columns(conn: psycopg.Connection[Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for table, column in conn.execute(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 "
        "AND NOT a.attisdropped AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%'"
    ):
        out.setdefault(str(table), set()).add(str(column))
    return out


@dataclass(frozen=True, slots=True)
class _Existing:
    name: str
    table: str
    columns: tuple[str, ...]
    definition: str
    partial: bool
    enforces: bool
    """Backs a PRIMARY KEY, UNIQUE or exclusion constraint, or is unique."""


def _existing(conn: psycopg.Connection[Any]) -> list[_Existing]:
    rows = conn.execute(
        "SELECT ic.relname, tc.relname, ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n WHERE o <= i.indnkeyatts ORDER BY o), "
        "pg_get_indexdef(i.indexrelid), i.indpred IS NOT NULL OR i.indexprs IS NOT NULL, "
        "i.indisunique OR EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = tc.relnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
        "ORDER BY tc.relname, ic.relname"
    ).fetchall()
    return [_Existing(str(a), str(b), tuple(c), str(d), bool(e), bool(f)) for a, b, c, d, e, f in rows]


def _covered(spec: IndexSpec, existing: list[_Existing]) -> bool:
    """An existing plain index already leads with the candidate's columns."""
    if spec.include or spec.where:
        return False
    return any(e.table == spec.table and not e.partial and e.columns[: len(spec.columns)] == spec.columns
               for e in existing)


def _try(conn: psycopg.Connection[Any], spec: IndexSpec, name: str, queries: list[Query]) -> _Trial | str:
    costs: dict[int, float] = {}
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(f"CREATE INDEX {name} ON {spec.body()}".encode())
            row = conn.execute("SELECT pg_relation_size(%s::regclass)", (name,)).fetchone()
            size = int(row[0]) if row else 0
            for q in queries:
                report = explain_query(conn, q)
                if report.ok and report.total_cost is not None:
                    costs[q.index] = report.total_cost
    except psycopg.Error as exc:
        return exc.diag.message_primary or str(exc)
    return _Trial(spec, size, costs)


def _greedy(trials: list[_Trial], base: dict[int, float], budget: float) -> list[_Trial]:
    current = dict(base)
    chosen: list[_Trial] = []
    spent = 0.0
    first_gain: float | None = None
    while True:
        best: tuple[float, float, _Trial] | None = None
        for t in trials:
            if t in chosen or spent + t.size > budget:
                continue
            gain = sum(max(0.0, current[q] - c) for q, c in t.costs.items() if q in current)
            cuts = any(current.get(q, 0) > 0 and (current[q] - c) / current[q] >= MIN_QUERY_GAIN
                       for q, c in t.costs.items())
            if gain <= 0 or not cuts:
                continue
            score = gain / max(t.size, 8192)
            if best is None or score > best[0]:
                best = (score, gain, t)
        if best is None:
            return chosen
        _, gain, pick = best
        if first_gain is None:
            first_gain = gain
        elif gain < MIN_ROUND_GAIN * first_gain:
            return chosen
        chosen.append(pick)
        spent += pick.size
        for q, c in pick.costs.items():
            current[q] = min(current[q], c)


def index_name(spec: IndexSpec) -> str:
    parts = [spec.table, *spec.columns] + (["partial"] if spec.where else []) + (["cov"] if spec.include else [])
    return ("_".join(parts) + "_idx")[-63:].lstrip("_")


def _verify(
    conn: psycopg.Connection[Any], chosen: list[_Trial], queries: Sequence[Query], analyze: bool,
    base: dict[int, float],
) -> tuple[list[Recommendation], list[QueryReport], list[IndexSpec]]:
    if not chosen:
        return [], [], []
    names = {t.spec: index_name(t.spec) for t in chosen}
    with conn.transaction(force_rollback=True):
        sizes: dict[IndexSpec, int] = {}
        for t in chosen:
            conn.execute(f"CREATE INDEX {names[t.spec]} ON {t.spec.body()}".encode())
            row = conn.execute("SELECT pg_relation_size(%s::regclass)", (names[t.spec],)).fetchone()
            sizes[t.spec] = int(row[0]) if row else t.size
        after = [explain_query(conn, q, analyze=analyze) for q in queries]
    recs: list[Recommendation] = []
    unused: list[IndexSpec] = []
    for t in chosen:
        users = tuple(r.index for r in after if names[t.spec] in r.indexes_used())
        if not users:
            unused.append(t.spec)
            continue
        benefit = sum(max(0.0, base.get(r.index, 0.0) - (r.total_cost or 0.0)) for r in after if r.index in users)
        recs.append(Recommendation(
            t.spec, names[t.spec], f"CREATE INDEX CONCURRENTLY {names[t.spec]} ON {t.spec.body()};",
            sizes[t.spec], benefit, users,
        ))
    return recs, after, unused


def _report_existing(
    existing: list[_Existing], used: set[str], by_table: dict[str, list[Query]]
) -> list[ExistingIndex]:
    out: list[ExistingIndex] = []
    for e in existing:
        if e.table not in by_table:
            continue
        other = next((o for o in existing if o is not e and o.table == e.table and not o.partial
                      and len(o.columns) > len(e.columns) and o.columns[: len(e.columns)] == e.columns), None)
        if other is not None and not e.enforces and not e.partial:
            out.append(ExistingIndex(e.name, e.table, e.definition, f"redundant with {other.name}"))
        elif e.name not in used and not e.enforces:
            out.append(ExistingIndex(e.name, e.table, e.definition, "unused by this workload"))
    return out
