"""Solvers: what turns a case into an answer.

:class:`ArchitectSolver` asks the real agent (``dbarch.agent.session.Architect.ask`` through its
event stream) in a fresh workspace per sample, and records the answer, the tool calls, the
workspace files the turn wrote, tokens and latency. :class:`ReferenceSolver` answers with the
case's own reference (or a flawed answer): the runner and reports work without a model, and the
calibration numbers are reproducible end to end.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any, Protocol

from dbarch.evals.case import Case
from dbarch.evals.sample import Sample, ToolCall, Usage

MEMORY_FILES = ("00_soul.md", "01_state.md", "02_memory.md")


class Solver(Protocol):
    name: str

    def __call__(self, case: Case, epoch: int) -> Sample: ...


def request_text(case: Case) -> str:
    """The prompt sent to the model: the case's prompt, and its given schema when the prompt
    does not already carry it."""
    if case.schema_sql and case.schema_sql.strip()[:60] not in case.prompt:
        return f"{case.prompt.rstrip()}\n\nCurrent schema:\n```sql\n{case.schema_sql.rstrip()}\n```\n"
    return case.prompt


def _base(case: Case, epoch: int) -> dict[str, Any]:
    return {"case_id": case.id, "category": case.category.value, "epoch": epoch, "prompt": request_text(case),
            "case": case.model_dump(by_alias=True, mode="json")}


class ReferenceSolver:
    """Answers with the reference, or with the flawed answer whose ``flaw`` contains ``flaw``."""

    def __init__(self, flaw: str | None = None) -> None:
        self.flaw = flaw
        self.name = "reference" if flaw is None else f"flawed:{flaw}"

    def __call__(self, case: Case, epoch: int) -> Sample:
        answer = case.reference
        if self.flaw is not None:
            chosen = next((f for f in case.flawed if self.flaw in f.flaw), case.flawed[0])
            answer = case.flawed_answer(chosen)
        return Sample(**_base(case, epoch), answer=answer.text, memory=dict(answer.memory), model=self.name)


class ArchitectSolver:
    """The agent under test. ``sandbox`` is shared by every sample (thread-safe)."""

    def __init__(self, context: Any, *, sandbox: Any) -> None:
        self.context = context
        self.sandbox = sandbox
        self.name = context.model_name()

    def __call__(self, case: Case, epoch: int) -> Sample:
        import dataclasses

        from dbarch.agent.events import FinalEvent, StatusEvent, ToolEndEvent, ToolStartEvent
        from dbarch.agent.session import Architect

        base = _base(case, epoch)
        with tempfile.TemporaryDirectory(prefix="dbarch-eval-ws-") as ws:
            before = _snapshot(Path(ws))
            context = dataclasses.replace(self.context, workspace=ws, services=None)
            started = time.perf_counter()
            calls: list[ToolCall] = []
            transcript: list[dict[str, Any]] = []
            try:
                with Architect(context, sandbox=self.sandbox) as architect:
                    result = None
                    for event in architect.stream(base["prompt"], thread_id=f"eval-{case.id}-{epoch}"):
                        if isinstance(event, ToolStartEvent):
                            transcript.append({"event": "tool_start", "name": event.name, "args": event.args})
                            calls.append(ToolCall(name=event.name, args=dict(event.args)))
                        elif isinstance(event, ToolEndEvent):
                            transcript.append({"event": "tool_end", "name": event.name, "ok": event.ok,
                                               "summary": event.summary, "ms": event.ms})
                            for c in reversed(calls):
                                if c.name == event.name and c.ok is None:
                                    c.ok, c.summary, c.ms = event.ok, event.summary, event.ms
                                    break
                        elif isinstance(event, StatusEvent):
                            transcript.append({"event": "status", "text": event.text})
                        elif isinstance(event, FinalEvent):
                            result = event.result
            except Exception as exc:  # the model failed: the sample records why and scores 0
                return Sample(**base, error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                              latency_ms=(time.perf_counter() - started) * 1000, model=self.name,
                              tool_calls=calls, transcript=transcript)
            memory = {name: text for name, text in _snapshot(Path(ws)).items() if before.get(name) != text}
        assert result is not None
        usage = Usage(**result.usage.model_dump())
        return Sample(**base, answer=result.answer, memory=memory, tool_calls=calls, transcript=transcript,
                      usage=usage, guard_verdict=result.guard_verdict, verified=result.verification.ok, latency_ms=result.latency_ms or (time.perf_counter() - started) * 1000,
                      model=result.model or self.name)


def _snapshot(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in MEMORY_FILES:
        p = root / name
        if p.is_file():
            out[name] = p.read_text(encoding="utf-8")
    return out
