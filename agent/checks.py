"""One verification of SQL text: parse, lint and apply in the sandbox, as a JSON-ready record.

Both the model's ``apply_sql`` tool and the graph's own verify step call :func:`verify_sql`, so
"verified by a tool call this turn" and "verified by the graph" mean the same checks. The SQL
is applied on top of ``base_sql`` (the workspace's current schema) when given; lint findings
and errors of the base are not the answer's and are reported apart.
"""

from __future__ import annotations

import re
from typing import Any

from dbarch.tools.sql.source import SqlSource

ANSWER_SOURCE = "answer.sql"
BASE_SOURCE = "00_soul.md#current-schema"
MAX_FINDINGS = 12


def normalize_statement(text: str) -> str:
    """A statement compared across the turn: comments dropped, whitespace collapsed (and removed
    around punctuation), trailing ';' dropped."""
    text = re.sub(r"--[^\n]*", " ", text)
    text = re.sub(r"\s*([(),;=])\s*", r"\1", " ".join(text.split()))
    return text.rstrip(";").strip()


def statements_of(sql: str, dialect: str = "postgres") -> list[str]:
    """The normalized SQL statements of ``sql`` (comments and blank statements dropped)."""
    from dbarch.tools.sql.statements import StatementKind, split_statements

    out = []
    for st in split_statements(sql, dialect):
        if st.kind == StatementKind.SQL:
            norm = normalize_statement(st.text)
            if norm:
                out.append(norm)
    return out


def verify_sql(
    sql: str,
    *,
    sandbox: Any,
    dialect: str = "postgres",
    base_sql: str = "",
    apply: bool = True,
    source: str = ANSWER_SOURCE,
) -> dict[str, Any]:
    """Check ``sql``; return ``{parsed, applied, apply_attempted, errors, lint, findings, ...}``."""
    from dbarch.tools.check import check_sources

    sources = [SqlSource(BASE_SOURCE, base_sql)] if base_sql.strip() else []
    sources.append(SqlSource(source, sql))
    result = check_sources(sources, dialect=dialect, sandbox=sandbox if apply else None, apply=apply)
    mine = [d for d in result.lint if getattr(d, "file", None) in (source, None)]
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in mine:
        counts[str(d.severity)] = counts.get(str(d.severity), 0) + 1
    mine.sort(key=lambda d: (-int(d.severity), d.line))
    errors = [e for e in result.errors if e.file in (source, None)]
    base_errors = [e for e in result.errors if e.file == BASE_SOURCE]
    parsed = not any(e.kind == "parse" for e in errors)
    tables = [t for t in result.tables]
    return {
        "parsed": parsed,
        "applied": bool(result.applied),
        "apply_attempted": bool(result.apply_attempted),
        "dialect": result.dialect,
        "statements": statements_of(sql, dialect),
        "tables": tables,
        "errors": [e.one_line() for e in errors],
        "base_errors": [e.one_line() for e in base_errors],
        "lint": counts,
        "findings": [
            f"{d.rule} ({d.severity}) line {d.line}: {d.message}" for d in mine[:MAX_FINDINGS]
        ],
        "notes": [str(n) for n in result.notes if getattr(n, "file", None) in (source, None)][:5],
        "on_base": bool(base_sql.strip()),
    }


def check_ok(record: dict[str, Any]) -> bool:
    """Parsed, applied, no error and no lint finding of severity error."""
    return bool(
        record["parsed"] and record["applied"] and not record["errors"] and not record["lint"]["error"]
    )


def render_check(record: dict[str, Any]) -> str:
    """The record as the few lines a model (or a person) reads."""
    lint = record["lint"]
    lines = [
        f"parsed: {'yes' if record['parsed'] else 'NO'}; "
        f"applied in sandbox: {_applied(record)}; "
        f"lint: {lint['error']} error, {lint['warning']} warning, {lint['info']} info",
    ]
    if record["tables"]:
        lines.append("tables: " + ", ".join(record["tables"][:30]))
    lines += [f"error: {e}" for e in record["errors"]]
    lines += [f"error in the workspace schema it was applied on: {e}" for e in record["base_errors"]]
    lines += [f"lint: {f}" for f in record["findings"]]
    lines += [f"note: {n}" for n in record["notes"]]
    return "\n".join(lines)


def _applied(record: dict[str, Any]) -> str:
    if record["applied"]:
        return "yes" + (" (on top of the workspace schema)" if record.get("on_base") else "")
    return "NO" if record["apply_attempted"] else "not attempted"
