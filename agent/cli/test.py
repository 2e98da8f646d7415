"""``dbarch test``: run requirement tests against a schema in the sandbox."""

from __future__ import annotations

import argparse
import sys

from dbarch.agent.cli.common import add_sandbox_args, make_sandbox, print_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "test",
        help="prove a schema enforces its requirements (requirement tests in the sandbox)",
        description="Apply a schema in a throwaway sandbox database, optionally load synthetic "
        "data, then run each requirement test (named SQL steps expecting ok or an error "
        "SQLSTATE) in its own transaction, rolled back. Negative tests pass when the schema "
        "rejects what they try. Exit 0 when every test passes, 1 when one fails or the schema "
        "does not apply, 2 on usage errors. See docs/requirement-tests.md.",
    )
    p.add_argument("--schema", required=True, action="append", metavar="FILE",
                   help="the schema's SQL (repeat for several files, applied in order)")
    p.add_argument("--tests", required=True, metavar="FILE", help="the tests (YAML or JSON)")
    p.add_argument("--rows", metavar="SPEC",
                   help="load synthetic data first: table=rows pairs (orders=100k,customers=5k) "
                   "or a YAML/JSON volume file")
    p.add_argument("--timeout-ms", type=int, default=None, metavar="MS",
                   help="statement timeout of each step (default: the sandbox's, 15000)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_sandbox_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.tools.datagen import resolve_volumes
    from dbarch.tools.errors import UsageError
    from dbarch.tools.render.reqtest import render_report
    from dbarch.tools.reqtest import load_requirement_tests_file, run_requirement_tests
    from dbarch.tools.sql.source import read_sql

    if args.timeout_ms is not None and args.timeout_ms <= 0:
        raise UsageError(f"--timeout-ms must be positive, not {args.timeout_ms}")
    tests = load_requirement_tests_file(args.tests)
    sources = [read_sql(path) for path in args.schema]
    volumes = resolve_volumes(args.rows) if args.rows else None
    with make_sandbox(args) as sandbox:
        report = run_requirement_tests(sources, tests, sandbox=sandbox, volumes=volumes,
                                       statement_timeout_ms=args.timeout_ms)
    if args.format == "json":
        print_json(report)
    else:
        print(render_report(report, color=sys.stdout.isatty()))
    return 0 if report.passed else 1
