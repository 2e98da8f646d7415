"""The eval suite as an inspect_ai task (optional: ``pip install -e .[inspect]``).

    inspect eval evals/inspect_task.py --model openai/gpt-4o-mini
    inspect eval evals/inspect_task.py --model openai/qwen2.5:14b --model-base-url http://localhost:11434/v1
    inspect eval evals/inspect_task.py -T answers=reference --model mockllm/model   # no model needed

- **Dataset**: our cases (:func:`dbarch.evals.case.load_cases`), one inspect ``Sample`` per case,
  its category in the metadata. ``-T cases='schema_design/*'`` selects as ``dbarch eval run`` does.
- **Solver**: ``answers=architect`` (default) asks the architect (:class:`ArchitectSolver`, which
  runs ``Architect`` in a fresh workspace per sample); ``answers=reference`` or ``flawed`` (or
  ``flawed:<words of the flaw>``) replays the case's own answers, so the scorers can be
  calibrated through inspect without a model.
- **Scorers**: each deterministic scorer of ``dbarch.evals.scorers`` is one inspect scorer
  (``Score`` value in [0, 1] with our explanation; unscored when it does not apply to the case),
  plus ``passed`` (1 when every gate passes) and ``score`` (the case's mean), all with mean and
  stderr per category. The answer is analysed once per sample; the scorers share the result.

**Model settings** (``model_from``). ``inspect`` (default): the architect calls the model inspect
was given, which must speak the OpenAI chat-completions API (providers ``openai``, ``openai-api``,
``ollama``, ``vllm``, ``sglang``, ``llama-cpp-python``): its name, its base URL and the first of
its API-key variables that is set (the key itself never leaves the environment), and
``--temperature`` when given. ``env``: the architect's own ``Context`` fallbacks
(``DBARCH_MODEL``, ``OPENAI_BASE_URL``, ``OPENAI_API_KEY``...), whatever ``--model`` says.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from typing import Any

import anyio
from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample as InspectSample
from inspect_ai.model import ChatMessageAssistant, Model, ModelName, ModelOutput, get_model
from inspect_ai.scorer import Score, Scorer, Target, grouped, mean, scorer, stderr
from inspect_ai.solver import Generate, Solver, TaskState, solver

from dbarch.evals.case import Answer, Case, load_cases
from dbarch.evals.sample import Sample
from dbarch.evals.scoring import CaseScore, ScoringContext
from dbarch.evals.solver import ReferenceSolver, Solver as CaseSolver, request_text

OPENAI_COMPATIBLE = frozenset({"openai", "openai-api", "ollama", "vllm", "sglang", "llama-cpp-python"})
"""inspect providers whose endpoint the architect's OpenAI client can call."""
SAMPLE_KEY = "dbarch:sample"
SCORES_KEY = "dbarch:scores"


class CaseIndex:
    """The cases of a task by id (what solvers and scorers look a sample's case up in)."""

    def __init__(self, cases: list[Case]) -> None:
        self.by_id = {c.id: c for c in cases}

    def __getitem__(self, case_id: object) -> Case:
        return self.by_id[str(case_id)]


class EvalResources:
    """What the solver and the scorers share: one scoring context (one sandbox) and a limit on
    the blocking work run in threads at once (the sandbox machine has few cores)."""

    def __init__(self, scoring: ScoringContext, *, concurrency: int = 2) -> None:
        self.scoring = scoring
        self.limiter = anyio.CapacityLimiter(concurrency)

    async def run(self, fn: Callable[[], Any]) -> Any:
        return await anyio.to_thread.run_sync(fn, limiter=self.limiter)


@task
def dbarch_evals(cases: str | None = None, answers: str = "architect", model_from: str = "inspect",
                 sandbox_dsn: str | None = None, concurrency: int = 2) -> Task:
    """The task ``inspect eval evals/inspect_task.py`` runs (``-T name=value`` sets the options)."""
    from dbarch.tools.sandbox import Sandbox, SandboxSettings

    sandbox = Sandbox(SandboxSettings(dsn=sandbox_dsn) if sandbox_dsn else SandboxSettings())
    sandbox.install_exit_hooks()  # this function is the entry point: the run owns the sandbox
    resources = EvalResources(ScoringContext(sandbox, own_sandbox=True), concurrency=concurrency)
    return build_task(load_cases(cases), answers=answers, model_from=model_from, resources=resources)


def build_task(cases: list[Case], *, answers: str = "architect", model_from: str = "inspect",
               resources: EvalResources) -> Task:
    """An inspect ``Task`` over ``cases`` (see the module's documentation for the options)."""
    from dbarch.tools.errors import UsageError

    if not cases:
        raise UsageError("no eval case matches", hint="see `dbarch eval run --help` for case patterns")
    if model_from not in ("inspect", "env"):
        raise UsageError(f"model_from={model_from!r}: use inspect or env")
    index = CaseIndex(cases)
    dataset = MemoryDataset([_sample(c) for c in cases], name="dbarch-evals")
    if answers == "architect":
        chosen = architect(index, resources, model_from=model_from)
    elif answers == "reference" or answers == "flawed" or answers.startswith("flawed:"):
        chosen = replay(index, answers)
    else:
        raise UsageError(f"answers={answers!r}: use architect, reference, flawed or flawed:<flaw>")
    from dbarch.evals.scorers import SCORERS

    scorers = [case_scorer(name, index, resources) for name in ("passed", "score")]
    scorers += [case_scorer(name, index, resources) for name, _ in SCORERS]
    return Task(dataset=dataset, solver=chosen, scorer=scorers, name="dbarch_evals")


def _sample(case: Case) -> InspectSample:
    return InspectSample(input=request_text(case), target=case.reference.text, id=case.id,
                         metadata={"category": case.category.value, "title": case.title,
                                   "scope": case.expect.scope.value})


# -- solvers ------------------------------------------------------------------------------------
def _finish(state: TaskState, sample: Sample) -> TaskState:
    """Record our sample (answer, workspace files, tool calls...) and the answer as the output."""
    state.store.set(SAMPLE_KEY, sample.model_dump(mode="json", exclude={"case"}))
    state.output = ModelOutput.from_content(model=sample.model or "dbarch", content=sample.answer,
                                            error=sample.error)
    state.messages.append(ChatMessageAssistant(content=sample.answer or f"(no answer: {sample.error})"))
    return state


@solver
def replay(cases: CaseIndex, answers: str = "reference") -> Solver:
    """Answer each case with its reference (``reference``) or a flawed answer (``flawed``, or
    ``flawed:<words>`` for the flawed answer whose flaw contains them)."""
    flaw = None if answers == "reference" else answers.partition(":")[2]
    inner = ReferenceSolver(flaw)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return _finish(state, inner(cases[state.sample_id], state.epoch))

    return solve


@solver
def architect(cases: CaseIndex, resources: EvalResources, model_from: str = "inspect") -> Solver:
    """Ask the architect (``Architect``, through :class:`ArchitectSolver`) in a fresh workspace."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        from dbarch.evals.solver import ArchitectSolver

        case = cases[state.sample_id]
        context = architect_context(model_from)

        def ask() -> Sample:  # in a thread: starting the sandbox and the turn both block
            inner: CaseSolver = ArchitectSolver(context, sandbox=resources.scoring.sandbox)
            return inner(case, state.epoch)

        return _finish(state, await resources.run(ask))

    return solve


def architect_context(model_from: str, model: Model | None = None) -> Any:
    """The architect's ``Context`` for ``model`` (default: the active inspect model; see the
    module's documentation)."""
    from dbarch.agent.context import Context
    from dbarch.agent.errors import ModelNotConfigured

    context = Context()
    if model_from == "env":
        context.model_name()  # ModelNotConfigured (one line) when nothing is set
        return context
    model = model or get_model()
    provider = ModelName(model).api
    if provider not in OPENAI_COMPATIBLE:
        raise ModelNotConfigured(
            f"the architect calls an OpenAI-compatible endpoint, not inspect's {provider!r} provider: "
            "use --model openai/<name> (with --model-base-url for Ollama, vLLM, llama.cpp), or "
            "-T model_from=env with DBARCH_MODEL and OPENAI_BASE_URL")
    api = model.api
    name_of = getattr(api, "service_model_name", None)
    fields: dict[str, Any] = {"model": name_of() if callable(name_of) else api.model_name}
    if api.base_url:
        fields["base_url"] = api.base_url
    key_var = next((v for v in api.api_key_vars if os.environ.get(v)), None)
    if key_var:
        fields["api_key_env"] = key_var
    if model.config.temperature is not None:
        fields["temperature"] = model.config.temperature
    return dataclasses.replace(context, **fields)


# -- scorers ------------------------------------------------------------------------------------
def case_scorer(name: str, cases: CaseIndex, resources: EvalResources) -> Scorer:
    """The inspect scorer for one of our scorers (or ``passed``/``score``), named ``name``."""
    metrics = [grouped(mean(), "category"),
               grouped(stderr(), "category", name_template="{group_name}_stderr", all_label="all_stderr")]

    @scorer(metrics=metrics, name=name)
    def make() -> Scorer:
        async def score(state: TaskState, target: Target) -> Score:
            result = await case_scores(state, cases, resources)
            if name == "passed":
                failing = [f"{k}: {v['explanation']}" for k, v in result.items() if v["gate"] and not v["passed"]]
                return Score(value=1.0 if not failing else 0.0, answer=_short(state),
                             explanation="every gate passed" if not failing else "; ".join(failing))
            if name == "score":
                values = [v["value"] for v in result.values()]
                return Score(value=sum(values) / len(values) if values else 0.0, answer=_short(state),
                             explanation=f"mean of {len(values)} scorers")
            if name not in result:
                return Score.unscored(reason="not applicable", explanation=f"{name} does not apply to this case")
            one = result[name]
            return Score(value=one["value"], explanation=one["explanation"],
                         metadata={"passed": one["passed"], "threshold": one["threshold"], "gate": one["gate"]})

        return score

    return make()


async def case_scores(state: TaskState, cases: CaseIndex, resources: EvalResources) -> dict[str, Any]:
    """Every deterministic score of this sample's answer, computed once and kept in the store
    (keyed by the answer, so a re-scored log never reuses the scores of another answer)."""
    from dbarch.evals.score import score_answer

    answer = _answer(state)
    digest = hashlib.sha256(answer.model_dump_json().encode()).hexdigest()
    kept = state.store.get(SCORES_KEY)
    if isinstance(kept, dict) and kept.get("answer") == digest:
        return dict(kept["scores"])
    error = (state.store.get(SAMPLE_KEY) or {}).get("error")
    if error:  # the solver failed: one failing gate that says why
        scores: dict[str, Any] = {"solver": {"value": 0.0, "passed": False, "threshold": 1.0,
                                             "gate": True, "explanation": error}}
    else:
        case = cases[state.sample_id]
        result: CaseScore = await resources.run(lambda: score_answer(case, answer, resources.scoring))
        scores = {k: v for k, v in result.to_dict()["scores"].items()}
    state.store.set(SCORES_KEY, {"answer": digest, "scores": scores})
    return scores


def _answer(state: TaskState) -> Answer:
    """What the solver answered: our sample when one of our solvers ran, else the output text."""
    ours = state.store.get(SAMPLE_KEY)
    if isinstance(ours, dict):
        return Answer(text=ours.get("answer", ""), memory=dict(ours.get("memory") or {}))
    return Answer(text=state.output.completion)


def _short(state: TaskState) -> str:
    text = _answer(state).text.strip()
    return text if len(text) <= 300 else text[:300] + "..."
