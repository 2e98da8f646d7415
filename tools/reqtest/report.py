"""What a run of requirement tests found: frozen values with one JSON form.

``TestReport`` lists every test with what each step was expected to do and what PostgreSQL did
(SQLSTATE, message, detail, constraint), and splits the totals into positive tests (the schema
must accept) and negative tests (the schema must reject: an expected violation is a pass, a
forbidden write that succeeds is a failure). ``TestReport.to_json()`` and
:func:`report_json_schema` come from a pydantic ``TypeAdapter`` over the dataclass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import TypeAdapter


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
    __test__ = False  # not a pytest test class

    ok: bool
    """The schema was set up, there was at least one test, and every test passed."""
    total: int
    passed: int
    failed: int
    positive: Tally
    negative: Tally
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

    def failures(self) -> tuple[TestResult, ...]:
        return tuple(t for t in self.tests if not t.passed)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _adapter().dump_python(self, mode="json")
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        return _adapter().dump_json(self, indent=indent).decode()


def make_report(
    tests: Sequence[TestResult],
    *,
    schema_applied: bool,
    schema_error: SchemaFailure | None = None,
    data: Sequence[LoadedTable] = (),
    notes: Sequence[str] = (),
    statement_timeout_ms: int = 0,
    apply_ms: float = 0.0,
    data_ms: float = 0.0,
    tests_ms: float = 0.0,
) -> TestReport:
    """A report with its totals computed from ``tests``."""

    def tally(kind: str) -> Tally:
        chosen = [t for t in tests if t.kind == kind]
        won = sum(1 for t in chosen if t.passed)
        return Tally(len(chosen), won, len(chosen) - won)

    passed = sum(1 for t in tests if t.passed)
    return TestReport(
        ok=schema_applied and bool(tests) and passed == len(tests),
        total=len(tests), passed=passed, failed=len(tests) - passed,
        positive=tally("positive"), negative=tally("negative"), tests=tuple(tests),
        schema_applied=schema_applied, schema_error=schema_error, data=tuple(data), notes=tuple(notes),
        statement_timeout_ms=statement_timeout_ms,
        apply_ms=round(apply_ms, 2), data_ms=round(data_ms, 2), tests_ms=round(tests_ms, 2),
    )


@cache
def _adapter() -> TypeAdapter[TestReport]:
    return TypeAdapter(TestReport)


def report_json_schema() -> dict[str, Any]:
    """JSON Schema of :class:`TestReport`'s JSON form."""
    schema: dict[str, Any] = _adapter().json_schema()
    return schema


def report_from_json(text: str | bytes) -> TestReport:
    """Read back a report's JSON form."""
    return _adapter().validate_json(text)
