"""``dbarch advise``: find the indexes a workload needs, each tried for real in the sandbox."""

from __future__ import annotations

import argparse
import sys

from dbarch.agent.cli.common import make_sandbox, print_json, psql_vars
from dbarch.agent.cli.explain import add_workload_args, workload_args


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "advise",
        help="recommend indexes for a workload, each built and measured in the sandbox",
        description="Apply the schema in a throwaway sandbox database with synthetic data (--rows), "
        "derive index candidates from the queries, build each inside a rolled-back transaction and "
        "re-plan the workload, then pick greedily by benefit per megabyte within --budget-mb. Prints "
        "CREATE INDEX CONCURRENTLY statements with sizes, per-query cost before and after, and existing "
        "indexes the workload never uses or that are redundant. Exit 0 when no index is recommended, "
        "1 when some are (or some queries failed), 2 on usage errors.",
    )
    add_workload_args(p, single=False)
    p.add_argument("--budget-mb", type=float, default=1024.0, metavar="N",
                   help="total size allowed for new indexes (default 1024)")
    p.add_argument("--fixed", action="append", default=[], metavar="TABLE.COLUMN",
                   help="a column whose constants in the queries are fixed values, not parameters, so a "
                   "partial index may be tied to them (repeatable; columns with at most 20 distinct values "
                   "and IS NULL tests are fixed already)")
    p.add_argument("--runs", type=int, default=3, metavar="N",
                   help="with --analyze: executions per query, the median is kept (default 3)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.tools.errors import UsageError
    from dbarch.tools.perf.workload import advise_workload
    from dbarch.tools.render.perf import render_advice, render_shortfalls

    if args.budget_mb <= 0:
        raise UsageError("--budget-mb must be positive")
    if args.dsn:
        from dbarch.agent.cli.readonly import run_advise

        return run_advise(args)
    schema, queries, volumes = workload_args(args)
    with make_sandbox(args) as sandbox:
        result = advise_workload(schema, queries, volumes, sandbox=sandbox, budget_mb=args.budget_mb,
                                 analyze=args.analyze, fixed=args.fixed, runs=args.runs, shape=args.shape,
                                 variables=psql_vars(args), keep_going=args.keep_going)
    if args.format == "json":
        print_json(result)
    else:
        sys.stdout.write(render_shortfalls(result.data, allowed=args.allow_empty))
        for note in [*result.data.notices, *result.advice.notices]:
            print(f"note: {note}", file=sys.stderr)
        sys.stdout.write(render_advice(result, runs=args.runs))
    failed = any(not q.before.ok for q in result.advice.queries)
    short = not result.data.complete and not args.allow_empty
    return 1 if result.advice.recommendations or failed or short else 0
