"""The MCP server: every function of :data:`.tools.TOOLS` as a tool, over stdio.

Built on the SDK's low-level ``Server`` with two handlers. ``tools/list`` is answered from the
committed catalog (:mod:`.catalog`: descriptions, input schemas from the typed signatures,
output schemas from the result types), so start-up builds no schema and imports neither the
typed API nor the agent. ``tools/call`` validates the arguments with the tool's arguments model
(:mod:`.arguments`, built on the tool's first call), runs the tool on a worker thread (the
tools import what they use when first called) and returns its result's JSON form as
structured content, with the same JSON as text for clients that read only text. A
:class:`DbarchError` becomes a tool error whose text says where and what to do; so do invalid
arguments, an unknown tool and a missing model. Anything else is logged with its traceback
and reported as an internal error: a tool never takes the server down.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from dbarch.agent.logfile import append_traceback
from dbarch.agent.mcp import tools as T
from dbarch.agent.mcp.catalog import load_catalog

INSTRUCTIONS = (
    "dbarch: a database architect that never guesses where it can check. check_schema applies "
    "DDL on a real PostgreSQL 18 sandbox; explain_query and advise_indexes load synthetic data "
    "at stated volumes; the workspace tools read and record the project's schema, decisions and "
    "migrations. ask_architect runs the whole agent (it needs a configured model)."
)

FUNCTIONS: dict[str, Callable[..., Any]] = {fn.__name__: fn for fn in T.TOOLS}


def _result(value: Any, name: str) -> types.CallToolResult:
    from dbarch.agent.mcp.outputs import to_json

    data = to_json(name, value)
    text = data["result"] if set(data) == {"result"} and isinstance(data["result"], str) else \
        json.dumps(data, ensure_ascii=False, default=str)
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)],
                                structured_content=data)


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)],
                                is_error=True)


def call_tool(services: T.Services, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
    """Run tool ``name`` (blocking): its result, or a tool error that says what went wrong."""
    from pydantic import ValidationError

    from dbarch.agent.mcp.arguments import validate_arguments
    from dbarch.tools.errors import DbarchError

    fn = FUNCTIONS.get(name)
    if fn is None:
        return _error(f"unknown tool {name!r}; the tools are: {', '.join(FUNCTIONS)}")
    try:
        kwargs = validate_arguments(fn, arguments)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}"
                             for e in exc.errors())
        return _error(f"invalid arguments for {name}: {problems}")
    from dbarch.tools.sandbox.readonly import scrub

    try:
        return _result(fn(services, **kwargs), name)
    except DbarchError as exc:  # the user database's password never reaches the client
        return _error(scrub(exc.one_line(), services.database_dsn))
    except Exception as exc:  # a tool never takes the server down; the log keeps the trace
        where = _log_traceback()
        return _error(scrub(f"internal error: {type(exc).__name__}: {exc}", services.database_dsn)
                      + (f" (traceback in {where})" if where else ""))


def _log_traceback() -> Path | None:
    from dbarch.tools.sandbox.settings import user_home

    return append_traceback(user_home() / "logs" / "mcp.log")


def build_server(services: T.Services, catalog: list[dict[str, Any]] | None = None) -> Server[Any]:
    """The server with every tool bound to ``services``; ``tools/list`` shows ``catalog``
    (default: the committed ``catalog.json``)."""
    listed = types.ListToolsResult(tools=[types.Tool.model_validate(tool) for tool in catalog or load_catalog()
                                          if services.database_dsn or tool["name"] not in T.USER_DATABASE])

    async def list_tools(_ctx: Any, _params: types.PaginatedRequestParams | None
                         ) -> types.ListToolsResult:
        return listed

    async def call(_ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        run = functools.partial(call_tool, services, params.name, params.arguments or {})
        return await anyio.to_thread.run_sync(run)

    @asynccontextmanager
    async def lifespan(_server: Server[Any]) -> AsyncIterator[None]:
        try:
            yield None
        finally:
            services.close()

    return Server("dbarch", version=_version(), instructions=INSTRUCTIONS, lifespan=lifespan,
                  on_list_tools=list_tools, on_call_tool=call)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dbarch")
    except PackageNotFoundError:
        return "0+unknown"


async def run_stdio(server: Server[Any]) -> None:
    """Serve one client over standard input/output until it closes the connection."""
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def serve(*, workspace: Path, sandbox_dsn: str | None = None, database_dsn: str | None = None) -> int:
    """Run over stdio until the client closes the connection."""
    import os

    from dbarch.agent.userconfig import load_user_config
    from dbarch.tools.sandbox.settings import user_home

    config = load_user_config(user_home(), os.environ)
    services = T.Services(workspace=workspace, config=config, sandbox_dsn=sandbox_dsn,
                          database_dsn=database_dsn or config.database_dsn)
    anyio.run(run_stdio, build_server(services))
    return 0
