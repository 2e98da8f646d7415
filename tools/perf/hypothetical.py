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
    from dbarch.tools.perf.advisor import index_name, table_columns
    from dbarch.tools.perf.candidates import candidates
    from dbarch.tools.perf.trials import Trial, choose_alone

    good = [q for q, r in zip(queries, before, strict=True) if r.ok and q.tree is not None]
    base = {r.index: r.total_cost or 0.0 for r in before if r.ok}
    columns = table_columns(conn)
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
    trials: list[Trial] = []
    for spec in specs:
        try:
            row = conn.execute("SELECT indexrelid FROM hypopg_create_index(%s)", (_index_statement(spec.body()),)).fetchone()
            size_row = conn.execute("SELECT hypopg_relation_size(%s)", (row[0],)).fetchone()
            costs = {}
            for q in users_of.get(spec.table, []):
                report = explain_query(conn, q)
                if report.ok and report.total_cost is not None:
                    costs[q.index] = report.total_cost
            trials.append(Trial(spec, int(size_row[0]) if size_row else 0, costs))
        except Exception:  # a candidate hypopg cannot represent is simply not advised
            continue
        finally:
            conn.execute("SELECT hypopg_reset()")
    chosen = choose_alone(trials, base, budget_mb * 1024 * 1024)
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
