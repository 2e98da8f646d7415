"""The architect's run_requirement_tests tool on a hand-written cassette and the real sandbox:
the model's negative test catches a missing rule, the fixed design passes, the tests are saved
beside the migrations, and the answer's verification summary lists them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dbarch.agent.verification import render_summary, verify_answer
from dbarch.tools.reqtest import load_requirement_tests
from tests.agent.conftest import replay

pytestmark = pytest.mark.sandbox


def test_a_failing_rule_is_caught_fixed_proven_and_saved(make_architect: Any) -> None:
    architect = make_architect()
    with replay("requirement_tests_turn") as cassette:
        result = architect.ask("Library loans: a copy can be lent to one member at a time")
    tools = {t["function"]["name"]: t["function"] for t in cassette.body(0)["tools"]}
    assert "tests" in tools["run_requirement_tests"]["parameters"]["properties"]
    # round 1: the plain index lets a copy be lent twice, and the tool says so
    first = [m["content"] for m in cassette.body(1)["messages"] if m["role"] == "tool"][-1]
    assert "FAIL a copy has one open loan at most" in first
    assert "accepted what the requirement says it must reject" in first
    # round 2: the partial unique index rejects it
    second = [m["content"] for m in cassette.body(2)["messages"] if m["role"] == "tool"][-1]
    assert "negative tests (the schema must reject): 1 of 1 passed" in second
    third = [m["content"] for m in cassette.body(3)["messages"] if m["role"] == "tool"][-1]
    assert "saved as tests/001_loans.yaml" in third
    ws = Path(architect.context.workspace)
    saved = load_requirement_tests((ws / "tests/001_loans.yaml").read_text())
    assert [t.name for t in saved] == ["a copy has one open loan at most", "a returned copy can be lent again"]
    v = result.verification
    assert v.ok and [(t.kind, t.passed) for t in v.requirement_tests] == [("negative", True), ("positive", True)]
    assert "23505" in v.requirement_tests[0].detail
    assert "Requirement tests run in the sandbox: 2 of 2 passed (1 of 1 rules proven by a rejected write)" in result.answer


def test_a_failing_requirement_test_fails_the_verification(sandbox: Any) -> None:
    turn = {
        "checks": [],
        "requirement_tests": [
            {"name": "one open loan", "kind": "negative", "passed": False,
             "detail": "step 3 (line 1): expected error 23505 unique_violation; it succeeded (ok, 1 row)"},
        ],
    }
    record, _ = verify_answer("No SQL here.", turn, sandbox=sandbox, dialect="postgres", base_sql="")
    assert record["ok"] is False
    summary = render_summary(record, prompt_version="v")
    assert "0 of 1 passed" in summary and "**FAIL** (negative) one open loan: step 3" in summary
