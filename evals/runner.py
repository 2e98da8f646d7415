"""``dbarch eval run``: dataset × solver × scorers → samples, metrics and reports.

The shape follows inspect_ai: the dataset is the cases, the solver produces one
:class:`~dbarch.evals.sample.Sample` per case and epoch, the deterministic scorers score it
(and, apart, the optional LLM judge), and metrics summarise. A run folder holds
``samples.jsonl`` (every sample with prompt, transcript, tool calls and scores),
``summary.json``, ``report.md`` and ``report.html``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dbarch.evals.case import Answer, Case, load_cases, parse_case
from dbarch.evals.metrics import Summary, summarise
from dbarch.evals.sample import Sample
from dbarch.evals.score import score_answer
from dbarch.evals.scoring import ScoringContext
from dbarch.evals.solver import Solver
from dbarch.tools.errors import InputError, UsageError


@dataclass(frozen=True, slots=True)
class RunOptions:
    model: str | None = None
    base_url: str | None = None
    cases: str | None = None
    cases_dir: str | None = None
    epochs: int = 1
    concurrency: int = 2
    out: str | None = None
    judge_model: str | None = None


@dataclass(frozen=True, slots=True)
class Run:
    directory: Path
    samples: tuple[Sample, ...]
    summary: Summary


def score_sample(sample: Sample, case: Case, ctx: ScoringContext) -> Sample:
    if sample.error:
        return sample.model_copy(update={"passed": False, "score": 0.0,
                                         "scores": {"solver": {"value": 0.0, "passed": False, "gate": True,
                                                               "explanation": sample.error}}})
    result = score_answer(case, Answer(text=sample.answer, memory=sample.memory), ctx)
    data = result.to_dict()
    return sample.model_copy(update={"passed": data["passed"], "score": data["score"], "scores": data["scores"]})


def _solver(options: RunOptions, sandbox: Any) -> Solver:
    from dbarch.agent.context import Context
    from dbarch.evals.solver import ArchitectSolver

    kwargs: dict[str, Any] = {}
    if options.model:
        kwargs["model"] = options.model
    if options.base_url:
        kwargs["base_url"] = options.base_url
    context = Context(**kwargs)
    context.model_name()  # ModelNotConfigured (one clear line) before anything starts
    return ArchitectSolver(context, sandbox=sandbox)


def run_suite(
    options: RunOptions, *, sandbox: Any, progress: bool = False, solver: Solver | None = None,
    judge: Callable[[Case, Sample], dict[str, Any]] | None = None,
) -> Run:
    if options.epochs < 1 or options.concurrency < 1:
        raise UsageError("--epochs and --concurrency must be at least 1")
    cases = load_cases(options.cases, Path(options.cases_dir) if options.cases_dir else None)
    if not cases:
        raise UsageError(f"no case matches {options.cases!r}", hint="list them with: ls evals/cases/*/")
    solver = solver or _solver(options, sandbox)
    if judge is None and options.judge_model:
        from dbarch.evals.judge import make_judge

        judge = make_judge(options.judge_model, base_url=options.base_url)
    out = Path(options.out) if options.out else Path("evals-runs") / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(c, e) for c in cases for e in range(1, options.epochs + 1)]
    bar = _Progress(len(jobs), enabled=progress)
    lock = threading.Lock()
    samples: list[Sample] = []
    with ScoringContext(sandbox) as ctx, (out / "samples.jsonl").open("w", encoding="utf-8") as log:

        def one(case: Case, epoch: int) -> Sample:
            sample = score_sample(solver(case, epoch), case, ctx)
            if judge is not None and not sample.error:
                sample = sample.model_copy(update={"judge": judge(case, sample)})
            return sample

        with ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="dbarch-eval") as pool:
            futures = [pool.submit(one, c, e) for c, e in jobs]
            for fut in as_completed(futures):
                sample = fut.result()
                with lock:
                    samples.append(sample)
                    log.write(sample.model_dump_json() + "\n")
                    log.flush()
                bar.advance(f"{sample.case_id} {'PASS' if sample.passed else 'FAIL'} {sample.score:.2f}")
    bar.close()
    samples.sort(key=lambda s: (s.case_id, s.epoch))
    return write_run(out, samples, solver.name)


def write_run(out: Path, samples: list[Sample], model: str) -> Run:
    from dbarch.evals.report.html import render_html
    from dbarch.evals.report.markdown import render_markdown

    summary = summarise(samples, model)
    (out / "samples.jsonl").write_text("".join(s.model_dump_json() + "\n" for s in samples), encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2), encoding="utf-8")
    (out / "report.md").write_text(render_markdown(summary, samples), encoding="utf-8")
    (out / "report.html").write_text(render_html(summary, samples), encoding="utf-8")
    return Run(out, tuple(samples), summary)


def read_samples(run_dir: Path) -> list[Sample]:
    path = run_dir / "samples.jsonl"
    if not path.is_file():
        raise InputError("not a run folder: no samples.jsonl", file=str(run_dir),
                         hint="pass the folder `dbarch eval run --out` wrote")
    samples: list[Sample] = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            samples.append(Sample.model_validate_json(line))
        except ValueError as exc:
            raise InputError(f"bad sample: {str(exc).splitlines()[0]}", file=str(path), line=i) from None
    return samples


def rescore_run(run_dir: Path, ctx: ScoringContext, cases_dir: Path | None = None) -> Run:
    """Score a saved run's answers again with the current scorers (and the current cases when
    the suite still has them; otherwise the case saved with the sample)."""
    samples = read_samples(run_dir)
    suite = {c.id: c for c in load_cases(None, cases_dir)}
    out: list[Sample] = []
    for s in samples:
        case = suite.get(s.case_id) or (parse_case(s.case, source=str(run_dir)) if s.case else None)
        if case is None:
            raise InputError(f"case {s.case_id} is neither in the suite nor saved in the run", file=str(run_dir))
        out.append(score_sample(s, case, ctx).model_copy(update={"judge": s.judge}))
    model = samples[0].model if samples else ""
    return write_run(run_dir, out, model)


class _Progress:
    """A rich progress bar on a terminal; one line per finished sample otherwise."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total, self.done = total, 0
        self._bar: Any = None
        self._task: Any = None
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(TextColumn("eval"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("{task.description}"), transient=False)
            self._bar.start()
            self._task = self._bar.add_task("", total=total)

    def advance(self, text: str) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=text)
        else:
            print(f"[{self.done}/{self.total}] {text}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
