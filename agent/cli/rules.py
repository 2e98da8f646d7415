"""``dbarch rules``: list every lint rule, or print one rule's documentation."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbarch.tools.lint.base import Rule


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "rules",
        help="list the lint rules, or show one rule's documentation",
        description="Without ID, list every lint rule (id, severity, family, fixable, message). "
        "With ID, print the rule's documentation (what it does, why, example, fix).",
    )
    p.add_argument("id", nargs="?", metavar="ID", help="a rule id, e.g. prefer-timestamptz")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from dbarch.tools.errors import UsageError
    from dbarch.tools.lint.docs import render_rule, rule_doc
    from dbarch.tools.lint.registry import BY_ID, RULES

    if args.id is not None:
        rule = BY_ID.get(args.id)
        if rule is None:
            close = [r for r in BY_ID if args.id in r]
            hint = f"did you mean {', '.join(close[:3])}?" if close else "`dbarch rules` lists them"
            raise UsageError(f"unknown rule {args.id!r}", hint=hint)
        if args.format == "json":
            doc = rule_doc(rule)
            data = {**_entry(rule), "sections": doc.sections, "options": dict(rule.defaults)}
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
        else:
            sys.stdout.write(render_rule(rule))
        return 0
    if args.format == "json":
        sys.stdout.write(json.dumps([_entry(r) for r in RULES], indent=2) + "\n")
        return 0
    width = max(len(r.id) for r in RULES)
    for r in RULES:
        fix = "fix" if r.fixable else "   "
        sys.stdout.write(f"{r.id:<{width}}  {r.severity!s:<7}  {r.family:<13}  {fix}  {r.message}\n")
    sys.stdout.write(f"\n{len(RULES)} rules. `dbarch rules ID` shows one rule's documentation.\n")
    return 0


def _entry(rule: type[Rule]) -> dict[str, object]:
    return {
        "id": rule.id,
        "severity": str(rule.severity),
        "family": rule.family,
        "fixable": rule.fixable,
        "message": rule.message,
        "hint": rule.hint,
        "docs": f"docs/rules/{rule.id}.md",
    }
