"""The nodes of the architect's graph (wired in :mod:`dbarch.agent.graph`).

Each node reads the state and the runtime context (configuration and injected services) and
returns the fields it changes. Events for :meth:`Architect.stream` go through LangGraph's
custom stream writer (a no-op when nobody streams).
"""

from __future__ import annotations

import re
import time
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langgraph.config import get_stream_writer
from langgraph.runtime import Runtime

from dbarch.agent.context import Context
from dbarch.agent.events import StatusEvent, TokenEvent, ToolEndEvent, ToolStartEvent
from dbarch.agent.guards import classify_request
from dbarch.agent.guards.output import strip_app_code, unjustified_recommendation
from dbarch.agent.services import services_of
from dbarch.agent.state import State
from dbarch.prompts import load_prompt

REFUSALS = {
    "app_code": (
        "I design the data layer and don't write application code ({parts}). What I can give you "
        "instead: the schema (DDL) with its constraints, the SQL your code should run and the "
        "indexes those queries need, and the contract the application must meet: which rules the "
        "database enforces, the errors (SQLSTATEs) your code should expect, and where the "
        "transaction boundaries go. Tell me about the data and its queries and I'll design that part."
    ),
    "off_topic": (
        "That is outside what I do: I'm a database architect. I can design schemas (relational, "
        "document, key-value, graph, time-series), choose a database from your requirements, "
        "optimise queries, plan migrations, scaling, backup and recovery."
    ),
}


def load_workspace(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Start a turn: read the workspace summary and reset the per-turn fields."""
    from dbarch.memory.summary import summarize
    from dbarch.tools.errors import DbarchError

    services = services_of(runtime.context)
    try:
        summary = summarize(services.workspace)
    except DbarchError as exc:
        summary = f"(the workspace could not be read: {exc.one_line()})"
    request = next((m.text for m in reversed(state.messages) if isinstance(m, HumanMessage)), "")
    return {
        "request": request, "workspace_summary": summary, "turn": {}, "tool_rounds": 0,
        "must_answer": False, "fix_rounds": 0, "guard_redo": False, "answer": "",
        "verification": {}, "ddl": "", "guard_notes": [], "usage": {}, "started": time.time(),
        "result": None,
    }


def input_guard(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    verdict = classify_request(state.request)
    guard: dict[str, Any] = {**verdict.to_dict(), "app_parts": list(verdict.app_parts)}
    if verdict.unsure and runtime.context.guard_model:
        from dbarch.agent.guards.model_check import classify_with_model

        guard = classify_with_model(state.request, guard, runtime.context, services_of(runtime.context))
    update: dict[str, Any] = {"guard": guard}
    if guard["verdict"] in REFUSALS:
        parts = ", ".join(guard.get("app_parts") or ["code"])
        text = REFUSALS[guard["verdict"]].format(parts=parts)
        update["answer"] = text
        update["messages"] = [AIMessage(text)]
    return update


def call_model(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    from dbarch.agent.model import stream_reply
    from dbarch.agent.tools import tool_schemas

    ctx = runtime.context
    services = services_of(ctx)
    writer = get_stream_writer()
    system = load_prompt().text + "\n## The workspace now\n" + (state.workspace_summary or "(empty)") + "\n"
    if state.guard.get("verdict") == "mixed":
        parts = ", ".join(state.guard.get("app_parts") or ["application code"])
        system += (f"\n## This request\nIt also asks for application code ({parts}): do the database "
                   "part, and say in one sentence that you do not write that code.\n")
    model = services.model(ctx)
    if not state.must_answer:
        model = services.bound_model(ctx, lambda: tool_schemas(ctx))
    reply = stream_reply(
        model, [SystemMessage(system), *state.messages], context=ctx, sleep=services.sleep,
        on_token=lambda text: writer(TokenEvent(text)),
    )
    if state.must_answer and getattr(reply, "tool_calls", None):
        reply = AIMessage(reply.text)  # no tools are left this turn: keep the words only
    return {"messages": [reply], "usage": _add_usage(state.usage, reply)}


def run_tools(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    from dbarch.agent.tool_functions import ToolEnv
    from dbarch.agent.tools import run_tool_call

    ctx = runtime.context
    writer = get_stream_writer()
    last = state.messages[-1]
    assert isinstance(last, AIMessage)
    services = services_of(ctx)
    env = ToolEnv(services, ctx, dict(state.turn), current_design(state, services))
    at_bound = state.tool_rounds >= ctx.max_tool_rounds
    calls: list[tuple[str, Any, str]] = [(c["name"], c["args"], c["id"] or "") for c in last.tool_calls]
    calls += [(c.get("name") or "", c.get("args") or "", c.get("id") or "") for c in last.invalid_tool_calls]
    replies: list[ToolMessage] = []
    for name, args, call_id in calls:
        writer(ToolStartEvent(name, args if isinstance(args, dict) else {"raw": args}))
        if at_bound:
            text = (f"not run: the limit of {ctx.max_tool_rounds} tool rounds for this turn was "
                    "reached. Answer now with what was verified, and say what was not.")
            writer(ToolEndEvent(name, False, "not run (tool-round limit)", 0.0))
            replies.append(ToolMessage(text, tool_call_id=call_id, name=name, status="error"))
            continue
        out = run_tool_call(env, name, args)
        writer(ToolEndEvent(name, out.ok, out.summary, out.ms))
        replies.append(ToolMessage(out.text, tool_call_id=call_id, name=name, status="success" if out.ok else "error"))
    update: dict[str, Any] = {"messages": replies, "turn": env.turn, "tool_rounds": state.tool_rounds + 1}
    if at_bound:
        update["must_answer"] = True
        update["turn"] = {**env.turn, "round_limit": True}
    return update


def verify(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    from dbarch.agent.verification import fix_request, next_design, verify_answer

    ctx = runtime.context
    services = services_of(ctx)
    answer = state.messages[-1].text
    base = current_design(state, services)
    get_stream_writer()(StatusEvent("verifying the answer's SQL"))
    record, ddl = verify_answer(answer, state.turn, sandbox=services.sandbox, dialect=ctx.dialect, base_sql=base)
    record["fix_rounds"] = state.fix_rounds
    record["tool_round_limit_reached"] = bool(state.turn.get("round_limit"))
    update: dict[str, Any] = {"verification": record, "ddl": ddl, "answer": answer}
    if ddl and record["ok"]:
        update["design_sql"] = next_design(ddl, base)
    elif not record["ok"] and state.fix_rounds < ctx.max_fix_rounds:
        n = state.fix_rounds + 1
        update["fix_rounds"] = n
        update["messages"] = [HumanMessage(fix_request(record, n, ctx.max_fix_rounds))]
    return update


def output_guard(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    stripped = strip_app_code(state.answer)
    notes = [f"removed {r}" for r in stripped.removed]
    update: dict[str, Any] = {"answer": stripped.text, "guard_notes": [*state.guard_notes, *notes]}
    db = unjustified_recommendation(stripped.text)
    if db and not state.guard_redo:
        update["guard_redo"] = True
        update["guard_notes"] = [*update["guard_notes"], f"sent back once: {db} recommended without reasons"]
        update["messages"] = [HumanMessage(
            f"[dbarch output guard] You recommend {db} without reasons drawn from the requirements. "
            "Answer again, justifying the choice by data structure, query patterns, consistency "
            "needs, scale and read/write ratio (never popularity)."
        )]
    return update


def finalize(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    from dbarch.agent.result import DesignResult, TokenUsage, Verification
    from dbarch.agent.verification import render_summary

    ctx = runtime.context
    prompt = load_prompt()
    verdict = state.guard.get("verdict", "in_scope")
    refused = verdict in REFUSALS
    v = {k: val for k, val in state.verification.items() if k in Verification.model_fields}
    answer = state.answer
    if verdict == "mixed" and not _DECLINED.search(answer):
        parts = ", ".join(state.guard.get("app_parts") or ["application code"])
        answer = f"_I don't write application code ({parts}); here is the database part._\n\n" + answer
    if not refused:
        if v.get("sql_found") and not state.verification.get("ok", True):
            answer = "> **Warning: the SQL in this answer did not pass verification (see the end).**\n\n" + answer
        answer = answer.rstrip() + "\n" + render_summary(state.verification or {"sql_found": False}, prompt_version=prompt.version)
    try:
        model = ctx.model_name()
    except Exception:
        model = ctx.model
    result = DesignResult(
        answer=answer, ddl=state.ddl, migrations_written=list(state.turn.get("migrations", [])),
        decisions_recorded=list(state.turn.get("decisions", [])), verification=Verification(**v),
        refused=refused, refusal_reason="; ".join(state.guard.get("reasons", [])) if refused else "",
        guard_verdict=verdict, guard_notes=list(state.guard_notes), prompt_version=prompt.version,
        model=model, usage=TokenUsage(**state.usage), latency_ms=round((time.time() - state.started) * 1000, 1),
    )
    return {"result": result}


_DECLINED = re.compile(
    r"(?:don't|do not|won't|will not|cannot|can't|not going to) (?:write|provide|implement|give)"
    r"|outside (?:my|the architect's) (?:role|scope)|application code|your developers",
    re.I,
)
"""How an answer says it declines the application part of a mixed request."""


def current_design(state: State, services: Any) -> str:
    """This thread's design if it has one, else the workspace's current schema."""
    from dbarch.memory.soul import read_schema_sql
    from dbarch.tools.errors import DbarchError

    if state.design_sql.strip():
        return state.design_sql
    try:
        return read_schema_sql(services.workspace)
    except DbarchError:
        return ""


def _add_usage(usage: dict[str, int], reply: Any) -> dict[str, int]:
    meta = getattr(reply, "usage_metadata", None) or {}
    out = dict(usage)
    for key in ("input_tokens", "output_tokens", "total_tokens"):
        out[key] = out.get(key, 0) + int(meta.get(key, 0) or 0)
    out["model_calls"] = out.get("model_calls", 0) + 1
    return out
