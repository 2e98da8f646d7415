"""Composite keys and multi-column partition keys reach their volumes, or say why not.

Leftovers of issues 16/17: a key made of a foreign key and a small CHECK-bounded column (TPC-H's
``lineitem (l_orderkey, l_linenumber)``, lines 1 to 7), link tables of two foreign keys, keys
over (foreign key, date) and (foreign key, enum), and ``PARTITION BY RANGE (a, b)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from dbarch.tools.datagen import generate_data, parse_rows
from dbarch.tools.datagen.keyspace import layer_sizes
from tests.realworld.conftest import count, public_schema

TPCH = (Path(__file__).resolve().parents[2] / "bench" / "tpch" / "schema.sql").read_text(encoding="utf-8")
TPCH_SMALL = "region=5,nation=25,supplier=100,customer=1000,part=2000,partsupp=8000,orders=15000"


def _one(db: Any, sql: str) -> tuple[Any, ...]:
    row = db.conn.execute(sql).fetchone()
    assert row is not None
    return tuple(row)


def test_tpch_lineitem_fills_its_volume_with_lines_1_to_k_per_order(applied: Any) -> None:
    assert "CHECK (l_linenumber BETWEEN 1 AND 7)" in TPCH  # the bench keeps the specification's rule
    with applied(TPCH, "tpch.sql") as db:
        result = generate_data(db.conn, parse_rows(TPCH_SMALL + ",lineitem=60000"))
        assert result.complete, result.shortfalls
        assert count(db, "lineitem") == 60000
        orders, low, high = _one(db, "SELECT count(DISTINCT l_orderkey), min(l_linenumber), max(l_linenumber) "
                                     "FROM lineitem")
        assert (orders, low, high) == (15000, 1, 7)
        # every order has the lines 1..k, without a gap, and k takes every value from 1 to 7
        gaps, sizes = _one(db, "SELECT count(*) FILTER (WHERE n <> top), count(DISTINCT n) FROM "
                               "(SELECT count(*) AS n, max(l_linenumber) AS top FROM lineitem GROUP BY l_orderkey) s")
        assert (gaps, sizes) == (0, 7)
        valid = _one(db, "SELECT bool_and(convalidated), count(*) FROM pg_constraint "
                         "WHERE conrelid = 'lineitem'::regclass AND contype IN ('p', 'f', 'c')")
        assert valid == (True, 7)  # the key, 2 foreign keys and 4 checks, all checked by the server


def test_more_lineitems_than_orders_x_7_is_a_shortfall_naming_the_key(applied: Any) -> None:
    with applied(TPCH, "tpch.sql") as db:
        result = generate_data(db.conn, parse_rows(TPCH_SMALL.replace("orders=15000", "orders=1000")
                                                   + ",lineitem=7001"))
        assert not result.complete
        (short,) = result.shortfalls
        assert (short.table, short.requested, short.rows) == ("lineitem", 7001, 7000)
        for part in ("lineitem_pkey (l_orderkey, l_linenumber)", "at most 7,000", "1,000 rows of orders",
                     "7 values of l_linenumber (its CHECK: 1 to 7)", "largest volume it allows is 7,000"):
            assert part in short.reason, short.reason
        assert count(db, "lineitem") == 7000  # the key space, every cell of it
        assert any("lineitem_pkey" in n for n in result.notices)


def test_pagila_link_tables_fill_their_key_space_and_say_when_it_is_too_small(applied: Any) -> None:
    with applied(public_schema("pagila.sql"), "pagila.sql") as db:
        volumes = "*=20,actor=40,film=100,category=16,film_actor=3990,film_category=2000,payment=200"
        result = generate_data(db.conn, parse_rows(volumes))
        assert [(s.table, s.rows) for s in result.shortfalls] == [("film_category", 1600)]
        reason = result.shortfalls[0].reason
        assert "film_category_pkey (film_id, category_id)" in reason and "at most 1,600" in reason, reason
        # 3,990 of the 4,000 (actor, film) pairs: no random draw reaches that without retries
        assert count(db, "film_actor") == 3990
        assert _one(db, "SELECT count(DISTINCT actor_id), count(DISTINCT film_id) FROM film_actor") == (40, 100)
        assert count(db, "film_category") == 1600


ACCOUNTS = """
CREATE TYPE channel AS ENUM ('email', 'sms', 'push', 'webhook');
CREATE TABLE account (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE daily_usage (
  account_id int NOT NULL REFERENCES account,
  day date NOT NULL CHECK (day >= DATE '2024-01-01' AND day < DATE '2024-02-01'),
  calls int NOT NULL CHECK (calls >= 0),
  PRIMARY KEY (account_id, day)
);
CREATE TABLE login_day (account_id int NOT NULL REFERENCES account, day date NOT NULL,
                        PRIMARY KEY (account_id, day));
CREATE TABLE preference (
  account_id int NOT NULL REFERENCES account, channel channel NOT NULL, enabled boolean NOT NULL,
  UNIQUE (account_id, channel)
);
CREATE TABLE slot (
  yr smallint NOT NULL CHECK (yr BETWEEN 2020 AND 2029),
  wk smallint NOT NULL CHECK (wk BETWEEN 1 AND 52),
  label text,
  PRIMARY KEY (yr, wk)
);
"""


def test_keys_over_a_foreign_key_and_a_date_or_an_enum_fill_exactly(applied: Any) -> None:
    with applied(ACCOUNTS) as db:
        # 200 accounts x 31 days of January = 6,200; x 4 channels = 800; 10 years x 52 weeks = 520
        result = generate_data(db.conn, parse_rows("account=200,daily_usage=6100,login_day=3000,"
                                                   "preference=790,slot=515"))
        assert result.complete, result.shortfalls
        assert [count(db, t) for t in ("daily_usage", "login_day", "preference", "slot")] == [6100, 3000, 790, 515]
        days = _one(db, "SELECT min(day), max(day), count(DISTINCT day) FROM daily_usage")
        assert (str(days[0]), str(days[1]), days[2]) == ("2024-01-01", "2024-01-31", 31)
        # an unbounded date: each account's latest days, none in the future
        assert _one(db, "SELECT max(day) <= current_date, count(DISTINCT account_id) FROM login_day") == (True, 200)
        # channels rotate: the 4th channel is not left to the last accounts only
        assert _one(db, "SELECT count(DISTINCT channel) FROM preference WHERE account_id IN "
                        "(SELECT account_id FROM preference GROUP BY 1 HAVING count(*) = 1)") != (1,)


def test_a_key_space_of_a_date_or_enum_too_small_is_reported_with_its_factors(applied: Any) -> None:
    with applied(ACCOUNTS) as db:
        result = generate_data(db.conn, parse_rows("account=10,daily_usage=400,login_day=50,preference=41,slot=600"))
        found = {s.table: (s.rows, s.reason) for s in result.shortfalls}
        assert set(found) == {"daily_usage", "preference", "slot"}
        assert found["daily_usage"][0] == 310 and "31 days of day (its CHECK: 2024-01-01 to 2024-01-31)" in \
            found["daily_usage"][1]
        assert found["preference"][0] == 40 and "4 labels of channel (enum channel)" in found["preference"][1]
        assert found["slot"][0] == 520 and "10 values of yr" in found["slot"][1] and "52 values of wk" in \
            found["slot"][1]
        assert [count(db, t) for t in ("daily_usage", "preference", "slot")] == [310, 40, 520]


def test_product_keys_split_across_workers_keep_their_counts_and_keys(
    applied: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dbarch.tools.datagen.fill as fill

    monkeypatch.setattr(fill, "CHUNK_ROWS", 1000)
    chunked: list[str] = []
    real = fill._chunked

    def spy(plan: Any, pool: Any, seed: float) -> int:
        chunked.append(plan.table.name)
        return real(plan, pool, seed)

    monkeypatch.setattr(fill, "_chunked", spy)
    with applied(ACCOUNTS) as db:
        result = generate_data(db.conn, parse_rows("account=300,daily_usage=9000,login_day=5000,preference=1100,"
                                                   "slot=520"), dsn=db.dsn, workers=2)
        assert result.complete, result.shortfalls
        assert {"daily_usage", "login_day", "preference"} <= set(chunked)
        assert [count(db, t) for t in ("daily_usage", "login_day", "preference", "slot")] == [9000, 5000, 1100, 520]
        keys = _one(db, "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                        "AND contype IN ('p', 'u') AND convalidated")
        assert keys == (5,)  # every key rebuilt after the load: the server's own proof of no duplicate


def test_seed_rows_take_cells_of_the_key_space(applied: Any) -> None:
    sql = """
    CREATE TABLE tag (id int PRIMARY KEY);
    CREATE TABLE post (id int PRIMARY KEY);
    CREATE TABLE post_tag (post_id int NOT NULL REFERENCES post, tag_id int NOT NULL REFERENCES tag,
                           PRIMARY KEY (post_id, tag_id));
    INSERT INTO tag SELECT generate_series(1, 5);
    INSERT INTO post SELECT generate_series(1, 20);
    INSERT INTO post_tag VALUES (1, 1), (1, 2), (2, 3), (3, 1);
    """
    with applied(sql) as db:
        result = generate_data(db.conn, parse_rows("post_tag=101"))
        (short,) = result.shortfalls
        assert (short.table, short.rows) == ("post_tag", 100) and "at most 100 rows" in short.reason, short
        assert count(db, "post_tag") == 100


MEASUREMENTS = """
CREATE TABLE sensor (id int PRIMARY KEY);
CREATE TABLE reading (
  sensor_id int NOT NULL REFERENCES sensor, yr int NOT NULL, mo int NOT NULL CHECK (mo BETWEEN 1 AND 12),
  value numeric(10,2) NOT NULL
) PARTITION BY RANGE (yr, mo);
CREATE TABLE reading_2024h1 PARTITION OF reading FOR VALUES FROM (2024, 1) TO (2024, 7);
CREATE TABLE reading_2024h2 PARTITION OF reading FOR VALUES FROM (2024, 7) TO (2025, 1);
CREATE TABLE reading_2025 PARTITION OF reading FOR VALUES FROM (2025, 1) TO (2026, 1);
CREATE TABLE reading_old PARTITION OF reading FOR VALUES FROM (MINVALUE, MINVALUE) TO (2020, 1);
CREATE TABLE ticket (opened date NOT NULL, code text NOT NULL, n int) PARTITION BY RANGE (opened, code);
CREATE TABLE ticket_a PARTITION OF ticket FOR VALUES FROM ('2024-01-01', 'A') TO ('2024-01-01', 'M');
CREATE TABLE ticket_b PARTITION OF ticket FOR VALUES FROM ('2024-01-02', MINVALUE) TO ('2024-02-01', MAXVALUE);
CREATE TABLE coded (code text NOT NULL) PARTITION BY RANGE (lower(code));
CREATE TABLE coded_z PARTITION OF coded FOR VALUES FROM ('zz') TO ('zzz');
"""


def test_multi_column_range_partitions_get_every_row(applied: Any) -> None:
    with applied(MEASUREMENTS) as db:
        result = generate_data(db.conn, parse_rows("sensor=50,reading=40000,ticket=3000,coded=100"))
        assert [s.table for s in result.shortfalls] == ["coded"]
        assert count(db, "reading") == 40000 and count(db, "ticket") == 3000
        spread = db.conn.execute(
            "SELECT tableoid::regclass::text, min(mo), max(mo) FROM reading GROUP BY 1 ORDER BY 1").fetchall()
        assert [r[0] for r in spread] == ["reading_2024h1", "reading_2024h2", "reading_2025", "reading_old"]
        assert spread[0][1:] == (1, 6) and spread[1][1:] == (7, 12)
        assert _one(db, "SELECT count(DISTINCT tableoid) FROM ticket") == (2,)
        # a key over an expression is not drawn inside the bounds: said, naming the table and the key
        reason = result.shortfalls[0].reason
        assert "partitioned by RANGE (lower(code))" in reason and "no partition" in reason, reason


DAILY = """
CREATE TABLE account (id int PRIMARY KEY);
CREATE TABLE daily (account_id int NOT NULL REFERENCES account, day date NOT NULL, calls int NOT NULL,
  PRIMARY KEY (account_id, day)) PARTITION BY RANGE (day);
CREATE TABLE daily_2024_01 PARTITION OF daily FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE daily_2024_02 PARTITION OF daily FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE daily_2024_04 PARTITION OF daily FOR VALUES FROM ('2024-04-01') TO ('2024-05-01');
CREATE TABLE shard_row (tenant int NOT NULL REFERENCES account, bucket int NOT NULL, PRIMARY KEY (tenant, bucket))
  PARTITION BY RANGE (bucket);
CREATE TABLE shard_a PARTITION OF shard_row FOR VALUES FROM (0) TO (8);
CREATE TABLE shard_b PARTITION OF shard_row FOR VALUES FROM (8) TO (16);
"""


def test_a_key_over_a_foreign_key_and_the_partition_key_counts_inside_the_partitions(applied: Any) -> None:
    with applied(DAILY) as db:
        # 100 accounts x 90 days in partitions (March is missing); 100 x 16 buckets
        result = generate_data(db.conn, parse_rows("account=100,daily=9000,shard_row=1700"))
        assert [(s.table, s.rows) for s in result.shortfalls] == [("shard_row", 1600)]
        assert "16 values of bucket (its partitions: 0 to 15)" in result.shortfalls[0].reason
        assert count(db, "daily") == 9000
        assert _one(db, "SELECT count(DISTINCT tableoid), count(DISTINCT day) FROM daily") == (3, 90)


@given(st.integers(1, 5000), st.integers(1, 300), st.integers(1, 40))
def test_layer_sizes_cover_the_rows_in_nested_layers(rows: int, outer: int, inner: int) -> None:
    sizes = layer_sizes(min(rows, outer * inner), outer, inner)
    assert sum(sizes) == min(rows, outer * inner)
    assert len(sizes) <= inner and all(0 < s <= outer for s in sizes)
    assert sizes == sorted(sizes, reverse=True)  # whoever has a line j has lines 1..j-1
