from __future__ import annotations

from tests.agent.conftest import replay


def test_plain_answer_is_verified_by_the_graph(make_architect) -> None:
    architect = make_architect()
    with replay("plain_answer"):
        result = architect.ask("Design a table for tags")
    assert result.verification.sql_found
    assert result.verification.verified_by == "graph"
    assert result.verification.applied is True
    assert "CREATE TABLE tags" in result.ddl
    assert result.answer.rstrip().splitlines()[-1].startswith("- ")
    assert "**Verification**" in result.answer
    assert result.usage.input_tokens == 2100
    assert result.prompt_version.startswith("architect-")
