"""Migration-safety rules: what fires on a live table, what stays silent on a new one.

Each test reads as a specification: a current schema (the tables that already exist), a
migration, and the findings of one rule (``rule id -> lines``).
"""

from __future__ import annotations

import re
import textwrap

import pytest

from dbarch.tools.lint.base import Rule, split_example
from dbarch.tools.lint.engine import lint_script
from dbarch.tools.lint.rules.migration import RULES
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

CURRENT = """
CREATE TABLE orgs (id bigint PRIMARY KEY, name text);
CREATE TABLE users (id bigint PRIMARY KEY, org_id bigint, email varchar(100), age integer,
                    legacy text);
CREATE INDEX users_email_idx ON users (email);
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
"""


def lines(sql: str, rule: str, current: str | None = CURRENT) -> list[int]:
    """Lines where ``rule`` fires on ``sql`` run against the ``current`` schema."""
    existing = schema_from_sql(current) if current else None
    report = lint_script(parse_script(textwrap.dedent(sql).strip()), existing=existing, select=[rule])
    return [d.line for d in report.diagnostics if d.rule == rule]


# --- the docstring examples: the bad one fires, the good one does not -----------------------


def _examples(rule: type[Rule]) -> tuple[str, str]:
    blocks = re.findall(r"```sql\n(.*?)```", rule.__doc__ or "", re.S)
    return textwrap.dedent(blocks[0]), textwrap.dedent(blocks[1])


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docstring_examples(rule: type[Rule]) -> None:
    bad, good = _examples(rule)
    for sql, should_fire in ((bad, True), (good, False)):
        current, body = split_example(sql)
        assert bool(lines(body, rule.id, current or None)) is should_fire, (rule.id, body)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_messages_name_a_lock_and_hints_a_sequence(rule: type[Rule]) -> None:
    assert rule.family == "migration"
    assert rule.hint
    doc = rule.__doc__ or ""
    for section in ("## What it does", "## Why is this bad", "## Example", "## Use instead"):
        assert section in doc
    no_lock = {"concurrently-in-transaction", "enum-add-value-without-position", "not-retryable",
               "transaction-nesting", "uncommitted-transaction", "drop-database"}
    if rule.id not in no_lock:
        assert any(mode in rule.message for mode in ("ACCESS EXCLUSIVE", "SHARE", "lock")), rule.id


# --- the known squawk false positives ---------------------------------------------------------


def test_index_on_a_table_created_in_the_same_migration_is_fine() -> None:
    sql = """
        CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint NOT NULL);
        CREATE INDEX invoices_user_idx ON invoices (user_id);
        ALTER TABLE invoices ADD CONSTRAINT invoices_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
        ALTER TABLE invoices ADD COLUMN total numeric NOT NULL;
        ALTER TABLE invoices ALTER COLUMN user_id TYPE integer;
    """
    for rule in ("create-index-non-concurrently", "add-foreign-key-without-not-valid",
                 "add-not-null-column-without-default", "change-column-type"):
        assert lines(sql, rule) == [], rule
    # only the foreign key reaches a live table: it waits for SHARE ROW EXCLUSIVE on users
    assert lines(sql, "missing-lock-timeout") == [3]
    assert lines("CREATE TABLE t (id bigint);\nCREATE INDEX t_id ON t (id);", "missing-lock-timeout") == []


def test_concurrent_index_outside_a_transaction_is_fine() -> None:
    sql = """
        SET lock_timeout = '2s';
        CREATE INDEX CONCURRENTLY IF NOT EXISTS users_age_idx ON users (age);
        DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
    """
    report = lint_script(parse_script(textwrap.dedent(sql)), existing=schema_from_sql(CURRENT), select=["migration"])
    assert report.diagnostics == ()


# --- indexes and transactions ----------------------------------------------------------------


def test_plain_index_on_existing_table_fires() -> None:
    assert lines("CREATE INDEX users_age_idx ON users (age);", "create-index-non-concurrently") == [1]


def test_without_a_current_schema_a_table_the_script_does_not_create_exists() -> None:
    assert lines("CREATE INDEX t_x_idx ON t (x);", "create-index-non-concurrently", current=None) == [1]


def test_with_a_current_schema_an_unknown_table_is_not_judged() -> None:
    assert lines("CREATE INDEX t_x_idx ON t (x);", "create-index-non-concurrently") == []


def test_drop_and_recreate_counts_the_drop() -> None:
    sql = "DROP TABLE orgs;\nCREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE INDEX orgs_id ON orgs (id);"
    assert lines(sql, "drop-table") == [1]
    assert lines(sql, "create-index-non-concurrently") == []


@pytest.mark.parametrize("begin", ["BEGIN", "START TRANSACTION", "BEGIN TRANSACTION"])
def test_concurrently_inside_a_transaction_fails(begin: str) -> None:
    sql = f"{begin};\nCREATE INDEX CONCURRENTLY users_age_idx ON users (age);\nCOMMIT;\nDROP INDEX CONCURRENTLY users_age_idx;"
    assert lines(sql, "concurrently-in-transaction") == [2]


def test_drop_index_of_existing_table() -> None:
    assert lines("DROP INDEX users_email_idx;", "drop-index-non-concurrently") == [1]
    assert lines("DROP INDEX CONCURRENTLY users_email_idx;", "drop-index-non-concurrently") == []


# --- lock_timeout ----------------------------------------------------------------------------


def test_missing_lock_timeout_fires_once_at_the_first_lock() -> None:
    sql = "CREATE TABLE t (id bigint);\nALTER TABLE users ADD COLUMN x text;\nALTER TABLE orgs ADD COLUMN y text;"
    assert lines(sql, "missing-lock-timeout") == [2]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("SET lock_timeout = '2s'", []), ("SET lock_timeout TO 2000", []), ("SET lock_timeout = 0", [3])],
)
def test_lock_timeout_setting(setting: str, expected: list[int]) -> None:
    assert lines(f"{setting};\n\nALTER TABLE users ADD COLUMN x text;", "missing-lock-timeout") == expected


def test_set_local_lock_timeout_ends_with_the_transaction() -> None:
    sql = "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE users ADD COLUMN x text;\nCOMMIT;\nALTER TABLE orgs ADD COLUMN y text;"
    assert lines(sql, "missing-lock-timeout") == [5]


# --- columns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "fires"),
    [
        ("status text NOT NULL", True),
        ("id2 bigint PRIMARY KEY", True),
        ("status text NOT NULL DEFAULT 'new'", False),
        ("n bigint GENERATED ALWAYS AS IDENTITY NOT NULL", False),
        ("note text", False),
    ],
)
def test_add_not_null_column(column: str, fires: bool) -> None:
    sql = f"ALTER TABLE users ADD COLUMN {column};"
    assert bool(lines(sql, "add-not-null-column-without-default")) is fires


def test_set_not_null_needs_a_validated_check() -> None:
    direct = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
    unvalidated = "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\n" + direct
    safe = (
        "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\n"
        "ALTER TABLE users VALIDATE CONSTRAINT c;\n" + direct
    )
    assert lines(direct, "set-not-null") == [1]
    assert lines(unvalidated, "set-not-null") == [2]
    assert lines(safe, "set-not-null") == []
    proven = CURRENT + "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL);"
    assert lines(direct, "set-not-null", current=proven) == []


@pytest.mark.parametrize(
    ("change", "fires"),
    [
        ("age TYPE bigint", True),
        ("email TYPE varchar(200)", False),
        ("email TYPE text", False),
        ("email SET DATA TYPE varchar(50)", True),
        ("legacy TYPE varchar(10)", True),
        ("age TYPE bigint USING age::bigint", True),
    ],
)
def test_change_column_type(change: str, fires: bool) -> None:
    assert bool(lines(f"ALTER TABLE users ALTER COLUMN {change};", "change-column-type")) is fires


@pytest.mark.parametrize(
    ("rule", "sql"),
    [
        ("rename-column", "ALTER TABLE users RENAME COLUMN email TO mail;"),
        ("rename-table", "ALTER TABLE users RENAME TO people;"),
        ("drop-column", "ALTER TABLE users DROP COLUMN IF EXISTS legacy;"),
        ("drop-table", "DROP TABLE IF EXISTS users, orgs;"),
        ("truncate-cascade", "TRUNCATE orgs CASCADE;"),
    ],
)
def test_breaking_changes_fire_on_existing_tables_only(rule: str, sql: str) -> None:
    assert lines(sql, rule)
    fresh = "CREATE TABLE users (id bigint, email text, legacy text);\nCREATE TABLE orgs (id bigint);\n"
    assert lines(fresh + sql, rule, current=None) == []


def test_truncate_without_cascade_is_fine() -> None:
    assert lines("TRUNCATE orgs;", "truncate-cascade") == []


@pytest.mark.parametrize(
    ("column", "fires"),
    [
        ("token uuid DEFAULT gen_random_uuid()", True),
        ("r float8 DEFAULT random()", True),
        ("at timestamptz DEFAULT clock_timestamp()", True),
        ("n bigserial", True),
        ("n bigint GENERATED ALWAYS AS IDENTITY", True),
        ("at timestamptz DEFAULT now()", False),
        ("flag boolean NOT NULL DEFAULT false", False),
    ],
)
def test_volatile_default_rewrite(column: str, fires: bool) -> None:
    assert bool(lines(f"ALTER TABLE users ADD COLUMN {column};", "volatile-default-rewrite")) is fires


# --- constraints -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "bad", "good"),
    [
        (
            "add-foreign-key-without-not-valid",
            "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id);",
            "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;",
        ),
        (
            "add-check-without-not-valid",
            "ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18);",
            "ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18) NOT VALID;",
        ),
        (
            "add-unique-constraint-in-place",
            "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
            "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;",
        ),
        (
            "add-primary-key-in-place",
            "ALTER TABLE orgs ADD PRIMARY KEY (name);",
            "ALTER TABLE orgs ADD CONSTRAINT orgs_pkey PRIMARY KEY USING INDEX orgs_name_idx;",
        ),
    ],
)
def test_constraints_built_in_place(rule: str, bad: str, good: str) -> None:
    assert lines(bad, rule) == [1]
    assert lines(good, rule) == []


def test_a_new_column_with_references_is_validated_by_a_scan() -> None:
    sql = "ALTER TABLE users ADD COLUMN team_id bigint REFERENCES orgs (id);"
    assert lines(sql, "add-foreign-key-without-not-valid") == [1]


def test_unique_and_primary_key_columns_added_in_place() -> None:
    assert lines("ALTER TABLE users ADD COLUMN handle text UNIQUE;", "add-unique-constraint-in-place") == [1]
    assert lines("ALTER TABLE orgs ADD COLUMN n bigserial PRIMARY KEY;", "add-primary-key-in-place") == [1]


# --- enums and retries -----------------------------------------------------------------------


def test_enum_value_position() -> None:
    assert lines("ALTER TYPE mood ADD VALUE 'meh';", "enum-add-value-without-position") == [1]
    assert lines("ALTER TYPE mood ADD VALUE 'meh' AFTER 'sad';", "enum-add-value-without-position") == []
    new = "CREATE TYPE color AS ENUM ('red');\nALTER TYPE color ADD VALUE 'blue';"
    assert lines(new, "enum-add-value-without-position") == []


def test_add_constraint_is_retryable_after_drop_constraint_if_exists() -> None:
    add = "ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18) NOT VALID;"
    assert lines(add, "not-retryable") == [1]
    assert lines("ALTER TABLE users DROP CONSTRAINT IF EXISTS adult;\n" + add, "not-retryable") == []


def test_not_retryable_only_in_migrations_outside_transactions() -> None:
    migration = "CREATE TABLE t (id bigint);\nALTER TABLE users ADD COLUMN x text;"
    assert lines(migration, "not-retryable") == [1, 2]
    assert lines("BEGIN;\n" + migration + "\nCOMMIT;", "not-retryable") == []
    assert lines("CREATE TABLE t (id bigint);", "not-retryable", current=None) == []
    robust = "CREATE TABLE IF NOT EXISTS t (id bigint);\nALTER TABLE users ADD COLUMN IF NOT EXISTS x text;"
    assert lines(robust, "not-retryable") == []
