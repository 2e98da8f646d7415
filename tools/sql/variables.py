"""psql variables in SQL scripts: ``:name``, ``:'name'`` (a literal) and ``:"name"`` (an
identifier), as ``psql -v name=value`` / ``\\set name value`` substitute them.

Like psql, a variable is replaced only outside quotes, dollar quotes and comments, ``::`` is a
cast, not a variable, and a name that is not set is left as written (the statement then fails
to parse, and :func:`unresolved` names what to set). :func:`psql_variables` builds the
mapping an entry point passes down: psql's own variables (``USER``, ``DBNAME``, ``HOST``,
``PORT``) from the ``PG*`` environment, any environment variable of the same name as a
fallback, then ``--set`` values over them.

Example::

    >>> substitute("GRANT r TO :\\"PGUSER\\"; SELECT ':x', :'x'", {"PGUSER": "app", "x": "it's"})[0]
    'GRANT r TO "app"; SELECT \\':x\\', \\'it\\'\\'s\\''
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from dbarch.tools.errors import UsageError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIAL = re.compile(r"[:'\"$\-/]")


def psql_variables(environ: Mapping[str, str], sets: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """Variables for a script: the environment, psql's automatic ones, then ``name=value``
    assignments (``--set``), each later source winning."""
    variables = dict(environ)
    user = environ.get("PGUSER") or environ.get("USER") or environ.get("LOGNAME")
    automatic = {"USER": user, "DBNAME": environ.get("PGDATABASE") or user,
                 "HOST": environ.get("PGHOST"), "PORT": environ.get("PGPORT") or "5432"}
    variables.update({k: v for k, v in automatic.items() if v})
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep or not _NAME.fullmatch(name.strip()):
            raise UsageError(f"bad --set {item!r}", hint="write --set name=value (psql's -v name=value)")
        variables[name.strip()] = value
    return variables


def _literal(value: str) -> str:
    if "\\" in value:
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + value.replace("'", "''") + "'"


def _identifier(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _references(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, form, name)`` of each variable reference outside quotes and comments;
    ``form`` is ``""``, ``"'"`` or ``'"'``."""
    out: list[tuple[int, int, str, str]] = []
    i, n = 0, len(text)
    while True:
        m = _SPECIAL.search(text, i)
        if m is None:
            return out
        i = m.start()
        c = text[i]
        if c == ":":
            if text.startswith("::", i):
                i += 2
                continue
            nxt = text[i + 1 : i + 2]
            if nxt in ("'", '"'):
                end = text.find(nxt, i + 2)
                name = text[i + 2 : end] if end > 0 else ""
                if end > 0 and _NAME.fullmatch(name):
                    out.append((i, end + 1, nxt, name))
                    i = end + 1
                    continue
            else:
                word = _NAME.match(text, i + 1)
                if word is not None and (i == 0 or text[i - 1] != ":"):
                    out.append((i, word.end(), "", word.group()))
                    i = word.end()
                    continue
            i += 1
        elif c in "'\"":
            end = text.find(c, i + 1)
            while end > 0 and text.startswith(c * 2, end):
                end = text.find(c, end + 2)
            i = n if end < 0 else end + 1
        elif c == "$":
            tag = re.match(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$", text[i:])
            if tag is None or (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
                i += 1
                continue
            end = text.find(tag.group(), i + len(tag.group()))
            i = n if end < 0 else end + len(tag.group())
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            i += 1


def substitute(text: str, variables: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with the set variables replaced; and the names referenced but not set."""
    if ":" not in text:
        return text, []
    parts: list[str] = []
    missing: list[str] = []
    at = 0
    for start, end, form, name in _references(text):
        value = variables.get(name)
        if value is None:
            missing.append(f":{form}{name}{form}")
            continue
        parts.append(text[at:start])
        parts.append(_literal(value) if form == "'" else _identifier(value) if form == '"' else value)
        at = end
    parts.append(text[at:])
    return "".join(parts), missing


def set_command(meta: str) -> tuple[str, str] | None:
    """``\\set name value`` → ``(name, value)`` (quotes around the value removed)."""
    words = meta.split(None, 2)
    if len(words) < 2 or words[0] != "\\set" or not _NAME.fullmatch(words[1]):
        return None
    value = words[2].strip() if len(words) > 2 else ""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1].replace("''", "'")
    return words[1], value
