"""``dbarch mcp``: the architect's tools as an MCP server over stdio (see ``docs/interfaces.md``)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "mcp",
        help="serve the tools over MCP (stdio) for other agents and editors",
        description="An MCP server over standard input/output: check_schema, lint_sql, "
        "explain_query, advise_indexes, erd, read_workspace, record_decision, write_migration and "
        "ask_architect (the last needs a configured model). Register it in an MCP client as the "
        "command `dbarch mcp --workspace DIR`.",
    )
    p.add_argument("--workspace", default=".", metavar="DIR", help="workspace folder (default: .)")
    p.add_argument("--sandbox-dsn", metavar="DSN", help="a PostgreSQL server of yours for the sandbox")
    p.add_argument("--dsn", metavar="DSN", help="a database of yours to read, read-only: adds inspect_database, "
                   "explain_on_database and advise_on_database (never written; default: $DBARCH_DATABASE_DSN)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dbarch.agent.mcp.lean import bind_lazily

    bind_lazily()  # the stdio server loads without the SDK's client and HTTP stacks
    from dbarch.agent.mcp.server import serve

    return serve(workspace=Path(args.workspace).expanduser().absolute(), sandbox_dsn=args.sandbox_dsn,
                 database_dsn=args.dsn)
