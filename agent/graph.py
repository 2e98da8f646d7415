"""The architect's graph, in one screen.

    load_workspace → input_guard ─(app_code / off_topic)──────────────────────→ finalize
                          └→ call_model ⇄ run_tools   (bounded rounds)
                                 └→ verify ─(failed, < 2 fixes)→ call_model
                                      └→ output_guard ─(no reasons, once)→ call_model
                                              └→ finalize → DesignResult
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import END, START, StateGraph

from dbarch.agent.context import Context
from dbarch.agent.nodes import (
    REFUSALS,
    call_model,
    finalize,
    input_guard,
    load_workspace,
    output_guard,
    run_tools,
    verify,
)
from dbarch.agent.state import InputState, OutputState, State


def after_guard(state: State) -> str:
    return "finalize" if state.guard.get("verdict") in REFUSALS else "call_model"


def after_model(state: State) -> str:
    last = state.messages[-1]
    wants_tools = isinstance(last, AIMessage) and bool(last.tool_calls or last.invalid_tool_calls)
    return "run_tools" if wants_tools else "verify"


def sent_back(state: State) -> str:
    """After verify or the output guard: back to the model if they added a message for it."""
    return "call_model" if isinstance(state.messages[-1], HumanMessage) else "next"


def build_graph(checkpointer: Any = None) -> Any:
    """The compiled graph; ``checkpointer`` keeps threads (see :mod:`dbarch.agent.checkpoint`)."""
    g = StateGraph(State, input_schema=InputState, output_schema=OutputState, context_schema=Context)
    for node in (load_workspace, input_guard, call_model, run_tools, verify, output_guard, finalize):
        g.add_node(node)
    g.add_edge(START, "load_workspace")
    g.add_edge("load_workspace", "input_guard")
    g.add_conditional_edges("input_guard", after_guard, ["call_model", "finalize"])
    g.add_conditional_edges("call_model", after_model, ["run_tools", "verify"])
    g.add_edge("run_tools", "call_model")
    g.add_conditional_edges("verify", sent_back, {"call_model": "call_model", "next": "output_guard"})
    g.add_conditional_edges("output_guard", sent_back, {"call_model": "call_model", "next": "finalize"})
    g.add_edge("finalize", END)
    return g.compile(checkpointer=checkpointer, name="dbarch-architect")


graph = build_graph()
