"""SQLSTATE codes: names, classes, and which errors mean the *test* is broken.

An error such as "relation does not exist" or a syntax error says nothing about the schema's
rules: it says the test refers to something the schema lacks, or is not SQL. Such errors
(:data:`BROKEN_TEST`) never satisfy ``error: any`` or a class; only the exact SQLSTATE does.
A statement cut off by the timeout (``57014``) never satisfies any expectation.
"""

from __future__ import annotations

import re

import psycopg.errors

CLASSES: dict[str, str] = {
    "00": "successful completion", "01": "warning", "02": "no data",
    "03": "SQL statement not yet complete", "08": "connection exception", "09": "triggered action exception",
    "0A": "feature not supported", "0B": "invalid transaction initiation", "0F": "locator exception",
    "0L": "invalid grantor", "0P": "invalid role specification", "0Z": "diagnostics exception",
    "20": "case not found", "21": "cardinality violation", "22": "data exception",
    "23": "integrity constraint violation", "24": "invalid cursor state", "25": "invalid transaction state",
    "26": "invalid SQL statement name", "27": "triggered data change violation",
    "28": "invalid authorization specification", "2B": "dependent privilege descriptors still exist",
    "2D": "invalid transaction termination", "2F": "SQL routine exception", "34": "invalid cursor name",
    "38": "external routine exception", "39": "external routine invocation exception",
    "3B": "savepoint exception", "3D": "invalid catalog name", "3F": "invalid schema name",
    "40": "transaction rollback", "42": "syntax error or access rule violation",
    "44": "WITH CHECK OPTION violation", "53": "insufficient resources", "54": "program limit exceeded",
    "55": "object not in prerequisite state", "57": "operator intervention", "58": "system error",
    "72": "snapshot failure", "F0": "configuration file error", "HV": "foreign data wrapper error",
    "P0": "PL/pgSQL error", "XX": "internal error",
}

BROKEN_TEST: dict[str, str] = {
    "42601": "the step is not valid SQL",
    "42P01": "the test refers to a table the schema lacks",
    "42703": "the test refers to a column the schema lacks",
    "42883": "the test refers to a function or operator the schema lacks",
    "42704": "the test refers to an object the schema lacks",
    "3F000": "the test refers to a schema the database lacks",
    "42P02": "the step uses a parameter that is not given",
}
"""SQLSTATEs that say the test is wrong rather than the schema; only an exact match expects
them. Bad input for a type (``22P02``) is not here: an enum or a domain rejecting a value is a
rule a test may prove with ``error: 22`` or ``any``."""

TIMEOUT = "57014"

_CODE = re.compile(r"^[0-9A-Z]{5}$")
_CLASS = re.compile(r"^[0-9A-Z]{2}$")


def condition_name(sqlstate: str) -> str | None:
    """``23505`` -> ``unique_violation`` (PostgreSQL's condition name), ``None`` if unknown."""
    try:
        cls = psycopg.errors.lookup(sqlstate)
    except KeyError:
        return None
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def normalize_code(raw: str | int) -> str:
    """Read an expected error: SQLSTATE, class, ``any`` or a condition name; ``ValueError``
    with a sentence saying what is accepted otherwise."""
    if isinstance(raw, bool):
        raise ValueError("expected error must be a SQLSTATE such as 23505, a class such as 23, or any")
    if isinstance(raw, int):
        text = str(raw)
        if len(text) not in (2, 5):
            raise ValueError(
                f"{raw} is not a SQLSTATE (5 characters) or a class (2); quote SQLSTATEs that "
                'start with 0 or hold letters, e.g. error: "0A000"'
            )
        return text
    text = raw.strip()
    if text.lower() == "any":
        return "any"
    upper = text.upper()
    if _CODE.match(upper):
        return upper
    if _CLASS.match(upper):
        if upper not in CLASSES:
            raise ValueError(f"unknown SQLSTATE class {text!r}")
        return upper
    try:  # a condition name: unique_violation, exclusion_violation, raise_exception
        return str(psycopg.errors.lookup(text.upper()).sqlstate)
    except KeyError:
        pass
    raise ValueError(
        f"unknown expected error {text!r}: write a SQLSTATE (23505), a class (23), a condition "
        "name (unique_violation) or any"
    )


def describe_code(code: str) -> str:
    """``23505 unique_violation``, ``class 23 (integrity constraint violation)``, ``any error``."""
    if code == "any":
        return "any error"
    if len(code) == 2:
        return f"an error of class {code} ({CLASSES.get(code, 'unknown class')})"
    name = condition_name(code)
    return f"error {code}" + (f" {name}" if name else "")


def matches(expected: str, actual: str | None) -> bool:
    """Does the server's ``actual`` SQLSTATE satisfy ``expected``?"""
    if actual is None or actual == TIMEOUT:
        return False
    if expected == actual:
        return True
    if actual in BROKEN_TEST:
        return False
    if expected == "any":
        return True
    return len(expected) == 2 and actual.startswith(expected)
