"""``dbarch eval compare RUN_A RUN_B``: per-category and per-case deltas, and which cases flipped
between pass and fail (a case passes when every epoch of it passed)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dbarch.evals.metrics import summarise
from dbarch.evals.runner import read_samples


@dataclass(frozen=True, slots=True)
class CaseDelta:
    case_id: str
    category: str
    score_a: float | None
    score_b: float | None
    passed_a: bool | None
    passed_b: bool | None

    @property
    def delta(self) -> float | None:
        if self.score_a is None or self.score_b is None:
            return None
        return self.score_b - self.score_a

    @property
    def flip(self) -> str | None:
        if self.passed_a is None or self.passed_b is None or self.passed_a == self.passed_b:
            return None
        return "fixed" if self.passed_b else "broken"


@dataclass(frozen=True, slots=True)
class CategoryDelta:
    category: str
    mean_a: float | None
    mean_b: float | None
    stderr_a: float | None
    stderr_b: float | None
    pass_a: float | None
    pass_b: float | None


@dataclass(frozen=True, slots=True)
class Comparison:
    run_a: str
    run_b: str
    model_a: str
    model_b: str
    mean_a: float
    mean_b: float
    categories: tuple[CategoryDelta, ...]
    cases: tuple[CaseDelta, ...]

    @property
    def flipped(self) -> list[CaseDelta]:
        return [c for c in self.cases if c.flip]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cases"] = [{**asdict(c), "delta": c.delta, "flip": c.flip} for c in self.cases]
        data["flipped"] = [c.case_id for c in self.flipped]
        return data


def compare_runs(a: Path, b: Path) -> Comparison:
    sa, sb = read_samples(a), read_samples(b)
    ma, mb = summarise(sa, sa[0].model if sa else ""), summarise(sb, sb[0].model if sb else "")
    ca = {c.case_id: c for c in ma.cases}
    cb = {c.case_id: c for c in mb.cases}
    cases = []
    for cid in sorted(set(ca) | set(cb)):
        x, y = ca.get(cid), cb.get(cid)
        cases.append(CaseDelta(cid, (x or y).category if (x or y) else "?",  # type: ignore[union-attr]
                               x.mean if x else None, y.mean if y else None,
                               (x.passes == x.epochs) if x else None, (y.passes == y.epochs) if y else None))
    cats_a = {c.category: c for c in ma.categories}
    cats_b = {c.category: c for c in mb.categories}
    cats = []
    for cat in sorted(set(cats_a) | set(cats_b)):
        p, q = cats_a.get(cat), cats_b.get(cat)
        cats.append(CategoryDelta(cat, p.mean if p else None, q.mean if q else None, p.stderr if p else None,
                                  q.stderr if q else None, p.pass_rate if p else None, q.pass_rate if q else None))
    return Comparison(str(a), str(b), ma.model, mb.model, ma.overall_mean, mb.overall_mean, tuple(cats), tuple(cases))


def _f(v: float | None, fmt: str = ".3f") -> str:
    return "-" if v is None else format(v, fmt)


def render_compare(c: Comparison, *, markdown: bool = False) -> str:
    sep = " | " if markdown else "  "
    lines = [f"A: {c.run_a} ({c.model_a})", f"B: {c.run_b} ({c.model_b})",
             f"score: {c.mean_a:.3f} -> {c.mean_b:.3f} ({c.mean_b - c.mean_a:+.3f})", ""]
    head = ["category", "A mean ± se", "B mean ± se", "delta", "A pass", "B pass"]
    rows = [[d.category, f"{_f(d.mean_a)} ± {_f(d.stderr_a)}", f"{_f(d.mean_b)} ± {_f(d.stderr_b)}",
             _f(None if d.mean_a is None or d.mean_b is None else d.mean_b - d.mean_a, "+.3f"),
             _f(d.pass_a, ".0%"), _f(d.pass_b, ".0%")] for d in c.categories]
    lines += _table(head, rows, markdown, sep)
    lines.append("")
    flipped = c.flipped
    lines.append(f"flipped cases: {len(flipped)}" + ("" if flipped else " (none)"))
    if flipped:
        lines += _table(["case", "flip", "A", "B", "delta"],
                        [[x.case_id, x.flip or "", _f(x.score_a), _f(x.score_b), _f(x.delta, "+.3f")] for x in flipped],
                        markdown, sep)
    moved = sorted((x for x in c.cases if x.delta and not x.flip and abs(x.delta) >= 0.05), key=lambda x: x.delta or 0)
    if moved:
        lines += ["", "largest score changes without a flip:"]
        lines += _table(["case", "A", "B", "delta"], [[x.case_id, _f(x.score_a), _f(x.score_b), _f(x.delta, "+.3f")]
                                                      for x in moved[:10]], markdown, sep)
    return "\n".join(lines) + "\n"


def _table(head: list[str], rows: list[list[str]], markdown: bool, sep: str) -> list[str]:
    if markdown:
        return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    fmt = sep.join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*head)] + [fmt.format(*r) for r in rows]
