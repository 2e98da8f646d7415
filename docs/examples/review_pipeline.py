"""dbarch's architect as one node of a parent LangGraph graph with a state of its own.

The parent is a ticket pipeline: a change request comes in, the architect designs and verifies
the SQL, and a triage step decides whether the pull request can be opened. The architect's
graph keeps its own state (messages, verification...); the node maps the parent's ``ticket``
to the architect's input and its ``DesignResult`` back to the parent's fields. See
``docs/pipelines.md``; ``tests/interfaces/test_pipelines.py`` runs this file.
"""

from __future__ import annotations

from typing import Any, TypedDict

from langchain_core.messages import HumanMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from dbarch.agent import Context, DesignResult, InputState, build_graph


class TicketState(TypedDict, total=False):
    ticket: str
    """In: the change request, as the issue tracker has it."""
    design: DesignResult
    """The architect's result (answer, DDL, verification, refusal)."""
    ddl: str
    """Out: the SQL for the pull request ('' when there is none)."""
    status: str
    """Out: ready, needs-human or rejected."""


architect = build_graph()  # compiled once; without a checkpointer each ticket is one turn


def design(state: TicketState, runtime: Runtime[Context]) -> TicketState:
    """Map the ticket to the architect's input, run it, map its result back."""
    request = InputState(messages=[HumanMessage(state["ticket"])])
    out = architect.invoke(request, context=runtime.context)
    return {"design": out["result"]}


def triage(state: TicketState) -> TicketState:
    result = state["design"]
    if result.refused:
        return {"status": "rejected", "ddl": ""}
    if result.verification.sql_found and not result.verification.ok:
        return {"status": "needs-human", "ddl": result.ddl}
    return {"status": "ready", "ddl": result.ddl}


def build_pipeline() -> Any:
    g = StateGraph(TicketState, context_schema=Context)
    g.add_node("design", design)
    g.add_node("triage", triage)
    g.add_edge(START, "design")
    g.add_edge("design", "triage")
    g.add_edge("triage", END)
    return g.compile()
