"""Import only the part of the ``mcp`` SDK a stdio server uses.

The SDK's package ``__init__`` files import everything: ``mcp`` binds the client stack (which
loads the HTTP client, TLS and the whole server), ``mcp.server`` binds the high-level
``MCPServer`` with its resources, prompts and templates. ``dbarch mcp`` needs the low-level
server and the stdio transport only, and the rest cost about a tenth of a second at every
start (``python bench/bench_interfaces.py``).

:func:`bind_lazily` puts both packages in :data:`sys.modules` with their ``__init__`` not yet
run, so that ``import mcp.server.lowlevel`` loads that subpackage alone. The first time
anything asks either package for a name its ``__init__`` binds (``from mcp import Client``),
that ``__init__`` runs in full (PEP 562 ``__getattr__``), so every public name keeps working.
The SDK is discussing the same laziness upstream (modelcontextprotocol/python-sdk#3242).

Only the ``dbarch mcp`` entry point calls it: it changes process-wide import state.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

PACKAGES = ("mcp", "mcp.server")
"""The packages whose ``__init__`` waits for the first name asked of them, outermost first."""


def bind_lazily() -> list[str]:
    """Bind :data:`PACKAGES` without running their ``__init__``; returns the ones bound (none
    when the SDK is already imported)."""
    bound = []
    for name in PACKAGES:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            break  # not a package we know how to defer: import it the ordinary way
        module = importlib.util.module_from_spec(spec)
        module.__dict__["__getattr__"] = _InitOnFirstUse(module)  # PEP 562
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)
        bound.append(name)
    return bound


class _InitOnFirstUse:
    """A package's ``__getattr__`` that runs the package's ``__init__`` on first use."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module

    def __call__(self, attr: str) -> Any:
        module = self.module
        dunder = attr.startswith("__") and attr != "__all__"
        if dunder or module.__dict__.get("__getattr__") is not self:
            raise AttributeError(f"module {module.__name__!r} has no attribute {attr!r}")
        del module.__dict__["__getattr__"]
        spec = module.__spec__
        assert spec is not None and spec.loader is not None
        spec.loader.exec_module(module)
        return getattr(module, attr)
