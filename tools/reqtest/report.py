"""What a run of requirement tests found: frozen values with one JSON form.

``TestReport`` lists every test with what each step was expected to do and what PostgreSQL did
(SQLSTATE, message, detail, constraint), and splits the totals into positive tests (the schema
must accept) and negative tests (the schema must reject: an expected violation is a pass, a
forbidden write that succeeds is a failure). The JSON form comes from
:mod:`dbarch.tools.jsonform` (a pydantic ``TypeAdapter`` over the dataclass).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """One step as run: what was expected, what happened, PostgreSQL's own words."""

    step: int
    """1-based index of the step in its test; 0 for the check at the end of the test
    (``SET CONSTRAINTS ALL IMMEDIATE``: deferred constraints fire as at COMMIT)."""
    sql: str
    expected: str
    happened: str
    passed: bool
    line: int | None = None
    """Line in the test file (the line of the error inside the SQL when PostgreSQL gives one)."""
    sqlstate: str | None = None
    message: str | None = None
    detail: str | None = None
    hint: str | None = None
    constraint: str | None = None
    """The constraint PostgreSQL named in its error, if any."""
    rows: int | None = None
    """Rows returned or affected, after a success."""
    ms: float = 0.0


@dataclass(frozen=True, slots=True)
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    kind: Literal["positive", "negative"]
    passed: bool
    steps: tuple[StepOutcome, ...]
    """Every step run, in order; on a failure the failing one is last."""
    failure: str | None = None
    """One line: why the test failed (``None`` when it passed)."""
    description: str = ""
    source: str | None = None
    line: int | None = None
    ms: float = 0.0

    @property
    def failed_step(self) -> StepOutcome | None:
        return None if self.passed or not self.steps or self.steps[-1].passed else self.steps[-1]


@dataclass(frozen=True, slots=True)
class SchemaFailure:
    """Why the schema could not be set up (the tests then did not run)."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    sqlstate: str | None = None
    hint: str | None = None

    def one_line(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        text = f"{where}: {self.message}" if where else self.message
        if self.sqlstate:
            text += f" [SQLSTATE {self.sqlstate}]"
        return text + (f" (hint: {self.hint})" if self.hint else "")


@dataclass(frozen=True, slots=True)
class Tally:
    total: int
    passed: int
    failed: int


@dataclass(frozen=True, slots=True)
class LoadedTable:
    table: str
    rows: int


@dataclass(frozen=True, slots=True)
class TestReport:
    """What :func:`run_requirement_tests` found. One JSON form:
    :func:`dbarch.tools.jsonform.to_jsonable` (its schema: :func:`report_json_schema`)."""

    __test__ = False  # not a pytest test class

    tests: tuple[TestResult, ...]
    schema_applied: bool
    schema_error: SchemaFailure | None = None
    data: tuple[LoadedTable, ...] = ()
    """Rows in each table after synthetic data was loaded (empty without volumes)."""
    notes: tuple[str, ...] = ()
    statement_timeout_ms: int = 0
    apply_ms: float = 0.0
    data_ms: float = 0.0
    tests_ms: float = 0.0
    total: int = field(init=False, default=0)
    failed: int = field(init=False, default=0)
    """Tests that failed (or did not run because the schema does not apply)."""
    negative: Tally = field(init=False, default=Tally(0, 0, 0))
    """Tests that expect an error somewhere: the schema must reject what they try."""
    positive: Tally = field(init=False, default=Tally(0, 0, 0))
    """Tests that expect only successes: the schema must accept what they do."""
    passed: bool = field(init=False, default=False)
    """The verdict: the schema was set up, there was at least one test, and every test passed."""

    def __post_init__(self) -> None:
        failed = sum(1 for t in self.tests if not t.passed)
        object.__setattr__(self, "total", len(self.tests))
        object.__setattr__(self, "failed", failed)
        object.__setattr__(self, "negative", _tally(self.tests, "negative"))
        object.__setattr__(self, "positive", _tally(self.tests, "positive"))
        object.__setattr__(self, "passed", self.schema_applied and bool(self.tests) and not failed)

    def failures(self) -> tuple[TestResult, ...]:
        return tuple(t for t in self.tests if not t.passed)


def _tally(tests: Sequence[TestResult], kind: str) -> Tally:
    chosen = [t for t in tests if t.kind == kind]
    won = sum(1 for t in chosen if t.passed)
    return Tally(len(chosen), won, len(chosen) - won)


def report_json_schema() -> dict[str, Any]:
    """JSON Schema of :class:`TestReport`'s JSON form."""
    from dbarch.tools.jsonform import json_schema

    return json_schema(TestReport)


def report_from_json(text: str | bytes) -> TestReport:
    """Read back a report's JSON form."""
    import json

    from dbarch.tools.jsonform import from_jsonable

    report: TestReport = from_jsonable(TestReport, json.loads(text))
    return report
