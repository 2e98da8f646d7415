"""The architect's tools: one :data:`TOOLS` list, each a name, a description the model reads,
a pydantic argument model (its JSON Schema is what the model sees) and a function calling the
typed library in-process (:mod:`dbarch.agent.tool_functions`).

:func:`run_tool_call` never raises for the model's mistakes: an unknown name, arguments that are
not JSON or do not fit the schema, and any :class:`~dbarch.tools.errors.DbarchError` become a
structured ``error:`` text the model can act on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dbarch.agent import tool_functions as fn, user_database as udb
from dbarch.agent.tool_functions import ToolEnv, ToolOutput

if TYPE_CHECKING:
    from dbarch.agent.context import Context


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SqlArgs(_Args):
    sql: str = Field(description="SQL script")


class ApplyArgs(_Args):
    sql: str = Field(description="DDL/migration SQL")
    on_current_schema: bool = Field(
        False, description="apply on top of the current design (this conversation's, else the workspace's schema), for ALTERs"
    )


class ExplainArgs(_Args):
    queries: list[str] = Field(description="queries ($1 or ? parameters allowed)")
    rows: dict[str, int] = Field(default_factory=dict, description="rows per table, e.g. {\"orders\": 1000000}")
    schema_sql: str | None = Field(None, description="default: the SQL last applied this turn, else the current design")
    analyze: bool = Field(False, description="also execute (rolled back) to measure time")


class AdviseArgs(_Args):
    queries: list[str] = Field(description="the workload")
    rows: dict[str, int] = Field(default_factory=dict, description="rows per table")
    schema_sql: str | None = Field(None, description="as in explain_query")
    budget_mb: float = Field(1024.0, description="size budget for new indexes")


class InspectArgs(_Args):
    schemas: list[str] = Field(default_factory=list, description="default: every schema but the system ones")


class DatabaseExplainArgs(_Args):
    queries: list[str] = Field(description="queries (SELECT; INSERT/UPDATE/DELETE are planned, never run)")


class DatabaseAdviseArgs(_Args):
    queries: list[str] = Field(description="the workload")
    budget_mb: float = Field(1024.0, description="size budget for new indexes")


class ErdArgs(_Args):
    sql: str | None = Field(None, description="default: this turn's schema, else the current design")


class ReadArgs(_Args):
    part: Literal["summary", "schema", "decisions", "plans", "notes", "migrations"] = "summary"


class DecisionArgs(_Args):
    decision: str
    why: str = Field(description="the requirements that justify it")
    alternatives: str = ""
    consequences: str = ""
    title: str = ""


class PlanArgs(_Args):
    title: str
    description: str = ""
    migrations: list[str] = Field(default_factory=list, description="e.g. migrations/004_x.sql")


class NoteArgs(_Args):
    category: Literal["strategy", "convention", "lesson"]
    text: str
    title: str = ""


class MigrationArgs(_Args):
    name: str = Field(description="short slug, e.g. add_phone_to_users")
    sql: str = Field(description="the migration; it must apply after the existing ones")


class SchemaArgs(_Args):
    sql: str = Field(description="the whole current schema")
    summary: str = ""


class RequirementTestsArgs(_Args):
    tests: list[dict[str, Any]] = Field(
        description='[{"name", "steps": [{"sql", "expect": "ok" | {"ok": {"rows": N}} | {"ok": {"value": X}} | '
        '{"error": "23505" | "23" | "any"}}]}]; a negative test (a step expecting the error) per rule'
    )
    schema_sql: str | None = Field(None, description="default: the SQL last applied this turn")
    rows: dict[str, int] = Field(default_factory=dict, description="synthetic rows loaded first")
    save_as: str | None = Field(None, description="after write_migration: save as tests/NNN_<save_as>.yaml if all pass")


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    args: type[_Args]
    run: Callable[[ToolEnv, Any], ToolOutput]

    def schema(self) -> dict[str, Any]:
        """The OpenAI ``tools`` entry: name, description, JSON Schema of the arguments."""
        params = self.args.model_json_schema()
        params.pop("title", None)
        for prop in params.get("properties", {}).values():
            prop.pop("title", None)
        return {"type": "function", "function": {"name": self.name, "description": self.description, "parameters": params}}


TOOLS: list[Tool] = [
    Tool("validate_sql", "Parse SQL; located syntax errors and tables found. No server.", SqlArgs, fn.validate_sql),
    Tool("lint_sql", "Lint SQL (61 rules: types, keys, indexes, unsafe migrations).", SqlArgs, fn.lint_sql),
    Tool("apply_sql", "Parse, lint and apply SQL in a throwaway PostgreSQL 18 sandbox database.", ApplyArgs, fn.apply_sql),
    Tool("explain_query", "Load the schema with synthetic rows at the given volumes and EXPLAIN queries.", ExplainArgs, fn.explain_query),
    Tool("advise_indexes", "Find indexes for a workload; each is built and measured in the sandbox.", AdviseArgs, fn.advise_indexes),
    Tool(
        "run_requirement_tests",
        "Prove the design enforces each rule: a test's steps run in one sandbox transaction, rolled back. "
        "An expected error (23505 unique, 23503 FK, 23514 check, 23P01 exclusion, 42501 RLS, P0001 "
        "trigger) passes; a forbidden write that succeeds fails. Tests run as the tables' owner (RLS needs "
        "FORCE); deferred constraints fire at each test's end.",
        RequirementTestsArgs, fn.run_requirement_tests,
    ),
    Tool("draw_erd", "Mermaid ER diagram of a schema.", ErdArgs, fn.draw_erd),
    Tool("read_workspace", "Read the workspace: summary, schema, decisions, plans, notes, migrations.", ReadArgs, fn.read_workspace),
    Tool("record_decision", "Record a design decision with its reasons in 00_soul.md.", DecisionArgs, fn.record_decision),
    Tool("plan_change", "Record a planned schema change in 01_state.md.", PlanArgs, fn.plan_change),
    Tool("add_memory_note", "Save a strategy, convention or lesson to 02_memory.md.", NoteArgs, fn.add_memory_note),
    Tool("write_migration", "Verify and write the next versioned migration file.", MigrationArgs, fn.write_migration),
    Tool("save_schema", "Verify and save the whole current schema in 00_soul.md.", SchemaArgs, fn.save_schema),
]
_READ_ONLY = "READ-ONLY on the user's own database"
DATABASE_TOOLS: list[Tool] = [
    Tool("inspect_database", f"{_READ_ONLY}: its current schema as DDL, read from the catalog.", InspectArgs,
         udb.inspect_database),
    Tool("explain_on_database", f"{_READ_ONLY}: EXPLAIN queries on its real data (planned, never executed).",
         DatabaseExplainArgs, udb.explain_on_database),
    Tool("advise_on_database", f"{_READ_ONLY}: index advice with hypothetical indexes (hypopg; nothing built).",
         DatabaseAdviseArgs, udb.advise_on_database),
]
"""Offered only when the user connected a database (:attr:`Context.database_dsn`). They never
write: DDL, tests and migrations go to the sandbox tools above."""
BY_NAME: dict[str, Tool] = {t.name: t for t in [*TOOLS, *DATABASE_TOOLS]}


def tools_for(context: Context | None) -> list[Tool]:
    """The tools offered to the model: the read-only database tools only with a user database."""
    return [*TOOLS, *DATABASE_TOOLS] if context is not None and context.database_dsn else list(TOOLS)


def tool_schemas(context: Context | None = None) -> list[dict[str, Any]]:
    return [t.schema() for t in tools_for(context)]


@dataclass(frozen=True, slots=True)
class CallOutcome:
    name: str
    args: dict[str, Any]
    text: str
    summary: str
    ok: bool
    ms: float


def run_tool_call(env: ToolEnv, name: str, raw_args: Any) -> CallOutcome:
    """Run one tool call; every failure becomes text for the model."""
    from dbarch.tools.errors import DbarchError
    from dbarch.tools.sandbox.readonly import scrub

    started = time.perf_counter()
    args: dict[str, Any] = {}

    def done(text: str, summary: str, ok: bool) -> CallOutcome:
        # the user database's password never reaches the model, the stream or the transcript
        dsn = env.context.database_dsn
        text, summary = scrub(text, dsn), scrub(summary, dsn)
        return CallOutcome(name, args, text, summary, ok, (time.perf_counter() - started) * 1000)

    offered = {t.name: t for t in tools_for(env.context)}
    tool = offered.get(name)
    if tool is None:
        names = ", ".join(offered)
        if name in BY_NAME:
            return done(f"error: {name} needs a database of the user's, and none is connected; the tools "
                        f"are: {names}.", "no user database", False)
        return done(f"error: unknown tool {name!r}. The tools are: {names}.", "unknown tool", False)
    if isinstance(raw_args, str):
        try:
            raw_args = json.loads(raw_args or "{}")
        except json.JSONDecodeError as exc:
            return done(
                f"error: the arguments are not valid JSON ({exc.msg} at character {exc.pos}); "
                "call the tool again with a JSON object",
                "bad arguments",
                False,
            )
    if not isinstance(raw_args, dict):
        return done("error: the arguments must be a JSON object", "bad arguments", False)
    args = raw_args
    try:
        parsed = tool.args.model_validate(raw_args)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors()[:5]
        )
        return done(f"error: invalid arguments for {name}: {problems}", "bad arguments", False)
    try:
        out = tool.run(env, parsed)
    except DbarchError as exc:
        return done(f"error: {exc.one_line()}", exc.message[:80], False)
    except Exception as exc:  # a bug of ours must not end the turn: the model can go on
        return done(f"error: internal error in {name}: {type(exc).__name__}: {exc}", "internal error", False)
    return done(_capped(out.text), out.summary, out.ok)


MAX_RESULT_CHARS = 12_000
"""A tool result longer than this is cut (the model's context is not a log file)."""


def _capped(text: str) -> str:
    if len(text) <= MAX_RESULT_CHARS:
        return text
    cut = text.rfind("\n", 0, MAX_RESULT_CHARS)
    kept = text[: cut if cut > 0 else MAX_RESULT_CHARS]
    return kept + f"\n[... {len(text) - len(kept):,} more characters cut; ask for less, e.g. fewer queries]"
