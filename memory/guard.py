"""The requirement-test guard: a migration is written only if the saved tests still pass with it.

Before ``dbarch memory migrate`` (and every caller of :func:`memory.verify.sandbox_verifier`, the
agent's ``write_migration`` tool among them) writes ``migrations/NNN_slug.sql``, :func:`guard_migration`
applies the earlier migrations and the new one in a fresh scratch database, loads the synthetic
data :mod:`memory.volumes` chooses, and runs every test saved in ``tests/``. When one fails the
migration is refused (:class:`RequirementTestsFailed`, naming each failing test, its step, the
expected and the actual SQLSTATE, and its file), unless the caller allows failing tests on
purpose: a deliberate change to a rule, which :func:`memory.migrate.write_checked_migration`
records in ``01_state.md``.

A failing test is also run against the earlier migrations alone, so the refusal can say whether
this migration broke it or it was failing already. A workspace with no saved test gives a guard
whose :attr:`TestGuard.guarded` is false: the callers say so, loudly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dbarch.memory.reqtests import list_saved_tests, read_saved_tests, run_saved_tests
from dbarch.memory.volumes import TestData
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import WorkspaceError
from dbarch.tools.reqtest.report import TestReport  # a field type: the JSON form resolves it

if TYPE_CHECKING:
    from dbarch.tools.sql.source import SqlSource

NO_TESTS = (
    "no requirement test guarded this migration: the workspace has no saved tests (tests/NNN_slug.yaml), "
    "so nothing showed that it keeps the rules the design must enforce"
)
NO_TESTS_HINT = "save the rules as tests with `dbarch memory tests NAME FILE.yaml`; later migrations are then checked against them"


@dataclass(frozen=True, slots=True)
class TestGuard:
    """What the saved requirement tests said about a migration before it was written."""

    __test__ = False  # not a pytest test class

    migration: str
    """The migration guarded (its file name, written or not)."""
    files: tuple[str, ...]
    """The saved test files that ran (empty: no test guarded the migration)."""
    data: TestData
    """The synthetic data the tests ran on."""
    report: TestReport | None = None
    """The run on the earlier migrations plus this one (``None`` when no test is saved)."""
    failing_before: tuple[str, ...] = ()
    """Failing tests that fail on the earlier migrations alone too (this one did not break them)."""
    allowed: bool = False
    """True when failing tests were let through on purpose (a deliberate rule change)."""
    guarded: bool = field(init=False, default=False)
    """True when at least one saved test ran."""
    passed: bool = field(init=False, default=False)
    """True when every saved test passed with the migration (false when none ran)."""

    def __post_init__(self) -> None:
        guarded = self.report is not None and self.report.total > 0
        object.__setattr__(self, "guarded", guarded)
        object.__setattr__(self, "passed", guarded and self.report is not None and self.report.passed)

    def failing(self) -> tuple[str, ...]:
        """Names of the failing tests."""
        return tuple(t.name for t in self.report.failures()) if self.report is not None else ()

    def headline(self) -> str:
        """One line: guarded or not, how many tests passed, on what data."""
        if self.report is None:
            return NO_TESTS
        n, failed = self.report.total, self.report.failed
        tests = f"{n} saved requirement test{'' if n == 1 else 's'}"
        if self.report.schema_error is not None:
            return f"{tests} did not run: {self.report.schema_error.one_line()}"
        if not failed:
            return f"{tests} pass with it, {self.data.describe()}"
        return f"{failed} of {tests} {'fails' if failed == 1 else 'fail'} with it, {self.data.describe()}"


class RequirementTestsFailed(WorkspaceError):
    """A migration was refused because saved requirement tests fail with it (nothing written)."""

    kind = "requirement-tests"

    def __init__(self, message: str, *, guard: TestGuard | None = None, **where: Any) -> None:
        super().__init__(message, **where)
        self.guard = guard


OVERRIDE_HINT = (
    "keep the rule: change the migration so these tests pass; or fix a wrong test "
    "(`dbarch memory tests NAME FILE.yaml` replaces tests/NNN_NAME.yaml); or, to change the rule "
    "on purpose, run again with --allow-failing-tests --reason \"why\" (recorded in 01_state.md) "
    "and update the tests after"
)

EMPTY_TABLES_HINT = (
    "the tests ran on empty tables: a test that picks existing rows needs synthetic data "
    "(state volumes with `dbarch memory volumes table=rows,...`, or pass --data)"
)


def guard_migration(
    ws: Workspace,
    sandbox: Any,
    earlier: Sequence[SqlSource],
    new: SqlSource,
    data: TestData,
    *,
    allow_failing_tests: bool = False,
    statement_timeout_ms: int | None = None,
) -> TestGuard:
    """Run the saved tests on ``earlier`` + ``new`` (on ``data``); raise
    :class:`RequirementTestsFailed` when one fails, unless ``allow_failing_tests``."""
    tests = read_saved_tests(ws)
    if not tests:
        return TestGuard(new.name, (), data)
    files = tuple(s.file for s in list_saved_tests(ws))
    report = run_saved_tests([*earlier, new], tests, data, sandbox=sandbox, statement_timeout_ms=statement_timeout_ms)
    failing = report.failures()
    if not failing:
        return TestGuard(new.name, files, data, report)
    before: tuple[str, ...] = ()
    if earlier and report.schema_error is None:  # did this migration break them, or were they failing?
        names = {t.name for t in failing}
        again = run_saved_tests(list(earlier), [t for t in tests if t.name in names], data, sandbox=sandbox,
                                statement_timeout_ms=statement_timeout_ms)
        before = tuple(t.name for t in again.failures())
    guard = TestGuard(new.name, files, data, report, before, allowed=allow_failing_tests)
    if allow_failing_tests:
        return guard
    hint = OVERRIDE_HINT
    if before and not data.loaded:
        hint = f"{EMPTY_TABLES_HINT}; or {hint}"
    raise RequirementTestsFailed(refusal(guard), guard=guard, file=new.name, hint=hint)


def refusal(guard: TestGuard) -> str:
    """The refusal in one line: which tests fail, where, expected against actual."""
    assert guard.report is not None
    parts = []
    for test in guard.report.failures():
        where = ":".join(str(p) for p in (test.source, test.line) if p is not None)
        already = " (failing already before this migration)" if test.name in guard.failing_before else ""
        parts.append(f"{test.name!r} ({where}){already}: {test.failure}")
    return f"the migration was not written: {guard.headline()}: " + "; ".join(parts)
