"""Running requirement tests: the schema applied once, each test in a transaction rolled back.

``run_requirement_tests(schema_sql, tests, sandbox=...)`` parses the schema, applies it in a
scratch database through the sandbox's apply path (:func:`tools.sandbox.apply.apply_scripts`),
loads synthetic data when ``volumes`` are given (:func:`tools.datagen.generate_data`), then runs
every test on that database: ``BEGIN``, the steps in order (a savepoint before a step that
expects an error, so the test goes on after it), ``SET CONSTRAINTS ALL IMMEDIATE`` (deferred
constraints fire as at COMMIT), ``ROLLBACK``. Nothing a test does is ever committed, and the
scratch database is dropped at the end.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import psycopg

from dbarch.tools.errors import DbarchError
from dbarch.tools.reqtest.judge import describe_expect, judge_error, judge_success
from dbarch.tools.reqtest.load import load_requirement_tests, requirement_tests_from_data
from dbarch.tools.reqtest.model import RequirementTest, Step
from dbarch.tools.reqtest.report import (
    LoadedTable,
    SchemaFailure,
    StepOutcome,
    TestReport,
    TestResult,
)
from dbarch.tools.reqtest.watchdog import Watchdog
from dbarch.tools.sql.source import SqlSource

if TYPE_CHECKING:
    from dbarch.tools.datagen import Options, Volumes
    from dbarch.tools.sandbox import Sandbox, ScratchDatabase

TestsInput = str | Sequence[RequirementTest] | Sequence[Mapping[str, Any]]
SchemaInput = str | SqlSource | Sequence[SqlSource]
COMMIT_CHECK = "SET CONSTRAINTS ALL IMMEDIATE"


def run_requirement_tests(
    schema_sql: SchemaInput,
    tests: TestsInput,
    *,
    sandbox: Sandbox,
    volumes: Volumes | Mapping[str, int] | None = None,
    statement_timeout_ms: int | None = None,
    datagen_options: Options | None = None,
    schema_name: str = "schema.sql",
) -> TestReport:
    """Prove in ``sandbox`` that the schema enforces what ``tests`` state.

    ``schema_sql`` is SQL text (named ``schema_name`` in messages) or sources applied in order
    (a migrations folder). ``tests`` are :class:`RequirementTest` values, YAML/JSON text, or
    parsed data (a list of dicts). ``volumes`` (a :class:`tools.datagen.Volumes` or a mapping
    ``table: rows``) loads synthetic data first, so steps can pick existing rows by subquery.
    Each step runs under ``statement_timeout_ms`` (default: the sandbox's). A schema that does
    not parse or apply gives a report whose tests did not run (``schema_error`` says why); a
    malformed test or an unknown table in ``volumes`` raises :class:`UsageError`.
    """
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    suite = _tests(tests)
    sources = _sources(schema_sql, schema_name)
    timeout = int(statement_timeout_ms or sandbox.settings.statement_timeout_ms)
    notes = [] if any(t.kind == "negative" for t in suite) else [
        "no negative test: nothing here shows that the schema rejects anything"
    ]
    scripts = [parse_script(s.text, dialect="postgres", source=s.name, analyse=False) for s in sources]
    for script in scripts:
        if script.errors:
            return _not_run(suite, script.errors[0], notes, timeout)
    sandbox.start()
    with sandbox.scratch() as db:
        t0 = time.perf_counter()
        applied = apply_scripts(sandbox, db, scripts)
        apply_ms = (time.perf_counter() - t0) * 1000
        notes.extend(str(n) for n in applied.notes)
        if applied.error is not None:
            return _not_run(suite, applied.error, notes, timeout, apply_ms=apply_ms)
        notes.extend(_unforced_row_security(db.conn))
        loaded: tuple[LoadedTable, ...] = ()
        data_ms = 0.0
        if volumes is not None:
            from dbarch.tools.datagen import generate_data

            t0 = time.perf_counter()
            data = generate_data(db.conn, _volumes(volumes), options=datagen_options, dsn=db.dsn)
            data_ms = (time.perf_counter() - t0) * 1000
            loaded = tuple(LoadedTable(t.table, t.rows) for t in data.tables)
            notes.extend(data.notices)
        t0 = time.perf_counter()
        runner = _Runner(db, timeout)
        try:
            results = [runner.run(test) for test in suite]
        finally:
            runner.close()
        tests_ms = (time.perf_counter() - t0) * 1000
    return TestReport(
        tuple(results), schema_applied=True, data=loaded, notes=tuple(notes), statement_timeout_ms=timeout,
        apply_ms=round(apply_ms, 2), data_ms=round(data_ms, 2), tests_ms=round(tests_ms, 2),
    )


def _unforced_row_security(conn: psycopg.Connection[Any]) -> list[str]:
    """A note for tables whose row-level security the tests cannot see: the tests run as the
    role that owns the tables, and an owner bypasses the policies unless they are forced."""
    rows = conn.execute(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relrowsecurity AND NOT c.relforcerowsecurity"
        " AND c.relkind IN ('r', 'p') AND pg_has_role(c.relowner, 'USAGE') ORDER BY 1"
    ).fetchall()
    if not rows:
        return []
    names = ", ".join(r[0] for r in rows)
    return [
        f"row-level security is enabled but not forced on {names}: the tests run as the tables' owner, "
        "which bypasses the policies (an application connecting as the owner does too); "
        "add ALTER TABLE ... FORCE ROW LEVEL SECURITY to test them"
    ]


def _tests(tests: TestsInput) -> tuple[RequirementTest, ...]:
    if isinstance(tests, str):
        return load_requirement_tests(tests)
    items = list(tests)
    if all(isinstance(t, RequirementTest) for t in items):
        return tuple(t for t in items if isinstance(t, RequirementTest))
    return requirement_tests_from_data(items)


def _sources(schema: SchemaInput, name: str) -> list[SqlSource]:
    if isinstance(schema, str):
        return [SqlSource(name, schema)]
    if isinstance(schema, SqlSource):
        return [schema]
    return list(schema)


def _volumes(volumes: Volumes | Mapping[str, int]) -> Volumes:
    from dbarch.tools.datagen import Volumes

    if isinstance(volumes, Volumes):
        return volumes
    return Volumes({str(k).lower(): int(v) for k, v in volumes.items()})


def _not_run(
    suite: Sequence[RequirementTest], error: DbarchError, notes: list[str], timeout: int, *, apply_ms: float = 0.0
) -> TestReport:
    failure = SchemaFailure(error.message, error.file, error.line, error.column, error.sqlstate, error.hint)
    why = f"not run: the schema does not apply ({failure.one_line()})"
    results = [
        TestResult(t.name, t.kind, False, (), why, t.description, t.source, t.line) for t in suite
    ]
    return TestReport(tuple(results), schema_applied=False, schema_error=failure, notes=tuple(notes),
                      statement_timeout_ms=timeout, apply_ms=round(apply_ms, 2))


class _ConnectionLost(Exception):
    def __init__(self, message: str, step: int = 0, sql: str = "") -> None:
        super().__init__(message)
        self.step, self.sql = step, sql


class _Runner:
    """Runs tests one after another on one connection to the scratch database."""

    def __init__(self, db: ScratchDatabase, timeout_ms: int) -> None:
        self.db = db
        self.conn = db.conn
        self.own: psycopg.Connection[Any] | None = None
        self.timeout_ms = timeout_ms
        # the server's timeout ends a hung step; the watchdog cancels one that turned it off
        self.watchdog = Watchdog(grace_s=(timeout_ms + max(500, timeout_ms // 4)) / 1000)

    def close(self) -> None:
        self.watchdog.close()
        if self.own is not None:
            self.own.close()

    def run(self, test: RequirementTest) -> TestResult:
        started = time.perf_counter()
        outcomes: list[StepOutcome] = []
        try:
            self._begin()
            self._steps(test, outcomes)
        except _ConnectionLost as lost:
            outcomes.append(StepOutcome(lost.step or len(outcomes) + 1, lost.sql, "",
                                        f"the connection to the scratch database was lost: {lost}", False))
            self._reconnect()
        finally:
            self._rollback()
        passed = bool(outcomes) and all(o.passed for o in outcomes)
        failure = None if passed else _failure_line(test, outcomes[-1])
        return TestResult(test.name, test.kind, passed, tuple(outcomes), failure, test.description,
                          test.source, test.line, round((time.perf_counter() - started) * 1000, 3))

    def _steps(self, test: RequirementTest, outcomes: list[StepOutcome]) -> None:
        aborted = False
        last = len(test.steps)
        for index, step in enumerate(test.steps, 1):
            guarded = step.expect.is_error and index < last
            if guarded:
                self._execute("SAVEPOINT dbarch_step")
            outcome = self._step(index, step)
            outcomes.append(outcome)
            if not outcome.passed:
                return
            if outcome.sqlstate is not None:  # the error it expected: undo the step, go on
                if guarded:
                    self._execute("ROLLBACK TO SAVEPOINT dbarch_step")
                else:
                    aborted = True
        if not aborted:  # the transaction must be able to commit: deferred constraints fire
            check = self._step(0, Step(COMMIT_CHECK))
            if not check.passed:
                outcomes.append(check)

    def _step(self, index: int, step: Step) -> StepOutcome:
        conn = self.conn
        started = time.perf_counter()
        self.watchdog.arm(conn)
        try:
            cur = conn.execute(step.sql.encode(), prepare=False)
            while cur.nextset():
                pass  # several statements in one step: the last one's result counts
            rows = cur.rowcount
            first = cur.fetchone() if step.expect.check_value and cur.description else None
        except psycopg.Error as exc:
            ms = (time.perf_counter() - started) * 1000
            if conn.closed or conn.broken or exc.sqlstate == "57P01":  # 57P01: backend terminated
                raise _ConnectionLost(_first_line(exc), index, step.sql) from exc
            if exc.sqlstate is None:  # the client could not read the result (a value out of range)
                return StepOutcome(index, step.sql, describe_expect(step.expect),
                                   f"the result could not be read: {_first_line(exc)}", False, step.line)
            return judge_error(index, step, exc, ms=ms, timeout_ms=self.timeout_ms)
        finally:
            self.watchdog.disarm()
        ms = (time.perf_counter() - started) * 1000
        has_row = bool(first)
        return judge_success(index, step, rows, first[0] if first else None, has_row, ms=ms)

    def _execute(self, sql: str) -> None:
        try:
            self.conn.execute(sql.encode(), prepare=False)
        except psycopg.OperationalError as exc:
            raise _ConnectionLost(_first_line(exc)) from exc

    def _begin(self) -> None:
        self._execute(f"BEGIN; SET LOCAL statement_timeout = {self.timeout_ms}")

    def _rollback(self) -> None:
        if self.conn.closed or self.conn.broken:
            self._reconnect()
            return
        try:
            self.conn.execute(b"ROLLBACK", prepare=False)
        except psycopg.Error:
            self._reconnect()

    def _reconnect(self) -> None:
        if self.own is not None:
            self.own.close()
        self.conn = self.own = psycopg.connect(self.db.dsn, autocommit=True)


def _failure_line(test: RequirementTest, outcome: StepOutcome) -> str:
    if outcome.step == 0:
        return f"the transaction would not commit ({COMMIT_CHECK}): {outcome.happened}"
    where = f"step {outcome.step}" + (f" (line {outcome.line})" if outcome.line else "")
    if not outcome.expected:
        return f"{where}: {outcome.happened}"
    return f"{where}: expected {outcome.expected}; {outcome.happened}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
