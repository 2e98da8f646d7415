"""SQL expressions that produce one column's values, server-side, for row number ``g``.

:func:`unique_expr` is injective in its index argument (so UNIQUE and PRIMARY KEY hold by
construction, and a child can compute a parent's key from the parent's row number without a
join); it is also strict (NULL in, NULL out), which nullable foreign keys rely on.
:func:`random_expr` draws from the column's domain with ``random()``, narrowed by the
:class:`~tools.datagen.checks.Domain` of its CHECK constraints.

Example: ``unique_expr(<uuid column>, "g")`` →
``(substr(md5((g)::text), 1, 16) || lpad(to_hex(g), 16, '0'))::uuid``.

Random values come from one small function per type (:data:`GENERATORS`, keyed by
``pg_type.typname``), then per kind (enums, arrays, ranges, multiranges) and category: add a
type by adding a function. Expressions may use ``g``, the row number of the INSERT (a range
needs one random value twice, which a subquery correlated on ``g`` gives).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from dbarch.tools.datagen.checks import Domain
from dbarch.tools.datagen.introspect import TypeInfo

_INT_RANGE = {"int2": (-32768, 32767), "int4": (-(2**31), 2**31 - 1), "int8": (-(2**63), 2**63 - 1)}
_TEXT = ("text", "varchar", "bpchar", "citext", "name")
_NUMERIC_CATS = ("N",)


def _lit(value: str | float) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return "'" + value.replace("'", "''") + "'"


def _int_bounds(t: TypeInfo, dom: Domain | None, width: int) -> tuple[int, int]:
    lo_t, hi_t = _INT_RANGE.get(t.name, (-(2**31), 2**31 - 1))
    lo: int | None = None
    hi: int | None = None
    if dom is not None and dom.low is not None:
        lo = math.ceil(dom.low) if dom.low_inclusive else math.floor(dom.low) + 1
    if dom is not None and dom.high is not None:
        hi = math.floor(dom.high) if dom.high_inclusive else math.ceil(dom.high) - 1
    if lo is None and hi is None:
        lo, hi = 1, width
    elif lo is None:
        assert hi is not None
        lo = hi - width + 1
    elif hi is None:
        hi = lo + width - 1
    return max(lo, lo_t), min(hi, hi_t)


def _choice(values: tuple[str | float, ...], sql_type: str) -> str:
    items = ", ".join(f"{_lit(v)}::{sql_type}" for v in values)
    return f"(ARRAY[{items}])[1 + floor({len(values)} * power(random(), 1.5))::int]"


def _short(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())[:12] or "v"


def unique_expr(column: str, t: TypeInfo, idx: str, dom: Domain | None = None) -> str | None:
    """An expression injective and strict in ``idx`` (a bigint), or ``None`` if the type has
    too few values (boolean, enums, IN lists)."""
    if dom is not None and dom.values is not None:
        return None
    name = t.name
    cast = t.sql
    if name in _INT_RANGE or (t.category in _NUMERIC_CATS and name not in ("money",)):
        lo = _int_bounds(t, dom, 1)[0]
        return f"({idx} + {lo - 1})::{cast}"
    if name in _TEXT:
        if t.length is not None and t.length < 12:  # hexadecimal: 16^n - 1 values fit n characters
            return f"to_hex({idx})::{cast}"
        if "email" in column.lower() and (t.length is None or t.length >= 32):  # passes e-mail CHECKs
            return f"('user' || ({idx})::text || '@example.com')::{cast}"
        return f"('{_short(column)}_' || ({idx})::text)::{cast}"
    if name == "uuid":
        return f"(substr(md5(({idx})::text), 1, 16) || lpad(to_hex({idx}), 16, '0'))::uuid"
    if name == "date":
        return f"(DATE '2000-01-01' + ({idx})::int)"
    if name in ("timestamp", "timestamptz"):
        return f"(TIMESTAMP '2000-01-01' + ({idx}) * INTERVAL '1 second')::{cast}"
    if name in ("time", "timetz"):
        return f"(TIME '00:00' + ({idx}) * INTERVAL '1 millisecond')::{cast}"
    if name == "interval":
        return f"(({idx}) * INTERVAL '1 second')::{cast}"
    if name in ("macaddr", "macaddr8"):
        return f"lpad(to_hex({idx}), {12 if name == 'macaddr' else 16}, '0')::{name}"
    if name in ("inet", "cidr"):
        return f"('10.0.0.0'::inet + ({idx}))::{cast}" if name == "inet" else (
            f"set_masklen('10.0.0.0'::inet + ({idx}) * 256, 24)::cidr"
        )
    if name == "bytea":
        return f"int8send(({idx})::bigint)"
    if name in ("json", "jsonb"):
        return f"(CASE WHEN ({idx}) IS NOT NULL THEN jsonb_build_object('id', {idx}) END)::{cast}"
    if t.category == "A" and t.elem is not None:
        inner = unique_expr(column, t.elem, idx)
        return f"(CASE WHEN ({idx}) IS NOT NULL THEN ARRAY[{inner}] END)::{cast}" if inner else None
    return None


Generator = Callable[[str, TypeInfo, int, "Domain | None"], "str | None"]
"""``(column, type, rows, CHECK domain) -> SQL expression`` (``None``: cannot generate)."""


def _distinct(rows: int) -> str:
    return f"floor(random() * {max(10, min(rows // 5, 100_000))})::int"


def _integer(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str:
    lo, hi = _int_bounds(t, dom, 1000)
    return f"({lo} + floor(random() * {hi - lo + 1}))::{t.sql}"


def _decimal(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str:
    ps = t.precision_scale
    cast = t.sql
    top = 10.0 ** (ps[0] - ps[1]) - 1 if ps else 1e15
    flo: float = dom.low if dom is not None and dom.low is not None else 0.0
    fhi: float = dom.high if dom is not None and dom.high is not None else min(flo + 1000.0, top)
    fhi = min(fhi, top)
    value = f"({_lit(flo)} + random() * {_lit(fhi - flo)})"
    unit = 10 ** ps[1] if ps and 0 <= ps[1] <= min(ps[0], 18) else 0
    lo_units, span = (round(flo * unit), max(1, math.floor((fhi - flo) * unit))) if unit else (0, 0)
    if unit and abs(lo_units) + span < 10**18:
        # whole units of the scale as bigint, times 10^-s: float8 -> numeric goes through
        # text and costs three times as much
        scaled = f"({lo_units} + floor(random() * {span}))::bigint"
        return f"({scaled} * 0.{'0' * (ps[1] - 1)}1)::{cast}" if ps and ps[1] else f"{scaled}::{cast}"
    if ps:
        return f"round(({value})::numeric, {ps[1]})::{cast}"
    return f"({value})::numeric::{cast}" if t.name == "money" else f"({value})::{cast}"


def _text(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str:
    h = _distinct(rows)
    if "email" in column.lower():
        body = f"'user' || {h} || '@example.com'"
    elif t.length is not None and t.length < 12:
        body = f"({h})::text"
    else:
        body = f"'{_short(column)} ' || {h}"
    if t.length is not None:
        body = f"left({body}, {t.length})"
    return f"({body})::{t.sql}"


def _date(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str:
    lo, hi = (dom.low_text, dom.high_text) if dom is not None else (None, None)
    if lo and hi:
        return f"({lo}::date + floor(random() * ({hi}::date - {lo}::date))::int)"
    if lo:
        return f"({lo}::date + floor(random() * 3650)::int)"
    if hi:
        return f"({hi}::date - 1 - floor(random() * 3650)::int)"
    # dates and times spread over the ten years up to now, so "the last day" is as selective
    # as in a real table (now() is evaluated once per statement)
    return "(CURRENT_DATE - floor(random() * 3650)::int)"


def _timestamp(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str:
    lo, hi = (dom.low_text, dom.high_text) if dom is not None else (None, None)
    cast = t.sql
    if lo and hi:
        return f"({lo}::{cast} + random() * ({hi}::{cast} - {lo}::{cast}))::{cast}"
    if lo:
        return f"({lo}::{cast} + random() * INTERVAL '3650 days')::{cast}"
    if hi:
        return f"({hi}::{cast} - INTERVAL '1 second' - random() * INTERVAL '3650 days')::{cast}"
    if t.name == "timestamptz":  # cheaper than timestamp -> timestamptz
        return f"to_timestamp(floor(extract(epoch FROM now())) - floor(random() * 315360000))::{cast}"
    return f"(LOCALTIMESTAMP - random() * INTERVAL '3650 days')::{cast}"


def _simple(template: str) -> Generator:
    """A generator from a fixed template (``{cast}``: the column's type, ``{h}``: a draw among
    a number of distinct values that grows with the table)."""

    def generate(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str:
        return template.format(cast=t.sql, h=_distinct(rows), short=_short(column))

    return generate


def _bits(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str:
    width = t.length or (1 if t.name == "bit" else 16)
    value = f"floor(random() * 9.2e18)::bigint::bit({min(width, 64) if t.name == 'varbit' else width})"
    return f"{value}::{t.sql}"


def _vector(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str:
    """pgvector's ``vector(n)``/``halfvec(n)``: n floats in [-1, 1) (typmod is the dimension)."""
    dims = t.typmod if t.typmod > 0 else 8
    floats = f"ARRAY(SELECT round((random() * 2 - 1)::numeric, 4) FROM generate_series(1, {dims}) WHERE g IS NOT NULL)"
    return f"('[' || array_to_string({floats}, ',') || ']')::{t.sql}"


def _enum(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str | None:
    return _choice(tuple(t.labels), t.sql) if t.labels else None


def _array(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str | None:
    """One to three elements (an array of a domain honours the domain's CHECK)."""
    inner = random_expr(column, t.elem, rows, element_domain(t.elem)) if t.elem is not None else None
    if inner is None:
        return None
    return f"(ARRAY[{inner}, {inner}, {inner}])[1:1 + floor(random() * 3)::int]::{t.sql}"


def element_domain(t: TypeInfo) -> Domain | None:
    """The value domain of a domain type's own CHECK constraints (``VALUE BETWEEN 1 AND 5``)."""
    if not t.checks:
        return None
    from dbarch.tools.datagen.checks import column_domains
    from dbarch.tools.datagen.introspect import column_check

    return column_domains([column_check("value", c) for c in t.checks]).get("value")


_RANGE_WIDTH = {
    "int2": "v + 1 + floor(random() * 100)::int", "int4": "v + 1 + floor(random() * 100)::int",
    "int8": "v + 1 + floor(random() * 100)::bigint", "numeric": "v + (random() * 100)::numeric",
    "float4": "v + random() * 100", "float8": "v + random() * 100",
    "date": "v + 1 + floor(random() * 30)::int",
    "timestamp": "v + random() * INTERVAL '30 days'", "timestamptz": "v + random() * INTERVAL '30 days'",
}


def _range(column: str, t: TypeInfo, rows: int, dom: Domain | None) -> str | None:
    """``[v, v + width)`` in the subtype (``[v, v]`` for subtypes without arithmetic)."""
    sub = t.elem
    inner = random_expr(column, sub, rows) if sub is not None else None
    if sub is None or inner is None:
        return None
    upper = _RANGE_WIDTH.get(sub.name)
    ctor = t.sql if t.kind == "r" else _range_of(t)
    if ctor is None:
        return None
    made = f"{ctor}(v, {upper})" if upper else f"{ctor}(v, v, '[]')"
    # correlated on g: a subquery evaluated once per row (v is one draw, used twice)
    value = f"(SELECT {made} FROM (SELECT {inner} AS v WHERE g IS NOT NULL) AS s)"
    return value if t.kind == "r" else f"{t.sql}({value})"


def _range_of(multirange: TypeInfo) -> str | None:
    """The range constructor of a built-in multirange (``int4multirange`` -> ``int4range``)."""
    return multirange.sql.replace("multirange", "range") if "multirange" in multirange.sql else None


GENERATORS: dict[str, Generator] = {
    **{name: _integer for name in _INT_RANGE},
    **{name: _decimal for name in ("numeric", "float4", "float8", "money")},
    **{name: _text for name in _TEXT},
    "bool": _simple("(random() < 0.5)"),
    "date": _date,
    "timestamp": _timestamp,
    "timestamptz": _timestamp,
    "time": _simple("(TIME '00:00' + random() * INTERVAL '1 day')::{cast}"),
    "timetz": _simple("(TIME '00:00' + random() * INTERVAL '1 day')::{cast}"),
    "interval": _simple("(random() * INTERVAL '30 days')::{cast}"),
    "uuid": _simple("md5(random()::text)::uuid"),
    "json": _simple("jsonb_build_object('id', {h}, 'tag', 'tag' || ({h} % 10), 'active', random() < 0.5)::{cast}"),
    "jsonb": _simple("jsonb_build_object('id', {h}, 'tag', 'tag' || ({h} % 10), 'active', random() < 0.5)::{cast}"),
    "inet": _simple("('10.0.0.0'::inet + floor(random() * 16777216)::bigint)"),
    "cidr": _simple("set_masklen('10.0.0.0'::inet + floor(random() * 65536)::bigint * 256, 24)::cidr"),
    "macaddr": _simple("substr(md5(random()::text), 1, 12)::macaddr"),
    "macaddr8": _simple("substr(md5(random()::text), 1, 16)::macaddr8"),
    "bytea": _simple("decode(md5(random()::text), 'hex')"),
    "bit": _bits,
    "varbit": _bits,
    "tsvector": _simple("to_tsvector('simple', 'word' || {h} || ' term' || ({h} % 50) || ' {short}')"),
    "tsquery": _simple("plainto_tsquery('simple', 'word' || {h})"),
    "point": _simple("point(random() * 100, random() * 100)"),
    "line": _simple("line(point(0, random() * 100), point(1 + random() * 100, random() * 100))"),
    "lseg": _simple("lseg(point(random() * 100, random() * 100), point(random() * 100, random() * 100))"),
    "box": _simple("box(point(random() * 100, random() * 100), point(random() * 100, random() * 100))"),
    "path": _simple("path(polygon(box(point(random() * 100, random() * 100), point(random() * 100, random() * 100))))"),
    "polygon": _simple("polygon(box(point(random() * 100, random() * 100), point(random() * 100, random() * 100)))"),
    "circle": _simple("circle(point(random() * 100, random() * 100), 1 + random() * 10)"),
    "xml": _simple("('<{short}>' || {h} || '</{short}>')::xml"),
    "char": _simple("chr(97 + floor(random() * 26)::int)::\"char\""),
    "pg_lsn": _simple("(to_hex(floor(random() * 65536)::int) || '/' || to_hex(floor(random() * 1e9)::bigint))::pg_lsn"),
    "vector": _vector,
    "halfvec": _vector,
    "oid": _simple("floor(random() * 100000)::bigint::oid"),
}
"""Random values per base type name (``pg_type.typname``)."""

BY_KIND: dict[str, Generator] = {"e": _enum, "r": _range, "m": _range}
"""Random values per type kind (``pg_type.typtype``): enums, ranges, multiranges."""


def random_expr(column: str, t: TypeInfo, rows: int, dom: Domain | None = None) -> str | None:
    """An expression drawing a plausible value for the column (``None``: unsupported type)."""
    if dom is not None and dom.values:
        return _choice(dom.values, t.sql)
    generate = GENERATORS.get(t.name) or BY_KIND.get(t.kind)
    if generate is None and t.category == "A" and t.elem is not None:
        generate = _array
    if generate is None and t.category == "N":
        generate = _simple("floor(random() * 1000)::{cast}")
    if generate is None and t.category == "S":
        generate = _simple("('{short} ' || {h})::{cast}")
    return generate(column, t, rows, dom) if generate is not None else None
