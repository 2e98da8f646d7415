"""The architect's graph end to end on hand-written cassettes (no model) and the real sandbox.

Each test replays one cassette of ``tests/cassettes/agent`` and checks what the graph did with
it: tools run, SQL verified or sent back, refusals, retries, bounds, threads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dbarch.agent.events import FinalEvent, StatusEvent, TokenEvent, ToolEndEvent, ToolStartEvent
from tests.agent.conftest import replay

pytestmark = pytest.mark.sandbox


def sent(cassette: Any, index: int) -> dict[str, Any]:
    """The JSON body of the ``index``-th request the graph sent to the model."""
    return cassette.body(index)


def test_design_turn_checks_applies_explains_writes_and_records(make_architect: Any) -> None:
    architect = make_architect()
    with replay("design_turn") as cassette:
        result = architect.ask("Design the schema of a small library: authors and books")
    ws = Path(architect.context.workspace)
    assert result.migrations_written == ["migrations/001_create_library.sql"]
    assert (ws / "migrations/001_create_library.sql").read_text().startswith("CREATE TABLE authors")
    assert result.decisions_recorded == ["D-001"]
    assert "ON DELETE RESTRICT" in (ws / "00_soul.md").read_text()
    v = result.verification
    assert v.verified_by == "tools" and v.applied and v.parsed and v.ok
    assert len(v.plans) == 1 and v.plans[0].total_cost and v.plans[0].error is None
    assert f"cost {v.plans[0].total_cost}" in result.answer and "Query plans checked" in result.answer
    assert result.usage.model_calls == 4 and result.usage.input_tokens == 3000 + 3400 + 3800 + 4300
    # the tool results reached the model: the apply result, then the plan
    second = sent(cassette, 1)
    tool_texts = [m["content"] for m in second["messages"] if m["role"] == "tool"]
    assert any("applied in sandbox: yes" in t for t in tool_texts)
    assert any("parsed: yes" in t for t in tool_texts)
    assert "tools" in sent(cassette, 0) and len(sent(cassette, 0)["tools"]) >= 11


def test_broken_ddl_without_tools_is_caught_and_fixed(make_architect: Any) -> None:
    architect = make_architect()
    with replay("broken_ddl_fixed") as cassette:
        result = architect.ask("Orders and customers, please")
    feedback = sent(cassette, 1)["messages"][-1]
    assert feedback["role"] == "user" and "[dbarch verifier]" in feedback["content"]
    assert "customer" in feedback["content"] and "42P01" in feedback["content"]
    v = result.verification
    assert v.ok and v.verified_by == "graph" and v.fix_rounds == 1
    assert "REFERENCES customers (id)" in result.ddl
    assert "NOT VERIFIED" not in result.answer


def test_broken_ddl_never_fixed_is_said_loudly(make_architect: Any) -> None:
    architect = make_architect()
    with replay("broken_ddl_never_fixed"):
        result = architect.ask("Payments for orders")
    v = result.verification
    assert not v.ok and v.applied is False and v.fix_rounds == 2
    assert any("42P01" in e for e in v.errors)
    assert result.answer.startswith("> **Warning: the SQL in this answer did not pass verification")
    assert "NOT VERIFIED" in result.answer and "Applied in a PostgreSQL 18 sandbox: NO" in result.answer


def test_app_code_is_refused_without_calling_the_model(make_architect: Any) -> None:
    architect = make_architect()
    with replay("no_model"):
        result = architect.ask("Write a React component that shows the cart")
    assert result.refused and result.guard_verdict == "app_code"
    assert "schema" in result.answer and "contract" in result.answer
    assert result.usage.model_calls == 0


def test_off_topic_is_refused(make_architect: Any) -> None:
    architect = make_architect()
    with replay("no_model"):
        result = architect.ask("Write me a poem about autumn")
    assert result.refused and result.guard_verdict in ("off_topic", "app_code")


def test_mixed_request_does_the_database_part_and_strips_code(make_architect: Any) -> None:
    architect = make_architect()
    with replay("mixed") as cassette:
        result = architect.ask("Create the signups table and write the Flask endpoint that inserts into it")
    assert result.guard_verdict == "mixed" and not result.refused
    system = sent(cassette, 0)["messages"][0]["content"]
    assert "also asks for application code" in system
    assert "def create_signup" not in result.answer and "```python" not in result.answer
    assert "Application code removed" in result.answer
    assert result.guard_notes == ["removed python block"]
    assert "CREATE TABLE signups" in result.answer and result.verification.ok


def test_a_500_is_retried(make_architect: Any) -> None:
    architect = make_architect(max_retries=2)
    with replay("server_error_then_success") as cassette:
        result = architect.ask("Where do web sessions go?")
    assert cassette.count == 2
    assert "Redis" in result.answer and not result.verification.sql_found


def test_a_500_without_retries_left_is_a_clear_error(make_architect: Any) -> None:
    from dbarch.agent.errors import ModelUnavailable

    architect = make_architect(max_retries=0)
    with pytest.raises(ModelUnavailable) as info, replay("server_error_then_success"):
        architect.ask("Where do web sessions go?")
    assert "500" in info.value.one_line()


def test_malformed_tool_arguments_go_back_to_the_model(make_architect: Any) -> None:
    architect = make_architect()
    with replay("malformed_tool_args") as cassette:
        result = architect.ask("Check this table: CREATE TABLE t (id bigint PRIMARY KEY);")
    tool = [m for m in sent(cassette, 1)["messages"] if m["role"] == "tool"]
    assert len(tool) == 1 and tool[0]["tool_call_id"] == "call_bad"
    assert "not valid JSON" in tool[0]["content"]
    assert "primary key" in result.answer


def test_an_unknown_tool_is_named_with_the_real_ones(make_architect: Any) -> None:
    architect = make_architect()
    with replay("unknown_tool") as cassette:
        events = list(architect.stream("Run SELECT 1 on production"))
    tool = [m for m in sent(cassette, 1)["messages"] if m["role"] == "tool"]
    assert "unknown tool 'run_production_query'" in tool[0]["content"] and "apply_sql" in tool[0]["content"]
    ends = [e for e in events if isinstance(e, ToolEndEvent)]
    assert [(e.name, e.ok) for e in ends] == [("run_production_query", False)]


def test_the_tool_round_bound_forces_an_answer(make_architect: Any) -> None:
    architect = make_architect(max_tool_rounds=2)
    with replay("tool_round_bound") as cassette:
        result = architect.ask("Design an events table")
    assert all("tools" in sent(cassette, i) for i in range(3))
    assert "tools" not in sent(cassette, 3)  # at the bound the model must answer
    last_tool = [m for m in sent(cassette, 3)["messages"] if m["role"] == "tool"][-1]
    assert "limit of 2 tool rounds" in last_tool["content"]
    assert result.verification.tool_round_limit_reached
    assert "tool-round limit was reached" in result.answer
    assert result.verification.verified_by == "graph" and result.verification.ok


def test_streaming_yields_tokens_tool_events_then_the_result(make_architect: Any) -> None:
    architect = make_architect()
    with replay("design_turn"):
        events = list(architect.stream("Design the schema of a small library"))
    kinds = [type(e).__name__ for e in events]
    assert kinds[-1] == "FinalEvent" and kinds.count("FinalEvent") == 1
    starts = [e.name for e in events if isinstance(e, ToolStartEvent)]
    assert starts == ["validate_sql", "apply_sql", "explain_query", "write_migration", "record_decision"]
    ends = [e for e in events if isinstance(e, ToolEndEvent)]
    assert all(e.ok for e in ends) and all(e.ms >= 0 for e in ends)
    # every start is followed by its end before the next start
    order = [(type(e).__name__, e.name) for e in events if isinstance(e, ToolStartEvent | ToolEndEvent)]
    assert order[:2] == [("ToolStartEvent", "validate_sql"), ("ToolEndEvent", "validate_sql")]
    text = "".join(e.text for e in events if isinstance(e, TokenEvent))
    assert text.startswith("PostgreSQL fits") and "CREATE INDEX books_author_id_idx" in text
    assert kinds.index("TokenEvent") > kinds.index("ToolEndEvent")
    assert any(isinstance(e, StatusEvent) for e in events)
    final = events[-1]
    assert isinstance(final, FinalEvent) and final.result.thread_id


def test_a_follow_up_on_the_same_thread_sees_the_design(make_architect: Any) -> None:
    architect = make_architect()
    with replay("follow_up") as cassette:
        first = architect.ask("A projects table", thread_id="t1")
        second = architect.ask("Add an archived_at column", thread_id="t1")
    history = sent(cassette, 1)["messages"]
    assert any(m["role"] == "assistant" and "CREATE TABLE projects" in (m.get("content") or "") for m in history)
    assert first.thread_id == second.thread_id == "t1"
    # the ALTER was applied on top of the thread's design, not on an empty database
    assert second.verification.ok and second.verification.applied


def test_a_new_thread_does_not_see_the_old_one(make_architect: Any) -> None:
    architect = make_architect(max_fix_rounds=0)
    with replay("follow_up") as cassette:
        architect.ask("A projects table", thread_id="a")
        second = architect.ask("Add an archived_at column", thread_id="b")
    assert not any("CREATE TABLE projects" in (m.get("content") or "") for m in sent(cassette, 1)["messages"][1:])
    assert not second.verification.ok  # projects does not exist in thread b's design


def test_a_hand_written_workspace_is_read_and_built_on(make_architect: Any, tmp_path: Path) -> None:
    ws = tmp_path / "hand"
    ws.mkdir()
    (ws / "00_soul.md").write_text(
        "# Library\n\n## Current schema\n\n```sql\n"
        "CREATE TABLE members (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);\n"
        "CREATE TABLE loans (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        " member_id bigint NOT NULL REFERENCES members (id) ON DELETE RESTRICT, due_on date NOT NULL);\n"
        "```\n"
    )
    architect = make_architect(workspace=str(ws))
    with replay("hand_written_workspace") as cassette:
        result = architect.ask("Speed up listing a member's loans")
    system = sent(cassette, 0)["messages"][0]["content"]
    assert "loans(id bigint PK, member_id bigint NOT NULL FK->members" in system
    assert result.verification.ok and result.verification.applied  # the index applied on the schema


def test_a_recommendation_without_reasons_is_sent_back_once(make_architect: Any) -> None:
    architect = make_architect()
    with replay("unjustified_choice") as cassette:
        result = architect.ask("Which database for our shop's orders?")
    back = sent(cassette, 1)["messages"][-1]
    assert back["role"] == "user" and "without reasons" in back["content"]
    assert "ACID" in result.answer and "web scale" not in result.answer
    assert any("MongoDB" in n for n in result.guard_notes)


def test_a_mixed_answer_that_forgets_to_decline_gets_a_line(make_architect: Any) -> None:
    architect = make_architect()
    with replay("plain_answer"):
        result = architect.ask("Design a tags table and write the Express route that adds a tag")
    assert result.guard_verdict == "mixed"
    assert result.answer.startswith("_I don't write application code (express route)")
