"""The ER diagram: entities with typed columns, PK/FK/UK marks, cardinality from the constraints."""

from __future__ import annotations

import pytest

from dbarch.memory.erd import erd_from_sql, mermaid_type

SHOP = """
create table orgs (id bigint primary key, name varchar(200) not null unique);
create table users (
    id bigint primary key,
    org_id bigint not null references orgs,
    manager_id bigint references users,
    amount numeric(10,2),
    tags text[]
);
create table profiles (user_id bigint primary key references users(id) on delete cascade, bio text);
create schema billing;
create table billing.invoices (id int primary key, user_id bigint references users, unique (user_id));
"""


def test_the_diagram_of_a_small_shop_schema() -> None:
    assert erd_from_sql(SHOP) == "\n".join(
        [
            "erDiagram",
            "    billing__invoices {",
            "        integer id PK",
            "        bigint user_id FK, UK",
            "    }",
            "    orgs {",
            "        bigint id PK",
            '        varchar(200) name UK "not null"',
            "    }",
            "    profiles {",
            "        bigint user_id PK, FK",
            "        text bio",
            "    }",
            "    users {",
            "        bigint id PK",
            '        bigint org_id FK "not null"',
            "        bigint manager_id FK",
            '        numeric amount "numeric(10,2)"',
            "        text[] tags",
            "    }",
            '    users |o..o| billing__invoices : "user_id"',
            '    users ||--o| profiles : "user_id"',
            '    orgs ||..o{ users : "org_id"',
            '    users |o..o{ users : "manager_id"',
        ]
    )


@pytest.mark.parametrize(
    ("fk_column", "child_extra", "relationship"),
    [
        ("a_id bigint not null references a", "", 'a ||..o{ b : "a_id"'),
        ("a_id bigint references a", "", 'a |o..o{ b : "a_id"'),
        ("a_id bigint not null unique references a", "", 'a ||..o| b : "a_id"'),
        ("a_id bigint references a", ", unique (a_id)", 'a |o..o| b : "a_id"'),
        ("a_id bigint not null references a", ", primary key (a_id, n)", 'a ||--o{ b : "a_id"'),
    ],
)
def test_cardinality_follows_nullability_uniqueness_and_identification(
    fk_column: str, child_extra: str, relationship: str
) -> None:
    sql = f"create table a (id int primary key); create table b (n int not null, {fk_column}{child_extra});"
    assert erd_from_sql(sql).splitlines()[-1] == f"    {relationship}"


@pytest.mark.parametrize(
    ("sql_type", "shown", "lossy"),
    [
        ("character varying(255)", "varchar(255)", False),
        ("timestamp with time zone", "timestamptz", False),
        ("numeric(10,2)", "numeric", True),
        ("double precision", "float8", False),
        ("integer[]", "integer[]", False),
        ('"My Type"', "t__My_Type_", True),
    ],
)
def test_types_become_one_mermaid_word(sql_type: str, shown: str, lossy: bool) -> None:
    assert mermaid_type(sql_type) == (shown, lossy)


def test_an_empty_schema_is_an_empty_diagram() -> None:
    assert erd_from_sql("") == "erDiagram"
