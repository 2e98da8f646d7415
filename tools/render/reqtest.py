"""Requirement-test reports as text for people: negative and positive tests apart, failures
explained step by step (what was expected, what PostgreSQL did, which file the test is in)."""

from __future__ import annotations

from collections.abc import Mapping

from dbarch.tools.reqtest.report import StepOutcome, TestReport, TestResult


def render_report(report: TestReport, *, color: bool = False) -> str:
    """The whole report: every test under its kind, the notes, and a one-line summary."""
    green, red, dim, reset = ("\033[32m", "\033[31m", "\033[2m", "\033[0m") if color else ("", "", "", "")
    out: list[str] = []
    if report.schema_error is not None:
        out.append(f"{red}schema error{reset}: {report.schema_error.one_line()}")
        out.append("the tests did not run")
    else:
        for kind, title in (("negative", "the schema must reject"), ("positive", "the schema must accept")):
            chosen = [t for t in report.tests if t.kind == kind]
            if not chosen:
                continue
            won = sum(1 for t in chosen if t.passed)
            out.append(f"{kind} tests ({title}): {won} of {len(chosen)} passed")
            for test in chosen:
                out.extend(_test_lines(test, green, red, dim, reset))
    for note in report.notes:
        out.append(f"{dim}note:{reset} {note}")
    out.append(_summary(report))
    return "\n".join(out)


def render_failures(
    report: TestReport, *, indent: str = "  ", notes: Mapping[str, str] | None = None
) -> list[str]:
    """The failed tests only, each with its file and line, the failing step, its SQL, and the
    expected against the actual outcome (SQLSTATE and PostgreSQL's message); ``notes`` adds a
    line under the tests it names."""
    out: list[str] = []
    pad = indent + " " * 5
    for test in report.failures():
        out.append(f"{indent}FAIL {test.name}" + (f"  ({where})" if (where := _where(test)) else ""))
        step = test.failed_step
        if step is None:  # the test did not run (the schema does not apply), or had no step
            out.append(f"{pad}{test.failure}")
        else:
            out.append(f"{pad}{_step_label(step)}")
            out.append(f"{pad}expected: {step.expected or 'the step to run'}")
            out.append(f"{pad}actual:   {_actual(step)}")
        if notes and test.name in notes:
            out.append(f"{pad}note: {notes[test.name]}")
    return out


def _where(test: TestResult) -> str:
    return ":".join(str(p) for p in (test.source, test.line) if p is not None)


def _step_label(step: StepOutcome) -> str:
    if step.step == 0:
        return "at commit (SET CONSTRAINTS ALL IMMEDIATE: deferred constraints fire)"
    sql = " ".join(step.sql.split())
    sql = sql if len(sql) <= 90 else sql[:87] + "..."
    return f"step {step.step}" + (f" (line {step.line})" if step.line else "") + f": {sql}"


def _actual(step: StepOutcome) -> str:
    """What happened, always with the SQLSTATE when there was an error."""
    if step.sqlstate is None:
        return f"no error: {step.happened}" if step.expected.startswith("error") else step.happened
    if step.sqlstate in step.happened:
        return step.happened
    return f"error {step.sqlstate}: {step.happened}"


def _test_lines(test: TestResult, green: str, red: str, dim: str, reset: str) -> list[str]:
    where = _where(test)
    mark = f"{green}PASS{reset}" if test.passed else f"{red}FAIL{reset}"
    lines = [f"  {mark} {test.name}" + (f"  {dim}{where}{reset}" if where and not test.passed else "")]
    if not test.passed:
        lines.append(f"       {test.failure}")
        return lines
    for step in test.steps:
        if step.sqlstate is not None:  # the violation that proves the rule, in PostgreSQL's words
            lines.append(f"       {dim}step {step.step} rejected: {step.sqlstate} {step.message}{reset}")
    return lines


def _summary(report: TestReport) -> str:
    n = report.total
    text = f"{n} test{'' if n == 1 else 's'}: {n - report.failed} passed, {report.failed} failed"
    timings = [f"schema {report.apply_ms:.0f} ms"]
    if report.data:
        rows = sum(t.rows for t in report.data)
        timings.append(f"data {rows:,} rows in {report.data_ms:.0f} ms")
    timings.append(f"tests {report.tests_ms:.0f} ms")
    return f"{text} ({'; '.join(timings)})"
