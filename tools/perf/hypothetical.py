"""Index advice on a user's real database with hypothetical indexes only (hypopg).

Nothing is built: ``hypopg_create_index`` records an index in the session's memory, the
planner considers it in plain ``EXPLAIN``, ``hypopg_reset`` forgets it; all of it inside the
read-only transaction of :class:`tools.sandbox.readonly.ReadOnlyDatabase`. Without hypopg on
the server the advice is refused with what to do instead (never a real index on the user's
server: building one takes a lock that blocks writers and writes the whole index to disk).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from dbarch.tools.errors import DbarchError
from dbarch.tools.perf.explain import QueryReport, explain_query
from dbarch.tools.sql.queries import Query


@dataclass(frozen=True, slots=True)
class HypotheticalIndex:
    ddl: str
    """``CREATE INDEX CONCURRENTLY ...;`` to run yourself if you agree."""
    table: str
    size_bytes: int
    """hypopg's estimate."""
    queries: tuple[int, ...]
    """The queries whose plans use it."""
    benefit: float


@dataclass(frozen=True, slots=True)
class ReadOnlyAdvice:
    database: str
    queries: tuple[QueryReport, ...]
    recommendations: tuple[HypotheticalIndex, ...]
    after: dict[int, float] = field(default_factory=dict)
    """Estimated cost of each query under the recommended indexes."""
    candidates_tried: int = 0

    read_only: bool = True
    hypothetical: bool = True

    @property
    def ok(self) -> bool:
        return all(q.ok for q in self.queries)

    def render(self) -> str:
        lines = [f"database: {self.database} (read-only; hypothetical indexes, nothing built)",
                 f"{self.candidates_tried} candidate indexes tried"]
        if self.recommendations:
            lines.append("\nRecommended indexes (estimated by hypopg):")
            lines += [f"  {r.ddl}  -- ~{r.size_bytes / 1_048_576:.1f} MB, serves queries "
                      f"{', '.join(map(str, r.queries))}" for r in self.recommendations]
        else:
            lines.append("\nNo new index would help this workload enough.")
        for q in self.queries:
            if q.error is not None:
                lines.append(f"  {q.label}: error: {q.error.one_line()}")
            else:
                after = self.after.get(q.index)
                lines.append(f"  {q.label}: cost {q.total_cost:,.1f}"
                             + (f" -> {after:,.1f}" if after is not None else ""))
        return "\n".join(lines)


def no_hypopg() -> DbarchError:
    return DbarchError(
    "index advice on your database needs the hypopg extension, which this server does not have",
    hint="CREATE EXTENSION hypopg (hypothetical indexes live only in the session's memory), or run "
    "dbarch advise on the sandbox with --schema and --rows; dbarch never builds a real index on your server",
    )


def _index_statement(body: str) -> str:
    """``CREATE INDEX ON body``, checked to be exactly that one statement."""
    from pglast import ast, parse_sql

    text = f"CREATE INDEX ON {body}"
    stmts = parse_sql(text)
    if len(stmts) != 1 or not isinstance(stmts[0].stmt, ast.IndexStmt):
        raise DbarchError(f"not a single index definition: {body}")
    return text


def advise_hypothetical(conn: Any, queries: Sequence[Query], before: Sequence[QueryReport], *,
                        budget_mb: float, database: str) -> ReadOnlyAdvice:
    """Greedy advice (as :mod:`tools.perf.advisor`) with each candidate a hypopg index; ``conn``
    is inside a read-only transaction; ``before`` the plans without them."""
    from dbarch.tools.perf.advisor import index_name
    from dbarch.tools.perf.candidates import candidates

    good = [q for q, r in zip(queries, before, strict=True) if r.ok and q.tree is not None]
    base = {r.index: r.total_cost or 0.0 for r in before if r.ok}
    columns = _columns(conn)
    specs = []
    for q in good:
        assert q.tree is not None
        for spec in candidates(q.tree, columns):
            if spec not in specs:
                specs.append(spec)
    users_of: dict[str, list[Query]] = {}
    for q in good:
        assert q.tree is not None
        for name in {t.name for t in q.tree.find_all(exp.Table)}:
            users_of.setdefault(name, []).append(q)
    trials = []
    for spec in specs:
        try:
            row = conn.execute("SELECT indexrelid FROM hypopg_create_index(%s)", (_index_statement(spec.body()),)).fetchone()
            size_row = conn.execute("SELECT hypopg_relation_size(%s)", (row[0],)).fetchone()
            costs = {}
            for q in users_of.get(spec.table, []):
                report = explain_query(conn, q)
                if report.ok and report.total_cost is not None:
                    costs[q.index] = report.total_cost
            trials.append(_Trial(spec, int(size_row[0]) if size_row else 0, costs))
        except Exception:  # a candidate hypopg cannot represent is simply not advised
            continue
        finally:
            conn.execute("SELECT hypopg_reset()")
    chosen = _greedy(trials, base, budget_mb * 1024 * 1024)
    recs: list[HypotheticalIndex] = []
    after: dict[int, float] = {}
    if chosen:
        for t in chosen:
            conn.execute("SELECT hypopg_create_index(%s)", (_index_statement(t.spec.body()),))
        for q in good:
            report = explain_query(conn, q)
            if report.ok and report.total_cost is not None:
                after[q.index] = report.total_cost
        conn.execute("SELECT hypopg_reset()")
        for t in chosen:
            served = tuple(i for i, c in t.costs.items() if c < base.get(i, 0.0))
            recs.append(HypotheticalIndex(
                f"CREATE INDEX CONCURRENTLY {index_name(t.spec)} ON {t.spec.body()};", t.spec.table, t.size,
                served, sum(max(0.0, base.get(i, 0.0) - c) for i, c in t.costs.items())))
    return ReadOnlyAdvice(database, tuple(before), tuple(recs), after, len(specs))


@dataclass(frozen=True, slots=True)
class _Trial:
    spec: Any
    size: int
    costs: dict[int, float]


MIN_ROUND_GAIN = 0.10
MIN_QUERY_GAIN = 0.10


def _greedy(trials: list[_Trial], base: dict[int, float], budget: float) -> list[_Trial]:
    """Pick by estimated benefit per byte within ``budget`` (each candidate measured alone; a
    query's cost under several is taken as its best under any one of them)."""
    current = dict(base)
    chosen: list[_Trial] = []
    spent = 0.0
    first: float | None = None
    while True:
        best: tuple[float, float, _Trial] | None = None
        for t in trials:
            if t in chosen or spent + t.size > budget:
                continue
            gain = sum(max(0.0, current[q] - c) for q, c in t.costs.items() if q in current)
            cuts = any(current.get(q, 0) > 0 and (current[q] - c) / current[q] >= MIN_QUERY_GAIN
                       for q, c in t.costs.items())
            if gain > 0 and cuts and (best is None or gain / max(t.size, 8192) > best[0]):
                best = (gain / max(t.size, 8192), gain, t)
        if best is None or (first is not None and best[1] < MIN_ROUND_GAIN * first):
            return _without_dominated(chosen, base)
        first = best[1] if first is None else first
        chosen.append(best[2])
        spent += best[2].size
        for q, c in best[2].costs.items():
            current[q] = min(current[q], c)


def _columns(conn: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for table, column in conn.execute(
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 "
        "AND NOT a.attisdropped AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%'"
    ):
        out.setdefault(str(table), set()).add(str(column))
    return out


def _without_dominated(chosen: list[_Trial], base: dict[int, float]) -> list[_Trial]:
    """Drop a chosen index when, for every query it helps, another chosen one does better."""
    kept = list(chosen)
    for t in chosen:
        helped = {q: c for q, c in t.costs.items() if c < base.get(q, 0.0) * (1 - MIN_QUERY_GAIN)}
        others = [o for o in kept if o is not t]
        if others and all(any(o.costs.get(q, float("inf")) < c for o in others) for q, c in helped.items()):
            kept.remove(t)
    return kept
