"""``dbarch chat``: the terminal REPL (see ``docs/repl.md``)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "chat",
        help="talk to the architect in a terminal REPL",
        description="A REPL: questions go to the architect (streamed, every schema checked in the "
        "sandbox); slash commands (/help) run the tools directly and work without a model. "
        "Settings: config.toml in the user folder ($DBARCH_HOME), environment variables override it.",
    )
    p.add_argument("--workspace", metavar="DIR", help="workspace folder (default: config, else .)")
    p.add_argument("--model", metavar="NAME", help="model name (default: $DBARCH_MODEL or config)")
    p.add_argument("--thread", metavar="ID", help="continue this conversation thread")
    p.add_argument("--sandbox-dsn", metavar="DSN", help="a PostgreSQL server of yours for the sandbox")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.agent.repl import run_repl

    return run_repl(workspace=args.workspace, model=args.model, sandbox_dsn=args.sandbox_dsn,
                    thread=args.thread)
