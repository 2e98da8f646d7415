"""``dbarch sandbox start|stop|status``: the embedded PostgreSQL server by hand."""

from __future__ import annotations

import argparse

from dbarch.agent.cli.common import add_sandbox_args, make_sandbox, print_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "sandbox",
        help="start, stop or inspect the sandbox PostgreSQL server",
        description="The embedded server starts by itself when a command needs it and stops when "
        "that command ends. 'start' keeps it running for every later command (faster) until 'stop'.",
    )
    p.add_argument("action", choices=("start", "stop", "status"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_sandbox_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.tools.sandbox.server import EmbeddedServer

    sandbox = make_sandbox(args)
    if args.action == "start":
        sandbox.start(daemon=True)
        sandbox.close()
    elif args.action == "stop":
        server = EmbeddedServer(sandbox.settings.runtime_root)
        stopped = server.stop()
        if args.format == "text":
            print("sandbox stopped" if stopped else "sandbox was not running")
            return 0
    status = sandbox.status()
    if args.format == "json":
        print_json(status)
    else:
        for key, value in status.items():
            print(f"{key:12} {value}")
    return 0
