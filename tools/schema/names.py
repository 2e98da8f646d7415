"""The names PostgreSQL gives to what the SQL leaves unnamed.

``CREATE TABLE orders (id serial PRIMARY KEY, user_id int REFERENCES users)`` creates
``orders_pkey``, ``orders_user_id_fkey`` and the sequence ``orders_id_seq``. The SQL side of the
model (:mod:`tools.model_sql`) names constraints and indexes the same way, so that a later
``DROP CONSTRAINT orders_pkey`` finds its target and the two sources of the model agree. A port
of ``makeObjectName`` / ``ChooseRelationName`` / ``ChooseConstraintName`` (``indexcmds.c``,
``pg_constraint.c``), names truncated to 63 bytes.
"""

from __future__ import annotations

from collections.abc import Collection

NAME_BYTES = 63
"""``NAMEDATALEN - 1``: the longest identifier PostgreSQL keeps."""


def _clip(name: str, nbytes: int) -> str:
    """``name`` cut to at most ``nbytes`` bytes of UTF-8, never inside a character."""
    data = name.encode()[:nbytes]
    return data.decode(errors="ignore")


def truncate_identifier(name: str) -> str:
    return _clip(name, NAME_BYTES)


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """``name1_name2_label``, the longer of ``name1`` and ``name2`` shortened until it fits."""
    n1 = len(name1.encode())
    n2 = len(name2.encode()) if name2 else 0
    overhead = (1 if name2 else 0) + (len(label) + 1 if label else 0)
    available = NAME_BYTES - overhead
    while n1 + n2 > available:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    parts = [_clip(name1, n1)]
    if name2:
        parts.append(_clip(name2, n2))
    if label:
        parts.append(label)
    return "_".join(parts)


def choose_name(name1: str, name2: str | None, label: str, taken: Collection[str]) -> str:
    """The first of ``name1_name2_label``, ``..._label1``, ``..._label2``... not in ``taken``."""
    candidate = make_object_name(name1, name2, label)
    number = 0
    while candidate in taken:
        number += 1
        candidate = make_object_name(name1, name2, f"{label}{number}")
    return candidate


def column_addition(columns: Collection[str]) -> str:
    """Column names joined with ``_`` as PostgreSQL does for index and constraint names
    (it stops adding names once the result reaches the 63-byte limit)."""
    out = ""
    for col in columns:
        if out:
            out += "_"
        out += col
        if len(out.encode()) >= NAME_BYTES:
            break
    return out


def index_column_name(expression_sql: str) -> str:
    """The name a key expression contributes: the function name for a call (``lower(email)`` is
    ``lower``), ``expr`` for anything else; a plain column contributes itself."""
    text = expression_sql.strip()
    head = text.split("(", 1)[0].strip()
    if text.endswith(")") and "(" in text and head and head.replace("_", "").replace(".", "").isalnum():
        return head.rsplit(".", 1)[-1].lower()
    if text.replace("_", "").isalnum():
        return text
    return "expr"
