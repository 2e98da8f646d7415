"""The index advisor: candidates from the workload's trees, each built for real and measured.

1. Plan every query (``before``).
2. Read each constant of the workload as a parameter or a fixed value
   (:mod:`dbarch.tools.perf.constants`): only fixed ones may get a partial index.
3. Candidates (:mod:`dbarch.tools.perf.candidates`) that an existing index does not already
   cover are each built inside a transaction that is rolled back (the embedded server has no
   hypopg): size from ``pg_relation_size``, the queries on that table re-planned.
4. Greedy selection by benefit / size within the budget (:mod:`dbarch.tools.perf.trials`):
   round one on each candidate alone, later rounds on the best candidates built on top of the
   indexes already chosen, so combinations are measured, not assumed; then two chosen indexes
   on one table are merged into a composite candidate that covers both when the workload is no
   slower with it.
5. The chosen set is built together once more and the whole workload re-planned; a chosen index
   that no plan uses is dropped. With ``analyze`` every query is also executed (median of
   several runs, rolled back) before and after, and a recommendation whose removal does not
   slow its queries is dropped (:mod:`dbarch.tools.perf.timing`): cost is not time. A query
   measured much slower with the advice than without is named in a notice.

Existing indexes that no plan uses, and those whose columns lead another index, are listed.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlglot import exp

from dbarch.tools.perf import timing
from dbarch.tools.perf.candidates import IndexSpec, candidates
from dbarch.tools.perf.constants import ConstantUse, classify_constants, fixed_columns
from dbarch.tools.perf.explain import QueryReport, explain_query
from dbarch.tools.perf.trials import Trial, build, choose, merge, try_alone
from dbarch.tools.sql.queries import Query

SLOWER = 1.5
"""A query whose measured time grows by this factor with the advice is named in a notice."""


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
    before_ms: float | None = None
    """Median measured execution time without the recommended indexes (with ``analyze``)."""
    after_ms: float | None = None
    """Median measured execution time with them (with ``analyze``)."""
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
    constants: tuple[ConstantUse, ...] = field(default=())
    """How each constant of the workload was read: a parameter, or a fixed value."""

    total_size_bytes: int = field(init=False, default=0)
    """Size of all the recommended indexes together."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_size_bytes", sum(r.size_bytes for r in self.recommendations))


def advise(
    conn: psycopg.Connection[Any], queries: Sequence[Query], *, budget_mb: float = 1024.0,
    analyze: bool = False, fixed: Collection[tuple[str, str]] = (), runs: int = timing.RUNS,
) -> Advice:
    """Advise indexes for ``queries`` on ``conn``'s (loaded, analysed) database.

    ``fixed`` marks ``(table, column)`` pairs whose constants are really fixed values (a
    partial index may be tied to them); ``analyze`` confirms every recommendation by measured
    time (median of ``runs`` executions, rolled back).
    """
    started = time.perf_counter()
    notices: list[str] = []
    conn.execute("SET maintenance_work_mem = '256MB'")
    before = [explain_query(conn, q) for q in queries]  # costs: a query too slow to run still counts
    good = [q for q, r in zip(queries, before, strict=True) if r.ok and r.total_cost is not None]
    base = {q.index: r.total_cost or 0.0 for q, r in zip(queries, before, strict=True) if r.ok}
    columns = table_columns(conn)
    existing = _existing(conn)
    constants = classify_constants(conn, good, columns, fixed)
    allowed = fixed_columns(constants)
    specs: list[IndexSpec] = []
    for q in good:
        assert q.tree is not None
        for spec in candidates(q.tree, columns, fixed=allowed):
            if spec not in specs and not _covered(spec, existing):
                specs.append(spec)
    by_table: dict[str, list[Query]] = {}
    for q in good:
        assert q.tree is not None
        for name in sorted({tb.name for tb in q.tree.find_all(exp.Table)}):
            by_table.setdefault(name, []).append(q)
    trials: list[Trial] = []
    for i, spec in enumerate(specs):
        trial = try_alone(conn, spec, f"dbarch_cand_{i}", by_table.get(spec.table, []))
        if isinstance(trial, str):
            notices.append(f"candidate {spec.body()} could not be built: {trial}")
        else:
            trials.append(trial)
    budget = budget_mb * 1024 * 1024
    chosen = merge(conn, choose(conn, trials, base, budget, by_table), trials, by_table, budget)
    before_ms = timing.time_all(conn, good, runs) if analyze and chosen else {}
    for q in good:
        if analyze and chosen and q.index not in before_ms:
            notices.append(f"query {q.index} did not finish within the statement timeout before the advice")
    recs, after, after_ms = _verify(conn, chosen, queries, good, analyze, base, runs, notices)
    served = {i for r in recs for i in r.queries}  # other queries keep their plan: any change is noise
    for index, ms in sorted(after_ms.items()):
        if index in served and index in before_ms and ms >= before_ms[index] * SLOWER:
            notices.append(
                f"query {index} measured slower with the advice ({before_ms[index]:.1f} ms before, {ms:.1f} ms "
                "after): the planner prefers a new index that does not pay off for it; check its plan")
    used = set().union(*(r.indexes_used() for r in before if r.ok), *(r.indexes_used() for r in after if r.ok))
    advice = tuple(
        QueryAdvice(b, a if recs else None, before_ms.get(b.index), after_ms.get(b.index) if recs else None)
        for b, a in zip(before, after or before, strict=True)
    )
    return Advice(
        advice, tuple(recs), tuple(_report_existing(existing, used, by_table)), len(specs), budget_mb,
        time.perf_counter() - started, tuple(notices), tuple(constants),
    )


def table_columns(conn: psycopg.Connection[Any]) -> dict[str, set[str]]:
    """Table name → its column names, for every user table of the database."""
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


def index_name(spec: IndexSpec) -> str:
    parts = [spec.table, *spec.columns] + (["partial"] if spec.where else []) + (["cov"] if spec.include else [])
    return ("_".join(parts) + "_idx")[-63:].lstrip("_")


def _verify(
    conn: psycopg.Connection[Any], chosen: list[Trial], queries: Sequence[Query], good: Sequence[Query],
    analyze: bool, base: dict[int, float], runs: int, notices: list[str],
) -> tuple[list[Recommendation], list[QueryReport], dict[int, float]]:
    """Build the chosen set together, re-plan (and time) the workload, keep what is used."""
    if not chosen:
        return [], [], {}
    names = {t.spec: index_name(t.spec) for t in chosen}
    by_index = {q.index: q for q in good}
    with conn.transaction(force_rollback=True):
        sizes = {t.spec: build(conn, t.spec, names[t.spec]) for t in chosen}
        after = [explain_query(conn, q) for q in queries]
        kept: list[Trial] = []
        for t in chosen:
            users = tuple(r.index for r in after if names[t.spec] in r.indexes_used())
            if users:
                kept.append(t)
            else:
                notices.append(f"{t.spec.body()} looked useful alone but no plan uses it with the others: dropped")
        after_ms: dict[int, float] = {}
        if analyze and kept:
            after_ms = timing.time_all(conn, good, runs)
            for t in list(kept):
                served = [by_index[r.index] for r in after if names[t.spec] in r.indexes_used() and r.index in by_index]
                slower, without = timing.helps(conn, names[t.spec], served, after_ms, runs)
                if not slower:
                    kept.remove(t)
                    shown = ", ".join(f"query {q.index}: {after_ms.get(q.index, 0):.2f} ms with it, "
                                      f"{without.get(q.index, 0):.2f} ms without" for q in served)
                    notices.append(f"{t.spec.body()} made the plans cheaper but not the measured time "
                                   f"({shown}): dropped")
        if len(kept) != len(chosen):
            for t in chosen:
                if t not in kept:
                    conn.execute(f"DROP INDEX {names[t.spec]}".encode())
            after = [explain_query(conn, q) for q in queries]
            if analyze and kept:
                after_ms = timing.time_all(conn, good, runs)
    recs: list[Recommendation] = []
    for t in kept:
        users = tuple(r.index for r in after if names[t.spec] in r.indexes_used())
        if not users:
            continue
        benefit = sum(max(0.0, base.get(r.index, 0.0) - (r.total_cost or 0.0)) for r in after if r.index in users)
        recs.append(Recommendation(
            t.spec, names[t.spec], f"CREATE INDEX CONCURRENTLY {names[t.spec]} ON {t.spec.body()};",
            sizes[t.spec], benefit, users,
        ))
    return recs, after, after_ms


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
