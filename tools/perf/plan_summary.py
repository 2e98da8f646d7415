"""A PostgreSQL JSON plan turned into typed nodes and findings a person can act on.

Findings (each with the node it is about):

- ``costly-node``: a node whose own cost is at least a fifth of the plan's total;
- ``seq-scan-large``: a sequential scan of a large table (>= 10,000 rows) with a filter
  that keeps under 10% of it (an index would read less);
- ``misestimate``: estimated and actual rows 10x or more apart (with ANALYZE);
- ``spill``: a sort or hash that went to disk (with ANALYZE);
- ``nested-loop-large-inner``: a nested loop whose inner side is a large scan or runs many
  times over many rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

LARGE_TABLE_ROWS = 10_000
SELECTIVE = 0.10
MISESTIMATE = 10.0
COSTLY_SHARE = 0.20


@dataclass(frozen=True, slots=True)
class PlanNode:
    depth: int
    node_type: str
    relation: str | None
    index: str | None
    total_cost: float
    self_cost: float
    plan_rows: float
    actual_rows: float | None
    """Rows over all loops (with ANALYZE)."""
    loops: int | None
    detail: str | None
    """Filter, index condition or join condition."""

    def label(self) -> str:
        text = self.node_type
        if self.index:
            text += f" using {self.index}"
        if self.relation:
            text += f" on {self.relation}"
        return text


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    message: str
    node: str
    """Label of the plan node concerned."""


def flatten(plan: dict[str, Any], depth: int = 0) -> list[tuple[int, dict[str, Any]]]:
    out = [(depth, plan)]
    for child in plan.get("Plans", []) or []:
        out.extend(flatten(child, depth + 1))
    return out


def _detail(node: dict[str, Any]) -> str | None:
    for key in ("Index Cond", "Recheck Cond", "Filter", "Hash Cond", "Merge Cond", "Join Filter"):
        if node.get(key):
            return f"{key}: {node[key]}"
    return None


def summarise(
    conn: psycopg.Connection[Any] | None, top: dict[str, Any], *, analyzed: bool
) -> tuple[tuple[PlanNode, ...], tuple[Finding, ...]]:
    """Nodes (pre-order) and findings of the plan rooted at ``top``."""
    flat = flatten(top) if top else []
    nodes: list[PlanNode] = []
    for depth, n in flat:
        children = n.get("Plans", []) or []
        self_cost = float(n.get("Total Cost", 0.0)) - sum(float(c.get("Total Cost", 0.0)) for c in children)
        loops = n.get("Actual Loops")
        actual = float(n["Actual Rows"]) * (loops or 1) if analyzed and "Actual Rows" in n else None
        nodes.append(PlanNode(
            depth, n.get("Node Type", "?"), n.get("Relation Name"), n.get("Index Name"),
            float(n.get("Total Cost", 0.0)), max(self_cost, 0.0), float(n.get("Plan Rows", 0)),
            actual, loops, _detail(n),
        ))
    sizes = _table_rows(conn, {n.relation for n in nodes if n.relation})
    total = float(top.get("Total Cost", 0.0)) if top else 0.0
    findings: list[Finding] = []
    for node, (_, raw) in zip(nodes, flat, strict=True):
        findings.extend(_node_findings(node, raw, sizes, total, analyzed))
    return tuple(nodes), tuple(findings)


def _node_findings(
    node: PlanNode, raw: dict[str, Any], sizes: dict[str, float], total: float, analyzed: bool
) -> list[Finding]:
    out: list[Finding] = []
    label = node.label()
    if total > 0 and node.self_cost >= COSTLY_SHARE * total and node.self_cost > 100:
        out.append(Finding("costly-node", f"{label} is {node.self_cost / total:.0%} of the plan's cost "
                                          f"({node.self_cost:,.0f} of {total:,.0f})", label))
    rows = sizes.get(node.relation or "", 0.0)
    if node.node_type == "Seq Scan" and rows >= LARGE_TABLE_ROWS and raw.get("Filter"):
        kept = node.actual_rows / (node.loops or 1) if node.actual_rows is not None else node.plan_rows
        if kept <= SELECTIVE * rows:
            out.append(Finding(
                "seq-scan-large",
                f"sequential scan of {node.relation} ({rows:,.0f} rows) keeps ~{kept:,.0f} rows "
                f"({kept / rows:.1%}) with {raw['Filter']}: an index on the filtered columns would read less",
                label,
            ))
    if analyzed and node.actual_rows is not None and node.loops:
        est = max(node.plan_rows, 1.0)
        act = max(node.actual_rows / node.loops, 1.0)
        if max(est, act) / min(est, act) >= MISESTIMATE:
            out.append(Finding("misestimate", f"{label}: estimated {node.plan_rows:,.0f} rows, got "
                                              f"{act:,.0f} per loop ({max(est, act) / min(est, act):.0f}x off)",
                               label))
    if raw.get("Sort Space Type") == "Disk":
        out.append(Finding("spill", f"{label} sorted on disk ({raw.get('Sort Space Used', '?')} kB): "
                                    "raise work_mem or sort fewer rows", label))
    if int(raw.get("Hash Batches", 1) or 1) > 1:
        out.append(Finding("spill", f"{label} hashed in {raw['Hash Batches']} batches (spilled to disk)", label))
    if node.node_type == "Nested Loop":
        inner = (raw.get("Plans") or [None, None])[-1]
        if inner:
            inner_rel = inner.get("Relation Name")
            inner_rows = sizes.get(inner_rel or "", 0.0)
            outer_rows = float((raw.get("Plans") or [{}])[0].get("Plan Rows", 0))
            if inner.get("Node Type") == "Seq Scan" and inner_rows >= LARGE_TABLE_ROWS:
                out.append(Finding("nested-loop-large-inner",
                                   f"nested loop rescans {inner_rel} ({inner_rows:,.0f} rows) "
                                   f"for each of ~{outer_rows:,.0f} outer rows", label))
    return out


def _table_rows(conn: psycopg.Connection[Any] | None, names: set[str]) -> dict[str, float]:
    if conn is None or not names:
        return {}
    rows = conn.execute(
        "SELECT relname, greatest(reltuples, 0) FROM pg_class WHERE relname = ANY(%s) AND relkind IN ('r', 'p', 'm')",
        (sorted(names),),
    ).fetchall()
    return {str(r[0]): float(r[1]) for r in rows}
