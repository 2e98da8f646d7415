"""Slash commands over the workspace files: /soul /state /memory /workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dbarch.agent.repl import render

if TYPE_CHECKING:
    from dbarch.agent.repl.state import ReplState


def _show(state: ReplState, name: str, what: str) -> None:
    text = state.ws().read(name)
    if text is None:
        render.dim(state.console, f"no {name} in {state.workspace} yet: {what} appear there once "
                                  "the architect records them (or `dbarch memory ...`)")
        return
    render.markdown_file(state.console, text)


def soul(state: ReplState, arg: str) -> None:
    _show(state, "00_soul.md", "the schema and decisions")


def state_file(state: ReplState, arg: str) -> None:
    _show(state, "01_state.md", "plans")


def memory(state: ReplState, arg: str) -> None:
    _show(state, "02_memory.md", "strategies, conventions and lessons")


def workspace(state: ReplState, arg: str) -> None:
    from dbarch.tools.errors import UsageError

    if not arg:
        ws = state.ws()
        files = [n for n in ("00_soul.md", "01_state.md", "02_memory.md") if (ws.root / n).is_file()]
        migrations = sorted(ws.root.joinpath("migrations").glob("*.sql"))
        state.console.print(f"workspace: [bold]{ws.root}[/]")
        render.dim(state.console, f"files: {', '.join(files) or 'none yet'}; "
                                  f"{len(migrations)} migration(s)")
        return
    path = Path(arg.strip().strip("'\"")).expanduser().absolute()
    if path.exists() and not path.is_dir():
        raise UsageError("not a folder", file=str(path), hint="/workspace DIR")
    if not path.exists():
        if not path.parent.is_dir():
            raise UsageError("no such folder", file=str(path), hint="create it first, or pick another")
        render.dim(state.console, f"{path} does not exist yet; it is created on the first write")
    state.set_workspace(path)
    state.console.print(f"workspace: [bold]{path}[/]")
