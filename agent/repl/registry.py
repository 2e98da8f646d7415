"""The one table of slash commands: handler, syntax, help and aliases.

``/help``, tab completion and ``docs/repl.md`` (:mod:`.docs`) are all generated from
:data:`COMMANDS`; adding a command here is the only step. Handlers take the session state and
the text after the command name; they raise :class:`~dbarch.tools.errors.DbarchError` for bad
input (the loop prints it as one red line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dbarch.agent.repl import cmd_session, cmd_tools, cmd_workspace

if TYPE_CHECKING:
    from dbarch.agent.repl.state import ReplState

Completion = Literal["file", "dir", "table", "command", "thread", "onoff"]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    """Without the slash: ``check``."""
    syntax: str
    """How to call it: ``/check FILE...``."""
    help: str
    """One line, in the imperative, shown by ``/help``."""
    handler: Callable[[ReplState, str], None]
    aliases: tuple[str, ...] = ()
    complete: Completion | None = None
    """What tab completion offers for the argument."""
    details: str = ""
    """A longer paragraph for ``/help NAME`` and the docs."""
    model: bool = False
    """Needs a configured model (every other command works without one)."""


COMMANDS: tuple[Command, ...] = (
    Command("help", "/help [COMMAND]", "list the commands, or explain one", cmd_session.help_,
            aliases=("?",), complete="command"),
    Command("check", "/check FILE...", "parse, lint and apply SQL files in a throwaway sandbox database",
            cmd_tools.check, complete="file",
            details="Files are applied in order in one scratch database, like a migrations folder. "
            "Errors are located (file:line:col) with the server's SQLSTATE."),
    Command("lint", "/lint FILE...", "run the lint rules on SQL files (no database needed)",
            cmd_tools.lint, complete="file"),
    Command("explain", "/explain [--rows SPEC] [--schema FILE] [--analyze] QUERY|FILE",
            "EXPLAIN a query on the workspace schema loaded with synthetic data", cmd_tools.explain,
            complete="table",
            details="The schema is the workspace's current schema (00_soul.md) unless --schema names "
            "a file; --rows gives volumes (orders=1m,customers=50k; default 10,000 rows per table)."),
    Command("advise", "/advise [--rows SPEC] [--schema FILE] [--budget-mb N] QUERIES.sql|QUERY",
            "recommend indexes for a workload, each built and measured in the sandbox",
            cmd_tools.advise, complete="file"),
    Command("erd", "/erd [FILE.sql]", "print the Mermaid ER diagram of the workspace schema (or of a file)",
            cmd_tools.erd, complete="file"),
    Command("soul", "/soul", "show 00_soul.md: the current schema, ER diagram and decisions",
            cmd_workspace.soul),
    Command("state", "/state", "show 01_state.md: planned and applied changes", cmd_workspace.state_file),
    Command("memory", "/memory", "show 02_memory.md: strategies, conventions and lessons",
            cmd_workspace.memory),
    Command("model", "/model [NAME]", "show the model in use, or switch to NAME for the next turns",
            cmd_session.model),
    Command("workspace", "/workspace [DIR]", "show the workspace folder, or switch to DIR",
            cmd_workspace.workspace, aliases=("ws",), complete="dir"),
    Command("database", "/database [DSN|off]",
            "show the database of yours the architect may read (read-only), connect one, or disconnect",
            cmd_session.database, aliases=("db",),
            details="With a database connected the architect can read its schema, EXPLAIN queries on "
            "its real data and try hypothetical indexes (hypopg), always read-only: every statement "
            "is checked against an allowlist and runs in BEGIN READ ONLY ... ROLLBACK. Designs, tests "
            "and migrations still go to the sandbox. Keep the password in ~/.pgpass or PGPASSWORD; "
            "one typed here is removed from the history file. Same as --dsn or DBARCH_DATABASE_DSN."),
    Command("new", "/new", "start a new conversation thread (the workspace stays)", cmd_session.new),
    Command("threads", "/threads", "list the conversation threads of this user folder",
            cmd_session.threads_),
    Command("resume", "/resume ID", "continue an earlier thread (an id prefix is enough)",
            cmd_session.resume, complete="thread"),
    Command("verbose", "/verbose [on|off]", "toggle full tool-call details (arguments and results)",
            cmd_session.verbose, complete="onoff"),
    Command("quit", "/quit", "leave the REPL (Ctrl-D does the same)", cmd_session.quit_,
            aliases=("exit", "q")),
)


def _index() -> dict[str, Command]:
    out: dict[str, Command] = {}
    for cmd in COMMANDS:
        for key in (cmd.name, *cmd.aliases):
            if key in out:
                raise ValueError(f"slash command /{key} is defined twice")
            out[key] = cmd
    return out


_BY_NAME = _index()


def lookup(name: str) -> Command | None:
    """The command called ``name`` (without the slash), by name or alias."""
    return _BY_NAME.get(name.lower())


def names() -> list[str]:
    """Every name and alias, sorted (for completion)."""
    return sorted(_BY_NAME)


def split(line: str) -> tuple[str, str]:
    """``"/check a.sql b.sql"`` -> ``("check", "a.sql b.sql")``."""
    head, _, rest = line.strip()[1:].partition(" ")
    return head.strip(), rest.strip()
