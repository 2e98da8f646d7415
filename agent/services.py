"""The infrastructure one run of the architect uses, injected and never shown to the model.

:class:`Services` holds the sandbox, the workspace, the chat model and the clock used for
retry backoff. :class:`~dbarch.agent.session.Architect` builds one and passes it in
:attr:`Context.services`; a graph invoked without it builds a default from the context on first
use (and keeps it with that context object).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dbarch.agent.context import Context
    from dbarch.memory.workspace import Workspace
    from dbarch.tools.sandbox import Sandbox


@dataclass(slots=True)
class Services:
    sandbox: Sandbox
    workspace: Workspace
    chat_model: Any | None = None
    """A LangChain chat model; built from the context on first use when None."""
    sleep: Callable[[float], None] = field(default=time.sleep)
    owns_sandbox: bool = False
    """True when these services created the sandbox (and so close it)."""
    bound: Any | None = None
    """The chat model with the tools bound (built once)."""

    def model(self, context: Context) -> Any:
        if self.chat_model is None:
            from dbarch.agent.model import make_chat_model

            self.chat_model = make_chat_model(context)
        return self.chat_model

    def bound_model(self, context: Context, schemas: Callable[[], list[dict[str, Any]]]) -> Any:
        if self.bound is None:
            self.bound = self.model(context).bind_tools(schemas())
        return self.bound

    def close(self) -> None:
        if self.owns_sandbox:
            self.sandbox.close()


def default_services(context: Context) -> Services:
    """Services from the context's fields (embedded sandbox or ``sandbox_dsn``, workspace)."""
    from dbarch.memory.workspace import Workspace
    from dbarch.tools.sandbox import Sandbox, SandboxSettings

    settings = SandboxSettings(dsn=context.sandbox_dsn) if context.sandbox_dsn else SandboxSettings()
    return Services(Sandbox(settings), Workspace(context.workspace), owns_sandbox=True)


def services_of(context: Context) -> Services:
    """The injected services, or defaults built once for this context object."""
    if context.services is not None:
        return context.services
    cached: Services | None = getattr(context, "_default_services", None)
    if cached is None:
        cached = default_services(context)
        object.__setattr__(context, "_default_services", cached)
    return cached
