"""The runner end to end without a model: the reference solver (and a flawed one) through
run_suite, the reports, compare and rescore; and the real Architect solver on a hand-written
cassette (tests/cassettes/evals, see tests/cassettes/README.md) and on a request its input
guard refuses without calling the model."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr

from dbarch.evals.compare import compare_runs, render_compare
from dbarch.evals.runner import RunOptions, read_samples, rescore_run, run_suite, score_sample
from dbarch.evals.scoring import ScoringContext
from dbarch.evals.solver import ReferenceSolver
from dbarch.tools.errors import UsageError

CASES = "*python-endpoint*"
SUBSET = ("boundary/python-endpoint", "selection/session-cache", "query/orders-by-customer")
CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "evals"


@pytest.fixture(scope="module")
def runs(sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The same three cases answered by their references and by their first flawed answers."""
    base = tmp_path_factory.mktemp("runs")
    out = []
    for name, solver in (("ref", ReferenceSolver()), ("bad", ReferenceSolver(""))):
        results = []
        for case_id in SUBSET:
            run = run_suite(RunOptions(cases=case_id, epochs=2, concurrency=2, out=str(base / name / case_id.replace("/", "_"))),
                            sandbox=sandbox, solver=solver)
            results.append(run)
        merged = base / f"{name}-all"
        merged.mkdir()
        (merged / "samples.jsonl").write_text(
            "".join((r.directory / "samples.jsonl").read_text() for r in results), encoding="utf-8")
        out.append(merged)
    yield out[0], out[1]


def test_a_run_writes_samples_summary_and_reports(runs: tuple[Path, Path], sandbox: Any) -> None:
    ref, _ = runs
    with ScoringContext(sandbox) as ctx:  # type: ignore[arg-type]
        run = rescore_run(ref, ctx)
    assert {p.name for p in ref.iterdir()} >= {"samples.jsonl", "summary.json", "report.md", "report.html"}
    samples = read_samples(ref)
    assert len(samples) == 6 and all(s.passed for s in samples)
    assert {s.epoch for s in samples} == {1, 2}
    summary = json.loads((ref / "summary.json").read_text())
    assert summary["pass_at"] == {"1": 1.0, "2": 1.0}
    assert {c["category"] for c in summary["categories"]} == {"boundary", "db_selection", "query_optimization"}
    assert run.summary.overall_mean > 0.95
    md = (ref / "report.md").read_text()
    assert "## By category" in md and "| query_optimization |" in md and "pass@2" in md


def test_the_html_report_is_self_contained(runs: tuple[Path, Path]) -> None:
    html = (runs[0] / "report.html").read_text()
    page = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?://|<script|<link|url\(", page)
    assert html.count("<svg") == 3  # one chart per category


def test_compare_reports_the_flipped_cases(runs: tuple[Path, Path], sandbox: Any) -> None:
    ref, bad = runs
    with ScoringContext(sandbox) as ctx:  # type: ignore[arg-type]
        rescore_run(bad, ctx)
    cmp = compare_runs(bad, ref)
    assert sorted(c.case_id for c in cmp.flipped) == sorted(SUBSET)
    assert all(c.flip == "fixed" and (c.delta or 0) > 0 for c in cmp.flipped)
    text = render_compare(cmp)
    assert "flipped cases: 3" in text
    assert cmp.to_dict()["flipped"] == sorted(SUBSET)


def test_no_case_matched_is_a_usage_error(sandbox: Any, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no case matches"):
        run_suite(RunOptions(cases="nothing/*", out=str(tmp_path)), sandbox=sandbox, solver=ReferenceSolver())


@pytest.fixture
def model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    for var in ("OPENAI_BASE_URL", "DBARCH_MODEL", "DBARCH_WORKSPACE"):
        monkeypatch.delenv(var, raising=False)


def _architect_solver(sandbox: Any) -> Any:
    from dbarch.agent.context import Context
    from dbarch.evals.solver import ArchitectSolver

    return ArchitectSolver(Context(model="test-model", base_url="http://llm.test/v1", max_retries=0,
                                   retry_backoff=0.0), sandbox=sandbox)


@pytest.mark.usefixtures("model_env")
def test_the_architect_solver_records_and_scores_a_guarded_refusal(sandbox: Any) -> None:
    from dbarch.evals.case import load_cases

    (case,) = load_cases("*python-endpoint*")
    sample = _architect_solver(sandbox)(case, 1)  # the input guard answers: no model call
    assert sample.error is None and sample.answer
    assert sample.guard_verdict == "app_code"
    with ScoringContext(sandbox) as ctx:  # type: ignore[arg-type]
        scored = score_sample(sample, case, ctx)
    assert scored.passed, scored.scores


@pytest.mark.usefixtures("model_env")
def test_the_architect_solver_on_a_hand_written_cassette(sandbox: Any) -> None:
    from dbarch.evals.case import load_cases

    (case,) = load_cases("*blog-tags*")
    replay = vcr.VCR(record_mode="none", match_on=["method", "scheme", "host", "path"])
    with replay.use_cassette(str(CASSETTES / "blog_tags_reference.yaml"), allow_playback_repeats=False) as cassette:
        sample = _architect_solver(sandbox)(case, 1)
    assert cassette.all_played
    assert sample.error is None
    assert sample.usage.input_tokens == 1800 and sample.usage.output_tokens == 520
    assert "CREATE TABLE article_tags" in sample.answer
    with ScoringContext(sandbox) as ctx:  # type: ignore[arg-type]
        scored = score_sample(sample, case, ctx)
    assert scored.passed, {k: v["explanation"] for k, v in scored.scores.items() if not v["passed"]}
