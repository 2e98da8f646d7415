"""``dbarch explain`` and ``dbarch advise`` for people: the data loaded, each query's plan
(nodes, costs, findings), the recommended indexes with their sizes and gains."""

from __future__ import annotations

from dbarch.tools.perf.explain import QueryReport
from dbarch.tools.perf.workload import WorkloadAdvice, WorkloadExplanation


def render_query(r: QueryReport, *, heading: str | None = None) -> str:
    """One query's plan: cost (how it was measured), plan nodes indented, then its findings."""
    lines = [f"\n== {heading or r.label}: {one_line(r.sql)}"]
    if r.error is not None:
        lines.append(f"  error: {r.error.one_line()}")
        return "\n".join(lines)
    mode = "generic plan" if r.generic else ("executed, rolled back" if r.analyzed else "estimated")
    cost = f"  cost {r.total_cost or 0:,.1f} ({mode})"
    if r.execution_ms is not None:
        cost += f", measured {r.execution_ms:.2f} ms (planning {r.planning_ms or 0:.2f} ms)"
    if r.params and r.analyzed:
        cost += f", parameters {list(r.params)}"
    lines.append(cost)
    if r.modifies and not r.analyzed:
        lines.append("  (data-modifying: explained only, not executed)")
    for n in r.nodes:
        rows = f"rows={n.plan_rows:,.0f}" + (f" actual={n.actual_rows:,.0f}" if n.actual_rows is not None else "")
        lines.append(f"  {'  ' * n.depth}-> {n.label()}  cost={n.total_cost:,.1f} {rows}")
    lines += [f"  ! {f.kind}: {f.message}" for f in r.findings]
    return "\n".join(lines)


def render_explanation(run: WorkloadExplanation) -> str:
    """The data line, then every query's plan."""
    data = run.data
    out = [f"data: {data.total_rows:,} rows in {len(data.tables)} tables ({data.seconds:.1f} s)"]
    out += [render_query(r) for r in run.queries]
    return "\n".join(out) + "\n"


def render_advice(result: WorkloadAdvice) -> str:
    """The data line, the recommended indexes (or none), existing indexes worth a look, then
    each query before and after."""
    data, advice = result.data, result.advice
    out = [
        f"data: {data.total_rows:,} rows in {len(data.tables)} tables ({data.seconds:.1f} s); "
        f"{advice.candidates_tried} candidate indexes tried in {advice.seconds:.1f} s"
    ]
    if advice.recommendations:
        out.append("\nRecommended indexes:")
        out += [
            f"  {r.ddl}  -- {r.size_bytes / 1_048_576:.1f} MB, serves queries {', '.join(map(str, r.queries))}"
            for r in advice.recommendations
        ]
    else:
        out.append("\nNo new index would help this workload enough.")
    out += [f"  existing index {e.name} on {e.table}: {e.reason}" for e in advice.existing]
    for q in advice.queries:
        out.append(render_query(q.before, heading=f"{q.before.label} before"))
        if q.after is not None and q.before.ok:
            gain = f" ({q.gain:.0%} cheaper)" if q.gain is not None else ""
            out.append(render_query(q.after, heading=f"{q.after.label} after{gain}"))
    return "\n".join(out) + "\n"


def one_line(text: str, limit: int = 100) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
