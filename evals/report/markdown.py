"""The Markdown report of a run: summary, per-category mean ± standard error, pass@k, the
per-case table, scorer pass rates, and the failing scorers of each failed sample."""

from __future__ import annotations

from collections.abc import Sequence

from dbarch.evals.metrics import Summary
from dbarch.evals.sample import Sample


def _cost(summary: Summary) -> str:
    return f"${summary.cost_usd:.4f}" if summary.cost_usd is not None else "n/a (unknown price; set DBARCH_PRICE=in,out per Mtok)"


def render_markdown(summary: Summary, samples: Sequence[Sample]) -> str:
    lines = [f"# dbarch eval: {summary.model or 'unknown model'}", ""]
    lines += [
        f"- samples: {summary.samples} ({len(summary.cases)} cases), errors: {summary.errors}",
        f"- score: **{summary.overall_mean:.3f} ± {summary.overall_stderr:.3f}** (mean ± standard error), "
        f"pass rate {summary.pass_rate:.1%}",
        "- " + ", ".join(f"pass@{k}: {v:.1%}" for k, v in summary.pass_at.items()),
        f"- latency: mean {summary.latency_mean_ms / 1000:.1f} s, p95 {summary.latency_p95_ms / 1000:.1f} s; "
        f"tokens: {summary.input_tokens:,} in, {summary.output_tokens:,} out; cost: {_cost(summary)}",
    ]
    if summary.guard_agreement is not None:
        lines.append(f"- agent input guard agrees with the case's scope: {summary.guard_agreement:.1%}")
    if summary.judge_mean is not None:
        lines.append(f"- LLM judge (reported apart, not in the score): {summary.judge_mean:.3f}")
    lines += ["", "## By category", "", "| category | cases | samples | score (mean ± se) | pass rate |", "|---|---:|---:|---|---:|"]
    for c in summary.categories:
        lines.append(f"| {c.category} | {c.cases} | {c.samples} | {c.mean:.3f} ± {c.stderr:.3f} | {c.pass_rate:.0%} |")
    ks = sorted({k for c in summary.cases for k in c.pass_at})
    lines += ["", "## By case", "", "| case | category | epochs | passes | score | " + " | ".join(f"pass@{k}" for k in ks)
              + " | latency s | tokens |" + (" judge |" if summary.judge_mean is not None else ""),
              "|---|---|---:|---:|---:|" + "---:|" * len(ks) + "---:|---:|" + ("---:|" if summary.judge_mean is not None else "")]
    for cs in summary.cases:
        row = (f"| {cs.case_id} | {cs.category} | {cs.epochs} | {cs.passes} | {cs.mean:.3f} | "
               + " | ".join(f"{cs.pass_at.get(k, 0):.2f}" for k in ks) + f" | {cs.latency_ms / 1000:.1f} | {cs.tokens:,} |")
        if summary.judge_mean is not None:
            row += f" {cs.judge:.2f} |" if cs.judge is not None else " - |"
        lines.append(row)
    lines += ["", "## Scorers", "", "| scorer | passed |", "|---|---:|"]
    lines += [f"| {name} | {rate:.0%} |" for name, rate in summary.scorer_pass.items()]
    failed = [s for s in samples if not s.passed]
    if failed:
        lines += ["", "## Failures", ""]
        for s in failed:
            why = [f"{n}: {v.get('explanation', '')}" for n, v in s.scores.items() if v.get("gate") and not v.get("passed")]
            lines.append(f"- **{s.case_id}** (epoch {s.epoch}): " + ("; ".join(why) or s.error or "failed"))
    return "\n".join(lines) + "\n"
