"""The inspect_ai adapter (evals/inspect_task.py), run through inspect's own ``eval()``.

No model: the replay solver answers with each case's reference (every sample must pass) and
with its flawed answer (every sample must fail), scored by our deterministic scorers on the
real sandbox; ``mockllm/model`` stands in for the model inspect insists on. The architect's own
path is run on a case its input guard refuses (no model call; a cassette with no responses
fails on any request).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.model import GenerateConfig, get_model

from dbarch.evals.case import Category, load_cases
from dbarch.evals.inspect_task import EvalResources, architect_context, build_task
from dbarch.evals.scorers import SCORERS
from dbarch.evals.scoring import ScoringContext
from tests.agent.conftest import replay

pytestmark = pytest.mark.sandbox

CASES = ("boundary/python-endpoint", "selection/ecommerce-payments", "schema/commerce", "ops/pitr-backup")


@pytest.fixture(scope="module")
def resources(sandbox: Any) -> Iterator[EvalResources]:
    with ScoringContext(sandbox) as scoring:
        yield EvalResources(scoring)


@pytest.fixture(scope="module")
def cases() -> list[Any]:
    chosen = [c for c in load_cases() if c.id in CASES]
    assert len(chosen) == len(CASES)
    return chosen


def run(task: Any, log_dir: Path, model: str = "mockllm/model", **kwargs: Any) -> Any:
    (log,) = inspect_eval(task, model=model, log_dir=str(log_dir), display="none", **kwargs)
    assert log.status == "success", log.error
    return log


def test_references_pass_through_inspect(cases: list[Any], resources: EvalResources, tmp_path: Path) -> None:
    log = run(build_task(cases, answers="reference", resources=resources), tmp_path)
    assert {s.id for s in log.samples} == set(CASES)
    for sample in log.samples:
        assert sample.output.completion.strip()
        assert sample.scores["passed"].value == 1.0, (sample.id, sample.scores["passed"].explanation)
        assert sample.scores["passed"].explanation == "every gate passed"
        for name, score in sample.scores.items():
            if not math.isnan(score.value):
                assert 0.0 <= score.value <= 1.0 and score.explanation, (sample.id, name)
    metrics = {s.name: s.metrics for s in log.results.scores}
    assert set(metrics) == {"passed", "score", *(name for name, _ in SCORERS)}
    categories = {c.category.value for c in cases}
    for stat in ("", "_stderr"):
        assert {f"{cat}{stat}" for cat in categories} <= set(metrics["passed"])
    assert all(metrics["passed"][cat].value == 1.0 for cat in categories)
    assert metrics["passed"]["all_stderr"].value == 0.0


def test_flawed_answers_fail_through_inspect(cases: list[Any], resources: EvalResources, tmp_path: Path) -> None:
    log = run(build_task(cases, answers="flawed", resources=resources), tmp_path)
    by_id = {s.id: s for s in log.samples}
    for sample in log.samples:
        assert sample.scores["passed"].value == 0.0, sample.id
        assert sample.scores["score"].value < 1.0
    # our explanations reach inspect's scores, per scorer
    refusal = by_id["boundary/python-endpoint"].scores
    assert refusal["no_app_code"].value == 0.0 and "application code" in refusal["no_app_code"].explanation
    assert "no_app_code" in refusal["passed"].explanation
    money = by_id["schema/commerce"].scores["types"]
    assert money.value < 1.0 and "want money" in money.explanation
    # a scorer that does not apply to a case is unscored there, not a zero
    assert math.isnan(by_id["boundary/python-endpoint"].scores["applies"].value)
    metrics = {s.name: s.metrics for s in log.results.scores}
    assert metrics["passed"]["all"].value == 0.0
    assert set(metrics["applies"]) & {c.value for c in Category} == {"schema_design"}


def test_the_architect_solver_runs_the_agent(cases: list[Any], resources: EvalResources, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DBARCH_MODEL", "OPENAI_BASE_URL", "DBARCH_API_KEY_ENV", "DBARCH_GUARD_MODEL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    refused = [c for c in cases if c.id == "boundary/python-endpoint"]
    with replay("no_model"):  # the input guard refuses: any model request fails the test
        log = run(build_task(refused, resources=resources), tmp_path, model="openai/test-model",
                  model_base_url="http://llm.test/v1")
    (sample,) = log.samples
    assert sample.error is None
    assert "application code" in sample.output.completion and sample.scores["passed"].value == 1.0
    ours = sample.store["dbarch:sample"]
    assert ours["guard_verdict"] == "app_code" and ours["model"] == "test-model"


def test_the_architect_without_an_openai_compatible_model_fails_loudly(
        cases: list[Any], resources: EvalResources, tmp_path: Path) -> None:
    (log,) = inspect_eval(build_task(cases[:1], resources=resources), model="mockllm/model",
                          log_dir=str(tmp_path), display="none")
    assert log.status == "error"
    assert "OpenAI-compatible endpoint" in str(log.error) and "model_from=env" in str(log.error)


def test_model_settings_come_from_inspects_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DBARCH_MODEL", "OPENAI_BASE_URL", "DBARCH_TEMPERATURE", "DBARCH_API_KEY_ENV"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    model = get_model("openai/qwen2.5:14b", base_url="http://localhost:11434/v1",
                      config=GenerateConfig(temperature=0.3))
    context = architect_context("inspect", model)
    assert (context.model, context.base_url, context.temperature) == ("qwen2.5:14b", "http://localhost:11434/v1", 0.3)
    assert context.api_key_env == "OPENAI_API_KEY" and context.model_name() == "qwen2.5:14b"
    # env: the architect's own fallbacks, whatever inspect's model is
    monkeypatch.setenv("DBARCH_MODEL", "from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://vllm.test/v1")
    context = architect_context("env", model)
    assert (context.model, context.base_url) == ("from-env", "http://vllm.test/v1")


def test_bad_options_are_usage_errors(cases: list[Any], resources: EvalResources) -> None:
    from dbarch.tools.errors import UsageError

    with pytest.raises(UsageError, match="answers='judge'"):
        build_task(cases, answers="judge", resources=resources)
    with pytest.raises(UsageError, match="model_from"):
        build_task(cases, model_from="azure", resources=resources)
    with pytest.raises(UsageError, match="no eval case"):
        build_task([], resources=resources)
