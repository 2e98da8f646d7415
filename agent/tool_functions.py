"""What each of the architect's tools does: typed library calls, in-process.

Each function takes the :class:`ToolEnv` (infrastructure and this turn's record, never visible
to the model) and the validated arguments, and returns a :class:`ToolOutput`: the text the model
reads and a one-line summary for the user's stream. Library errors are not caught here:
:func:`dbarch.agent.tools.run_tool_call` turns them into structured text for the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dbarch.agent.checks import check_ok, render_check, verify_sql

if TYPE_CHECKING:
    from dbarch.agent.context import Context
    from dbarch.agent.services import Services
    from dbarch.agent.tools import (
        AdviseArgs,
        ApplyArgs,
        DecisionArgs,
        ErdArgs,
        ExplainArgs,
        MigrationArgs,
        NoteArgs,
        PlanArgs,
        ReadArgs,
        RequirementTestsArgs,
        SchemaArgs,
        SqlArgs,
    )


@dataclass(slots=True)
class ToolEnv:
    services: Services
    context: Context
    turn: dict[str, Any]
    """This turn's record (see :class:`dbarch.agent.state.State`), updated in place."""
    design_sql: str = ""
    """The current design: this thread's verified DDL, else the workspace schema."""


@dataclass(frozen=True, slots=True)
class ToolOutput:
    text: str
    summary: str
    ok: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _design(env: ToolEnv) -> str:
    return env.design_sql


def validate_sql(env: ToolEnv, args: SqlArgs) -> ToolOutput:
    record = verify_sql(args.sql, sandbox=None, dialect=env.context.dialect, apply=False)
    ok = record["parsed"] and not record["errors"]
    text = render_check(record) if ok else "\n".join(["parsed: NO", *[f"error: {e}" for e in record["errors"]]])
    return ToolOutput(text, f"{len(record['statements'])} statements, {'parse ok' if ok else 'parse errors'}", ok)


def lint_sql(env: ToolEnv, args: SqlArgs) -> ToolOutput:
    record = verify_sql(args.sql, sandbox=None, dialect=env.context.dialect, apply=False)
    lint = record["lint"]
    lines = [f"lint: {lint['error']} error, {lint['warning']} warning, {lint['info']} info"]
    lines += record["findings"] or ["no findings"]
    lines += [f"error: {e}" for e in record["errors"]]
    return ToolOutput("\n".join(lines), f"{sum(lint.values())} findings", not lint["error"] and not record["errors"])


def apply_sql(env: ToolEnv, args: ApplyArgs) -> ToolOutput:
    base = _design(env) if args.on_current_schema else ""
    record = verify_sql(args.sql, sandbox=env.services.sandbox, dialect=env.context.dialect, base_sql=base)
    env.turn.setdefault("checks", []).append(record)
    ok = check_ok(record)
    if ok:
        env.turn["schema_sql"] = (base + "\n" + args.sql) if base else args.sql
    summary = "applied" if record["applied"] else "not applied"
    return ToolOutput(render_check(record), f"{summary}, lint {record['lint']['error']} errors", ok)


def _volumes(rows: dict[str, int]) -> Any:
    from dbarch.tools.datagen import parse_rows

    spec = ",".join(f"{k}={int(v)}" for k, v in rows.items()) or None
    return parse_rows(spec, default=1000 if not rows else None)


def _schema_sources(env: ToolEnv, schema_sql: str | None) -> list[Any]:
    from dbarch.tools.errors import UsageError
    from dbarch.tools.sql.source import SqlSource

    sql = schema_sql or env.turn.get("schema_sql") or _design(env)
    if not sql.strip():
        raise UsageError(
            "no schema to load", hint="apply the schema with apply_sql first, or pass schema_sql"
        )
    return [SqlSource("schema.sql", sql)]


def _workload(queries: list[str]) -> Any:
    from dbarch.tools.sql.source import SqlSource

    return SqlSource("query", ";\n".join(q.rstrip().rstrip(";") for q in queries))


def explain_query(env: ToolEnv, args: ExplainArgs) -> ToolOutput:
    from dbarch.tools.perf.workload import explain_workload
    from dbarch.tools.render.perf import render_explanation, render_shortfalls

    run = explain_workload(
        _schema_sources(env, args.schema_sql), _workload(args.queries), _volumes(args.rows),
        sandbox=env.services.sandbox, analyze=args.analyze,
    )
    plans = env.turn.setdefault("plans", [])
    for r in run.queries:
        plans.append({
            "query": " ".join(r.sql.split())[:200],
            "total_cost": r.total_cost,
            "findings": [f"{f.kind}: {f.message}" for f in r.findings],
            "error": r.error.one_line() if r.error else None,
        })
    text = _which(env) + render_shortfalls(run.data, allowed=True) + render_explanation(run)
    return ToolOutput(text.strip(), f"{len(run.queries)} plans", run.ok)


def _which(env: ToolEnv) -> str:
    """With a user database connected, sandbox results say they are not from it."""
    from dbarch.agent.user_database import SANDBOX_LINE

    return SANDBOX_LINE + "\n" if env.context.database_dsn else ""


def advise_indexes(env: ToolEnv, args: AdviseArgs) -> ToolOutput:
    from dbarch.tools.perf.workload import advise_workload
    from dbarch.tools.render.perf import render_advice, render_shortfalls

    result = advise_workload(
        _schema_sources(env, args.schema_sql), _workload(args.queries), _volumes(args.rows),
        sandbox=env.services.sandbox, budget_mb=args.budget_mb,
    )
    text = _which(env) + render_shortfalls(result.data, allowed=True) + render_advice(result)
    n = len(result.advice.recommendations)
    return ToolOutput(text.strip(), f"{n} indexes recommended")


def run_requirement_tests(env: ToolEnv, args: RequirementTestsArgs) -> ToolOutput:
    from dbarch.tools.render.reqtest import render_report
    from dbarch.tools.reqtest import requirement_tests_from_data, run_requirement_tests as run

    tests = requirement_tests_from_data(args.tests, source="run_requirement_tests")
    volumes = _volumes(args.rows) if args.rows else None
    report = run(_schema_sources(env, args.schema_sql), tests, sandbox=env.services.sandbox, volumes=volumes,
                 statement_timeout_ms=REQTEST_TIMEOUT_MS)
    recorded = {r["name"]: r for r in env.turn.get("requirement_tests", [])}
    for t in report.tests:  # a re-run of a test replaces its earlier result
        proof = next((f"{o.sqlstate} {o.message}" for o in t.steps if o.passed and o.sqlstate), "")
        recorded[t.name] = {"name": t.name, "kind": t.kind, "passed": t.passed, "detail": t.failure or proof}
    env.turn["requirement_tests"] = list(recorded.values())
    text = render_report(report)
    if args.save_as:
        text += "\n" + _save_tests(env, args.save_as, tests, report.passed)
    return ToolOutput(text, f"{report.total - report.failed}/{report.total} requirement tests passed", report.passed)


REQTEST_TIMEOUT_MS = 5000
"""A requirement test step still running after this long fails its test."""


def _save_tests(env: ToolEnv, name: str, tests: Any, passed: bool) -> str:
    from dbarch.memory import list_migrations, save_requirement_tests
    from dbarch.memory.reqtests import requirement_tests_verifier

    ws = env.services.workspace
    if not passed:
        return "not saved: save the tests once they all pass"
    if not list_migrations(ws):
        return "not saved: write the design as migrations first (write_migration); saved tests re-run on them"
    saved = save_requirement_tests(ws, name, tests, verify=requirement_tests_verifier(ws, env.services.sandbox))
    env.turn.setdefault("tests_saved", []).append(saved.file)
    return f"saved as {saved.file} (passing on the migrations; dbarch memory check re-runs it)"


def draw_erd(env: ToolEnv, args: ErdArgs) -> ToolOutput:
    from dbarch.memory.erd import erd_from_sql

    sql = args.sql or env.turn.get("schema_sql") or _design(env)
    text = erd_from_sql(sql, source_name="schema.sql") if sql.strip() else "erDiagram\n"
    return ToolOutput("```mermaid\n" + text.strip() + "\n```", "ER diagram drawn")


def read_workspace(env: ToolEnv, args: ReadArgs) -> ToolOutput:
    from dbarch.memory import list_migrations, read_decisions, read_notes, read_plans
    from dbarch.memory.soul import read_schema_sql
    from dbarch.memory.summary import summarize

    ws = env.services.workspace
    part = args.part
    if part == "summary":
        text = summarize(ws)
    elif part == "schema":
        text = read_schema_sql(ws) or "-- no schema recorded yet"
    elif part == "decisions":
        text = "\n".join(f"{d.id} {d.date} {d.title}: {d.decision} (why: {d.why})" for d in read_decisions(ws))
    elif part == "plans":
        text = "\n".join(f"{p.id} [{p.status}] {p.title} {list(p.migrations)}" for p in read_plans(ws))
    elif part == "notes":
        text = "\n".join(f"{n.id} [{n.category}] {n.title}: {n.text}" for n in read_notes(ws))
    else:
        text = "\n".join(m.file for m in list_migrations(ws))
    return ToolOutput(text or f"no {part} yet", f"read {part}")


def record_decision(env: ToolEnv, args: DecisionArgs) -> ToolOutput:
    from dbarch.memory import record_decision as record

    d = record(
        env.services.workspace, decision=args.decision, why=args.why,
        alternatives=args.alternatives, consequences=args.consequences, title=args.title or None,
    )
    env.turn.setdefault("decisions", []).append(d.id)
    return ToolOutput(f"recorded {d.id} in 00_soul.md: {d.title}", f"decision {d.id}")


def plan_change(env: ToolEnv, args: PlanArgs) -> ToolOutput:
    from dbarch.memory import add_plan

    p = add_plan(env.services.workspace, args.title, description=args.description, migrations=args.migrations)
    return ToolOutput(f"recorded plan {p.id} in 01_state.md: {p.title} [{p.status}]", f"plan {p.id}")


def add_memory_note(env: ToolEnv, args: NoteArgs) -> ToolOutput:
    from dbarch.memory import add_note

    n = add_note(env.services.workspace, args.category, args.text, title=args.title or None)
    return ToolOutput(f"recorded {n.id} ({n.category}) in 02_memory.md", f"note {n.id}")


def write_migration(env: ToolEnv, args: MigrationArgs) -> ToolOutput:
    from dbarch.memory import write_migration as write
    from dbarch.memory.verify import sandbox_verifier

    ws = env.services.workspace
    verifier = sandbox_verifier(ws, env.services.sandbox)
    m = write(ws, args.name, args.sql, verify=verifier)
    env.turn.setdefault("migrations", []).append(m.file)
    # it replayed after the earlier migrations, parsed, linted clean of errors and applied
    env.turn.setdefault("checks", []).append({
        "parsed": True, "applied": True, "apply_attempted": True, "errors": [], "base_errors": [],
        "statements": _statements(args.sql, env), "tables": [], "lint": {"error": 0, "warning": 0, "info": 0},
        "findings": [], "notes": [], "on_base": True, "by": m.file,
    })
    guard = verifier.guard
    if guard is not None and guard.guarded and guard.report is not None:
        tests = (f"; the {guard.report.total} saved requirement test(s) of {', '.join(guard.files)} "
                 f"passed with it")
    else:
        tests = "; no saved requirement test guarded it (tests/ in the workspace has none)"
    return ToolOutput(
        f"wrote {m.file} (verified: parsed, no lint error, applied after the earlier migrations{tests})",
        f"wrote {m.file}",
    )


def save_schema(env: ToolEnv, args: SchemaArgs) -> ToolOutput:
    from dbarch.memory import set_schema

    record = verify_sql(args.sql, sandbox=env.services.sandbox, dialect=env.context.dialect)
    env.turn.setdefault("checks", []).append(record)
    if not check_ok(record):
        return ToolOutput("not saved: the schema failed verification\n" + render_check(record), "not saved", False)
    result = set_schema(env.services.workspace, args.sql, summary=args.summary or "schema updated")
    env.turn["schema_sql"] = args.sql
    return ToolOutput(f"saved as the current schema in 00_soul.md ({result.summary})", "schema saved")


def _statements(sql: str, env: ToolEnv) -> list[str]:
    from dbarch.agent.checks import statements_of

    return statements_of(sql, env.context.dialect)
