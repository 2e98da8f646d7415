"""Query rules: each fires on the anti-pattern and stays silent on the fix, or when the schema
says the pattern is harmless (a trigram index, a NOT NULL column, a matching expression index).
"""

from __future__ import annotations

import re
import textwrap

import pytest

from dbarch.tools.lint.base import Rule, split_example
from dbarch.tools.lint.engine import lint_script
from dbarch.tools.lint.rules.queries import RULES
from dbarch.tools.schema.from_sql import schema_from_sql
from dbarch.tools.sql.parse import parse_script

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, bio text,
                    created_at timestamptz NOT NULL);
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX users_created_idx ON users (created_at);
CREATE INDEX users_name_trgm ON users USING gin (name gin_trgm_ops);
CREATE INDEX users_lower_email_idx ON users (lower(email));
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, owner_id bigint NOT NULL, total numeric);
"""


def fires(sql: str, rule: str, schema: str | None = SCHEMA) -> int:
    """How many times ``rule`` fires on ``sql`` with ``schema`` as the current schema."""
    existing = schema_from_sql(schema) if schema else None
    report = lint_script(parse_script(textwrap.dedent(sql).strip()), existing=existing, select=[rule])
    return sum(1 for d in report.diagnostics if d.rule == rule)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docstring_examples(rule: type[Rule]) -> None:
    blocks = [textwrap.dedent(b) for b in re.findall(r"```sql\n(.*?)```", rule.__doc__ or "", re.S)]
    assert rule.family == "queries" and rule.hint and len(blocks) == 2
    for sql, should_fire in ((blocks[0], True), (blocks[1], False)):
        current, body = split_example(sql)
        assert bool(fires(body, rule.id, current or None)) is should_fire, (rule.id, body)


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("SELECT * FROM users", 1),
        ("SELECT u.*, o.id FROM users u JOIN orders o ON o.user_id = u.id", 1),
        ("CREATE VIEW v AS SELECT * FROM users", 1),
        ("SELECT id FROM users WHERE EXISTS (SELECT * FROM orders WHERE orders.user_id = users.id)", 0),
        ("SELECT count(*) FROM users", 0),
        ("SELECT id, email FROM users", 0),
    ],
)
def test_select_star(sql: str, count: int) -> None:
    assert fires(sql, "select-star") == count


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("INSERT INTO users VALUES (1, 'a@b.c')", 1),
        ("INSERT INTO orders SELECT * FROM orders", 1),
        ("INSERT INTO users (id, email) VALUES (1, 'a@b.c')", 0),
        ("INSERT INTO users DEFAULT VALUES", 0),
    ],
)
def test_insert_without_columns(sql: str, count: int) -> None:
    assert fires(sql, "insert-without-columns") == count


def test_order_by_random() -> None:
    assert fires("SELECT id FROM users ORDER BY random() LIMIT 1", "order-by-random") == 1
    assert fires("SELECT id FROM users ORDER BY created_at DESC LIMIT 1", "order-by-random") == 0


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("SELECT id FROM users WHERE email LIKE '%@example.com'", 1),
        ("SELECT id FROM users WHERE email ILIKE '_da%'", 1),
        ("SELECT id FROM users u WHERE u.bio LIKE '%' || 'x'", 1),
        ("SELECT id FROM users WHERE name ILIKE '%ada%'", 0),  # trigram index on name
        ("SELECT id FROM users WHERE email LIKE 'ada%'", 0),  # a prefix can use the B-tree
        ("SELECT id FROM users WHERE email LIKE '%'", 0),
        ("SELECT id FROM mystery WHERE note LIKE '%x'", 0),  # unknown table: cannot decide
    ],
)
def test_leading_wildcard_like(sql: str, count: int) -> None:
    assert fires(sql, "leading-wildcard-like") == count


def test_a_trigram_index_later_in_the_same_script_counts() -> None:
    sql = """
        SELECT id FROM users WHERE bio LIKE '%rust%';
        CREATE INDEX CONCURRENTLY users_bio_trgm ON users USING gist (bio gist_trgm_ops);
    """
    assert fires(sql, "leading-wildcard-like") == 0


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM orders)", 1),
        ("SELECT id FROM users WHERE id NOT IN (SELECT x FROM mystery)", 1),  # unknown: may be NULL
        ("SELECT id FROM users WHERE id NOT IN (SELECT user_id + 0 FROM orders)", 1),
        ("SELECT id FROM users WHERE id NOT IN (SELECT owner_id FROM orders)", 0),  # NOT NULL
        ("SELECT id FROM users WHERE id NOT IN (SELECT id FROM orders)", 0),  # primary key
        ("SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM orders WHERE user_id IS NOT NULL)", 0),
        ("SELECT id FROM users WHERE id IN (SELECT user_id FROM orders)", 0),
        ("SELECT id FROM users WHERE id NOT IN (1, 2, 3)", 0),
    ],
)
def test_not_in_subquery(sql: str, count: int) -> None:
    assert fires(sql, "not-in-subquery") == count


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("SELECT id FROM users WHERE created_at::date = '2024-01-01'", 1),
        ("SELECT id FROM users WHERE date_trunc('day', created_at) = '2024-01-01'", 1),
        ("SELECT o.id FROM orders o JOIN users u ON upper(u.email) = 'X'", 1),
        ("UPDATE users SET bio = '' WHERE upper(email) = 'A@B.C'", 1),
        ("SELECT id FROM users WHERE lower(email) = 'a@b.c'", 0),  # expression index matches
        ("SELECT id FROM users WHERE lower(bio) = 'x'", 0),  # bio has no index at all
        ("SELECT id FROM users WHERE created_at >= '2024-01-01' AND created_at < '2024-01-02'", 0),
    ],
)
def test_function_on_indexed_column(sql: str, count: int) -> None:
    assert fires(sql, "function-on-indexed-column") == count


def test_an_expression_index_created_later_in_the_script_counts() -> None:
    sql = """
        CREATE INDEX users_day_idx ON users ((created_at::date));
        SELECT id FROM users WHERE created_at::date = '2024-01-01';
    """
    assert fires(sql, "function-on-indexed-column") == 0


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("SELECT id FROM users ORDER BY id LIMIT 20 OFFSET 1000", 1),
        ("SELECT id FROM users ORDER BY id LIMIT 20 OFFSET 999", 0),
        ("SELECT id FROM users ORDER BY id LIMIT 20 OFFSET $1", 0),
    ],
)
def test_large_offset(sql: str, count: int) -> None:
    assert fires(sql, "large-offset") == count


def test_large_offset_threshold_is_an_option() -> None:
    report = lint_script(
        parse_script("SELECT id FROM users LIMIT 10 OFFSET 200"),
        select=["large-offset"],
        options={"large-offset": {"threshold": 100}},
    )
    assert [d.rule for d in report.diagnostics] == ["large-offset"]


@pytest.mark.parametrize(
    ("sql", "count"),
    [
        ("SELECT o.id FROM orders o, users u WHERE o.total > 100", 1),
        ("SELECT o.id FROM orders o, users u", 1),
        ("SELECT o.id FROM orders o, users u WHERE u.id = o.user_id", 0),
        ("SELECT o.id FROM orders o CROSS JOIN users u", 0),
        ("SELECT o.id FROM orders o, users u WHERE user_id = u.id", 0),  # unqualified: undecided
    ],
)
def test_implicit_cross_join(sql: str, count: int) -> None:
    assert fires(sql, "implicit-cross-join") == count
