"""False positives found by running `dbarch lint` on public sample databases, each as a case that
fires where it should and stays silent where the design is deliberate."""

from __future__ import annotations

import textwrap

from dbarch.tools.lint.engine import lint_script
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script


def fired(sql: str, rule: str | None = None, existing: str = "") -> list[str]:
    report = lint_script(parse_script(textwrap.dedent(sql).strip() + "\n"),
                         existing=schema_from_sql(existing) if existing else None,
                         select=[rule] if rule else None)
    return [d.rule for d in report.diagnostics]


def test_a_tree_and_an_optional_reference_may_be_null() -> None:
    tree = "CREATE TABLE nodes (id bigint PRIMARY KEY, parent_id bigint REFERENCES nodes (id) ON DELETE CASCADE);"
    assert fired(tree, "require-not-null-foreign-key") == []
    optional = """
    CREATE TABLE users (id bigint PRIMARY KEY);
    CREATE TABLE orders (id bigint PRIMARY KEY, coupon_user_id bigint REFERENCES users (id) ON DELETE CASCADE);
    """
    assert fired(optional, "require-not-null-foreign-key") == []
    required = """
    CREATE TABLE orders (id bigint PRIMARY KEY);
    CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));
    """
    assert fired(required, "require-not-null-foreign-key") == ["require-not-null-foreign-key"]


def test_no_guessed_foreign_key_to_a_table_without_a_matching_key() -> None:
    composite = """
    CREATE TABLE tasks (project text, n bigint, PRIMARY KEY (project, n));
    CREATE TABLE timer_tasks (id bigint PRIMARY KEY, task_id bigint);
    """
    assert fired(composite, "require-foreign-key") == []
    plain = """
    CREATE TABLE tasks (id bigint PRIMARY KEY);
    CREATE TABLE timer_tasks (id bigint PRIMARY KEY, task_id bigint);
    """
    assert fired(plain, "require-foreign-key") == ["require-foreign-key"]


def test_a_bounded_fraction_is_not_money() -> None:
    assert fired("CREATE TABLE d (id bigint PRIMARY KEY, discount real CHECK (discount BETWEEN 0 AND 1));", "no-float-money") == []
    assert fired("CREATE TABLE d (id bigint PRIMARY KEY, discount real);", "no-float-money") == []
    assert fired("CREATE TABLE d (id bigint PRIMARY KEY, discount_amount real);", "no-float-money") == ["no-float-money"]
    assert fired("CREATE TABLE d (id bigint PRIMARY KEY, price real CHECK (price BETWEEN 0 AND 500));", "no-float-money") == ["no-float-money"]


def test_table_design_rules_leave_existing_tables_to_their_own_review() -> None:
    existing = "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL); CREATE TABLE logs (msg text);"
    sql = """
    SET lock_timeout = '2s';
    SET statement_timeout = '30s';
    ALTER TABLE customers ADD COLUMN IF NOT EXISTS email text;
    ALTER TABLE logs ADD COLUMN IF NOT EXISTS level text;
    """
    found = fired(sql, existing=existing)
    assert "require-unique-natural-key" not in found and "require-primary-key" not in found
    assert fired("ALTER TABLE customers ADD COLUMN IF NOT EXISTS price float;", "no-float-money", existing) == ["no-float-money"]


def test_a_flood_is_reported_once_with_its_count() -> None:
    rows = "\n".join(f"INSERT INTO t VALUES ({i});" for i in range(50))
    report = lint_script(parse_script("CREATE TABLE t (id bigint PRIMARY KEY);\n" + rows), select=["insert-without-columns"])
    [d] = report.diagnostics
    assert d.line == 2 and "(and 49 more statements like this one in this file)" in d.message
    few = lint_script(parse_script("CREATE TABLE t (id bigint PRIMARY KEY);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);"),
                      select=["insert-without-columns"])
    assert [d.line for d in few.diagnostics] == [2, 3]


def test_a_dump_that_resets_its_tables_is_not_a_migration() -> None:
    sql = """
    DROP TABLE IF EXISTS orders;
    CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL);
    CREATE INDEX orders_placed_idx ON orders (placed_at);
    """
    assert not [r for r in fired(sql) if r in ("not-retryable", "create-index-non-concurrently", "missing-lock-timeout")]


def test_tables_created_where_sqlglot_cannot_read_them_are_new() -> None:
    sql = """
    CREATE SCHEMA sales CREATE TABLE orders (id bigint NOT NULL);
    ALTER TABLE Sales.Orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
    CREATE TABLE prices (id bigint, net numeric, gross numeric GENERATED ALWAYS AS (net * 1.2) VIRTUAL);
    ALTER TABLE prices ADD PRIMARY KEY (id);
    CREATE MATERIALIZED VIEW totals AS SELECT 1 AS x;
    CREATE INDEX totals_x_idx ON totals (x);
    """
    found = fired(sql, existing="CREATE TABLE other (id bigint PRIMARY KEY);")
    assert not {"add-primary-key-in-place", "create-index-non-concurrently", "missing-lock-timeout"} & set(found)


def test_statements_read_by_postgres_grammar_follow_the_search_path() -> None:
    existing = "CREATE SCHEMA app; CREATE TABLE app.accounts (id bigint PRIMARY KEY, tags text[]);"
    new_table = """
    SET search_path = app;
    CREATE TABLE prices (id bigint, net numeric, gross numeric GENERATED ALWAYS AS (net * 1.2) VIRTUAL);
    ALTER TABLE prices ADD PRIMARY KEY (id);
    """
    assert "add-primary-key-in-place" not in fired(new_table, existing=existing)
    live = """
    SET search_path = app;
    CREATE INDEX accounts_tags_idx ON ONLY accounts USING gin (tags);
    """
    assert "create-index-non-concurrently" in fired(live, existing=existing)


def test_renamed_new_tables_and_indexes_stay_new() -> None:
    sql = """
    CREATE TABLE user_ (id bigint PRIMARY KEY, name text);
    ALTER TABLE user_ RENAME TO person;
    CREATE INDEX person_name_idx ON person (name);
    ALTER INDEX person_name_idx RENAME TO person_name_key;
    DROP INDEX person_name_key;
    ALTER TABLE person DROP COLUMN name;
    """
    assert [r for r in fired(sql, existing="CREATE TABLE other (id bigint PRIMARY KEY);") if r != "not-retryable"] == []
    assert "drop-index-non-concurrently" in fired("DROP INDEX person_name_key;")


def test_numbered_references_in_a_key_are_a_relationship_not_a_repeating_group() -> None:
    from dbarch.tools.lint.engine import lint_script
    from dbarch.tools.sql.parse import parse_script

    sql = """
    CREATE TABLE area (id bigint PRIMARY KEY);
    CREATE TABLE artist (id bigint PRIMARY KEY);
    CREATE TABLE editor (id bigint PRIMARY KEY);
    CREATE TABLE l_area_artist (
        entity0 bigint NOT NULL REFERENCES area (id), entity1 bigint NOT NULL REFERENCES artist (id),
        link bigint NOT NULL, PRIMARY KEY (entity0, entity1, link));
    CREATE TABLE l_area_area (
        entity0 bigint NOT NULL REFERENCES area (id), entity1 bigint NOT NULL REFERENCES area (id));
    CREATE UNIQUE INDEX l_area_area_uniq ON l_area_area (entity0, entity1);
    CREATE TABLE election (id bigint PRIMARY KEY,
        seconder_1 bigint REFERENCES editor (id), seconder_2 bigint REFERENCES editor (id));
    CREATE TABLE language (id bigint PRIMARY KEY, iso_code_1 char(2), iso_code_3 char(3));
    """
    found = lint_script(parse_script(sql), select=["no-repeating-groups"]).diagnostics
    assert [d.message for d in found] == [
        "Move the repeating group seconder_1, seconder_2 of election to a seconder table"
    ]


def test_a_shared_column_set_is_a_design_finding_of_the_file_that_creates_the_table() -> None:
    from dbarch.tools.lint.engine import lint_script
    from dbarch.tools.schema.from_sql import schema_from_sql
    from dbarch.tools.sql.parse import parse_script

    existing = schema_from_sql(
        "CREATE TABLE customers (id bigint PRIMARY KEY, street text, city text, postal_code text);\n"
        "CREATE TABLE suppliers (id bigint PRIMARY KEY, street text, city text, postal_code text);\n"
    )
    found = lint_script(parse_script("ALTER TABLE suppliers ADD COLUMN rating int;"), existing=existing,
                        select=["no-duplicated-column-set"]).diagnostics
    assert found == ()  # the migration adds a rating; the old design is not this file's finding
