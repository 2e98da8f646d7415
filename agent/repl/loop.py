"""Read, dispatch, render; never die. The entry point of ``dbarch chat``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from dbarch.agent.logfile import append_traceback
from dbarch.agent.repl import registry, render, turn
from dbarch.agent.repl.state import ReplState

if TYPE_CHECKING:
    from dbarch.agent.userconfig import UserConfig

LOG = Path("logs") / "repl.log"
PROMPT = "dbarch> "


def log_traceback(home: Path) -> Path | None:
    """Append the current exception's traceback to the REPL log; return its path."""
    return append_traceback(home / LOG)


def handle(state: ReplState, text: str) -> None:
    """One input: a slash command or a question. Errors become one red line."""
    from dbarch.tools.errors import DbarchError

    line = text.strip()
    if not line:
        return
    try:
        first = line.split(None, 1)[0]
        if line.startswith("/") and "/" not in first[1:]:  # "/etc/x.sql is..." is a message
            name, arg = registry.split(line)
            cmd = registry.lookup(name)
            if cmd is None:
                render.error_line(state.console, f"unknown command /{name} (/help lists them)")
                return
            cmd.handler(state, arg)
        else:
            turn.ask(state, text)
    except DbarchError as exc:
        render.dbarch_error(state.console, exc)
    except KeyboardInterrupt:
        state.console.print("[yellow]cancelled[/]")
    except Exception as exc:  # the REPL never dies on bad input
        where = log_traceback(state.home)
        render.error_line(state.console, f"internal error: {type(exc).__name__}: {exc}"
                          + (f" (traceback in {where})" if where else ""))


def _connect_database(state: ReplState) -> None:
    """Check the user's database at start: named without its password, or dropped with why."""
    from dbarch.tools.errors import DbarchError
    from dbarch.tools.sandbox.readonly import ReadOnlyDatabase, redact

    dsn = state.database_dsn
    assert dsn is not None
    try:
        with ReadOnlyDatabase(dsn):
            pass
    except DbarchError as exc:
        state.database_dsn = None
        render.error_line(state.console, f"{exc.one_line()}; the architect works on the sandbox only "
                                         "(/database DSN to try again)")
        return
    state.console.print(f"your database (read-only, never written): {escape(redact(dsn))}")


def _config(home: Path, environ: Mapping[str, str], console: Console) -> UserConfig:
    from dbarch.agent.userconfig import ConfigError, UserConfig, ensure_user_home, load_user_config

    try:
        if ensure_user_home(home):
            render.dim(console, f"created {home} with a commented config.toml")
        return load_user_config(home, environ)
    except (ConfigError, OSError) as exc:
        render.error_line(console, f"{exc.one_line() if isinstance(exc, ConfigError) else exc}; "
                                   "using the defaults")
        return UserConfig()


def run_repl(
    *,
    workspace: str | None = None,
    model: str | None = None,
    sandbox_dsn: str | None = None,
    database_dsn: str | None = None,
    thread: str | None = None,
    home: Path | None = None,
    console: Console | None = None,
    environ: Mapping[str, str] | None = None,
    warm: bool = True,
    **io: Any,
) -> int:
    """Run the REPL until /quit or Ctrl-D.

    ``home`` is the user folder (default ``$DBARCH_HOME``); ``console``, ``environ`` and ``io``
    (prompt_toolkit ``input``/``output``) let tests drive it through a pipe.
    """
    from dbarch.agent.repl.prompt import make_session
    from dbarch.tools.sandbox.settings import user_home

    environ = os.environ if environ is None else environ
    console = console or Console(highlight=False)
    home = home or user_home()
    config = _config(home, environ, console)
    ws = Path(workspace or config.workspace or ".").expanduser().absolute()
    state = ReplState(console=console, config=config, environ=environ, home=home, workspace=ws,
                      model=model, sandbox_dsn=sandbox_dsn or config.sandbox_dsn,
                      database_dsn=database_dsn or config.database_dsn, verbose=config.verbose)
    if thread:
        state.thread_id = thread
    console.print(f"[bold]dbarch[/] database architect · workspace {escape(str(ws))} · "
                  f"thread {state.thread_id} · /help for commands, Ctrl-D to leave")
    if state.database_dsn:
        _connect_database(state)
    if not state.model_configured():
        console.print(turn.NO_MODEL.format(config=home / "config.toml"))
    if warm:
        state.warm_sandbox()
    session = make_session(state, **io)
    try:
        while not state.done:
            try:
                text = session.prompt(PROMPT)
            except KeyboardInterrupt:
                continue  # Ctrl-C at the prompt clears the line
            except EOFError:
                break
            handle(state, text)
    finally:
        state.close()
    return 0
