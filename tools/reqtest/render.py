"""A test report as text for people: negative and positive tests apart, failures explained."""

from __future__ import annotations

from dbarch.tools.reqtest.report import TestReport, TestResult


def render_report(report: TestReport, *, color: bool = False) -> str:
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


def _test_lines(test: TestResult, green: str, red: str, dim: str, reset: str) -> list[str]:
    where = ":".join(str(p) for p in (test.source, test.line) if p is not None)
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
