"""``dbarch chat``: the terminal REPL.

The conversational REPL arrives with the interfaces issue. Until then this command says so and
shows the verification core on an example schema (what ``dbarch check`` does), so that
``make chat`` already demonstrates what every answer will go through.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dbarch.agent.cli.common import make_sandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "ecommerce.sql"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("chat", help="talk to the architect in a terminal REPL")
    p.add_argument("--sandbox-dsn", metavar="DSN", help="a PostgreSQL server of yours for the sandbox")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.agent.cli.check import print_text
    from dbarch.tools.check import check_sources
    from dbarch.tools.sql.source import read_sql

    print("The chat REPL is not built yet (it comes with the interfaces issue).")
    print(f"Meanwhile, this is what every proposed schema goes through: dbarch check {EXAMPLE.name}\n")
    source = read_sql(str(EXAMPLE))
    with make_sandbox(args) as sandbox:
        result = check_sources([source], sandbox=sandbox)
    print_text(result, {source.name: source.text})
    return 0 if result.passed else 1
