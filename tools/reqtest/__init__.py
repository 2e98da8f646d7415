"""Requirement tests: prove in the sandbox that a schema enforces what the user asked for.

A test is named, ordered SQL steps, each expecting ``ok`` (optionally a row count or a value)
or an error (SQLSTATE ``23505``, class ``23``, or ``any``). :func:`run_requirement_tests`
applies the schema once in a scratch database, optionally loads synthetic data, runs each test
in its own transaction and rolls it back. See ``docs/requirement-tests.md``.
"""

from dbarch.tools.reqtest.load import (
    RequirementTestSpec,
    dump_requirement_tests,
    load_requirement_tests,
    load_requirement_tests_file,
    requirement_tests_from_data,
    tests_from_specs,
)
from dbarch.tools.reqtest.model import Expect, RequirementTest, Step
from dbarch.tools.reqtest.report import (
    LoadedTable,
    SchemaFailure,
    StepOutcome,
    Tally,
    TestReport,
    TestResult,
    report_from_json,
    report_json_schema,
)
from dbarch.tools.reqtest.run import run_requirement_tests

__all__ = [
    "Expect",
    "LoadedTable",
    "RequirementTest",
    "RequirementTestSpec",
    "SchemaFailure",
    "Step",
    "StepOutcome",
    "Tally",
    "TestReport",
    "TestResult",
    "dump_requirement_tests",
    "load_requirement_tests",
    "load_requirement_tests_file",
    "report_from_json",
    "report_json_schema",
    "requirement_tests_from_data",
    "run_requirement_tests",
    "tests_from_specs",
]
