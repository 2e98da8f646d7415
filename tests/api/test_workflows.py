"""The workflows under the CLI, called as a library: inputs and settings in, typed values out."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbarch.tools.datagen import parse_rows
from dbarch.tools.errors import UsageError
from dbarch.tools.lint.config import LintConfig
from dbarch.tools.lint.workflow import fix_sources, lint_sources
from dbarch.tools.perf.workload import advise_workload, explain_workload
from dbarch.tools.sandbox import Sandbox
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.source import SqlSource

MIGRATION = "CREATE INDEX orders_placed_idx ON orders (placed_at);\nALTER TABLE orders ADD COLUMN note timestamp;\n"
ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, placed_at timestamptz);\n"


def test_lint_sources_uses_the_configuration_and_the_existing_schema() -> None:
    existing = schema_from_sql(ORDERS)
    (report,) = lint_sources([SqlSource("m.sql", MIGRATION)], LintConfig(), existing=existing)
    assert {d.rule for d in report.diagnostics} >= {"create-index-non-concurrently", "prefer-timestamptz"}
    quiet = LintConfig().with_overrides(select=["create-index-non-concurrently"])
    (report,) = lint_sources([SqlSource("m.sql", MIGRATION)], quiet, existing=existing)
    assert [d.rule for d in report.diagnostics] == ["create-index-non-concurrently"]


def test_fix_sources_fixes_then_lints_again() -> None:
    existing = schema_from_sql(ORDERS)
    (fix,) = fix_sources([SqlSource("m.sql", MIGRATION)], LintConfig(), existing=existing)
    assert fix.changed and fix.edits >= 1
    assert "ADD COLUMN note timestamptz;" in fix.fixed and fix.original == MIGRATION
    remaining = {d.rule for d in fix.remaining}
    assert "prefer-timestamptz" not in remaining and "create-index-non-concurrently" in remaining


SCHEMA = [SqlSource("schema.sql", ORDERS + "CREATE TABLE customers (id bigint PRIMARY KEY, email text);\n")]
QUERIES = "SELECT * FROM orders WHERE customer_id = 42;\nSELECT * FROM nowhere;\n"


def test_explain_workload_loads_data_and_reports_each_query(sandbox: Sandbox) -> None:
    run = explain_workload(SCHEMA, QUERIES, parse_rows("orders=20000,customers=100"), sandbox=sandbox)
    assert run.data.rows()["orders"] == 20000
    assert [r.ok for r in run.queries] == [True, False] and not run.ok
    assert run.queries[1].error is not None and run.queries[1].error.sqlstate == "42P01"
    assert any(f.kind == "seq-scan-large" for f in run.queries[0].findings)


def test_advise_workload_recommends_the_missing_index(sandbox: Sandbox) -> None:
    result = advise_workload(SCHEMA, "SELECT * FROM orders WHERE customer_id = 42",
                             parse_rows("orders=20000,customers=100"), sandbox=sandbox)
    (rec,) = result.advice.recommendations
    assert rec.spec.table == "orders" and rec.spec.columns == ("customer_id",)
    assert result.advice.queries[0].gain is not None and result.advice.queries[0].gain > 0.5


def test_a_workload_without_queries_is_a_usage_error(sandbox: Sandbox) -> None:
    with pytest.raises(UsageError, match="no queries"):
        explain_workload(SCHEMA, "-- nothing here\n", parse_rows(None), sandbox=sandbox)
    with pytest.raises(UsageError, match="budget"):
        advise_workload(SCHEMA, "SELECT 1", parse_rows(None), sandbox=sandbox, budget_mb=0)


def test_memory_views_and_the_schema_from_migrations(tmp_path: Path, sandbox: Sandbox) -> None:
    from dbarch.memory import Workspace, add_plan, record_decision
    from dbarch.memory.drift import check_drift, schema_from_migrations
    from dbarch.memory.views import read_view

    ws = Workspace(tmp_path)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "001_orders.sql").write_text(ORDERS)
    assert not check_drift(ws, sandbox).ok
    assert schema_from_migrations(ws, sandbox).changed
    assert check_drift(ws, sandbox).ok
    record_decision(ws, decision="bigint keys", why="integers run out")
    add_plan(ws, "partition orders")
    soul = read_view(ws, "soul")
    assert "CREATE TABLE orders" in soul.schema_sql and [d.title for d in soul.decisions] == ["bigint keys"]
    state = read_view(ws, "state")
    assert [p.title for p in state.plans] == ["partition orders"] and state.file == "01_state.md"
