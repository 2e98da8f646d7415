"""``dbarch ask``: one request to the architect, for scripts and pipelines.

Exit status: 0 answered, 3 refused (out of the architect's scope), 1 on error (no model
configured, the endpoint failing...), 2 on usage errors. ``--json`` prints the ``DesignResult``;
``--stream`` prints one JSON object per event as it happens, the last one ``{"event": "final"}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_ANSWERED, EXIT_ERROR, EXIT_REFUSED = 0, 1, 3


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "ask",
        help="ask the architect once (JSON for pipelines)",
        description="Send one request to the architect and print its answer; with --json the "
        "whole DesignResult (answer, DDL, verification, refusal, usage). The request is the "
        "argument, or standard input when it is missing or '-'. Exit 0 when answered, 3 when "
        "refused, 1 on error.",
    )
    p.add_argument("request", nargs="?", default="-", help="the request (default: standard input)")
    p.add_argument("--json", action="store_true", help="print the DesignResult as JSON")
    p.add_argument("--stream", action="store_true",
                   help="print each event (tokens, tool calls, the result) as a JSON line")
    p.add_argument("--workspace", metavar="DIR", help="workspace folder (default: config, else .)")
    p.add_argument("--thread", metavar="ID", help="continue this conversation thread")
    p.add_argument("--model", metavar="NAME", help="model name (default: $DBARCH_MODEL or config)")
    p.add_argument("--sandbox-dsn", metavar="DSN", help="a PostgreSQL server of yours for the sandbox")
    p.add_argument("--dsn", metavar="DSN", help="a database of yours the architect may read, read-only "
                   "(schema, EXPLAIN, hypothetical indexes; never written; default: $DBARCH_DATABASE_DSN)")
    p.set_defaults(func=run)


def read_request(arg: str) -> str:
    from dbarch.tools.errors import UsageError

    text = sys.stdin.read() if arg == "-" else arg
    if not text.strip():
        raise UsageError("empty request", hint='dbarch ask "design a schema for ..." (or pipe it in)')
    return text


def run(args: argparse.Namespace) -> int:
    import os

    from dbarch.agent.userconfig import load_user_config, make_context
    from dbarch.tools.errors import DbarchError
    from dbarch.tools.sandbox.settings import user_home

    request = read_request(args.request)
    try:
        config = load_user_config(user_home(), os.environ)
        context = make_context(config, model=args.model, workspace=args.workspace,
                               sandbox_dsn=args.sandbox_dsn, database_dsn=args.dsn)
        context.model_name()  # no model configured: one clear line before anything heavy loads
        if context.database_dsn:  # an unreachable database: said now, not by the model later
            from dbarch.tools.sandbox.readonly import ReadOnlyDatabase

            with ReadOnlyDatabase(context.database_dsn):
                pass
        from dbarch.agent.session import Architect

        with Architect(context) as architect:
            if args.stream:
                result = _stream(architect, request, args.thread)
            else:
                result = architect.ask(request, thread_id=args.thread)
                _print(result, as_json=args.json)
    except DbarchError as exc:
        print(f"dbarch: {exc.one_line()}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_REFUSED if result.refused else EXIT_ANSWERED


def event_json(event: Any) -> dict[str, Any]:
    """One stream event as a JSON object: ``{"event": "token" | "tool_start" | ..., ...}``."""
    import dataclasses
    import re

    kind = re.sub(r"(?<!^)(?=[A-Z])", "_", type(event).__name__.removesuffix("Event")).lower()
    if kind == "final":
        return {"event": "final", "result": event.result.model_dump(mode="json")}
    return {"event": kind, **dataclasses.asdict(event)}


def _stream(architect: Any, request: str, thread: str | None) -> Any:
    result = None
    for event in architect.stream(request, thread_id=thread):
        sys.stdout.write(json.dumps(event_json(event), ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()
        if type(event).__name__ == "FinalEvent":
            result = event.result
    if result is None:
        from dbarch.tools.errors import ModelError

        raise ModelError("the architect ended without a result")
    return result


def _print(result: Any, *, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    sys.stdout.write(result.answer.rstrip("\n") + "\n")
    if result.refused and result.refusal_reason:
        print(f"refused: {result.refusal_reason}", file=sys.stderr)
