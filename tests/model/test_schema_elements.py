"""``CREATE SCHEMA s CREATE TABLE ... CREATE VIEW ...``: the schema elements reach the model and
the lint rules, qualified and located as PostgreSQL runs them (checked on the real sandbox)."""

from __future__ import annotations

import re
import textwrap
from typing import Any

import pytest
from sqlglot import exp

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.schema.diff import diff_schemas
from dbarch.tools.schema.elements import element_notes, schema_elements
from dbarch.tools.schema.from_catalog import schema_from_catalog
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script
from dbarch.tools.sql.source import SqlSource
from tests.realworld.conftest import public_schema

SHOP = textwrap.dedent("""\
    -- a schema with its objects, written the way AdventureWorks writes them (é before: offsets are characters)
    CREATE TABLE public.customers (id bigint PRIMARY KEY, note text DEFAULT 'CREATE TABLE x');
    CREATE SCHEMA Shop
      CREATE VIEW open_orders AS SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id
      CREATE INDEX ON orders (customer_id)
      CREATE SEQUENCE order_numbers
      CREATE TABLE Customers (
        id bigint PRIMARY KEY,
        name text NOT NULL  -- CREATE VIEW in a comment is not an element
      )
      CREATE TABLE Orders (
        id bigint PRIMARY KEY,
        number bigint NOT NULL DEFAULT nextval('order_numbers'),
        customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
        placed_at timestamptz NOT NULL,
        parent_id bigint REFERENCES orders (id) ON DELETE CASCADE
      )
      CREATE TABLE shop.archived (id bigint PRIMARY KEY, old_customer bigint REFERENCES public.customers (id) ON DELETE CASCADE);
    """)


def run(conn: Any, text: str) -> None:
    for stmt in parse_script(text).sql_statements:
        conn.execute(stmt.text.encode())


def test_elements_are_tables_views_and_indexes_of_the_new_schema() -> None:
    schema = schema_from_sql(SHOP)
    assert list(schema.tables) == ["public.customers", "shop.customers", "shop.orders", "shop.archived"]
    assert schema.views == ("shop.open_orders",)
    orders = schema.tables["shop.orders"]
    # an unqualified reference to a table the statement created means the new schema's table
    assert [fk.ref_table for fk in orders.foreign_keys] == ["shop.customers", "shop.orders"]
    assert schema.tables["shop.archived"].foreign_keys[0].ref_table == "public.customers"
    # the index written before its table runs after it, as PostgreSQL reorders elements
    assert [(i.table, i.columns) for i in orders.indexes] == [("shop.orders", ("customer_id",))]


def test_elements_are_located_in_the_users_file() -> None:
    schema = schema_from_sql(SHOP)
    lines = SHOP.splitlines()
    orders = schema.tables["shop.orders"]
    assert orders.line is not None and "CREATE TABLE Orders" in lines[orders.line - 1]
    placed = orders.column("placed_at")
    assert placed is not None and placed.line is not None and placed.column is not None
    assert lines[placed.line - 1][placed.column - 1:].startswith("placed_at timestamptz")
    found = schema_elements(parse_script(SHOP).statements[1])
    assert found is not None and found.schema == "shop"
    assert [e.kind for e in found.elements] == ["ViewStmt", "IndexStmt", "CreateSeqStmt", "CreateStmt", "CreateStmt", "CreateStmt"]
    assert [e.kind for e in found.in_execution_order][:2] == ["CreateSeqStmt", "CreateStmt"]
    # the view runs after every table: its unqualified references are the new schema's tables
    view = found.elements[0].statement.expression
    assert view is not None and sorted(f"{t.db}.{t.name}" for t in view.find_all(exp.Table)) == [
        "shop.customers", "shop.open_orders", "shop.orders"]
    for element in found.elements:
        st = element.statement
        first = lines[st.line - 1][st.column - 1:]
        assert first.startswith(st.text.splitlines()[0]) and re.match(r"CREATE (VIEW|INDEX|SEQUENCE|TABLE)", first)
        assert not st.text.rstrip().endswith(")") or "--" not in st.text.splitlines()[-1]  # no trailing comment kept


def test_the_model_of_the_elements_equals_the_catalog(sandbox: Any) -> None:
    with sandbox.scratch() as db:
        run(db.conn, SHOP)
        catalog = schema_from_catalog(db.conn)
    model = schema_from_sql(SHOP)
    assert [str(d) for d in diff_schemas(model, catalog, names=True)] == []


def test_adventureworks_model_equals_the_catalog(sandbox: Any) -> None:
    """The public AdventureWorks install script creates its 68 tables as schema elements. Its
    rows come from CSV files that are not shipped, so the statements that need them are left out."""
    text = public_schema("adventureworks.sql")
    ddl = ";\n".join(s.text for s in parse_script(text).sql_statements if not re.match(r"(INSERT|UPDATE)\b", s.text, re.I))
    model = schema_from_sql(ddl)
    assert len(model.tables) == 68 and len([k for k in model.tables if k.startswith("person.")]) == 13
    from dbarch.tools.sandbox.apply import apply_scripts

    with sandbox.scratch() as db:
        result = apply_scripts(sandbox, db, [parse_script(ddl, source="adventureworks.sql")])
        assert result.applied, result.error and result.error.one_line()
        catalog = schema_from_catalog(db.conn)
    differences = [str(d) for d in diff_schemas(model, catalog, names=True)]
    assert differences == ["extension uuid-ossp: missing"]  # the sandbox installs a stand-in, not the extension


@pytest.mark.parametrize(("sql", "message"), [
    ("CREATE SCHEMA s CREATE TABLE other.t (x int)", "names schema other: PostgreSQL refuses it (42P15)"),
    ("CREATE SCHEMA s CREATE TABLE t (x int) CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW "
     "EXECUTE FUNCTION suppress_redundant_updates_trigger()", "CREATE TRIGGER inside CREATE SCHEMA s is not modelled"),
    ("CREATE SCHEMA s CREATE TABLE t (x int) GRANT SELECT ON t TO PUBLIC", "GRANT inside CREATE SCHEMA s is not modelled"),
    ("CREATE SCHEMA AUTHORIZATION CURRENT_USER CREATE TABLE t (x int)", "names the schema after a role only the server knows"),
])
def test_what_the_model_leaves_out_is_noted(sql: str, message: str) -> None:
    notes = element_notes(parse_script(sql, source="f.sql"))
    assert [n.file for n in notes] == ["f.sql"] and message in notes[0].message
    assert "other.t" not in schema_from_sql(sql).tables


def test_schema_names_fold_and_authorization_names_the_schema() -> None:
    assert list(schema_from_sql('CREATE SCHEMA "Sales" CREATE TABLE "Sales".t (x int)').tables) == ["Sales.t"]
    assert list(schema_from_sql("CREATE SCHEMA S CREATE TABLE s.t (x int)").tables) == ["s.t"]
    assert list(schema_from_sql("CREATE SCHEMA AUTHORIZATION joe CREATE TABLE t (x int)").tables) == ["joe.t"]
    assert schema_from_sql("CREATE SCHEMA empty").tables == {}


def test_table_rules_and_column_rules_see_the_elements() -> None:
    sql = "CREATE SCHEMA app\n  CREATE TABLE events (\n    id bigint,\n    at timestamp\n  );\n"
    report = lint_script(parse_script(sql), select=["require-primary-key", "prefer-timestamptz"])
    assert [(d.rule, d.line, d.column) for d in report.diagnostics] == [
        ("require-primary-key", 2, 1), ("prefer-timestamptz", 4, 5)]  # a table is located by its line
    assert "app.events" in report.diagnostics[0].message
    assert report.skipped == 0  # every element was read


def test_tables_created_as_elements_are_new_to_the_migration_rules() -> None:
    sql = """\
        CREATE SCHEMA app
          CREATE TABLE users (id bigint, email text)
          CREATE INDEX ON users (email);
        ALTER TABLE app.users ADD PRIMARY KEY (id);
    """
    report = lint_script(parse_script(textwrap.dedent(sql)), select=["migration"])
    assert [d.rule for d in report.diagnostics] == []
    existing = schema_from_sql("CREATE SCHEMA app CREATE TABLE users (id bigint, email text)")
    live = lint_script(parse_script("ALTER TABLE app.users ADD PRIMARY KEY (id);"), existing=existing,
                       select=["add-primary-key-in-place"])
    assert [d.rule for d in live.diagnostics] == ["add-primary-key-in-place"]  # the same change on a live table


def test_adventureworks_findings_point_at_the_columns_they_name() -> None:
    """Every table of AdventureWorks is a schema element: the column rules now read them, at
    the right place in the file, and the false alarms found reviewing them stay away."""
    text = public_schema("adventureworks.sql")
    lines = text.splitlines()
    report = lint_script(parse_script(text, source="adventureworks.sql"))
    timestamps = [d for d in report.diagnostics if d.rule == "prefer-timestamptz"]
    assert len(timestamps) >= 100
    for d in timestamps:
        column = re.search(r"\(column (\w+)\)", d.message)
        assert column is not None and lines[d.line - 1][d.column - 1:].lower().startswith(column.group(1))
    keys = [d for d in report.diagnostics if d.rule == "prefer-bigint-primary-key"]
    assert {lines[d.line - 1].split()[0].lower() for d in keys} >= {"businessentityid", "addressid", "productid"}
    rules = {d.rule for d in report.diagnostics}
    assert rules.isdisjoint({"no-repeating-groups", "consistent-table-plurality"})
    assert not [d.message for d in report.diagnostics if d.rule in ("prefer-bigint-over-int", "no-duplicated-column-set")
                and ("operationsequence" in d.message or "modifieddate" in d.message)]


def test_check_applies_the_statement_unchanged_and_models_it(sandbox: Any) -> None:
    from dbarch.tools.check import check_sources

    result = check_sources([SqlSource("shop.sql", SHOP)], sandbox=sandbox)
    assert result.applied and not result.errors, [e.one_line() for e in result.errors]
    assert set(result.schema.tables) == {"public.customers", "shop.customers", "shop.orders", "shop.archived"}
    assert result.not_analysed == 0
    refused = check_sources([SqlSource("bad.sql", "CREATE SCHEMA s CREATE TABLE other.t (x int);")], sandbox=sandbox)
    assert [e.sqlstate for e in refused.errors] == ["42P15"]
    assert any("42P15" in n.message for n in refused.notes)
