"""Read-only mode against a real server: a user's database (here a separate database on the
test server, reached as its *superuser*, the worst DSN a user could give) where nothing may
change, whatever the query text tries."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from dbarch.tools.sandbox import Sandbox
from dbarch.tools.sandbox.readonly import ReadOnlyDatabase, ReadOnlyRefusal, explain_readonly, guard

USER_SCHEMA = """
CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, owner text NOT NULL,
  balance numeric(12,2) NOT NULL DEFAULT 0);
CREATE INDEX accounts_owner_idx ON accounts (owner);
INSERT INTO accounts (owner, balance) SELECT 'user' || g, g FROM generate_series(1, 2000) g;
CREATE SEQUENCE invoice_no;
CREATE FUNCTION wipe() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM accounts; RETURN 1; END $$;
CREATE FUNCTION sneaky() RETURNS int LANGUAGE plpgsql STABLE AS $$ BEGIN DELETE FROM accounts; RETURN 1; END $$;
CREATE FUNCTION rich(numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT $1 > 1000 $$;
CREATE VIEW big_accounts AS SELECT * FROM accounts WHERE balance > 1000;
ANALYZE accounts;
"""


@pytest.fixture(scope="module")
def user_dsn(sandbox: Sandbox) -> Iterator[str]:
    name = f"dbarch_user_{secrets.token_hex(3)}"
    admin = sandbox.admin()
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = make_conninfo(sandbox.admin_dsn, dbname=name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(USER_SCHEMA)
    yield dsn
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def target_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="dbarch-ro-attack-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def fingerprint(dsn: str) -> dict[str, Any]:
    """Everything a query could have changed on that server."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        def one(query: str) -> Any:
            return conn.execute(query).fetchall()

        return {
            "rows": one("SELECT count(*), sum(balance), md5(string_agg(owner, ',' ORDER BY id)) FROM accounts"),
            "relations": one("SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                             "ORDER BY 1"),
            "sequence": one("SELECT last_value, is_called FROM invoice_no"),
            "roles": one("SELECT rolname, rolsuper, rolpassword IS NOT NULL FROM pg_authid ORDER BY 1"),
            "role_settings": one("SELECT setdatabase, setrole, setconfig FROM pg_db_role_setting ORDER BY 1, 2"),
            "databases": one("SELECT datname, datallowconn FROM pg_database WHERE datname NOT LIKE 'dbarch\\_s\\_%' "
                             "ORDER BY 1"),
            "auto_conf": one("SELECT pg_read_file('postgresql.auto.conf')"),
            "large_objects": one("SELECT count(*) FROM pg_largeobject_metadata"),
            "extensions": one("SELECT extname FROM pg_extension ORDER BY 1"),
            "locks": one("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"),
        }


ATTACKS = [
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_catalog.pg_read_binary_file('/etc/passwd')",
    "SELECT * FROM pg_ls_dir('/')",
    "SELECT pg_stat_file('/etc/passwd')",
    "SELECT lo_import('/etc/passwd')",
    "SELECT lo_export(lo_from_bytea(0, 'x'), '{path}')",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "SELECT set_config('transaction_read_only', 'off', true), count(*) FROM accounts",
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
    "SELECT pg_reload_conf()",
    "SELECT nextval('invoice_no')",
    "SELECT setval('invoice_no', 100)",
    "SELECT pg_advisory_lock(42)",
    "SELECT pg_sleep(3600)",
    "SELECT query_to_xml('DELETE FROM accounts RETURNING *', true, false, '')",
    "SELECT dblink_exec('dbname=postgres', 'CREATE ROLE evil SUPERUSER')",
    "SELECT wipe()",
    "SELECT public.wipe() FROM accounts LIMIT 1",
    "SELECT * INTO stolen FROM accounts",
    "SELECT * FROM accounts FOR UPDATE",
    "COMMIT; DELETE FROM accounts",
    "ROLLBACK; DROP TABLE accounts",
    "SELECT 1; DROP TABLE accounts",
    "DROP TABLE accounts",
    "TRUNCATE accounts",
    "CREATE TABLE evil (a int)",
    "COPY (SELECT 1) TO PROGRAM 'touch {path}'",
    "COPY accounts TO '{path}'",
    "DO $$ BEGIN DELETE FROM accounts; END $$",
    "SET ROLE postgres",
    "SET default_transaction_read_only = off",
    "RESET ALL",
    "ALTER SYSTEM SET work_mem = '1GB'",
    "CREATE ROLE evil SUPERUSER",
    "GRANT pg_execute_server_program TO PUBLIC",
    "CALL some_procedure()",
    "LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE",
    "VACUUM FULL accounts",
    "NOTIFY channel, 'x'",
    "PREPARE p AS DELETE FROM accounts",
    "EXPLAIN ANALYZE DELETE FROM accounts",
    "LOAD 'auto_explain'",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_attack_is_refused_and_nothing_changes(user_dsn: str, target_dir: Path, text: str) -> None:
    path = target_dir / f"ro-{secrets.token_hex(3)}"
    query = text.replace("{path}", str(path))
    before = fingerprint(user_dsn)
    for analyze in (False, True):
        reports = explain_readonly(user_dsn, query, analyze=analyze, statement_timeout_ms=500)
        assert any(r.error is not None for r in reports), f"not refused: {query}"
        for r in reports:  # "SELECT 1; DROP ..." is two queries: the harmless one may be explained
            if r.ok:
                assert not guard(r.sql).modifies or not r.analyzed
    assert not path.exists()
    assert fingerprint(user_dsn) == before


HIDDEN_WRITES = [
    # data-changing statements are planned (EXPLAIN) but never run, and never with ANALYZE
    "WITH gone AS (DELETE FROM accounts RETURNING *) SELECT count(*) FROM gone",
    "WITH moved AS (UPDATE accounts SET balance = 0 RETURNING id) SELECT * FROM moved",
    "INSERT INTO accounts (owner) VALUES ('intruder')",
    "UPDATE accounts SET balance = balance * 2",
    "DELETE FROM accounts WHERE id > 10",
    "MERGE INTO accounts a USING (SELECT 1 AS id) s ON a.id = s.id WHEN MATCHED THEN DELETE",
]


@pytest.mark.parametrize("text", HIDDEN_WRITES)
def test_writes_are_explained_never_executed(user_dsn: str, text: str) -> None:
    before = fingerprint(user_dsn)
    (plain,) = explain_readonly(user_dsn, text)
    assert plain.ok, plain.error
    assert plain.plan is not None and not plain.analyzed
    (measured,) = explain_readonly(user_dsn, text, analyze=True)
    assert isinstance(measured.error, ReadOnlyRefusal)
    assert "changes data" in measured.error.message
    assert fingerprint(user_dsn) == before


def test_a_stable_function_that_writes_is_stopped_by_postgresql(user_dsn: str) -> None:
    """``sneaky()`` lies about its volatility: the grammar lets it through, the read-only
    transaction (and PL/pgSQL's own check) stop the DELETE."""
    before = fingerprint(user_dsn)
    (report,) = explain_readonly(user_dsn, "SELECT sneaky()", analyze=True)
    assert report.error is not None and report.error.sqlstate in ("25006", "0A000")
    assert fingerprint(user_dsn) == before


def test_select_is_explained_and_measured_only_on_request(user_dsn: str) -> None:
    before = fingerprint(user_dsn)
    query = "SELECT owner FROM accounts WHERE owner = 'user7' AND rich(balance)"
    (plain,) = explain_readonly(user_dsn, query)
    assert plain.ok and plain.execution_ms is None
    assert "accounts_owner_idx" in plain.indexes_used()
    with ReadOnlyDatabase(user_dsn) as db:
        refused = db.explain(query, analyze=True)
    assert isinstance(refused.error, ReadOnlyRefusal) and "--analyze" in (refused.error.hint or "")
    (measured,) = explain_readonly(user_dsn, query, analyze=True)
    assert measured.ok and measured.execution_ms is not None
    (view,) = explain_readonly(user_dsn, "SELECT count(*) FROM big_accounts")
    assert view.ok
    assert fingerprint(user_dsn) == before


def test_statement_timeout_is_enforced_by_the_server(user_dsn: str) -> None:
    (report,) = explain_readonly(user_dsn, "SELECT count(*) FROM generate_series(1, 1000000000000)",
                                 analyze=True, statement_timeout_ms=300)
    assert report.error is not None and report.error.sqlstate == "57014"


def test_introspection_reads_the_catalog_model(user_dsn: str) -> None:
    before = fingerprint(user_dsn)
    with ReadOnlyDatabase(user_dsn) as db:
        schema = db.schema()
    assert "accounts" in [t.name for t in schema]
    assert fingerprint(user_dsn) == before


@pytest.mark.parametrize("text", ["SELECT 1", "VALUES (1), (2)", "TABLE accounts",
                                  "SELECT count(*) FROM accounts a JOIN accounts b USING (id)"])
def test_plain_queries_pass_the_grammar(text: str) -> None:
    assert guard(text).modifies is False


def test_the_recommended_read_only_role_works(sandbox: Sandbox, user_dsn: str) -> None:
    """The role docs/SECURITY.md recommends (created exactly as shown there) can explain."""
    role = f"dbarch_reader_{secrets.token_hex(2)}"
    admin_conn = psycopg.connect(user_dsn, autocommit=True)
    try:
        admin_conn.execute(sql.SQL(
            "CREATE ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; "
            "GRANT pg_read_all_data TO {r}; "
            "ALTER ROLE {r} SET default_transaction_read_only = on; "
            "ALTER ROLE {r} SET statement_timeout = '30s'").format(r=sql.Identifier(role)))
        dsn = make_conninfo(user_dsn, user=role)
        (report,) = explain_readonly(dsn, "SELECT * FROM accounts WHERE owner = 'user9'", analyze=True)
        assert report.ok and report.analyzed
        (refused,) = explain_readonly(dsn, "SELECT count(*) FROM (SELECT * FROM accounts) s, "
                                      "LATERAL (SELECT rich(balance)) r")
        assert refused.ok
        with psycopg.connect(dsn, autocommit=True) as conn, pytest.raises(psycopg.Error):
            conn.execute("SELECT pg_read_file('/etc/passwd')")  # the role itself is refused too
    finally:
        admin_conn.execute(sql.SQL("DROP OWNED BY {r}; DROP ROLE {r}").format(r=sql.Identifier(role)))
        admin_conn.close()


@pytest.mark.parametrize("text", [a for a in ATTACKS if "wipe()" not in a])  # wipe(): the catalog check
def test_the_grammar_layer_alone_refuses_every_attack(text: str) -> None:
    """Without the workload reader in front (the agent's and MCP's tools call the guard on
    text they did not split), PostgreSQL's grammar and the allowlist refuse each attack."""
    with pytest.raises(ReadOnlyRefusal):
        guard(text)


def test_advice_without_hypopg_says_what_to_do(user_dsn: str) -> None:
    from dbarch.tools.errors import DbarchError
    from dbarch.tools.sandbox.readonly import advise_readonly

    before = fingerprint(user_dsn)
    with pytest.raises(DbarchError, match="hypopg") as caught:
        advise_readonly(user_dsn, "SELECT * FROM accounts WHERE balance > 10")
    assert "never builds a real index" in (caught.value.hint or "")
    assert fingerprint(user_dsn) == before


def test_cli_explain_dsn(user_dsn: str) -> None:
    import json
    import subprocess
    import sys

    dbarch = str(Path(sys.executable).with_name("dbarch"))
    before = fingerprint(user_dsn)
    ok = subprocess.run([dbarch, "explain", "--dsn", user_dsn, "--format", "json",
                         "SELECT * FROM accounts WHERE owner = 'user3'"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["read_only"] is True and doc["queries"][0]["error"] is None
    refused = subprocess.run([dbarch, "explain", "--dsn", user_dsn, "--analyze", "DELETE FROM accounts"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "changes data" in refused.stdout
    both = subprocess.run([dbarch, "explain", "--dsn", user_dsn, "--schema", "x.sql", "SELECT 1"],
                          capture_output=True, text=True, timeout=120)
    assert both.returncode == 2 and "do not go together" in both.stderr and "Traceback" not in both.stderr
    assert fingerprint(user_dsn) == before
