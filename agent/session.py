"""``Architect``: the architect agent as a Python object.

    with Architect(Context()) as architect:
        result = architect.ask("Design a schema for a library", thread_id="lib")
        for event in architect.stream("Add loans with due dates", thread_id="lib"):
            ...

It owns the infrastructure it builds (the sandbox unless one is passed, the workspace) and
passes it to the graph through :attr:`Context.services`. Threads live in the checkpointer
(SQLite in the user folder by default; see :mod:`dbarch.agent.checkpoint`).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

from dbarch.agent.context import Context
from dbarch.agent.events import (
    Event,
    FinalEvent,
    StatusEvent,
    TokenEvent,
    ToolEndEvent,
    ToolStartEvent,
)
from dbarch.agent.result import DesignResult
from dbarch.agent.services import Services


class Architect:
    """Ask the architect; every answer comes back as a :class:`DesignResult`."""

    def __init__(self, context: Context | None = None, *, sandbox: Any = None, checkpointer: Any = None) -> None:
        from dbarch.memory.workspace import Workspace
        from dbarch.tools.sandbox import Sandbox, SandboxSettings

        context = context or Context()
        if context.services is not None:
            services = context.services
        else:
            owns = sandbox is None
            if sandbox is None:
                settings = SandboxSettings(dsn=context.sandbox_dsn) if context.sandbox_dsn else SandboxSettings()
                sandbox = Sandbox(settings)
            services = Services(sandbox, Workspace(context.workspace), owns_sandbox=owns)
            context = dataclasses.replace(context, services=services)
        self.context = context
        self.services = services
        self._checkpointer = checkpointer
        self._owns_checkpointer = False
        self._graph: Any = None

    @property
    def graph(self) -> Any:
        if self._graph is None:
            from dbarch.agent.checkpoint import make_checkpointer
            from dbarch.agent.graph import build_graph

            if self._checkpointer is None:
                self._checkpointer = make_checkpointer(self.context.threads)
                self._owns_checkpointer = True
            self._graph = build_graph(self._checkpointer)
        return self._graph

    def ask(self, request: str, thread_id: str | None = None) -> DesignResult:
        """Run one turn and return its result."""
        final: DesignResult | None = None
        for event in self.stream(request, thread_id):
            if isinstance(event, FinalEvent):
                final = event.result
        assert final is not None
        return final

    def stream(self, request: str, thread_id: str | None = None) -> Iterator[Event]:
        """Run one turn, yielding tokens, tool events and, last, the :class:`FinalEvent`."""
        from langchain_core.messages import HumanMessage

        thread = thread_id or uuid.uuid4().hex
        config = {"configurable": {"thread_id": thread}}
        result: DesignResult | None = None
        for mode, payload in self.graph.stream(
            {"messages": [HumanMessage(request)]}, config, context=self.context,
            stream_mode=["custom", "updates"], durability="exit",  # one checkpoint write per turn
        ):
            if mode == "custom" and isinstance(payload, TokenEvent | ToolStartEvent | ToolEndEvent | StatusEvent):
                yield payload
            elif mode == "updates" and isinstance(payload, dict):
                done = payload.get("finalize")
                if isinstance(done, dict) and done.get("result") is not None:
                    result = done["result"]
        if result is None:
            raise RuntimeError("the architect's graph ended without a result")
        yield FinalEvent(result.model_copy(update={"thread_id": thread}))

    def close(self) -> None:
        """Close what this architect opened: the thread store and (if it made it) the sandbox."""
        if self._owns_checkpointer:
            from dbarch.agent.checkpoint import close_checkpointer

            close_checkpointer(self._checkpointer)
            self._owns_checkpointer = False
        self.services.close()

    def __enter__(self) -> Architect:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
