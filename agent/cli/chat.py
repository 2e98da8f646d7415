"""``dbarch chat``: the terminal REPL.

The conversational REPL arrives with the interfaces issue. Until then this command says so and
shows the verification core on an example schema (``dbarch check``), so that ``make chat``
already demonstrates what every answer will go through.
"""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "ecommerce.sql"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("chat", help="talk to the architect in a terminal REPL")
    p.add_argument("--sandbox-dsn", metavar="DSN", help="a PostgreSQL server of yours for the sandbox")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.agent.cli import check as check_cmd

    print("The chat REPL is not built yet (it comes with the interfaces issue).")
    print(f"Meanwhile, this is what every proposed schema goes through: dbarch check {EXAMPLE.name}\n")
    ns = argparse.Namespace(
        files=[str(EXAMPLE)], dialect="postgres", max_bytes=None, sandbox_dsn=args.sandbox_dsn,
        format="text", no_apply=False, no_lint=False, to=None,
    )
    return check_cmd.run(ns)
