"""The HTML report: one self-contained page (inline CSS and SVG, no script, no external URL),
so it opens offline and can be attached to a pull request or archived with the run."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from dbarch.evals.metrics import CategoryStats, Summary
from dbarch.evals.sample import Sample

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#1d232b;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d8dee6;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #e5e9ef;text-align:left;vertical-align:top}
th{background:#f3f5f8}td.n{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#1a7f37;font-weight:600}.fail{color:#c9302c;font-weight:600}
.kpi{display:flex;gap:1rem;flex-wrap:wrap}.kpi div{background:#f3f5f8;border-radius:6px;padding:.6rem .9rem}.kpi b{display:block;font-size:1.3rem}
details{margin:.2rem 0}summary{cursor:pointer}.muted{color:#5b6573}.charts{display:flex;flex-wrap:wrap;gap:1rem}
"""


def _bar_chart(cat: CategoryStats, samples: Sequence[Sample]) -> str:
    """An SVG per category: one bar per case (mean score), green when every epoch passed."""
    rows = sorted({s.case_id for s in samples if s.category == cat.category})
    width, bar_h, gap, left = 360, 14, 4, 170
    height = 34 + len(rows) * (bar_h + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + left + 40}" height="{height}" role="img" '
             f'aria-label="{escape(cat.category)} scores">',
             f'<text x="0" y="14" font-size="13" font-weight="600">{escape(cat.category)}: '
             f'{cat.mean:.2f} ± {cat.stderr:.2f}, pass {cat.pass_rate:.0%}</text>']
    for i, cid in enumerate(rows):
        group = [s for s in samples if s.case_id == cid]
        mean = sum(s.score for s in group) / len(group)
        ok = all(s.passed for s in group)
        y = 26 + i * (bar_h + gap)
        label = cid.split("/", 1)[-1][:26]
        parts.append(f'<text x="{left - 6}" y="{y + 11}" font-size="11" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{width}" height="{bar_h}" fill="#eef1f5"/>')
        parts.append(f'<rect x="{left}" y="{y}" width="{width * mean:.1f}" height="{bar_h}" fill="{"#2da44e" if ok else "#e5534b"}"/>')
        parts.append(f'<text x="{left + width + 4}" y="{y + 11}" font-size="11">{mean:.2f}</text>')
    parts.append(f'<line x1="{left + width * cat.mean:.1f}" y1="22" x2="{left + width * cat.mean:.1f}" y2="{height - 2}" '
                 'stroke="#1d232b" stroke-dasharray="3,2"/>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(summary: Summary, samples: Sequence[Sample]) -> str:
    e = escape
    cost = f"${summary.cost_usd:.4f}" if summary.cost_usd is not None else "n/a"
    kpis = [("score", f"{summary.overall_mean:.3f} ± {summary.overall_stderr:.3f}"), ("pass rate", f"{summary.pass_rate:.1%}")]
    kpis += [(f"pass@{k}", f"{v:.1%}") for k, v in summary.pass_at.items()]
    kpis += [("samples", str(summary.samples)), ("latency p95", f"{summary.latency_p95_ms / 1000:.1f} s"),
             ("tokens", f"{summary.input_tokens + summary.output_tokens:,}"), ("cost", cost)]
    if summary.guard_agreement is not None:
        kpis.append(("guard agreement", f"{summary.guard_agreement:.0%}"))
    if summary.judge_mean is not None:
        kpis.append(("LLM judge (apart)", f"{summary.judge_mean:.3f}"))
    out = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
           f"<title>dbarch eval: {e(summary.model)}</title><style>{_CSS}</style></head><body>",
           f"<h1>dbarch eval: {e(summary.model or 'unknown model')}</h1>",
           f'<p class="muted">{len(summary.cases)} cases, {summary.samples} samples, {summary.errors} errors</p>',
           '<div class="kpi">' + "".join(f"<div><span class=\"muted\">{e(k)}</span><b>{e(v)}</b></div>" for k, v in kpis) + "</div>",
           "<h2>By category</h2><table><tr><th>category</th><th>cases</th><th>samples</th><th>score (mean ± se)</th><th>pass rate</th></tr>"]
    for c in summary.categories:
        out.append(f"<tr><td>{e(c.category)}</td><td class=n>{c.cases}</td><td class=n>{c.samples}</td>"
                   f"<td class=n>{c.mean:.3f} ± {c.stderr:.3f}</td><td class=n>{c.pass_rate:.0%}</td></tr>")
    out.append("</table><div class=\"charts\">" + "".join(_bar_chart(c, samples) for c in summary.categories) + "</div>")
    out.append("<h2>By case</h2><table><tr><th>case</th><th>category</th><th>passes</th><th>score</th><th>pass@k</th>"
               "<th>latency</th><th>tokens</th><th>failing scorers</th></tr>")
    by_case: dict[str, list[Sample]] = {}
    for s in samples:
        by_case.setdefault(s.case_id, []).append(s)
    for cs in summary.cases:
        group = by_case.get(cs.case_id, [])
        fails = sorted({f"{n}: {v.get('explanation', '')}" for s in group for n, v in s.scores.items()
                        if v.get("gate") and not v.get("passed")})
        status = "pass" if cs.passes == cs.epochs else "fail"
        pk = ", ".join(f"@{k} {v:.2f}" for k, v in cs.pass_at.items())
        detail = "".join(f"<details><summary>{e(f[:90])}</summary>{e(f)}</details>" for f in fails[:6])
        out.append(f"<tr><td>{e(cs.case_id)}</td><td>{e(cs.category)}</td><td class=\"n {status}\">{cs.passes}/{cs.epochs}</td>"
                   f"<td class=n>{cs.mean:.3f}</td><td class=n>{e(pk)}</td><td class=n>{cs.latency_ms / 1000:.1f} s</td>"
                   f"<td class=n>{cs.tokens:,}</td><td>{detail}</td></tr>")
    out.append("</table><h2>Scorers</h2><table><tr><th>scorer</th><th>passed</th></tr>")
    out += [f"<tr><td>{e(n)}</td><td class=n>{r:.0%}</td></tr>" for n, r in summary.scorer_pass.items()]
    out.append("</table><h2>Samples</h2>")
    for s in samples:
        mark = '<span class="pass">PASS</span>' if s.passed else '<span class="fail">FAIL</span>'
        tools = ", ".join(f"{t.name}{'' if t.ok in (None, True) else ' (failed)'}" for t in s.tool_calls) or "none"
        out.append(f"<details><summary>{mark} {e(s.case_id)} · epoch {s.epoch} · {s.score:.3f}</summary>"
                   f"<p><b>Prompt</b></p><pre>{e(s.prompt)}</pre><p><b>Tools</b>: {e(tools)}</p>"
                   f"<p><b>Answer</b></p><pre>{e(s.answer or s.error or '')}</pre></details>")
    out.append("</body></html>\n")
    return "\n".join(out)
