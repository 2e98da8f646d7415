"""Explain or advise a whole workload: the schema loaded with data, then every query.

These are the API under ``dbarch explain`` and ``dbarch advise`` (and the agent's tools):
inputs in (schema sources, queries, volumes), a sandbox the caller owns, a typed result out.

>>> from dbarch.tools.datagen import parse_rows
>>> from dbarch.tools.sandbox import Sandbox
>>> from dbarch.tools.sql.source import SqlSource
>>> schema = [SqlSource("s.sql", "CREATE TABLE t (id bigint PRIMARY KEY, a int);")]
>>> with Sandbox() as sandbox:  # doctest: +SKIP
...     run = explain_workload(schema, "SELECT * FROM t WHERE a = 1", parse_rows("t=1000"), sandbox=sandbox)
>>> run.ok  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dbarch.tools.datagen.generate import DatagenResult
from dbarch.tools.errors import UsageError
from dbarch.tools.perf.advisor import Advice
from dbarch.tools.perf.explain import QueryReport
from dbarch.tools.perf.workload_data import WorkloadData
from dbarch.tools.sql.queries import Query
from dbarch.tools.sql.source import SqlSource

if TYPE_CHECKING:
    from dbarch.tools.datagen.plan import Options
    from dbarch.tools.datagen.volumes import Volumes
    from dbarch.tools.sandbox import Sandbox

Queries = Sequence[Query] | SqlSource | str
"""A workload's queries: already read, or SQL text (a source, or a string) to split."""


def workload_queries(queries: Queries) -> tuple[Query, ...]:
    """The queries of ``queries`` (text is split on semicolons); a usage error when none."""
    from dbarch.tools.sql.queries import read_queries

    if isinstance(queries, str):
        queries = SqlSource("<query>", queries)
    if isinstance(queries, SqlSource):
        found = tuple(read_queries(queries.text, queries.name))
        if not found:
            raise UsageError("no queries found", file=queries.name)
        return found
    if not queries:
        raise UsageError("no queries given")
    return tuple(queries)


@dataclass(frozen=True, slots=True)
class WorkloadExplanation:
    """The data loaded and one plan report per query."""

    data: DatagenResult
    queries: tuple[QueryReport, ...]
    shaping: WorkloadData | None = None
    """What the workload-aware pass changed, and each literal predicate's selectivity."""
    ok: bool = field(init=False, default=False)
    """True when every query was explained (a query that failed carries its ``error``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ok", all(r.ok for r in self.queries))


@dataclass(frozen=True, slots=True)
class WorkloadAdvice:
    """The data loaded and the index advice for the workload."""

    data: DatagenResult
    advice: Advice
    shaping: WorkloadData | None = None
    """What the workload-aware pass changed, and each literal predicate's selectivity."""


def explain_workload(
    schema: Sequence[SqlSource],
    queries: Queries,
    volumes: Volumes,
    *,
    sandbox: Sandbox,
    analyze: bool = False,
    options: Options | None = None,
    shape: bool = True,
    variables: Mapping[str, str] | None = None,
    keep_going: bool = False,
) -> WorkloadExplanation:
    """Apply ``schema`` in a scratch database, fill it at ``volumes``, make the workload's
    literals occur in the data (``shape``; see :mod:`dbarch.tools.perf.workload_data`), ANALYZE,
    EXPLAIN each query (``analyze``: also execute it in a rolled-back transaction).
    ``data.shortfalls`` lists tables left empty or short; ``variables`` (psql) and
    ``keep_going`` as for :func:`~dbarch.tools.datagen.loaded.loaded_database`."""
    from dbarch.tools.datagen.loaded import loaded_database
    from dbarch.tools.perf.explain import explain_query

    workload = workload_queries(queries)
    distributions = _distributions(volumes)
    with loaded_database(sandbox, schema, volumes, options=options, variables=variables,
                         keep_going=keep_going) as (db, data):
        shaping = _shape(db.conn, workload, distributions) if shape else None
        reports = tuple(explain_query(db.conn, q, analyze=analyze) for q in workload)
    return WorkloadExplanation(data, reports, shaping)


def advise_workload(
    schema: Sequence[SqlSource],
    queries: Queries,
    volumes: Volumes,
    *,
    sandbox: Sandbox,
    budget_mb: float = 1024.0,
    analyze: bool = False,
    options: Options | None = None,
    fixed: Sequence[str] = (),
    runs: int = 3,
    shape: bool = True,
    variables: Mapping[str, str] | None = None,
    keep_going: bool = False,
) -> WorkloadAdvice:
    """Load ``schema`` with data as :func:`explain_workload` does, then advise indexes for the
    workload within ``budget_mb`` (each candidate built and measured, rolled back).

    ``fixed`` names ``table.column`` pairs whose constants are fixed values, not parameters;
    ``analyze`` confirms each recommendation by measured time (median of ``runs``)."""
    from dbarch.tools.datagen.loaded import loaded_database
    from dbarch.tools.perf.advisor import advise

    if budget_mb <= 0:
        raise UsageError("the index budget must be positive", hint="--budget-mb 512")
    if runs < 1:
        raise UsageError("the number of timed runs must be at least 1", hint="--runs 3")
    pinned = {_table_column(f) for f in fixed}
    workload = workload_queries(queries)
    distributions = _distributions(volumes)
    with loaded_database(sandbox, schema, volumes, options=options, variables=variables,
                         keep_going=keep_going) as (db, data):
        _check_fixed(pinned, db.conn)
        shaping = _shape(db.conn, workload, distributions) if shape else None
        advice = advise(db.conn, workload, budget_mb=budget_mb, analyze=analyze, fixed=pinned, runs=runs)
    return WorkloadAdvice(data, advice, shaping)


def _table_column(text: str) -> tuple[str, str]:
    table, dot, column = text.strip().lower().rpartition(".")
    if not dot or not table or not column:
        raise UsageError(f"bad fixed column {text!r}", hint="write table.column, e.g. --fixed orders.status")
    return table, column


def _check_fixed(pinned: set[tuple[str, str]], conn: Any) -> None:
    """A fixed column the schema lacks is a usage error, never silently ignored."""
    from dbarch.tools.perf.advisor import table_columns

    columns = table_columns(conn)
    unknown = sorted(f"{t}.{c}" for t, c in pinned if c not in columns.get(t, set()))
    if unknown:
        raise UsageError(f"--fixed names no column of the schema: {', '.join(unknown)}",
                         hint="write table.column as in the schema, e.g. --fixed orders.status")


def _distributions(volumes: Volumes) -> Any:
    from dbarch.tools.perf.workload_data import parse_distributions

    return parse_distributions(volumes.columns) if volumes.columns else None


def _shape(conn: Any, workload: Sequence[Query], distributions: Any) -> WorkloadData:
    from dbarch.tools.perf.workload_data import shape_for_workload

    return shape_for_workload(conn, workload, distributions)
