"""The sandbox PostgreSQL server and its throwaway databases.

The names are loaded on first use (PEP 562): ``dbarch.tools.sandbox.settings`` (the user folder,
the settings) stays cheap for callers that never start a server, such as ``dbarch mcp`` at start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dbarch.tools.sandbox.sandbox import Sandbox, ScratchDatabase
    from dbarch.tools.sandbox.settings import SandboxSettings, user_home

_EXPORTS = {
    "Sandbox": "dbarch.tools.sandbox.sandbox",
    "ScratchDatabase": "dbarch.tools.sandbox.sandbox",
    "SandboxSettings": "dbarch.tools.sandbox.settings",
    "user_home": "dbarch.tools.sandbox.settings",
}
__all__ = ["Sandbox", "SandboxSettings", "ScratchDatabase", "user_home"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dbarch.tools.sandbox' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
