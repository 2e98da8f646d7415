"""The sandbox's lock-down, tried as an attacker would (each attack through ``check_sources``).

Every attack must be refused (an error) or skipped with a note that says so, and leave no
trace: the file it tried to write does not exist (in a folder the server's account *could*
write, so a successful attack would have left it), and the server's roles, role settings,
databases, configuration and template are exactly as before.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dbarch.tools.check import check_sources
from dbarch.tools.sandbox import Sandbox, SandboxSettings
from dbarch.tools.sandbox.sandbox import SCRATCH_PREFIX, TEMPLATE
from dbarch.tools.sql.source import SqlSource


@dataclass(frozen=True)
class Attack:
    name: str
    sql: str
    """``{path}`` is a file the attack tries to create; ``{role}`` the sandbox role."""
    refused: str
    """``error`` (optionally ``error:SQLSTATE-prefix``) or ``note:<words in the note>``."""


TRIGGER = (
    "CREATE TABLE t (a int);\n"
    "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN {body}; RETURN NEW; END $f$;\n"
    "CREATE TRIGGER t_ins BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();\n"
    "INSERT INTO t VALUES (1);"
)


def do(statement: str) -> str:
    return f"DO $d$ BEGIN EXECUTE $q${statement}$q$; END $d$;"


ATTACKS = [
    # programs and files on the host
    Attack("copy-to-program", "COPY (SELECT 1) TO PROGRAM 'touch {path}';", "error:42501"),
    Attack("copy-from-program", "CREATE TABLE t (a text);\nCOPY t FROM PROGRAM 'touch {path}';", "error:42501"),
    Attack("copy-to-file", "COPY (SELECT 'owned') TO '{path}';", "error:42501"),
    Attack("copy-from-file", "CREATE TABLE t (a text);\nCOPY t FROM '/etc/passwd';", "error:42501"),
    Attack("pg_read_file", "SELECT pg_read_file('/etc/passwd');", "error:42501"),
    Attack("pg_read_binary_file", "SELECT pg_read_binary_file('/etc/passwd');", "error:42501"),
    Attack("pg_ls_dir", "SELECT pg_ls_dir('/');", "error:42501"),
    Attack("pg_stat_file", "SELECT pg_stat_file('/etc/passwd');", "error:42501"),
    Attack("lo_import", "SELECT lo_import('/etc/passwd');", "error:42501"),
    Attack("lo_export", "SELECT lo_export(lo_from_bytea(0, 'owned'), '{path}');", "error:42501"),
    Attack("copy-program-in-do", do("COPY (SELECT 1) TO PROGRAM 'touch {path}'"), "error:42501"),
    Attack("copy-program-in-trigger", TRIGGER.replace("{body}", "COPY (SELECT 1) TO PROGRAM 'touch {path}'"),
           "error:42501"),
    Attack("read-file-in-trigger", TRIGGER.replace("{body}", "PERFORM pg_read_file('/etc/passwd')"), "error:42501"),
    # server configuration
    Attack("alter-system", "ALTER SYSTEM SET work_mem = '1GB';", "note:ALTER SYSTEM skipped"),
    Attack("alter-system-in-do", do("ALTER SYSTEM SET work_mem = '1GB'"), "error"),
    Attack("pg_reload_conf", "SELECT pg_reload_conf();", "error:42501"),
    Attack("set-superuser-only-setting", "SET log_statement = 'all';", "error:42501"),
    # extensions, languages, C code
    Attack("dblink", "CREATE EXTENSION dblink;\nSELECT dblink_connect('host=127.0.0.1 dbname=postgres');",
           "note:dblink skipped"),
    Attack("postgres_fdw", "CREATE EXTENSION postgres_fdw;\nCREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw "
           "OPTIONS (host '127.0.0.1', dbname 'postgres');\nCREATE USER MAPPING FOR CURRENT_USER SERVER s;\n"
           "CREATE FOREIGN TABLE ft (a int) SERVER s;\nSELECT * FROM ft;", "error:55000"),
    Attack("file_fdw", "CREATE EXTENSION file_fdw;\nCREATE SERVER f FOREIGN DATA WRAPPER file_fdw;\n"
           "CREATE FOREIGN TABLE ft (a text) SERVER f OPTIONS (program 'touch {path}');\nSELECT * FROM ft;",
           "error:55000"),
    Attack("pageinspect", "CREATE EXTENSION pageinspect;", "note:pageinspect skipped"),
    Attack("pg_surgery", "CREATE EXTENSION pg_surgery;", "note:pg_surgery skipped"),
    Attack("untrusted-language", "CREATE LANGUAGE plpython3u;", "note:untrusted language"),
    Attack("untrusted-function", "CREATE FUNCTION f() RETURNS int LANGUAGE plpython3u AS $$ "
           "import os; os.system('touch {path}'); return 1 $$;", "error"),
    Attack("c-function-libc-system", "CREATE FUNCTION sys(cstring) RETURNS int AS 'libc.so.6', 'system' "
           "LANGUAGE C STRICT;\nSELECT sys('touch {path}');", "note:C functions"),
    Attack("c-function-in-do", do("CREATE FUNCTION sys(cstring) RETURNS int AS 'libc.so.6', 'system' LANGUAGE C"),
           "error:42501"),
    Attack("load-library", "LOAD '/usr/lib/x86_64-linux-gnu/libc.so.6';", "error:42501"),
    Attack("extension-in-do", do("CREATE EXTENSION dblink"), "error:42501"),
    # roles and databases
    Attack("set-role", "SET ROLE postgres;", "note:SET ROLE skipped"),
    Attack("set-session-authorization", "SET SESSION AUTHORIZATION postgres;", "note:SET SESSION AUTHORIZATION"),
    Attack("set-role-in-do", do("SET ROLE postgres"), "error:42501"),
    Attack("set_config-role", "SELECT set_config('role', 'postgres', false);", "error:42501"),
    Attack("create-superuser", "CREATE ROLE evil SUPERUSER LOGIN;", "note:CREATE ROLE skipped"),
    Attack("create-role-in-do", do("CREATE ROLE evil SUPERUSER LOGIN"), "error:42501"),
    Attack("alter-own-role-superuser", do("ALTER ROLE {role} SUPERUSER"), "error:42501"),
    Attack("grant-server-program", "GRANT pg_execute_server_program TO {role};", "error:42501"),
    Attack("grant-read-files-in-do", do("GRANT pg_read_server_files TO {role}"), "error:42501"),
    Attack("create-database-in-do", do("CREATE DATABASE evil"), "error"),
    Attack("drop-database", "DROP DATABASE postgres;", "note:DROP DATABASE skipped"),
    Attack("alter-template-in-do", do(f"ALTER DATABASE {TEMPLATE} IS_TEMPLATE false"), "error:42501"),
    Attack("alter-database-postgres-in-do", do("ALTER DATABASE postgres SET work_mem = '1GB'"), "error:42501"),
    Attack("event-trigger", "CREATE FUNCTION et() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;\n"
           "CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION et();", "note:event trigger skipped"),
    Attack("kill-other-checks", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
           "WHERE pid <> pg_backend_pid();", "error:42501"),
    # time, memory, temp files
    Attack("pg_sleep", "SELECT pg_sleep(3600);", "error:57014"),
    Attack("infinite-loop", "DO $$ BEGIN LOOP END LOOP; END $$;", "error:57014"),
    Attack("recursive-cte", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
           "SELECT count(*) FROM r;", "error:5"),
    Attack("huge-generate_series", "SELECT count(*) FROM generate_series(1, 1000000000000);", "error:57014"),
    Attack("huge-result-to-client", "SELECT g, repeat('x', 100) FROM generate_series(1, 1000000000) g;",
           "error:57014"),
    Attack("timeout-turned-off", "SET statement_timeout = 0;\nSELECT pg_sleep(3600);", "error:57014"),
    Attack("timeout-turned-off-in-do", "SELECT set_config('statement_timeout', '0', false);\n"
           "DO $$ BEGIN LOOP END LOOP; END $$;", "error:57014"),
    Attack("cancel-swallowed", "SET statement_timeout = 0;\nDO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(10); "
           "EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$;", "error"),
]


def snapshot(admin: psycopg.Connection[Any]) -> dict[str, Any]:
    """What an attack must not change on the server."""
    def rows(query: str) -> list[tuple[Any, ...]]:
        return admin.execute(query).fetchall()

    return {
        "roles": rows("SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, "
                      "rolconnlimit, rolpassword IS NOT NULL FROM pg_authid ORDER BY 1"),
        "members": rows("SELECT roleid::regrole::text, member::regrole::text FROM pg_auth_members ORDER BY 1, 2"),
        "role_settings": rows("SELECT setdatabase, setrole::regrole::text, setconfig FROM pg_db_role_setting "
                              "ORDER BY 1, 2"),
        "databases": rows("SELECT datname, datistemplate, datallowconn, datconnlimit FROM pg_database "
                          f"WHERE datname NOT LIKE '{SCRATCH_PREFIX.replace('_', chr(92) + '_')}%' ORDER BY 1"),
        "auto_conf": rows("SELECT pg_read_file('postgresql.auto.conf')"),
        "file_settings": rows("SELECT name, setting FROM pg_file_settings ORDER BY 1, 2"),
        "settings": rows("SELECT name, setting FROM pg_settings WHERE context IN ('postmaster', 'sighup', "
                         "'superuser-backend', 'backend') ORDER BY 1"),
        "extensions": rows("SELECT extname FROM pg_extension ORDER BY 1"),
        "large_objects": rows("SELECT count(*) FROM pg_largeobject_metadata"),
    }


@pytest.fixture(scope="module")
def quick(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The shared server, with a 400 ms statement timeout for this module's checks."""
    box = Sandbox(SandboxSettings(statement_timeout_ms=400))
    box.start()
    yield box
    box.close()


@pytest.fixture(scope="module")
def target_dir() -> Iterator[Path]:
    """A folder anyone may write to: a successful attack would leave its file here."""
    path = Path(tempfile.mkdtemp(prefix="dbarch-attack-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_attack(box: Sandbox, attack: Attack, target_dir: Path) -> tuple[Any, Path]:
    path = target_dir / f"{attack.name}-{secrets.token_hex(3)}"
    text = attack.sql.replace("{path}", str(path)).replace("{role}", box.settings.role)
    return check_sources([SqlSource(f"{attack.name}.sql", text)], sandbox=box, lint=False), path


def wait_until_equal(box: Sandbox, before: dict[str, Any]) -> dict[str, Any]:
    """The watchdog repairs what the SQL changed on its own role within a sweep or two."""
    deadline = time.monotonic() + 10
    while True:
        after = snapshot(box.admin())
        if after == before or time.monotonic() > deadline:
            return after
        time.sleep(0.2)


def test_there_are_enough_attacks() -> None:
    assert len(ATTACKS) >= 30
    assert len({a.name for a in ATTACKS}) == len(ATTACKS)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_is_refused_and_leaves_no_trace(quick: Sandbox, target_dir: Path, attack: Attack) -> None:
    before = snapshot(quick.admin())
    result, path = run_attack(quick, attack, target_dir)
    kind, _, detail = attack.refused.partition(":")
    if kind == "note":
        notes = [n.message for n in result.notes]
        assert any(detail in n for n in notes), (notes, [e.one_line() for e in result.errors])
    else:
        assert result.errors, f"{attack.name} was not refused: {result.notes}"
        states = [e.sqlstate or "" for e in result.errors]
        assert any(s.startswith(detail) for s in states), [e.one_line() for e in result.errors]
    assert not path.exists(), f"{attack.name} wrote {path}"
    assert os.listdir(path.parent) == [] or not any(p.startswith(attack.name) for p in os.listdir(path.parent))
    assert wait_until_equal(quick, before) == before


ROLE_CHANGES = [
    do("ALTER ROLE {role} SET statement_timeout = 0"),
    do("ALTER ROLE {role} RESET ALL"),
    do("ALTER ROLE {role} PASSWORD 'owned'"),
    do("ALTER ROLE {role} IN DATABASE postgres SET work_mem = '1GB'"),
]


@pytest.mark.parametrize("sql", ROLE_CHANGES, ids=["timeout-off", "reset-all", "password", "in-database"])
def test_what_a_role_may_change_on_itself_is_undone(quick: Sandbox, target_dir: Path, sql: str) -> None:
    """PostgreSQL lets any role change its own password and session defaults (even from a DO
    block): the watchdog puts them back, so nothing outlives the check."""
    before = snapshot(quick.admin())
    result, _ = run_attack(quick, Attack("self", sql, "error"), target_dir)
    assert result.errors == ()  # the server allows it ...
    assert wait_until_equal(quick, before) == before  # ... and the sandbox undoes it


def test_connection_flood_stops_at_the_role_limit(quick: Sandbox) -> None:
    from dbarch.tools.sandbox.lockdown import ROLE_CONNECTION_LIMIT

    with quick.scratch() as db:
        conns: list[psycopg.Connection[Any]] = []
        refused: psycopg.Error | None = None
        try:
            for _ in range(ROLE_CONNECTION_LIMIT + 5):
                try:
                    conns.append(psycopg.connect(db.dsn, autocommit=True))
                except psycopg.OperationalError as exc:
                    refused = exc
                    break
            assert refused is not None and "too many connections" in str(refused)
            assert len(conns) < ROLE_CONNECTION_LIMIT + 1
            assert quick.admin().execute("SELECT 1").fetchone() == (1,)  # the server still serves
        finally:
            for c in conns:
                c.close()
