"""Index candidates tried for real, alone and on top of the indexes already chosen.

The embedded server has no hypopg, so a candidate is built inside a transaction that is always
rolled back: its size comes from ``pg_relation_size`` and the queries on its table are
re-planned. Selection is greedy by benefit per byte within the budget, as in Anytime DTA, but
each round after the first evaluates the most promising candidates on the tables of the indexes
chosen so far *together with* them (built once per round, each candidate in a savepoint): an
index that only helps next to another one is found, and one made useless by an earlier pick is
not taken twice. Candidates on other tables keep the costs they measured alone.

Benefit per byte favours small single-column indexes, and two of them can serve one query
through a BitmapAnd: cheap on paper, slower than one composite index when run. So the choice
ends with *index merging*: two chosen indexes on one table are replaced by a candidate whose
columns cover both (``(part_id)`` + ``(shipped_on)`` → ``(part_id, shipped_on)``) whenever the
workload's cost with the composite is no higher.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from dbarch.tools.perf.candidates import IndexSpec
from dbarch.tools.perf.explain import explain_query
from dbarch.tools.sql.queries import Query

MIN_ROUND_GAIN = 0.01
"""A round that saves less than this share of the workload's remaining cost ends the search.

(Not a share of the first round's gain: one query that cannot finish without an index, such as
TPC-H Q20, saves so much in round one that every later index would look negligible.)"""
MIN_QUERY_GAIN = 0.10
"""An index is only kept when it makes some query at least this much cheaper."""
ROUND_WIDTH = 6
"""Candidates on the chosen indexes' tables re-evaluated on top of them in each later round."""


@dataclass(frozen=True, slots=True)
class Trial:
    """A candidate measured on the server: its size and the re-planned cost per query."""

    spec: IndexSpec
    size: int
    costs: Mapping[int, float]


def build(conn: psycopg.Connection[Any], spec: IndexSpec, name: str) -> int:
    """Create the index (inside the caller's transaction) and return its size in bytes."""
    conn.execute(f"CREATE INDEX {name} ON {spec.body()}".encode())
    row = conn.execute("SELECT pg_relation_size(%s::regclass)", (name,)).fetchone()
    return int(row[0]) if row else 0


def _replan(conn: psycopg.Connection[Any], queries: Sequence[Query]) -> dict[int, float]:
    costs: dict[int, float] = {}
    for q in queries:
        report = explain_query(conn, q)
        if report.ok and report.total_cost is not None:
            costs[q.index] = report.total_cost
    return costs


def try_alone(conn: psycopg.Connection[Any], spec: IndexSpec, name: str, queries: Sequence[Query]) -> Trial | str:
    """Build ``spec`` in a rolled-back transaction and re-plan ``queries``; an error is returned."""
    try:
        with conn.transaction(force_rollback=True):
            size = build(conn, spec, name)
            return Trial(spec, size, _replan(conn, queries))
    except psycopg.Error as exc:
        return exc.diag.message_primary or str(exc)


def _gain(current: Mapping[int, float], costs: Mapping[int, float]) -> tuple[float, bool]:
    """Cost saved over the workload, and whether some query got at least MIN_QUERY_GAIN cheaper."""
    gain = sum(max(0.0, current[q] - c) for q, c in costs.items() if q in current)
    cuts = any(current.get(q, 0.0) > 0 and (current[q] - c) / current[q] >= MIN_QUERY_GAIN
               for q, c in costs.items())
    return gain, cuts


def _on_top(
    conn: psycopg.Connection[Any], chosen: Sequence[Trial], pool: Sequence[Trial],
    by_table: Mapping[str, Sequence[Query]],
) -> list[Trial]:
    """Re-measure ``pool`` with the ``chosen`` indexes built (one savepoint per candidate)."""
    out: list[Trial] = []
    with conn.transaction(force_rollback=True):
        for i, t in enumerate(chosen):
            build(conn, t.spec, f"dbarch_pick_{i}")
        for i, t in enumerate(pool):
            try:
                with conn.transaction(force_rollback=True):
                    build(conn, t.spec, f"dbarch_cand_{i}")
                    out.append(Trial(t.spec, t.size, _replan(conn, by_table.get(t.spec.table, ()))))
            except psycopg.Error:
                continue
    return out


def choose(
    conn: psycopg.Connection[Any], trials: Sequence[Trial], base: Mapping[int, float], budget: float,
    by_table: Mapping[str, Sequence[Query]],
) -> list[Trial]:
    """Greedy selection (see the module docstring); deterministic for the same trials."""

    def next_round(chosen: list[Trial], current: Mapping[int, float], left: float) -> list[Trial]:
        # a candidate on a table where nothing is chosen yet keeps what it measured alone; those
        # on the tables of the chosen indexes interact with them and are measured on top
        touched = {c.spec.table for c in chosen}
        fresh = [t for t in trials if t.spec.table not in touched]
        pool = _next_pool([t for t in trials if t.spec.table in touched], chosen, current, left)
        return fresh + (_on_top(conn, chosen, pool, by_table) if pool else [])

    return _greedy(trials, base, budget, next_round)


def choose_alone(trials: Sequence[Trial], base: Mapping[int, float], budget: float) -> list[Trial]:
    """The same greedy selection when indexes cannot be built to measure combinations (hypopg
    in read-only mode): every round reuses what each candidate measured alone, and a chosen index
    that other chosen ones beat on every query it helps is dropped at the end."""
    chosen = _greedy(trials, base, budget, lambda chosen, current, left: list(trials))
    kept = list(chosen)
    for t in chosen:
        helped = {q: c for q, c in t.costs.items() if c < base.get(q, 0.0) * (1 - MIN_QUERY_GAIN)}
        others = [o for o in kept if o is not t]
        if others and all(any(o.costs.get(q, float("inf")) < c for o in others) for q, c in helped.items()):
            kept.remove(t)
    return kept


def _greedy(
    trials: Sequence[Trial], base: Mapping[int, float], budget: float,
    next_round: Callable[[list[Trial], Mapping[int, float], float], list[Trial]],
) -> list[Trial]:
    """Pick the best benefit per byte each round; ``next_round`` gives the next round's measures."""
    current = dict(base)
    chosen: list[Trial] = []
    spent = 0.0
    measured = list(trials)  # round one: each candidate alone, already measured
    while True:
        best: tuple[float, float, Trial] | None = None
        for t in measured:
            if spent + t.size > budget or any(c.spec == t.spec for c in chosen):
                continue
            gain, cuts = _gain(current, t.costs)
            if gain <= 0 or not cuts:
                continue
            score = gain / max(t.size, 8192)
            if best is None or score > best[0]:
                best = (score, gain, t)
        if best is None:
            return chosen
        _, gain, pick = best
        if chosen and gain < MIN_ROUND_GAIN * sum(current.values()):
            return chosen
        chosen.append(pick)
        spent += pick.size
        for q, c in pick.costs.items():
            current[q] = min(current[q], c)
        measured = next_round(chosen, current, budget - spent)
        if not measured:
            return chosen


def _next_pool(trials: Sequence[Trial], chosen: Sequence[Trial], current: Mapping[int, float], left: float) -> list[Trial]:
    """The most promising candidates not chosen yet: what each saved alone, counted against the
    costs the chosen indexes already reached (so variants of a pick do not crowd the others out)."""
    taken = {c.spec for c in chosen}
    ranked: list[tuple[float, int, Trial]] = []
    for t in trials:
        if t.spec in taken or t.size > left:
            continue
        alone, _ = _gain(current, t.costs)
        if alone > 0:
            ranked.append((-alone / max(t.size, 8192), len(ranked), t))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [t for _, _, t in ranked[:ROUND_WIDTH]]


def _workload_cost(
    conn: psycopg.Connection[Any], indexes: Sequence[IndexSpec], queries: Sequence[Query]
) -> dict[int, float]:
    with conn.transaction(force_rollback=True):
        for i, spec in enumerate(indexes):
            build(conn, spec, f"dbarch_merge_{i}")
        return _replan(conn, queries)


def merge(
    conn: psycopg.Connection[Any], chosen: Sequence[Trial], trials: Sequence[Trial],
    by_table: Mapping[str, Sequence[Query]], budget: float,
) -> list[Trial]:
    """Replace pairs of chosen indexes by a covering composite when the workload is no slower."""
    current = list(chosen)
    changed = True
    while changed:
        changed = False
        for a, b, x in _merge_moves(current, trials):
            queries = by_table.get(x.spec.table, ())
            spent = sum(t.size for t in current) - a.size - b.size + x.size
            if not queries or spent > budget:
                continue
            specs = [t.spec for t in current]
            now = _workload_cost(conn, specs, queries)
            after = _workload_cost(conn, [s for s in specs if s not in (a.spec, b.spec)] + [x.spec], queries)
            if after.keys() >= now.keys() and sum(after.values()) <= sum(now.values()):
                current = [t for t in current if t not in (a, b)] + [x]
                changed = True
                break
    return current


def _merge_moves(chosen: Sequence[Trial], trials: Sequence[Trial]) -> list[tuple[Trial, Trial, Trial]]:
    taken = {t.spec for t in chosen}
    moves: list[tuple[Trial, Trial, Trial]] = []
    for i, a in enumerate(chosen):
        for b in chosen[i + 1:]:
            if a.spec.table != b.spec.table or a.spec.where != b.spec.where:
                continue
            need = set(a.spec.columns) | set(b.spec.columns)
            for x in trials:
                s = x.spec
                if (s in taken or s.table != a.spec.table or s.where != a.spec.where
                        or not need <= set(s.columns)
                        or s.columns[0] not in (a.spec.columns[0], b.spec.columns[0])):
                    continue
                moves.append((a, b, x))
    moves.sort(key=lambda m: (m[2].size, m[2].spec))
    return moves
