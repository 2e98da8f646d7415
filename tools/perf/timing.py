"""Cost is not time: the advisor's recommendations confirmed by running the queries.

The planner's cost is a model; an index it costs at 0.6x can make a query slower when run. With
``analyze``, every query is executed (``EXPLAIN ANALYZE`` in a transaction that is rolled back,
so writes never stay) :data:`RUNS` times and the median execution time kept. A recommendation
stays only when removing it (in a savepoint) makes one of the queries it serves measurably
slower (the queries it serves, together), by :data:`MIN_TIME_GAIN` or more. Plans are chosen on
cost alone, so a query that does not finish within the statement timeout before the advice
(TPC-H Q17 and Q20 without indexes) still gets its candidates.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

import psycopg

from dbarch.tools.perf.explain import explain_query
from dbarch.tools.sql.queries import Query

RUNS = 3
"""Executions per query; the median is kept."""
MIN_TIME_GAIN = 0.10
"""Removing a recommended index must slow one of its queries by at least this share."""


def median_ms(conn: psycopg.Connection[Any], query: Query, runs: int = RUNS) -> float | None:
    """Median measured execution time of ``query`` (``None`` when it cannot run)."""
    times: list[float] = []
    for _ in range(max(1, runs)):
        report = explain_query(conn, query, analyze=True)
        if not report.ok or report.execution_ms is None:
            return None
        times.append(float(report.execution_ms))
    return statistics.median(times)


def time_all(conn: psycopg.Connection[Any], queries: Sequence[Query], runs: int = RUNS) -> dict[int, float]:
    """Median execution time per query index, for the queries that run."""
    out: dict[int, float] = {}
    for q in queries:
        ms = median_ms(conn, q, runs)
        if ms is not None:
            out[q.index] = ms
    return out


def helps(
    conn: psycopg.Connection[Any], index_name: str, served: Sequence[Query], with_it: dict[int, float],
    runs: int = RUNS,
) -> tuple[bool, dict[int, float]]:
    """Drop ``index_name`` in a savepoint and time ``served`` again.

    True when the queries it serves take, together, at least :data:`MIN_TIME_GAIN` longer
    without it (or one of them no longer finishes). Returns the verdict and the times measured
    without the index.
    """
    without: dict[int, float] = {}
    with conn.transaction(force_rollback=True):
        conn.execute(f"DROP INDEX {index_name}".encode())
        without = time_all(conn, served, runs)
    timed = [q.index for q in served if q.index in with_it]
    if any(i not in without for i in timed):
        return True, without
    total_with = sum(with_it[i] for i in timed)
    total_without = sum(without[i] for i in timed)
    return bool(timed) and total_without >= total_with * (1 + MIN_TIME_GAIN), without
