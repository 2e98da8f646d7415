"""Talk to the real ``dbarch mcp`` process with the SDK's own stdio client."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from mcp import Client
from mcp.client.stdio import StdioServerParameters

T = TypeVar("T")


def server_params(workspace: Path, env: dict[str, str] | None = None) -> StdioServerParameters:
    dbarch = Path(sys.executable).with_name("dbarch")
    base = {k: v for k, v in os.environ.items() if k.startswith(("DBARCH_", "XDG_", "PATH", "HOME"))}
    return StdioServerParameters(command=str(dbarch), args=["mcp", "--workspace", str(workspace)],
                                 env={**base, **(env or {})})


def with_client(params: StdioServerParameters, body: Callable[[Client], Awaitable[T]]) -> T:
    async def run() -> T:
        async with Client(params, read_timeout_seconds=120) as client:
            return await body(client)

    return asyncio.run(run())


def structured(result: Any) -> Any:
    assert not result.is_error, result.content
    return result.structured_content
