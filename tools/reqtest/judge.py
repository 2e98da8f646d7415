"""Comparing what a step did with what it was expected to do, in words a person reads."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import psycopg

from dbarch.tools.reqtest.model import Expect, Step
from dbarch.tools.reqtest.report import StepOutcome
from dbarch.tools.reqtest.sqlstate import (
    BROKEN_TEST,
    TIMEOUT,
    condition_name,
    describe_code,
    matches,
)


def describe_expect(expect: Expect) -> str:
    """``ok``, ``ok with 1 row and value 42``, ``error 23505 unique_violation (constraint x)``."""
    if expect.error is not None:
        text = describe_code(expect.error)
        return text + (f" from constraint {expect.constraint}" if expect.constraint else "")
    parts = []
    if expect.rows is not None:
        parts.append(_rows(expect.rows))
    if expect.check_value:
        parts.append(f"value {_show(expect.value)}")
    return "ok" + (f" with {' and '.join(parts)}" if parts else "")


def judge_success(index: int, step: Step, rows: int, value: Any, has_row: bool, *, ms: float) -> StepOutcome:
    """The step succeeded: is that what it should have done?"""
    expect = step.expect
    happened = "ok" + (f", {_rows(rows)}" if rows >= 0 else "")
    if expect.check_value:
        happened += f", value {_show(value)}" if has_row else ", no row returned"
    wrong_rows = expect.rows is not None and rows != expect.rows
    wrong_value = expect.check_value and not (has_row and same_value(expect.value, value))
    passed = not (expect.is_error or wrong_rows or wrong_value)
    if expect.is_error:
        happened = f"it succeeded ({happened}): the schema accepted what the requirement says it must reject"
    return StepOutcome(index, step.sql, describe_expect(expect), happened, passed, step.line,
                       rows=rows if rows >= 0 else None, ms=round(ms, 3))


def judge_error(index: int, step: Step, exc: psycopg.Error, *, ms: float, timeout_ms: int) -> StepOutcome:
    """The step failed with ``exc``: the expected violation, or a failure of the test?"""
    expect = step.expect
    diag = exc.diag
    state = exc.sqlstate
    message = diag.message_primary or _first_line(exc)
    constraint = diag.constraint_name
    line = step.line
    position = diag.statement_position
    if line is not None and position and position.isdigit():
        line += step.sql.count("\n", 0, int(position) - 1)
    words = f"error {state}" + (f" {condition_name(state)}" if state and condition_name(state) else "")
    happened = f"{words}: {message}" + (f" ({diag.message_detail})" if diag.message_detail else "")
    passed = False
    if state == TIMEOUT:
        happened = f"it did not finish within {timeout_ms} ms (statement_timeout): it hangs or is too slow"
    elif expect.error is not None and matches(expect.error, state):
        passed = expect.constraint is None or expect.constraint == constraint
        if not passed:
            happened += f"; it came from {f'constraint {constraint}' if constraint else 'no named constraint'}"
    elif state in BROKEN_TEST:
        happened = f"{BROKEN_TEST[state]}: {happened}"
    return StepOutcome(
        index, step.sql, describe_expect(expect), happened, passed, line, state, message,
        diag.message_detail, diag.message_hint, constraint, None, round(ms, 3),
    )


def same_value(expected: Any, actual: Any) -> bool:
    """Equal as values: numbers by value (1 == 1.0 == Decimal('1')), booleans only to booleans,
    anything else equal or equal as text (a date written in YAML against a ``date`` column)."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, (int, float, Decimal)) and isinstance(actual, (int, float, Decimal)):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except InvalidOperation:
            return False
    return bool(expected == actual) or str(expected) == str(actual)


def _rows(n: int) -> str:
    return f"{n} row" + ("" if n == 1 else "s")


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else "null" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
