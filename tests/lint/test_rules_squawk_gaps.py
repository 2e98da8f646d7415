"""The rules that close squawk's gaps, as specifications: where each fires, where it stays silent.

``prefer-bigint-over-int`` and ``prefer-text-field`` are added to the engine's rule list for
these tests until the registry lists them (see ``test_rules_pending.py``).
"""

from __future__ import annotations

import textwrap

import pytest

from dbarch.tools.lint import engine
from dbarch.tools.lint.registry import RULES
from dbarch.tools.lint.rules.integrity import PreferBigintOverInt
from dbarch.tools.lint.rules.types import PreferTextField
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

CURRENT = """
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, age integer);
"""


@pytest.fixture(autouse=True)
def _all_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tuple(r for r in (PreferBigintOverInt, PreferTextField) if r not in RULES)
    monkeypatch.setattr(engine, "RULES", (*RULES, *extra))


def found(sql: str, rule: str, current: str | None = CURRENT) -> list[tuple[int, str]]:
    existing = schema_from_sql(current) if current else None
    report = engine.lint_script(parse_script(textwrap.dedent(sql).strip()), existing=existing, select=[rule])
    return [(d.line, d.message) for d in report.diagnostics if d.rule == rule]


def test_drop_not_null_fires_on_a_live_table_only() -> None:
    assert [line for line, _ in found("ALTER TABLE users ALTER COLUMN email DROP NOT NULL;", "ban-drop-not-null")] == [1]
    new = """
    CREATE TABLE invites (id bigint PRIMARY KEY, email text NOT NULL);
    ALTER TABLE invites ALTER COLUMN email DROP NOT NULL;
    """
    assert found(new, "ban-drop-not-null") == []
    assert found("ALTER TABLE users ALTER COLUMN email DROP DEFAULT;", "ban-drop-not-null") == []


def test_domain_constraint_fires_unless_the_domain_is_new() -> None:
    assert found("ALTER DOMAIN qty ADD CONSTRAINT qty_pos CHECK (VALUE > 0);", "ban-alter-domain-with-add-constraint")
    not_valid = found("ALTER DOMAIN qty ADD CONSTRAINT qty_pos CHECK (VALUE > 0) NOT VALID;", "ban-alter-domain-with-add-constraint")
    assert len(not_valid) == 1 and "VALIDATE" in not_valid[0][1]
    new = """
    CREATE DOMAIN qty AS integer;
    ALTER DOMAIN qty ADD CONSTRAINT qty_pos CHECK (VALUE > 0);
    """
    assert found(new, "ban-alter-domain-with-add-constraint") == []
    assert found("ALTER DOMAIN qty DROP CONSTRAINT IF EXISTS qty_pos;", "ban-alter-domain-with-add-constraint") == []


@pytest.mark.parametrize(
    ("sql", "lines"),
    [
        ("ALTER TABLE users ALTER COLUMN email SET NOT NULL;", [1]),
        ("SET statement_timeout = '30s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", []),
        ("SET statement_timeout = 0;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", [2]),
        # SET LOCAL outside a transaction does nothing (PostgreSQL warns and ignores it)
        ("SET LOCAL statement_timeout = '30s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", [2]),
        ("BEGIN;\nSET LOCAL statement_timeout = '30s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nCOMMIT;", []),
        # the transaction ended: SET LOCAL no longer holds
        ("BEGIN;\nSET LOCAL statement_timeout = '30s';\nCOMMIT;\nALTER TABLE users DROP COLUMN age;", [4]),
        # new tables take no lock worth a timeout
        ("CREATE TABLE t (id bigint PRIMARY KEY);\nCREATE INDEX ON t (id);", []),
        # concurrent builds must not be cut short: no finding without a timeout
        ("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_age_idx ON users (age);", []),
    ],
)
def test_statement_timeout(sql: str, lines: list[int]) -> None:
    assert [line for line, _ in found(sql, "require-statement-timeout")] == lines


def test_bigint_over_int_on_ids_and_foreign_keys_only() -> None:
    sql = """
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    CREATE TABLE statuses (id smallint PRIMARY KEY, label text NOT NULL);
    CREATE TABLE orders (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id integer NOT NULL REFERENCES customers (id),
        status_id smallint NOT NULL REFERENCES statuses (id),
        legacy_id integer,
        quantity integer NOT NULL
    );
    """
    got = found(sql, "prefer-bigint-over-int", None)
    assert [line for line, _ in got] == [2, 5, 7]
    assert "references customers.id (bigint) as integer" in got[1][1]


def test_bigint_over_int_leaves_generated_int_keys_to_the_primary_key_rule() -> None:
    sql = "CREATE TABLE events (id serial PRIMARY KEY);"
    assert found(sql, "prefer-bigint-over-int", None) == []
    assert found(sql, "prefer-bigint-primary-key", None)


def test_bigint_over_int_reads_the_current_schema_for_the_parent_key() -> None:
    sql = "ALTER TABLE users ADD COLUMN IF NOT EXISTS referrer_customer_id integer REFERENCES customers (id);"
    assert [line for line, _ in found(sql, "prefer-bigint-over-int")] == [1]
    assert found("ALTER TABLE users ADD COLUMN IF NOT EXISTS score integer;", "prefer-bigint-over-int") == []


def test_text_field_flags_varchar_with_a_length_only() -> None:
    sql = "CREATE TABLE t (id bigint PRIMARY KEY, a varchar(40), b varchar, c text, d varchar(36), user_uuid varchar(36));"
    assert [m.split("(column ")[1] for _, m in found(sql, "prefer-text-field", None)] == ["a)", "d)"]
