"""Pure parts of the interfaces: the command registry and its generated docs, completion, the
message-completeness rule, the user configuration and the turn footer."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from dbarch.agent.repl import docs, registry
from dbarch.agent.repl.prompt import is_complete
from dbarch.agent.userconfig import (
    ConfigError,
    ensure_user_home,
    load_user_config,
)

ISSUE_COMMANDS = {"help", "check", "lint", "explain", "advise", "erd", "soul", "state", "memory",
                  "model", "workspace", "new", "threads", "resume", "verbose", "quit"}


def test_registry_has_the_commands_of_the_issue() -> None:
    assert {c.name for c in registry.COMMANDS} == ISSUE_COMMANDS | {"database"}  # issue 15: read-only DSN
    assert registry.lookup("exit") is registry.lookup("quit")
    assert registry.lookup("ws") is registry.lookup("workspace")
    assert registry.split("/check  a.sql b.sql ") == ("check", "a.sql b.sql")


def test_docs_repl_md_is_generated_from_the_registry() -> None:
    on_disk = docs.DOC.read_text(encoding="utf-8")
    assert on_disk == docs.render(), "docs/repl.md is stale: run python -m dbarch.agent.repl.docs"
    for cmd in registry.COMMANDS:
        assert cmd.help in on_disk


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("what index do I need for orders by customer?", True),
        ("/check a.sql", True),
        ("CREATE TABLE t (", False),
        ("CREATE TABLE t (\n id bigint\n);", True),
        ("CREATE TABLE t (\n id bigint -- the key (surrogate\n)", True),
        ("select 1", True),
        ("Create a schema for a library (books, loans", True),  # a sentence, not SQL
        ("create table t (a text default '(', ", False),
        ("create table t (a text default ')'", False),
        ("select a,", False),
        ("Update the orders table: add a status", True),
        ("review this:\n```sql\ncreate table t (id int);", False),
        ("review this:\n```sql\ncreate table t (id int);\n```", True),
        ("first line \\", False),
        ("", True),
    ],
)
def test_when_enter_sends(text: str, complete: bool) -> None:
    assert is_complete(text) is complete


class _State:
    def __init__(self, home: Path, workspace: Path) -> None:
        self.home, self.workspace = home, workspace

    def ws(self) -> object:
        from dbarch.memory import Workspace

        return Workspace(self.workspace)


def _complete(state: _State, text: str) -> list[str]:
    from dbarch.agent.repl.complete import ReplCompleter

    completer = ReplCompleter(state)  # type: ignore[arg-type]
    return [c.text for c in completer.get_completions(Document(text, len(text)), CompleteEvent())]


def test_completion_of_commands_files_and_tables(tmp_path: Path) -> None:
    from dbarch.memory import Workspace, set_schema

    (tmp_path / "orders_schema.sql").write_text("select 1;")
    set_schema(Workspace(tmp_path), "create table customers (id bigint primary key);\n"
                                    "create table customer_notes (id bigint primary key);")
    state = _State(tmp_path / "home", tmp_path)
    assert _complete(state, "/ch") == ["/check"]
    assert set(_complete(state, "/")) >= {"/help", "/quit", "/exit"}
    assert _complete(state, f"/check {tmp_path}/orders_s") == ["chema.sql"]
    assert _complete(state, "select * from cust") == ["customer_notes", "customers"]
    assert _complete(state, "/verbose o") == ["on", "off"]
    assert _complete(state, "/help expl") == ["explain"]


def test_first_run_writes_a_commented_config_that_reads_as_defaults(tmp_path: Path) -> None:
    assert ensure_user_home(tmp_path / "home") is True
    assert ensure_user_home(tmp_path / "home") is False
    config = load_user_config(tmp_path / "home", {})
    assert config.model is None and config.base_url is None
    assert not config.model_configured({})


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[model]\nname = "from-file"\nbase_url = "http://localhost:11434/v1"\n'
        "[repl]\nverbose = true\ncost_per_1k_input = 0.5\n")
    config = load_user_config(tmp_path, {"DBARCH_MODEL": "from-env"})
    assert config.model == "from-env" and config.base_url == "http://localhost:11434/v1"
    assert config.verbose is True and config.cost_per_1k_input == 0.5
    assert config.model_configured({})  # a local endpoint and a model name need no key
    assert load_user_config(tmp_path, {}).model == "from-file"


def test_bad_config_values_are_located_errors(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[model]\ntemperature = 'warm'\n")
    with pytest.raises(ConfigError, match=r"model\.temperature must be a float"):
        load_user_config(tmp_path, {})
    (tmp_path / "config.toml").write_text("[model\n")
    with pytest.raises(ConfigError, match="bad TOML"):
        load_user_config(tmp_path, {})
    with pytest.raises(ConfigError, match="DBARCH_MAX_TOOL_ROUNDS must be a int"):
        load_user_config(tmp_path / "none", {"DBARCH_MAX_TOOL_ROUNDS": "many"})


def test_cost_estimate() -> None:
    from dbarch.agent.repl.summary import cost
    from dbarch.agent.userconfig import UserConfig

    assert cost("gpt-4o-mini", 1_000_000, 0, UserConfig()) == pytest.approx(0.15)
    assert cost("gpt-4o", 0, 1_000_000, UserConfig()) == pytest.approx(10.0)
    assert cost("llama3", 1000, 1000, UserConfig()) is None
    assert cost("gpt-4o", 1000, 0, UserConfig(base_url="http://localhost:8000/v1")) is None
    assert cost("x", 2000, 1000, UserConfig(cost_per_1k_input=1.0, cost_per_1k_output=2.0)) == 4.0
