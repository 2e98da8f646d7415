"""``dbarch``: one entry point, one small module per command.

Each module in :data:`COMMANDS` exposes ``register(subparsers)`` and a ``run(args) -> int``
set as the parser's ``func``; modules import their heavy dependencies inside ``run`` so that
``dbarch lint`` or ``dbarch check`` never load langgraph or openai. Errors become one line on
stderr here, at the edge; the full traceback of an unexpected failure goes to the log file.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dbarch.agent.logfile import append_traceback

COMMANDS: tuple[str, ...] = (
    "chat",
    "ask",
    "check",
    "test",
    "lint",
    "rules",
    "explain",
    "advise",
    "memory",
    "erd",
    "sandbox",
    "guard",
    "eval",
    "mcp",
)
"""Command modules under ``agent.cli``, in the order ``dbarch --help`` lists them."""

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
LONG_RUNNING = frozenset({"chat", "mcp"})
"""Commands that live long (the REPL): they keep Python's default garbage collection."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command, or only ``only`` (a command named first on the
    command line: the others' modules are never imported, ~80 ms saved on every run)."""
    parser = argparse.ArgumentParser(
        prog="dbarch",
        description="A database architect that checks every schema on a real PostgreSQL sandbox.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        try:
            module = importlib.import_module(f"dbarch.agent.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"dbarch.agent.cli.{name}":
                continue  # a command group not built yet
            raise
        module.register(subparsers)
    return parser


class _VersionAction(argparse.Action):
    """``--version``, reading the installed metadata only when asked (it costs ~40 ms)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"dbarch {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dbarch")
    except PackageNotFoundError:
        return "0+unknown"


def log_path() -> Path:
    from dbarch.tools.sandbox.settings import user_home

    return user_home() / "logs" / "dbarch.log"


def _log_traceback() -> Path | None:
    return append_traceback(log_path())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command in this process; no process-wide setting is changed (tests call this)."""
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    from dbarch.tools.errors import DbarchError

    try:
        code: int = args.func(args)
        return code
    except DbarchError as exc:
        print(f"dbarch: {exc.one_line()}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("dbarch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the edge: never a traceback for the user
        if os.environ.get("DBARCH_DEBUG"):
            raise
        where = _log_traceback()
        print(
            f"dbarch: internal error: {type(exc).__name__}: {exc}"
            + (f" (traceback in {where}; DBARCH_DEBUG=1 shows it)" if where else ""),
            file=sys.stderr,
        )
        return EXIT_USAGE


def tune_process(command: str | None) -> None:
    """Process-wide settings for a ``dbarch`` process; only :func:`entry` calls this.

    - sqlglot's warnings (constructs it keeps as opaque text) are ours to report as notes:
      its logger is quieted.
    - A one-shot command builds many short-lived syntax trees (parent pointers make them
      cyclic): collecting every 700 allocations costs 25-30% of a large lint. It collects
      rarely instead; memory stays bounded and the process ends soon anyway. The REPL keeps
      Python's defaults.
    - ``check`` applies in a thread that mostly waits on the server: a 1 ms switch interval
      (instead of 5 ms) hands it the GIL back quickly after each round trip.
    """
    import logging

    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    if command in LONG_RUNNING:
        return
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    sys.setswitchinterval(0.001)


def entry() -> None:
    """The ``dbarch`` console script: tune this process, run the command, exit with its code."""
    argv = sys.argv[1:]
    command = next((a for a in argv if not a.startswith("-")), None)
    tune_process(command)
    sys.exit(main(argv))


if __name__ == "__main__":
    entry()
