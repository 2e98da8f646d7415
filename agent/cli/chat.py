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
    p.add_argument("--dsn", metavar="DSN", help="a database of yours the architect may read, read-only "
                   "(schema, EXPLAIN, hypothetical indexes; never written; default: $DBARCH_DATABASE_DSN)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os
    import sys
    import threading

    from dbarch.agent.repl import run_repl

    code = run_repl(workspace=args.workspace, model=args.model, sandbox_dsn=args.sandbox_dsn,
                    database_dsn=args.dsn, thread=args.thread)
    # A cancelled turn may still wait on the model in LangGraph's worker threads, which the
    # interpreter joins at exit (daemon or not) until the model answers. The session is closed
    # and saved by now: leave at once.
    if any(t.is_alive() and t.name.startswith(("dbarch-turn", "ThreadPoolExecutor"))
           for t in threading.enumerate()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
