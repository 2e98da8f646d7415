"""Hidden requirement tests (:mod:`dbarch.tools.reqtest`) run on the answer's schema.

The tests are written once per case against *entities*, not table names, because every answer
names its tables its own way: ``{{customers}}`` becomes the answer's table for that entity and
``{{customers.email|mail}}`` (or ``{{orders.->customers}}``) its column. The schema is loaded
with a few rows per table so that tests can work by UPDATE on existing rows, whatever other
NOT NULL columns the answer has. A failed test on a table datagen left empty proves nothing:
the scorer says so instead of failing the answer for it.
"""

from __future__ import annotations

import re

from dbarch.evals.case import Case
from dbarch.evals.matching import resolve_column, resolve_tables
from dbarch.evals.scoring import Analysis, Score

ROWS_PER_TABLE = 50
_PLACEHOLDER = re.compile(r"\{\{\s*([\w]+)(?:\.([^}\s]+))?\s*\}\}")


def render_tests(case: Case, a: Analysis, text: str) -> tuple[str, list[str]]:
    """Resolve the placeholders; returns the text and what could not be resolved."""
    schema = a.schema
    assert schema is not None
    tables = resolve_tables(case, schema)
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        entity, col = m.group(1), m.group(2)
        table = tables.get(entity)
        if table is None:
            missing.append(entity)
            return f'"missing_{entity}"'
        if col is None:
            return f'"{table.schema}"."{table.name}"'
        cols = resolve_column(case, schema, table, col)
        if not cols:
            missing.append(f"{entity}.{col}")
            return f'"missing_{col.replace("|", "_").replace("->", "")}"'
        return f'"{cols[0].name}"'

    return _PLACEHOLDER.sub(sub, text), missing


def requirement_tests(case: Case, a: Analysis) -> Score | None:
    spec = case.expect.requirement_tests
    if not spec:
        return None
    chk = a.check
    if chk is None or a.schema is None or not chk.applied:
        return Score("requirement_tests", 0.0, "no applied schema to run the requirement tests on")
    from dbarch.tools.reqtest import load_requirement_tests, run_requirement_tests
    from dbarch.tools.sql.source import SqlSource

    text, missing = render_tests(case, a, spec)
    tests = load_requirement_tests(text, source=f"{case.id}:requirement_tests")
    sources = [SqlSource("answer.sql", a.extracted.ddl)]
    if case.schema_sql:
        sources.insert(0, SqlSource("given-schema.sql", case.schema_sql))
    volumes = {t.name: ROWS_PER_TABLE for t in a.schema}
    report = run_requirement_tests(sources, tests, sandbox=a.ctx.sandbox, volumes=volumes)
    if not report.schema_applied:
        why = report.schema_error.message if report.schema_error else "unknown"
        return Score("requirement_tests", 0.0, f"the schema does not apply for the tests: {why}")
    empty = {t.table.rsplit(".", 1)[-1] for t in report.data if t.rows == 0}
    sql_of = {t.name: " ".join(step.sql for step in t.steps) for t in tests}
    inconclusive = [t for t in report.tests if _touches(sql_of.get(t.name, ""), empty)]
    conclusive = [t for t in report.tests if t not in inconclusive]
    real = [t for t in conclusive if not t.passed]
    passed = len(conclusive) - len(real)
    parts = [f"{passed}/{len(conclusive)} hidden requirement tests pass"]
    if real:
        parts.append("failed: " + "; ".join(f"{t.name} ({t.failure})" for t in real[:3]))
    if inconclusive:
        parts.append("INCONCLUSIVE (datagen left " + ", ".join(sorted(empty)) + " empty): "
                     + ", ".join(t.name for t in inconclusive))
    if missing:
        parts.append("not in the schema: " + ", ".join(sorted(set(missing))))
    value = passed / len(conclusive) if conclusive else 0.0
    gate = bool(conclusive)
    return Score("requirement_tests", value, "; ".join(parts), gate=gate)


def _touches(text: str, tables: set[str]) -> bool:
    if not tables:
        return False
    return any(re.search(rf'"{re.escape(t)}"|\b{re.escape(t)}\b', text) for t in tables)
