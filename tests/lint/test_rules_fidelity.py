"""Rule fixes found by linting squawk's own rule tests (bench/bench_lint_fidelity.py
--squawk-repo): each case here is written for this file, in our own SQL, and failed before
the fix it pins."""

from __future__ import annotations

import textwrap

from dbarch.tools.lint.engine import apply_edits, lint_script
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script


def fired(sql: str, rule: str, *, existing: str = "", assume: bool = False) -> list[int]:
    """Lines where ``rule`` fires on ``sql``."""
    schema = schema_from_sql(existing) if existing else None
    report = lint_script(parse_script(textwrap.dedent(sql).strip() + "\n"), existing=schema, select=[rule],
                         assume_in_transaction=assume)
    return [d.line for d in report.diagnostics if d.rule == rule]


def fixed(sql: str, rule: str) -> str:
    report = lint_script(parse_script(sql), select=[rule])
    return apply_edits(sql, report.edits)


# -- column types: bare char, arrays, ALTER COLUMN ... TYPE ------------------------------------

def test_char_without_a_length_is_still_blank_padded() -> None:
    sql = """
    CREATE TABLE flags (
        id bigint PRIMARY KEY,
        grade char,
        shelf character,
        code bpchar,
        label nchar(4),
        tags char(3)[]
    );
    """
    assert fired(sql, "prefer-text-over-char") == [3, 4, 5, 6, 7]


def test_the_quoted_one_byte_char_type_is_another_type() -> None:
    assert fired('CREATE TABLE t (id bigint PRIMARY KEY, kind "char" NOT NULL);', "prefer-text-over-char") == []


def test_type_rules_read_alter_column_type() -> None:
    sql = """
    ALTER TABLE shipments ALTER COLUMN carrier TYPE char(8);
    ALTER TABLE shipments ALTER COLUMN sent_at TYPE timestamp(0) without time zone;
    ALTER TABLE shipments ALTER COLUMN note SET DATA TYPE varchar(400);
    ALTER TABLE shipments ALTER COLUMN note TYPE text;
    """
    assert fired(sql, "prefer-text-over-char") == [1]
    assert fired(sql, "prefer-timestamptz") == [2]
    assert fired(sql, "prefer-text-field") == [3]


def test_timestamp_arrays_are_flagged_and_fixed_as_arrays() -> None:
    sql = "CREATE TABLE readings (id bigint PRIMARY KEY, taken timestamp(3)[] NOT NULL);"
    assert fired(sql, "prefer-timestamptz") == [1]
    assert fixed(sql, "prefer-timestamptz") == "CREATE TABLE readings (id bigint PRIMARY KEY, taken timestamptz(3)[] NOT NULL);"


def test_pg_catalog_char_is_the_one_byte_type() -> None:
    # PostgreSQL: 'x'::pg_catalog.char is of type "char", not character(1)
    assert fired("CREATE TABLE t (id bigint PRIMARY KEY, kind pg_catalog.char NOT NULL);", "prefer-text-over-char") == []


# -- duplicate column assignments ---------------------------------------------------------------

def test_whole_column_and_one_of_its_fields_in_one_set() -> None:
    sql = """
    UPDATE parcels SET dims = ROW(1, 2, 3), dims.width = 4 WHERE id = 1;
    UPDATE parcels SET dims.width = 4, dims.height = 5 WHERE id = 2;
    UPDATE parcels SET dims.width = 4, dims.width = 5 WHERE id = 3;
    """
    assert fired(sql, "duplicate-column-assignment") == [1, 3]


def test_merge_insert_column_list() -> None:
    sql = """
    MERGE INTO stock s USING incoming i ON s.sku = i.sku
    WHEN NOT MATCHED THEN INSERT (sku, qty, sku) VALUES (i.sku, i.qty, i.sku);
    """
    assert fired(sql, "duplicate-column-assignment") == [2]


def test_inferred_output_names_of_views_and_new_tables() -> None:
    sql = """
    CREATE VIEW totals AS SELECT 10, 20;
    CREATE VIEW pairs AS SELECT a.id, b.id FROM a JOIN b ON b.a_id = a.id;
    CREATE TABLE snapshot AS SELECT sku AS code, name AS code FROM items;
    SELECT sku AS k, qty AS k INTO backup_items FROM items;
    SELECT sku AS k, qty AS k FROM items;
    CREATE VIEW fine AS SELECT 10 AS ten, 20 AS twenty, lower(name), upper(name) FROM items;
    """
    assert fired(sql, "duplicate-column-assignment") == [1, 2, 3, 4]


def test_foreign_table_columns() -> None:
    sql = """
    CREATE FOREIGN TABLE remote_items (sku text, qty integer, SKU text) SERVER warehouse;
    CREATE FOREIGN TABLE remote_ok (sku text, qty integer) SERVER warehouse;
    """
    assert fired(sql, "duplicate-column-assignment") == [1]


def test_names_longer_than_63_bytes_are_truncated_before_comparing() -> None:
    stem = "a_very_long_column_name_that_keeps_going_and_going_and_going_on_"
    sql = f"UPDATE t SET {stem}x = 1, {stem}y = 2;"
    assert fired(sql, "duplicate-column-assignment") == [1]


# -- NOT VALID then VALIDATE in one transaction -------------------------------------------------

LIVE = """
CREATE TABLE vendors (id bigint PRIMARY KEY);
CREATE TABLE invoices (id bigint PRIMARY KEY, vendor_id bigint, total numeric);
"""


def test_validate_before_commit_keeps_the_add_lock() -> None:
    sql = """
    BEGIN;
    ALTER TABLE invoices ADD CONSTRAINT invoices_vendor_fk FOREIGN KEY (vendor_id) REFERENCES vendors (id) NOT VALID;
    ALTER TABLE invoices ADD CONSTRAINT invoices_total_ck CHECK (total >= 0) NOT VALID;
    ALTER TABLE invoices VALIDATE CONSTRAINT invoices_vendor_fk;
    ALTER TABLE invoices VALIDATE CONSTRAINT invoices_total_ck;
    COMMIT;
    """
    assert fired(sql, "add-foreign-key-without-not-valid", existing=LIVE) == [4]
    assert fired(sql, "add-check-without-not-valid", existing=LIVE) == [5]


def test_validate_after_commit_is_the_safe_recipe() -> None:
    sql = """
    BEGIN;
    ALTER TABLE invoices ADD CONSTRAINT invoices_vendor_fk FOREIGN KEY (vendor_id) REFERENCES vendors (id) NOT VALID;
    COMMIT;
    ALTER TABLE invoices VALIDATE CONSTRAINT invoices_vendor_fk;
    """
    assert fired(sql, "add-foreign-key-without-not-valid", existing=LIVE) == []


def test_a_runner_wrapping_the_file_makes_it_one_transaction() -> None:
    sql = """
    ALTER TABLE invoices ADD CONSTRAINT invoices_total_ck CHECK (total >= 0) NOT VALID;
    ALTER TABLE invoices VALIDATE CONSTRAINT invoices_total_ck;
    """
    assert fired(sql, "add-check-without-not-valid", existing=LIVE) == []
    assert fired(sql, "add-check-without-not-valid", existing=LIVE, assume=True) == [2]


# -- volatile defaults: PostgreSQL's own list, and functions dbarch cannot see -------------------

ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz);"


def test_builtin_volatile_functions_beyond_random() -> None:
    sql = """
    ALTER TABLE orders ADD COLUMN shuffled int[] DEFAULT array_shuffle(ARRAY[1, 2, 3]);
    ALTER TABLE orders ADD COLUMN jitter float8 DEFAULT random_normal();
    ALTER TABLE orders ADD COLUMN label text DEFAULT lower('NEW');
    ALTER TABLE orders ADD COLUMN due timestamptz DEFAULT now() + make_interval(days => 3);
    """
    assert fired(sql, "volatile-default-rewrite", existing=ORDERS) == [1, 2]


def test_a_function_nobody_declared_is_taken_as_volatile_and_said_so() -> None:
    report = lint_script(parse_script("ALTER TABLE orders ADD COLUMN ref text DEFAULT make_order_ref();\n"),
                         existing=schema_from_sql(ORDERS), select=["volatile-default-rewrite"])
    assert [d.line for d in report.diagnostics] == [1]
    assert "cannot see" in report.diagnostics[0].message and "IMMUTABLE or STABLE" in report.diagnostics[0].message


def test_functions_the_script_declares_count_with_their_volatility() -> None:
    sql = """
    CREATE FUNCTION order_prefix() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'ORD' $$;
    CREATE OR REPLACE FUNCTION order_token() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
    ALTER TABLE orders ADD COLUMN prefix text DEFAULT order_prefix();
    ALTER TABLE orders ADD COLUMN token text DEFAULT order_token();
    """
    assert fired(sql, "volatile-default-rewrite", existing=ORDERS) == [4]


def test_a_drop_spelling_a_name_longer_than_63_bytes() -> None:
    long_name = "quarterly_revenue_reconciliation_adjustments_for_subsidiaries_archive"
    sql = f"DROP TABLE {long_name};\nDROP INDEX IF EXISTS {long_name}_idx;\nDROP TABLE short_name;\n"
    assert fired(sql, "identifier-too-long") == [1, 2]


def test_arrays_of_ids_are_ids_too() -> None:
    sql = """
    CREATE TABLE playlists (
        id bigint PRIMARY KEY,
        track_ids integer[] NOT NULL,
        ids smallint[],
        ratings integer[],
        plays integer
    );
    """
    assert fired(sql, "prefer-bigint-over-int") == [3, 4]


# -- not-retryable ------------------------------------------------------------------------------

def test_dropping_types_and_functions_without_if_exists() -> None:
    sql = """
    DROP TYPE shipment_status;
    DROP FUNCTION refresh_totals();
    DROP TYPE IF EXISTS legacy_status;
    """
    assert fired(sql, "not-retryable") == [1, 2]


def test_the_guarding_drop_must_follow_the_previous_add() -> None:
    sql = """
    ALTER TABLE parcels DROP CONSTRAINT IF EXISTS parcels_weight_ck;
    ALTER TABLE parcels ADD CONSTRAINT parcels_weight_ck CHECK (weight > 0) NOT VALID;
    ALTER TABLE parcels ADD CONSTRAINT parcels_weight_ck CHECK (weight >= 0) NOT VALID;
    ALTER TABLE parcels DROP CONSTRAINT IF EXISTS parcels_weight_ck;
    ALTER TABLE parcels ADD CONSTRAINT parcels_weight_ck CHECK (weight > 1) NOT VALID;
    """
    assert fired(sql, "not-retryable") == [3]


# -- findings reviewed by hand on pagila --------------------------------------------------------

def test_a_reference_to_a_table_beyond_the_script_says_nothing_about_width() -> None:
    sql = "CREATE TABLE rentals (id bigint PRIMARY KEY, film_id integer NOT NULL REFERENCES films (id));"
    assert fired(sql, "prefer-bigint-over-int") == []


def test_bookkeeping_timestamps_are_not_a_shared_column_set() -> None:
    sql = """
    CREATE TABLE actors (id bigint PRIMARY KEY, first_name text, last_name text, last_update timestamptz);
    CREATE TABLE clients (id bigint PRIMARY KEY, first_name text, last_name text, last_update timestamptz);
    CREATE TABLE agents (id bigint PRIMARY KEY, first_name text, last_name text, email text, date_modified timestamptz);
    CREATE TABLE brokers (id bigint PRIMARY KEY, first_name text, last_name text, email text, date_modified timestamptz);
    """
    assert fired(sql, "no-duplicated-column-set") == [4]


def test_dropping_a_function_the_script_created_is_not_a_migration() -> None:
    sql = """
    CREATE TABLE nodes (id bigint PRIMARY KEY, path text);
    CREATE FUNCTION convert_nodes() RETURNS void LANGUAGE sql AS $$ UPDATE nodes SET path = '/' $$;
    SELECT convert_nodes();
    DROP FUNCTION convert_nodes();
    ALTER TABLE nodes DROP COLUMN path;
    """
    assert fired(sql, "not-retryable") == []


# -- REINDEX and DETACH PARTITION (new rules), and locks sqlglot cannot read ---------------------

SHOP = """
CREATE TABLE carts (id bigint PRIMARY KEY, owner text);
CREATE INDEX carts_owner_idx ON carts (owner);
CREATE TABLE visits (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
"""


def test_reindex_without_concurrently_on_existing_objects() -> None:
    sql = """
    REINDEX TABLE carts;
    REINDEX (CONCURRENTLY false) INDEX carts_owner_idx;
    REINDEX (CONCURRENTLY) TABLE carts;
    REINDEX INDEX CONCURRENTLY carts_owner_idx;
    REINDEX SYSTEM shopdb;
    CREATE TABLE drafts (id bigint PRIMARY KEY);
    REINDEX TABLE drafts;
    """
    assert fired(sql, "reindex-non-concurrently", existing=SHOP) == [1, 2]


def test_detach_partition_without_concurrently() -> None:
    sql = """
    ALTER TABLE visits DETACH PARTITION visits_2024;
    ALTER TABLE visits DETACH PARTITION visits_2023 CONCURRENTLY;
    ALTER TABLE visits DETACH PARTITION visits_2022 FINALIZE;
    """
    assert fired(sql, "detach-partition-non-concurrently", existing=SHOP) == [1]


def test_timeouts_see_locks_in_statements_sqlglot_cannot_read() -> None:
    for sql in ("REINDEX TABLE carts;", "LOCK TABLE carts IN SHARE MODE;",
                "ALTER TABLE carts ADD CONSTRAINT carts_owner_key UNIQUE USING INDEX carts_owner_idx;",
                "ALTER TABLE visits DETACH PARTITION visits_2024;"):
        assert fired(sql, "missing-lock-timeout", existing=SHOP) == [1], sql
    for sql in ("LOCK TABLE carts IN ACCESS SHARE MODE;", "ALTER TABLE visits DETACH PARTITION visits_2024 CONCURRENTLY;",
                "ALTER TABLE carts OWNER TO app;", "REINDEX TABLE CONCURRENTLY carts;"):
        assert fired(sql, "missing-lock-timeout", existing=SHOP) == [], sql


# -- SET NOT NULL after validating a check the current schema holds NOT VALID --------------------

def test_validating_an_existing_not_valid_check_proves_not_null() -> None:
    existing = """
    CREATE TABLE members (id bigint PRIMARY KEY, email text);
    ALTER TABLE members ADD CONSTRAINT members_email_nn CHECK (email IS NOT NULL) NOT VALID;
    """
    sql = """
    ALTER TABLE members VALIDATE CONSTRAINT members_email_nn;
    ALTER TABLE members ALTER COLUMN email SET NOT NULL;
    """
    assert fired(sql, "set-not-null", existing=existing) == []
    assert fired("ALTER TABLE members ALTER COLUMN email SET NOT NULL;", "set-not-null", existing=existing) == [1]


def test_a_constraint_validated_but_never_seen_is_named_in_the_finding() -> None:
    sql = "ALTER TABLE members VALIDATE CONSTRAINT members_email_nn;\nALTER TABLE members ALTER COLUMN email SET NOT NULL;\n"
    report = lint_script(parse_script(sql), select=["set-not-null"])
    (finding,) = report.diagnostics
    assert "members_email_nn" in finding.message and "--schema" in finding.message
