"""One sample: a case asked once (one epoch), the answer, how it was produced, and its scores.

``samples.jsonl`` in a run folder holds one :class:`Sample` per line (its pydantic JSON form),
so a run can be re-scored, compared and reported without the model.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ToolCall(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    ok: bool | None = None
    summary: str = ""
    ms: float = 0.0


class Usage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    model_calls: int = 0


class Sample(BaseModel):
    model_config = ConfigDict(extra="ignore")
    case_id: str
    category: str
    epoch: int = 1
    prompt: str
    answer: str = ""
    memory: dict[str, str] = Field(default_factory=dict)
    """Workspace files the turn wrote (name: content)."""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    transcript: list[dict[str, Any]] = Field(default_factory=list)
    """Events of the turn in order: status lines, tool starts and ends."""
    usage: Usage = Field(default_factory=Usage)
    latency_ms: float = 0.0
    model: str = ""
    guard_verdict: str | None = None
    """The agent's input-guard verdict (in_scope, app_code, mixed, off_topic), when it says."""
    verified: bool | None = None
    """The agent's own verification verdict on its SQL (DesignResult.verification.ok)."""
    error: str | None = None
    """Why no answer was produced (the model failed); the sample then scores 0."""
    passed: bool = False
    score: float = 0.0
    scores: dict[str, Any] = Field(default_factory=dict)
    """Per scorer: value, passed, threshold, gate, explanation, ms."""
    judge: dict[str, Any] | None = None
    """The optional LLM judge's {score, explanation, model}, reported apart."""
    case: dict[str, Any] | None = None
    """The case as it was run (so a run re-scores even when the suite changed)."""
