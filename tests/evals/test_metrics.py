from __future__ import annotations

import math

import pytest

from dbarch.evals.judge import parse_verdict
from dbarch.evals.metrics import mean_stderr, pass_at_k, price_for, summarise
from dbarch.evals.sample import Sample


def test_pass_at_k_is_the_unbiased_estimator() -> None:
    assert pass_at_k(5, 0, 1) == 0.0
    assert pass_at_k(5, 5, 3) == 1.0
    assert pass_at_k(4, 1, 1) == pytest.approx(0.25)
    assert pass_at_k(4, 1, 2) == pytest.approx(1 - 3 / 6)
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)


def test_mean_and_standard_error() -> None:
    assert mean_stderr([]) == (0.0, 0.0)
    assert mean_stderr([0.5]) == (0.5, 0.0)
    m, se = mean_stderr([0.0, 1.0, 1.0, 0.0])
    assert m == 0.5 and se == pytest.approx(math.sqrt(1 / 3) / 2)


def _s(case: str, cat: str, epoch: int, passed: bool, score: float, tokens: int = 0) -> Sample:
    return Sample(case_id=case, category=cat, epoch=epoch, prompt="p", passed=passed, score=score,
                  usage={"input_tokens": tokens, "output_tokens": tokens // 2, "total_tokens": tokens + tokens // 2},
                  latency_ms=100.0 * epoch)


def test_summary_per_category_and_pass_at_k_over_epochs() -> None:
    samples = [_s("a", "x", 1, True, 1.0, 1000), _s("a", "x", 2, False, 0.5, 1000),
               _s("b", "y", 1, False, 0.0), _s("b", "y", 2, False, 0.2)]
    s = summarise(samples, "gpt-4o-mini")
    assert s.pass_at[1] == pytest.approx((0.5 + 0.0) / 2)
    assert s.pass_at[2] == pytest.approx((1.0 + 0.0) / 2)
    cats = {c.category: c for c in s.categories}
    assert cats["x"].mean == 0.75 and cats["y"].pass_rate == 0.0
    assert s.cost_usd == pytest.approx((2000 * 0.15 + 1000 * 0.60) / 1e6)
    assert s.latency_p95_ms == 200.0


def test_unknown_models_have_no_price(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBARCH_PRICE", raising=False)
    assert price_for("qwen2.5:14b") is None
    monkeypatch.setenv("DBARCH_PRICE", "1,2")
    assert price_for("qwen2.5:14b") == (1.0, 2.0)


def test_judge_verdicts_are_parsed_or_flagged() -> None:
    assert parse_verdict('```json\n{"score": 7, "reason": "ok"}\n```') == (0.7, "ok")
    score, why = parse_verdict("I think it is good")
    assert score is None and "unreadable" in why
    assert parse_verdict('{"score": 42}')[0] is None
