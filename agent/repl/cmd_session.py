"""Slash commands about the session: /help /model /new /threads /resume /verbose /quit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from dbarch.agent.repl import render, threads

if TYPE_CHECKING:
    from dbarch.agent.repl.state import ReplState


def help_(state: ReplState, arg: str) -> None:
    from rich.table import Table

    from dbarch.agent.repl.registry import COMMANDS, lookup
    from dbarch.tools.errors import UsageError

    name = arg.strip().lstrip("/")
    if name:
        cmd = lookup(name)
        if cmd is None:
            raise UsageError(f"no command /{name}", hint="/help lists them")
        state.console.print(f"[bold]{escape(cmd.syntax)}[/]  {escape(cmd.help)}")
        if cmd.aliases:
            render.dim(state.console, "aliases: " + ", ".join(f"/{a}" for a in cmd.aliases))
        if cmd.details:
            state.console.print(escape(cmd.details))
        return
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for cmd in COMMANDS:
        table.add_row(escape(cmd.syntax), escape(cmd.help))
    state.console.print(table)
    render.dim(state.console, "Anything else goes to the architect. Enter sends; Alt-Enter (or Esc "
                              "then Enter) adds a line; Ctrl-C cancels a turn; Ctrl-D leaves.")


def model(state: ReplState, arg: str) -> None:
    name = arg.strip()
    if name:
        state.set_model(name)
    current = state.model or state.config.model
    where = state.config.base_url or "the OpenAI API"
    if current:
        state.console.print(f"model: [bold]{escape(current)}[/] at {escape(where)}")
    else:
        state.console.print("model: the agent's default")
    if not state.model_configured():
        from dbarch.agent.repl.turn import NO_MODEL

        state.console.print(NO_MODEL)


def database(state: ReplState, arg: str) -> None:
    from dbarch.tools.sandbox.readonly import ReadOnlyDatabase, redact

    value = arg.strip()
    if value.lower() in ("off", "none"):
        state.set_database(None)
    elif value:
        with ReadOnlyDatabase(value):  # connects: a bad or unreachable DSN is one clear line, not kept
            pass
        state.set_database(value)
    if state.database_dsn:
        state.console.print(f"your database (read-only): [bold]{escape(redact(state.database_dsn))}[/]")
    else:
        state.console.print("no database of yours connected: the architect works on the sandbox only")


def new(state: ReplState, arg: str) -> None:
    from dbarch.agent.repl.state import new_thread_id

    state.thread_id = new_thread_id()
    state.console.print(f"new thread [bold]{state.thread_id}[/]")


def threads_(state: ReplState, arg: str) -> None:
    known = threads.list_threads(state.home)
    if not known:
        render.dim(state.console, "no threads yet: the first question starts one")
        return
    for t in known[-30:]:
        mark = "*" if t.id == state.thread_id else " "
        state.console.print(f"{mark} [bold]{t.id}[/]  {threads.when(t.started)}  {escape(t.title)}")
        render.dim(state.console, f"      {t.workspace}")


def resume(state: ReplState, arg: str) -> None:
    from pathlib import Path

    from dbarch.tools.errors import UsageError

    prefix = arg.strip()
    if not prefix:
        raise UsageError("name the thread", hint="/threads lists them; /resume ID")
    found = threads.find(state.home, prefix)
    if not found:
        raise UsageError(f"no thread starts with {prefix!r}", hint="/threads lists them")
    if len(found) > 1:
        raise UsageError(f"{len(found)} threads start with {prefix!r}", hint="give more of the id")
    thread = found[0]
    state.thread_id = thread.id
    if Path(thread.workspace) != state.workspace:
        state.set_workspace(Path(thread.workspace))
    state.console.print(f"resumed thread [bold]{thread.id}[/]: {escape(thread.title)} "
                        f"(workspace {escape(thread.workspace)})")


def verbose(state: ReplState, arg: str) -> None:
    from dbarch.tools.errors import UsageError

    value = arg.strip().lower()
    if value in ("", "toggle"):
        state.verbose = not state.verbose
    elif value in ("on", "true", "1"):
        state.verbose = True
    elif value in ("off", "false", "0"):
        state.verbose = False
    else:
        raise UsageError(f"/verbose takes on or off, not {value!r}")
    state.console.print(f"verbose tool output {'on' if state.verbose else 'off'}")


def quit_(state: ReplState, arg: str) -> None:
    state.done = True
