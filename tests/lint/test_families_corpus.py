"""The labelled snippets of each squawk rule family (tests/fixtures/lint/families/*.sql, written
here, never copied): every snippet must make one of its family's dbarch rules fire, and the
safe spellings next to them must not."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dbarch.tools.lint.corpus import FamilyCase, load_families, read_families
from dbarch.tools.lint.engine import lint_script
from dbarch.tools.lint.registry import BY_ID
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "lint" / "families"
CASES = load_families(FOLDER)


def rules_fired(sql: str, existing: str = "", *, assume: bool = False, select: list[str] | None = None) -> list[str]:
    schema = schema_from_sql(existing) if existing else None
    report = lint_script(parse_script(textwrap.dedent(sql).strip() + "\n"), existing=schema,
                         assume_in_transaction=assume, select=select)
    return [d.rule for d in report.diagnostics]


def test_the_corpus_covers_the_issue_families() -> None:
    for family in ("ban-duplicate-column-assignments", "transaction-nesting", "require-enum-value-ordering",
                   "require-concurrent-index-deletion", "ban-create-domain-with-constraint",
                   "ban-alter-domain-with-add-constraint", "ban-drop-database",
                   "ban-concurrent-index-creation-in-transaction", "require-lock-timeout"):
        assert sum(c.family == family for c in CASES) >= 3, family
    assert all(r in BY_ID for c in CASES for r in c.rules)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.family}: {c.name}")
def test_each_snippet_fires_its_family(case: FamilyCase) -> None:
    fired = rules_fired(case.sql, case.existing, assume=case.assume_in_transaction)
    assert set(fired) & set(case.rules), f"{case.where}: none of {case.rules} in {fired}"


def test_reader_keeps_directives_per_case() -> None:
    text = "-- family: f\n-- rules: a, b\n-- case: one\n-- existing: CREATE TABLE t (id int);\n-- assume-in-transaction\nSELECT 1;\n-- case: two\nSELECT 2;\n"
    one, two = read_families(text, "x.sql")
    assert (one.rules, one.existing, one.assume_in_transaction, one.sql) == (("a", "b"), "CREATE TABLE t (id int);", True, "SELECT 1;\n")
    assert (two.existing, two.assume_in_transaction) == ("", False)


@pytest.mark.parametrize("sql", [
    "UPDATE t SET a = 1, b = 2;",
    "UPDATE t SET pos.x = 1, pos.y = 2;",
    "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = excluded.b;",
    'CREATE TABLE t (a int, "A" int);',
    "CREATE VIEW v AS SELECT a.id, b.id AS b_id FROM a JOIN b ON b.a_id = a.id;",
])
def test_distinct_columns_are_not_duplicates(sql: str) -> None:
    assert "duplicate-column-assignment" not in rules_fired(sql)


def test_transactions_that_pair_up_are_silent() -> None:
    sql = "BEGIN;\nCREATE TABLE a (id bigint PRIMARY KEY);\nCOMMIT;\nSTART TRANSACTION;\nCREATE TABLE b (id bigint PRIMARY KEY);\nEND;"
    fired = rules_fired(sql, select=["migration"])
    assert "transaction-nesting" not in fired and "uncommitted-transaction" not in fired
    assert "transaction-nesting" in rules_fired(sql, assume=True, select=["migration"])


def test_set_local_outside_a_transaction_is_called_a_no_op() -> None:
    sql = "SET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;"
    existing = "CREATE TABLE users (id bigint PRIMARY KEY);"
    report = lint_script(parse_script(sql), existing=schema_from_sql(existing), select=["missing-lock-timeout"])
    [d] = report.diagnostics
    assert "line 1 does nothing" in d.message and "--assume-in-transaction" in d.message
    wrapped = lint_script(parse_script(sql), existing=schema_from_sql(existing), select=["missing-lock-timeout"],
                          assume_in_transaction=True)
    assert wrapped.diagnostics == ()


def test_concurrently_alone_in_a_wrapped_file_is_left_to_the_runner() -> None:
    sql = "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);"
    assert "concurrently-in-transaction" not in rules_fired(sql, assume=True)


def test_drop_index_of_an_index_created_earlier_is_silent() -> None:
    sql = "CREATE INDEX IF NOT EXISTS t_a_idx ON t (a);\nDROP INDEX t_a_idx;"
    assert "drop-index-non-concurrently" not in rules_fired(sql, "CREATE TABLE t (a int);")
    assert "drop-index-non-concurrently" not in rules_fired("DROP INDEX IF EXISTS gone_idx;", "CREATE TABLE t (a int);")


def test_rename_without_column_keyword_is_a_column_rename() -> None:
    fired = rules_fired("ALTER TABLE t RENAME a TO b;", "CREATE TABLE t (a int);")
    assert "rename-column" in fired and "rename-table" not in fired


def test_domain_check_in_a_schema_file_is_a_design_choice() -> None:
    sql = "CREATE DOMAIN percent AS numeric CHECK (VALUE BETWEEN 0 AND 100);\nCREATE TABLE grades (id bigint PRIMARY KEY, score percent);"
    assert "create-domain-with-constraint" not in rules_fired(sql)
