"""``dbarch memory``: read and record the workspace's decisions, plans, notes and migrations.

Subcommands: ``show [soul|state|memory|summary]``, ``log``, ``check`` (drift and saved
requirement tests), ``decide``, ``plan add|set``, ``note``, ``schema FILE.sql``, ``migrate NAME
FILE.sql`` (refused when a saved requirement test fails with it), ``tests NAME FILE.yaml``,
``volumes [SPEC]`` (the rows the saved tests run at). Every one takes
``--workspace DIR`` (default: the current directory); the reading ones take ``--format text|json``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from dbarch.agent.cli.common import add_sandbox_args, make_sandbox, print_json

if TYPE_CHECKING:
    from dbarch.memory import Workspace
    from dbarch.memory.guard import TestGuard
    from dbarch.tools.reqtest import TestReport

SHOWN = ("soul", "state", "memory")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "memory",
        help="the workspace: decisions, plans, notes, migrations",
        description="Read and record what the architect keeps in the workspace: 00_soul.md "
        "(schema, ER diagram, decisions), 01_state.md (plans), 02_memory.md (strategies, "
        "conventions, lessons) and migrations/NNN_slug.sql. See docs/memory.md.",
    )
    sub = p.add_subparsers(dest="memory_command", metavar="SUBCOMMAND", required=True)

    show = _sub(sub, "show", "print a workspace file, or the compact summary the agent reads")
    show.add_argument("what", nargs="?", default="soul", choices=[*SHOWN, "summary"])
    show.add_argument("--budget", type=int, default=1500, help="token budget of the summary")
    _format(show)

    log = _sub(sub, "log", "print the journal of writes, newest last")
    log.add_argument("--limit", type=int, default=50, metavar="N", help="last N entries (0: all)")
    _format(log)

    check = _sub(sub, "check", "replay migrations/ in the sandbox, compare with 00_soul.md and "
                 "re-run the requirement tests saved in tests/")
    _data_args(check)
    add_sandbox_args(check)
    _format(check)

    decide = _sub(sub, "decide", "append a decision record to 00_soul.md")
    decide.add_argument("--decision", required=True, help="what was decided")
    decide.add_argument("--why", required=True, help="the reasons")
    decide.add_argument("--alternatives", default="", help="alternatives considered")
    decide.add_argument("--consequences", default="", help="what follows from it")
    decide.add_argument("--title", default=None, help="short title (default: first sentence)")
    _format(decide)

    plan = _sub(sub, "plan", "add a planned change to 01_state.md, or change its status")
    plan.add_argument("action", choices=("add", "set"))
    plan.add_argument(
        "target", metavar="TITLE|ID", help="the new plan's title, or the id to change"
    )
    plan.add_argument("--status", default=None, help="planned, in progress, applied or abandoned")
    plan.add_argument("--description", default="", help="what and how (add only)")
    plan.add_argument(
        "--migration", action="append", default=[], metavar="FILE", help="a migration carrying it"
    )
    _format(plan)

    note = _sub(sub, "note", "append a strategy, convention or lesson to 02_memory.md")
    note.add_argument("category", choices=("strategy", "convention", "lesson"))
    note.add_argument("text")
    note.add_argument("--title", default=None)
    _format(note)

    schema = _sub(sub, "schema", "set the current schema (and ER diagram) of 00_soul.md from SQL")
    schema.add_argument(
        "file", metavar="FILE.sql", nargs="?", help="the whole schema, or - for standard input"
    )
    schema.add_argument(
        "--from-migrations", action="store_true",
        help="replay migrations/ in the sandbox and write the schema they produce",
    )
    add_sandbox_args(schema)
    schema.add_argument("--summary", default="schema updated", help="journal line for the change")

    migrate = _sub(
        sub, "migrate", "check a migration in the sandbox (parse, lint, apply after the earlier "
        "migrations, then every requirement test saved in tests/ must still pass), then write it as "
        "migrations/NNN_NAME.sql; exit 1 and nothing written when a saved test fails"
    )
    migrate.add_argument("name", help="what it does, made into the slug: add_orders")
    migrate.add_argument(
        "file", metavar="FILE.sql", help="the migration's SQL, or - for standard input"
    )
    migrate.add_argument(
        "--number", type=int, default=None, help="explicit number (default: the next free one)"
    )
    migrate.add_argument(
        "--allow-failing-tests", action="store_true",
        help="write it even though saved requirement tests fail with it: a deliberate change of a "
        "rule, recorded in 01_state.md with the failing tests (needs --reason)",
    )
    migrate.add_argument("--reason", default="", metavar="TEXT",
                         help="why the rule changes (with --allow-failing-tests)")
    _data_args(migrate)
    add_sandbox_args(migrate)
    _format(migrate)

    tests = _sub(sub, "tests", "check requirement tests against the migrations, then save them as "
                 "tests/NNN_NAME.yaml (re-run by memory check)")
    tests.add_argument("name", help="what they prove, made into the slug: one_open_loan")
    tests.add_argument("file", metavar="FILE.yaml", help="the tests (YAML or JSON)")
    tests.add_argument("--no-verify", action="store_true",
                       help="save without running them against the migrations first")
    _data_args(tests)
    add_sandbox_args(tests)
    _format(tests)

    volumes = _sub(sub, "volumes", "state the rows per table the saved requirement tests run at "
                   "(tests/volumes.yaml), or print them")
    volumes.add_argument("spec", nargs="?", metavar="SPEC",
                         help="table=rows pairs: loans=5k,copies=2k (default=N for tables not named); "
                         "leave out to print the stated volumes")
    _format(volumes)


def _sub(sub: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument(
        "--workspace", default=".", metavar="DIR", help="workspace folder (default: .)"
    )
    parser.set_defaults(func=run)
    return parser


def _data_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--data", dest="data", action="store_true", default=None,
        help="load synthetic data before the requirement tests run, at the volumes of "
        "tests/volumes.yaml (10,000 rows per table when it states none). Default: data when "
        "tests/volumes.yaml exists, empty tables otherwise (the output says which)",
    )
    group.add_argument("--no-data", dest="data", action="store_false",
                       help="run the requirement tests on empty tables, even when volumes are stated")
    group.add_argument("--rows", metavar="SPEC", default=None,
                       help="load synthetic data at these volumes instead: table=rows pairs "
                       "(loans=5k,copies=2k) or a YAML/JSON volume file")


def _data_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    from dbarch.tools.datagen import resolve_volumes

    return {"data": args.data, "volumes": resolve_volumes(args.rows) if args.rows else None}


def _format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _notice(message: str) -> None:
    print(f"dbarch: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from dbarch.memory import Workspace

    ws = Workspace(args.workspace, notice=_notice)
    handler = {
        "show": _show,
        "log": _log,
        "check": _check,
        "decide": _decide,
        "plan": _plan,
        "note": _note,
        "schema": _schema,
        "migrate": _migrate,
        "tests": _tests,
        "volumes": _volumes,
    }[args.memory_command]
    return handler(ws, args)


def _show(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory.summary import summarize
    from dbarch.memory.views import FILES, read_view

    if args.what == "summary":
        text = summarize(ws, budget=args.budget)
        print_json({"summary": text}) if args.format == "json" else print(text)
        return 0
    if args.format == "json":
        print_json(read_view(ws, args.what))
        return 0
    content = ws.read(FILES[args.what])
    if content is None:
        print(f"dbarch: no {FILES[args.what]} in {ws.root} yet", file=sys.stderr)
        return 1
    sys.stdout.write(content if content.endswith("\n") else content + "\n")
    return 0


def _log(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory.journal import JournalEntry

    entries = ws.journal()
    if args.limit:
        entries = entries[-args.limit :]
    if args.format == "json":
        print_json(entries, list[JournalEntry])
    else:
        for e in entries:
            print(f"{e.time[:19].replace('T', ' ')}Z  {e.file:<32} {e.summary}")
        if not entries:
            print(f"dbarch: no writes journalled in {ws.root}", file=sys.stderr)
    return 0


def _check(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory.drift import check_drift
    from dbarch.memory.reqtests import check_saved_tests

    data = _data_kwargs(args)
    with make_sandbox(args) as sandbox:
        report = check_drift(ws, sandbox)
        tests = check_saved_tests(ws, sandbox, **data)
    if args.format == "json":
        from dbarch.tools.jsonform import to_jsonable

        data = to_jsonable(report)
        data["requirement_tests"] = to_jsonable(tests) if tests is not None else None
        print_json(data)
    else:
        if report.ok:
            print(f"no drift: {len(report.migrations)} migrations replay to the schema in 00_soul.md")
        else:
            n = len(report.differences)
            print(f"drift: {n} difference{'' if n == 1 else 's'} between migrations/ and 00_soul.md")
            for line in report.differences:
                print(f"  {line}")
        if tests is not None:
            _print_saved_tests(tests)
        else:
            print("requirement tests: none saved in tests/, so no rule of the design was checked "
                  "(save them with `dbarch memory tests NAME FILE.yaml`)")
    return 0 if report.ok and (tests is None or tests.passed) else 1


def _print_saved_tests(report: TestReport) -> None:
    from dbarch.tools.render.reqtest import render_failures

    if report.schema_error is not None:
        print(f"requirement tests: not run, {report.schema_error.one_line()}")
    elif report.passed:
        print(f"requirement tests: {report.total} saved tests pass against the replayed migrations")
    else:
        print(f"requirement tests: {report.failed} of {report.total} fail against the replayed migrations")
        for line in render_failures(report):
            print(line)
    for note in report.notes:
        print(f"  note: {note}")


def _tests(ws: Workspace, args: argparse.Namespace) -> int:
    import contextlib

    from dbarch.memory.reqtests import requirement_tests_verifier, save_requirement_tests
    from dbarch.tools.reqtest import load_requirement_tests_file

    load_requirement_tests_file(args.file)  # unreadable or malformed: the user's file and line
    with open(args.file, encoding="utf-8-sig") as fh:
        text = fh.read()
    with contextlib.ExitStack() as stack:
        verify = None
        if not args.no_verify:
            verify = requirement_tests_verifier(ws, stack.enter_context(make_sandbox(args)), **_data_kwargs(args))
        saved = save_requirement_tests(ws, args.name, text, verify=verify)
    checked = "" if args.no_verify else ", passing against the migrations"
    print_json(saved) if args.format == "json" else print(
        f"wrote {saved.file} ({saved.tests} tests{checked})"
    )
    return 0


def _decide(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory import record_decision

    d = record_decision(
        ws,
        decision=args.decision,
        why=args.why,
        alternatives=args.alternatives,
        consequences=args.consequences,
        title=args.title,
    )
    print_json(d) if args.format == "json" else print(f"recorded {d.id}: {d.title}")
    return 0


def _plan(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory import add_plan, update_plan

    if args.action == "add":
        p = add_plan(
            ws,
            args.target,
            description=args.description,
            status=args.status or "planned",
            migrations=args.migration,
        )
        message = f"added {p.id} ({p.status}): {p.title}"
    else:
        p = update_plan(ws, args.target, status=args.status, add_migrations=args.migration)
        message = f"{p.id} is {p.status}" + (
            f" ({', '.join(p.migrations)})" if p.migrations else ""
        )
    print_json(p) if args.format == "json" else print(message)
    return 0


def _note(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory import add_note

    n = add_note(ws, args.category, args.text, title=args.title)
    print_json(n) if args.format == "json" else print(
        f"recorded {n.category} {n.id}: {n.title}"
    )
    return 0


def _schema(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory import set_schema
    from dbarch.tools.errors import UsageError
    from dbarch.tools.sql.source import read_sql

    if args.from_migrations == (args.file is not None):
        raise UsageError("give either FILE.sql or --from-migrations", hint="dbarch memory schema --help")
    if args.from_migrations:
        from dbarch.memory.drift import schema_from_migrations

        with make_sandbox(args) as sandbox:
            result = schema_from_migrations(ws, sandbox)
    else:
        source = read_sql(args.file)
        result = set_schema(ws, source.text, summary=args.summary, source_name=source.name)
    print(
        "00_soul.md schema and ER diagram updated"
        if result.changed
        else "00_soul.md schema unchanged"
    )
    return 0


def _migrate(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory.guard import RequirementTestsFailed
    from dbarch.memory.migrate import write_checked_migration
    from dbarch.tools.errors import UsageError
    from dbarch.tools.sql.source import read_sql

    if args.reason and not args.allow_failing_tests:
        raise UsageError("--reason goes with --allow-failing-tests", hint="dbarch memory migrate --help")
    source = read_sql(args.file)
    data = _data_kwargs(args)
    try:
        with make_sandbox(args) as sandbox:
            done = write_checked_migration(
                ws, args.name, source.text, sandbox=sandbox, number=args.number,
                allow_failing_tests=args.allow_failing_tests, reason=args.reason, **data,
            )
    except RequirementTestsFailed as refused:
        if refused.guard is None:
            raise
        _print_refusal(refused.guard, refused.hint or "", args.format)
        return 1
    guard = done.tests
    if args.format == "json":
        from dbarch.tools.jsonform import to_jsonable

        print_json({**to_jsonable(done.migration), "written": True, "requirement_tests": to_jsonable(guard),
                    "rule_change": to_jsonable(done.rule_change) if done.rule_change else None})
    else:
        print(f"wrote {done.migration.file} (checked in the sandbox)")
        if guard.guarded:
            print(f"requirement tests: {guard.headline()}")
        if done.rule_change is not None:
            from dbarch.tools.render.reqtest import render_failures

            assert guard.report is not None
            for line in render_failures(guard.report, notes=_before_notes(guard)):
                print(line)
            print(f"recorded the rule change as {done.rule_change.id} in 01_state.md; update or remove "
                  "these tests (`dbarch memory check` fails until then)")
    if not guard.guarded:
        from dbarch.memory.guard import NO_TESTS, NO_TESTS_HINT

        print(f"dbarch: warning: {NO_TESTS} (hint: {NO_TESTS_HINT})", file=sys.stderr)
    return 0


def _before_notes(guard: TestGuard) -> dict[str, str]:
    return {name: "failing already before this migration (`dbarch memory check` shows it)"
            for name in guard.failing_before}


def _print_refusal(guard: TestGuard, hint: str, fmt: str) -> None:
    from dbarch.tools.render.reqtest import render_failures

    if fmt == "json":
        from dbarch.tools.jsonform import to_jsonable

        print_json({"file": guard.migration, "written": False, "requirement_tests": to_jsonable(guard),
                    "hint": hint})
        return
    lines = [f"dbarch: {guard.migration} was not written: {guard.headline()}"]
    assert guard.report is not None
    lines += render_failures(guard.report, notes=_before_notes(guard))
    lines += [f"  note: {note}" for note in guard.report.notes[1:]]
    lines.append(f"hint: {hint}")
    print("\n".join(lines), file=sys.stderr)


def _volumes(ws: Workspace, args: argparse.Namespace) -> int:
    from dbarch.memory.paths import VOLUMES_FILE
    from dbarch.memory.volumes import read_test_volumes, save_test_volumes

    if args.spec is not None:
        data = save_test_volumes(ws, args.spec)
        print_json(data) if args.format == "json" else print(
            f"wrote {VOLUMES_FILE}: the saved requirement tests now run {data.describe()}")
        return 0
    stated = read_test_volumes(ws)
    if args.format == "json":
        print_json({"file": VOLUMES_FILE, "rows": dict(stated.rows) if stated else None,
                    "default": stated.default if stated else None})
    elif stated is None:
        print(f"no volumes stated ({VOLUMES_FILE} does not exist): the saved requirement tests run "
              "on empty tables unless --data or --rows is given")
    else:
        for table, rows in stated.rows.items():
            print(f"{table}: {rows:,}")
        print(f"default: {stated.default:,}" + ("" if stated.explicit_default else " (not stated)"))
    return 0
