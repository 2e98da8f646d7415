"""The MCP server: every function of :data:`.tools.TOOLS` as a tool, over stdio.

Input schemas come from the tool functions' typed signatures; output schemas from the result
types (:func:`.outputs.output_schema`). A tool returns its result's JSON form as structured content (and the
same JSON as text, for clients that read only text). A :class:`DbarchError` becomes a tool
error whose text says where and what to do; a missing model, a clear tool error too.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, TextContent, ToolAnnotations

from dbarch.agent.logfile import append_traceback
from dbarch.agent.mcp import tools as T
from dbarch.agent.mcp.outputs import output_schema, to_json

INSTRUCTIONS = (
    "dbarch: a database architect that never guesses where it can check. check_schema applies "
    "DDL on a real PostgreSQL 18 sandbox; explain_query and advise_indexes load synthetic data "
    "at stated volumes; the workspace tools read and record the project's schema, decisions and "
    "migrations. ask_architect runs the whole agent (it needs a configured model)."
)

READ_ONLY = frozenset({"check_schema", "lint_sql", "explain_query", "advise_indexes", "erd",
                       "read_workspace"})


def _result(value: Any, name: str) -> CallToolResult:
    data = to_json(name, value)
    text = data["result"] if set(data) == {"result"} and isinstance(data["result"], str) else \
        json.dumps(data, ensure_ascii=False, default=str)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def _error(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def _bind(fn: Callable[..., Any], services: T.Services) -> Callable[..., CallToolResult]:
    """``fn(services, **arguments)`` as a tool: the ``services`` parameter hidden, the result
    turned into its JSON form, errors into tool errors."""
    from dbarch.tools.errors import DbarchError

    hints = typing.get_type_hints(fn, include_extras=True)
    params = [p.replace(annotation=hints[p.name]) for p in inspect.signature(fn).parameters.values()
              if p.name != "svc"]
    name = fn.__name__

    def call(**arguments: Any) -> CallToolResult:
        try:
            return _result(fn(services, **arguments), name)
        except DbarchError as exc:
            return _error(exc.one_line())
        except Exception as exc:  # a tool never takes the server down; the log keeps the trace
            where = _log_traceback()
            return _error(f"internal error: {type(exc).__name__}: {exc}"
                          + (f" (traceback in {where})" if where else ""))

    call.__name__ = name
    call.__doc__ = fn.__doc__
    call.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        params, return_annotation=Annotated[CallToolResult, dict[str, Any]]
    )
    return call


def _log_traceback() -> Path | None:
    from dbarch.tools.sandbox.settings import user_home

    return append_traceback(user_home() / "logs" / "mcp.log")


def build_server(services: T.Services) -> MCPServer[Any]:
    """The server with every tool bound to ``services``."""
    tools = []
    for fn in T.TOOLS:
        bound = _bind(fn, services)
        annotations = ToolAnnotations(read_only_hint=fn.__name__ in READ_ONLY,
                                      open_world_hint=fn.__name__ in T.NEEDS_MODEL)
        tool = Tool.from_function(bound, annotations=annotations)
        # The SDK validates against a JSON object; the schema clients see is the result type's.
        tool.fn_metadata.output_schema = output_schema(fn.__name__)
        tools.append(tool)

    @asynccontextmanager
    async def lifespan(_server: MCPServer[Any]) -> AsyncIterator[None]:
        try:
            yield None
        finally:
            services.close()

    return MCPServer("dbarch", instructions=INSTRUCTIONS, version=_version(), tools=tools,
                     lifespan=lifespan, log_level="WARNING")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dbarch")
    except PackageNotFoundError:
        return "0+unknown"


def serve(*, workspace: Path, sandbox_dsn: str | None = None) -> int:
    """Run over stdio until the client closes the connection."""
    import os

    from dbarch.agent.userconfig import load_user_config
    from dbarch.tools.sandbox.settings import user_home

    config = load_user_config(user_home(), os.environ)
    services = T.Services(workspace=workspace, config=config, sandbox_dsn=sandbox_dsn)
    build_server(services).run("stdio")
    return 0
