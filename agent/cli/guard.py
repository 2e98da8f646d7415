"""``dbarch guard``: the architect's input guard alone, on one request."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "guard",
        help="classify a request as the architect's input guard does",
        description="Print the input guard's verdict on TEXT (in_scope, app_code, mixed or "
        "off_topic) and its reasons. Only the deterministic rules run: no model is called. "
        "Exit 0 for in_scope and mixed, 1 for app_code and off_topic (refused).",
    )
    p.add_argument("text", nargs="?", help="the request ('-' or nothing: standard input)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dbarch.agent.guards import classify_request
    from dbarch.tools.errors import UsageError

    text = args.text
    if text is None or text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("nothing to classify", hint='pass the request in quotes: dbarch guard "TEXT"')
    verdict = classify_request(text)
    if args.format == "json":
        print(json.dumps({"verdict": verdict.verdict, "reasons": list(verdict.reasons)}))
    else:
        print(verdict.verdict + (" (unsure)" if verdict.unsure else ""))
        for reason in verdict.reasons:
            print(f"  - {reason}")
    return 1 if verdict.verdict in ("app_code", "off_topic") else 0
