"""The input guard's optional model classification (``guard_model``), on hand-written cassettes.

The model is asked only when the deterministic rules are unsure. Its verdict replaces the rules'
``in_scope`` when it is one of the four verdicts; anything else, and any failure of the call,
keeps the rules' verdict and says why in the guard's reasons (never a refusal by accident).
"""

from __future__ import annotations

from typing import Any

import pytest

from dbarch.agent.guards import classify_request
from dbarch.agent.guards.model_check import INSTRUCTION
from tests.agent.conftest import replay

pytestmark = pytest.mark.sandbox

UNSURE = "What should we do about the shipping module?"
"""No rule decides this request (checked by the first test)."""


def guard_state(architect: Any, thread_id: str) -> dict[str, Any]:
    """The guard's verdict as the graph recorded it for the thread's last turn."""
    state = architect.graph.get_state({"configurable": {"thread_id": thread_id}})
    return dict(state.values["guard"])


def test_the_request_is_one_the_rules_are_unsure_about() -> None:
    verdict = classify_request(UNSURE)
    assert verdict.unsure and verdict.verdict == "in_scope"


def test_the_model_classifies_in_scope(make_architect: Any) -> None:
    architect = make_architect(guard_model=True)
    with replay("guard_model_in_scope") as cassette:
        result = architect.ask(UNSURE, thread_id="g")
    assert cassette.count == 2
    asked = cassette.body(0)
    assert "tools" not in asked  # one short call, no tools
    assert [m["role"] for m in asked["messages"]] == ["system", "user"]
    assert asked["messages"][0]["content"] == INSTRUCTION and asked["messages"][1]["content"] == UNSURE
    assert "tools" in cassette.body(1)  # then the architect itself, with its tools
    assert not result.refused and result.guard_verdict == "in_scope"
    assert "unit_price numeric(12,2)" in result.answer
    guard = guard_state(architect, "g")
    assert guard["unsure"] is False and guard["reasons"][-1] == "model classification: in_scope"


def test_the_model_classifies_app_code_and_the_turn_is_refused(make_architect: Any) -> None:
    architect = make_architect(guard_model=True)
    with replay("guard_model_app_code") as cassette:
        result = architect.ask(UNSURE, thread_id="g")
    assert cassette.count == 1  # the architect model is never called
    assert result.refused and result.guard_verdict == "app_code"
    assert "schema" in result.answer and "contract" in result.answer
    assert result.usage.model_calls == 0
    assert guard_state(architect, "g")["reasons"][-1] == "model classification: app_code"


def test_a_malformed_reply_keeps_the_rules_verdict_and_says_so(make_architect: Any) -> None:
    architect = make_architect(guard_model=True)
    with replay("guard_model_malformed") as cassette:
        result = architect.ask(UNSURE, thread_id="g")
    assert cassette.count == 2
    assert not result.refused and result.guard_verdict == "in_scope"
    guard = guard_state(architect, "g")
    assert guard["unsure"] is True  # nobody decided: the rules' default stands
    assert guard["reasons"][0] == "no rule matched; treated as the architect's work"
    assert guard["reasons"][-1] == "model classification unusable: 'sure!'"


def test_an_endpoint_error_keeps_the_rules_verdict_and_says_so(make_architect: Any) -> None:
    architect = make_architect(guard_model=True, max_retries=0)
    with replay("guard_model_error") as cassette:
        result = architect.ask(UNSURE, thread_id="g")
    assert cassette.count == 2  # the failed classification, then the architect's answer
    assert not result.refused and result.guard_verdict == "in_scope"
    assert "unit_price" in result.answer
    guard = guard_state(architect, "g")
    assert guard["unsure"] is True
    assert guard["reasons"][-1] == (
        "model classification failed: InternalServerError: Error code: 500 - "
        "The server had an error while processing your request.")


def test_a_request_the_rules_decide_is_never_sent_to_the_classifier(make_architect: Any) -> None:
    architect = make_architect(guard_model=True)
    with replay("no_model"):
        result = architect.ask("Write a React component that shows the cart")
    assert result.refused and result.guard_verdict == "app_code"
