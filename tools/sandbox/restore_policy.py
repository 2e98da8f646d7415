"""What a restore into a scratch database skips, turns into a note, or refuses plainly.

Pure classification of statements by their first words (this is recognising statement kinds,
not analysing SQL): ownership, roles and databases are outside a scratch database; statements
only a superuser may run become notes when the sandbox's role is refused; extensions and
languages are recognised so the sandbox can install them with its own rights, or name what it
lacks. :mod:`tools.apply` asks these questions while it runs a script.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from dbarch.tools.sql.parse import ParsedStatement

SKIP_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("CREATE", "DATABASE"), "CREATE DATABASE skipped: each check runs in its own scratch database"),
    (("DROP", "DATABASE"), "DROP DATABASE skipped: each check runs in its own scratch database"),
    (("ALTER", "DATABASE"), "ALTER DATABASE skipped: each check runs in its own scratch database"),
    (("CREATE", "ROLE"), "CREATE ROLE skipped: roles are outside a scratch database"),
    (("CREATE", "USER"), "CREATE USER skipped: roles are outside a scratch database"),
    (("CREATE", "GROUP"), "CREATE GROUP skipped: roles are outside a scratch database"),
    (("ALTER", "ROLE"), "ALTER ROLE skipped: roles are outside a scratch database"),
    (("ALTER", "USER"), "ALTER USER skipped: roles are outside a scratch database"),
    (("ALTER", "GROUP"), "ALTER GROUP skipped: roles are outside a scratch database"),
    (("DROP", "ROLE"), "DROP ROLE skipped: roles are outside a scratch database"),
    (("DROP", "USER"), "DROP USER skipped: roles are outside a scratch database"),
    (("DROP", "GROUP"), "DROP GROUP skipped: roles are outside a scratch database"),
    (("SET", "ROLE"), "SET ROLE skipped: the check runs as the sandbox's own role"),
    (("SET", "SESSION", "AUTHORIZATION"), "SET SESSION AUTHORIZATION skipped"),
    (("RESET", "ROLE"), "RESET ROLE skipped"),
    # Never run, not even on a server of the user's (--sandbox-dsn) where it might succeed: it
    # rewrites that server's postgresql.auto.conf, far outside the scratch database.
    (("ALTER", "SYSTEM"), "ALTER SYSTEM skipped: server configuration is outside a scratch database"),
    # pg_dump turns the timeouts off for its session; the sandbox keeps its own
    (("SET", "STATEMENT_TIMEOUT"), "SET statement_timeout skipped: the sandbox keeps its own timeouts"),
    (("SET", "LOCK_TIMEOUT"), "SET lock_timeout skipped: the sandbox keeps its own timeouts"),
    (("SET", "IDLE_IN_TRANSACTION_SESSION_TIMEOUT"),
     "SET idle_in_transaction_session_timeout skipped: the sandbox keeps its own timeouts"),
    (("SET", "TRANSACTION_TIMEOUT"), "SET transaction_timeout skipped: the sandbox keeps its own timeouts"),
)
"""Statements skipped without running them (prefixes of their first words)."""

_ROLE_WORDS = frozenset(["USER", "GROUP"])
"""``CREATE USER MAPPING`` is not ``CREATE USER``: these prefixes stop at ``MAPPING``."""

NEEDS_SUPERUSER: tuple[tuple[tuple[str, ...], frozenset[str], str], ...] = (
    # Run first (a superuser --sandbox-dsn checks them for real); when the sandbox's role is
    # refused, a non-superuser pg_restore into a fresh database could not do better: the
    # statement is skipped with a note, and a later error that needs what it would have
    # created says so (see _Applier.dependency_hint). None of these shapes tables or columns.
    (("CREATE", "PUBLICATION"), frozenset(["42501"]),
     "publication skipped: {server} (replication setup, not the schema)"),
    (("ALTER", "PUBLICATION"), frozenset(["42501"]), "publication change skipped: {server}"),
    (("CREATE", "SUBSCRIPTION"), frozenset(["42501"]),
     "subscription skipped: {server} (replication setup, not the schema)"),
    (("CREATE", "EVENT", "TRIGGER"), frozenset(["42501"]),
     "event trigger skipped: only a superuser can create one"),
    (("ALTER", "EVENT", "TRIGGER"), frozenset(["42501"]), "event trigger change skipped: {server}"),
    (("COMMENT", "ON", "EVENT", "TRIGGER"), frozenset(["42501"]), "comment skipped: {server}"),
    # label providers (sepgsql, anon...) are server modules loaded at start-up
    (("SECURITY", "LABEL"), frozenset(["22023", "42501"]), "security label skipped: {server}"),
    (("CREATE", "TABLESPACE"), frozenset(["42501"]),
     "tablespace skipped: tablespaces are server directories, outside a scratch database"),
    (("CREATE", "FOREIGN", "DATA", "WRAPPER"), frozenset(["42501"]), "foreign-data wrapper skipped: {server}"),
    (("CREATE", "FOREIGN", "TABLE"), frozenset(["42501"]), "foreign table skipped: {server}"),
    # old-style contrib installs (before CREATE EXTENSION) dump their C functions and the
    # superuser-only objects built on them
    (("CREATE", "FUNCTION"), frozenset(["42501"]),
     "function skipped: {server} (C functions load a server library; only a superuser can create them)"),
    (("CREATE", "TEXT", "SEARCH", "PARSER"), frozenset(["42501"]), "text search parser skipped: {server}"),
    (("CREATE", "TEXT", "SEARCH", "TEMPLATE"), frozenset(["42501"]), "text search template skipped: {server}"),
    (("CREATE", "OPERATOR", "CLASS"), frozenset(["42501"]), "operator class skipped: {server}"),
    (("CREATE", "OPERATOR", "FAMILY"), frozenset(["42501"]), "operator family skipped: {server}"),
    (("ALTER", "OPERATOR", "FAMILY"), frozenset(["42501"]), "operator family change skipped: {server}"),
)
"""Statements that only a superuser may run, and the refusals turned into notes."""

_C_LANGUAGE_REFUSALS = ("permission denied for language c", "permission denied for language internal")
"""The only refusals of ``CREATE FUNCTION`` that are a matter of superuser rights."""

UNDEFINED = frozenset(["42704", "42883", "42P01", "3F000"])
"""SQLSTATEs of "does not exist": what a skipped statement may leave behind."""

MISSING_EXTENSION_HINTS = {
    "pgcrypto": "gen_random_uuid() is core since PostgreSQL 13; digest()/crypt() need a server with "
    "pgcrypto (--sandbox-dsn)",
    "uuid-ossp": "use gen_random_uuid() (core since PostgreSQL 13) instead of uuid_generate_v4()",
    "hypopg": "hypothetical indexes need a server with hypopg (--sandbox-dsn)",
}
"""Extensions of PostgreSQL's own contrib that the embedded build leaves out, and what to do."""

THIRD_PARTY_HINTS = {
    "postgis": "PostGIS is not part of PostgreSQL: point --sandbox-dsn at a server with PostGIS installed",
}


def first_words(text: str, n: int = 4) -> tuple[str, ...]:
    return tuple(w.upper().strip("(;") for w in text.split()[:n])


_NOISE_WORDS = frozenset(["TRUSTED", "PROCEDURAL"])


def head(text: str, n: int = 6) -> tuple[str, ...]:
    """The statement's first words, upper-cased, without ``OR REPLACE`` and the optional
    ``TRUSTED``/``PROCEDURAL`` of ``CREATE LANGUAGE``: what the tables above match."""
    words = list(first_words(text, n + 4))
    if words[1:3] == ["OR", "REPLACE"]:
        del words[1:3]
    if words[:1] == ["CREATE"]:
        while len(words) > 1 and words[1] in _NOISE_WORDS:
            del words[1]
    return tuple(words[:n])


def skip_reason(stmt: ParsedStatement) -> str | None:
    """Why a statement is skipped in a scratch database, or ``None`` when it runs."""
    words = head(stmt.text)
    for prefix, reason in SKIP_PREFIXES:
        if words[: len(prefix)] == prefix and not (prefix[-1] in _ROLE_WORDS and words[2:3] == ("MAPPING",)):
            return reason
    upper = " ".join(stmt.text.upper().split())
    if words[:1] == ("ALTER",) and " OWNER TO " in f" {upper} ":
        return "ownership change skipped (like pg_restore --no-owner)"
    return None


def superuser_skip(stmt: ParsedStatement, exc: psycopg.Error) -> str | None:
    """The note for a statement refused only because the sandbox's role is not a superuser."""
    words = head(stmt.text)
    server = exc.diag.message_primary or "permission denied"
    for prefix, states, reason in NEEDS_SUPERUSER:
        if words[: len(prefix)] != prefix or exc.sqlstate not in states:
            continue
        if prefix == ("CREATE", "FUNCTION") and not server.lower().startswith(_C_LANGUAGE_REFUSALS):
            return None
        return reason.format(server=server)
    return None


def is_copy_from_stdin(stmt: ParsedStatement) -> bool:
    words = [w.upper().strip(";") for w in stmt.text.replace("(", " ( ").replace(")", " ) ").split()]
    return bool(words) and words[0] == "COPY" and any(
        words[k] == "FROM" and words[k + 1] == "STDIN" for k in range(len(words) - 1)
    )


def extension_name(stmt: ParsedStatement) -> str | None:
    """The extension ``CREATE EXTENSION`` installs, or the language of a ``CREATE LANGUAGE``
    without a handler (which PostgreSQL itself runs as ``CREATE EXTENSION``)."""
    words = stmt.text.split()
    upper = [w.upper().rstrip(";") for w in words]
    if upper[:2] == ["CREATE", "EXTENSION"]:
        rest = words[2:]
    elif head(stmt.text, 2) == ("CREATE", "LANGUAGE") and "HANDLER" not in upper:
        rest = words[upper.index("LANGUAGE") + 1 :]
    else:
        return None
    if [w.upper() for w in rest[:3]] == ["IF", "NOT", "EXISTS"]:
        rest = rest[3:]
    return rest[0].strip('";').lower() if rest else None


def roles_text(names: Sequence[str]) -> str:
    """'role "a" does not exist', 'roles "a", "b" do not exist'."""
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"role {quoted} does not exist" if len(names) == 1 else f"roles {quoted} do not exist"


def may_become_note(stmt: ParsedStatement) -> bool:
    words = head(stmt.text, 4)
    return (
        words[:1] in (("GRANT",), ("REVOKE",), ("COMMENT",), ("SECURITY",))
        or words[:3] == ("ALTER", "DEFAULT", "PRIVILEGES")
        or words[:2] in (("CREATE", "SCHEMA"), ("CREATE", "LANGUAGE"), ("CREATE", "EXTENSION"))
        or words[:2] in (("CREATE", "POLICY"), ("ALTER", "POLICY"))
        or any(words[: len(prefix)] == prefix for prefix, _, _ in NEEDS_SUPERUSER)
    )
