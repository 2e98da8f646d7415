"""Verify before answering: the SQL of a final answer is checked unless this turn's tool calls
already checked exactly it, and every answer with SQL ends with a verification summary.

:func:`verify_answer` returns the verification record (JSON, the shape of
:class:`~dbarch.agent.result.Verification`) and, when the SQL failed, the located errors to
send back to the model. :func:`render_summary` writes the summary the answer ends with.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dbarch.agent.answer import blocks, created_tables, ddl_text
from dbarch.agent.checks import check_ok, statements_of, verify_sql


def verify_answer(
    answer: str, turn: dict[str, Any], *, sandbox: Any, dialect: str, base_sql: str
) -> tuple[dict[str, Any], str]:
    """(verification record, the answer's DDL). ``record["ok"]`` says whether it passed.

    ``base_sql`` is the current design (this thread's last verified DDL, else the workspace
    schema): DDL that creates none of its tables is a change to it and is applied on top of it.
    """
    ddl = ddl_text(answer)
    plans = list(turn.get("plans", []))
    tests = list(turn.get("requirement_tests", []))
    not_checked = non_relational_notes(answer)
    if not ddl:
        return {"sql_found": False, "plans": plans, "database_plans": list(turn.get("database_plans", [])),
                "requirement_tests": tests, "not_checked": not_checked, "ok": all(t["passed"] for t in tests)}, ""
    wanted = statements_of(ddl, dialect)
    checked = [c for c in turn.get("checks", []) if check_ok(c)]
    seen = {s for c in checked for s in c["statements"]}
    if wanted and all(s in seen for s in wanted):
        lint = {"error": 0, "warning": 0, "info": 0}
        findings: list[str] = []
        for c in checked:
            if set(c["statements"]) & set(wanted):
                for k in lint:
                    lint[k] += c["lint"].get(k, 0)
                findings += c["findings"]
        record: dict[str, Any] = {"sql_found": True, "parsed": True, "applied": True, "errors": [], "lint": lint,
                  "lint_findings": findings[:12], "verified_by": "tools"}
    else:
        raw = verify_sql(ddl, sandbox=sandbox, dialect=dialect, base_sql=base_sql if on_base(ddl, base_sql) else "")
        record = {
            "sql_found": True, "parsed": raw["parsed"], "applied": raw["applied"] if raw["apply_attempted"] else None,
            "errors": raw["errors"] + [f"(workspace schema) {e}" for e in raw["base_errors"]],
            "lint": raw["lint"], "lint_findings": raw["findings"], "verified_by": "graph",
        }
        if dialect != "postgres":
            not_checked.append(f"{dialect} SQL was parsed and linted, not applied (the sandbox is PostgreSQL)")
    record["plans"] = plans
    record["database_plans"] = list(turn.get("database_plans", []))
    record["requirement_tests"] = tests
    record["not_checked"] = not_checked
    record["ok"] = bool(record["parsed"] and (record["applied"] or dialect != "postgres")
                        and not record["errors"] and not record["lint"]["error"]
                        and all(t["passed"] for t in tests))
    return record, ddl


def on_base(ddl: str, base_sql: str) -> bool:
    """True when ``ddl`` changes ``base_sql`` (it creates none of the base's tables)."""
    return bool(base_sql.strip()) and not (created_tables(ddl) & created_tables(base_sql))


def next_design(ddl: str, base_sql: str) -> str:
    """The design after verified ``ddl``: the base with the change, or ``ddl`` replacing it."""
    return (base_sql.rstrip() + "\n\n" + ddl) if on_base(ddl, base_sql) else ddl


def fix_request(record: dict[str, Any], round_number: int, max_rounds: int) -> str:
    """The message that sends failing SQL back to the model, with the located errors."""
    lines = [
        f"[dbarch verifier] The SQL in your answer failed verification (fix round {round_number} "
        f"of {max_rounds}). Locations are lines of your SQL blocks joined in order:",
    ]
    lines += [f"- {e}" for e in record["errors"]]
    lines += [f"- lint {f}" for f in record.get("lint_findings", []) if "(error)" in f]
    lines += [f"- requirement test {t['name']!r} fails: {t['detail']}"
              for t in record.get("requirement_tests", []) if not t["passed"]]
    lines.append("Fix it, check it with apply_sql, and answer again with the whole corrected SQL.")
    return "\n".join(lines)


def render_summary(v: dict[str, Any], *, prompt_version: str) -> str:
    """The verification summary every answer with SQL (or plans, or notes) ends with."""
    lines = ["", "---", f"**Verification** (dbarch, prompt {prompt_version})"]
    if v.get("sql_found"):
        if not v.get("ok", False):
            lines.append(f"- **NOT VERIFIED: {failure(v)}; do not run it as it is.**")
        lines.append(f"- Parsed: {'yes' if v.get('parsed') else 'NO'}")
        lint = v.get("lint", {})
        lines.append(
            f"- Lint: {lint.get('error', 0)} error, {lint.get('warning', 0)} warning, {lint.get('info', 0)} info"
            + ("".join(f"\n  - {f}" for f in v.get("lint_findings", [])[:8]))
        )
        applied = v.get("applied")
        lines.append(
            "- Applied in a PostgreSQL 18 sandbox: "
            + ("yes" if applied else "not attempted" if applied is None else "NO")
        )
        lines += [f"- Error: {e}" for e in v.get("errors", [])]
        by = {"tools": "checked by the architect's own tool calls this turn",
              "graph": "checked by dbarch after the answer was written"}.get(v.get("verified_by", ""), "")
        if by:
            lines.append(f"- How: {by}")
        if v.get("fix_rounds"):
            lines.append(f"- Sent back to fix: {v['fix_rounds']} time(s)")
    else:
        lines.append("- No DDL or migration SQL in this answer: nothing to apply.")
    plans = v.get("plans", [])
    if plans:
        lines.append(f"- Query plans checked (EXPLAIN on synthetic data): {len(plans)}")
        for p in plans[:5]:
            cost = "error: " + p["error"] if p.get("error") else f"cost {p.get('total_cost')}"
            lines.append(f"  - `{p['query'][:80]}`: {cost}")
    else:
        lines.append("- Query plans checked: none")
    mine = v.get("database_plans", [])
    if mine:
        lines.append(f"- Query plans read on your database (EXPLAIN, read-only, not executed): {len(mine)}")
        for p in mine[:5]:
            cost = "error: " + p["error"] if p.get("error") else f"cost {p.get('total_cost')}"
            lines.append(f"  - `{p['query'][:80]}`: {cost}")
    tests = v.get("requirement_tests", [])
    if tests:
        won = sum(1 for t in tests if t["passed"])
        neg = [t for t in tests if t["kind"] == "negative"]
        lines.append(f"- Requirement tests run in the sandbox: {won} of {len(tests)} passed "
                     f"({sum(1 for t in neg if t['passed'])} of {len(neg)} rules proven by a rejected write)")
        for t in tests[:12]:
            mark = "pass" if t["passed"] else "**FAIL**"
            detail = f": {t['detail']}" if t.get("detail") else ""
            lines.append(f"  - {mark} ({t['kind']}) {t['name']}{detail[:160]}")
    else:
        lines.append("- Requirement tests: none run")
    if v.get("tool_round_limit_reached"):
        lines.append("- The tool-round limit was reached: the answer rests on what was checked before it.")
    lines += [f"- Not checked: {n}" for n in v.get("not_checked", [])]
    return "\n".join(lines) + "\n"


def failure(v: dict[str, Any]) -> str:
    """What failed, in a few words."""
    if not v.get("parsed"):
        return "the SQL above does not parse"
    if v.get("applied") is False or v.get("errors"):
        return "the SQL above does not apply in the sandbox"
    n = v.get("lint", {}).get("error", 0)
    return f"the SQL above applies, but has {n} lint error{'' if n == 1 else 's'} (below)"


def non_relational_notes(answer: str) -> list[str]:
    """What a non-relational design in the answer got checked, and what could not be."""
    notes: list[str] = []
    for block in blocks(answer):
        if block.lang == "json" or (block.lang in ("javascript", "js") and "$jsonSchema" in block.body):
            notes.append(_json_schema_note(block.body))
        elif block.lang in ("cypher", "neo4j"):
            notes.append("Neo4j Cypher was not run (no graph database in the sandbox)")
        elif block.lang in ("redis", "redis-cli") or (
            block.lang in ("", "text", "bash", "sh", "shell", "console") and _REDIS.search(block.body)
        ):
            notes.append("Redis commands and key layout were not run (no Redis in the sandbox)")
    return [n for n in dict.fromkeys(notes) if n]


_REDIS = re.compile(r"^\s*(?:redis-cli\b|(?:HSET|HGETALL|EXPIRE|ZADD|SETEX|SADD|XADD)\s|SET\s+\S+\s+\S+\s+(?:EX|PX)\s)", re.M)


def _json_schema_note(body: str) -> str:
    text = body.strip()
    start = text.find("{")
    try:
        doc = json.loads(text[start:]) if start >= 0 else None
    except json.JSONDecodeError as exc:
        return f"a JSON block does not parse ({exc.msg}, line {exc.lineno})"
    if not isinstance(doc, dict):
        return ""
    schema = doc.get("$jsonSchema", doc) if isinstance(doc.get("$jsonSchema", doc), dict) else doc
    if "properties" not in schema and "$jsonSchema" not in doc:
        return ""
    try:
        import jsonschema  # type: ignore[import-untyped]
    except ImportError:
        return "a JSON Schema validator was parsed, not validated (jsonschema is not installed)"
    try:
        jsonschema.Draft7Validator.check_schema(_to_json_schema(schema))
    except jsonschema.SchemaError as exc:
        return f"the JSON Schema validator is not a valid schema: {exc.message}"
    return "JSON Schema validator parsed and checked against the JSON Schema meta-schema; no MongoDB server ran it"


def _to_json_schema(schema: Any) -> Any:
    """MongoDB's ``bsonType`` read as JSON Schema ``type`` where it maps."""
    mapping = {"string": "string", "int": "integer", "long": "integer", "double": "number",
               "decimal": "number", "bool": "boolean", "object": "object", "array": "array",
               "date": "string", "objectId": "string", "null": "null"}
    if isinstance(schema, dict):
        out = {k: _to_json_schema(v) for k, v in schema.items() if k != "bsonType"}
        if "bsonType" in schema:
            types = schema["bsonType"] if isinstance(schema["bsonType"], list) else [schema["bsonType"]]
            out["type"] = [mapping.get(t, "string") for t in types]
        return out
    if isinstance(schema, list):
        return [_to_json_schema(v) for v in schema]
    return schema
