"""dbarch's agent layer: the command line, the REPL and the architect's LangGraph graph.

Importing this package is cheap: names below are loaded on first use (PEP 562), and the
command modules import their heavy dependencies inside the commands.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Architect": "dbarch.agent.session",
    "Context": "dbarch.agent.context",
    "DesignResult": "dbarch.agent.result",
    "Verification": "dbarch.agent.result",
    "TokenEvent": "dbarch.agent.events",
    "ToolStartEvent": "dbarch.agent.events",
    "ToolEndEvent": "dbarch.agent.events",
    "StatusEvent": "dbarch.agent.events",
    "FinalEvent": "dbarch.agent.events",
    "GuardVerdict": "dbarch.agent.guards",
    "classify_request": "dbarch.agent.guards",
    "ModelNotConfigured": "dbarch.agent.errors",
    "build_graph": "dbarch.agent.graph",
    "graph": "dbarch.agent.graph",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dbarch.agent' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
