"""SQL expressions that produce one column's values, server-side, for row number ``g``.

:func:`unique_expr` is injective in its index argument (so UNIQUE and PRIMARY KEY hold by
construction, and a child can compute a parent's key from the parent's row number without a
join); it is also strict (NULL in, NULL out), which nullable foreign keys rely on.
:func:`random_expr` draws from the column's domain with ``random()``, narrowed by the
:class:`~tools.datagen.checks.Domain` of its CHECK constraints.

Example: ``unique_expr(<uuid column>, "g")`` →
``(substr(md5((g)::text), 1, 16) || lpad(to_hex(g), 16, '0'))::uuid``.
"""

from __future__ import annotations

import math

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
        prefix = f"{_short(column)}_"
        if t.length is not None and t.length < 12:
            prefix = ""
        body = f"'{prefix}' || ({idx})::text" if prefix else f"({idx})::text"
        return f"({body})::{cast}"
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


def random_expr(column: str, t: TypeInfo, rows: int, dom: Domain | None = None) -> str | None:
    """An expression drawing a plausible value for the column (``None``: unsupported type)."""
    name, cast = t.name, t.sql
    if dom is not None and dom.values:
        return _choice(dom.values, cast)
    distinct = max(10, min(rows // 5, 100_000))
    h = f"floor(random() * {distinct})::int"
    if name in _INT_RANGE:
        lo, hi = _int_bounds(t, dom, 1000)
        return f"({lo} + floor(random() * {hi - lo + 1}))::{cast}"
    if name in ("numeric", "float4", "float8") or name == "money":
        ps = t.precision_scale
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
        return f"({value})::numeric::{cast}" if name == "money" else f"({value})::{cast}"
    if name in _TEXT:
        lower = column.lower()
        if "email" in lower:
            body = f"'user' || {h} || '@example.com'"
        elif t.length is not None and t.length < 12:
            body = f"({h})::text"
        else:
            body = f"'{_short(column)} ' || {h}"
        if t.length is not None:
            body = f"left({body}, {t.length})"
        return f"({body})::{cast}"
    if name == "bool":
        return "(random() < 0.5)"
    # dates and times spread over the ten years up to now, so "the last day" is as selective as
    # in a real table (now() is evaluated once per statement)
    if name == "date":
        return "(CURRENT_DATE - floor(random() * 3650)::int)"
    if name == "timestamptz":  # cheaper than timestamp -> timestamptz
        return f"to_timestamp(floor(extract(epoch FROM now())) - floor(random() * 315360000))::{cast}"
    if name == "timestamp":
        return f"(LOCALTIMESTAMP - random() * INTERVAL '3650 days')::{cast}"
    if name in ("time", "timetz"):
        return f"(TIME '00:00' + random() * INTERVAL '1 day')::{cast}"
    if name == "interval":
        return f"(random() * INTERVAL '30 days')::{cast}"
    if name == "uuid":
        return "md5(random()::text)::uuid"
    if name in ("json", "jsonb"):
        return (
            f"jsonb_build_object('id', {h}, 'tag', 'tag' || ({h} % 10), "
            f"'active', random() < 0.5)::{cast}"
        )
    if name == "inet":
        return "('10.0.0.0'::inet + floor(random() * 16777216)::bigint)"
    if name == "cidr":
        return "set_masklen('10.0.0.0'::inet + floor(random() * 65536)::bigint * 256, 24)::cidr"
    if name == "bytea":
        return "decode(md5(random()::text), 'hex')"
    if t.category == "E" and t.labels:
        return _choice(tuple(t.labels), cast)
    if t.category == "A" and t.elem is not None:
        inner = random_expr(column, t.elem, rows)
        if inner is None:
            return None
        return f"(ARRAY[{inner}, {inner}, {inner}])[1:1 + floor(random() * 3)::int]::{cast}"
    if t.category == "N":
        return f"floor(random() * 1000)::{cast}"
    if t.category == "S":
        return f"('{_short(column)} ' || {h})::{cast}"
    return None
