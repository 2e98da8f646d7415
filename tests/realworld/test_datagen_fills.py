"""Item 1 of issue 16: synthetic data fills every table, or says which and why, loudly."""

from __future__ import annotations

from typing import Any

import pytest

from dbarch.tools.datagen import generate_data, parse_rows
from dbarch.tools.errors import UsageError
from tests.realworld.conftest import count, public_schema

EVERY_TYPE = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN year AS integer CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE DOMAIN short_code AS varchar(4) NOT NULL;
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TABLE every_type (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  doubled bigint GENERATED ALWAYS AS (id * 2) STORED,
  doc tsvector NOT NULL, q tsquery NOT NULL,
  i4r int4range NOT NULL, i8r int8range NOT NULL, nr numrange NOT NULL, dr daterange NOT NULL,
  tsr tsrange NOT NULL, tstzr tstzrange NOT NULL, fr floatrange NOT NULL,
  i4mr int4multirange NOT NULL, dmr datemultirange NOT NULL,
  ip inet NOT NULL, net cidr NOT NULL, mac macaddr NOT NULL, mac8 macaddr8 NOT NULL,
  flags bit(12) NOT NULL, vflags varbit(20) NOT NULL,
  pt point NOT NULL, ln line NOT NULL, seg lseg NOT NULL, bx box NOT NULL, pth path NOT NULL,
  poly polygon NOT NULL, circ circle NOT NULL,
  price money NOT NULL, wait interval NOT NULL, lsn pg_lsn NOT NULL, letter "char" NOT NULL,
  released year NOT NULL, code short_code, feeling mood NOT NULL,
  ranges int4range[] NOT NULL, points point[] NOT NULL, nets inet[] NOT NULL, moods mood[] NOT NULL,
  years year[] NOT NULL, docs tsvector[] NOT NULL, bits bit(12)[] NOT NULL
);
"""


def test_every_built_in_type_domain_and_enum_gets_values(applied: Any) -> None:
    with applied(EVERY_TYPE) as db:
        result = generate_data(db.conn, parse_rows("every_type=500"))
        assert result.complete, result.shortfalls
        assert count(db, "every_type") == 500
        row = db.conn.execute(
            "SELECT count(*) FILTER (WHERE doubled = id * 2), count(*) FILTER (WHERE released BETWEEN 1901 AND 2155),"
            " count(*) FILTER (WHERE NOT isempty(i4r)), count(DISTINCT doc) FROM every_type"
        ).fetchone()
        assert row[0] == row[1] == 500 and row[2] > 0 and row[3] > 50


def test_a_not_null_foreign_key_cycle_is_filled_and_still_enforced(applied: Any) -> None:
    sql = """
    CREATE TABLE store (id int PRIMARY KEY, manager_id int NOT NULL UNIQUE);
    CREATE TABLE staff (id int PRIMARY KEY, store_id int NOT NULL REFERENCES store(id));
    ALTER TABLE store ADD FOREIGN KEY (manager_id) REFERENCES staff(id);
    CREATE TABLE customer (id int PRIMARY KEY, store_id int NOT NULL REFERENCES store(id));
    CREATE TABLE node (id int PRIMARY KEY, parent_id int NOT NULL, FOREIGN KEY (parent_id) REFERENCES node(id) );
    """
    with applied(sql) as db:
        result = generate_data(db.conn, parse_rows("store=20,staff=200,customer=1000,node=300"))
        assert result.complete, result.shortfalls
        assert [count(db, t) for t in ("store", "staff", "customer", "node")] == [20, 200, 1000, 300]
        nullable = db.conn.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid IN ('staff'::regclass, 'store'::regclass, "
            "'node'::regclass) AND attname IN ('store_id', 'manager_id', 'parent_id') AND NOT attnotnull"
        ).fetchone()
        assert nullable == (0,)  # NOT NULL is back, checked by the server on every row
        fks = db.conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated").fetchone()
        assert fks == (4,)


def test_sakila_fills_every_table_at_stated_volumes(applied: Any) -> None:
    with applied(public_schema("sakila.sql"), "sakila.sql") as db:
        result = generate_data(db.conn, parse_rows("*=150,rental=600,payment=400"))
        assert result.complete, result.shortfalls
        rows = result.rows()
        assert len(rows) == 21 and all(n > 0 for n in rows.values()), rows
        assert rows["rental"] == 600 and rows["film"] == 150
        assert count(db, "payment_p2007_03") == 150  # INHERITS child: dates inside its CHECK


def test_pagila_partitions_get_rows_inside_their_bounds(applied: Any) -> None:
    with applied(public_schema("pagila.sql"), "pagila.sql") as db:
        result = generate_data(db.conn, parse_rows("*=100,payment=2400"))
        assert result.complete, result.shortfalls
        spread = db.conn.execute(
            "SELECT count(DISTINCT tableoid), count(*) FROM public.payment"
        ).fetchone()
        assert spread[1] == 2400 and spread[0] > 6  # spread over the monthly partitions


def test_a_volume_larger_than_a_key_type_is_refused_before_loading(applied: Any) -> None:
    with applied(public_schema("northwind.sql"), "northwind.sql") as db:
        with pytest.raises(UsageError) as info:
            generate_data(db.conn, parse_rows("orders=100k"))
        message = info.value.message
        assert "orders.order_id (smallint)" in message and "32,767" in message
        assert count(db, "orders") == 830  # nothing was loaded


def test_a_table_that_cannot_be_filled_is_a_shortfall_with_its_reason(applied: Any) -> None:
    sql = "CREATE TYPE pair AS (a int, b int);\nCREATE TABLE p (id int PRIMARY KEY, v pair NOT NULL);\n" \
          "CREATE TABLE fine (id int PRIMARY KEY);"
    with applied(sql) as db:
        result = generate_data(db.conn, parse_rows("p=50,fine=50"))
        assert not result.complete
        (short,) = result.shortfalls
        assert (short.table, short.requested, short.rows) == ("p", 50, 0)
        assert "no generator for type pair" in short.reason


def test_triggers_that_reject_generated_rows_are_off_during_the_load(applied: Any) -> None:
    sql = """
    CREATE TABLE audited (id int PRIMARY KEY, v text);
    CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
    CREATE TRIGGER refuse BEFORE INSERT ON audited FOR EACH ROW EXECUTE FUNCTION refuse();
    """
    with applied(sql) as db:
        result = generate_data(db.conn, parse_rows("audited=100"))
        assert result.complete, result.shortfalls
        enabled = db.conn.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'refuse'").fetchone()
        assert enabled == ("O",)  # back on afterwards


def test_postgrest_shapes_empty_tables_null_defaults_and_view_triggers(applied: Any) -> None:
    sql = """
    CREATE TABLE no_columns ();
    CREATE TABLE stamped (id serial PRIMARY KEY,
                          changed_by text NOT NULL DEFAULT current_setting('request.jwt.claim.username', true));
    CREATE VIEW stamped_view AS SELECT * FROM stamped;
    CREATE FUNCTION ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER ins INSTEAD OF INSERT ON stamped_view FOR EACH ROW EXECUTE FUNCTION ins();
    """
    with applied(sql) as db:
        result = generate_data(db.conn, parse_rows("no_columns=30,stamped=300"))
        assert result.complete, result.shortfalls
        assert count(db, "no_columns") == 30 and count(db, "stamped") == 300


CHECK_SHAPES = """
CREATE TABLE person (id int PRIMARY KEY);
CREATE TABLE staff (
  id int PRIMARY KEY REFERENCES person,
  vacation smallint NOT NULL CHECK (vacation BETWEEN -40 AND 240),
  x int CHECK (x IS NULL OR (x > 2485071 AND x < 2828516)),
  email text UNIQUE CHECK (email ~* '^[A-Za-z0-9._%-]+@[A-Za-z0-9.-]+[.][A-Za-z]+$')
);
"""


def test_check_shapes_of_public_schemas_are_drawn_inside(applied: Any) -> None:
    """AdventureWorks' ``VacationHours BETWEEN -40 AND 240`` (printed ``'-40'::integer``), apflora's
    ``x IS NULL OR (x > a AND x < b)`` and its e-mail pattern on a unique column."""
    with applied(CHECK_SHAPES) as db:
        result = generate_data(db.conn, parse_rows("person=500,staff=500"))
        assert result.complete, result.shortfalls
        row = db.conn.execute("SELECT count(*), count(x), min(vacation), count(DISTINCT email) FROM staff").fetchone()
        assert row[0] == 500 and row[1] > 300 and row[2] < 0 and row[3] > 300, row


def test_adventureworks_employee_reaches_its_volume(sandbox: Any) -> None:
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    with sandbox.scratch() as db:
        script = parse_script(public_schema("adventureworks.sql"), source="adventureworks.sql")
        apply_scripts(sandbox, db, [script], keep_going=True)  # one statement needs a \copy file
        result = generate_data(db.conn, parse_rows("*=300"))
        short = [s.table for s in result.shortfalls]
        assert "humanresources.employee" not in short and "sales.salesperson" not in short, result.shortfalls
        assert count(db, "humanresources.employee") == 300
