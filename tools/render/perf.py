"""``dbarch explain`` and ``dbarch advise`` for people: the data loaded, each query's plan
(nodes, costs, findings), the recommended indexes with their sizes and gains."""

from __future__ import annotations

from dbarch.tools.datagen.generate import DatagenResult
from dbarch.tools.perf.explain import QueryReport
from dbarch.tools.perf.workload import WorkloadAdvice, WorkloadExplanation
from dbarch.tools.perf.workload_data import WorkloadData


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


def render_shaping(shaping: WorkloadData | None) -> str:
    """One line on the workload-aware data pass, then its notices."""
    if shaping is None:
        return "data: kept as generated (--no-shape)"
    lines = [f"data: {len(shaping.shaped)} change(s) so the queries' literals occur "
             f"({shaping.seconds:.1f} s)" if shaping.shaped else "data: the queries' literals already occur"]
    lines += [f"  shaped {s}" for s in shaping.shaped]
    lines += [f"  note: {n}" for n in shaping.notices]
    return "\n".join(lines)


def render_selectivity(shaping: WorkloadData | None, query: int) -> str:
    """``selects 12.5% of lineitem: l_shipdate >= ...`` for each literal predicate of the query."""
    if shaping is None:
        return ""
    lines = [f"  selects {_share(s.fraction)} of {s.table}: {one_line(s.predicate, 80)}"
             for s in shaping.selectivity if s.query == query]
    return "\n".join(lines)


def render_shortfalls(data: DatagenResult, *, allowed: bool = False) -> str:
    """The tables left empty or short of their volume, printed before anything else (the plans
    below them are of less data than asked); empty when every table got its rows."""
    if data.complete:
        return ""
    label = "warning" if allowed else "error"
    out = [f"{label}: {len(data.shortfalls)} tables did not get the rows asked for them "
           f"(plans below are over less data){'' if allowed else '; --allow-empty accepts this'}:"]
    out += [f"  {item}" for item in data.shortfalls]
    return "\n".join(out) + "\n"


def render_explanation(run: WorkloadExplanation) -> str:
    """The data lines, then every query's plan and the selectivity of its literals."""
    data = run.data
    out = [f"data: {data.total_rows:,} rows in {len(data.tables)} tables ({data.seconds:.1f} s)",
           render_shaping(run.shaping)]
    for r in run.queries:
        out += [render_query(r), render_selectivity(run.shaping, r.index)]
    return "\n".join(out) + "\n"


def render_advice(result: WorkloadAdvice, *, runs: int | None = None) -> str:
    """The data lines, constants read as parameters, the recommended indexes (or none),
    existing indexes worth a look, then each query before and after (``runs``: how many timed
    runs each measured figure is the median of)."""
    data, advice = result.data, result.advice
    out = [
        f"data: {data.total_rows:,} rows in {len(data.tables)} tables ({data.seconds:.1f} s); "
        f"{advice.candidates_tried} candidate indexes tried in {advice.seconds:.1f} s",
        render_shaping(result.shaping),
    ]
    params = [c for c in advice.constants if c.treated_as == "parameter"]
    if params:
        out.append("constants read as parameters (no index is tied to their value; --fixed TABLE.COLUMN if "
                   "they are not):")
        out += [f"  query {c.query}: {c.predicate} ({c.reason})" for c in params]
    if advice.recommendations:
        out.append("\nRecommended indexes:")
        out += [
            f"  {r.ddl}  -- {r.size_bytes / 1_048_576:.1f} MB, serves queries {', '.join(map(str, r.queries))}"
            for r in advice.recommendations
        ]
        out.append(f"  total {advice.total_size_bytes / 1_048_576:.1f} MB")
    else:
        out.append("\nNo new index would help this workload enough.")
    out += [f"  existing index {e.name} on {e.table}: {e.reason}" for e in advice.existing]
    for q in advice.queries:
        out.append(render_query(q.before, heading=f"{q.before.label} before"))
        out.append(render_selectivity(result.shaping, q.before.index))
        if q.after is not None and q.before.ok:
            gain = f" ({q.gain:.0%} cheaper)" if q.gain is not None else ""
            out.append(render_query(q.after, heading=f"{q.after.label} after{gain}"))
        if q.before_ms is not None or q.after_ms is not None:
            shown = [f"{v:.2f} ms" if v is not None else "did not finish" for v in (q.before_ms, q.after_ms)]
            out.append(f"  measured (median of {runs if runs is not None else '?'}): {shown[0]} before, {shown[1]} after")
    return "\n".join(out) + "\n"


def one_line(text: str, limit: int = 100) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _share(fraction: float | None) -> str:
    """``12.50%``; a small non-zero share keeps its digits (``0.0057%``), never ``0.00%``."""
    if fraction is None:
        return "?"
    if 0 < fraction < 0.0001:
        return f"{fraction * 100:.2g}%"
    return f"{fraction:.2%}"
