"""EXPLAIN summaries, per-query errors, and the advisor finding the index a workload needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dbarch.tools.datagen import generate_data, parse_rows
from dbarch.tools.perf.advisor import advise
from dbarch.tools.perf.explain import explain_query
from dbarch.tools.sql.queries import read_queries

SCHEMA = """
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
                        country char(2));
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  status text NOT NULL CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
  total numeric(10,2),
  placed_at timestamptz NOT NULL
);
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_status_total_idx ON orders (status, total);
"""
ROWS = "customers=5000,orders=50000"


@pytest.fixture
def loaded(schema_db: Any) -> Any:
    with schema_db(SCHEMA) as db:
        generate_data(db.conn, parse_rows(ROWS))
        yield db


def test_selective_seq_scan_is_reported_and_parameters_get_a_generic_plan(loaded: Any) -> None:
    (q,) = read_queries("SELECT * FROM orders WHERE customer_id = :cid")
    report = explain_query(loaded.conn, q)
    assert report.ok and report.generic and report.total_cost
    assert report.nodes[0].node_type == "Seq Scan"
    assert "seq-scan-large" in {f.kind for f in report.findings}


def test_analyze_samples_parameters_and_measures_time(loaded: Any) -> None:
    (q,) = read_queries("SELECT * FROM orders WHERE customer_id = ? AND status = ?")
    report = explain_query(loaded.conn, q, analyze=True)
    assert report.ok and report.analyzed and report.execution_ms is not None
    assert all(p is not None for p in report.params)


def test_bad_queries_get_a_message_each_and_the_others_a_report(loaded: Any) -> None:
    text = ("SELECT count(*) FROM orders;\nSELECT *\n  FROM orderz;\nSELECT bogus FROM orders;\n"
            "SELEC 1;\nCREATE TABLE x (a int);\nSELECT 1")
    reports = [explain_query(loaded.conn, q) for q in read_queries(text, "w.sql")]
    assert [r.ok for r in reports] == [True, False, False, False, False, True]
    assert reports[1].error is not None and reports[1].error.sqlstate == "42P01"
    assert (reports[1].error.line, reports[1].error.column) == (3, 8)
    assert reports[2].error is not None and "bogus" in reports[2].error.message
    assert reports[4].error is not None and "not a query" in reports[4].error.message


def test_data_modifying_queries_are_never_kept(loaded: Any) -> None:
    (plain,) = read_queries("DELETE FROM orders WHERE id <= 100")
    assert explain_query(loaded.conn, plain).ok
    assert explain_query(loaded.conn, plain, analyze=True).ok
    assert loaded.conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 50000


def test_advisor_finds_the_index_that_removes_a_seq_scan(loaded: Any) -> None:
    queries = read_queries(
        "SELECT id, total FROM orders WHERE customer_id = $1;\n"
        "SELECT count(*) FROM orders WHERE status = 'cancelled' AND placed_at > now() - interval '30 days';\n"
        "SELECT * FROM customers WHERE email = $1;\n"
        "SELECT * FROM nowhere"
    )
    advice = advise(loaded.conn, queries, budget_mb=100)
    ddl = [r.ddl for r in advice.recommendations]
    assert any("ON orders (customer_id" in d for d in ddl), ddl
    assert all(d.startswith("CREATE INDEX CONCURRENTLY ") and d.endswith(";") for d in ddl)
    assert all(r.size_bytes > 0 for r in advice.recommendations)
    first = advice.queries[0]
    assert first.before.nodes[0].node_type == "Seq Scan"
    assert first.after is not None and "Index" in " ".join(n.node_type for n in first.after.nodes)
    assert first.gain is not None and first.gain > 0.5
    assert not advice.queries[3].before.ok  # reported, not fatal
    # the index on (status) leads (status, total): redundant
    assert any(e.name == "orders_status_idx" and "redundant" in e.reason for e in advice.existing)
    # nothing was left behind
    assert loaded.conn.execute(
        "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'dbarch_cand%' OR indexname LIKE '%customer_id_idx'"
    ).fetchone()[0] == 0


def test_cli_explain_and_advise(sandbox: Any, tmp_path: Path, capsys: Any) -> None:
    from dbarch.agent.cli.main import main

    schema = tmp_path / "s.sql"
    schema.write_text(SCHEMA)
    queries = tmp_path / "q.sql"
    queries.write_text("SELECT * FROM orders WHERE customer_id = $1;\nSELECT nope FROM orders;\n")
    code = main(["explain", "--schema", str(schema), "--rows", "customers=2000,orders=20000",
                 "--queries", str(queries), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # one query failed
    assert out["queries"][0]["ok"] and not out["queries"][1]["ok"]
    code = main(["advise", "--schema", str(schema), "--rows", "customers=2000,orders=20000",
                 "--queries", str(queries)])
    text = capsys.readouterr().out
    assert code == 1 and "CREATE INDEX CONCURRENTLY" in text and "customer_id" in text
    assert main(["explain", "--schema", str(schema), "--rows", "orders=x", "SELECT 1"]) == 2
    assert "bad row count" in capsys.readouterr().err


def test_join_candidates_probe_the_foreign_key_side() -> None:
    """``a JOIN b ON a.x = b.y`` filtered on b: a(x) alone, with a's own range, and covering."""
    from dbarch.tools.perf.candidates import IndexSpec, candidates

    tree = read_queries(
        "SELECT o.id FROM orders o JOIN stores s ON s.id = o.store_id WHERE s.region_id = $1 AND o.placed_at >= $2"
    )[0].tree
    assert tree is not None
    found = candidates(tree, {"orders": {"id", "store_id", "placed_at"}, "stores": {"id", "region_id"}})
    assert IndexSpec("orders", ("store_id",)) in found
    assert IndexSpec("orders", ("store_id", "placed_at")) in found
    assert IndexSpec("orders", ("store_id", "placed_at"), include=("id",)) in found
    assert IndexSpec("stores", ("region_id",)) in found


def test_advisor_indexes_the_join_key_of_a_filtered_join(loaded: Any) -> None:
    """Orders of a handful of customers picked by a filter on customers: the index on the
    foreign key side (orders.customer_id) serves the join as a nested loop."""
    queries = read_queries(
        "SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = $1"
    )
    advice = advise(loaded.conn, queries, budget_mb=100)
    tables = {(r.spec.table, r.spec.columns[0]) for r in advice.recommendations}
    assert ("orders", "customer_id") in tables, [r.ddl for r in advice.recommendations]
    only = advice.queries[0]
    assert only.gain is not None and only.gain > 0.5
