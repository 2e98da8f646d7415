"""A separate database on the test server that plays "the user's database" for the agent's and
the MCP server's read-only tools, reached as the server's superuser (the worst DSN a user could
give) with a password in the DSN that must never show anywhere.

The embedded server trusts local connections, so the password is ignored by the server but
travels through every layer of dbarch, which is what the tests need.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tests.safety.test_readonly import USER_SCHEMA, fingerprint

PASSWORD = "pw-Zq8vR2kT-readonly-secret"

__all__ = ["PASSWORD", "USER_SCHEMA", "fingerprint", "user_database"]


@contextlib.contextmanager
def user_database(sandbox: Any, *, uri: bool = False) -> Iterator[str]:
    """Create the database (the accounts schema of ``test_readonly``); yield its DSN with
    :data:`PASSWORD` in it (a ``postgresql://`` URI when ``uri``); drop it afterwards."""
    from psycopg.conninfo import conninfo_to_dict

    name = f"dbarch_user_{secrets.token_hex(3)}"
    admin = sandbox.admin()
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        plain = make_conninfo(sandbox.admin_dsn, dbname=name)
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(USER_SCHEMA)
        dsn = make_conninfo(plain, password=PASSWORD)
        if uri:
            params = conninfo_to_dict(plain)
            host = str(params.get("host") or "").replace("/", "%2F")
            dsn = (f"postgresql://{params.get('user')}:{PASSWORD}@{host}:{params.get('port') or 5432}/{name}")
        yield dsn
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
