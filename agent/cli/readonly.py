"""``dbarch explain --dsn`` / ``dbarch advise --dsn``: read-only mode on a database of the user's."""

from __future__ import annotations

import argparse

from dbarch.agent.cli.common import print_json


def _queries(args: argparse.Namespace) -> object:
    from dbarch.tools.errors import UsageError
    from dbarch.tools.sql.source import decode_sql, read_sql

    if args.schema:
        raise UsageError("--schema and --dsn do not go together",
                         hint="with --dsn the database's own schema and data are used")
    if args.rows:
        raise UsageError("--rows does not apply with --dsn", hint="the database's own data is used")
    query = getattr(args, "query", None)
    if query and args.queries:
        raise UsageError("give either a QUERY argument or --queries FILE, not both")
    if query:
        return decode_sql(query.encode(), "<query>")
    if args.queries:
        return read_sql(args.queries)
    raise UsageError("nothing to explain", hint="pass a query in quotes, or --queries FILE")


def run_explain(args: argparse.Namespace) -> int:
    from dbarch.tools.render.perf import render_query
    from dbarch.tools.sandbox.readonly import ReadOnlyExplanation, explain_readonly, redact

    reports = explain_readonly(args.dsn, _queries(args), analyze=args.analyze)
    if args.format == "json":
        print_json(ReadOnlyExplanation(redact(args.dsn), reports, args.analyze))
    else:
        print(f"database: {redact(args.dsn)} (read-only{', SELECTs executed' if args.analyze else ''})")
        for r in reports:
            print(render_query(r))
    return 0 if all(r.ok for r in reports) else 1


def run_advise(args: argparse.Namespace) -> int:
    from dbarch.tools.sandbox.readonly import advise_readonly

    advice = advise_readonly(args.dsn, _queries(args), budget_mb=args.budget_mb)
    if args.format == "json":
        print_json(advice)
    else:
        print(advice.render())
    return 1 if advice.recommendations or not advice.ok else 0
