"""The architect's answer to one request, as one typed value: :class:`DesignResult`.

It is the graph's output (``{"result": DesignResult}``), what :meth:`Architect.ask` returns and
what the evals score. Its JSON form is ``DesignResult.model_dump_json()``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LintCount(_Frozen):
    """Lint findings of the verified SQL, by severity."""

    error: int = 0
    warning: int = 0
    info: int = 0


class PlanSummary(_Frozen):
    """One query EXPLAINed this turn."""

    query: str
    total_cost: float | None = None
    findings: list[str] = Field(default_factory=list)
    error: str | None = None


class RequirementTestSummary(_Frozen):
    """One requirement test run this turn (:mod:`dbarch.tools.reqtest`)."""

    name: str
    kind: str
    """``negative`` (the schema must reject what it tries) or ``positive``."""
    passed: bool
    detail: str = ""
    """Why it failed; for a passing negative test, the error that proved the rule."""


class Verification(_Frozen):
    """What was checked before the answer reached the user, and what was not."""

    sql_found: bool = False
    """The answer holds DDL or migration SQL."""
    parsed: bool | None = None
    """None when there was nothing to parse."""
    lint: LintCount = Field(default_factory=LintCount)
    lint_findings: list[str] = Field(default_factory=list)
    """``rule (severity) line N: message`` for the first findings."""
    applied: bool | None = None
    """True when every statement ran in the sandbox; None when not attempted."""
    errors: list[str] = Field(default_factory=list)
    """Located errors (``file:line:col: message [SQLSTATE]``) of the last attempt."""
    plans: list[PlanSummary] = Field(default_factory=list)
    """Plans EXPLAINed in the sandbox, on synthetic rows."""
    database_plans: list[PlanSummary] = Field(default_factory=list)
    """Plans EXPLAINed on the user's own database, read-only (never executed)."""
    requirement_tests: list[RequirementTestSummary] = Field(default_factory=list)
    """Requirement tests the architect ran this turn, with their results."""
    verified_by: str = ""
    """``tools`` (the model's own tool calls this turn), ``graph`` (the graph ran the checks),
    or '' when nothing needed verifying."""
    fix_rounds: int = 0
    """How many times the model was sent back to fix SQL that failed."""
    tool_round_limit_reached: bool = False
    not_checked: list[str] = Field(default_factory=list)
    """What could not be checked here (other dialects, non-relational designs...)."""

    @property
    def ok(self) -> bool:
        """True when there was no SQL, or it parsed, applied and had no lint error."""
        if not self.sql_found:
            return True
        return bool(self.parsed and self.applied and not self.errors and self.lint.error == 0)


class TokenUsage(_Frozen):
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    model_calls: int = 0


class DesignResult(_Frozen):
    """The outcome of one request to the architect."""

    answer: str
    """Markdown; when it holds SQL it ends with the verification summary."""
    ddl: str = ""
    """The DDL and migration SQL of the answer, in order ('' when there is none)."""
    migrations_written: list[str] = Field(default_factory=list)
    """Workspace-relative files, e.g. ``migrations/003_add_phone.sql``."""
    decisions_recorded: list[str] = Field(default_factory=list)
    """Decision ids written to ``00_soul.md`` this turn."""
    verification: Verification = Field(default_factory=Verification)
    refused: bool = False
    refusal_reason: str = ""
    guard_verdict: str = "in_scope"
    """The input guard's verdict: in_scope, app_code, mixed or off_topic."""
    guard_notes: list[str] = Field(default_factory=list)
    """What the output guard changed (code blocks removed, reasons asked for)."""
    prompt_version: str = ""
    model: str = ""
    usage: TokenUsage = Field(default_factory=TokenUsage)
    latency_ms: float = 0.0
    thread_id: str | None = None
