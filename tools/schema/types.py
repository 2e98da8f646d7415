"""PostgreSQL type spellings reduced to the one ``format_type()`` prints.

``canonical_type("int4")`` is ``integer``, ``canonical_type("varchar(255)[]")`` is
``character varying(255)[]``: the SQL side of the model (:mod:`tools.model_sql`) and the catalog
side (:mod:`tools.catalog`) then agree on column types without knowing how they were written.

The convention for names that are not built in (enums, domains, extension types): lower-cased
unless quoted, ``pg_catalog.`` and ``public.`` prefixes dropped (the catalog reads types with
``search_path = public``), any other schema kept. MySQL and SQLite spellings (``tinyint``,
``datetime``, ``int(11) unsigned``) map to their nearest PostgreSQL type, on a best-effort basis.
A pure function, driven by the tables below.
"""

from __future__ import annotations

from functools import lru_cache

ALIASES: dict[str, str] = {
    # integers (and their serial pseudo-types)
    "int": "integer", "int4": "integer", "integer": "integer", "serial": "integer",
    "serial4": "integer", "mediumint": "integer", "signed": "integer", "signed integer": "integer",
    "int8": "bigint", "bigint": "bigint", "bigserial": "bigint", "serial8": "bigint",
    "int2": "smallint", "smallint": "smallint", "smallserial": "smallint", "serial2": "smallint",
    "tinyint": "smallint", "year": "smallint",
    # exact and floating point numbers
    "decimal": "numeric", "numeric": "numeric", "dec": "numeric", "fixed": "numeric",
    "float8": "double precision", "double precision": "double precision",
    "double": "double precision", "float4": "real", "real": "real",
    # text
    "varchar": "character varying", "character varying": "character varying",
    "char varying": "character varying", "nvarchar": "character varying",
    "national character varying": "character varying",
    "char": "character", "character": "character", "nchar": "character",
    "national character": "character", "bpchar": "bpchar",
    "text": "text", "tinytext": "text", "mediumtext": "text", "longtext": "text",
    "clob": "text", "string": "text", "citext": "citext", '"char"': '"char"', "name": "name",
    # booleans, binary, bits
    "bool": "boolean", "boolean": "boolean",
    "bytea": "bytea", "blob": "bytea", "tinyblob": "bytea", "mediumblob": "bytea",
    "longblob": "bytea", "binary": "bytea", "varbinary": "bytea",
    "bit": "bit", "varbit": "bit varying", "bit varying": "bit varying",
    # dates and times
    "timestamp": "timestamp without time zone",
    "timestamp without time zone": "timestamp without time zone",
    "datetime": "timestamp without time zone",
    "timestamptz": "timestamp with time zone", "timestamp with time zone": "timestamp with time zone",
    "time": "time without time zone", "time without time zone": "time without time zone",
    "timetz": "time with time zone", "time with time zone": "time with time zone",
    "date": "date", "interval": "interval",
    # documents and others
    "json": "json", "jsonb": "jsonb", "uuid": "uuid", "xml": "xml", "money": "money",
    "inet": "inet", "cidr": "cidr", "macaddr": "macaddr", "macaddr8": "macaddr8",
    "tsvector": "tsvector", "tsquery": "tsquery", "oid": "oid", "regclass": "regclass",
}
"""Every spelling (lower case, words separated by one space) to ``format_type``'s base name."""

INTEGER_TYPES = frozenset({"integer", "bigint", "smallint"})
"""Types whose parenthesised modifier is a MySQL display width, dropped."""

DEFAULT_TYPMOD = {"character": "(1)", "bit": "(1)"}
"""Types that get a modifier even when none is written (``char`` is ``character(1)``)."""

TIME_TYPES = ("timestamp", "time")

IGNORED_WORDS = frozenset({"unsigned", "zerofill"})


def _split_array(text: str) -> tuple[str, bool]:
    """Strip ``[]``, ``[3]`` and ``ARRAY`` / ``ARRAY[3]`` suffixes; PostgreSQL keeps no dimensions."""
    is_array = False
    while True:
        stripped = text.rstrip()
        if stripped.endswith("]") and "[" in stripped:
            text, is_array = stripped[: stripped.rindex("[")], True
        elif stripped.lower().endswith(" array"):
            text, is_array = stripped[:-6], True
        else:
            return stripped, is_array


def _split_typmod(text: str) -> tuple[str, str]:
    """Take the first ``(...)`` out of ``text``: ``timestamp(3) with time zone`` gives
    ``("timestamp with time zone", "(3)")``. Spaces inside the modifier are removed."""
    start = text.find("(")
    if start < 0:
        return text, ""
    end = text.find(")", start)
    if end < 0:
        return text, ""
    typmod = "(" + ",".join(p.strip() for p in text[start + 1 : end].split(",")) + ")"
    return f"{text[:start]} {text[end + 1 :]}", typmod


def _words(text: str) -> list[str]:
    """Words lower-cased outside double quotes, quoted parts kept verbatim."""
    words: list[str] = []
    for i, part in enumerate(text.split('"')):
        if i % 2:  # inside quotes
            quoted = f'"{part}"'
            if words and words[-1].endswith("."):
                words[-1] += quoted
            else:
                words.append(quoted)
            continue
        for word in part.lower().split():
            if words and (words[-1].endswith(".") or word.startswith(".")):
                words[-1] += word
            else:
                words.append(word)
    return [w for w in words if w not in IGNORED_WORDS]


def _strip_schema(name: str) -> str:
    for prefix in ("pg_catalog.", "public."):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _float_type(typmod: str) -> str:
    try:
        precision = int(typmod.strip("()").split(",")[0])
    except ValueError:
        return "double precision"
    return "real" if precision <= 24 else "double precision"


def _with_typmod(base: str, typmod: str) -> str:
    if base in INTEGER_TYPES or base in ("boolean", "text", "bytea", "date"):
        return base
    if base == "numeric" and typmod and "," not in typmod:
        return f"numeric{typmod[:-1]},0)"
    typmod = typmod or DEFAULT_TYPMOD.get(base, "")
    if base == "bpchar" and typmod:
        base = "character"
    for name in TIME_TYPES:
        if base.startswith(f"{name} ") and typmod:
            return f"{name}{typmod}{base[len(name):]}"
    return f"{base}{typmod}"


@lru_cache(maxsize=8192)
def canonical_type(text: str) -> str:
    """The ``format_type()`` spelling of a PostgreSQL type: ``int4`` -> ``integer``,
    ``timestamptz`` -> ``timestamp with time zone``, ``decimal(10, 2)`` -> ``numeric(10,2)``,
    ``serial`` -> ``integer``, ``int[]`` -> ``integer[]``. Unknown names are kept (folded)."""
    body, is_array = _split_array(text.strip())
    body, typmod = _split_typmod(body)
    words = _words(body)
    if not words:
        return text.strip()
    words[0] = _strip_schema(words[0])
    inner = words[0].strip('"')
    if words[0].startswith('"') and inner in ALIASES and inner != "char":  # pg_catalog."timestamp"
        words[0] = inner
    joined = " ".join(words)
    if joined in ("float", "double precision") and typmod:
        base = _float_type(typmod) if joined == "float" else joined
        result = base
    elif joined == "float":
        result = "double precision"
    elif joined.startswith("interval "):  # interval day to second
        result = _with_typmod(joined, typmod)
    else:
        result = _with_typmod(ALIASES.get(joined, joined), typmod)
    return f"{result}[]" if is_array else result


def is_serial(text: str) -> bool:
    """True for ``serial``, ``bigserial``, ``smallserial`` and their numbered spellings."""
    return " ".join(_words(text)) in {"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"}


@lru_cache(maxsize=8192)
def base_type(canonical: str) -> str:
    """The type without modifier nor array suffix: ``character varying(255)[]`` -> ``character varying``."""
    body, _ = _split_array(canonical)
    return " ".join(_split_typmod(body)[0].split())
