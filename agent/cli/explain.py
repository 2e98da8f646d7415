"""``dbarch explain``: load the schema with synthetic data, then EXPLAIN each query."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from dbarch.agent.cli.common import (
    add_apply_args,
    add_sandbox_args,
    make_sandbox,
    print_json,
    psql_vars,
)

if TYPE_CHECKING:
    from dbarch.tools.datagen import Volumes
    from dbarch.tools.sql.source import SqlSource


def add_workload_args(p: argparse.ArgumentParser, *, single: bool) -> None:
    """Options shared by ``explain`` and ``advise``."""
    p.add_argument("--schema", action="append", metavar="FILE",
                   help="schema SQL (repeat for several files, applied in order); required unless --dsn")
    p.add_argument("--dsn", metavar="DSN",
                   help="explain on a database of yours instead, READ-ONLY: its own schema and data, every "
                   "statement checked and run in a rolled-back read-only transaction (see docs/SECURITY.md; "
                   "use a read-only role)")
    if single:
        p.add_argument("query", nargs="?", help="the query to explain (or use --queries)")
        p.add_argument("--queries", metavar="FILE", help="a file of queries separated by semicolons")
    else:
        p.add_argument("--queries", metavar="FILE", required=True, help="the workload: queries separated by ;")
    p.add_argument("--rows", metavar="SPEC",
                   help="rows per table: orders=1000000,customers=50k (*=N sets the default), "
                   "or a YAML/JSON file of table: rows (default: 10,000 per table, with a notice)")
    p.add_argument("--analyze", action="store_true",
                   help="also execute each query (EXPLAIN ANALYZE in a rolled-back transaction of the "
                   "throwaway database) to measure its time; parameters get values sampled from the data")
    p.add_argument("--no-shape", dest="shape", action="store_false",
                   help="keep the synthetic data as generated, even where the queries' literals and "
                   "ranges match no row (by default they are made to occur with a plausible selectivity)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--allow-empty", action="store_true",
                   help="exit 0 even when a table ends up empty or short of its volume (listed first)")
    add_sandbox_args(p)
    add_apply_args(p)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "explain",
        help="EXPLAIN queries on the schema loaded with synthetic data at stated volumes",
        description="Apply the schema in a throwaway sandbox database, fill it with synthetic rows "
        "(--rows), ANALYZE, then EXPLAIN each query and summarise the plan: costly nodes, sequential "
        "scans of large tables with a selective filter, misestimates, spills, nested loops over large "
        "inners. Parameters ($1, ?, :name) get a generic plan, or sampled values with --analyze. "
        "Exit 0 when every query was explained, 1 when some failed, 2 on usage errors.",
    )
    add_workload_args(p, single=True)
    p.set_defaults(func=run)


def workload_args(args: argparse.Namespace) -> tuple[list[SqlSource], SqlSource, Volumes]:
    """The schema sources, the queries' text and the volumes the options name."""
    from dbarch.tools.datagen import resolve_volumes
    from dbarch.tools.errors import UsageError
    from dbarch.tools.sql.source import decode_sql, read_sql

    if not args.schema:
        raise UsageError("--schema FILE is required", hint="or --dsn for a database of yours (read-only)")
    query = getattr(args, "query", None)
    if query and args.queries:
        raise UsageError("give either a QUERY argument or --queries FILE, not both")
    if query:
        queries = decode_sql(query.encode(), "<query>")
    elif args.queries:
        queries = read_sql(args.queries)
    else:
        raise UsageError("nothing to explain", hint="pass a query in quotes, or --queries FILE")
    volumes = resolve_volumes(args.rows)
    return [read_sql(path) for path in args.schema], queries, volumes


def run(args: argparse.Namespace) -> int:
    from dbarch.tools.perf.workload import explain_workload
    from dbarch.tools.render.perf import render_explanation, render_shortfalls

    if args.dsn:
        from dbarch.agent.cli.readonly import run_explain

        return run_explain(args)

    schema, queries, volumes = workload_args(args)
    with make_sandbox(args) as sandbox:
        run = explain_workload(schema, queries, volumes, sandbox=sandbox, analyze=args.analyze,
                               shape=args.shape, variables=psql_vars(args), keep_going=args.keep_going)
    if args.format == "json":
        print_json(run)
    else:
        sys.stdout.write(render_shortfalls(run.data, allowed=args.allow_empty))
        for note in run.data.notices:
            print(f"note: {note}", file=sys.stderr)
        sys.stdout.write(render_explanation(run))
    short = not run.data.complete and not args.allow_empty
    return 0 if run.ok and not short else 1
