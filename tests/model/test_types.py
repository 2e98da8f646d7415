"""canonical_type: every spelling of a PostgreSQL type becomes what format_type() prints."""

from __future__ import annotations

import pytest

from dbarch.tools.schema.types import base_type, canonical_type, is_serial

CASES = [
    # integers and serials
    ("int", "integer"), ("int4", "integer"), ("integer", "integer"), ("INTEGER", "integer"),
    ("int8", "bigint"), ("bigint", "bigint"), ("int2", "smallint"), ("smallint", "smallint"),
    ("serial", "integer"), ("serial4", "integer"), ("bigserial", "bigint"), ("serial8", "bigint"),
    ("smallserial", "smallint"), ("pg_catalog.int4", "integer"),
    # numbers
    ("decimal(10,2)", "numeric(10,2)"), ("decimal(10, 2)", "numeric(10,2)"), ("numeric", "numeric"),
    ("numeric(10)", "numeric(10,0)"), ("NUMERIC( 12 , 4 )", "numeric(12,4)"),
    ("float8", "double precision"), ("float", "double precision"), ("double precision", "double precision"),
    ("float(53)", "double precision"), ("float(24)", "real"), ("float(1)", "real"),
    ("float4", "real"), ("real", "real"), ("money", "money"),
    # text
    ("varchar(255)", "character varying(255)"), ("character varying(10)", "character varying(10)"),
    ("varchar", "character varying"), ("char(3)", "character(3)"), ("character(3)", "character(3)"),
    ("bpchar(3)", "character(3)"), ("char", "character(1)"), ("bpchar", "bpchar"), ("text", "text"),
    ('"char"', '"char"'), ("name", "name"), ("citext", "citext"),
    # dates and times
    ("timestamptz", "timestamp with time zone"), ("timestamp", "timestamp without time zone"),
    ("TIMESTAMP WITH TIME ZONE", "timestamp with time zone"),
    ("timestamp(3) with time zone", "timestamp(3) with time zone"),
    ("timestamptz(3)", "timestamp(3) with time zone"), ("timestamp(6)", "timestamp(6) without time zone"),
    ("timetz", "time with time zone"), ("time", "time without time zone"),
    ("time(2) with time zone", "time(2) with time zone"), ("date", "date"),
    ("interval", "interval"), ("interval(3)", "interval(3)"),
    ("interval day to second", "interval day to second"), ('pg_catalog."timestamp"', "timestamp without time zone"),
    # booleans, binary, bits
    ("bool", "boolean"), ("boolean", "boolean"), ("bytea", "bytea"),
    ("bit", "bit(1)"), ("bit(8)", "bit(8)"), ("varbit(4)", "bit varying(4)"), ("bit varying", "bit varying"),
    # arrays
    ("int[]", "integer[]"), ("integer[][]", "integer[]"), ("int ARRAY", "integer[]"), ("int array[3]", "integer[]"),
    ("text[]", "text[]"), ("varchar(10)[]", "character varying(10)[]"), ("numeric(10, 2)[]", "numeric(10,2)[]"),
    ("_int4", "_int4"),
    # documents, network and others kept
    ("jsonb", "jsonb"), ("json", "json"), ("uuid", "uuid"), ("inet", "inet"), ("cidr", "cidr"),
    ("xml", "xml"), ("tsvector", "tsvector"), ("int4range", "int4range"), ("vector(3)", "vector(3)"),
    # user types: folded, public dropped, other schemas kept
    ("order_status", "order_status"), ("Order_Status", "order_status"), ("public.order_status", "order_status"),
    ("shop.status", "shop.status"), ('"MyType"', '"MyType"'), ('shop."MyType"', 'shop."MyType"'),
    ("public.order_status[]", "order_status[]"),
    # other dialects, best effort
    ("int(11)", "integer"), ("int(11) unsigned", "integer"), ("tinyint(1)", "smallint"),
    ("datetime", "timestamp without time zone"), ("double", "double precision"),
    ("mediumtext", "text"), ("longblob", "bytea"),
]


@pytest.mark.parametrize(("spelling", "expected"), CASES)
def test_canonical_type(spelling: str, expected: str) -> None:
    assert canonical_type(spelling) == expected


@pytest.mark.parametrize(("spelling", "expected"), CASES)
def test_canonical_type_is_idempotent(spelling: str, expected: str) -> None:
    assert canonical_type(canonical_type(spelling)) == expected


@pytest.mark.parametrize("spelling", ["serial", "BIGSERIAL", "smallserial", "serial8"])
def test_serial_pseudo_types_are_recognised(spelling: str) -> None:
    assert is_serial(spelling)


def test_integer_is_not_serial() -> None:
    assert not is_serial("integer")


def test_base_type_drops_modifier_and_array() -> None:
    assert base_type("character varying(255)[]") == "character varying"
    assert base_type("timestamp(3) with time zone") == "timestamp with time zone"
