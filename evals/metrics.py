"""Metrics over samples: mean ± standard error per category, pass@k over epochs, latency,
tokens and estimated cost (inspect_ai's ``mean()``/``stderr()`` and the unbiased pass@k)."""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dbarch.evals.sample import Sample

PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    # USD per million input / output tokens, public list prices (override: DBARCH_PRICE="in,out")
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}


def mean_stderr(values: Sequence[float]) -> tuple[float, float]:
    """Mean and standard error of the mean (sample standard deviation / sqrt(n); 0 for n < 2)."""
    n = len(values)
    if n == 0:
        return 0.0, 0.0
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al. 2021): the chance that at least one of k of the n samples,
    c of which passed, passes."""
    if k > n:
        raise ValueError("k cannot exceed the number of samples")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def price_for(model: str) -> tuple[float, float] | None:
    env = os.environ.get("DBARCH_PRICE")
    if env:
        try:
            a, b = (float(x) for x in env.split(","))
            return a, b
        except ValueError:
            return None
    name = model.split("/")[-1]
    for key in sorted(PRICES_PER_MTOK, key=len, reverse=True):
        if name == key or name.startswith(key + "-20"):
            return PRICES_PER_MTOK[key]
    return None


@dataclass(frozen=True, slots=True)
class CategoryStats:
    category: str
    cases: int
    samples: int
    mean: float
    stderr: float
    pass_rate: float


@dataclass(frozen=True, slots=True)
class CaseStats:
    case_id: str
    category: str
    epochs: int
    passes: int
    mean: float
    pass_at: dict[int, float]
    latency_ms: float
    tokens: int
    judge: float | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    model: str
    samples: int
    cases: tuple[CaseStats, ...]
    categories: tuple[CategoryStats, ...]
    overall_mean: float
    overall_stderr: float
    pass_rate: float
    pass_at: dict[int, float]
    latency_mean_ms: float
    latency_p95_ms: float
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    errors: int
    judge_mean: float | None = None
    guard_agreement: float | None = None
    """Share of samples whose agent input-guard verdict equals the case's scope."""
    scorer_pass: dict[str, float] = field(default_factory=dict)
    """Share of samples each scorer passed, among the samples it applied to."""

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def summarise(samples: Iterable[Sample], model: str = "") -> Summary:
    samples = list(samples)
    by_case: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_case[s.case_id].append(s)
    cases: list[CaseStats] = []
    for cid, group in sorted(by_case.items()):
        n = len(group)
        c = sum(1 for s in group if s.passed)
        judged = [s.judge["score"] for s in group if s.judge and isinstance(s.judge.get("score"), int | float)]
        cases.append(CaseStats(
            cid, group[0].category, n, c, sum(s.score for s in group) / n,
            {k: pass_at_k(n, c, k) for k in range(1, n + 1)},
            sum(s.latency_ms for s in group) / n, sum(s.usage.total_tokens for s in group),
            sum(judged) / len(judged) if judged else None,
        ))
    cats: list[CategoryStats] = []
    for cat in sorted({s.category for s in samples}):
        group = [s for s in samples if s.category == cat]
        m, se = mean_stderr([s.score for s in group])
        cats.append(CategoryStats(cat, len({s.case_id for s in group}), len(group), m, se,
                                  sum(s.passed for s in group) / len(group)))
    m, se = mean_stderr([s.score for s in samples])
    epochs = min((c.epochs for c in cases), default=0)
    pass_at = {k: sum(c.pass_at[k] for c in cases) / len(cases) for k in range(1, epochs + 1)} if cases else {}
    lat = sorted(s.latency_ms for s in samples)
    p95 = lat[min(len(lat) - 1, math.ceil(0.95 * len(lat)) - 1)] if lat else 0.0
    tin = sum(s.usage.input_tokens for s in samples)
    tout = sum(s.usage.output_tokens for s in samples)
    price = price_for(model)
    cost = (tin * price[0] + tout * price[1]) / 1e6 if price else None
    judged = [c.judge for c in cases if c.judge is not None]
    scorer_hits: dict[str, list[bool]] = defaultdict(list)
    for s in samples:
        for name, sc in s.scores.items():
            scorer_hits[name].append(bool(sc.get("passed")))
    guarded = [s for s in samples if s.guard_verdict and s.case]
    agree = [s.guard_verdict == (s.case or {}).get("expect", {}).get("scope", "in_scope") for s in guarded]
    return Summary(
        model=model, samples=len(samples), cases=tuple(cases), categories=tuple(cats),
        overall_mean=m, overall_stderr=se,
        pass_rate=sum(s.passed for s in samples) / len(samples) if samples else 0.0,
        pass_at=pass_at, latency_mean_ms=sum(lat) / len(lat) if lat else 0.0, latency_p95_ms=p95,
        input_tokens=tin, output_tokens=tout, cost_usd=cost, errors=sum(1 for s in samples if s.error),
        judge_mean=sum(judged) / len(judged) if judged else None,
        guard_agreement=sum(agree) / len(agree) if agree else None,
        scorer_pass={k: sum(v) / len(v) for k, v in sorted(scorer_hits.items())},
    )
